/**
 * SAML IdP metadata refreshed by a scheduled job and stored in PostgreSQL (issue 10): the job is
 * declared with its daily schedule and runs at worker start when no copy is stored; the metadata
 * URL is a real HTTP server of the test serving a signed federation aggregate. A good aggregate is
 * stored, a badly signed (or expired, or unreachable) one keeps the previous copy and shows the
 * error to the admin, a good one again replaces it; logins read the stored copy without fetching
 * anything; the admin « Refresh now » route is scoped like the method's settings.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { startTestApp, type TestApp, type TestClient, type TestResponse } from '../helpers/test-app.ts';
import { configureInstitution } from './cards.fixtures.ts';
import { SSO_BROWSER_POST_COOKIE } from '../../src/modules/sso/sso-browser.binding.ts';
import { createTestIdp, generateKeyPair, signedAggregate, type TestIdp, type TestKeyPair, type TestSpSettings } from '../helpers/saml-idp.ts';
import { SAML_METADATA_CRON, SAML_METADATA_QUEUE, createSamlMetadataService, type SamlMetadataStatus } from '../../src/modules/sso/saml-metadata.service.ts';
import { SamlMetadataError } from '../../src/adapters/saml/saml-idp-metadata.ts';

const PUBLIC_URL = 'https://campuscard.test.example';
const EPPN_OID = 'urn:oid:1.3.6.1.4.1.5923.1.1.1.6';
const METHOD = 'fed';

const sp: TestSpSettings = {
  entityId: `${PUBLIC_URL}/auth/sso/${METHOD}/metadata`, acsUrl: `${PUBLIC_URL}/auth/sso/${METHOD}/acs`, sloUrl: `${PUBLIC_URL}/auth/sso/${METHOD}/slo`,
};

interface AdminMethod { id: string; samlMetadata?: SamlMetadataStatus }

describe('SAML IdP metadata: scheduled refresh, stored copy', () => {
  let t: TestApp;
  let admin: TestClient;
  let server: Server;
  let dir: string;
  let idp: TestIdp;
  let federation: TestKeyPair;
  let institution: string;
  /** What the metadata URL serves (and with which status), and how many times it was asked. */
  let served = { status: 200, body: '' };
  let hits = 0;
  let browser = '';

  function bindingOf(response: TestResponse): string | undefined {
    const raw = [response.headers['set-cookie'] ?? []].flat().map(String).find((value) => value.startsWith(`${SSO_BROWSER_POST_COOKIE}=`));
    return raw === undefined ? undefined : (raw.split(';')[0] ?? '');
  }

  /** A whole login: the redirect to the IdP (its destination returned), the IdP's answer, the ACS. */
  async function login(eppn: string): Promise<{ destination: string; acs: TestResponse }> {
    const started = await t.anonymous.request('GET', `/auth/sso/${METHOD}/login`, { headers: browser ? { cookie: browser } : {} });
    assert.equal(started.status, 303, started.text);
    browser = bindingOf(started) ?? browser;
    const request = await idp.readLoginRequest(String(started.headers.location));
    const response = await idp.loginResponse(sp, { inResponseTo: request.requestId, attributes: [{ name: EPPN_OID, values: [eppn] }] });
    const form = new URLSearchParams({ SAMLResponse: response, RelayState: request.relayState });
    const acs = await t.anonymous.request('POST', `/auth/sso/${METHOD}/acs`, {
      payload: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: browser },
    });
    return { destination: request.destination, acs };
  }

  async function status(): Promise<SamlMetadataStatus | undefined> {
    const list = await admin.get<{ items: AdminMethod[] }>('/api/v1/admin/login-methods');
    assert.equal(list.status, 200, list.text);
    return list.body.items.find((item) => item.id === METHOD)?.samlMetadata;
  }

  async function refreshNow(client: TestClient = admin): Promise<TestResponse<SamlMetadataStatus>> {
    return client.post<SamlMetadataStatus>(`/api/v1/admin/login-methods/${METHOD}/saml-metadata/refresh`);
  }

  before(async () => {
    idp = createTestIdp({ baseUrl: 'https://idp.fed.example/idp' });
    const other = createTestIdp({ baseUrl: 'https://idp.other.example/idp', keys: generateKeyPair('other-idp') });
    federation = generateKeyPair('federation');
    served = { status: 200, body: signedAggregate([other.metadataXml, idp.metadataXml], federation) };
    server = createServer((request, response) => {
      hits++;
      if (request.url !== '/federation/metadata.xml') return void response.writeHead(404).end();
      response.writeHead(served.status, { 'content-type': 'application/samlmetadata+xml' }).end(served.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/federation/metadata.xml`;
    dir = mkdtempSync(join(tmpdir(), 'campuscard-saml-metadata-'));
    writeFileSync(join(dir, 'federation.pem'), federation.certificate);
    const methods = [{ id: METHOD, protocol: 'saml', idpMetadataUrl: url, idpMetadataCertFile: join(dir, 'federation.pem'), idpEntityId: idp.entityId }];
    // With workers, as a node that runs jobs starts: no copy is stored, so the refresh job is queued.
    t = await startTestApp({ workers: true, env: { SSO_METHODS: JSON.stringify(methods), PUBLIC_URL } });
    await configureInstitution(t);
    institution = (await t.runtime.services.institution.list())[0]?.code ?? '';
    admin = await t.loginAs('admin');
    const saved = await admin.put(`/api/v1/admin/login-methods/${METHOD}`, {
      enabled: true, label: { fr: 'Fédération', en: 'Federation' }, institution, eppnAttribute: 'eduPersonPrincipalName',
      fieldAttributes: {}, trustedFields: [], groupsAttribute: null, createUnknown: false, contact: 'Service des cartes',
    });
    assert.equal(saved.status, 200, saved.text);
  });

  after(async () => {
    await t?.close();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the refresh job is declared with a daily schedule, registered in pg-boss, and run at start when no copy is stored', { timeout: 60_000 }, async () => {
    assert.deepEqual(t.runtime.schedules.filter((entry) => entry.queue === SAML_METADATA_QUEUE), [{ queue: SAML_METADATA_QUEUE, cron: SAML_METADATA_CRON }]);
    assert.match(SAML_METADATA_CRON, /^\d+ \d+ \* \* \*$/, 'once a day');
    const { rows } = await sql<{ cron: string }>`SELECT cron FROM pgboss.schedule WHERE name = ${SAML_METADATA_QUEUE}`.execute(t.runtime.database.db);
    assert.deepEqual(rows.map((row) => row.cron), [SAML_METADATA_CRON]);
    // Only pg-boss moves the work here: the job queued at start is picked up by the worker.
    const deadline = Date.now() + 45_000;
    let current = await status();
    while (!current?.fetchedAt && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      current = await status();
    }
    assert.ok(current?.fetchedAt, `stored by the job: ${JSON.stringify(current)}`);
    assert.equal(current.idpEntityId, idp.entityId);
    assert.equal(current.lastError, null);
    assert.ok(current.validUntil && new Date(current.validUntil).getTime() > Date.now() + 13 * 86_400_000, 'the aggregate validity');
    assert.equal(hits, 1, 'one download');
  });

  test('logins read the stored copy: no download at all', async () => {
    const before = hits;
    await t.runtime.services.people.create({
      institution, eppn: 'stored1@univ.example.fr', lastName: 'Stocké', firstName: 'Ada', personType: 'student', email: 'stored1@mail.example.org',
    }, { actor: 'test' });
    for (let i = 0; i < 3; i++) {
      const { destination, acs } = await login('stored1@univ.example.fr');
      assert.equal(destination, 'https://idp.fed.example/idp/profile/SAML2/Redirect/SSO');
      assert.equal(acs.status, 303, acs.text);
      assert.match([acs.headers['set-cookie'] ?? []].flat().map(String).join('\n'), /cc_session=[^;]+/);
    }
    assert.equal(hits, before, 'no fetch of the metadata URL during logins');
  });

  test('a badly signed aggregate keeps the previous copy and shows the error; a good one again replaces it', async () => {
    const stored = await status();
    assert.ok(stored?.fetchedAt);
    served = { status: 200, body: signedAggregate([idp.metadataXml], generateKeyPair('rogue')) };
    const bad = await refreshNow();
    assert.equal(bad.status, 200, bad.text);
    assert.match(bad.body.lastError ?? '', /signature is missing or does not verify/);
    assert.equal(bad.body.fetchedAt, stored.fetchedAt, 'the previous copy is kept');
    assert.equal(bad.body.validUntil, stored.validUntil);
    assert.ok(bad.body.lastAttemptAt && bad.body.lastAttemptAt >= stored.fetchedAt);
    assert.deepEqual(await status(), bad.body, 'the error shows in the login methods list');
    const kept = await login('stored1@univ.example.fr');
    assert.equal(kept.destination, 'https://idp.fed.example/idp/profile/SAML2/Redirect/SSO', 'logins go on with the previous copy');
    assert.equal(kept.acs.status, 303, kept.acs.text);

    // The IdP moved its SSO endpoint; the federation signed the new aggregate.
    const moved = createTestIdp({ baseUrl: 'https://idp.moved.example/idp', entityId: idp.entityId, keys: idp.keys });
    served = { status: 200, body: signedAggregate([moved.metadataXml], federation, new Date(Date.now() + 10 * 86_400_000)) };
    const good = await refreshNow();
    assert.equal(good.status, 200, good.text);
    assert.equal(good.body.lastError, null);
    assert.ok(good.body.fetchedAt && good.body.fetchedAt > stored.fetchedAt);
    assert.ok(good.body.validUntil && good.body.validUntil < (stored.validUntil ?? ''), 'the new validity');
    const hitsBefore = hits;
    const after = await login('stored1@univ.example.fr');
    assert.equal(after.destination, 'https://idp.moved.example/idp/profile/SAML2/Redirect/SSO');
    assert.equal(hits, hitsBefore);
  });

  test('an expired aggregate or an unreachable URL is an error, the copy is kept', async () => {
    const stored = await status();
    served = { status: 200, body: signedAggregate([idp.metadataXml], federation, new Date(Date.now() - 1000)) };
    const expired = await refreshNow();
    assert.match(expired.body.lastError ?? '', /expired/);
    assert.equal(expired.body.fetchedAt, stored?.fetchedAt);
    served = { status: 503, body: '' };
    const down = await refreshNow();
    assert.match(down.body.lastError ?? '', /HTTP 503/);
    assert.equal(down.body.fetchedAt, stored?.fetchedAt);
    assert.equal(down.body.idpEntityId, idp.entityId);
  });

  test('refresh now: admins only, within their institutions; unknown methods are 404 problem+json', async () => {
    const other = await admin.post('/api/v1/institutions', { code: 'autre', name: 'Autre', pic: '222222222' });
    assert.equal(other.status, 201, other.text);
    const elsewhere = await t.loginAs('admin', { institutions: ['autre'] });
    const hidden = await refreshNow(elsewhere);
    assert.equal(hidden.status, 404, hidden.text);
    assert.match(String(hidden.headers['content-type']), /^application\/problem\+json/);
    assert.equal((hidden.body as unknown as { code: string }).code, 'sso_method_not_found');
    const theirs = await elsewhere.get<{ items: AdminMethod[] }>('/api/v1/admin/login-methods');
    assert.equal(theirs.body.items.length, 0, 'nor is its status listed');
    const manager = await t.loginAs('manager');
    assert.equal((await refreshNow(manager)).status, 403);
    assert.equal((await t.anonymous.post(`/api/v1/admin/login-methods/${METHOD}/saml-metadata/refresh`)).status, 401);
    const unknown = await admin.post('/api/v1/admin/login-methods/nope/saml-metadata/refresh');
    assert.equal(unknown.status, 404);
    const invalid = await admin.post('/api/v1/admin/login-methods/NOT_AN_ID/saml-metadata/refresh');
    assert.equal(invalid.status, 400);
  });

  test('a failed refresh logs a warning naming the method and the reason only; with nothing stored a login fetches once', async () => {
    const warnings: Array<{ data: Record<string, unknown>; message: string }> = [];
    let reads = 0;
    let failing = true;
    const service = createSamlMetadataService({
      db: t.runtime.database.db, jobs: t.runtime.jobs,
      ssoMethods: [{ id: 'fresh', protocol: 'saml', idpMetadataUrl: 'https://md.example/fresh.xml' }],
      logger: { info: () => undefined, warn: (data: Record<string, unknown>, message: string) => { warnings.push({ data, message }); } } as never,
      read: async () => {
        reads++;
        if (failing) throw new SamlMetadataError('metadata URL answered HTTP 500');
        return idp.metadataXml;
      },
    });
    await assert.rejects(service.get('fresh'), /HTTP 500/, 'nothing stored, the fetch failed: no metadata');
    assert.deepEqual(warnings, [{ data: { methodId: 'fresh', reason: 'metadata URL answered HTTP 500' }, message: 'saml metadata refresh failed: keeping the previous copy' }]);
    failing = false;
    const [a, b] = await Promise.all([service.get('fresh'), service.get('fresh')]);
    assert.equal(a.entityId, idp.entityId);
    assert.equal(b.entityId, idp.entityId);
    assert.equal(reads, 2, 'concurrent first logins read the document once');
    await service.get('fresh');
    assert.equal(reads, 2, 'then the stored copy');
    assert.equal(await service.queueIfMissing(), false, 'a copy is stored: nothing to queue at start');
  });
});
