import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { inTransaction } from '../../src/platform/db/database.ts';
import { PHOTO_HEIGHT, PHOTO_WIDTH } from '../../src/modules/photos/photo-processing.ts';
import type { PersonView } from '../../src/modules/people/people.service.ts';

let t: TestApp;
let jpeg: Buffer;
let n = 0;

before(async () => {
  t = await startTestApp({ env: { PHOTO_MAX_BYTES: String(200 * 1024) } });
  jpeg = await sharp({ create: { width: 600, height: 800, channels: 3, background: '#8899aa' } }).jpeg().toBuffer();
});
after(async () => { await t.close(); });

async function person(personType = 'student'): Promise<PersonView> {
  n += 1;
  return t.runtime.services.people.create({ eppn: `ph${n}@univ.example.fr`, lastName: 'Photo', firstName: `P${n}`, personType }, { actor: 'test' });
}

test('store normalises the upload; prepare + save keeps decoding out of the transaction; copy shares the stored photo', async () => {
  const { photos } = t.runtime.services;
  const owner = await person();
  const stored = await photos.store(t.runtime.database.db, owner.id, jpeg, { actor: 'test' });
  assert.equal(stored.width, PHOTO_WIDTH);
  assert.equal(stored.height, PHOTO_HEIGHT);
  assert.match(stored.sha256, /^[0-9a-f]{64}$/);
  const read = await photos.get(stored.id);
  assert.equal(read.personId, owner.id);
  assert.equal((await sharp(read.jpeg).metadata()).format, 'jpeg');

  const prepared = await photos.prepare(jpeg, { edits: { rotate: 90 } });
  const saved = await inTransaction(t.runtime.database.db, { actor: 'test' }, (trx) => photos.save(trx, owner.id, prepared));
  const copy = await inTransaction(t.runtime.database.db, { actor: 'test' }, (trx) => photos.carryOver(trx, saved.id));
  assert.deepEqual(copy, saved, 'a renewal shows the same stored photo: photos never change');
  const listed = await photos.listForPerson(t.runtime.database.db, owner.id);
  assert.deepEqual(listed.map((info) => info.id), [saved.id], 'no card points to the first photo: only the current one is kept');
  assert.ok(listed.every((info) => info.url === `/api/v1/photos/${info.id}`));

  const audit = await t.runtime.database.pool.query<{ changes: Record<string, unknown> }>(
    "SELECT changes FROM audit_log WHERE table_name = 'photos' AND row_id = $1", [stored.id]);
  assert.equal(audit.rows[0]?.changes.jpeg, '[redacted]', 'image bytes never reach the audit log');
});

test('limits come from the configuration; wrong content is refused', async () => {
  const { photos } = t.runtime.services;
  const big = await sharp({ create: { width: 2000, height: 2000, channels: 3, background: '#123456' } }).png({ compressionLevel: 0 }).toBuffer();
  await assert.rejects(photos.prepare(big), (error: { code?: string; status?: number }) => error.code === 'photo_too_large' && error.status === 413);
  await assert.rejects(photos.prepare(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')), (error: { status?: number }) => error.status === 415);
  await assert.rejects(photos.get('00000000-0000-4000-8000-000000000000'), (error: { code?: string }) => error.code === 'photo_not_found');
  await assert.rejects(t.runtime.services.photos.carryOver(t.runtime.database.db, '00000000-0000-4000-8000-000000000000'),
    (error: { code?: string }) => error.code === 'photo_not_found');
});

test('GET /photos/:id: the person and office readers within their types; nobody else', async () => {
  const { photos } = t.runtime.services;
  const student = await person('student');
  const other = await person('student');
  const photo = await photos.store(t.runtime.database.db, student.id, jpeg, { actor: 'test' });
  const url = `/api/v1/photos/${photo.id}`;

  const self = await t.loginAs('cardholder', { personId: student.id });
  const mine = await self.get(url);
  assert.equal(mine.status, 200);
  assert.equal(mine.headers['content-type'], 'image/jpeg');
  assert.equal(mine.headers['cache-control'], 'private, max-age=300');
  assert.equal(mine.headers.etag, `"${photo.sha256}"`);
  const cached = await self.request('GET', url, { headers: { 'if-none-match': `"${photo.sha256}"` } });
  assert.equal(cached.status, 304);

  assert.equal((await (await t.loginAs('deliverer')).get(url)).status, 200);
  assert.equal((await (await t.tokenClient('station')).get(url)).status, 200);
  const otherHolder = await t.loginAs('cardholder', { personId: other.id });
  const hidden = await otherHolder.get(url);
  assert.equal(hidden.status, 404);
  assert.equal(hidden.body.code, 'photo_not_found');
  assert.equal((await (await t.loginAs('manager', { personTypes: ['staff'] })).get(url)).status, 404);
  assert.equal((await t.anonymous.get(url)).status, 401);
  assert.equal((await self.get('/api/v1/photos/00000000-0000-4000-8000-000000000000')).status, 404);
});
