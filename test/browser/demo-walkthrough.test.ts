/**
 * The newcomer: `npm start` on a fresh database, the printed URL and demo logins, and the whole
 * story by hand in English with nothing but the demo accounts. The student requests a card with a
 * photo file and the ESC consent; the manager alone approves, prints, binds the chip typed on the
 * encoding page and enables it; the student shows the virtual card, the public verification page
 * says valid; the student declares it lost, the page says suspended; the manager watches the ESC
 * sync reach the embedded router simulator. Buttons are found by the words a newcomer reads.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  assertAccessible, ensureWebBuilt, launchBrowser, newContext, portraitJpeg, screenshot, startDemoWorld, type DemoWorld,
} from './browser-harness.ts';

interface PrintedLogin {
  email: string;
  password: string;
  purpose: string;
}

/** Reads the demo logins the way a person reads the console: e-mail, password, what it is for. */
function printedLogins(message: string): PrintedLogin[] {
  return [...message.matchAll(/^ {2}(\S+@\S+) +(\S+) +(.+)$/gm)].map(([, email = '', password = '', purpose = '']) => ({ email, password, purpose }));
}

async function logIn(page: Page, login: PrintedLogin): Promise<void> {
  await page.getByLabel('E-mail address').fill(login.email);
  await page.getByLabel('Password').fill(login.password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

describe('the newcomer walkthrough with the demo accounts (English)', () => {
  let world: DemoWorld;
  let browser: Browser;

  before(async () => {
    ensureWebBuilt();
    world = await startDemoWorld();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await world?.close();
  });

  test('request, approve, print, encode, enable, verify, declare lost, see the ESC sync', async () => {
    // What `npm start` printed: the URL to open and which account does what.
    const url = /Open (\S+) in a browser/.exec(world.startupMessage)?.[1];
    assert.equal(url, world.baseUrl);
    assert.match(world.startupMessage, /ESC Router: embedded simulator \(demo/);
    const logins = printedLogins(world.startupMessage);
    const student = logins.find((login) => login.purpose.startsWith('student:'));
    const manager = logins.find((login) => login.purpose.startsWith('card office:'));
    assert.ok(student && manager, `logins printed:\n${world.startupMessage}`);

    // The student opens the URL, logs in, and asks for a card with a photo file and the ESC consent.
    const studentContext = await newContext(browser, url, { locale: 'en-GB' });
    const me = await studentContext.newPage();
    await me.goto('/');
    await me.getByRole('heading', { name: 'Log in' }).waitFor();
    await assertAccessible(me, 'login');
    await screenshot(me, 'walkthrough-01-login');
    await logIn(me, student);
    await me.waitForURL(/\/me$/);
    await me.getByRole('heading', { name: 'My cards' }).waitFor();
    await assertAccessible(me, 'my cards (none yet)');
    await screenshot(me, 'walkthrough-02-my-cards-empty');
    await me.getByRole('link', { name: 'Request a card' }).first().click();
    await me.getByRole('heading', { name: 'Request a card' }).waitFor();
    await me.getByTestId('photo-file').setInputFiles({ name: 'me.jpg', mimeType: 'image/jpeg', buffer: await portraitJpeg() });
    await me.getByTestId('photo-canvas').waitFor();
    await me.getByRole('checkbox', { name: 'I agree that my card is registered as a European Student Card' }).check();
    await me.getByRole('checkbox', { name: /I have read and accept the card rules/ }).check();
    await assertAccessible(me, 'request form');
    await screenshot(me, 'walkthrough-03-request-form');
    await me.getByRole('button', { name: 'Send my request' }).click();
    await me.waitForURL(/\/me$/);
    const myCard = me.getByTestId('my-card').first();
    await me.locator('[data-testid="my-card"][data-state="NEW"]').waitFor();
    const cardId = await myCard.getAttribute('data-card-id');
    assert.ok(cardId);
    await screenshot(me, 'walkthrough-04-request-sent');

    // The manager, alone, approves the request.
    const officeContext = await newContext(browser, url, { locale: 'en-GB' });
    const office = await officeContext.newPage();
    await office.goto('/');
    await logIn(office, manager);
    await office.waitForURL(/\/office$/);
    await office.getByTestId('count-to-check').waitFor();
    await assertAccessible(office, 'dashboard');
    await screenshot(office, 'walkthrough-05-dashboard');
    await office.getByRole('link', { name: 'Check requests' }).click();
    await office.getByTestId('queue-current').waitFor();
    await assertAccessible(office, 'request queue');
    await screenshot(office, 'walkthrough-06-queue');
    // The demo has an older request waiting (Léa Bernard): the newcomer goes on to Camille's.
    await office.getByRole('button', { name: /^Next/ }).click();
    await office.locator(`[data-testid="queue-current"][data-card-id="${cardId}"]`).waitFor();
    await office.getByRole('button', { name: /^Approve/ }).click();
    await office.getByTestId('notice').waitFor();

    // Printing: into the print batch (the page then shows the batch), the print sheet, marked printed from there.
    await office.getByRole('link', { name: 'Printing' }).click();
    await office.locator(`[data-testid="to-print"] [data-card-id="${cardId}"] [data-testid="picker-check"]`).check();
    await assertAccessible(office, 'printing');
    await office.getByRole('button', { name: 'Send 1 card to print' }).click();
    await office.getByRole('button', { name: 'Apply to 1 card' }).click();
    await office.getByTestId('bulk-summary').waitFor();
    await office.getByTestId('bulk-close').click();
    // Closing the results switches to the batch being printed (through the URL, so after a render).
    await office.locator('[data-testid="tab-in-print"][aria-selected="true"]').waitFor({ timeout: 5_000 });
    await office.locator(`[data-testid="in-print"] [data-card-id="${cardId}"] [data-testid="picker-check"]`).check();
    await office.getByRole('button', { name: 'Print sheet' }).click();
    await office.getByTestId('print-card').first().waitFor();
    await office.waitForLoadState('networkidle');
    await assertAccessible(office, 'print sheet');
    await screenshot(office, 'walkthrough-07-print-sheet');
    await office.getByRole('button', { name: 'Mark 1 card printed' }).click();
    await office.getByRole('button', { name: 'Apply to 1 card' }).click();
    await office.getByTestId('bulk-summary').waitFor();
    assert.equal(await office.locator('[data-testid="bulk-results"] tr[data-ok="true"]').count(), 1);
    await office.getByTestId('bulk-close').click();
    await office.getByTestId('sheet-printed').waitFor();
    await assertAccessible(office, 'print sheet, printed');
    await office.getByRole('link', { name: 'Go to encoding' }).click();

    // Encoding: the manager types the chip serial number, then enables the card.
    await office.getByRole('heading', { name: 'Encoding' }).waitFor();
    await office.locator(`[data-testid="to-encode"] [data-card-id="${cardId}"] [data-testid="picker-check"]`).check();
    await office.getByRole('button', { name: 'Encode the chosen card' }).click();
    await office.getByLabel('Chip serial number (CSN)').fill('04a1b2c3d4e5f6');
    await office.getByRole('button', { name: 'Bind the chip' }).click();
    await office.getByTestId('encode-result').waitFor();
    await assertAccessible(office, 'encoding');
    await screenshot(office, 'walkthrough-08-encoded');
    await office.getByTestId('encode-result').getByRole('button', { name: 'Enable' }).click();
    await office.getByTestId('encode-result').getByText('Active').waitFor();

    // The student sees the enabled virtual card.
    await me.reload();
    await me.locator(`[data-testid="my-card"][data-card-id="${cardId}"][data-state="ENABLED"]`).waitFor();
    await me.getByRole('link', { name: 'Show my virtual card' }).click();
    await me.locator('[data-testid="validity"][data-validity="valid"]').waitFor();
    await me.getByTestId('qr-code').locator('img').waitFor();
    await me.waitForLoadState('networkidle');
    await assertAccessible(me, 'virtual card');
    await screenshot(me, 'walkthrough-09-virtual-card');
    const escn = (await me.getByTestId('escn').innerText()).trim();

    // Anybody scanning the QR code lands on the public verification page: valid.
    const qrText = await me.getByTestId('verify-link').getAttribute('href');
    assert.equal(qrText, `${world.t.config.qrPrefix}${escn}`);
    const verifierContext = await newContext(browser, url, { locale: 'en-GB', phone: true });
    const verifier = await verifierContext.newPage();
    await verifier.goto(qrText);
    assert.match(await verifier.locator('.status').innerText(), /Valid card/);
    await assertAccessible(verifier, 'verification (valid)');
    await screenshot(verifier, 'walkthrough-10-verification-valid');

    // The student declares the card lost; the verification page says suspended.
    await me.getByRole('link', { name: 'Back to my cards' }).click();
    await me.getByRole('button', { name: 'Report lost, stolen or out of order' }).click();
    await me.getByRole('radio', { name: 'Lost' }).check();
    await assertAccessible(me, 'declare lost');
    await me.getByRole('button', { name: 'Suspend the card' }).click();
    await me.locator(`[data-testid="my-card"][data-card-id="${cardId}"][data-state="DISABLED"]`).waitFor();
    await screenshot(me, 'walkthrough-11-declared-lost');
    await verifier.reload();
    assert.match(await verifier.locator('.status').innerText(), /Suspended card/);
    await assertAccessible(verifier, 'verification (suspended)');
    await screenshot(verifier, 'walkthrough-12-verification-suspended');

    // The manager watches the ESC sync go through to the embedded router, card page then ESC page.
    await office.getByRole('link', { name: 'Cards', exact: true }).click();
    await office.getByRole('link', { name: /MARTIN Camille/ }).first().click();
    await office.locator('[data-testid="esc-state"][data-esc-state="registered"]').waitFor({ timeout: 30_000 });
    assert.equal(await office.getByTestId('esc-router-status').innerText(), 'Status at the router: Inactive');
    // The history says who did what, by name.
    const actors = await office.getByTestId('history-actor').allInnerTexts();
    assert.ok(actors.includes('Camille Martin') && actors.includes('Gestionnaire démo'), `history actors: ${actors.join(', ')}`);
    await assertAccessible(office, 'card detail');
    await screenshot(office, 'walkthrough-13-card-detail');
    await office.getByRole('link', { name: 'ESC Router', exact: true }).click();
    await office.getByText(/^ESC Router: embedded simulator \(demo\)/).waitFor();
    await office.getByTestId('esc-count-done').waitFor();
    assert.notEqual(await office.getByTestId('esc-count-done').innerText(), '0');
    assert.equal(await office.getByTestId('esc-count-failed').innerText(), '0');
    // With no failure, the deliveries themselves are listed: the disabling went through.
    await office.locator('[data-testid="esc-entry"][data-status="done"]', { hasText: 'Card suspended' }).first().waitFor();
    await assertAccessible(office, 'ESC sync');
    await screenshot(office, 'walkthrough-14-esc-sync');
    const routerCard = world.t.runtime.embeddedEscRouter?.simulator.state.cards.get(escn.toLowerCase());
    assert.equal(routerCard?.cardStatusType, 'INACTIVE');

    await verifierContext.close();
    await studentContext.close();
    await officeContext.close();
  });
});
