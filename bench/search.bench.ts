import { pino } from 'pino';
import { loadConfig } from '../src/config.ts';
import { startRuntime } from '../src/app/runtime.ts';
import type { Principal } from '../src/modules/auth/domain/roles.ts';
import { readerOf } from '../src/modules/people/people.policy.ts';
import type { BenchRow } from './bench-report.ts';
import { freemem, totalmem } from 'node:os';
import type { SqlPool } from '../src/platform/db/pglite-pool.ts';
import { foldSearchText } from '../src/modules/people/domain/search-text.ts';
import { INNER_WORDS_CAP } from '../src/platform/db/search-words.ts';
import { BENCH_INSTITUTIONS, freshDatabase, loadSyntheticCards, loadSyntheticMoves, percentile } from './bench-database.ts';

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

/** The callers of the office's searches (issue 12): the whole deployment, one institution of 8, the same limited to two person types. */
const SEARCH_SCOPES: Array<{ name: string; principal: Principal; institution: number | null; types: string[] | null }> = [
  { name: 'admin', principal: ADMIN, institution: null, types: null },
  { name: 'manager 1 of 8', principal: principal('manager', [3]), institution: 3, types: null },
  { name: 'manager 1 of 8, staff+guest', principal: principal('manager', [3], ['staff', 'guest']), institution: 3, types: ['staff', 'guest'] },
];

/** A card of the data, as the search queries are drawn from it. */
interface DrawnCard {
  lastName: string;
  firstName: string;
  studentNumber: string | null;
  csn: string;
  csnReversed: string;
  csnDecimal: string;
  escn: string;
}

/** Rows to load when no size is given: `BENCH_SEARCH_ROWS` (persons = cards), else 1M. */
function defaultSize(): number {
  const size = Number(process.env.BENCH_SEARCH_ROWS ?? '');
  return Number.isInteger(size) && size > 0 ? size : 1_000_000;
}

/** A name as an operator types it: as written, in capitals, or without its accents. */
function typed(name: string, i: number): string {
  if (i % 3 === 1) return name.toUpperCase();
  if (i % 3 === 2) return foldSearchText(name);
  return name;
}

/** One part of a name (parts of at least 3 letters when there are), as typed. */
function partOf(name: string, i: number): string {
  const parts = name.split(/[\s'’-]+/).filter((part) => part.length >= 3);
  const choices = parts.length > 0 ? parts : [name];
  return typed(choices[i % choices.length] ?? name, i);
}

/** A CSN in one of the forms an operator pastes: hex, hex with colons in lower case, reversed, decimal. */
function csnAsTyped(card: DrawnCard, i: number): string {
  switch (i % 4) {
    case 0: return card.csn;
    case 1: return (card.csn.toLowerCase().match(/../g) ?? []).join(':');
    case 2: return card.csnReversed;
    default: return card.csnDecimal;
  }
}

/**
 * Search on PostgreSQL with `BENCH_SEARCH_ROWS` (default 1M) synthetic persons with one card each,
 * over 8 institutions of one federation (realistic names: see `loadSyntheticCards`). Every search
 * shape an office uses, for cards and persons, as each caller of SEARCH_SCOPES, p50/p95 against a
 * primary-key lookup on the same table in the same run, goal p95 < 50 ms. The terms are drawn at
 * random from the data (a random card's holder, so frequent names are drawn as often as they
 * occur): one name part (as written, in capitals or without accents), a common prefix (the first
 * four letters of a drawn last name) with the page's total, a last and a first name with the
 * total, sorted by date or by name, a student number, a CSN in any form, an ESCN. Then the card
 * lists as before, and the dashboard's statistics once the cards have a history.
 */
export async function runSearchBench(options: { cards?: number; samples?: number } = {}): Promise<BenchRow[]> {
  const total = options.cards ?? defaultSize();
  const samples = options.samples ?? 100;
  const database = await freshDatabase();
  const config = loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'silent', DEMO: 'false' });
  const runtime = await startRuntime(config, { command: 'bench', http: false, workers: false, logger: pino({ level: 'silent' }) });
  try {
    const pool = runtime.database.pool;
    const loadStarted = performance.now();
    await loadSyntheticCards(pool, total);
    console.log(`search bench: ${total} persons, enrolments and cards loaded in ${((performance.now() - loadStarted) / 1000).toFixed(0)} s`);
    await printSizes(pool);
    await printInnerWords(pool);
    const { cards, people } = runtime.services;

    async function measure(run: (i: number) => Promise<unknown>, count = samples): Promise<number[]> {
      for (let i = 0; i < 5; i++) await run(i + count);
      const times: number[] = [];
      for (let i = 0; i < count; i++) {
        const started = performance.now();
        await run(i);
        times.push(performance.now() - started);
      }
      return times;
    }
    const ids = (await pool.query<{ id: string }>('SELECT id FROM cards TABLESAMPLE SYSTEM (1) LIMIT 500')).rows.map((row) => row.id);
    const pk = await measure((i) => pool.query('SELECT * FROM cards WHERE id = $1', [ids[i % ids.length]]), 200);
    const pkP95 = percentile(pk, 95);
    const row = (metric: string, times: number[]): BenchRow => {
      const p95 = percentile(times, 95);
      return { metric: `${metric} p50 ${percentile(times, 50).toFixed(1)} ms / p95`, value: p95, unit: 'ms',
        baseline: { name: 'primary-key lookup p95', value: pkP95 }, ratio: pkP95 / p95, goal: 'p95 < 50 ms', pass: p95 < 50 };
    };
    const searchRows: BenchRow[] = [];
    for (const scope of SEARCH_SCOPES) {
      const caller = scope.principal;
      const reader = readerOf(caller);
      // Holders drawn at random from the whole data (names), and from the caller's own cards (numbers).
      const everyone = await drawCards(pool, null, null, samples * 2);
      const own = await drawCards(pool, scope.institution, scope.types, samples);
      const any = (i: number): DrawnCard => everyone[i % everyone.length] as DrawnCard;
      const mine = (i: number): DrawnCard => own[i % own.length] as DrawnCard;
      const oneTerm = (i: number) => partOf(any(i).lastName, i);
      const prefix = (i: number) => typed(foldSearchText(any(i).lastName).replace(/[\s'’-]/g, '').slice(0, 4), i);
      const twoTerms = (i: number) => `${partOf(any(i).lastName, i)} ${partOf(any(i).firstName, i + 1)}`;
      // A caller limited to staff and guests has no student of their own: they type others' numbers (and find nothing).
      const ownStudents = own.filter((card) => card.studentNumber !== null);
      const students = ownStudents.length > 0 ? ownStudents : everyone.filter((card) => card.studentNumber !== null);
      const studentNumber = (i: number) => students[i % students.length]?.studentNumber ?? '';
      const half = Math.ceil(samples / 2);
      const shapes: Array<[string, (i: number) => Promise<unknown>, number]> = [
        ['cards: one name part, by date', (i) => cards.list({ q: oneTerm(i), limit: 50 }, caller), samples],
        ['cards: one name part, by name', (i) => cards.list({ q: oneTerm(i), sort: 'lastName', order: 'asc', limit: 50 }, caller), samples],
        ['cards: common prefix, page 1 + total', (i) => cards.list({ q: prefix(i), page: 1, limit: 50 }, caller), half],
        ['cards: common prefix, by name', (i) => cards.list({ q: prefix(i), sort: 'lastName', order: 'asc', limit: 50 }, caller), half],
        ['cards: last + first name, page 1 + total', (i) => cards.list({ q: twoTerms(i), page: 1, limit: 50 }, caller), half],
        ['cards: student number', (i) => cards.list({ q: studentNumber(i), limit: 50 }, caller), samples],
        ['cards: CSN in any form', (i) => cards.list({ q: csnAsTyped(mine(i), i), limit: 50 }, caller), samples],
        ['cards: ESCN', (i) => cards.list({ q: mine(i).escn, limit: 50 }, caller), samples],
        ['persons: one name part, by name + total', (i) => people.list({ q: oneTerm(i), withTotal: true, limit: 50, reader }), samples],
        ['persons: one name part, by date', (i) => people.list({ q: oneTerm(i), sort: 'created_at', order: 'desc', limit: 50, reader }), samples],
        ['persons: common prefix, by name + total', (i) => people.list({ q: prefix(i), withTotal: true, limit: 50, reader }), half],
        ['persons: common prefix, by date', (i) => people.list({ q: prefix(i), sort: 'created_at', order: 'desc', limit: 50, reader }), half],
        ['persons: last + first name + total', (i) => people.list({ q: twoTerms(i), withTotal: true, limit: 50, reader }), half],
        ['persons: student number', (i) => people.list({ q: studentNumber(i), limit: 50, reader }), samples],
      ];
      for (const [name, run, count] of shapes) {
        const measured = row(`[${scope.name}] ${name}`, await measure(run, count));
        // Progress for long runs (the table prints at the end).
        console.log(`search bench: ${measured.metric} ${measured.value.toFixed(1)} ms`);
        searchRows.push(measured);
      }
    }
    for (const scope of SCOPES) {
      const caller = scope.principal;
      const filtered = await measure((i) => cards.list({ state: ['ENABLED'], personType: [i % 2 ? 'student' : 'staff'], sort: 'requestedAt', order: 'desc', limit: 50 }, caller));
      const queue = await measure(() => cards.list({ state: ['NEW', 'REQUEST_CHECKED'], sort: 'lastName', order: 'asc', limit: 100 }, caller));
      // The web card list as it opens: 100 rows per page by last update, page 1 to 5, with its total.
      const listPages = await measure((i) => cards.list({ sort: 'updatedAt', order: 'desc', page: 1 + (i % 5), limit: 100 }, caller));
      const personsByName = await measure(() => people.list({ sort: 'last_name', order: 'asc', limit: 50, reader: readerOf(caller) }), Math.ceil(samples / 4));
      searchRows.push(
        row(`[${scope.name}] filtered list (ENABLED, type, by date)`, filtered),
        row(`[${scope.name}] work queue (NEW+CHECKED, by name, 100)`, queue),
        row(`[${scope.name}] card list, 100 rows, pages 1-5 + total`, listPages),
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

/**
 * `count` cards drawn at random, of one institution and these holder types when given. The draw
 * is seeded: the same data gives the same terms at every run, so that two runs' tails compare (a
 * p95 over 50 drawn prefixes moves with how often the few densest ones are drawn).
 */
async function drawCards(pool: SqlPool, institution: number | null, types: string[] | null, count: number): Promise<DrawnCard[]> {
  // By a digest of the eppn (the loader's data is seeded; its ids are not), whatever the scan order.
  const result = await pool.query<DrawnCard>(`SELECT holder_last_name AS "lastName", holder_first_name AS "firstName",
      holder_student_number AS "studentNumber", csn, csn_reversed AS "csnReversed", csn_decimal AS "csnDecimal", escn
    FROM cards WHERE ($1::smallint IS NULL OR institution_id = $1) AND ($2::text[] IS NULL OR holder_person_type = ANY($2))
    ORDER BY md5(holder_eppn || 'draw') LIMIT $3`, [institution, types, count]);
  return result.rows;
}

/**
 * Prints what the searches read against the memory they have: each table with its indexes, the
 * trigram indexes, PostgreSQL's shared_buffers and the machine's RAM (the OS page cache holds what
 * shared_buffers does not).
 */
async function printSizes(pool: SqlPool): Promise<void> {
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
  const tables = await pool.query<{ name: string; heap: string; indexes: string; trgm: string | null }>(`SELECT c.relname AS name,
      pg_table_size(c.oid) AS heap, pg_indexes_size(c.oid) AS indexes,
      (SELECT sum(pg_relation_size(i.indexrelid)) FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
        WHERE i.indrelid = c.oid AND ic.relname LIKE '%search_trgm') AS trgm
    FROM pg_class c WHERE c.relname IN ('cards', 'card_search', 'persons', 'enrolments', 'person_search_words', 'card_search_words', 'search_word_list')
    ORDER BY c.relname`);
  const settings = await pool.query<{ buffers: string }>(`SELECT pg_size_bytes(current_setting('shared_buffers'))::text AS buffers`);
  let sum = 0;
  for (const table of tables.rows) {
    sum += Number(table.heap) + Number(table.indexes);
    console.log(`search bench: ${table.name}: table ${mb(Number(table.heap))}, indexes ${mb(Number(table.indexes))}`
      + (table.trgm ? ` (trigram index ${mb(Number(table.trgm))})` : ''));
  }
  console.log(`search bench: all ${mb(sum)}; shared_buffers ${mb(Number(settings.rows[0]?.buffers ?? 0))}; RAM ${mb(totalmem())}, free ${mb(freemem())}`);
}

/**
 * How many distinct words hold a common prefix after their first letter (the words a word search
 * reads besides those the prefix starts), for four-letter prefixes of 300 last names drawn from
 * the data: past `INNER_WORDS_CAP` a search takes the former ways.
 */
async function printInnerWords(pool: SqlPool): Promise<void> {
  const { rows: names } = await pool.query<{ last: string }>('SELECT holder_last_name AS last FROM cards TABLESAMPLE SYSTEM (1) LIMIT 300');
  const counts: number[] = [];
  for (const { last } of names) {
    const prefix = foldSearchText(last).replace(/[\s'’-]/g, '').slice(0, 4);
    const { rows: [row] } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM search_word_list WHERE word LIKE $1', [`_%${prefix}%`]);
    counts.push(Number(row?.n ?? 0));
  }
  const over = counts.filter((count) => count > INNER_WORDS_CAP).length;
  console.log(`search bench: words holding a common prefix further in: p50 ${percentile(counts, 50)}, p95 ${percentile(counts, 95)}, `
    + `max ${Math.max(0, ...counts)}; over the cap of ${INNER_WORDS_CAP}: ${over} of ${counts.length} prefixes`);
}
