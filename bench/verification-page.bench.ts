import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { ESCN_PATTERN } from '../src/modules/esc/domain/escn.ts';
import type { BenchRow } from './bench-report.ts';
import { freshDatabase, loadSyntheticCards } from './bench-database.ts';

interface LoadResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  errors: number;
  statusCodeStats: Record<string, { count: number }>;
}

/** One measured window of one server on one route. */
interface Window {
  rate: number;
  p50: number;
  p99: number;
  /** Answers by class: 200, expected 400/404 (the malformed and unknown numbers), anything else. */
  ok: number;
  expected4xx: number;
  /** 5xx answers, any other status, and socket errors or timeouts. */
  errors: number;
  /** Peak RSS of the server process during the window, MB. */
  peakRssMb: number;
}

/** Share of numbers that are not cards: half unknown (valid shape), half malformed. */
const BAD_SHARE = 0.1;
const CONNECTIONS = 20;

/** A free TCP port on the loopback (the app's PORT: `serve` listens on the port it is given). */
async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

/**
 * Starts a server of the benchmark in its own process with `env` (the app: `campuscard serve` as
 * `npm start` runs it, from the server bundle; the floor: bench/verification-page-bare-server.ts),
 * and waits until it answers.
 */
async function startServer(kind: 'app' | 'bare', env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; port: number }> {
  const port = kind === 'app' ? Number(env.PORT) : 0;
  const args = kind === 'app'
    ? ['--max-semi-space-size=32', 'bin/campuscard.js', 'serve']
    : [...process.execArgv, 'bench/verification-page-bare-server.ts'];
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<never>((_resolve, reject) => child.once('exit', (code) => reject(new Error(`${kind} server exited ${code}`))));
  exited.catch(() => undefined);
  child.stdout?.resume();
  if (kind === 'bare') {
    const line = await Promise.race([new Promise<string>((resolve) => {
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('\n')) resolve(output.split('\n')[0] as string);
      });
    }), exited]);
    return { child, port: (JSON.parse(line) as { port: number }).port };
  }
  for (let attempt = 0; attempt < 600; attempt += 1) {
    const healthy = await Promise.race([fetch(`http://127.0.0.1:${port}/healthz`).then((response) => response.ok, () => false), exited]);
    if (healthy) return { child, port };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  child.kill('SIGTERM');
  throw new Error('the app did not answer /healthz within 150 s');
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Resident memory of a process, MB (Linux: VmRSS of /proc/<pid>/status; 0 elsewhere). */
function rssMb(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Loads `base` + random lines of `file` for `seconds` from a second process, sampling the server's RSS every 250 ms. */
async function load(base: string, file: string, seconds: number, serverPid: number): Promise<Window> {
  let peak = rssMb(serverPid);
  const sampler = setInterval(() => { peak = Math.max(peak, rssMb(serverPid)); }, 250);
  try {
    const result = await new Promise<LoadResult>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'bench/autocannon-client.ts', base, file, String(seconds), String(CONNECTIONS)],
        { stdio: ['ignore', 'pipe', 'inherit'] });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
      child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(output) as LoadResult) : reject(new Error(`load generator exited ${code}`))));
    });
    peak = Math.max(peak, rssMb(serverPid));
    const count = (status: string) => result.statusCodeStats[status]?.count ?? 0;
    const answered = Object.values(result.statusCodeStats).reduce((sum, entry) => sum + entry.count, 0);
    const ok = count('200');
    const expected4xx = count('400') + count('404');
    return { rate: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, ok, expected4xx,
      errors: answered - ok - expected4xx + result.errors, peakRssMb: peak };
  } finally {
    clearInterval(sampler);
  }
}

/** A valid-shape ESCN no synthetic card has (their node is a row number below 10^11). */
function unknownEscn(): string {
  const hex = randomBytes(16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-1${hex.slice(12, 15)}-8${hex.slice(15, 18)}-9${String(randomInt(10 ** 11)).padStart(11, '0')}`;
}

/** A number that is not an ESCN: wrong length, a non-hex digit, or plain text. */
function malformed(escn: string, i: number): string {
  return [escn.slice(0, -1), `${escn.slice(0, 3)}g${escn.slice(4)}`, `not-a-card-${i}`][i % 3] as string;
}

/**
 * Writes the two request files: every card's ESCN once (so the load draws uniformly from all
 * cards, not a block of the table), plus 10% numbers that are not cards. For `/v/` the line is
 * the path segment; for `/v?qr=` it is the URL-encoded scanned text, in turn a bare ESCN, an ESC
 * verifier URL and our own QR prefix (a QR text pointing elsewhere is the malformed case).
 */
async function writeRequestFiles(databaseUrl: string, dir: string, qrPrefix: string): Promise<{ page: string; qr: string; cards: number }> {
  const page = join(dir, 'page.txt');
  const qr = join(dir, 'qr.txt');
  writeFileSync(page, '');
  writeFileSync(qr, '');
  const forms = [(escn: string) => escn, (escn: string) => `https://s.esc-r.eu/${escn}`, (escn: string) => `${qrPrefix}${escn}`];
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  let cards = 0;
  try {
    // Keyset pages, appended as they come: the list never sits whole in this process.
    let after = '';
    for (;;) {
      const { rows } = await pool.query<{ escn: string }>('SELECT escn FROM cards WHERE escn > $1 ORDER BY escn LIMIT 50000', [after]);
      if (rows.length === 0) break;
      appendFileSync(page, `${rows.map((row) => row.escn).join('\n')}\n`);
      appendFileSync(qr, `${rows.map((row, i) => encodeURIComponent((forms[(cards + i) % 3] as (escn: string) => string)(row.escn))).join('\n')}\n`);
      cards += rows.length;
      after = (rows[rows.length - 1] as { escn: string }).escn;
    }
  } finally {
    await pool.end();
  }
  const bad = Math.round((cards * BAD_SHARE) / (1 - BAD_SHARE));
  const pageBad: string[] = [];
  const qrBad: string[] = [];
  for (let i = 0; i < bad; i += 1) {
    const unknown = unknownEscn();
    if (!ESCN_PATTERN.test(unknown)) throw new Error(`not a valid-shape ESCN: ${unknown}`);
    if (i % 2 === 0) {
      pageBad.push(unknown);
      qrBad.push(encodeURIComponent((forms[i % 3] as (escn: string) => string)(unknown)));
    } else {
      pageBad.push(encodeURIComponent(malformed(unknown, i)));
      qrBad.push(encodeURIComponent(i % 3 === 0 ? `https://evil.example/${unknown}` : malformed(unknown, i)));
    }
  }
  appendFileSync(page, `${pageBad.join('\n')}\n`);
  appendFileSync(qr, `${qrBad.join('\n')}\n`);
  return { page, qr, cards };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] as number : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/**
 * The public page a scanned QR code opens, on PostgreSQL with `cards` synthetic cards:
 * `GET /v/<escn>` and `GET /v?qr=<scanned text>`, numbers drawn uniformly from all cards with 10%
 * unknown or malformed ones (their 404/400 pages are expected answers; a 5xx or a socket error is
 * an error). The app runs as `npm start` runs it (`campuscard serve`, from the server bundle);
 * against it, a bare node:http server rendering the same page from the same lookup. Each server
 * runs in its own process (RSS read from /proc), and the two are loaded in alternation,
 * round after round (the order flips each round), so neither meets a warmer database cache.
 * Figures are the median of the rounds.
 */
export async function runVerificationPageBench(options: { cards?: number; seconds?: number; rounds?: number } = {}):
  Promise<{ rows: BenchRow[]; context: Record<string, unknown> }> {
  const total = options.cards ?? 1_000_000;
  const seconds = options.seconds ?? 10;
  const rounds = options.rounds ?? 3;
  const database = await freshDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'cc-bench-page-'));
  const servers: ChildProcess[] = [];
  try {
    // Both servers get the same configuration; the app first: starting it migrates the schema the
    // synthetic data is loaded into.
    const env = { ...process.env, DATABASE_URL: database.url, LOG_LEVEL: 'silent', DEMO: 'false', RUN_WORKERS: 'false',
      VERIFY_RATE_LIMIT_PER_MINUTE: '1000000', HOST: '127.0.0.1', PORT: String(await freePort()) };
    const qrPrefix = loadConfig(env).qrPrefix;
    const app = await startServer('app', env);
    servers.push(app.child);
    const loader = new pg.Pool({ connectionString: database.url, max: 1 });
    try {
      await loadSyntheticCards(loader, total);
    } finally {
      await loader.end();
    }
    const bare = await startServer('bare', env);
    servers.push(bare.child);
    const files = await writeRequestFiles(database.url, dir, qrPrefix);
    const idleRssMb = rssMb(app.child.pid as number);
    const loadAverageBefore = loadavg();

    const routes = [
      { name: '/v/<escn>', path: '/v/', file: files.page },
      { name: '/v?qr=<scanned text>', path: '/v?qr=', file: files.qr },
    ];
    const targets = { app, bare };
    const windows: Record<string, Window[]> = {};
    const run = async (server: 'app' | 'bare', route: (typeof routes)[number], time: number) => {
      const target = targets[server];
      return load(`http://127.0.0.1:${target.port}${route.path}`, route.file, time, target.child.pid as number);
    };
    for (const route of routes) {
      for (const server of ['bare', 'app'] as const) await run(server, route, 3);
    }
    for (let round = 0; round < rounds; round += 1) {
      for (const route of routes) {
        const order = round % 2 === 0 ? (['bare', 'app'] as const) : (['app', 'bare'] as const);
        for (const server of order) {
          const key = `${server} ${route.name}`;
          (windows[key] ??= []).push(await run(server, route, seconds));
        }
      }
    }
    const loadAverageAfter = loadavg();

    const rows: BenchRow[] = [];
    const summary = (key: string) => {
      const list = windows[key] as Window[];
      const requests = list.reduce((sum, w) => sum + w.ok + w.expected4xx + w.errors, 0);
      return {
        rate: median(list.map((w) => w.rate)), p50: median(list.map((w) => w.p50)), p99: median(list.map((w) => w.p99)),
        errors: list.reduce((sum, w) => sum + w.errors, 0), expectedShare: list.reduce((sum, w) => sum + w.expected4xx, 0) / Math.max(requests, 1),
        peakRssMb: Math.max(...list.map((w) => w.peakRssMb)),
      };
    };
    let appPeak = 0;
    let barePeak = 0;
    let errors = 0;
    for (const route of routes) {
      const a = summary(`app ${route.name}`);
      const b = summary(`bare ${route.name}`);
      appPeak = Math.max(appPeak, a.peakRssMb);
      barePeak = Math.max(barePeak, b.peakRssMb);
      errors += a.errors + b.errors;
      const ratio = a.rate / b.rate;
      rows.push(
        { metric: `${route.name} requests/s (${CONNECTIONS} connections, ${(a.expectedShare * 100).toFixed(1)}% answered 400/404)`, value: a.rate, unit: 'req/s',
          baseline: { name: 'bare node http + pg, same page', value: b.rate }, ratio, goal: '>= 70% of bare', pass: ratio >= 0.7 },
        { metric: `${route.name} p50 latency`, value: a.p50, unit: 'ms', baseline: { name: 'bare p50', value: b.p50 },
          ratio: b.p50 / Math.max(a.p50, 0.001), goal: 'reported (no goal)', pass: true },
        { metric: `${route.name} p99 latency`, value: a.p99, unit: 'ms', baseline: { name: 'bare p99', value: b.p99 },
          ratio: b.p99 / Math.max(a.p99, 0.001), goal: '<= 1.5 x bare p99', pass: a.p99 <= 1.5 * b.p99 },
      );
    }
    rows.push(
      { metric: 'app server peak RSS under load (its own process)', value: appPeak, unit: 'MB',
        baseline: { name: 'bare server peak RSS', value: barePeak }, goal: '< 300 MB', pass: appPeak < 300 },
      { metric: 'errors (5xx, other statuses, socket errors), both servers', value: errors, unit: '', goal: '0', pass: errors === 0 },
    );
    return {
      rows,
      context: {
        database: 'postgresql', cards: files.cards, connections: CONNECTIONS, secondsPerWindow: seconds, rounds,
        requestMix: `every card's ESCN once, plus ${BAD_SHARE * 100}% not cards (half unknown valid-shape numbers, half malformed), drawn uniformly at random`,
        qrForms: 'bare ESCN, https://s.esc-r.eu/<escn>, our QR prefix, in turn; malformed ones include a URL of another site',
        servers: 'app = node --max-semi-space-size=32 bin/campuscard.js serve (the server bundle, as npm start); bare = node:http under tsx; each in its own process; RSS = VmRSS from /proc/<pid>/status sampled every 250 ms',
        figures: 'median of the rounds; app and bare alternated in every round, order flipped each round',
        appIdleRssMb: idleRssMb, cpus: cpus().length, loadAverageBefore, loadAverageAfter, windows,
      },
    };
  } finally {
    for (const child of servers) await stopServer(child);
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}
