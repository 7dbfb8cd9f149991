/**
 * The virtual card drawn from the card's template (issue 13): a holder reads the face of their
 * own cards only, as SVG revalidated by an ETag naming the template version and the card data,
 * with a QR code once the card was enabled that still reads back at a phone's resolution.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Resvg } from '@resvg/resvg-js';
import QRCode from 'qrcode';
import type { TestClient } from '../helpers/test-app.ts';
import { startTestApp } from '../helpers/test-app.ts';
import { STUDENT_TEMPLATE } from '../../src/modules/card-templates/domain/default-templates.ts';
import { CARD_WIDTH_MM, type QrElement } from '../../src/modules/card-templates/domain/card-template.ts';
import type { TemplateView } from '../../src/modules/card-templates/card-templates.service.ts';
import {
  configureInstitution, createInstitution, createPerson, enabledCard, holderClient, institutionCode, officeClients, requestCard, type CardsWorld,
} from './cards.fixtures.ts';

let w: CardsWorld;
let code = '';
let template: TemplateView;
let holder: TestClient;
let enabledId = '';
let requestedId = '';
let otherCardId = '';
let otherHolderCardId = '';

before(async () => {
  const t = await startTestApp();
  await configureInstitution(t);
  w = await officeClients(t);
  code = await institutionCode(t, 1);
  const created = await w.manager.post<TemplateView>('/api/v1/card-templates', { name: 'Étudiants', layout: STUDENT_TEMPLATE, institution: code });
  assert.equal(created.status, 201, created.text);
  template = created.body;
  const rule = await w.manager.post('/api/v1/card-template-rules', { personType: 'student', templateId: template.id, institution: code });
  assert.equal(rule.status, 201, rule.text);

  const person = await createPerson(t, { lastName: 'Dupont-Garcìa', firstName: 'Zoé', personType: 'student' });
  holder = await holderClient(t, person.id);
  enabledId = (await enabledCard(w, person.id)).id;
  const other = await createPerson(t, { lastName: 'Lefèvre', personType: 'student' });
  requestedId = (await requestCard(w, other.id)).id;
  otherCardId = requestedId;
  // A person of another institution, with a card of their own there.
  await createInstitution(w, { code: 'ecole-v', name: 'École V', pic: '777777777' });
  const elsewhere = await createPerson(t, { lastName: 'Ailleurs', institution: 'ecole-v' });
  otherHolderCardId = (await requestCard(w, elsewhere.id, w.admin, 'ecole-v')).id;
});
after(async () => { await w.t.close(); });

async function face(client: TestClient, cardId: string, headers: Record<string, string> = {}) {
  const response = await w.t.app.inject({
    method: 'GET', url: `/api/v1/me/cards/${cardId}/face.svg`,
    headers: { ...(client.credentials.cookie ? { cookie: client.credentials.cookie } : {}), ...headers },
  });
  return { status: response.statusCode, body: response.body, headers: response.headers };
}

test('a holder gets their own card face drawn from its template, as SVG with an ETag', async () => {
  const first = await face(holder, enabledId);
  assert.equal(first.status, 200, first.body);
  assert.match(String(first.headers['content-type']), /^image\/svg\+xml/);
  assert.equal(first.headers['cache-control'], 'private, no-cache');
  assert.match(String(first.headers['content-security-policy']), /default-src 'none'/);
  // Texts are outlines; their words stay readable in the labels (the template upper-cases the last name).
  assert.ok(first.body.includes('aria-label="DUPONT-GARCÌA"'), 'the holder\'s name is drawn');
  assert.ok(first.body.includes('aria-label="CARTE D’ÉTUDIANT"'), 'the template\'s own texts are drawn');
  const etag = String(first.headers.etag);
  assert.match(etag, /^"[\w-]+"$/);

  const again = await face(holder, enabledId, { 'if-none-match': etag });
  assert.equal(again.status, 304);
  assert.equal(again.body, '');
  assert.equal((await face(holder, enabledId, { 'if-none-match': `W/${etag}` })).status, 304);

  // A new template version changes what an unprinted card shows, and so its ETag.
  const saved = await w.manager.put<TemplateView>(`/api/v1/card-templates/${template.id}`, {
    layout: { ...STUDENT_TEMPLATE, front: { ...STUDENT_TEMPLATE.front, background: '#fff3d6' } }, expectedVersion: 1,
  });
  assert.equal(saved.status, 200, saved.text);
  const changed = await face(holder, enabledId, { 'if-none-match': etag });
  assert.equal(changed.status, 200);
  assert.notEqual(changed.headers.etag, etag);
  assert.ok(changed.body.includes('fill="#fff3d6"'));
});

test('no one reaches another person\'s card face: other holders, the office, other institutions', async () => {
  for (const cardId of [requestedId, otherHolderCardId, '00000000-0000-4000-8000-000000000000']) {
    const response = await face(holder, cardId);
    assert.equal(response.status, 404, `${cardId}: ${response.body}`);
    assert.equal(JSON.parse(response.body).code, 'card_not_found');
    assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
  }
  // Office staff are no card's holder: they read faces through /cards/{id}/face.png, within their scope.
  const office = await face(w.manager, otherCardId);
  assert.equal(office.status, 404);
  assert.equal((await face(w.t.anonymous, enabledId)).status, 401);
  assert.equal((await face(holder, 'not-a-uuid')).status, 400);
});

test('a card never enabled is drawn without its QR code; an enabled one with it', async () => {
  const other = await createPerson(w.t, { lastName: 'Martin', personType: 'student', institution: code });
  const requester = await holderClient(w.t, other.id);
  const card = await requestCard(w, other.id, w.manager, code);
  const pending = await face(requester, card.id);
  assert.equal(pending.status, 200, pending.body);
  // QR modules are the only crisp-edged cells of the student front (its barcode is on the back).
  assert.ok(!pending.body.includes('shape-rendering="crispEdges"'));
  assert.ok((await face(holder, enabledId)).body.includes('shape-rendering="crispEdges"'));
});

test('the face\'s QR code reads back at a phone\'s resolution (360 CSS px wide, 2 device px each)', async () => {
  const served = await face(holder, enabledId);
  const card = await holder.get<{ escn: string }>(`/api/v1/cards/${enabledId}`);
  assert.equal(card.status, 200, card.text);
  const width = 720;
  const rendered = new Resvg(served.body, { fitTo: { mode: 'width', value: width }, font: { loadSystemFonts: false } }).render();
  const pxPerMm = rendered.width / CARD_WIDTH_MM;
  const qr = STUDENT_TEMPLATE.front.elements.find((element): element is QrElement => element.kind === 'qr');
  assert.ok(qr);
  const matrix = QRCode.create([{ data: Buffer.from(`${w.t.config.qrPrefix}${card.body.escn}`, 'utf8'), mode: 'byte' }], { errorCorrectionLevel: 'M' }).modules;
  const side = Math.min(qr.width, qr.height);
  const module = (side / matrix.size) * pxPerMm;
  assert.ok(module >= 2.5, `a module is ${module.toFixed(2)} px`);
  // Every module's centre, read from the pixels, is dark exactly where the QR code has a dark module.
  let wrong = 0;
  for (let row = 0; row < matrix.size; row += 1) {
    for (let column = 0; column < matrix.size; column += 1) {
      const x = Math.floor((qr.x + (qr.width - side) / 2) * pxPerMm + (column + 0.5) * module);
      const y = Math.floor((qr.y + (qr.height - side) / 2) * pxPerMm + (row + 0.5) * module);
      const offset = (y * rendered.width + x) * 4;
      const luminance = (rendered.pixels[offset]! + rendered.pixels[offset + 1]! + rendered.pixels[offset + 2]!) / 3;
      if ((luminance < 128) !== (matrix.get(row, column) === 1)) wrong += 1;
    }
  }
  assert.equal(wrong, 0, `${wrong} of ${matrix.size ** 2} modules read wrong`);
});
