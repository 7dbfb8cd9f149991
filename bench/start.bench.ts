import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { BenchRow } from './bench-report.ts';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Starts `campuscard serve` on a data directory and returns the ms until /healthz answers 200. */
async function timeStart(dataDir: string): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, ['bin/campuscard.js', 'serve'], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', DATABASE_URL: '' },
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

/** Opens the same data directory with bare PGlite: the floor any embedded start pays. */
async function timeBarePglite(dataDir: string): Promise<number> {
  const started = performance.now();
  const db = await PGlite.create({ dataDir, extensions: { pg_trgm } });
  await db.query('SELECT 1');
  const elapsed = performance.now() - started;
  await db.close();
  return elapsed;
}

/**
 * Embedded start: first start on an empty directory (initdb, migrations, job schema, demo data)
 * and restart of the same directory, against bare PGlite opening that directory in the same run.
 */
export async function runStartBench(): Promise<BenchRow[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cc-bench-start-'));
  const bareDir = mkdtempSync(join(tmpdir(), 'cc-bench-bare-'));
  try {
    const bareFirst = await timeBarePglite(bareDir);
    const first = await timeStart(dataDir);
    const restarts: number[] = [];
    for (let i = 0; i < 3; i++) restarts.push(await timeStart(dataDir));
    const restart = restarts.sort((a, b) => a - b)[1] as number;
    const bareRestart = await timeBarePglite(bareDir);
    return [
      { metric: 'first start (empty ./data)', value: first, unit: 'ms', baseline: { name: 'bare PGlite initdb', value: bareFirst },
        ratio: bareFirst / first, goal: '< 10000 ms', pass: first < 10_000 },
      { metric: 'restart (median of 3)', value: restart, unit: 'ms', baseline: { name: 'bare PGlite open', value: bareRestart },
        ratio: bareRestart / restart, goal: '< 2000 ms', pass: restart < 2_000 },
    ];
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(bareDir, { recursive: true, force: true });
  }
}
