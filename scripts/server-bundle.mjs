// The server bundle: src/ compiled by esbuild into one ES module, dist/server/main.js, so that a
// start loads one file instead of having tsx transform every source file (about a second of each
// start). Packages stay in node_modules, but two (BUNDLED_PACKAGES); migrations/ and web/dist/ are
// still read from the package at run time. `node scripts/server-bundle.mjs` (`npm run
// build:server`, and `npm install` through `prepare`) builds it; bin/campuscard.js runs it only
// while it matches the sources, and rebuilds it first when they changed.
//
// Plain JavaScript on purpose: bin/campuscard.js loads this before any TypeScript loader exists.
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Root of the campuscard package (the folder holding package.json). */
export const PACKAGE_ROOT = fileURLToPath(new URL('../', import.meta.url));
/** The bundle; its last line is the manifest of the sources it was built from. */
export const BUNDLE_PATH = join(PACKAGE_ROOT, 'dist', 'server', 'main.js');
const ENTRY = 'src/cli/main.ts';
const MANIFEST_MARKER = '// campuscard-server-bundle ';
// Files that shape the output without being bundled: this script (build options), the TypeScript
// settings esbuild reads, and the package manifest (module type, import maps).
const BUILD_SETTINGS = ['scripts/server-bundle.mjs', 'tsconfig.json', 'package.json'];
// Packages compiled into the bundle rather than loaded from node_modules: pure ES modules split
// into hundreds of files (Kysely about 260, TypeBox 200), which Node 20's ESM loader resolves,
// reads and compiles one at a time (a few tenths of a second at each start). The others stay
// external: native addons, packages that read files next to themselves (PGlite's wasm, the
// Swagger UI assets), and CommonJS packages, which Node loads quickly.
const BUNDLED_PACKAGES = new Set(['kysely', '@sinclair/typebox']);
const LOADERS = { '.ts': 'ts', '.mts': 'ts', '.tsx': 'tsx', '.js': 'js', '.mjs': 'js', '.json': 'json' };
// How far from the end the manifest line may start (a few KB today for ~100 sources).
const MANIFEST_TAIL_BYTES = 256 * 1024;

/**
 * Digest of the sources a bundle is made of: file names and exact contents, in a fixed order, so
 * that any edit, rename or removal of one of them changes it.
 * @param {Array<[string, Buffer]>} files package-relative path and content
 */
function digestOf(files) {
  const hash = createHash('sha256');
  for (const [path, content] of [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    hash.update(`${path}\0${content.length}\0`).update(content);
  }
  return hash.digest('hex');
}

/** Reads the manifest line at the end of the bundle, or returns undefined when there is none. */
function readManifest() {
  let fd;
  try {
    fd = openSync(BUNDLE_PATH, 'r');
  } catch {
    return undefined;
  }
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, MANIFEST_TAIL_BYTES);
    const tail = Buffer.alloc(length);
    readSync(fd, tail, 0, length, size - length);
    const text = tail.toString('utf8');
    const at = text.lastIndexOf(`\n${MANIFEST_MARKER}`);
    if (at < 0) return undefined;
    const manifest = JSON.parse(text.slice(at + 1 + MANIFEST_MARKER.length));
    return typeof manifest?.digest === 'string' && Array.isArray(manifest.inputs) ? manifest : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * True when dist/server/main.js was built from exactly the sources now on disk. Reads and hashes
 * every file the bundle was made of (about a hundred small files: a few milliseconds), so that a
 * copy that kept old modification times, a checkout or an edit made during a build cannot pass.
 */
export function isBundleFresh() {
  const manifest = readManifest();
  if (!manifest) return false;
  try {
    return digestOf(manifest.inputs.map((path) => [path, readFileSync(join(PACKAGE_ROOT, path))])) === manifest.digest;
  } catch {
    return false; // a source was removed or renamed
  }
}

/**
 * An esbuild plugin that:
 * - leaves every package outside the bundle but {@link BUNDLED_PACKAGES}; a bundled package is
 *   recorded by its package.json (its version), not by its hundreds of files;
 * - loads every source itself, so that the manifest hashes the very bytes that were compiled (a
 *   file saved during the build makes the bundle stale, never wrongly fresh);
 * - rewrites `import.meta.url` to the URL of the source file: code that finds files next to itself
 *   (`new URL('../../../migrations/', import.meta.url)`) resolves them as it does under tsx.
 * @param {Map<string, Buffer>} loaded filled with package-relative path → content
 * @param {string} outDir folder of the bundle, which `import.meta.url` denotes inside it
 */
function sourcesPlugin(loaded, outDir) {
  return {
    name: 'campuscard-sources',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        const name = args.path.split('/').slice(0, args.path.startsWith('@') ? 2 : 1).join('/');
        return BUNDLED_PACKAGES.has(name) ? undefined : { external: true };
      });
      build.onLoad({ filter: /.*/ }, (args) => {
        const path = relative(PACKAGE_ROOT, args.path).split(sep).join('/');
        const inPackage = /^(?:.*\/)?node_modules\/(?:@[^/]+\/)?[^/]+\//.exec(path);
        if (inPackage) {
          const manifest = `${inPackage[0]}package.json`;
          if (!loaded.has(manifest)) loaded.set(manifest, readFileSync(join(PACKAGE_ROOT, manifest)));
          return undefined;
        }
        const loader = LOADERS[extname(args.path)];
        if (!loader || path.startsWith('../')) {
          return { errors: [{ text: `unexpected input ${args.path}: only package sources are bundled` }] };
        }
        const content = readFileSync(args.path);
        loaded.set(path, content);
        const source = content.toString('utf8');
        const other = /\bimport\.meta\.(?!url\b)\w+/.exec(source);
        if (other) {
          return { errors: [{ text: `${other[0]} in ${path} has no meaning in the bundle; use import.meta.url` }] };
        }
        const fromBundle = relative(outDir, args.path).split(sep).join('/');
        return { contents: source.replace(/\bimport\.meta\.url\b/g, `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`), loader };
      });
    },
  };
}

/**
 * Builds dist/server/main.js from src/cli/main.ts (a few tenths of a second) and writes it atomically:
 * processes starting at the same time each write a temporary file and rename it, so a reader
 * sees one complete bundle, whose manifest always describes its own code.
 * Throws when esbuild is missing, the sources do not compile or dist/ cannot be written.
 * @returns {Promise<{ inputs: number, bytes: number }>}
 */
export async function buildServerBundle() {
  const { build } = await import('esbuild');
  const outDir = dirname(BUNDLE_PATH);
  const settings = BUILD_SETTINGS.map((path) => [path, readFileSync(join(PACKAGE_ROOT, path))]);
  const loaded = new Map();
  const result = await build({
    absWorkingDir: PACKAGE_ROOT,
    entryPoints: [ENTRY],
    outfile: BUNDLE_PATH,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20.19',
    // Class and function names stay as written: errors and logs report them (`err.type`).
    keepNames: true,
    sourcemap: 'linked',
    sourcesContent: false,
    write: false,
    logLevel: 'silent',
    plugins: [sourcesPlugin(loaded, outDir)],
  });
  const inputs = [...settings, ...loaded];
  const manifest = { digest: digestOf(inputs), inputs: inputs.map(([path]) => path).sort() };
  const code = result.outputFiles.find((file) => file.path === BUNDLE_PATH);
  const map = result.outputFiles.find((file) => file.path === `${BUNDLE_PATH}.map`);
  if (!code || !map) throw new Error('esbuild did not produce the bundle');
  mkdirSync(outDir, { recursive: true });
  const unique = `${process.pid}-${Math.random().toString(36).slice(2)}.tmp`;
  const text = `${code.text}${MANIFEST_MARKER}${JSON.stringify(manifest)}\n`;
  for (const [target, content] of [[`${BUNDLE_PATH}.map`, map.contents], [BUNDLE_PATH, text]]) {
    const temporary = `${target}.${unique}`;
    try {
      writeFileSync(temporary, content);
      renameSync(temporary, target);
    } finally {
      rmSync(temporary, { force: true });
    }
  }
  return { inputs: loaded.size, bytes: Buffer.byteLength(text) };
}

/**
 * The module bin/campuscard.js should import: the bundle when it matches the sources (rebuilt
 * first when they changed), or undefined when it cannot be built here (esbuild missing, read-only
 * install, a source that does not compile), in which case the caller runs the sources with tsx.
 * Never returns a bundle older than the sources.
 * @returns {Promise<string | undefined>} file URL of the bundle
 */
export async function serverBundleUrl() {
  if (!isBundleFresh()) {
    try {
      await buildServerBundle();
    } catch (error) {
      const first = error?.errors?.[0];
      const reason = first ? `${first.location ? `${first.location.file}:${first.location.line}: ` : ''}${first.text}` : error?.message ?? String(error);
      process.stderr.write(`campuscard: could not build dist/server (${reason}); running the sources through tsx\n`);
      return undefined;
    }
  }
  return pathToFileURL(BUNDLE_PATH).href;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const started = performance.now();
  const { inputs, bytes } = await buildServerBundle();
  console.log(`dist/server/main.js: ${inputs} inputs, ${Math.round(bytes / 1024)} KiB, ${Math.round(performance.now() - started)} ms`);
}
