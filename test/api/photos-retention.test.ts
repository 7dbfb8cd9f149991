import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { CardView } from '../../src/modules/cards/cards.service.ts';
import { inTransaction } from '../../src/platform/db/database.ts';
import { startTestApp } from '../helpers/test-app.ts';
import { configureInstitution, createPerson, move, officeClients, requestCard, type CardsWorld } from './cards.fixtures.ts';

let w: CardsWorld;
before(async () => {
  const t = await startTestApp();
  await configureInstitution(t);
  w = await officeClients(t);
});
after(async () => { await w.t.close(); });

let hue = 0;

/** A JPEG the pipeline accepts, different from every other one this file makes. */
async function distinctJpeg(): Promise<Buffer> {
  hue += 1;
  return sharp({ create: { width: 300, height: 400, channels: 3, background: { r: (hue * 37) % 256, g: (hue * 11) % 256, b: 90 } } })
    .jpeg().toBuffer();
}

/** The ids of the photos stored for the person, read in the table itself. */
async function storedPhotoIds(personId: string): Promise<string[]> {
  const rows = await w.t.runtime.database.db.selectFrom('photos').select('id').where('personId', '=', personId).orderBy('id').execute();
  return rows.map((row) => row.id);
}

async function upload(personId: string, bytes: Buffer) {
  return w.t.runtime.services.photos.store(w.t.runtime.database.db, personId, bytes, { actor: 'test' });
}

async function putCardPhoto(cardId: string, bytes: Buffer): Promise<CardView> {
  const response = await w.manager.request<CardView>('PUT', `/api/v1/cards/${cardId}/photo`, { payload: bytes, headers: { 'content-type': 'image/jpeg' } });
  assert.equal(response.status, 200, response.text);
  return response.body;
}

test('five uploads of identical bytes store one photo, and each upload answers it', async () => {
  const person = await createPerson(w.t);
  const bytes = await distinctJpeg();
  const stored = [];
  for (let i = 0; i < 5; i++) stored.push(await upload(person.id, bytes));
  assert.equal(new Set(stored.map((photo) => photo.id)).size, 1);
  assert.deepEqual(await storedPhotoIds(person.id), [stored[0]?.id]);
});

test('five different uploads with no card keep only the last one, the current photo', async () => {
  const person = await createPerson(w.t);
  let last;
  for (let i = 0; i < 5; i++) last = await upload(person.id, await distinctJpeg());
  assert.deepEqual(await storedPhotoIds(person.id), [last?.id]);
  const listed = await w.t.runtime.services.photos.listForPerson(w.t.runtime.database.db, person.id);
  assert.deepEqual(listed.map((photo) => photo.id), [last?.id]);
});

test('uploading bytes again makes that stored photo current: the one uploaded in between goes', async () => {
  const person = await createPerson(w.t);
  const first = await distinctJpeg();
  const a = await upload(person.id, first);
  const b = await upload(person.id, await distinctJpeg());
  assert.deepEqual(await storedPhotoIds(person.id), [b.id]);
  const again = await upload(person.id, first);
  assert.notEqual(again.id, b.id);
  assert.equal(again.sha256, a.sha256);
  assert.deepEqual(await storedPhotoIds(person.id), [again.id]);
});

test('two identical uploads at the same time end as one stored photo', async () => {
  const person = await createPerson(w.t);
  const { photos } = w.t.runtime.services;
  const prepared = await photos.prepare(await distinctJpeg());
  // Both transactions insert before either commits (on PostgreSQL the second waits on the unique index).
  const [one, two] = await Promise.all([0, 1].map(() => inTransaction(w.t.runtime.database.db, { actor: 'test' }, (trx) => photos.save(trx, person.id, prepared))));
  assert.equal(one?.id, two?.id);
  assert.deepEqual(await storedPhotoIds(person.id), [one?.id]);
});

test('a photo a card shows survives later uploads and the card still serves it; replacing it on the card lets it go', async () => {
  const person = await createPerson(w.t);
  const card = await requestCard(w, person.id);
  const shown = await distinctJpeg();
  const withPhoto = await putCardPhoto(card.id, shown);
  const shownId = withPhoto.photoId as string;
  const shownHash = (await w.t.runtime.services.photos.get(shownId)).sha256;

  let last;
  for (let i = 0; i < 3; i++) last = await upload(person.id, await distinctJpeg());
  assert.deepEqual(await storedPhotoIds(person.id), [shownId, last?.id as string].sort(), 'the card\'s photo and the current one');

  const read = await w.manager.get<CardView>(`/api/v1/cards/${card.id}`);
  assert.equal(read.body.photoId, shownId);
  const served = await w.t.app.inject({
    method: 'GET', url: read.body.photoUrl as string, headers: { cookie: w.manager.credentials.cookie ?? '' },
  });
  assert.equal(served.statusCode, 200);
  assert.equal(served.headers['content-type'], 'image/jpeg');
  assert.equal(served.headers.etag, `"${shownHash}"`);
  assert.equal(createHash('sha256').update(served.rawPayload).digest('hex'), shownHash);

  // The card is changed five times: its earlier photos and the upload of no card all go.
  let replaced: CardView | undefined;
  for (let i = 0; i < 5; i++) replaced = await putCardPhoto(card.id, await distinctJpeg());
  assert.deepEqual(await storedPhotoIds(person.id), [replaced?.photoId]);
  assert.equal((await w.manager.request('GET', `/api/v1/photos/${shownId}`)).status, 404);
});

test('the photo of a card and of its renewal is one stored photo, kept while either card shows it', async () => {
  const person = await createPerson(w.t);
  const card = await requestCard(w, person.id);
  const photoId = (await putCardPhoto(card.id, await distinctJpeg())).photoId as string;
  await move(w.manager, card.id, 'REQUEST_CHECKED');
  await move(w.station, card.id, 'IN_PRINT');
  await move(w.station, card.id, 'PRINTED');
  await move(w.station, card.id, 'IN_ENCODE');
  assert.equal((await w.station.post(`/api/v1/cards/${card.id}/csn`, { csn: 'A1B2C3D4', form: 'hex' })).status, 200);
  await move(w.manager, card.id, 'ENABLED');
  const renewal = await w.manager.post<CardView>(`/api/v1/cards/${card.id}/renew`);
  assert.equal(renewal.status, 201, renewal.text);
  assert.equal(renewal.body.photoId, photoId);
  const newer = await putCardPhoto(renewal.body.id, await distinctJpeg());
  assert.deepEqual(await storedPhotoIds(person.id), [photoId, newer.photoId as string].sort(), 'the enabled card keeps its photo');
});
