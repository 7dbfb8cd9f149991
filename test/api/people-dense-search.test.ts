import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { SEARCH_COLLECT_CAP } from '../../src/modules/people/people.repository.ts';

// A search matching more persons than the list collects through the trigram index (SEARCH_COLLECT_CAP) takes
// the dense path: in name order it gathers the matches (and the persons whose student number
// starts with the text) first. Same rows, order, pages and total as the rule says.
let t: TestApp;
const MATCHES = SEARCH_COLLECT_CAP + 100;

before(async () => {
  t = await startTestApp();
  const pool = t.runtime.database.pool;
  await pool.query(`INSERT INTO institutions (code, name, pic, country) VALUES ('other', 'Other', '222222222', 'FR')`);
  await pool.query(`INSERT INTO person_types (institution_id, code, label_fr, label_en)
    SELECT id, 'student', 'Étudiant', 'Student' FROM institutions WHERE code = 'other'`);
  await pool.query(`INSERT INTO persons (eppn, first_name, last_name)
    SELECT 'dense' || g || '@univ.example', 'Prénom' || (g % 7), 'Densemart' || lpad(g::text, 5, '0') FROM generate_series(1, $1::int) g`, [MATCHES]);
  await pool.query(`INSERT INTO persons (eppn, first_name, last_name) VALUES ('numbered@univ.example', 'Zoé', 'Zzz'), ('elsewhere@other.example', 'Eve', 'Densemartother')`);
  await pool.query(`INSERT INTO enrolments (person_id, institution_id, person_type, student_number)
    SELECT id, 1, 'student', CASE WHEN eppn = 'numbered@univ.example' THEN 'DENSEMART-1' END FROM persons WHERE eppn LIKE '%@univ.example'`);
  await pool.query(`INSERT INTO enrolments (person_id, institution_id, person_type)
    SELECT p.id, i.id, 'student' FROM persons p, institutions i WHERE p.eppn = 'elsewhere@other.example' AND i.code = 'other'`);
});
after(async () => { await t.close(); });

interface Page { items: Array<{ lastName: string; institution: string }>; nextCursor: string | null; total?: number }

test('a dense search lists every match in name order, page after page, with its total, within scope', async () => {
  const manager = await t.loginAs('manager', { institutions: ['main'] });
  const first = await manager.get<Page>('/api/v1/persons?q=densemart&limit=200&withTotal=true');
  assert.equal(first.status, 200, first.text);
  assert.equal(first.body.total, MATCHES + 1, 'the names and the student number, not the other institution\'s person');
  const names: string[] = first.body.items.map((item) => item.lastName);
  let cursor = first.body.nextCursor;
  while (cursor) {
    const next = await manager.get<Page>(`/api/v1/persons?q=densemart&limit=200&cursor=${encodeURIComponent(cursor)}`);
    assert.equal(next.status, 200, next.text);
    names.push(...next.body.items.map((item) => item.lastName));
    cursor = next.body.nextCursor;
  }
  assert.equal(names.length, MATCHES + 1);
  assert.deepEqual(names, [...names].sort(), 'name order across pages');
  assert.equal(new Set(names).size, names.length, 'no row twice');
  assert.equal(names.at(-1), 'Zzz', 'the student number match is listed too');
  assert.ok(!names.includes('Densemartother'));

  const everyone = await t.loginAs('admin');
  const all = await everyone.get<Page>('/api/v1/persons?q=densemart&limit=10&withTotal=true');
  assert.equal(all.body.total, MATCHES + 2);
  assert.deepEqual(all.body.items.map((item) => item.lastName), ['Densemart00001', 'Densemart00002', 'Densemart00003', 'Densemart00004',
    'Densemart00005', 'Densemart00006', 'Densemart00007', 'Densemart00008', 'Densemart00009', 'Densemart00010']);
});
