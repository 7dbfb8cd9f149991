/**
 * The office shows a holder's other cards with `GET /cards?personId=` (queue and card page). The
 * person filter never widens what the caller may see: a manager limited to some person types gets
 * nothing for a person of another type, however the query is written.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { CardView } from '../../src/modules/cards/cards.service.ts';
import { startTestApp, type TestClient } from '../helpers/test-app.ts';
import { configureInstitution, createPerson, enabledCard, move, officeClients, requestCard, type CardsWorld } from './cards.fixtures.ts';

interface Page {
  items: CardView[];
  nextCursor: string | null;
}

let w: CardsWorld;
let studentLimited: TestClient;
const staff = { personId: '', cards: [] as string[] };
const student = { personId: '', cards: [] as string[] };

before(async () => {
  const t = await startTestApp();
  await configureInstitution(t);
  w = await officeClients(t);
  const staffPerson = await createPerson(w.t, { personType: 'staff' });
  staff.personId = staffPerson.id;
  const lost = await enabledCard(w, staffPerson.id);
  await move(w.manager, lost.id, 'DISABLED', { reason: 'LOST' });
  staff.cards.push(lost.id, (await requestCard(w, staffPerson.id)).id);
  const studentPerson = await createPerson(w.t, { personType: 'student' });
  student.personId = studentPerson.id;
  student.cards.push((await enabledCard(w, studentPerson.id)).id);
  studentLimited = await w.t.loginAs('manager', { personTypes: ['student'] });
});
after(async () => { await w.t.close(); });

async function cardsOf(client: TestClient, query: string): Promise<string[]> {
  const response = await client.get<Page>(`/api/v1/cards?${query}`);
  assert.equal(response.status, 200, response.text);
  return response.body.items.map((card) => card.id).sort();
}

test('a manager of every type sees a person\'s cards, lost and requested', async () => {
  assert.deepEqual(await cardsOf(w.manager, `personId=${staff.personId}`), [...staff.cards].sort());
});

test('a manager limited to students sees a student\'s cards and none of a staff member\'s, whatever the query', async () => {
  assert.deepEqual(await cardsOf(studentLimited, `personId=${student.personId}`), student.cards);
  assert.deepEqual(await cardsOf(studentLimited, `personId=${staff.personId}`), []);
  assert.deepEqual(await cardsOf(studentLimited, `personId=${staff.personId}&personType=staff`), []);
  assert.deepEqual(await cardsOf(studentLimited, `personId=${staff.personId}&personType=student,staff&state=DISABLED,NEW`), []);
  // Nor one by one: each of those cards is "not found" to this manager.
  for (const cardId of staff.cards) {
    const response = await studentLimited.get(`/api/v1/cards/${cardId}`);
    assert.equal(response.status, 404, response.text);
  }
});
