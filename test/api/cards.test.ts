import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp } from '../helpers/test-app.ts';
import type { CardDetailView, CardView } from '../../src/modules/cards/cards.service.ts';
import { csnForms } from '../../src/modules/cards/domain/csn.ts';
import { ESCN_PATTERN } from '../../src/modules/esc/domain/escn.ts';
import { createCardsService } from '../../src/modules/cards/cards.service.ts';
import {
  configureInstitution, createPerson, encode, enabledCard, freshCsn, holderClient, jpeg, move, officeClients,
  requestCard, stateOf, type CardsWorld,
} from './cards.fixtures.ts';
import { WHOLE_DEPLOYMENT } from '../../src/platform/db/scope-filter.ts';

let w: CardsWorld;
before(async () => {
  const t = await startTestApp();
  await configureInstitution(t);
  w = await officeClients(t);
});
after(async () => { await w.t.close(); });

test('whole lifecycle: request, check, print, encode, enable, disable and re-enable, renew, replace', async () => {
  const person = await createPerson(w.t, { studentNumber: '21900001', ine: '123456789AB' });
  const holder = await holderClient(w.t, person.id);

  const requested = await holder.post<CardDetailView>('/api/v1/cards', { cardKind: 'physical' });
  assert.equal(requested.status, 201, requested.text);
  const card = requested.body;
  assert.equal(card.state, 'NEW');
  assert.equal(card.personId, person.id);
  assert.equal(card.requestChannel, 'web');
  assert.match(card.requestedBy, /^account:/);
  assert.match(card.escn ?? '', ESCN_PATTERN);
  assert.deepEqual(card.holder, {
    firstName: person.firstName, lastName: person.lastName, eppn: person.eppn, email: person.email,
    studentNumber: '21900001', ine: '123456789AB', personType: 'student',
  });
  assert.deepEqual(card.history.map((m) => [m.from, m.to, m.actorKind]), [[null, 'NEW', 'person']]);

  const photo = await holder.request<CardView>('PUT', `/api/v1/cards/${card.id}/photo`, { payload: await jpeg(), headers: { 'content-type': 'image/jpeg' } });
  assert.equal(photo.status, 200, photo.text);
  assert.equal(photo.body.photoUrl, `/api/v1/photos/${photo.body.photoId}`);
  assert.equal((await holder.get(photo.body.photoUrl as string)).status, 200);

  await move(w.manager, card.id, 'REQUEST_CHECKED');
  const inPrint = await move(w.station, card.id, 'IN_PRINT');
  assert.ok(inPrint.lock?.owner, 'the station holds the lock');
  const notTheirs = await w.manager.post(`/api/v1/cards/${card.id}/moves`, { to: 'PRINTED' });
  assert.equal(notTheirs.status, 423);
  const printed = await move(w.station, card.id, 'PRINTED');
  assert.equal(printed.lock, null);
  assert.equal(printed.printedLines?.lastName, person.lastName);
  assert.equal(printed.printedLines?.escn, card.escn);
  assert.equal(printed.printedLines?.studentNumber, '21900001');
  await move(w.station, card.id, 'IN_ENCODE');
  const encoded = await w.station.post<CardView>(`/api/v1/cards/${card.id}/csn`, { csn: '04:a2:2b:1a', form: 'hex' });
  assert.equal(encoded.status, 200, encoded.text);
  assert.equal(encoded.body.state, 'ENCODED');
  assert.deepEqual(encoded.body.csn, csnForms('04A22B1A'));

  const enabled = await move(w.manager, card.id, 'ENABLED');
  assert.ok(enabled.enabledAt);
  const lost = await move(holder, card.id, 'DISABLED', { reason: 'LOST' });
  assert.deepEqual(lost.disable, { reason: 'LOST', by: 'self', comment: null });
  const back = await move(holder, card.id, 'ENABLED');
  assert.equal(back.disable, null);
  await move(w.manager, card.id, 'DISABLED', { reason: 'MANAGER', comment: 'fraud check' });
  const refused = await holder.post(`/api/v1/cards/${card.id}/moves`, { to: 'ENABLED' });
  assert.equal(refused.status, 403);
  assert.equal(refused.body.code, 'reenable_forbidden');
  await move(w.manager, card.id, 'ENABLED');

  const renewal = await holder.post<CardView>(`/api/v1/cards/${card.id}/renew`);
  assert.equal(renewal.status, 201, renewal.text);
  assert.equal(renewal.body.state, 'RENEWED');
  assert.equal(renewal.body.renewalOf, card.id);
  assert.equal(renewal.body.requestChannel, 'renewal');
  assert.equal(renewal.body.photoId, photo.body.photoId, 'the renewal shows the same stored photo (photos never change)');
  assert.notEqual(renewal.body.escn, card.escn);
  assert.equal(await stateOf(w, card.id), 'ENABLED', 'the old card keeps working until the new one is enabled');
  const second = await holder.post(`/api/v1/cards/${card.id}/renew`);
  assert.equal(second.status, 409);
  assert.equal(second.body.code, 'request_pending');

  await encode(w, renewal.body.id);
  await move(w.manager, renewal.body.id, 'ENABLED');
  const old = await w.admin.get<CardDetailView>(`/api/v1/cards/${card.id}`);
  assert.equal(old.body.state, 'DISABLED');
  assert.deepEqual(old.body.disable, { reason: 'REPLACED', by: 'system', comment: null });
  assert.deepEqual(old.body.history.map((m) => m.to), [
    'NEW', 'REQUEST_CHECKED', 'IN_PRINT', 'PRINTED', 'IN_ENCODE', 'ENCODED', 'ENABLED', 'DISABLED', 'ENABLED', 'DISABLED', 'ENABLED', 'DISABLED',
  ]);
  const last = old.body.history.at(-1);
  assert.equal(last?.actorKind, 'system');
  assert.equal(last?.reason, 'REPLACED');
  const disabledByManager = old.body.history[9];
  assert.equal(disabledByManager?.reason, 'MANAGER');
  assert.equal(disabledByManager?.comment, 'fraud check');
  assert.ok(old.body.history.every((m) => m.remoteAddress !== undefined));

  const mine = await holder.get<{ items: CardView[] }>('/api/v1/me/cards');
  assert.deepEqual(mine.body.items.map((c) => [c.id, c.state]), [[renewal.body.id, 'ENABLED'], [card.id, 'DISABLED']]);
});

test('a refused move answers 409 and leaves the card and its history as they were', async () => {
  const person = await createPerson(w.t);
  const card = await requestCard(w, person.id);
  const refused = await w.manager.post(`/api/v1/cards/${card.id}/moves`, { to: 'ENABLED' });
  assert.equal(refused.status, 409);
  assert.equal(refused.body.code, 'move_not_allowed');
  assert.match(String(refused.headers['content-type']), /application\/problem\+json/);
  const after_ = await w.admin.get<CardDetailView>(`/api/v1/cards/${card.id}`);
  assert.equal(after_.body.state, 'NEW');
  assert.equal(after_.body.version, card.version);
  assert.equal(after_.body.history.length, 1);
  assert.equal(after_.body.updatedAt, card.updatedAt);
});

test('state machine refusals map to their HTTP codes, with the field at fault', async () => {
  const person = await createPerson(w.t);
  const card = await enabledCard(w, person.id);
  const cases: Array<[Record<string, unknown>, number, string, string | undefined]> = [
    [{ to: 'DISABLED' }, 422, 'reason_required', '/reason'],
    [{ to: 'DISABLED', reason: 'MANAGER' }, 422, 'comment_required', '/comment'],
    [{ to: 'DISABLED', reason: 'REPLACED' }, 422, 'reason_not_allowed', '/reason'],
    [{ to: 'DISABLED', reason: 'BORED' }, 422, 'reason_not_allowed', '/reason'],
    [{ to: 'FLYING' }, 422, 'unknown_state', '/to'],
    [{ to: 'CADUC' }, 403, 'forbidden_for_actor', undefined],
    [{ to: 'IN_PRINT' }, 409, 'move_not_allowed', undefined],
  ];
  for (const [body, status, code, field] of cases) {
    const response = await w.manager.post(`/api/v1/cards/${card.id}/moves`, body);
    assert.equal(response.status, status, `${JSON.stringify(body)}: ${response.text}`);
    assert.equal(response.body.code, code);
    assert.equal(response.body.field, field);
  }
  const stale = await w.manager.post(`/api/v1/cards/${card.id}/moves`, { to: 'DISABLED', reason: 'LOST', expectedVersion: card.version - 1 });
  assert.equal(stale.status, 409);
  assert.equal(stale.body.code, 'state_conflict');
  assert.equal(await stateOf(w, card.id), 'ENABLED');

  const holder = await holderClient(w.t, person.id);
  const notSelfService = await holder.post(`/api/v1/cards/${card.id}/moves`, { to: 'DISABLED', reason: 'MANAGER', comment: 'x' });
  assert.equal(notSelfService.status, 422);
  assert.equal(notSelfService.body.code, 'reason_not_allowed_for_self_service');
  const reject = await requestCard(w, (await createPerson(w.t)).id);
  const noComment = await w.manager.post(`/api/v1/cards/${reject.id}/moves`, { to: 'REJECTED' });
  assert.equal(noComment.status, 422);
  assert.equal(noComment.body.field, '/comment');
  const rejected = await move(w.manager, reject.id, 'REJECTED', { comment: 'blurry photo' });
  assert.equal(rejected.rejectReason, 'blurry photo');
});

test('a card locked by one station cannot be moved by another (423), an admin may', async () => {
  const card = await requestCard(w, (await createPerson(w.t)).id);
  await move(w.manager, card.id, 'REQUEST_CHECKED');
  await move(w.station, card.id, 'IN_PRINT');
  const other = await w.t.tokenClient('station');
  const locked = await other.post(`/api/v1/cards/${card.id}/moves`, { to: 'PRINTED' });
  assert.equal(locked.status, 423);
  assert.equal(locked.body.code, 'not_your_lock');
  const managerToo = await w.manager.post(`/api/v1/cards/${card.id}/moves`, { to: 'PRINTED' });
  assert.equal(managerToo.status, 423);
  await move(w.admin, card.id, 'PRINTED');
});

test('the office reads who holds a card in print by name, never by a bare id: an account, a station token', async () => {
  const byManager = await requestCard(w, (await createPerson(w.t)).id);
  await move(w.manager, byManager.id, 'REQUEST_CHECKED');
  const taken = await move(w.manager, byManager.id, 'IN_PRINT');
  type Named = Omit<CardDetailView, 'lock' | 'history'> & { lock: { owner: string; ownerName?: string | null } | null; history: Array<{ to: string; actorName: string | null }> };
  const read = await w.viewer.get<Named>(`/api/v1/cards/${byManager.id}`);
  assert.equal(read.status, 200, read.text);
  assert.equal(read.body.lock?.owner, taken.lock?.owner);
  const managerName = read.body.history.find((m) => m.to === 'IN_PRINT')?.actorName;
  assert.ok(managerName, 'the manager is named in the history');
  assert.equal(read.body.lock?.ownerName, managerName);

  const byStation = await requestCard(w, (await createPerson(w.t)).id);
  await move(w.manager, byStation.id, 'REQUEST_CHECKED');
  await move(w.station, byStation.id, 'IN_PRINT');
  const station = await w.viewer.get<Named>(`/api/v1/cards/${byStation.id}`);
  assert.equal(station.body.lock?.ownerName, station.body.history.find((m) => m.to === 'IN_PRINT')?.actorName);
  assert.ok(station.body.lock?.ownerName);
});

test('CSN: four forms stored and searchable, taken by a live card is 409, unknown form 400, invalid 422', async () => {
  const csn = '04A1B2C3D4E5F6';
  const forms = csnForms(csn);
  const person = await createPerson(w.t);
  const card = await requestCard(w, person.id);
  await move(w.manager, card.id, 'REQUEST_CHECKED');
  await move(w.station, card.id, 'IN_PRINT');
  await move(w.station, card.id, 'PRINTED');
  await move(w.station, card.id, 'IN_ENCODE');

  const unknownForm = await w.station.post(`/api/v1/cards/${card.id}/csn`, { csn, form: 'octal' });
  assert.equal(unknownForm.status, 400);
  assert.equal(unknownForm.body.code, 'csn_form_unknown');
  const invalid = await w.station.post(`/api/v1/cards/${card.id}/csn`, { csn: 'XYZ', form: 'hex' });
  assert.equal(invalid.status, 422);
  assert.equal(invalid.body.code, 'csn_invalid');
  assert.equal(invalid.body.field, '/csn');

  const bound = await w.station.post<CardView>(`/api/v1/cards/${card.id}/csn`, { csn: forms.decimalReversed, form: 'decimal_reversed', byteLength: 7 });
  assert.equal(bound.status, 200, bound.text);
  assert.deepEqual(bound.body.csn, forms);

  for (const form of [forms.hex, forms.hexReversed, forms.decimal, forms.decimalReversed, forms.hex.toLowerCase()]) {
    const found = await w.manager.get<{ items: CardView[] }>(`/api/v1/cards?q=${form}`);
    assert.equal(found.status, 200, found.text);
    assert.deepEqual(found.body.items.map((c) => c.id), [card.id], `search by ${form}`);
  }

  const other = await requestCard(w, (await createPerson(w.t)).id);
  await move(w.manager, other.id, 'REQUEST_CHECKED');
  await move(w.station, other.id, 'IN_PRINT');
  const taken = await w.station.post(`/api/v1/cards/${other.id}/csn`, { csn: forms.hexReversed, form: 'hex_reversed' });
  assert.equal(taken.status, 409);
  assert.equal(taken.body.code, 'csn_taken');
  assert.equal(await stateOf(w, other.id), 'IN_PRINT');

  // A destroyed card's chip is gone: its CSN may be bound again (one-pass station: IN_PRINT → ENCODED).
  await move(w.manager, card.id, 'DESTROYED');
  const reused = await w.station.post<CardView>(`/api/v1/cards/${other.id}/csn`, { csn: forms.hex, form: 'hex' });
  assert.equal(reused.status, 200, reused.text);
  assert.equal(reused.body.state, 'ENCODED');
  assert.equal(reused.body.printedLines?.escn, other.escn);
});

test('photo: JPEG or PNG, raw or multipart; refused outside the allowed states and for bad uploads', async () => {
  const person = await createPerson(w.t);
  const holder = await holderClient(w.t, person.id);
  const card = await requestCard(w, person.id);
  const url = `/api/v1/cards/${card.id}/photo`;

  const boundary = 'cardsboundary';
  const image = await jpeg();
  const multipart = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="photo"; filename="me.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`),
    image,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const viaMultipart = await holder.request<CardView>('PUT', url, { payload: multipart, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
  assert.equal(viaMultipart.status, 200, viaMultipart.text);
  assert.ok(viaMultipart.body.photoId);

  const text = await w.manager.request('PUT', url, { payload: 'hello', headers: { 'content-type': 'text/plain' } });
  assert.equal(text.status, 415);
  const fake = await w.manager.request('PUT', url, { payload: Buffer.from('GIF89a not really a png'), headers: { 'content-type': 'image/png' } });
  assert.equal(fake.status, 415);
  assert.equal(fake.body.code, 'photo_unsupported_type');
  const huge = await w.manager.request('PUT', url, { payload: Buffer.alloc(w.t.config.photoMaxBytes + 10, 0xff), headers: { 'content-type': 'image/jpeg' } });
  assert.equal(huge.status, 413);

  await move(w.manager, card.id, 'REQUEST_CHECKED');
  const holderLate = await holder.request('PUT', url, { payload: image, headers: { 'content-type': 'image/jpeg' } });
  assert.equal(holderLate.status, 409, 'the holder cannot swap a photo the office already checked');
  assert.equal(holderLate.body.code, 'photo_change_not_allowed');
  const office = await w.manager.request<CardView>('PUT', url, { payload: image, headers: { 'content-type': 'image/jpeg' } });
  assert.equal(office.status, 200, office.text);

  await move(w.station, card.id, 'IN_PRINT');
  await move(w.station, card.id, 'PRINTED');
  const printed = await w.manager.request('PUT', url, { payload: image, headers: { 'content-type': 'image/jpeg' } });
  assert.equal(printed.status, 409);
  assert.equal(printed.body.code, 'photo_change_not_allowed');
});

test('requests: self-service rules, one pending request at a time, validity cut at the rights end', async () => {
  const guest = await createPerson(w.t, { personType: 'guest' });
  const guestClient = await holderClient(w.t, guest.id);
  const refused = await guestClient.post('/api/v1/cards', { cardKind: 'physical' });
  assert.equal(refused.status, 403);
  assert.equal(refused.body.code, 'self_request_not_allowed');
  assert.equal((await w.manager.post('/api/v1/cards', { personId: guest.id })).status, 201, 'the office requests for guests');

  const staff = await createPerson(w.t, { personType: 'staff' });
  const staffClient = await holderClient(w.t, staff.id);
  const noAddress = await staffClient.post('/api/v1/cards', { cardKind: 'physical' });
  assert.equal(noAddress.status, 422);
  assert.equal(noAddress.body.field, '/deliveryAddress');
  const virtual = await staffClient.post<CardView>('/api/v1/cards', { cardKind: 'virtual' });
  assert.equal(virtual.status, 201, virtual.text);
  assert.equal(virtual.body.cardKind, 'virtual');

  const pending = await staffClient.post('/api/v1/cards', { cardKind: 'virtual' });
  assert.equal(pending.status, 409);
  assert.equal(pending.body.code, 'request_pending');
  assert.equal(pending.body.cardId, virtual.body.id);
  const withdrawn = await move(staffClient, virtual.body.id, 'CANCELED');
  assert.equal(withdrawn.state, 'CANCELED');
  assert.equal((await staffClient.post('/api/v1/cards', { cardKind: 'virtual' })).status, 201, 'a new request once the other is withdrawn');

  const soon = new Date(Date.now() + 40 * 86_400_000).toISOString().slice(0, 10);
  const leaving = await createPerson(w.t, { rightsEnd: soon });
  const leavingCard = await requestCard(w, leaving.id);
  assert.equal(leavingCard.expiresAt, soon);
  const staying = await requestCard(w, (await createPerson(w.t)).id);
  const inAYear = new Date();
  inAYear.setUTCFullYear(inAYear.getUTCFullYear() + 1);
  assert.equal(staying.expiresAt?.slice(0, 7), inAYear.toISOString().slice(0, 7));

  const ended = await createPerson(w.t, { rightsEnd: '2020-01-01' });
  const tooLate = await w.manager.post('/api/v1/cards', { personId: ended.id });
  assert.equal(tooLate.status, 409);
  assert.equal(tooLate.body.code, 'rights_ended');

  const missing = await w.manager.post('/api/v1/cards', { personId: '00000000-0000-4000-8000-000000000001' });
  assert.equal(missing.status, 404);
  const forNobody = await w.manager.post('/api/v1/cards', { cardKind: 'physical' });
  assert.equal(forNobody.status, 422);
  assert.equal(forNobody.body.field, '/personId');
});

test('authorization: holders see only their cards, viewers only read, type-limited managers see nothing else', async () => {
  const a = await createPerson(w.t);
  const b = await createPerson(w.t);
  const cardB = await requestCard(w, b.id);
  const studentA = await holderClient(w.t, a.id);
  const staffManager = await w.t.loginAs('manager', { personTypes: ['staff'] });
  const station = w.station;

  assert.equal((await studentA.get(`/api/v1/cards/${cardB.id}`)).status, 404);
  assert.equal((await studentA.post(`/api/v1/cards/${cardB.id}/moves`, { to: 'CANCELED' })).status, 404);
  assert.equal((await studentA.post('/api/v1/cards', { personId: b.id })).status, 404);
  assert.equal((await studentA.request('PUT', `/api/v1/cards/${cardB.id}/photo`, { payload: await jpeg(), headers: { 'content-type': 'image/jpeg' } })).status, 404);
  assert.equal((await studentA.post(`/api/v1/cards/${cardB.id}/renew`)).status, 404);
  assert.equal((await studentA.get('/api/v1/cards')).status, 403);
  assert.deepEqual((await studentA.get<{ items: unknown[] }>('/api/v1/me/cards')).body.items, []);

  assert.equal((await w.viewer.get(`/api/v1/cards/${cardB.id}`)).status, 200);
  assert.equal((await w.viewer.post(`/api/v1/cards/${cardB.id}/moves`, { to: 'REQUEST_CHECKED' })).status, 403);
  assert.equal((await w.viewer.post('/api/v1/cards', { personId: b.id })).status, 403);
  assert.equal((await w.viewer.post('/api/v1/cards/moves', { items: [{ cardId: cardB.id, to: 'REQUEST_CHECKED' }] })).status, 403);

  assert.equal((await staffManager.get(`/api/v1/cards/${cardB.id}`)).status, 404);
  assert.equal((await staffManager.post(`/api/v1/cards/${cardB.id}/moves`, { to: 'REQUEST_CHECKED' })).status, 404);
  assert.equal((await staffManager.post('/api/v1/cards', { personId: a.id })).status, 404);
  const staffList = await staffManager.get<{ items: CardView[] }>('/api/v1/cards?limit=200');
  assert.ok(staffList.body.items.every((card) => card.holder.personType === 'staff'));

  const enabled = await enabledCard(w, a.id);
  const disable = await station.post(`/api/v1/cards/${enabled.id}/moves`, { to: 'DISABLED', reason: 'LOST' });
  assert.equal(disable.status, 403);
  assert.equal(disable.body.code, 'forbidden_for_actor');
  assert.equal((await station.post(`/api/v1/cards/${enabled.id}/deliver`)).status, 403);
  assert.equal((await w.deliverer.post(`/api/v1/cards/${enabled.id}/csn`, { csn: freshCsn(), form: 'hex' })).status, 403);

  for (const [method, url] of [['GET', '/api/v1/cards'], ['GET', `/api/v1/cards/${cardB.id}`], ['POST', '/api/v1/cards'],
    ['POST', `/api/v1/cards/${cardB.id}/moves`], ['PUT', `/api/v1/cards/${cardB.id}/photo`], ['GET', '/api/v1/me/cards']] as const) {
    const response = await w.t.anonymous.request(method, url, method === 'GET' ? {} : { body: {} });
    assert.equal(response.status, 401, `${method} ${url}`);
  }
  assert.equal(await stateOf(w, cardB.id), 'NEW');
});

test('delivery, and the institution settings that enable on delivery or right after encoding', async () => {
  const person = await createPerson(w.t);
  const card = await requestCard(w, person.id);
  assert.equal((await w.deliverer.post(`/api/v1/cards/${card.id}/deliver`)).body.code, 'not_deliverable');
  await encode(w, card.id);
  const early = await w.deliverer.post(`/api/v1/cards/${card.id}/moves`, { to: 'ENABLED' });
  assert.equal(early.status, 409);
  assert.equal(early.body.code, 'disabled_by_settings');
  const delivered = await w.deliverer.post<CardView>(`/api/v1/cards/${card.id}/deliver`);
  assert.equal(delivered.status, 200, delivered.text);
  assert.equal(delivered.body.state, 'ENCODED');
  assert.ok(delivered.body.deliveredAt);
  assert.equal((await w.deliverer.post(`/api/v1/cards/${card.id}/deliver`)).body.code, 'already_delivered');

  await configureInstitution(w.t, { enableOnDelivery: true });
  try {
    const next = await requestCard(w, (await createPerson(w.t)).id);
    await encode(w, next.id);
    const handed = await w.deliverer.post<CardView>(`/api/v1/cards/${next.id}/deliver`);
    assert.equal(handed.status, 200, handed.text);
    assert.equal(handed.body.state, 'ENABLED');
  } finally {
    await configureInstitution(w.t, { enableOnDelivery: false });
  }

  await configureInstitution(w.t, { autoEnableAfterEncode: true });
  try {
    const auto = await requestCard(w, (await createPerson(w.t)).id);
    const encoded = await encode(w, auto.id);
    assert.equal(encoded.state, 'ENABLED');
    const detail = await w.admin.get<CardDetailView>(`/api/v1/cards/${auto.id}`);
    assert.deepEqual(detail.body.history.slice(-2).map((m) => [m.to, m.actorKind]), [['ENCODED', 'station'], ['ENABLED', 'system']]);
  } finally {
    await configureInstitution(w.t, { autoEnableAfterEncode: false });
  }
});

test('bulk moves: each card on its own, with its own status and problem', async () => {
  const first = await requestCard(w, (await createPerson(w.t)).id);
  const second = await requestCard(w, (await createPerson(w.t)).id);
  const response = await w.manager.post<{ results: Array<{ cardId: string; status: number; card?: CardView; problem?: { code: string } }> }>(
    '/api/v1/cards/moves', {
      items: [
        { cardId: first.id, to: 'REQUEST_CHECKED' },
        { cardId: second.id, to: 'ENABLED' },
        { cardId: '00000000-0000-4000-8000-000000000009', to: 'REQUEST_CHECKED' },
        { cardId: second.id, to: 'REJECTED' },
      ],
    });
  assert.equal(response.status, 200, response.text);
  assert.deepEqual(response.body.results.map((r) => [r.status, r.problem?.code ?? r.card?.state]), [
    [200, 'REQUEST_CHECKED'], [409, 'move_not_allowed'], [404, 'card_not_found'], [422, 'comment_required'],
  ]);
  const tooMany = await w.manager.post('/api/v1/cards/moves', { items: Array.from({ length: 501 }, () => ({ cardId: first.id, to: 'IN_PRINT' })) });
  assert.equal(tooMany.status, 400);
});

test('a person change refreshes the holder snapshot of their cards; mails follow the moves', async () => {
  const person = await createPerson(w.t);
  const card = await requestCard(w, person.id);
  await w.t.runtime.services.people.update(person.id, { lastName: 'Nouveau-Nom', email: 'new@mail.example.org' }, { actor: 'test' });
  const refreshed = await w.admin.get<CardView>(`/api/v1/cards/${card.id}`);
  assert.equal(refreshed.body.holder.lastName, 'Nouveau-Nom');
  assert.equal(refreshed.body.holder.email, 'new@mail.example.org');
  assert.equal(refreshed.body.version, card.version + 1);
  const found = await w.manager.get<{ items: CardView[] }>('/api/v1/cards?q=nouveau-nom');
  assert.deepEqual(found.body.items.map((c) => c.id), [card.id]);

  await move(w.manager, card.id, 'REQUEST_CHECKED');
  const mails = await w.t.runtime.services.notifications.list({ scope: WHOLE_DEPLOYMENT, personId: person.id, limit: 10 });
  assert.deepEqual(mails.map((m) => [m.template, m.to]), [['request_checked', 'new@mail.example.org']]);

  const exported = await w.t.runtime.services.people.exportData(person.id);
  const section = exported.cards as { cards: CardDetailView[] };
  assert.deepEqual(section.cards.map((c) => [c.id, c.history.length]), [[card.id, 2]]);
});

test('an ESCN that is already taken is minted again', async () => {
  const taken = await requestCard(w, (await createPerson(w.t)).id);
  const { db } = w.t.runtime.database;
  const { people, photos, institution, cards } = w.t.runtime.services;
  const minted: string[] = [];
  const fresh = ['3e506370-826a-103d-bf76-001999999999', '3e506370-826a-103d-bf76-001999999998'];
  const service = createCardsService({
    db, people, photos, institution,
    mintEscn: () => {
      const escn = minted.length === 0 ? (taken.escn as string) : (fresh[minted.length - 1] as string);
      minted.push(escn);
      return escn;
    },
  });
  const person = await createPerson(w.t);
  const admin = {
    kind: 'session' as const, id: 'x', actor: 'test:admin', displayName: 'admin', role: 'admin' as const, personTypes: null, personId: null,
    institutionIds: null, grantedInstitutionIds: null, focusInstitutionId: null,
  };
  const card = await service.request(person.id, { channel: 'office', cardKind: 'physical' }, admin, { actor: 'test' });
  assert.deepEqual(minted, [taken.escn, fresh[0]]);
  assert.equal(card.escn, fresh[0]);
  assert.equal((await cards.get(card.id, admin)).escn, fresh[0]);
});

test('a manager at an office desk prints and encodes a card without a station account', async () => {
  const person = await createPerson(w.t, {});
  const first = await requestCard(w, person.id);
  await move(w.manager, first.id, 'REQUEST_CHECKED');
  await move(w.manager, first.id, 'IN_PRINT');
  await move(w.manager, first.id, 'PRINTED');
  const csn = freshCsn();
  const encoded = await w.manager.post<CardDetailView>(`/api/v1/cards/${first.id}/csn`, { csn, form: 'hex' });
  assert.equal(encoded.status, 200, encoded.text);
  assert.equal(encoded.body.state, 'ENCODED');
  const detail = await w.manager.get<CardDetailView>(`/api/v1/cards/${first.id}`);
  assert.deepEqual(detail.body.history.slice(-2).map((m) => [m.from, m.to]), [['PRINTED', 'IN_ENCODE'], ['IN_ENCODE', 'ENCODED']]);
  // Another person's lock still holds: a card the station took cannot be encoded by the manager.
  const other = await requestCard(w, (await createPerson(w.t, {})).id);
  await move(w.manager, other.id, 'REQUEST_CHECKED');
  await move(w.station, other.id, 'IN_PRINT');
  const refused = await w.manager.post(`/api/v1/cards/${other.id}/csn`, { csn: freshCsn(), form: 'hex' });
  assert.equal(refused.status, 423);
  assert.equal(refused.body.code, 'not_your_lock');
});
