import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { addSecondInstitution, derivedTableDrift } from '../helpers/derived-tables.ts';
import { asciiLetters, SAMPLE_FIRST_NAMES, SAMPLE_LAST_NAMES, sampleName } from '../helpers/search-names.ts';
import { seededRandom } from '../../src/adapters/http-kit.ts';
import type { AccessScope } from '../../src/platform/db/scope-filter.ts';
import { searchWords } from '../../src/modules/people/domain/search-text.ts';
import {
  countCardsByWords, listCardsByWords, SEARCH_COLLECT_CAP, type CardKeyset, type CardListFilter, type CardSortKey,
} from '../../src/modules/cards/cards.repository.ts';
import { wordSearchFor } from '../../src/platform/db/search-words.ts';

// A dense card search (more matches than the trigram collection's cap) is read through the words
// of the cards' search text (migration 0057): card_search_words, kept by triggers from card_search.
// These tests hold it to the rule the list states (every term occurs in the card's search text),
// written as a plain query: same cards, same order, same pages (cursor and page numbers), same
// totals, for random cards, searches, filters and callers.
let t: TestApp;
let other: number;

const SEED = Number(process.env.WORD_SEARCH_SEED ?? Date.now() % 1_000_000);
const random = seededRandom(SEED);
const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;

const TYPES = ['student', 'staff', 'guest', 'external'];
const STATES = ['NEW', 'REQUEST_CHECKED', 'PRINTED', 'ENABLED', 'DISABLED'];

/** Cards with their holders; request dates spread over a year, some shared (ties broken by id). */
async function addCards(count: number, tag: string): Promise<void> {
  const pool = t.runtime.database.pool;
  for (let i = 0; i < count; i++) {
    const last = sampleName(random, SAMPLE_LAST_NAMES);
    const first = sampleName(random, SAMPLE_FIRST_NAMES);
    const eppn = `${tag}${i}.${asciiLetters(last).slice(0, 6)}@univ.example`;
    const { rows: [person] } = await pool.query<{ id: string }>(`INSERT INTO persons (eppn, first_name, last_name) VALUES ($1, $2, $3) RETURNING id`,
      [eppn, first, last]);
    const institution = pick([1, other]);
    const type = pick(TYPES);
    await pool.query(`INSERT INTO enrolments (person_id, institution_id, person_type) VALUES ($1, $2, $3)`, [person?.id, institution, type]);
    const hex = random() < 0.3 ? `${pick(['ab', 'ca', 'fe'])}${Math.floor(random() * 1e6).toString(16)}` : null;
    await pool.query(`INSERT INTO cards (person_id, institution_id, card_group, state, request_channel, requested_by, requested_at, csn,
        holder_eppn, holder_first_name, holder_last_name, holder_email, holder_person_type)
      VALUES ($1, $2, $2, $3, 'office', 'test', '2026-01-01'::timestamptz + ($4 || ' hours')::interval, $5, $6, $7, $8, $9, $10)`,
    [person?.id, institution, pick(STATES), String(Math.floor(random() * 400)), hex, eppn, first, last,
      random() < 0.5 ? `${asciiLetters(first)}.${asciiLetters(last)}@${pick(['univ.example', 'mart.example'])}` : null, type]);
  }
}

before(async () => {
  t = await startTestApp();
  other = await addSecondInstitution(t.runtime.database.pool, 'cwords', 'Card words', '444444444');
  await addCards(250, 'c');
});
after(async () => { await t.close(); });

test('the card words follow cards through inserts, renames, new identifiers, new types, deletions and replica sessions', async () => {
  const pool = t.runtime.database.pool;
  assert.equal(await derivedTableDrift(t.runtime.database.pool, 'card_search_words'), 0, `seed ${SEED}`);
  assert.ok(Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM card_search_words')).rows[0]?.n) > 250);
  await pool.query(`UPDATE cards SET holder_last_name = 'Lamartinière-Hô', holder_email = 'x.y@z.example' WHERE id IN (SELECT id FROM cards ORDER BY id LIMIT 5)`);
  // Case alone: the search text stays the same, the name order changes.
  await pool.query(`UPDATE cards SET holder_first_name = upper(holder_first_name) WHERE id IN (SELECT id FROM cards ORDER BY id DESC LIMIT 5)`);
  await pool.query(`UPDATE cards SET csn = 'ABCDEF01' WHERE id = (SELECT id FROM cards ORDER BY holder_eppn LIMIT 1)`);
  await pool.query(`UPDATE cards SET holder_person_type = 'guest' WHERE holder_person_type = 'staff' AND institution_id = $1`, [other]);
  // A move changes none of the words' columns: the words are not rewritten.
  const { rows: [moved] } = await pool.query<{ id: string }>(`SELECT card_id AS id FROM card_search_words ORDER BY card_id LIMIT 1`);
  const versions = async () => (await pool.query<{ ctid: string }>(`SELECT ctid::text FROM card_search_words WHERE card_id = $1 ORDER BY ctid`, [moved?.id])).rows;
  const untouched = await versions();
  await pool.query(`UPDATE cards SET state = 'DISABLED', updated_at = now(), version = version + 1 WHERE id = $1 AND state <> 'ENABLED'`, [moved?.id]);
  assert.deepEqual(await versions(), untouched, 'a move leaves the words as they were');
  await pool.query(`DELETE FROM cards WHERE id IN (SELECT id FROM cards ORDER BY holder_eppn DESC LIMIT 3)`);
  const client = await pool.connect();
  try {
    await client.query('SET session_replication_role = replica');
    const { rows: [person] } = await client.query<{ id: string }>(`SELECT person_id AS id FROM enrolments WHERE institution_id = 1 LIMIT 1`);
    await client.query(`INSERT INTO cards (person_id, institution_id, card_group, state, request_channel, requested_by, holder_eppn,
        holder_first_name, holder_last_name, holder_person_type)
      VALUES ($1, 1, 1, 'NEW', 'import', 'test', 'replica@univ.example', 'Rémi', 'Martinot', 'staff')`, [person?.id]);
    await client.query('SET session_replication_role = origin');
  } finally {
    client.release();
  }
  assert.equal(await derivedTableDrift(t.runtime.database.pool, 'card_search_words'), 0, `seed ${SEED}`);
  const martinot = await pool.query(`SELECT 1 FROM card_search_words WHERE word = 'martinot'`);
  assert.equal(martinot.rows.length, 1, 'a replica session writes the words too');
  const listed = await pool.query(`SELECT 1 FROM card_search_words w WHERE NOT EXISTS (SELECT 1 FROM search_word_list l WHERE l.word = w.word)`);
  assert.equal(listed.rows.length, 0, 'every card word is in the list of words');
});

type Page = { sort: Exclude<CardSortKey, 'updatedAt'>; order: 'asc' | 'desc' };

/** The rule, as a plain query: scope, filters, every term in the search text; the list's order, ties by id. */
async function reference(filter: CardListFilter, page: Page): Promise<string[]> {
  const conditions = [sql`true`];
  if (filter.scope.institutionIds !== null) conditions.push(sql`c.institution_id = ANY (${sql.val(`{${filter.scope.institutionIds.join(',')}}`)}::smallint[])`);
  if (filter.scope.personTypes !== null) conditions.push(sql`c.holder_person_type = ANY (${sql.val(`{${filter.scope.personTypes.join(',')}}`)}::text[])`);
  if (filter.personTypes) conditions.push(sql`c.holder_person_type = ANY (${sql.val(`{${filter.personTypes.join(',')}}`)}::text[])`);
  if (filter.states) conditions.push(sql`c.state = ANY (${sql.val(`{${filter.states.join(',')}}`)}::text[])`);
  for (const term of filter.terms ?? []) conditions.push(sql`position(${term} IN s.search_text) > 0`);
  const direction = sql.raw(page.order === 'asc' ? 'ASC' : 'DESC');
  const order = page.sort === 'lastName'
    ? sql`c.holder_last_name ${direction}, c.holder_first_name ${direction}, c.id ${direction}`
    : sql`c.requested_at ${direction}, c.id ${direction}`;
  const { rows } = await sql<{ id: string }>`SELECT c.id FROM cards c JOIN card_search s ON s.card_id = c.id
    WHERE ${sql.join(conditions, sql` AND `)} ORDER BY ${order}`.execute(t.runtime.database.db);
  return rows.map((row) => row.id);
}

test('a card word search lists and counts exactly what the rule says, by cursor and by page number, for random searches and callers', async () => {
  const db = t.runtime.database.db;
  const scopes: AccessScope[] = [
    { institutionIds: null, personTypes: null },
    { institutionIds: [1], personTypes: null },
    { institutionIds: [other], personTypes: ['staff', 'guest'] },
    { institutionIds: [], personTypes: null },
  ];
  const { rows: holders } = await t.runtime.database.pool.query<{ last: string; first: string }>(
    'SELECT holder_last_name AS last, holder_first_name AS first FROM cards');
  let compared = 0;
  let nonEmpty = 0;
  for (let i = 0; i < 50; i++) {
    const holder = pick(holders);
    const source = pick([holder.last, holder.first]);
    const start = random() < 0.5 ? 0 : Math.floor(random() * Math.max(1, source.length - 3));
    let q = source.slice(start, start + 3 + Math.floor(random() * 4));
    if (random() < 0.2) q = `${q} ${pick([holder.first, 'jean', 'ma'])}`;
    if (random() < 0.3) q = q.toUpperCase();
    if (random() < 0.1) q = pick(['mart', 'abe', 'fab']);
    const terms = searchWords(q, 8);
    const words = await wordSearchFor(db, terms);
    if (!words) continue;
    const filter: CardListFilter = {
      scope: pick(scopes), terms,
      personTypes: random() < 0.15 ? ['student'] : undefined,
      states: random() < 0.2 ? [pick(STATES)] : undefined,
    };
    const page: Page = { sort: pick(['requestedAt', 'lastName'] as const), order: random() < 0.6 ? 'desc' : 'asc' };
    const limit = 1 + Math.floor(random() * 6);
    const expected = await reference(filter, page);
    const context = `seed ${SEED}, q ${JSON.stringify(q)}, ${JSON.stringify({ ...filter, terms: undefined, ...page, limit })}`;
    // Page after page by cursor.
    const listed: string[] = [];
    let after: CardKeyset | undefined;
    for (;;) {
      const rows = await listCardsByWords(db, filter, { ...page, limit, after }, words);
      listed.push(...rows.slice(0, limit).map((row) => row.id));
      const last = rows[limit - 1];
      if (rows.length <= limit || !last) break;
      after = page.sort === 'lastName'
        ? { sort: 'lastName', lastName: last.holderLastName, firstName: last.holderFirstName, id: last.id }
        : { sort: 'requestedAt', at: last.sortAt, id: last.id };
    }
    assert.deepEqual(listed, expected, context);
    // A page by number.
    const offset = limit * Math.floor(random() * 3);
    const numbered = await listCardsByWords(db, filter, { ...page, limit, offset }, words);
    assert.deepEqual(numbered.slice(0, limit).map((row) => row.id), expected.slice(offset, offset + limit), `${context}, offset ${offset}`);
    for (const cap of [expected.length + 1, Math.max(1, expected.length - 1)]) {
      assert.equal(await countCardsByWords(db, filter, words, cap), Math.min(expected.length, cap), `${context}, cap ${cap}`);
    }
    compared++;
    if (expected.length > 0) nonEmpty++;
  }
  assert.ok(compared >= 25 && nonEmpty >= 15, `enough searches compared (${compared}, ${nonEmpty} finding a card), seed ${SEED}`);
});

test('a dense common prefix through the API: every match newest first and in name order, inside words too, with its total', async () => {
  const pool = t.runtime.database.pool;
  const count = SEARCH_COLLECT_CAP + 200;
  await pool.query(`INSERT INTO persons (eppn, first_name, last_name)
    SELECT 'cwm' || g || '@univ.example', 'Prénom' || (g % 7), CASE WHEN g % 50 = 0 THEN 'Lacwordmart' ELSE 'Cwordmart' END || lpad(g::text, 5, '0')
    FROM generate_series(1, $1::int) g`, [count]);
  await pool.query(`INSERT INTO enrolments (person_id, institution_id, person_type)
    SELECT id, CASE WHEN substr(eppn, 4, position('@' IN eppn) - 4)::int % 10 = 3 THEN $1::smallint ELSE 1 END, 'student'
    FROM persons WHERE eppn LIKE 'cwm%@univ.example'`, [other]);
  await pool.query(`INSERT INTO cards (person_id, institution_id, card_group, state, request_channel, requested_by, requested_at,
      holder_eppn, holder_first_name, holder_last_name, holder_person_type)
    SELECT p.id, e.institution_id, e.institution_id, 'NEW', 'office', 'test', '2026-03-01'::timestamptz + (row_number() OVER (ORDER BY p.eppn) % 97) * interval '1 minute',
      p.eppn, p.first_name, p.last_name, 'student'
    FROM persons p JOIN enrolments e ON e.person_id = p.id WHERE p.eppn LIKE 'cwm%@univ.example'`);
  const manager = await t.loginAs('manager', { institutions: ['main'] });
  const scope: AccessScope = { institutionIds: [1], personTypes: null };
  for (const page of [{ sort: 'requestedAt', order: 'desc' }, { sort: 'lastName', order: 'asc' }] as const) {
    const expected = await reference({ scope, terms: ['cwordmart'] }, page);
    assert.ok(expected.length > SEARCH_COLLECT_CAP, 'dense: the words are read');
    const listed: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const next: { status: number; text: string; body: { items: Array<{ id: string }>; nextCursor: string | null } } = await manager.get(
        `/api/v1/cards?q=CWORDMART&limit=200&sort=${page.sort}&order=${page.order}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      assert.equal(next.status, 200, next.text);
      listed.push(...next.body.items.map((item) => item.id));
      cursor = next.body.nextCursor;
    }
    assert.deepEqual(listed, expected, `${page.sort} ${page.order}`);
    const numbered = await manager.get<{ items: Array<{ id: string }>; total: number }>(`/api/v1/cards?q=cwordmart&page=3&limit=50&sort=${page.sort}&order=${page.order}`);
    assert.equal(numbered.status, 200);
    assert.deepEqual(numbered.body.items.map((item) => item.id), expected.slice(100, 150));
    assert.equal(numbered.body.total, expected.length);
  }
  const inside = await manager.get<{ items: Array<{ id: string }> }>('/api/v1/cards?q=acwordmart&limit=200');
  assert.deepEqual(inside.body.items.map((item) => item.id), await reference({ scope, terms: ['acwordmart'] }, { sort: 'requestedAt', order: 'desc' }),
    'a word held only inside words');
  // A manager of the other institution finds none of these cards of the first one.
  const outsider = await t.loginAs('manager', { institutions: ['cwords'] });
  const theirs = await outsider.get<{ items: Array<{ id: string }>; total: number }>('/api/v1/cards?q=cwordmart&page=1&limit=200');
  const mine = new Set(await reference({ scope, terms: ['cwordmart'] }, { sort: 'requestedAt', order: 'desc' }));
  assert.ok(theirs.body.items.length > 0 && theirs.body.items.every((item) => !mine.has(item.id)));
  assert.equal(theirs.body.total, (await reference({ scope: { institutionIds: [other], personTypes: null }, terms: ['cwordmart'] }, { sort: 'requestedAt', order: 'desc' })).length);
});
