import { constants } from 'node:zlib';
import compress from '@fastify/compress';
import type { FastifyInstance } from 'fastify';

/**
 * Answers smaller than this are sent as they are: a few hundred bytes gain little and brotli's
 * framing can even make them bigger. Streamed answers have no known size and are always encoded.
 */
export const COMPRESSION_THRESHOLD_BYTES = 1024;

/**
 * Types worth compressing: text (CSV exports and downloads, HTML pages, metrics), JSON (including
 * `application/problem+json`), XML (SAML metadata) and JavaScript. Never `text/event-stream`: a
 * compressor holds events back until its buffer fills. Types not matched here fall back to
 * mime-db's `compressible` flag, which is false for images, PDF, ZIP and octet-stream, so photos,
 * QR PNGs and card PDFs go out as they are (they are compressed already).
 */
const COMPRESSIBLE_TYPES = /^text\/(?!event-stream)|[/+]json(?:;|$)|[/+]xml(?:;|$)|javascript(?:;|$)/i;

/**
 * Compresses dynamic answers by `Accept-Encoding`: brotli first (quality 4: close to gzip's speed,
 * smaller output), then gzip (level 6), else none; `Vary: Accept-Encoding` on every encoded answer.
 * Answers already encoded (the web build's precompressed files) pass through untouched.
 * Streamed answers (the persons CSV export) stay streamed: the compressor is a transform in the
 * pipeline, so memory stays bounded and the first bytes still leave before the last row is read.
 * Must be registered before the routes: it attaches itself to every route declared after it.
 */
export async function installCompression(app: FastifyInstance): Promise<void> {
  await app.register(compress, {
    globalCompression: true,
    // Request bodies are read as sent: inflating them would let a small upload grow past the body
    // limits, and a Content-Encoding the plugin does not know would turn into a 415.
    globalDecompression: false,
    threshold: COMPRESSION_THRESHOLD_BYTES,
    encodings: ['br', 'gzip'],
    customTypes: COMPRESSIBLE_TYPES,
    brotliOptions: { params: { [constants.BROTLI_PARAM_QUALITY]: 4, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT } },
  });
}
