import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import iconv from 'iconv-lite';
import { QUEUES } from '../../src/platform/jobs/job-queue.ts';
import { startTestApp, type TestApp, type TestClient, type TestResponse } from '../helpers/test-app.ts';

let t: TestApp;
let admin: TestClient;
before(async () => {
  t = await startTestApp();
  admin = await t.loginAs('admin');
});
after(async () => { await t.close(); });
beforeEach(async () => {
  await sql`DELETE FROM persons`.execute(t.runtime.database.db);
});

interface Report {
  dryRun: boolean;
  partial: boolean;
  totalLines: number;
  valid: number;
  invalid: number;
  created: number;
  updated: number;
  unchanged: number;
  errors: Array<{ line: number; field?: string; code: string; message: string }>;
  fileErrors: Array<{ code: string; message: string; line?: number; column?: string }>;
  encoding: string;
  delimiter: string;
  rejected: boolean;
  committed: boolean;
}

interface Problem {
  status: number;
  code: string;
  detail: string;
  line?: number;
  errors: Array<{ line?: number; field?: string; code: string; message: string }>;
  report: Report;
}

interface JobView {
  id: string;
  kind: string;
  status: string;
  progress: { current: number; total: number | null; percent: number | null };
  params: Record<string, unknown>;
  result: (Report & { total: number }) | null;
  error: { code: string; message: string; report?: Report } | null;
}

interface PersonView {
  eppn: string;
  lastName: string;
  firstName: string;
  birthDate: string | null;
  personType: string;
  freeFields: Record<string, string>;
}

const HEADER = 'eppn;last_name;first_name;email;birth_date;person_type';

function csv(lines: string[], eol = '\r\n'): Buffer {
  return Buffer.from(lines.join(eol) + eol, 'utf8');
}

function people(count: number, from = 0): string[] {
  const lines = [HEADER];
  for (let i = from; i < from + count; i++) lines.push(`p${i}@univ.example;Nom${i};Prénom${i};p${i}@univ.example;1990-01-${String((i % 28) + 1).padStart(2, '0')};student`);
  return lines;
}

/** A raw text/csv upload; options as query parameters. */
async function upload<T = Report>(client: TestClient, body: Buffer, query = 'wait=true', contentType = 'text/csv'): Promise<TestResponse<T>> {
  return client.request<T>('POST', `/api/v1/imports/persons${query ? `?${query}` : ''}`, { payload: body, headers: { 'content-type': contentType } });
}

/** A multipart upload: the file in field `file`, options as form fields. */
async function uploadForm<T = Report>(client: TestClient, body: Buffer, fields: Record<string, string>, query = ''): Promise<TestResponse<T>> {
  const boundary = '----campuscard-test-boundary';
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="persons.csv"\r\nContent-Type: application/vnd.ms-excel\r\n\r\n`));
  parts.push(body, Buffer.from(`\r\n--${boundary}--\r\n`));
  return client.request<T>('POST', `/api/v1/imports/persons${query ? `?${query}` : ''}`, {
    payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  });
}

async function personCount(): Promise<number> {
  const { rows } = await sql<{ count: number }>`SELECT count(*)::int AS count FROM persons`.execute(t.runtime.database.db);
  return rows[0]?.count ?? -1;
}

async function person(eppn: string): Promise<PersonView> {
  return t.runtime.services.people.getByEppn(eppn) as Promise<PersonView>;
}

async function auditCount(): Promise<number> {
  const { rows } = await sql<{ count: number }>`SELECT count(*)::int AS count FROM audit_log WHERE table_name = 'persons'`.execute(t.runtime.database.db);
  return rows[0]?.count ?? -1;
}

test('UTF-8 with a byte order mark, ";" and CRLF: every line is created, audited with the importing actor', async () => {
  const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), csv(people(3))]);
  const response = await upload(admin, body);
  assert.equal(response.status, 200, response.text);
  assert.deepEqual(
    { ...response.body, errors: response.body.errors.length },
    { dryRun: false, partial: false, totalLines: 3, valid: 3, invalid: 0, created: 3, updated: 0, unchanged: 0, errors: 0,
      errorsTruncated: false, fileErrors: [], encoding: 'utf-8', delimiter: ';', rejected: false, committed: true },
  );
  const first = await person('p0@univ.example');
  assert.equal(first.firstName, 'Prénom0');
  assert.equal(first.birthDate, '1990-01-01');
  const { rows } = await sql<{ actor: string }>`SELECT DISTINCT actor FROM audit_log WHERE table_name = 'persons'`.execute(t.runtime.database.db);
  assert.equal(rows.length, 1);
  assert.match(rows[0]?.actor ?? '', /^account:/);
});

test('UTF-8 without byte order mark, "," separated, quoted fields with separators, quotes and line breaks', async () => {
  const body = Buffer.from([
    'eppn,last_name,first_name,person_type,free1',
    'a@univ.example,"Martin, dit ""Tintin""",Élodie,staff,"bureau 12',
    'aile B"',
    'b@univ.example,Ngô,Zoë,guest,',
  ].join('\n') + '\n');
  const response = await upload(admin, body);
  assert.equal(response.status, 200, response.text);
  assert.equal(response.body.delimiter, ',');
  assert.equal(response.body.created, 2);
  const a = await person('a@univ.example');
  assert.equal(a.lastName, 'Martin, dit "Tintin"');
  assert.equal(a.firstName, 'Élodie');
  assert.deepEqual(a.freeFields, { free1: 'bureau 12\naile B' });
  assert.equal((await person('b@univ.example')).firstName, 'Zoë');
});

test('ISO-8859-1 files are detected, or read as forced; forcing UTF-8 on them is a 422 naming the line', async () => {
  const latin1 = iconv.encode(['eppn;last_name;first_name;person_type', 'l@univ.example;Lefèvre;Hélène;student', 'm@univ.example;Muñoz;Begoña;staff'].join('\r\n'), 'latin1');
  const detected = await upload(admin, latin1, 'wait=true&dryRun=true');
  assert.equal(detected.status, 200, detected.text);
  assert.equal(detected.body.encoding, 'iso-8859-1');
  assert.equal(await personCount(), 0);

  const forcedUtf8 = await upload<Problem>(admin, latin1, 'wait=true&encoding=utf-8');
  assert.equal(forcedUtf8.status, 422);
  assert.equal(forcedUtf8.body.code, 'invalid_import_file');
  assert.equal(forcedUtf8.body.errors[0]?.code, 'invalid_encoding');
  assert.equal(forcedUtf8.body.errors[0]?.line, 2);
  assert.match(String(forcedUtf8.headers['content-type']), /application\/problem\+json/);

  const forced = await upload(admin, latin1, 'wait=true&encoding=iso-8859-1');
  assert.equal(forced.status, 200, forced.text);
  assert.equal((await person('l@univ.example')).lastName, 'Lefèvre');
  assert.equal((await person('m@univ.example')).firstName, 'Begoña');

  const charset = await upload(admin, iconv.encode('eppn;last_name;first_name;person_type\nn@univ.example;Noël;Gaëlle;staff\n', 'latin1'),
    'wait=true', 'text/csv; charset=ISO-8859-1');
  assert.equal(charset.status, 200, charset.text);
  assert.equal((await person('n@univ.example')).lastName, 'Noël');
});

test('birth dates may be written YYYY-MM-DD or DD/MM/YYYY', async () => {
  const body = csv([HEADER, 'iso@univ.example;A;B;;2001-05-17;student', 'fr@univ.example;C;D;;17/05/2001;student', 'short@univ.example;E;F;;7/5/2001;student']);
  const response = await upload(admin, body);
  assert.equal(response.status, 200, response.text);
  assert.equal((await person('iso@univ.example')).birthDate, '2001-05-17');
  assert.equal((await person('fr@univ.example')).birthDate, '2001-05-17');
  assert.equal((await person('short@univ.example')).birthDate, '2001-05-07');
});

test('column mapping renames headers; unknown columns are refused unless ignored', async () => {
  const body = csv(['Identifiant;Nom;Prénom;Type;Remarque', 'x@univ.example;Durand;Léa;student;à revoir']);
  const unmapped = await upload<Problem>(admin, body);
  assert.equal(unmapped.status, 422);
  assert.equal(unmapped.body.code, 'invalid_import_file');
  assert.ok(unmapped.body.errors.some((error) => error.code === 'unknown_column' && error.field === 'Identifiant'));
  assert.ok(unmapped.body.errors.some((error) => error.code === 'missing_column' && error.field === 'eppn'));

  const mapping = encodeURIComponent(JSON.stringify({ Identifiant: 'eppn', Nom: 'last_name', Prénom: 'first_name', Type: 'person_type' }));
  const stillUnknown = await upload<Problem>(admin, body, `wait=true&columnMapping=${mapping}`);
  assert.equal(stillUnknown.status, 422);
  assert.deepEqual(stillUnknown.body.errors.map((error) => [error.code, error.field]), [['unknown_column', 'Remarque']]);

  const ignored = await upload(admin, body, `wait=true&columnMapping=${mapping}&ignoreUnknownColumns=true`);
  assert.equal(ignored.status, 200, ignored.text);
  assert.equal((await person('x@univ.example')).firstName, 'Léa');

  const badMapping = await upload<Problem>(admin, body, `wait=true&columnMapping=${encodeURIComponent('{"Nom":"surname"}')}`);
  assert.equal(badMapping.status, 400);
  assert.equal(badMapping.body.code, 'invalid_column_mapping');
});

test('multipart upload with options as form fields', async () => {
  const body = csv(['Nom;Prénom;Courriel;Type', 'Roux;Inès;ines@univ.example;staff']).toString('utf8').replace('Courriel', 'eppn');
  const response = await uploadForm(admin, Buffer.from(body), {
    wait: 'true', partial: 'false', delimiter: ';', encoding: 'auto',
    columnMapping: JSON.stringify({ Nom: 'last_name', Prénom: 'first_name', Type: 'person_type' }),
  });
  assert.equal(response.status, 200, response.text);
  assert.equal(response.body.created, 1);
  assert.equal((await person('ines@univ.example')).lastName, 'Roux');

  const unknownField = await uploadForm<Problem>(admin, Buffer.from(body), { wait: 'true', colour: 'blue' });
  assert.equal(unknownField.status, 400);
  const noFile = await admin.request<Problem>('POST', '/api/v1/imports/persons', {
    payload: Buffer.from('--b\r\nContent-Disposition: form-data; name="wait"\r\n\r\ntrue\r\n--b--\r\n'),
    headers: { 'content-type': 'multipart/form-data; boundary=b' },
  });
  assert.equal(noFile.status, 400);
  assert.equal(noFile.body.code, 'file_missing');
});

test('a dry run writes nothing but counts exactly what the import would do', async () => {
  const before = await auditCount();
  const dry = await upload(admin, csv(people(5)), 'wait=true&dryRun=true');
  assert.equal(dry.status, 200, dry.text);
  assert.deepEqual([dry.body.created, dry.body.updated, dry.body.unchanged, dry.body.committed, dry.body.dryRun], [5, 0, 0, false, true]);
  assert.equal(await personCount(), 0);
  assert.equal(await auditCount(), before);

  await upload(admin, csv(people(3)));
  const lines = people(5);
  lines[1] = lines[1]?.replace('Nom0', 'Autre') ?? '';
  const second = await upload(admin, csv(lines), 'wait=true&dryRun=true');
  assert.deepEqual([second.body.created, second.body.updated, second.body.unchanged], [2, 1, 2]);
  assert.equal(await personCount(), 3);
  assert.equal((await person('p0@univ.example')).lastName, 'Nom0');
});

test('all or nothing: one bad line refuses the file with a per-line report; partial keeps the good lines', async () => {
  const lines = people(4);
  lines[2] = 'p1@univ.example;Nom1;Prénom1;p1@univ.example;31/02/2001;student';
  lines.push('bad eppn;X;Y;;;student', 'p9@univ.example;;Z;;;teacher');
  const body = csv(lines);
  const before = await auditCount();

  const refused = await upload<Problem>(admin, body);
  assert.equal(refused.status, 422);
  assert.equal(refused.body.code, 'import_rejected');
  assert.equal(refused.body.line, 3);
  assert.deepEqual(refused.body.errors.map((error) => [error.line, error.field, error.code]), [
    [3, 'birth_date', 'invalid_date'],
    [6, 'eppn', 'invalid_eppn'],
    [7, 'last_name', 'required'],
    [7, 'person_type', 'unknown_person_type'],
  ]);
  assert.equal(refused.body.report.totalLines, 6);
  assert.equal(refused.body.report.valid, 3);
  assert.equal(refused.body.report.invalid, 3);
  assert.equal(refused.body.report.committed, false);
  assert.equal(await personCount(), 0);
  assert.equal(await auditCount(), before);

  const partial = await upload(admin, body, 'wait=true&partial=true');
  assert.equal(partial.status, 200, partial.text);
  assert.deepEqual([partial.body.created, partial.body.invalid, partial.body.errors.length, partial.body.committed, partial.body.rejected], [3, 3, 4, true, false]);
  assert.equal(await personCount(), 3);
});

test('re-importing the same file changes nothing; a changed line is one update', async () => {
  const body = csv(people(20));
  assert.equal((await upload(admin, body)).body.created, 20);
  const audited = await auditCount();
  const again = await upload(admin, body);
  assert.deepEqual([again.body.created, again.body.updated, again.body.unchanged], [0, 0, 20]);
  assert.equal(await auditCount(), audited, 'no audit entry for unchanged rows');
  const lines = people(20);
  lines[5] = lines[5]?.replace('student', 'staff') ?? '';
  const changed = await upload(admin, csv(lines));
  assert.deepEqual([changed.body.created, changed.body.updated, changed.body.unchanged], [0, 1, 19]);
});

test('bad requests: empty file 400, binary or UTF-16 415, other media types 415, too large 413', async () => {
  const empty = await upload<Problem>(admin, Buffer.alloc(0));
  assert.equal(empty.status, 400);
  assert.equal(empty.body.code, 'empty_file');
  const blank = await upload<Problem>(admin, Buffer.from('\r\n\r\n  \n'));
  assert.equal(blank.status, 400);
  const headerOnly = await upload(admin, Buffer.from(`${HEADER}\n`));
  assert.equal(headerOnly.status, 200);
  assert.equal(headerOnly.body.totalLines, 0);

  const xlsx = await upload<Problem>(admin, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]));
  assert.equal(xlsx.status, 415);
  assert.equal(xlsx.body.code, 'not_csv');
  const utf16 = await upload<Problem>(admin, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${HEADER}\n`, 'utf16le')]));
  assert.equal(utf16.status, 415);
  assert.equal(utf16.body.code, 'unsupported_encoding');
  const json = await admin.post<Problem>('/api/v1/imports/persons?wait=true', { eppn: 'x' });
  assert.equal(json.status, 415);
  const missing = await upload<Problem>(admin, csv(['eppn;last_name', 'a@univ.example;A']));
  assert.equal(missing.status, 422);
  assert.deepEqual(missing.body.errors.map((error) => [error.code, error.field]), [['missing_column', 'first_name'], ['missing_column', 'person_type']]);

  const huge = Buffer.alloc(50 * 1024 * 1024 + 10, 0x61);
  const tooLarge = await upload<Problem>(admin, huge);
  assert.equal(tooLarge.status, 413);
  const tooLargeForm = await uploadForm<Problem>(admin, huge, { wait: 'true' });
  assert.equal(tooLargeForm.status, 413);
  assert.equal(await personCount(), 0);
});

test('as a job: 202 with Location, progress to 100%, report in result, upload deleted', async () => {
  const response = await upload<{ job: JobView }>(admin, csv(people(2500)), 'dryRun=false');
  assert.equal(response.status, 202, response.text);
  const { job } = response.body;
  assert.equal(job.status, 'queued');
  assert.equal(job.kind, 'person-import');
  assert.equal(response.headers.location, `/api/v1/jobs/${job.id}`);
  const { rows: stored } = await sql<{ count: number }>`SELECT count(*)::int AS count FROM import_uploads`.execute(t.runtime.database.db);
  assert.equal(stored[0]?.count, 1);
  assert.equal(await personCount(), 0);

  assert.equal(await t.runtime.jobs.drain([QUEUES.personImport]), 1);
  const done = await admin.get<JobView>(`/api/v1/jobs/${job.id}`);
  assert.equal(done.status, 200);
  assert.equal(done.body.status, 'succeeded');
  assert.equal(done.body.progress.percent, 100);
  assert.equal(done.body.result?.created, 2500);
  assert.equal(done.body.result?.committed, true);
  assert.equal(await personCount(), 2500);
  const { rows: left } = await sql<{ count: number }>`SELECT count(*)::int AS count FROM import_uploads`.execute(t.runtime.database.db);
  assert.equal(left[0]?.count, 0);
});

test('a refused file makes the job fail with the report; nothing is written', async () => {
  const lines = people(3);
  lines.push('oops;;;;;');
  const response = await uploadForm<{ job: JobView }>(admin, csv(lines), {});
  assert.equal(response.status, 202, response.text);
  await t.runtime.jobs.drain([QUEUES.personImport]);
  const done = await admin.get<JobView>(`/api/v1/jobs/${response.body.job.id}`);
  assert.equal(done.body.status, 'failed');
  assert.equal(done.body.error?.code, 'import_rejected');
  assert.equal(done.body.error?.report?.errors[0]?.line, 5);
  assert.equal(await personCount(), 0);

  const dry = await upload<{ job: JobView }>(admin, csv(people(3)), 'dryRun=true');
  await t.runtime.jobs.drain([QUEUES.personImport]);
  const dryDone = await admin.get<JobView>(`/api/v1/jobs/${dry.body.job.id}`);
  assert.equal(dryDone.body.status, 'succeeded');
  assert.equal(dryDone.body.result?.created, 3);
  assert.equal(dryDone.body.result?.committed, false);
  assert.equal(await personCount(), 0);
});

test('the export is CSV-injection safe and imports back unchanged', async () => {
  const body = csv([HEADER, 'evil@univ.example;=cmd()|calc;+1;;;staff', 'plain@univ.example;Dupont;Anne;anne@univ.example;1999-12-31;student']);
  assert.equal((await upload(admin, body)).status, 200);
  const viewer = await t.loginAs('viewer');
  const exported = await viewer.get('/api/v1/persons/export.csv');
  assert.equal(exported.status, 200);
  assert.match(String(exported.headers['content-type']), /^text\/csv/);
  assert.match(String(exported.headers['content-disposition']), /attachment; filename="persons-\d{4}-\d{2}-\d{2}\.csv"/);
  const text = exported.text.replace(/^\uFEFF/, '');
  const lines = text.split('\r\n');
  assert.equal(lines[0], 'eppn;last_name;first_name;email;birth_date;person_type;student_number;ine;academic_level;rights_end;esi;affiliation;locale;free1;free2;free3;free4;free5;free6;free7');
  assert.ok(lines.some((line) => line.startsWith("evil@univ.example;'=cmd()|calc;'+1;")), text);
  assert.ok(!/;=/.test(text) && !/;\+/.test(text));

  const reimport = await upload(admin, Buffer.from(exported.text, 'utf8'));
  assert.equal(reimport.status, 200, reimport.text);
  assert.equal(reimport.body.unchanged, 1, 'the plain row comes back unchanged');
  assert.equal(reimport.body.updated, 1, 'the escaped cells come back with their quote');
});

test('authorization: anonymous 401; viewer, station and cardholder may not import; cardholders may not export', async () => {
  const body = csv(people(1));
  assert.equal((await upload(t.anonymous, body)).status, 401);
  assert.equal((await t.anonymous.get('/api/v1/persons/export.csv')).status, 401);
  for (const role of ['viewer', 'station', 'deliverer'] as const) {
    const client = await t.loginAs(role);
    const refused = await upload<Problem>(client, body);
    assert.equal(refused.status, 403, role);
  }
  const student = await t.loginAs('cardholder', { personId: '00000000-0000-4000-8000-000000000001' });
  assert.equal((await upload(student, body)).status, 403);
  assert.equal((await uploadForm(student, body, { wait: 'true' })).status, 403);
  assert.equal((await student.get('/api/v1/persons/export.csv')).status, 403);
  const token = await t.tokenClient('viewer');
  assert.equal((await upload(token, body)).status, 403);
  assert.equal(await personCount(), 0);
  const manager = await t.tokenClient('manager');
  assert.equal((await upload(manager, body)).status, 200);
});

test('a manager limited to staff imports staff only, cannot overwrite a student, and exports staff only', async () => {
  await upload(admin, csv([HEADER, 'stu@univ.example;Student;One;;;student', 'sta@univ.example;Staff;One;;;staff']));
  const manager = await t.loginAs('manager', { personTypes: ['staff'] });
  const body = csv([HEADER, 'new@univ.example;Staff;Two;;;staff', 'stu@univ.example;Student;Retyped;;;staff', 'other@univ.example;Student;Two;;;student']);
  const refused = await upload<Problem>(manager, body);
  assert.equal(refused.status, 422);
  assert.deepEqual(refused.body.errors.map((error) => [error.line, error.field, error.code]), [
    [3, 'person_type', 'person_type_not_allowed'],
    [4, 'person_type', 'person_type_not_allowed'],
  ]);
  assert.equal(await personCount(), 2);

  const partial = await upload(manager, body, 'wait=true&partial=true');
  assert.equal(partial.status, 200, partial.text);
  assert.deepEqual([partial.body.created, partial.body.updated, partial.body.invalid], [1, 0, 2]);
  assert.equal((await person('stu@univ.example')).personType, 'student');

  const job = await upload<{ job: JobView }>(manager, body, 'partial=true');
  await t.runtime.jobs.drain([QUEUES.personImport]);
  const done = await manager.get<JobView>(`/api/v1/jobs/${job.body.job.id}`);
  assert.equal(done.body.status, 'succeeded');
  assert.equal(done.body.result?.invalid, 2, 'the job keeps the scope of who submitted it');

  const exported = await manager.get('/api/v1/persons/export.csv');
  assert.equal(exported.status, 200);
  assert.ok(exported.text.includes('sta@univ.example'));
  assert.ok(exported.text.includes('new@univ.example'));
  assert.ok(!exported.text.includes('stu@univ.example'));
});
