import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, TestClient, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
before(async () => { t = await startTestApp(); });
after(async () => { await t.close(); });

interface TokenInfo {
  id: string;
  role: string;
  personTypes: string[] | null;
  actsFor: { id: string; displayName: string; email: string } | null;
}

async function adminToken(admin: TestClient, body: Record<string, unknown> = {}): Promise<{ client: TestClient; info: TokenInfo }> {
  const created = await admin.post<{ token: string; info: TokenInfo }>('/api/v1/tokens', { name: 'automation', role: 'admin', ...body });
  assert.equal(created.status, 201, created.text);
  return { client: new TestClient(t.app, { bearer: created.body.token }), info: created.body.info };
}

test("a token stops working when its creator is disabled: it can no longer list accounts, create an admin or re-enable its creator", async () => {
  const adminA = await t.loginAs('admin', { email: 'admin-a@test.example' });
  const adminB = await t.loginAs('admin');
  const { client: token } = await adminToken(adminA);
  assert.equal((await token.get('/api/v1/accounts')).status, 200);

  assert.equal((await adminB.patch(`/api/v1/accounts/${adminA.accountId}`, { disabled: true })).status, 200);

  const list = await token.get('/api/v1/accounts');
  assert.equal(list.status, 401);
  assert.match(String(list.headers['content-type']), /application\/problem\+json/);
  assert.equal((await token.post('/api/v1/accounts', { email: 'mallory@test.example', displayName: 'M', role: 'admin', password: 'quiet walrus of the fjord' })).status, 401);
  assert.equal((await token.patch(`/api/v1/accounts/${adminA.accountId}`, { disabled: false })).status, 401);
  const stillDisabled = await adminB.get<{ disabled: boolean }>(`/api/v1/accounts/${adminA.accountId}`);
  assert.equal(stillDisabled.body.disabled, true);

  // Re-enabled by another admin, the account's tokens work again: nothing was stored on the token.
  assert.equal((await adminB.patch(`/api/v1/accounts/${adminA.accountId}`, { disabled: false })).status, 200);
  assert.equal((await token.get('/api/v1/accounts')).status, 200);
});

test("a token never does more than its creator's current role: capped on demotion, restored on promotion", async () => {
  const creator = await t.loginAs('admin');
  const other = await t.loginAs('admin');
  const { client: token } = await adminToken(creator);

  assert.equal((await other.patch(`/api/v1/accounts/${creator.accountId}`, { role: 'manager', personTypes: ['staff'] })).status, 200);
  const session = await token.get<{ principal: { role: string; personTypes: string[] | null } }>('/api/v1/auth/session');
  assert.equal(session.status, 200);
  assert.equal(session.body.principal.role, 'manager');
  assert.deepEqual(session.body.principal.personTypes, ['staff']);
  assert.equal((await token.get('/api/v1/accounts')).status, 403);
  assert.equal((await token.post('/api/v1/accounts', { email: 'eve@test.example', displayName: 'E', role: 'admin' })).status, 403);

  assert.equal((await other.patch(`/api/v1/accounts/${creator.accountId}`, { role: 'admin', personTypes: null })).status, 200);
  const restored = await token.get<{ principal: { role: string; personTypes: string[] | null } }>('/api/v1/auth/session');
  assert.equal(restored.body.principal.role, 'admin');
  assert.equal(restored.body.principal.personTypes, null);
  assert.equal((await token.get('/api/v1/accounts')).status, 200);
});

test('a token whose role the account no longer covers at all is refused (station token of an account now viewer)', async () => {
  const creator = await t.loginAs('admin');
  const other = await t.loginAs('admin');
  const created = await creator.post<{ token: string }>('/api/v1/tokens', { name: 'print station', role: 'station' });
  const station = new TestClient(t.app, { bearer: created.body.token });
  assert.equal((await station.get('/api/v1/auth/session')).status, 200);
  assert.equal((await other.patch(`/api/v1/accounts/${creator.accountId}`, { role: 'viewer' })).status, 200);
  assert.equal((await station.get('/api/v1/auth/session')).status, 401);
});

test('a token created by a token acts for the same account, within the calling token person types', async () => {
  const creator = await t.loginAs('admin', { email: 'chain-owner@test.example' });
  const other = await t.loginAs('admin');
  const { client: parent } = await adminToken(creator, { personTypes: ['student'] });
  const child = await parent.post<{ token: string; info: TokenInfo }>('/api/v1/tokens', { name: 'child', role: 'admin', personTypes: null });
  assert.equal(child.status, 201, child.text);
  assert.equal(child.body.info.actsFor?.email, 'chain-owner@test.example');
  assert.deepEqual(child.body.info.personTypes, ['student']);
  const childClient = new TestClient(t.app, { bearer: child.body.token });
  assert.equal((await childClient.get('/api/v1/accounts')).status, 200);
  assert.equal((await other.patch(`/api/v1/accounts/${creator.accountId}`, { disabled: true })).status, 200);
  assert.equal((await childClient.get('/api/v1/accounts')).status, 401);
});

test('the token list shows the account each token acts for', async () => {
  const creator = await t.loginAs('admin', { email: 'shown-owner@test.example' });
  const { info } = await adminToken(creator);
  assert.deepEqual(info.actsFor, { id: creator.accountId, displayName: info.actsFor?.displayName, email: 'shown-owner@test.example' });
  const list = await creator.get<{ items: TokenInfo[] }>('/api/v1/tokens');
  const listed = list.body.items.find((item) => item.id === info.id);
  assert.equal(listed?.actsFor?.id, creator.accountId);
  assert.equal(listed?.actsFor?.email, 'shown-owner@test.example');
  assert.ok(listed?.actsFor?.displayName);
});

test('a token cannot be made for an account of a lesser role, and every live token has an account (database constraint)', async () => {
  const viewer = await t.runtime.services.auth.createAccount({ email: 'lesser@test.example', displayName: 'Lesser', role: 'viewer' }, { actor: 'test' });
  await assert.rejects(
    t.runtime.services.auth.createApiToken({ name: 'too much', role: 'admin' }, { accountId: viewer.id, personTypes: null, institutionIds: null }, { actor: 'test' }),
    (error: { code?: string }) => error.code === 'token_role_exceeds_account',
  );
  await assert.rejects(t.runtime.database.pool.query(
    "INSERT INTO api_tokens (name, token_prefix, token_hash, role, created_by) VALUES ('orphan', 'cc_xxxx', 'h', 'admin', 'cli')"),
  /api_tokens_live_has_account/);
});

test('deleting an account deletes its tokens', async () => {
  const creator = await t.loginAs('admin');
  const { info } = await adminToken(creator);
  await t.runtime.database.pool.query('DELETE FROM sessions WHERE account_id = $1', [creator.accountId]);
  await t.runtime.database.pool.query('DELETE FROM accounts WHERE id = $1', [creator.accountId]);
  const left = await t.runtime.database.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM api_tokens WHERE id = $1', [info.id]);
  assert.equal(left.rows[0]?.n, 0);
});
