/**
 * End to end against a real SAML identity provider: Debian's SimpleSAMLphp served by `php -S`
 * (test/helpers/simplesamlphp.ts). campuscard reads the IdP's metadata from its URL, the test
 * plays the browser (follows the redirects, fills SimpleSAMLphp's login form, posts the
 * SAMLResponse it hands back to our ACS), and the person lands with a session whose trusted
 * fields came from SupAnn/eduPerson attributes sent by OID. Then both single logouts: the one
 * campuscard starts (LogoutRequest to the IdP, LogoutResponse back) and the one the IdP starts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, TestClient, type TestApp, type TestResponse } from '../helpers/test-app.ts';
import { freePort } from '../helpers/processes.ts';
import { startSimpleSamlPhp, type SimpleSamlPhp } from '../helpers/simplesamlphp.ts';
import { configureInstitution } from './cards.fixtures.ts';
import { SSO_BROWSER_POST_COOKIE } from '../../src/modules/sso/sso-browser.binding.ts';

const PUBLIC_URL = 'https://campuscard.test.example';

const HTML_ENTITIES: Record<string, string> = { amp: '&', quot: '"', apos: '\'', lt: '<', gt: '>' };
function decodeHtml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, entity: string) => {
    if (entity.startsWith('#x') || entity.startsWith('#X')) return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number(entity.slice(1)));
    return HTML_ENTITIES[entity.toLowerCase()] ?? whole;
  });
}

/** The first form of an HTML page: its action and its inputs' names and values. */
function formOf(html: string, base: string): { action: string; fields: Record<string, string> } {
  const form = /<form\b[^>]*>[\s\S]*?<\/form>/i.exec(html)?.[0];
  assert.ok(form, `a form in the page: ${html.slice(0, 2000)}`);
  const action = decodeHtml(/\baction="([^"]*)"/i.exec(form)?.[1] ?? '');
  const fields: Record<string, string> = {};
  for (const input of form.match(/<input\b[^>]*>/gi) ?? []) {
    const name = /\bname="([^"]*)"/i.exec(input)?.[1];
    if (name) fields[decodeHtml(name)] = decodeHtml(/\bvalue="([^"]*)"/i.exec(input)?.[1] ?? '');
  }
  return { action: new URL(action, base).toString(), fields };
}

/** A browser toward SimpleSAMLphp: its cookies, redirects followed until they leave the IdP. */
class IdpBrowser {
  private readonly cookies = new Map<string, string>();
  constructor(private readonly idpOrigin: string) {}

  /** Requests `url` and follows redirects while they stay on the IdP; returns the last answer and where it points. */
  async go(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<{ status: number; html: string; location: string | null; url: string }> {
    let current = url;
    let method = init.method ?? 'GET';
    let body: string | undefined = init.form ? new URLSearchParams(init.form).toString() : undefined;
    for (let hop = 0; hop < 10; hop++) {
      const response = await fetch(current, {
        method, redirect: 'manual', body,
        headers: {
          ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
          ...(this.cookies.size > 0 ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
        },
      });
      for (const line of response.headers.getSetCookie()) {
        const [pair = ''] = line.split(';');
        const index = pair.indexOf('=');
        if (index > 0) this.cookies.set(pair.slice(0, index).trim(), pair.slice(index + 1).trim());
      }
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        const next = new URL(location, current).toString();
        if (!next.startsWith(this.idpOrigin)) return { status: response.status, html: '', location: next, url: current };
        current = next;
        method = 'GET';
        body = undefined;
        continue;
      }
      return { status: response.status, html: await response.text(), location: null, url: current };
    }
    throw new Error('too many redirects at the IdP');
  }
}

/** What the browser would post to campuscard (the auto-submitted form SimpleSAMLphp returns). */
/** The browser's post of the IdP's hand-off form, with the login's browser-binding cookie (`name=value`, '' for none). */
async function postForm(t: TestApp, action: string, fields: Record<string, string>, cookie = ''): Promise<TestResponse> {
  const url = new URL(action);
  return t.anonymous.request('POST', `${url.pathname}${url.search}`, {
    payload: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
  });
}

/** The `name=value` of a cookie a response sets ('' when none). */
function setCookieOf(response: TestResponse, name: string): string {
  return [response.headers['set-cookie'] ?? []].flat().map(String).find((value) => value.startsWith(`${name}=`))?.split(';')[0] ?? '';
}

describe('SAML against SimpleSAMLphp (Debian, php -S)', () => {
  let t: TestApp;
  let idp: SimpleSamlPhp | undefined;
  let personId: string;
  /** The binding cookie campuscard set at the last login's start (SameSite=None; Secure: PUBLIC_URL is https). */
  let binding = '';

  before(async () => {
    const port = await freePort();
    const metadataUrl = `http://127.0.0.1:${port}/simplesaml/saml2/idp/metadata.php`;
    t = await startTestApp({
      env: {
        PUBLIC_URL,
        // The IdP runs on plain http on 127.0.0.1, which only tests may allow.
        SSO_ALLOW_INSECURE_IDP: 'true',
        SSO_METHODS: JSON.stringify([{ id: 'univ-idp', protocol: 'saml', idpMetadataUrl: metadataUrl }]),
      },
    });
    await configureInstitution(t);
    const institution = (await t.runtime.services.institution.list())[0]?.code ?? '';
    const admin = await t.loginAs('admin');
    const saved = await admin.put('/api/v1/admin/login-methods/univ-idp', {
      enabled: true, label: { fr: 'Se connecter avec l’université', en: 'Sign in with the university' }, institution,
      eppnAttribute: 'eduPersonPrincipalName', fieldAttributes: {}, trustedFields: ['firstName', 'lastName', 'email', 'studentNumber', 'ine'],
      groupsAttribute: null, createUnknown: false, contact: 'Service des cartes',
    });
    assert.equal(saved.status, 200, saved.text);
    personId = (await t.runtime.services.people.create({
      institution, eppn: 'emilie.durand@univ.example.fr', lastName: 'Durand', firstName: 'Emilie', personType: 'student',
      email: 'old@mail.example.org', studentNumber: '11111111',
    }, { actor: 'test' })).id;

    // SimpleSAMLphp learns campuscard's SP from the metadata campuscard publishes.
    const spMetadata = await t.anonymous.get('/auth/sso/univ-idp/metadata');
    assert.equal(spMetadata.status, 200);
    idp = await startSimpleSamlPhp({
      port,
      spMetadataXml: spMetadata.text,
      users: [{
        username: 'emilie', password: 'Motdepasse-de-test-1',
        attributes: {
          uid: ['emilie'],
          eduPersonPrincipalName: ['emilie.durand@univ.example.fr'],
          givenName: ['Émilie'],
          sn: ['Durand'],
          mail: ['emilie.durand@univ.example.fr'],
          eduPersonAffiliation: ['student', 'member'],
          eduPersonPrimaryAffiliation: ['student'],
          supannEtuId: ['22400200'],
          supannCodeINE: ['123456780JD'],
          supannEtablissement: ['{UAI}0751717J'],
          schacPersonalUniqueCode: ['urn:schac:personalUniqueCode:int:esi:fr:22400200'],
        },
      }],
    });
  });

  after(async () => {
    await idp?.stop();
    await t?.close();
  });

  /** The whole login as a browser does it; returns campuscard's answer to the posted SAMLResponse and the IdP browser. */
  async function browserLogin(password = 'Motdepasse-de-test-1') {
    assert.ok(idp);
    const start = await t.anonymous.get('/auth/sso/univ-idp/login?returnTo=/me');
    assert.equal(start.status, 303, start.text);
    binding = setCookieOf(start, SSO_BROWSER_POST_COOKIE);
    const set = String([start.headers['set-cookie']].flat().find((value) => String(value).startsWith(SSO_BROWSER_POST_COOKIE)));
    assert.match(set, /SameSite=None/i);
    assert.match(set, /; Secure/i);
    const browser = new IdpBrowser(new URL(idp.baseUrl).origin);
    const loginPage = await browser.go(String(start.headers.location));
    assert.equal(loginPage.status, 200, `${loginPage.html.slice(0, 3000)}\n${idp.output()}`);
    const login = formOf(loginPage.html, loginPage.url);
    assert.ok('username' in login.fields && 'password' in login.fields, `SimpleSAMLphp's login form: ${JSON.stringify(login.fields)}`);
    const posted = await browser.go(login.action, { method: 'POST', form: { ...login.fields, username: 'emilie', password } });
    return { posted, browser };
  }

  test('a student logs in at the IdP and lands on their page; attributes sent by OID update the trusted fields', async () => {
    const { posted } = await browserLogin();
    assert.equal(posted.status, 200, posted.html.slice(0, 3000));
    const handOff = formOf(posted.html, posted.url);
    assert.equal(handOff.action, `${PUBLIC_URL}/auth/sso/univ-idp/acs`);
    assert.ok(handOff.fields.SAMLResponse, 'SimpleSAMLphp posts a SAMLResponse');
    const xml = Buffer.from(handOff.fields.SAMLResponse ?? '', 'base64').toString('utf8');
    assert.match(xml, /Name="urn:oid:1\.3\.6\.1\.4\.1\.5923\.1\.1\.1\.6"/, 'the eppn is sent by OID');
    assert.match(xml, /<ds:Signature/, 'signed');

    const answer = await postForm(t, handOff.action, handOff.fields, binding);
    assert.equal(answer.status, 303, answer.text);
    assert.equal(answer.headers.location, '/me');
    const cookie = setCookieOf(answer, 'cc_session');
    const session = await new TestClient(t.app, { cookie }).get<{ authenticated: boolean; principal: { personId: string; role: string } }>('/api/v1/auth/session');
    assert.equal(session.body.authenticated, true);
    assert.equal(session.body.principal.personId, personId);
    assert.equal(session.body.principal.role, 'cardholder');
    const person = await t.runtime.services.people.get(personId);
    assert.equal(person.firstName, 'Émilie', 'givenName (urn:oid:2.5.4.42)');
    assert.equal(person.email, 'emilie.durand@univ.example.fr', 'mail (urn:oid:0.9.2342.19200300.100.1.3)');
    assert.equal((person as unknown as { studentNumber: string }).studentNumber, '22400200', 'supannEtuId (urn:oid:1.3.6.1.4.1.7135.1.2.1.10)');

    // The same SAMLResponse posted again is refused.
    const replay = await postForm(t, handOff.action, handOff.fields, binding);
    assert.equal(replay.status, 400);
  });

  test('a wrong password stays at the IdP: nothing reaches campuscard', async () => {
    const { posted } = await browserLogin('wrong-password');
    assert.equal(posted.location, null, 'no redirect away from the IdP');
    assert.doesNotMatch(posted.html, /SAMLResponse/);
  });

  test('logout from campuscard ends the IdP session too (LogoutRequest, LogoutResponse back to our SLO)', async () => {
    const { posted, browser } = await browserLogin();
    const handOff = formOf(posted.html, posted.url);
    const answer = await postForm(t, handOff.action, handOff.fields, binding);
    assert.equal(answer.status, 303, answer.text);
    const cookie = setCookieOf(answer, 'cc_session');
    const csrf = (await new TestClient(t.app, { cookie }).get<{ csrfToken: string }>('/api/v1/auth/session')).body.csrfToken;
    const logout = await new TestClient(t.app, { cookie, csrfToken: csrf }).post<{ next: string | null }>('/api/v1/auth/logout');
    assert.equal(logout.status, 200, logout.text);
    assert.ok(logout.body.next?.startsWith(`${idp?.baseUrl}/saml2/idp/SingleLogoutService.php?SAMLRequest=`), String(logout.body.next));

    const atIdp = await browser.go(logout.body.next ?? '');
    const backTo = atIdp.location ?? '';
    assert.ok(backTo.startsWith(`${PUBLIC_URL}/auth/sso/univ-idp/slo?SAMLResponse=`), `${atIdp.status} ${atIdp.location} ${atIdp.html.slice(0, 2000)}`);
    const back = await t.anonymous.get(backTo.slice(PUBLIC_URL.length));
    assert.equal(back.status, 303);
    assert.equal(back.headers.location, '/login');
    // The IdP session is over: a new login asks for the password again.
    const start = await t.anonymous.get('/auth/sso/univ-idp/login');
    const again = await browser.go(String(start.headers.location));
    assert.equal(again.status, 200);
    assert.ok('password' in formOf(again.html, again.url).fields, 'the login form again');
  });

  test('logout started at the IdP: its signed LogoutRequest ends the campuscard session', async () => {
    assert.ok(idp);
    const { posted, browser } = await browserLogin();
    const handOff = formOf(posted.html, posted.url);
    const answer = await postForm(t, handOff.action, handOff.fields, binding);
    const cookie = setCookieOf(answer, 'cc_session');
    const client = new TestClient(t.app, { cookie });
    assert.equal((await client.get<{ authenticated: boolean }>('/api/v1/auth/session')).body.authenticated, true);

    const started = await browser.go(`${idp.baseUrl}/saml2/idp/SingleLogoutService.php?ReturnTo=${encodeURIComponent(`${idp.baseUrl}/logout.php`)}`);
    const request = started.location ?? '';
    assert.ok(request.startsWith(`${PUBLIC_URL}/auth/sso/univ-idp/slo?SAMLRequest=`), `${started.status} ${request} ${started.html.slice(0, 2000)}`);
    assert.match(request, /[?&]Signature=/);
    const ours = await t.anonymous.get(request.slice(PUBLIC_URL.length));
    assert.equal(ours.status, 303, ours.text);
    assert.ok(String(ours.headers.location).startsWith(`${idp.baseUrl}/saml2/idp/SingleLogoutService.php?SAMLResponse=`));
    assert.equal((await client.get<{ authenticated: boolean }>('/api/v1/auth/session')).body.authenticated, false);
    const done = await browser.go(String(ours.headers.location));
    assert.equal(done.status, 200, done.html.slice(0, 2000));
  });
});
