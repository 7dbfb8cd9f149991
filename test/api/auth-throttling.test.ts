import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { startRuntime, type Runtime } from '../../src/app/runtime.ts';
import type { AppInstance } from '../../src/app/app-types.ts';
import { startTestApp, TestClient, type TestApp, type TestResponse } from '../helpers/test-app.ts';

const LIMIT = 10;
const WINDOW_MINUTES = 15;
let offsetMs = 0;
let t: TestApp;
/** A second node on the same PostgreSQL database (PGlite is one process: there, one node). */
let second: Runtime | undefined;

before(async () => {
  const env = { LOGIN_MAX_ATTEMPTS: String(LIMIT), LOGIN_WINDOW_MINUTES: String(WINDOW_MINUTES) };
  t = await startTestApp({ env, now: () => new Date(Date.now() + offsetMs) });
  if (t.runtime.database.kind === 'postgres') {
    second = await startRuntime(t.config, { command: 'test', http: true, workers: false, logger: pino({ level: 'silent' }), now: () => new Date(Date.now() + offsetMs) });
  }
});
after(async () => {
  await second?.close();
  await t.close();
});

function nodes(): TestClient[] {
  return [t.anonymous, new TestClient((second?.app ?? t.app) as AppInstance)];
}

function login(client: TestClient, email: string, password: string): Promise<TestResponse> {
  return client.post('/api/v1/auth/login', { email, password });
}

test('40 wrong passwords for one e-mail sent at once, through two nodes: at most the limit are evaluated, the rest are 429 with Retry-After', async () => {
  const email = 'target@test.example';
  await t.runtime.services.auth.createAccount({ email, password: 'the right password', role: 'viewer', displayName: 'Target' }, { actor: 'test' });
  const [one, two] = nodes() as [TestClient, TestClient];
  const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => login(i % 2 === 0 ? one : two, email, `wrong guess number ${i}`)));
  const evaluated = answers.filter((answer) => answer.status === 401);
  const refused = answers.filter((answer) => answer.status === 429);
  assert.equal(evaluated.length, LIMIT, `statuses: ${answers.map((answer) => answer.status).join(',')}`);
  assert.equal(refused.length, 40 - LIMIT);
  for (const answer of refused) {
    assert.equal(answer.body.code, 'too_many_login_attempts');
    assert.match(String(answer.headers['content-type']), /application\/problem\+json/);
    const retryAfter = Number(answer.headers['retry-after']);
    assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= WINDOW_MINUTES * 60, `Retry-After ${String(answer.headers['retry-after'])}`);
    assert.equal(answer.body.retryAfterSeconds, retryAfter);
  }
  // The right password is not even checked while the e-mail is blocked.
  assert.equal((await login(two, email, 'the right password')).status, 429);

  // Once the window has passed, the slots are free again.
  offsetMs = WINDOW_MINUTES * 60_000 + 1_000;
  assert.equal((await login(one, email, 'the right password')).status, 200);
});

test('Retry-After counts down to the moment the oldest failure leaves the window', async () => {
  const email = 'countdown@test.example';
  for (let i = 0; i < LIMIT; i++) assert.equal((await login(t.anonymous, email, `guess ${i} of many`)).status, 401);
  const first = await login(t.anonymous, email, 'another guess');
  assert.equal(first.status, 429);
  const before = Number(first.headers['retry-after']);
  offsetMs += 5 * 60_000;
  const later = await login(t.anonymous, email, 'another guess');
  assert.equal(later.status, 429);
  const after = Number(later.headers['retry-after']);
  assert.ok(after <= before - 299 && after >= before - 301, `${before} then ${after}`);
});

test('a successful login clears the e-mail count, so failures before it do not add up with failures after it', async () => {
  const email = 'forgetful@test.example';
  await t.runtime.services.auth.createAccount({ email, password: 'the right password', role: 'viewer', displayName: 'Forgetful' }, { actor: 'test' });
  for (let i = 0; i < LIMIT - 1; i++) assert.equal((await login(t.anonymous, email, `typo ${i} again`)).status, 401);
  assert.equal((await login(t.anonymous, email, 'the right password')).status, 200);
  for (let i = 0; i < LIMIT; i++) assert.equal((await login(t.anonymous, email, `typo ${i} later`)).status, 401, `failure ${i} after the success`);
  assert.equal((await login(t.anonymous, email, 'the right password')).status, 429);
});
