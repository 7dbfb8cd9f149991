import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Worker threads running a TypeScript module of this package, the same way whatever runs the
 * main thread: tsx (tests, benchmarks, `npm start` without its bundle) or the esbuild server
 * bundle (`npm start`). Node 20 gives a worker neither tsx's loader hooks nor the bundle's code,
 * and registering tsx inside each worker costs about half a second; so the module is bundled by
 * esbuild (already a dependency: it builds the server bundle) with the packages it imports into
 * one script, once per process and module, and each worker evaluates that script (wrapped in a
 * function: an eval'd script's top-level names would be globals, and Node's `crypto` global cannot
 * be assigned). The
 * first worker of a process waits for the build (a few tenths of a second); later ones start in
 * tens of milliseconds.
 *
 * Invariant: a worker module imports only what it needs (no server, no database): its bundle is
 * what each worker parses.
 */
const bundles = new Map<string, Promise<string>>();

async function bundle(path: string): Promise<string> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [path],
    bundle: true,
    platform: 'node',
    format: 'iife',
    target: 'node20.19',
    // Error names cross to the main thread as written.
    keepNames: true,
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.text;
  if (code === undefined) throw new Error(`esbuild gave no code for ${path}`);
  return code;
}

/**
 * Starts a worker thread running the module at `entry` (a `.ts` file of src/, given as
 * `new URL('./x.worker.ts', import.meta.url)`), with `options` (workerData…). The caller owns the
 * worker: it terminates it when done or failed.
 */
export async function startModuleWorker(entry: URL, options: Omit<WorkerOptions, 'eval'> = {}): Promise<Worker> {
  const path = fileURLToPath(entry);
  let code = bundles.get(path);
  if (code === undefined) {
    code = bundle(path);
    bundles.set(path, code);
    // A failed build is not kept: the next worker tries again.
    code.catch(() => bundles.delete(path));
  }
  return new Worker(await code, { ...options, eval: true });
}
