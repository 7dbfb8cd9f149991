import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { EntryPage } from '../../src/modules/esc/esc-sync.service.ts';
import type { TestClient, TestResponse } from '../helpers/test-app.ts';
import { createPerson, enabledCard } from './cards.fixtures.ts';
import { startEscWorld, type EscWorld } from './esc-sync.fixtures.ts';

let w: EscWorld;
before(async () => {
  w = await startEscWorld();
});
after(async () => {
  await w.close();
});

/** `rounds` entries for each of these persons, all written at once per round (ids grow with the rounds). */
async function entriesFor(personIds: readonly string[], rounds: number): Promise<void> {
  for (let round = 0; round < rounds; round++) await w.escSync.requestSync(w.t.runtime.database.db, personIds, 'person_changed');
}

/** Every page of the list as `client` sees it, following nextBeforeId. */
async function allPages(client: TestClient, limit: number): Promise<EntryPage[]> {
  const pages: EntryPage[] = [];
  let beforeId: number | null = null;
  do {
    const response: TestResponse<EntryPage> = await client.get<EntryPage>(`/api/v1/esc/sync/entries?limit=${limit}${beforeId === null ? '' : `&beforeId=${beforeId}`}`);
    assert.equal(response.status, 200, response.text);
    pages.push(response.body);
    beforeId = response.body.nextBeforeId ?? null;
  } while (beforeId !== null && pages.length < 100);
  return pages;
}

test('a manager limited to staff gets full pages of staff entries even when 250 newer entries are students\'; the cursor walks them all', async () => {
  const staff = await Promise.all(Array.from({ length: 10 }, () => createPerson(w.t, { personType: 'staff' })));
  const students = await Promise.all(Array.from({ length: 10 }, () => createPerson(w.t)));
  await entriesFor(staff.map((person) => person.id), 26);
  await entriesFor(students.map((person) => person.id), 25);
  const staffIds = new Set(staff.map((person) => person.id));
  const { rows } = await sql<{ id: string }>`SELECT o.id FROM sync_outbox o
    JOIN enrolments e ON e.person_id = o.person_id AND e.institution_id = o.institution_id
    WHERE e.person_type = 'staff' ORDER BY o.id DESC`.execute(w.t.runtime.database.db);
  const expected = rows.map((row) => Number(row.id));
  assert.ok(expected.length >= 260);

  const staffManager = await w.t.loginAs('manager', { personTypes: ['staff'] });
  const pages = await allPages(staffManager, 200);
  const first = pages[0] as EntryPage;
  assert.equal(first.items.length, 200, 'a full page although the 250 newest entries are out of scope');
  assert.equal(first.nextBeforeId, first.items.at(-1)?.id);
  assert.deepEqual(pages.flatMap((page) => page.items.map((item) => item.id)), expected, 'every staff entry once, newest first');
  assert.ok(pages.flatMap((page) => page.items).every((item) => staffIds.has(item.personId) && item.holder?.personId === item.personId),
    'never a student; every entry names its holder');
  assert.equal(pages.at(-1)?.nextBeforeId, null);

  const guestManager = await w.t.loginAs('manager', { personTypes: ['guest'] });
  const none = await guestManager.get<EntryPage>('/api/v1/esc/sync/entries?limit=200');
  assert.deepEqual([none.body.items.length, none.body.nextBeforeId], [0, null]);

  // The status counts and lists the scope's entries only.
  const status = await staffManager.get<{ counts: { pending: number; failed: number; done: number } }>('/api/v1/esc/sync/status');
  assert.equal(status.status, 200, status.text);
  assert.equal(status.body.counts.pending + status.body.counts.failed + status.body.counts.done, expected.length);

  const admin = await w.admin.get<EntryPage>('/api/v1/esc/sync/entries?limit=200');
  assert.ok(admin.body.items.some((item) => students.some((student) => student.id === item.personId)), 'an unlimited manager sees everybody');
});

test('each entry names its holder and card: the moved card, or the holder\'s enabled card for an entry about the person', async () => {
  const person = await createPerson(w.t, { personType: 'staff', firstName: 'Inès', lastName: 'Lambert' });
  const card = await enabledCard(w, person.id);
  await entriesFor([person.id], 1);
  const noCard = await createPerson(w.t, { personType: 'staff' });
  await entriesFor([noCard.id], 1);

  const staffManager = await w.t.loginAs('manager', { personTypes: ['staff'] });
  const page = await staffManager.get<EntryPage>('/api/v1/esc/sync/entries?limit=200');
  const mine = page.body.items.filter((item) => item.personId === person.id);
  assert.deepEqual(mine.map((item) => item.reason).sort(), ['card_enabled', 'person_changed']);
  for (const item of mine) {
    assert.deepEqual(item.holder, { personId: person.id, firstName: 'Inès', lastName: 'Lambert', eppn: person.eppn });
    assert.deepEqual(item.card, { id: card.id, escn: card.escn });
  }
  const without = page.body.items.find((item) => item.personId === noCard.id);
  assert.equal(without?.card, null);
  assert.equal(without?.holder?.eppn, noCard.eppn);
});
