import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { esiKey } from '../../src/modules/esc/domain/esi.ts';
import { createPerson, enabledCard, encode, holderClient, move, requestCard } from './cards.fixtures.ts';
import { assertRouterMatches, callCounts, PIC, ROUTER_KEY, setEscConsent, startEscWorld, type EscWorld } from './esc-sync.fixtures.ts';

let w: EscWorld;
before(async () => {
  w = await startEscWorld();
});
after(async () => {
  await w.close();
});

async function consentingStudent(extra: Record<string, unknown> = {}) {
  const ine = `${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}AB`;
  const person = await createPerson(w.t, { ine, academicLevel: 7, ...extra });
  await setEscConsent(w.t, person.id, true);
  return person;
}

test('enabling a card of a consenting student registers the person, then the card ACTIVE with its expiry', async () => {
  w.sim.requestLog.length = 0;
  const person = await consentingStudent();
  assert.ok(person.esi, 'the people context minted an ESI from the INE');
  const card = await enabledCard(w, person.id);
  assert.equal(w.sim.requestLog.length, 0, 'nothing is sent inside the user request');

  const report = await w.escSync.deliverPending();
  assert.equal(report.done, 1);
  const atRouter = w.sim.state.persons.get(esiKey(person.esi as string));
  assert.ok(atRouter, 'person registered');
  assert.equal(atRouter.fullName, `${person.firstName} ${person.lastName}`);
  assert.deepEqual(atRouter.organisations.get(PIC), { academicLevel: 'MASTER', email: person.email });
  const registered = w.sim.state.cards.get(card.escn as string);
  assert.ok(registered, 'card registered');
  assert.equal(registered.cardStatusType, 'ACTIVE');
  assert.equal(registered.expiresAt, card.expiresAt);
  assert.equal(registered.issuerIdentifier, PIC);
  assert.equal(registered.cardType, 'SMART_NO_CDZ');
  assert.equal(registered.displayName, undefined, 'no name on the card: the public status endpoint would show it');
  assert.deepEqual(w.sim.requestLog.map((e) => `${e.method} ${e.path.split('/').slice(3, 4).join('')} ${e.status}`),
    ['POST persons 201', 'POST cards 201'], 'person first, then card');

  const sync = await w.admin.get<{ state: string; router: { cards: Array<{ escn: string; status: string }> } }>(`/api/v1/persons/${person.id}/esc-sync`);
  assert.equal(sync.status, 200, sync.text);
  assert.equal(sync.body.state, 'in_sync');
  assert.deepEqual(sync.body.router.cards.map((c) => [c.escn, c.status]), [[card.escn, 'ACTIVE']]);

  const esc = await w.admin.get<{ escn: string; qrContent: string; sync: { state: string; routerStatus: string } }>(`/api/v1/cards/${card.id}/esc`);
  assert.equal(esc.status, 200, esc.text);
  assert.equal(esc.body.qrContent, `${w.t.config.qrPrefix}${card.escn}`);
  assert.deepEqual([esc.body.sync.state, esc.body.sync.routerStatus], ['registered', 'ACTIVE']);
  await assertRouterMatches(w.t, w.sim);
});

test('disabling sets the card INACTIVE; re-enabling ACTIVE; a second delivery sends nothing', async () => {
  w.sim.requestLog.length = 0;
  const person = await consentingStudent();
  const card = await enabledCard(w, person.id);
  await w.escSync.deliverPending();
  await move(w.manager, card.id, 'DISABLED', { reason: 'LOST' });
  await w.escSync.deliverPending();
  assert.equal(w.sim.state.cards.get(card.escn as string)?.cardStatusType, 'INACTIVE');
  assert.ok(w.sim.state.persons.has(esiKey(person.esi as string)), 'the person stays while they hold a suspended card');
  await assertRouterMatches(w.t, w.sim);

  const before = w.sim.requestLog.length;
  const again = await w.escSync.deliverPending();
  assert.equal(again.persons, 0);
  assert.equal(w.sim.requestLog.length, before, 'nothing pending, nothing sent');

  await move(w.manager, card.id, 'ENABLED');
  await w.escSync.deliverPending();
  assert.equal(w.sim.state.cards.get(card.escn as string)?.cardStatusType, 'ACTIVE');
  assert.deepEqual(w.sim.requestLog.slice(before).map((e) => `${e.method} ${e.status}`), ['POST 409', 'PUT 200'],
    'only the card is sent again (upsert: exists, then update); the unchanged person is not');
});

test('CADUC (rights ended) deletes the card and the person at the router', async () => {
  w.sim.requestLog.length = 0;
  const person = await consentingStudent();
  const card = await enabledCard(w, person.id);
  await w.escSync.deliverPending();
  assert.ok(w.sim.state.cards.has(card.escn as string));
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  await w.t.runtime.services.people.update(person.id, { rightsEnd: yesterday }, { actor: 'test' });
  await w.t.runtime.services.cards.applyRightsEnd(new Date().toISOString().slice(0, 10));
  assert.equal((await w.admin.get<{ state: string }>(`/api/v1/cards/${card.id}`)).body.state, 'CADUC');
  await w.escSync.deliverPending();
  assert.equal(w.sim.state.cards.has(card.escn as string), false, 'card deleted');
  assert.equal(w.sim.state.persons.has(esiKey(person.esi as string)), false, 'person deleted');
  const sync = await w.admin.get<{ state: string; router: { person: unknown } }>(`/api/v1/persons/${person.id}/esc-sync`);
  assert.equal(sync.body.router.person, null);
});

test('withdrawing the ESC consent deletes the cards and the person; granting it again registers them', async () => {
  w.sim.requestLog.length = 0;
  const person = await consentingStudent();
  const card = await enabledCard(w, person.id);
  await w.escSync.deliverPending();
  await setEscConsent(w.t, person.id, false);
  await w.escSync.deliverPending();
  assert.equal(w.sim.state.persons.has(esiKey(person.esi as string)), false);
  assert.equal(w.sim.state.cards.has(card.escn as string), false);
  assert.deepEqual(w.sim.requestLog.slice(-2).map((e) => `${e.method} ${e.path.split('/')[3]}`), ['DELETE cards', 'DELETE persons'],
    'cards first, then the person');
  await setEscConsent(w.t, person.id, true);
  await w.escSync.deliverPending();
  assert.equal(w.sim.state.cards.get(card.escn as string)?.cardStatusType, 'ACTIVE');
  await assertRouterMatches(w.t, w.sim);
});

test('no consent: nothing is sent at all, not even a delete', async () => {
  w.sim.requestLog.length = 0;
  const person = await createPerson(w.t, { ine: '555555555AB' });
  const card = await enabledCard(w, person.id);
  await move(w.manager, card.id, 'DISABLED', { reason: 'MANAGER', comment: 'test' });
  await w.escSync.deliverPending();
  assert.equal(w.sim.requestLog.length, 0);
  const sync = await w.admin.get<{ state: string }>(`/api/v1/persons/${person.id}/esc-sync`);
  assert.equal(sync.body.state, 'not_registered');
});

test('a card not registered says why: no ESC consent, a card not yet enabled; none once registered', async () => {
  type CardEsc = { sync: { state: string; reason: string | null } };
  const person = await createPerson(w.t, { ine: '666666666AB' });
  const card = await enabledCard(w, person.id);
  await w.escSync.deliverPending();
  const noConsent = await w.manager.get<CardEsc>(`/api/v1/cards/${card.id}/esc`);
  assert.equal(noConsent.status, 200, noConsent.text);
  assert.deepEqual(noConsent.body.sync, { ...noConsent.body.sync, state: 'not_registered', reason: 'no_consent' });

  const student = await consentingStudent();
  const requested = await requestCard(w, student.id);
  await w.escSync.deliverPending();
  const notEnabled = await w.manager.get<CardEsc>(`/api/v1/cards/${requested.id}/esc`);
  assert.equal(notEnabled.body.sync.state, 'not_registered');
  assert.ok(['card_state', 'no_escn'].includes(notEnabled.body.sync.reason ?? ''), String(notEnabled.body.sync.reason));

  const enabled = await enabledCard(w, (await consentingStudent()).id);
  await w.escSync.deliverPending();
  const registered = await w.manager.get<CardEsc>(`/api/v1/cards/${enabled.id}/esc`);
  assert.equal(registered.body.sync.state, 'registered');
  assert.equal(registered.body.sync.reason, null);
});

test('person data changes (name, e-mail, level) are upserted again; other fields are not', async () => {
  w.sim.requestLog.length = 0;
  const person = await consentingStudent();
  await enabledCard(w, person.id);
  await w.escSync.deliverPending();
  const before = w.sim.requestLog.length;
  await w.t.runtime.services.people.update(person.id, { affiliation: 'member' }, { actor: 'test' });
  await w.escSync.deliverPending();
  assert.equal(w.sim.requestLog.length, before, 'affiliation is not router data');
  await w.t.runtime.services.people.update(person.id, { lastName: 'Renommée', email: 'new@mail.example.org', academicLevel: 8 }, { actor: 'test' });
  await w.escSync.deliverPending();
  const atRouter = w.sim.state.persons.get(esiKey(person.esi as string));
  assert.equal(atRouter?.fullName, `${person.firstName} Renommée`);
  assert.deepEqual(atRouter?.organisations.get(PIC), { academicLevel: 'DOCTORATE', email: 'new@mail.example.org' });
  assert.deepEqual(w.sim.requestLog.slice(before).map((e) => `${e.method} ${e.status}`), ['POST 409', 'PUT 200']);
});

test('a router refusal marks the entry failed with its code; replay after a fix delivers it', async () => {
  w.sim.requestLog.length = 0;
  const person = await consentingStudent({ email: 'broken@mail.example.org' });
  await enabledCard(w, person.id);
  // The simulator validates e-mails; a value our own validation accepts but the router does not.
  await w.t.runtime.database.db.updateTable('persons').set({ email: 'not-an-address' }).where('id', '=', person.id).execute();
  await w.escSync.deliverPending();
  const status = await w.admin.get<{ routerUrl: string | null; counts: { failed: number }; recentFailures: Array<{ id: number; personId: string; lastError: { code: string; routerStatus: number } }> }>('/api/v1/esc/sync/status');
  assert.equal(status.status, 200, status.text);
  assert.equal(status.body.routerUrl, w.sim.url, 'the configured router is shown to operators');
  assert.ok(!status.text.includes(ROUTER_KEY), 'never the API key');
  const failure = status.body.recentFailures.find((entry) => entry.personId === person.id);
  assert.ok(failure, status.text);
  assert.equal(failure.lastError.code, 'SIM-VALIDATION');
  assert.equal(failure.lastError.routerStatus, 400);
  const personSync = await w.admin.get<{ state: string }>(`/api/v1/persons/${person.id}/esc-sync`);
  assert.equal(personSync.body.state, 'failed');

  await w.t.runtime.database.db.updateTable('persons').set({ email: 'fixed@mail.example.org' }).where('id', '=', person.id).execute();
  const replay = await w.admin.post<{ status: string; replayedBy: string }>(`/api/v1/esc/sync/replay/${failure.id}`);
  assert.equal(replay.status, 200, replay.text);
  assert.equal(replay.body.status, 'pending');
  assert.match(replay.body.replayedBy, /^account:/);
  await w.escSync.deliverPending();
  assert.ok(w.sim.state.persons.has(esiKey(person.esi as string)));
  assert.equal((await w.admin.get<{ state: string }>(`/api/v1/persons/${person.id}/esc-sync`)).body.state, 'in_sync');
  const doneAgain = await w.admin.post(`/api/v1/esc/sync/replay/${failure.id}`);
  assert.equal(doneAgain.status, 409);
  assert.equal(doneAgain.body.code, 'esc_entry_not_replayable');
  assert.equal((await w.admin.post('/api/v1/esc/sync/replay/999999999')).status, 404);
});

test('replay-failed queues every failure again', async () => {
  w.sim.requestLog.length = 0;
  const person = await consentingStudent();
  await enabledCard(w, person.id);
  w.sim.setFaults({ failRate: 0 });
  await w.t.runtime.database.db.updateTable('persons').set({ email: 'bad' }).where('id', '=', person.id).execute();
  await w.escSync.deliverPending();
  assert.ok((await w.escSync.status()).counts.failed >= 1);
  await w.t.runtime.database.db.updateTable('persons').set({ email: 'good@mail.example.org' }).where('id', '=', person.id).execute();
  const replayed = await w.admin.post<{ count: number }>('/api/v1/esc/sync/replay-failed');
  assert.equal(replayed.status, 200, replayed.text);
  assert.ok(replayed.body.count >= 1);
  await w.escSync.deliverPending();
  assert.equal((await w.escSync.status()).counts.failed, 0);
  w.sim.setFaults({});
});

test('reconcile finds and fixes every difference, as a job with progress', async () => {
  w.sim.requestLog.length = 0;
  const a = await consentingStudent();
  const b = await consentingStudent();
  const cardA = await enabledCard(w, a.id);
  const cardB = await enabledCard(w, b.id);
  await w.escSync.deliverPending();
  await assertRouterMatches(w.t, w.sim);
  // Drift made behind campuscard's back: a card deleted, a status changed, a stray card added.
  w.sim.state.cards.delete(cardA.escn as string);
  const atRouterB = w.sim.state.cards.get(cardB.escn as string);
  assert.ok(atRouterB);
  atRouterB.cardStatusType = 'INACTIVE';
  const stray = await consentingStudent();
  const strayCard = await requestCard(w, stray.id);
  await encode(w, strayCard.id);
  w.sim.state.cards.set(strayCard.escn as string, { ...atRouterB, cardNumber: strayCard.escn as string, cardStatusType: 'ACTIVE' });
  await w.escSync.deliverPending();
  assert.equal(w.sim.state.cards.get(cardB.escn as string)?.cardStatusType, 'INACTIVE', 'deliveries trust their records; only reconcile looks');

  const started = await w.admin.post<{ id: string; status: string }>('/api/v1/esc/sync/reconcile');
  assert.equal(started.status, 202, started.text);
  await w.t.runtime.jobs.drain(['esc-reconcile']);
  const run = await w.admin.get<{ status: string; result: { checked: number; fixedPersons: number; operations: Record<string, number> } }>(`/api/v1/jobs/${started.body.id}`);
  assert.equal(run.body.status, 'succeeded', JSON.stringify(run.body));
  assert.ok(run.body.result.fixedPersons >= 2, JSON.stringify(run.body.result));
  await assertRouterMatches(w.t, w.sim);
  assert.equal(w.sim.state.cards.get(cardB.escn as string)?.cardStatusType, 'ACTIVE');
  assert.equal(w.sim.state.cards.get(cardA.escn as string)?.cardStatusType, 'ACTIVE');
  assert.equal(w.sim.state.cards.has(strayCard.escn as string), false, 'a card registered while not enabled is deleted');
  assert.equal(run.body.result.operations.deleteCard, 1);
  assert.equal(run.body.result.operations.upsertCard, 2);
});

test('operator routes: who may read and act', async () => {
  const viewer = w.viewer;
  const staffManager = await w.t.loginAs('manager', { personTypes: ['staff'] });
  const student = await consentingStudent();
  const card = await enabledCard(w, student.id);
  const holder = await holderClient(w.t, student.id);
  const other = await holderClient(w.t, (await createPerson(w.t)).id);

  assert.equal((await w.t.anonymous.get('/api/v1/esc/sync/status')).status, 401);
  assert.equal((await viewer.get('/api/v1/esc/sync/status')).status, 403);
  assert.equal((await holder.get('/api/v1/esc/sync/status')).status, 403);
  assert.equal((await w.manager.get('/api/v1/esc/sync/status')).status, 200);
  assert.equal((await w.manager.get('/api/v1/esc/sync/entries?status=done')).status, 200);
  assert.equal((await w.manager.post('/api/v1/esc/sync/replay-failed')).status, 403);
  assert.equal((await w.manager.post('/api/v1/esc/sync/reconcile')).status, 403);
  assert.equal((await w.manager.post('/api/v1/esc/sync/replay/1')).status, 403);
  assert.equal((await viewer.post('/api/v1/esc/sync/reconcile')).status, 403);
  assert.equal((await w.t.anonymous.post('/api/v1/esc/sync/reconcile')).status, 401);

  assert.equal((await w.manager.get(`/api/v1/persons/${student.id}/esc-sync`)).status, 200);
  const hidden = await staffManager.get(`/api/v1/persons/${student.id}/esc-sync`);
  assert.equal(hidden.status, 404, 'a manager limited to staff does not see a student');
  assert.equal(hidden.body.code, 'person_not_found');
  assert.equal((await holder.get(`/api/v1/persons/${student.id}/esc-sync`)).status, 403);
  const staffEntries = await staffManager.get<{ items: Array<{ personId: string }> }>('/api/v1/esc/sync/entries');
  assert.ok(staffEntries.body.items.every((entry) => entry.personId !== student.id));

  assert.equal((await holder.get(`/api/v1/cards/${card.id}/esc`)).status, 200, 'the holder sees their card');
  assert.equal((await other.get(`/api/v1/cards/${card.id}/esc`)).status, 404, 'another cardholder does not');
  assert.equal((await staffManager.get(`/api/v1/cards/${card.id}/esc`)).status, 404);
  assert.equal((await w.t.anonymous.get(`/api/v1/cards/${card.id}/esc`)).status, 401);
});

test('the status reports counts and enabled, and the metrics show the backlog', async () => {
  const status = await w.admin.get<{ enabled: boolean; counts: Record<string, number> }>('/api/v1/esc/sync/status');
  assert.equal(status.body.enabled, true);
  assert.deepEqual(Object.keys(status.body.counts).sort(), ['done', 'failed', 'pending', 'retrying']);
  const metrics = await w.admin.get('/metrics');
  assert.match(metrics.text, /campuscard_esc_outbox_backlog\{status="pending"\} \d+/);
  assert.match(metrics.text, /campuscard_esc_outbox_backlog\{status="failed"\} \d+/);
  assert.ok(Object.keys(callCounts(w.sim)).length >= 0);
});
