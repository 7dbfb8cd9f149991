import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startTestApp, type TestApp, type TestClient } from '../helpers/test-app.ts';
import { academicYear } from '../../src/modules/crous/domain/crous-account-file.ts';
import { storeTariffRules } from '../../src/modules/crous/crous-tariff.repository.ts';

// CROUS account files (issue 11): per institution and kind, the persons with a granted CROUS
// consent, in the columns, separator, encoding and date format configured; a history of the
// files made, downloadable again; scoped to the caller's institutions.

interface Problem { code: string; field?: string; errors?: Array<{ field?: string; code: string; line?: number }> }
interface FileView { id: string; institution: string; kind: string; fileName: string; lineCount: number; trigger: string; createdBy: string }

let t: TestApp;
let admin: TestClient;
let alphaAdmin: TestClient;
let betaAdmin: TestClient;
const today = new Date().toISOString().slice(0, 10);
const year = academicYear(today);
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
const ids = new Map<string, string>();

async function person(eppn: string, fields: Record<string, unknown>, consent: boolean | null, enrolledAt?: string): Promise<void> {
  const created = await t.runtime.services.people.create({ eppn, email: eppn, institution: 'alpha', ...fields }, { actor: 'test' });
  ids.set(eppn, created.id);
  if (consent !== null) {
    await t.runtime.services.people.setConsent(created.id, { kind: 'crous', granted: consent, textVersion: '2026-01', locale: 'fr', channel: 'office' }, { actor: 'test' });
  }
  if (enrolledAt) {
    await sql`UPDATE enrolments SET created_at = ${enrolledAt}::timestamptz WHERE person_id = ${created.id}`.execute(t.runtime.database.db);
  }
}

before(async () => {
  t = await startTestApp();
  admin = await t.loginAs('admin');
  for (const [code, pic, uai] of [['alpha', '111111111', '0751234J'], ['beta', '222222222', '0922468H']] as const) {
    const created = await admin.post('/api/v1/institutions', { code, name: code.toUpperCase(), pic, uai });
    assert.equal(created.status, 201, created.text);
  }
  alphaAdmin = await t.loginAs('admin', { institutions: ['alpha'] });
  betaAdmin = await t.loginAs('admin', { institutions: ['beta'] });
  const lastYear = `${Number(year.start.slice(0, 4)) - 1}-10-01T10:00:00Z`;
  const rights = `${Number(year.end.slice(0, 4))}-08-31`;
  // Students enrolled before this academic year (re-enrolments) and this year (new entrants).
  await person('helene@alpha.example', { lastName: 'Lefèvre', firstName: 'Hélène', personType: 'student', ine: '123456789AB', birthDate: '2003-04-05', rightsEnd: rights }, true, lastYear);
  await person('noel@alpha.example', { lastName: 'Noël', firstName: 'Zoé', personType: 'student', birthDate: '2002-01-02', rightsEnd: rights }, true, lastYear);
  await person('refus@alpha.example', { lastName: 'Refus', firstName: 'Rémi', personType: 'student', rightsEnd: rights }, false, lastYear);
  await person('silence@alpha.example', { lastName: 'Silence', firstName: 'Sam', personType: 'student', rightsEnd: rights }, null, lastYear);
  await person('ancien@alpha.example', { lastName: 'Ancien', firstName: 'Alex', personType: 'student', rightsEnd: rights }, true, lastYear);
  await person('nouveau@alpha.example', { lastName: 'Nouveau', firstName: 'Nora', personType: 'student', rightsEnd: rights }, true);
  await person('prof@alpha.example', { lastName: 'Prof', firstName: 'Paul', personType: 'staff' }, true, lastYear);
  await person('parti@alpha.example', { lastName: 'Parti', firstName: 'Pia', personType: 'staff' }, true, lastYear);
  await person('vieux@alpha.example', { lastName: 'Vieux', firstName: 'Victor', personType: 'staff' }, true, lastYear);
  const db = t.runtime.database.db;
  // A student whose rights ended (not re-enrolled), and staff who left 5 and 200 days ago.
  await sql`UPDATE enrolments SET rights_end = ${daysAgo(3)}::date WHERE person_id = ${ids.get('ancien@alpha.example')}`.execute(db);
  await sql`UPDATE enrolments SET rights_end = ${daysAgo(5)}::date WHERE person_id = ${ids.get('parti@alpha.example')}`.execute(db);
  await sql`UPDATE enrolments SET rights_end = ${daysAgo(200)}::date WHERE person_id = ${ids.get('vieux@alpha.example')}`.execute(db);
});

after(async () => {
  await t?.close();
});

const reEnrolmentSettings = {
  columns: [
    { field: 'identifier', label: 'ID' }, { field: 'lastName', label: 'Nom' }, { field: 'firstName', label: 'Prénom' },
    { field: 'birthDate', label: 'Naissance' }, { field: 'uai', label: 'RNE' }, { field: 'idRate', label: 'Tarif' },
  ],
  separator: ',', encoding: 'iso-8859-1', header: true, dateFormat: 'DD/MM/YYYY', personTypes: null, ineAsIdentifier: true,
  leavingWindowDays: 31, schedule: null,
};

async function download(client: TestClient, id: string) {
  const response = await client.request('GET', `/api/v1/admin/crous/account-files/${id}/content`);
  return { ...response, bytes: Buffer.from(response.text, 'latin1') };
}

async function rawContent(id: string): Promise<Buffer> {
  const response = await t.app.inject({ method: 'GET', url: `/api/v1/admin/crous/account-files/${id}/content`, headers: admin.credentials.cookie ? { cookie: admin.credentials.cookie } : {} });
  assert.equal(response.statusCode, 200, response.body);
  return response.rawPayload;
}

test('the four kinds start with the default layout; saved settings come back', async () => {
  const configs = await alphaAdmin.get<{ institution: string; uai: string; items: Array<{ kind: string; saved: boolean; settings: { columns: Array<{ field: string }> }; effectivePersonTypes: string[] }> }>(
    '/api/v1/admin/crous/account-files/configs');
  assert.equal(configs.status, 200, configs.text);
  assert.equal(configs.body.institution, 'alpha');
  assert.deepEqual(configs.body.items.map((item) => item.kind), ['new_entrants', 're_enrolments', 'staff_present', 'staff_leaving']);
  assert.deepEqual(configs.body.items[0]?.settings.columns.map((column) => column.field),
    ['identifier', 'ine', 'lastName', 'firstName', 'birthDate', 'email', 'uai', 'idRate', 'dueDate']);
  assert.deepEqual(configs.body.items[0]?.effectivePersonTypes, ['student']);
  assert.deepEqual(configs.body.items[2]?.effectivePersonTypes, ['staff']);
  const saved = await alphaAdmin.put<{ saved: boolean }>('/api/v1/admin/crous/account-files/configs/re_enrolments', reEnrolmentSettings);
  assert.equal(saved.status, 200, saved.text);
  assert.equal(saved.body.saved, true);
  const again = await alphaAdmin.get<{ items: Array<{ kind: string; saved: boolean; settings: typeof reEnrolmentSettings }> }>('/api/v1/admin/crous/account-files/configs');
  const reEnrolments = again.body.items.find((item) => item.kind === 're_enrolments');
  assert.equal(reEnrolments?.saved, true);
  assert.deepEqual(reEnrolments?.settings, reEnrolmentSettings);
});

test('a re-enrolment file holds the consenting re-enrolled students in the configured columns, separator and ISO-8859-1', async () => {
  const made = await alphaAdmin.post<FileView>('/api/v1/admin/crous/account-files', { kind: 're_enrolments', wait: true });
  assert.equal(made.status, 201, made.text);
  assert.equal(made.body.lineCount, 2, 'Hélène and Zoé: not the refusal, the silent one, the student whose rights ended, nor the new entrant');
  const bytes = await rawContent(made.body.id);
  // é is one byte 0xE9 in ISO-8859-1 (C3 A9 in UTF-8).
  assert.ok(bytes.includes(Buffer.from([0x4c, 0x65, 0x66, 0xe8, 0x76, 0x72, 0x65])), 'Lefèvre in ISO-8859-1');
  assert.ok(!bytes.includes(Buffer.from([0xc3, 0xa9])), 'no UTF-8 sequence');
  const text = bytes.toString('latin1');
  assert.equal(text, [
    'ID,Nom,Prénom,Naissance,RNE,Tarif',
    '123456789AB,Lefèvre,Hélène,05/04/2003,0751234J,1',
    'noel@alpha.example,Noël,Zoé,02/01/2002,0751234J,1',
    '',
  ].join('\r\n'));
  const response = await download(alphaAdmin, made.body.id);
  assert.match(String(response.headers['content-type']), /text\/csv; charset=iso-8859-1/);
  assert.match(String(response.headers['content-disposition']), /attachment; filename="crous-re-enrolments-alpha-\d{8}-\d{6}\.csv"/);
});

test('a new entrants file is a job with progress, in the default layout, with the students\' tariff and due date', async () => {
  const queued = await alphaAdmin.post<{ job: { id: string; status: string } }>('/api/v1/admin/crous/account-files', { kind: 'new_entrants' });
  assert.equal(queued.status, 202, queued.text);
  await t.runtime.services.crousFiles.runJob(queued.body.job.id);
  const job = await alphaAdmin.get<{ status: string; result: { fileId: string; lineCount: number }; progress: { current: number; total: number } }>(`/api/v1/jobs/${queued.body.job.id}`);
  assert.equal(job.body.status, 'succeeded', job.text);
  assert.equal(job.body.result.lineCount, 1);
  assert.deepEqual(job.body.progress, { current: 1, total: 1, percent: 100 });
  const text = (await rawContent(job.body.result.fileId)).toString('utf8');
  const rights = `${Number(year.end.slice(0, 4))}-08-31`;
  assert.equal(text, `identifier;ine;lastName;firstName;birthDate;email;uai;idRate;dueDate\r\nnouveau@alpha.example;;Nouveau;Nora;;nouveau@alpha.example;0751234J;1;${rights}\r\n`);
});

test('staff present and staff leaving: the leaving file carries tariff 99, within the window', async () => {
  const present = await alphaAdmin.post<FileView>('/api/v1/admin/crous/account-files', { kind: 'staff_present', wait: true });
  assert.equal(present.status, 201, present.text);
  const presentText = (await rawContent(present.body.id)).toString('utf8');
  assert.match(presentText, /^prof@alpha\.example;;Prof;Paul;;prof@alpha\.example;0751234J;99;/m, 'no tariff rule: staff default 78 / 99');
  assert.doesNotMatch(presentText, /parti@|vieux@/);
  const leaving = await alphaAdmin.post<FileView>('/api/v1/admin/crous/account-files', { kind: 'staff_leaving', wait: true });
  const leavingText = (await rawContent(leaving.body.id)).toString('utf8');
  assert.equal(leaving.body.lineCount, 1, 'left 5 days ago; not 200 days ago');
  assert.match(leavingText, new RegExp(`^parti@alpha\\.example;;Parti;Pia;;parti@alpha\\.example;0751234J;99;${daysAgo(5)}\\r$`, 'm'));
});

test('the preview shows the first lines with draft settings, and the total', async () => {
  const preview = await alphaAdmin.post<{ header: string; lines: string[]; total: number }>('/api/v1/admin/crous/account-files/preview', {
    kind: 're_enrolments', settings: { ...reEnrolmentSettings, separator: ';', columns: [{ field: 'eppn', label: 'eppn' }, { field: 'idCompanyRate', label: 'cat' }] },
  });
  assert.equal(preview.status, 200, preview.text);
  assert.deepEqual(preview.body, { institution: 'alpha', kind: 're_enrolments', header: 'eppn;cat', lines: ['helene@alpha.example;10', 'noel@alpha.example;10'], total: 2 });
});

test('bad settings are refused with 400 and the field at fault', async () => {
  const cases: Array<[Record<string, unknown>, string, string]> = [
    [{ ...reEnrolmentSettings, columns: [{ field: 'eppn', label: 'a' }, { field: 'eppn', label: 'b' }] }, '/columns/1/field', 'duplicate_column'],
    [{ ...reEnrolmentSettings, columns: [] }, '/columns', 'columns_required'],
    [{ ...reEnrolmentSettings, columns: [{ field: 'eppn', label: 'two\nlines' }] }, '/columns/0/label', 'invalid_label'],
    [{ ...reEnrolmentSettings, schedule: 'every day' }, '/schedule', 'invalid_cron'],
    [{ ...reEnrolmentSettings, personTypes: ['wizard'] }, '/personTypes/0', 'unknown_person_type'],
  ];
  for (const [body, field, code] of cases) {
    const response = await alphaAdmin.put<Problem>('/api/v1/admin/crous/account-files/configs/new_entrants', body);
    assert.equal(response.status, 400, response.text);
    assert.equal(response.body.code, 'validation_failed');
    assert.equal(response.body.field, field, response.text);
    assert.equal(response.body.errors?.[0]?.code, code, response.text);
  }
  const unknownColumn = await alphaAdmin.put<Problem>('/api/v1/admin/crous/account-files/configs/new_entrants',
    { ...reEnrolmentSettings, columns: [{ field: 'salary', label: 'x' }] });
  assert.equal(unknownColumn.status, 400);
  assert.match(String(unknownColumn.body.field), /^\/columns\/0/, unknownColumn.text);
  const badEncoding = await alphaAdmin.put<Problem>('/api/v1/admin/crous/account-files/configs/new_entrants', { ...reEnrolmentSettings, encoding: 'utf-16' });
  assert.equal(badEncoding.status, 400);
  assert.equal(badEncoding.body.field, '/encoding', badEncoding.text);
  const badKind = await alphaAdmin.put<Problem>('/api/v1/admin/crous/account-files/configs/everyone', reEnrolmentSettings);
  assert.equal(badKind.status, 400);
  const configs = await alphaAdmin.get<{ items: Array<{ kind: string; saved: boolean }> }>('/api/v1/admin/crous/account-files/configs');
  assert.equal(configs.body.items.find((item) => item.kind === 'new_entrants')?.saved, false, 'nothing was saved');
});

test('an admin of another institution neither lists, downloads, previews nor configures these files', async () => {
  const mine = await alphaAdmin.get<{ items: FileView[] }>('/api/v1/admin/crous/account-files');
  assert.ok(mine.body.items.length >= 3);
  assert.ok(mine.body.items.every((file) => file.institution === 'alpha'));
  const theirs = await betaAdmin.get<{ items: FileView[] }>('/api/v1/admin/crous/account-files');
  assert.equal(theirs.status, 200);
  assert.deepEqual(theirs.body.items, []);
  for (const file of mine.body.items) {
    const response = await betaAdmin.get<Problem>(`/api/v1/admin/crous/account-files/${file.id}/content`);
    assert.equal(response.status, 404);
    assert.equal(response.body.code, 'crous_file_not_found');
  }
  assert.equal((await betaAdmin.get<Problem>('/api/v1/admin/crous/account-files?institution=alpha')).body.code, 'institution_not_found');
  assert.equal((await betaAdmin.get<Problem>('/api/v1/admin/crous/account-files/configs?institution=alpha')).status, 404);
  assert.equal((await betaAdmin.put<Problem>('/api/v1/admin/crous/account-files/configs/new_entrants?institution=alpha', reEnrolmentSettings)).status, 404);
  assert.equal((await betaAdmin.post<Problem>('/api/v1/admin/crous/account-files/preview', { kind: 're_enrolments', institution: 'alpha' })).status, 404);
  assert.equal((await betaAdmin.post<Problem>('/api/v1/admin/crous/account-files', { kind: 're_enrolments', institution: 'alpha', wait: true })).status, 404);
  // Their own (empty) institution: nobody of alpha in its files.
  const own = await betaAdmin.post<FileView>('/api/v1/admin/crous/account-files', { kind: 're_enrolments', wait: true });
  assert.equal(own.status, 201, own.text);
  assert.equal(own.body.lineCount, 0);
  // A manager (not an admin) may not reach the files at all.
  const manager = await t.loginAs('manager', { institutions: ['alpha'] });
  assert.equal((await manager.get('/api/v1/admin/crous/account-files')).status, 403);
});

test('a schedule makes the file at its time, once, filed as scheduled', async () => {
  const saved = await alphaAdmin.put<{ nextRunAt: string }>('/api/v1/admin/crous/account-files/configs/staff_present',
    { ...reEnrolmentSettings, schedule: '0 6 * * 1' });
  assert.equal(saved.status, 200, saved.text);
  assert.ok(saved.body.nextRunAt !== null && new Date(saved.body.nextRunAt).getUTCHours() === 6);
  assert.equal(await t.runtime.services.crousFiles.tick(), 0, 'not due yet');
  await sql`UPDATE crous_file_configs SET next_run_at = now() - interval '1 minute' WHERE kind = 'staff_present'`.execute(t.runtime.database.db);
  assert.equal(await t.runtime.services.crousFiles.tick(), 1);
  assert.equal(await t.runtime.services.crousFiles.tick(), 0, 'claimed once; the next run moved on');
  const jobs = await admin.get<{ items: Array<{ id: string; status: string; kind: string }> }>('/api/v1/jobs?kind=crous-account-file');
  const scheduled = jobs.body.items.find((job) => job.status === 'queued');
  assert.ok(scheduled, jobs.text);
  await t.runtime.services.crousFiles.runJob(scheduled.id);
  const history = await alphaAdmin.get<{ items: FileView[] }>('/api/v1/admin/crous/account-files?kind=staff_present');
  assert.equal(history.body.items[0]?.trigger, 'schedule');
  assert.equal(history.body.items[0]?.createdBy, 'system:scheduler');
});

test('the CROUS\'s tariff rules of the institution, once fetched, give the tariff column', async () => {
  const alpha = await t.runtime.services.institution.byCode(t.runtime.database.db, 'alpha');
  assert.ok(alpha);
  await storeTariffRules(t.runtime.database.db, alpha.id, {
    crousNumber: '75', rne: '0751234J', at: new Date(),
    rules: [{ statusCode: 'prs', indexMin: null, indexMax: null, idCompanyRate: 21, idRate: 3 }],
  });
  const preview = await alphaAdmin.post<{ lines: string[] }>('/api/v1/admin/crous/account-files/preview', {
    kind: 'staff_present', settings: { ...reEnrolmentSettings, columns: [{ field: 'eppn', label: 'eppn' }, { field: 'idCompanyRate', label: 'cat' }, { field: 'idRate', label: 'rate' }] },
  });
  assert.equal(preview.status, 200, preview.text);
  assert.deepEqual(preview.body.lines, ['prof@alpha.example,21,3'], 'staff mapped to prs, matched by the rule');
  const leaving = await alphaAdmin.post<{ lines: string[] }>('/api/v1/admin/crous/account-files/preview', {
    kind: 'staff_leaving', settings: { ...reEnrolmentSettings, columns: [{ field: 'eppn', label: 'eppn' }, { field: 'idRate', label: 'rate' }] },
  });
  assert.deepEqual(leaving.body.lines, ['parti@alpha.example,99'], 'the leaving file always says 99');
});
