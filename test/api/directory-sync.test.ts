import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import sharp from 'sharp';
import type { SourceRecord } from '../../src/modules/directory/domain/person-source.ts';
import { startTestApp, type TestApp, type TestClient } from '../helpers/test-app.ts';
import { DIRECTORY_QUEUES } from '../../src/modules/directory/directory-sync.service.ts';

// Directory sync through the admin API, against a real HTTP source (the REST/JSON plug-in reading
// a small paged API served by this test) and a CSV file: diff, dry run, gone persons, the safety
// stop, bad records, idempotent resync, scope of the admin routes, bad input.

interface Run {
  id: string; status: string; mode: string; dryRun: boolean; trigger: string;
  counts: { read: number; new: number; changed: number; gone: number; unchanged: number; errors: number };
  sample: Array<{ kind: string; key: string; eppn: string | null; fields: string[] }>;
  errors: Array<{ key: string; field: string; code: string }>;
  outcome: Record<string, unknown> | null; confirmedBy: string | null;
}
interface Source { id: string; name: string; institution: string | null; nextRunAt: string | null; lastFullCount: number | null; lastRun?: Run | null }

let t: TestApp;
let admin: TestClient;
let server: Server;
let baseUrl: string;
let records: Array<Record<string, unknown>> = [];
const requests: string[] = [];
const tmp = mkdtempSync(join(tmpdir(), 'campuscard-directory-'));
const TODAY = new Date().toISOString().slice(0, 10);

function person(index: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: `emp-${index}`, eppn: `agent${index}@hr.example.fr`, name: { last: `Nom${index}`, first: 'Agent' },
    mail: `agent${index}@hr.example.fr`, affiliation: ['member', index % 2 === 0 ? 'staff' : 'student'], groups: ['cn=staff,ou=groups'], ...extra,
  };
}

const MAPPING = {
  fields: { eppn: 'eppn', lastName: 'name.last', firstName: 'name.first', email: 'mail', rightsEnd: 'expiry' },
  affiliationAttributes: ['affiliation'],
  groupsAttribute: 'groups',
};

before(async () => {
  server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    requests.push(request.headers.authorization ?? '');
    if (request.headers.authorization !== 'Bearer s3cret') {
      response.writeHead(401).end();
      return;
    }
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
  for (const [code, pic] of [['alpha', '111111111'], ['beta', '222222222']] as const) {
    const created = await admin.post('/api/v1/institutions', { code, name: code.toUpperCase(), pic });
    assert.equal(created.status, 201, created.text);
  }
});
after(async () => {
  await t.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(tmp, { recursive: true, force: true });
});

function restSource(name: string, extra: Record<string, unknown> = {}) {
  return {
    name, kind: 'rest', institution: 'alpha', mapping: MAPPING, gonePolicy: 'today',
    settings: { url: baseUrl, auth: { type: 'bearer', secretEnv: 'HR_TOKEN' }, pagination: { style: 'page', size: 3 }, recordsPath: 'items', keyPath: 'id' },
    ...extra,
  };
}

async function createSource(body: Record<string, unknown>, client: TestClient = admin): Promise<Source> {
  const response = await client.post<Source>('/api/v1/admin/person-sources', body);
  assert.equal(response.status, 201, response.text);
  return response.body;
}

/** Starts a sync through the API and runs its job; returns the run as the API shows it then. */
async function sync(source: string, body: Record<string, unknown> = {}, client: TestClient = admin): Promise<Run> {
  const started = await client.post<Run>(`/api/v1/admin/person-sources/${source}/sync`, body);
  assert.equal(started.status, 202, started.text);
  assert.equal(started.body.status, 'queued');
  await t.runtime.jobs.drain([DIRECTORY_QUEUES.sync]);
  const run = await client.get<Run>(`/api/v1/admin/person-sources/runs/${started.body.id}`);
  assert.equal(run.status, 200, run.text);
  return run.body;
}

async function count(query: ReturnType<typeof sql<{ count: number }>>): Promise<number> {
  return (await query.execute(t.runtime.database.db)).rows[0]?.count ?? -1;
}

async function enrolment(eppn: string) {
  const { rows } = await sql<{ rightsEnd: string | null; personType: string; lastName: string }>`
    SELECT e.rights_end::text AS rights_end, e.person_type, p.last_name FROM persons p JOIN enrolments e ON e.person_id = p.id
    JOIN institutions i ON i.id = e.institution_id WHERE p.eppn = ${eppn} AND i.code = 'alpha'`.execute(t.runtime.database.db);
  return rows[0];
}

const personWrites = () => count(sql<{ count: number }>`SELECT count(*)::int AS count FROM audit_log WHERE table_name IN ('persons', 'enrolments')`);

test('a REST source: preview, dry run writes nothing, then new persons; a resync writes nothing; changes and gone persons apply', async () => {
  records = Array.from({ length: 20 }, (_, index) => person(index));
  records.push(person(99, { eppn: 'not an eppn', mail: 'nope' }));
  const source = await createSource(restSource('hr'));
  assert.equal(source.institution, 'alpha');
  assert.equal(JSON.stringify(source).includes('s3cret'), false, 'no secret is shown back');

  const tested = await admin.post<{ ok: boolean }>('/api/v1/admin/person-sources/hr/test');
  assert.equal(tested.body.ok, true, tested.text);
  const preview = await admin.get<{ items: Array<{ key: string; ok: boolean; person: Record<string, unknown> | null; groups: string[] }> }>('/api/v1/admin/person-sources/hr/preview');
  assert.equal(preview.status, 200, preview.text);
  assert.equal(preview.body.items.length, 10);
  assert.deepEqual(preview.body.items[0]?.person, { eppn: 'agent0@hr.example.fr', lastName: 'Nom0', firstName: 'Agent', email: 'agent0@hr.example.fr', personType: 'staff' });
  assert.equal(preview.body.items[1]?.person?.personType, 'student');
  assert.deepEqual(preview.body.items[0]?.groups, ['cn=staff,ou=groups']);

  const before = await personWrites();
  const dry = await sync('hr', { dryRun: true });
  assert.equal(dry.status, 'succeeded');
  assert.deepEqual(dry.counts, { read: 21, new: 20, changed: 0, gone: 0, unchanged: 0, errors: 1 });
  assert.equal(dry.sample[0]?.kind, 'new');
  assert.ok(dry.sample[0]?.fields.includes('lastName'));
  assert.equal(await personWrites(), before, 'a dry run writes no person');
  assert.equal(await enrolment('agent0@hr.example.fr'), undefined);
  assert.equal(await count(sql<{ count: number }>`SELECT count(*)::int AS count FROM person_source_entries`), 0);

  const first = await sync('hr', { mode: 'full' });
  assert.equal(first.status, 'succeeded', JSON.stringify(first.outcome));
  assert.deepEqual(first.counts, { read: 21, new: 20, changed: 0, gone: 0, unchanged: 0, errors: 1 });
  assert.deepEqual(first.errors.map((error) => [error.key, error.field, error.code]).sort(),
    [['emp-99', 'email', 'invalid_email'], ['emp-99', 'eppn', 'invalid_eppn']]);
  assert.equal((await enrolment('agent0@hr.example.fr'))?.personType, 'staff');
  assert.equal((await enrolment('agent1@hr.example.fr'))?.personType, 'student');
  const { rows: history } = await sql<{ actor: string }>`SELECT DISTINCT actor FROM audit_log WHERE table_name = 'persons' AND row_id = (SELECT id::text FROM persons WHERE eppn = 'agent0@hr.example.fr')`.execute(t.runtime.database.db);
  assert.deepEqual(history.map((row) => row.actor), ['directory:hr'], 'the history names the source');

  const written = await personWrites();
  const again = await sync('hr');
  assert.deepEqual(again.counts, { read: 21, new: 0, changed: 0, gone: 0, unchanged: 20, errors: 1 });
  assert.equal(await personWrites(), written, 'a no-change resync writes no person');
  assert.equal(await count(sql<{ count: number }>`SELECT count(*)::int AS count FROM person_source_entries WHERE last_seen_run = ${again.id}`), 0, 'nor any entry');

  records[3] = person(3, { name: { last: 'Renamed', first: 'Agent' } });
  records.splice(5, 1); // emp-5 leaves: 20 of 21 records, above the 90% of the last full count
  const changed = await sync('hr');
  assert.equal(changed.status, 'succeeded', JSON.stringify(changed.outcome));
  assert.deepEqual(changed.counts, { read: 20, new: 0, changed: 1, gone: 1, unchanged: 18, errors: 1 });
  assert.deepEqual(changed.sample.find((item) => item.kind === 'changed'), {
    kind: 'changed', key: 'emp-3', eppn: 'agent3@hr.example.fr', institution: 'alpha', fields: ['lastName'],
    changes: [{ field: 'lastName', before: 'Nom3', after: 'Renamed' }], enrolledElsewhere: false,
  });
  assert.equal((await enrolment('agent3@hr.example.fr'))?.lastName, 'Renamed');
  assert.equal((await enrolment('agent5@hr.example.fr'))?.rightsEnd, TODAY, 'the gone person\'s rights end today (policy)');
  assert.equal(await count(sql<{ count: number }>`SELECT count(*)::int AS count FROM persons WHERE eppn = 'agent5@hr.example.fr'`), 1, 'nobody is deleted');

  const quiet = await sync('hr');
  assert.equal(quiet.counts.gone, 0, 'a gone person is ended once');

  records.push(person(5));
  const back = await sync('hr');
  assert.equal(back.counts.changed, 1, 'a person back in the source is changed (rights restored)');
  assert.equal((await enrolment('agent5@hr.example.fr'))?.rightsEnd, null);
});

test('a full read under 90% of the last count stops before writing, until an admin confirms; cancel ends it', async () => {
  records = Array.from({ length: 10 }, (_, index) => person(100 + index));
  await createSource(restSource('stop', { gonePolicy: '+30 days' }));
  assert.equal((await sync('stop')).counts.new, 10);
  const kept = records;
  // An office already ended this person's rights earlier than the policy would: that date stays.
  await sql`UPDATE enrolments SET rights_end = DATE '2026-01-15' WHERE person_id = (SELECT id FROM persons WHERE eppn = 'agent108@hr.example.fr')`.execute(t.runtime.database.db);
  records = kept.slice(0, 6); // a 60% answer: an outage, not departures
  const stopped = await sync('stop');
  assert.equal(stopped.status, 'awaiting_confirmation');
  assert.equal(stopped.outcome?.code, 'safety_stop');
  assert.equal(stopped.counts.gone, 4);
  assert.equal((await enrolment('agent109@hr.example.fr'))?.rightsEnd, null, 'nothing was applied');
  const busy = await admin.post('/api/v1/admin/person-sources/stop/sync', {});
  assert.equal(busy.status, 409);
  assert.equal((busy.body as { code: string }).code, 'sync_already_active');
  const listed = await admin.get<{ items: Source[] }>('/api/v1/admin/person-sources');
  assert.equal(listed.body.items.find((item) => item.name === 'stop')?.lastRun?.status, 'awaiting_confirmation');

  const confirmed = await admin.post<Run>(`/api/v1/admin/person-sources/runs/${stopped.id}/confirm`);
  assert.equal(confirmed.status, 200, confirmed.text);
  assert.equal(confirmed.body.status, 'queued');
  await t.runtime.jobs.drain([DIRECTORY_QUEUES.sync]);
  const applied = (await admin.get<Run>(`/api/v1/admin/person-sources/runs/${stopped.id}`)).body;
  assert.equal(applied.status, 'succeeded');
  assert.ok(applied.confirmedBy?.startsWith('account:'));
  assert.equal(applied.counts.gone, 4);
  const in30 = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  assert.equal((await enrolment('agent109@hr.example.fr'))?.rightsEnd, in30);
  assert.equal((await enrolment('agent108@hr.example.fr'))?.rightsEnd, '2026-01-15', 'an earlier end is kept');
  assert.equal((await admin.post(`/api/v1/admin/person-sources/runs/${stopped.id}/confirm`)).status, 409, 'confirmed once');

  records = kept.slice(0, 1); // 1 of 6 left: stops again, and the admin cancels
  const second = await sync('stop');
  assert.equal(second.status, 'awaiting_confirmation');
  const cancelled = await admin.post<Run>(`/api/v1/admin/person-sources/runs/${second.id}/cancel`);
  assert.equal(cancelled.body.status, 'cancelled');
  assert.equal((await enrolment('agent101@hr.example.fr'))?.rightsEnd, null);
  assert.equal((await admin.post(`/api/v1/admin/person-sources/runs/${second.id}/cancel`)).status, 409);
});

test('a CSV file is a source too, read by the import\'s parser; an unreadable line ends nobody\'s rights', async () => {
  const path = join(tmp, 'persons.csv');
  writeFileSync(path, 'eppn;last_name;first_name;person_type\ncsv1@csv.example.fr;Un;Anne;student\ncsv2@csv.example.fr;Deux;Paul;staff\n');
  await createSource({ name: 'csv', kind: 'csv', institution: 'alpha', settings: { path: 'persons.csv' } });
  const first = await sync('csv');
  assert.deepEqual(first.counts, { read: 2, new: 2, changed: 0, gone: 0, unchanged: 0, errors: 0 });
  assert.equal((await enrolment('csv2@csv.example.fr'))?.personType, 'staff');
  writeFileSync(path, 'eppn;last_name;first_name;person_type\ncsv1@csv.example.fr;Un;Anne;student\nbroken;Deux;Paul;staff\n');
  const broken = await sync('csv');
  assert.equal(broken.counts.errors, 1);
  assert.equal(broken.counts.gone, 0);
  assert.equal(broken.outcome?.code, 'gone_not_computed');
  assert.equal((await enrolment('csv2@csv.example.fr'))?.rightsEnd, null);
});

test('the scheduler tick claims due sources once, and queues their runs', async () => {
  records = [person(200)];
  const source = await createSource(restSource('nightly', { schedule: '0 3 * * *' }));
  assert.ok(source.nextRunAt && new Date(source.nextRunAt).getUTCHours() === 3);
  await sql`UPDATE person_sources SET next_run_at = now() - interval '1 minute' WHERE name = 'nightly'`.execute(t.runtime.database.db);
  const ticks = await Promise.all([t.runtime.services.directory.sync.tick(), t.runtime.services.directory.sync.tick()]);
  assert.equal(ticks[0] + ticks[1], 1, 'two ticks at once start one run');
  assert.equal(await t.runtime.services.directory.sync.tick(), 0);
  const after = (await admin.get<Source>('/api/v1/admin/person-sources/nightly')).body;
  assert.ok(after.nextRunAt && new Date(after.nextRunAt) > new Date(), 'the next run is planned');
  await t.runtime.jobs.drain([DIRECTORY_QUEUES.sync]);
  const runs = await admin.get<{ items: Run[] }>('/api/v1/admin/person-sources/nightly/runs');
  assert.equal(runs.body.items.length, 1);
  assert.equal(runs.body.items[0]?.trigger, 'schedule');
  assert.equal(runs.body.items[0]?.status, 'succeeded');
});

test('an admin limited to an institution sees and runs only its sources', async () => {
  records = [person(300)];
  await createSource(restSource('alpha-only'));
  const limited = await t.loginAs('admin', { institutions: ['beta'] });
  const own = await createSource(restSource('beta-hr', { institution: 'beta' }), limited);
  const listed = await limited.get<{ items: Source[] }>('/api/v1/admin/person-sources');
  assert.deepEqual(listed.body.items.map((item) => item.name), [own.name]);
  for (const [method, url] of [
    ['GET', '/api/v1/admin/person-sources/alpha-only'], ['PATCH', '/api/v1/admin/person-sources/alpha-only'],
    ['DELETE', '/api/v1/admin/person-sources/alpha-only'], ['POST', '/api/v1/admin/person-sources/alpha-only/sync'],
    ['GET', '/api/v1/admin/person-sources/alpha-only/preview'], ['POST', '/api/v1/admin/person-sources/alpha-only/test'],
    ['GET', '/api/v1/admin/person-sources/alpha-only/runs'],
  ] as const) {
    const response = await limited.request(method, url, method === 'PATCH' ? { body: { incremental: true } } : method === 'POST' ? { body: {} } : {});
    assert.equal(response.status, 404, `${method} ${url}: ${response.text}`);
  }
  const run = await sync('alpha-only');
  assert.equal((await limited.get(`/api/v1/admin/person-sources/runs/${run.id}`)).status, 404);
  assert.equal((await limited.post(`/api/v1/admin/person-sources/runs/${run.id}/cancel`)).status, 404);
  assert.equal((await limited.post('/api/v1/admin/person-sources', restSource('sneaky'))).status, 404, 'alpha is outside the limited admin\'s institutions');
  const noInstitution = await limited.post<{ code: string; errors: Array<{ field: string }> }>('/api/v1/admin/person-sources', { ...restSource('anywhere'), institution: null });
  assert.equal(noInstitution.status, 400);
  assert.equal(noInstitution.body.errors[0]?.field, '/institution');
  const manager = await t.loginAs('manager');
  assert.equal((await manager.get('/api/v1/admin/person-sources')).status, 403);
});

test('bad input is a 4xx problem naming the field, and nothing is written', async () => {
  const cases: Array<[Record<string, unknown>, number, string]> = [
    [restSource('bad-cron', { schedule: '61 * * * *' }), 400, '/schedule'],
    [restSource('bad-gone', { gonePolicy: 'tomorrow' }), 400, '/gonePolicy'],
    [restSource('bad-map', { mapping: { fields: { eppn: 'eppn', lastName: 'x y' } } }), 400, '/mapping/fields/lastName'],
    [restSource('bad-url', { settings: { url: 'ftp://x', keyPath: 'id' } }), 400, '/settings/url'],
    [restSource('Bad Name'), 400, '/name'],
    [{ ...restSource('bad-kind'), kind: 'ftp' }, 400, '/kind'],
    [restSource('hr'), 409, '/name'],
  ];
  const sources = await count(sql<{ count: number }>`SELECT count(*)::int AS count FROM person_sources`);
  for (const [body, status, field] of cases) {
    const response = await admin.post<{ code: string; field?: string; errors?: Array<{ field: string }> }>('/api/v1/admin/person-sources', body);
    assert.equal(response.status, status, `${JSON.stringify(body)}: ${response.text}`);
    assert.match(String(response.headers['content-type']), /application\/problem\+json/);
    const fields = [response.body.field, ...(response.body.errors ?? []).map((error) => error.field)];
    assert.ok(fields.some((value) => value?.startsWith(field)), `${field} in ${response.text}`);
  }
  assert.equal(await count(sql<{ count: number }>`SELECT count(*)::int AS count FROM person_sources`), sources);
  assert.equal((await admin.post('/api/v1/admin/person-sources/hr/sync', { mode: 'sometimes' })).status, 400);
  assert.equal((await admin.post('/api/v1/admin/person-sources/runs/not-a-uuid/confirm')).status, 400);
  assert.equal((await admin.patch('/api/v1/admin/person-sources/hr', { kind: 'ldap' })).status, 400);
  assert.equal((await admin.get('/api/v1/admin/person-sources/nope')).status, 404);
});

test('a source whose server refuses the credentials fails its run with the reason, and writes nothing', async () => {
  await createSource(restSource('locked', { settings: {
    url: baseUrl, auth: { type: 'bearer', secretEnv: 'HR_TOKEN' }, pagination: { style: 'page', size: 3 }, recordsPath: 'items', keyPath: 'id',
  } }));
  await sql`UPDATE person_sources SET settings = jsonb_set(settings, '{auth}', '{"type":"none"}') WHERE name = 'locked'`.execute(t.runtime.database.db);
  const tested = await admin.post<{ ok: boolean; code: string }>('/api/v1/admin/person-sources/locked/test');
  assert.deepEqual([tested.body.ok, tested.body.code], [false, 'source_unreachable']);
  const run = await sync('locked');
  assert.equal(run.status, 'failed');
  assert.match(String(run.outcome?.message), /401/);
  assert.equal(run.counts.new, 0);
});

test('photos seed the card photo of persons without one (when the source allows it); groups go to the group roles', async () => {
  // A stand-in plug-in for this test only (the LDAP plug-in, which gives jpegPhoto, is tested against slapd).
  const photo = await sharp({ create: { width: 300, height: 400, channels: 3, background: '#88aacc' } }).jpeg().toBuffer();
  let entries: SourceRecord[] = [];
  t.runtime.services.directory.sources.register('ldap', () => ({
    test: async () => ({ ok: true, message: 'in memory' }),
    records: async () => ({ pages: (async function* pages() { yield { records: entries }; })(), watermark: () => null }),
  }));
  const entry = (uid: string, extra: Partial<SourceRecord> = {}): SourceRecord => ({
    key: uid, attributes: { eduPersonPrincipalName: [`${uid}@photo.example.fr`], sn: ['Photo'], givenName: [uid], eduPersonAffiliation: ['student'], isMemberOf: ['cn=etudiants,ou=groups'] }, ...extra,
  });
  const existing = await t.runtime.services.people.create({ eppn: 'has@photo.example.fr', lastName: 'Photo', firstName: 'Has', personType: 'student', institution: 'alpha' }, { actor: 'test' });
  const own = await sharp({ create: { width: 300, height: 400, channels: 3, background: '#cc8888' } }).jpeg().toBuffer();
  const kept = await t.runtime.services.photos.store(t.runtime.database.db, existing.id, own, { actor: 'test' });
  entries = [entry('seeded', { photo: new Uint8Array(photo) }), entry('has', { photo: new Uint8Array(photo) }), entry('broken', { photo: new Uint8Array([1, 2, 3]) })];
  await createSource({ name: 'photos', kind: 'ldap', institution: 'alpha', photosAllowed: true, settings: {} });
  const run = await sync('photos');
  assert.equal(run.status, 'succeeded', JSON.stringify(run.outcome));
  assert.deepEqual([run.counts.new, run.counts.changed], [2, 1], 'counted against the persons: the one known already is changed (its first name), not new');
  assert.deepEqual(run.errors.map((error) => [error.key, error.field]), [['broken', 'photo']], 'a refused photo is reported; its person is written');
  const photosOf = async (eppn: string) => (await sql<{ id: string }>`SELECT ph.id FROM photos ph JOIN persons p ON p.id = ph.person_id WHERE p.eppn = ${eppn}`.execute(t.runtime.database.db)).rows.map((row) => row.id);
  assert.equal((await photosOf('seeded@photo.example.fr')).length, 1, 'seeded through the photo pipeline');
  assert.deepEqual(await photosOf('has@photo.example.fr'), [kept.id], 'a person with a photo keeps theirs');
  assert.equal((await photosOf('broken@photo.example.fr')).length, 0);
  const { rows: memberships } = await sql<{ eppn: string; groups: string[] }>`SELECT eppn, groups FROM group_memberships WHERE origin LIKE 'source:%' AND eppn LIKE '%@photo.example.fr' ORDER BY eppn`.execute(t.runtime.database.db);
  assert.deepEqual(memberships.map((row) => row.eppn), ['broken@photo.example.fr', 'has@photo.example.fr', 'seeded@photo.example.fr']);
  assert.deepEqual(memberships[0]?.groups, ['cn=etudiants,ou=groups']);

  await createSource({ name: 'no-photos', kind: 'ldap', institution: 'beta', settings: {} });
  entries = [entry('other', { photo: new Uint8Array(photo) })];
  assert.equal((await sync('no-photos')).counts.new, 1);
  assert.equal((await photosOf('other@photo.example.fr')).length, 0, 'a source not allowed to seed photos seeds none');
});

test('a run left running by a lost worker runs again to the same end; with no attempt left it fails and frees the source', async () => {
  records = Array.from({ length: 4 }, (_, index) => person(400 + index));
  await createSource(restSource('crashy'));
  const started = await admin.post<Run & { jobId: string }>('/api/v1/admin/person-sources/crashy/sync', {});
  // The worker died after committing part of the work: the run says running, two persons are written.
  await sql`UPDATE person_source_runs SET status = 'running' WHERE id = ${started.body.id}`.execute(t.runtime.database.db);
  await t.runtime.services.people.upsertMany(t.runtime.database.db, records.slice(0, 2).map((record) => ({
    eppn: String(record.eppn), lastName: (record.name as { last: string }).last, firstName: 'Agent', email: String(record.mail), personType: 'staff',
  })), { actor: 'test' }, { channel: 'import', institutionId: (await t.runtime.services.institution.byCode(t.runtime.database.db, 'alpha'))?.id as number });
  assert.equal(await t.runtime.jobs.drain([DIRECTORY_QUEUES.sync]), 1, 'the retry');
  const retried = (await admin.get<Run>(`/api/v1/admin/person-sources/runs/${started.body.id}`)).body;
  assert.equal(retried.status, 'succeeded');
  assert.deepEqual([retried.counts.new, retried.counts.changed, retried.counts.unchanged], [2, 1, 1],
    'what the dead attempt wrote is found again, not new (agent401 was written as staff, the source says student)');
  assert.equal(await count(sql<{ count: number }>`SELECT count(*)::int AS count FROM persons WHERE eppn LIKE 'agent40_@hr.example.fr'`), 4, 'each person once');
  assert.equal((await sync('crashy')).counts.unchanged, 4);

  const lost = await admin.post<Run & { jobId: string }>('/api/v1/admin/person-sources/crashy/sync', {});
  await sql`UPDATE person_source_runs SET status = 'running' WHERE id = ${lost.body.id}`.execute(t.runtime.database.db);
  await t.runtime.services.directory.sync.abandoned(lost.body.jobId);
  const failed = (await admin.get<Run>(`/api/v1/admin/person-sources/runs/${lost.body.id}`)).body;
  assert.deepEqual([failed.status, failed.outcome?.code], ['failed', 'worker_lost']);
  await t.runtime.jobs.drain([DIRECTORY_QUEUES.sync]);
  assert.equal((await admin.get<Run>(`/api/v1/admin/person-sources/runs/${lost.body.id}`)).body.status, 'failed', 'a failed run is not run again');
  const queued = await admin.post<Run & { jobId: string }>('/api/v1/admin/person-sources/crashy/sync', {});
  assert.equal(queued.status, 202, 'the source is free again');
  assert.equal((await admin.post<Run>(`/api/v1/admin/person-sources/runs/${queued.body.id}/cancel`)).body.status, 'cancelled');
  await t.runtime.jobs.drain([DIRECTORY_QUEUES.sync]);
  const job = await admin.get<{ status: string; error: { code: string } | null }>(`/api/v1/jobs/${queued.body.jobId}`);
  assert.deepEqual([job.body.status, job.body.error?.code], ['failed', 'sync_cancelled'], 'a cancelled run\'s job does not stay queued');
});
