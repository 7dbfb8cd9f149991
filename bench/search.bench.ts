import { pino } from 'pino';
import { loadConfig } from '../src/config.ts';
import { startRuntime } from '../src/app/runtime.ts';
import type { Principal } from '../src/modules/auth/domain/roles.ts';
import { readerOf } from '../src/modules/people/people.policy.ts';
import type { BenchRow } from './bench-report.ts';
import { BENCH_INSTITUTIONS, freshDatabase, LAST_NAMES, loadSyntheticCards, loadSyntheticMoves, percentile } from './bench-database.ts';

function principal(role: Principal['role'], institutionIds: number[] | null, personTypes: string[] | null = null): Principal {
  return { kind: 'token', id: 'bench', actor: 'bench', displayName: 'bench', role, personTypes, personId: null,
    institutionIds, grantedInstitutionIds: institutionIds, focusInstitutionId: null };
}

const ADMIN = principal('admin', null);
const MEMBER_IDS = Array.from({ length: BENCH_INSTITUTIONS }, (_, index) => index + 1);

/**
 * The callers whose searches are measured: an admin of the whole deployment, a federation manager
 * (the 8 members, as a grant on the federation expands to), a manager of one institution of 8
 * (about 125,000 cards), and one limited to students there too.
 */
const SCOPES: Array<{ name: string; principal: Principal }> = [
  { name: 'unrestricted', principal: ADMIN },
  { name: 'federation manager', principal: principal('manager', MEMBER_IDS) },
  { name: 'manager of 1 of 8', principal: principal('manager', [3]) },
  { name: '1 of 8, students only', principal: principal('manager', [3], ['student']) },
];

/**
 * Card search on PostgreSQL with 1M synthetic cards over 8 institutions of one federation, for each
 * caller of SCOPES (and the persons list, one row per enrolment): p50/p95 of name searches (a rare name, a
 * common prefix and a name with a first name, the last two in page mode with the total) and of
 * filtered lists through the cards service, against a primary-key lookup on the same table in the
 * same run.
 * Then the dashboard's statistics (GET /stats/cards through its service) once the cards have a
 * history, against a plain `SELECT count(*) FROM cards`, and the first run of the snapshot job.
 */
export async function runSearchBench(options: { cards?: number; samples?: number } = {}): Promise<BenchRow[]> {
  const total = options.cards ?? 1_000_000;
  const samples = options.samples ?? 200;
  const database = await freshDatabase();
  const config = loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'silent', DEMO: 'false' });
  const runtime = await startRuntime(config, { command: 'bench', http: false, workers: false, logger: pino({ level: 'silent' }) });
  try {
    const pool = runtime.database.pool;
    await loadSyntheticCards(pool, total);
    const { cards, people } = runtime.services;

    async function measure(run: (i: number) => Promise<unknown>, count = samples): Promise<number[]> {
      for (let i = 0; i < 10; i++) await run(i);
      const times: number[] = [];
      for (let i = 0; i < count; i++) {
        const started = performance.now();
        await run(i);
        times.push(performance.now() - started);
      }
      return times;
    }
    const ids = (await pool.query<{ id: string }>('SELECT id FROM cards TABLESAMPLE SYSTEM (1) LIMIT 500')).rows.map((row) => row.id);
    const pk = await measure((i) => pool.query('SELECT * FROM cards WHERE id = $1', [ids[i % ids.length]]));
    const pkP95 = percentile(pk, 95);
    const row = (metric: string, times: number[]): BenchRow => {
      const p95 = percentile(times, 95);
      return { metric: `${metric} p50 ${percentile(times, 50).toFixed(1)} ms / p95`, value: p95, unit: 'ms',
        baseline: { name: 'primary-key lookup p95', value: pkP95 }, ratio: pkP95 / p95, goal: 'p95 < 50 ms', pass: p95 < 50 };
    };
    const searchRows: BenchRow[] = [];
    for (const scope of SCOPES) {
      const caller = scope.principal;
      const nameSearch = await measure((i) => cards.list({ q: `${LAST_NAMES[i % LAST_NAMES.length]}${i % 53}`, limit: 50 }, caller));
      // What operators type in the card list (page mode, with its total, as the web list asks):
      // a common prefix (66,666 cards for "mart") and a name with a first name.
      const prefixSearch = await measure((i) => cards.list({ q: (LAST_NAMES[i % LAST_NAMES.length] ?? '').slice(0, 4), page: 1, limit: 50 }, caller),
        Math.ceil(samples / 4));
      const twoTerms = await measure((i) => cards.list({ q: `${LAST_NAMES[i % LAST_NAMES.length]} prenom${i % 97}`, page: 1, limit: 50 }, caller),
        Math.ceil(samples / 4));
      const rareSearch = await measure((i) => cards.list({ q: String(100_000 + i * 37).padStart(8, '0'), limit: 50 }, caller));
      const filtered = await measure((i) => cards.list({ state: ['ENABLED'], personType: [i % 2 ? 'student' : 'staff'], sort: 'requestedAt', order: 'desc', limit: 50 }, caller));
      const queue = await measure(() => cards.list({ state: ['NEW', 'REQUEST_CHECKED'], sort: 'lastName', order: 'asc', limit: 100 }, caller));
      // The web card list as it opens: 100 rows per page by last update, page 1 to 5, with its total.
      const listPages = await measure((i) => cards.list({ sort: 'updatedAt', order: 'desc', page: 1 + (i % 5), limit: 100 }, caller));
      // The persons list (one row per enrolment in scope), as the web list asks: a common prefix
      // with its total, and the first page by name.
      const reader = readerOf(caller);
      const personsPrefix = await measure((i) => people.list({ q: (LAST_NAMES[i % LAST_NAMES.length] ?? '').slice(0, 4), withTotal: true, limit: 50, reader }),
        Math.ceil(samples / 4));
      const personsByName = await measure(() => people.list({ sort: 'last_name', order: 'asc', limit: 50, reader }), Math.ceil(samples / 4));
      searchRows.push(
        row(`[${scope.name}] name search ("dupont12")`, nameSearch),
        row(`[${scope.name}] name prefix ("mart", page 1 + total)`, prefixSearch),
        row(`[${scope.name}] name + first name ("dupont prenom5", page 1 + total)`, twoTerms),
        row(`[${scope.name}] search by student number`, rareSearch),
        row(`[${scope.name}] filtered list (ENABLED, type, by date)`, filtered),
        row(`[${scope.name}] work queue (NEW+CHECKED, by name, 100)`, queue),
        row(`[${scope.name}] card list, 100 rows, pages 1-5 + total`, listPages),
        row(`[${scope.name}] persons list, search "mart" + total`, personsPrefix),
        row(`[${scope.name}] persons list by name, first page`, personsByName),
      );
    }

    await loadSyntheticMoves(pool);
    const { cardStats } = runtime.services;
    const timed = async (run: () => Promise<unknown>) => {
      const started = performance.now();
      await run();
      return performance.now() - started;
    };
    // Before any snapshot: the 29 past days are rewound from the moves on the fly.
    const firstLoad = await timed(() => cardStats.cardStats({ days: 30 }, ADMIN));
    const backfill = await timed(() => cardStats.snapshot());
    const statsSamples = Math.min(samples, 50);
    const countAll = await measure(() => pool.query('SELECT count(*) FROM cards'), statsSamples);
    const month = await measure(() => cardStats.cardStats({ days: 30 }, ADMIN), statsSamples);
    const year = await measure(() => cardStats.cardStats({ days: 366 }, ADMIN), statsSamples);
    const countP95 = percentile(countAll, 95);
    const countName = `SELECT count(*) FROM cards (p50 ${percentile(countAll, 50).toFixed(0)} ms) p95`;
    const statsRow = (metric: string, times: number[]): BenchRow => {
      const p95 = percentile(times, 95);
      return { metric: `${metric} p50 ${percentile(times, 50).toFixed(0)} ms / p95`, value: p95, unit: 'ms',
        baseline: { name: countName, value: countP95 }, ratio: countP95 / p95,
        goal: 'p95 ≤ 3 × count(*)', pass: p95 <= 3 * countP95 };
    };
    return [
      ...searchRows,
      statsRow('card stats, 30 days (dashboard)', month),
      statsRow('card stats, 366 days', year),
      { metric: 'card stats, 30 days, no snapshot yet (first load)', value: firstLoad, unit: 'ms',
        baseline: { name: countName, value: countP95 }, ratio: countP95 / firstLoad, goal: '< 5 s', pass: firstLoad < 5000 },
      { metric: 'snapshot job, first run (backfills 366 days from 1.9M moves)', value: backfill, unit: 'ms', goal: '< 60 s', pass: backfill < 60_000 },
    ];
  } finally {
    await runtime.close();
    await database.drop();
  }
}
