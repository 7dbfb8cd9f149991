/**
 * The access matrix across institutions. A federation `fed` has two members, `alpha` and `beta`;
 * `beta` holds a person, their card (enabled, with a photo and mails), an import job, an ESC sync
 * entry, a manager account and a token. For every route of the API:
 * - an admin of `alpha` (the widest role, so no role rule answers first) naming `beta`'s data gets
 *   404 on reads and never a 2xx or a 403 on writes, and nothing of `beta` changes;
 * - the lists `alpha`'s admin reads never contain `beta`'s identifiers;
 * - an admin of the federation gets, route by route, what `beta`'s own admin gets, and its lists
 *   count what the two members' count together.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startTestApp, type TestApp, type TestClient } from '../helpers/test-app.ts';
import { configureInstitution, createInstitution, encode, jpeg, move, officeClients, requestCard, type CardsWorld } from './cards.fixtures.ts';

let t: TestApp;
let world: CardsWorld;
let alphaAdmin: TestClient;
let betaAdmin: TestClient;
let federationAdmin: TestClient;

/** What `beta` owns, by the route parameter that names it. */
const beta = {
  personId: '', eppn: '', lastName: '', cardId: '', escn: '', photoId: '', jobId: '', mailId: '', entryId: '', accountId: '', tokenId: '',
  webhookId: '',
};
/** A card of `alpha`'s, so that the federation's lists have something of both. */
let alphaCardId = '';

before(async () => {
  t = await startTestApp();
  await configureInstitution(t);
  world = await officeClients(t);
  await createInstitution(world, { code: 'fed', name: 'Fédération', kind: 'federation' });
  await createInstitution(world, { code: 'alpha', name: 'Alpha', kind: 'institution', parent: 'fed', pic: '111111111' });
  await createInstitution(world, { code: 'beta', name: 'Beta', kind: 'institution', parent: 'fed', pic: '222222222' });
  alphaAdmin = await t.loginAs('admin', { institutions: ['alpha'] });
  betaAdmin = await t.loginAs('admin', { institutions: ['beta'] });
  federationAdmin = await t.loginAs('admin', { institutions: ['fed'] });

  const person = await world.admin.post<{ id: string; eppn: string; lastName: string }>('/api/v1/persons', {
    institution: 'beta', eppn: 'only.beta@beta.example', firstName: 'Bérénice', lastName: 'Betaonly', personType: 'student',
    email: 'only.beta@mail.example', birthDate: '2001-02-03',
  });
  assert.equal(person.status, 201, person.text);
  Object.assign(beta, { personId: person.body.id, eppn: person.body.eppn, lastName: person.body.lastName });
  const consent = await world.admin.put(`/api/v1/persons/${beta.personId}/consents/esc`, { granted: true, textVersion: '2026-12', locale: 'fr', channel: 'office' });
  assert.equal(consent.status, 200, consent.text);
  const card = await requestCard(world, beta.personId, world.admin, 'beta');
  beta.cardId = card.id;
  const photo = await world.admin.request('PUT', `/api/v1/cards/${beta.cardId}/photo`, { payload: await jpeg(), headers: { 'content-type': 'image/jpeg' } });
  assert.equal(photo.status, 200, photo.text);
  await encode(world, beta.cardId);
  const enabled = await move(world.manager, beta.cardId, 'ENABLED');
  beta.escn = String((enabled as unknown as { escn: string }).escn);

  const alphaPerson = await world.admin.post<{ id: string }>('/api/v1/persons', {
    institution: 'alpha', eppn: 'only.alpha@alpha.example', firstName: 'Albert', lastName: 'Alphaonly', personType: 'student',
  });
  assert.equal(alphaPerson.status, 201, alphaPerson.text);
  alphaCardId = (await requestCard(world, alphaPerson.body.id, world.admin, 'alpha')).id;

  const db = t.runtime.database.db;
  // No router is configured in this app, so nothing queued a sync: file one as the sync would.
  await sql`INSERT INTO sync_outbox (connector, person_id, institution_id, reason)
    SELECT 'esc', ${beta.personId}::uuid, id, 'card_moved' FROM institutions WHERE code = 'beta'`.execute(db);
  const ids = await sql<{ photo: string | null; mail: string | null; entry: string | null }>`SELECT
      (SELECT photo_id::text FROM cards WHERE id = ${beta.cardId}) AS photo,
      (SELECT id::text FROM mails WHERE person_id = ${beta.personId} LIMIT 1) AS mail,
      (SELECT id::text FROM sync_outbox WHERE person_id = ${beta.personId} LIMIT 1) AS entry`.execute(db);
  const row = ids.rows[0];
  assert.ok(row?.photo && row.mail && row.entry, `beta's photo, mail and sync entry exist: ${JSON.stringify(row)}`);
  Object.assign(beta, { photoId: row.photo, mailId: row.mail, entryId: row.entry });
  // A webhook endpoint of beta's (written directly: this app has no key to encrypt a real secret with).
  const webhook = await sql<{ id: string }>`INSERT INTO webhook_endpoints (institution_id, url, event_names, secret_encrypted, secret_hint, created_by, updated_by)
    SELECT id, 'https://beta.example/campuscard-hook', ARRAY['card.*'], 'v1.unreadable', 'abcd', 'test', 'test' FROM institutions WHERE code = 'beta'
    RETURNING id::text AS id`.execute(db);
  beta.webhookId = String(webhook.rows[0]?.id);

  const form = new FormData();
  form.append('file', new Blob(['eppn;lastName;firstName;personType\nimported.beta@beta.example;Importee;Ida;student\n']), 'beta.csv');
  const request = new Request('http://x', { method: 'POST', body: form });
  const imported = await betaAdmin.request<{ job: { id: string } }>('POST', '/api/v1/imports/persons?institution=beta', {
    payload: Buffer.from(await request.arrayBuffer()), headers: { 'content-type': request.headers.get('content-type') ?? '' },
  });
  assert.ok(imported.status < 300, imported.text);
  beta.jobId = imported.body.job.id;

  const manager = await t.loginAs('manager', { institutions: ['beta'] });
  beta.accountId = manager.accountId;
  const token = await betaAdmin.post<{ info: { id: string } }>('/api/v1/tokens', { name: 'beta robot', role: 'viewer' });
  assert.equal(token.status, 201, token.text);
  beta.tokenId = token.body.info.id;
});
after(async () => { await t.close(); });

/** The URL of a route with `beta`'s data in its parameters; undefined for routes naming no data. */
function betaUrl(url: string): string | undefined {
  if (url.includes(':template') || url.includes(':escn') || url.includes('*')) return undefined;
  const idFor: Array<[string, string]> = [
    ['/api/v1/accounts/', beta.accountId], ['/api/v1/cards/', beta.cardId], ['/api/v1/jobs/', beta.jobId],
    ['/api/v1/mails/', beta.mailId], ['/api/v1/me/mails/', beta.mailId], ['/api/v1/persons/', beta.personId],
    ['/api/v1/photos/', beta.photoId], ['/api/v1/tokens/', beta.tokenId], ['/api/v1/admin/webhook-endpoints/', beta.webhookId],
  ];
  const id = idFor.find(([prefix]) => url.startsWith(prefix))?.[1];
  return url
    .replace(':id', id ?? ':id')
    .replace(':entryId', beta.entryId)
    .replace(':code', 'beta')
    .replace(':institution', 'beta')
    .replace(':type', 'student')
    .replace(':kind', 'esc');
}

function dataRoutes(methods: readonly string[]) {
  // `/me/…` routes are about the caller's own person, whatever the id: not another institution's data.
  return t.app.accessRules.filter((rule) => !('public' in rule.access) && methods.includes(rule.method) && rule.url.includes('/:')
    && !rule.url.startsWith('/api/v1/me/'))
    .map((rule) => ({ rule, url: betaUrl(rule.url) }))
    .filter((entry): entry is { rule: typeof entry.rule; url: string } => entry.url !== undefined && !entry.url.includes('/:'));
}

test('an admin of alpha reading any of beta\'s data gets 404, never 403', async () => {
  const routes = dataRoutes(['GET']);
  assert.ok(routes.length >= 15, `expected the data routes, found ${routes.length}`);
  for (const { rule, url } of routes) {
    const response = await alphaAdmin.get(url);
    assert.equal(response.status, 404, `${rule.method} ${rule.url} gave ${response.status} ${response.text.slice(0, 200)}`);
  }
});

test('an admin of alpha writing to beta\'s data is refused without a 2xx or a 403, and nothing of beta changes', async () => {
  const snapshot = async () => {
    const rows = await sql<{ state: string; version: number; person: unknown; enrolment: unknown; photos: number; webhook: unknown }>`SELECT c.state, c.version,
        (SELECT row_to_json(p) FROM (SELECT first_name, last_name, email, birth_date, updated_at FROM persons WHERE id = ${beta.personId}) p) AS person,
        (SELECT row_to_json(e) FROM (SELECT * FROM enrolments WHERE person_id = ${beta.personId}) e) AS enrolment,
        (SELECT count(*)::int FROM photos WHERE person_id = ${beta.personId}) AS photos,
        (SELECT row_to_json(w) FROM (SELECT url, status, secret_encrypted, updated_at FROM webhook_endpoints WHERE id = ${beta.webhookId}::uuid) w) AS webhook
      FROM cards c WHERE c.id = ${beta.cardId}`.execute(t.runtime.database.db);
    return JSON.stringify(rows.rows);
  };
  const before = await snapshot();
  const bodies: Record<string, unknown> = {
    '/api/v1/cards/:id/moves': { to: 'DISABLED', reason: 'MANAGER' },
    '/api/v1/cards/:id/csn': { csn: '0A0B0C0D', form: 'hex' },
    '/api/v1/cards/:id/renew': {},
    '/api/v1/cards/:id/deliver': {},
    '/api/v1/persons/:id': { lastName: 'Hijacked' },
    '/api/v1/persons/:id/consents/:kind': { granted: false, textVersion: '2026-12', locale: 'fr', channel: 'office' },
    '/api/v1/institutions/:code': { name: 'Hijacked' },
    '/api/v1/institutions/:code/person-types/:type': { labelFr: 'X', labelEn: 'X' },
    '/api/v1/institutions/:code/esc-api-key': { apiKey: 'stolen-key-0123456789' },
    '/api/v1/accounts/:id': { displayName: 'Hijacked' },
    '/api/v1/admin/webhook-endpoints/:id': { url: 'https://alpha.example/stolen', status: 'disabled' },
  };
  const routes = dataRoutes(['POST', 'PUT', 'PATCH', 'DELETE']);
  assert.ok(routes.length >= 15, `expected the write routes, found ${routes.length}`);
  for (const { rule, url } of routes) {
    const body = bodies[rule.url] ?? {};
    const response = await alphaAdmin.request(rule.method as 'POST', url, rule.method === 'DELETE' ? {} : { body });
    assert.ok(response.status >= 400 && response.status !== 403 && response.status < 500,
      `${rule.method} ${rule.url} gave ${response.status} ${response.text.slice(0, 200)}`);
    if (bodies[rule.url] !== undefined) assert.equal(response.status, 404, `${rule.method} ${rule.url} with a valid body gave ${response.status}`);
  }
  // The bulk move names cards in its body: beta's card is "not found" like a missing one.
  const bulk = await alphaAdmin.post<{ results: Array<{ status: number; problem?: { code: string } }> }>('/api/v1/cards/moves', { items: [{ cardId: beta.cardId, to: 'DISABLED', reason: 'MANAGER' }] });
  assert.equal(bulk.status, 200, bulk.text);
  assert.equal(bulk.body.results[0]?.status, 404);
  assert.equal(bulk.body.results[0]?.problem?.code, 'card_not_found');
  assert.equal(await snapshot(), before);
});

test('nothing alpha\'s admin lists, exports or counts contains beta\'s identifiers', async () => {
  const lists = t.app.accessRules.filter((rule) => !('public' in rule.access) && rule.method === 'GET' && !rule.url.includes(':')
    && rule.url.startsWith('/api/v1/'));
  assert.ok(lists.length >= 10);
  const secrets = [beta.personId, beta.cardId, beta.eppn, beta.lastName, beta.escn, beta.mailId, beta.accountId, beta.tokenId, 'beta robot',
    beta.webhookId, 'beta.example/campuscard-hook'];
  for (const rule of lists) {
    const response = await alphaAdmin.get(`${rule.url}${rule.url.includes('stats') ? '?days=30' : ''}`);
    assert.ok(response.status < 500, `${rule.url}: ${response.status}`);
    for (const secret of secrets) assert.ok(!response.text.includes(secret), `${rule.url} shows beta's ${secret}`);
  }
  const institutions = await alphaAdmin.get<{ items: Array<{ code: string }> }>('/api/v1/institutions');
  assert.deepEqual(institutions.body.items.map((item) => item.code), ['alpha']);
});

test('the federation\'s admin gets on beta\'s data what beta\'s admin gets', async () => {
  for (const { rule, url } of dataRoutes(['GET'])) {
    const asMember = await betaAdmin.get(url);
    const asFederation = await federationAdmin.get(url);
    assert.equal(asFederation.status, asMember.status, `${rule.url}: federation ${asFederation.status}, member ${asMember.status}`);
  }
  assert.equal((await federationAdmin.get(`/api/v1/cards/${beta.cardId}`)).status, 200);
  assert.equal((await federationAdmin.get(`/api/v1/persons/${beta.personId}`)).status, 200);
});

test('the federation\'s lists count what its members\' lists count together', async () => {
  const total = async (client: TestClient, url: string) => {
    const response = await client.get<{ total?: number; items: unknown[] }>(url);
    assert.equal(response.status, 200, `${url}: ${response.text}`);
    return response.body.total ?? response.body.items.length;
  };
  for (const url of ['/api/v1/cards?page=1&limit=100', '/api/v1/persons?withTotal=true&limit=100', '/api/v1/mails?limit=100', '/api/v1/esc/sync/entries?limit=100']) {
    const members = (await total(alphaAdmin, url)) + (await total(betaAdmin, url));
    assert.equal(await total(federationAdmin, url), members, url);
    assert.ok(members > 0, url);
  }
  const ids = (await federationAdmin.get<{ items: Array<{ id: string }> }>('/api/v1/cards?limit=100')).body.items.map((card) => card.id);
  assert.ok(ids.includes(beta.cardId) && ids.includes(alphaCardId));
});
