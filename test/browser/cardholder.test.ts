/**
 * Cardholder paths in Chromium: a rejected request and its resubmission, approval with the
 * keyboard only, French and English, a phone-sized screen, and each failure a person can meet
 * (wrong file type, too-large photo, the network dropping) without losing what they entered.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  assertAccessible, enabledCard, ensureWebBuilt, launchBrowser, login, newContext, officeRequest, PASSWORD, portraitJpeg, screenshot,
  startWebWorld, type WebWorld,
} from './browser-harness.ts';

describe('cardholder pages in Chromium', () => {
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

  async function fillRequest(page: Page): Promise<void> {
    await page.getByTestId('photo-file').setInputFiles({ name: 'me.jpg', mimeType: 'image/jpeg', buffer: await portraitJpeg() });
    await page.getByTestId('photo-canvas').waitFor();
    await page.getByTestId('consent-esc-checkbox').check();
    await page.getByTestId('accept-rules').check();
  }

  test('a rejected request shows its reason and can be sent again', async () => {
    const { email } = await world.createCardholder();
    const manager = await world.createStaff('manager');
    const context = await newContext(browser, world.baseUrl);
    const student = await context.newPage();
    await login(student, email, /\/me$/);
    await student.goto('/me/request');
    await fillRequest(student);
    await student.getByTestId('request-submit').click();
    await student.waitForURL(/\/me$/);

    // The manager rejects it from the queue: R, template 1, Enter.
    const officeContext = await newContext(browser, world.baseUrl);
    const office = await officeContext.newPage();
    await login(office, manager.email, /\/office$/);
    await office.goto('/office/queue');
    await office.getByTestId('queue-current').waitFor();
    await office.keyboard.press('r');
    await office.getByTestId('reject-panel').waitFor();
    await office.keyboard.press('1');
    assert.match(await office.getByTestId('reject-reason-input').inputValue(), /floue/);
    await assertAccessible(office, 'queue reject panel');
    await office.keyboard.press('Enter');
    await office.getByTestId('queue-empty').waitFor();

    await student.reload();
    await student.getByTestId('reject-reason').waitFor();
    assert.match(await student.getByTestId('reject-reason').innerText(), /floue ou trop sombre/);
    await screenshot(student, '13-student-rejected');
    await student.getByTestId('resubmit-link').click();
    await student.waitForURL(/\/me\/request$/);
    await fillRequest(student);
    await student.getByTestId('request-submit').click();
    await student.waitForURL(/\/me$/);
    await student.getByTestId('my-card').nth(1).waitFor();
    const states = await student.getByTestId('my-card').evaluateAll((cards) => cards.map((card) => card.getAttribute('data-state')));
    assert.deepEqual(states.sort(), ['NEW', 'REJECTED']);
    await context.close();
    await officeContext.close();
  });

  test('a manager approves a request with the keyboard only', async () => {
    const { person } = await world.createCardholder({ lastName: 'Clavier' });
    const cardId = await officeRequest(world, person.id);
    const manager = await world.createStaff('manager');
    const context = await newContext(browser, world.baseUrl);
    const page = await context.newPage();
    await page.goto('/login');
    await page.getByTestId('login-email').focus();
    await page.keyboard.type(manager.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/office$/);
    // Tab through the page until the navigation link to the queue has the focus, then follow it.
    let found = false;
    for (let presses = 0; presses < 40 && !found; presses += 1) {
      await page.keyboard.press('Tab');
      found = await page.evaluate('document.activeElement?.getAttribute("data-testid") === "nav-queue"') as boolean;
    }
    assert.ok(found, 'the queue link is reachable with Tab');
    await page.keyboard.press('Enter');
    await page.getByTestId('queue-current').waitFor();
    // Other requests may wait before this one: N moves to the next.
    for (let presses = 0; presses < 20 && await page.getByTestId('queue-current').getAttribute('data-card-id') !== cardId; presses += 1) {
      await page.keyboard.press('n');
    }
    await page.locator(`[data-testid="queue-current"][data-card-id="${cardId}"]`).waitFor();
    await page.keyboard.press('a');
    await page.getByTestId('notice').waitFor();
    const card = await world.t.runtime.services.cards.get(cardId, {
      kind: 'token', id: 't', actor: 't', displayName: 't', role: 'admin', personTypes: null, personId: null,
      institutionIds: null, grantedInstitutionIds: null, focusInstitutionId: null,
    });
    assert.equal(card.state, 'REQUEST_CHECKED');
    await context.close();
  });

  test('English from the browser, French by choice, remembered across visits', async () => {
    const { email } = await world.createCardholder();
    const context = await newContext(browser, world.baseUrl, { locale: 'en-GB' });
    const page = await context.newPage();
    await page.goto('/login');
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Log in');
    assert.equal(await page.evaluate('document.documentElement.lang'), 'en');
    await login(page, email, /\/me$/);
    await page.goto('/me/data');
    await page.getByTestId('my-data').waitFor();
    assert.match(await page.getByTestId('my-data').innerText(), /Birth date\s+5 Apr 2003/);
    await assertAccessible(page, 'my data (English)');
    await screenshot(page, '14-student-my-data-en');
    await page.getByTestId('language-switcher').getByText('FR').click();
    await page.getByRole('heading', { name: 'Mes données' }).waitFor();
    assert.match(await page.getByTestId('my-data').innerText(), /Date de naissance\s+5 avr\. 2003/);
    await page.reload();
    await page.getByRole('heading', { name: 'Mes données' }).waitFor();
    assert.equal(await page.evaluate('document.documentElement.lang'), 'fr');
    await context.close();
  });

  test('on a phone: the menu, the request with the camera input, and a QR code big enough to scan', async () => {
    const { person, email } = await world.createCardholder({ firstName: 'Inès', lastName: 'Téléphone' });
    const context = await newContext(browser, world.baseUrl, { phone: true });
    const page = await context.newPage();
    await login(page, email, /\/me$/);
    await assertAccessible(page, 'my cards on a phone');
    await page.getByRole('button', { name: 'Ouvrir ou fermer le menu' }).click();
    await page.getByTestId('nav-request').click();
    await page.waitForURL(/\/me\/request$/);
    assert.equal(await page.getByTestId('photo-camera').getAttribute('capture'), 'user');
    await page.getByTestId('photo-camera').setInputFiles({ name: 'camera.jpg', mimeType: 'image/jpeg', buffer: await portraitJpeg(720, 960, 120) });
    await page.getByTestId('photo-canvas').waitFor();
    await page.getByTestId('accept-rules').check();
    await screenshot(page, '15-phone-request');
    await page.getByTestId('request-submit').click();
    await page.waitForURL(/\/me$/);
    const cardId = await page.getByTestId('my-card').first().getAttribute('data-card-id');
    assert.ok(cardId);

    // The office takes it to ENABLED through the API; the phone shows the virtual card.
    const admin = await world.t.loginAs('admin');
    const station = await world.t.tokenClient('station');
    assert.equal((await admin.post(`/api/v1/cards/${cardId}/moves`, { to: 'REQUEST_CHECKED' })).status, 200);
    for (const to of ['IN_PRINT', 'PRINTED', 'IN_ENCODE']) assert.equal((await station.post(`/api/v1/cards/${cardId}/moves`, { to })).status, 200, to);
    assert.equal((await station.post(`/api/v1/cards/${cardId}/csn`, { csn: '0A0B0C0D', form: 'hex' })).status, 200);
    assert.equal((await admin.post(`/api/v1/cards/${cardId}/moves`, { to: 'ENABLED' })).status, 200);
    await page.goto(`/me/cards/${cardId}`);
    await page.locator('[data-testid="validity"][data-validity="valid"]').waitFor();
    const qr = page.getByTestId('qr-code').locator('img');
    await qr.waitFor();
    const box = await qr.boundingBox();
    assert.ok(box && box.width >= 250 && box.x >= 0 && box.x + box.width <= 390, `QR box ${JSON.stringify(box)}`);
    const overflow = await page.evaluate('document.documentElement.scrollWidth > window.innerWidth');
    assert.equal(overflow, false, 'nothing overflows the phone screen sideways');
    await page.waitForLoadState('networkidle');
    await assertAccessible(page, 'virtual card on a phone');
    await screenshot(page, '01-phone-virtual-card');
    assert.ok(person.id);
    await context.close();
  });

  test('failures keep what was entered: wrong file type, too-large photo, network error', async () => {
    const { email } = await world.createCardholder();
    const context = await newContext(browser, world.baseUrl);
    const page = await context.newPage();
    await login(page, email, /\/me$/);
    await page.goto('/me/request');
    await page.getByTestId('consent-crous-checkbox').check();
    await page.getByTestId('accept-rules').check();

    // A text file named like a photo: refused by its content, before anything is sent.
    await page.getByTestId('photo-file').setInputFiles({ name: 'photo.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('this is not an image at all') });
    await page.getByText('Ce fichier n’est pas une photo JPEG ou PNG.').waitFor();
    // A file above the size limit of originals (any phone photo is below it: it is scaled down before upload).
    // Given as a file on disk: the browser reads it there, rather than 31 MB sent over the protocol.
    const dir = mkdtempSync(join(tmpdir(), 'cc-big-photo-'));
    const big = join(dir, 'big.jpg');
    writeFileSync(big, Buffer.concat([await portraitJpeg(), Buffer.alloc(31 * 1024 * 1024, 0)]));
    try {
      await page.getByTestId('photo-file').setInputFiles(big);
      await page.getByText(/La photo est trop volumineuse \(30\sMo au plus\)/).waitFor();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    await assertAccessible(page, 'request form with a photo error');
    await screenshot(page, '16-request-photo-too-large');
    // Submitting without an accepted photo sends nothing and keeps the message by the photo.
    await page.getByTestId('request-submit').click();
    await page.getByText(/La photo est trop volumineuse/).waitFor();
    assert.match(page.url(), /\/me\/request$/);

    // The network drops while sending: the page says so and keeps everything.
    await page.getByTestId('photo-file').setInputFiles({ name: 'ok.jpg', mimeType: 'image/jpeg', buffer: await portraitJpeg() });
    await page.getByTestId('photo-canvas').waitFor();
    await page.route('**/api/v1/cards', (route) => route.abort('internetdisconnected'));
    await page.getByTestId('request-submit').click();
    await page.getByTestId('request-error').waitFor();
    assert.match(await page.getByTestId('request-error').innerText(), /Impossible de joindre le serveur/);
    assert.equal(await page.getByTestId('consent-crous-checkbox').isChecked(), true);
    assert.equal(await page.getByTestId('accept-rules').isChecked(), true);
    assert.equal(await page.getByTestId('photo-canvas').count(), 1, 'the framed photo is still there');
    await screenshot(page, '17-request-network-error');
    await page.unroute('**/api/v1/cards');
    await page.getByTestId('request-submit').click();
    await page.waitForURL(/\/me$/);
    await page.getByTestId('my-card').first().waitFor();
    await context.close();
  });

  test('declare out of order, re-enable, then ask for a renewal', async () => {
    const { person, email } = await world.createCardholder({ lastName: 'Panne' });
    const cardId = await enabledCard(world, person.id, '0455667788');
    const context = await newContext(browser, world.baseUrl);
    const page = await context.newPage();
    await login(page, email, /\/me$/);
    await page.getByTestId('declare-lost').click();
    await page.getByTestId('disable-reason-OUT_OF_ORDER').check();
    await page.getByTestId('disable-confirm').click();
    await page.locator(`[data-testid="my-card"][data-card-id="${cardId}"][data-state="DISABLED"]`).waitFor();
    assert.match(await page.getByTestId('disable-reason').innerText(), /Hors service/);
    await page.getByTestId('reenable').click();
    await page.locator(`[data-testid="my-card"][data-card-id="${cardId}"][data-state="ENABLED"]`).waitFor();
    await page.getByTestId('renew').click();
    await page.getByTestId('confirm-action').click();
    await page.locator('[data-testid="my-card"][data-state="RENEWED"]').waitFor();
    await assertAccessible(page, 'my cards with a renewal');
    await screenshot(page, '37-student-renewal');
    await context.close();
  });

  test('the virtual card stays readable offline once loaded (installable web app)', async () => {
    const { person, email } = await world.createCardholder({ lastName: 'Horsligne' });
    const cardId = await enabledCard(world, person.id, '0499AABBCC');
    const context = await newContext(browser, world.baseUrl, { phone: true, serviceWorkers: true });
    const page = await context.newPage();
    await login(page, email, /\/me$/);
    assert.equal(await page.locator('link[rel="manifest"]').getAttribute('href'), '/manifest.webmanifest');
    await page.goto(`/me/cards/${cardId}`);
    await page.evaluate('navigator.serviceWorker.ready.then(() => true)');
    // Once the worker controls the page, a visit stores the card for later.
    await page.reload();
    await page.waitForFunction('navigator.serviceWorker.controller !== null');
    await page.locator('[data-testid="validity"][data-validity="valid"]').waitFor();
    await page.getByTestId('qr-code').locator('img').waitFor();
    await page.waitForLoadState('networkidle');

    await context.setOffline(true);
    await page.reload();
    await page.getByTestId('virtual-card').waitFor();
    assert.match(await page.getByTestId('card-face').innerText(), /HORSLIGNE/);
    await page.locator('[data-testid="validity"][data-validity="offline"]').waitFor();
    assert.match(await page.getByTestId('validity-checked').innerText(), /Dernier état connu\u00a0: Carte valide/);
    const qrLoaded = await page.getByTestId('qr-code').locator('img').evaluate((image) => (image as unknown as { naturalWidth: number }).naturalWidth > 0);
    assert.ok(qrLoaded, 'the QR code comes from the cache');
    await screenshot(page, '38-phone-virtual-card-offline');
    await context.setOffline(false);
    await context.close();
  });

  test('after a manager logs out, a student logging in on the same tab lands on their cards, not on the manager\'s page', async () => {
    const { email } = await world.createCardholder();
    const manager = await world.createStaff('manager');
    const context = await newContext(browser, world.baseUrl);
    const page = await context.newPage();
    await login(page, manager.email, /\/office$/);
    await page.goto('/office/cards?state=NEW');
    await page.getByTestId('logout').click();
    await page.waitForURL(/\/login$/);
    // Logged in on the page the logout led to: the login page remembers where the manager was.
    await page.getByTestId('login-email').fill(email);
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL(/\/me$/);
    await context.close();
  });

  test('wrong password: the message is next to the form and the e-mail stays', async () => {
    const { email } = await world.createCardholder();
    const context = await newContext(browser, world.baseUrl);
    const page = await context.newPage();
    await page.goto('/login');
    await page.getByTestId('login-email').fill(email);
    await page.getByTestId('login-password').fill('not the password');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('login-error').waitFor();
    assert.match(await page.getByTestId('login-error').innerText(), /Adresse e-mail ou mot de passe incorrect/);
    assert.equal(await page.getByTestId('login-email').inputValue(), email);
    await assertAccessible(page, 'login with an error');
    await screenshot(page, '18-login-error');
    await context.close();
  });
});
