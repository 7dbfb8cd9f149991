import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp } from '../helpers/test-app.ts';
import { QUEUES } from '../../src/platform/jobs/job-queue.ts';
import type { CardDetailView, CardView } from '../../src/modules/cards/cards.service.ts';
import { configureInstitution, createPerson, enabledCard, officeClients, requestCard, type CardsWorld } from './cards.fixtures.ts';

let w: CardsWorld;
const activations: Array<[string, string, string]> = [];
before(async () => {
  const t = await startTestApp();
  await configureInstitution(t);
  w = await officeClients(t);
  t.runtime.services.cards.onActivationChanged(async (_executor, card, from, to) => {
    activations.push([card.id, from, to]);
  });
});
after(async () => { await w.t.close(); });

async function detail(cardId: string): Promise<CardDetailView> {
  const response = await w.admin.get<CardDetailView>(`/api/v1/cards/${cardId}`);
  assert.equal(response.status, 200, response.text);
  return response.body;
}

test('rights end: cards expire, pending requests are canceled, an extension brings CADUC cards back to DISABLED; idempotent', async () => {
  const cards = w.t.runtime.services.cards;
  const people = w.t.runtime.services.people;
  const leaving = await createPerson(w.t, { rightsEnd: '2099-06-30' });
  const replaced = await enabledCard(w, leaving.id);
  const current = await enabledCard(w, leaving.id);
  const pendingPerson = await createPerson(w.t, { rightsEnd: '2099-06-30' });
  const pending = await requestCard(w, pendingPerson.id);
  const staying = await enabledCard(w, (await createPerson(w.t, { rightsEnd: '2100-06-30' })).id);
  const forever = await enabledCard(w, (await createPerson(w.t)).id);
  activations.length = 0;

  const first = await cards.applyRightsEnd('2100-01-01');
  assert.deepEqual({ expired: first.expired, canceled: first.canceled, restored: first.restored, failures: first.failures },
    { expired: 2, canceled: 1, restored: 0, failures: 0 });
  assert.equal((await detail(current.id)).state, 'CADUC');
  assert.equal((await detail(replaced.id)).state, 'CADUC');
  assert.equal((await detail(pending.id)).state, 'CANCELED');
  assert.equal((await detail(staying.id)).state, 'ENABLED');
  assert.equal((await detail(forever.id)).state, 'ENABLED');
  assert.deepEqual(activations, [[current.id, 'ENABLED', 'CADUC']], 'connectors hear that the card stopped working');
  const expiredMove = (await detail(current.id)).history.at(-1);
  assert.deepEqual([expiredMove?.from, expiredMove?.to, expiredMove?.actorKind, expiredMove?.reason], ['ENABLED', 'CADUC', 'system', 'rights_ended']);

  const second = await cards.applyRightsEnd('2100-01-01');
  assert.deepEqual([second.expired, second.canceled, second.restored], [0, 0, 0]);

  await people.update(leaving.id, { rightsEnd: '2100-12-31' }, { actor: 'test' });
  const third = await cards.applyRightsEnd('2100-01-01');
  assert.deepEqual([third.expired, third.canceled, third.restored], [0, 0, 2]);
  const restored = await detail(current.id);
  assert.equal(restored.state, 'DISABLED', 'never straight back to ENABLED: someone decides');
  assert.deepEqual(restored.disable, { reason: 'RIGHTS_ENDED', by: 'system', comment: null });
  const keptReason = await detail(replaced.id);
  assert.equal(keptReason.state, 'DISABLED');
  assert.equal(keptReason.disable?.reason, 'REPLACED', 'an earlier disable reason survives CADUC');
  const fourth = await cards.applyRightsEnd('2100-01-01');
  assert.deepEqual([fourth.expired, fourth.canceled, fourth.restored], [0, 0, 0]);

  const again = await w.manager.post<CardView>(`/api/v1/cards/${current.id}/moves`, { to: 'ENABLED' });
  assert.equal(again.status, 200, again.text);
});

test('the daily job runs through the queue (jobs run-once) with today\'s date', async () => {
  const person = await createPerson(w.t, { rightsEnd: '2099-06-30' });
  const card = await enabledCard(w, person.id);
  await w.t.runtime.services.people.update(person.id, { rightsEnd: '2020-06-30' }, { actor: 'test' });
  await w.t.runtime.jobs.send(QUEUES.rightsEnd, {});
  assert.equal(await w.t.runtime.jobs.drain([QUEUES.rightsEnd]), 1);
  assert.equal((await detail(card.id)).state, 'CADUC');
  await w.t.runtime.jobs.send(QUEUES.rightsEnd, {});
  await w.t.runtime.jobs.drain([QUEUES.rightsEnd]);
  assert.equal((await detail(card.id)).history.filter((m) => m.to === 'CADUC').length, 1);
});
