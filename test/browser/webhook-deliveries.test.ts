/**
 * A webhook endpoint's deliveries in Chromium, in French: the Webhooks tab shows each endpoint's
 * figures (waiting, failed, last delivery received) and links to its deliveries on the
 * « Synchronisations » page, filtered on it; there an entry names the receiving endpoint (its URL,
 * not a person), the event by its label and name, the event's id, and the error's meaning.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { insertOutboxRow } from '../helpers/outbox-rows.ts';
import { assertAccessible, chooseSegment, closeAll, ensureWebBuilt, launchBrowser, screenshot, signedInPage, startWebWorld, type WebWorld } from './browser-harness.ts';

describe('webhook deliveries in the office', () => {
  let world: WebWorld;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let endpointId = '';
  let failedId = 0;
  const url = 'http://127.0.0.1:9/campuscard-hooks';

  /** A delivery of the endpoint under test (operation as the column's default gives it). */
  const entry = (reason: string, eventId: string, status: 'pending' | 'done' | 'failed', error: { code: string; message: string; status: number } | null) =>
    insertOutboxRow(world.t.runtime.database.db, {
      connector: 'webhooks', subject: endpointId, operation: 'sync_person', reason, status, attempts: status === 'pending' ? 0 : 1, error, target: { eventId },
    });

  before(async () => {
    ensureWebBuilt();
    world = await startWebWorld({ env: { CONNECTOR_SECRETS_KEY: 'browser-test-deployment-secret-of-32-characters', WEBHOOK_ALLOW_HTTP_LOOPBACK: 'true' } });
    browser = await launchBrowser();
    const code = (await sql<{ code: string }>`SELECT code FROM institutions WHERE id = 1`.execute(world.t.runtime.database.db)).rows[0]?.code;
    const created = await world.t.runtime.services.webhooks.create({ institutionIds: null, personTypes: null, focusInstitutionId: null },
      { url, events: ['card.*'], description: 'Contrôle d’accès', ...(code ? { institution: code } : {}) }, { actor: 'test' });
    endpointId = created.endpoint.id;
    await entry('card.enabled', '4242', 'done', null);
    failedId = await entry('card.disabled', '4243', 'failed', { code: 'receiver_refused', message: 'HTTP 400 Bad Request', status: 400 });
    await entry('card.enabled', '4244', 'pending', null);
    const { email } = await world.createStaff('admin');
    ({ context, page } = await signedInPage(browser, world.baseUrl, email, /\/office$/));
  });

  after(() => closeAll(context, browser, world));

  test('the Webhooks tab shows the endpoint\'s deliveries and links to them', async () => {
    await page.goto('/office/admin?tab=webhooks');
    const row = page.getByTestId('webhook-row');
    await row.waitFor();
    assert.equal(await row.getByTestId('webhook-deliveries-pending').innerText(), '1 en attente');
    assert.equal(await row.getByTestId('webhook-deliveries-failed').innerText(), '1 en échec');
    assert.match(await row.getByTestId('webhook-deliveries-last').innerText(), /^Dernier envoi reçu le /);
    await assertAccessible(page, 'Webhooks');
    await row.getByTestId('webhook-deliveries-link').click();
    await page.waitForURL(new RegExp(`/office/syncs/webhooks\\?subject=${endpointId}$`));
  });

  test('the Synchronisations page names the endpoint, the event and its id; the drawer explains the error', async () => {
    const filterNotice = page.getByTestId('connector-subject-filter');
    await filterNotice.getByText(`Opérations d’un seul récepteur\u00a0: ${url}`).waitFor();
    // Failures first: the failed delivery alone.
    const row = page.locator(`[data-testid="connector-entry"][data-entry-id="${failedId}"]`);
    await row.waitFor();
    assert.equal(await page.locator('[data-testid="connector-entry"]').count(), 1);
    const table = page.getByTestId('connector-entries');
    await table.getByRole('columnheader', { name: 'Récepteur' }).waitFor();
    assert.equal((await row.getByTestId('entry-endpoint').innerText()).replace(/\s+/g, ' ').trim(), `${url} Contrôle d’accès`);
    assert.equal((await row.getByTestId('entry-event').innerText()).replace(/\s+/g, ' ').trim(), 'Carte suspendue card.disabled');
    assert.equal(await row.getByTestId('connector-entry-event-id').innerText(), 'Événement n° 4243');
    assert.equal((await row.getByTestId('connector-entry-error-code').innerText()).trim(), 'receiver_refused (HTTP 400)');
    assert.equal(await row.getByText('Personne supprimée').count(), 0, 'an endpoint is no person');
    await screenshot(page, 'webhook-deliveries');
    await assertAccessible(page, 'Synchronisations, webhooks');

    await row.getByTestId('connector-entry-open').click();
    const detail = page.getByTestId('connector-entry-detail');
    await detail.waitFor();
    assert.match(await detail.getByTestId('detail-endpoint').innerText(), new RegExp(url.replace(/[.]/g, '\\.')));
    assert.equal(await detail.getByTestId('detail-person').count(), 0);
    assert.equal((await detail.getByTestId('detail-reason').innerText()).replace(/\s+/g, ' ').trim(), 'Carte suspendue card.disabled');
    assert.equal(await detail.getByTestId('detail-event-id').innerText(), 'Événement n° 4243');
    assert.match(await detail.getByTestId('detail-error-meaning').innerText(), /^Le récepteur a refusé l’envoi/);

    // Every delivery of the endpoint, and back to the endpoint from one.
    await page.keyboard.press('Escape');
    await chooseSegment(page, 'Toutes');
    await page.locator('[data-testid="connector-entry"]').nth(2).waitFor();
    assert.equal(await page.locator('[data-testid="connector-entry"]').count(), 3);
    await page.locator(`[data-testid="connector-entry"][data-entry-id="${failedId}"]`).getByRole('link', { name: url }).click();
    await page.waitForURL(/\/office\/admin\?tab=webhooks$/);
  });
});
