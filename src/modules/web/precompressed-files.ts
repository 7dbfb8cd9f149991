import { extname } from 'node:path';

/**
 * Extensions of the built web files that compress well: text formats. Images (png, jpg, webp),
 * fonts (woff2) and anything else are already compressed or binary and are left alone; source
 * maps are not published, so they are not listed.
 */
const PRECOMPRESSED_EXTENSIONS = new Set(['.js', '.mjs', '.css', '.html', '.svg', '.json', '.webmanifest', '.txt', '.xml']);

/**
 * True for a file of web/dist that the build writes `.br` and `.gz` siblings for, and that the
 * server therefore answers according to `Accept-Encoding` (with `Vary: Accept-Encoding`). The
 * sibling names are the ones @fastify/static's `preCompressed` looks for: `<file>.br`, `<file>.gz`.
 */
export function isPrecompressible(fileName: string): boolean {
  return PRECOMPRESSED_EXTENSIONS.has(extname(fileName).toLowerCase());
}
