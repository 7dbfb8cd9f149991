/**
 * The rate limit of single sign-on's browser steps (sso-rate-limit.hook.ts): login starts and
 * callbacks share one budget per client address, counted in the database; past it a 429
 * problem+json with Retry-After. Other addresses and the IdP's server-to-server messages are not
 * held back by it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp, type TestResponse } from '../helpers/test-app.ts';

const LIMIT = 4;
const METHOD = 'cas-limited';

describe('single sign-on rate limit', () => {
  let t: TestApp;

  before(async () => {
    // The CAS server is never reached: starting a login only redirects to it.
    t = await startTestApp({
      env: {
        PUBLIC_URL: 'http://campuscard.test',
        TRUST_PROXY: 'true',
        SSO_RATE_LIMIT_PER_MINUTE: String(LIMIT),
        SSO_METHODS: JSON.stringify([{ id: METHOD, protocol: 'cas', casUrl: 'http://127.0.0.1:9/cas' }]),
        SSO_ALLOW_INSECURE_IDP: 'true',
      },
    });
    await t.runtime.services.sso.seedDefaults([{ id: METHOD, enabled: true }], { actor: 'test' });
  });
  after(async () => {
    await t?.close();
  });

  const from = (address: string, method: 'GET' | 'POST', url: string, payload?: string): Promise<TestResponse> =>
    t.anonymous.request(method, url, {
      headers: { 'x-forwarded-for': address, ...(payload !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(payload !== undefined ? { payload } : {}),
    });

  test('login starts and callbacks of one address share the budget; the next is a 429 problem+json with Retry-After', async () => {
    for (let i = 0; i < LIMIT - 1; i += 1) assert.equal((await from('198.51.100.7', 'GET', `/auth/sso/${METHOD}/login`)).status, 303);
    // A callback without a ticket is a 400 page, and it counts.
    assert.equal((await from('198.51.100.7', 'GET', `/auth/sso/${METHOD}/callback`)).status, 400);

    for (const url of [`/auth/sso/${METHOD}/login`, `/auth/sso/${METHOD}/callback?ticket=ST-1&state=x`]) {
      const refused = await from('198.51.100.7', 'GET', url);
      assert.equal(refused.status, 429, refused.text);
      assert.match(String(refused.headers['content-type']), /^application\/problem\+json/);
      assert.equal((refused.body as { code?: string }).code, 'sso_rate_limited');
      const retryAfter = Number(refused.headers['retry-after']);
      assert.ok(retryAfter >= 1 && retryAfter <= 60, String(refused.headers['retry-after']));
    }
  });

  test('another address still signs in; the CAS server\'s single logout POST is not counted', async () => {
    assert.equal((await from('198.51.100.8', 'GET', `/auth/sso/${METHOD}/login`)).status, 303);
    // Same (spent) address: the server-to-server logout message is still handled.
    const logout = await from('198.51.100.7', 'POST', `/auth/sso/${METHOD}/callback`, 'other=1');
    assert.notEqual(logout.status, 429, logout.text);
  });
});
