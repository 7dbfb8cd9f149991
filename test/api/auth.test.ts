import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, TestClient, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
before(async () => { t = await startTestApp({ env: { LOGIN_MAX_ATTEMPTS: '3' } }); });
after(async () => { await t.close(); });

test('login sets an HttpOnly SameSite session cookie and /auth/session answers who I am', async () => {
  await t.runtime.services.auth.createAccount({ email: 'Office@Example.org', password: 'long enough password', role: 'manager', displayName: 'Office' }, { actor: 'test' });
  const login = await t.anonymous.post<{ csrfToken: string; account: { role: string } }>('/api/v1/auth/login', { email: 'office@example.org', password: 'long enough password' });
  assert.equal(login.status, 200);
  assert.equal(login.body.account.role, 'manager');
  const cookie = String(login.headers['set-cookie']);
  assert.match(cookie, /cc_session=/);
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Lax/);
  const client = new TestClient(t.app, { cookie: cookie.split(';')[0] as string, csrfToken: login.body.csrfToken });
  const session = await client.get<{ principal: { role: string }; csrfToken: string }>('/api/v1/auth/session');
  assert.equal(session.status, 200);
  assert.equal(session.body.principal.role, 'manager');
  assert.equal(session.body.csrfToken, login.body.csrfToken);
});

test('wrong password is 401 invalid_credentials and does not reveal whether the account exists', async () => {
  const wrong = await t.anonymous.post('/api/v1/auth/login', { email: 'nobody@example.org', password: 'whatever password' });
  assert.equal(wrong.status, 401);
  assert.equal(wrong.body.code, 'invalid_credentials');
  assert.match(String(wrong.headers['content-type']), /application\/problem\+json/);
});

test('login is throttled after too many failures for one e-mail, even with the right password', async () => {
  await t.runtime.services.auth.createAccount({ email: 'victim@example.org', password: 'the right password', role: 'viewer', displayName: 'V' }, { actor: 'test' });
  for (let i = 0; i < 3; i++) {
    const r = await t.anonymous.post('/api/v1/auth/login', { email: 'victim@example.org', password: `wrong ${i} password` });
    assert.equal(r.status, 401);
  }
  const blocked = await t.anonymous.post('/api/v1/auth/login', { email: 'victim@example.org', password: 'the right password' });
  assert.equal(blocked.status, 429);
  assert.equal(blocked.body.code, 'too_many_login_attempts');
});

test('cookie-authenticated writes need the CSRF token; bearer tokens do not', async () => {
  const admin = await t.loginAs('admin');
  const noCsrf = new TestClient(t.app, { cookie: admin.credentials.cookie as string });
  const refused = await noCsrf.post('/api/v1/tokens', { name: 'x', role: 'viewer' });
  assert.equal(refused.status, 403);
  assert.equal(refused.body.code, 'csrf_failed');
  const created = await admin.post<{ token: string; info: { id: string } }>('/api/v1/tokens', { name: 'ci', role: 'viewer' });
  assert.equal(created.status, 201);
  assert.match(created.body.token, /^cc_/);
  const viewer = new TestClient(t.app, { bearer: created.body.token });
  assert.equal((await viewer.get('/api/v1/jobs')).status, 200);
  const revoked = await admin.delete(`/api/v1/tokens/${created.body.info.id}`);
  assert.equal(revoked.status, 200);
  assert.equal((await viewer.get('/api/v1/jobs')).status, 401);
});

test('API tokens and passwords are stored only as hashes', async () => {
  const admin = await t.loginAs('admin');
  const created = await admin.post<{ token: string }>('/api/v1/tokens', { name: 'hash check', role: 'viewer' });
  const rows = await t.runtime.database.pool.query<{ token_hash: string }>('SELECT token_hash FROM api_tokens');
  assert.ok(rows.rows.every((row: { token_hash: string }) => row.token_hash !== created.body.token && /^[0-9a-f]{64}$/.test(row.token_hash)));
  const accounts = await t.runtime.database.pool.query<{ password_hash: string }>('SELECT password_hash FROM accounts WHERE password_hash IS NOT NULL');
  assert.ok(accounts.rows.every((row: { password_hash: string }) => row.password_hash.startsWith('$argon2id$')));
});

test('logout ends the session', async () => {
  const viewer = await t.loginAs('viewer');
  const loggedOut = await viewer.post('/api/v1/auth/logout');
  assert.equal(loggedOut.status, 200);
  assert.deepEqual(loggedOut.body, { next: null }, 'a password session has no identity provider to leave');
  const after = await viewer.get('/api/v1/auth/session');
  assert.equal(after.status, 200);
  assert.deepEqual(after.body, { authenticated: false, principal: null, csrfToken: null });
  assert.equal((await viewer.get('/api/v1/jobs')).status, 401);
});

test('asking who I am is not an error for a visitor; a stale cookie is cleared; a wrong token is still 401', async () => {
  const visitor = await t.anonymous.get('/api/v1/auth/session');
  assert.equal(visitor.status, 200);
  assert.deepEqual(visitor.body, { authenticated: false, principal: null, csrfToken: null });
  const stale = await new TestClient(t.app, { cookie: 'cc_session=expired-or-forged' }).get('/api/v1/auth/session');
  assert.equal(stale.status, 200);
  assert.equal(stale.body.authenticated, false);
  assert.match(String(stale.headers['set-cookie']), /cc_session=;.*Expires=Thu, 01 Jan 1970/);
  const wrongToken = await new TestClient(t.app, { bearer: 'cc_not-a-real-token' }).get('/api/v1/auth/session');
  assert.equal(wrongToken.status, 401);
  assert.match(String(wrongToken.headers['content-type']), /application\/problem\+json/);
  const viewer = await t.loginAs('viewer');
  const known = await viewer.get<{ authenticated: boolean; principal: { role: string } }>('/api/v1/auth/session');
  assert.equal(known.body.authenticated, true);
  assert.equal(known.body.principal.role, 'viewer');
});

test('only admins manage accounts and tokens', async () => {
  const manager = await t.loginAs('manager');
  assert.equal((await manager.get('/api/v1/accounts')).status, 403);
  assert.equal((await manager.post('/api/v1/tokens', { name: 'x', role: 'admin' })).status, 403);
  assert.equal((await t.anonymous.get('/api/v1/accounts')).status, 401);
});

test('audit log is append-only', async () => {
  await assert.rejects(t.runtime.database.pool.query('UPDATE audit_log SET actor = $1', ['x']), /append-only/);
  await assert.rejects(t.runtime.database.pool.query('DELETE FROM audit_log'), /append-only/);
  const entries = await t.runtime.database.pool.query<{ changes: Record<string, unknown> }>("SELECT changes FROM audit_log WHERE table_name = 'accounts' LIMIT 1");
  assert.equal(entries.rows[0]?.changes.password_hash, '[redacted]');
});
