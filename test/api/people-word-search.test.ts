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
  countPersons, listPersons, SEARCH_COLLECT_CAP, type PersonListFilter,
} from '../../src/modules/people/people.repository.ts';
import { collectInnerWords, wordSearchTerm } from '../../src/platform/db/search-words.ts';

// A search in name or date order is read through the words of the search text (migrations 0050, 0056):
// person_search_words and search_word_list, kept by triggers. These
// tests hold it to the rule the list states (every term occurs in the search text, or the
// enrolment's student number starts with the typed word), written as a plain query: same rows,
// same order, same pages, same totals, for random persons and searches and every kind of caller.
let t: TestApp;
let other: number;

const SEED = Number(process.env.WORD_SEARCH_SEED ?? Date.now() % 1_000_000);
const random = seededRandom(SEED);
const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;

const TYPES = ['student', 'staff', 'guest', 'external'];

async function addPersons(count: number, tag: string): Promise<void> {
  const pool = t.runtime.database.pool;
  for (let i = 0; i < count; i++) {
    const last = sampleName(random, SAMPLE_LAST_NAMES);
    const first = sampleName(random, SAMPLE_FIRST_NAMES);
    const email = random() < 0.6 ? `${asciiLetters(first)}.${asciiLetters(last)}${Math.floor(random() * 30)}@${pick(['univ.example', 'mart.example', 'x.fr'])}` : null;
    const ine = random() < 0.3 ? `${String(Math.floor(random() * 1e9)).padStart(9, '0')}${pick(['AB', 'MA', 'ZZ'])}` : null;
    const { rows: [person] } = await pool.query<{ id: string }>(`INSERT INTO persons (eppn, first_name, last_name, email, ine)
      VALUES ($1, $2, $3, $4, $5) RETURNING id`, [`${tag}${i}.${asciiLetters(last).slice(0, 6)}@univ.example`, first, last, email, ine]);
    const institutions = random() < 0.2 ? [1, other] : [pick([1, other])];
    for (const institution of institutions) {
      const type = pick(TYPES);
      const number = type === 'student' && random() < 0.5 ? `${pick(['MART', 'mart', '2024', 'SN-'])}${Math.floor(random() * 1000)}` : null;
      await pool.query(`INSERT INTO enrolments (person_id, institution_id, person_type, student_number, rights_end) VALUES ($1, $2, $3, $4, $5)`,
        [person?.id, institution, type, number, pick(['2026-08-31', '2028-08-31', null])]);
    }
  }
}

before(async () => {
  t = await startTestApp();
  other = await addSecondInstitution(t.runtime.database.pool, 'words', 'Words', '333333333');
  await addPersons(300, 'w');
});
after(async () => { await t.close(); });

/** Words held by someone that the list of words lacks. */
async function unlisted(): Promise<number> {
  const { rows: [row] } = await t.runtime.database.pool.query<{ n: string }>(`SELECT count(*) AS n FROM person_search_words w
    WHERE NOT EXISTS (SELECT 1 FROM search_word_list l WHERE l.word = w.word)`);
  return Number(row?.n);
}

test('the words follow persons and enrolments through inserts, renames, new dates, new types, removals and replica sessions', async () => {
  const pool = t.runtime.database.pool;
  assert.equal(await derivedTableDrift(t.runtime.database.pool, 'person_search_words'), 0, `seed ${SEED}`);
  assert.equal(await unlisted(), 0);
  assert.ok(Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM person_search_words')).rows[0]?.n) > 300);
  await pool.query(`UPDATE persons SET last_name = 'Lamartinière-Hô', email = 'x.y@z.example' WHERE id IN (SELECT id FROM persons ORDER BY id LIMIT 5)`);
  await pool.query(`UPDATE persons SET first_name = upper(first_name) WHERE id IN (SELECT id FROM persons ORDER BY id DESC LIMIT 5)`);
  await pool.query(`UPDATE persons SET created_at = created_at - interval '3 days' WHERE id IN (SELECT id FROM persons ORDER BY eppn DESC LIMIT 4)`);
  await pool.query(`UPDATE enrolments SET person_type = 'guest' WHERE person_type = 'staff' AND institution_id = $1`, [other]);
  await pool.query(`DELETE FROM enrolments WHERE (person_id, institution_id) IN (SELECT person_id, institution_id FROM enrolments ORDER BY person_id LIMIT 3)`);
  await pool.query(`DELETE FROM persons WHERE id IN (SELECT id FROM persons ORDER BY eppn LIMIT 3)`);
  const client = await pool.connect();
  try {
    await client.query('SET session_replication_role = replica');
    await client.query(`INSERT INTO persons (eppn, first_name, last_name) VALUES ('replica@univ.example', 'Rémi', 'Martinot')`);
    await client.query(`INSERT INTO enrolments (person_id, institution_id, person_type) SELECT id, 1, 'staff' FROM persons WHERE eppn = 'replica@univ.example'`);
    await client.query('SET session_replication_role = origin');
  } finally {
    client.release();
  }
  assert.equal(await derivedTableDrift(t.runtime.database.pool, 'person_search_words'), 0, `seed ${SEED}`);
  assert.equal(await unlisted(), 0);
  const martinot = await pool.query(`SELECT 1 FROM person_search_words WHERE word = 'martinot'`);
  assert.equal(martinot.rows.length, 1, 'a replica session writes the words too');
});

/** The rule, as a plain query: scope, filters, every term in the search text or the student number's start; the list's order. */
async function reference(filter: PersonListFilter): Promise<Array<{ id: string; institution: number }>> {
  const conditions = [sql`true`];
  if (filter.scope.institutionIds !== null) conditions.push(sql`e.institution_id = ANY (${sql.val(`{${filter.scope.institutionIds.join(',')}}`)}::smallint[])`);
  if (filter.scope.personTypes !== null) conditions.push(sql`e.person_type = ANY (${sql.val(`{${filter.scope.personTypes.join(',')}}`)}::text[])`);
  if (filter.personTypes) conditions.push(sql`e.person_type = ANY (${sql.val(`{${filter.personTypes.join(',')}}`)}::text[])`);
  if (filter.rightsEndBefore) conditions.push(sql`e.rights_end < ${filter.rightsEndBefore}::date`);
  const terms = sql.join((filter.terms ?? []).map((term) => sql`position(${term} IN p.search_text) > 0`), sql` AND `);
  const numbers = (filter.studentNumberPrefixes ?? []).map((prefix) => sql`left(e.student_number, ${prefix.length}) = ${prefix}`);
  conditions.push(sql`((${terms}) ${numbers.length > 0 ? sql`OR ${sql.join(numbers, sql` OR `)}` : sql``})`);
  const direction = sql.raw(filter.order === 'asc' ? 'ASC' : 'DESC');
  const { rows } = await sql<{ id: string; institution: number }>`SELECT p.id, e.institution_id AS institution
    FROM enrolments e JOIN persons p ON p.id = e.person_id WHERE ${sql.join(conditions, sql` AND `)}
    ORDER BY ${filter.sort === 'last_name' ? sql`p.last_name ${direction}, p.first_name ${direction}` : sql`p.created_at ${direction}`},
      p.id ${direction}, e.institution_id ${direction}`.execute(t.runtime.database.db);
  return rows;
}

/** The whole list through the word search, page after page (keyset), as the service pages it. */
async function throughWords(filter: PersonListFilter, term: string): Promise<Array<{ id: string; institution: number }>> {
  const db = t.runtime.database.db;
  const inner = await collectInnerWords(db, term);
  assert.ok(inner !== null);
  const listed: Array<{ id: string; institution: number }> = [];
  let after: PersonListFilter['after'];
  for (;;) {
    const rows = await listPersons(db, { ...filter, matched: null, words: { term, inner }, after, limit: filter.limit + 1 });
    listed.push(...rows.slice(0, filter.limit).map((row) => ({ id: row.id, institution: row.institutionId })));
    const last = rows[filter.limit - 1];
    if (rows.length <= filter.limit || !last) return listed;
    after = { keys: last.sortKeys, id: last.id, institutionId: last.institutionId };
  }
}

test('a word search lists and counts exactly what the rule says, for random searches and callers', async () => {
  const db = t.runtime.database.db;
  const scopes: AccessScope[] = [
    { institutionIds: null, personTypes: null },
    { institutionIds: [1], personTypes: null },
    { institutionIds: [1, other], personTypes: null },
    { institutionIds: [other], personTypes: ['staff', 'guest'] },
    { institutionIds: [], personTypes: null },
  ];
  const { rows: texts } = await t.runtime.database.pool.query<{ last_name: string; first_name: string }>('SELECT last_name, first_name FROM persons');
  let compared = 0;
  let nonEmpty = 0;
  for (let i = 0; i < 60; i++) {
    const person = pick(texts);
    // A start of a name, a piece from inside one, or two words; typed in capitals or with accents.
    const source = pick([person.last_name, person.first_name]);
    const start = random() < 0.5 ? 0 : Math.floor(random() * Math.max(1, source.length - 3));
    let q = source.slice(start, start + 3 + Math.floor(random() * 4));
    if (random() < 0.2) q = `${q} ${pick([person.first_name, 'jean', 'ma'])}`;
    if (random() < 0.3) q = q.toUpperCase();
    if (random() < 0.1) q = 'mart';
    const terms = searchWords(q, 8);
    const term = wordSearchTerm(terms);
    if (term === null) continue;
    const word = q.normalize('NFC').trim();
    const filter: PersonListFilter = {
      scope: pick(scopes), terms, studentNumberPrefixes: /\s/.test(word) ? [] : [...new Set([word, word.toUpperCase(), word.toLowerCase()])],
      personTypes: random() < 0.15 ? ['student'] : undefined, rightsEndBefore: random() < 0.15 ? '2027-01-01' : undefined,
      sort: random() < 0.5 ? 'last_name' : 'created_at', order: random() < 0.3 ? 'desc' : 'asc', limit: 1 + Math.floor(random() * 9),
    };
    const expected = await reference(filter);
    const context = `seed ${SEED}, q ${JSON.stringify(q)}, ${JSON.stringify({ ...filter, terms: undefined })}`;
    const listed = await throughWords(filter, term);
    if (JSON.stringify(listed) !== JSON.stringify(expected)) {
      const { rows: named } = await t.runtime.database.pool.query<{ id: string; last_name: string; first_name: string; search_text: string }>(
        'SELECT id, last_name, first_name, search_text FROM persons WHERE id = ANY ($1::uuid[])', [[...listed, ...expected].map((row) => row.id)]);
      console.log(JSON.stringify({ listed, expected, named, terms, term }, null, 1));
    }
    assert.deepEqual(listed, expected, context);
    const inner = await collectInnerWords(db, term) ?? [];
    for (const cap of [expected.length + 1, Math.max(1, expected.length - 1)]) {
      assert.equal(await countPersons(db, { ...filter, matched: null, words: { term, inner } }, cap), Math.min(expected.length, cap), `${context}, cap ${cap}`);
    }
    compared++;
    if (expected.length > 0) nonEmpty++;
  }
  assert.ok(compared >= 30 && nonEmpty >= 20, `enough searches compared (${compared}, ${nonEmpty} finding someone), seed ${SEED}`);
});

test('a dense common prefix through the API: every match in name order, inside words and student numbers too, with its total', async () => {
  const pool = t.runtime.database.pool;
  await pool.query(`INSERT INTO persons (eppn, first_name, last_name)
    SELECT 'wm' || g || '@univ.example', 'Prénom' || (g % 7), CASE WHEN g % 50 = 0 THEN 'Lawordmart' ELSE 'Wordmart' END || lpad(g::text, 5, '0')
    FROM generate_series(1, $1::int) g`, [SEARCH_COLLECT_CAP + 300]);
  await pool.query(`INSERT INTO enrolments (person_id, institution_id, person_type, student_number)
    SELECT id, CASE WHEN substr(eppn, 3, position('@' IN eppn) - 3)::int % 10 = 3 THEN $1::smallint ELSE 1 END, 'student', CASE WHEN eppn = 'wm7@univ.example' THEN 'WORDMART-7' END
    FROM persons WHERE eppn LIKE 'wm%@univ.example'`, [other]);
  const manager = await t.loginAs('manager', { institutions: ['main'] });
  const listed: string[] = [];
  const first = await manager.get<{ items: Array<{ id: string }>; nextCursor: string | null; total: number }>('/api/v1/persons?q=WORDMART&limit=200&withTotal=true');
  assert.equal(first.status, 200, first.text);
  listed.push(...first.body.items.map((item) => item.id));
  let cursor = first.body.nextCursor;
  while (cursor) {
    const next = await manager.get<{ items: Array<{ id: string }>; nextCursor: string | null }>(`/api/v1/persons?q=WORDMART&limit=200&cursor=${encodeURIComponent(cursor)}`);
    listed.push(...next.body.items.map((item) => item.id));
    cursor = next.body.nextCursor;
  }
  const expected = await reference({ scope: { institutionIds: [1], personTypes: null }, terms: ['wordmart'],
    studentNumberPrefixes: ['WORDMART', 'wordmart'], sort: 'last_name', order: 'asc', limit: 1 });
  assert.ok(expected.length > SEARCH_COLLECT_CAP, 'dense: the words are read');
  assert.deepEqual(listed, expected.map((row) => row.id));
  assert.equal(first.body.total, expected.length);
  const inside = await pool.query(`SELECT 1 FROM persons WHERE last_name LIKE 'Lawordmart%' AND id = ANY ($1::uuid[])`, [listed]);
  assert.ok(inside.rows.length > 0, 'persons holding the term inside a word are listed');
  // Newest first, as the list opens: the same persons in date order, page after page.
  const byDate: string[] = [];
  let dateCursor: string | null = '';
  while (dateCursor !== null) {
    const next: { status: number; text: string; body: { items: Array<{ id: string }>; nextCursor: string | null } } = await manager.get(
      `/api/v1/persons?q=WORDMART&limit=200&sort=created_at&order=desc${dateCursor ? `&cursor=${encodeURIComponent(dateCursor)}` : ''}`);
    assert.equal(next.status, 200, next.text);
    byDate.push(...next.body.items.map((item) => item.id));
    dateCursor = next.body.nextCursor;
  }
  assert.deepEqual(byDate, (await reference({ scope: { institutionIds: [1], personTypes: null }, terms: ['wordmart'],
    studentNumberPrefixes: ['WORDMART', 'wordmart'], sort: 'created_at', order: 'desc', limit: 1 })).map((row) => row.id));
  const single = await manager.get<{ items: Array<{ id: string }> }>('/api/v1/persons?q=awordmart&limit=200');
  assert.deepEqual(single.body.items.map((item) => item.id), (await reference({ scope: { institutionIds: [1], personTypes: null }, terms: ['awordmart'],
    studentNumberPrefixes: ['awordmart', 'AWORDMART'], sort: 'last_name', order: 'asc', limit: 1 })).map((row) => row.id), 'a word held only inside words');
});
