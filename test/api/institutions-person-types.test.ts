import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestClient } from '../helpers/test-app.ts';

// Person types per institution (/api/v1/institutions/{code}/person-types): each institution
// defines its own, with labels, card kinds, request rules, validity and directory mapping.
let t: TestApp;
let root: TestClient;

interface PersonType {
  code: string;
  labelFr: string;
  labelEn: string;
  cardKinds: string[];
  selfRequest: boolean;
  deliveryAddress: boolean;
  validityMonths: number | null;
  affiliations: string[];
  position: number;
  disabled: boolean;
}

const typesOf = async (client: TestClient, code: string) =>
  (await client.get<{ items: PersonType[] }>(`/api/v1/institutions/${code}/person-types`)).body.items;

/** Enrols a new person at an institution with a type, straight in the database (the people API is not under test here). */
async function enrol(code: string, type: string): Promise<void> {
  const { rows } = await t.runtime.database.pool.query<{ id: string }>(
    `INSERT INTO persons (eppn, first_name, last_name) VALUES ($1, 'Ada', 'Lovelace') RETURNING id`, [`ada-${type}-${code}@example.org`]);
  await t.runtime.database.pool.query(
    `INSERT INTO enrolments (person_id, institution_id, person_type) SELECT $1, id, $2 FROM institutions WHERE code = $3`, [rows[0]?.id, type, code]);
}

before(async () => {
  t = await startTestApp();
  root = await t.loginAs('admin');
  assert.equal((await root.post('/api/v1/institutions', { code: 'alpha', name: 'Alpha', pic: '111111111' })).status, 201);
  assert.equal((await root.post('/api/v1/institutions', { code: 'beta', name: 'Beta', pic: '222222222' })).status, 201);
});
after(async () => { await t.close(); });

test('the migrated institution has today\'s four types with their request rules, in order', async () => {
  const types = await typesOf(root, 'main');
  assert.deepEqual(types.map((type) => type.code), ['student', 'staff', 'guest', 'external']);
  const staff = types.find((type) => type.code === 'staff') as PersonType;
  assert.equal(staff.selfRequest, true);
  assert.equal(staff.deliveryAddress, true);
  assert.deepEqual(staff.cardKinds, ['physical', 'virtual']);
  assert.ok(staff.affiliations.includes('faculty'));
  assert.equal(staff.validityMonths, null);
  assert.equal(types.find((type) => type.code === 'guest')?.selfRequest, false);
});

test('PUT creates (201) then changes (200) a type; fields not sent keep their value; another institution is not affected', async () => {
  const created = await root.put<PersonType>('/api/v1/institutions/alpha/person-types/doctoral', {
    labelFr: 'Doctorant', labelEn: 'PhD candidate', cardKinds: ['physical'], selfRequest: true, validityMonths: 36, affiliations: ['researcher-phd'],
  });
  assert.equal(created.status, 201, created.text);
  assert.deepEqual(created.body, {
    code: 'doctoral', labelFr: 'Doctorant', labelEn: 'PhD candidate', cardKinds: ['physical'], selfRequest: true, deliveryAddress: false,
    validityMonths: 36, affiliations: ['researcher-phd'], position: 5, disabled: false,
  });
  const changed = await root.put<PersonType>('/api/v1/institutions/alpha/person-types/doctoral', { labelFr: 'Doctorante ou doctorant', labelEn: 'PhD candidate', deliveryAddress: true });
  assert.equal(changed.status, 200);
  assert.equal(changed.body.labelFr, 'Doctorante ou doctorant');
  assert.equal(changed.body.deliveryAddress, true);
  assert.equal(changed.body.validityMonths, 36, 'not sent: kept');
  assert.deepEqual(changed.body.cardKinds, ['physical']);
  const back = await root.put<PersonType>('/api/v1/institutions/alpha/person-types/doctoral', { labelFr: 'Doctorant', labelEn: 'PhD candidate', validityMonths: null });
  assert.equal(back.body.validityMonths, null, 'null: back to the institution setting');

  assert.ok((await typesOf(root, 'alpha')).some((type) => type.code === 'doctoral'));
  assert.ok(!(await typesOf(root, 'beta')).some((type) => type.code === 'doctoral'), 'types are per institution');
  const detail = await root.get<{ personTypes: PersonType[] }>('/api/v1/institutions/alpha');
  assert.ok(detail.body.personTypes.some((type) => type.code === 'doctoral'), 'the institution view lists its types too');
});

test('bad person types: code, labels, card kinds, validity, affiliations already mapped', async () => {
  const cases: Array<[string, Record<string, unknown>, number, string, string]> = [
    ['Bad', { labelFr: 'x', labelEn: 'x' }, 400, 'validation_failed', 'params:/type'],
    ['9lives', { labelFr: 'x', labelEn: 'x' }, 400, 'validation_failed', 'params:/type'],
    ['ok', { labelFr: '', labelEn: 'x' }, 400, 'validation_failed', '/labelFr'],
    ['ok', { labelFr: ' ', labelEn: 'x' }, 422, 'invalid_label', '/labelFr'],
    ['ok', { labelFr: 'x', labelEn: 'x'.repeat(81) }, 400, 'validation_failed', '/labelEn'],
    ['ok', { labelFr: 'x' }, 400, 'validation_failed', '/labelEn'],
    ['ok', { labelFr: 'x', labelEn: 'x', cardKinds: ['plastic'] }, 400, 'validation_failed', '/cardKinds/0'],
    ['ok', { labelFr: 'x', labelEn: 'x', validityMonths: 0 }, 400, 'validation_failed', '/validityMonths'],
    ['ok', { labelFr: 'x', labelEn: 'x', affiliations: ['Student'] }, 400, 'validation_failed', '/affiliations/0'],
    ['ok', { labelFr: 'x', labelEn: 'x', affiliations: ['alum', 'student'] }, 422, 'affiliation_already_mapped', '/affiliations/1'],
  ];
  for (const [type, body, status, code, field] of cases) {
    const answer = await root.put(`/api/v1/institutions/beta/person-types/${type}`, body);
    assert.equal(answer.status, status, `${type} ${JSON.stringify(body)}: ${answer.text}`);
    assert.equal(answer.body.code, code, `${type} ${JSON.stringify(body)}`);
    assert.equal(answer.body.field, field, `${type} ${JSON.stringify(body)}`);
  }
  assert.ok(!(await typesOf(root, 'beta')).some((type) => type.code === 'ok'), 'nothing was written');
  // The same type may keep its own affiliations.
  const own = await root.put('/api/v1/institutions/beta/person-types/student', { labelFr: 'Étudiant', labelEn: 'Student', affiliations: ['student', 'alum'] });
  assert.equal(own.status, 200, own.text);
});

test('DELETE refuses a type people are enrolled as (409), deletes an unused one; disabling keeps it listed', async () => {
  await enrol('alpha', 'guest');
  const inUse = await root.delete('/api/v1/institutions/alpha/person-types/guest');
  assert.equal(inUse.status, 409);
  assert.equal(inUse.body.code, 'person_type_in_use');
  assert.ok((await typesOf(root, 'alpha')).some((type) => type.code === 'guest'));

  const disabled = await root.put<PersonType>('/api/v1/institutions/alpha/person-types/guest', { labelFr: 'Invité', labelEn: 'Guest', disabled: true });
  assert.equal(disabled.body.disabled, true);
  const publicTypes = await root.request<{ personTypes: Array<{ code: string }> }>('GET', '/api/v1/institution', { headers: { 'campuscard-institution': 'alpha' } });
  assert.ok(publicTypes.body.personTypes.some((type) => type.code === 'student'));
  const anonymous = await t.anonymous.request<{ code: string; personTypes: Array<{ code: string }> }>('GET', '/api/v1/institution');
  assert.ok(anonymous.body.personTypes.length > 0);
  const reEnabled = await root.put<PersonType>('/api/v1/institutions/alpha/person-types/guest', { labelFr: 'Invité', labelEn: 'Guest', disabled: false });
  assert.equal(reEnabled.body.disabled, false);

  const deleted = await root.delete('/api/v1/institutions/beta/person-types/external');
  assert.equal(deleted.status, 204);
  assert.ok(!(await typesOf(root, 'beta')).some((type) => type.code === 'external'));
  assert.ok((await typesOf(root, 'alpha')).some((type) => type.code === 'external'), 'alpha keeps its own');
  const gone = await root.delete('/api/v1/institutions/beta/person-types/external');
  assert.equal(gone.status, 404);
  assert.equal(gone.body.code, 'person_type_not_found');
});

test('person types: an admin granted on alpha configures alpha only; office roles read within their scope', async () => {
  const alphaAdmin = await t.loginAs('admin', { institutions: ['alpha'] });
  assert.equal((await alphaAdmin.put('/api/v1/institutions/alpha/person-types/alumni', { labelFr: 'Ancien', labelEn: 'Alumni' })).status, 201);
  const out = await alphaAdmin.put('/api/v1/institutions/beta/person-types/alumni', { labelFr: 'Ancien', labelEn: 'Alumni' });
  assert.equal(out.status, 404);
  assert.equal(out.body.code, 'institution_not_found');
  const manager = await t.loginAs('manager', { institutions: ['beta'] });
  assert.equal((await manager.get('/api/v1/institutions/beta/person-types')).status, 200);
  assert.equal((await manager.get('/api/v1/institutions/alpha/person-types')).status, 404);
  assert.equal((await manager.put('/api/v1/institutions/beta/person-types/alumni', { labelFr: 'Ancien', labelEn: 'Alumni' })).status, 403);
  assert.equal((await manager.delete('/api/v1/institutions/beta/person-types/guest')).status, 403);
});
