import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestClient } from '../helpers/test-app.ts';
import type { PersonInput } from '../../src/modules/people/domain/person.ts';
import type { PersonChange, PersonView } from '../../src/modules/people/people.service.ts';

interface BatchResult {
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  items: Array<{ index: number; eppn: string | null; id?: string; status: string; errors?: Array<{ field: string; code: string; message: string }> }>;
}
import { inTransaction } from '../../src/platform/db/database.ts';

let t: TestApp;
let admin: TestClient;

before(async () => {
  t = await startTestApp();
  admin = await t.loginAs('admin');
  await t.runtime.services.institution.save({
    name: 'Université Exemple', pic: '999999999', schacHomeOrganization: 'univ.example.fr', country: 'FR', esiScope: 'national',
  }, { actor: 'test' });
});
after(async () => { await t.close(); });

const item = (login: string, extra: Record<string, unknown> = {}) =>
  ({ eppn: `${login}@univ.example.fr`, lastName: `Last ${login}`, firstName: 'First', personType: 'student', ...extra });

test('batch: created, updated, unchanged and per-item errors; valid items are written together', async () => {
  const first = await admin.post<BatchResult>('/api/v1/persons/batch', [item('b1'), item('b2', { ine: '123123123AB' }), item('b3')]);
  assert.equal(first.status, 200, first.text);
  assert.deepEqual([first.body.created, first.body.updated, first.body.unchanged, first.body.failed], [3, 0, 0, 0]);
  assert.deepEqual(first.body.items.map((i) => [i.index, i.status]), [[0, 'created'], [1, 'created'], [2, 'created']]);

  const second = await admin.post<BatchResult>('/api/v1/persons/batch', [
    item('b1'),
    item('b2', { ine: '123123123AB', email: 'b2@mail.example.org' }),
    { eppn: 'broken', lastName: '', personType: 'student', colour: 'red' },
    item('b4'),
    item('B4', { firstName: 'Twice' }),
    'not an object',
  ]);
  assert.equal(second.status, 200, second.text);
  assert.deepEqual([second.body.created, second.body.updated, second.body.unchanged, second.body.failed], [1, 1, 1, 3]);
  const byIndex = new Map(second.body.items.map((i) => [i.index, i]));
  assert.equal(byIndex.get(0)?.status, 'unchanged');
  assert.equal(byIndex.get(0)?.id, first.body.items[0]?.id);
  assert.equal(byIndex.get(1)?.status, 'updated');
  assert.equal(byIndex.get(3)?.status, 'created');
  const broken = byIndex.get(2) as { status: string; errors: Array<{ field: string; code: string; message: string }>; eppn: string | null };
  assert.equal(broken.status, 'error');
  assert.equal(broken.eppn, 'broken');
  assert.deepEqual(broken.errors.map((e) => [e.field, e.code]).sort(), [
    ['/colour', 'unknown_field'], ['/eppn', 'invalid_eppn'], ['/firstName', 'required'], ['/lastName', 'required'],
  ]);
  assert.deepEqual((byIndex.get(4) as { errors: Array<{ code: string }> }).errors.map((e) => e.code), ['duplicate_eppn']);
  assert.equal(byIndex.get(5)?.status, 'error');

  const b1 = await admin.get<PersonView>(`/api/v1/persons/${first.body.items[0]?.id}`);
  assert.equal(b1.body.version, 1, 'unchanged keeps its version');
  const b2 = await admin.get<PersonView>(`/api/v1/persons/${first.body.items[1]?.id}`);
  assert.equal(b2.body.version, 2);
  assert.equal(b2.body.email, 'b2@mail.example.org');
  assert.equal(b2.body.esi, 'urn:schac:personalUniqueCode:int:esi:fr:123123123AB');
});

test('batch: body limits and authorization', async () => {
  const tooMany = await admin.post('/api/v1/persons/batch', Array.from({ length: 5001 }, (_, i) => item(`many${i}`)));
  assert.equal(tooMany.status, 400);
  assert.equal((await admin.post('/api/v1/persons/batch', { eppn: 'x' })).status, 400);
  assert.equal((await t.anonymous.post('/api/v1/persons/batch', [])).status, 401);
  const viewer = await t.loginAs('viewer');
  assert.equal((await viewer.post('/api/v1/persons/batch', [item('v1')])).status, 403);
  const cardholder = await t.loginAs('cardholder', { personId: (await t.runtime.services.people.create(item('holder'), { actor: 'test' })).id });
  assert.equal((await cardholder.post('/api/v1/persons/batch', [item('c1')])).status, 403);

  await admin.post('/api/v1/persons/batch', [item('scoped-student')]);
  const staffManager = await t.loginAs('manager', { personTypes: ['staff'] });
  const scoped = await staffManager.post<BatchResult>('/api/v1/persons/batch', [
    item('scoped-staff', { personType: 'staff' }),
    item('scoped-new-student'),
    item('scoped-student', { personType: 'staff', firstName: 'Hijack' }),
  ]);
  assert.equal(scoped.status, 200);
  assert.deepEqual(scoped.body.items.map((i) => i.status), ['created', 'error', 'error']);
  assert.deepEqual(scoped.body.items.slice(1).map((i) => (i as { errors: Array<{ code: string }> }).errors[0]?.code),
    ['person_type_not_allowed', 'person_type_not_allowed']);
  const untouched = await t.runtime.services.people.getByEppn('scoped-student@univ.example.fr');
  assert.equal(untouched.firstName, 'First');
  assert.equal(untouched.personType, 'student');
});

test('batch of 5000 items in one request', async () => {
  const items = Array.from({ length: 5000 }, (_, i) => item(`bulk${i}`, { studentNumber: String(100000 + i) }));
  const response = await admin.post<BatchResult>('/api/v1/persons/batch', items);
  assert.equal(response.status, 200, response.text.slice(0, 500));
  assert.equal(response.body.created, 5000);
  items[4321] = { ...items[4321], firstName: 'Changed' } as typeof items[number];
  const again = await admin.post<BatchResult>('/api/v1/persons/batch', items);
  assert.deepEqual([again.body.created, again.body.updated, again.body.unchanged], [0, 1, 4999]);
  assert.equal(again.body.items[4321]?.status, 'updated');
});

test('upsertMany: set-based, chunked, version bumps on real change only, listeners see changes', async () => {
  const { people } = t.runtime.services;
  const inputs: PersonInput[] = Array.from({ length: 2500 }, (_, i) => ({
    eppn: `up${i}@univ.example.fr`, lastName: `Up${i}`, firstName: 'Many', personType: 'staff', ...(i % 2 ? { ine: `${String(100000000 + i)}AB` } : {}),
  }));
  const created = await inTransaction(t.runtime.database.db, { actor: 'import:test' }, (trx) => people.upsertMany(trx, inputs, { actor: 'import:test' }, { channel: 'import' }));
  assert.deepEqual([created.created, created.updated, created.unchanged], [2500, 0, 0]);
  assert.deepEqual(created.results.map((r) => r.index), inputs.map((_, i) => i));
  const derived = await people.getByEppn('up1@univ.example.fr');
  assert.equal(derived.esi, 'urn:schac:personalUniqueCode:int:esi:fr:100000001AB');

  const seen: Array<{ person: PersonView; changedFields: string[] }> = [];
  const chunks: PersonChange[][] = [];
  const listening = await startListeningApp(seen, chunks);
  try {
    const next = inputs.map((input, i) => (i % 1000 === 7 ? { ...input, firstName: 'Renamed', rightsEnd: '2030-01-01' } : input));
    next.push({ eppn: 'up-new@univ.example.fr', lastName: 'New', firstName: 'One', personType: 'guest' });
    const result = await listening.runtime.services.people.upsertMany(listening.runtime.database.db, next, { actor: 'import:test' }, { channel: 'import' });
    assert.deepEqual([result.created, result.updated, result.unchanged], [1, 3, 2497]);
    assert.equal(seen.length, 4);
    const renamed = seen.find((change) => change.person.eppn === 'up7@univ.example.fr');
    assert.deepEqual(renamed?.changedFields.sort(), ['firstName', 'rightsEnd']);
    assert.equal(renamed?.person.version, 2);
    assert.equal(renamed?.person.firstName, 'Renamed');
    const fresh = seen.find((change) => change.person.eppn === 'up-new@univ.example.fr');
    assert.deepEqual(fresh?.changedFields.sort(), ['eppn', 'firstName', 'lastName', 'personType']);
    assert.equal(chunks.length, 3, 'one batch call per chunk with changes');
    const unchanged = await listening.runtime.services.people.getByEppn('up8@univ.example.fr');
    assert.equal(unchanged.version, 1);
    const audit = await listening.runtime.database.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_log WHERE table_name = 'persons' AND operation = 'UPDATE' AND actor = 'import:test'");
    assert.equal(audit.rows[0]?.n, 3, 'only real changes reach the audit log, with the actor');
  } finally {
    await listening.close();
  }
});

test('upsertMany refuses duplicate eppns and keeps a stored ESI the input cannot derive', async () => {
  const { people } = t.runtime.services;
  const db = t.runtime.database.db;
  await assert.rejects(
    people.upsertMany(db, [item('dup') as PersonInput, item('dup') as PersonInput], { actor: 'test' }, { channel: 'api' }),
    (error: { code?: string }) => error.code === 'duplicate_eppn',
  );
  await people.upsertMany(db, [{ ...(item('keep') as PersonInput), esi: 'urn:schac:personalUniqueCode:int:esi:unipv.it:9' }], { actor: 'test' }, { channel: 'api' });
  const result = await people.upsertMany(db, [item('keep') as PersonInput], { actor: 'test' }, { channel: 'api' });
  assert.equal(result.unchanged, 1);
  assert.equal((await people.getByEppn('keep@univ.example.fr')).esi, 'urn:schac:personalUniqueCode:int:esi:unipv.it:9');
});

test('a failing listener rolls the whole write back', async () => {
  const seen: Array<{ person: PersonView; changedFields: string[] }> = [];
  const listening = await startListeningApp(seen, [], true);
  try {
    const { people } = listening.runtime.services;
    await assert.rejects(people.create(item('rollback'), { actor: 'test' }), /listener failed/);
    await assert.rejects(people.getByEppn('rollback@univ.example.fr'), (error: { code?: string }) => error.code === 'person_not_found');
  } finally {
    await listening.close();
  }
});

/** A second app whose people service has listeners (the shared one must stay listener-free). */
async function startListeningApp(seen: Array<{ person: PersonView; changedFields: string[] }>, chunks: PersonChange[][], fail = false): Promise<TestApp> {
  const app = await startTestApp();
  await app.runtime.services.institution.save({
    name: 'Université Exemple', pic: '999999999', schacHomeOrganization: 'univ.example.fr', country: 'FR', esiScope: 'national',
  }, { actor: 'test' });
  const copy = await t.runtime.database.pool.query<{ eppn: string; last_name: string; first_name: string; person_type: string; ine: string | null; esi: string | null }>(
    "SELECT eppn, last_name, first_name, e.person_type, ine, esi FROM persons JOIN enrolments e ON e.person_id = persons.id WHERE eppn LIKE 'up%'");
  await app.runtime.services.people.upsertMany(app.runtime.database.db, copy.rows.map((row) => ({
    eppn: row.eppn, lastName: row.last_name, firstName: row.first_name, personType: row.person_type as PersonInput['personType'],
    ...(row.ine ? { ine: row.ine } : {}), ...(row.esi ? { esi: row.esi } : {}),
  })), { actor: 'test' }, { channel: 'import' });
  app.runtime.services.people.onPersonChanged(async (executor, person, changedFields) => {
    assert.ok(executor.isTransaction, 'listeners run inside the transaction');
    if (fail) throw new Error('listener failed');
    seen.push({ person, changedFields });
  });
  app.runtime.services.people.onPeopleChanged(async (_executor, changes) => { chunks.push(changes); });
  return app;
}
