/**
 * Card production in the console, in Chromium, on the demo data (`npm start`), in French:
 * - the demo admin opens « Reprise des cartes », uploads the shipped generic sample export
 *   (samples/migration/generic-sample.zip), checks it with a dry run (report: lines read, cards per
 *   state, no conflict), runs it for real (a job with a progress bar) and reads the result; a file
 *   with a CSN twice is refused with the conflict on its line, worded in French, and a line naming
 *   an unknown person brings the hint to import the persons first (the ESUP-SGC sample's CSV);
 * - the university's manager, on « Impression », « Imprimer la file en PDF » then « Envoyer à l'imprimante » sends the batch
 *   to the demo printer (its client runs in process and prints to a folder), and the cards come out
 *   PRINTED (the batch shows them printed); the batch is listed again, with its actions, after a reload.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { assertAccessible, ensureWebBuilt, launchBrowser, newContext, startDemoWorld, type DemoWorld } from './browser-harness.ts';
import { DEMO_PRINTER_NAME, startDemoPrinter } from '../../src/modules/printers/printers-demo.ts';

const SAMPLE = resolve(import.meta.dirname, '../../samples/migration/generic-sample.zip');

describe('card production console (demo data, French)', () => {
  let world: DemoWorld;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let printerDir: string;
  let demoPrinter: { folder: string; stop(): Promise<void> } | undefined;

  before(async () => {
    ensureWebBuilt();
    world = await startDemoWorld();
    printerDir = await mkdtemp(join(tmpdir(), 'console-demo-printer-'));
    const { services, logger, database } = world.t.runtime;
    demoPrinter = await startDemoPrinter({ config: { dataDir: printerDir }, logger, db: database.db, printers: services.printers, institution: services.institution },
      world.baseUrl);
    browser = await launchBrowser();
    context = await newContext(browser, world.baseUrl, { locale: 'fr-FR' });
    page = await loggedIn(context, 'admin@univ-demo.fr');
  });

  /** A page of `context` logged in as this demo account. */
  async function loggedIn(into: BrowserContext, who: string): Promise<Page> {
    const login = [...world.startupMessage.matchAll(/^ {2}(\S+@\S+) +(\S+) +(.+)$/gm)].find(([, email]) => email === who);
    assert.ok(login, world.startupMessage);
    const opened = await into.newPage();
    await opened.goto('/login');
    await opened.getByTestId('login-email').fill(login[1] ?? '');
    await opened.getByTestId('login-password').fill(login[2] ?? '');
    await opened.getByTestId('login-submit').click();
    await opened.waitForURL(/\/office$/);
    return opened;
  }

  after(async () => {
    await demoPrinter?.stop();
    await browser?.close();
    await world?.close();
    if (printerDir) await rm(printerDir, { recursive: true, force: true });
  });

  async function chooseInstitution(): Promise<void> {
    const select = page.getByTestId('migration-institution');
    if (await select.count() === 0) return;
    await select.click();
    await page.getByRole('option', { name: 'Université de Démonstration', exact: true }).click();
  }

  test('the sample export: dry run report, then the real run with its progress and result', async () => {
    await page.getByTestId('nav-migration').click();
    await page.getByRole('heading', { name: 'Reprise des cartes' }).waitFor();
    await chooseInstitution();
    await page.locator('input[type="file"]').setInputFiles({ name: 'generic-sample.zip', mimeType: 'application/zip', buffer: await readFile(SAMPLE) });
    assert.equal(await page.getByTestId('migration-run').isDisabled(), true, 'the real run waits for a dry run');
    await page.getByTestId('migration-dry-run').click();
    const report = page.getByTestId('migration-report');
    await report.getByText('Essai à blanc (rien n’a été écrit)').waitFor({ timeout: 60_000 });
    const shown = await report.innerText();
    assert.match(shown, /Format\s+Format générique/);
    assert.match(shown, /Lignes lues\s+40/);
    assert.match(shown, /Cartes à migrer\s+40/);
    assert.match(shown, /Lignes en conflit\s+0/);
    await page.getByTestId('migration-no-conflict').waitFor();
    const states = await page.getByTestId('migration-by-state').innerText();
    assert.match(states, /Active/);
    assert.match(states, /Demande validée/);
    await page.getByTestId('migration-ready').waitFor();
    await assertAccessible(page, 'migration dry run');

    await page.getByTestId('migration-run').click();
    await report.getByText('Migration terminée').waitFor({ timeout: 120_000 });
    const done = await report.innerText();
    assert.match(done, /Cartes migrées\s+40/);
    const migrated = await world.t.runtime.database.db.selectFrom('migratedCards').select((eb) => eb.fn.countAll<string>().as('count')).executeTakeFirstOrThrow();
    assert.equal(Number(migrated.count), 40, 'every line of the sample is a migrated card');
  });

  test('a file with one CSN on two lines and an unknown person: the dry run shows the conflicts in French on their lines and how to import the persons, the real run is not offered', async () => {
    await page.getByTestId('nav-migration').click();
    await chooseInstitution();
    const header = 'card_id;eppn;state;last_name;first_name;person_type;csn';
    const csv = `${header}\nx1;conflict.one@univ-demo.fr;ENABLED;Un;Alice;student;04AABBCCDDEE01\nx2;conflict.two@univ-demo.fr;ENABLED;Deux;Bob;student;04AABBCCDDEE01\n`
      + 'x3;nobody.known@univ-demo.fr;ENABLED;;;;04AABBCCDDEE02\n';
    await page.locator('input[type="file"]').setInputFiles({ name: 'doublon.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByTestId('migration-dry-run').click();
    const conflicts = page.getByTestId('migration-conflicts');
    await conflicts.waitFor({ timeout: 60_000 });
    const text = await conflicts.innerText();
    assert.match(text, /\b3\b/, 'the second line of cards is line 3 of the file');
    assert.match(text, /csn/i);
    const details = await page.getByTestId('migration-conflict-detail').allInnerTexts();
    assert.ok(details.includes('Une autre ligne a le même CSN.'), details.join(' | '));
    assert.ok(details.some((detail) => detail.startsWith('Personne inconnue')), details.join(' | '));
    assert.doesNotMatch(text, /Line \d|No person/, 'no server message in English');
    assert.match(await page.getByTestId('migration-unknown-persons').innerText(), /samples\/migration\/esup-sgc-persons\.csv/);
    await page.getByTestId('migration-report').getByText('Fichier refusé').waitFor();
    assert.equal(await page.getByTestId('migration-run').isDisabled(), true);
  });

  test('the manager prints the queue as one PDF, sends it to the demo printer: printed to its folder, the cards PRINTED', async () => {
    const managerContext = await newContext(browser, world.baseUrl, { locale: 'fr-FR' });
    const page = await loggedIn(managerContext, 'manager@univ-demo.fr');
    await page.getByTestId('nav-print').click();
    await page.getByTestId('print-queue-pdf').click();
    const newest = page.getByTestId('print-batch').first();
    await newest.getByTestId('print-batch-download').waitFor({ timeout: 120_000 });
    const batchId = await newest.getAttribute('data-batch-id');
    assert.ok(batchId);
    // The batch is the server's, not the tab's: after a reload it is listed, ready, with its actions.
    await page.reload();
    const listed = page.locator(`[data-batch-id="${batchId}"]`);
    await listed.getByTestId('print-batch-download').waitFor();
    assert.equal(await listed.getAttribute('data-status'), 'ready');
    await listed.getByTestId('print-batch-printer').click();
    await page.getByRole('option', { name: new RegExp(DEMO_PRINTER_NAME) }).click();
    await listed.getByTestId('print-batch-send-button').click();
    await listed.getByTestId('print-batch-job').waitFor();
    await assertAccessible(page, 'print batch sent to a printer');
    await listed.getByTestId('print-batch-printed').waitFor({ timeout: 90_000 });
    await page.reload();
    await listed.getByTestId('print-batch-printed').waitFor();
    assert.equal(await listed.getAttribute('data-status'), 'printed');
    const files = await readdir(demoPrinter!.folder);
    assert.ok(files.length >= 2, `the sample sheet and the batch were printed (${files.join(', ')})`);
    const { db } = world.t.runtime.database;
    const batch = await db.selectFrom('printBatches').selectAll().orderBy('createdAt', 'desc').executeTakeFirstOrThrow();
    assert.equal(batch.status, 'printed');
    const inBatch = await db.selectFrom('printBatchCards').innerJoin('cards', 'cards.id', 'printBatchCards.cardId')
      .select('cards.state').where('printBatchCards.batchId', '=', batch.id).execute();
    assert.ok(inBatch.length > 0);
    for (const card of inBatch) assert.equal(card.state, 'PRINTED');
    await managerContext.close();
  });
});
