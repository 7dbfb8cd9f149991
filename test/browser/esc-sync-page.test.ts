/**
 * The ESC sync page in Chromium: each entry names its holder and its card, and the links open the
 * holder's cards and the card page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { enabledCard, ensureWebBuilt, launchBrowser, login, newContext, startWebWorld, type WebWorld } from './browser-harness.ts';

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
    context = await newContext(browser, world.baseUrl);
    page = await context.newPage();
    await login(page, email, /\/office$/);
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    await world?.close();
  });

  test('the row of a card enabling shows the holder\'s name and the ESCN; the card link opens the card page, the holder link their cards', async () => {
    await page.goto('/office/esc');
    await page.getByRole('radio', { name: 'Tous' }).check({ force: true });
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
});
