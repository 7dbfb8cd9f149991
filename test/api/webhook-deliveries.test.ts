import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/platform/db/schema.ts';
import { Webhook } from 'standardwebhooks';
import type { TestClient } from '../helpers/test-app.ts';
import type { WebhookReceiver } from '../helpers/webhook-receiver.ts';
import {
  createPerson, enabledCard, move, type CardsWorld,
} from './cards.fixtures.ts';
import { closeWebhookWorld, settleWebhookDeliveries, startWebhookWorld } from './webhook-world.fixtures.ts';

/**
 * Webhook deliveries through the connector outbox: one entry per event and endpoint filed in the
 * transaction of the change, delivered signed and in order per endpoint, each once; a receiver
 * down makes them wait (nothing lost, nothing overtaken), a refusal fails that delivery only
 * (replayable), 410 disables the endpoint, a paused endpoint's deliveries go on resume. Every
 * delivery is checked by a real loopback receiver with the standardwebhooks package.
 */

interface Created { endpoint: { id: string; status: string; statusReason: string | null }; secret: string }
interface EntryRow { id: number; operation: string; status: string; attempts: number; lastErrorCode: string | null; remoteStatus: number | null; eventId: string; reason: string }

let w: CardsWorld;
let codeA: string;
let adminA: TestClient;
let adminB: TestClient;
let receiver: WebhookReceiver;
let receiverUrl: string;

before(async () => {
  ({ w, receiver, codeA, adminA, adminB } = await startWebhookWorld({ code: 'ecole-wd', name: 'École WD', pic: '777777778' }));
  receiverUrl = receiver.url;
});
after(() => closeWebhookWorld({ w, receiver }));
beforeEach(() => settleWebhookDeliveries({ w }));

async function create(client: TestClient, path: string, body: Record<string, unknown> = {}): Promise<Created> {
  const response = await client.post<Created>('/api/v1/admin/webhook-endpoints', { url: `${receiverUrl}${path}`, events: ['card.*'], ...body });
  assert.equal(response.status, 201, response.text);
  return response.body;
}

/** The receiver's requests on `path`, each verified with standardwebhooks against `secret` (throws when forged). */
function deliveredTo(path: string, secret: string): Array<{ id: string; type: string; data: Record<string, unknown> }> {
  const hook = new Webhook(secret);
  return receiver.received.filter((entry) => entry.path === path).map((entry) => {
    const body = hook.verify(entry.body, entry.headers) as { id: string; type: string; data: Record<string, unknown> };
    assert.equal(entry.headers['webhook-id'], body.id, 'webhook-id is the event id');
    return body;
  });
}

async function entriesOf(endpointId: string, executor: Kysely<Database> = w.t.runtime.database.db): Promise<EntryRow[]> {
  const rows = await sql<EntryRow>`SELECT id::int AS id, operation, status, attempts, last_error_code AS "lastErrorCode", remote_status AS "remoteStatus",
      target->>'eventId' AS "eventId", reason
    FROM sync_outbox WHERE connector = 'webhooks' AND person_id = ${endpointId} ORDER BY id`.execute(executor);
  return rows.rows;
}

/** The card events of a card, oldest first, as the log holds them. */
async function cardEvents(cardId: string): Promise<Array<{ id: string; name: string }>> {
  const rows = await sql<{ id: string; name: string }>`SELECT id::text AS id, name FROM events WHERE card_id = ${cardId} ORDER BY id`.execute(w.t.runtime.database.db);
  return rows.rows;
}

async function deliver(): Promise<void> {
  await w.t.runtime.services.webhookSync.deliverPending();
}

/** Time passes: every waiting delivery is due. */
async function backoffOver(): Promise<void> {
  await sql`UPDATE sync_outbox SET next_attempt_at = now() WHERE connector = 'webhooks' AND status = 'pending'`.execute(w.t.runtime.database.db);
}

test('each event goes to every endpoint that wants it, filed with the change, signed, in order, once', async () => {
  const all = await create(adminA, '/d/all', { grants: ['holder'] });
  const enabledOnly = await create(adminA, '/d/enabled', { events: ['card.enabled'] });
  const other = await create(adminB, '/d/other');
  const person = await createPerson(w.t, { institution: codeA });
  const card = await enabledCard(w, person.id);
  const events = await cardEvents(card.id);
  assert.ok(events.length >= 3, JSON.stringify(events));
  // Filed in the transactions of the moves, not delivered yet.
  const filed = await entriesOf(all.endpoint.id);
  assert.deepEqual(filed.map((entry) => entry.eventId), events.map((event) => event.id));
  assert.ok(filed.every((entry) => entry.status === 'pending' && entry.operation === 'deliver'));
  assert.equal(receiver.received.filter((entry) => entry.path === '/d/all').length, 0);
  assert.deepEqual(await entriesOf(other.endpoint.id), [], 'another institution\'s endpoint hears nothing of this one');

  await deliver();
  const got = deliveredTo('/d/all', all.secret);
  assert.deepEqual(got.map((body) => body.id), events.map((event) => event.id), 'every event, in the order of the log');
  assert.deepEqual(got.map((body) => body.type), events.map((event) => event.name));
  assert.deepEqual(got.at(-1)?.data.holder, { firstName: person.firstName, lastName: person.lastName, eppn: person.eppn }, 'granted names');
  const enabled = deliveredTo('/d/enabled', enabledOnly.secret);
  assert.deepEqual(enabled.map((body) => body.type), ['card.enabled']);
  assert.ok(!('holder' in (enabled[0]?.data ?? {})), 'no names without the grant');
  assert.ok((await entriesOf(all.endpoint.id)).every((entry) => entry.status === 'done' && entry.attempts === 1));

  await deliver();
  assert.equal(deliveredTo('/d/all', all.secret).length, events.length, 'a second pass sends nothing again');
});

test('a receiver down: its deliveries wait in order, nothing is lost, each arrives once it is back; other endpoints go on', async () => {
  const down = await create(adminA, '/d/down');
  const healthy = await create(adminA, '/d/healthy');
  receiver.answers.set('/d/down', 503);
  const person = await createPerson(w.t, { institution: codeA });
  const card = await enabledCard(w, person.id);
  await move(w.manager, card.id, 'DISABLED', { reason: 'LOST' });
  const events = await cardEvents(card.id);

  await deliver();
  const tries = receiver.received.filter((entry) => entry.path === '/d/down');
  assert.equal(tries.length, 1, 'one call, then the endpoint waits: the later events are not sent ahead of the first');
  let entries = await entriesOf(down.endpoint.id);
  assert.deepEqual([entries[0]?.status, entries[0]?.attempts, entries[0]?.lastErrorCode, entries[0]?.remoteStatus], ['pending', 1, 'receiver_unavailable', 503]);
  assert.ok(entries.slice(1).every((entry) => entry.status === 'pending' && entry.attempts === 0));
  assert.equal(deliveredTo('/d/healthy', healthy.secret).length, events.length, 'the other endpoint got everything');

  await deliver();
  assert.equal(receiver.received.filter((entry) => entry.path === '/d/down').length, 1, 'nothing is tried before the backoff ends');

  receiver.answers.delete('/d/down');
  await backoffOver();
  await deliver();
  const got = deliveredTo('/d/down', down.secret);
  assert.deepEqual(got.map((body) => body.id), [events[0]?.id, ...events.map((event) => event.id)], 'the first again (it failed), then all, in order');
  entries = await entriesOf(down.endpoint.id);
  assert.ok(entries.every((entry) => entry.status === 'done'));
  assert.equal(entries[0]?.attempts, 2);
});

test('a refusal fails that delivery only, with the receiver\'s status; an operator replays it', async () => {
  const refusing = await create(adminA, '/d/refuse', { events: ['card.enabled', 'card.disabled'] });
  receiver.answers.set('/d/refuse', 400);
  const person = await createPerson(w.t, { institution: codeA });
  const card = await enabledCard(w, person.id);
  await move(w.manager, card.id, 'DISABLED', { reason: 'LOST' });
  await deliver();
  let entries = await entriesOf(refusing.endpoint.id);
  assert.deepEqual(entries.map((entry) => [entry.reason, entry.status, entry.lastErrorCode, entry.remoteStatus]),
    [['card.enabled', 'failed', 'receiver_refused', 400], ['card.disabled', 'failed', 'receiver_refused', 400]], 'each tried, each failed on its own');

  // Another institution's admin cannot see nor replay them.
  const foreign = await adminB.post<{ code: string }>(`/api/v1/connectors/webhooks/entries/${entries[0]?.id}/replay`, {});
  assert.equal(foreign.status, 404, foreign.text);
  receiver.answers.delete('/d/refuse');
  const replay = await adminA.post(`/api/v1/connectors/webhooks/entries/${entries[1]?.id}/replay`, {});
  assert.equal(replay.status, 200, replay.text);
  await deliver();
  entries = await entriesOf(refusing.endpoint.id);
  assert.deepEqual(entries.map((entry) => entry.status), ['failed', 'done']);
  assert.deepEqual(deliveredTo('/d/refuse', refusing.secret).map((body) => body.type), ['card.enabled', 'card.disabled', 'card.disabled']);
});

test('410 Gone disables the endpoint; what was still to send fails as unavailable', async () => {
  const gone = await create(adminA, '/d/gone');
  receiver.answers.set('/d/gone', 410);
  const person = await createPerson(w.t, { institution: codeA });
  await enabledCard(w, person.id);
  await deliver();
  const endpoint = await adminA.get<Created['endpoint']>(`/api/v1/admin/webhook-endpoints/${gone.endpoint.id}`);
  assert.equal(endpoint.body.status, 'disabled');
  assert.match(endpoint.body.statusReason ?? '', /410 Gone/);
  const entries = await entriesOf(gone.endpoint.id);
  assert.equal(entries[0]?.lastErrorCode, 'endpoint_gone');
  assert.ok(entries.slice(1).every((entry) => entry.status === 'failed' && entry.lastErrorCode === 'endpoint_unavailable'), JSON.stringify(entries));
  assert.equal(receiver.received.filter((entry) => entry.path === '/d/gone').length, 1, 'one call only');
});

test('a paused endpoint keeps its deliveries, and gets them when it is resumed', async () => {
  const paused = await create(adminA, '/d/paused', { status: 'paused' });
  const person = await createPerson(w.t, { institution: codeA });
  const card = await enabledCard(w, person.id);
  await deliver();
  assert.equal(receiver.received.filter((entry) => entry.path === '/d/paused').length, 0);
  const waiting = await entriesOf(paused.endpoint.id);
  assert.ok(waiting.length > 0 && waiting.every((entry) => entry.status === 'pending'));
  assert.equal(waiting[0]?.lastErrorCode, 'endpoint_paused');

  const resumed = await adminA.put(`/api/v1/admin/webhook-endpoints/${paused.endpoint.id}`, { status: 'active' });
  assert.equal(resumed.status, 200, resumed.text);
  // Due at once on resume, without waiting for the backoff.
  await deliver();
  assert.deepEqual(deliveredTo('/d/paused', paused.secret).map((body) => body.id), (await cardEvents(card.id)).map((event) => event.id));
});

test('a delivery is filed in the transaction of its event: rolled back with it', async () => {
  const endpoint = await create(adminA, '/d/rollback', { events: ['consent.*'] });
  const person = await createPerson(w.t, { institution: codeA });
  const db = w.t.runtime.database.db;
  await assert.rejects(db.transaction().execute(async (trx) => {
    await w.t.runtime.services.events.recordConsent(trx, { id: person.id, enrolments: [{ institutionId: 1, personType: person.personType }] }, 'esc', true);
    assert.equal((await entriesOf(endpoint.endpoint.id, trx)).length, 1, 'filed with the event');
    throw new Error('rolled back');
  }), /rolled back/);
  assert.deepEqual(await entriesOf(endpoint.endpoint.id), []);
});

interface SubjectEntry {
  id: number; personId: string; reason: string; status: string; target: Record<string, string>; holder: unknown;
  subject: { kind: string; id: string; endpoint?: { url: string; description: string } | null; person?: unknown };
}
interface Figures { deliveries: { pending: number; failed: number; lastDeliveredAt: string | null; retry: unknown } }

test('the operator surfaces name an entry\'s endpoint, filter on it, and the endpoint shows its deliveries', async () => {
  const endpoint = await create(adminA, '/d/named', { events: ['card.enabled', 'card.disabled'], description: 'Contrôle d\'accès' });
  const quiet = await create(adminA, '/d/quiet', { events: ['consent.*'] });
  const person = await createPerson(w.t, { institution: codeA });
  const card = await enabledCard(w, person.id);
  const before = await adminA.get<Figures>(`/api/v1/admin/webhook-endpoints/${endpoint.endpoint.id}`);
  assert.deepEqual(before.body.deliveries, { pending: 1, failed: 0, lastDeliveredAt: null, retry: null }, 'filed, not yet delivered');
  await deliver();
  receiver.answers.set('/d/named', 400);
  await move(w.manager, card.id, 'DISABLED', { reason: 'LOST' });
  await deliver();
  receiver.answers.delete('/d/named');

  const list = await adminA.get<{ items: SubjectEntry[] }>(`/api/v1/connectors/webhooks/entries?subject=${endpoint.endpoint.id}`);
  assert.equal(list.status, 200, list.text);
  const events = (await cardEvents(card.id)).filter((event) => event.name === 'card.enabled' || event.name === 'card.disabled');
  assert.deepEqual(list.body.items.map((entry) => [entry.reason, entry.status, entry.target.eventId]),
    events.reverse().map((event) => [event.name, event.name === 'card.disabled' ? 'failed' : 'done', event.id]), 'only this endpoint\'s, newest first');
  for (const entry of list.body.items) {
    assert.deepEqual(entry.subject, { kind: 'endpoint', id: endpoint.endpoint.id, endpoint: { url: `${receiverUrl}/d/named`, description: 'Contrôle d\'accès' } });
    assert.equal(entry.holder, null, 'an endpoint is no person');
  }
  const one = await adminA.get<SubjectEntry>(`/api/v1/connectors/webhooks/entries/${list.body.items[0]?.id}`);
  assert.equal(one.body.subject.kind, 'endpoint');
  assert.equal(one.body.subject.endpoint?.url, `${receiverUrl}/d/named`);

  const figures = await adminA.get<{ items: Array<Figures & { id: string }> }>('/api/v1/admin/webhook-endpoints');
  const named = figures.body.items.find((item) => item.id === endpoint.endpoint.id);
  assert.equal(named?.deliveries.pending, 0);
  assert.equal(named?.deliveries.failed, 1);
  assert.ok(named?.deliveries.lastDeliveredAt && Date.parse(named.deliveries.lastDeliveredAt) > Date.now() - 60_000, JSON.stringify(named));
  assert.deepEqual(figures.body.items.find((item) => item.id === quiet.endpoint.id)?.deliveries, { pending: 0, failed: 0, lastDeliveredAt: null, retry: null });

  // Another institution's admin: none of these entries, even asked by endpoint.
  const foreign = await adminB.get<{ items: SubjectEntry[] }>(`/api/v1/connectors/webhooks/entries?subject=${endpoint.endpoint.id}`);
  assert.equal(foreign.status, 200, foreign.text);
  assert.deepEqual(foreign.body.items, []);
  const foreignOne = await adminB.get(`/api/v1/connectors/webhooks/entries/${list.body.items[0]?.id}`);
  assert.equal(foreignOne.status, 404);
  const bad = await adminA.get<{ code: string }>('/api/v1/connectors/webhooks/entries?subject=not-a-uuid');
  assert.equal(bad.status, 400);
  assert.equal(bad.body.code, 'validation_failed');

  // Deleted: its entries remain, named by id only.
  assert.equal((await adminA.delete(`/api/v1/admin/webhook-endpoints/${endpoint.endpoint.id}`)).status, 204);
  const orphan = await adminA.get<SubjectEntry>(`/api/v1/connectors/webhooks/entries/${list.body.items[0]?.id}`);
  assert.deepEqual(orphan.body.subject, { kind: 'endpoint', id: endpoint.endpoint.id, endpoint: null });
});
