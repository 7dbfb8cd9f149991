/**
 * The demo as `npm start` runs it: demo data on a fresh database, the embedded ESC Router
 * simulator started by the serving process only, and a card enabled by the demo accounts that
 * reaches that simulator; after a restart (the simulator starts empty) a reconcile sends it again.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { startEscRouterSimulator } from '../../src/adapters/esc-router/esc-router.simulator.ts';
import { startEmbeddedEscRouter } from '../../src/adapters/esc-router/esc-router.embedded.ts';
import { createEscRouterClient, EscRouterError } from '../../src/adapters/esc-router/esc-router.client.ts';
import { createEscnGenerator } from '../../src/modules/esc/domain/escn.ts';
import { prepareServing, startupMessage } from '../../src/cli/serve.command.ts';
import type { DemoLogin } from '../../src/modules/demo/demo-seed.service.ts';
import { startTestApp, TestClient, type TestApp } from '../helpers/test-app.ts';

const DEMO_PIC = '999000001';
const ESCN = createEscnGenerator({ pic: '999000001', prefix: 1 }).next();

async function loginWith(t: TestApp, login: DemoLogin): Promise<TestClient> {
  const response = await t.anonymous.post<{ csrfToken: string }>('/api/v1/auth/login', { email: login.email, password: login.password });
  assert.equal(response.status, 200, response.text);
  const setCookie = response.headers['set-cookie'];
  const cookie = String(Array.isArray(setCookie) ? setCookie[0] : setCookie).split(';')[0] ?? '';
  return new TestClient(t.app, { cookie, csrfToken: response.body.csrfToken });
}

describe('the embedded ESC Router of the demo', () => {
  let t: TestApp;
  let logins: DemoLogin[];

  before(async () => {
    t = await startTestApp({ env: { DEMO: 'true' }, embeddedEscRouter: true });
    logins = await prepareServing(t.runtime) ?? [];
  });

  after(async () => {
    await t?.close();
  });

  const loginOf = (role: string) => logins.find((login) => login.role === role) as DemoLogin;

  test('the first start creates the demo accounts and says where to go and which router is used', () => {
    assert.deepEqual(logins.map((login) => login.role), ['cardholder', 'manager', 'cardholder', 'manager', 'manager', 'admin']);
    const message = startupMessage(t.runtime, { url: 'http://localhost:8080', seconds: '1.0', logins });
    assert.match(message, /Open http:\/\/localhost:8080 in a browser/);
    assert.match(message, /ESC Router: embedded simulator \(demo, in memory\) · Routeur ESC\u00a0: simulateur intégré/);
    for (const login of logins) {
      assert.ok(message.includes(login.email) && message.includes(login.password), `${login.email} is printed with its password`);
      assert.ok(message.includes(login.purpose.en) && message.includes(login.purpose.fr), `${login.email} says what it is for`);
    }
    assert.ok(t.runtime.embeddedEscRouter);
    assert.equal(t.runtime.config.escRouterUrl, t.runtime.embeddedEscRouter.url);
    assert.match(t.runtime.embeddedEscRouter.url, /^http:\/\/127\.0\.0\.1:\d+\/esc-rest$/);
  });

  test('operators see that the sync goes to the embedded simulator', async () => {
    const manager = await loginWith(t, loginOf('manager'));
    const status = await manager.get<{ enabled: boolean; router: string | null }>('/api/v1/esc/sync/status');
    assert.equal(status.status, 200, status.text);
    assert.equal(status.body.enabled, true);
    assert.equal(status.body.router, 'embedded_simulator');
    const student = await loginWith(t, loginOf('cardholder'));
    assert.equal((await student.get('/api/v1/esc/sync/status')).status, 403);
    assert.equal((await t.anonymous.get('/api/v1/esc/sync/status')).status, 401);
  });

  test('a card the demo student requests and the demo manager enables reaches the simulator, with the demo PIC', async () => {
    const sim = t.runtime.embeddedEscRouter?.simulator;
    assert.ok(sim);
    const student = await loginWith(t, loginOf('cardholder'));
    const me = await student.get<{ person: { id: string } }>('/api/v1/me');
    assert.equal(me.status, 200, me.text);
    const personId = me.body.person.id;
    const consent = await student.put(`/api/v1/persons/${personId}/consents/esc`, { granted: true, textVersion: '2026-01', locale: 'en' });
    assert.equal(consent.status, 200, consent.text);
    const requested = await student.post<{ id: string; escn: string }>('/api/v1/cards', { personId, cardKind: 'physical' });
    assert.equal(requested.status, 201, requested.text);
    const cardId = requested.body.id;
    const jpeg = await sharp({ create: { width: 480, height: 600, channels: 3, background: '#8899aa' } }).jpeg().toBuffer();
    const photo = await student.request('PUT', `/api/v1/cards/${cardId}/photo`, { payload: jpeg, headers: { 'content-type': 'image/jpeg' } });
    assert.equal(photo.status, 200, photo.text);

    const manager = await loginWith(t, loginOf('manager'));
    for (const to of ['REQUEST_CHECKED', 'IN_PRINT', 'PRINTED']) {
      const moved = await manager.post(`/api/v1/cards/${cardId}/moves`, { to });
      assert.equal(moved.status, 200, `${to}: ${moved.text}`);
    }
    const bound = await manager.post(`/api/v1/cards/${cardId}/csn`, { csn: '04C1D2E3F4A5B6', form: 'hex' });
    assert.equal(bound.status, 200, bound.text);
    const enabled = await manager.post(`/api/v1/cards/${cardId}/moves`, { to: 'ENABLED' });
    assert.equal(enabled.status, 200, enabled.text);
    assert.equal(sim.state.cards.size, 0, 'nothing is sent before a worker runs');
    await t.runtime.jobs.drain();

    const escn = requested.body.escn.toLowerCase();
    assert.equal(sim.state.cards.get(escn)?.cardStatusType, 'ACTIVE');
    assert.equal(sim.state.cards.get(escn)?.issuerIdentifier, DEMO_PIC);
    assert.ok(sim.requestLog.length > 0 && sim.requestLog.every((entry) => entry.pic === DEMO_PIC), 'every call came with the key bound to the demo PIC');
    const esc = await manager.get<{ sync: { state: string; routerStatus: string } }>(`/api/v1/cards/${cardId}/esc`);
    assert.equal(esc.body.sync.state, 'registered');
    assert.equal(esc.body.sync.routerStatus, 'ACTIVE');

    // A restart: the simulator comes back empty, the demo is not seeded again, a reconcile sends the card again.
    sim.reset();
    assert.equal(await prepareServing(t.runtime), undefined);
    await t.runtime.jobs.drain();
    assert.equal(sim.state.cards.get(escn)?.cardStatusType, 'ACTIVE');
    // Where starting afresh is a matter of deleting the data directory, the restart says so.
    const restart = startupMessage(t.runtime, { url: 'http://localhost:8080', seconds: '1.0', logins: undefined });
    if (t.config.databaseUrl === undefined) assert.match(restart, /Demo accounts were printed at the first start; lost them\? Stop, delete /);
    else assert.doesNotMatch(restart, /Demo accounts/);
  });

  test('other commands (worker, CLI) start no simulator: the sync stays off there', async () => {
    const other = await startTestApp({ env: { DEMO: 'true' } });
    try {
      assert.equal(other.config.escRouterSimulator, true);
      assert.equal(other.runtime.embeddedEscRouter, undefined);
      assert.equal(other.runtime.services.escSync.enabled, false);
      assert.equal((await other.runtime.services.escSync.status()).router, null);
    } finally {
      await other.close();
    }
  });

  test('with a configured router, no simulator starts and operators see an external router', async () => {
    const router = await startEscRouterSimulator({ apiKeys: { key: { pic: DEMO_PIC } } });
    const other = await startTestApp({ env: { DEMO: 'true', ESC_ROUTER_URL: router.url, ESC_ROUTER_API_KEY: 'key' }, embeddedEscRouter: true });
    try {
      assert.equal(other.runtime.embeddedEscRouter, undefined);
      assert.equal(other.runtime.config.escRouterUrl, router.url);
      assert.equal((await other.runtime.services.escSync.status()).router, 'external');
      assert.match(startupMessage(other.runtime, { url: 'http://localhost:8080', seconds: '1.0', logins: undefined }), /ESC Router: http:\/\/127\.0\.0\.1/);
    } finally {
      await other.close();
      await router.close();
    }
  });

  test('closing the runtime stops the simulator', async () => {
    const other = await startTestApp({ env: { DEMO: 'true' }, embeddedEscRouter: true });
    const url = other.runtime.embeddedEscRouter?.url;
    assert.ok(url);
    assert.equal((await fetch(`${url}/api/v2/persons`)).status, 401);
    await other.close();
    await assert.rejects(fetch(`${url}/api/v2/persons`));
  });
});

test('the simulator learns API keys while running, and keeps a bounded request log when asked', async () => {
  const sim = await startEscRouterSimulator({ apiKeys: {}, requestLogLimit: 3 });
  try {
    const persons = (key: string) => fetch(`${sim.url}/api/v2/persons`, { headers: { authorization: `Bearer ${key}`, accept: 'application/json' } });
    assert.equal((await persons('late-key')).status, 401);
    sim.registerApiKey('late-key', { pic: '999000001' });
    assert.equal((await persons('late-key')).status, 200);
    sim.registerApiKey('late-key', { pic: '999000002' });
    await persons('late-key');
    assert.equal(sim.requestLog.at(-1)?.pic, '999000002', 'a key registered again follows its new PIC');
    assert.throws(() => sim.registerApiKey('bad', { pic: '12' }), /PIC must be 9 digits/);
    for (let i = 0; i < 4; i += 1) await persons('late-key');
    assert.equal(sim.requestLog.length, 3);
  } finally {
    await sim.close();
  }
});


test('the embedded router gives each institution a key of its own, bound to its PIC, and keeps their records apart', async () => {
  const embedded = await startEmbeddedEscRouter();
  try {
    const university = embedded.keyFor('999000001');
    const school = embedded.keyFor('999000002');
    assert.notEqual(university, school);
    assert.equal(embedded.keyFor('999000001'), university, 'issued once per PIC');
    assert.notEqual(university, embedded.apiKey, 'the deployment\'s key is bound to no institution');
    assert.equal(embedded.keyFor('999000002', 'key-set-by-an-admin'), 'key-set-by-an-admin', 'an institution\'s own key is used and bound');
    const router = (key: string) => createEscRouterClient({ baseUrl: embedded.url, apiKey: key });
    await router(university).upsertPerson({
      identifier: 'urn:schac:personalUniqueCode:int:esi:fr:123456789AB', identifierCode: 'ESI', fullName: 'Inès Moreau',
      personOrganisationUpdateViews: [{ organisationIdentifier: '999000001' }],
    });
    await router(university).upsertCard({
      cardNumber: ESCN, cardStatusType: 'ACTIVE', cardType: 'SMART_NO_CDZ', expiresAt: '2099-08-31', issuedAt: '2026-09-01',
      issuerIdentifier: '999000001', personIdentifier: 'urn:schac:personalUniqueCode:int:esi:fr:123456789AB',
    });
    assert.equal((await router(university).cards.get(ESCN))?.issuer?.identifier, '999000001');
    await assert.rejects(router('key-set-by-an-admin').cards.get(ESCN), (error: unknown) => error instanceof EscRouterError && error.status === 403);
    assert.equal(await router('key-set-by-an-admin').persons.get('urn:schac:personalUniqueCode:int:esi:fr:123456789AB'), undefined);
    assert.equal(embedded.simulator.requestLog.at(-1)?.pic, '999000002');
  } finally {
    await embedded.close();
  }
});
