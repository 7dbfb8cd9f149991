/**
 * The connector operator pages in Chromium with a receiver that keeps failing: the connector card
 * says « Nouvel essai en cours » rather than « Aucun échec », the Webhooks tab names the endpoint's
 * last error (meaning, HTTP status) and its next attempt, and its URL wraps only between its parts;
 * an entry's operation and calls read as words (raw JSON behind « Détails techniques »), its event
 * id is labelled, « HTTP 500 » is not said twice; replay is offered on failures only (« Réessayer
 * maintenant » on an entry being retried, nothing on one never tried); « Rejouer les échecs » of one
 * endpoint replays that endpoint's only; and the page is « Synchronizations » in English.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { insertOutboxRow, type OutboxRow } from '../helpers/outbox-rows.ts';
import { assertAccessible, chooseSegment, closeAll, ensureWebBuilt, launchBrowser, login, newContext, signedInPage, startWebWorld, type WebWorld } from './browser-harness.ts';

describe('connector pages with a failing receiver', () => {
  let world: WebWorld;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let email = '';
  let hookId = '';
  let otherHookId = '';
  let retryingId = 0;
  let neverTriedId = 0;
  let failedId = 0;
  let otherFailedId = 0;
  let escDoneId = 0;
  const url = 'http://127.0.0.1:9/campuscard-hooks/receiver';

  const entry = (row: OutboxRow) => insertOutboxRow(world.t.runtime.database.db, row);

  before(async () => {
    ensureWebBuilt();
    world = await startWebWorld({ env: { CONNECTOR_SECRETS_KEY: 'browser-test-deployment-secret-of-32-characters', WEBHOOK_ALLOW_HTTP_LOOPBACK: 'true' } });
    browser = await launchBrowser();
    const db = world.t.runtime.database.db;
    const code = (await sql<{ code: string }>`SELECT code FROM institutions WHERE id = 1`.execute(db)).rows[0]?.code;
    const everywhere = { institutionIds: null, personTypes: null, focusInstitutionId: null };
    hookId = (await world.t.runtime.services.webhooks.create(everywhere, { url, events: ['card.*'], ...(code ? { institution: code } : {}) }, { actor: 'test' })).endpoint.id;
    otherHookId = (await world.t.runtime.services.webhooks.create(everywhere,
      { url: 'http://127.0.0.1:9/other', events: ['card.*'], ...(code ? { institution: code } : {}) }, { actor: 'test' })).endpoint.id;
    const webhook = { connector: 'webhooks', operation: 'deliver', reason: 'card.disabled' };
    failedId = await entry({ ...webhook, subject: hookId, status: 'failed', attempts: 1, target: { eventId: '41' },
      error: { code: 'receiver_refused', message: 'HTTP 400', status: 400 } });
    retryingId = await entry({ ...webhook, subject: hookId, status: 'pending', attempts: 2, target: { eventId: '47' },
      error: { code: 'receiver_unavailable', message: 'HTTP 500', status: 500 } });
    neverTriedId = await entry({ ...webhook, subject: hookId, status: 'pending', attempts: 0, target: { eventId: '48' } });
    otherFailedId = await entry({ ...webhook, subject: otherHookId, status: 'failed', attempts: 1, target: { eventId: '41' },
      error: { code: 'receiver_refused', message: 'HTTP 400', status: 400 } });
    const { person } = await world.createCardholder({ lastName: 'Durand', firstName: 'Inès' });
    const esc = { connector: 'esc', operation: 'sync_person', reason: 'card_enabled', subject: person.id };
    escDoneId = await entry({ ...esc, status: 'done', attempts: 1, result: { operations: ['upsertPerson', 'upsertCard:esc-1:ACTIVE'] } });
    await entry({ ...esc, status: 'pending', attempts: 1, error: { code: 'router_unavailable', message: 'HTTP 500', status: 500 } });
    email = (await world.createStaff('admin')).email;
    ({ context, page } = await signedInPage(browser, world.baseUrl, email, /\/office$/));
  });

  after(() => closeAll(context, browser, world));

  test('a connector retrying is not « Aucun échec »; the Webhooks tab names the last error and the next attempt', async () => {
    await page.goto('/office/syncs');
    const escBadge = page.locator('[data-testid="connector-card"][data-connector="esc"]').getByTestId('connector-badge');
    await escBadge.waitFor();
    assert.equal(await escBadge.getAttribute('data-state'), 'retrying');
    assert.equal((await escBadge.textContent())?.trim(), 'Nouvel essai en cours');
    const crousBadge = page.locator('[data-testid="connector-card"][data-connector="crous"]').getByTestId('connector-badge');
    assert.equal(await crousBadge.getAttribute('data-state'), 'ok', 'nothing pending nor failed: green');

    await page.goto('/office/admin?tab=webhooks');
    const row = page.getByTestId('webhook-row').filter({ hasText: 'receiver' });
    await row.getByTestId('webhook-deliveries-retry').waitFor();
    assert.match(await row.getByTestId('webhook-deliveries-next').innerText(), /^Nouvel essai le .+ \(déjà 2 essais\)$/);
    assert.match(await row.getByTestId('webhook-deliveries-error').innerText(), /^Dernière erreur \(HTTP 500\)\u00a0: Le récepteur n’a pas pu traiter l’envoi/);
    // The URL wraps between its parts only, never inside « receiver ».
    const urlText = row.getByTestId('webhook-url-text');
    assert.match(await urlText.getAttribute('style') ?? '', /word-break: normal/);
    assert.equal(await urlText.locator('wbr').count(), 3, 'after http://, 127.0.0.1:9/ and campuscard-hooks/');
    assert.equal(await urlText.getAttribute('title'), url);
    await assertAccessible(page, 'Webhooks, retrying');
  });

  test('entries read as words; replay only where it makes sense', async () => {
    await page.goto(`/office/syncs/webhooks?subject=${hookId}`);
    await page.getByTestId('connector-subject-filter').waitFor();
    // Failures first; then every entry of the endpoint.
    await page.locator(`[data-testid="connector-entry"][data-entry-id="${failedId}"]`).waitFor();
    await chooseSegment(page, 'Toutes');
    const retrying = page.locator(`[data-testid="connector-entry"][data-entry-id="${retryingId}"]`);
    await retrying.waitFor();
    assert.equal(await retrying.getByTestId('connector-entry-event-id').innerText(), 'Événement n° 47');
    assert.equal(await retrying.getByTestId('connector-entry-replay').innerText(), 'Réessayer maintenant');
    assert.equal((await retrying.getByTestId('connector-entry-error-code').innerText()).trim(), 'receiver_unavailable (HTTP 500)');
    assert.equal((await retrying.getByTestId('connector-entry-error-message').innerText()).trim(), '', '« HTTP 500 » once, beside the code');
    assert.equal(await page.locator(`[data-testid="connector-entry"][data-entry-id="${neverTriedId}"]`).getByTestId('connector-entry-replay').count(), 0,
      'never tried: nothing to replay');
    assert.equal(await page.locator(`[data-testid="connector-entry"][data-entry-id="${failedId}"]`).getByTestId('connector-entry-replay').innerText(), 'Rejouer');

    await retrying.getByTestId('connector-entry-open').click();
    const detail = page.getByTestId('connector-entry-detail');
    await detail.waitFor();
    assert.equal((await detail.getByTestId('detail-operation').innerText()).replace(/\s+/g, ' ').trim(), 'Envoyer l’événement deliver');
    assert.equal(await detail.getByTestId('detail-remote-status').innerText(), 'HTTP 500');
    assert.equal(await detail.getByTestId('detail-error-message').count(), 0, '« HTTP 500 » once, as the status');
    assert.equal(await detail.getByTestId('detail-replay-button').innerText(), 'Réessayer maintenant');
    await page.keyboard.press('Escape');
    await detail.waitFor({ state: 'hidden' });
  });

  test('« Rejouer les échecs » of one endpoint replays that endpoint\'s failures only', async () => {
    const button = page.getByTestId('connector-replay-all');
    assert.equal(await button.innerText(), 'Rejouer les échecs de ce récepteur');
    await button.click();
    await page.getByRole('status').filter({ hasText: '1 opération de nouveau en attente.' }).waitFor();
    const replayed = await sql<{ id: number | string; replayedBy: string | null }>`SELECT id, replayed_by AS "replayedBy" FROM sync_outbox
      WHERE id IN (${failedId}, ${otherFailedId}) ORDER BY id`.execute(world.t.runtime.database.db);
    assert.deepEqual(replayed.rows.map((row) => [Number(row.id), row.replayedBy !== null]), [[failedId, true], [otherFailedId, false]]);
  });

  test('an ESC entry: its operation and calls in words, the raw JSON behind « Détails techniques »', async () => {
    await page.goto('/office/syncs/esc');
    await chooseSegment(page, 'Toutes');
    await page.locator(`[data-testid="connector-entry"][data-entry-id="${escDoneId}"]`).getByTestId('connector-entry-open').click();
    const detail = page.getByTestId('connector-entry-detail');
    await detail.waitFor();
    assert.equal((await detail.getByTestId('detail-operation').innerText()).replace(/\s+/g, ' ').trim(), 'Synchroniser la personne sync_person');
    assert.deepEqual((await detail.getByTestId('detail-result-calls').locator('li').allInnerTexts()).map((line) => line.trim()),
      ['Personne créée ou mise à jour au routeur ESC', 'Carte esc-1 envoyée au routeur ESC (état ACTIVE)']);
    assert.equal(await detail.getByTestId('detail-result-raw').count(), 0);
    await detail.getByTestId('detail-result-toggle').click();
    assert.match(await detail.getByTestId('detail-result-raw').innerText(), /"upsertCard:esc-1:ACTIVE"/);
    await assertAccessible(page, 'Synchronisations, ESC entry');
    await page.keyboard.press('Escape');
  });

  test('in English: « Synchronizations », the ESC Router, one wording for a suspended card', async () => {
    const english = await newContext(browser, world.baseUrl, { locale: 'en-GB' });
    try {
      const en = await english.newPage();
      await login(en, email, /\/office$/);
      await en.getByTestId('nav-syncs').click();
      await en.getByRole('heading', { level: 1, name: 'Synchronizations' }).waitFor();
      assert.equal((await en.getByTestId('nav-syncs').innerText()).trim(), 'Synchronizations');
      await en.getByRole('link', { name: 'ESC Router', exact: true }).waitFor();
      const badge = en.locator('[data-testid="connector-card"][data-connector="esc"]').getByTestId('connector-badge');
      assert.equal((await badge.textContent())?.trim(), 'Retrying');
      await en.goto(`/office/syncs/webhooks?subject=${hookId}`);
      await chooseSegment(en, 'All');
      const event = en.locator(`[data-testid="connector-entry"][data-entry-id="${retryingId}"]`).getByTestId('entry-event');
      assert.equal((await event.innerText()).replace(/\s+/g, ' ').trim(), 'Card suspended card.disabled');
    } finally {
      await english.close();
    }
  });
});
