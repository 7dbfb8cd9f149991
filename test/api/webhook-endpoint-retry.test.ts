import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { TestClient } from '../helpers/test-app.ts';
import type { WebhookReceiver } from '../helpers/webhook-receiver.ts';
import { createPerson, enabledCard, type CardsWorld } from './cards.fixtures.ts';
import { closeWebhookWorld, settleWebhookDeliveries, startWebhookWorld } from './webhook-world.fixtures.ts';

/**
 * A failing receiver shows as such to its admins: the endpoint's figures name the retry (last
 * error, HTTP status, next attempt) of its oldest waiting delivery; and « replay the failures » of
 * one endpoint (subject) replays that endpoint's failures only, within the caller's institutions.
 */

interface Figures {
  pending: number;
  failed: number;
  retry: { attempts: number; nextAttemptAt: string; lastError: { code: string | null; message: string | null; remoteStatus: number | null } } | null;
}
interface Endpoint { id: string; deliveries: Figures }

let w: CardsWorld;
let codeA: string;
let adminA: TestClient;
let adminB: TestClient;
let receiver: WebhookReceiver;

before(async () => {
  ({ w, receiver, codeA, adminA, adminB } = await startWebhookWorld({ code: 'ecole-wr', name: 'École WR', pic: '777777779' }));
});
after(() => closeWebhookWorld({ w, receiver }));
beforeEach(() => settleWebhookDeliveries({ w }));

async function create(path: string): Promise<string> {
  const response = await adminA.post<{ endpoint: { id: string } }>('/api/v1/admin/webhook-endpoints', { url: `${receiver.url}${path}`, events: ['card.*'] });
  assert.equal(response.status, 201, response.text);
  return response.body.endpoint.id;
}

async function figures(client: TestClient, id: string): Promise<Figures> {
  const response = await client.get<Endpoint>(`/api/v1/admin/webhook-endpoints/${id}`);
  assert.equal(response.status, 200, response.text);
  return response.body.deliveries;
}

async function statuses(id: string): Promise<string[]> {
  const rows = await sql<{ status: string }>`SELECT status FROM sync_outbox WHERE connector = 'webhooks' AND person_id = ${id} ORDER BY id`.execute(w.t.runtime.database.db);
  return rows.rows.map((row) => row.status);
}

test('a receiver answering 500: the endpoint figures show the retry, its error and HTTP status, and the next attempt', async () => {
  const id = await create('/r/down');
  receiver.answers.set('/r/down', 500);
  const person = await createPerson(w.t, { institution: codeA });
  await enabledCard(w, person.id);
  assert.equal((await figures(adminA, id)).retry, null, 'filed, never tried: not retrying');

  await w.t.runtime.services.webhookSync.deliverPending();
  const shown = await figures(adminA, id);
  assert.ok(shown.pending > 0 && shown.failed === 0, JSON.stringify(shown));
  assert.equal(shown.retry?.attempts, 1);
  assert.equal(shown.retry?.lastError.code, 'receiver_unavailable');
  assert.equal(shown.retry?.lastError.remoteStatus, 500);
  assert.ok(Date.parse(shown.retry?.nextAttemptAt ?? '') > Date.now(), 'the next attempt is ahead');

  receiver.answers.delete('/r/down');
  await sql`UPDATE sync_outbox SET next_attempt_at = now() WHERE connector = 'webhooks' AND status = 'pending'`.execute(w.t.runtime.database.db);
  await w.t.runtime.services.webhookSync.deliverPending();
  const after = await figures(adminA, id);
  assert.deepEqual([after.pending, after.retry], [0, null], 'delivered: nothing retries');
});

test('replay-failed with a subject replays that endpoint\'s failures only, within the caller\'s institutions', async () => {
  const one = await create('/r/one');
  const two = await create('/r/two');
  receiver.answers.set('/r/one', 400);
  receiver.answers.set('/r/two', 400);
  const person = await createPerson(w.t, { institution: codeA });
  await enabledCard(w, person.id);
  await w.t.runtime.services.webhookSync.deliverPending();
  assert.ok((await statuses(one)).every((status) => status === 'failed'));
  assert.ok((await statuses(two)).every((status) => status === 'failed'));

  const foreign = await adminB.post<{ count: number }>('/api/v1/connectors/webhooks/replay-failed', { subject: one });
  assert.equal(foreign.status, 200, foreign.text);
  assert.equal(foreign.body.count, 0, 'another institution\'s admin replays nothing of ours');
  assert.ok((await statuses(one)).every((status) => status === 'failed'));

  const bad = await adminA.post<{ code: string }>('/api/v1/connectors/webhooks/replay-failed', { subject: 'not-a-uuid' });
  assert.equal(bad.status, 400, bad.text);

  const replayed = await adminA.post<{ count: number; persons: number }>('/api/v1/connectors/webhooks/replay-failed', { subject: one });
  assert.equal(replayed.status, 200, replayed.text);
  assert.equal(replayed.body.count, (await statuses(one)).length);
  assert.equal(replayed.body.persons, 1);
  assert.ok((await statuses(one)).every((status) => status === 'pending'), 'this endpoint\'s failures are queued again');
  assert.ok((await statuses(two)).every((status) => status === 'failed'), 'the other endpoint\'s stay failed');
});
