import { spawn } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import { loadConfig } from '../src/config.ts';
import { startRuntime } from '../src/app/runtime.ts';
import type { BenchRow } from './bench-report.ts';
import { freshDatabase, loadSyntheticCards } from './bench-database.ts';

interface LoadResult {
  requests: { average: number; total: number };
  latency: { p99: number; p50: number };
  non2xx: number;
  errors: number;
}

/** Runs the load generator in a second process against `base` + ESCN. */
async function load(base: string, escnFile: string, seconds: number, addresses = 0): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/autocannon-client.ts', base, escnFile, String(seconds), '20', String(addresses)],
      { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(output) as LoadResult) : reject(new Error(`load generator exited ${code}`))));
  });
}

/** Warms the application up, then loads `GET /api/v1/verify/{escn}`; every answer must be a 2xx. */
async function measure(app: { server: Server }, escnFile: string, seconds: number, addresses = 0): Promise<LoadResult> {
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await load(`http://127.0.0.1:${port}/api/v1/verify/`, escnFile, 3, addresses);
  const result = await load(`http://127.0.0.1:${port}/api/v1/verify/`, escnFile, seconds, addresses);
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`verification answered ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result;
}

/**
 * The floor: a bare node `http` server doing the same primary-key lookup with `pg` and answering
 * the same JSON shape, with no framework, validation, rate limit or headers.
 */
function bareServer(url: string): Promise<{ server: Server; pool: pg.Pool; port: number }> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  const server = createServer((request, response) => {
    const escn = (request.url ?? '').split('/').pop() ?? '';
    pool.query('SELECT escn, state, expires_at, card_kind FROM cards WHERE escn = $1', [escn]).then(({ rows }) => {
      const row = rows[0] as { escn: string; state: string; expires_at: string; card_kind: string } | undefined;
      response.writeHead(row ? 200 : 404, { 'content-type': 'application/json' });
      response.end(JSON.stringify(row ? { status: row.state === 'ENABLED' ? 'ACTIVE' : 'INACTIVE', escn: row.escn, expiresAt: row.expires_at, cardType: row.card_kind } : { code: 'card_not_found' }));
    }, () => { response.writeHead(500); response.end(); });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    resolve({ server, pool, port: typeof address === 'object' && address ? address.port : 0 });
  }));
}

/**
 * Public verification on PostgreSQL with 1M cards, loaded by autocannon from a second process:
 * requests/s and p99 of `GET /api/v1/verify/{escn}`, against a bare node http + pg server doing
 * the same lookup, measured in the same run.
 */
export async function runVerificationBench(options: { cards?: number; seconds?: number } = {}): Promise<BenchRow[]> {
  const total = options.cards ?? 1_000_000;
  const seconds = options.seconds ?? 15;
  const database = await freshDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'cc-bench-verify-'));
  const config = loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'silent', DEMO: 'false', RUN_WORKERS: 'false',
    VERIFY_RATE_LIMIT_PER_MINUTE: '1000000', HOST: '127.0.0.1', PORT: '0' });
  const runtime = await startRuntime(config, { command: 'bench', http: true, workers: false, logger: pino({ level: 'silent' }) });
  try {
    await loadSyntheticCards(runtime.database.pool, total);
    await runtime.services.institution.save({ name: 'Bench University', pic: '999000001', schacHomeOrganization: 'bench.example',
      country: 'FR', esiScope: 'national' }, { actor: 'bench' });
    const sample = await runtime.database.pool.query<{ escn: string }>('SELECT escn FROM cards TABLESAMPLE SYSTEM (2) LIMIT 5000');
    const escnFile = join(dir, 'escns.txt');
    writeFileSync(escnFile, sample.rows.map((row) => row.escn).join('\n'));

    const bare = await bareServer(database.url);
    await load(`http://127.0.0.1:${bare.port}/verify/`, escnFile, 3);
    const bareResult = await load(`http://127.0.0.1:${bare.port}/verify/`, escnFile, seconds);
    bare.server.close();
    await bare.pool.end();

    const app = runtime.app as NonNullable<typeof runtime.app>;
    await app.listen({ port: 0, host: '127.0.0.1' });
    const appResult = await measure(app, escnFile, seconds);

    // Many phones: the production limit, each request from one of 5,000 addresses, so the budget
    // is leased from the database several times per address instead of once per window.
    const phonesConfig = loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'silent', DEMO: 'false', RUN_WORKERS: 'false',
      VERIFY_RATE_LIMIT_PER_MINUTE: '120', TRUST_PROXY: 'true', HOST: '127.0.0.1', PORT: '0' });
    const phones = await startRuntime(phonesConfig, { command: 'bench', http: true, workers: false, logger: pino({ level: 'silent' }) });
    let phonesResult: LoadResult;
    try {
      const phonesApp = phones.app as NonNullable<typeof phones.app>;
      await phonesApp.listen({ port: 0, host: '127.0.0.1' });
      phonesResult = await measure(phonesApp, escnFile, seconds, 5_000);
    } finally {
      await phones.close();
    }

    const ratio = appResult.requests.average / bareResult.requests.average;
    const phonesRatio = phonesResult.requests.average / bareResult.requests.average;
    return [
      { metric: 'verify requests/s (20 connections)', value: appResult.requests.average, unit: 'req/s',
        baseline: { name: 'bare node http + pg', value: bareResult.requests.average }, ratio, goal: '>= 70% of bare', pass: ratio >= 0.7 },
      { metric: 'verify p99 latency', value: appResult.latency.p99, unit: 'ms',
        baseline: { name: 'bare node http + pg p99', value: bareResult.latency.p99 }, ratio: bareResult.latency.p99 / Math.max(appResult.latency.p99, 0.001),
        goal: '<= 1.5 x bare p99', pass: appResult.latency.p99 <= 1.5 * bareResult.latency.p99 },
      { metric: 'verify requests/s, 5,000 client addresses, limit 120/min', value: phonesResult.requests.average, unit: 'req/s',
        baseline: { name: 'bare node http + pg', value: bareResult.requests.average }, ratio: phonesRatio, goal: '>= 70% of bare', pass: phonesRatio >= 0.7 },
      { metric: 'verify p99 latency, 5,000 client addresses', value: phonesResult.latency.p99, unit: 'ms',
        baseline: { name: 'bare node http + pg p99', value: bareResult.latency.p99 }, ratio: bareResult.latency.p99 / Math.max(phonesResult.latency.p99, 0.001),
        goal: '<= 1.5 x bare p99', pass: phonesResult.latency.p99 <= 1.5 * bareResult.latency.p99 },
    ];
  } finally {
    await runtime.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}
