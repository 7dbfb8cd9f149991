import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestClient } from '../helpers/test-app.ts';
import type { PersonView } from '../../src/modules/people/people.service.ts';

let t: TestApp;
let admin: TestClient;
let n = 0;

before(async () => {
  t = await startTestApp();
  admin = await t.loginAs('admin');
  await t.runtime.services.institution.save({
    name: 'Université Exemple', pic: '999999999', schacHomeOrganization: 'univ.example.fr', country: 'FR', esiScope: 'national',
  }, { actor: 'test' });
});
after(async () => { await t.close(); });

/** A person created straight through the service (fixtures). */
async function person(fields: Record<string, unknown> = {}): Promise<PersonView> {
  n += 1;
  return t.runtime.services.people.create({
    eppn: `user${n}@univ.example.fr`, lastName: `Name${n}`, firstName: 'Fixture', personType: 'student', ...fields,
  }, { actor: 'test' });
}

test('create, read and update a person; version increments on real change only', async () => {
  const created = await admin.post<PersonView>('/api/v1/persons', {
    eppn: ' Jeanne.Martin@Univ.Example.FR ', lastName: 'Martin', firstName: 'Jeanne', personType: 'student',
    email: 'Jeanne.Martin@Univ.Example.fr', birthDate: '2001-05-04', ine: '123456789ab', studentNumber: '20240001',
    academicLevel: 'MASTER', freeFields: { free2: 'option A' },
  });
  assert.equal(created.status, 201, created.text);
  assert.equal(created.body.eppn, 'jeanne.martin@univ.example.fr');
  assert.equal(created.body.email, 'jeanne.martin@univ.example.fr');
  assert.equal(created.body.ine, '123456789AB');
  assert.equal(created.body.academicLevel, 7);
  assert.deepEqual(created.body.freeFields, { free2: 'option A' });
  assert.equal(created.body.version, 1);

  const read = await admin.get<PersonView>(`/api/v1/persons/${created.body.id}`);
  assert.equal(read.status, 200);
  assert.deepEqual(read.body, created.body);

  const same = await admin.patch<PersonView>(`/api/v1/persons/${created.body.id}`, { firstName: 'Jeanne' });
  assert.equal(same.status, 200);
  assert.equal(same.body.version, 1, 'no change, no new version');

  const changed = await admin.patch<PersonView>(`/api/v1/persons/${created.body.id}`, { firstName: 'Jeanne-Marie', email: null, expectedVersion: 1 });
  assert.equal(changed.status, 200, changed.text);
  assert.equal(changed.body.firstName, 'Jeanne-Marie');
  assert.equal(changed.body.email, null);
  assert.equal(changed.body.version, 2);
  assert.equal(changed.body.birthDate, '2001-05-04', 'untouched fields stay');
});

test('validation errors are one 422 listing every field as a JSON pointer', async () => {
  const response = await admin.post('/api/v1/persons', {
    eppn: 'not an eppn', lastName: ' ', firstName: 'A', personType: 'alien', email: 'nope', birthDate: '2023-02-29', ine: 'INCONNUXXXX',
    freeFields: { free1: 'ok' },
  });
  assert.equal(response.status, 422);
  assert.equal(response.body.code, 'invalid_person');
  const errors = response.body.errors as Array<{ field: string; code: string; message: string }>;
  const byField = Object.fromEntries(errors.map((error) => [error.field, error.code]));
  assert.deepEqual(byField, {
    '/eppn': 'invalid_eppn', '/lastName': 'required', '/personType': 'unknown_person_type', '/email': 'invalid_email',
    '/birthDate': 'invalid_date', '/ine': 'invalid_ine',
  });
  assert.ok(errors.every((error) => error.message.length > 0));
  assert.equal(response.body.field, '/eppn');

  const badCode = await admin.post('/api/v1/persons', { eppn: 'code@univ.example.fr', lastName: 'C', firstName: 'D', personType: 'Not a code' });
  assert.equal(badCode.status, 422);
  assert.equal(badCode.body.code, 'invalid_person');
  assert.equal(badCode.body.field, '/personType');
});

test('a person type the institution does not define is 422 unknown_person_type on /personType', async () => {
  const alone = await admin.post('/api/v1/persons', { eppn: 'alien@univ.example.fr', lastName: 'A', firstName: 'B', personType: 'Alien' });
  assert.equal(alone.status, 422, alone.text);
  assert.equal(alone.body.code, 'unknown_person_type');
  assert.equal(alone.body.field, '/personType');
  const p = await person();
  const moved = await admin.patch(`/api/v1/persons/${p.id}`, { personType: 'alien' });
  assert.equal(moved.status, 422);
  assert.equal(moved.body.code, 'unknown_person_type');
  assert.equal((await admin.get<PersonView>(`/api/v1/persons/${p.id}`)).body.personType, 'student');
});

test('unknown fields and malformed JSON are 400', async () => {
  const unknown = await admin.post('/api/v1/persons', { eppn: 'x@univ.example.fr', lastName: 'X', firstName: 'Y', personType: 'staff', nickname: 'z' });
  assert.equal(unknown.status, 400);
  assert.equal(unknown.body.code, 'validation_failed');
  assert.deepEqual((unknown.body.errors as Array<{ field: string; code: string }>).map((e) => [e.field, e.code]), [['/nickname', 'unknown_field']]);

  const unknownFree = await admin.post('/api/v1/persons', { eppn: 'x@univ.example.fr', lastName: 'X', firstName: 'Y', personType: 'staff', freeFields: { free9: 'z' } });
  assert.equal(unknownFree.status, 400);

  const malformed = await admin.request('POST', '/api/v1/persons', { payload: '{"eppn": ', headers: { 'content-type': 'application/json' } });
  assert.equal(malformed.status, 400);
  assert.equal(malformed.body.code, 'malformed_json');

  const patchUnknown = await admin.patch(`/api/v1/persons/${(await person()).id}`, { version: 3 });
  assert.equal(patchUnknown.status, 400);
  assert.equal(patchUnknown.body.field, '/version');
});

test('a taken eppn is 409 eppn_taken, on create and on update', async () => {
  const first = await person();
  const second = await person();
  const duplicate = await admin.post('/api/v1/persons', { eppn: first.eppn.toUpperCase(), lastName: 'X', firstName: 'Y', personType: 'staff' });
  assert.equal(duplicate.status, 409);
  assert.equal(duplicate.body.code, 'eppn_taken');
  assert.equal(duplicate.body.field, '/eppn');
  const rename = await admin.patch(`/api/v1/persons/${second.id}`, { eppn: first.eppn });
  assert.equal(rename.status, 409);
  assert.equal(rename.body.code, 'eppn_taken');
});

test('an update based on an old version is 409 version_conflict and changes nothing', async () => {
  const p = await person();
  assert.equal((await admin.patch(`/api/v1/persons/${p.id}`, { firstName: 'One', expectedVersion: 1 })).status, 200);
  const stale = await admin.patch(`/api/v1/persons/${p.id}`, { firstName: 'Two', expectedVersion: 1 });
  assert.equal(stale.status, 409);
  assert.equal(stale.body.code, 'version_conflict');
  assert.equal(stale.body.currentVersion, 2);
  assert.equal((await admin.get<PersonView>(`/api/v1/persons/${p.id}`)).body.firstName, 'One');
  const invalid = await admin.patch(`/api/v1/persons/${p.id}`, { lastName: null });
  assert.equal(invalid.status, 422);
  assert.equal(invalid.body.field, '/lastName');
});

test('unknown ids are 404 person_not_found, malformed ids 400', async () => {
  const missing = await admin.get('/api/v1/persons/00000000-0000-4000-8000-000000000000');
  assert.equal(missing.status, 404);
  assert.equal(missing.body.code, 'person_not_found');
  assert.equal((await admin.get('/api/v1/persons/nope')).status, 400);
  assert.equal((await admin.patch('/api/v1/persons/00000000-0000-4000-8000-000000000000', { firstName: 'A' })).status, 404);
});

test('the ESI is derived from the institution scope when none is given, and follows its source', async () => {
  const national = await person({ ine: '987654321ZZ' });
  assert.equal(national.esi, 'urn:schac:personalUniqueCode:int:esi:fr:987654321ZZ');
  const noIne = await person({ studentNumber: '42' });
  assert.equal(noIne.esi, null, 'national scope needs an INE');
  const given = await person({ ine: '111111111AA', esi: 'urn:schac:personalUniqueCode:int:esi:unipv.it:123456' });
  assert.equal(given.esi, 'urn:schac:personalUniqueCode:int:esi:unipv.it:123456', 'a given ESI is kept');

  const followed = await admin.patch<PersonView>(`/api/v1/persons/${national.id}`, { ine: '987654321YY' });
  assert.equal(followed.body.esi, 'urn:schac:personalUniqueCode:int:esi:fr:987654321YY', 'a derived ESI follows the INE');
  const kept = await admin.patch<PersonView>(`/api/v1/persons/${given.id}`, { ine: '222222222BB' });
  assert.equal(kept.body.esi, 'urn:schac:personalUniqueCode:int:esi:unipv.it:123456', 'a given ESI stays');
  const badEsi = await admin.patch(`/api/v1/persons/${given.id}`, { esi: 'not an esi' });
  assert.equal(badEsi.status, 422);
  assert.equal(badEsi.body.field, '/esi');

  await t.runtime.services.institution.save({
    name: 'Université Exemple', pic: '999999999', schacHomeOrganization: 'Univ.Example.FR', country: 'FR', esiScope: 'institution',
  }, { actor: 'test' });
  try {
    const local = await person({ studentNumber: 'A-2024-17', ine: '333333333CC' });
    assert.equal(local.esi, 'urn:schac:personalUniqueCode:int:esi:univ.example.fr:A-2024-17');
    const spaced = await person({ studentNumber: 'A 17' });
    assert.equal(spaced.esi, null, 'a code that cannot be part of a URN derives nothing');
  } finally {
    await t.runtime.services.institution.save({
      name: 'Université Exemple', pic: '999999999', schacHomeOrganization: 'univ.example.fr', country: 'FR', esiScope: 'national',
    }, { actor: 'test' });
  }
});

test('search by name, INE, student number, eppn and e-mail; LIKE wildcards are literal', async () => {
  const target = await person({ lastName: 'Zyźniewska', firstName: 'Agata', ine: '555666777QQ', studentNumber: 'SN-778899', email: 'agata.z@mail.example.org' });
  await person({ lastName: 'Under_score', firstName: 'Percent%' });
  const ids = async (q: string) => (await admin.get<{ items: PersonView[] }>(`/api/v1/persons?q=${encodeURIComponent(q)}`)).body.items.map((p) => p.id);
  assert.deepEqual(await ids('zyźniew'), [target.id]);
  assert.deepEqual(await ids('AGATA zyź'), [target.id], 'several words, any order and case');
  assert.deepEqual(await ids('555666777qq'), [target.id]);
  assert.deepEqual(await ids('sn-7788'), [target.id]);
  assert.deepEqual(await ids(target.eppn), [target.id]);
  assert.deepEqual(await ids('mail.example.org'), [target.id]);
  assert.equal((await ids('unde_')).length, 0, '_ is not a wildcard');
  assert.equal((await ids('under_')).length, 1);
  assert.equal((await ids('%')).length, 1, '% matches only a literal percent');
  assert.equal((await ids('nobody-like-this')).length, 0);
});

test('filters: person type and rights end', async () => {
  const staff = await person({ personType: 'staff', lastName: 'Filterstaff', rightsEnd: '2030-06-30' });
  const student = await person({ personType: 'student', lastName: 'Filterstudent', rightsEnd: '2027-06-30' });
  const list = async (query: string) => (await admin.get<{ items: PersonView[] }>(`/api/v1/persons?q=filter&${query}`)).body.items.map((p) => p.id);
  assert.deepEqual(await list('personType=staff'), [staff.id]);
  assert.deepEqual(await list('personType=staff&personType=student'), [staff.id, student.id]);
  assert.deepEqual(await list('rightsEndBefore=2028-01-01'), [student.id]);
  assert.deepEqual(await list('rightsEndAfter=2028-01-01'), [staff.id]);
  const badDate = await admin.get('/api/v1/persons?rightsEndBefore=2028-02-30');
  assert.equal(badDate.status, 400);
  assert.equal(badDate.body.code, 'invalid_date');
  assert.equal((await admin.get('/api/v1/persons?limit=201')).status, 400);
});

test('keyset pagination is stable: no row skipped or repeated while rows are inserted, every sort', async () => {
  const created: string[] = [];
  for (let i = 0; i < 7; i++) created.push((await person({ lastName: i % 2 ? 'Pagesame' : `Page${i}`, firstName: 'Pager', affiliation: 'paging' })).id);
  for (const sort of ['last_name', 'created_at', 'updated_at']) {
    for (const order of ['asc', 'desc']) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const url: string = `/api/v1/persons?q=pager&limit=3&sort=${sort}&order=${order}${cursor ? `&cursor=${cursor}` : ''}`;
        const page = await admin.get<{ items: PersonView[]; nextCursor: string | null }>(url);
        assert.equal(page.status, 200, page.text);
        seen.push(...page.body.items.map((p) => p.id));
        cursor = page.body.nextCursor;
        if (pages === 0) await person({ lastName: 'Aaaa', firstName: `Pager late ${sort} ${order}` });
        pages += 1;
      } while (cursor);
      assert.equal(new Set(seen).size, seen.length, `${sort} ${order}: no repeats`);
      for (const id of created) assert.ok(seen.includes(id), `${sort} ${order}: nothing skipped`);
    }
  }
  const byName = await admin.get<{ items: PersonView[] }>('/api/v1/persons?q=pager&sort=last_name&limit=200');
  const names = byName.body.items.map((p) => `${p.lastName}|${p.firstName}`);
  assert.deepEqual(names, [...names].sort(), 'ordered by last name then first name');
  const wrongCursor = await admin.get('/api/v1/persons?cursor=bm9wZQ');
  assert.equal(wrongCursor.status, 400);
  assert.equal(wrongCursor.body.code, 'invalid_cursor');
  const first = await admin.get<{ nextCursor: string }>('/api/v1/persons?q=pager&limit=1&sort=created_at');
  const mismatch = await admin.get(`/api/v1/persons?q=pager&limit=1&sort=updated_at&cursor=${first.body.nextCursor}`);
  assert.equal(mismatch.status, 400);
});

test('history shows the person changes with the acting account', async () => {
  const manager = await t.loginAs('manager');
  const created = await manager.post<PersonView>('/api/v1/persons', { eppn: 'audited@univ.example.fr', lastName: 'Audit', firstName: 'Ed', personType: 'guest' });
  assert.equal(created.status, 201);
  await manager.patch(`/api/v1/persons/${created.body.id}`, { firstName: 'Edmond' });
  const history = await admin.get<{ items: Array<{ table: string; operation: string; actor: string; changes: Record<string, unknown> }> }>(`/api/v1/persons/${created.body.id}/history`);
  assert.equal(history.status, 200);
  assert.deepEqual(history.body.items.map((e) => `${e.table}:${e.operation}`), ['persons:INSERT', 'enrolments:INSERT', 'persons:UPDATE'],
    'the person and its enrolment, then the change');
  assert.ok(history.body.items.every((e) => e.actor === `account:${manager.accountId}`));
  assert.equal(history.body.items[2]?.changes.firstName, 'Edmond');
  assert.equal(history.body.items[2]?.changes.version, 2);
});

test('authorization: anonymous, cardholders, viewers and type-limited managers', async () => {
  const studentA = await person({ personType: 'student' });
  const studentB = await person({ personType: 'student' });
  const staffer = await person({ personType: 'staff' });
  const a = await t.loginAs('cardholder', { personId: studentA.id });
  const viewer = await t.loginAs('viewer');
  const staffManager = await t.loginAs('manager', { personTypes: ['staff'] });
  const staffViewer = await t.loginAs('viewer', { personTypes: ['staff'] });

  assert.equal((await t.anonymous.get('/api/v1/persons')).status, 401);
  assert.equal((await t.anonymous.get(`/api/v1/persons/${studentA.id}`)).status, 401);
  assert.equal((await t.anonymous.post('/api/v1/persons', { eppn: 'x@y.fr' })).status, 401, 'anonymous learns nothing from validation');
  assert.equal((await t.anonymous.get('/api/v1/me')).status, 401);

  assert.equal((await a.get(`/api/v1/persons/${studentA.id}`)).status, 200, 'own record');
  const other = await a.get(`/api/v1/persons/${studentB.id}`);
  assert.equal(other.status, 404, 'another person is hidden');
  assert.equal(other.body.code, 'person_not_found');
  assert.equal((await a.get('/api/v1/persons')).status, 403);
  assert.equal((await a.patch(`/api/v1/persons/${studentA.id}`, { firstName: 'Me' })).status, 403, 'cardholders do not edit their record');
  assert.equal((await a.get(`/api/v1/persons/${studentA.id}/history`)).status, 403);

  assert.equal((await viewer.get(`/api/v1/persons/${studentB.id}`)).status, 200);
  assert.equal((await viewer.post('/api/v1/persons', { eppn: 'v@univ.example.fr', lastName: 'V', firstName: 'V', personType: 'staff' })).status, 403);
  assert.equal((await viewer.patch(`/api/v1/persons/${studentB.id}`, { firstName: 'X' })).status, 403);
  assert.equal((await viewer.post('/api/v1/persons/batch', [])).status, 403);

  assert.equal((await staffManager.get(`/api/v1/persons/${staffer.id}`)).status, 200);
  assert.equal((await staffManager.get(`/api/v1/persons/${studentB.id}`)).status, 404, 'outside the manager types');
  assert.equal((await staffManager.patch(`/api/v1/persons/${studentB.id}`, { firstName: 'X' })).status, 404);
  assert.equal((await staffManager.get(`/api/v1/persons/${studentB.id}/history`)).status, 404);
  const moved = await staffManager.patch(`/api/v1/persons/${staffer.id}`, { personType: 'student' });
  assert.equal(moved.status, 422);
  assert.equal(moved.body.code, 'person_type_not_allowed');
  const createStudent = await staffManager.post('/api/v1/persons', { eppn: 'sm@univ.example.fr', lastName: 'S', firstName: 'M', personType: 'student' });
  assert.equal(createStudent.status, 422);
  assert.equal(createStudent.body.code, 'person_type_not_allowed');
  const listed = await staffManager.get<{ items: PersonView[] }>('/api/v1/persons?limit=200');
  assert.ok(listed.body.items.length > 0 && listed.body.items.every((p) => p.personType === 'staff'));
  const asked = await staffViewer.get<{ items: PersonView[] }>('/api/v1/persons?personType=student');
  assert.equal(asked.body.items.length, 0, 'asking for other types gives nothing');
  assert.equal((await staffManager.patch(`/api/v1/persons/${staffer.id}`, { firstName: 'Staffed' })).status, 200);

  const token = await t.tokenClient('station');
  assert.equal((await token.get(`/api/v1/persons/${studentB.id}`)).status, 200);
  assert.equal((await token.patch(`/api/v1/persons/${studentB.id}`, { firstName: 'X' })).status, 403);
});

test('audit entries record the acting account of API writes', async () => {
  const manager = await t.loginAs('manager');
  const created = await manager.post<PersonView>('/api/v1/persons', { eppn: 'audit2@univ.example.fr', lastName: 'Audit', firstName: 'Two', personType: 'staff' });
  const rows = await t.runtime.database.pool.query<{ actor: string; operation: string; request_id: string | null }>(
    "SELECT actor, operation, request_id FROM audit_log WHERE table_name = 'persons' AND row_id = $1", [created.body.id]);
  assert.equal(rows.rows.length, 1);
  assert.equal(rows.rows[0]?.actor, `account:${manager.accountId}`);
  assert.ok(rows.rows[0]?.request_id);
});
