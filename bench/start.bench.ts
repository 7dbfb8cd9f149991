import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../test/helpers/processes.ts';
import type { BenchRow } from './bench-report.ts';

/** `npm start` (the server bundle), or the sources through tsx as before the bundle existed. */
const HOW = {
  bundle: ['bin/campuscard.js', 'serve'],
  sources: ['--import', 'tsx', 'src/cli/main.ts', 'serve'],
};

/**
 * Starts `campuscard serve` on a data directory and returns the ms until /healthz answers 200;
 * `env` adds to (or overrides) the variables the server gets.
 */
export async function timeStart(dataDir: string, how: keyof typeof HOW = 'bundle', env: NodeJS.ProcessEnv = {}): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, HOW[how], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', DATABASE_URL: '', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
      try {
        const response = await fetch(`http://127.0.0.1:${port}/healthz`);
        if (response.status === 200) return performance.now() - started;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

/**
 * Opens the same data directory with bare PGlite in a new node process, until its first query
 * answers: the floor any embedded start pays, measured like the server's start (from the spawn:
 * node's own start and loading PGlite included; opened in this process, where PGlite is already
 * loaded, it left those out).
 */
export async function timeBarePglite(dataDir: string): Promise<number> {
  const script = `import { PGlite } from '@electric-sql/pglite';
    import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
    const db = await PGlite.create({ dataDir: process.env.BARE_DATA_DIR, extensions: { pg_trgm } });
    await db.query('SELECT 1');
    process.stdout.write('ready\\n');
    await db.close();`;
  const started = performance.now();
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, BARE_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let elapsed: number | undefined;
  child.stdout.on('data', (chunk: Buffer) => {
    if (elapsed === undefined && chunk.toString().includes('ready')) elapsed = performance.now() - started;
  });
  const code = await exited;
  if (code !== 0 || elapsed === undefined) throw new Error(`bare PGlite exited with ${code}`);
  return elapsed;
}

/** The middle value (the upper one of an even count). */
export function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
}

/**
 * Embedded start: first start on an empty directory (initdb, migrations, job schema, demo data)
 * and restart of the same directory, against bare PGlite opening that directory in the same run;
 * and, for reference, the restart from the TypeScript sources through tsx (no bundle).
 * The server bundle is brought up to date first, as `npm install` leaves it.
 */
export async function runStartBench(): Promise<BenchRow[]> {
  const build = spawnSync(process.execPath, ['scripts/server-bundle.mjs'], { encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`server bundle: ${build.stderr}`);
  const dataDir = mkdtempSync(join(tmpdir(), 'cc-bench-start-'));
  const bareDir = mkdtempSync(join(tmpdir(), 'cc-bench-bare-'));
  try {
    const bareFirst = await timeBarePglite(bareDir);
    const first = await timeStart(dataDir);
    const restarts: number[] = [];
    const fromSources: number[] = [];
    for (let i = 0; i < 3; i++) {
      restarts.push(await timeStart(dataDir));
      fromSources.push(await timeStart(dataDir, 'sources'));
    }
    const restart = median(restarts);
    const sourcesRestart = median(fromSources);
    const bareRestart = await timeBarePglite(bareDir);
    return [
      { metric: 'first start (empty ./data)', value: first, unit: 'ms', baseline: { name: 'bare PGlite initdb', value: bareFirst },
        ratio: bareFirst / first, goal: '< 10000 ms', pass: first < 10_000 },
      { metric: 'restart (median of 3)', value: restart, unit: 'ms', baseline: { name: 'bare PGlite open', value: bareRestart },
        ratio: bareRestart / restart, goal: '< 2000 ms', pass: restart < 2_000 },
      { metric: 'restart from sources through tsx (median of 3)', value: sourcesRestart, unit: 'ms',
        baseline: { name: 'restart from the bundle', value: restart }, ratio: restart / sourcesRestart,
        goal: 'slower than the bundle', pass: sourcesRestart > restart },
    ];
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(bareDir, { recursive: true, force: true });
  }
}
