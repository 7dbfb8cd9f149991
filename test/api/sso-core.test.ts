/**
 * Single sign-on core, on a real database: what a verified login (an identity handed over as a
 * protocol would) leads to — sessions like a password login, trusted attributes written through
 * the people service with the method as actor, staff accounts by eppn, unknown persons refused
 * or created, disabled accounts refused — and the pending-state, replay and back-channel
 * primitives the protocols build on; the login-method admin routes and their institution limits.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Fastify from 'fastify';
import fastifyCookie from '@fastify/cookie';
import { sql } from 'kysely';
import { pino } from 'pino';
import { startTestApp, TestClient, type TestApp } from '../helpers/test-app.ts';
import { configureInstitution } from './cards.fixtures.ts';
import { createSsoService, type SsoIdentity, type SsoOutcome, type SsoService } from '../../src/modules/sso/sso.service.ts';
import { replyWithOutcome } from '../../src/modules/sso/sso-outcome.reply.ts';

const METHODS = [
  { id: 'cas-a', protocol: 'cas', casUrl: 'https://cas.univ.example/cas' },
  { id: 'oidc-b', protocol: 'oidc', issuer: 'https://op.second.example', clientId: 'campuscard', clientSecret: 'secret-value-never-shown' },
  { id: 'saml-off', protocol: 'saml', idpMetadataUrl: 'https://md.example/idp.xml' },
  { id: 'cas-never', protocol: 'cas', casUrl: 'https://cas.never.example/cas' },
];
/** A browser-binding cookie value (what /login sets). */
const BROWSER = 'A'.repeat(43);
const CONTACT = 'Service des cartes <cartes@univ.example>\nBureau 12';

interface AdminMethod {
  id: string; protocol: string; saved: boolean; enabled: boolean; label: { fr: string; en: string }; institution: string | null;
  trustedFields: string[]; createUnknown: boolean; contact: string; fieldAttributes: Record<string, string>;
  urls: { login: string; callback: string | null; metadata: string | null; backchannelLogout: string | null; postLogoutRedirect: string | null };
}

function identity(methodId: string, attributes: Record<string, string[]>, sessionKey: string | null = null): SsoIdentity {
  return { methodId, attributes, sessionKey };
}

function sessionOf(outcome: SsoOutcome): Extract<SsoOutcome, { kind: 'session' }> {
  assert.equal(outcome.kind, 'session', JSON.stringify(outcome));
  return outcome as Extract<SsoOutcome, { kind: 'session' }>;
}

describe('single sign-on core', () => {
  let t: TestApp;
  let sso: SsoService;
  let admin: TestClient & { accountId: string };
  let manager: TestClient & { accountId: string };
  let first: string;
  let counter = 0;

  async function who(outcome: SsoOutcome) {
    const client = new TestClient(t.app, { cookie: `cc_session=${sessionOf(outcome).sessionToken}` });
    const session = await client.get<{ authenticated: boolean; principal: { id: string; role: string; personId: string | null } | null }>('/api/v1/auth/session');
    assert.equal(session.status, 200, session.text);
    return session.body;
  }

  async function person(extra: Record<string, unknown> = {}) {
    const login = `p${++counter}`;
    return t.runtime.services.people.create({
      institution: first, eppn: `${login}@univ.example.fr`, lastName: `Nom${login}`, firstName: 'Prénom', personType: 'student',
      email: `${login}@mail.example.org`, ...extra,
    }, { actor: 'test' });
  }

  before(async () => {
    t = await startTestApp({ env: { SSO_METHODS: JSON.stringify(METHODS) } });
    await configureInstitution(t);
    sso = t.runtime.services.sso;
    admin = await t.loginAs('admin');
    manager = await t.loginAs('manager');
    first = (await t.runtime.services.institution.list())[0]?.code ?? '';
    assert.equal((await admin.post('/api/v1/institutions', { code: 'second', name: 'Second École', pic: '888888888' })).status, 201);
    const saved = await admin.put<AdminMethod>('/api/v1/admin/login-methods/cas-a', {
      enabled: true, label: { fr: 'Se connecter avec le CAS A', en: 'Sign in with CAS A' }, institution: first,
      eppnAttribute: 'eduPersonPrincipalName', fieldAttributes: {}, trustedFields: ['firstName', 'lastName', 'email', 'ine'],
      groupsAttribute: null, createUnknown: false, contact: CONTACT,
    });
    assert.equal(saved.status, 200, saved.text);
    const second = await admin.put('/api/v1/admin/login-methods/oidc-b', {
      enabled: true, label: { fr: 'OpenID B', en: 'OpenID B' }, institution: 'second', eppnAttribute: 'eduPersonPrincipalName',
      fieldAttributes: { studentNumber: 'studentId' }, trustedFields: [], groupsAttribute: null, createUnknown: true, contact: 'Scolarité B',
    });
    assert.equal(second.status, 200, second.text);
  });

  after(async () => {
    await t?.close();
  });

  test('the login page lists the enabled methods only, to anybody', async () => {
    const methods = await t.anonymous.get<{ items: Array<{ id: string; protocol: string; label: { fr: string }; institution: string | null; startUrl: string }> }>(
      '/api/v1/auth/sso/methods');
    assert.equal(methods.status, 200, methods.text);
    assert.deepEqual(methods.body.items.map((item) => [item.id, item.protocol, item.label.fr, item.institution, item.startUrl]), [
      ['cas-a', 'cas', 'Se connecter avec le CAS A', first, '/auth/sso/cas-a/login'],
      ['oidc-b', 'oidc', 'OpenID B', 'second', '/auth/sso/oidc-b/login'],
    ]);
  });

  test('a known person logs in: cardholder session like a password one, trusted fields updated with the method as actor', async () => {
    const alice = await person({ studentNumber: '111' });
    const outcome = await sso.completeLogin(identity('cas-a', {
      eduPersonPrincipalName: [alice.eppn.toUpperCase()], givenName: ['Alicia'], sn: [alice.lastName], mail: [alice.email ?? ''],
      supannEtuId: ['999'], supannCodeINE: ['not-an-ine'],
    }, 'ST-alice'), { ip: '192.0.2.1' });
    const opened = sessionOf(outcome);
    assert.equal(opened.landing, '/me');
    assert.ok(opened.expiresAt.getTime() - Date.now() > 11 * 3_600_000, 'same expiry as a password session (12 h)');
    const session = await who(outcome);
    assert.equal(session.principal?.role, 'cardholder');
    assert.equal(session.principal?.personId, alice.id);
    const updated = await t.runtime.services.people.get(alice.id);
    assert.equal(updated.firstName, 'Alicia', 'a trusted field follows the IdP');
    assert.equal(updated.studentNumber, '111', 'an untrusted field does not');
    assert.equal(updated.ine, null, 'a value the person rules refuse is left out, without failing the login');
    const history = await manager.get<{ items: Array<{ actor: string; actorName: string | null; changes: Record<string, unknown> }> }>(
      `/api/v1/persons/${alice.id}/history`);
    assert.equal(history.status, 200, history.text);
    const bySso = history.body.items.filter((item) => item.actor === 'sso:cas-a');
    assert.ok(bySso.some((item) => item.changes.first_name === 'Alicia' || item.changes.firstName === 'Alicia'), JSON.stringify(bySso));
    assert.ok(bySso.every((item) => item.actorName === 'Se connecter avec le CAS A'), 'the history names the login method');
    // A second login reuses the account and changes nothing more.
    const again = await who(await sso.completeLogin(identity('cas-a', { eduPersonPrincipalName: [alice.eppn], givenName: ['Alicia'] }), { ip: null }));
    assert.equal(again.principal?.id, session.principal?.id);
    const historyAgain = await manager.get<{ items: unknown[] }>(`/api/v1/persons/${alice.id}/history`);
    assert.equal(historyAgain.body.items.length, history.body.items.length, 'nothing changed, nothing recorded');
  });

  test('an e-mail already used by another account neither blocks the login nor links to that account', async () => {
    const bob = await person();
    const other = await t.loginAs('admin', { email: bob.email ?? '' });
    const session = await who(await sso.completeLogin(identity('cas-a', { eduPersonPrincipalName: [bob.eppn], mail: [bob.email ?? ''] }), { ip: null }));
    assert.equal(session.principal?.role, 'cardholder');
    assert.notEqual(session.principal?.id, other.accountId);
    const account = await t.runtime.services.auth.accountOfPerson(bob.id);
    assert.ok(account && account.email !== bob.email?.toLowerCase(), account?.email);
  });

  test('trusted enrolment fields change the enrolment at the method\'s institution only', async () => {
    const ivy = await person({ studentNumber: 'A-1' });
    await t.runtime.services.people.update(ivy.id, { institution: 'second', personType: 'student', studentNumber: 'B-OLD' }, { actor: 'test' });
    await t.runtime.services.sso.save('oidc-b', {
      enabled: true, label: { fr: 'OpenID B', en: 'OpenID B' }, institution: 'second', eppnAttribute: 'eduPersonPrincipalName',
      fieldAttributes: { studentNumber: 'studentId' }, trustedFields: ['studentNumber', 'affiliation'], groupsAttribute: null, createUnknown: true,
      contact: 'Scolarité B',
    }, null, { actor: 'test' });
    sessionOf(await sso.completeLogin(identity('oidc-b', { eduPersonPrincipalName: [ivy.eppn], studentId: ['B-NEW'], supannEtuId: ['ignored'],
      eduPersonPrimaryAffiliation: ['student'] }), { ip: null }));
    const enrolments = await t.runtime.services.people.enrolmentsOf(ivy.id);
    assert.deepEqual(enrolments.map((enrolment) => [enrolment.institution, enrolment.studentNumber]).sort(), [[first, 'A-1'], ['second', 'B-NEW']].sort());
    assert.equal(enrolments.find((enrolment) => enrolment.institution === 'second')?.affiliation, 'student');
  });

  test('a federation-wide method: trusted enrolment fields go to the person\'s only enrolment, and nobody unknown is created', async () => {
    await sso.save('saml-off', {
      enabled: true, label: { fr: 'Fédération', en: 'Federation' }, institution: null, eppnAttribute: 'eduPersonPrincipalName',
      fieldAttributes: {}, trustedFields: ['studentNumber', 'lastName'], groupsAttribute: null, createUnknown: true, contact: 'Fédération',
    }, null, { actor: 'test' });
    try {
      const jo = await person({ studentNumber: 'J-1' });
      const session = await who(await sso.completeLogin(identity('saml-off', {
        'urn:oid:1.3.6.1.4.1.5923.1.1.1.6': [jo.eppn], 'urn:oid:1.3.6.1.4.1.7135.1.2.1.10': ['J-2'], 'urn:oid:2.5.4.4': ['Nouveau'],
      }), { ip: null }));
      assert.equal(session.principal?.personId, jo.id, 'found by the eppn OID');
      const updated = await t.runtime.services.people.get(jo.id);
      assert.equal(updated.studentNumber, 'J-2');
      assert.equal(updated.lastName, 'Nouveau');
      const stranger = await sso.completeLogin(identity('saml-off', { eduPersonPrincipalName: ['new@federation.example'], givenName: ['N'], sn: ['W'],
        eduPersonAffiliation: ['student'] }), { ip: null });
      assert.deepEqual(stranger, { kind: 'refused', reason: 'unknown_person', contact: 'Fédération', institutionName: null },
        'without an institution, nobody is created');
    } finally {
      await sso.save('saml-off', {
        enabled: false, label: { fr: 'SAML', en: 'SAML' }, institution: null, eppnAttribute: 'eduPersonPrincipalName', fieldAttributes: {},
        trustedFields: [], groupsAttribute: null, createUnknown: false, contact: '',
      }, null, { actor: 'test' });
    }
  });

  test('two first logins of one person at once open two sessions of one new account', async () => {
    const hana = await person();
    const both = await Promise.all([1, 2].map(() => sso.completeLogin(identity('cas-a', { eduPersonPrincipalName: [hana.eppn] }), { ip: null })));
    const sessions = await Promise.all(both.map(who));
    assert.equal(sessions[0]?.principal?.personId, hana.id);
    assert.equal(sessions[0]?.principal?.id, sessions[1]?.principal?.id);
    const accounts = await sql<{ n: number }>`SELECT count(*)::int AS n FROM accounts WHERE person_id = ${hana.id}`.execute(t.runtime.database.db);
    assert.equal(Number(accounts.rows[0]?.n), 1);
  });

  test('an office role granted to an eppn before the person ever logged in; a disabled account is refused', async () => {
    const created = await admin.post<{ id: string; eppn: string | null }>('/api/v1/accounts', {
      email: 'carol.office@univ.example.fr', displayName: 'Carol', role: 'manager', eppn: 'Carol@Univ.Example.FR',
    });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.eppn, 'carol@univ.example.fr');
    const taken = await admin.post('/api/v1/accounts', { email: 'carol2@univ.example.fr', displayName: 'Carol 2', role: 'viewer', eppn: 'carol@univ.example.fr' });
    assert.equal(taken.status, 409);
    assert.equal(taken.body.code, 'eppn_taken');
    const outcome = await sso.completeLogin(identity('cas-a', { eduPersonPrincipalName: ['carol@univ.example.fr'] }), { ip: null });
    assert.equal(sessionOf(outcome).landing, '/office');
    const session = await who(outcome);
    assert.equal(session.principal?.id, created.body.id);
    assert.equal(session.principal?.role, 'manager');
    // The eppn moves to another person: the old one no longer reaches the office account.
    const moved = await admin.patch<{ eppn: string | null }>(`/api/v1/accounts/${created.body.id}`, { eppn: 'Carole@Univ.Example.FR' });
    assert.equal(moved.status, 200, moved.text);
    assert.equal(moved.body.eppn, 'carole@univ.example.fr');
    const old = await sso.completeLogin(identity('cas-a', { eduPersonPrincipalName: ['carol@univ.example.fr'] }), { ip: null });
    assert.equal(old.kind === 'refused' && old.reason, 'unknown_person');
    assert.equal((await who(await sso.completeLogin(identity('cas-a', { eduPersonPrincipalName: ['carole@univ.example.fr'] }), { ip: null }))).principal?.id,
      created.body.id);
    assert.equal((await admin.patch(`/api/v1/accounts/${created.body.id}`, { eppn: 'carol@univ.example.fr' })).status, 200);
    assert.equal((await admin.patch(`/api/v1/accounts/${created.body.id}`, { eppn: 'not an eppn' })).status, 400);
    assert.equal((await admin.patch(`/api/v1/accounts/${created.body.id}`, { disabled: true })).status, 200);
    assert.equal((await who(outcome)).authenticated, false, 'disabling ended the session');
    const refused = await sso.completeLogin(identity('cas-a', { eduPersonPrincipalName: ['carol@univ.example.fr'] }), { ip: null });
    assert.deepEqual(refused, { kind: 'refused', reason: 'account_disabled', contact: CONTACT, institutionName: 'Université Exemple' });
  });

  test('an unknown person is refused with the contact, unless the method creates them from an affiliation allowed to request', async () => {
    const refused = await sso.completeLogin(identity('cas-a', { eduPersonPrincipalName: ['nobody@univ.example.fr'], givenName: ['No'], sn: ['Body'],
      eduPersonAffiliation: ['student'] }), { ip: null });
    assert.equal(refused.kind, 'refused');
    assert.equal(refused.kind === 'refused' && refused.reason, 'unknown_person');
    assert.equal(refused.kind === 'refused' && refused.contact, CONTACT);
    await assert.rejects(t.runtime.services.people.getByEppn('nobody@univ.example.fr'), 'nobody was created');

    const alum = await sso.completeLogin(identity('oidc-b', { eduPersonPrincipalName: ['alum@second.example'], givenName: ['Al'], sn: ['Um'],
      eduPersonAffiliation: ['alum'] }), { ip: null });
    assert.equal(alum.kind === 'refused' && alum.reason, 'unknown_person', 'an affiliation mapping to no type creates nobody');
    const guest = await sso.completeLogin(identity('oidc-b', { eduPersonPrincipalName: ['guest@second.example'], givenName: ['Gu'], sn: ['Est'],
      eduPersonAffiliation: ['affiliate'] }), { ip: null });
    assert.equal(guest.kind === 'refused' && guest.reason, 'unknown_person', 'a type without self-request creates nobody');

    const created = await sso.completeLogin(identity('oidc-b', { eduPersonPrincipalName: ['New.Student@second.example'], givenName: ['Nouvelle'],
      sn: ['Étudiante'], mail: ['new@second.example'], eduPersonAffiliation: ['member', 'student'], eduPersonPrimaryAffiliation: ['student'],
      studentId: ['B-42'] }), { ip: null });
    const session = await who(created);
    assert.equal(session.principal?.role, 'cardholder');
    const newcomer = await t.runtime.services.people.getByEppn('new.student@second.example');
    assert.equal(session.principal?.personId, newcomer.id);
    assert.deepEqual(newcomer.enrolments.map((enrolment) => [enrolment.institution, enrolment.personType, enrolment.studentNumber]),
      [['second', 'student', 'B-42']]);
    assert.equal(newcomer.email, 'new@second.example');
  });

  test('no eppn, or a disabled method, is a refusal and not an error', async () => {
    const noEppn = await sso.completeLogin(identity('cas-a', { mail: ['x@univ.example.fr'] }), { ip: null });
    assert.equal(noEppn.kind === 'refused' && noEppn.reason, 'no_eppn');
    const off = await sso.completeLogin(identity('saml-off', { eduPersonPrincipalName: ['x@univ.example.fr'] }), { ip: null });
    assert.equal(off.kind === 'refused' && off.reason, 'method_disabled');
    await assert.rejects(sso.completeLogin(identity('nope', {}), { ip: null }), (error: { code?: string }) => error.code === 'sso_method_not_found');
  });

  test('returnTo: a path of this site is kept, anything else lands at home', async () => {
    const dave = await person();
    const login = (returnTo: string | null) => sso.completeLogin(identity('cas-a', { eduPersonPrincipalName: [dave.eppn] }), { ip: null, returnTo });
    assert.equal(sessionOf(await login('/me/cards?x=1')).landing, '/me/cards?x=1');
    // The office page the browser's previous user left is not where a cardholder lands.
    for (const office of ['/office', '/office/cards?state=NEW', '/office?x=1']) assert.equal(sessionOf(await login(office)).landing, '/me', office);
    assert.equal(sessionOf(await login('/officers-club')).landing, '/officers-club', 'only the console itself');
    for (const evil of ['https://evil.example/', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)']) {
      assert.equal(sessionOf(await login(evil)).landing, '/me', evil);
    }
    const begun = await sso.beginLogin('cas-a', { returnTo: 'https://evil.example/', browser: BROWSER });
    assert.deepEqual(await sso.takeLogin('cas-a', begun.state, BROWSER), { returnTo: null, payload: {}, sameBrowser: true });
  });

  test('a pending login is taken once, by its own method, before it expires; only its hash is stored', async () => {
    const begun = await sso.beginLogin('oidc-b', { returnTo: '/me', payload: { codeVerifier: 'v', nonce: 'n' }, browser: BROWSER });
    const stored = await sql<{ state_hash: string; browser_hash: string }>`SELECT state_hash, browser_hash FROM sso_pending_logins`
      .execute(t.runtime.database.db);
    assert.ok(stored.rows.every((row) => row.state_hash !== begun.state && row.browser_hash !== BROWSER));
    assert.equal(await sso.takeLogin('cas-a', begun.state, BROWSER), undefined, 'another method cannot take it');
    assert.deepEqual(await sso.takeLogin('oidc-b', begun.state, BROWSER),
      { returnTo: '/me', payload: { codeVerifier: 'v', nonce: 'n' }, sameBrowser: true });
    assert.equal(await sso.takeLogin('oidc-b', begun.state, BROWSER), undefined, 'single use');
    assert.equal(await sso.takeLogin('oidc-b', 'forged', BROWSER), undefined);
    assert.equal(await sso.takeLogin('oidc-b', null, BROWSER), undefined);
    const late = await sso.beginLogin('oidc-b', { browser: BROWSER });
    await sql`UPDATE sso_pending_logins SET expires_at = now() - interval '1 second'`.execute(t.runtime.database.db);
    assert.equal(await sso.takeLogin('oidc-b', late.state, BROWSER), undefined, 'expired');
    await assert.rejects(sso.beginLogin('nope', { browser: BROWSER }), (error: { code?: string }) => error.code === 'sso_method_not_found');
    assert.ok(await sso.purgeExpired() >= 1);
  });

  test('a pending login taken with another browser value, or none, is not the same browser (and is spent)', async () => {
    for (const other of ['B'.repeat(43), '', null, undefined, BROWSER.slice(1)]) {
      const begun = await sso.beginLogin('cas-a', { returnTo: '/me', browser: BROWSER });
      assert.equal((await sso.takeLogin('cas-a', begun.state, other))?.sameBrowser, false, String(other));
      assert.equal(await sso.takeLogin('cas-a', begun.state, BROWSER), undefined, 'spent by the refused attempt');
    }
  });

  test('an id is remembered once per method (replays refused) until it expires', async () => {
    const until = new Date(Date.now() + 3_600_000);
    assert.equal(await sso.rememberOnce('oidc-b', 'jti-1', until), true);
    assert.equal(await sso.rememberOnce('oidc-b', 'jti-1', until), false);
    assert.equal(await sso.rememberOnce('cas-a', 'jti-1', until), true, 'per method');
    await sql`UPDATE sso_seen_ids SET expires_at = now() - interval '1 second'`.execute(t.runtime.database.db);
    assert.equal(await sso.rememberOnce('oidc-b', 'jti-1', until), true, 'an expired record no longer blocks');
  });

  test('a back-channel logout ends the sessions it names, and only those', async () => {
    const erin = await person();
    const login = (key: string) => sso.completeLogin(identity('cas-a', { eduPersonPrincipalName: [erin.eppn] }, key), { ip: null });
    const a = await login('ST-erin-1');
    const b = await login('ST-erin-1');
    const c = await login('ST-erin-2');
    assert.equal(await sso.endSsoSessions('oidc-b', 'ST-erin-1'), 0, 'another method names other sessions');
    assert.equal(await sso.endSsoSessions('cas-a', 'ST-erin-1'), 2);
    assert.equal((await who(a)).authenticated, false);
    assert.equal((await who(b)).authenticated, false);
    assert.equal((await who(c)).authenticated, true);
    const audit = await sql<{ changes: Record<string, unknown> }>`SELECT changes FROM audit_log WHERE table_name = 'sessions' AND changes ? 'sso_method_id'`
      .execute(t.runtime.database.db);
    assert.ok(audit.rows.length > 0 && audit.rows.every((row) => !('sso_session_key' in row.changes) && !('sso_logout_data' in row.changes)
      && !('token_hash' in row.changes)), 'session keys and logout data never reach the audit log');
  });

  test('a logout naming only the subject ends every session of that subject at that method, and only those', async () => {
    const gina = await person();
    const hugo = await person();
    const login = (who: { eppn: string }, key: string, subject: string, method = 'cas-a') => sso.completeLogin(
      { methodId: method, attributes: { eduPersonPrincipalName: [who.eppn] }, sessionKey: key, subjectKey: subject }, { ip: null });
    const a = await login(gina, 'k-1', 'subject-gina');
    const b = await login(gina, 'k-2', 'subject-gina');
    const other = await login(hugo, 'k-3', 'subject-hugo');
    assert.equal(await sso.endSsoSubjectSessions('oidc-b', 'subject-gina'), 0, 'another method names other sessions');
    assert.equal(await sso.endSsoSubjectSessions('cas-a', ''), 0);
    assert.equal(await sso.endSsoSessions('cas-a', 'subject-gina'), 0, 'a subject key is no session key');
    assert.equal(await sso.endSsoSubjectSessions('cas-a', 'subject-gina'), 2);
    assert.equal((await who(a)).authenticated, false);
    assert.equal((await who(b)).authenticated, false);
    assert.equal((await who(other)).authenticated, true);
    const audit = await sql<{ changes: Record<string, unknown> }>`SELECT changes FROM audit_log WHERE table_name = 'sessions' AND changes ? 'sso_method_id'`
      .execute(t.runtime.database.db);
    assert.ok(audit.rows.every((row) => !('sso_subject_key' in row.changes)), 'subject keys never reach the audit log');
  });

  test('logout of an SSO session answers where to end the IdP session (the protocol says)', async () => {
    // A service of its own, so that registering a protocol here does not clash with the real ones.
    const own = createSsoService({
      db: t.runtime.database.db, ssoMethods: t.config.ssoMethods, publicUrl: 'https://cards.example', cookieSecure: true,
      auth: t.runtime.services.auth, people: t.runtime.services.people, institution: t.runtime.services.institution, logger: pino({ level: 'silent' }),
    });
    own.registerProtocol('cas', { logoutUrl: (method, session) => `${(method.config as { casUrl: string }).casUrl}/logout?service=${encodeURIComponent(session.returnUrl)}&k=${session.sessionKey}` });
    assert.throws(() => own.registerProtocol('cas', { logoutUrl: () => null }), /already registered/);
    const frank = await person();
    const opened = sessionOf(await own.completeLogin({ methodId: 'cas-a', attributes: { eduPersonPrincipalName: [frank.eppn] }, sessionKey: 'ST-f',
      logoutData: { hint: 'h' } }, { ip: null }));
    assert.equal(opened.cookieSecure, true);
    const client = new TestClient(t.app, { cookie: `cc_session=${opened.sessionToken}` });
    const csrf = (await client.get<{ csrfToken: string }>('/api/v1/auth/session')).body.csrfToken;
    const loggedOut = await new TestClient(t.app, { cookie: `cc_session=${opened.sessionToken}`, csrfToken: csrf }).post<{ next: string | null }>('/api/v1/auth/logout');
    assert.equal(loggedOut.status, 200, loggedOut.text);
    assert.ok(loggedOut.body.next === null || typeof loggedOut.body.next === 'string');
    assert.equal((await client.get<{ authenticated: boolean }>('/api/v1/auth/session')).body.authenticated, false);
    const next = await own.logoutUrl({ methodId: 'cas-a', sessionKey: 'ST-f', logoutData: { hint: 'h' } });
    assert.equal(next, 'https://cas.univ.example/cas/logout?service=https%3A%2F%2Fcards.example%2Flogin&k=ST-f');
    assert.equal(await own.logoutUrl({ methodId: 'oidc-b', sessionKey: null, logoutData: null }), null, 'no handler: nowhere to go');
    assert.equal(await own.logoutUrl({ methodId: 'gone', sessionKey: null, logoutData: null }), null);
  });

  test('the callback answer: a session sets the same cookie as a password login and redirects; a refusal is a bilingual page', async () => {
    const gina = await person();
    const outcome = await sso.completeLogin(identity('cas-a', { eduPersonPrincipalName: [gina.eppn] }), { ip: null, returnTo: '/me' });
    const refused = await sso.completeLogin(identity('cas-a', { eduPersonPrincipalName: ['stranger@univ.example.fr'] }), { ip: null });
    const app = Fastify();
    await app.register(fastifyCookie);
    app.get('/ok', async (_request, reply) => replyWithOutcome(reply, outcome, 'fr'));
    app.get('/no', async (_request, reply) => replyWithOutcome(reply, refused, 'en'));
    try {
      const ok = await app.inject({ method: 'GET', url: '/ok' });
      assert.equal(ok.statusCode, 303);
      assert.equal(ok.headers.location, '/me');
      const cookie = String(ok.headers['set-cookie']);
      assert.match(cookie, /^cc_session=[A-Za-z0-9_-]{43};/);
      assert.match(cookie, /HttpOnly/);
      assert.match(cookie, /SameSite=Lax/);
      assert.match(cookie, /Path=\//);
      const no = await app.inject({ method: 'GET', url: '/no' });
      assert.equal(no.statusCode, 403);
      assert.match(String(no.headers['content-type']), /text\/html/);
      assert.match(no.body, /<html lang="en">/);
      assert.match(no.body, /You cannot sign in/);
      assert.match(no.body, /Connexion impossible/, 'French too');
      assert.match(no.body, /Service des cartes &#60;cartes@univ.example&#62;/, 'the contact, escaped');
      assert.ok(!no.body.includes('<cartes@'), 'never raw HTML from the settings');
      assert.match(no.body, /Université Exemple/);
    } finally {
      await app.close();
    }
  });

  describe('admin routes', () => {
    const body = (institution: string | null) => ({
      enabled: true, label: { fr: 'B', en: 'B' }, institution, eppnAttribute: 'eduPersonPrincipalName', fieldAttributes: {},
      trustedFields: ['firstName'], groupsAttribute: 'memberOf', createUnknown: false, contact: '',
    });

    test('only admins read and save, with the URLs to give the IdP admin and never a secret', async () => {
      assert.equal((await t.anonymous.get('/api/v1/admin/login-methods')).status, 401);
      assert.equal((await manager.get('/api/v1/admin/login-methods')).status, 403);
      assert.equal((await manager.put('/api/v1/admin/login-methods/cas-a', body(first))).status, 403);
      const list = await admin.get<{ items: AdminMethod[] }>('/api/v1/admin/login-methods');
      assert.equal(list.status, 200, list.text);
      assert.deepEqual(list.body.items.map((item) => [item.id, item.protocol, item.saved]), [
        ['cas-a', 'cas', true], ['oidc-b', 'oidc', true], ['saml-off', 'saml', true], ['cas-never', 'cas', false],
      ]);
      const [cas, oidc, saml, never] = list.body.items;
      assert.deepEqual([never?.enabled, never?.label.fr, never?.institution, never?.trustedFields], [false, 'Se connecter avec CAS (cas-never)', null, []],
        'a method never saved shows closed defaults');
      assert.equal(cas?.urls.callback, `${t.config.publicUrl}/auth/sso/cas-a/callback`);
      assert.equal(oidc?.urls.backchannelLogout, `${t.config.publicUrl}/auth/sso/oidc-b/backchannel-logout`);
      assert.equal(oidc?.urls.postLogoutRedirect, `${t.config.publicUrl}/login`, 'the post-logout redirect URI to register at the provider');
      assert.equal(cas?.urls.postLogoutRedirect, null);
      assert.equal(saml?.urls.metadata, `${t.config.publicUrl}/auth/sso/saml-off/metadata`);
      assert.equal(saml?.enabled, false);
      assert.ok(!list.text.includes('secret-value-never-shown'));
      assert.deepEqual(oidc?.fieldAttributes, { studentNumber: 'studentId' });
    });

    test('an admin limited to an institution sees and edits only its methods', async () => {
      const limited = await t.loginAs('admin', { institutions: ['second'] });
      const list = await limited.get<{ items: AdminMethod[] }>('/api/v1/admin/login-methods');
      assert.deepEqual(list.body.items.map((item) => item.id), ['oidc-b']);
      assert.equal((await limited.get('/api/v1/admin/login-methods/cas-a')).status, 404);
      assert.equal((await limited.put('/api/v1/admin/login-methods/cas-a', body(first))).status, 404);
      const moved = await limited.put('/api/v1/admin/login-methods/oidc-b', body(first));
      assert.equal(moved.status, 422, 'cannot hand the method to another institution');
      assert.equal(moved.body.code, 'unknown_institution');
      assert.equal((await limited.put('/api/v1/admin/login-methods/oidc-b', body(null))).status, 403, 'nor make it federation-wide');
      const saved = await limited.put<AdminMethod>('/api/v1/admin/login-methods/oidc-b', { ...body('second'), createUnknown: true });
      assert.equal(saved.status, 200, saved.text);
      assert.deepEqual(saved.body.trustedFields, ['firstName']);
      assert.equal((await admin.get<AdminMethod>('/api/v1/admin/login-methods/cas-a')).body.contact, CONTACT, 'the other method is untouched');
    });

    test('bad input is a 4xx naming the problem, and nothing is written', async () => {
      const before = (await admin.get<AdminMethod>('/api/v1/admin/login-methods/cas-a')).body;
      const cases: Array<[string, unknown, number]> = [
        ['/api/v1/admin/login-methods/cas-a', { ...body(first), trustedFields: ['password'] }, 400],
        ['/api/v1/admin/login-methods/cas-a', { ...body(first), label: { fr: '', en: 'x' } }, 400],
        ['/api/v1/admin/login-methods/cas-a', { ...body(first), extra: true }, 400],
        ['/api/v1/admin/login-methods/cas-a', { ...body(first), fieldAttributes: { password: 'x' } }, 400],
        ['/api/v1/admin/login-methods/cas-a', { ...body(first), eppnAttribute: '' }, 400],
        ['/api/v1/admin/login-methods/cas-a', { ...body(first), contact: 'x'.repeat(1001) }, 400],
        ['/api/v1/admin/login-methods/cas-a', { ...body('nowhere') }, 422],
        ['/api/v1/admin/login-methods/Not_An_Id', body(first), 400],
        ['/api/v1/admin/login-methods/unknown', body(first), 404],
      ];
      for (const [url, payload, status] of cases) {
        const response = await admin.put(url, payload);
        assert.equal(response.status, status, `${url} ${JSON.stringify(payload).slice(0, 80)}: ${response.text}`);
        assert.match(String(response.headers['content-type']), /application\/problem\+json/);
        assert.equal(typeof response.body.code, 'string');
      }
      assert.deepEqual((await admin.get<AdminMethod>('/api/v1/admin/login-methods/cas-a')).body, before);
    });
  });
});
