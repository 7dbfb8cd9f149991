/**
 * Issue 14, as a card holder lives it in Chromium: a lost card, the replacement the page offers,
 * a 12-megapixel phone photo of more than 5 MB, the old card that cannot come back over the new
 * request, confirmations before renewing or withdrawing, a suspended virtual card that says so (and,
 * once replaced, that there is nothing left to do), and a requested card that shows no QR code yet.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import type { CardView } from '../../src/modules/cards/cards.service.ts';
import {
  assertAccessible, enabledCard, ensureWebBuilt, launchBrowser, login, newContext, screenshot, startWebWorld, type WebWorld,
} from './browser-harness.ts';

/** What a phone camera gives: 4000 × 3000 pixels of noise, so it does not compress below 5 MB. */
async function phonePhoto(): Promise<Buffer> {
  const width = 4000;
  const height = 3000;
  return sharp(randomBytes(width * height * 3), { raw: { width, height, channels: 3 } }).jpeg({ quality: 80 }).toBuffer();
}

function cardOf(page: Page, cardId: string, state?: string) {
  return page.locator(`[data-testid="my-card"][data-card-id="${cardId}"]${state ? `[data-state="${state}"]` : ''}`);
}

describe('lost card and replacement in Chromium', () => {
  let world: WebWorld;
  let browser: Browser;

  before(async () => {
    ensureWebBuilt();
    world = await startWebWorld();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await world?.close();
  });

  test('declare lost, see the suspended virtual card, request a replacement with a 7 MB phone photo; the old card stays off', async () => {
    const { person, email } = await world.createCardholder({ lastName: 'Perdue' });
    const oldId = await enabledCard(world, person.id, '04A1B2C3D5');
    const context = await newContext(browser, world.baseUrl);
    const page = await context.newPage();
    await login(page, email, /\/me$/);

    await page.getByTestId('declare-lost').click();
    await page.getByTestId('disable-reason-LOST').check();
    await page.getByTestId('disable-confirm').click();
    await cardOf(page, oldId, 'DISABLED').waitFor();
    // Both ways out are offered: re-enable it if found, or ask for a replacement.
    await cardOf(page, oldId).getByTestId('reenable').waitFor();
    await cardOf(page, oldId).getByTestId('request-replacement').waitFor();
    assert.match(await cardOf(page, oldId).getByTestId('replacement-help').innerText(), /demandez une carte de remplacement/);
    assert.equal(await page.getByTestId('request-card-link').count(), 0, 'one request button, on the lost card');
    await assertAccessible(page, 'my cards with a lost card');
    await screenshot(page, '60-student-lost-card-replacement');

    // The suspended virtual card does not ask to be shown.
    await cardOf(page, oldId).getByTestId('open-virtual-card').click();
    await page.getByTestId('suspended-notice').waitFor();
    const virtualText = await page.getByTestId('virtual-card').innerText();
    assert.match(virtualText, /Cette carte est suspendue/);
    assert.doesNotMatch(virtualText, /Présentez ce QR code/);
    await assertAccessible(page, 'suspended virtual card');
    await screenshot(page, '61-student-virtual-card-suspended');
    await page.getByRole('link', { name: /Retour à mes cartes/ }).click();

    // The replacement, with the photo straight from a phone: more than the 5 MB the server takes.
    await cardOf(page, oldId).getByTestId('request-replacement').click();
    await page.waitForURL(/\/me\/request$/);
    const original = await phonePhoto();
    assert.ok(original.length > 5 * 1024 * 1024, `the original weighs ${original.length} bytes`);
    // Record the size of every file the page sends (the protocol does not show multipart file bodies).
    await page.evaluate(`(() => {
      window.uploads = [];
      const send = window.fetch;
      window.fetch = (input, init) => {
        if (init && init.body instanceof FormData) {
          for (const [, value] of init.body.entries()) if (value instanceof Blob) window.uploads.push(value.size);
        }
        return send(input, init);
      };
    })()`);
    await page.getByTestId('photo-file').setInputFiles({ name: 'IMG_0001.jpg', mimeType: 'image/jpeg', buffer: original });
    await page.getByTestId('photo-canvas').waitFor();
    assert.equal(await page.getByTestId('photo-field').getByRole('alert').count(), 0, 'no error under the photo');
    await page.getByTestId('accept-rules').check();
    await page.getByTestId('request-submit').click();
    await page.waitForURL(/\/me$/, { timeout: 30_000 });
    const uploads = await page.evaluate('window.uploads') as number[];
    assert.equal(uploads.length, 1, 'one photo sent');
    assert.ok((uploads[0] ?? 0) > 0 && (uploads[0] ?? 0) < 1024 * 1024, `the upload weighs ${uploads[0]} bytes`);
    await page.locator('[data-testid="my-card"][data-state="NEW"]').waitFor();
    const newId = await page.locator('[data-testid="my-card"][data-state="NEW"]').getAttribute('data-card-id');
    assert.ok(newId);
    const fresh = await page.evaluate(`fetch('/api/v1/cards/${newId}').then((response) => response.json())`) as CardView;
    assert.ok(fresh.photoId, 'the request has its photo');
    assert.match(await page.getByTestId('notice').innerText(), /Votre demande est envoyée/);

    // The old card cannot come back over the new request: nothing offers it, the server refuses it.
    await cardOf(page, oldId, 'DISABLED').getByTestId('replaced-help').waitFor();
    assert.equal(await cardOf(page, oldId).getByTestId('reenable').count(), 0);
    assert.equal(await cardOf(page, oldId).getByTestId('request-replacement').count(), 0);
    const refused = await page.evaluate(`fetch('/api/v1/auth/session').then((answer) => answer.json()).then((session) =>
      fetch('/api/v1/cards/${oldId}/moves', {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken }, body: JSON.stringify({ to: 'ENABLED' }),
      })).then(async (response) => [response.status, (await response.json()).code])`) as [number, string];
    assert.deepEqual(refused, [409, 'newer_card_exists']);
    await screenshot(page, '62-student-replacement-requested');

    // The old virtual card says a newer card replaces it and there is nothing left to do.
    await page.goto(`/me/cards/${oldId}`);
    const replacedNotice = page.getByTestId('suspended-notice');
    await replacedNotice.waitFor();
    await page.waitForFunction(`/rien à faire/.test(document.querySelector('[data-testid=suspended-notice]')?.textContent ?? '')`);
    assert.match(await replacedNotice.innerText(), /Une carte plus récente remplace celle-ci/);
    assert.doesNotMatch(await replacedNotice.innerText(), /réactivez-la|demandez une carte de remplacement/);

    // The new request is being made: no red "suspended" check, no QR code, no verification link.
    await page.goto(`/me/cards/${newId}`);
    await page.getByTestId('being-made-notice').waitFor();
    await page.waitForLoadState('networkidle');
    assert.match(await page.getByTestId('being-made-notice').innerText(), /Carte pas encore active[\s\S]*en cours de fabrication/);
    for (const absent of ['validity', 'suspended-notice', 'qr-code', 'verify-link', 'escn']) {
      assert.equal(await page.getByTestId(absent).count(), 0, `no ${absent} on a card being made`);
    }
    assert.doesNotMatch(await page.getByTestId('virtual-card').innerText(), /Carte suspendue|Ouvrir la page de vérification/);
    await assertAccessible(page, 'virtual card being made');
    await screenshot(page, '68-student-virtual-card-being-made');
    await context.close();
  });

  test('cancel and renew ask first; "request sent" does not outlive the request', async () => {
    const { person, email } = await world.createCardholder({ lastName: 'Confirme' });
    const oldId = await enabledCard(world, person.id, '04A1B2C3D6');
    const context = await newContext(browser, world.baseUrl);
    const page = await context.newPage();
    await login(page, email, /\/me$/);
    await page.getByTestId('declare-lost').click();
    await page.getByTestId('disable-reason-THEFT').check();
    await page.getByTestId('disable-confirm').click();
    await cardOf(page, oldId).getByTestId('request-replacement').click();
    await page.waitForURL(/\/me\/request$/);
    await page.getByTestId('photo-file').setInputFiles({ name: 'me.jpg', mimeType: 'image/jpeg', buffer: await phonePhoto() });
    await page.getByTestId('photo-canvas').waitFor();
    await page.getByTestId('accept-rules').check();
    await page.getByTestId('request-submit').click();
    await page.waitForURL(/\/me$/, { timeout: 30_000 });
    const pending = page.locator('[data-testid="my-card"][data-state="NEW"]');
    await pending.waitFor();
    await page.getByTestId('notice').waitFor();

    // Withdrawing asks first; going back keeps the request.
    await pending.getByTestId('cancel-request').click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /Annuler votre demande\s\?/);
    await assertAccessible(page, 'cancel confirmation');
    await screenshot(page, '63-student-cancel-confirmation');
    await page.getByTestId('confirm-back').click();
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await pending.count(), 1, 'going back canceled nothing');
    await pending.getByTestId('cancel-request').click();
    await page.getByTestId('confirm-action').click();
    await page.locator('[data-testid="my-card"][data-state="CANCELED"]').waitFor();

    // Withdrawn, the replacement no longer stands in the way: the found card comes back.
    await cardOf(page, oldId).getByTestId('reenable').click();
    await cardOf(page, oldId, 'ENABLED').waitFor();
    // The "request sent" notice lives in the browser history: a reload must not bring it back now.
    await page.reload();
    await cardOf(page, oldId, 'ENABLED').waitFor();
    assert.equal(await page.getByText(/Votre demande est envoyée/).count(), 0, 'no stale "request sent" over an active card');

    // Renewing asks first too.
    await cardOf(page, oldId).getByTestId('renew').click();
    assert.match(await page.getByRole('dialog').innerText(), /Demander un renouvellement\s\?/);
    await page.getByTestId('confirm-action').click();
    await page.locator('[data-testid="my-card"][data-state="RENEWED"]').waitFor();
    await context.close();
  });

  test('English on a phone: the replacement and the confirmations fit the screen', async () => {
    const { person, email } = await world.createCardholder({ lastName: 'Lost' });
    const cardId = await enabledCard(world, person.id, '04A1B2C3D7');
    const context = await newContext(browser, world.baseUrl, { locale: 'en-GB', phone: true });
    const page = await context.newPage();
    await login(page, email, /\/me$/);
    await page.getByTestId('renew').click();
    assert.match(await page.getByRole('dialog').innerText(), /Request a renewal\?/);
    await page.getByTestId('confirm-back').click();
    await page.getByTestId('declare-lost').click();
    await page.getByTestId('disable-confirm').click();
    await cardOf(page, cardId, 'DISABLED').getByTestId('request-replacement').waitFor();
    assert.equal(await cardOf(page, cardId).getByTestId('request-replacement').innerText(), 'Request a replacement card');
    assert.equal(await page.evaluate('document.documentElement.scrollWidth > window.innerWidth'), false, 'nothing overflows sideways');
    await screenshot(page, '64-phone-lost-card-en');
    await context.close();
  });
});
