/**
 * The « Synchronisations » page in Chromium, in French: every connector as a card with its
 * figures, the drill-down of one connector's entries (opened from its card, its own URL) with the
 * holder, the error code and message, and the replay of a failed entry.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { assertAccessible, chooseSegment, closeAll, ensureWebBuilt, launchBrowser, login, newContext, screenshot, signedInPage, startWebWorld, type WebWorld } from './browser-harness.ts';

describe('the Synchronisations page', () => {
  let world: WebWorld;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let failedId = 0;

  async function entry(connector: string, personId: string, status: 'pending' | 'done' | 'failed', errorCode: string | null, message: string | null): Promise<number> {
    const result = await sql<{ id: number | string }>`INSERT INTO sync_outbox (connector, institution_id, person_id, reason, status, attempts,
        last_error_code, last_error_message, remote_status, done_at, created_at)
      VALUES (${connector}, 1, ${personId}, 'person_changed', ${status}, ${status === 'failed' ? 1 : 0}, ${errorCode}, ${message},
        ${errorCode ? 422 : null}, ${status === 'done' ? sql`now()` : sql`NULL`}, now() - interval '5 minutes')
      RETURNING id`.execute(world.t.runtime.database.db);
    return Number(result.rows[0]?.id);
  }

  before(async () => {
    ensureWebBuilt();
    world = await startWebWorld();
    browser = await launchBrowser();
    const { person } = await world.createCardholder({ lastName: 'Durand', firstName: 'Inès' });
    await entry('esc', person.id, 'pending', null, null);
    await entry('crous', person.id, 'done', null, null);
    failedId = await entry('crous', person.id, 'failed', 'crous_account_refused', 'Le numéro INE est inconnu du CROUS');
    const { email } = await world.createStaff('admin');
    ({ context, page } = await signedInPage(browser, world.baseUrl, email, /\/office$/));
  });

  after(() => closeAll(context, browser, world));

  test('each connector shows its figures; the CROUS drill-down shows the error and replays the failed entry', async () => {
    await page.getByTestId('nav-syncs').click();
    await page.waitForURL(/\/office\/syncs$/);
    await page.getByRole('heading', { level: 1, name: 'Synchronisations' }).waitFor();
    const esc = page.locator('[data-testid="connector-card"][data-connector="esc"]');
    const crous = page.locator('[data-testid="connector-card"][data-connector="crous"]');
    await esc.waitFor();
    assert.equal(await esc.getByTestId('connector-count-pending').innerText(), '1');
    assert.match(await esc.getByTestId('connector-oldest').innerText(), /^Plus ancienne attente\u00a0: [4-6] minutes$/);
    assert.equal(await crous.getByTestId('connector-count-failed').innerText(), '1');
    assert.equal(await crous.getByTestId('connector-count-doneLastDay').innerText(), '1');
    assert.match(await crous.getByTestId('connector-deliveries').innerText(), /^Envois\u00a0: 1 la dernière minute, 1 la dernière heure/);
    await assertAccessible(page, 'Synchronisations');

    await crous.getByRole('button', { name: 'Voir les opérations' }).click();
    await page.waitForURL(/\/office\/syncs\/crous$/);
    const heading = page.getByTestId('connector-entries-section').getByRole('heading', { level: 2 });
    await heading.waitFor();
    assert.equal(await heading.innerText(), 'Opérations\u00a0: CROUS / Izly');
    // Failures first: the failed entry alone, with its holder, error code (and HTTP status) and message.
    const row = page.locator(`[data-testid="connector-entry"][data-entry-id="${failedId}"]`);
    await row.waitFor();
    assert.equal(await page.locator('[data-testid="connector-entry"]').count(), 1);
    assert.equal((await row.getByTestId('connector-entry-holder').innerText()).trim(), 'DURAND Inès');
    assert.equal((await row.getByTestId('connector-entry-error-code').innerText()).trim(), 'crous_account_refused (HTTP 422)');
    assert.equal((await row.getByTestId('connector-entry-error-message').innerText()).trim(), 'Le numéro INE est inconnu du CROUS');
    await screenshot(page, 'connector-syncs-crous');

    await row.getByRole('button', { name: `Rejouer l’opération ${failedId}` }).click();
    await page.getByRole('status').filter({ hasText: `L’opération ${failedId} est de nouveau en attente.` }).waitFor();
    await page.getByText('Aucune opération en échec.').waitFor();
    const status = await sql<{ status: string; replayedBy: string | null }>`SELECT status, replayed_by AS "replayedBy" FROM sync_outbox WHERE id = ${failedId}`
      .execute(world.t.runtime.database.db);
    assert.equal(status.rows[0]?.status, 'pending');
    assert.ok(status.rows[0]?.replayedBy, 'the replay is recorded with who did it');

    await chooseSegment(page, 'Toutes');
    const replayed = page.locator(`[data-testid="connector-entry"][data-entry-id="${failedId}"]`);
    await replayed.waitFor();
    assert.equal(await replayed.getAttribute('data-status'), 'pending');
    assert.equal((await replayed.locator('.mantine-Badge-label').textContent())?.trim(), 'En attente');
    assert.equal(await page.locator('[data-testid="connector-entry"]').count(), 2);
    await assertAccessible(page, 'Synchronisations, CROUS');
  });

  test('an entry\'s row opens its detail (mouse or keyboard): every field, the error\'s meaning and HTTP status, and « Rejouer »', async () => {
    const person = (await world.createCardholder({ lastName: 'Priorité', firstName: 'Jeanne' })).person;
    const inserted = await sql<{ id: number | string }>`INSERT INTO sync_outbox (connector, institution_id, person_id, operation, reason, status, attempts,
        last_error_code, last_error_message, remote_status, result, created_at)
      VALUES ('crous', 1, ${person.id}, 'ensureAccount', 'card_enabled', 'failed', 3, 'crous_priority_elsewhere',
        'Un autre établissement a la priorité / Another institution has priority (CROUS : priorité)', 406, ${JSON.stringify({ deferred: true })}::jsonb, now())
      RETURNING id`.execute(world.t.runtime.database.db);
    const id = Number(inserted.rows[0]?.id);
    await page.goto('/office/syncs/crous');
    const row = page.locator(`[data-testid="connector-entry"][data-entry-id="${id}"]`);
    await row.waitFor();
    // A click anywhere on the row but its link and button.
    await row.locator('td').nth(3).click();
    const detail = page.getByTestId('connector-entry-detail');
    await detail.waitFor();
    const field = async (testId: string) => ((await detail.getByTestId(testId).innerText()).replace(/\s+/g, ' ').trim());
    assert.equal(await field('detail-connector'), 'CROUS / Izly');
    assert.equal(await field('detail-institution'), 'Université Exemple');
    assert.equal(await field('detail-person'), 'PRIORITÉ Jeanne');
    assert.match((await detail.getByTestId('detail-person').getByRole('link').getAttribute('href')) ?? '', /^\/office\/cards\?q=/);
    assert.equal(await field('detail-operation'), 'ensureAccount');
    assert.equal(await field('detail-reason'), 'Carte activée');
    assert.equal((await detail.getByTestId('detail-status').textContent())?.trim(), 'En échec');
    assert.equal(await field('detail-attempts'), '3');
    assert.equal(await field('detail-next-attempt'), '—');
    assert.equal(await field('detail-error-code'), 'crous_priority_elsewhere');
    assert.equal(await field('detail-error-meaning'), 'Un autre établissement a la priorité sur ce compte CROUS (406).');
    assert.equal(await field('detail-remote-status'), 'HTTP 406');
    assert.match(await field('detail-result'), /"deferred": true/);
    assert.equal(await field('detail-replay'), 'Jamais rejouée');
    await assertAccessible(page, 'Synchronisations, entry detail');
    await page.keyboard.press('Escape');
    await detail.waitFor({ state: 'detached' });

    // From the keyboard: the entry's number is a button.
    await row.getByTestId('connector-entry-open').focus();
    await page.keyboard.press('Enter');
    await detail.waitFor();
    await detail.getByTestId('detail-replay-button').click();
    await detail.getByTestId('detail-status').getByText('En attente').waitFor();
    assert.match(await field('detail-replay'), /^Rejouée le .* par admin \d+$/);
    const status = await sql<{ status: string }>`SELECT status FROM sync_outbox WHERE id = ${id}`.execute(world.t.runtime.database.db);
    assert.equal(status.rows[0]?.status, 'pending');
  });

  test('in English, a manager reads the same figures and entries without replay buttons', async () => {
    const english = await newContext(browser, world.baseUrl, { locale: 'en-GB' });
    try {
      const englishPage = await english.newPage();
      const { email } = await world.createStaff('manager');
      await login(englishPage, email, /\/office$/);
      await englishPage.goto('/office/syncs/crous');
      const heading = englishPage.getByTestId('connector-entries-section').getByRole('heading', { level: 2 });
      await heading.waitFor();
      assert.equal(await heading.innerText(), 'Operations: CROUS / Izly');
      const card = englishPage.locator('[data-testid="connector-card"][data-connector="esc"]');
      assert.match(await card.getByTestId('connector-oldest').innerText(), /^Oldest waiting: \d+ minutes$/);
      await englishPage.locator('[data-testid="connector-entry"]').first().waitFor();
      assert.equal(await englishPage.getByRole('button', { name: /^Replay/ }).count(), 0, 'managers read, admins replay');
      assert.equal(await englishPage.getByTestId('connector-replay-all').count(), 0);
    } finally {
      await english.close();
    }
  });
});
