/**
 * Person sources in the admin console, in Chromium: an admin defines a CSV source, uploads its
 * file to the server's sources folder (a path outside it is refused, in French), previews its
 * first mapped entries, simulates a sync (the diff shows, nothing is written), applies it, and
 * confirms a sync the safety stop held back when the file suddenly lost half its persons. The
 * panel speaks French throughout: codes of the server in words, free fields named, plurals.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { Browser, Page } from 'playwright-core';
import { assertAccessible, ensureWebBuilt, launchBrowser, signedInPage, startWebWorld, type WebWorld } from './browser-harness.ts';
import { DIRECTORY_QUEUES } from '../../src/modules/directory/directory-sync.service.ts';

function csv(count: number): string {
  const lines = ['eppn;last_name;first_name;person_type;free1'];
  for (let index = 1; index <= count; index += 1) lines.push(`sis${index}@univ.example.fr;Nom${index};Prénom;${index % 2 ? 'student' : 'staff'};Option${index}`);
  return `${lines.join('\n')}\n`;
}

describe('person sources in the admin console', () => {
  let world: WebWorld;
  let browser: Browser;
  let page: Page;
  const dir = mkdtempSync(join(tmpdir(), 'campuscard-sources-browser-'));
  // PERSON_SOURCE_DIR; the admin's own copy of the export is outside it, on their computer.
  const sources = join(dir, 'sources');
  const file = join(sources, 'persons.csv');
  const local = join(dir, 'export.csv');

  before(async () => {
    ensureWebBuilt();
    mkdirSync(sources);
    world = await startWebWorld({ env: { PERSON_SOURCE_DIR: sources } });
    browser = await launchBrowser();
    const { email } = await world.createStaff('admin');
    ({ page } = await signedInPage(browser, world.baseUrl, email, /\/office$/));
    await page.goto('/office/admin?tab=sources');
    await page.getByTestId('sources-table').waitFor();
  });
  after(async () => {
    await browser?.close();
    await world?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const drain = () => world.t.runtime.jobs.drain([DIRECTORY_QUEUES.sync]);

  test('define a CSV source, upload its file, preview it, simulate then apply a sync; confirm a run held by the safety stop', async () => {
    writeFileSync(local, csv(10));
    await page.getByTestId('source-new').click();
    await page.getByTestId('source-name').fill('scolarite');
    await page.getByTestId('source-kind').click();
    await page.getByRole('option', { name: 'Fichier CSV' }).click();
    await page.getByTestId('source-institution').click();
    await page.getByRole('option', { name: 'Université Exemple' }).click();
    // A path out of the sources folder is refused, in French, under the field.
    await page.getByTestId('source-setting-path').fill('../secret.csv');
    await page.getByTestId('source-name').fill('scolarite');
    await page.getByTestId('source-save').click();
    await page.getByText('Le fichier doit se trouver dans le dossier des sources', { exact: false }).first().waitFor();
    assert.doesNotMatch(await page.getByTestId('source-editor').innerText(), /must be|inside PERSON_SOURCE_DIR/, 'no English message of the server');
    await page.getByTestId('source-setting-path').fill('persons.csv');
    // Edited, the path's error is stale: it goes at once, not at the next save.
    assert.equal(await page.getByText('Le fichier doit se trouver dans le dossier des sources', { exact: false }).count(), 0, 'the stale path error is gone');
    assert.equal(await page.getByTestId('problem-alert').count(), 0);
    // The JSON is an explicit advanced mode: hidden until asked for.
    assert.equal(await page.getByTestId('source-settings').isVisible(), false, 'no JSON editor next to the forms');
    await page.getByTestId('source-advanced').check();
    await page.getByTestId('source-settings').waitFor({ state: 'visible' });
    assert.equal(JSON.parse(await page.getByTestId('source-settings').inputValue()).path, 'persons.csv', 'the settings form writes the JSON');
    // The file comes from the admin's computer: uploaded into the server's sources folder.
    const chooser = page.waitForEvent('filechooser');
    await page.getByTestId('source-upload').click();
    await (await chooser).setFiles(local);
    await page.getByTestId('source-upload-done').waitFor();
    assert.match(await page.getByTestId('source-upload-done').innerText(), /Fichier déposé\u00a0: persons\.csv/);
    assert.equal(readFileSync(file, 'utf8'), csv(10), 'the upload landed in PERSON_SOURCE_DIR');
    // The encoding and delimiter show what applies: detected.
    assert.equal(await page.getByTestId('source-setting-encoding').inputValue(), 'auto');
    assert.equal(await page.getByTestId('source-setting-delimiter').inputValue(), 'auto');
    // Free fields are named in French in the mapping form.
    assert.match(await page.getByTestId('source-mapping-form').innerText(), /Champ libre 1/);
    assert.doesNotMatch(await page.getByTestId('source-mapping-form').innerText(), /freeFields/);
    // The mapping form edits the mapping's JSON: the CSV template maps each column to its field.
    assert.equal(await page.getByTestId('source-map-eppn').inputValue(), 'eppn');
    await page.getByTestId('source-map-email').fill('');
    assert.equal(JSON.parse(await page.getByTestId('source-mapping').inputValue()).fields.email, undefined);
    await page.getByTestId('source-map-email').fill('email');
    // The end of the rights of the persons gone: a choice, then a number of days (not "+45 days" typed by hand).
    await page.getByTestId('source-gone-policy').click();
    await page.getByRole('option', { name: 'Un nombre de jours après' }).click();
    await page.getByTestId('source-gone-days').fill('45');
    await page.getByTestId('source-schedule').fill('30 2 * * 1');
    await page.getByTestId('source-next-runs').waitFor();
    assert.match(await page.getByTestId('source-next-runs').innerText(), /Prochaines exécutions/);
    await page.getByTestId('source-save').click();
    await page.getByText('Source enregistrée.').waitFor();
    const { rows: policies } = await sql<{ policy: string }>`SELECT gone_policy AS policy FROM person_sources WHERE name = 'scolarite'`.execute(world.t.runtime.database.db);
    assert.equal(policies[0]?.policy, '+45 days');
    await page.getByTestId('source-row').filter({ hasText: 'scolarite' }).waitFor();
    // The list names the institution, not its code.
    const { rows: codes } = await sql<{ code: string }>`SELECT code FROM institutions`.execute(world.t.runtime.database.db);
    const row = await page.getByTestId('source-row').filter({ hasText: 'scolarite' }).innerText();
    assert.match(row, /Université Exemple/);
    assert.ok(codes.every(({ code }) => !row.includes(code)), row);

    await page.getByTestId('source-test').click();
    assert.equal(await page.getByTestId('source-test-result').innerText(), 'Connexion réussie.');

    await page.getByTestId('source-preview').click();
    await page.getByTestId('source-preview-table').waitFor();
    assert.equal(await page.getByTestId('source-preview-row').count(), 10);
    assert.equal(await page.locator('[data-testid="source-preview-row"][data-ok="true"]').count(), 10);
    const first = await page.getByTestId('source-preview-row').first().innerText();
    assert.match(first, /Champ libre 1\u00a0: Option1/, first);
    assert.doesNotMatch(first, /freeFields|\[object Object\]/, first);
    await assertAccessible(page, 'person sources editor');

    await page.getByTestId('source-dry-run').click();
    await page.getByTestId('source-run-row').first().waitFor();
    assert.equal(await drain(), 1);
    const result = page.getByTestId('source-dry-run-result');
    await result.getByText('10 nouvelles', { exact: false }).waitFor({ timeout: 15_000 });
    // Plurals as French has them: 0 and 1 take the singular.
    assert.match(await result.innerText(), /10 lues · 10 nouvelles · 0 modifiée · 0 disparue · 0 inchangée · 0 erreur(?!s)/);
    const persons = async () => (await sql<{ count: number }>`SELECT count(*)::int AS count FROM persons WHERE eppn LIKE 'sis%'`.execute(world.t.runtime.database.db)).rows[0]?.count;
    assert.equal(await persons(), 0, 'the simulation wrote nobody');
    // Closed and reopened, the source still shows its preview and its simulation.
    await page.getByTestId('source-editor').getByRole('button', { name: 'Fermer', exact: true }).click();
    await page.getByTestId('source-editor').waitFor({ state: 'detached' });
    await page.getByTestId('source-row').filter({ hasText: 'scolarite' }).getByTestId('source-open').click();
    await result.getByText('10 nouvelles', { exact: false }).waitFor();
    assert.equal(await page.getByTestId('source-preview-row').count(), 10, 'the preview is kept too');
    // Applying asks first, with what the simulation found; cancelling writes nothing.
    await page.getByTestId('source-apply').click();
    const modal = page.getByTestId('source-apply-modal');
    await modal.waitFor();
    assert.match(await modal.innerText(), /10 nouvelles/);
    await modal.getByRole('button', { name: 'Annuler' }).click();
    await modal.waitFor({ state: 'detached' });
    assert.equal(await page.locator('[data-testid="source-run-row"][data-status="queued"]').count(), 0, 'cancelled: no run queued');
    await page.getByTestId('source-apply').click();
    await page.getByTestId('source-apply-confirm').click();
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
    const confirmModal = page.getByTestId('source-confirm-modal');
    await confirmModal.waitFor();
    assert.match(await confirmModal.innerText(), /5 personnes absentes de la source verront leurs droits prendre fin/);
    await page.getByTestId('source-confirm-apply').click();
    await page.locator('[data-testid="source-run-row"][data-status="queued"]').waitFor();
    assert.equal(await drain(), 1);
    await page.getByRole('button', { name: 'Actualiser' }).click();
    await banner.waitFor({ state: 'detached' });
    const { rows } = await sql<{ count: number }>`SELECT count(*)::int AS count FROM enrolments e JOIN persons p ON p.id = e.person_id
      WHERE p.eppn LIKE 'sis%' AND e.rights_end = current_date + 45`.execute(world.t.runtime.database.db);
    assert.equal(rows[0]?.count, 5, 'confirmed: the five persons gone have their rights end in 45 days, as the form set');
  });

  test('a source saved without encoding nor delimiter shows them detected; one person read is « 1 lue »', async () => {
    writeFileSync(join(sources, 'one.csv'), 'eppn;last_name;first_name;person_type\nsolo@univ.example.fr;Seul;Sam;student\n');
    const { rows } = await sql<{ code: string }>`SELECT code FROM institutions WHERE kind = 'institution' LIMIT 1`.execute(world.t.runtime.database.db);
    await world.t.runtime.services.directory.sources.create({ institutionIds: null },
      { name: 'unique', kind: 'csv', institution: rows[0]?.code ?? null, settings: { path: 'one.csv' } }, { actor: 'test' });
    await page.goto('/office/admin?tab=sources');
    await page.getByTestId('source-row').filter({ hasText: 'unique' }).getByTestId('source-open').click();
    await page.getByTestId('source-editor').waitFor();
    assert.equal(await page.getByTestId('source-setting-encoding').inputValue(), 'auto');
    assert.equal(await page.getByTestId('source-setting-delimiter').inputValue(), 'auto');
    await page.getByTestId('source-dry-run').click();
    await page.getByTestId('source-run-row').first().waitFor();
    assert.equal(await drain(), 1);
    const result = page.getByTestId('source-dry-run-result');
    await result.getByText('1 lue', { exact: false }).waitFor({ timeout: 15_000 });
    assert.match(await result.innerText(), /1 lue · \d+ nouvelles? · 0 modifiée/);
    assert.ok(existsSync(join(sources, 'one.csv')));
  });

  test('faulty CSV lines and an unusable file are explained in French, with the line', async () => {
    writeFileSync(join(sources, 'faults.csv'), ['eppn;last_name;first_name;person_type;email', 'ok@univ.example.fr;Bon;Ali;student;ali@mail.example.org',
      'bad@univ.example.fr;Mal;Bea;student;pas-un-email', 'short@univ.example.fr;Court', ''].join('\n'));
    writeFileSync(join(sources, 'columns.csv'), 'eppn;last_name;first_name\ncol@univ.example.fr;Sans;Type\n');
    const { rows } = await sql<{ code: string }>`SELECT code FROM institutions WHERE kind = 'institution' LIMIT 1`.execute(world.t.runtime.database.db);
    for (const [name, path] of [['fautes', 'faults.csv'], ['colonnes', 'columns.csv']]) {
      await world.t.runtime.services.directory.sources.create({ institutionIds: null },
        { name, kind: 'csv', institution: rows[0]?.code ?? null, settings: { path } }, { actor: 'test' });
    }
    await page.goto('/office/admin?tab=sources');
    await page.getByTestId('source-row').filter({ hasText: 'fautes' }).getByTestId('source-open').click();
    await page.getByTestId('source-preview').click();
    await page.getByTestId('source-preview-table').waitFor();
    const errors = (await page.getByTestId('source-preview-error').allInnerTexts()).join('\n');
    assert.match(errors, /E-mail · ligne 3\u00a0: Adresse e-mail invalide\./, errors);
    assert.match(errors, /ligne 4\u00a0: Nombre de colonnes incorrect sur cette ligne\./, errors);
    assert.doesNotMatch(errors, /line \d|must|expected/, 'no English message of the server');

    // A file missing a required column cannot be read at all: the failed run says which reason, in French.
    await page.goto('/office/admin?tab=sources');
    await page.getByTestId('source-row').filter({ hasText: 'colonnes' }).getByTestId('source-open').click();
    await page.getByTestId('source-dry-run').click();
    await page.getByTestId('source-run-row').first().waitFor();
    await drain();
    await page.getByRole('button', { name: 'Actualiser' }).click();
    const failed = page.locator('[data-testid="source-run-row"][data-status="failed"]');
    await failed.waitFor({ timeout: 15_000 });
    assert.match(await failed.innerText(), /Colonne obligatoire absente\./);
    assert.doesNotMatch(await failed.innerText(), /unusable|required column/);
  });
});
