import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp } from '../helpers/test-app.ts';
import type { CardView } from '../../src/modules/cards/cards.service.ts';
import { configureInstitution, createPerson, encode, freshCsn, move, officeClients, requestCard, type CardsWorld } from './cards.fixtures.ts';

// On PostgreSQL the requests below really run at the same time on several connections; on PGlite
// (one connection) they queue, and the same answers must come out.
let w: CardsWorld;
before(async () => {
  const t = await startTestApp();
  await configureInstitution(t);
  w = await officeClients(t);
});
after(async () => { await w.t.close(); });

async function countInState(personId: string, state: string): Promise<number> {
  const result = await w.t.runtime.database.pool.query<{ count: string }>(
    'SELECT count(*)::text AS count FROM cards WHERE person_id = $1 AND state = $2', [personId, state]);
  return Number((result.rows[0] as { count: string }).count);
}

test('two managers moving the same card at once: exactly one succeeds, the other gets 409 state_conflict', async () => {
  for (let round = 0; round < 5; round++) {
    const card = await requestCard(w, (await createPerson(w.t)).id);
    const other = await w.t.loginAs('manager');
    const [first, second] = await Promise.all([
      w.manager.post(`/api/v1/cards/${card.id}/moves`, { to: 'REQUEST_CHECKED', expectedVersion: card.version }),
      other.post(`/api/v1/cards/${card.id}/moves`, { to: 'REJECTED', comment: 'duplicate', expectedVersion: card.version }),
    ]);
    const statuses = [first.status, second.status].sort();
    assert.deepEqual(statuses, [200, 409], `${first.text} / ${second.text}`);
    const loser = first.status === 409 ? first : second;
    assert.equal(loser.body.code, 'state_conflict');
    const detail = await w.admin.get<{ history: unknown[]; version: number }>(`/api/v1/cards/${card.id}`);
    assert.equal(detail.body.history.length, 2, 'exactly one move recorded');
    assert.equal(detail.body.version, card.version + 1);
  }
});

test('without expectedVersion the loser of a race still gets a 409 and nothing is recorded twice', async () => {
  const card = await requestCard(w, (await createPerson(w.t)).id);
  const responses = await Promise.all([1, 2, 3].map(() => w.manager.post(`/api/v1/cards/${card.id}/moves`, { to: 'REQUEST_CHECKED' })));
  assert.deepEqual(responses.map((r) => r.status).sort(), [200, 409, 409]);
  for (const response of responses.filter((r) => r.status === 409)) {
    assert.ok(['state_conflict', 'move_not_allowed'].includes(String(response.body.code)), response.text);
  }
  const detail = await w.admin.get<{ history: unknown[] }>(`/api/v1/cards/${card.id}`);
  assert.equal(detail.body.history.length, 2);
});

test('many enables of different cards of one person at once never leave two ENABLED cards', async () => {
  const person = await createPerson(w.t);
  const cards: CardView[] = [];
  for (let i = 0; i < 6; i++) {
    const card = await requestCard(w, person.id);
    cards.push(await encode(w, card.id));
  }
  const managers = await Promise.all([1, 2, 3].map(() => w.t.loginAs('manager')));
  const responses = await Promise.all(cards.map((card, index) =>
    (managers[index % managers.length] ?? w.manager).post(`/api/v1/cards/${card.id}/moves`, { to: 'ENABLED' })));
  for (const response of responses) {
    assert.ok([200, 409].includes(response.status), response.text);
  }
  assert.ok(responses.some((r) => r.status === 200));
  assert.equal(await countInState(person.id, 'ENABLED'), 1);
  // Every card that was enabled and then replaced says so.
  const replaced = await w.t.runtime.database.pool.query<{ disable_reason: string }>(
    "SELECT disable_reason FROM cards WHERE person_id = $1 AND state = 'DISABLED'", [person.id]);
  assert.ok(replaced.rows.every((row: { disable_reason: string }) => row.disable_reason === 'REPLACED'));
});

test('concurrent requests for one person: exactly one card request is created', async () => {
  const person = await createPerson(w.t);
  const holder = await w.t.loginAs('cardholder', { personId: person.id });
  const responses = await Promise.all([
    holder.post('/api/v1/cards', { cardKind: 'physical' }),
    w.manager.post('/api/v1/cards', { personId: person.id }),
    w.admin.post('/api/v1/cards', { personId: person.id }),
    holder.post('/api/v1/cards', { cardKind: 'virtual' }),
  ]);
  assert.deepEqual(responses.map((r) => r.status).sort(), [201, 409, 409, 409]);
  assert.ok(responses.filter((r) => r.status === 409).every((r) => r.body.code === 'request_pending'));
  assert.equal(await countInState(person.id, 'NEW'), 1);
});

test('the same CSN reported for two cards at once is bound to one of them only', async () => {
  const csn = freshCsn();
  const ready: string[] = [];
  for (let i = 0; i < 2; i++) {
    const card = await requestCard(w, (await createPerson(w.t)).id);
    await move(w.manager, card.id, 'REQUEST_CHECKED');
    await move(w.station, card.id, 'IN_PRINT');
    ready.push(card.id);
  }
  const responses = await Promise.all(ready.map((id) => w.station.post(`/api/v1/cards/${id}/csn`, { csn, form: 'hex' })));
  assert.deepEqual(responses.map((r) => r.status).sort(), [200, 409]);
  assert.equal(responses.find((r) => r.status === 409)?.body.code, 'csn_taken');
  const bound = await w.t.runtime.database.pool.query<{ count: string }>('SELECT count(*)::text AS count FROM cards WHERE csn = $1', [csn]);
  assert.equal(Number((bound.rows[0] as { count: string }).count), 1);
});
