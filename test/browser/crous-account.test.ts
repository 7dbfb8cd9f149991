/**
 * The « CROUS / Izly » section of the card office's card page in Chromium, against the CROUS
 * simulator the server embeds in demo mode (over HTTP, as `npm start` runs it): a consenting student's card enabled and delivered, the page shows the
 * account (status, blocking, tariff, due date) and the card as the CROUS holds them, when they were
 * read (live, then from the 30-second cache), the sync history; « Relire » asks the CROUS again and
 * shows a card cancelled there behind campuscard's back. In English too.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { CrousSimulator } from '../../src/adapters/crous/crous.simulator.ts';
import { assertAccessible, closeAll, enabledCard, ensureWebBuilt, launchBrowser, login, newContext, officeRequest, screenshot, startWebWorld, stationEncode, type WebWorld } from './browser-harness.ts';

const UAI = '0751234J';

describe('the CROUS / Izly section of the card page', () => {
  let world: WebWorld;
  let sim: CrousSimulator;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let cardId = '';
  let identifier = '';

  before(async () => {
    ensureWebBuilt();
    world = await startWebWorld({ crous: true });
    const embedded = world.t.runtime.embeddedCrous;
    assert.ok(embedded, 'the embedded CROUS simulator runs');
    sim = embedded.simulator;
    const admin = await world.t.loginAs('admin');
    const code = (await world.t.runtime.services.institution.byId(world.t.runtime.database.db, 1))?.code ?? '';
    const saved = await admin.put(`/api/v1/admin/connectors/crous/institutions/${code}/settings`, {
      enabled: true,
      settings: { mode: 'api', environment: 'simulator', rneOrgCode: UAI },
    });
    assert.equal(saved.status, 200, saved.text);
    const { person } = await world.createCardholder({ lastName: 'Izly', firstName: 'Camille', rightsEnd: '2099-08-31' });
    identifier = (person.ine ?? '').toUpperCase();
    await world.t.runtime.services.people.setConsent(person.id, { kind: 'crous', granted: true, textVersion: '2026-12', locale: 'fr', channel: 'office' }, { actor: 'test' });
    cardId = await enabledCard(world, person.id, '0A1B2C3D');
    const sync = world.t.runtime.services.crousSync;
    for (let i = 0; i < 50 && (await sync.counts()).pending > 0; i++) await sync.deliverPending();
    assert.ok(sim.accounts.get(identifier)?.cards.size === 1, 'account and card at the CROUS');
    const { email } = await world.createStaff('manager');
    context = await newContext(browser = await launchBrowser(), world.baseUrl);
    page = await context.newPage();
    await login(page, email, /\/office$/);
  });

  after(() => closeAll(context, browser, world));

  test('the account and the card as the CROUS holds them, the history, and « Relire »', async () => {
    await page.goto(`/office/cards/${cardId}`);
    const section = page.getByTestId('crous-account');
    await section.getByTestId('crous-account-status').waitFor();
    assert.equal(await section.getByRole('heading', { level: 2 }).innerText(), 'CROUS / Izly');
    assert.equal(await section.getByTestId('crous-account-status').innerText(), 'Pas encore confirmé (jamais connecté à Izly)');
    // Badges are upper-cased by CSS: their text is read as written.
    assert.equal((await section.getByTestId('crous-blocking').textContent())?.trim(), 'Non bloqué');
    assert.equal(await section.getByTestId('crous-tariff').innerText(), 'Catégorie 10, tarif 1');
    assert.equal(await section.getByTestId('crous-due-date').innerText(), '31 août 2099');
    assert.equal(await section.getByTestId('crous-identifier').innerText(), identifier);
    const card = section.getByTestId('crous-card');
    assert.equal(await card.count(), 1);
    assert.equal(await card.getAttribute('data-status'), 'active');
    assert.match(await card.textContent() ?? '', /Valide/);
    assert.match(await section.getByTestId('crous-read-at').innerText(), /^Lu au CROUS le /);
    const entries = section.getByTestId('crous-history-entry');
    assert.ok(await entries.count() >= 1);
    assert.match(await entries.first().textContent() ?? '', /Carte activée.*ensureAccount.*Faite/s);
    await assertAccessible(page, 'card page, CROUS section');
    await screenshot(page, 'crous-account-card-page');

    // Opened again within 30 s: the same read, from the cache.
    await page.reload();
    await section.getByTestId('crous-read-at').waitFor();
    assert.equal(await section.getByTestId('crous-read-at').getAttribute('data-cached'), 'true');
    assert.match(await section.getByTestId('crous-read-at').innerText(), /gardé 30 secondes/);

    // Cancelled at the CROUS behind campuscard's back: « Relire » shows it at once.
    const atCrous = [...(sim.accounts.get(identifier)?.cards.values() ?? [])][0];
    assert.ok(atCrous);
    atCrous.cancelDate = '2026-11-01T10:00:00.000Z';
    atCrous.reason = 'DV';
    await section.getByTestId('crous-reread').click();
    await page.locator('[data-testid="crous-card"][data-status="cancelled"]').waitFor();
    assert.equal(await section.getByTestId('crous-read-at').getAttribute('data-cached'), 'false');
    assert.match(await section.getByTestId('crous-card').textContent() ?? '', /Invalidée.*volée \(DV\)/s);
    assert.equal(await section.getByTestId('crous-card-drift').innerText(), 'campuscard l’attend valide');
  });

  test('no card sent yet: the missing account is information, not an error; a delivery under way says so', async () => {
    const { person } = await world.createCardholder({ lastName: 'Attente', firstName: 'Lou', rightsEnd: '2099-08-31' });
    await world.t.runtime.services.people.setConsent(person.id, { kind: 'crous', granted: true, textVersion: '2026-12', locale: 'fr', channel: 'office' }, { actor: 'test' });
    const requested = await officeRequest(world, person.id, { state: 'REQUEST_CHECKED' });
    await page.goto(`/office/cards/${requested}`);
    const section = page.getByTestId('crous-account');
    await section.getByTestId('crous-account-not-yet').waitFor();
    assert.equal(await section.getByTestId('crous-account-not-yet').innerText(), 'Pas encore de compte au CROUS\u00a0: il sera créé à l’activation d’une carte.');
    assert.equal(await section.getByTestId('crous-not-found').count(), 0);

    // Enabled, its delivery not made yet: the CROUS is asked again (not the kept 404) and the page says the change is on its way.
    await stationEncode(world, requested, '0A1B2C3E');
    const enabled = await (await world.t.loginAs('admin')).post(`/api/v1/cards/${requested}/moves`, { to: 'ENABLED' });
    assert.equal(enabled.status, 200, enabled.text);
    await page.goto(`/office/cards/${requested}`);
    await section.getByTestId('crous-sync-pending').waitFor();
    assert.match(await section.getByTestId('crous-sync-pending').innerText(), /^Envoi au CROUS en cours…/);
    assert.equal(await section.getByTestId('crous-not-found').count(), 1, 'campuscard now expects the account');
    const sync = world.t.runtime.services.crousSync;
    for (let i = 0; i < 50 && (await sync.counts()).pending > 0; i++) await sync.deliverPending();
    await page.reload();
    await section.getByTestId('crous-account-status').waitFor();
    assert.equal(await section.getByTestId('crous-sync-pending').count(), 0);
    assert.equal(await section.getByTestId('crous-card').getAttribute('data-status'), 'active');
  });

  test('in English, a frozen account is shown as an error with its meaning', async () => {
    sim.setAccountState(identifier, { blockingStatus: 'COMPTE_GELE' });
    const english = await newContext(browser, world.baseUrl, { locale: 'en-GB' });
    try {
      const englishPage = await english.newPage();
      const { email } = await world.createStaff('viewer');
      await login(englishPage, email, /\/office$/);
      await englishPage.goto(`/office/cards/${cardId}`);
      const section = englishPage.getByTestId('crous-account');
      await section.getByTestId('crous-reread').click();
      const error = section.getByTestId('crous-error').first();
      await error.waitFor();
      assert.equal(await error.getAttribute('data-code'), 'crous_account_locked');
      assert.match(await error.innerText(), /Izly account locked at the CROUS \(423\)\.\s+The Izly account is locked at the CROUS/);
      await assertAccessible(englishPage, 'card page, CROUS error');
    } finally {
      sim.setAccountState(identifier, { blockingStatus: 'NON_BLOQUE' });
      await english.close();
    }
  });
});
