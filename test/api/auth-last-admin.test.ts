import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
before(async () => { t = await startTestApp(); });
after(async () => { await t.close(); });

async function enabledAdmins(): Promise<number> {
  const rows = await t.runtime.database.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM accounts WHERE role = 'admin' AND disabled_at IS NULL");
  return rows.rows[0]?.n ?? -1;
}

test('the last enabled admin can be neither demoted nor disabled (409 last_admin); with a second admin it can', async () => {
  const only = await t.loginAs('admin');
  assert.equal(await enabledAdmins(), 1);

  const demote = await only.patch(`/api/v1/accounts/${only.accountId}`, { role: 'manager' });
  assert.equal(demote.status, 409);
  assert.equal(demote.body.code, 'last_admin');
  assert.equal(demote.body.field, '/role');
  assert.match(String(demote.headers['content-type']), /application\/problem\+json/);

  const disable = await only.patch(`/api/v1/accounts/${only.accountId}`, { disabled: true });
  assert.equal(disable.status, 409);
  assert.equal(disable.body.code, 'last_admin');
  assert.equal(disable.body.field, '/disabled');
  assert.equal(await enabledAdmins(), 1);

  // Other changes to the last admin still go through.
  assert.equal((await only.patch(`/api/v1/accounts/${only.accountId}`, { displayName: 'Still the admin', role: 'admin' })).status, 200);

  const second = await t.loginAs('admin');
  assert.equal((await second.patch(`/api/v1/accounts/${only.accountId}`, { role: 'manager' })).status, 200);
  assert.equal(await enabledAdmins(), 1);
  const last = await second.patch(`/api/v1/accounts/${second.accountId}`, { disabled: true });
  assert.equal(last.body.code, 'last_admin');
});

test('two admins disabling (or demoting) each other at the same moment never leave zero admins', async () => {
  const { auth } = t.runtime.services;
  for (let round = 0; round < 6; round++) {
    // Start each round with exactly two enabled admins.
    const a = await auth.createAccount({ email: `race-a${round}@test.example`, displayName: 'A', role: 'admin' }, { actor: 'test' });
    const b = await auth.createAccount({ email: `race-b${round}@test.example`, displayName: 'B', role: 'admin' }, { actor: 'test' });
    await t.runtime.database.pool.query("UPDATE accounts SET disabled_at = now() WHERE role = 'admin' AND id NOT IN ($1, $2)", [a.id, b.id]);
    assert.equal(await enabledAdmins(), 2);
    const change = round % 2 === 0 ? { disabled: true } : { role: 'viewer' as const };
    const outcomes = await Promise.allSettled([
      auth.updateAccount(b.id, change, { actor: `account:${a.id}` }),
      auth.updateAccount(a.id, change, { actor: `account:${b.id}` }),
    ]);
    const refused = outcomes.filter((outcome) => outcome.status === 'rejected');
    assert.equal(refused.length, 1, `round ${round}: exactly one change goes through`);
    assert.equal((refused[0] as PromiseRejectedResult).reason.code, 'last_admin');
    assert.equal(await enabledAdmins(), 1, `round ${round}`);
  }
});
