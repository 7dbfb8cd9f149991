/**
 * Issue 14: a lost card never comes back over a newer card of the same person, and the holder
 * may ask for a replacement while their only card is suspended.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestClient } from '../helpers/test-app.ts';
import type { CardDetailView, CardView } from '../../src/modules/cards/cards.service.ts';
import { configureInstitution, createPerson, encode, holderClient, move, officeClients, type CardsWorld } from './cards.fixtures.ts';

let w: CardsWorld;
before(async () => {
  const t = await startTestApp();
  await configureInstitution(t);
  w = await officeClients(t);
});
after(async () => { await w.t.close(); });

/** The holder asks for a card, the office makes and enables it. */
async function newEnabledCard(holder: TestClient): Promise<CardView> {
  const requested = await holder.post<CardDetailView>('/api/v1/cards', { cardKind: 'physical' });
  assert.equal(requested.status, 201, requested.text);
  await encode(w, requested.body.id);
  return move(w.manager, requested.body.id, 'ENABLED');
}

async function mine(holder: TestClient): Promise<Map<string, CardView>> {
  const response = await holder.get<{ items: CardView[] }>('/api/v1/me/cards');
  assert.equal(response.status, 200, response.text);
  return new Map(response.body.items.map((card) => [card.id, card]));
}

test('two lost cards: the oldest cannot be re-enabled (409 newer_card_exists), the newest can', async () => {
  const person = await createPerson(w.t);
  const holder = await holderClient(w.t, person.id);
  const oldest = await newEnabledCard(holder);
  await move(holder, oldest.id, 'DISABLED', { reason: 'LOST' });

  // The only card is suspended: the holder may ask for a replacement themselves.
  const newest = await newEnabledCard(holder);
  const lostToo = await move(holder, newest.id, 'DISABLED', { reason: 'LOST' });

  const cards = await mine(holder);
  assert.deepEqual(cards.get(oldest.id)?.allowedMoves, [], 'the UI offers nothing on the oldest card');
  assert.deepEqual(cards.get(newest.id)?.allowedMoves, ['ENABLED']);

  for (const client of [holder, w.manager, w.admin]) {
    const refused = await client.post(`/api/v1/cards/${oldest.id}/moves`, { to: 'ENABLED' });
    assert.equal(refused.status, 409, refused.text);
    assert.equal(refused.body.code, 'newer_card_exists');
    assert.match(String(refused.headers['content-type']), /application\/problem\+json/);
  }
  const untouched = await w.admin.get<CardDetailView>(`/api/v1/cards/${newest.id}`);
  assert.equal(untouched.body.state, 'DISABLED');
  assert.deepEqual(untouched.body.disable, { reason: 'LOST', by: 'self', comment: null }, 'not "replaced by a new card"');
  assert.equal(untouched.body.version, lostToo.version);

  const back = await move(holder, newest.id, 'ENABLED');
  assert.equal(back.disable, null);
  const oldAfter = await w.admin.get<CardDetailView>(`/api/v1/cards/${oldest.id}`);
  assert.equal(oldAfter.body.state, 'DISABLED');
  assert.deepEqual(oldAfter.body.history.map((entry) => entry.to).slice(-2), ['ENABLED', 'DISABLED'], 'no move recorded by the refusals');
});

test('a replacement request blocks the lost card; withdrawn, it does not any more', async () => {
  const person = await createPerson(w.t);
  const holder = await holderClient(w.t, person.id);
  const lost = await newEnabledCard(holder);
  await move(holder, lost.id, 'DISABLED', { reason: 'THEFT' });

  const replacement = await holder.post<CardDetailView>('/api/v1/cards', { cardKind: 'physical' });
  assert.equal(replacement.status, 201, replacement.text);
  const refused = await holder.post(`/api/v1/cards/${lost.id}/moves`, { to: 'ENABLED' });
  assert.equal(refused.status, 409);
  assert.equal(refused.body.code, 'newer_card_exists');
  assert.deepEqual((await mine(holder)).get(replacement.body.id)?.allowedMoves, ['CANCELED']);

  await move(holder, replacement.body.id, 'CANCELED');
  assert.deepEqual((await mine(holder)).get(lost.id)?.allowedMoves, ['ENABLED']);
  await move(holder, lost.id, 'ENABLED');
});

test('re-enabling the old card and requesting a new one at once: never both in the wrong order', async () => {
  for (let round = 0; round < 6; round++) {
    const person = await createPerson(w.t);
    const holder = await holderClient(w.t, person.id);
    const lost = await newEnabledCard(holder);
    await move(holder, lost.id, 'DISABLED', { reason: 'LOST' });
    const [reenable, request] = await Promise.all([
      holder.post(`/api/v1/cards/${lost.id}/moves`, { to: 'ENABLED' }),
      holder.post<CardDetailView>('/api/v1/cards', { cardKind: 'physical' }),
    ]);
    assert.equal(request.status, 201, request.text);
    if (reenable.status === 409) {
      assert.equal(reenable.body.code, 'newer_card_exists');
      continue;
    }
    assert.equal(reenable.status, 200, reenable.text);
    // Both passed: the re-enabling must have committed before the new request existed.
    const seqs = await w.t.runtime.database.pool.query<{ card_id: string; seq: string }>(
      "SELECT card_id, seq::text AS seq FROM card_moves WHERE (card_id = $1 AND to_state = 'ENABLED') OR (card_id = $2 AND from_state IS NULL) ORDER BY seq",
      [lost.id, request.body.id]);
    assert.equal(seqs.rows.at(-1)?.card_id, request.body.id, `round ${round}: the old card came back after the new request`);
  }
});
