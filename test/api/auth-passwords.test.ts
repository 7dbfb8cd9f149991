import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { hash as argon2Hash } from '@node-rs/argon2';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
before(async () => { t = await startTestApp(); });
after(async () => { await t.close(); });

test('account creation refuses the passwords that length alone accepted, each with its code and field', async () => {
  const admin = await t.loginAs('admin');
  const cases: Array<[string, string]> = [
    [' '.repeat(10), 'password_too_short'],
    ['aaaaaaaaaa', 'password_too_short'],
    ['password12', 'password_too_short'],
    ['quiet\u0007walrus of the fjord', 'password_invalid_characters'],
    ['quiet walrus\u001b of the fjord', 'password_invalid_characters'],
    ['a'.repeat(14), 'password_too_guessable'],
    ['password1234', 'password_too_guessable'],
    ['motdepasse2024', 'password_too_guessable'],
    ['claire.fontaine is here', 'password_contains_email'],
  ];
  for (const [password, code] of cases) {
    const answer = await admin.post('/api/v1/accounts', { email: 'claire.fontaine@test.example', displayName: 'Claire', role: 'viewer', password });
    assert.equal(answer.status, 422, JSON.stringify(password));
    assert.equal(answer.body.code, code, JSON.stringify(password));
    assert.equal(answer.body.field, '/password');
    assert.match(String(answer.headers['content-type']), /application\/problem\+json/);
  }
  // NUL is refused for every string field at the edge, before the rule.
  const nul = await admin.post('/api/v1/accounts', { email: 'claire.fontaine@test.example', displayName: 'Claire', role: 'viewer', password: '\u0000'.repeat(10) });
  assert.equal(nul.status, 400);
  assert.equal(nul.body.code, 'invalid_characters');
  assert.equal(nul.body.field, '/password');
  const guessable = await admin.post('/api/v1/accounts', { email: 'claire.fontaine@test.example', displayName: 'Claire', role: 'viewer', password: 'password1234' });
  assert.match(String(guessable.body.detail), /commonly used/i, 'the estimator says why');
  const created = await admin.post('/api/v1/accounts', { email: 'claire.fontaine@test.example', displayName: 'Claire', role: 'viewer', password: 'quiet walrus of the fjord' });
  assert.equal(created.status, 201, created.text);
});

test('changing a password applies the same rule, with the account e-mail', async () => {
  const admin = await t.loginAs('admin');
  const account = await t.runtime.services.auth.createAccount({ email: 'martin.leroy@test.example', displayName: 'Martin Leroy', role: 'viewer' }, { actor: 'test' });
  const weak = await admin.patch(`/api/v1/accounts/${account.id}`, { password: 'martin.leroy-2026' });
  assert.equal(weak.status, 422);
  assert.equal(weak.body.code, 'password_contains_email');
  assert.equal((await admin.patch(`/api/v1/accounts/${account.id}`, { password: 'azertyuiop123' })).body.code, 'password_too_guessable');
  assert.equal((await admin.patch(`/api/v1/accounts/${account.id}`, { password: 'lantern quokka velours' })).status, 200);
  assert.equal((await t.anonymous.post('/api/v1/auth/login', { email: 'martin.leroy@test.example', password: 'lantern quokka velours' })).status, 200);
});

test('passwords are normalised (NFKC): the same characters typed composed or decomposed open the same account', async () => {
  await t.runtime.services.auth.createAccount({ email: 'nfkc@test.example', displayName: 'N', role: 'viewer', password: 'Cafe\u0301 crème brûlée au lait' }, { actor: 'test' });
  assert.equal((await t.anonymous.post('/api/v1/auth/login', { email: 'nfkc@test.example', password: 'Caf\u00e9 crème brûlée au lait' })).status, 200);
  assert.equal((await t.anonymous.post('/api/v1/auth/login', { email: 'nfkc@test.example', password: 'Cafe\u0301 crème brûlée au lait' })).status, 200);
});

test('an account whose hash was made from the raw, unnormalised password can still log in', async () => {
  const raw = 'Ｆｕｌｌ ｗｉｄｔｈ ｐａｓｓｗｏｒｄ';
  const account = await t.runtime.services.auth.createAccount({ email: 'legacy@test.example', displayName: 'L', role: 'viewer' }, { actor: 'test' });
  await t.runtime.database.pool.query('UPDATE accounts SET password_hash = $1 WHERE id = $2', [await argon2Hash(raw), account.id]);
  assert.equal((await t.anonymous.post('/api/v1/auth/login', { email: 'legacy@test.example', password: raw })).status, 200);
  assert.equal((await t.anonymous.post('/api/v1/auth/login', { email: 'legacy@test.example', password: 'Full width password' })).status, 401);
});
