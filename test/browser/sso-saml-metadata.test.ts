/**
 * The SAML card of the admin console's "Connexion (SSO)" tab in Chromium: before any copy is
 * stored it says so; « Rafraîchir maintenant » fetches the IdP metadata from a local HTTP server
 * (a signed federation aggregate) and shows when and until when; a badly signed aggregate then
 * shows the error while the previous copy (and its date) stays; in English too.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { createTestIdp, generateKeyPair, signedAggregate } from '../helpers/saml-idp.ts';
import { ensureWebBuilt, launchBrowser, newContext, PASSWORD } from './browser-harness.ts';

const METHOD = 'federation';

describe('SAML IdP metadata in the admin console', () => {
  let t: TestApp;
  let baseUrl: string;
  let browser: Browser;
  let server: Server;
  let dir: string;
  let served = '';
  let badlySigned = '';
  const adminEmail = `saml-md-admin-${process.pid}@univ.example.fr`;

  async function openPanel(locale: 'fr-FR' | 'en-GB'): Promise<{ page: Page; close: () => Promise<void> }> {
    const context = await newContext(browser, baseUrl, { locale });
    const page = await context.newPage();
    await page.goto('/login');
    await page.getByTestId('login-email').fill(adminEmail);
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL(/\/office$/);
    await page.goto('/office/admin?tab=sso');
    await page.getByTestId(`sso-saml-metadata-${METHOD}`).waitFor();
    return { page, close: () => context.close() };
  }

  before(async () => {
    ensureWebBuilt();
    const idp = createTestIdp({ baseUrl: 'https://idp.univ.example/idp' });
    const federation = generateKeyPair('federation');
    served = signedAggregate([idp.metadataXml], federation);
    badlySigned = signedAggregate([idp.metadataXml], generateKeyPair('rogue'));
    server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/samlmetadata+xml' }).end(served);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    dir = mkdtempSync(join(tmpdir(), 'campuscard-saml-md-browser-'));
    writeFileSync(join(dir, 'federation.pem'), federation.certificate);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metadata.xml`;
    t = await startTestApp({ env: {
      SSO_METHODS: JSON.stringify([{ id: METHOD, protocol: 'saml', idpMetadataUrl: url, idpMetadataCertFile: join(dir, 'federation.pem'), idpEntityId: idp.entityId }]),
    } });
    await t.runtime.services.auth.createAccount({ email: adminEmail, password: PASSWORD, role: 'admin', displayName: 'SAML admin' }, { actor: 'test' });
    baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await t?.close();
    await new Promise((resolve) => server?.close(resolve));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('no copy yet, « Rafraîchir maintenant » stores one, a bad signature shows the error and keeps it', async () => {
    const { page, close } = await openPanel('fr-FR');
    try {
      const fetched = page.getByTestId(`sso-saml-fetched-${METHOD}`);
      assert.match((await fetched.textContent()) ?? '', /^Pas encore de copie/);
      // For the IdP's admin: the entity ID (the metadata URL), the ACS and the attributes with their OIDs.
      const base = `${t.config.publicUrl}/auth/sso/${METHOD}`;
      assert.equal(await page.getByTestId(`sso-entity-id-${METHOD}`).textContent(), `${base}/metadata`);
      assert.equal(await page.getByTestId(`sso-url-acs-${METHOD}`).textContent(), `${base}/acs`);
      assert.match((await page.getByTestId(`sso-attributes-${METHOD}`).textContent()) ?? '', /^eduPersonPrincipalName \(urn:oid:1\.3\.6\.1\.4\.1\.5923\.1\.1\.1\.6\), /);
      await page.getByTestId(`sso-saml-refresh-${METHOD}`).click();
      await fetched.filter({ hasText: 'Dernier rafraîchissement\u00a0:' }).waitFor();
      const firstFetch = await fetched.textContent();
      assert.match((await page.getByTestId(`sso-saml-valid-${METHOD}`).textContent()) ?? '', /^Valables jusqu’au /);
      assert.equal(await page.getByTestId(`sso-saml-error-${METHOD}`).count(), 0);

      served = badlySigned;
      await page.getByTestId(`sso-saml-refresh-${METHOD}`).click();
      const error = page.getByTestId(`sso-saml-error-${METHOD}`);
      await error.waitFor();
      const message = (await error.textContent()) ?? '';
      assert.match(message, /^Échec du rafraîchissement du .+\u00a0: the metadata signature is missing or does not verify/);
      assert.match(message, /La copie précédente reste utilisée\.$/);
      assert.equal(await fetched.textContent(), firstFetch, 'the previous copy and its date stay');
    } finally {
      await close();
    }
  });

  test('in English', async () => {
    const { page, close } = await openPanel('en-GB');
    try {
      assert.equal((await page.getByTestId(`sso-saml-refresh-${METHOD}`).textContent())?.trim(), 'Refresh now');
      assert.match((await page.getByTestId(`sso-saml-fetched-${METHOD}`).textContent()) ?? '', /^Last refreshed: /);
      assert.match((await page.getByTestId(`sso-saml-error-${METHOD}`).textContent()) ?? '', /^The refresh of .+ failed: .+ The previous copy is still used\.$/);
    } finally {
      await close();
    }
  });
});
