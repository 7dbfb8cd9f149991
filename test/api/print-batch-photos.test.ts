import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { STUDENT_TEMPLATE } from '../../src/modules/card-templates/domain/default-templates.ts';
import { PRINT_BATCH_QUEUE, type PrintBatchView } from '../../src/modules/card-templates/print-batches.service.ts';
import { startTestApp, type TestClient } from '../helpers/test-app.ts';
import {
  configureInstitution, createInstitution, createPerson, institutionCode, jpeg, move, officeClients, requestCard, stateOf, type CardsWorld,
} from './cards.fixtures.ts';

/**
 * Cards without a photo and print batches (issue 13): the print queue's batch leaves them out by
 * default (they stay ready to print) and says how many; asked to include them, or named by id,
 * they are printed and the batch names them (count and holders), so the Printing page warns
 * before the file is downloaded or sent. The list of batches (what the page shows after a reload)
 * keeps both, and holds only the caller's institution's batches.
 */

interface Problem { code: string; field?: string; withoutPhoto?: number }
interface BatchList { items: PrintBatchView[] }

let w: CardsWorld;
let managerA: TestClient;
let managerB: TestClient;
const withPhoto: string[] = [];
const withoutPhoto: Array<{ id: string; holder: string }> = [];

before(async () => { await startWorld(); });
after(async () => { await w.t.close(); });

/** Four students ready to print (two with a photo), a template for all, and managers of two institutions. */
async function startWorld(): Promise<void> {
  const t = await startTestApp();
  await configureInstitution(t);
  w = await officeClients(t);
  const codeA = await institutionCode(t, 1);
  const photo = await jpeg();
  for (let index = 0; index < 4; index++) {
    const person = await createPerson(t, { personType: 'student' });
    const card = await requestCard(w, person.id);
    if (index < 2) {
      const put = await w.manager.request('PUT', `/api/v1/cards/${card.id}/photo`, { payload: photo, headers: { 'content-type': 'image/jpeg' } });
      assert.equal(put.status, 200, put.text);
      withPhoto.push(card.id);
    } else {
      withoutPhoto.push({ id: card.id, holder: `${person.firstName} ${person.lastName}` });
    }
    await move(w.manager, card.id, 'REQUEST_CHECKED');
  }
  await createInstitution(w, { code: 'ecole-ph', name: 'École PH', pic: '777777773' });
  managerA = await t.loginAs('manager', { institutions: [codeA] });
  managerB = await t.loginAs('manager', { institutions: ['ecole-ph'] });
  const template = await managerA.post<{ id: string }>('/api/v1/card-templates', { name: 'Étudiants', layout: STUDENT_TEMPLATE });
  assert.equal(template.status, 201, template.text);
  assert.equal((await managerA.post('/api/v1/card-template-rules', { personType: null, templateId: template.body.id })).status, 201);
}

test('the queue\'s batch leaves out cards without a photo, says how many, and they stay in the queue', async () => {
  const submitted = await managerA.post<PrintBatchView>('/api/v1/print-batches', { queue: true });
  assert.equal(submitted.status, 202, submitted.text);
  assert.equal(submitted.body.cardCount, withPhoto.length);
  assert.equal(submitted.body.leftOutWithoutPhoto, withoutPhoto.length);
  assert.deepEqual(submitted.body.withoutPhoto, { count: 0, cards: [] });
  await w.t.runtime.jobs.drain([PRINT_BATCH_QUEUE]);
  const download = await managerA.request('GET', `/api/v1/print-batches/${submitted.body.id}/file`);
  assert.equal(download.status, 200);
  for (const id of withPhoto) assert.equal(await stateOf(w, id), 'IN_PRINT', 'a card with its photo is taken');
  for (const card of withoutPhoto) assert.equal(await stateOf(w, card.id), 'REQUEST_CHECKED', 'a card without a photo stays in the queue');

  // After a reload, the list still says what was left out; another institution's manager sees none of it.
  const listed = await managerA.get<BatchList>('/api/v1/print-batches');
  const mine = listed.body.items.find((batch) => batch.id === submitted.body.id);
  assert.equal(mine?.status, 'taken');
  assert.equal(mine?.leftOutWithoutPhoto, withoutPhoto.length);
  assert.equal((await managerB.get<BatchList>('/api/v1/print-batches')).body.items.length, 0);
  assert.equal((await managerB.get(`/api/v1/print-batches/${submitted.body.id}`)).status, 404);
});

test('only cards without a photo left: 422 nothing_to_print saying why; asked to include them, the batch names them', async () => {
  const refused = await managerA.post<Problem>('/api/v1/print-batches', { queue: true });
  assert.equal(refused.status, 422, refused.text);
  assert.equal(refused.body.code, 'nothing_to_print');
  assert.equal(refused.body.field, '/includeWithoutPhoto');
  assert.equal(refused.body.withoutPhoto, withoutPhoto.length);
  for (const card of withoutPhoto) assert.equal(await stateOf(w, card.id), 'REQUEST_CHECKED', 'nothing half-written');

  const included = await managerA.post<PrintBatchView>('/api/v1/print-batches', { queue: true, includeWithoutPhoto: true });
  assert.equal(included.status, 202, included.text);
  assert.equal(included.body.cardCount, withoutPhoto.length);
  assert.equal(included.body.leftOutWithoutPhoto, 0);
  assert.equal(included.body.withoutPhoto.count, withoutPhoto.length);
  assert.deepEqual(included.body.withoutPhoto.cards.map((card) => card.cardId).sort(), withoutPhoto.map((card) => card.id).sort());
  assert.deepEqual(included.body.withoutPhoto.cards.map((card) => card.holder).sort(), withoutPhoto.map((card) => card.holder).sort());
  const read = await managerA.get<PrintBatchView>(`/api/v1/print-batches/${included.body.id}`);
  assert.equal(read.body.withoutPhoto.count, withoutPhoto.length, 'the warning survives a reload');
});

test('named cards are printed as asked and the one without a photo is named', async () => {
  const first = withoutPhoto[0];
  assert.ok(first);
  const named = await managerA.post<PrintBatchView>('/api/v1/print-batches', { cardIds: [withPhoto[0], first.id] });
  assert.equal(named.status, 202, named.text);
  assert.equal(named.body.cardCount, 2);
  assert.deepEqual(named.body.withoutPhoto, { count: 1, cards: [{ cardId: first.id, holder: first.holder }] });
  const bad = await managerA.post<Problem>('/api/v1/print-batches', { queue: true, includeWithoutPhoto: 'yes' });
  assert.equal(bad.status, 400);
});
