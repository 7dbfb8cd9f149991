import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import autocannon from 'autocannon';
import { pino } from 'pino';
import { loadConfig } from '../src/config.ts';
import { startRuntime } from '../src/app/runtime.ts';
import { createEscnGenerator } from '../src/modules/esc/domain/escn.ts';
import type { BenchRow } from './bench-report.ts';
import { freshDatabase } from './bench-database.ts';

const PIC = '999999999';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitFor(url: string, child: ChildProcess): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
}

/**
 * The floor: node's own http server and a pg pool of the same size answering the same lookup
 * with the same JSON. What any framework, access rule, rate limiter and metrics cost is measured
 * against it.
 */
const BARE_SERVER = `
import { createServer } from 'node:http';
import pg from 'pg';
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
pool.on('error', () => undefined);
createServer(async (req, res) => {
  const escn = req.url.split('/').pop();
  const { rows } = await pool.query('SELECT escn, state, expires_at::text AS "expiresAt", card_kind FROM cards WHERE escn = $1', [escn]);
  const card = rows[0];
  if (!card) { res.writeHead(404, { 'content-type': 'application/json' }); res.end('{"code":"card_not_found"}'); return; }
  const body = JSON.stringify({ status: card.state === 'ENABLED' ? 'ACTIVE' : 'INACTIVE', escn: card.escn,
    issuer: { name: 'Université Exemple', pic: '${PIC}' }, expiresAt: card.expiresAt, cardType: 'SMART_NO_CDZ' });
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=60' });
  res.end(body);
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

/** CPU time (user + system, ms) a process has used so far, from /proc (Linux); NaN elsewhere. */
function cpuMsOf(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

interface LoadResult {
  rps: number;
  p99: number;
  errors: number;
  /** Server CPU per answered request, in microseconds: far less sensitive to the machine's other load than throughput. */
  cpuUsPerRequest: number;
}

async function load(url: string, paths: string[], seconds: number, pid?: number): Promise<LoadResult> {
  let i = 0;
  const cpuBefore = cpuMsOf(pid);
  const result = await autocannon({
    url,
    connections: 32,
    duration: seconds,
    requests: [{ setupRequest: (request) => ({ ...request, path: paths[i++ % paths.length] as string }) }],
  });
  const cpu = cpuMsOf(pid) - cpuBefore;
  return {
    rps: result.requests.average, p99: result.latency.p99, errors: result.errors + result.non2xx,
    cpuUsPerRequest: (cpu * 1000) / Math.max(1, result.requests.total),
  };
}

/**
 * Public verification throughput on PostgreSQL: `GET /api/v1/verify/:escn` of campuscard (access
 * rule, rate limiter, ETag, metrics, one indexed lookup) against a bare node http + pg server
 * making the same lookup, each in its own process, loaded by autocannon from this one.
 */
export async function runVerifyBench(options: { cards?: number; seconds?: number; rounds?: number } = {}): Promise<BenchRow[]> {
  const total = options.cards ?? 10_000;
  const seconds = options.seconds ?? 6;
  const rounds = options.rounds ?? 5;
  const database = await freshDatabase('cc_bench_verify');
  const children: ChildProcess[] = [];
  try {
    const config = loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'silent', DEMO: 'false' });
    const runtime = await startRuntime(config, { command: 'bench', http: false, workers: false, logger: pino({ level: 'silent' }) });
    const generator = createEscnGenerator({ pic: PIC, prefix: 1 });
    const escns = Array.from({ length: total }, () => generator.next());
    try {
      await runtime.services.institution.save({
        name: 'Université Exemple', pic: PIC, schacHomeOrganization: 'univ.example.fr', country: 'FR', esiScope: 'national',
      }, { actor: 'bench' });
      const client = await runtime.database.pool.connect();
      try {
        await client.query('SET session_replication_role = replica');
        await client.query(`INSERT INTO persons (eppn, first_name, last_name, person_type)
          SELECT 'v' || g || '@univ.example', 'P', 'N' || g, 'student' FROM generate_series(1, $1::int) g`, [total]);
        await client.query(`INSERT INTO cards (person_id, state, request_channel, requested_by, escn, expires_at,
            holder_eppn, holder_first_name, holder_last_name, holder_person_type)
          SELECT p.id, CASE WHEN n % 10 = 0 THEN 'DISABLED' ELSE 'ENABLED' END, 'import', 'bench', e.escn, '2099-08-31',
                 p.eppn, p.first_name, p.last_name, 'student'
          FROM (SELECT id, eppn, first_name, last_name, row_number() OVER (ORDER BY id) AS n FROM persons) p
          JOIN (SELECT escn, row_number() OVER () AS n FROM unnest($1::text[]) AS escn) e USING (n)`, [escns]);
        await client.query('SET session_replication_role = origin');
        await client.query('ANALYZE cards');
      } finally {
        client.release();
      }
    } finally {
      await runtime.close();
    }
    const sample = escns.filter((_, index) => index % Math.max(1, Math.floor(total / 500)) === 0);

    const appPort = await freePort();
    const app = spawn(process.execPath, ['bin/campuscard.js', 'serve'], {
      env: {
        ...process.env, DATABASE_URL: database.url, PORT: String(appPort), HOST: '127.0.0.1', LOG_LEVEL: 'warn', DEMO: 'false',
        RUN_WORKERS: 'false', VERIFY_RATE_LIMIT_PER_MINUTE: '1000000', ESC_ROUTER_URL: '',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(app);
    const barePort = await freePort();
    const bare = spawn(process.execPath, ['--input-type=module', '-e', BARE_SERVER], {
      env: { ...process.env, DATABASE_URL: database.url, PORT: String(barePort) },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(bare);
    await waitFor(`http://127.0.0.1:${appPort}/healthz`, app);
    await waitFor(`http://127.0.0.1:${barePort}/x`, bare);

    const appUrl = `http://127.0.0.1:${appPort}`;
    const bareUrl = `http://127.0.0.1:${barePort}`;
    const appPaths = sample.map((escn) => `/api/v1/verify/${escn}`);
    const barePaths = sample.map((escn) => `/verify/${escn}`);
    // Warm both (JIT, pools, plan caches), then measure them in alternating pairs: each pair runs
    // a few seconds apart, so the machine's other load weighs on both alike; the median pair
    // ratio is reported.
    await load(appUrl, appPaths, 2);
    await load(bareUrl, barePaths, 2);
    const pairs: Array<{ app: LoadResult; bare: LoadResult }> = [];
    for (let round = 0; round < rounds; round += 1) {
      const bareRun = await load(bareUrl, barePaths, seconds, bare.pid);
      const appRun = await load(appUrl, appPaths, seconds, app.pid);
      pairs.push({ app: appRun, bare: bareRun });
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
    const ratio = median(pairs.map((pair) => pair.app.rps / pair.bare.rps));
    const errors = pairs.reduce((sum, pair) => sum + pair.app.errors, 0);
    return [
      {
        metric: `GET /api/v1/verify/:escn throughput (median of ${rounds} pairs; ratios ${pairs.map((pair) => `${Math.round((pair.app.rps / pair.bare.rps) * 100)}%`).join(' ')})`,
        value: median(pairs.map((pair) => pair.app.rps)), unit: 'req/s',
        baseline: { name: 'bare node http + pg', value: median(pairs.map((pair) => pair.bare.rps)) }, ratio,
        goal: '>= 70% of bare', pass: ratio >= 0.7 && errors === 0,
      },
      {
        metric: 'server CPU per verification (median)', value: median(pairs.map((pair) => pair.app.cpuUsPerRequest)), unit: 'µs',
        baseline: { name: 'bare node http + pg', value: median(pairs.map((pair) => pair.bare.cpuUsPerRequest)) },
        ratio: median(pairs.map((pair) => pair.bare.cpuUsPerRequest / pair.app.cpuUsPerRequest)),
        goal: 'informative (bare CPU / app CPU)', pass: true,
      },
      {
        metric: 'GET /api/v1/verify/:escn p99 latency (median)', value: median(pairs.map((pair) => pair.app.p99)), unit: 'ms',
        baseline: { name: 'bare node http + pg', value: median(pairs.map((pair) => pair.bare.p99)) },
        goal: 'informative', pass: true,
      },
    ];
  } finally {
    for (const child of children) await stop(child);
    await database.drop();
  }
}
