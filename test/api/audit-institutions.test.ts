import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startTestApp, type TestClient } from '../helpers/test-app.ts';
import { configureInstitution, createInstitution, createPerson, institutionCode, officeClients, type CardsWorld } from './cards.fixtures.ts';

/**
 * The audit log per institution (migration 0022): the triggers file each entry under the
 * institution of the row written, and a person's history is read within the caller's scope, in
 * the query. A person enrolled at A and B: A's manager reads the identity changes and A's
 * enrolment, never B's; an entry the person record held of A before enrolments existed (student
 * number, type) is A's only.
 */
interface Entry { id: string; table: string; operation: string; rowId: string | null; changes: Record<string, unknown> }

let w: CardsWorld;
let codeA: string;
let idB: number;
let managerA: TestClient;
let managerB: TestClient;

before(async () => {
  const t = await startTestApp();
  await configureInstitution(t);
  w = await officeClients(t);
  codeA = await institutionCode(t, 1);
  idB = await createInstitution(w, { code: 'ecole-b', name: 'École B', pic: '888888888' });
  managerA = await t.loginAs('manager', { institutions: [codeA] });
  managerB = await t.loginAs('manager', { institutions: ['ecole-b'] });
});
after(async () => { await w.t.close(); });

test('a person\'s history: identity changes for every office that sees the person, each enrolment\'s for its institution only', async () => {
  const person = await createPerson(w.t, { institution: codeA, studentNumber: 'A-1' });
  await w.t.runtime.services.people.create({
    eppn: person.eppn, lastName: person.lastName, firstName: person.firstName, personType: 'student', studentNumber: 'B-1', institution: 'ecole-b',
  }, { actor: 'test' });
  assert.equal((await w.admin.patch(`/api/v1/persons/${person.id}`, { email: 'new@example.org' })).status, 200);
  assert.equal((await managerA.patch(`/api/v1/persons/${person.id}`, { studentNumber: 'A-2' })).status, 200);
  assert.equal((await managerB.patch(`/api/v1/persons/${person.id}`, { studentNumber: 'B-2' })).status, 200);
  // What the record held of the first institution before enrolments existed, as migration 0022 files it.
  await sql`INSERT INTO audit_log (actor, table_name, operation, row_id, changes, institution_id)
    VALUES ('account:legacy', 'persons', 'UPDATE', ${person.id}, '{"student_number": "OLD-A"}', 1)`.execute(w.t.runtime.database.db);

  const history = async (client: TestClient) => {
    const response = await client.get<{ items: Entry[] }>(`/api/v1/persons/${person.id}/history`);
    assert.equal(response.status, 200, response.text);
    return response.body.items;
  };
  const numbers = (entries: Entry[]) => entries.flatMap((entry) => {
    const value = entry.changes.studentNumber;
    return typeof value === 'string' ? [value] : [];
  }).sort();
  const emails = (entries: Entry[]) => entries.filter((entry) => entry.table === 'persons' && entry.changes.email === 'new@example.org').length;

  const ofA = await history(managerA);
  assert.deepEqual(numbers(ofA), ['A-1', 'A-2', 'OLD-A']);
  assert.equal(emails(ofA), 1, 'the identity change');
  const ofB = await history(managerB);
  assert.deepEqual(numbers(ofB), ['B-1', 'B-2'], 'nothing of A, not even what the person record held of A');
  assert.equal(emails(ofB), 1);
  assert.deepEqual(numbers(await history(w.admin)), ['A-1', 'A-2', 'B-1', 'B-2', 'OLD-A']);

  // The triggers filed each enrolment entry under its institution, the identity ones under none.
  const { rows } = await sql<{ tableName: string; filed: number | null }>`
    SELECT table_name, institution_id AS filed FROM audit_log
    WHERE (table_name = 'persons' AND row_id = ${person.id} AND actor <> 'account:legacy') OR row_id LIKE ${`${person.id}:%`}`.execute(w.t.runtime.database.db);
  assert.deepEqual([...new Set(rows.filter((row) => row.tableName === 'enrolments').map((row) => row.filed))].sort(), [1, idB]);
  assert.deepEqual([...new Set(rows.filter((row) => row.tableName === 'persons').map((row) => row.filed))], [null]);
});
