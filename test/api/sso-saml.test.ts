/**
 * SAML 2.0 service provider, through its HTTP routes, against a library IdP (samlify, see
 * test/helpers/saml-idp.ts) that answers campuscard's real AuthnRequests: logins with the
 * assertion signed or the response signed, and every way a response must be refused (neither
 * signed, tampered, wrong audience, recipient or issuer, expired, unsolicited, answering another
 * login, replayed), attributes by OID and by friendly name, single logout both ways, and IdP
 * metadata from a federation aggregate whose signature is checked.
 */
import assert from 'node:assert/strict';
import { verify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { startTestApp, TestClient, type TestApp, type TestResponse } from '../helpers/test-app.ts';
import { configureInstitution } from './cards.fixtures.ts';
import { SSO_BROWSER_POST_COOKIE } from '../../src/modules/sso/sso-browser.binding.ts';
import {
  createTestIdp, generateKeyPair, signedAggregate, tamper, type TestAttribute, type TestIdp, type TestKeyPair, type TestSpSettings,
} from '../helpers/saml-idp.ts';
import { parseXml, selectElements } from '../../src/adapters/saml/saml-xml.ts';

const PUBLIC_URL = 'https://campuscard.test.example';
const OID = {
  eppn: 'urn:oid:1.3.6.1.4.1.5923.1.1.1.6',
  givenName: 'urn:oid:2.5.4.42',
  sn: 'urn:oid:2.5.4.4',
  mail: 'urn:oid:0.9.2342.19200300.100.1.3',
};

function sp(id: string): TestSpSettings {
  const base = `${PUBLIC_URL}/auth/sso/${id}`;
  return { entityId: `${base}/metadata`, acsUrl: `${base}/acs`, sloUrl: `${base}/slo` };
}

function codeOf(response: TestResponse): string | undefined {
  return /data-code="([a-z_]+)"/.exec(response.text)?.[1];
}

describe('SAML service provider', () => {
  let t: TestApp;
  let idp: TestIdp;
  let dir: string;
  let spKeys: TestKeyPair;
  let institution: string;
  let counter = 0;
  /** The test browser's binding cookie (`name=value`): set at the login, sent with the ACS post (SameSite=None over https). */
  let browser = '';

  /** The binding cookie a response sets (`name=value`), '' when it clears it, undefined when it leaves it alone. */
  function bindingOf(response: TestResponse): string | undefined {
    const raw = [response.headers['set-cookie'] ?? []].flat().map(String).find((value) => value.startsWith(`${SSO_BROWSER_POST_COOKIE}=`));
    if (raw === undefined) return undefined;
    const pair = raw.split(';')[0] ?? '';
    return pair === `${SSO_BROWSER_POST_COOKIE}=` ? '' : pair;
  }

  /** Starts a login at campuscard and reads the AuthnRequest the browser would carry to the IdP. */
  async function startLogin(methodId: string, returnTo?: string) {
    const response = await t.anonymous.request('GET', `/auth/sso/${methodId}/login${returnTo ? `?returnTo=${encodeURIComponent(returnTo)}` : ''}`,
      { headers: browser ? { cookie: browser } : {} });
    assert.equal(response.status, 303, response.text);
    browser = bindingOf(response) ?? browser;
    const location = String(response.headers.location);
    return { location, setCookie: [response.headers['set-cookie'] ?? []].flat().map(String), ...(await idp.readLoginRequest(location)) };
  }

  /** What the browser posts to the ACS (with the test browser's binding cookie unless another is given). */
  async function postAcs(methodId: string, samlResponse: string, relayState?: string, cookie: string = browser) {
    const form = new URLSearchParams({ SAMLResponse: samlResponse, ...(relayState !== undefined ? { RelayState: relayState } : {}) });
    const answer = await t.anonymous.request('POST', `/auth/sso/${methodId}/acs`, {
      payload: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
    });
    if (cookie === browser) browser = bindingOf(answer) ?? browser;
    return answer;
  }

  async function sessionCount(): Promise<number> {
    const { rows } = await sql<{ count: string }>`SELECT count(*)::text AS count FROM sessions`.execute(t.runtime.database.db);
    return Number(rows[0]?.count);
  }

  function clientFrom(response: TestResponse): TestClient {
    const cookie = [response.headers['set-cookie'] ?? []].flat().map(String).find((value) => value.startsWith('cc_session='))?.split(';')[0] ?? '';
    assert.match(cookie, /^cc_session=.+/, 'a session cookie is set');
    return new TestClient(t.app, { cookie });
  }

  async function person(extra: Record<string, unknown> = {}) {
    const login = `saml${++counter}`;
    return t.runtime.services.people.create({
      institution, eppn: `${login}@univ.example.fr`, lastName: `Nom${login}`, firstName: 'Prénom', personType: 'student',
      email: `${login}@mail.example.org`, ...extra,
    }, { actor: 'test' });
  }

  function byOid(eppn: string, extra: TestAttribute[] = []): TestAttribute[] {
    return [{ name: OID.eppn, values: [eppn] }, ...extra];
  }

  /** A whole successful login: returns the ACS answer. */
  async function login(methodId: string, attributes: TestAttribute[], options: Parameters<TestIdp['loginResponse']>[1] = {}) {
    const started = await startLogin(methodId);
    const response = await idp.loginResponse(sp(methodId), { inResponseTo: started.requestId, attributes, ...options });
    return postAcs(methodId, response, started.relayState);
  }

  before(async () => {
    idp = createTestIdp({ baseUrl: 'https://idp.univ.example/idp' });
    const otherIdp = createTestIdp({ baseUrl: 'https://idp.other.example/idp', keys: generateKeyPair('other-idp') });
    const federation = generateKeyPair('federation');
    const otherFederation = generateKeyPair('other-federation');
    spKeys = generateKeyPair('campuscard-sp');
    dir = mkdtempSync(join(tmpdir(), 'campuscard-saml-test-'));
    const aggregate = signedAggregate([otherIdp.metadataXml, idp.metadataXml], federation);
    const file = (name: string, content: string) => {
      writeFileSync(join(dir, name), content);
      return join(dir, name);
    };
    // A signed aggregate in which somebody redirected our IdP's login endpoint after signing.
    const forged = aggregate.replace('https://idp.univ.example/idp/profile/SAML2/Redirect/SSO', 'https://evil.example/sso');
    assert.notEqual(forged, aggregate);
    const methods = [
      { id: 'univ', protocol: 'saml', idpMetadataFile: file('idp.xml', idp.metadataXml) },
      { id: 'renater', protocol: 'saml', idpMetadataFile: file('aggregate.xml', aggregate), idpMetadataCertFile: file('federation.pem', federation.certificate), idpEntityId: idp.entityId },
      { id: 'renater-forged', protocol: 'saml', idpMetadataFile: file('forged.xml', forged), idpMetadataCertFile: join(dir, 'federation.pem'), idpEntityId: idp.entityId },
      { id: 'renater-foreign', protocol: 'saml', idpMetadataFile: join(dir, 'aggregate.xml'), idpMetadataCertFile: file('other.pem', otherFederation.certificate), idpEntityId: idp.entityId },
      { id: 'off', protocol: 'saml', idpMetadataFile: join(dir, 'idp.xml') },
      { id: 'keyed', protocol: 'saml', idpMetadataFile: join(dir, 'idp.xml'), spPrivateKeyFile: file('sp.key', spKeys.privateKey), spCertFile: file('sp.crt', spKeys.certificate) },
    ];
    t = await startTestApp({ env: { SSO_METHODS: JSON.stringify(methods), PUBLIC_URL } });
    await configureInstitution(t);
    institution = (await t.runtime.services.institution.list())[0]?.code ?? '';
    const admin = await t.loginAs('admin');
    for (const method of methods.filter((entry) => entry.id !== 'off')) {
      const saved = await admin.put(`/api/v1/admin/login-methods/${method.id}`, {
        enabled: true, label: { fr: `SAML ${method.id}`, en: `SAML ${method.id}` }, institution, eppnAttribute: 'eduPersonPrincipalName',
        fieldAttributes: {}, trustedFields: ['firstName', 'lastName', 'email', 'studentNumber'], groupsAttribute: null, createUnknown: false,
        contact: 'Service des cartes',
      });
      assert.equal(saved.status, 200, saved.text);
    }
  });

  after(async () => {
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('SP metadata: a stable document naming our entity id, ACS, SLO and the attributes wanted', async () => {
    const first = await t.anonymous.get('/auth/sso/univ/metadata');
    assert.equal(first.status, 200);
    assert.match(String(first.headers['content-type']), /^application\/samlmetadata\+xml/);
    const again = await t.anonymous.get('/auth/sso/univ/metadata');
    assert.equal(again.text, first.text, 'byte-for-byte the same at every request');
    const root = (await parseXml(first.text)).documentElement;
    assert.equal(root.getAttribute('entityID'), sp('univ').entityId);
    const acs = selectElements(root, "//*[local-name()='AssertionConsumerService']");
    assert.deepEqual(acs.map((element) => [element.getAttribute('Binding'), element.getAttribute('Location')]),
      [['urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST', sp('univ').acsUrl]]);
    assert.ok(selectElements(root, "//*[local-name()='SingleLogoutService']").every((element) => element.getAttribute('Location') === sp('univ').sloUrl));
    const eppn = selectElements(root, "//*[local-name()='RequestedAttribute']").find((element) => element.getAttribute('Name') === OID.eppn);
    assert.equal(eppn?.getAttribute('isRequired'), 'true');
    assert.equal((await t.anonymous.get('/auth/sso/nope/metadata')).status, 404);
  });

  test('the login redirects to the IdP with an AuthnRequest from our entity to our ACS, RelayState = the pending login', async () => {
    const started = await startLogin('univ', '/me/cards');
    assert.equal(started.destination, 'https://idp.univ.example/idp/profile/SAML2/Redirect/SSO');
    assert.match(started.xml, new RegExp(`<saml:Issuer[^>]*>${sp('univ').entityId}</saml:Issuer>`));
    assert.match(started.xml, new RegExp(`AssertionConsumerServiceURL="${sp('univ').acsUrl}"`));
    assert.match(started.requestId, /^_[0-9a-f]{40}$/);
    assert.ok(started.relayState.length >= 20);
    const { rows } = await sql<{ payload: { requestId: string } }>`SELECT payload FROM sso_pending_logins WHERE method_id = 'univ'`.execute(t.runtime.database.db);
    assert.ok(rows.some((row) => row.payload.requestId === started.requestId), 'the request id is kept with the pending login');
  });

  test('assertion signed, response not: the person lands on their page with a session; trusted attributes by OID applied', async () => {
    const alice = await person();
    const started = await startLogin('univ', '/me/cards');
    const response = await idp.loginResponse(sp('univ'), {
      signing: 'assertion', inResponseTo: started.requestId,
      attributes: byOid(alice.eppn, [{ name: OID.givenName, values: ['Alicia'] }, { name: OID.sn, values: [alice.lastName] }]),
    });
    assert.doesNotMatch(Buffer.from(response, 'base64').toString('utf8'), /<samlp:Response[^>]*>\s*<saml:Issuer[^>]*>[^<]*<\/saml:Issuer>\s*<ds:Signature/,
      'the response itself carries no signature');
    const answer = await postAcs('univ', response, started.relayState);
    assert.equal(answer.status, 303, answer.text);
    assert.equal(answer.headers.location, '/me/cards');
    const session = await clientFrom(answer).get<{ authenticated: boolean; principal: { personId: string; role: string } }>('/api/v1/auth/session');
    assert.equal(session.body.principal.personId, alice.id);
    assert.equal(session.body.principal.role, 'cardholder');
    assert.equal((await t.runtime.services.people.get(alice.id)).firstName, 'Alicia');
  });

  test('response signed, assertion not: accepted too', async () => {
    const bob = await person();
    const answer = await login('univ', byOid(bob.eppn), { signing: 'response' });
    assert.equal(answer.status, 303, answer.text);
    assert.equal(answer.headers.location, '/me');
    const session = await clientFrom(answer).get<{ principal: { personId: string } }>('/api/v1/auth/session');
    assert.equal(session.body.principal.personId, bob.id);
  });

  test('neither the response nor the assertion signed: refused with a 400 page, nothing written', async () => {
    const carol = await person();
    const before = await sessionCount();
    const answer = await login('univ', byOid(carol.eppn, [{ name: OID.givenName, values: ['Changed'] }]), { signing: 'none' });
    assert.equal(answer.status, 400);
    assert.match(String(answer.headers['content-type']), /^text\/html/);
    assert.equal(codeOf(answer), 'saml_signature');
    assert.match(answer.text, /signature/);
    assert.ok([answer.headers['set-cookie'] ?? []].flat().every((value) => !String(value).startsWith('cc_session=')), 'no session cookie');
    assert.equal(await sessionCount(), before);
    assert.equal((await t.runtime.services.people.get(carol.id)).firstName, 'Prénom');
  });

  test('a signed assertion whose attribute was changed afterwards: refused (signature), nothing written', async () => {
    const dave = await person();
    const started = await startLogin('univ');
    const response = await idp.loginResponse(sp('univ'), {
      signing: 'assertion', inResponseTo: started.requestId, attributes: byOid(dave.eppn, [{ name: OID.givenName, values: ['David'] }]),
    });
    const before = await sessionCount();
    const answer = await postAcs('univ', tamper(response, '>David<', '>Mallory<'), started.relayState);
    assert.equal(answer.status, 400);
    assert.equal(codeOf(answer), 'saml_signature');
    assert.equal(await sessionCount(), before);
    assert.equal((await t.runtime.services.people.get(dave.id)).firstName, 'Prénom');
  });

  test('a response signed by another key (same IdP entity id): refused', async () => {
    const erin = await person();
    const impostor = createTestIdp({ baseUrl: 'https://idp.univ.example/idp', keys: generateKeyPair('impostor') });
    const started = await startLogin('univ');
    const response = await impostor.loginResponse(sp('univ'), { signing: 'both', inResponseTo: started.requestId, attributes: byOid(erin.eppn) });
    const answer = await postAcs('univ', response, started.relayState);
    assert.equal(answer.status, 400);
    assert.equal(codeOf(answer), 'saml_signature');
  });

  test('an assertion for another service (audience), another ACS (recipient) or from another IdP (issuer): refused', async () => {
    const frank = await person();
    const cases: Array<[Parameters<TestIdp['loginResponse']>[1], string]> = [
      [{ audience: 'https://other-sp.example/shibboleth' }, 'saml_audience'],
      [{ recipient: 'https://other-sp.example/Shibboleth.sso/SAML2/POST' }, 'saml_recipient'],
      [{ issuer: 'https://idp.other.example/idp/shibboleth' }, 'saml_issuer'],
    ];
    for (const [options, code] of cases) {
      const before = await sessionCount();
      const answer = await login('univ', byOid(frank.eppn), options);
      assert.equal(answer.status, 400, code);
      assert.equal(codeOf(answer), code);
      assert.equal(await sessionCount(), before);
    }
  });

  test('expired assertions are refused; within the 180 s clock skew they still pass', async () => {
    const gina = await person();
    const expired = await login('univ', byOid(gina.eppn), { issuedAt: new Date(Date.now() - 10 * 60_000), lifetimeMs: 5 * 60_000 });
    assert.equal(expired.status, 400);
    assert.equal(codeOf(expired), 'saml_expired');
    // Expired one minute ago by our clock: an IdP clock one minute ahead would have issued it so.
    const skewed = await login('univ', byOid(gina.eppn), { issuedAt: new Date(Date.now() - 6 * 60_000), lifetimeMs: 5 * 60_000 });
    assert.equal(skewed.status, 303, skewed.text);
    // Issued four minutes in the future: beyond the skew.
    const early = await login('univ', byOid(gina.eppn), { issuedAt: new Date(Date.now() + 4 * 60_000) });
    assert.equal(early.status, 400);
    assert.equal(codeOf(early), 'saml_expired');
  });

  test('unsolicited responses are refused: no pending login, or no InResponseTo', async () => {
    const hugo = await person();
    const unsolicited = await idp.loginResponse(sp('univ'), { inResponseTo: null, attributes: byOid(hugo.eppn) });
    const before = await sessionCount();
    const bare = await postAcs('univ', unsolicited);
    assert.equal(bare.status, 400);
    assert.equal(codeOf(bare), 'saml_unsolicited');
    const forged = await postAcs('univ', unsolicited, 'x'.repeat(43));
    assert.equal(codeOf(forged), 'saml_unsolicited');
    // With the RelayState of a real pending login, a response that names no request is still refused.
    const started = await startLogin('univ');
    const noInResponseTo = await postAcs('univ', unsolicited, started.relayState);
    assert.equal(noInResponseTo.status, 400);
    assert.equal(codeOf(noInResponseTo), 'saml_in_response_to');
    assert.equal(await sessionCount(), before);
  });

  test('a response answering another pending login is refused; it still completes its own', async () => {
    const iris = await person();
    const first = await startLogin('univ');
    const second = await startLogin('univ');
    const response = await idp.loginResponse(sp('univ'), { inResponseTo: first.requestId, attributes: byOid(iris.eppn) });
    const crossed = await postAcs('univ', response, second.relayState);
    assert.equal(crossed.status, 400);
    assert.equal(codeOf(crossed), 'saml_in_response_to');
    const own = await postAcs('univ', response, first.relayState);
    assert.equal(own.status, 303, own.text);
  });

  test('a replayed response is refused, and so is a replayed assertion id under a fresh login', async () => {
    const jules = await person();
    const started = await startLogin('univ');
    const response = await idp.loginResponse(sp('univ'), { inResponseTo: started.requestId, attributes: byOid(jules.eppn) });
    assert.equal((await postAcs('univ', response, started.relayState)).status, 303);
    const before = await sessionCount();
    const replay = await postAcs('univ', response, started.relayState);
    assert.equal(replay.status, 400);
    assert.equal(codeOf(replay), 'saml_unsolicited', 'the pending login was used up');

    // The same assertion id again (an IdP tricked into reissuing it, or a copy bound to a new request): refused.
    const assertionId = `_fixed${Date.now()}`;
    const firstRun = await login('univ', byOid(jules.eppn), { assertionId });
    assert.equal(firstRun.status, 303, firstRun.text);
    const again = await login('univ', byOid(jules.eppn), { assertionId });
    assert.equal(again.status, 400);
    assert.equal(codeOf(again), 'saml_replay');
    assert.equal(await sessionCount(), before + 1);
  });

  test('attributes by friendly name (non-OID names) map to the canonical ones: eppn, names, mail, supannEtuId', async () => {
    const kim = await person({ studentNumber: '1000' });
    const answer = await login('univ', [
      { name: 'urn:mace:dir:attribute-def:eduPersonPrincipalName', friendlyName: 'eduPersonPrincipalName', values: [kim.eppn] },
      { name: 'urn:mace:dir:attribute-def:givenName', friendlyName: 'givenName', values: ['Kimberley'] },
      { name: 'urn:mace:dir:attribute-def:mail', friendlyName: 'mail', values: ['kim.new@univ.example.fr'] },
      { name: 'https://idp.univ.example/attributes/etu', friendlyName: 'supannEtuId', values: ['2000'] },
    ]);
    assert.equal(answer.status, 303, answer.text);
    const after = await t.runtime.services.people.get(kim.id);
    assert.equal(after.firstName, 'Kimberley');
    assert.equal(after.email, 'kim.new@univ.example.fr');
    const session = await clientFrom(answer).get<{ principal: { personId: string } }>('/api/v1/auth/session');
    assert.equal(session.body.principal.personId, kim.id);
  });

  test('an unknown person gets the refused page (not an error), naming the contact', async () => {
    const answer = await login('univ', byOid('nobody@univ.example.fr'));
    assert.equal(answer.status, 403);
    assert.match(answer.text, /Service des cartes/);
    assert.match(answer.text, /data-reason="unknown_person"/);
  });

  test('IdP metadata from a signed federation aggregate: our IdP picked by entity id, the login works', async () => {
    const lea = await person();
    const started = await startLogin('renater');
    assert.equal(started.destination, 'https://idp.univ.example/idp/profile/SAML2/Redirect/SSO');
    const response = await idp.loginResponse(sp('renater'), { inResponseTo: started.requestId, attributes: byOid(lea.eppn) });
    const answer = await postAcs('renater', response, started.relayState);
    assert.equal(answer.status, 303, answer.text);
  });

  test('an aggregate altered after signing, or signed by another federation, is not used: no redirect to its IdP', async () => {
    for (const id of ['renater-forged', 'renater-foreign']) {
      const before = await sql<{ count: string }>`SELECT count(*)::text AS count FROM sso_pending_logins WHERE method_id = ${id}`.execute(t.runtime.database.db);
      const answer = await t.anonymous.get(`/auth/sso/${id}/login`);
      assert.equal(answer.status, 503, id);
      assert.equal(answer.headers.location, undefined);
      assert.equal(codeOf(answer), 'idp_unavailable');
      const after = await sql<{ count: string }>`SELECT count(*)::text AS count FROM sso_pending_logins WHERE method_id = ${id}`.execute(t.runtime.database.db);
      assert.equal(after.rows[0]?.count, before.rows[0]?.count, 'no pending login stored');
    }
  });

  test('single logout from the IdP: a signed LogoutRequest ends the session and is answered; an unsigned one is refused', async () => {
    const max = await person();
    const nameId = `_name${Date.now()}`;
    const sessionIndex = `_index${Date.now()}`;
    const answer = await login('univ', byOid(max.eppn), { nameId, sessionIndex });
    assert.equal(answer.status, 303, answer.text);
    const client = clientFrom(answer);
    assert.equal((await client.get<{ authenticated: boolean }>('/api/v1/auth/session')).body.authenticated, true);

    const unsigned = idp.logoutRequest(sp('univ'), nameId, sessionIndex).replace(/&SigAlg=[^&]*/, '').replace(/&Signature=[^&]*/, '');
    const refused = await t.anonymous.get(unsigned);
    assert.equal(refused.status, 400);
    assert.equal(codeOf(refused), 'saml_signature');
    assert.equal((await client.get<{ authenticated: boolean }>('/api/v1/auth/session')).body.authenticated, true);

    const logout = await t.anonymous.get(idp.logoutRequest(sp('univ'), nameId, sessionIndex));
    assert.equal(logout.status, 303, logout.text);
    const location = new URL(String(logout.headers.location));
    assert.equal(`${location.origin}${location.pathname}`, 'https://idp.univ.example/idp/profile/SAML2/Redirect/SLO');
    const xml = inflateRawSync(Buffer.from(location.searchParams.get('SAMLResponse') ?? '', 'base64')).toString('utf8');
    assert.match(xml, /LogoutResponse/);
    assert.match(xml, /status:Success/);
    assert.equal((await client.get<{ authenticated: boolean }>('/api/v1/auth/session')).body.authenticated, false);
  });

  test('single logout naming the NameID only (no SessionIndex) ends every session of that NameID at the method, and only those', async () => {
    const paul = await person();
    const quinn = await person();
    const nameId = `_paul${Date.now()}`;
    const first = clientFrom(await login('univ', byOid(paul.eppn), { nameId, sessionIndex: '_paul-1' }));
    const second = clientFrom(await login('univ', byOid(paul.eppn), { nameId, sessionIndex: '_paul-2' }));
    const other = clientFrom(await login('univ', byOid(quinn.eppn), { nameId: `${nameId}-other`, sessionIndex: '_paul-1' }));
    const alive = async (client: TestClient) => (await client.get<{ authenticated: boolean }>('/api/v1/auth/session')).body.authenticated;
    assert.equal(await alive(first) && await alive(second) && await alive(other), true);
    const path = idp.logoutRequest(sp('univ'), nameId);
    const xml = inflateRawSync(Buffer.from(new URL(path, PUBLIC_URL).searchParams.get('SAMLRequest') ?? '', 'base64')).toString('utf8');
    assert.doesNotMatch(xml, /SessionIndex/, 'the request names the NameID only');
    const logout = await t.anonymous.get(path);
    assert.equal(logout.status, 303, logout.text);
    const answer = inflateRawSync(Buffer.from(new URL(String(logout.headers.location)).searchParams.get('SAMLResponse') ?? '', 'base64')).toString('utf8');
    assert.match(answer, /status:Success/);
    assert.equal(await alive(first), false);
    assert.equal(await alive(second), false);
    assert.equal(await alive(other), true, 'another NameID keeps its session');
  });

  test('login CSRF: a response posted from another browser (no binding cookie, or another) is refused, nothing written', async () => {
    const rita = await person();
    browser = '';
    const started = await startLogin('univ');
    const set = started.setCookie.find((value) => value.startsWith(`${SSO_BROWSER_POST_COOKIE}=`)) ?? '';
    // PUBLIC_URL is https here: the cookie must survive the IdP's cross-site POST.
    assert.match(set, /SameSite=None/);
    assert.match(set, /Secure/);
    assert.match(set, /HttpOnly/);
    assert.match(set, /Path=\/auth\/sso\//);
    const before = await sessionCount();
    const seen = async () => Number((await sql<{ count: string }>`SELECT count(*)::text AS count FROM sso_seen_ids`.execute(t.runtime.database.db)).rows[0]?.count);
    const seenBefore = await seen();
    const response = await idp.loginResponse(sp('univ'), { inResponseTo: started.requestId, attributes: byOid(rita.eppn) });
    const noCookie = await postAcs('univ', response, started.relayState, '');
    assert.equal(noCookie.status, 400);
    assert.match(noCookie.text, /data-code="sso_browser_mismatch"/);
    assert.ok([noCookie.headers['set-cookie'] ?? []].flat().every((value) => !String(value).startsWith('cc_session=')));
    assert.equal(await sessionCount(), before);
    assert.equal(await seen(), seenBefore, 'the assertion id is not even remembered');

    const again = await startLogin('univ');
    const response2 = await idp.loginResponse(sp('univ'), { inResponseTo: again.requestId, attributes: byOid(rita.eppn) });
    const otherCookie = await postAcs('univ', response2, again.relayState, `${SSO_BROWSER_POST_COOKIE}=${'z'.repeat(43)}`);
    assert.equal(otherCookie.status, 400);
    assert.match(otherCookie.text, /sso_browser_mismatch/);
    assert.equal(await sessionCount(), before);
    // The pending login is spent: the attacker cannot finish it either.
    assert.equal(codeOf(await postAcs('univ', response2, again.relayState)), 'saml_unsolicited');
    assert.equal(await sessionCount(), before);
  });

  test('logging out of campuscard sends the browser to the IdP with a LogoutRequest naming the session', async () => {
    const nina = await person();
    const nameId = `_nina${Date.now()}`;
    const answer = await login('univ', byOid(nina.eppn), { nameId, sessionIndex: '_nina-session' });
    const cookieClient = clientFrom(answer);
    const session = await cookieClient.get<{ csrfToken: string }>('/api/v1/auth/session');
    const client = new TestClient(t.app, { cookie: cookieClient.credentials.cookie ?? '', csrfToken: session.body.csrfToken });
    const out = await client.post<{ next: string | null }>('/api/v1/auth/logout');
    assert.equal(out.status, 200, out.text);
    assert.ok(out.body.next, 'a next URL');
    const next = new URL(out.body.next);
    assert.equal(`${next.origin}${next.pathname}`, 'https://idp.univ.example/idp/profile/SAML2/Redirect/SLO');
    const xml = inflateRawSync(Buffer.from(next.searchParams.get('SAMLRequest') ?? '', 'base64')).toString('utf8');
    assert.match(xml, new RegExp(`>${nameId}</saml:NameID>`));
    assert.match(xml, />_nina-session</);
    // The IdP's LogoutResponse comes back to our SLO endpoint: the browser goes to the login page.
    const back = await t.anonymous.get('/auth/sso/univ/slo?SAMLResponse=abc');
    assert.equal(back.status, 303);
    assert.equal(back.headers.location, '/login');
  });

  test('with an SP key: AuthnRequests and LogoutRequests signed, encrypted assertions read, the certificate in the metadata', async () => {
    const metadata = (await parseXml((await t.anonymous.get('/auth/sso/keyed/metadata')).text)).documentElement;
    const descriptor = selectElements(metadata, "./*[local-name()='SPSSODescriptor']")[0];
    assert.equal(descriptor?.getAttribute('AuthnRequestsSigned'), 'true');
    const body = spKeys.certificate.replace(/-----[A-Z ]+-----|\s/g, '');
    const keys = selectElements(metadata, "//*[local-name()='KeyDescriptor']");
    assert.deepEqual(keys.map((key) => [key.getAttribute('use'), selectElements(key, ".//*[local-name()='X509Certificate']")[0]?.textContent]),
      [['signing', body], ['encryption', body]]);

    const started = await startLogin('keyed');
    const raw = new URL(started.location).search.slice(1).split('&');
    const part = (name: string) => raw.find((pair) => pair.startsWith(`${name}=`)) ?? '';
    const signature = decodeURIComponent(part('Signature').slice('Signature='.length));
    assert.equal(decodeURIComponent(part('SigAlg').slice('SigAlg='.length)), 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
    assert.ok(verify('sha256', Buffer.from(`${part('SAMLRequest')}&${part('RelayState')}&${part('SigAlg')}`), spKeys.certificate, Buffer.from(signature, 'base64')),
      'the AuthnRequest is signed with the SP key (redirect binding)');

    const olga = await person();
    const response = await idp.loginResponse({ ...sp('keyed'), certificate: spKeys.certificate }, {
      encrypt: true, inResponseTo: started.requestId, attributes: byOid(olga.eppn), nameId: '_olga', sessionIndex: '_olga-session',
    });
    const xml = Buffer.from(response, 'base64').toString('utf8');
    assert.match(xml, /EncryptedAssertion/);
    assert.doesNotMatch(xml, new RegExp(olga.eppn), 'nothing readable on the way');
    const answer = await postAcs('keyed', response, started.relayState);
    assert.equal(answer.status, 303, answer.text);
    const cookieClient = clientFrom(answer);
    const session = await cookieClient.get<{ csrfToken: string; principal: { personId: string } }>('/api/v1/auth/session');
    assert.equal(session.body.principal.personId, olga.id);

    const out = await new TestClient(t.app, { cookie: cookieClient.credentials.cookie ?? '', csrfToken: session.body.csrfToken })
      .post<{ next: string }>('/api/v1/auth/logout');
    const next = new URL(out.body.next).search.slice(1).split('&');
    const nextPart = (name: string) => next.find((pair) => pair.startsWith(`${name}=`)) ?? '';
    assert.ok(verify('sha256', Buffer.from(`${nextPart('SAMLRequest')}&${nextPart('SigAlg')}`), spKeys.certificate,
      Buffer.from(decodeURIComponent(nextPart('Signature').slice('Signature='.length)), 'base64')), 'the LogoutRequest is signed');
  });

  test('unknown or disabled methods, and malformed posts, get pages, never JSON or 5xx', async () => {
    const unknown = await t.anonymous.get('/auth/sso/nope/login');
    assert.equal(unknown.status, 404);
    assert.match(String(unknown.headers['content-type']), /^text\/html/);
    const disabled = await t.anonymous.get('/auth/sso/off/login');
    assert.equal(disabled.status, 403);
    assert.equal(codeOf(disabled), 'method_disabled');
    const empty = await t.anonymous.request('POST', '/auth/sso/univ/acs', { payload: 'RelayState=abc', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(empty.status, 400);
    assert.match(String(empty.headers['content-type']), /^text\/html/);
    const garbage = await postAcs('univ', Buffer.from('<not-saml/>').toString('base64'), (await startLogin('univ')).relayState);
    assert.equal(garbage.status, 400);
    const doctype = await postAcs('univ', Buffer.from('<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>').toString('base64'), (await startLogin('univ')).relayState);
    assert.equal(doctype.status, 400);
    const notBase64 = await postAcs('univ', '%%%', (await startLogin('univ')).relayState);
    assert.equal(notBase64.status, 400);
  });
});
