import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestClient, type TestResponse } from '../helpers/test-app.ts';
import type { PersonView } from '../../src/modules/people/people.service.ts';

// A manager limited to staff must not learn who holds an eppn outside their limits: whatever they
// send naming the eppn of an existing student is answered exactly as a write of a person they
// may not manage (a type outside their limits), on create, update, batch and CSV import, and
// nothing about the student changes.

let t: TestApp;
let admin: TestClient;
let manager: TestClient;
let student: PersonView;
let staffer: PersonView;

const STUDENT_EPPN = 'hidden.student@univ.example.fr';
const FREE_EPPN = 'nobody.here@univ.example.fr';

const person = (eppn: string, personType: string, extra: Record<string, unknown> = {}) =>
  ({ eppn, lastName: 'Probe', firstName: 'Probe', personType, ...extra });

/** What a client can observe of an answer. */
function observed(response: TestResponse): { status: number; body: unknown } {
  return { status: response.status, body: response.body };
}

async function personCount(): Promise<number> {
  let count = 0;
  let cursor: string | null = null;
  do {
    const page: TestResponse<{ items: PersonView[]; nextCursor: string | null }> =
      await admin.get(`/api/v1/persons?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    count += page.body.items.length;
    cursor = page.body.nextCursor;
  } while (cursor);
  return count;
}

before(async () => {
  t = await startTestApp();
  admin = await t.loginAs('admin');
  manager = await t.loginAs('manager', { personTypes: ['staff'] });
  student = await t.runtime.services.people.create(person(STUDENT_EPPN, 'student', { firstName: 'Hidden' }), { actor: 'test' });
  staffer = await t.runtime.services.people.create(person('visible.staff@univ.example.fr', 'staff'), { actor: 'test' });
});
after(async () => { await t.close(); });

async function assertStudentUntouched(): Promise<void> {
  const now = await t.runtime.services.people.get(student.id);
  assert.deepEqual(now, student, 'the student is not changed');
}

test('create: an eppn held outside the limits is answered like a type outside them, and nothing is written', async () => {
  const before = await personCount();
  const heldOutside = await manager.post('/api/v1/persons', person(STUDENT_EPPN, 'staff'));
  const typeOutside = await manager.post('/api/v1/persons', person(FREE_EPPN, 'student'));
  const bothOutside = await manager.post('/api/v1/persons', person(STUDENT_EPPN, 'student'));
  assert.equal(heldOutside.status, 422, heldOutside.text);
  assert.deepEqual(observed(heldOutside), observed(typeOutside));
  assert.deepEqual(observed(bothOutside), observed(typeOutside));
  assert.equal(await personCount(), before);
  await assertStudentUntouched();

  const heldInside = await manager.post('/api/v1/persons', person(staffer.eppn, 'staff'));
  assert.equal(heldInside.status, 409, 'a visible holder is still named: the manager can find and update them');
  assert.equal(heldInside.body.code, 'eppn_taken');
});

test('update: renaming to an eppn held outside the limits is answered like moving to a type outside them', async () => {
  const renamed = await manager.patch(`/api/v1/persons/${staffer.id}`, { eppn: STUDENT_EPPN });
  const moved = await manager.patch(`/api/v1/persons/${staffer.id}`, { personType: 'student' });
  assert.equal(renamed.status, 422, renamed.text);
  assert.deepEqual(observed(renamed), observed(moved));
  assert.equal((await t.runtime.services.people.get(staffer.id)).eppn, staffer.eppn);
  await assertStudentUntouched();
});

test('batch: an item naming an eppn held outside the limits is reported exactly like an item of a type outside them', async () => {
  const before = await personCount();
  const answer = await manager.post<{ items: Array<{ eppn: string | null; status: string; errors?: unknown[] }> }>('/api/v1/persons/batch', [
    person(STUDENT_EPPN, 'staff', { firstName: 'Hijack' }),
    person(FREE_EPPN, 'student'),
  ]);
  assert.equal(answer.status, 200, answer.text);
  const [held, free] = answer.body.items;
  assert.ok(held && free);
  assert.equal(held.status, 'error');
  assert.deepEqual({ ...held, eppn: null }, { ...free, eppn: null, index: 0 });
  assert.equal(await personCount(), before);
  await assertStudentUntouched();
});

test('CSV import: a row naming an eppn held outside the limits gets the same error as a row of a type outside them', async () => {
  const before = await personCount();
  const lines = ['eppn;last_name;first_name;email;birth_date;person_type', `${STUDENT_EPPN};Probe;Hijack;;;staff`, `${FREE_EPPN};Probe;Probe;;;student`];
  const answer = await manager.request<{ errors: Array<{ line: number; field: string; code: string; message: string }> }>(
    'POST', '/api/v1/imports/persons?wait=true', { payload: Buffer.from(`${lines.join('\r\n')}\r\n`), headers: { 'content-type': 'text/csv' } });
  assert.equal(answer.status, 422, answer.text);
  const [held, free] = answer.body.errors;
  assert.ok(held && free);
  assert.deepEqual({ ...held, line: 0 }, { ...free, line: 0 });
  assert.equal(await personCount(), before);
  await assertStudentUntouched();
});

test('search and reading: the student is invisible to the manager, by eppn or id', async () => {
  const found = await manager.get<{ items: PersonView[] }>(`/api/v1/persons?q=${encodeURIComponent(STUDENT_EPPN)}`);
  const none = await manager.get<{ items: PersonView[] }>(`/api/v1/persons?q=${encodeURIComponent(FREE_EPPN)}`);
  assert.deepEqual(observed(found), observed(none));
  const byId = await manager.get(`/api/v1/persons/${student.id}`);
  const missing = await manager.get('/api/v1/persons/00000000-0000-4000-8000-00000000dead');
  assert.deepEqual(observed(byId), observed(missing));
});
