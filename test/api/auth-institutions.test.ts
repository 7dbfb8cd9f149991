import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestClient } from '../helpers/test-app.ts';

// Institution grants of accounts and tokens, the Campuscard-Institution header, and the console's
// remembered switch. A federation (`fed`) with two members (`alpha`, `beta`), and `solo` outside.
let t: TestApp;

interface SessionBody {
  authenticated: boolean;
  principal: { institutions: Array<{ code: string; kind: string; parent: string | null }>; currentInstitution: string | null } | null;
}

before(async () => {
  t = await startTestApp();
  await t.runtime.database.pool.query(`INSERT INTO institutions (code, kind, name, country) VALUES ('fed', 'federation', 'Fédération', 'FR')`);
  await t.runtime.database.pool.query(`INSERT INTO institutions (code, name, pic, country, parent_id)
    SELECT v.code, v.name, v.pic, 'FR', (SELECT id FROM institutions WHERE code = 'fed')
    FROM (VALUES ('alpha', 'Alpha', '111111111'), ('beta', 'Beta', '222222222')) AS v (code, name, pic)`);
  await t.runtime.database.pool.query(`INSERT INTO institutions (code, name, pic, country) VALUES ('solo', 'Solo', '333333333', 'FR')`);
});
after(async () => { await t.close(); });

async function session(client: TestClient, headers: Record<string, string> = {}) {
  return client.request<SessionBody>('GET', '/api/v1/auth/session', { headers });
}

test('a grant on a federation covers its members; one on a member covers that member only', async () => {
  const federation = await t.loginAs('manager', { institutions: ['fed'] });
  const codes = (await session(federation)).body.principal?.institutions.map((i) => i.code).sort();
  assert.deepEqual(codes, ['alpha', 'beta', 'fed']);
  const alpha = await t.loginAs('manager', { institutions: ['alpha'] });
  const alphaSession = await session(alpha);
  assert.deepEqual(alphaSession.body.principal?.institutions.map((i) => i.code), ['alpha']);
  assert.equal(alphaSession.body.principal?.institutions[0]?.parent, 'fed');
  const everything = await t.loginAs('admin');
  assert.deepEqual((await session(everything)).body.principal?.institutions.map((i) => i.code).sort(), ['alpha', 'beta', 'fed', 'main', 'solo']);
});

test('the header focuses a call; an institution outside the grants is 404, never 403', async () => {
  const federation = await t.loginAs('manager', { institutions: ['fed'] });
  const focused = await session(federation, { 'campuscard-institution': 'beta' });
  assert.equal(focused.status, 200);
  assert.equal(focused.body.principal?.currentInstitution, 'beta');
  for (const code of ['solo', 'nowhere']) {
    const refused = await federation.request('GET', '/api/v1/auth/session', { headers: { 'campuscard-institution': code } });
    assert.equal(refused.status, 404, code);
    assert.equal(refused.body.code, 'institution_not_found');
  }
});

test('the console remembers its switch per account; the header still wins for one call', async () => {
  const federation = await t.loginAs('manager', { institutions: ['fed'] });
  assert.equal((await federation.put('/api/v1/auth/session/institution', { institution: 'alpha' })).status, 204);
  assert.equal((await session(federation)).body.principal?.currentInstitution, 'alpha');
  assert.equal((await session(federation, { 'campuscard-institution': 'beta' })).body.principal?.currentInstitution, 'beta');
  const outside = await federation.put('/api/v1/auth/session/institution', { institution: 'solo' });
  assert.equal(outside.status, 404);
  assert.equal(outside.body.code, 'institution_not_found');
  assert.equal((await federation.put('/api/v1/auth/session/institution', { institution: null })).status, 204);
  assert.equal((await session(federation)).body.principal?.currentInstitution, null);
});

test('an admin limited to an institution manages only accounts granted within it, and grants no more', async () => {
  const alphaAdmin = await t.loginAs('admin', { institutions: ['alpha'] });
  const betaManager = await t.loginAs('manager', { institutions: ['beta'] });
  const listed = await alphaAdmin.get<{ items: Array<{ id: string; institutions: string[] | null }> }>('/api/v1/accounts?limit=500');
  assert.equal(listed.status, 200);
  assert.ok(listed.body.items.length >= 1);
  for (const account of listed.body.items) assert.deepEqual(account.institutions, ['alpha']);
  assert.equal((await alphaAdmin.get(`/api/v1/accounts/${betaManager.accountId}`)).status, 404);
  assert.equal((await alphaAdmin.patch(`/api/v1/accounts/${betaManager.accountId}`, { displayName: 'x' })).status, 404);

  const outside = await alphaAdmin.post('/api/v1/accounts', { email: 'beta-hire@test.example', displayName: 'B', role: 'manager', institutions: ['beta'] });
  assert.equal(outside.status, 422);
  assert.equal(outside.body.code, 'unknown_institution');
  assert.equal(outside.body.field, '/institutions/0');
  const defaulted = await alphaAdmin.post<{ institutions: string[] | null }>('/api/v1/accounts', { email: 'alpha-hire@test.example', displayName: 'A', role: 'viewer' });
  assert.equal(defaulted.status, 201);
  assert.deepEqual(defaulted.body.institutions, ['alpha']);
});

test('a token never reaches beyond its account: narrowed grants, and a header outside them is 404', async () => {
  const alphaToken = await t.tokenClient('manager', { institutions: ['alpha'] });
  const own = await alphaToken.request<SessionBody>('GET', '/api/v1/auth/session', { headers: { 'campuscard-institution': 'alpha' } });
  assert.equal(own.status, 200);
  assert.deepEqual(own.body.principal?.institutions.map((i) => i.code), ['alpha']);
  const other = await alphaToken.request('GET', '/api/v1/auth/session', { headers: { 'campuscard-institution': 'beta' } });
  assert.equal(other.status, 404);

  const alphaAdmin = await t.loginAs('admin', { institutions: ['alpha'] });
  const wider = await alphaAdmin.post('/api/v1/tokens', { name: 'too wide', role: 'viewer', institutions: ['beta'] });
  assert.equal(wider.status, 422);
  assert.equal(wider.body.code, 'unknown_institution');
  const created = await alphaAdmin.post<{ info: { institutions: string[] | null } }>('/api/v1/tokens', { name: 'fine', role: 'viewer' });
  assert.equal(created.status, 201);
  assert.deepEqual(created.body.info.institutions, ['alpha']);
});

test('granting every institution again is null, and null stays null', async () => {
  const admin = await t.loginAs('admin');
  const created = await admin.post<{ id: string; institutions: string[] | null }>('/api/v1/accounts',
    { email: 'grants@test.example', displayName: 'G', role: 'manager', institutions: ['beta'] });
  assert.equal(created.status, 201);
  assert.deepEqual(created.body.institutions, ['beta']);
  const widened = await admin.patch<{ institutions: string[] | null }>(`/api/v1/accounts/${created.body.id}`, { institutions: null });
  assert.equal(widened.status, 200);
  assert.equal(widened.body.institutions, null);
});
