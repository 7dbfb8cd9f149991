import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, type TestApp, type TestClient } from '../helpers/test-app.ts';
import { DIRECTORY_QUEUES } from '../../src/modules/directory/directory-sync.service.ts';

// What a directory sync writes and reports, through the admin API against a real HTTP source (the
// REST/JSON plug-in) and a CSV file: only the fields the mapping provides are compared and written;
// the dry run says created / updated / unchanged against the persons as they are; bad records
// count once each, with their key when readable, and hold "gone" handling back only when a
// record's key could not be read (and say so).

interface Change { field: string; before: unknown; after: unknown }
interface Run {
  id: string; status: string;
  counts: { read: number; new: number; changed: number; gone: number; unchanged: number; errors: number };
  unkeyedRecords: number;
  sample: Array<{ kind: string; key: string; eppn: string | null; fields: string[]; changes?: Change[] }>;
  errors: Array<{ key: string | null; field: string; code: string }>;
  goneHeldBack: boolean;
  outcome: Record<string, unknown> | null;
}
interface Person {
  id: string; eppn: string; firstName: string; lastName: string; email: string | null; birthDate: string | null; esi: string | null; ine: string | null;
  studentNumber: string | null; academicLevel: number | null; affiliation: string | null; locale: string | null; freeFields: Record<string, string>;
  rightsEnd: string | null; version: number;
}

let t: TestApp;
let admin: TestClient;
let server: Server;
let baseUrl: string;
let records: Array<Record<string, unknown>> = [];
const tmp = mkdtempSync(join(tmpdir(), 'campuscard-directory-fields-'));

before(async () => {
  server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const page = Number(url.searchParams.get('page') ?? '1');
    const size = Number(url.searchParams.get('size') ?? '100');
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ items: records.slice((page - 1) * size, page * size) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/people`;
  t = await startTestApp({ env: { DIRECTORY_SECRETS: JSON.stringify({ HR_TOKEN: 's3cret' }), PERSON_SOURCE_DIR: tmp } });
  admin = await t.loginAs('admin');
  const created = await admin.post('/api/v1/institutions', { code: 'alpha', name: 'ALPHA', pic: '111111111' });
  assert.equal(created.status, 201, created.text);
});
after(async () => {
  await t.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(tmp, { recursive: true, force: true });
});

async function createSource(name: string, fields: Record<string, string>, extra: Record<string, unknown> = {}): Promise<void> {
  const response = await admin.post('/api/v1/admin/person-sources', {
    name, kind: 'rest', institution: 'alpha', gonePolicy: 'today',
    mapping: { fields, affiliationAttributes: ['affiliation'] },
    settings: { url: baseUrl, auth: { type: 'bearer', secretEnv: 'HR_TOKEN' }, pagination: { style: 'page', size: 50 }, recordsPath: 'items', keyPath: 'id' },
    ...extra,
  });
  assert.equal(response.status, 201, response.text);
}

async function sync(source: string, body: Record<string, unknown> = {}): Promise<Run> {
  const started = await admin.post<Run>(`/api/v1/admin/person-sources/${source}/sync`, body);
  assert.equal(started.status, 202, started.text);
  await t.runtime.jobs.drain([DIRECTORY_QUEUES.sync]);
  const run = await admin.get<Run>(`/api/v1/admin/person-sources/runs/${started.body.id}`);
  assert.equal(run.status, 200, run.text);
  return run.body;
}

async function byEppn(eppn: string): Promise<Person> {
  const found = await admin.get<{ items: Person[] }>(`/api/v1/persons?q=${encodeURIComponent(eppn)}`);
  assert.equal(found.status, 200, found.text);
  const person = found.body.items.find((item) => item.eppn === eppn);
  assert.ok(person, `${eppn} exists`);
  return person;
}

const FULL = {
  birthDate: '2001-05-04', ine: '123456789AB', studentNumber: 'SN-1', academicLevel: 'MASTER', affiliation: 'student',
  locale: 'en', freeFields: { free1: 'from the office', free2: 'option A' },
};

test('a source mapping few fields leaves the others as the office recorded them; a mapped field the directory empties is cleared', async () => {
  const created = await admin.post<Person>('/api/v1/persons', {
    eppn: 'ada@hr.example.fr', lastName: 'Lovelace', firstName: 'Ada', personType: 'student', email: 'old@hr.example.fr', institution: 'alpha', ...FULL,
  });
  assert.equal(created.status, 201, created.text);
  const stored = created.body;
  assert.ok(stored.esi, 'the office record has an ESI');

  records = [{ id: 'e1', eppn: 'ada@hr.example.fr', last: 'Lovelace', first: 'Ada', mail: 'ada@hr.example.fr', affiliation: ['student'], f3: 'site B' }];
  await createSource('names', { eppn: 'eppn', lastName: 'last', firstName: 'first', email: 'mail', 'freeFields.free3': 'f3' });

  const dry = await sync('names', { dryRun: true });
  assert.deepEqual(dry.counts, { read: 1, new: 0, changed: 1, gone: 0, unchanged: 0, errors: 0 },
    'a person already in campuscard is changed, not new, even on the first run of this source');
  assert.deepEqual(dry.sample[0]?.changes, [
    { field: 'email', before: 'old@hr.example.fr', after: 'ada@hr.example.fr' },
    { field: 'freeFields.free3', before: null, after: 'site B' },
  ]);

  const first = await sync('names');
  assert.equal(first.status, 'succeeded', JSON.stringify(first.outcome));
  let person = await byEppn('ada@hr.example.fr');
  assert.equal(person.email, 'ada@hr.example.fr');
  for (const field of ['birthDate', 'ine', 'esi', 'studentNumber', 'academicLevel', 'affiliation', 'locale'] as const) {
    assert.equal(person[field], stored[field], `${field} is not mapped: it keeps its value`);
  }
  assert.deepEqual(person.freeFields, { free1: 'from the office', free2: 'option A', free3: 'site B' }, 'unmapped free fields stay, the mapped one is written');

  const again = await sync('names');
  assert.equal(again.counts.unchanged, 1);
  assert.equal((await byEppn('ada@hr.example.fr')).version, person.version, 'a resync writes nothing');

  records = [{ id: 'e1', eppn: 'ada@hr.example.fr', last: 'Lovelace', first: 'Ada', affiliation: ['student'] }];
  const emptied = await sync('names');
  assert.equal(emptied.counts.changed, 1);
  person = await byEppn('ada@hr.example.fr');
  assert.equal(person.email, null, 'a mapped e-mail the directory no longer gives is cleared');
  assert.deepEqual(person.freeFields, { free1: 'from the office', free2: 'option A' }, 'so is a mapped free field');
  assert.equal(person.birthDate, stored.birthDate);
});

test('a new person from a source gets the mapped fields only (and a derived ESI)', async () => {
  records = [{ id: 'n1', eppn: 'new@hr.example.fr', last: 'Neuf', first: 'Nina', mail: 'new@hr.example.fr', affiliation: ['staff'] }];
  await createSource('newcomers', { eppn: 'eppn', lastName: 'last', firstName: 'first', email: 'mail' });
  const run = await sync('newcomers');
  assert.equal(run.counts.new, 1);
  const person = await byEppn('new@hr.example.fr');
  assert.equal(person.email, 'new@hr.example.fr');
  assert.equal(person.birthDate, null);
  assert.deepEqual(person.freeFields, {});
});

test('a CSV import leaves the columns its file lacks alone, and clears the empty cells of those it has', async () => {
  const created = await admin.post<Person>('/api/v1/persons', {
    eppn: 'csvkeep@hr.example.fr', lastName: 'Garde', firstName: 'Lina', personType: 'student', email: 'lina@hr.example.fr', institution: 'alpha', ...FULL,
  });
  assert.equal(created.status, 201, created.text);
  const file = 'eppn;last_name;first_name;person_type;email;free2\ncsvkeep@hr.example.fr;Garde;Lina;student;;option B\n';
  const imported = await admin.request<{ report?: { updated: number }; updated?: number }>('POST', '/api/v1/imports/persons?institution=alpha&wait=true',
    { payload: file, headers: { 'content-type': 'text/csv' } });
  assert.ok(imported.status < 300, imported.text);
  const person = await byEppn('csvkeep@hr.example.fr');
  assert.equal(person.email, null, 'an empty cell of a column the file has clears the field');
  assert.deepEqual(person.freeFields, { free1: 'from the office', free2: 'option B' });
  for (const field of ['birthDate', 'ine', 'esi', 'studentNumber', 'academicLevel', 'affiliation', 'locale'] as const) {
    assert.equal(person[field], created.body[field], `${field}: a column the file lacks is left alone`);
  }
});

test('a CSV source leaves the fields whose columns its file lacks alone (default mapping of every column), in the preview, the dry run and the run', async () => {
  const created = await admin.post<Person>('/api/v1/persons', {
    eppn: 'csvsource@hr.example.fr', lastName: 'Dubois', firstName: 'Hugo', personType: 'student', email: 'hugo@hr.example.fr', institution: 'alpha',
    ...FULL, rightsEnd: '2027-08-31',
  });
  assert.equal(created.status, 201, created.text);
  writeFileSync(join(tmp, 'few-columns.csv'), 'eppn;last_name;first_name;email;person_type\ncsvsource@hr.example.fr;Dubois;Hugues;hugo@hr.example.fr;student\n');
  const response = await admin.post('/api/v1/admin/person-sources', { name: 'fewcolumns', kind: 'csv', institution: 'alpha', gonePolicy: 'today', settings: { path: 'few-columns.csv' } });
  assert.equal(response.status, 201, response.text);

  const preview = await admin.get<{ items: Array<{ key: string | null; status: string | null; changes: Change[] }> }>('/api/v1/admin/person-sources/fewcolumns/preview');
  assert.equal(preview.status, 200, preview.text);
  assert.deepEqual(preview.body.items.map((item) => [item.status, item.changes.map((change) => change.field)]), [['changed', ['firstName']]],
    'only the first name changes: the columns the file lacks are not compared');
  const dry = await sync('fewcolumns', { dryRun: true });
  assert.deepEqual(dry.sample.map((item) => (item.changes ?? []).map((change) => change.field)), [['firstName']]);

  const run = await sync('fewcolumns');
  assert.equal(run.status, 'succeeded', JSON.stringify(run.outcome));
  assert.equal(run.counts.changed, 1);
  const person = await byEppn('csvsource@hr.example.fr');
  assert.equal(person.firstName, 'Hugues');
  for (const field of ['birthDate', 'ine', 'studentNumber', 'academicLevel', 'affiliation', 'locale', 'rightsEnd'] as const) {
    assert.equal(person[field], created.body[field], `${field}: a column the file lacks is left alone`);
  }
  assert.deepEqual(person.freeFields, created.body.freeFields);
});

const HEADER = 'eppn;last_name;first_name;person_type;email;birth_date';
const line = (n: number) => `bad${n}@csv.example.fr;Nom${n};Prénom${n};student;bad${n}@csv.example.fr;2001-01-0${n}`;

async function rightsEnd(eppn: string): Promise<string | null> {
  return (await byEppn(eppn)).rightsEnd;
}

test('bad CSV lines: one record each with all its errors and its eppn; a bad line keyed by eppn is not gone, others still are', async () => {
  writeFileSync(join(tmp, 'bad.csv'), [HEADER, line(1), line(2), line(3), line(4), ''].join('\n'));
  const response = await admin.post('/api/v1/admin/person-sources', { name: 'badcsv', kind: 'csv', institution: 'alpha', gonePolicy: 'today', minRatio: 0.5, settings: { path: 'bad.csv' } });
  assert.equal(response.status, 201, response.text);
  const first = await sync('badcsv');
  assert.deepEqual(first.counts, { read: 4, new: 4, changed: 0, gone: 0, unchanged: 0, errors: 0 });

  // Line 2 has two bad fields but a readable eppn; bad4 left the file.
  writeFileSync(join(tmp, 'bad.csv'), [HEADER, line(1), 'bad2@csv.example.fr;Nom2;Prénom2;student;not-an-email;2001-02-31', line(3), ''].join('\n'));
  const preview = await admin.get<{ items: Array<{ key: string | null; ok: boolean; status: string | null; errors: Array<{ field: string; code: string }> }> }>(
    '/api/v1/admin/person-sources/badcsv/preview');
  assert.equal(preview.status, 200, preview.text);
  const shown = preview.body.items.find((item) => !item.ok);
  assert.ok(shown, 'the preview lists the bad line');
  assert.equal(shown.key, 'bad2@csv.example.fr');
  assert.deepEqual(shown.errors.map((error) => error.field).sort(), ['birth_date', 'email']);
  assert.deepEqual(preview.body.items.filter((item) => item.ok).map((item) => item.status), ['unchanged', 'unchanged'], 'against the persons as they are');

  const run = await sync('badcsv');
  assert.equal(run.status, 'succeeded', JSON.stringify(run.outcome));
  assert.deepEqual(run.counts, { read: 3, new: 0, changed: 0, gone: 1, unchanged: 2, errors: 1 }, 'one bad line is one record');
  assert.deepEqual(run.errors.map((error) => [error.key, error.field]).sort(), [['bad2@csv.example.fr', 'birth_date'], ['bad2@csv.example.fr', 'email']]);
  assert.equal(run.unkeyedRecords, 0);
  assert.equal(run.goneHeldBack, false);
  assert.equal(await rightsEnd('bad2@csv.example.fr'), null, 'a bad record read with its key is not gone');
  assert.equal(await rightsEnd('bad4@csv.example.fr'), new Date().toISOString().slice(0, 10), 'a person the file no longer has is gone');
  const source = await admin.get<{ lastFullCount: number }>('/api/v1/admin/person-sources/badcsv');
  assert.equal(source.body.lastFullCount, 3, 'the safety stop baseline counts records, not errors');
});

test('a record whose key cannot be read holds gone handling back, and the run says so with the count', async () => {
  writeFileSync(join(tmp, 'unkeyed.csv'), [HEADER, line(5), line(6), line(7), ''].join('\n'));
  const response = await admin.post('/api/v1/admin/person-sources', { name: 'unkeyed', kind: 'csv', institution: 'alpha', gonePolicy: 'today', settings: { path: 'unkeyed.csv' } });
  assert.equal(response.status, 201, response.text);
  assert.equal((await sync('unkeyed')).counts.new, 3);
  // bad7 left; the second line lost a field (no eppn can be trusted) and the third has an invalid eppn.
  writeFileSync(join(tmp, 'unkeyed.csv'), [HEADER, line(5), 'bad6@csv.example.fr;Nom6;student', 'not an eppn;Nom8;P;student;;', ''].join('\n'));
  const run = await sync('unkeyed');
  assert.equal(run.status, 'succeeded', JSON.stringify(run.outcome));
  assert.deepEqual(run.counts, { read: 3, new: 0, changed: 0, gone: 0, unchanged: 1, errors: 2 });
  assert.equal(run.unkeyedRecords, 2);
  assert.equal(run.goneHeldBack, true);
  assert.equal(run.outcome?.code, 'gone_not_computed');
  assert.match(String(run.outcome?.message), /^2 records could not be read/);
  assert.ok(run.errors.every((error) => error.key === null), 'no key is made up');
  assert.equal(await rightsEnd('bad7@csv.example.fr'), null, 'nobody is taken for gone');
  const dry = await sync('unkeyed', { dryRun: true });
  assert.deepEqual([dry.goneHeldBack, dry.unkeyedRecords], [true, 2], 'a dry run says so too');
});
