import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import type { CardView } from '../../src/modules/cards/cards.service.ts';
import { countCards, SEARCH_COLLECT_CAP } from '../../src/modules/cards/cards.repository.ts';
import { WHOLE_DEPLOYMENT } from '../../src/platform/db/scope-filter.ts';

interface Page {
  items: CardView[];
  nextCursor: string | null;
}

let t: TestApp;
let manager: Awaited<ReturnType<TestApp['loginAs']>>;
/** More cards named "Capname…" than the search collects through the trigram index. */
const CAPPED = SEARCH_COLLECT_CAP + 100;
/** The last cards inserted (so the last ones a collection in table order would reach) are DISABLED. */
const DISABLED_TAIL = 5;

before(async () => {
  t = await startTestApp();
  manager = await t.loginAs('manager');
  const client = await t.runtime.database.pool.connect();
  try {
    // Set-based and without triggers (audit rows are not what is tested): a thousand cards
    // through the API would take minutes.
    await client.query('SET session_replication_role = replica');
    await client.query(`INSERT INTO persons (eppn, first_name, last_name, email)
      SELECT 'cap' || g || '@univ.example', 'Prenom' || g, 'Capname' || g, 'cap' || g || '@univ.example'
      FROM generate_series(1, $1::int) g`, [CAPPED]);
    await client.query(`INSERT INTO enrolments (person_id, institution_id, person_type)
      SELECT id, 1, 'student' FROM persons WHERE eppn LIKE 'cap%'`);
    await client.query(`INSERT INTO cards (person_id, institution_id, card_group, state, request_channel, requested_by, requested_at, updated_at,
        holder_eppn, holder_first_name, holder_last_name, holder_email, holder_person_type)
      SELECT p.id, 1, 1, CASE WHEN n > $1::int THEN 'DISABLED' ELSE 'ENABLED' END, 'import', 'test',
             now() - (n % 97) * interval '1 hour', now(), p.eppn, p.first_name, p.last_name, p.email, 'student'
      FROM (SELECT persons.*, row_number() OVER (ORDER BY persons.eppn) AS n FROM persons WHERE eppn LIKE 'cap%') AS p
      ORDER BY p.n`, [CAPPED - DISABLED_TAIL]);
    await client.query('SET session_replication_role = origin');
    await client.query('ANALYZE cards');
  } finally {
    client.release();
  }
});
after(async () => { await t.close(); });

async function walk(query: string): Promise<CardView[]> {
  const seen: CardView[] = [];
  let cursor: string | null = null;
  do {
    const response: { status: number; body: Page; text: string } = await manager.get<Page>(`/api/v1/cards?${query}&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    assert.equal(response.status, 200, response.text);
    seen.push(...response.body.items);
    cursor = response.body.nextCursor;
  } while (cursor !== null);
  return seen;
}

/** The ids of the cards whose search text holds every term, straight from SQL. */
async function expected(terms: string[], state?: string): Promise<string[]> {
  const likes = terms.map((_, index) => `search_text LIKE '%' || $${index + 1} || '%'`).join(' AND ');
  const stateFilter = state ? ` AND state = $${terms.length + 1}` : '';
  const rows = await t.runtime.database.pool.query<{ id: string }>(`SELECT id FROM cards JOIN card_search ON card_search.card_id = cards.id WHERE ${likes}${stateFilter}`,
    state ? [...terms, state] : terms);
  return rows.rows.map((row) => row.id).sort();
}

function assertOrdered(cards: CardView[]): void {
  for (let index = 1; index < cards.length; index++) {
    const [previous, current] = [cards[index - 1], cards[index]];
    assert.ok(previous && current && previous.requestedAt >= current.requestedAt, 'newest request first');
  }
}

test('search past the collection cap: every match, once, in order (the sort index is walked instead)', async () => {
  const all = await walk('q=capname');
  assert.equal(all.length, CAPPED);
  assert.deepEqual(all.map((card) => card.id).sort(), await expected(['capname']));
  assertOrdered(all);
  // By name, past the cap, every match is collected and sorted.
  const byName = await walk('q=capname&sort=lastName&order=asc');
  assert.deepEqual(byName.map((card) => card.id).sort(), await expected(['capname']));
  const names = byName.map((card) => `${card.holder.lastName}\u0000${card.holder.firstName}`);
  assert.deepEqual(names, [...names].sort(), 'by last name then first name');
  // Two terms, each past the cap on its own, under it together.
  const both = await walk('q=capname%20prenom1');
  assert.deepEqual(both.map((card) => card.id).sort(), await expected(['capname', 'prenom1']));
  assertOrdered(both);
});

test('search under the cap: exactly the matching cards, sorted', async () => {
  const few = await walk('q=capname10');
  assert.equal(few.length, 1 + 10 + 100, 'capname10, capname100..109, capname1000..1099');
  assert.deepEqual(few.map((card) => card.id).sort(), await expected(['capname10']));
  assertOrdered(few);
  assert.deepEqual(await walk('q=capname99999'), []);
});

test('search whose collected matches the other filters all exclude still finds the matches past the cap', async () => {
  const disabled = await walk('q=capname&state=DISABLED');
  assert.equal(disabled.length, DISABLED_TAIL);
  assert.deepEqual(disabled.map((card) => card.id).sort(), await expected(['capname'], 'DISABLED'));
  // Several states are read per state and merged: the same answer.
  const merged = await walk('q=capname&state=DISABLED,CADUC');
  assert.deepEqual(merged.map((card) => card.id).sort(), disabled.map((card) => card.id).sort());
  assert.deepEqual(await walk('q=capname&state=CADUC'), []);
});

test('bounded count: exact under the cap, the cap when reached, and past a full collection the other filters thin out', async () => {
  const db = t.runtime.database.db;
  assert.equal(await countCards(db, { scope: WHOLE_DEPLOYMENT, terms: ['capname10'] }, 500), 111, 'every match collected: exact');
  assert.equal(await countCards(db, { scope: WHOLE_DEPLOYMENT, terms: ['capname'] }, 50), 50, 'the cap, reached through the collection alone');
  // The 50 cards collected first are ENABLED; the DISABLED ones lie past them.
  assert.equal(await countCards(db, { scope: WHOLE_DEPLOYMENT, terms: ['capname'], states: ['DISABLED'] }, 50), DISABLED_TAIL);
  assert.equal(await countCards(db, { scope: WHOLE_DEPLOYMENT, terms: ['capname'], states: ['CADUC'] }, 50), 0);
  // The scope applies to the collection too: none of these cards is another institution's.
  assert.equal(await countCards(db, { scope: { institutionIds: [2], personTypes: null }, terms: ['capname'] }, 50), 0);
  assert.equal(await countCards(db, { scope: { institutionIds: [1], personTypes: ['student'] }, terms: ['capname10'] }, 500), 111);
  const page = await manager.get<Page & { total: number; totalCapped: boolean }>('/api/v1/cards?q=capname&page=1&limit=10');
  assert.equal(page.status, 200);
  assert.deepEqual([page.body.total, page.body.totalCapped, page.body.items.length], [CAPPED, false, 10]);
});
