/**
 * A card in Chromium, as a newcomer's walkthrough of the demo found it: the suspend dialog marks
 * « Commentaire » required for a manager's decision (the API's rule: comment_required), so
 * confirming without one is refused next to the field and the card stays enabled; and printed
 * (print media), the card's page and the virtual card show no buttons, only the card.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { enabledCard, ensureWebBuilt, launchBrowser, login, newContext, startWebWorld, type WebWorld } from './browser-harness.ts';

/** Buttons (and links styled as buttons) a reader would see on the page as it is laid out now. */
async function visibleButtons(page: Page): Promise<string[]> {
  return page.evaluate(`[...document.querySelectorAll('button, [role="button"], a.mantine-Button-root')]
    .filter((node) => {
      const box = node.getBoundingClientRect();
      return box.width > 0 && box.height > 0 && getComputedStyle(node).visibility !== 'hidden';
    })
    .map((node) => (node.textContent || '').trim() || node.getAttribute('aria-label') || node.tagName)`);
}

describe('a card: the suspend dialog and the printout', () => {
  let world: WebWorld;
  let browser: Browser;
  let cardId: string;
  let holderEmail: string;
  let adminEmail: string;

  before(async () => {
    ensureWebBuilt();
    world = await startWebWorld();
    const { person, email } = await world.createCardholder({ lastName: 'Imprimée' });
    holderEmail = email;
    cardId = await enabledCard(world, person.id, '04AABBCCDD1122');
    adminEmail = (await world.createStaff('admin')).email;
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await world?.close();
  });

  test('suspending for a manager\'s decision without a comment is refused next to the field; with one, the card is suspended', async () => {
    const context = await newContext(browser, world.baseUrl);
    try {
      const page = await context.newPage();
      await login(page, adminEmail, /\/office$/);
      await page.goto(`/office/cards/${cardId}`);
      await page.getByTestId('move-DISABLED').click();
      const comment = page.getByTestId('move-comment');
      await comment.waitFor();
      assert.equal(await comment.getAttribute('required'), '', 'marked required (« Commentaire * »)');
      await page.getByTestId('move-confirm').click();
      await page.getByText('Un commentaire est obligatoire\u00a0: il sera lu par la personne.').waitFor();
      assert.equal(await comment.getAttribute('aria-invalid'), 'true');
      const admin = await world.t.loginAs('admin');
      assert.equal((await admin.get<{ state: string }>(`/api/v1/cards/${cardId}`)).body.state, 'ENABLED', 'nothing was sent');

      await comment.fill('Carte retenue par le bureau des cartes');
      await page.getByTestId('move-confirm').click();
      await page.locator('[data-testid="card-detail"][data-state="DISABLED"]').waitFor();
      // Enabled again for the printout test.
      const enabled = await admin.post(`/api/v1/cards/${cardId}/moves`, { to: 'ENABLED' });
      assert.equal(enabled.status, 200, enabled.text);
    } finally {
      await context.close();
    }
  });

  test('printed, the office card page and the virtual card show the card without any button', async () => {
    const office = await newContext(browser, world.baseUrl);
    const holder = await newContext(browser, world.baseUrl);
    try {
      const page = await office.newPage();
      await login(page, adminEmail, /\/office$/);
      await page.goto(`/office/cards/${cardId}`);
      await page.locator('[data-testid="card-detail"][data-state="ENABLED"]').waitFor();
      assert.ok((await visibleButtons(page)).length > 0, 'on screen the page has its buttons');
      await page.emulateMedia({ media: 'print' });
      assert.deepEqual(await visibleButtons(page), [], 'printed, none');
      assert.ok(await page.locator('.card-face').first().isVisible(), 'the card itself is printed');

      const holderPage = await holder.newPage();
      await login(holderPage, holderEmail, /\/me$/);
      await holderPage.goto(`/me/cards/${cardId}`);
      await holderPage.getByTestId('qr-code').waitFor();
      assert.ok((await visibleButtons(holderPage)).length > 0);
      await holderPage.emulateMedia({ media: 'print' });
      assert.deepEqual(await visibleButtons(holderPage), []);
      assert.ok(await holderPage.locator('.card-face').first().isVisible());
      assert.ok(await holderPage.getByTestId('qr-code').isVisible(), 'the QR code stays on paper');
    } finally {
      await office.close();
      await holder.close();
    }
  });
});
