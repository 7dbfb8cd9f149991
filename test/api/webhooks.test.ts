import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { Webhook } from 'standardwebhooks';
import { startTestApp, type TestClient } from '../helpers/test-app.ts';
import { startWebhookReceiver, type ReceivedRequest, type WebhookReceiver } from '../helpers/webhook-receiver.ts';
import { createWebhooksService } from '../../src/modules/webhooks/webhooks.service.ts';
import { deliverWebhook, type WebhookEvent } from '../../src/modules/webhooks/webhook-delivery.ts';
import { EVENT_NAMES } from '../../src/platform/events/event-catalogue.ts';
import {
  configureInstitution, createInstitution, createPerson, enabledCard, institutionCode, move, officeClients, type CardsWorld,
} from './cards.fixtures.ts';

/**
 * Webhook endpoints: the admin API (CRUD, secrets shown once, rotation, test delivery), its
 * scope by institution, and the look-up the connector outbox uses to fan an event out, with
 * every delivery checked by a real receiver on the loopback with the standardwebhooks package.
 */

interface Endpoint {
  id: string; institution: string | null; url: string; description: string; events: string[]; grants: string[];
  status: string; statusReason: string | null; secretHint: string; previousSecret: { hint: string; expiresAt: string } | null;
}
interface Created { endpoint: Endpoint; secret: string }
interface Problem { code: string; field?: string; errors?: Array<{ code: string; field?: string }> }

let w: CardsWorld;
let codeA: string;
let idA: number;
let idB: number;
let adminA: TestClient;
let adminB: TestClient;
let fedAdmin: TestClient;
let receiver: WebhookReceiver;
let receiverUrl: string;

before(async () => {
  receiver = await startWebhookReceiver();
  receiverUrl = receiver.url;
  const t = await startTestApp({ env: { CONNECTOR_SECRETS_KEY: 'webhook-test-deployment-secret-of-32-characters-at-least', WEBHOOK_ALLOW_HTTP_LOOPBACK: 'true' } });
  await configureInstitution(t);
  w = await officeClients(t);
  idA = 1;
  codeA = await institutionCode(t, idA);
  await createInstitution(w, { code: 'fed-wh', name: 'Fédération WH', kind: 'federation' });
  idB = await createInstitution(w, { code: 'ecole-wh', name: 'École WH', pic: '777777777', parent: 'fed-wh' });
  adminA = await t.loginAs('admin', { institutions: [codeA] });
  adminB = await t.loginAs('admin', { institutions: ['ecole-wh'] });
  fedAdmin = await t.loginAs('admin', { institutions: ['fed-wh'] });
});
after(async () => {
  await w.t.close();
  await receiver.close();
});

async function create(client: TestClient, body: Record<string, unknown>): Promise<Created> {
  const response = await client.post<Created>('/api/v1/admin/webhook-endpoints', { url: `${receiverUrl}/hook`, events: ['card.*'], ...body });
  assert.equal(response.status, 201, response.text);
  return response.body;
}

/** The last request the receiver got on `path`, verified with standardwebhooks against `secret` (throws when forged). */
function verify(path: string, secret: string): Record<string, unknown> {
  const last = receiver.received.filter((entry) => entry.path === path).at(-1);
  assert.ok(last, `a delivery to ${path}`);
  return new Webhook(secret).verify(last.body, last.headers) as Record<string, unknown>;
}

test('an admin registers, reads, changes and deletes an endpoint; the secret is shown once, never again', async () => {
  const { endpoint, secret } = await create(adminA, { description: 'Contrôle d\'accès', events: ['card.enabled', 'card.disabled'], grants: ['csn'] });
  assert.match(secret, /^whsec_[A-Za-z0-9+/]+={0,2}$/);
  const bytes = Buffer.from(secret.slice('whsec_'.length), 'base64').length;
  assert.ok(bytes >= 24 && bytes <= 64, `${bytes} random bytes`);
  assert.equal(endpoint.institution, codeA, 'created in the caller\'s only institution');
  assert.deepEqual([endpoint.events, endpoint.grants, endpoint.status], [['card.enabled', 'card.disabled'], ['csn'], 'active']);
  assert.equal(endpoint.secretHint, secret.slice(-4));
  assert.equal(endpoint.previousSecret, null);

  const listed = await adminA.get<{ items: Endpoint[] }>('/api/v1/admin/webhook-endpoints');
  assert.equal(listed.status, 200);
  assert.ok(listed.body.items.some((item) => item.id === endpoint.id));
  const one = await adminA.get<Endpoint>(`/api/v1/admin/webhook-endpoints/${endpoint.id}`);
  assert.equal(one.status, 200);
  const secretBody = secret.slice('whsec_'.length);
  for (const text of [listed.text, one.text]) {
    assert.ok(!text.includes(secretBody) && !text.includes(secretBody.slice(0, 16)), 'the secret is never shown back');
  }

  const changed = await adminA.put<Endpoint>(`/api/v1/admin/webhook-endpoints/${endpoint.id}`, { events: ['person.*'], grants: [], status: 'paused', description: 'Annuaire' });
  assert.equal(changed.status, 200, changed.text);
  assert.deepEqual([changed.body.events, changed.body.grants, changed.body.status, changed.body.description, changed.body.url],
    [['person.*'], [], 'paused', 'Annuaire', endpoint.url]);
  assert.equal(changed.body.secretHint, endpoint.secretHint, 'an update keeps the secret');

  const stored = await sql<{ secret: string }>`SELECT secret_encrypted AS secret FROM webhook_endpoints WHERE id = ${endpoint.id}`.execute(w.t.runtime.database.db);
  assert.ok(!stored.rows[0]?.secret.includes(secretBody), 'stored encrypted');
  const audited = await sql<{ value: string | null }>`SELECT changes ->> 'secret_encrypted' AS value FROM audit_log
    WHERE table_name = 'webhook_endpoints' AND row_id = ${endpoint.id} AND changes ? 'secret_encrypted'`.execute(w.t.runtime.database.db);
  assert.deepEqual([...new Set(audited.rows.map((row) => row.value))], ['[redacted]'], 'audited, the secret redacted');

  assert.equal((await adminA.delete(`/api/v1/admin/webhook-endpoints/${endpoint.id}`)).status, 204);
  const gone = await adminA.get<Problem>(`/api/v1/admin/webhook-endpoints/${endpoint.id}`);
  assert.equal(gone.status, 404);
  assert.equal(gone.body.code, 'webhook_endpoint_not_found');
});

test('the catalogue of events an endpoint may subscribe to, by group, with the grants', async () => {
  const answer = await adminA.get<{ groups: Array<{ group: string; events: Array<{ name: string }> }>; grants: string[]; canStoreSecrets: boolean }>('/api/v1/admin/webhook-events');
  assert.equal(answer.status, 200, answer.text);
  assert.deepEqual(answer.body.groups.map((group) => group.group), ['card', 'person', 'consent']);
  assert.ok(answer.body.groups[0]?.events.some((event) => event.name === 'card.disabled'));
  assert.deepEqual(answer.body.grants, ['holder', 'csn']);
  assert.equal(answer.body.canStoreSecrets, true);
  assert.equal((await w.manager.get('/api/v1/admin/webhook-events')).status, 403);
});

test('bad input answers 400 problem+json naming the field', async () => {
  const cases: Array<[Record<string, unknown>, string, string]> = [
    [{ url: 'http://hooks.example.org/campuscard' }, '/url', 'https_required'],
    [{ url: 'https://user:secret@hooks.example.org/' }, '/url', 'url_credentials'],
    [{ url: 'not a url' }, '/url', 'invalid_url'],
    [{ events: ['card.enabled', 'card.teleported'] }, '/events/1', 'unknown_event'],
    [{ grants: ['photo'] }, '/grants/0', 'unknown_grant'],
  ];
  for (const [body, field, code] of cases) {
    const response = await adminA.post<Problem>('/api/v1/admin/webhook-endpoints', { url: 'https://hooks.example.org/x', events: ['card.*'], ...body });
    assert.equal(response.status, 400, `${JSON.stringify(body)}: ${response.text}`);
    assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
    assert.equal(response.body.field, field);
    assert.equal(response.body.errors?.[0]?.code, code);
  }
  const noEvents = await adminA.post<Problem>('/api/v1/admin/webhook-endpoints', { url: 'https://hooks.example.org/x', events: [] });
  assert.equal(noEvents.status, 400);
  assert.match(String(noEvents.headers['content-type']), /^application\/problem\+json/);
  const { endpoint } = await create(adminA, {});
  const badUpdate = await adminA.put<Problem>(`/api/v1/admin/webhook-endpoints/${endpoint.id}`, { url: 'ftp://hooks.example.org/' });
  assert.equal(badUpdate.status, 400);
  assert.equal(badUpdate.body.field, '/url');
  const badGrace = await adminA.post<Problem>(`/api/v1/admin/webhook-endpoints/${endpoint.id}/rotate-secret`, { graceHours: 1000 });
  assert.equal(badGrace.status, 400);
});

test('an admin of one institution never reaches another institution\'s endpoints, nor the whole deployment\'s', async () => {
  const ofA = (await create(adminA, {})).endpoint;
  const ofB = (await create(adminB, {})).endpoint;
  const ofAll = (await create(w.admin, { institution: null, events: ['person.*'] })).endpoint;
  assert.equal(ofB.institution, 'ecole-wh');
  assert.equal(ofAll.institution, null);

  const idsOf = async (client: TestClient) => (await client.get<{ items: Endpoint[] }>('/api/v1/admin/webhook-endpoints')).body.items.map((item) => item.id);
  const listB = await idsOf(adminB);
  assert.ok(listB.includes(ofB.id) && !listB.includes(ofA.id) && !listB.includes(ofAll.id));
  const listFed = await idsOf(fedAdmin);
  assert.ok(listFed.includes(ofB.id) && !listFed.includes(ofA.id), 'a federation admin sees its members\' endpoints');
  const listAll = await idsOf(w.admin);
  assert.ok([ofA.id, ofB.id, ofAll.id].every((id) => listAll.includes(id)));

  for (const target of [ofA, ofAll]) {
    const base = `/api/v1/admin/webhook-endpoints/${target.id}`;
    const answers = [
      await adminB.get(base),
      await adminB.put(base, { status: 'disabled', url: `${receiverUrl}/stolen` }),
      await adminB.post(`${base}/rotate-secret`, {}),
      await adminB.post(`${base}/test`),
      await adminB.delete(base),
    ];
    assert.deepEqual(answers.map((answer) => answer.status), [404, 404, 404, 404, 404], `${target.institution}: ${answers.map((a) => a.text).join(' | ')}`);
    assert.ok(answers.every((answer) => (answer.body as unknown as Problem).code === 'webhook_endpoint_not_found'));
  }
  const unchanged = await w.admin.get<Endpoint>(`/api/v1/admin/webhook-endpoints/${ofA.id}`);
  assert.deepEqual([unchanged.body.status, unchanged.body.url, unchanged.body.secretHint], [ofA.status, ofA.url, ofA.secretHint], 'nothing changed');
  assert.ok(!receiver.received.some((entry) => entry.path === '/stolen'));

  const intoA = await adminB.post<Problem>('/api/v1/admin/webhook-endpoints', { url: 'https://hooks.example.org/x', events: ['card.*'], institution: codeA });
  assert.equal(intoA.status, 404);
  assert.equal(intoA.body.code, 'institution_not_found');
  const intoAll = await adminB.post<Problem>('/api/v1/admin/webhook-endpoints', { url: 'https://hooks.example.org/x', events: ['card.*'], institution: null });
  assert.equal(intoAll.status, 422);
  assert.equal(intoAll.body.code, 'institution_required');
  assert.equal(intoAll.body.field, '/institution');

  const limited = await w.t.tokenClient('admin', { personTypes: ['student'] });
  const refused = await limited.get<Problem>('/api/v1/admin/webhook-endpoints');
  assert.equal(refused.status, 403);
  assert.equal(refused.body.code, 'webhooks_need_all_person_types');
  assert.equal((await w.manager.get('/api/v1/admin/webhook-endpoints')).status, 403, 'admins only');
});

test('the test button delivers a signed webhook.test event and says how the receiver answered', async () => {
  const { endpoint, secret } = await create(adminA, { url: `${receiverUrl}/test-ok` });
  const outcome = await adminA.post<{ result: string; status: number; durationMs: number; message: string }>(`/api/v1/admin/webhook-endpoints/${endpoint.id}/test`);
  assert.equal(outcome.status, 200, outcome.text);
  assert.deepEqual([outcome.body.result, outcome.body.status], ['ok', 204]);
  const payload = verify('/test-ok', secret);
  assert.equal(payload.type, 'webhook.test');
  assert.deepEqual(payload.data, { endpointId: endpoint.id, message: 'Test delivery from campuscard' });

  receiver.answers.set('/test-down', 503);
  const down = (await create(adminA, { url: `${receiverUrl}/test-down` })).endpoint;
  const failed = await adminA.post<{ result: string; status: number }>(`/api/v1/admin/webhook-endpoints/${down.id}/test`);
  assert.deepEqual([failed.body.result, failed.body.status], ['retryable', 503]);
});

test('rotation: the new secret is shown once; both sign during the grace, only the new one after; grace 0 stops the old one at once', async () => {
  const { endpoint, secret: first } = await create(adminA, { url: `${receiverUrl}/rotate` });
  const rotated = await adminA.post<Created>(`/api/v1/admin/webhook-endpoints/${endpoint.id}/rotate-secret`, {});
  assert.equal(rotated.status, 200, rotated.text);
  const second = rotated.body.secret;
  assert.notEqual(second, first);
  assert.equal(rotated.body.endpoint.secretHint, second.slice(-4));
  assert.equal(rotated.body.endpoint.previousSecret?.hint, first.slice(-4));
  const expires = Date.parse(rotated.body.endpoint.previousSecret?.expiresAt ?? '');
  assert.ok(Math.abs(expires - (Date.now() + 24 * 3600_000)) < 60_000, 'a 24 h grace by default');
  const shown = await adminA.get(`/api/v1/admin/webhook-endpoints/${endpoint.id}`);
  assert.ok(!shown.text.includes(second.slice(6, 26)) && !shown.text.includes(first.slice(6, 26)));

  await adminA.post(`/api/v1/admin/webhook-endpoints/${endpoint.id}/test`);
  const during = receiver.received.filter((entry) => entry.path === '/rotate').at(-1) as ReceivedRequest;
  assert.equal(during.headers['webhook-signature']?.split(' ').length, 2);
  verify('/rotate', second);
  verify('/rotate', first);

  // The grace over (the service's clock a day later), only the new secret signs.
  const later = createWebhooksService({
    db: w.t.runtime.database.db, institution: w.t.runtime.services.institution, secretsKey: w.t.config.connectorSecretsKey,
    allowHttpLoopback: true, now: () => new Date(Date.now() + 25 * 3600_000),
  });
  const target = await later.targetById(w.t.runtime.database.db, endpoint.id);
  assert.deepEqual(target?.secrets, [second]);

  const third = await adminA.post<Created>(`/api/v1/admin/webhook-endpoints/${endpoint.id}/rotate-secret`, { graceHours: 0 });
  assert.equal(third.body.endpoint.previousSecret, null);
  await adminA.post(`/api/v1/admin/webhook-endpoints/${endpoint.id}/test`);
  verify('/rotate', third.body.secret);
  assert.throws(() => verify('/rotate', second), 'the leaked secret no longer signs');
});

test('endpointsFor: the endpoints an event of an institution goes to, by subscription, scope and status; targetById: ready to deliver', async () => {
  const { webhooks } = w.t.runtime.services;
  const db = w.t.runtime.database.db;
  const urls = new Map<string, string>();
  const names = async (event: { name: string; institutionId: number }) =>
    new Set((await webhooks.endpointsFor(db, event)).map((subscriber) => urls.get(subscriber.id) ?? subscriber.id));
  const cardsOfA = await create(adminA, { url: `${receiverUrl}/fan/a-cards`, events: ['card.*'], grants: ['holder'] });
  const made = [
    cardsOfA,
    await create(adminA, { url: `${receiverUrl}/fan/a-consents`, events: ['consent.withdrawn'] }),
    await create(adminB, { url: `${receiverUrl}/fan/b-enabled`, events: ['card.enabled'] }),
    await create(fedAdmin, { url: `${receiverUrl}/fan/fed`, events: ['card.enabled'], institution: 'fed-wh' }),
    await create(w.admin, { url: `${receiverUrl}/fan/all`, events: ['card.disabled', 'card.enabled'], institution: null }),
    await create(adminA, { url: `${receiverUrl}/fan/a-paused`, events: ['card.*'], status: 'paused' }),
  ];
  const disabled = await create(adminA, { url: `${receiverUrl}/fan/a-gone`, events: ['card.*'] });
  for (const { endpoint } of [...made, disabled]) urls.set(endpoint.id, endpoint.url.slice(receiverUrl.length));
  await webhooks.disable(disabled.endpoint.id, 'The receiver answered 410 Gone', { actor: 'system:test' });
  const gone = await adminA.get<Endpoint>(`/api/v1/admin/webhook-endpoints/${disabled.endpoint.id}`);
  assert.deepEqual([gone.body.status, gone.body.statusReason], ['disabled', 'The receiver answered 410 Gone']);

  const fan = (set: Set<string>) => new Set([...set].filter((path) => path.startsWith('/fan/')));
  assert.deepEqual(fan(await names({ name: 'card.enabled', institutionId: idA })), new Set(['/fan/a-cards', '/fan/all', '/fan/a-paused']));
  assert.deepEqual(fan(await names({ name: 'card.enabled', institutionId: idB })), new Set(['/fan/b-enabled', '/fan/fed', '/fan/all']),
    'a federation\'s endpoint hears its members');
  assert.deepEqual(fan(await names({ name: 'card.state_changed', institutionId: idB })), new Set());
  assert.deepEqual(fan(await names({ name: 'consent.withdrawn', institutionId: idA })), new Set(['/fan/a-consents']));
  // The outbox files deliveries with the same rule, in SQL, for many events at once.
  const probes = EVENT_NAMES.flatMap((name, index) => [idA, idB].map((institutionId) => ({ id: `${index}-${institutionId}`, name, institutionId })));
  const filed = await webhooks.subscribersOf(db, probes);
  for (const probe of probes) {
    assert.deepEqual(new Set(filed.filter((row) => row.eventId === probe.id).map((row) => row.endpointId)),
      new Set((await webhooks.endpointsFor(db, probe)).map((subscriber) => subscriber.id)), `${probe.name} at ${probe.institutionId}`);
  }
  const subscribers = await webhooks.endpointsFor(db, { name: 'card.created', institutionId: idA });
  const paused = subscribers.find((subscriber) => urls.get(subscriber.id) === '/fan/a-paused');
  assert.equal(paused?.status, 'paused', 'paused endpoints are given, marked, so their entries accumulate');
  assert.ok(!JSON.stringify(subscribers).includes('whsec_') && !JSON.stringify(subscribers).includes(cardsOfA.secret.slice(6, 20)), 'no secret in what the outbox files');

  // A real event of the log, delivered to the endpoints that want it, each verifying with its own secret.
  const person = await createPerson(w.t, { institution: codeA });
  const card = await enabledCard(w, person.id);
  await move(w.manager, card.id, 'DISABLED', { reason: 'LOST' });
  const rows = await sql<{ id: string; name: string; institutionId: number; personType: string; payload: Record<string, unknown>; granted: Record<string, unknown> | null; occurredAt: Date }>`
    SELECT id::text AS id, name, institution_id, person_type, payload, granted, occurred_at FROM events WHERE card_id = ${card.id} AND name = 'card.disabled'`.execute(db);
  const row = rows.rows[0];
  assert.ok(row);
  const event: WebhookEvent = {
    id: row.id, type: row.name, occurredAt: row.occurredAt, institution: codeA, personType: row.personType, payload: row.payload, granted: row.granted,
  };
  const subscribed = await webhooks.endpointsFor(db, { name: row.name, institutionId: Number(row.institutionId) });
  const active = subscribed.filter((subscriber) => subscriber.status === 'active' && urls.has(subscriber.id));
  assert.deepEqual(new Set(active.map((subscriber) => urls.get(subscriber.id))), new Set(['/fan/a-cards', '/fan/all']));
  for (const subscriber of active) {
    const target = await webhooks.targetById(db, subscriber.id);
    assert.ok(target);
    assert.equal((await deliverWebhook(target, event)).result, 'ok');
  }
  assert.equal(await webhooks.targetById(db, disabled.endpoint.id), undefined, 'a disabled endpoint is not delivered to');
  const toA = verify('/fan/a-cards', cardsOfA.secret);
  assert.equal(toA.type, 'card.disabled');
  assert.deepEqual((toA.data as Record<string, unknown>).holder, { firstName: person.firstName, lastName: person.lastName, eppn: person.eppn }, 'granted names');
  assert.ok(!('csn' in (toA.data as Record<string, unknown>)), 'no CSN: not granted');
  const toAll = receiver.received.filter((entry) => entry.path === '/fan/all').at(-1) as ReceivedRequest;
  assert.ok(!toAll.body.includes(person.eppn) && !toAll.body.includes(person.lastName), 'ids and states only without grants');
  assert.equal(toAll.headers['webhook-id'], row.id);
});

test('without a key to encrypt secrets, endpoints cannot be created (409) and none can be signed for', async () => {
  const service = createWebhooksService({ db: w.t.runtime.database.db, institution: w.t.runtime.services.institution, secretsKey: undefined, allowHttpLoopback: true });
  const manager = { institutionIds: null, personTypes: null, focusInstitutionId: null };
  await assert.rejects(service.create(manager, { url: 'https://hooks.example.org/', events: ['card.*'] }, { actor: 'test' }),
    (error: { status?: number; code?: string }) => error.status === 409 && error.code === 'secret_encryption_not_configured');
  const someEndpoint = (await service.endpointsFor(w.t.runtime.database.db, { name: 'card.enabled', institutionId: idA }))[0];
  assert.ok(someEndpoint, 'the subscribers are known without the key');
  assert.equal(await service.targetById(w.t.runtime.database.db, someEndpoint.id), undefined, 'but no secret can be read to sign with');
  assert.equal(service.canStoreSecrets(), false, 'the console says so before anyone fills the form');
});
