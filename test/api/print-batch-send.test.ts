import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { startTestApp, TestClient } from '../helpers/test-app.ts';
import { STAFF_TEMPLATE, STUDENT_TEMPLATE } from '../../src/modules/card-templates/domain/default-templates.ts';
import { PRINT_BATCH_QUEUE, type PrintBatchView } from '../../src/modules/card-templates/print-batches.service.ts';
import { DEMO_PRINTER_NAME, startDemoPrinter } from '../../src/modules/printers/printers-demo.ts';
import {
  configureInstitution, createInstitution, createPerson, institutionCode, jpeg, move, officeClients, requestCard, stateOf, type CardsWorld,
} from './cards.fixtures.ts';

/**
 * Sending a print batch to a printer (`POST /print-batches/{id}/send`) and batch ownership: the
 * batch takes its cards for the printer, and whoever confirms it (the printer's client, or the
 * office) takes its lock over, so neither meets `not_your_lock`. Scoped by institution. Then the
 * demo story end to end with the in-process demo printer, and the production purge.
 */

interface Job { id: string; status: string; batchId: string | null; cardsTotal: number | null }
interface Problem { code: string; field?: string }
interface Outcome { batch: PrintBatchView; moved: number; refused: Array<{ code: string }> }

let w: CardsWorld;
let managerA: TestClient;
let managerA2: TestClient;
let managerB: TestClient;
let codeA: string;

before(async () => {
  const t = await startTestApp();
  await configureInstitution(t);
  w = await officeClients(t);
  codeA = await institutionCode(t, 1);
  await createInstitution(w, { code: 'ecole-send', name: 'École Send', pic: '777777773' });
  managerA = await t.loginAs('manager', { institutions: [codeA] });
  managerA2 = await t.loginAs('manager', { institutions: [codeA] });
  managerB = await t.loginAs('manager', { institutions: ['ecole-send'] });
  for (const [name, layout, personType] of [['Étudiants', STUDENT_TEMPLATE, 'student'], ['Personnels', STAFF_TEMPLATE, null]] as const) {
    const template = await managerA.post<{ id: string }>('/api/v1/card-templates', { name, layout });
    assert.equal(template.status, 201, template.text);
    assert.equal((await managerA.post('/api/v1/card-template-rules', { personType, templateId: template.body.id })).status, 201);
  }
});
after(async () => { await w.t.close(); });

/** Cards ready to print, with a photo, of the first institution. */
async function readyCards(count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const person = await createPerson(w.t, { personType: index % 2 === 0 ? 'student' : 'staff', institution: codeA });
    const card = await requestCard(w, person.id, w.manager, codeA);
    // With a photo: a queue batch leaves out cards without one.
    const photo = await w.manager.request('PUT', `/api/v1/cards/${card.id}/photo`, { payload: await jpeg(), headers: { 'content-type': 'image/jpeg' } });
    assert.equal(photo.status, 200, photo.text);
    await move(w.manager, card.id, 'REQUEST_CHECKED');
    ids.push(card.id);
  }
  return ids;
}

/** A batch of these cards, its PDF made. */
async function readyBatch(cardIds: string[]): Promise<string> {
  const submitted = await managerA.post<PrintBatchView>('/api/v1/print-batches', { cardIds });
  assert.equal(submitted.status, 202, submitted.text);
  await w.t.runtime.jobs.drain([PRINT_BATCH_QUEUE]);
  return submitted.body.id;
}

async function newPrinter(by: TestClient, name: string, duplex = true): Promise<{ id: string; client: TestClient }> {
  const created = await by.post<{ printer: { id: string }; token: string }>('/api/v1/printers', { name, model: 'Evolis Primacy 2', duplex });
  assert.equal(created.status, 201, created.text);
  return { id: created.body.printer.id, client: new TestClient(w.t.app, { bearer: created.body.token }) };
}

async function lockOf(cardId: string): Promise<string | null> {
  const row = await w.t.runtime.database.db.selectFrom('cards').select('lockedBy').where('id', '=', cardId).executeTakeFirstOrThrow();
  return row.lockedBy;
}

async function printJob(client: TestClient, jobId: string): Promise<Job> {
  const next = await client.get<Job>('/api/v1/printer-client/jobs/next');
  assert.equal(next.body.id, jobId);
  const file = await client.request('GET', `/api/v1/printer-client/jobs/${jobId}/file`);
  assert.equal(file.status, 200, file.text.slice(0, 200));
  assert.ok(file.text.startsWith('%PDF'));
  const done = await client.post<Job>(`/api/v1/printer-client/jobs/${jobId}/done`);
  assert.equal(done.status, 200, done.text);
  return done.body;
}

test('a batch downloaded by a manager, then sent to a printer: the printer\'s client confirms it (no not_your_lock)', async () => {
  const cards = await readyCards(2);
  const batchId = await readyBatch(cards);
  const printer = await newPrinter(managerA, 'Evolis hall');
  const download = await managerA.request('GET', `/api/v1/print-batches/${batchId}/file`);
  assert.equal(download.status, 200);
  const managerLock = await lockOf(cards[0]!);
  assert.ok(managerLock !== null && managerLock !== printer.id, 'the download locked the cards to the manager');

  // Another institution's manager reaches neither the batch nor the printer; their printer does not take it.
  const foreign = await managerB.post<Problem>(`/api/v1/print-batches/${batchId}/send`, { printerId: printer.id });
  assert.equal(foreign.status, 404);
  assert.equal(foreign.body.code, 'printer_not_found');
  const printerB = await newPrinter(managerB, 'Zebra B');
  const crossed = await managerB.post<Problem>(`/api/v1/print-batches/${batchId}/send`, { printerId: printerB.id });
  assert.equal(crossed.status, 404);
  assert.equal(crossed.body.code, 'print_batch_not_found');
  const bad = await managerA.post<Problem>(`/api/v1/print-batches/${batchId}/send`, { printerId: 'not-a-uuid' });
  assert.equal(bad.status, 400);
  for (const id of cards) assert.equal(await lockOf(id), managerLock, 'refused sends changed nothing');

  const sent = await managerA.post<Job>(`/api/v1/print-batches/${batchId}/send`, { printerId: printer.id });
  assert.equal(sent.status, 201, sent.text);
  assert.equal(sent.body.batchId, batchId);
  assert.equal(sent.body.cardsTotal, 2);
  const done = await printJob(printer.client, sent.body.id);
  assert.equal(done.status, 'done');
  for (const id of cards) {
    assert.equal(await stateOf(w, id), 'PRINTED');
    assert.equal(await lockOf(id), null);
  }
  const batch = await managerA.get<PrintBatchView>(`/api/v1/print-batches/${batchId}`);
  assert.equal(batch.body.status, 'printed');
  assert.equal(batch.body.printedBy, `printer:${printer.id}`);
  // Shown by name: the printer that confirmed it, the manager who made it and sent it (taking it).
  assert.equal(batch.body.printedByName, 'Evolis hall');
  for (const name of [batch.body.createdByName, batch.body.takenByName]) assert.ok(name && !name.startsWith('account:'), String(name));
});

test('a batch sent to a printer is taken for it (IN_PRINT, locked to the printer); another manager confirms it', async () => {
  const cards = await readyCards(2);
  const batchId = await readyBatch(cards);
  const printer = await newPrinter(managerA, 'Evolis atelier');
  const sent = await managerA.post<Job>(`/api/v1/print-batches/${batchId}/send`, { printerId: printer.id });
  assert.equal(sent.status, 201, sent.text);
  for (const id of cards) {
    assert.equal(await stateOf(w, id), 'IN_PRINT');
    assert.equal(await lockOf(id), printer.id);
  }
  // Moving one card by hand is still refused to someone else: only the batch passes its lock on.
  const byHand = await managerA2.post<Problem>(`/api/v1/cards/${cards[0]}/moves`, { to: 'PRINTED' });
  assert.equal(byHand.status, 423, byHand.text);
  assert.equal(byHand.body.code, 'not_your_lock');
  // Another institution's manager cannot confirm it.
  assert.equal((await managerB.post(`/api/v1/print-batches/${batchId}/confirm`, {})).status, 404);
  const confirmed = await managerA2.post<Outcome>(`/api/v1/print-batches/${batchId}/confirm`, {});
  assert.equal(confirmed.status, 200, confirmed.text);
  assert.equal(confirmed.body.moved, 2);
  assert.deepEqual(confirmed.body.refused, []);
  assert.equal(confirmed.body.batch.status, 'printed');
  assert.ok(confirmed.body.batch.printedBy?.startsWith('account:') && confirmed.body.batch.printedByName !== null
    && !confirmed.body.batch.printedByName.startsWith('account:'), JSON.stringify(confirmed.body.batch));
  for (const id of cards) assert.equal(await stateOf(w, id), 'PRINTED');
  // The client's later "done" answers, and moves nothing more.
  const done = await printJob(printer.client, sent.body.id);
  assert.equal(done.status, 'done');
});

test('a batch with backs is refused by a one-sided printer; a disabled printer refuses it; a printed batch is not sent again', async () => {
  const cards = await readyCards(1);
  const batchId = await readyBatch(cards);
  const simplex = await newPrinter(managerA, 'Recto seul', false);
  const refused = await managerA.post<Problem>(`/api/v1/print-batches/${batchId}/send`, { printerId: simplex.id });
  assert.equal(refused.status, 409);
  assert.equal(refused.body.code, 'printer_not_duplex');
  assert.equal(refused.body.field, '/printerId');
  assert.equal(await stateOf(w, cards[0]!), 'REQUEST_CHECKED', 'a refused send takes nothing');
  const disabled = await newPrinter(managerA, 'Hors service');
  assert.equal((await managerA.put(`/api/v1/printers/${disabled.id}`, { enabled: false })).status, 200);
  const off = await managerA.post<Problem>(`/api/v1/print-batches/${batchId}/send`, { printerId: disabled.id });
  assert.equal(off.status, 409);
  assert.equal(off.body.code, 'printer_disabled');
  assert.equal((await managerA.post(`/api/v1/print-batches/${batchId}/confirm`, {})).status, 200);
  const duplex = await newPrinter(managerA, 'Recto verso');
  const again = await managerA.post<Problem>(`/api/v1/print-batches/${batchId}/send`, { printerId: duplex.id });
  assert.equal(again.status, 409);
  assert.equal(again.body.code, 'print_batch_not_ready');
});

test('the demo story: the queue as one PDF, sent to the demo printer, printed to its folder, the cards PRINTED', async () => {
  const cards = await readyCards(3);
  const services = w.t.runtime.services;
  const url = await w.t.app.listen({ port: 0, host: '127.0.0.1' });
  const folderBase = await mkdtemp(join(tmpdir(), 'print-batch-send-'));
  const demo = await startDemoPrinter({
    config: { dataDir: folderBase }, logger: w.t.runtime.logger, db: w.t.runtime.database.db, printers: services.printers, institution: services.institution,
  }, url);
  try {
    const printers = await managerA.get<{ items: Array<{ id: string; name: string; online: boolean }> }>('/api/v1/printers');
    const demoPrinter = printers.body.items.find((item) => item.name === DEMO_PRINTER_NAME);
    assert.ok(demoPrinter, 'the demo printer is one of the institution\'s printers');
    const submitted = await managerA.post<PrintBatchView>('/api/v1/print-batches', { queue: true });
    assert.equal(submitted.status, 202, submitted.text);
    assert.ok(submitted.body.cardCount >= 3);
    await w.t.runtime.jobs.drain([PRINT_BATCH_QUEUE]);
    const sent = await managerA.post<Job>(`/api/v1/print-batches/${submitted.body.id}/send`, { printerId: demoPrinter.id });
    assert.equal(sent.status, 201, sent.text);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const jobs = await managerA.get<{ items: Job[] }>(`/api/v1/printers/${demoPrinter.id}/jobs`);
      if (jobs.body.items.find((job) => job.id === sent.body.id)?.status === 'done') break;
      assert.ok(Date.now() < deadline, 'the demo printer did not print the batch within a minute');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    for (const id of cards) assert.equal(await stateOf(w, id), 'PRINTED');
    const files = await readdir(demo.folder);
    const printed = files.find((name) => name.includes(sent.body.id));
    assert.ok(printed, `the batch's PDF is in the demo folder (${files.join(', ')})`);
    assert.ok((await readFile(join(demo.folder, printed))).toString('latin1').startsWith('%PDF'));
  } finally {
    await demo.stop();
    await rm(folderBase, { recursive: true, force: true });
  }
});

test('the production purge removes exactly the batch files over 30 days old and the sessions ended over 7 days ago', async () => {
  const db = w.t.runtime.database.db;
  const services = w.t.runtime.services;
  const [oldCard, newCard] = await readyCards(2);
  const oldBatch = await readyBatch([oldCard!]);
  const newBatch = await readyBatch([newCard!]);
  await sql`UPDATE print_batches SET created_at = now() - interval '31 days' WHERE id = ${oldBatch}`.execute(db);
  await sql`UPDATE print_batches SET created_at = now() - interval '29 days' WHERE id = ${newBatch}`.execute(db);
  assert.equal(await services.printBatches.purgeFiles(), 1);
  const gone = await managerA.request('GET', `/api/v1/print-batches/${oldBatch}/file?take=false`);
  assert.equal(gone.status, 404);
  assert.equal((JSON.parse(gone.text) as Problem).code, 'print_file_gone');
  const kept = await managerA.request('GET', `/api/v1/print-batches/${newBatch}/file?take=false`);
  assert.equal(kept.status, 200);
  assert.ok(kept.text.startsWith('%PDF'));
  assert.equal((await managerA.get(`/api/v1/print-batches/${oldBatch}`)).status, 200, 'the batch itself stays');
  assert.equal(await services.printBatches.purgeFiles(), 0, 'running it again deletes nothing more');

  // Sessions: closed or expired 8 days ago go; closed 6 days ago, expired 6 days ago, and open ones stay.
  const institutionId = (await db.selectFrom('cards').select('institutionId').where('id', '=', oldCard!).executeTakeFirstOrThrow()).institutionId;
  const days = (count: number) => new Date(Date.now() - count * 24 * 3600 * 1000);
  const session = async (label: string, values: { createdAt: Date; expiresAt: Date; closedAt: Date | null }) => {
    const row = await db.insertInto('encodingSessions').values({
      cardId: oldCard!, institutionId, holderPersonType: 'student', secretHash: '0'.repeat(64), createdBy: label,
      createdAt: values.createdAt, expiresAt: values.expiresAt, closedAt: values.closedAt, closedBy: values.closedAt ? label : null,
    }).returning('id').executeTakeFirstOrThrow();
    return row.id;
  };
  const closedOld = await session('closed-old', { createdAt: days(9), expiresAt: days(8.99), closedAt: days(8.995) });
  const expiredOld = await session('expired-old', { createdAt: days(9), expiresAt: days(8), closedAt: null });
  const closedRecent = await session('closed-recent', { createdAt: days(6), expiresAt: days(5.99), closedAt: days(5.995) });
  const expiredRecent = await session('expired-recent', { createdAt: days(6), expiresAt: days(6), closedAt: null });
  const open = await session('open', { createdAt: new Date(), expiresAt: new Date(Date.now() + 600_000), closedAt: null });
  const closedLate = await session('closed-late', { createdAt: days(9), expiresAt: days(8.99), closedAt: days(1) });
  assert.equal(await services.encoding.purge({ actor: 'test' }), 2);
  const left = new Set((await db.selectFrom('encodingSessions').select('id').execute()).map((row) => row.id));
  assert.ok(!left.has(closedOld) && !left.has(expiredOld), 'the old ones are gone');
  for (const id of [closedRecent, expiredRecent, open, closedLate]) assert.ok(left.has(id), 'the recent and open ones stay');
  assert.equal(await services.encoding.purge({ actor: 'test' }), 0);
});
