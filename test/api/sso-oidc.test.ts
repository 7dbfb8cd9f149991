/**
 * OpenID Connect login methods end to end: campuscard's routes (/auth/sso/<id>/login, callback,
 * backchannel-logout) against the real oidc-provider over HTTP, on a real database. The browser
 * is played by test/helpers/oidc-browser.ts (the provider's login and logout forms); campuscard
 * is reached through `inject`, and the provider's back-channel logout POSTs are forwarded into it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestApp, TestClient, type TestApp, type TestResponse } from '../helpers/test-app.ts';
import { CookieJar, signInAtProvider, signOutAtProvider } from '../helpers/oidc-browser.ts';
import { startOidcProvider, type OidcProviderSimulator } from '../../src/adapters/oidc/oidc.provider.ts';
import { csrfTokenFor } from '../../src/modules/auth/auth.service.ts';
import type { PersonView } from '../../src/modules/people/people.service.ts';
import { seedEmbeddedOidcMethod } from '../../src/adapters/oidc/oidc.embedded.ts';
import { demoSsoPassword } from '../../src/modules/demo/demo-sso-users.ts';
import { freePort } from '../helpers/processes.ts';
import { SSO_BROWSER_COOKIE } from '../../src/modules/sso/sso-browser.binding.ts';
import { sql } from 'kysely';

const PUBLIC_URL = 'http://campuscard.test';
const METHOD = 'oidc-univ';
const CLIENT = { clientId: 'campuscard', clientSecret: 'a-client-secret-for-the-tests' };
const EPPN = `camille.${process.pid}@univ.example.fr`;
const USER = {
  username: 'cmartin', password: 'provider password',
  claims: { eduperson_principal_name: EPPN, given_name: 'Camille', family_name: 'Martin', email: `camille.${process.pid}@univ.example.fr` },
};

interface SessionBody { authenticated: boolean; principal: { role: string; personId: string | null } | null }

function cookieOf(response: TestResponse): string {
  const raw = [response.headers['set-cookie'] ?? []].flat().map(String).find((value) => value.startsWith('cc_session='));
  return raw?.split(';')[0] ?? '';
}

/** The browser-binding cookie a response sets (`name=value`), '' when it clears it, undefined when it leaves it alone. */
function bindingOf(response: TestResponse): string | undefined {
  const raw = [response.headers['set-cookie'] ?? []].flat().map(String).find((value) => value.startsWith(`${SSO_BROWSER_COOKIE}=`));
  if (raw === undefined) return undefined;
  const pair = raw.split(';')[0] ?? '';
  return pair === `${SSO_BROWSER_COOKIE}=` ? '' : pair;
}

describe('OpenID Connect login method against oidc-provider', () => {
  let t: TestApp;
  let provider: OidcProviderSimulator;
  let receiver: Server;
  let camille: PersonView;
  /** The test browser's binding cookie (`name=value`), kept between login and callback as a browser does. */
  let browser = '';

  before(async () => {
    // The provider's back-channel logout POSTs arrive here and go on into the app under test.
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => { body += chunk.toString('utf8'); });
      req.on('end', () => {
        void t.app.inject({ method: 'POST', url: `/auth/sso/${METHOD}/backchannel-logout`, payload: body,
          headers: { 'content-type': 'application/x-www-form-urlencoded' } })
          .then((answer) => res.writeHead(answer.statusCode).end(answer.body));
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    provider = await startOidcProvider({
      users: [USER],
      clients: [{
        ...CLIENT,
        redirectUris: [`${PUBLIC_URL}/auth/sso/${METHOD}/callback`],
        postLogoutRedirectUris: [`${PUBLIC_URL}/login`],
        backchannelLogoutUri: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`,
      }],
    });
    t = await startTestApp({
      env: {
        PUBLIC_URL,
        SSO_METHODS: JSON.stringify([{ id: METHOD, protocol: 'oidc', issuer: provider.issuer, ...CLIENT }]),
        SSO_ALLOW_INSECURE_IDP: 'true',
      },
    });
    const institution = (await t.runtime.services.institution.byId(t.runtime.database.db, 1))?.code;
    await t.runtime.services.sso.seedDefaults([
      { id: METHOD, enabled: true, institution: institution ?? null, trustedFields: ['firstName'], contact: 'Bureau des cartes' },
    ], { actor: 'test' });
    camille = await t.runtime.services.people.create({
      eppn: EPPN, lastName: 'Martin', firstName: 'Camile', personType: 'student', email: `camille.${process.pid}@mail.example.org`,
    }, { actor: 'test' });
  });
  after(async () => {
    await t?.close();
    await provider?.close();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  /** Login up to the provider's redirect back to our callback (a path of campuscard). */
  async function toCallback(jar = new CookieJar(), query = ''): Promise<string> {
    const start = await begin(query);
    assert.equal(start.status, 303, start.text);
    const back = await signInAtProvider(String(start.headers.location), USER, jar);
    assert.equal(back.origin, PUBLIC_URL);
    return `${back.pathname}${back.search}`;
  }

  /** GET /auth/sso/<id>/login from the test browser (keeping its binding cookie). */
  async function begin(query = ''): Promise<TestResponse> {
    const start = await t.anonymous.request('GET', `/auth/sso/${METHOD}/login${query}`, { headers: browser ? { cookie: browser } : {} });
    browser = bindingOf(start) ?? browser;
    return start;
  }

  /** The provider's redirect to our callback, followed by a browser holding `cookie` (the test browser's by default). */
  async function arrive(path: string, cookie: string = browser): Promise<TestResponse> {
    const answer = await t.anonymous.request('GET', path, { headers: cookie ? { cookie } : {} });
    if (cookie === browser) browser = bindingOf(answer) ?? browser;
    return answer;
  }

  async function session(cookie: string): Promise<SessionBody> {
    return (await new TestClient(t.app, { cookie }).get<SessionBody>('/api/v1/auth/session')).body;
  }

  test('full login: PKCE and nonce at the provider, session for the person matched by eppn, trusted name updated', async () => {
    const start = await begin();
    const authorize = new URL(String(start.headers.location));
    assert.equal(authorize.origin, provider.issuer);
    assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
    assert.ok(authorize.searchParams.get('nonce'));
    const answer = await arrive(await toCallback(undefined, '?returnTo=/me/card'));
    assert.equal(answer.status, 303, answer.text);
    assert.equal(answer.headers.location, '/me/card');
    const cookie = cookieOf(answer);
    assert.match(String([answer.headers['set-cookie']].flat()[0]), /HttpOnly/i);
    const current = await session(cookie);
    assert.equal(current.authenticated, true);
    assert.equal(current.principal?.personId, camille.id);
    assert.equal((await t.runtime.services.people.get(camille.id)).firstName, 'Camille');
  });

  test('the provider\'s answer works once: a replayed callback is a 400 page and opens no session', async () => {
    const callback = await toCallback();
    assert.equal((await arrive(callback)).status, 303);
    const replay = await arrive(callback);
    assert.equal(replay.status, 400);
    assert.match(replay.text, /data-code="oidc_login_unknown"/);
    assert.equal(cookieOf(replay), '');
  });

  test('a callback whose state campuscard never issued is refused before any code exchange', async () => {
    const callback = new URL(await toCallback(), PUBLIC_URL);
    callback.searchParams.set('state', 'x'.repeat(43));
    const answer = await arrive(`${callback.pathname}${callback.search}`);
    assert.equal(answer.status, 400);
    assert.match(answer.text, /oidc_login_unknown/);
  });

  test('a callback carrying the provider\'s error is a 400 page, not an error', async () => {
    const start = await begin();
    const state = new URL(String(start.headers.location)).searchParams.get('state') ?? '';
    const answer = await arrive(`/auth/sso/${METHOD}/callback?error=access_denied&state=${state}&iss=${encodeURIComponent(provider.issuer)}`);
    assert.equal(answer.status, 400);
    assert.match(answer.text, /data-code="oidc_provider_error"/);
  });

  test('logout answers the provider\'s end-session URL naming the client; its back-channel logout ends the session', async () => {
    const jar = new CookieJar();
    const cookie = cookieOf(await arrive(await toCallback(jar)));
    assert.equal((await session(cookie)).authenticated, true);
    // What the session keeps for logout holds no ID token and none of its claims (personal data at rest).
    const stored = await sql<{ ssoSessionKey: string | null; ssoLogoutData: unknown }>`SELECT sso_session_key, sso_logout_data FROM sessions
      WHERE sso_method_id = ${METHOD}`.execute(t.runtime.database.db);
    assert.ok(stored.rows.length > 0);
    for (const row of stored.rows) {
      const text = JSON.stringify(row);
      assert.doesNotMatch(text, /eyJ[\w-]+\.[\w-]+\.[\w-]+/, 'no JWT');
      for (const claim of [EPPN, USER.claims.email, USER.claims.given_name, USER.claims.family_name, USER.username]) assert.ok(!text.includes(claim), `no ${claim}`);
      assert.equal(row.ssoLogoutData, null);
    }
    // A second session of the same person, ended by the provider's back-channel logout alone.
    const other = cookieOf(await arrive(await toCallback(jar)));
    assert.equal((await session(other)).authenticated, true);

    const client = new TestClient(t.app, { cookie, csrfToken: csrfTokenFor(cookie.slice('cc_session='.length)) });
    const logout = await client.post<{ next: string | null }>('/api/v1/auth/logout');
    assert.equal(logout.status, 200, logout.text);
    const next = new URL(logout.body.next ?? '');
    assert.equal(next.origin, provider.issuer);
    assert.equal(next.searchParams.get('post_logout_redirect_uri'), `${PUBLIC_URL}/login`);
    assert.equal(next.searchParams.get('id_token_hint'), null);
    assert.equal(next.searchParams.get('client_id'), CLIENT.clientId);
    assert.equal((await session(cookie)).authenticated, false);

    const back = await signOutAtProvider(next.href, jar);
    assert.equal(back?.href, `${PUBLIC_URL}/login`);
    assert.equal((await session(other)).authenticated, false, 'the back-channel logout ended the other session');
  });

  test('login CSRF: the provider\'s answer brought to another browser (no binding cookie, or another) is refused; no session, no code exchange', async () => {
    const sessions = async () => Number((await sql<{ n: string }>`SELECT count(*) AS n FROM sessions WHERE sso_method_id = ${METHOD}`
      .execute(t.runtime.database.db)).rows[0]?.n);
    const before = await sessions();
    const start = await begin();
    const set = [start.headers['set-cookie'] ?? []].flat().map(String).find((value) => value.startsWith(`${SSO_BROWSER_COOKIE}=`)) ?? '';
    assert.match(set, /HttpOnly/);
    assert.match(set, /SameSite=Lax/);
    assert.match(set, /Path=\/auth\/sso\//);
    // The attacker signs in at the provider in their own browser and sends the callback URL to the victim.
    const attacker = browser;
    for (const victim of ['', `${SSO_BROWSER_COOKIE}=${'v'.repeat(43)}`]) {
      const lure = await toCallback();
      const answer = await arrive(lure, victim);
      assert.equal(answer.status, 400);
      assert.match(answer.text, /data-code="sso_browser_mismatch"/);
      assert.match(answer.text, /navigateur/);
      assert.match(answer.text, /browser/);
      assert.equal(cookieOf(answer), '');
      assert.equal(await sessions(), before);
      // Spent by the refused attempt: a second victim (or the attacker) finds it gone.
      const lure2 = await toCallback();
      assert.equal((await arrive(lure2, victim === '' ? `${SSO_BROWSER_COOKIE}=${'w'.repeat(43)}` : '')).status, 400);
      assert.match((await arrive(lure2, attacker)).text, /oidc_login_unknown/);
    }
    assert.equal(await sessions(), before);
  });

  test('a forged or malformed logout token is a 400 problem and ends nothing', async () => {
    const cookie = cookieOf(await arrive(await toCallback()));
    for (const payload of ['logout_token=not-a-jwt', 'logout_token=a.b.c', 'other=1']) {
      const answer = await t.anonymous.request('POST', `/auth/sso/${METHOD}/backchannel-logout`,
        { payload, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      assert.equal(answer.status, 400, payload);
      assert.match(String(answer.headers['content-type']), /problem\+json/);
    }
    assert.equal((await session(cookie)).authenticated, true);
  });
});

describe('demo OpenID provider mounted in the app (demo mode)', () => {
  let t: TestApp;
  let publicUrl: string;

  before(async () => {
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    t = await startTestApp({ env: { DEMO: 'true', PUBLIC_URL: publicUrl, PORT: String(port), ESC_ROUTER_SIMULATOR: 'false' } });
    await seedEmbeddedOidcMethod(t.runtime.services.sso);
    await t.runtime.services.people.create({
      eppn: 'camille.martin@univ-demo.fr', lastName: 'Martin', firstName: 'Camille', personType: 'student', email: 'camille.martin@univ-demo.fr',
    }, { actor: 'test' });
    // The browser reaches the provider at PUBLIC_URL, as with `npm start`.
    await t.app.listen({ port, host: '127.0.0.1' });
  });
  after(async () => { await t?.close(); });

  test('the OpenID Connect demo button leads through the demo provider\'s form to the student\'s session', async () => {
    const methods = await t.anonymous.get<{ items: Array<{ id: string; label: { fr: string }; startUrl: string }> }>('/api/v1/auth/sso/methods');
    const button = methods.body.items.find((item) => item.id === 'oidc-demo');
    assert.equal(button?.label.fr, 'Se connecter avec OpenID Connect (démo)');
    const start = await t.anonymous.get(button?.startUrl ?? '');
    assert.equal(start.status, 303, start.text);
    const location = String(start.headers.location);
    assert.ok(location.startsWith(`${publicUrl}/demo-idp/oidc/auth?`), location);
    const back = await signInAtProvider(location, { username: 'cmartin', password: demoSsoPassword('cmartin') }, new CookieJar(),
      `${publicUrl}/demo-idp/oidc/`);
    assert.equal(back.pathname, '/auth/sso/oidc-demo/callback');
    const answer = await t.anonymous.request('GET', `${back.pathname}${back.search}`, { headers: { cookie: bindingOf(start) ?? '' } });
    assert.equal(answer.status, 303, answer.text);
    assert.equal(answer.headers.location, '/me');
    const current = (await new TestClient(t.app, { cookie: cookieOf(answer) }).get<SessionBody>('/api/v1/auth/session')).body;
    assert.equal(current.principal?.role, 'cardholder');
  });
});
