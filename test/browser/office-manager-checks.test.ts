/**
 * What a card manager checks at a glance, in Chromium: the holder's other cards on the request
 * queue and on the card page (a lost card, an active one, the card a renewal replaces), only the
 * moves the server allows on a card page (no « Activer » on a card a newer one replaces), print
 * sheets and delivery slips that explain why they are empty, and state badges that keep their
 * whole label on a phone and in the mails table.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { closeAll, enabledCard, ensureWebBuilt, launchBrowser, login, newContext, officeRequest, screenshot, signedInPage, startWebWorld, type WebWorld } from './browser-harness.ts';

const UNKNOWN_CARD = '00000000-0000-4000-8000-000000000000';

interface BadgeSize {
  text: string;
  rootScroll: number;
  rootClient: number;
  labelScroll: number;
  labelClient: number;
}

/**
 * Every visible Mantine badge under `selector` with its widths: a label cut by an ellipsis has a
 * scrollWidth larger than its clientWidth. Browser code as text: this file is type-checked
 * without the DOM library.
 */
async function badgeSizes(page: Page, selector: string): Promise<BadgeSize[]> {
  return await page.evaluate(`[...document.querySelectorAll(${JSON.stringify(selector)})]
    .flatMap((scope) => [...scope.querySelectorAll('.mantine-Badge-root')])
    .filter((root) => root.getClientRects().length > 0)
    .map((root) => {
      const label = root.querySelector('.mantine-Badge-label') ?? root;
      return { text: root.textContent, rootScroll: root.scrollWidth, rootClient: root.clientWidth, labelScroll: label.scrollWidth, labelClient: label.clientWidth };
    })`) as BadgeSize[];
}

function assertWhole(badges: readonly BadgeSize[], where: string, expected: readonly RegExp[]): void {
  for (const pattern of expected) {
    assert.ok(badges.some((badge) => pattern.test(badge.text)), `${where}: no badge ${pattern} among ${badges.map((badge) => badge.text).join(', ')}`);
  }
  const cut = badges.filter((badge) => badge.labelScroll > badge.labelClient || badge.rootScroll > badge.rootClient);
  assert.deepEqual(cut, [], `${where}: badges cut short`);
}

describe('what a manager checks at a glance', () => {
  let world: WebWorld;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let managerEmail = '';
  let adminEmail = '';
  let renewingEmail = '';
  const ids = { lostCard: '', lostRequest: '', activeCard: '', activeRequest: '', firstRequest: '', renewedCard: '', renewal: '', inPrint: '', inEncode: '' };
  let lostEscn = '';

  before(async () => {
    ensureWebBuilt();
    world = await startWebWorld();
    browser = await launchBrowser();
    const manager = await world.t.loginAs('manager');
    const move = async (cardId: string, body: Record<string, unknown>) => {
      const moved = await manager.post<{ state: string }>(`/api/v1/cards/${cardId}/moves`, body);
      assert.equal(moved.status, 200, moved.text);
    };
    // Requests in this order, so that the queue (oldest first) shows them in this order.
    const lost = (await world.createCardholder({ lastName: 'Perdue', firstName: 'Léa' })).person;
    ids.lostCard = await enabledCard(world, lost.id, 'A1B2C3D4');
    await move(ids.lostCard, { to: 'DISABLED', reason: 'LOST' });
    ids.lostRequest = await officeRequest(world, lost.id);
    const active = (await world.createCardholder({ lastName: 'Active', firstName: 'Paul' })).person;
    ids.activeCard = await enabledCard(world, active.id, 'A1B2C3D5');
    ids.activeRequest = await officeRequest(world, active.id);
    const first = (await world.createCardholder({ lastName: 'Premiere', firstName: 'Zoé' })).person;
    ids.firstRequest = await officeRequest(world, first.id);
    const renewingHolder = await world.createCardholder({ lastName: 'Renouvelle', firstName: 'Jean-Baptiste' });
    const renewing = renewingHolder.person;
    renewingEmail = renewingHolder.email;
    ids.renewedCard = await enabledCard(world, renewing.id, 'A1B2C3D6');
    const renewal = await manager.post<{ id: string }>(`/api/v1/cards/${ids.renewedCard}/renew`);
    assert.equal(renewal.status, 201, renewal.text);
    ids.renewal = renewal.body.id;
    const printing = (await world.createCardholder({ lastName: 'Imprimerie', firstName: 'Marie-Claire' })).person;
    ids.inPrint = await officeRequest(world, printing.id, { state: 'REQUEST_CHECKED' });
    const station = await world.t.tokenClient('station');
    assert.equal((await station.post(`/api/v1/cards/${ids.inPrint}/moves`, { to: 'IN_PRINT' })).status, 200);
    const encoding = (await world.createCardholder({ lastName: 'Encodage', firstName: 'Anne-Sophie' })).person;
    ids.inEncode = await officeRequest(world, encoding.id, { state: 'REQUEST_CHECKED' });
    for (const to of ['IN_PRINT', 'PRINTED', 'IN_ENCODE']) {
      assert.equal((await station.post(`/api/v1/cards/${ids.inEncode}/moves`, { to })).status, 200, to);
    }
    const lostView = await manager.get<{ escn: string }>(`/api/v1/cards/${ids.lostCard}`);
    lostEscn = lostView.body.escn;
    managerEmail = (await world.createStaff('manager')).email;
    adminEmail = (await world.createStaff('admin')).email;
    ({ context, page } = await signedInPage(browser, world.baseUrl, managerEmail, /\/office$/));
  });

  after(() => closeAll(context, browser, world));

  async function queueShows(cardId: string): Promise<void> {
    await page.waitForFunction(`document.querySelector('[data-testid=queue-current]')?.getAttribute('data-card-id') === ${JSON.stringify(cardId)}`);
    await page.getByTestId('holder-cards').getByRole('heading').waitFor();
    await page.waitForFunction('!document.querySelector("[data-testid=holder-cards] [role=status]")');
  }

  async function warnings(): Promise<string[]> {
    return page.getByTestId('holder-cards-warning').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-kind') ?? ''));
  }

  test('the request queue shows the holder\'s other cards: a lost card, an active card, or none', async () => {
    await page.goto('/office/queue');
    await queueShows(ids.lostRequest);
    const panel = page.getByTestId('holder-cards');
    const lostRow = panel.getByTestId('holder-card');
    assert.equal(await lostRow.count(), 1);
    assert.equal(await lostRow.getAttribute('data-state'), 'DISABLED');
    assert.match(await lostRow.innerText(), /SUSPENDUE/i);
    assert.match(await lostRow.innerText(), /Motif\s*:\s*Perdue/);
    assert.equal(await lostRow.getByRole('link').innerText(), lostEscn);
    assert.deepEqual(await warnings(), ['lost']);
    assert.match(await page.getByTestId('holder-cards-warning').innerText(), /carte déclarée perdue ou volée/);

    await page.keyboard.press('n');
    await queueShows(ids.activeRequest);
    assert.deepEqual(await panel.getByTestId('holder-card').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-card-id'))), [ids.activeCard]);
    assert.deepEqual(await warnings(), ['active']);
    assert.match(await page.getByTestId('holder-cards-warning').innerText(), /déjà une carte active/);

    await page.keyboard.press('n');
    await queueShows(ids.firstRequest);
    await panel.getByTestId('holder-cards-none').waitFor();
    assert.equal(await panel.getByTestId('holder-card').count(), 0);
    assert.deepEqual(await warnings(), []);
  });

  test('the card page lists the other cards with a link, and a renewal names the card it replaces', async () => {
    await page.goto(`/office/cards/${ids.lostCard}`);
    const row = page.getByTestId('holder-cards').getByTestId('holder-card');
    await row.first().waitFor();
    assert.equal(await row.getAttribute('data-card-id'), ids.lostRequest);
    assert.equal(await row.getAttribute('data-state'), 'NEW');
    assert.deepEqual(await warnings(), ['pending']);
    await row.getByRole('link').click();
    await page.waitForURL(new RegExp(`/office/cards/${ids.lostRequest}$`));
    const back = page.locator(`[data-testid=holder-card][data-card-id="${ids.lostCard}"]`);
    await back.waitFor();
    assert.equal(await back.getAttribute('data-state'), 'DISABLED');

    await page.goto(`/office/cards/${ids.renewal}`);
    const replaced = page.locator(`[data-testid=holder-card][data-card-id="${ids.renewedCard}"]`);
    await replaced.waitFor();
    assert.equal(await replaced.getAttribute('data-state'), 'ENABLED');
    assert.match(await replaced.innerText(), /renouvelée par cette demande/);
    assert.deepEqual(await warnings(), [], 'the card a renewal replaces is active by design: no warning');
  });

  test('a card a newer request replaces offers no « Activer »; a re-enable that loses the race says why, in the manager\'s words', async () => {
    await page.goto(`/office/cards/${ids.lostCard}`);
    await page.getByTestId('move-DESTROYED').waitFor();
    assert.equal(await page.getByTestId('move-ENABLED').count(), 0, 'no « Activer » on a replaced card');

    // A lost card with nothing newer can come back; the holder asks for a replacement meanwhile.
    const racing = (await world.createCardholder({ lastName: 'Course', firstName: 'Inès' })).person;
    const racingCard = await enabledCard(world, racing.id, 'A1B2C3D7');
    const manager = await world.t.loginAs('manager');
    assert.equal((await manager.post(`/api/v1/cards/${racingCard}/moves`, { to: 'DISABLED', reason: 'LOST' })).status, 200);
    await page.goto(`/office/cards/${racingCard}`);
    await page.getByTestId('move-ENABLED').waitFor();
    await officeRequest(world, racing.id);
    await page.getByTestId('move-ENABLED').click();
    const problem = page.getByTestId('problem-alert');
    await problem.waitFor();
    assert.match(await problem.innerText(), /Une carte plus récente de cette personne existe\u00a0: cette carte ne peut plus être réactivée\./);
    assert.doesNotMatch(await problem.innerText(), /votre carte/);
    // The page reads the card again: the move it can no longer make is gone.
    await page.getByTestId('move-ENABLED').waitFor({ state: 'detached' });
    await page.getByTestId('move-DESTROYED').waitFor();
    assert.equal(await page.getByTestId('card-detail').getAttribute('data-state'), 'DISABLED');
    await screenshot(page, '69-office-replaced-card-no-enable');
  });

  test('an empty print sheet says why and where to choose cards; a partial one prints what it found', async () => {
    await page.goto('/office/print/sheet');
    const empty = page.getByTestId('empty-sheet');
    await empty.waitFor();
    assert.match(await empty.innerText(), /Rien à imprimer/);
    assert.match(await page.getByTestId('empty-sheet-why').innerText(), /aucune carte n’a été choisie/);
    assert.equal(await page.getByTestId('print-now').isDisabled(), true);
    assert.equal(await page.getByTestId('print-card').count(), 0);
    await page.getByTestId('empty-go-queue').click();
    await page.waitForURL(/\/office\/queue$/);

    await page.goto(`/office/print/sheet?ids=${UNKNOWN_CARD}`);
    await page.getByTestId('empty-sheet').waitFor();
    assert.match(await page.getByTestId('empty-sheet-why').innerText(), /La carte demandée est introuvable/);
    await page.getByTestId('empty-go-print').click();
    await page.waitForURL(/\/office\/print\?tab=inPrint$/);

    await page.goto(`/office/print/sheet?ids=${ids.inPrint},${UNKNOWN_CARD},not-a-card`);
    await page.getByTestId('print-card').waitFor();
    assert.equal(await page.getByTestId('print-card').count(), 1);
    assert.match(await page.getByTestId('sheet-missing').innerText(), /2 cartes demandées sont introuvables/);
    assert.equal(await page.getByTestId('empty-sheet').count(), 0);
    assert.equal(await page.getByTestId('print-now').isDisabled(), false);
  });

  test('empty delivery slips say why and lead to the delivery page, in French and in English', async () => {
    await page.goto('/office/delivery/slip');
    await page.getByTestId('empty-sheet').waitFor();
    assert.match(await page.getByTestId('empty-sheet').innerText(), /Aucun bon de remise à imprimer/);
    assert.match(await page.getByTestId('empty-sheet-why').innerText(), /aucune carte n’a été choisie/);
    assert.equal(await page.getByTestId('slip-print').isDisabled(), true);
    assert.equal(await page.getByTestId('delivery-slip').count(), 0);
    await page.getByTestId('empty-go-delivery').click();
    await page.waitForURL(/\/office\/delivery$/);

    const english = await newContext(browser, world.baseUrl, { locale: 'en-GB' });
    const englishPage = await english.newPage();
    await login(englishPage, managerEmail, /\/office$/);
    await englishPage.goto(`/office/delivery/slip?ids=${UNKNOWN_CARD},${UNKNOWN_CARD.replace(/0$/, '1')}`);
    await englishPage.getByTestId('empty-sheet').waitFor();
    assert.match(await englishPage.getByTestId('empty-sheet').innerText(), /No delivery slip to print/);
    assert.match(await englishPage.getByTestId('empty-sheet-why').innerText(), /The 2 cards asked for cannot be found/);
    await english.close();
  });

  test('on a phone, state badges keep their whole label (the longest French ones), and so do the mails table badges', async () => {
    const phone = await newContext(browser, world.baseUrl, { phone: true });
    const phonePage = await phone.newPage();
    await login(phonePage, adminEmail, /\/office$/);

    await phonePage.goto('/office/cards');
    await phonePage.getByTestId('card-row').first().waitFor();
    assertWhole(await badgeSizes(phonePage, '[data-testid=card-row]'), 'card list', [/Renouvellement demandé/i, /En cours d’impression/i, /En cours d’encodage/i, /Suspendue/i]);

    for (const [cardId, label] of [[ids.renewal, /Renouvellement demandé/i], [ids.inPrint, /En cours d’impression/i], [ids.inEncode, /En cours d’encodage/i]] as const) {
      await phonePage.goto(`/office/cards/${cardId}`);
      await phonePage.getByTestId('holder-cards').getByRole('heading').waitFor();
      await phonePage.waitForFunction('!document.querySelector("[data-testid=holder-cards] [role=status]")');
      assertWhole(await badgeSizes(phonePage, '[data-testid=card-detail]'), `card page ${cardId}`, [label]);
    }

    await phonePage.goto('/office/queue');
    await phonePage.getByTestId('queue-current').waitFor();
    assertWhole(await badgeSizes(phonePage, '[data-testid=queue]'), 'request queue', []);

    // Mails in their longest statuses ("Conservé (démo)", "En échec").
    const db = world.t.runtime.database.db;
    await sql`UPDATE mails SET status = 'stored' WHERE id IN (SELECT id FROM mails ORDER BY created_at DESC LIMIT 2)`.execute(db);
    await sql`UPDATE mails SET status = 'failed', last_error = 'test' WHERE id IN (SELECT id FROM mails WHERE status = 'queued' ORDER BY created_at DESC LIMIT 2)`.execute(db);
    await phonePage.goto('/office/admin?tab=mails');
    await phonePage.getByTestId('mails-table').locator('tbody tr').first().waitFor();
    assertWhole(await badgeSizes(phonePage, '[data-testid=mails-table]'), 'mails table', [/Conservé \(démo\)/i, /En échec/i]);
    await phone.close();

    // The same badges on the cardholder's own page.
    const holderPhone = await newContext(browser, world.baseUrl, { phone: true });
    const holderPage = await holderPhone.newPage();
    await login(holderPage, renewingEmail, /\/me$/);
    await holderPage.getByTestId('my-card').first().waitFor();
    assertWhole(await badgeSizes(holderPage, '[data-testid=my-card]'), 'my cards', [/Renouvellement demandé/i, /Active/i]);
    await holderPhone.close();
  });
});
