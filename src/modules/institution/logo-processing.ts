/**
 * The institution logo pipeline: whatever was uploaded (PNG, JPEG, SVG or gzipped SVG) is decoded
 * by sharp and written out again as pixels, so what is stored and served is only ever a
 * metadata-free PNG or JPEG of at most LOGO_MAX_SIDE pixels a side.
 *
 * SVG is never filtered by hand: it is rendered by librsvg (through sharp) into a PNG and the
 * source is dropped. Scripts, event handlers, animations, links and foreign objects are not run by
 * a renderer, so nothing active survives. librsvg is given the bytes without a base URL, so it
 * refuses every reference to another document (`file:`, `http:`, relative paths, XInclude) and only
 * loads `data:` URLs; libxml2 does not load external entities and stops entity expansion bombs.
 * The rendering is bounded: density chosen from the declared size, pixel limits on the header and
 * on the rendering, and it runs in a short-lived child process (one thread, no environment) that
 * is killed after LOGO_TIMEOUT_SECONDS, so a hostile SVG can neither hold the server's thread pool
 * nor crash the server.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import sharp from 'sharp';
import type { Metadata, SharpOptions } from 'sharp';
import { ProblemError, unprocessable } from '../../platform/http/problem.ts';
import { identifyContent, sniffImageType } from '../photos/domain/image-sniffing.ts';
import { createGate } from '../../platform/concurrency/gate.ts';

/** Largest accepted upload, in bytes (before decompression of a gzipped SVG). */
export const LOGO_MAX_BYTES = 512 * 1024;
/** The stored logo fits in a square of this side: crisp at the 48 px of the console, and on a 300 dpi print. */
export const LOGO_MAX_SIDE = 512;
/** Largest gzipped SVG once inflated: more is a decompression bomb, not a logo. */
export const LOGO_MAX_SVG_BYTES = 2 * 1024 * 1024;
/** Largest raster logo accepted, width x height from its header (a 40 Mpx decode is ~160 MB). */
export const LOGO_MAX_INPUT_PIXELS = 40_000_000;
/**
 * Longest drawing of an SVG logo, in seconds: its renderer is then killed. A chain of a few
 * thousand blur filters takes minutes in librsvg, and sharp's own timeout is only checked
 * between tiles, so it cannot stop one.
 */
export const LOGO_TIMEOUT_SECONDS = 10;
/** SVG renderers running at once in this process (each a process of its own, on one thread). */
export const LOGO_RENDER_CONCURRENCY = 2;

/** The only content types a stored logo may have, hence the only ones it is served with. */
export type StoredLogoMime = 'image/png' | 'image/jpeg';

/** A logo ready to be stored: decoded, resized and encoded again by sharp. */
export interface ProcessedLogo {
  bytes: Buffer;
  mime: StoredLogoMime;
  width: number;
  height: number;
}

/** SVG renders at 72 dpi by default: one CSS pixel per output pixel. */
const SVG_BASE_DENSITY = 72;
/** Highest density used: a 1 px wide SVG still becomes LOGO_MAX_SIDE pixels, and no more. */
const SVG_MAX_DENSITY = SVG_BASE_DENSITY * LOGO_MAX_SIDE;
/** The rendering is sized to fit LOGO_MAX_SIDE; rounding may add a pixel, never a factor of four. */
const SVG_MAX_RENDER_PIXELS = 4 * LOGO_MAX_SIDE * LOGO_MAX_SIDE;
const GZIP_MAGIC = [0x1f, 0x8b] as const;
/** Truncated or corrupt input fails instead of giving a half-drawn logo. */
const BASE_OPTIONS: SharpOptions = { failOn: 'error' };

const FIELD = '/file';

function unreadable(detail: string, cause?: unknown): ProblemError {
  const error = unprocessable('logo_corrupt', detail, { field: FIELD });
  if (cause !== undefined) error.cause = cause;
  return error;
}

function unsupported(): ProblemError {
  return new ProblemError(415, 'logo_unsupported_type', 'The logo must be a PNG, JPEG or SVG image', { field: FIELD });
}

/** The bytes inside a gzip stream (an .svgz), refused above LOGO_MAX_SVG_BYTES. */
function inflate(bytes: Buffer): Buffer {
  try {
    return gunzipSync(bytes, { maxOutputLength: LOGO_MAX_SVG_BYTES });
  } catch (error) {
    throw unreadable(`The compressed logo cannot be inflated, or is larger than ${LOGO_MAX_SVG_BYTES / 1024 / 1024} MB inflated`, error);
  }
}

async function readHeader(input: Buffer, options: SharpOptions): Promise<Metadata | undefined> {
  try {
    return await sharp(input, { ...BASE_OPTIONS, ...options }).metadata();
  } catch (error) {
    // libvips says so when no loader recognises the bytes: not an image at all.
    if (error instanceof Error && /unsupported image format/i.test(error.message)) return undefined;
    throw unreadable('The logo cannot be read', error);
  }
}

async function encode(run: () => Promise<{ data: Buffer; info: sharp.OutputInfo }>, mime: StoredLogoMime): Promise<ProcessedLogo> {
  try {
    const { data, info } = await run();
    return { bytes: data, mime, width: info.width, height: info.height };
  } catch (error) {
    throw unreadable('The logo cannot be decoded: it is truncated, corrupt or too large', error);
  }
}

/** What the rendering process is told: where sharp is, and the bounds it renders within. */
interface RendererSettings {
  sharpUrl: string;
  maxSide: number;
  baseDensity: number;
  maxDensity: number;
  headerPixels: number;
  renderPixels: number;
}

/**
 * The SVG renderer, run by `node --input-type=module -e` in a process of its own: the SVG on
 * stdin, the PNG on stdout, and on failure a one-line reason on stderr with exit code 3 (not an
 * SVG) or 2 (cannot be drawn). Plain JavaScript in a string so that it runs the same from the
 * sources and from the server bundle. The density is chosen so that the declared size (read at
 * 72 dpi) fills maxSide, within [1, maxDensity]; the final resize catches rounding.
 */
const RENDERER_SOURCE = `
const settings = JSON.parse(process.argv[1]);
const { default: sharp } = await import(settings.sharpUrl);
sharp.concurrency(1);
sharp.cache(false);
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const svg = Buffer.concat(chunks);
const fail = (code, reason) => { process.stderr.write(String(reason).split('\\n')[0]); process.exitCode = code; };
try {
  const header = await sharp(svg, { failOn: 'error', density: settings.baseDensity, limitInputPixels: settings.headerPixels }).metadata();
  if (header.format !== 'svg') {
    fail(3, 'not an SVG: ' + header.format);
  } else if (!(header.width > 0) || !(header.height > 0)) {
    fail(2, 'the SVG has no size');
  } else {
    const bound = (value) => Math.min(settings.maxDensity, Math.max(1, value));
    const side = (meta) => Math.max(meta.width, meta.height);
    // Pixel sizes grow with the density, physical ones (mm, in, pt) with its square: libvips
    // hands the density to librsvg and scales by it too. Try the first, else the second.
    let density = bound(settings.baseDensity * settings.maxSide / side(header));
    const tried = await sharp(svg, { failOn: 'error', density, limitInputPixels: settings.headerPixels }).metadata();
    if (Math.abs(side(tried) - settings.maxSide) > 2) {
      density = bound(settings.baseDensity * Math.sqrt(settings.maxSide / side(header)));
    }
    const png = await sharp(svg, { failOn: 'error', density, limitInputPixels: settings.renderPixels })
      .resize({ width: settings.maxSide, height: settings.maxSide, fit: 'inside', withoutEnlargement: true })
      .png({ compressionLevel: 9 })
      .toBuffer();
    process.stdout.write(png);
  }
} catch (error) {
  fail(/unsupported image format/i.test(error.message) ? 3 : 2, error.message);
}
`;

const RENDERER_SETTINGS: RendererSettings = {
  sharpUrl: pathToFileURL(createRequire(import.meta.url).resolve('sharp')).href,
  maxSide: LOGO_MAX_SIDE,
  baseDensity: SVG_BASE_DENSITY,
  maxDensity: SVG_MAX_DENSITY,
  headerPixels: LOGO_MAX_INPUT_PIXELS,
  renderPixels: SVG_MAX_RENDER_PIXELS,
};

/** Largest answer a renderer may give: a 512 x 512 RGBA PNG that does not compress at all, and some. */
const RENDERER_MAX_OUTPUT = 2 * 1024 * 1024;

type RenderOutcome = { png: Buffer } | { failure: 'unsupported' | 'unreadable' | 'timeout'; reason: string };

/** Runs the renderer on `svg` and kills it (SIGKILL) when it outlives LOGO_TIMEOUT_SECONDS. */
function runRenderer(svg: Buffer): Promise<RenderOutcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', RENDERER_SOURCE, JSON.stringify(RENDERER_SETTINGS)], {
      stdio: ['pipe', 'pipe', 'pipe'],
      // No environment: no secret of the server (database URL, keys) reaches librsvg.
      env: {},
    });
    const output: Buffer[] = [];
    const errors: Buffer[] = [];
    let outputBytes = 0;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, LOGO_TIMEOUT_SECONDS * 1000);
    child.stdout.on('data', (chunk: Buffer) => {
      outputBytes += chunk.length;
      if (outputBytes > RENDERER_MAX_OUTPUT) child.kill('SIGKILL');
      else output.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => { if (errors.length < 16) errors.push(chunk); });
    // A renderer that dies before reading all of stdin breaks the pipe: its exit says why.
    child.stdin.on('error', () => undefined);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ failure: 'unreadable', reason: error.message });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const reason = Buffer.concat(errors).toString('utf8').slice(0, 500);
      if (timedOut) resolve({ failure: 'timeout', reason: `killed after ${LOGO_TIMEOUT_SECONDS} s` });
      else if (code === 0 && outputBytes <= RENDERER_MAX_OUTPUT) resolve({ png: Buffer.concat(output) });
      else resolve({ failure: code === 3 ? 'unsupported' : 'unreadable', reason: reason || `renderer exit code ${String(code)}` });
    });
    child.stdin.end(svg);
  });
}

const runGated = createGate(LOGO_RENDER_CONCURRENCY);

async function rasterise(svg: Buffer): Promise<ProcessedLogo> {
  const outcome = await runGated(() => runRenderer(svg));
  if ('failure' in outcome) {
    const cause = new Error(outcome.reason);
    if (outcome.failure === 'unsupported') throw unsupported();
    if (outcome.failure === 'timeout') throw unreadable(`The SVG logo could not be drawn within ${LOGO_TIMEOUT_SECONDS} s: it is too complex`, cause);
    throw unreadable('The SVG logo cannot be read or drawn: it is malformed, too large or too complex', cause);
  }
  // The renderer is trusted for nothing: its answer must be a PNG within the bounds.
  const header = await readHeader(outcome.png, { limitInputPixels: SVG_MAX_RENDER_PIXELS });
  if (!header || header.format !== 'png' || !(header.width > 0) || header.width > LOGO_MAX_SIDE || header.height > LOGO_MAX_SIDE) {
    throw unreadable('The SVG logo could not be drawn');
  }
  return { bytes: outcome.png, mime: 'image/png', width: header.width, height: header.height };
}

async function reencode(raster: Buffer, format: 'png' | 'jpeg'): Promise<ProcessedLogo> {
  const header = await readHeader(raster, { limitInputPixels: false });
  if (!header || header.format !== format || !(header.width > 0) || !(header.height > 0)) {
    throw unreadable(`The ${format.toUpperCase()} logo cannot be read`);
  }
  if (header.width * header.height > LOGO_MAX_INPUT_PIXELS) {
    throw unreadable(`The logo is ${header.width}x${header.height} pixels; at most ${LOGO_MAX_INPUT_PIXELS} pixels are accepted`);
  }
  // No keepMetadata: EXIF, XMP, ICC and any chunk or trailer after the image are dropped, and the
  // pixels are converted to sRGB. PNG keeps its transparency; JPEG stays JPEG (photographic logos).
  const pipeline = sharp(raster, { ...BASE_OPTIONS, limitInputPixels: LOGO_MAX_INPUT_PIXELS })
    .autoOrient()
    .resize({ width: LOGO_MAX_SIDE, height: LOGO_MAX_SIDE, fit: 'inside', withoutEnlargement: true })
    .toColourspace('srgb')
    .timeout({ seconds: LOGO_TIMEOUT_SECONDS });
  return format === 'png'
    ? encode(() => pipeline.png({ compressionLevel: 9 }).toBuffer({ resolveWithObject: true }), 'image/png')
    : encode(() => pipeline.jpeg({ quality: 90 }).toBuffer({ resolveWithObject: true }), 'image/jpeg');
}

/**
 * Turns uploaded (or previously stored) logo bytes into the logo to store. The content decides
 * what the file is, never a declared type: PNG and JPEG by their magic bytes, anything else must be
 * an SVG (plain, or gzipped as .svgz) that librsvg can draw.
 *
 * Throws 413 `logo_too_large` above LOGO_MAX_BYTES, 415 `logo_unsupported_type` for anything that
 * is not a PNG, JPEG or SVG, and 422 `logo_corrupt` for an image that cannot be read or drawn within
 * the limits (malformed XML, entity bombs, absurd sizes, truncated rasters, timeouts). Every problem
 * names the field `/file`.
 */
export async function processLogo(bytes: Buffer): Promise<ProcessedLogo> {
  if (bytes.length > LOGO_MAX_BYTES) {
    throw new ProblemError(413, 'logo_too_large', `The logo must be at most ${LOGO_MAX_BYTES / 1024} KB`, { field: FIELD });
  }
  const raster = sniffImageType(bytes);
  if (raster) return reencode(bytes, raster);
  const gzipped = bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
  const svg = gzipped ? inflate(bytes) : bytes;
  // An SVG is UTF-8 text: GIF, WebP, PDF, UTF-16 or any binary is refused without starting a renderer.
  const kind = identifyContent(svg);
  if (kind !== 'SVG/XML' && kind !== 'text') throw unsupported();
  return rasterise(svg);
}
