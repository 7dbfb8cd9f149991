/**
 * The card office console in Chromium: the card list (search, sort, paging, columns, bulk moves
 * with per-card results, CSV export), a request on someone's behalf, delivery with its slip,
 * administration, and an accessibility check (axe-core) with a screenshot of every main page.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { sql } from 'kysely';
import { CARD_EXPORT_QUEUE } from '../../src/modules/cards/card-export.service.ts';
import { assertAccessible, closeAll, ensureWebBuilt, launchBrowser, login, newContext, officeRequest, portraitJpeg, screenshot, signedInPage, startWebWorld, stationEncode, type WebWorld } from './browser-harness.ts';

describe('the card office console in Chromium', () => {
  let world: WebWorld;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const cardIds: string[] = [];
  const personIds: string[] = [];

  before(async () => {
    ensureWebBuilt();
    world = await startWebWorld();
    browser = await launchBrowser();
    const names = ['Zébulon', 'Abadie', 'Moreau', 'Nguyen', 'Lefèvre', 'Durand', 'Bernard', 'Petit', 'Robert', 'Richard', 'Dubois', 'Thomas',
      'Laurent', 'Simon', 'Michel', 'Garcia', 'David', 'Bertrand', 'Roux', 'Vincent', 'Fournier', 'Morel', 'Girard', 'André', 'Mercier',
      'Blanc', 'Guerin', 'Boyer', 'Faure', 'Chevalier'];
    for (const [index, lastName] of names.entries()) {
      const { person } = await world.createCardholder({ lastName, firstName: `Prénom${index}`, personType: index % 5 === 0 ? 'staff' : 'student' });
      personIds.push(person.id);
      cardIds.push(await officeRequest(world, person.id));
    }
    const manager = await world.createStaff('admin');
    ({ context, page } = await signedInPage(browser, world.baseUrl, manager.email, /\/office$/));
  });

  after(() => closeAll(context, browser, world));

  test('the card list searches, sorts, pages, chooses columns, moves in bulk and exports CSV', async () => {
    await page.goto('/office/cards?size=25');
    await page.getByTestId('card-row').first().waitFor();
    assert.match(await page.getByTestId('card-count').innerText(), /^30 cartes$/);
    assert.equal(await page.getByTestId('card-row').count(), 25);
    await assertAccessible(page, 'card list');
    await screenshot(page, '19-office-card-list');

    await page.getByTestId('sort-holder').click();
    await page.waitForURL(/sort=lastName/);
    await page.waitForFunction('document.querySelector("[data-testid=card-row]")?.textContent?.includes("ABADIE")');
    await page.getByTestId('sort-holder').click();
    await page.waitForURL(/order=desc/);
    await page.waitForFunction('document.querySelector("[data-testid=card-row]")?.textContent?.includes("ZÉBULON")');

    assert.equal(await page.getByRole('columnheader', { name: /Titulaire/ }).getAttribute('aria-sort'), 'descending');
    await page.getByTestId('pagination').getByRole('button', { name: 'Page 2' }).click();
    await page.waitForURL(/page=2/);
    await page.waitForFunction('document.querySelectorAll("[data-testid=card-row]").length === 5');

    await page.getByTestId('card-search').fill('zébulon');
    await page.keyboard.press('Enter');
    await page.waitForURL(/q=z%C3%A9bulon/);
    await page.waitForFunction('document.querySelectorAll("[data-testid=card-row]").length === 1');

    await page.getByTestId('columns-menu').click();
    await page.getByRole('checkbox', { name: 'eppn' }).check();
    await page.keyboard.press('Escape');
    await page.reload();
    await page.getByRole('columnheader', { name: 'eppn' }).waitFor();

    // One of the selected cards was already checked: the bulk move reports it, card by card.
    const admin = await world.t.loginAs('admin');
    assert.equal((await admin.post(`/api/v1/cards/${cardIds[1]}/moves`, { to: 'REQUEST_CHECKED' })).status, 200);
    await page.goto('/office/cards?size=25&sort=lastName&order=asc');
    await page.waitForFunction('document.querySelector("[data-testid=card-row]")?.textContent?.includes("ABADIE")');
    for (let row = 0; row < 3; row += 1) await page.getByTestId('card-row').nth(row).getByRole('checkbox').check();
    await page.getByTestId('bulk-open').click();
    await page.getByTestId('bulk-run').click();
    await page.getByTestId('bulk-summary').waitFor();
    assert.match(await page.getByTestId('bulk-summary').innerText(), /2 réussies, 1 en échec/);
    assert.match(await page.getByTestId('bulk-results').innerText(), /changement d’état n’est pas possible/);
    await assertAccessible(page, 'bulk move results');
    await screenshot(page, '20-office-bulk-move');
    await page.getByTestId('bulk-close').click();

    // The export is a job on the server: a progress bar while it runs (no worker here: it waits
    // for the drain below), then a link to the file, with every card of the filters.
    await page.getByTestId('export-csv').click();
    await page.getByTestId('export-progress').waitFor();
    await world.t.runtime.jobs.drain([CARD_EXPORT_QUEUE]);
    await page.getByTestId('export-download').waitFor();
    assert.match(await page.getByTestId('export-download').innerText(), /Télécharger le fichier CSV \(30 cartes\)/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-download').click()]);
    const path = await download.path();
    const csv = readFileSync(path, 'utf8');
    const lines = csv.replace(/^\uFEFF/, '').trim().split('\r\n');
    assert.equal(lines.length, 31, 'a header and 30 cards');
    assert.match(lines[0] ?? '', /^id;Titulaire;eppn;Catégorie;État/);
    assert.match(lines[1] ?? '', /;Abadie Prénom1;/, 'in the list\'s order (by name)');
  });

  test('a card is requested for a person found by name', async () => {
    const { person } = await world.createCardholder({ lastName: 'Guichet', firstName: 'Aurore' });
    await page.goto('/office/request');
    await page.getByTestId('person-search').fill('guichet');
    await page.getByTestId('person-search-submit').click();
    await page.getByTestId('person-choice').first().check();
    await page.getByTestId('photo-file').setInputFiles({ name: 'desk.jpg', mimeType: 'image/jpeg', buffer: await portraitJpeg(600, 800, 300) });
    await page.getByTestId('photo-canvas').waitFor();
    await assertAccessible(page, 'request on behalf');
    await screenshot(page, '21-office-request-for');
    await page.getByTestId('request-for-submit').click();
    await page.getByTestId('request-created').waitFor();
    const principal = {
      kind: 'token' as const, id: 't', actor: 't', displayName: 't', role: 'admin' as const, personTypes: null, personId: null,
      institutionIds: null, grantedInstitutionIds: null, focusInstitutionId: null,
    };
    const cards = await world.t.runtime.services.cards.list({ personId: person.id }, principal);
    assert.equal(cards.items.length, 1);
    assert.ok(cards.items[0]?.photoId, 'the photo taken at the desk is on the card');
  });

  test('a search for a person that matches more than the 20 shown says so', async () => {
    for (let i = 0; i < 21; i++) await world.createCardholder({ lastName: 'Nombreux', firstName: `Prénom${i}` });
    await page.goto('/office/request');
    await page.getByTestId('person-search').fill('nombreux');
    await page.getByTestId('person-search-submit').click();
    await page.getByTestId('person-results').waitFor();
    assert.equal(await page.getByTestId('person-choice').count(), 20);
    assert.match(await page.getByTestId('person-results-more').innerText(), /Seules les 20 premières personnes trouvées sont affichées\u00a0: précisez la recherche/);
    await page.getByTestId('person-search').fill('nombreux prénom20');
    await page.getByTestId('person-search-submit').click();
    await page.getByTestId('person-results').getByText('Prénom20').waitFor();
    assert.equal(await page.getByTestId('person-choice').count(), 1);
    assert.equal(await page.getByTestId('person-results-more').count(), 0, 'every match shown: nothing to say');
  });

  test('delivery: mark handed over and print the slip', async () => {
    const cardId = cardIds[2] ?? '';
    const admin = await world.t.loginAs('admin');
    assert.equal((await admin.post(`/api/v1/cards/${cardId}/moves`, { to: 'REQUEST_CHECKED' })).status, 200);
    await stationEncode(world, cardId, '0411223344');
    await page.goto('/office/delivery');
    await page.locator(`[data-testid="to-deliver"] [data-card-id="${cardId}"] [data-testid="picker-check"]`).check();
    await page.getByTestId('slip').click();
    await page.getByTestId('delivery-slip').waitFor();
    assert.match(await page.getByTestId('delivery-slip').innerText(), /0411223344/);
    await assertAccessible(page, 'delivery slip');
    await screenshot(page, '22-office-delivery-slip');
    await page.goBack();
    await page.locator(`[data-testid="to-deliver"] [data-card-id="${cardId}"] [data-testid="picker-check"]`).check();
    await page.getByTestId('mark-delivered').click();
    await page.getByTestId('delivery-result').waitFor();
    assert.match(await page.getByTestId('delivery-result').innerText(), /1 remise enregistrée, 0 en échec/);
  });

  test('administration: institution settings, accounts and API tokens', async () => {
    await page.goto('/office/admin');
    await page.getByTestId('institution-form').waitFor();
    await assertAccessible(page, 'admin institution');
    await screenshot(page, '23-office-admin-institution');
    await page.getByLabel('Validité des cartes (mois)').fill('24');
    await page.getByTestId('institution-save').click();
    await page.getByText('Enregistré.').waitFor();
    const institution = await world.t.runtime.services.institution.get();
    assert.equal(institution.settings.cardValidityMonths, 24);

    await page.getByTestId('admin-tab-accounts').click();
    await page.getByTestId('accounts-table').waitFor();
    await assertAccessible(page, 'admin accounts');
    await page.getByTestId('admin-tab-tokens').click();
    await page.getByTestId('token-name').fill('Imprimante 1');
    await page.getByTestId('token-create').click();
    await page.getByTestId('token-secret').waitFor();
    assert.ok((await page.getByTestId('token-secret').innerText()).length > 20);
    await assertAccessible(page, 'admin tokens');
    await page.getByTestId('admin-tab-mails').click();
    await page.getByTestId('mails-table').waitFor();
    await assertAccessible(page, 'admin mails');
  });

  test('every main page passes axe-core and is captured', async () => {
    const cardId = cardIds[3] ?? '';
    const pages: Array<[string, string, string]> = [
      ['/office', 'count-to-check', '24-office-dashboard'],
      [`/office/cards/${cardId}`, 'card-detail', '25-office-card-detail-new'],
      ['/office/queue', 'queue-current', '26-office-queue'],
      ['/office/print', 'to-print', '27-office-print'],
      ['/office/encode', 'to-encode', '28-office-encode'],
      ['/office/delivery', 'to-deliver', '29-office-delivery'],
      ['/office/esc', 'esc-off', '30-office-esc-off'],
    ];
    for (const [path, ready, name] of pages) {
      await page.goto(path);
      await page.getByTestId(ready).first().waitFor();
      await page.waitForLoadState('networkidle');
      await assertAccessible(page, path);
      await screenshot(page, name);
    }
    // The move dialog and the photo retouch of a request.
    await page.goto(`/office/cards/${cardId}`);
    await page.getByTestId('move-REJECTED').click();
    await page.getByTestId('move-comment').waitFor();
    await assertAccessible(page, 'reject dialog');
    await page.keyboard.press('Escape');
    await page.getByTestId('retouch-open').click();
    await page.getByTestId('retouch-canvas').waitFor();
    await assertAccessible(page, 'photo retouch');
    await screenshot(page, '31-office-photo-retouch');
    await page.getByTestId('retouch-save').click();
    await page.getByText('Photo enregistrée.').waitFor();

    // The same console in English.
    await page.getByTestId('language-switcher').getByText('EN').click();
    await page.goto('/office/cards');
    await page.getByRole('heading', { name: 'Cards' }).waitFor();
    await assertAccessible(page, 'card list in English');
    await screenshot(page, '32-office-card-list-en');
    await page.getByTestId('language-switcher').getByText('FR').click();

    // The cardholder pages of a person with a card.
    const holder = await world.createCardholder({ lastName: 'Pages' });
    await officeRequest(world, holder.person.id);
    const holderContext = await newContext(browser, world.baseUrl);
    const holderPage = await holderContext.newPage();
    await login(holderPage, holder.email, /\/me$/);
    for (const [path, ready, name] of [
      ['/me', 'my-card', '33-student-my-cards'],
      ['/me/consents', 'consent-panel-esc', '34-student-consents'],
      ['/me/data', 'my-data', '35-student-my-data'],
      ['/me/request', 'request-pending', '36-student-request-pending'],
    ] as const) {
      await holderPage.goto(path);
      await holderPage.getByTestId(ready).first().waitFor();
      await holderPage.waitForLoadState('networkidle');
      await assertAccessible(holderPage, path);
      await screenshot(holderPage, name);
    }
    // Consents: give, then withdraw, with the text version recorded.
    await holderPage.goto('/me/consents');
    await holderPage.getByTestId('give-photo_publication').click();
    await holderPage.locator('[data-testid="consent-panel-photo_publication"][data-granted="true"]').waitFor();
    await holderPage.getByTestId('withdraw-photo_publication').click();
    await holderPage.locator('[data-testid="consent-panel-photo_publication"][data-granted="false"]').waitFor();
    const consents = await world.t.runtime.services.people.consentHistory(holder.person.id);
    assert.deepEqual(consents.filter((event) => event.kind === 'photo_publication').map((event) => [event.granted, event.textVersion, event.channel]),
      [[true, '2026-01', 'web'], [false, '2026-01', 'web']]);
    // The data download is the server's JSON export.
    await holderPage.goto('/me/data');
    const [download] = await Promise.all([holderPage.waitForEvent('download'), holderPage.getByTestId('download-data').click()]);
    const exported = JSON.parse(readFileSync(await download.path(), 'utf8')) as { person: { id: string } };
    assert.equal(exported.person.id, holder.person.id);
    await holderContext.close();
  });

  test('the dashboard: counters, requests per day and cards by state over time, as charts or tables', async () => {
    // Twenty requests spread over the last twenty days (the database stamps moves with its own
    // clock: the history is moved back as if they had been made then).
    const db = world.t.runtime.database.db;
    for (const [index, cardId] of cardIds.slice(10).entries()) {
      const at = sql`now() - ${`${index + 1} days`}::interval`;
      await sql`UPDATE cards SET requested_at = ${at} WHERE id = ${cardId}::uuid`.execute(db);
      await sql`UPDATE card_moves SET at = ${at} WHERE card_id = ${cardId}::uuid AND from_state IS NULL`.execute(db);
    }
    const admin = await world.t.loginAs('admin');
    const stats = (await admin.get<{
      queues: Record<string, number>; current: Record<string, Record<string, number>>; requestsPerDay: Array<{ total: number }>;
    }>('/api/v1/stats/cards')).body;

    await page.goto('/office');
    await page.locator('[data-testid="requests-per-day-chart"] .recharts-bar-rectangle').first().waitFor();
    await page.locator('[data-testid="states-over-time-chart"] .recharts-area').first().waitFor();
    assert.match(await page.getByTestId('dashboard-time-zone').innerText(), /^Jours comptés à l’heure de Paris\./, 'the city, not the zone\'s identifier');
    for (const [testId, queue] of [['count-to-check', 'waitingRequests'], ['count-to-print', 'toPrint'], ['count-in-print', 'inPrint'],
      ['count-to-encode', 'toEncode'], ['count-to-deliver', 'toDeliver']] as const) {
      assert.match(await page.getByTestId(testId).innerText(), new RegExp(`\\n${stats.queues[queue]}$`), testId);
    }
    assert.equal(await page.getByTestId('count-to-check').getAttribute('href'), '/office/queue');
    assert.ok((await page.locator('[data-testid="requests-per-day-chart"] .recharts-bar-rectangle').count()) >= 20, 'a bar per day with requests');
    assert.match(await page.getByTestId('requests-per-day-chart').getAttribute('aria-label') ?? '', /^Diagramme en barres\u00a0: 3\d demandes du /);
    await assertAccessible(page, 'dashboard charts');
    await screenshot(page, '24b-office-dashboard-charts');

    // Keyboard: the switch shows the figures as a table, one row per day of the window, newest first.
    await page.getByTestId('requests-per-day-as-table').focus();
    await page.keyboard.press('Space');
    const requestRows = page.locator('[data-testid="requests-per-day-table"] tbody tr');
    assert.equal(await requestRows.count(), 30);
    const requested = (await requestRows.allInnerTexts()).map((row) => Number(row.split('\t').at(-1)));
    assert.deepEqual(requested, stats.requestsPerDay.map((point) => point.total).reverse());

    // One person type: the states table follows the selection; today's row totals that type's cards.
    await page.getByTestId('dashboard-type').getByText('Personnel').click();
    await page.getByTestId('states-over-time-as-table').check();
    const staffToday = Object.values(stats.current.staff ?? {}).reduce((sum, count) => sum + count, 0);
    assert.ok(staffToday > 0);
    const todayRow = page.locator('[data-testid="states-over-time-table"] tbody tr').first();
    assert.equal((await todayRow.innerText()).split('\t').at(-1), String(staffToday));
    assert.equal(await page.locator(`[data-testid="state-type-count"][data-state="NEW"][data-type="staff"]`).innerText(),
      String(stats.current.staff?.NEW ?? 0));
    await assertAccessible(page, 'dashboard tables');
    await screenshot(page, '24c-office-dashboard-tables');

    // Another window: seven days, asked again of the server.
    await page.getByTestId('dashboard-period').getByText('7 jours').click();
    await page.waitForFunction('document.querySelectorAll("[data-testid=requests-per-day-table] tbody tr").length === 7');
  });
});
