/**
 * Person sources in the admin console, in Chromium: an admin defines a CSV source, previews its
 * first mapped entries, simulates a sync (the diff shows, nothing is written), applies it, and
 * confirms a sync the safety stop held back when the file suddenly lost half its persons.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { assertAccessible, ensureWebBuilt, launchBrowser, login, newContext, startWebWorld, type WebWorld } from './browser-harness.ts';
import { DIRECTORY_QUEUES } from '../../src/modules/directory/directory-sync.service.ts';

function csv(count: number): string {
  const lines = ['eppn;last_name;first_name;person_type'];
  for (let index = 1; index <= count; index += 1) lines.push(`sis${index}@univ.example.fr;Nom${index};Prénom;${index % 2 ? 'student' : 'staff'}`);
  return `${lines.join('\n')}\n`;
}

describe('person sources in the admin console', () => {
  let world: WebWorld;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const dir = mkdtempSync(join(tmpdir(), 'campuscard-sources-browser-'));
  const file = join(dir, 'persons.csv');

  before(async () => {
    ensureWebBuilt();
    world = await startWebWorld();
    browser = await launchBrowser();
    const { email } = await world.createStaff('admin');
    context = await newContext(browser, world.baseUrl);
    page = await context.newPage();
    await login(page, email, /\/office$/);
    await page.goto('/office/admin?tab=sources');
    await page.getByTestId('sources-table').waitFor();
  });
  after(async () => {
    await browser?.close();
    await world?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const drain = () => world.t.runtime.jobs.drain([DIRECTORY_QUEUES.sync]);

  test('define a CSV source, preview it, simulate then apply a sync; confirm a run held by the safety stop', async () => {
    writeFileSync(file, csv(10));
    await page.getByTestId('source-new').click();
    await page.getByTestId('source-name').fill('scolarite');
    await page.getByTestId('source-kind').click();
    await page.getByRole('option', { name: 'Fichier CSV' }).click();
    await page.getByTestId('source-institution').click();
    await page.getByRole('option', { name: 'Université Exemple' }).click();
    await page.getByTestId('source-setting-path').fill(file);
    assert.equal(JSON.parse(await page.getByTestId('source-settings').inputValue()).path, file, 'the settings form writes the JSON');
    // The mapping form edits the mapping's JSON: the CSV template maps each column to its field.
    assert.equal(await page.getByTestId('source-map-eppn').inputValue(), 'eppn');
    await page.getByTestId('source-map-email').fill('');
    assert.equal(JSON.parse(await page.getByTestId('source-mapping').inputValue()).fields.email, undefined);
    await page.getByTestId('source-map-email').fill('email');
    await page.getByTestId('source-schedule').fill('30 2 * * 1');
    await page.getByTestId('source-next-runs').waitFor();
    assert.match(await page.getByTestId('source-next-runs').innerText(), /Prochaines exécutions/);
    await page.getByTestId('source-save').click();
    await page.getByText('Source enregistrée.').waitFor();
    await page.getByTestId('source-row').filter({ hasText: 'scolarite' }).waitFor();

    await page.getByTestId('source-preview').click();
    await page.getByTestId('source-preview-table').waitFor();
    assert.equal(await page.getByTestId('source-preview-row').count(), 10);
    assert.equal(await page.locator('[data-testid="source-preview-row"][data-ok="true"]').count(), 10);
    await assertAccessible(page, 'person sources editor');

    await page.getByTestId('source-dry-run').click();
    await page.getByTestId('source-run-row').first().waitFor();
    assert.equal(await drain(), 1);
    const result = page.getByTestId('source-dry-run-result');
    await result.getByText('10 nouvelles', { exact: false }).waitFor({ timeout: 15_000 });
    const persons = async () => (await sql<{ count: number }>`SELECT count(*)::int AS count FROM persons WHERE eppn LIKE 'sis%'`.execute(world.t.runtime.database.db)).rows[0]?.count;
    assert.equal(await persons(), 0, 'the simulation wrote nobody');
    await page.getByTestId('source-apply').click();
    await page.locator('[data-testid="source-run-row"][data-status="queued"]').waitFor();
    assert.equal(await drain(), 1);
    await page.locator('[data-testid="source-run-row"][data-status="succeeded"]').nth(1).waitFor({ timeout: 15_000 });
    assert.equal(await persons(), 10);

    // Half the file is gone: an export cut short, not departures. The scheduled run stops.
    writeFileSync(file, csv(5));
    await world.t.runtime.services.directory.sync.start({ institutionIds: null }, 'scolarite', {}, { actor: 'test' });
    await drain();
    await page.getByRole('button', { name: 'Actualiser' }).click();
    const banner = page.getByTestId('source-confirmation');
    await banner.waitFor();
    assert.match(await banner.innerText(), /5 personnes contre 10/);
    await banner.getByTestId('source-confirm').click();
    await page.locator('[data-testid="source-run-row"][data-status="queued"]').waitFor();
    assert.equal(await drain(), 1);
    await page.getByRole('button', { name: 'Actualiser' }).click();
    await banner.waitFor({ state: 'detached' });
    const { rows } = await sql<{ count: number }>`SELECT count(*)::int AS count FROM enrolments e JOIN persons p ON p.id = e.person_id
      WHERE p.eppn LIKE 'sis%' AND e.rights_end = current_date`.execute(world.t.runtime.database.db);
    assert.equal(rows[0]?.count, 5, 'confirmed: the five persons gone have their rights end today');
  });
});
