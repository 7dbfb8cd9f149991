import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, TestClient } from '../helpers/test-app.ts';
import { STAFF_TEMPLATE, STUDENT_TEMPLATE } from '../../src/modules/card-templates/domain/default-templates.ts';
import { PRINT_BATCH_QUEUE, type PrintBatchView } from '../../src/modules/card-templates/print-batches.service.ts';
import {
  configureInstitution, createInstitution, createPerson, institutionCode, move, officeClients, requestCard, stateOf, type CardsWorld,
} from './cards.fixtures.ts';

/**
 * A print batch sent to a printer: sending takes the batch for the printer (cards IN_PRINT,
 * locked to the printer), its client takes the job and downloads the PDF, done confirms it (cards PRINTED);
 * the printer's CSN report of a printed card encodes it (print-and-encode). Batches of another
 * institution than the printer's are refused.
 */

interface Job { id: string; status: string; batchId: string | null; cardsTotal: number | null; pagesTotal: number | null }
interface Problem { code: string }

let w: CardsWorld;
let managerA: TestClient;
let managerB: TestClient;
const cards: string[] = [];

before(async () => {
  const t = await startTestApp();
  await configureInstitution(t);
  w = await officeClients(t);
  const codeA = await institutionCode(t, 1);
  for (const personType of ['student', 'staff']) {
    const person = await createPerson(t, { personType });
    const card = await requestCard(w, person.id);
    await move(w.manager, card.id, 'REQUEST_CHECKED');
    cards.push(card.id);
  }
  await createInstitution(w, { code: 'ecole-pb', name: 'École PB', pic: '777777772' });
  managerA = await t.loginAs('manager', { institutions: [codeA] });
  managerB = await t.loginAs('manager', { institutions: ['ecole-pb'] });
  for (const [name, layout, personType] of [['Étudiants', STUDENT_TEMPLATE, 'student'], ['Personnels', STAFF_TEMPLATE, null]] as const) {
    const template = await managerA.post<{ id: string }>('/api/v1/card-templates', { name, layout });
    assert.equal(template.status, 201, template.text);
    assert.equal((await managerA.post('/api/v1/card-template-rules', { personType, templateId: template.body.id })).status, 201);
  }
});
after(async () => { await w.t.close(); });

test('a batch sent to a printer: taken when sent (IN_PRINT), done confirms it (PRINTED), then print-and-encode', async () => {
  const created = await managerA.post<{ printer: { id: string }; token: string }>('/api/v1/printers', { name: 'Evolis accueil', model: 'Evolis Primacy 2' });
  assert.equal(created.status, 201, created.text);
  const printerId = created.body.printer.id;
  const client = new TestClient(w.t.app, { bearer: created.body.token });
  const submitted = await managerA.post<PrintBatchView>('/api/v1/print-batches', { cardIds: cards });
  assert.equal(submitted.status, 202, submitted.text);
  const early = await managerA.post<Problem>(`/api/v1/printers/${printerId}/jobs`, { batchId: submitted.body.id });
  assert.equal(early.status, 409);
  assert.equal(early.body.code, 'print_batch_not_ready');
  await w.t.runtime.jobs.drain([PRINT_BATCH_QUEUE]);

  // Another institution's manager reaches neither the printer nor the batch; a printer of theirs does not take it.
  assert.equal((await managerB.post(`/api/v1/printers/${printerId}/jobs`, { batchId: submitted.body.id })).status, 404);
  const printerB = await managerB.post<{ printer: { id: string } }>('/api/v1/printers', { name: 'Zebra B', model: 'Zebra ZC300' });
  const foreign = await managerB.post<Problem>(`/api/v1/printers/${printerB.body.printer.id}/jobs`, { batchId: submitted.body.id });
  assert.equal(foreign.status, 404);
  assert.equal(foreign.body.code, 'print_batch_not_found');

  const sent = await managerA.post<Job>(`/api/v1/printers/${printerId}/jobs`, { batchId: submitted.body.id });
  assert.equal(sent.status, 201, sent.text);
  assert.equal(sent.body.cardsTotal, 2);
  assert.equal(sent.body.pagesTotal, 4, 'duplex: front and back of each card');
  // Sending takes the batch for the printer: its cards are IN_PRINT before the client asks.
  for (const id of cards) assert.equal(await stateOf(w, id), 'IN_PRINT', 'sending takes the batch');
  const next = await client.get<Job>('/api/v1/printer-client/jobs/next');
  assert.equal(next.body.id, sent.body.id);
  const file = await client.request('GET', `/api/v1/printer-client/jobs/${sent.body.id}/file`);
  assert.equal(file.status, 200, file.text.slice(0, 200));
  assert.ok(file.text.startsWith('%PDF'));
  for (const id of cards) assert.equal(await stateOf(w, id), 'IN_PRINT');
  // Downloading again (a restarted client) moves nothing more.
  assert.equal((await client.request('GET', `/api/v1/printer-client/jobs/${sent.body.id}/file`)).status, 200);
  const done = await client.post<Job>(`/api/v1/printer-client/jobs/${sent.body.id}/done`);
  assert.equal(done.status, 200, done.text);
  assert.equal(done.body.status, 'done');
  for (const id of cards) assert.equal(await stateOf(w, id), 'PRINTED');
  const batch = await managerA.get<PrintBatchView>(`/api/v1/print-batches/${submitted.body.id}`);
  assert.equal(batch.body.status, 'printed');
  assert.match(batch.body.printedBy ?? '', new RegExp(`^printer:${printerId}$`));

  // Print-and-encode: the printer's encoder reports the chip of a card it printed.
  const encoded = await client.post<{ state: string }>(`/api/v1/printer-client/cards/${cards[0]}/csn`, { csn: '04A1B2C3D4E5F6', form: 'hex' });
  assert.equal(encoded.status, 200, encoded.text);
  assert.equal(encoded.body.state, 'ENCODED');
  const bad = await client.post<Problem>(`/api/v1/printer-client/cards/${cards[1]}/csn`, { csn: 'zz', form: 'hex' });
  assert.equal(bad.status, 422);
});
