import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, type TestApp, type TestClient } from '../helpers/test-app.ts';
import { DIRECTORY_QUEUES } from '../../src/modules/directory/directory-sync.service.ts';

// CSV person sources read only inside PERSON_SOURCE_DIR: a source's path is relative to it and
// resolved with realpath, so neither "..", an absolute path nor a symbolic link reaches another
// file of the server (the preview would show its content). Admins upload the file from the
// console; an admin limited to an institution reads and writes only that institution's folder.

interface Problem { code: string; field?: string; errors?: Array<{ field: string; code: string }> }

let t: TestApp;
let admin: TestClient;
const root = mkdtempSync(join(tmpdir(), 'campuscard-csv-files-'));
const dir = join(root, 'sources');
const outside = join(root, 'secret.csv');
const CSV = 'eppn;last_name;first_name;person_type\nsecret@elsewhere.example;Secret;Sam;student\n';

before(async () => {
  mkdirSync(dir);
  writeFileSync(outside, CSV);
  t = await startTestApp({ env: { PERSON_SOURCE_DIR: dir } });
  admin = await t.loginAs('admin');
  for (const [code, pic] of [['alpha', '111111111'], ['beta', '222222222']] as const) {
    const created = await admin.post('/api/v1/institutions', { code, name: code.toUpperCase(), pic });
    assert.equal(created.status, 201, created.text);
  }
});

after(async () => {
  await t?.close();
  rmSync(root, { recursive: true, force: true });
});

function csvSource(name: string, path: string, institution = 'alpha') {
  return { name, kind: 'csv', institution, settings: { path } };
}

function upload(client: TestClient, path: string, body: string | Buffer, type = 'text/csv') {
  return client.request<{ path: string; size: number } & Problem>('PUT', `/api/v1/admin/person-source-files?path=${encodeURIComponent(path)}`,
    { payload: body, headers: { 'content-type': type } });
}

/** The refusal of a source definition: 400 validation_failed naming /settings/path and its code. */
async function refused(body: Record<string, unknown>, code: string, client: TestClient = admin): Promise<void> {
  const response = await client.post<Problem>('/api/v1/admin/person-sources', body);
  assert.equal(response.status, 400, response.text);
  assert.equal(response.body.code, 'validation_failed');
  assert.equal(response.body.field, '/settings/path', response.text);
  assert.equal(response.body.errors?.[0]?.code, code, response.text);
  assert.doesNotMatch(response.text, /Secret|secret@elsewhere/, 'nothing of the file is shown');
}

test('a source naming a file outside PERSON_SOURCE_DIR is refused with the field and a stable code', async () => {
  await refused(csvSource('up', '../secret.csv'), 'path_outside_directory');
  await refused(csvSource('deep', 'a/../../secret.csv'), 'path_outside_directory');
  await refused(csvSource('absolute', outside), 'path_not_relative');
  await refused(csvSource('etc', '/etc/passwd'), 'path_not_relative');
  await refused(csvSource('missing', 'nobody.csv'), 'file_not_found');
  await refused(csvSource('hidden', '.env'), 'invalid_path');
  // A link inside the folder leading outside it: realpath sees through it.
  symlinkSync(outside, join(dir, 'link.csv'));
  await refused(csvSource('link', 'link.csv'), 'path_outside_directory');
  symlinkSync(root, join(dir, 'up-folder'));
  await refused(csvSource('link-folder', 'up-folder/secret.csv'), 'path_outside_directory');
  mkdirSync(join(dir, 'folder'));
  await refused(csvSource('folder', 'folder'), 'not_a_file');
  const listed = await admin.get<{ items: unknown[] }>('/api/v1/admin/person-sources');
  assert.equal(listed.body.items.length, 0, 'none was saved');
});

test('a file becoming a link after the source was saved is refused at preview, test and sync', async () => {
  const file = join(dir, 'swapped.csv');
  writeFileSync(file, 'eppn;last_name;first_name;person_type\nok@alpha.example;Bon;Ali;student\n');
  const created = await admin.post('/api/v1/admin/person-sources', csvSource('swapped', 'swapped.csv'));
  assert.equal(created.status, 201, created.text);
  rmSync(file);
  symlinkSync(outside, file);
  const preview = await admin.get<Problem>('/api/v1/admin/person-sources/swapped/preview');
  assert.equal(preview.status, 400, preview.text);
  assert.equal(preview.body.field, '/settings/path');
  assert.equal(preview.body.errors?.[0]?.code, 'path_outside_directory');
  assert.doesNotMatch(preview.text, /Secret|secret@elsewhere/);
  const tested = await admin.post<{ ok: boolean; code: string }>('/api/v1/admin/person-sources/swapped/test');
  assert.equal(tested.status, 200);
  assert.deepEqual([tested.body.ok, tested.body.code], [false, 'path_outside_directory']);
  const started = await admin.post<{ id: string }>('/api/v1/admin/person-sources/swapped/sync', {});
  assert.equal(started.status, 202, started.text);
  await t.runtime.jobs.drain([DIRECTORY_QUEUES.sync]);
  const run = await admin.get<{ status: string; counts: { read: number } }>(`/api/v1/admin/person-sources/runs/${started.body.id}`);
  assert.equal(run.body.status, 'failed', run.text);
  assert.equal(run.body.counts.read, 0);
  assert.doesNotMatch(run.text, /secret@elsewhere/);
});

test('a CSV file the parser cannot use names why: the preview is 422 and the run fails with the parser\'s code', async () => {
  // No person_type column: a required column of the person CSV format.
  writeFileSync(join(dir, 'columns.csv'), 'eppn;last_name;first_name\nc1@alpha.example;Un;Ana\n');
  const created = await admin.post('/api/v1/admin/person-sources', csvSource('columns', 'columns.csv'));
  assert.equal(created.status, 201, created.text);
  const preview = await admin.get<Problem>('/api/v1/admin/person-sources/columns/preview');
  assert.equal(preview.status, 422, preview.text);
  assert.equal(preview.body.code, 'missing_column');
  const started = await admin.post<{ id: string }>('/api/v1/admin/person-sources/columns/sync', {});
  assert.equal(started.status, 202, started.text);
  await t.runtime.jobs.drain([DIRECTORY_QUEUES.sync]);
  const run = await admin.get<{ status: string; outcome: { code: string; message: string } | null }>(`/api/v1/admin/person-sources/runs/${started.body.id}`);
  assert.equal(run.body.status, 'failed', run.text);
  assert.equal(run.body.outcome?.code, 'missing_column', run.text);
  assert.match(run.body.outcome?.message ?? '', /person_type/);
});

test('upload round trip: the file lands in PERSON_SOURCE_DIR, a source reads it, a new upload replaces it', async () => {
  const content = 'eppn;last_name;first_name;person_type\nu1@alpha.example;Un;Ana;student\n';
  const first = await upload(admin, 'sis/persons.csv', content);
  assert.equal(first.status, 201, first.text);
  assert.deepEqual(first.body, { path: 'sis/persons.csv', size: Buffer.byteLength(content) });
  assert.match(readFileSync(join(dir, 'sis', 'persons.csv'), 'utf8'), /u1@alpha\.example/);
  const created = await admin.post('/api/v1/admin/person-sources', csvSource('uploaded', 'sis/persons.csv'));
  assert.equal(created.status, 201, created.text);
  const preview = await admin.get<{ items: Array<{ key: string; ok: boolean }> }>('/api/v1/admin/person-sources/uploaded/preview');
  assert.deepEqual(preview.body.items.map((item) => [item.key, item.ok]), [['u1@alpha.example', true]]);
  const second = await upload(admin, 'sis/persons.csv', 'eppn;last_name;first_name;person_type\nu2@alpha.example;Deux;Bea;staff\nu3@alpha.example;Trois;Cy;student\n');
  assert.equal(second.status, 201, second.text);
  const again = await admin.get<{ items: Array<{ key: string }> }>('/api/v1/admin/person-sources/uploaded/preview');
  assert.deepEqual(again.body.items.map((item) => item.key), ['u2@alpha.example', 'u3@alpha.example']);
});

test('an upload is checked like a source path, and like an import file', async () => {
  for (const [path, code] of [['../evil.csv', 'path_outside_directory'], [outside, 'path_not_relative'], ['up-folder/evil.csv', 'path_outside_directory'], ['folder', 'not_a_file']] as const) {
    const response = await upload(admin, path, CSV);
    assert.equal(response.status, 400, `${path}: ${response.text}`);
    assert.deepEqual([response.body.code, response.body.field, response.body.errors?.[0]?.code], ['validation_failed', '/path', code], path);
  }
  assert.equal(readFileSync(outside, 'utf8'), CSV, 'nothing outside was written');
  // The link itself is replaced, never the file it points at.
  const replaced = await upload(admin, 'link.csv', 'eppn;last_name;first_name;person_type\n');
  assert.equal(replaced.status, 201, replaced.text);
  assert.equal(readFileSync(outside, 'utf8'), CSV);
  assert.equal((await upload(admin, 'empty.csv', '')).body.code, 'empty_file');
  const spreadsheet = await upload(admin, 'sheet.csv', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]), 'application/octet-stream');
  assert.deepEqual([spreadsheet.status, spreadsheet.body.code], [415, 'not_csv']);
  const manager = await t.loginAs('manager');
  assert.equal((await upload(manager, 'x.csv', CSV)).status, 403, 'admins only');
  assert.equal((await upload(t.anonymous, 'x.csv', CSV)).status, 401);
});

test('an admin limited to an institution names and uploads only files of its folder', async () => {
  const limited = await t.loginAs('admin', { institutions: ['beta'] });
  const own = await upload(limited, 'beta/persons.csv', 'eppn;last_name;first_name;person_type\nb1@beta.example;Beta;Bo;student\n');
  assert.equal(own.status, 201, own.text);
  for (const path of ['alpha/persons.csv', 'persons.csv', 'sis/persons.csv']) {
    const response = await upload(limited, path, CSV);
    assert.equal(response.status, 400, response.text);
    assert.equal(response.body.errors?.[0]?.code, 'path_outside_institution_folder');
  }
  assert.match(readFileSync(join(dir, 'sis', 'persons.csv'), 'utf8'), /u2@alpha\.example/, 'another institution\'s file is untouched');
  // The file uploaded for alpha by an admin of every institution cannot be read through a beta source.
  await refused(csvSource('beta-reads-alpha', 'sis/persons.csv', 'beta'), 'path_outside_institution_folder', limited);
  const created = await limited.post('/api/v1/admin/person-sources', csvSource('beta-own', 'beta/persons.csv', 'beta'));
  assert.equal(created.status, 201, created.text);
  const changed = await limited.patch<Problem>('/api/v1/admin/person-sources/beta-own', { settings: { path: 'sis/persons.csv' } });
  assert.equal(changed.status, 400, changed.text);
  assert.equal(changed.body.errors?.[0]?.code, 'path_outside_institution_folder');
  // Its own source stays editable (the path unchanged is not checked again).
  assert.equal((await limited.patch('/api/v1/admin/person-sources/beta-own', { schedule: '0 4 * * *' })).status, 200);
});
