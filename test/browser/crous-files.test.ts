/**
 * CROUS files in the console, in Chromium, on the demo data (`npm start`): the demo admin opens
 * « Fichiers CROUS », sets the re-enrolment file of the university to four columns, commas and
 * ISO-8859-1, previews it (Hugo, who gave no CROUS consent, is not in it), generates it and
 * downloads it from the history: the bytes have the configured columns and encoding. Then the
 * CROUS's pre-encoded card file: a file with a bad line is refused with its line number, and
 * imported with « lignes correctes » the good line is kept.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { assertAccessible, chooseSegment, ensureWebBuilt, launchBrowser, newContext, startDemoWorld, type DemoWorld } from './browser-harness.ts';
import { CROUS_CARD_FILE_COLUMNS } from '../../src/modules/crous/domain/crous-card-file.ts';

describe('CROUS files in the console (demo data, French)', () => {
  let world: DemoWorld;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    ensureWebBuilt();
    world = await startDemoWorld();
    browser = await launchBrowser();
    context = await newContext(browser, world.baseUrl, { locale: 'fr-FR' });
    page = await context.newPage();
    const admin = [...world.startupMessage.matchAll(/^ {2}(\S+@\S+) +(\S+) +(.+)$/gm)].find(([, email]) => email === 'admin@univ-demo.fr');
    assert.ok(admin, world.startupMessage);
    await page.goto('/login');
    await page.getByTestId('login-email').fill(admin[1] ?? '');
    await page.getByTestId('login-password').fill(admin[2] ?? '');
    await page.getByTestId('login-submit').click();
    await page.waitForURL(/\/office$/);
  });

  after(async () => {
    await browser?.close();
    await world?.close();
  });

  async function choose(testId: string, option: string): Promise<void> {
    await page.getByTestId(testId).click();
    await page.getByRole('option', { name: option, exact: true }).click();
  }

  test('configure, preview, generate and download the re-enrolment file of the demo university', async () => {
    await page.getByTestId('nav-crous').click();
    await page.getByRole('heading', { name: 'Fichiers CROUS / Izly' }).waitFor();
    await choose('crous-institution', 'Université de Démonstration');
    await chooseSegment(page, 'Réinscriptions');
    await page.getByTestId('crous-column-field-0').waitFor();
    // Default layout: identifier, INE, last name, first name, birth date, e-mail, UAI, tariff, due date.
    // Keep identifier, last name, first name and tariff.
    await page.getByTestId('crous-column-remove-1').click();
    for (let i = 0; i < 3; i += 1) await page.getByTestId('crous-column-remove-3').click();
    await page.getByTestId('crous-column-remove-4').click();
    await page.getByTestId('crous-column-label-0').fill('ID');
    await choose('crous-separator', 'Virgule (,)');
    await choose('crous-encoding', 'ISO-8859-1 (Latin-1)');
    await page.getByTestId('crous-preview').click();
    const preview = page.getByTestId('crous-preview-lines');
    await preview.waitFor();
    const shown = await preview.innerText();
    assert.match(shown, /3 personnes dans le fichier/);
    assert.match(shown, /ID,lastName,firstName,idRate/);
    assert.match(shown, /456789123DE,Moreau,Inès,1/);
    assert.doesNotMatch(shown, /Dubois/, 'Hugo gave no CROUS consent');
    assert.doesNotMatch(shown, /Martin/, 'Camille is a new entrant');
    await page.getByTestId('crous-save').click();
    await page.getByTestId('crous-notice').filter({ hasText: 'Réglages enregistrés.' }).waitFor();
    await page.getByTestId('crous-generate').click();
    await page.getByTestId('crous-notice').filter({ hasText: 'généré : 3 lignes' }).waitFor();
    const row = page.getByTestId('crous-history-row').first();
    await row.waitFor();
    assert.match(await row.innerText(), /Réinscriptions/);
    await assertAccessible(page, 'crous files');
    const [download] = await Promise.all([page.waitForEvent('download'), row.getByTestId('crous-download').click()]);
    assert.match(download.suggestedFilename(), /^crous-re-enrolments-univ-demo-\d{8}-\d{6}\.csv$/);
    const bytes = readFileSync(await download.path());
    const text = bytes.toString('latin1');
    const lines = text.split('\r\n');
    assert.equal(lines[0], 'ID,lastName,firstName,idRate');
    assert.deepEqual(lines.slice(1).sort(), ['', '234567891BC,Bernard,Léa,1', '456789123DE,Moreau,Inès,1', '567891234EF,Laurent,Lucas,1']);
    assert.ok(bytes.includes(Buffer.from('Moreau,In\xe8s', 'latin1')), 'è is one ISO-8859-1 byte');
    assert.ok(!bytes.includes(Buffer.from([0xc3])), 'no UTF-8 sequence');
  });

  test('a card file with a bad line is refused with its line number; with « lignes correctes » the good line is kept', async () => {
    await page.getByTestId('crous-tab-cards').click();
    const header = CROUS_CARD_FILE_COLUMNS.join(';');
    const file = `${header}\r\n0A;1B;0001;04C1D2E3F4A5B6;R1;3;0;75;1A2B;7;99990001;15/07/2025\r\n0A;1B;0001;pas-un-csn;R2;3;0;75;1A2B;7;99990002;15/07/2025\r\n`;
    const upload = async () => {
      await page.locator('input[type="file"]').setInputFiles({ name: 'cartes.csv', mimeType: 'text/csv', buffer: Buffer.from(file) });
      await page.getByTestId('crous-card-import').click();
    };
    await upload();
    await page.getByTestId('crous-card-refused').waitFor();
    const errors = await page.getByTestId('crous-card-errors').innerText();
    assert.match(errors, /3\s+NUM_PROTOCOLAIRE\s+Ce n’est pas un numéro de puce \(CSN\) valide\./);
    await page.getByLabel('Importer les lignes correctes même si d’autres sont refusées').check();
    await upload();
    const report = page.getByTestId('crous-card-report');
    await report.waitFor();
    assert.match(await report.innerText(), /Créées\u00a0: 1 · mises à jour\u00a0: 0 · inchangées\u00a0: 0 · lignes refusées\u00a0: 1/);
    await page.getByTestId('crous-card-count').filter({ hasText: '1 carte pré-encodée' }).waitFor();
  });
});
