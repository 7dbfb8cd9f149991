/**
 * Card templates and batch printing (issue 13): versioned templates chosen by rules, layouts
 * checked naming the element at fault, a card's face drawn with the version it was printed with,
 * a batch of cards as one duplex PDF at CR80 size (checked with poppler's pdfinfo), its cards
 * IN_PRINT when taken and PRINTED when confirmed, and nothing of it reachable from another
 * institution.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import sharp from 'sharp';
import type { TestClient } from '../helpers/test-app.ts';
import { startTestApp } from '../helpers/test-app.ts';
import { STAFF_TEMPLATE, STUDENT_TEMPLATE } from '../../src/modules/card-templates/domain/default-templates.ts';
import type { CardTemplateLayout } from '../../src/modules/card-templates/domain/card-template.ts';
import { PRINT_BATCH_QUEUE, type PrintBatchView } from '../../src/modules/card-templates/print-batches.service.ts';
import type { TemplateView } from '../../src/modules/card-templates/card-templates.service.ts';
import {
  configureInstitution, createInstitution, createPerson, institutionCode, move, officeClients, requestCard, stateOf, type CardsWorld,
} from './cards.fixtures.ts';

let w: CardsWorld;
let codeA: string;
let managerA: TestClient;
let managerB: TestClient;
let viewerA: TestClient;
let student: TemplateView;
const queued: string[] = [];
let cardOfB = '';
let personOfB = '';

before(async () => {
  const t = await startTestApp();
  await configureInstitution(t);
  w = await officeClients(t);
  codeA = await institutionCode(t, 1);
  for (const [lastName, personType] of [['Lefèvre-Ñúñez', 'student'], ['Nguyễn', 'student'], ['Martin', 'staff']] as const) {
    const person = await createPerson(t, { lastName, personType });
    const card = await requestCard(w, person.id);
    await move(w.manager, card.id, 'REQUEST_CHECKED');
    queued.push(card.id);
  }
  await createInstitution(w, { code: 'ecole-b', name: 'École B', pic: '888888888' });
  managerA = await t.loginAs('manager', { institutions: [codeA] });
  managerB = await t.loginAs('manager', { institutions: ['ecole-b'] });
  viewerA = await t.loginAs('viewer', { institutions: [codeA] });
  const personB = await createPerson(t, { lastName: 'Bécassine', institution: 'ecole-b' });
  personOfB = personB.id;
  cardOfB = (await requestCard(w, personB.id, w.admin, 'ecole-b')).id;
  await move(w.admin, cardOfB, 'REQUEST_CHECKED');
});
after(async () => { await w.t.close(); });

async function png(client: TestClient, url: string): Promise<{ status: number; bytes: Buffer; type: string }> {
  const response = await w.t.app.inject({ method: 'GET', url, headers: headersOf(client) });
  return { status: response.statusCode, bytes: response.rawPayload, type: String(response.headers['content-type']) };
}

function headersOf(client: TestClient): Record<string, string> {
  const headers: Record<string, string> = {};
  if (client.credentials.cookie) headers.cookie = client.credentials.cookie;
  if (client.credentials.bearer) headers.authorization = `Bearer ${client.credentials.bearer}`;
  return headers;
}

function withBackground(layout: CardTemplateLayout, background: string): CardTemplateLayout {
  return { ...layout, front: { ...layout.front, background } };
}

test('managers create templates and rules of their institution; office staff read them', async () => {
  const created = await managerA.post<TemplateView>('/api/v1/card-templates', { name: 'Étudiants', layout: STUDENT_TEMPLATE });
  assert.equal(created.status, 201, created.text);
  student = created.body;
  assert.equal(student.institution, codeA);
  assert.equal(student.currentVersion, 1);
  const staff = await managerA.post<TemplateView>('/api/v1/card-templates', { name: 'Personnels', layout: STAFF_TEMPLATE });
  assert.equal(staff.status, 201, staff.text);
  for (const [personType, templateId] of [['student', student.id], [null, staff.body.id]] as const) {
    const rule = await managerA.post('/api/v1/card-template-rules', { personType, templateId });
    assert.equal(rule.status, 201, rule.text);
  }
  const again = await managerA.post('/api/v1/card-template-rules', { personType: 'student', templateId: staff.body.id });
  assert.equal(again.status, 409);
  assert.equal(again.body.code, 'rule_exists');

  const listed = await viewerA.get<{ items: TemplateView[] }>('/api/v1/card-templates');
  assert.equal(listed.status, 200);
  assert.deepEqual(listed.body.items.map((item) => item.name).sort(), ['Personnels', 'Étudiants']);
  // The console shows edit controls from `editable`: the institution's manager, not its viewer.
  assert.deepEqual(listed.body.items.map((item) => item.editable), [false, false]);
  assert.equal(student.editable, true);
  assert.equal((await managerA.get<TemplateView>(`/api/v1/card-templates/${student.id}`)).body.editable, true);
  assert.equal((await viewerA.post('/api/v1/card-templates', { name: 'x', layout: STUDENT_TEMPLATE })).status, 403);
  const preview = await png(viewerA, `/api/v1/card-templates/${student.id}/preview.png?side=back`);
  assert.equal(preview.status, 200);
  assert.equal(preview.type, 'image/png');
  const meta = await sharp(preview.bytes).metadata();
  assert.deepEqual([meta.width, meta.height], [1011, 638]);
  const person = await createPerson(w.t, { lastName: 'Aperçu', personType: 'student', institution: codeA });
  const withPerson = await png(viewerA, `/api/v1/card-templates/${student.id}/preview.png?personId=${person.id}`);
  assert.equal(withPerson.status, 200);
  assert.ok(!withPerson.bytes.equals((await png(viewerA, `/api/v1/card-templates/${student.id}/preview.png`)).bytes), 'the person\'s data is drawn');
  // Someone of another institution is not drawn, even on a template one may read.
  assert.equal((await png(viewerA, `/api/v1/card-templates/${student.id}/preview.png?personId=${personOfB}`)).status, 404);
});

test('the editor\'s preview of a draft shows where the photo goes even without one (sample data); the printed face leaves it empty', async () => {
  const draw = async (layout: CardTemplateLayout): Promise<Buffer> => {
    const response = await w.t.app.inject({
      method: 'POST', url: '/api/v1/card-templates/preview', headers: { ...headersOf(viewerA), 'x-csrf-token': viewerA.credentials.csrfToken ?? '', 'content-type': 'application/json' },
      payload: { layout },
    });
    assert.equal(response.statusCode, 200, response.body);
    return response.rawPayload;
  };
  const photoOnly = (x: number): CardTemplateLayout => ({
    front: { background: '#ffffff', elements: [{ kind: 'photo', id: 'photo', x, y: 10, width: 20, height: 25, cornerRadius: 1 }] }, back: null,
  });
  const empty: CardTemplateLayout = { front: { background: '#ffffff', elements: [] }, back: null };
  const [blank, left, right] = [await draw(empty), await draw(photoOnly(5)), await draw(photoOnly(40))];
  assert.ok(!left.equals(blank), 'the photo\'s place is drawn in the editor');
  assert.ok(!left.equals(right), 'moving the photo moves its place');
  // The saved template's face (as printed, sample data without a photo) draws nothing there.
  const saved = await managerA.post<TemplateView>('/api/v1/card-templates', { name: 'Photo seule', layout: photoOnly(5) });
  assert.equal(saved.status, 201, saved.text);
  const blankSaved = await managerA.post<TemplateView>('/api/v1/card-templates', { name: 'Vide', layout: empty });
  assert.equal(blankSaved.status, 201, blankSaved.text);
  const printed = await png(viewerA, `/api/v1/card-templates/${saved.body.id}/preview.png`);
  assert.ok(printed.bytes.equals((await png(viewerA, `/api/v1/card-templates/${blankSaved.body.id}/preview.png`)).bytes));
  for (const id of [saved.body.id, blankSaved.body.id]) {
    assert.equal((await managerA.post(`/api/v1/card-templates/${id}/archive`, { archived: true })).status, 200);
  }
});

test('a bad layout is a 422 naming the element at fault, and nothing is saved', async () => {
  const first = STUDENT_TEMPLATE.front.elements[0];
  assert.ok(first);
  const cases: Array<{ layout: unknown; field: string; code: string }> = [
    { layout: { ...STUDENT_TEMPLATE, front: { ...STUDENT_TEMPLATE.front, elements: [...STUDENT_TEMPLATE.front.elements, first] } },
      field: `/layout/front/elements/${STUDENT_TEMPLATE.front.elements.length}`, code: 'duplicate_element_id' },
    { layout: { ...STUDENT_TEMPLATE, front: { ...STUDENT_TEMPLATE.front, elements: [{ ...first, id: 'wide', x: 40, width: 60 }] } },
      field: '/layout/front/elements/0', code: 'element_outside_card' },
    { layout: { ...STUDENT_TEMPLATE, front: { ...STUDENT_TEMPLATE.front, elements: [{ kind: 'image', id: 'logo2', x: 1, y: 1, width: 5, height: 5, assetId: 'nope', fit: 'contain' }] } },
      field: '/layout/front/elements/0', code: 'unknown_asset' },
    { layout: { ...STUDENT_TEMPLATE, front: { ...STUDENT_TEMPLATE.front, elements: [{ ...first, fill: 'red' }] } },
      field: '/layout/front/elements/0', code: 'schema' },
  ];
  for (const { layout, field, code } of cases) {
    const response = await managerA.put<{ code: string; field: string; errors: Array<{ code: string; field: string }> }>(
      `/api/v1/card-templates/${student.id}`, { layout });
    assert.equal(response.status, 422, response.text);
    assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
    assert.equal(response.body.code, 'invalid_layout');
    assert.ok(response.body.field.startsWith(field), `${response.body.field} starts with ${field}`);
    assert.ok(response.body.errors.some((error) => error.code === code), response.text);
  }
  assert.equal((await managerA.get<TemplateView>(`/api/v1/card-templates/${student.id}`)).body.currentVersion, 1);
});

test('another institution\'s manager can neither read nor change a template, nor reach its cards\' faces', async () => {
  assert.equal((await managerB.get(`/api/v1/card-templates/${student.id}`)).status, 404);
  assert.equal((await managerB.put(`/api/v1/card-templates/${student.id}`, { layout: STUDENT_TEMPLATE })).status, 404);
  assert.equal((await managerB.post(`/api/v1/card-templates/${student.id}/archive`, { archived: true })).status, 404);
  assert.equal((await managerB.get<{ items: unknown[] }>('/api/v1/card-templates')).body.items.length, 0);
  assert.equal((await managerB.get<{ items: unknown[] }>('/api/v1/card-template-rules')).body.items.length, 0);
  assert.equal((await png(managerB, `/api/v1/card-templates/${student.id}/preview.png`)).status, 404);
  assert.equal((await png(managerB, `/api/v1/cards/${queued[0]}/face.png`)).status, 404);
  const otherTemplate = await managerB.get<{ code: string }>(`/api/v1/cards/${queued[0]}/face-template`);
  assert.deepEqual([otherTemplate.status, otherTemplate.body.code], [404, 'card_not_found']);
  const batch = await managerB.post('/api/v1/print-batches', { cardIds: [queued[0]] });
  assert.equal(batch.status, 404, batch.text);
  // A card of B has no rule there: the batch is refused naming it, never half made.
  const noTemplate = await managerB.post<{ code: string; field: string; cardId: string }>('/api/v1/print-batches', { cardIds: [cardOfB] });
  assert.equal(noTemplate.status, 422, noTemplate.text);
  assert.equal(noTemplate.body.code, 'no_template');
  assert.equal(noTemplate.body.field, '/cardIds/0');
  const noRule = await managerB.get<{ code: string }>(`/api/v1/cards/${cardOfB}/face-template`);
  assert.deepEqual([noRule.status, noRule.body.code], [404, 'no_template']);
  assert.equal((await managerB.get<{ items: unknown[] }>('/api/v1/print-batches')).body.items.length, 0);
});

test('the print queue becomes one duplex PDF at card size; taking it moves the cards to IN_PRINT, confirming to PRINTED', async () => {
  // These cards have no photo: a queue batch leaves such cards out unless asked (print-batch-photos.test.ts).
  const submitted = await managerA.post<PrintBatchView>('/api/v1/print-batches', { queue: true, includeWithoutPhoto: true });
  assert.equal(submitted.status, 202, submitted.text);
  assert.equal(submitted.body.cardCount, 3);
  assert.equal(submitted.body.duplex, true);
  assert.equal(submitted.body.status, 'preparing');
  const early = await png(managerA, `/api/v1/print-batches/${submitted.body.id}/file`);
  assert.equal(early.status, 409);
  await w.t.runtime.jobs.drain([PRINT_BATCH_QUEUE]);
  const ready = await viewerA.get<PrintBatchView>(`/api/v1/print-batches/${submitted.body.id}`);
  assert.equal(ready.body.status, 'ready', ready.text);
  assert.equal(ready.body.job?.status, 'succeeded');
  assert.equal(ready.body.pages, 6);

  assert.equal((await png(managerB, `/api/v1/print-batches/${submitted.body.id}/file`)).status, 404);
  assert.equal((await managerB.get(`/api/v1/print-batches/${submitted.body.id}`)).status, 404);
  assert.equal((await managerB.post(`/api/v1/print-batches/${submitted.body.id}/confirm`, {})).status, 404);
  for (const id of queued) assert.equal(await stateOf(w, id), 'REQUEST_CHECKED');

  const file = await png(managerA, `/api/v1/print-batches/${submitted.body.id}/file`);
  assert.equal(file.status, 200);
  assert.equal(file.type, 'application/pdf');
  assert.equal(file.bytes.length, ready.body.bytes);
  const dir = mkdtempSync(join(tmpdir(), 'batch-'));
  try {
    writeFileSync(join(dir, 'batch.pdf'), file.bytes);
    const info = execFileSync('pdfinfo', [join(dir, 'batch.pdf')], { encoding: 'utf8' });
    assert.match(info, /^Pages:\s+6$/m);
    // 85.60 × 53.98 mm in points.
    assert.match(info, /^Page size:\s+242\.6\d* x 153\.0\d* pts/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  for (const id of queued) assert.equal(await stateOf(w, id), 'IN_PRINT');

  const confirmed = await managerA.post<{ moved: number; batch: PrintBatchView }>(`/api/v1/print-batches/${submitted.body.id}/confirm`, {});
  assert.equal(confirmed.status, 200, confirmed.text);
  assert.equal(confirmed.body.moved, 3);
  assert.equal(confirmed.body.batch.status, 'printed');
  for (const id of queued) assert.equal(await stateOf(w, id), 'PRINTED');
  const prints = await sql<{ n: number }>`SELECT count(*)::int AS n FROM card_prints WHERE batch_id = ${submitted.body.id}`.execute(w.t.runtime.database.db);
  assert.equal(prints.rows[0]?.n, 3);
});

test('versions are immutable, and a printed card is drawn with its version after the template changed', async () => {
  const printedCard = queued[0] as string;
  const before = await png(managerA, `/api/v1/cards/${printedCard}/face.png`);
  assert.equal(before.status, 200);
  const person = await createPerson(w.t, { lastName: 'Nouveau', personType: 'student', institution: codeA });
  const fresh = (await requestCard(w, person.id, w.manager, codeA)).id;
  const freshBefore = await png(managerA, `/api/v1/cards/${fresh}/face.png`);

  const saved = await managerA.put<TemplateView>(`/api/v1/card-templates/${student.id}`, { layout: withBackground(STUDENT_TEMPLATE, '#ffe0e0'), expectedVersion: 1 });
  assert.equal(saved.status, 200, saved.text);
  assert.equal(saved.body.currentVersion, 2);
  const stale = await managerA.put(`/api/v1/card-templates/${student.id}`, { layout: STUDENT_TEMPLATE, expectedVersion: 1 });
  assert.equal(stale.status, 409);

  const after = await png(managerA, `/api/v1/cards/${printedCard}/face.png`);
  assert.ok(after.bytes.equals(before.bytes), 'the printed card keeps its version');
  const freshAfter = await png(managerA, `/api/v1/cards/${fresh}/face.png`);
  assert.ok(!freshAfter.bytes.equals(freshBefore.bytes), 'an unprinted card follows the current version');
  // The card page names what it draws: the version printed with, or the current one.
  type FaceTemplate = { templateId: string; name: string; version: number; printed: boolean; hasBack: boolean };
  const printedWith = await viewerA.get<FaceTemplate>(`/api/v1/cards/${printedCard}/face-template`);
  assert.deepEqual(printedWith.body, { templateId: student.id, name: student.name, version: 1, printed: true, hasBack: true }, printedWith.text);
  const drawnWith = await viewerA.get<FaceTemplate>(`/api/v1/cards/${fresh}/face-template`);
  assert.deepEqual(drawnWith.body, { templateId: student.id, name: student.name, version: 2, printed: false, hasBack: true }, drawnWith.text);
  const v1 = await viewerA.get<{ layout: CardTemplateLayout }>(`/api/v1/card-templates/${student.id}/versions/1`);
  assert.deepEqual(v1.body.layout, STUDENT_TEMPLATE);

  await assert.rejects(sql`UPDATE card_template_versions SET layout = '{}'::jsonb WHERE template_id = ${student.id}`.execute(w.t.runtime.database.db),
    /immutable/);
});

test('images are checked on upload, then usable in a layout of their institution only', async () => {
  const logo = await sharp({ create: { width: 120, height: 60, channels: 3, background: '#1d4ed8' } }).png().toBuffer();
  const upload = (client: TestClient, bytes: Buffer, type: string) => w.t.app.inject({
    method: 'POST', url: '/api/v1/card-template-assets?name=logo.png', payload: bytes,
    headers: { ...headersOf(client), 'content-type': type, ...(client.credentials.csrfToken ? { 'x-csrf-token': client.credentials.csrfToken } : {}) },
  });
  const stored = await upload(managerA, logo, 'image/png');
  assert.equal(stored.statusCode, 201, stored.body);
  const asset = JSON.parse(stored.body) as { id: string; width: number; height: number; mediaType: string };
  assert.deepEqual([asset.width, asset.height, asset.mediaType], [120, 60, 'image/png']);
  const corrupt = await upload(managerA, Buffer.concat([logo.subarray(0, 40), Buffer.alloc(40)]), 'image/png');
  assert.equal(corrupt.statusCode, 422, corrupt.body);
  assert.equal(JSON.parse(corrupt.body).code, 'asset_corrupt');
  assert.equal((await upload(viewerA, logo, 'image/png')).statusCode, 403);

  const layout: CardTemplateLayout = { front: { background: '#ffffff', elements: [{ kind: 'image', id: 'logo', x: 2, y: 2, width: 20, height: 10, assetId: asset.id, fit: 'contain' }] }, back: null };
  const created = await managerA.post<TemplateView>('/api/v1/card-templates', { name: 'Avec logo', layout });
  assert.equal(created.status, 201, created.text);
  assert.equal((await png(managerA, `/api/v1/card-templates/${created.body.id}/preview.png`)).status, 200);
  assert.equal((await png(managerB, `/api/v1/card-template-assets/${asset.id}/content`)).status, 404);
  const elsewhere = await managerB.post<{ code: string; field: string }>('/api/v1/card-templates', { name: 'Copie', layout });
  assert.equal(elsewhere.status, 422, elsewhere.text);
  assert.equal(elsewhere.body.field, '/layout/front/elements/0');
});
