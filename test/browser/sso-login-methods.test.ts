/**
 * Single sign-on in Chromium: the login page offers one button per enabled method, worded in the
 * interface's language, above the local login (which still works); the admin console's
 * "Connexion (SSO)" tab shows each configured method with the URL to give the identity
 * provider's admin, and saves its settings.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { ensureWebBuilt, launchBrowser, newContext, PASSWORD } from './browser-harness.ts';

const METHODS = [
  { id: 'cas-univ', protocol: 'cas', casUrl: 'https://cas.univ.example/cas' },
  { id: 'oidc-off', protocol: 'oidc', issuer: 'https://op.univ.example', clientId: 'campuscard', clientSecret: 'not-shown-anywhere' },
];

describe('single sign-on on the login page and in the admin console', () => {
  let t: TestApp;
  let baseUrl: string;
  let browser: Browser;
  const adminEmail = `sso-admin-${process.pid}@univ.example.fr`;

  before(async () => {
    ensureWebBuilt();
    t = await startTestApp({ env: { SSO_METHODS: JSON.stringify(METHODS) } });
    await t.runtime.services.institution.save({
      name: 'Université Exemple', pic: '999999999', schacHomeOrganization: 'univ.example.fr', country: 'FR', esiScope: 'national', settings: {},
    }, { actor: 'test' });
    const code = (await t.runtime.services.institution.list())[0]?.code ?? null;
    await t.runtime.services.sso.save('cas-univ', {
      enabled: true, label: { fr: 'Se connecter avec le CAS de l’université', en: 'Sign in with the university CAS' }, institution: code,
      eppnAttribute: 'eduPersonPrincipalName', fieldAttributes: {}, trustedFields: ['firstName'], groupsAttribute: null, createUnknown: false,
      contact: 'cartes@univ.example.fr',
    }, null, { actor: 'test' });
    await t.runtime.services.auth.createAccount({ email: adminEmail, password: PASSWORD, role: 'admin', displayName: 'SSO admin' }, { actor: 'test' });
    baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await t?.close();
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
});
