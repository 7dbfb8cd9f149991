import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyReply } from 'fastify';
import type { AppDeps, AppInstance } from '../../app/app-types.ts';
import { isPrecompressible } from './precompressed-files.ts';

/** Where `vite build --config web/vite.config.ts` writes the web application. */
export const WEB_DIST_DIR = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

/** Paths the single-page application never answers: the API and the server-rendered verification page. */
const SERVER_PREFIXES = ['/api/', '/v/'];

/**
 * Content security policy of the application pages: scripts only from this origin; inline styles
 * are needed by the component library (CSS variables); photos and QR codes come from the API or
 * are drawn locally (blob:, data:).
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

const UNBUILT_PAGE = `<!doctype html><html lang="en"><meta charset="utf-8"><title>campuscard</title>
<body style="font-family:system-ui;max-width:40rem;margin:3rem auto;padding:0 1rem">
<h1>campuscard</h1><p>The web interface is not built yet. Run <code>npm run build:web</code> (or <code>npm install</code>,
which builds it) and restart. The API is available at <a href="/api/docs">/api/docs</a>.</p></body></html>`;

function isServerPath(url: string): boolean {
  return SERVER_PREFIXES.some((prefix) => url === prefix.slice(0, -1) || url.startsWith(prefix));
}

/** The file under `root` that `urlPath` names, or null when it leaves the root or is not a file. */
async function fileIn(root: string, urlPath: string): Promise<string | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const relative = normalize(decoded).replace(/^([/\\])+/, '');
  if (relative === '' || relative.split(sep).some((part) => part === '..' || part.startsWith('.'))) return null;
  const absolute = join(root, relative);
  if (!absolute.startsWith(root)) return null;
  const info = await stat(absolute).catch(() => null);
  return info?.isFile() ? relative : null;
}

function sendIndex(reply: FastifyReply): FastifyReply {
  return reply
    .header('cache-control', 'no-cache')
    .header('vary', 'accept-encoding')
    .header('content-security-policy', CSP)
    .header('referrer-policy', 'same-origin')
    .sendFile('index.html');
}

/**
 * Serves the built web application from web/dist: hashed assets cached for a year, the service
 * worker and manifest always revalidated, and index.html for every other path that is not the
 * API or the verification page (client-side routing). Text files are sent from the `.br` or `.gz`
 * copy the build wrote beside them when `Accept-Encoding` allows (brotli first), with the original
 * file's Content-Type and `Vary: Accept-Encoding` on every variant, so a cache never hands brotli to
 * a client that did not ask for it. Every route is public: the pages hold no data, the API they
 * call checks access.
 */
export async function webRoutes(app: AppInstance, _deps: AppDeps): Promise<void> {
  const root = WEB_DIST_DIR;
  const built = existsSync(join(root, 'index.html'));
  // cacheControl is off here, not per sendFile call: when a compressed copy is missing (an image, or
  // `deflate` asked first), @fastify/static retries without the call's options, and send's default
  // `public, max-age=0` would replace the Cache-Control set below.
  if (built) await app.register(fastifyStatic, { root, serve: false, preCompressed: true, cacheControl: false });

  app.get('/*', { config: { access: { public: true } }, schema: { hide: true } }, async (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    if (isServerPath(path)) return reply.callNotFound();
    if (!built) return reply.status(503).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(UNBUILT_PAGE);
    const file = await fileIn(root, path);
    if (file) {
      if (file === 'index.html') return sendIndex(reply);
      const hashed = file.startsWith(`assets${sep}`);
      if (isPrecompressible(file)) void reply.header('vary', 'accept-encoding');
      return reply
        .header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache')
        .sendFile(file);
    }
    // A missing asset is a 404, not the application page (a stale tab must not get HTML as JS).
    if (path.startsWith('/assets/') || extname(path) !== '') return reply.callNotFound();
    return sendIndex(reply);
  });
}
