/**
 * The ESC sync page in Chromium: each entry names its holder and its card, and the links open the
 * holder's cards and the card page; a row's status is singular, and the dashboard's ESC counts
 * take their "label : count" punctuation from the language.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chooseSegment, closeAll, enabledCard, ensureWebBuilt, launchBrowser, login, newContext, signedInPage, startWebWorld, type WebWorld } from './browser-harness.ts';

describe('the ESC sync page names holders and cards', () => {
  let world: WebWorld;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let cardId = '';
  let escn = '';
  let eppn = '';

  before(async () => {
    ensureWebBuilt();
    world = await startWebWorld({ esc: true });
    browser = await launchBrowser();
    const { person } = await world.createCardholder({ lastName: 'Synchro', firstName: 'Élodie' });
    eppn = person.eppn;
    cardId = await enabledCard(world, person.id, 'B1C2D3E4');
    const admin = await world.t.loginAs('admin');
    escn = (await admin.get<{ escn: string }>(`/api/v1/cards/${cardId}`)).body.escn;
    const { email } = await world.createStaff('manager');
    ({ context, page } = await signedInPage(browser, world.baseUrl, email, /\/office$/));
  });

  after(() => closeAll(context, browser, world));

  test('the row of a card enabling shows the holder\'s name and the ESCN; the card link opens the card page, the holder link their cards', async () => {
    await page.goto('/office/esc');
    await chooseSegment(page, 'Tous');
    const row = page.locator('[data-testid="esc-entry"]', { hasText: 'SYNCHRO Élodie' }).first();
    await row.waitFor();
    const holder = row.getByTestId('esc-entry-holder').getByRole('link');
    assert.equal((await holder.innerText()).trim(), 'SYNCHRO Élodie');
    assert.equal(await holder.getAttribute('href'), `/office/cards?q=${encodeURIComponent(eppn)}`);
    const card = row.getByTestId('esc-entry-card').getByRole('link');
    assert.equal((await card.innerText()).trim(), escn);

    await card.click();
    await page.waitForURL(new RegExp(`/office/cards/${cardId}$`));
    await page.getByRole('heading', { level: 1, name: 'SYNCHRO Élodie' }).waitFor();

    await page.goBack();
    await page.locator('[data-testid="esc-entry"]', { hasText: 'SYNCHRO Élodie' }).first().getByTestId('esc-entry-holder').getByRole('link').click();
    await page.waitForURL(/\/office\/cards\?q=/);
    await page.locator(`a[href="/office/cards/${cardId}"]`).first().waitFor();
  });

  test('a row says its own status in the singular, the filter the plural; the dashboard counts put the colon as each language does', async () => {
    // The deliveries run as jobs: drained, the card's enabling has gone through to the router.
    await world.t.runtime.jobs.drain();
    await page.goto('/office/esc');
    await chooseSegment(page, 'Tous');
    const done = page.locator('[data-testid="esc-entry"][data-status="done"]').first();
    await done.waitFor();
    assert.equal((await done.locator('.mantine-Badge-label').textContent())?.trim(), 'Réussi');
    assert.equal((await page.getByRole('radio', { name: 'Réussis' }).count()), 1, 'the filter keeps the plural');
    await page.goto('/office');
    assert.match(await page.getByTestId('dashboard-esc-pending').innerText(), /^En attente\u00a0: \d+$/);
    assert.match(await page.getByTestId('dashboard-esc-done').innerText(), /^Réussis\u00a0: [1-9]\d*$/);

    const english = await newContext(browser, world.baseUrl, { locale: 'en-GB' });
    const englishPage = await english.newPage();
    const { email } = await world.createStaff('manager');
    await login(englishPage, email, /\/office$/);
    assert.match(await englishPage.getByTestId('dashboard-esc-pending').innerText(), /^Pending: \d+$/);
    assert.match(await englishPage.getByTestId('dashboard-esc-failed').innerText(), /^Failed: \d+$/);
    await englishPage.goto('/office/esc');
    await chooseSegment(englishPage, 'All');
    const englishDone = englishPage.locator('[data-testid="esc-entry"][data-status="done"]').first();
    await englishDone.waitFor();
    assert.equal((await englishDone.locator('.mantine-Badge-label').textContent())?.trim(), 'Succeeded');
    await english.close();
  });

  test('the card page says why a card is not registered: no ESC consent', async () => {
    await world.t.runtime.services.escSync.deliverPending();
    await page.goto(`/office/cards/${cardId}`);
    const section = page.getByTestId('esc-sync');
    const reason = section.getByTestId('esc-not-registered-reason');
    await reason.waitFor();
    assert.equal(await section.getByTestId('esc-state').getAttribute('data-esc-state'), 'not_registered');
    assert.equal(await reason.getAttribute('data-reason'), 'no_consent');
    assert.equal(await reason.innerText(), 'Pas de consentement ESC\u00a0: rien n’est envoyé au routeur.');
  });
});
