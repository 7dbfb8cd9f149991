/**
 * CAS login methods end to end: campuscard's routes (/auth/sso/<id>/login, callback, slo)
 * against the CAS server simulator over HTTP, on a real database. The browser's part is played
 * by following redirects by hand; campuscard is reached through `inject`, the simulator over
 * HTTP, and the simulator's single-logout POSTs come back into campuscard through `inject` too.
 * Also the demo CAS server mounted in the app (demo mode), as `npm start` offers it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createServer } from 'node:net';
import { startTestApp, TestClient, type TestApp, type TestResponse } from '../helpers/test-app.ts';
import { startCasSimulator, type RunningCasSimulator } from '../../src/adapters/cas/cas.simulator.ts';
import { injectFetch, seedEmbeddedCasMethod } from '../../src/adapters/cas/cas.embedded.ts';
import { DEMO_MANAGERS_GROUP, demoSsoPassword, DEMO_SSO_USERS } from '../../src/modules/demo/demo-sso-users.ts';
import { startupMessage } from '../../src/cli/serve.command.ts';
import type { PersonView } from '../../src/modules/people/people.service.ts';
import { SSO_BROWSER_COOKIE } from '../../src/modules/sso/sso-browser.binding.ts';
import { sql } from 'kysely';

const PUBLIC_URL = 'http://campuscard.test';
const METHOD = 'cas-univ';
const DOWN = 'cas-down';
const PASSWORD = 'simulator password';
const CAMILLE_EPPN = `camille.${process.pid}@univ.example.fr`;

interface SessionBody { authenticated: boolean; principal: { role: string; personId: string | null } | null }

/** A free TCP port with nothing listening (for a CAS server that is down). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function cookieOf(response: TestResponse): string | undefined {
  const raw = [response.headers['set-cookie'] ?? []].flat().map(String).find((value) => value.startsWith('cc_session='));
  return raw?.split(';')[0];
}

/** The browser-binding cookie a response sets (`name=value`), '' when it clears it, undefined when it leaves it alone. */
function bindingOf(response: TestResponse): string | undefined {
  const raw = [response.headers['set-cookie'] ?? []].flat().map(String).find((value) => value.startsWith(`${SSO_BROWSER_COOKIE}=`));
  if (raw === undefined) return undefined;
  const pair = raw.split(';')[0] ?? '';
  return pair === `${SSO_BROWSER_COOKIE}=` ? '' : pair;
}

function pathOf(url: string): string {
  assert.ok(url.startsWith(`${PUBLIC_URL}/`), url);
  return url.slice(PUBLIC_URL.length);
}

describe('CAS login method against the CAS simulator', () => {
  let t: TestApp;
  let sim: RunningCasSimulator;
  let appFetch: typeof fetch = fetch;
  const clock = { offset: 0 };
  let camille: PersonView;
  /** The test browser's binding cookie (`name=value`), as a browser keeps it between login and callback. */
  let browser = '';

  before(async () => {
    sim = await startCasSimulator({
      users: [
        // Camille's eppn, and her first name spelt right (a trusted attribute: campuscard has a typo).
        { username: 'cmartin', password: PASSWORD, attributes: { eduPersonPrincipalName: [CAMILLE_EPPN], givenName: ['Camille'], sn: ['Martin'] } },
        { username: 'nobody', password: PASSWORD, attributes: { eduPersonPrincipalName: ['nobody@univ.example.fr'], givenName: ['No'], sn: ['Body'] } },
      ],
      now: () => Date.now() + clock.offset,
      // Single logout goes to campuscard's service URLs: into the app under test.
      fetch: (input, init) => appFetch(input, init),
    });
    const down = await closedPort();
    t = await startTestApp({
      env: {
        PUBLIC_URL,
        SSO_METHODS: JSON.stringify([
          { id: METHOD, protocol: 'cas', casUrl: sim.url },
          { id: DOWN, protocol: 'cas', casUrl: `http://127.0.0.1:${down}/cas` },
          { id: 'cas-off', protocol: 'cas', casUrl: sim.url },
        ]),
        SSO_ALLOW_INSECURE_IDP: 'true',
      },
    });
    appFetch = injectFetch(t.app, PUBLIC_URL);
    const institution = (await t.runtime.services.institution.byId(t.runtime.database.db, 1))?.code;
    await t.runtime.services.sso.seedDefaults([
      { id: METHOD, enabled: true, institution: institution ?? null, trustedFields: ['firstName'], contact: 'Bureau des cartes, bâtiment A' },
      { id: DOWN, enabled: true },
      { id: 'cas-off', enabled: false },
    ], { actor: 'test' });
    camille = await t.runtime.services.people.create({
      eppn: CAMILLE_EPPN, lastName: 'Martin', firstName: 'Camile', personType: 'student',
      email: `camille.${process.pid}@mail.example.org`,
    }, { actor: 'test' });
  });
  after(async () => {
    await t?.close();
    await sim?.close();
  });

  /** GET /auth/sso/<id>/login: the redirect to CAS, and the service URL it carries. */
  async function begin(query = '', method = METHOD): Promise<{ location: string; service: string }> {
    const response = await t.anonymous.request('GET', `/auth/sso/${method}/login${query}`, { headers: browser ? { cookie: browser } : {} });
    assert.equal(response.status, 303, response.text);
    browser = bindingOf(response) ?? browser;
    const location = String(response.headers.location);
    const service = new URL(location).searchParams.get('service') ?? '';
    return { location, service };
  }

  /** The browser at CAS: posts the form, and follows CAS back to the service URL with a ticket. */
  async function casForm(service: string, username = 'cmartin'): Promise<string> {
    const response = await fetch(`${sim.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username, password: PASSWORD, service }).toString(),
      redirect: 'manual',
    });
    assert.equal(response.status, 303, await response.text());
    return String(response.headers.get('location'));
  }

  async function callback(url: string, accept = 'text/html', cookie: string = browser): Promise<TestResponse> {
    const response = await t.anonymous.request('GET', pathOf(url), { headers: { accept, 'accept-language': 'fr-FR,fr;q=0.9', ...(cookie ? { cookie } : {}) } });
    if (cookie === browser) browser = bindingOf(response) ?? browser;
    return response;
  }

  async function session(cookie: string): Promise<SessionBody> {
    const response = await new TestClient(t.app, { cookie }).get<SessionBody>('/api/v1/auth/session');
    assert.equal(response.status, 200);
    return response.body;
  }

  /** A whole login; answers the callback's response. */
  async function fullLogin(query = '', username = 'cmartin'): Promise<TestResponse> {
    const { service } = await begin(query);
    return callback(await casForm(service, username));
  }

  test('login: campuscard sends the browser to CAS with its service URL, carrying the pending state', async () => {
    const { location, service } = await begin();
    assert.ok(location.startsWith(`${sim.url}/login?service=`), location);
    const parsed = new URL(service);
    assert.equal(`${parsed.origin}${parsed.pathname}`, `${PUBLIC_URL}/auth/sso/${METHOD}/callback`);
    assert.match(parsed.searchParams.get('state') ?? '', /^[A-Za-z0-9_-]{40,}$/);
    const form = await fetch(location);
    assert.equal(form.status, 200);
  });

  test('login binds the pending login to the browser: a short-lived HttpOnly Lax cookie under /auth/sso/, kept across logins', async () => {
    browser = '';
    const first = await t.anonymous.get(`/auth/sso/${METHOD}/login`);
    const set = [first.headers['set-cookie'] ?? []].flat().map(String).find((value) => value.startsWith(`${SSO_BROWSER_COOKIE}=`)) ?? '';
    assert.match(set, new RegExp(`^${SSO_BROWSER_COOKIE}=[A-Za-z0-9_-]{43};`));
    assert.match(set, /Max-Age=600/);
    assert.match(set, /Path=\/auth\/sso\//);
    assert.match(set, /HttpOnly/);
    assert.match(set, /SameSite=Lax/);
    const value = set.split(';')[0] ?? '';
    const stored = await sql<{ browser_hash: string }>`SELECT browser_hash FROM sso_pending_logins`.execute(t.runtime.database.db);
    assert.ok(stored.rows.every((row) => !value.includes(row.browser_hash)), 'only its hash is stored');
    // A second login in the same browser (another tab) keeps the value: the first can still complete.
    const second = await t.anonymous.request('GET', `/auth/sso/${METHOD}/login`, { headers: { cookie: value } });
    assert.equal(bindingOf(second), value);
  });

  test('login CSRF: a callback brought to another browser (no binding cookie, or another) is refused and opens no session', async () => {
    const sessions = async () => Number((await sql<{ n: string }>`SELECT count(*) AS n FROM sessions WHERE sso_method_id = ${METHOD}`
      .execute(t.runtime.database.db)).rows[0]?.n);
    const before = await sessions();
    // The attacker begins a login in their own browser and stops at CAS's answer: the victim's browser is sent there.
    browser = '';
    const attacker = await begin();
    const attackerCookie = browser;
    const lure = await casForm(attacker.service);
    const withoutCookie = await callback(lure, 'text/html', '');
    assert.equal(withoutCookie.status, 400);
    assert.match(withoutCookie.text, /data-code="sso_browser_mismatch"/);
    assert.match(withoutCookie.text, /pas été commencée dans ce navigateur/);
    assert.match(withoutCookie.text, /not started in this browser/);
    assert.equal(cookieOf(withoutCookie), undefined);
    assert.equal(await sessions(), before);
    // The victim has a binding cookie of their own (a login of theirs begun earlier): still refused, as JSON too.
    browser = '';
    await begin();
    const victimCookie = browser;
    assert.notEqual(victimCookie, attackerCookie);
    browser = attackerCookie;
    const second = await begin();
    const lure2 = await casForm(second.service);
    const otherCookie = await callback(lure2, 'application/json', victimCookie);
    assert.equal(otherCookie.status, 400);
    assert.equal((otherCookie.body as { code: string }).code, 'sso_browser_mismatch');
    assert.equal(cookieOf(otherCookie), undefined);
    assert.equal(await sessions(), before);
    // Spent all the same: the attacker cannot bring it to anybody else, nor finish it themselves.
    const again = await callback(lure2, 'text/html', attackerCookie);
    assert.match(again.text, /sso_login_expired/);
    assert.equal(await sessions(), before);
  });

  test('a completed callback clears the binding cookie', async () => {
    browser = '';
    const { service } = await begin();
    const answer = await callback(await casForm(service));
    assert.equal(answer.status, 303, answer.text);
    assert.equal(bindingOf(answer), '');
    assert.equal(browser, '');
  });

  test('a full login opens a session for the person; /api/v1/auth/session shows her; trusted first name updated', async () => {
    const answer = await fullLogin('?returnTo=%2Fme%2Fcards');
    assert.equal(answer.status, 303, answer.text);
    assert.equal(answer.headers.location, '/me/cards');
    const cookie = cookieOf(answer);
    assert.ok(cookie, 'session cookie set');
    assert.match(String([answer.headers['set-cookie']].flat()[0]), /HttpOnly/i);
    const who = await session(cookie);
    assert.equal(who.authenticated, true);
    assert.equal(who.principal?.role, 'cardholder');
    assert.equal(who.principal?.personId, camille.id);
    const person = await t.runtime.services.people.get(camille.id);
    assert.equal(person.firstName, 'Camille');
  });

  test('a replayed callback URL, or its ticket under a new login, opens no session', async () => {
    const { service } = await begin();
    const back = await casForm(service);
    const first = await callback(back);
    assert.equal(first.status, 303);
    const replay = await callback(back);
    assert.equal(replay.status, 400);
    assert.equal(cookieOf(replay), undefined);
    assert.match(replay.text, /data-code="sso_login_expired"/);
    // The same ticket with a fresh pending login: CAS refuses it (spent, and for another service URL).
    const ticket = new URL(back).searchParams.get('ticket') ?? '';
    const fresh = await begin();
    const reused = await callback(`${fresh.service}&ticket=${encodeURIComponent(ticket)}`);
    assert.equal(reused.status, 400);
    assert.equal(cookieOf(reused), undefined);
    assert.match(reused.text, /data-code="sso_ticket_rejected"/);
    assert.match(reused.text, /Connexion non confirmée/);
  });

  test('an expired ticket opens no session', async () => {
    const { service } = await begin();
    const back = await casForm(service);
    clock.offset = 11_000;
    try {
      const answer = await callback(back);
      assert.equal(answer.status, 400);
      assert.equal(cookieOf(answer), undefined);
      assert.match(answer.text, /sso_ticket_rejected/);
    } finally {
      clock.offset = 0;
    }
  });

  test('a ticket issued for another service, or for another pending login of ours, opens no session', async () => {
    const { service } = await begin();
    const foreign = sim.issueTicket('cmartin', 'https://other-app.example/');
    const answer = await callback(`${service}&ticket=${foreign}`);
    assert.equal(answer.status, 400);
    assert.equal(cookieOf(answer), undefined);
    // A ticket for campuscard's callback but under another state is another service URL for CAS.
    const a = await begin();
    const b = await begin();
    const forA = sim.issueTicket('cmartin', a.service);
    const crossed = await callback(`${b.service}&ticket=${forA}`, 'application/json');
    assert.equal(crossed.status, 400);
    assert.equal((crossed.body as { code: string }).code, 'sso_ticket_rejected');
    assert.equal(cookieOf(crossed), undefined);
  });

  test('a callback without ticket, or with a made-up state, is a clear 400', async () => {
    const missing = await t.anonymous.request('GET', `/auth/sso/${METHOD}/callback?state=abc`, { headers: { accept: 'text/html' } });
    assert.equal(missing.status, 400);
    assert.match(missing.text, /sso_ticket_missing/);
    const ticket = sim.issueTicket('cmartin', `${PUBLIC_URL}/auth/sso/${METHOD}/callback?state=${'x'.repeat(43)}`);
    const madeUp = await t.anonymous.request('GET', `/auth/sso/${METHOD}/callback?state=${'x'.repeat(43)}&ticket=${ticket}`, { headers: { accept: 'text/html' } });
    assert.equal(madeUp.status, 400);
    assert.equal(cookieOf(madeUp), undefined);
    assert.match(madeUp.text, /sso_login_expired/);
  });

  test('returnTo outside the site is refused: the login lands on the person\'s page', async () => {
    for (const returnTo of ['https://evil.example/', '//evil.example/x', '/\\evil.example', '/auth/sso/cas-univ/login']) {
      const answer = await fullLogin(`?returnTo=${encodeURIComponent(returnTo)}`);
      assert.equal(answer.status, 303);
      assert.equal(answer.headers.location, '/me', returnTo);
    }
  });

  test('single logout from CAS ends the session (POSTed to the service URL, or to /slo)', async () => {
    const cookie = cookieOf(await fullLogin()) ?? '';
    const other = cookieOf(await fullLogin()) ?? '';
    assert.equal((await session(cookie)).authenticated, true);
    // Camille logs out of CAS: it POSTs a logoutRequest to the service URL of each validated ticket.
    const deliveries = await sim.logoutUser('cmartin');
    assert.ok(deliveries.length >= 2, JSON.stringify(deliveries));
    assert.ok(deliveries.every((delivery) => delivery.status === 200 && delivery.url.startsWith(`${PUBLIC_URL}/auth/sso/${METHOD}/callback?state=`)));
    assert.equal((await session(cookie)).authenticated, false);
    assert.equal((await session(other)).authenticated, false);

    const { service } = await begin();
    const back = await casForm(service);
    const ticket = new URL(back).searchParams.get('ticket') ?? '';
    const thirdCookie = cookieOf(await callback(back)) ?? '';
    assert.equal((await session(thirdCookie)).authenticated, true);
    const xml = `<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="LR-1" Version="2.0" IssueInstant="2026-12-06T10:00:00Z"><saml:NameID>@NOT_USED@</saml:NameID><samlp:SessionIndex>${ticket}</samlp:SessionIndex></samlp:LogoutRequest>`;
    const slo = await t.anonymous.request('POST', `/auth/sso/${METHOD}/slo`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ logoutRequest: xml }).toString(),
    });
    assert.equal(slo.status, 200);
    assert.equal((await session(thirdCookie)).authenticated, false);
  });

  test('a malformed single-logout message is a 400 problem and ends nothing', async () => {
    const cookie = cookieOf(await fullLogin()) ?? '';
    for (const payload of ['logoutRequest=not+xml', 'logoutRequest=%3CLogoutRequest%3E%3CSessionIndex%3ETGT-1%3C%2FSessionIndex%3E%3C%2FLogoutRequest%3E', 'other=1']) {
      const answer = await t.anonymous.request('POST', `/auth/sso/${METHOD}/slo`, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload });
      assert.equal(answer.status, 400, payload);
      assert.match(String(answer.headers['content-type']), /problem\+json/);
    }
    assert.equal((await session(cookie)).authenticated, true);
  });

  test('logout answers the CAS logout URL as next, coming back to the login page', async () => {
    const answer = await fullLogin();
    const cookie = cookieOf(answer) ?? '';
    const token = cookie.slice('cc_session='.length);
    const { csrfTokenFor } = await import('../../src/modules/auth/auth.service.ts');
    const client = new TestClient(t.app, { cookie, csrfToken: csrfTokenFor(token) });
    const logout = await client.post<{ next: string | null }>('/api/v1/auth/logout');
    assert.equal(logout.status, 200, logout.text);
    assert.equal(logout.body.next, `${sim.url}/logout?service=${encodeURIComponent(`${PUBLIC_URL}/login`)}`);
    assert.equal((await session(cookie)).authenticated, false);
  });

  test('an unknown person sees the refused page with the contact, and gets no session', async () => {
    const answer = await fullLogin('', 'nobody');
    assert.equal(answer.status, 403);
    assert.equal(cookieOf(answer), undefined);
    assert.match(answer.text, /Bureau des cartes, bâtiment A/);
    assert.match(answer.text, /data-reason="unknown_person"/);
    assert.match(answer.text, /le bureau des cartes ne vous connaît pas et vous ne pouvez pas demander de carte/);
    assert.doesNotMatch(answer.text, /aucun de vos groupes/);
  });

  test('a disabled method does not send anybody to CAS', async () => {
    const answer = await t.anonymous.request('GET', '/auth/sso/cas-off/login', { headers: { accept: 'text/html' } });
    assert.equal(answer.status, 403);
    assert.equal(answer.headers.location, undefined);
  });

  test('a CAS server that is down: a 503 page saying it is unreachable (problem+json for API clients), no session', async () => {
    const { service } = await begin('', DOWN);
    const url = `${service}&ticket=ST-1-abcdef`;
    const page = await callback(url);
    assert.equal(page.status, 503);
    assert.equal(page.headers['retry-after'], '30');
    assert.match(String(page.headers['content-type']), /text\/html/);
    assert.match(page.text, /injoignable/);
    assert.match(page.text, /unreachable/);
    assert.equal(cookieOf(page), undefined);
    const api = await callback(`${(await begin('', DOWN)).service}&ticket=ST-1-abcdef`, 'application/json');
    assert.equal(api.status, 503);
    assert.equal((api.body as { code: string }).code, 'sso_idp_unreachable');
  });
});

describe('demo CAS server mounted in the app (demo mode)', () => {
  let t: TestApp;

  before(async () => {
    t = await startTestApp({ env: { DEMO: 'true', PUBLIC_URL, ESC_ROUTER_SIMULATOR: 'false' } });
    await seedEmbeddedCasMethod(t.runtime.services.sso);
    await t.runtime.services.people.create({
      eppn: 'camille.martin@univ-demo.fr', lastName: 'Martin', firstName: 'Camille', personType: 'student', email: 'camille.martin@univ-demo.fr',
    }, { actor: 'test' });
  });
  after(async () => { await t?.close(); });

  test('the login page\'s CAS demo button leads through the demo CAS form to a session', async () => {
    const methods = await t.anonymous.get<{ items: Array<{ id: string; label: { fr: string }; startUrl: string }> }>('/api/v1/auth/sso/methods');
    const button = methods.body.items.find((item) => item.id === 'cas-demo');
    assert.equal(button?.label.fr, 'Se connecter avec le CAS (démo)');
    const start = await t.anonymous.get(button?.startUrl ?? '');
    assert.equal(start.status, 303);
    const binding = bindingOf(start) ?? '';
    const location = String(start.headers.location);
    assert.ok(location.startsWith(`${PUBLIC_URL}/demo-idp/cas/login?service=`), location);
    const form = await t.anonymous.request('GET', pathOf(location), { headers: { accept: 'text/html' } });
    assert.equal(form.status, 200);
    assert.match(form.text, /Camille Martin/);
    const service = new URL(location).searchParams.get('service') ?? '';
    const wrong = await t.anonymous.request('POST', '/demo-idp/cas/login', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ username: 'cmartin', password: 'guess', service }).toString(),
    });
    assert.equal(wrong.status, 401);
    const posted = await t.anonymous.request('POST', '/demo-idp/cas/login', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ username: 'cmartin', password: demoSsoPassword('cmartin'), service }).toString(),
    });
    assert.equal(posted.status, 303, posted.text);
    const back = await t.anonymous.request('GET', pathOf(String(posted.headers.location)), { headers: { accept: 'text/html', cookie: binding } });
    assert.equal(back.status, 303, back.text);
    const cookie = cookieOf(back) ?? '';
    const who = await new TestClient(t.app, { cookie }).get<SessionBody>('/api/v1/auth/session');
    assert.equal(who.body.principal?.role, 'cardholder');
    // Logging out of the demo CAS sends its single-logout message back into campuscard: the session ends.
    const casCookie = String([posted.headers['set-cookie']].flat()[0]).split(';')[0] ?? '';
    assert.match(casCookie, /^CASTGC=TGT-/);
    const casLogout = await t.anonymous.request('GET', `/demo-idp/cas/logout?service=${encodeURIComponent(`${PUBLIC_URL}/login`)}`, { headers: { cookie: casCookie } });
    assert.equal(casLogout.status, 303);
    assert.equal(casLogout.headers.location, `${PUBLIC_URL}/login`);
    const after = await new TestClient(t.app, { cookie }).get<SessionBody>('/api/v1/auth/session');
    assert.equal(after.body.authenticated, false);
  });

  /** A login through the demo CAS server's form, as the browser does it; the callback's answer. */
  async function demoLogin(uid: string): Promise<TestResponse> {
    const start = await t.anonymous.get('/auth/sso/cas-demo/login');
    const service = new URL(String(start.headers.location)).searchParams.get('service') ?? '';
    const posted = await t.anonymous.request('POST', '/demo-idp/cas/login', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ username: uid, password: demoSsoPassword(uid), service }).toString(),
    });
    assert.equal(posted.status, 303, posted.text);
    return t.anonymous.request('GET', pathOf(String(posted.headers.location)), { headers: { accept: 'text/html', cookie: bindingOf(start) ?? '' } });
  }

  test('the demo staff member in the managers group: refused until an admin maps the group, then a manager', async () => {
    const before = await demoLogin('pgirard');
    assert.equal(before.status, 403);
    assert.equal(cookieOf(before), undefined);
    // Not the page of a person nobody knows: the groups the IdP sent give no role yet, and the page lists them.
    assert.match(before.text, /data-reason="unmapped_groups"/);
    assert.match(before.text, /aucun de vos groupes ne donne encore accès à campuscard/);
    assert.match(before.text, /none of your groups gives access to campuscard yet/);
    assert.ok(before.text.includes(`<code>${DEMO_MANAGERS_GROUP}</code>`), before.text);
    const admin = await t.loginAs('admin');
    const mapping = await admin.post('/api/v1/admin/group-roles', { group: DEMO_MANAGERS_GROUP, role: 'manager', personTypes: null, everyInstitution: true });
    assert.equal(mapping.status, 201, mapping.text);
    const answer = await demoLogin('pgirard');
    assert.equal(answer.status, 303, answer.text);
    assert.equal(answer.headers.location, '/office');
    const who = await new TestClient(t.app, { cookie: cookieOf(answer) ?? '' }).get<SessionBody>('/api/v1/auth/session');
    assert.equal(who.body.principal?.role, 'manager');
  });

  test('the demo CAS server gives tickets only to campuscard\'s own URLs', async () => {
    const answer = await t.anonymous.request('GET', `/demo-idp/cas/login?service=${encodeURIComponent('https://evil.example/')}`, { headers: { accept: 'text/html' } });
    assert.equal(answer.status, 403);
    const logout = await t.anonymous.request('GET', `/demo-idp/cas/logout?service=${encodeURIComponent('https://evil.example/')}`);
    assert.equal(logout.headers.location, undefined);
  });

  test('the start message lists the demo single sign-on users with this process\'s passwords', () => {
    const message = startupMessage(t.runtime, { url: PUBLIC_URL, seconds: '1.0', logins: undefined });
    for (const user of DEMO_SSO_USERS) {
      assert.ok(message.includes(user.uid) && message.includes(demoSsoPassword(user.uid)), `${user.uid} in:\n${message}`);
    }
  });
});
