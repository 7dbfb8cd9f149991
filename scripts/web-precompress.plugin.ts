// Writes `<file>.br` (brotli, quality 11) and `<file>.gz` (gzip -9) next to every text file of the
// web build, so the server sends them as they are instead of compressing on each request
// (src/modules/web/web.routes.ts serves them with @fastify/static's `preCompressed`).
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Logger, Plugin } from 'vite';
import { isPrecompressible } from '../src/modules/web/precompressed-files.ts';

const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** What {@link precompressDirectory} wrote: files, and their bytes as built, brotli and gzip. */
export interface PrecompressSummary {
  files: number;
  identityBytes: number;
  brotliBytes: number;
  gzipBytes: number;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

/**
 * Compresses every precompressible file under `dir` (see isPrecompressible) into its `.br` and
 * `.gz` siblings, replacing older ones. Files are compressed concurrently on libuv's thread pool.
 * Both siblings are always written, even for a tiny file that barely shrinks: a missing sibling
 * would make the server compress that file on every request instead.
 */
export async function precompressDirectory(dir: string): Promise<PrecompressSummary> {
  const summary: PrecompressSummary = { files: 0, identityBytes: 0, brotliBytes: 0, gzipBytes: 0 };
  const files = (await filesUnder(dir)).filter(isPrecompressible);
  await Promise.all(files.map(async (file) => {
    const content = await readFile(file);
    const [brotli, gzipped] = await Promise.all([
      brotliAsync(content, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
          [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
          [constants.BROTLI_PARAM_SIZE_HINT]: content.length,
        },
      }),
      gzipAsync(content, { level: constants.Z_BEST_COMPRESSION }),
    ]);
    await Promise.all([writeFile(`${file}.br`, brotli), writeFile(`${file}.gz`, gzipped)]);
    summary.files += 1;
    summary.identityBytes += content.length;
    summary.brotliBytes += brotli.length;
    summary.gzipBytes += gzipped.length;
  }));
  return summary;
}

/**
 * The Vite plugin: once the build is written (bundle and public/ files), precompresses the output
 * directory. Build only; the development server compresses nothing.
 */
export function precompressPlugin(): Plugin {
  let outDir = '';
  let logger: Logger | null = null;
  let written = false;
  return {
    name: 'campuscard:precompress',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
      logger = config.logger;
    },
    writeBundle() {
      written = true;
    },
    async closeBundle() {
      // closeBundle also runs after a failed build: only a written bundle is compressed.
      if (!written) return;
      const started = performance.now();
      const summary = await precompressDirectory(outDir);
      const kib = (bytes: number): string => `${Math.round(bytes / 1024)} KiB`;
      logger?.info(`precompressed ${summary.files} files: ${kib(summary.identityBytes)} → br ${kib(summary.brotliBytes)}, gzip ${kib(summary.gzipBytes)} (${Math.round(performance.now() - started)} ms)`);
    },
  };
}
