/**
 * The « Connecteurs » tab of the admin console in Chromium (issue 11): the CROUS connector of an
 * institution, not configured at first, is set up against the CROUS simulator (OAuth2 client,
 * secret typed once and then shown only by its last four characters), its tariff rules fetched
 * with « Actualiser » and shown in a table, a bad time zone refused next to its field, paused with
 * a reason and resumed (the notice naming the admin, not their account id); « Authentification :
 * Aucune » explained (a simulator only; the embedded one needs no credentials); the ESC Router
 * shown running as the deployment configures it; the tab in English too.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { startCrousSimulator, type CrousSimulator } from '../../src/adapters/crous/crous.simulator.ts';
import { ensureWebBuilt, launchBrowser, login, newContext, PASSWORD } from './browser-harness.ts';

const UAI = '0751234J';
const SECRET = 'browser-typed-crous-secret-7311';

describe('connectors in the admin console', () => {
  let t: TestApp;
  let sim: CrousSimulator;
  let baseUrl: string;
  let browser: Browser;
  let code: string;
  const adminEmail = `connectors-admin-${process.pid}@univ.example.fr`;

  async function openTab(locale: 'fr-FR' | 'en-GB'): Promise<{ page: Page; close: () => Promise<void> }> {
    const context = await newContext(browser, baseUrl, { locale });
    const page = await context.newPage();
    await login(page, adminEmail, /\/office$/);
    await page.goto('/office/admin?tab=connectors');
    await page.getByTestId(`connector-crous-${code}`).waitFor();
    return { page, close: () => context.close() };
  }

  async function choose(page: Page, testId: string, option: string): Promise<void> {
    await page.getByTestId(testId).click();
    await page.getByRole('option', { name: option, exact: true }).click();
  }

  before(async () => {
    ensureWebBuilt();
    sim = await startCrousSimulator({ host: '127.0.0.1', port: 0, environment: 'preproduction', credentials: [{ mode: 'oauth2', id: 'univ-browser', secret: SECRET, rne: UAI }] });
    sim.setTariffRules('75', UAI, [
      { statusCode: 'etd', indexMin: null, indexMax: null, idCompanyRate: 10, idRate: 1 },
      { statusCode: 'prs', indexMin: 0, indexMax: 466, idCompanyRate: 21, idRate: 3 },
    ]);
    // An ESC Router configured by the environment (never called here: no workers run).
    t = await startTestApp({ env: { CONNECTOR_SECRETS_KEY: 'b'.repeat(40), ESC_ROUTER_URL: 'http://127.0.0.1:9', ESC_ROUTER_API_KEY: 'esc-key-from-the-environment' } });
    await t.runtime.services.institution.save({
      name: 'Université Exemple', pic: '999999999', uai: UAI, schacHomeOrganization: 'univ.example.fr', country: 'FR', esiScope: 'national', settings: {},
    }, { actor: 'test' });
    code = (await t.runtime.services.institution.byId(t.runtime.database.db, 1))?.code ?? '';
    await t.runtime.services.auth.createAccount({ email: adminEmail, password: PASSWORD, role: 'admin', displayName: 'Connectors admin' }, { actor: 'test' });
    baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await t?.close();
    await sim?.close();
  });

  test('set up the CROUS, fetch its tariff rules, refuse a bad time zone, pause and resume', async () => {
    const { page, close } = await openTab('fr-FR');
    try {
      assert.equal((await page.getByTestId(`connector-state-crous-${code}`).textContent())?.trim(), 'Non configuré');
      // The ESC Router runs by the deployment's configuration (router URL and key, the institution's PIC): said so, not « Non configuré ».
      assert.equal((await page.getByTestId(`connector-state-esc-${code}`).textContent())?.trim(), 'Activé');
      assert.match((await page.getByTestId(`connector-source-esc-${code}`).textContent()) ?? '', /^Réglé par le déploiement \(ESC_ROUTER_URL/);
      await page.getByTestId(`connector-open-crous-${code}`).click();
      const form = page.getByTestId('crous-settings-form');
      await form.waitFor();
      // « Authentification : Aucune » explains itself: only a simulator answers; the embedded one needs no credentials.
      await page.getByText('Sans authentification, seul un simulateur répond.', { exact: false }).waitFor();
      await choose(page, 'crous-environment', 'Simulateur intégré (démo)');
      await page.getByText('Simulateur intégré de la démo\u00a0: aucun identifiant n’est nécessaire. En production, choisissez OAuth2', { exact: false }).waitFor();
      await choose(page, 'crous-environment', 'Préproduction (api-pp.nuonet.fr)');
      await page.getByTestId('crous-enabled').check();
      await page.getByTestId('crous-base-url').fill(sim.url);
      await choose(page, 'crous-auth-mode', 'OAuth2 (client credentials)');
      await page.getByTestId('crous-client-id').fill('univ-browser');
      await page.getByTestId('crous-access-url').fill(sim.url);
      await page.getByTestId('crous-secret-value').fill(SECRET);
      await page.getByTestId('crous-number').fill('75');
      await page.getByTestId('crous-save').click();
      await page.getByTestId('crous-saved').waitFor();
      const secretState = page.getByTestId('crous-secret-state');
      assert.equal((await secretState.textContent())?.trim(), 'Enregistré (chiffré), se termine par «\u00a07311\u00a0».');
      assert.equal(await page.getByTestId('crous-secret-value').inputValue(), '', 'the secret is not kept in the form');
      assert.ok(!(await page.content()).includes(SECRET), 'nor anywhere on the page');
      assert.equal((await page.getByTestId(`connector-state-crous-${code}`).textContent())?.trim(), 'Activé');

      assert.match((await page.getByTestId('crous-tariff-fetched').textContent()) ?? '', /^Aucune règle reçue/);
      await page.getByTestId('crous-tariff-refresh').click();
      await page.getByTestId('crous-tariff-table').waitFor();
      const rows = await page.getByTestId('crous-tariff-table').locator('tbody tr').allTextContents();
      assert.deepEqual(rows.map((row) => row.replace(/\s+/g, ' ').trim()), ['etd——101', 'prs0466213']);
      assert.match((await page.getByTestId('crous-tariff-fetched').textContent()) ?? '', /^Reçues le .* \(CROUS 75, UAI 0751234J\)/);

      await page.getByTestId('crous-time-zone').fill('Mars/Olympus');
      await page.getByTestId('crous-save').click();
      await page.getByText('Fuseau horaire inconnu (par exemple Europe/Paris).').waitFor();

      await page.getByTestId('connector-pause-reason').fill('Maintenance du CROUS');
      await page.getByTestId('connector-pause-button').click();
      await page.getByTestId('connector-paused-badge').waitFor();
      // One state, « En pause », not « Activé » beside it.
      await page.getByTestId(`connector-state-crous-${code}`).filter({ hasText: /^En pause$/ }).waitFor();
      // By the admin's name, never `account:<id>`.
      assert.match((await page.getByTestId('connector-paused-since').textContent()) ?? '', /^En pause depuis le .* par Connectors admin\.$/);
      assert.equal(await t.runtime.services.connectorSettings.isPaused(t.runtime.database.db, 'crous', 1), true);
      await page.getByTestId('connector-resume').click();
      await page.getByTestId('connector-pause-button').waitFor();
      assert.equal(await t.runtime.services.connectorSettings.isPaused(t.runtime.database.db, 'crous', 1), false);
    } finally {
      await close();
    }
  });

  test('in English', async () => {
    const { page, close } = await openTab('en-GB');
    try {
      assert.equal((await page.getByTestId('admin-tab-connectors').textContent())?.trim(), 'Connectors');
      await page.getByTestId(`connector-open-crous-${code}`).click();
      await page.getByTestId('crous-tariff-table').waitFor();
      assert.match((await page.getByTestId(`connector-source-esc-${code}`).textContent()) ?? '', /^Set by the deployment/);
      assert.match((await page.getByTestId('crous-tariff-fetched').textContent()) ?? '', /^Received on /);
      assert.equal((await page.getByTestId('crous-secret-state').textContent())?.trim(), 'Stored (encrypted), ends with “7311”.');
    } finally {
      await close();
    }
  });
});
