/**
 * The virtual card drawn from the card's template in Chromium (issue 13), on a phone-sized screen:
 * the holder sees the template's front (the printer's drawing, QR code included) with an alt text
 * naming them and the card's validity, next to the live validity check and the large QR code;
 * the QR code drawn on the face is dark and light where the card's QR code is, at the phone's
 * resolution; a card whose institution has no template keeps the generic face.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import QRCode from 'qrcode';
import { STUDENT_TEMPLATE } from '../../src/modules/card-templates/domain/default-templates.ts';
import { CARD_WIDTH_MM, type QrElement } from '../../src/modules/card-templates/domain/card-template.ts';
import { applyStudentTemplate, assertAccessible, enabledCard, ensureWebBuilt, launchBrowser, login, newContext, screenshot, startWebWorld, type WebWorld } from './browser-harness.ts';

describe('the virtual card drawn from its template in Chromium', () => {
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

  test('the holder\'s phone shows the template\'s front, its QR code legible, with the live check', async () => {
    const { person, email } = await world.createCardholder({ lastName: 'Modèle', firstName: 'Inès' });
    const cardId = await enabledCard(world, person.id, '04A1B2C3D4');
    // Before any template: the generic face.
    const context = await newContext(browser, world.baseUrl, { phone: true });
    const page = await context.newPage();
    await login(page, email, /\/me$/);
    await page.goto(`/me/cards/${cardId}`);
    await page.getByTestId('card-face').waitFor();
    assert.equal(await page.getByTestId('template-card-face').count(), 0);

    await applyStudentTemplate(world);

    await page.reload();
    const image = page.getByTestId('template-card-face').locator('img');
    await image.waitFor();
    await page.waitForFunction('document.querySelector(\'[data-testid="template-card-face"] img\')?.naturalWidth > 0');
    assert.match(String(await image.getAttribute('alt')), /^Carte de Inès Modèle\u00a0: valable jusqu’au /);
    assert.equal(await page.getByTestId('card-face').count(), 0, 'the generic face gives way');
    await page.locator('[data-testid="validity"][data-validity="valid"]').waitFor();
    assert.ok(await page.getByTestId('qr-code').isVisible(), 'the large QR code stays');
    await assertAccessible(page, 'virtual card drawn from its template');
    await screenshot(page, '39-phone-virtual-card-template');

    // The face as the phone shows it (CSS pixels × 2): each QR module's centre is dark exactly
    // where the card's QR code has a dark module.
    const shot = await sharp(await image.screenshot()).raw().toBuffer({ resolveWithObject: true });
    const card = await (await world.t.loginAs('manager')).get<{ escn: string }>(`/api/v1/cards/${cardId}`);
    const matrix = QRCode.create([{ data: Buffer.from(`${world.t.config.qrPrefix}${card.body.escn}`, 'utf8'), mode: 'byte' }], { errorCorrectionLevel: 'M' }).modules;
    const qr = STUDENT_TEMPLATE.front.elements.find((element): element is QrElement => element.kind === 'qr');
    assert.ok(qr);
    const pxPerMm = shot.info.width / CARD_WIDTH_MM;
    const side = Math.min(qr.width, qr.height);
    const module = (side / matrix.size) * pxPerMm;
    let wrong = 0;
    for (let row = 0; row < matrix.size; row += 1) {
      for (let column = 0; column < matrix.size; column += 1) {
        const x = Math.floor((qr.x + (qr.width - side) / 2) * pxPerMm + (column + 0.5) * module);
        const y = Math.floor((qr.y + (qr.height - side) / 2) * pxPerMm + (row + 0.5) * module);
        const offset = (y * shot.info.width + x) * shot.info.channels;
        const luminance = (shot.data[offset]! + shot.data[offset + 1]! + shot.data[offset + 2]!) / 3;
        if ((luminance < 128) !== (matrix.get(row, column) === 1)) wrong += 1;
      }
    }
    assert.equal(wrong, 0, `${wrong} of ${matrix.size ** 2} modules read wrong at ${shot.info.width} px (a module: ${module.toFixed(1)} px)`);
    await context.close();
  });
});
