import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { pino } from 'pino';
import { loadConfig } from '../src/config.ts';
import { startRuntime, type Runtime } from '../src/app/runtime.ts';
import type { AppInstance } from '../src/app/app-types.ts';
import { openDatabase } from '../src/platform/db/database.ts';
import { exportEmbedded } from '../src/platform/db/export-embedded.service.ts';
import { SYSTEM_WRITER } from '../src/modules/people/people.policy.ts';
import { freshDatabase, loadSyntheticCards, loadSyntheticMoves, percentile } from './bench-database.ts';
import { generatePersonCsv } from './import.bench.ts';
import { median, timeBarePglite, timeStart } from './start.bench.ts';
import type { BenchRow } from './bench-report.ts';

/** Sizes of {@link runEmbeddedLimitsBench}. */
export interface EmbeddedLimitsOptions {
  /** Cards (one person each) in the embedded database that is restarted and exported (default 100 000). */
  cards?: number;
  /** Persons in the CSV imported while card reads are timed (default 20 000). */
  importRows?: number;
}

/** How long card reads run before any is timed (a process's first requests). */
const WARM_UP_MS = 1_000;

/** How long card reads are timed on the idle server, for the baseline. */
const IDLE_MS = 2_000;

/**
 * Users reading a card every 50 ms from another thread, over HTTP, whatever the server is doing
 * (an open loop: a read does not wait for the previous one's answer, so a stalled server shows as
 * the time each waiting read took, not as fewer reads; at most 20 wait at once, so that a machine
 * too slow for the rate does not measure its own backlog). `collect` answers the latencies (ms) of
 * the reads answered since the last call.
 */
function startReader(url: string, token: string): { collect(): Promise<number[]>; stop(): Promise<void> } {
  const worker = new Worker(`
    const { parentPort, workerData } = require('node:worker_threads');
    let latencies = [];
    const inFlight = new Set();
    const timer = setInterval(() => {
      if (inFlight.size >= 20) return;
      const started = performance.now();
      const read = fetch(workerData.url, { headers: { authorization: 'Bearer ' + workerData.token } })
        .then(async (response) => { await response.arrayBuffer(); if (response.status === 200) latencies.push(performance.now() - started); })
        .catch(() => undefined)
        .finally(() => inFlight.delete(read));
      inFlight.add(read);
    }, 50);
    parentPort.on('message', async (message) => {
      if (message === 'stop') clearInterval(timer);
      await Promise.all([...inFlight]);
      parentPort.postMessage(latencies);
      latencies = [];
    });
  `, { eval: true, workerData: { url, token } });
  const ask = (message: string) => new Promise<number[]>((resolve) => {
    worker.once('message', resolve);
    worker.postMessage(message);
  });
  return {
    collect: () => ask('collect'),
    async stop() {
      await ask('stop');
      await worker.terminate();
    },
  };
}

/** The server as `npm start` runs it on a deployment's embedded database (no demo data to seed or reconcile). */
const SERVE_ENV = { DEMO: 'false' };

/**
 * Where embedded PGlite stops being the right choice, in figures measured in one run:
 * - a restart of `campuscard serve` on an embedded database of `cards` cards (with their persons,
 *   enrolments and moves), against the same restart on an empty one and against bare PGlite
 *   opening that directory;
 * - `export-embedded` of that database into a fresh PostgreSQL database (the way out);
 * - the latency of a card read (GET /api/v1/cards/:id with an API token, every 50 ms over HTTP)
 *   while a person import runs, on PGlite (one connection, and the engine runs on the server's own
 *   thread: a read waits for the import's statements) and on PostgreSQL.
 */
export async function runEmbeddedLimitsBench(options: EmbeddedLimitsOptions = {}): Promise<{ rows: BenchRow[]; context: Record<string, unknown> }> {
  const cards = options.cards ?? 100_000;
  const importRows = options.importRows ?? 20_000;
  const restart = await measureRestartAndExport(cards);
  const pglite = await measureReadsDuringImport('pglite', importRows);
  const postgres = await measureReadsDuringImport('postgres', importRows);
  const rows: BenchRow[] = [
    { metric: `restart with ${cards} cards (median of 3)`, value: restart.loaded, unit: 'ms',
      baseline: { name: 'restart on an empty embedded database', value: restart.empty }, ratio: restart.empty / restart.loaded,
      goal: '< 10000 ms', pass: restart.loaded < 10_000 },
    { metric: `restart with ${cards} cards against bare PGlite`, value: restart.loaded, unit: 'ms',
      baseline: { name: `bare PGlite open of the ${cards}-card directory`, value: restart.bare }, ratio: restart.bare / restart.loaded,
      goal: '≤ 3 × bare PGlite open + 2000 ms', pass: restart.loaded <= 3 * restart.bare + 2_000 },
    { metric: `export-embedded of ${cards} cards to PostgreSQL`, value: restart.exportMs, unit: 'ms',
      baseline: { name: 'set-based generation of the same rows in PGlite', value: restart.loadMs }, ratio: restart.loadMs / restart.exportMs,
      goal: '< 120000 ms, counts verified', pass: restart.exportMs < 120_000 && restart.verified },
    { metric: `card read p99 during a ${importRows}-person import, PGlite`, value: pglite.busyP99, unit: 'ms',
      baseline: { name: 'same on PostgreSQL', value: postgres.busyP99 }, ratio: postgres.busyP99 / pglite.busyP99,
      goal: 'the documented limit: ≥ 10 × PostgreSQL', pass: pglite.busyP99 >= 10 * postgres.busyP99 },
    { metric: `card read p99 during a ${importRows}-person import, PostgreSQL`, value: postgres.busyP99, unit: 'ms',
      baseline: { name: 'idle p99 on PostgreSQL', value: postgres.idleP99 }, ratio: postgres.idleP99 / postgres.busyP99,
      goal: '< 100 ms', pass: postgres.busyP99 < 100 },
  ];
  return {
    rows,
    context: {
      cards, importRows, exportedRows: restart.exportedRows,
      pglite: { ...pglite }, postgres: { ...postgres },
    },
  };
}

async function measureRestartAndExport(cards: number) {
  const dataDir = mkdtempSync(join(tmpdir(), 'cc-bench-embedded-'));
  try {
    await timeStart(dataDir, 'bundle', SERVE_ENV);
    const empty = median([await timeStart(dataDir, 'bundle', SERVE_ENV), await timeStart(dataDir, 'bundle', SERVE_ENV)]);
    const database = await openDatabase({ dataDir, command: 'bench' });
    const loadStarted = performance.now();
    try {
      await loadSyntheticCards(database.pool, cards);
      await loadSyntheticMoves(database.pool);
    } finally {
      await database.close();
    }
    const loadMs = performance.now() - loadStarted;
    const restarts: number[] = [];
    for (let i = 0; i < 3; i++) restarts.push(await timeStart(dataDir, 'bundle', SERVE_ENV));
    const bare = await timeBarePglite(dataDir);
    const target = await freshDatabase();
    try {
      const started = performance.now();
      const summary = await exportEmbedded({ dataDir, targetUrl: target.url, force: false });
      return { empty, loaded: median(restarts), bare, loadMs, exportMs: performance.now() - started, verified: summary.verified, exportedRows: summary.rows };
    } finally {
      await target.drop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function measureReadsDuringImport(kind: 'pglite' | 'postgres', importRows: number) {
  const dataDir = mkdtempSync(join(tmpdir(), 'cc-bench-limits-'));
  const server = kind === 'postgres' ? await freshDatabase() : undefined;
  let runtime: Runtime | undefined;
  try {
    const config = loadConfig({ DEMO: 'false', LOG_LEVEL: 'silent', DATA_DIR: dataDir, ...(server ? { DATABASE_URL: server.url } : {}) });
    runtime = await startRuntime(config, { command: 'bench', http: true, workers: false, logger: pino({ level: 'silent' }) });
    // One issuing institution: the import needs no institution named.
    await loadSyntheticCards(runtime.database.pool, 1_000, 1);
    const account = await runtime.services.auth.createAccount({ email: 'bench-reader@bench.example', role: 'manager', displayName: 'reader',
      personTypes: null, institutions: null, personId: null }, { actor: 'bench' });
    const token = await runtime.services.auth.createApiToken({ name: 'reader', role: 'manager', personTypes: null },
      { accountId: account.id, personTypes: null, institutionIds: null }, { actor: 'bench' });
    const { rows } = await sql<{ id: string }>`SELECT id FROM cards ORDER BY id LIMIT 1`.execute(runtime.database.db);
    const app = runtime.app as AppInstance;
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    // Generated before the reads are timed: building the file is the benchmark's work, not the import's.
    const csv = generatePersonCsv(importRows);
    const reader = startReader(`http://127.0.0.1:${port}/api/v1/cards/${rows[0]?.id}`, token.token);
    // The first reads compile the route's schemas and open connections, once per process: they are
    // left out of both the idle and the busy figures.
    await new Promise((resolve) => setTimeout(resolve, WARM_UP_MS));
    await reader.collect();
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    const idle = await reader.collect();
    const importStarted = performance.now();
    await runtime.services.imports.importPersons(csv, {}, { actor: { actor: 'bench' }, writer: SYSTEM_WRITER });
    const importMs = performance.now() - importStarted;
    const busy = await reader.collect();
    await reader.stop();
    return {
      importMs,
      idleP50: percentile(idle, 50), idleP99: percentile(idle, 99),
      busyP50: percentile(busy, 50), busyP99: percentile(busy, 99), busyMax: Math.max(...busy), reads: busy.length,
    };
  } finally {
    await runtime?.close();
    await server?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
