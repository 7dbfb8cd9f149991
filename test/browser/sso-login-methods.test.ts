/**
 * Single sign-on in Chromium: the login page offers one button per enabled method, worded in the
 * interface's language, above the local login (which still works); the admin console's
 * "Connexion (SSO)" tab shows each configured method with the URL to give the identity
 * provider's admin, and saves its settings; logging out of a single sign-on session goes on to
 * the identity provider's logout.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { ensureWebBuilt, launchBrowser, newContext, PASSWORD } from './browser-harness.ts';

const METHODS = [
  { id: 'cas-univ', protocol: 'cas', casUrl: 'https://cas.univ.example/cas' },
  { id: 'oidc-off', protocol: 'oidc', issuer: 'https://op.univ.example', clientId: 'campuscard', clientSecret: 'not-shown-anywhere' },
];
/** The CAS whose logout page the browser reaches: a local page standing for the IdP (only /cas/logout is asked). */
const LOCAL_CAS_ID = 'cas-local';

describe('single sign-on on the login page and in the admin console', () => {
  let t: TestApp;
  let baseUrl: string;
  let browser: Browser;
  let idp: Server;
  const idpRequests: string[] = [];
  const adminEmail = `sso-admin-${process.pid}@univ.example.fr`;

  before(async () => {
    ensureWebBuilt();
    idp = createServer((request, response) => {
      idpRequests.push(request.url ?? '');
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>CAS</title><p>Déconnecté du CAS</p>');
    });
    await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
    const casUrl = `http://127.0.0.1:${(idp.address() as AddressInfo).port}/cas`;
    t = await startTestApp({ env: {
      SSO_METHODS: JSON.stringify([...METHODS, { id: LOCAL_CAS_ID, protocol: 'cas', casUrl }]), SSO_ALLOW_INSECURE_IDP: 'true',
    } });
    await t.runtime.services.institution.save({
      name: 'Université Exemple', pic: '999999999', schacHomeOrganization: 'univ.example.fr', country: 'FR', esiScope: 'national', settings: {},
    }, { actor: 'test' });
    const code = (await t.runtime.services.institution.list())[0]?.code ?? null;
    await t.runtime.services.sso.save('cas-univ', {
      enabled: true, label: { fr: 'Se connecter avec le CAS de l’université', en: 'Sign in with the university CAS' }, institution: code,
      eppnAttribute: 'eduPersonPrincipalName', fieldAttributes: {}, trustedFields: ['firstName'], groupsAttribute: null, createUnknown: false,
      contact: 'cartes@univ.example.fr',
    }, null, { actor: 'test' });
    await t.runtime.services.sso.save(LOCAL_CAS_ID, {
      enabled: true, label: { fr: 'CAS local', en: 'Local CAS' }, institution: code, eppnAttribute: 'eduPersonPrincipalName', fieldAttributes: {},
      trustedFields: [], groupsAttribute: null, createUnknown: false, contact: '',
    }, null, { actor: 'test' });
    await t.runtime.services.auth.createAccount({ email: adminEmail, password: PASSWORD, role: 'admin', displayName: 'SSO admin' }, { actor: 'test' });
    baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await t?.close();
    await new Promise((resolve) => idp?.close(resolve));
  });

  test('one button per enabled method, in the interface language, above the local login that still works', async () => {
    for (const [locale, label] of [['fr-FR', 'Se connecter avec le CAS de l’université'], ['en-GB', 'Sign in with the university CAS']] as const) {
      const context = await newContext(browser, baseUrl, { locale });
      try {
        const page = await context.newPage();
        await page.goto('/login');
        const button = page.getByTestId('login-sso-cas-univ');
        await button.waitFor();
        assert.equal((await button.textContent())?.trim(), label);
        assert.equal(await button.getAttribute('href'), '/auth/sso/cas-univ/login');
        assert.equal(await page.getByTestId('login-sso-oidc-off').count(), 0, 'a closed method has no button');
        await page.getByTestId('login-local').waitFor();
      } finally {
        await context.close();
      }
    }
    const context = await newContext(browser, baseUrl);
    try {
      const page = await context.newPage();
      // A page asked for before login: the button brings the browser back there after the IdP.
      await page.goto('/office/admin');
      await page.waitForURL(/\/login/);
      const href = await page.getByTestId('login-sso-cas-univ').getAttribute('href');
      assert.equal(href, `/auth/sso/cas-univ/login?returnTo=${encodeURIComponent('/office/admin')}`);
      await page.getByTestId('login-email').fill(adminEmail);
      await page.getByTestId('login-password').fill(PASSWORD);
      await page.getByTestId('login-submit').click();
      await page.waitForURL(/\/office\/admin$/);
    } finally {
      await context.close();
    }
  });

  test('the admin console lists the methods with the URLs for the IdP admin, and saves the settings', async () => {
    const context = await newContext(browser, baseUrl);
    try {
      const page = await context.newPage();
      await page.goto('/login');
      await page.getByTestId('login-email').fill(adminEmail);
      await page.getByTestId('login-password').fill(PASSWORD);
      await page.getByTestId('login-submit').click();
      await page.waitForURL(/\/office$/);
      await page.goto('/office/admin?tab=sso');
      await page.getByTestId('sso-method-cas-univ').waitFor();
      assert.equal(await page.getByTestId('sso-url-callback-cas-univ').textContent(), `${t.config.publicUrl}/auth/sso/cas-univ/callback`);
      assert.equal(await page.getByTestId('sso-url-backchannel-oidc-off').textContent(), `${t.config.publicUrl}/auth/sso/oidc-off/backchannel-logout`);
      assert.equal(await page.getByTestId('sso-url-post-logout-oidc-off').textContent(), `${t.config.publicUrl}/login`);
      // What the IdP's admin needs besides the URLs: the CAS service prefix as a pattern and the attributes to release
      // (from the method's settings), the OpenID client's authentication, PKCE and scopes.
      assert.equal(await page.getByTestId('sso-cas-pattern-cas-univ').textContent(),
        `^${`${t.config.publicUrl}/auth/sso/cas-univ/callback`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*`);
      const released = (await page.getByTestId('sso-attributes-cas-univ').textContent() ?? '').split(', ');
      for (const name of ['eduPersonPrincipalName', 'mail', 'givenName', 'sn', 'supannEtuId', 'supannCodeINE', 'eduPersonPrimaryAffiliation', 'isMemberOf']) {
        assert.ok(released.includes(name), `${name} in ${released.join(', ')}`);
      }
      assert.equal(await page.getByTestId('sso-oidc-auth-oidc-off').textContent(), 'client_secret_basic');
      assert.equal(await page.getByTestId('sso-oidc-pkce-oidc-off').textContent(), 'S256');
      assert.equal(await page.getByTestId('sso-oidc-scopes-oidc-off').textContent(), 'openid email profile');
      // Each value is copyable.
      const card = page.getByTestId('sso-method-oidc-off');
      assert.ok(await card.getByRole('button', { name: 'Copier' }).count() >= 6);
      assert.equal(await page.getByTestId('sso-status-oidc-off').textContent(), 'Fermé');
      assert.ok(!(await page.content()).includes('not-shown-anywhere'), 'the client secret is never shown');

      await page.getByTestId('sso-edit-oidc-off').click();
      await page.getByTestId('sso-trust-help-oidc-off').waitFor();
      await page.getByTestId('sso-label-fr-oidc-off').fill('Se connecter avec l’ENT');
      await page.getByTestId('sso-label-en-oidc-off').fill('Sign in with the ENT');
      await page.getByTestId('sso-enabled-oidc-off').click({ force: true });
      await page.getByTestId('sso-trust-lastName-oidc-off').click({ force: true });
      await page.getByTestId('sso-contact-oidc-off').fill('Bureau des cartes, bâtiment A');
      await page.getByTestId('sso-save-oidc-off').click();
      await page.getByTestId('sso-saved-oidc-off').waitFor();
      const saved = await t.runtime.services.sso.method('oidc-off');
      assert.equal(saved.settings.enabled, true);
      assert.deepEqual(saved.settings.label, { fr: 'Se connecter avec l’ENT', en: 'Sign in with the ENT' });
      assert.deepEqual(saved.settings.trustedFields, ['lastName']);
      assert.equal(saved.settings.contact, 'Bureau des cartes, bâtiment A');
      await page.getByTestId('sso-status-oidc-off').filter({ hasText: 'Ouvert' }).waitFor();

      await page.getByTestId('sso-label-fr-oidc-off').fill('');
      await page.getByTestId('sso-save-oidc-off').click();
      assert.equal((await t.runtime.services.sso.method('oidc-off')).settings.label.fr, 'Se connecter avec l’ENT', 'an empty label is refused');
    } finally {
      await context.close();
    }
  });

  test('logging out of a single sign-on session goes on to the identity provider\'s logout', async () => {
    const person = await t.runtime.services.people.create({
      eppn: `sso-holder-${process.pid}@univ.example.fr`, firstName: 'Lina', lastName: 'Roux', personType: 'student',
    }, { actor: 'test' });
    const outcome = await t.runtime.services.sso.completeLogin({ methodId: LOCAL_CAS_ID, attributes: { eduPersonPrincipalName: [person.eppn] },
      sessionKey: 'ST-browser' }, { ip: null });
    assert.equal(outcome.kind, 'session');
    const context = await newContext(browser, baseUrl);
    try {
      await context.addCookies([{ name: 'cc_session', value: outcome.kind === 'session' ? outcome.sessionToken : '', url: baseUrl, httpOnly: true, sameSite: 'Lax' }]);
      const page = await context.newPage();
      await page.goto('/me');
      await page.getByTestId('logout').click();
      await page.waitForURL(/127\.0\.0\.1:\d+\/cas\/logout/);
      await page.getByText('Déconnecté du CAS').waitFor();
      assert.ok(idpRequests.some((url) => url.startsWith('/cas/logout')), idpRequests.join(' '));
      const session = await t.anonymous.request('GET', '/api/v1/auth/session', { headers: { cookie: `cc_session=${outcome.kind === 'session' ? outcome.sessionToken : ''}` } });
      assert.equal(session.body.authenticated, false, 'the campuscard session is over too');
    } finally {
      await context.close();
    }
  });
});
