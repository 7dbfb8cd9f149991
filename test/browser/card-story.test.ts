/**
 * The whole story in a real browser: a student requests a card with a photo and the ESC consent,
 * the card office approves, prints, encodes and enables it, the student shows the virtual card,
 * the public verification page agrees, the student declares the card lost, the verification page
 * says suspended, and the ESC Router (simulator) ends up with the card INACTIVE.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  assertAccessible, ensureWebBuilt, launchBrowser, login, newContext, portraitJpeg, screenshot, startWebWorld, type WebWorld,
} from './browser-harness.ts';

describe('the card story in Chromium', () => {
  let world: WebWorld;
  let browser: Browser;

  before(async () => {
    ensureWebBuilt();
    world = await startWebWorld({ esc: true });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await world?.close();
  });

  async function cardIdOf(page: Page): Promise<string> {
    const id = await page.getByTestId('my-card').first().getAttribute('data-card-id');
    assert.ok(id, 'the card has an id');
    return id;
  }

  test('request, approve, print, encode, enable, verify, declare lost, sync', async () => {
    const { person, email } = await world.createCardholder();
    const manager = await world.createStaff('manager');
    const station = await world.createStaff('station');
    const jobs = world.t.runtime.jobs;

    // The student asks for a card, with a photo and the ESC consent.
    const studentContext = await newContext(browser, world.baseUrl, { locale: 'fr-FR' });
    const student = await studentContext.newPage();
    await login(student, email, /\/me$/);
    await assertAccessible(student, 'my cards (empty)');
    await student.getByTestId('nav-request').click();
    await student.getByTestId('photo-file').setInputFiles({ name: 'portrait.jpg', mimeType: 'image/jpeg', buffer: await portraitJpeg() });
    await student.getByTestId('photo-canvas').waitFor();
    await student.getByTestId('photo-zoom').getByRole('slider').focus();
    await student.keyboard.press('ArrowRight');
    await student.getByTestId('consent-esc-checkbox').check();
    await student.getByTestId('accept-rules').check();
    await assertAccessible(student, 'request form');
    await screenshot(student, '02-student-request-form');
    await student.getByTestId('request-submit').click();
    await student.waitForURL(/\/me$/);
    await student.getByTestId('my-card').first().waitFor();
    assert.equal(await student.getByTestId('my-card').first().getAttribute('data-state'), 'NEW');
    const cardId = await cardIdOf(student);
    const consents = await world.t.runtime.services.people.consents(person.id);
    assert.equal(consents.esc?.granted, true);
    assert.equal(consents.esc?.textVersion, '2026-12');

    // The manager approves it from the queue, with the keyboard.
    const officeContext = await newContext(browser, world.baseUrl, { locale: 'fr-FR' });
    const office = await officeContext.newPage();
    await login(office, manager.email, /\/office$/);
    await office.getByTestId('count-to-check').waitFor();
    await assertAccessible(office, 'dashboard');
    await screenshot(office, '05-office-dashboard');
    await office.getByTestId('nav-queue').click();
    await office.locator(`[data-testid="queue-current"][data-card-id="${cardId}"]`).waitFor();
    await assertAccessible(office, 'request queue');
    await screenshot(office, '06-office-queue');
    await office.keyboard.press('a');
    await office.getByTestId('notice').waitFor();

    // Printing: into a batch, the print sheet at card size, then printed.
    await office.getByTestId('nav-print').click();
    await office.locator(`[data-testid="to-print"] [data-card-id="${cardId}"] [data-testid="picker-check"]`).check();
    await office.getByTestId('send-to-print').click();
    await office.getByTestId('bulk-run').click();
    await office.getByTestId('bulk-summary').waitFor();
    await office.getByTestId('bulk-close').click();
    await office.getByTestId('tab-in-print').click();
    await office.locator(`[data-testid="in-print"] [data-card-id="${cardId}"] [data-testid="picker-check"]`).check();
    await office.getByTestId('print-view').click();
    const printed = office.getByTestId('print-card').first();
    await printed.waitFor();
    await office.waitForLoadState('networkidle');
    const box = await printed.boundingBox();
    assert.ok(box);
    // 85.60 mm at 96 px per inch.
    assert.ok(Math.abs(box.width - (85.6 / 25.4) * 96) < 1.5, `card width ${box.width}px`);
    assert.ok(Math.abs(box.height - (53.98 / 25.4) * 96) < 1.5, `card height ${box.height}px`);
    await screenshot(office, '07-office-print-sheet');
    await office.goBack();
    await office.getByTestId('tab-in-print').click();
    await office.locator(`[data-testid="in-print"] [data-card-id="${cardId}"] [data-testid="picker-check"]`).check();
    await office.getByTestId('mark-printed').click();
    await office.getByTestId('bulk-run').click();
    await office.getByTestId('bulk-summary').waitFor();
    assert.equal(await office.locator('[data-testid="bulk-results"] tr[data-ok="true"]').count(), 1);
    await office.getByTestId('bulk-close').click();

    // The encoding station binds the chip the reader typed in.
    const stationContext = await newContext(browser, world.baseUrl, { locale: 'fr-FR' });
    const stationPage = await stationContext.newPage();
    await login(stationPage, station.email, /\/office$/);
    await stationPage.getByTestId('nav-encode').click();
    await stationPage.locator(`[data-testid="to-encode"] [data-card-id="${cardId}"] [data-testid="picker-check"]`).check();
    await stationPage.getByTestId('encode-selected').click();
    await stationPage.getByTestId('csn-input').pressSequentially('04a1b2c3d4e5f6');
    await stationPage.keyboard.press('Enter');
    await stationPage.getByTestId('encode-result').waitFor();
    await assertAccessible(stationPage, 'encoding');
    await screenshot(stationPage, '08-station-encoded');
    await stationContext.close();

    // The manager enables it from the card page, which shows the chip in its four forms.
    await office.goto(`/office/cards/${cardId}`);
    await office.getByTestId('csn-forms').waitFor();
    assert.match(await office.getByTestId('csn-forms').innerText(), /04A1B2C3D4E5F6/);
    await office.getByTestId('move-ENABLED').click();
    await office.locator('[data-testid="card-detail"][data-state="ENABLED"]').waitFor();
    await jobs.drain();

    // The student sees the enabled virtual card, and it checks out as valid.
    await student.reload();
    await student.getByTestId('open-virtual-card').click();
    const validity = student.getByTestId('validity');
    await student.locator('[data-testid="validity"][data-validity="valid"]').waitFor();
    await student.getByTestId('qr-code').locator('img').waitFor();
    await student.waitForLoadState('networkidle');
    await assertAccessible(student, 'virtual card');
    await screenshot(student, '03-student-virtual-card-valid');
    const escn = (await student.getByTestId('escn').innerText()).trim();
    assert.match(escn, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);

    // The public verification page behind the QR code says valid.
    const verifier = await (await newContext(browser, world.baseUrl, { locale: 'fr-FR' })).newPage();
    const qrText = await student.getByTestId('verify-link').getAttribute('href');
    assert.ok(qrText?.endsWith(escn), `QR text ${qrText}`);
    await verifier.goto(`/v/${escn}`);
    assert.match(await verifier.locator('.status').innerText(), /Carte valide/);
    await screenshot(verifier, '09-verification-valid');

    // The student declares it lost: disabled at once.
    await student.getByRole('link', { name: /Retour à mes cartes/ }).click();
    await student.getByTestId('declare-lost').click();
    await student.getByTestId('disable-reason-LOST').check();
    await assertAccessible(student, 'declare lost dialog');
    await student.getByTestId('disable-confirm').click();
    await student.getByTestId('notice').waitFor();
    await student.locator(`[data-testid="my-card"][data-card-id="${cardId}"][data-state="DISABLED"]`).waitFor();
    await student.getByTestId('open-virtual-card').click();
    await student.locator('[data-testid="validity"][data-validity="suspended"]').waitFor();
    assert.match(await validity.innerText(), /suspendue/i);
    await screenshot(student, '04-student-virtual-card-suspended');

    await verifier.reload();
    assert.match(await verifier.locator('.status').innerText(), /Carte suspendue/);
    await screenshot(verifier, '10-verification-suspended');

    // The ESC Router hears of it, and the card office sees the sync go through.
    await jobs.drain();
    const routerCard = world.sim?.state.cards.get(escn);
    assert.ok(routerCard, 'the router knows the card');
    assert.equal(routerCard.cardStatusType, 'INACTIVE');
    await office.goto(`/office/cards/${cardId}`);
    await office.locator('[data-testid="esc-state"][data-esc-state="registered"]').waitFor();
    await assertAccessible(office, 'card detail');
    await screenshot(office, '11-office-card-detail');
    await office.getByTestId('nav-esc').click();
    await office.getByTestId('esc-count-done').waitFor();
    assert.notEqual(await office.getByTestId('esc-count-done').innerText(), '0');
    assert.equal(await office.getByTestId('esc-count-failed').innerText(), '0');
    assert.match(await office.getByTestId('esc-router-external').innerText(), new RegExp(`Routeur ESC\u00a0: ${world.sim?.url ?? 'missing simulator'}`));
    await assertAccessible(office, 'ESC sync');
    await screenshot(office, '12-office-esc-sync');

    await studentContext.close();
    await officeContext.close();
  });
});
