import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import sharp from 'sharp';
import { Attribute, Change } from 'ldapts';
import { startTestApp, type TestApp, type TestClient } from '../helpers/test-app.ts';
import { startSlapd, type SlapdServer } from '../helpers/slapd-server.ts';
import { generalizedTime, supannEntry, supannLdif, type SupannOptions } from '../helpers/supann-entries.ts';
import { DIRECTORY_QUEUES } from '../../src/modules/directory/directory-sync.service.ts';

// "Done means" of issue 10 for LDAP, end to end: Debian's slapd holding generated SupAnn 2021
// entries, an LDAP person source defined through the admin API, runs through the directory sync
// engine's jobs (the scheduler tick, the API), and what lands in persons and enrolments.

interface Run {
  id: string; status: string; mode: string; trigger: string;
  counts: { read: number; new: number; changed: number; gone: number; unchanged: number; errors: number };
  errors: Array<{ key: string; field: string; code: string }>;
  outcome: Record<string, unknown> | null;
}
interface Source { id: string; name: string; lastFullCount: number | null; watermark: string | null }

const BIG = 10_000;
const SMALL = 100;
const UAI = { paris: '0751717J', lyon: '0691774D' } as const;
const TODAY = new Date().toISOString().slice(0, 10);
// Timestamps spread over the last hours, as in a living directory (entry i changed i seconds after).
const SPREAD_FROM = new Date(Date.now() - 4 * 3600_000);
const BIG_OPTIONS: SupannOptions = { institutions: [UAI.paris, UAI.lyon], modifyTimestamp: (i) => generalizedTime(SPREAD_FROM, i) };
const SMALL_OPTIONS: SupannOptions = { suffix: 'dc=petite-ecole,dc=fr', scope: 'petite-ecole.fr' };

let t: TestApp;
let admin: TestClient;
let big: SlapdServer;
let small: SlapdServer;

const MAPPING = {
  fields: {
    eppn: 'eduPersonPrincipalName', lastName: 'sn', firstName: 'givenName', email: 'mail', studentNumber: 'supannEtuId',
    ine: 'supannCodeINE', rightsEnd: 'schacExpiryDate', affiliation: 'eduPersonPrimaryAffiliation',
  },
  affiliationAttributes: ['eduPersonPrimaryAffiliation', 'eduPersonAffiliation'],
  institution: { attribute: 'supannEtablissement', codes: { [`{UAI}${UAI.paris}`]: 'paris', [`{UAI}${UAI.lyon}`]: 'lyon' } },
  groupsAttribute: 'isMemberOf',
};

function ldapSettings(server: SlapdServer, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { url: server.url, bindDn: server.readerDn, secretEnv: 'LDAP_READER', baseDn: server.peopleBase, pageSize: 500, ...extra };
}

async function createSource(body: Record<string, unknown>): Promise<Source> {
  const response = await admin.post<Source>('/api/v1/admin/person-sources', body);
  assert.equal(response.status, 201, response.text);
  return response.body;
}

async function runOf(id: string): Promise<Run> {
  const run = await admin.get<Run>(`/api/v1/admin/person-sources/runs/${id}`);
  assert.equal(run.status, 200, run.text);
  return run.body;
}

/** Starts a sync through the API, runs its job, returns the run. */
async function sync(source: string, body: Record<string, unknown> = {}): Promise<Run> {
  const started = await admin.post<Run>(`/api/v1/admin/person-sources/${source}/sync`, body);
  assert.equal(started.status, 202, started.text);
  await t.runtime.jobs.drain([DIRECTORY_QUEUES.sync]);
  return runOf(started.body.id);
}

async function rows<T>(query: ReturnType<typeof sql<T>>): Promise<T[]> {
  return (await query.execute(t.runtime.database.db)).rows;
}

/** Audit entries of persons and enrolments: every write to them leaves one. */
async function personWrites(): Promise<number> {
  const [row] = await rows(sql<{ count: number }>`SELECT count(*)::int AS count FROM audit_log WHERE table_name IN ('persons', 'enrolments')`);
  return row?.count ?? -1;
}

async function enrolmentOf(eppn: string) {
  const [row] = await rows(sql<{ institution: string; personType: string; studentNumber: string | null; ine: string | null;
    rightsEnd: string | null; lastName: string; firstName: string; email: string | null; affiliation: string | null }>`
    SELECT i.code AS institution, e.person_type, e.student_number, p.ine, e.rights_end::text AS rights_end, p.last_name, p.first_name,
           p.email, e.affiliation
    FROM persons p JOIN enrolments e ON e.person_id = p.id JOIN institutions i ON i.id = e.institution_id WHERE p.eppn = ${eppn}`);
  return row;
}

before(async () => {
  [big, small] = await Promise.all([
    startSlapd({ entries: supannLdif(0, BIG, BIG_OPTIONS) }),
    startSlapd({ entries: supannLdif(0, SMALL, SMALL_OPTIONS), tls: true, suffix: SMALL_OPTIONS.suffix }),
  ]);
  t = await startTestApp({ env: { DIRECTORY_SECRETS: JSON.stringify({ LDAP_READER: big.readerPassword, WRONG_PASSWORD: 'nope' }) } });
  admin = await t.loginAs('admin');
  for (const [code, pic] of [['paris', '751717111'], ['lyon', '691774222']] as const) {
    const created = await admin.post('/api/v1/institutions', { code, name: code.toUpperCase(), pic });
    assert.equal(created.status, 201, created.text);
  }
});

after(async () => {
  await t?.close();
  await Promise.all([big?.stop(), small?.stop()]);
});

describe('a SupAnn directory of 10,000 entries', () => {
  test('a scheduled sync imports every entry: person, institution from supannEtablissement, type from the affiliation', async () => {
    const source = await createSource({
      name: 'annuaire', kind: 'ldap', institution: null, schedule: '30 2 * * *', gonePolicy: 'today',
      settings: ldapSettings(big), mapping: MAPPING,
    });
    // The cron time has come: the scheduler's minute tick queues the run.
    await sql`UPDATE person_sources SET next_run_at = now() - interval '1 minute' WHERE id = ${source.id}`.execute(t.runtime.database.db);
    assert.equal(await t.runtime.services.directory.sync.tick(), 1);
    await t.runtime.jobs.drain([DIRECTORY_QUEUES.sync]);
    const runs = await admin.get<{ items: Run[] }>('/api/v1/admin/person-sources/annuaire/runs');
    const run = runs.body.items[0];
    assert.equal(run?.trigger, 'schedule');
    assert.equal(run?.status, 'succeeded', JSON.stringify(run?.outcome));
    assert.deepEqual(run?.counts, { read: BIG, new: BIG, changed: 0, gone: 0, unchanged: 0, errors: 0 });

    // Every generated entry is there, at its institution with its type: the totals by institution and type.
    const expected = new Map<string, number>();
    for (let i = 0; i < BIG; i++) {
      const entry = supannEntry(i, BIG_OPTIONS);
      const key = `${i % 2 === 0 ? 'paris' : 'lyon'}/${entry.kind === 'student' ? 'student' : 'staff'}`;
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    const totals = await rows(sql<{ key: string; count: number }>`
      SELECT i.code || '/' || e.person_type AS key, count(*)::int AS count FROM enrolments e JOIN institutions i ON i.id = e.institution_id
      JOIN persons p ON p.id = e.person_id WHERE p.eppn LIKE '%@univ-test.fr' GROUP BY 1`);
    assert.deepEqual(new Map(totals.map((row) => [row.key, row.count])), expected);

    // And field by field for a student and a staff member.
    const student = supannEntry(3, BIG_OPTIONS);
    assert.deepEqual(await enrolmentOf(student.eppn), {
      institution: 'lyon', personType: 'student', studentNumber: '21000003', ine: student.attributes.supannCodeINE?.[0],
      rightsEnd: '2027-08-31', lastName: 'Martin', firstName: 'Louis', email: student.attributes.mail?.[0], affiliation: 'student',
    });
    const employee = supannEntry(9_994, BIG_OPTIONS);
    assert.equal(employee.kind, 'staff');
    const stored = await enrolmentOf(employee.eppn);
    assert.equal(stored?.institution, 'paris');
    assert.equal(stored?.personType, 'staff');
    assert.equal(stored?.studentNumber, null);
    assert.equal(stored?.rightsEnd, null);
    assert.equal(stored?.firstName, employee.attributes.givenName?.[0]);

    // Group memberships went to the group roles (isMemberOf).
    const [groups] = await rows(sql<{ groups: string[] }>`SELECT groups FROM group_memberships WHERE eppn = ${student.eppn}`);
    assert.deepEqual([...(groups?.groups ?? [])].sort(), ['univ:etudiants', 'univ:etudiants:l1']);

    const after = (await admin.get<Source>('/api/v1/admin/person-sources/annuaire')).body;
    assert.equal(after.lastFullCount, BIG);
    assert.equal(after.watermark, generalizedTime(SPREAD_FROM, BIG - 1), 'the watermark is the newest modifyTimestamp read');
  });

  test('a second run changes nothing: every entry unchanged, no write to persons or enrolments', async () => {
    const writes = await personWrites();
    const run = await sync('annuaire', { mode: 'full' });
    assert.equal(run.status, 'succeeded', JSON.stringify(run.outcome));
    assert.deepEqual(run.counts, { read: BIG, new: 0, changed: 0, gone: 0, unchanged: BIG, errors: 0 });
    assert.equal(await personWrites(), writes);
  });

  test('an incremental run reads only the entries changed since the watermark', async () => {
    const ldap = await big.admin();
    const changed = [10, 5_001, 7_777].map((i) => supannEntry(i, BIG_OPTIONS));
    for (const entry of changed) {
      await ldap.modify(entry.dn, new Change({ operation: 'replace', modification: new Attribute({ type: 'sn', values: ['Lefèvre-Nouveau'] }) }));
    }
    await ldap.unbind();
    const run = await sync('annuaire', { mode: 'incremental' });
    assert.equal(run.status, 'succeeded', JSON.stringify(run.outcome));
    // The three changed entries, and the one stamped at the watermark's second (read again by >=, unchanged).
    assert.deepEqual(run.counts, { read: 4, new: 0, changed: 3, gone: 0, unchanged: 1, errors: 0 });
    for (const entry of changed) assert.equal((await enrolmentOf(entry.eppn))?.lastName, 'Lefèvre-Nouveau');
  });

  test('an entry removed from the directory ends that person\'s rights, and only theirs', async () => {
    const removed = supannEntry(1, BIG_OPTIONS);
    assert.equal((await enrolmentOf(removed.eppn))?.rightsEnd, '2027-08-31');
    const ldap = await big.admin();
    await ldap.del(removed.dn);
    await ldap.unbind();
    const writes = await personWrites();
    const run = await sync('annuaire', { mode: 'full' });
    assert.equal(run.status, 'succeeded', JSON.stringify(run.outcome));
    assert.deepEqual(run.counts, { read: BIG - 1, new: 0, changed: 0, gone: 1, unchanged: BIG - 1, errors: 0 });
    const gone = await enrolmentOf(removed.eppn);
    assert.equal(gone?.rightsEnd, TODAY, 'rights end today (gone policy "today"); the person is kept');
    assert.equal(gone?.lastName, 'Martin');
    assert.equal((await enrolmentOf(supannEntry(3, BIG_OPTIONS).eppn))?.rightsEnd, '2027-08-31');
    assert.equal(await personWrites() - writes, 1, 'one enrolment written: the gone one');
  });
  test('a resync decodes only what changed: each entry\'s raw digest stored, blind to changes the sync does not read, refreshed by real runs only', async () => {
    const digests = async () => new Map((await rows(sql<{ eppn: string; raw: string | null; identity: string | null }>`
      SELECT p.eppn, e.raw_digest AS raw, e.identity FROM person_source_entries e JOIN person_sources s ON s.id = e.source_id
      JOIN persons p ON p.id = e.person_id WHERE s.name = 'annuaire' AND e.gone_at IS NULL`)).map((row) => [row.eppn, row]));
    const stored = await digests();
    assert.equal(stored.size, BIG - 1);
    assert.ok([...stored.values()].every((row) => row.raw !== null && row.identity !== null), 'every entry has its raw digest and identity');
    assert.equal(new Set([...stored.values()].map((row) => row.raw)).size, BIG - 1);

    // An attribute the sync does not even request changes: only the entry's modifyTimestamp differs in
    // what the directory sends, and that is left out of the raw digest (the mapping does not read it).
    const touched = supannEntry(20, BIG_OPTIONS);
    const ldap = await big.admin();
    await ldap.modify(touched.dn, new Change({ operation: 'replace', modification: new Attribute({ type: 'description', values: ['bureau 12'] }) }));
    await ldap.unbind();
    // Entries stored before raw digests existed: a hundred of them have none.
    const unstored = [...stored.keys()].filter((eppn) => eppn !== touched.eppn).slice(0, 100);
    await sql`UPDATE person_source_entries SET raw_digest = NULL, identity = NULL
      WHERE person_id IN (SELECT id FROM persons WHERE eppn IN (${sql.join(unstored)}))`.execute(t.runtime.database.db);

    const dry = await sync('annuaire', { mode: 'full', dryRun: true });
    assert.deepEqual(dry.counts, { read: BIG - 1, new: 0, changed: 0, gone: 0, unchanged: BIG - 1, errors: 0 });
    const afterDry = await digests();
    assert.ok(unstored.every((eppn) => afterDry.get(eppn)?.raw === null), 'a dry run stores nothing');
    assert.equal(afterDry.get(touched.eppn)?.raw, stored.get(touched.eppn)?.raw);

    const writes = await personWrites();
    const run = await sync('annuaire', { mode: 'full' });
    assert.deepEqual(run.counts, { read: BIG - 1, new: 0, changed: 0, gone: 0, unchanged: BIG - 1, errors: 0 });
    assert.equal(await personWrites(), writes, 'no person written');
    const refreshed = await digests();
    const moved = [...refreshed].filter(([eppn, row]) => row.raw !== stored.get(eppn)?.raw).map(([eppn]) => eppn);
    assert.deepEqual(moved, [], 'the touched entry keeps its digest; the hundred get back the digest they had');
    assert.ok([...refreshed].every(([eppn, row]) => row.raw !== null && row.identity === stored.get(eppn)?.identity), 'identities stored again as they were');
  });
});

describe('a small school\'s directory (100 entries, StartTLS)', () => {
  const settings = () => ldapSettings(small, { startTls: true, caCertFile: small.caCertFile, bindDn: small.readerDn });
  const eppns = Array.from({ length: SMALL }, (_, i) => supannEntry(i, SMALL_OPTIONS).eppn);

  test('a 60% drop stops for confirmation, writes nothing, and confirming applies it', async () => {
    // The small directory's reader has the same password as the big one's (both generated).
    await createSource({ name: 'petite-ecole', kind: 'ldap', institution: 'paris', gonePolicy: 'today', settings: settings(), mapping: { ...MAPPING, institution: null } });
    const first = await sync('petite-ecole');
    assert.equal(first.status, 'succeeded', JSON.stringify(first.outcome));
    assert.equal(first.counts.new, SMALL);
    assert.equal((await enrolmentOf(eppns[0] as string))?.institution, 'paris');

    // An outage-like drop: 60 of 100 entries vanish.
    const ldap = await small.admin();
    for (let i = 40; i < SMALL; i++) await ldap.del(supannEntry(i, SMALL_OPTIONS).dn);
    await ldap.unbind();
    const writes = await personWrites();
    const stopped = await sync('petite-ecole', { mode: 'full' });
    assert.equal(stopped.status, 'awaiting_confirmation');
    assert.equal(stopped.outcome?.code, 'safety_stop');
    assert.equal(stopped.counts.read, 40);
    assert.equal(stopped.counts.gone, 60);
    assert.equal(await personWrites(), writes, 'nothing written before confirmation');
    assert.equal((await enrolmentOf(eppns[50] as string))?.rightsEnd, '2027-08-31');

    const confirmed = await admin.post<Run>(`/api/v1/admin/person-sources/runs/${stopped.id}/confirm`, {});
    assert.equal(confirmed.status, 200, confirmed.text);
    await t.runtime.jobs.drain([DIRECTORY_QUEUES.sync]);
    const applied = await runOf(stopped.id);
    assert.equal(applied.status, 'succeeded', JSON.stringify(applied.outcome));
    assert.equal(applied.counts.gone, 60);
    for (const i of [40, 59, 99]) assert.equal((await enrolmentOf(eppns[i] as string))?.rightsEnd, TODAY);
    for (const i of [0, 39]) assert.notEqual((await enrolmentOf(eppns[i] as string))?.rightsEnd, TODAY);
  });

  test('the preview shows the first 10 entries as the sync would write them', async () => {
    const preview = await admin.get<{ items: Array<{ key: string; ok: boolean; institution: string; person: Record<string, unknown>; groups: string[] }> }>(
      '/api/v1/admin/person-sources/petite-ecole/preview');
    assert.equal(preview.status, 200, preview.text);
    assert.equal(preview.body.items.length, 10);
    const first = preview.body.items.find((item) => item.person.eppn === eppns[0]);
    assert.ok(first?.ok);
    assert.equal(first.institution, 'paris');
    assert.equal(first.person.lastName, 'Martin');
    assert.equal(first.person.firstName, 'Léa');
    assert.equal(first.person.personType, 'student');
    assert.equal(first.person.rightsEnd, '2027-08-31');
    assert.deepEqual(first.groups, ['univ:etudiants', 'univ:etudiants:l1']);
  });

  test('a jpegPhoto seeds the card photo through the photo pipeline when the source allows photos', async () => {
    const entry = supannEntry(5, SMALL_OPTIONS);
    const ldap = await small.admin();
    const photo = await sharp({ create: { width: 300, height: 400, channels: 3, background: '#6688aa' } }).jpeg().toBuffer();
    await ldap.modify(entry.dn, new Change({ operation: 'add', modification: new Attribute({ type: 'jpegPhoto', values: [photo] }) }));
    await ldap.unbind();
    await createSource({
      name: 'photos-annuaire', kind: 'ldap', institution: 'paris', photosAllowed: true,
      settings: { ...settings(), filter: `(uid=${entry.uid})` }, mapping: { ...MAPPING, institution: null },
    });
    const run = await sync('photos-annuaire');
    assert.equal(run.status, 'succeeded', JSON.stringify(run.outcome));
    assert.deepEqual(run.errors, []);
    const photos = await rows(sql<{ id: string }>`SELECT ph.id FROM photos ph JOIN persons p ON p.id = ph.person_id WHERE p.eppn = ${entry.eppn}`);
    assert.equal(photos.length, 1);
    // The petite-ecole source does not allow photos: the same directory's other persons have none.
    const others = await rows(sql<{ count: number }>`SELECT count(*)::int AS count FROM photos ph JOIN persons p ON p.id = ph.person_id
      WHERE p.eppn LIKE '%@petite-ecole.fr'`);
    assert.equal(others[0]?.count, 1);
  });

  test('connection problems are named: wrong password, untrusted certificate, missing base', async () => {
    await createSource({ name: 'mauvais-secret', kind: 'ldap', institution: 'paris', settings: { ...settings(), secretEnv: 'WRONG_PASSWORD' }, mapping: { ...MAPPING, institution: null } });
    const tested = await admin.post<{ ok: boolean; code?: string; message?: string }>('/api/v1/admin/person-sources/mauvais-secret/test', {});
    assert.equal(tested.status, 200, tested.text);
    assert.deepEqual([tested.body.ok, tested.body.code], [false, 'ldap_invalid_credentials']);
    assert.doesNotMatch(tested.text, /nope/, 'the password is never shown');
    const run = await sync('mauvais-secret');
    assert.equal(run.status, 'failed');
    assert.equal(run.outcome?.code, 'ldap_invalid_credentials');

    await createSource({ name: 'sans-ca', kind: 'ldap', institution: 'paris', settings: { ...settings(), caCertFile: undefined }, mapping: { ...MAPPING, institution: null } });
    const untrusted = await admin.post<{ ok: boolean; code?: string }>('/api/v1/admin/person-sources/sans-ca/test', {});
    assert.deepEqual([untrusted.body.ok, untrusted.body.code], [false, 'ldap_tls_failed']);

    await createSource({ name: 'mauvaise-base', kind: 'ldap', institution: 'paris', settings: { ...settings(), baseDn: 'ou=ailleurs,dc=petite-ecole,dc=fr' }, mapping: { ...MAPPING, institution: null } });
    const missing = await admin.get<{ code: string; field: string }>('/api/v1/admin/person-sources/mauvaise-base/preview');
    assert.equal(missing.status, 409, missing.text);
    assert.equal(missing.headers['content-type']?.toString().startsWith('application/problem+json'), true);
    assert.deepEqual([missing.body.code, missing.body.field], ['ldap_base_not_found', '/settings/baseDn']);
  });

  test('bad LDAP settings are a 400 naming the field', async () => {
    const response = await admin.post<{ code: string; field: string }>('/api/v1/admin/person-sources', {
      name: 'filtre-casse', kind: 'ldap', institution: 'paris', settings: { ...settings(), filter: '(&(uid=a)' }, mapping: { ...MAPPING, institution: null },
    });
    assert.equal(response.status, 400, response.text);
    assert.equal(response.body.field, '/settings/filter');
  });
});
