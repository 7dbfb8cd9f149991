import { pino } from 'pino';
import { loadConfig } from '../src/config.ts';
import { startRuntime } from '../src/app/runtime.ts';
import { foldSearchText } from '../src/modules/people/domain/search-text.ts';
import { loadSyntheticCards } from './bench-database.ts';
import * as repo from '../src/modules/cards/cards.repository.ts';
import { wordSearchFor } from '../src/platform/db/search-words.ts';
import pg from 'pg';

const url = 'postgres://postgres@127.0.0.1:5432/cc_explain';
const rows = Number(process.env.ROWS ?? 200000);
if (process.env.LOAD === '1') {
  const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' }); await admin.connect();
  await admin.query('DROP DATABASE IF EXISTS cc_explain'); await admin.query('CREATE DATABASE cc_explain'); await admin.end();
}
const config = loadConfig({ DEMO: 'false', LOG_LEVEL: 'silent', DATABASE_URL: url, DATA_DIR: '/tmp/explain' });
const runtime = await startRuntime(config, { command: 'bench', http: false, workers: false, logger: pino({ level: 'silent' }) });
if (process.env.LOAD === '1') { const s = performance.now(); await loadSyntheticCards(runtime.database.pool, rows); console.log('loaded', performance.now() - s); }
const db = runtime.database.db;
const { rows: names } = await runtime.database.pool.query<{ last: string }>('SELECT holder_last_name AS last FROM cards ORDER BY random() LIMIT 150');
const scopes = { admin: { institutionIds: null, personTypes: null }, one: { institutionIds: [3], personTypes: null } } as const;
const results: Array<[number, number, number, string, string, number]> = [];
const time = async (run: () => Promise<unknown>) => { const s = performance.now(); await run(); return performance.now() - s; };
for (const { last } of names) {
  const q = foldSearchText(last).replace(/[\s'’-]/g, '').slice(0, 4);
  const terms = [q];
  const words = await wordSearchFor(db, terms);
  for (const [name, scope] of Object.entries(scopes)) {
    const filter = { scope, terms };
    const list = await time(() => repo.listCards(db, filter, { sort: 'requestedAt', order: 'desc', limit: 50, offset: 0 }));
    const count = await time(() => repo.countCards(db, filter, 10001));
    const byName = await time(() => repo.listCards(db, filter, { sort: 'lastName', order: 'asc', limit: 50 }));
    results.push([list, count, byName, q, name, words?.inner.length ?? -1]);
  }
}
results.sort((a, b) => (b[0] + b[1]) - (a[0] + a[1]));
for (const r of results.slice(0, 15)) console.log(r.map((x) => typeof x === 'number' ? x.toFixed(0) : x).join('\t'));
const sum = (i: number) => results.map((r) => r[i] as number).sort((a, b) => a - b);
for (const [i, n] of [[0, 'list'], [1, 'count'], [2, 'byName']] as const) { const s = sum(i); console.log(n, 'p50', s[Math.floor(s.length / 2)]?.toFixed(0), 'p95', s[Math.floor(s.length * 0.95)]?.toFixed(0)); }
for (const [name, scope] of Object.entries(scopes)) {
  const ls: number[] = []; const cs: number[] = [];
  for (let i = 0; i < 20; i++) {
    ls.push(await time(() => repo.listCards(db, { scope }, { sort: 'updatedAt', order: 'desc', limit: 100, offset: 100 * (i % 5) })));
    cs.push(await time(() => repo.countCards(db, { scope }, 10001)));
  }
  ls.sort((a, b) => a - b); cs.sort((a, b) => a - b);
  console.log('plain list', name, 'list p50', ls[10]?.toFixed(1), 'max', ls[19]?.toFixed(1), 'count p50', cs[10]?.toFixed(1), 'max', cs[19]?.toFixed(1));
}
await runtime.close();
