import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestClient, type TestResponse } from '../helpers/test-app.ts';

// Persons enrolled at several institutions: a federation `fed` with members `alpha` and `beta`.
// Each manager sees a person through the enrolments in their scope, and only those enrolments;
// writes target one institution and never change another institution's enrolment.

interface Enrolment {
  institution: string;
  institutionName: string;
  personType: string;
  studentNumber: string | null;
  rightsEnd: string | null;
  academicLevel: number | null;
  affiliation: string | null;
}

interface Person {
  id: string;
  eppn: string;
  firstName: string;
  lastName: string;
  birthDate: string | null;
  email: string | null;
  ine: string | null;
  institution: string;
  personType: string;
  studentNumber: string | null;
  rightsEnd: string | null;
  version: number;
  enrolments: Enrolment[];
}

interface Page {
  items: Person[];
  nextCursor: string | null;
  total?: number;
  totalCapped?: boolean;
}

let t: TestApp;
let admin: TestClient;
let alphaManager: TestClient;
let betaManager: TestClient;
let fedManager: TestClient;
let alphaViewer: TestClient;
let n = 0;

before(async () => {
  t = await startTestApp();
  admin = await t.loginAs('admin');
  for (const body of [
    { code: 'fed', name: 'Fédération Démo', kind: 'federation' },
    { code: 'alpha', name: 'Université Alpha', parent: 'fed', pic: '111111111' },
    { code: 'beta', name: 'École Beta', parent: 'fed', pic: '222222222' },
  ]) {
    const created = await admin.post('/api/v1/institutions', body);
    assert.equal(created.status, 201, created.text);
  }
  const doctoral = await admin.put('/api/v1/institutions/alpha/person-types/doctoral', { labelFr: 'Doctorant', labelEn: 'PhD candidate' });
  assert.ok(doctoral.status === 200 || doctoral.status === 201, doctoral.text);
  alphaManager = await t.loginAs('manager', { institutions: ['alpha'] });
  betaManager = await t.loginAs('manager', { institutions: ['beta'] });
  fedManager = await t.loginAs('manager', { institutions: ['fed'] });
  alphaViewer = await t.loginAs('viewer', { institutions: ['alpha'] });
});
after(async () => { await t.close(); });

const eppn = (label: string) => `${label}${++n}@univ.example.fr`;

/** Creates a person at one institution through the API, as `client`. */
async function enrol(client: TestClient, body: Record<string, unknown>): Promise<Person> {
  const response = await client.post<Person>('/api/v1/persons', { lastName: 'Double', firstName: 'Dora', personType: 'student', ...body });
  assert.equal(response.status, 201, response.text);
  return response.body;
}

async function search(client: TestClient, q: string, extra = ''): Promise<TestResponse<Page>> {
  return client.get<Page>(`/api/v1/persons?q=${encodeURIComponent(q)}${extra}`);
}

test('the same eppn at two institutions: each manager sees only their enrolment, a federation manager and an unrestricted admin see both rows', async () => {
  const address = eppn('double');
  const atAlpha = await enrol(alphaManager, { eppn: address, studentNumber: 'A-1001', rightsEnd: '2030-08-31', birthDate: '2001-02-03', ine: '123456789AB' });
  assert.equal(atAlpha.institution, 'alpha', 'the only institution of the manager');
  assert.deepEqual(atAlpha.enrolments.map((e) => e.institution), ['alpha']);
  const atBeta = await enrol(betaManager, { eppn: address, personType: 'staff', studentNumber: 'B-2002' });
  assert.equal(atBeta.id, atAlpha.id, 'one person, two enrolments');
  assert.equal(atBeta.institution, 'beta');
  assert.equal(atBeta.personType, 'staff');
  assert.equal(atBeta.studentNumber, 'B-2002');
  assert.equal(atBeta.birthDate, '2001-02-03', 'identity fields the write leaves empty keep what alpha recorded');
  assert.equal(atBeta.ine, '123456789AB');
  assert.deepEqual(atBeta.enrolments.map((e) => e.institution), ['beta'], 'beta sees its own enrolment only');

  const byAlpha = await alphaManager.get<Person>(`/api/v1/persons/${atAlpha.id}`);
  assert.equal(byAlpha.status, 200);
  assert.equal(byAlpha.body.personType, 'student');
  assert.equal(byAlpha.body.studentNumber, 'A-1001');
  assert.deepEqual(byAlpha.body.enrolments.map((e) => e.institution), ['alpha']);
  assert.ok(!byAlpha.text.includes('B-2002') && !byAlpha.text.includes('beta'), 'nothing of the beta enrolment reaches alpha');
  const byBeta = await betaManager.get<Person>(`/api/v1/persons/${atAlpha.id}`);
  assert.ok(!byBeta.text.includes('A-1001') && !byBeta.text.includes('2030-08-31'), 'nothing of the alpha enrolment reaches beta');

  for (const client of [fedManager, admin]) {
    const rows = await search(client, address);
    assert.equal(rows.status, 200);
    assert.deepEqual(rows.body.items.map((p) => [p.institution, p.personType, p.studentNumber]),
      [['alpha', 'student', 'A-1001'], ['beta', 'staff', 'B-2002']], 'one row per enrolment, each with its own fields');
    assert.ok(rows.body.items.every((p) => p.enrolments.length === 2));
  }
  assert.deepEqual((await search(alphaManager, address)).body.items.map((p) => p.institution), ['alpha']);
  assert.deepEqual((await search(betaManager, address)).body.items.map((p) => p.institution), ['beta']);

  const focused = await fedManager.request<Person>('GET', `/api/v1/persons/${atAlpha.id}`, { headers: { 'campuscard-institution': 'beta' } });
  assert.equal(focused.body.institution, 'beta', 'the focused institution\'s enrolment shows flat');
  assert.deepEqual(focused.body.enrolments.map((e) => e.institution), ['beta'], 'the focus narrows the enrolments too');

  const holder = await t.loginAs('cardholder', { personId: atAlpha.id });
  const me = await holder.get<{ person: Person }>('/api/v1/me');
  assert.equal(me.status, 200, me.text);
  assert.deepEqual(me.body.person.enrolments.map((e) => [e.institution, e.institutionName, e.studentNumber]),
    [['alpha', 'Université Alpha', 'A-1001'], ['beta', 'École Beta', 'B-2002']], 'the person sees all their enrolments');
});

test('a student number matches only the enrolment that carries it', async () => {
  const address = eppn('number');
  const person = await enrol(alphaManager, { eppn: address, studentNumber: 'ZQ-4455' });
  await enrol(betaManager, { eppn: address, studentNumber: 'YR-8899' });
  assert.deepEqual((await search(fedManager, 'yr-889')).body.items.map((p) => [p.id, p.institution]), [[person.id, 'beta']]);
  assert.deepEqual((await search(alphaManager, 'YR-8899')).body.items, [], 'beta\'s number finds nothing for alpha');
  assert.deepEqual((await search(alphaManager, 'ZQ-44')).body.items.map((p) => p.id), [person.id]);
});

test('a manager of alpha gets 404 on a person enrolled only at beta, everywhere', async () => {
  const onlyBeta = await enrol(betaManager, { eppn: eppn('hidden'), lastName: 'Cachée' });
  const missing = '00000000-0000-4000-8000-00000000beef';
  const observe = (response: TestResponse) => ({ status: response.status, code: response.body?.code });
  for (const [method, path, body] of [
    ['GET', '', undefined], ['PATCH', '', { firstName: 'X' }], ['GET', '/history', undefined], ['GET', '/consents', undefined],
    ['DELETE', '/enrolments/beta', undefined], ['PUT', '/consents/esc', { granted: true, textVersion: '2026-12', locale: 'fr' }],
  ] as const) {
    const hidden = await alphaManager.request(method, `/api/v1/persons/${onlyBeta.id}${path}`, body === undefined ? {} : { body });
    const absent = await alphaManager.request(method, `/api/v1/persons/${missing}${path}`, body === undefined ? {} : { body });
    assert.deepEqual(observe(hidden), observe(absent), `${method} ${path}`);
    assert.equal(hidden.status, 404, `${method} ${path}: ${hidden.text}`);
  }
  assert.equal((await alphaViewer.get(`/api/v1/persons/${onlyBeta.id}`)).status, 404);
  assert.deepEqual((await search(alphaManager, 'cachée')).body.items, []);
  assert.equal((await betaManager.get(`/api/v1/persons/${onlyBeta.id}`)).status, 200);
});

test('writes for beta by a manager of alpha are 404 institution_not_found and write nothing', async () => {
  const address = eppn('intruder');
  const created = await alphaManager.post('/api/v1/persons', { eppn: address, lastName: 'I', firstName: 'J', personType: 'student', institution: 'beta' });
  assert.equal(created.status, 404);
  assert.equal(created.body.code, 'institution_not_found');
  const unknown = await alphaManager.post('/api/v1/persons', { eppn: address, lastName: 'I', firstName: 'J', personType: 'student', institution: 'nowhere' });
  assert.deepEqual({ status: unknown.status, code: unknown.body.code }, { status: 404, code: 'institution_not_found' }, 'like an institution that does not exist');

  const own = await enrol(alphaManager, { eppn: address });
  const patched = await alphaManager.patch(`/api/v1/persons/${own.id}`, { institution: 'beta', personType: 'staff' });
  assert.equal(patched.status, 404);
  assert.equal(patched.body.code, 'institution_not_found');

  const batch = await alphaManager.post<{ items: Array<{ status: string; errors?: Array<{ code: string; field: string }> }> }>('/api/v1/persons/batch', [
    { eppn: eppn('batch'), lastName: 'B', firstName: 'C', personType: 'student', institution: 'beta' },
    { eppn: eppn('batch'), lastName: 'B', firstName: 'C', personType: 'student' },
  ]);
  assert.equal(batch.status, 200, batch.text);
  assert.deepEqual(batch.body.items.map((item) => [item.status, item.errors?.[0]?.code, item.errors?.[0]?.field]),
    [['error', 'institution_not_found', '/institution'], ['created', undefined, undefined]]);

  const file = Buffer.from(`eppn;last_name;first_name;person_type\r\n${eppn('csv')};C;D;student\r\n`);
  const imported = await alphaManager.request('POST', '/api/v1/imports/persons?wait=true&institution=beta', { payload: file, headers: { 'content-type': 'text/csv' } });
  assert.equal(imported.status, 404);
  assert.equal(imported.body.code, 'institution_not_found');
  const removed = await alphaManager.delete(`/api/v1/persons/${own.id}/enrolments/beta`);
  assert.equal(removed.status, 404);
  assert.equal(removed.body.code, 'institution_not_found');
  assert.deepEqual((await fedManager.get<Person>(`/api/v1/persons/${own.id}`)).body.enrolments.map((e) => e.institution), ['alpha']);
});

test('person types are the institution\'s: a type alpha defines is unknown at beta; a writer of several institutions names one', async () => {
  const address = eppn('doctoral');
  const atAlpha = await enrol(fedManager, { eppn: address, personType: 'doctoral', institution: 'alpha' });
  assert.equal(atAlpha.personType, 'doctoral');
  const atBeta = await fedManager.post('/api/v1/persons', { eppn: address, lastName: 'D', firstName: 'E', personType: 'doctoral', institution: 'beta' });
  assert.equal(atBeta.status, 422);
  assert.equal(atBeta.body.code, 'unknown_person_type');
  assert.equal(atBeta.body.field, '/personType');

  const unnamed = await fedManager.post('/api/v1/persons', { eppn: eppn('unnamed'), lastName: 'U', firstName: 'N', personType: 'student' });
  assert.equal(unnamed.status, 422);
  assert.equal(unnamed.body.code, 'institution_required');
  assert.equal(unnamed.body.field, '/institution');
  const viaFocus = await fedManager.request<Person>('POST', '/api/v1/persons', {
    body: { eppn: eppn('focus'), lastName: 'F', firstName: 'O', personType: 'staff' }, headers: { 'campuscard-institution': 'beta' },
  });
  assert.equal(viaFocus.status, 201, viaFocus.text);
  assert.equal(viaFocus.body.institution, 'beta');

  const batch = await fedManager.post<{ items: Array<{ status: string; errors?: Array<{ code: string }> }> }>('/api/v1/persons/batch', [
    { eppn: eppn('typed'), lastName: 'T', firstName: 'Y', personType: 'doctoral', institution: 'alpha' },
    { eppn: eppn('typed'), lastName: 'T', firstName: 'Y', personType: 'doctoral', institution: 'beta' },
  ]);
  assert.deepEqual(batch.body.items.map((item) => item.errors?.[0]?.code ?? item.status), ['created', 'unknown_person_type']);

  const file = Buffer.from(`eppn;last_name;first_name;person_type\r\n${eppn('csv')};C;D;doctoral\r\n`);
  const imported = await fedManager.request<{ errors: Array<{ line: number; field: string; code: string }> }>(
    'POST', '/api/v1/imports/persons?wait=true&institution=beta', { payload: file, headers: { 'content-type': 'text/csv' } });
  assert.equal(imported.status, 422);
  assert.deepEqual(imported.body.errors.map((error) => [error.line, error.field, error.code]), [[2, 'person_type', 'unknown_person_type']]);
});

test('identity is shared: a change by one institution shows at the other, whose enrolment stays as it was', async () => {
  const address = eppn('shared');
  const person = await enrol(alphaManager, { eppn: address, studentNumber: 'A-77', rightsEnd: '2029-06-30' });
  await enrol(betaManager, { eppn: address, personType: 'staff' });
  const renamed = await betaManager.patch<Person>(`/api/v1/persons/${person.id}`, { firstName: 'Renamed', rightsEnd: '2031-01-31' });
  assert.equal(renamed.status, 200, renamed.text);
  assert.equal(renamed.body.institution, 'beta', 'the writer\'s only enrolment of the person is the one changed');
  assert.equal(renamed.body.rightsEnd, '2031-01-31');
  const seenByAlpha = await alphaManager.get<Person>(`/api/v1/persons/${person.id}`);
  assert.equal(seenByAlpha.body.firstName, 'Renamed');
  assert.equal(seenByAlpha.body.rightsEnd, '2029-06-30', 'alpha\'s rights end is alpha\'s');
  assert.equal(seenByAlpha.body.studentNumber, 'A-77');
  assert.equal(seenByAlpha.body.version, renamed.body.version, 'one version for the whole record');

  const ambiguous = await fedManager.patch(`/api/v1/persons/${person.id}`, { rightsEnd: '2032-01-31' });
  assert.equal(ambiguous.status, 422, 'two enrolments in reach: the federation manager says which');
  assert.equal(ambiguous.body.code, 'institution_required');
  const named = await fedManager.patch<Person>(`/api/v1/persons/${person.id}`, { rightsEnd: '2032-01-31', institution: 'alpha' });
  assert.equal(named.status, 200, named.text);
  assert.equal(named.body.institution, 'alpha');
  assert.deepEqual(named.body.enrolments.map((e) => [e.institution, e.rightsEnd]), [['alpha', '2032-01-31'], ['beta', '2031-01-31']]);
});

test('an import into alpha enrols people enrolled at beta, without touching beta\'s enrolment', async () => {
  const address = eppn('imported');
  const person = await enrol(betaManager, { eppn: address, personType: 'staff', studentNumber: 'B-5', email: 'kept@mail.example.org' });
  const file = Buffer.from([
    'eppn;last_name;first_name;email;person_type;student_number',
    `${address};Double;Dora;;student;A-5`,
    `${eppn('fresh')};Fresh;One;;student;A-6`,
  ].join('\r\n'));
  const imported = await alphaManager.request<{ created: number; updated: number; unchanged: number }>(
    'POST', '/api/v1/imports/persons?wait=true', { payload: file, headers: { 'content-type': 'text/csv' } });
  assert.equal(imported.status, 200, imported.text);
  assert.deepEqual([imported.body.created, imported.body.updated, imported.body.unchanged], [1, 1, 0]);
  const both = await fedManager.get<Person>(`/api/v1/persons/${person.id}`);
  assert.deepEqual(both.body.enrolments.map((e) => [e.institution, e.personType, e.studentNumber]), [['alpha', 'student', 'A-5'], ['beta', 'staff', 'B-5']]);
  assert.equal(both.body.email, 'kept@mail.example.org', 'an e-mail the file leaves empty stays: beta recorded it');
  const again = await alphaManager.request<{ unchanged: number }>('POST', '/api/v1/imports/persons?wait=true', { payload: file, headers: { 'content-type': 'text/csv' } });
  assert.equal(again.body.unchanged, 2);

  const exported = await fedManager.get('/api/v1/persons/export.csv?institution=beta');
  assert.equal(exported.status, 200);
  assert.ok(exported.text.includes(`${address};Double;Dora;kept@mail.example.org;;staff;B-5`), exported.text);
  assert.ok(!exported.text.includes('A-5'), 'one institution\'s lines only');
  assert.equal((await alphaManager.get('/api/v1/persons/export.csv?institution=beta')).status, 404);
});

test('list totals count the rows in scope only', async () => {
  const count = async (client: TestClient, query = '') => {
    const page = await client.get<Page>(`/api/v1/persons?withTotal=true&limit=1${query}`);
    assert.equal(page.status, 200, page.text);
    return page.body.total as number;
  };
  const [alpha, beta, fed, all] = [await count(alphaManager), await count(betaManager), await count(fedManager), await count(admin)];
  assert.ok(alpha > 0 && beta > 0);
  assert.equal(fed, alpha + beta, 'the federation manager counts both members\' rows');
  assert.equal(all, fed, 'nobody is enrolled at the first institution in this test');
  const { rows } = await t.runtime.database.pool.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM enrolments e JOIN institutions i ON i.id = e.institution_id WHERE i.code = 'alpha'");
  assert.equal(alpha, rows[0]?.n);
  assert.equal(await count(alphaManager, '&personType=doctoral'), 2);
  assert.equal((await alphaManager.get<Page>('/api/v1/persons?limit=1')).body.total, undefined, 'counted on demand only');
});

test('ending an enrolment: beta leaves, alpha keeps the person; the last enrolment and one with cards stay', async () => {
  const address = eppn('leaving');
  const person = await enrol(alphaManager, { eppn: address });
  await enrol(betaManager, { eppn: address, personType: 'guest' });

  const ended = await betaManager.delete(`/api/v1/persons/${person.id}/enrolments/beta`);
  assert.equal(ended.status, 204, ended.text);
  assert.equal((await betaManager.get(`/api/v1/persons/${person.id}`)).status, 404, 'beta no longer sees the person');
  const kept = await alphaManager.get<Person>(`/api/v1/persons/${person.id}`);
  assert.deepEqual(kept.body.enrolments.map((e) => e.institution), ['alpha']);
  const again = await fedManager.delete(`/api/v1/persons/${person.id}/enrolments/beta`);
  assert.equal(again.status, 404);
  assert.equal(again.body.code, 'enrolment_not_found');
  const last = await alphaManager.delete(`/api/v1/persons/${person.id}/enrolments/alpha`);
  assert.equal(last.status, 409);
  assert.equal(last.body.code, 'last_enrolment');
  assert.equal((await alphaViewer.delete(`/api/v1/persons/${person.id}/enrolments/alpha`)).status, 403);

  await enrol(betaManager, { eppn: address, personType: 'staff' });
  const card = await betaManager.post('/api/v1/cards', { personId: person.id, institution: 'beta' });
  assert.equal(card.status, 201, card.text);
  const withCards = await betaManager.delete(`/api/v1/persons/${person.id}/enrolments/beta`);
  assert.equal(withCards.status, 409);
  assert.equal(withCards.body.code, 'enrolment_has_cards');
  assert.deepEqual((await fedManager.get<Person>(`/api/v1/persons/${person.id}`)).body.enrolments.map((e) => e.institution), ['alpha', 'beta']);
});

test('a manager limited to staff at beta cannot take over a beta student\'s eppn, but enrols an alpha-only person at beta', async () => {
  const staffAtBeta = await t.loginAs('manager', { institutions: ['beta'], personTypes: ['staff'] });
  const student = eppn('betastudent');
  await enrol(betaManager, { eppn: student });
  const refused = await staffAtBeta.post('/api/v1/persons', { eppn: student, lastName: 'S', firstName: 'T', personType: 'staff' });
  const typeOutside = await staffAtBeta.post('/api/v1/persons', { eppn: eppn('free'), lastName: 'S', firstName: 'T', personType: 'student' });
  assert.equal(refused.status, 422);
  assert.deepEqual(refused.body, typeOutside.body);

  const alphaStudent = eppn('alphastudent');
  const person = await enrol(alphaManager, { eppn: alphaStudent });
  const added = await staffAtBeta.post<Person>('/api/v1/persons', { eppn: alphaStudent, lastName: 'Double', firstName: 'Dora', personType: 'staff' });
  assert.equal(added.status, 201, added.text);
  assert.equal(added.body.id, person.id);
  assert.deepEqual(added.body.enrolments.map((e) => [e.institution, e.personType]), [['beta', 'staff']]);
});
