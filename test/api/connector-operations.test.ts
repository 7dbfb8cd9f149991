/**
 * The generic operator surfaces of the connectors (issue 11): every connector's figures, its
 * entries with their holders, one entry, replays, the Prometheus gauges, each within the
 * caller's institutions and person types. Entries of two connectors ('esc' and 'crous') are
 * written straight into the outbox, as a connector's delivery would leave them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { startTestApp, type TestApp, type TestClient } from '../helpers/test-app.ts';
import { configureInstitution, createInstitution, createPerson, officeClients, type CardsWorld } from './cards.fixtures.ts';
import type { ConnectorSummaryView, SyncEntryPage, SyncEntryView } from '../../src/platform/sync/sync-operations.service.ts';

const SCHOOL = 'ecole-ops';

interface Problem { status: number; code: string }

describe('connector operations', () => {
  let t: TestApp;
  let w: CardsWorld;
  let universityId: number;
  let university: string;
  let schoolId: number;
  let universityAdmin: TestClient;
  let schoolAdmin: TestClient;
  let staffManager: TestClient;
  const ids: Record<string, number> = {};

  /** One outbox row, as a connector's worker would leave it; answers its id. */
  async function entry(connector: string, institutionId: number, personId: string, status: 'pending' | 'done' | 'failed',
    extra: { attempts?: number; errorCode?: string; ageSeconds?: number; doneSecondsAgo?: number } = {}): Promise<number> {
    const age = extra.ageSeconds ?? 0;
    const result = await sql<{ id: number | string }>`INSERT INTO sync_outbox (connector, institution_id, person_id, reason, status, attempts,
        last_error_code, last_error_message, created_at, done_at)
      VALUES (${connector}, ${institutionId}, ${personId}, 'person_changed', ${status}, ${extra.attempts ?? 0},
        ${extra.errorCode ?? null}, ${extra.errorCode ? `refused: ${extra.errorCode}` : null}, now() - make_interval(secs => ${age}),
        ${status === 'done' ? sql`now() - make_interval(secs => ${extra.doneSecondsAgo ?? 0})` : sql`NULL`})
      RETURNING id`.execute(t.runtime.database.db);
    return Number(result.rows[0]?.id);
  }

  before(async () => {
    t = await startTestApp();
    await configureInstitution(t);
    w = await officeClients(t);
    universityId = 1;
    university = (await t.runtime.services.institution.byId(t.runtime.database.db, universityId))?.code ?? '';
    schoolId = await createInstitution(w, { code: SCHOOL, name: 'École Ops', kind: 'institution' });
    universityAdmin = await t.loginAs('admin', { institutions: [university] });
    schoolAdmin = await t.loginAs('admin', { institutions: [SCHOOL] });
    staffManager = await t.loginAs('manager', { personTypes: ['staff'] });

    const student = await createPerson(t, { institution: university, lastName: 'Martin', firstName: 'Léa' });
    const staff = await createPerson(t, { institution: university, personType: 'staff', lastName: 'Durand', firstName: 'Paul' });
    const pupil = await createPerson(t, { institution: SCHOOL, lastName: 'Petit', firstName: 'Inès' });
    ids.uniFailed = await entry('esc', universityId, student.id, 'failed', { attempts: 1, errorCode: 'router_400' });
    ids.uniPending = await entry('esc', universityId, staff.id, 'pending', { attempts: 2, ageSeconds: 600 });
    ids.uniDone = await entry('esc', universityId, student.id, 'done', { doneSecondsAgo: 5 });
    ids.uniOldDone = await entry('esc', universityId, student.id, 'done', { ageSeconds: 7200, doneSecondsAgo: 3600 * 2 });
    ids.schoolFailed = await entry('esc', schoolId, pupil.id, 'failed', { attempts: 1, errorCode: 'router_409' });
    ids.schoolPending = await entry('esc', schoolId, pupil.id, 'pending', { ageSeconds: 30 });
    ids.crousFailedA = await entry('crous', universityId, student.id, 'failed', { errorCode: 'crous_422' });
    ids.crousFailedB = await entry('crous', universityId, staff.id, 'failed', { errorCode: 'crous_500' });
    ids.crousSchoolFailed = await entry('crous', schoolId, pupil.id, 'failed', { errorCode: 'crous_422' });
  });
  after(async () => {
    await t?.close();
  });

  async function connectors(client: TestClient): Promise<Map<string, ConnectorSummaryView>> {
    const response = await client.get<{ items: ConnectorSummaryView[] }>('/api/v1/connectors');
    assert.equal(response.status, 200, response.text);
    return new Map(response.body.items.map((item) => [item.id, item]));
  }

  test('the list names every connector with its figures within the caller\'s institutions', async () => {
    const all = await connectors(w.admin);
    assert.ok(all.has('esc') && all.has('crous'), [...all.keys()].join());
    const esc = all.get('esc') as ConnectorSummaryView;
    assert.deepEqual(esc.counts, { pending: 2, retrying: 1, failed: 2, doneLastDay: 2 });
    assert.equal(esc.deliveries.lastMinute, 1);
    assert.equal(esc.deliveries.lastHour, 1);
    assert.equal(esc.deliveries.perSecond, Math.round((1 / 60) * 1000) / 1000);
    assert.ok(esc.oldestPendingSeconds >= 599 && esc.oldestPendingSeconds < 700, String(esc.oldestPendingSeconds));
    assert.ok(esc.labels.fr.length > 0 && esc.labels.en.length > 0);
    assert.deepEqual(all.get('crous')?.counts, { pending: 0, retrying: 0, failed: 3, doneLastDay: 0 });

    const school = await connectors(schoolAdmin);
    assert.deepEqual(school.get('esc')?.counts, { pending: 1, retrying: 0, failed: 1, doneLastDay: 0 });
    assert.ok((school.get('esc')?.oldestPendingSeconds ?? 0) < 300, 'the university\'s older pending entry is not the school\'s');
    assert.deepEqual(school.get('crous')?.counts.failed, 1);
    const staffOnly = await connectors(staffManager);
    assert.deepEqual(staffOnly.get('esc')?.counts, { pending: 1, retrying: 1, failed: 0, doneLastDay: 0 });
  });

  test('a paused institution shows on its connector, to callers of that institution only', async () => {
    const paused = await w.admin.post(`/api/v1/admin/connectors/crous/institutions/${SCHOOL}/pause`, { reason: 'maintenance' });
    assert.equal(paused.status, 200, paused.text);
    try {
      assert.deepEqual((await connectors(w.admin)).get('crous')?.pausedInstitutions, [SCHOOL]);
      assert.deepEqual((await connectors(universityAdmin)).get('crous')?.pausedInstitutions, []);
    } finally {
      await w.admin.post(`/api/v1/admin/connectors/crous/institutions/${SCHOOL}/resume`, {});
    }
  });

  test('entries: newest first, by status, paged, with holder names, within the scope', async () => {
    const failed = await universityAdmin.get<SyncEntryPage>('/api/v1/connectors/esc/entries?status=failed');
    assert.equal(failed.status, 200, failed.text);
    assert.deepEqual(failed.body.items.map((item) => item.id), [ids.uniFailed]);
    const first = failed.body.items[0] as SyncEntryView;
    assert.deepEqual(first.holder && [first.holder.firstName, first.holder.lastName], ['Léa', 'Martin']);
    assert.equal(first.subject.kind, 'person', 'the connectors\' subjects are persons unless declared otherwise');
    assert.deepEqual(first.subject.kind === 'person' && [first.subject.id, first.subject.person?.lastName], [first.personId, 'Martin']);
    const ofSubject = await universityAdmin.get<SyncEntryPage>(`/api/v1/connectors/esc/entries?subject=${first.personId}`);
    assert.equal(ofSubject.status, 200, ofSubject.text);
    assert.ok(ofSubject.body.items.some((item) => item.id === ids.uniFailed));
    assert.ok(ofSubject.body.items.every((item) => item.personId === first.personId));
    assert.deepEqual(first.lastError, { code: 'router_400', message: 'refused: router_400', remoteStatus: null });
    assert.equal(first.connector, 'esc');
    assert.equal(first.institution, university);

    const page1 = await w.admin.get<SyncEntryPage>('/api/v1/connectors/esc/entries?limit=2');
    assert.deepEqual(page1.body.items.map((item) => item.id), [ids.schoolPending, ids.schoolFailed]);
    assert.equal(page1.body.nextBeforeId, ids.schoolFailed);
    const page2 = await w.admin.get<SyncEntryPage>(`/api/v1/connectors/esc/entries?limit=2&before=${page1.body.nextBeforeId}`);
    assert.deepEqual(page2.body.items.map((item) => item.id), [ids.uniOldDone, ids.uniDone]);

    const school = await schoolAdmin.get<SyncEntryPage>('/api/v1/connectors/esc/entries');
    assert.deepEqual(school.body.items.map((item) => item.id), [ids.schoolPending, ids.schoolFailed]);
    const crous = await schoolAdmin.get<SyncEntryPage>('/api/v1/connectors/crous/entries');
    assert.deepEqual(crous.body.items.map((item) => item.id), [ids.crousSchoolFailed]);
    const staff = await staffManager.get<SyncEntryPage>('/api/v1/connectors/esc/entries');
    assert.deepEqual(staff.body.items.map((item) => item.id), [ids.uniPending]);

    const bad = await w.admin.get<Problem>('/api/v1/connectors/esc/entries?status=lost');
    assert.equal(bad.status, 400);
    assert.match(String(bad.headers['content-type']), /application\/problem\+json/);
  });

  test('one entry: another institution\'s is 404, as an unknown one', async () => {
    const own = await schoolAdmin.get<SyncEntryView>(`/api/v1/connectors/esc/entries/${ids.schoolFailed}`);
    assert.equal(own.status, 200, own.text);
    assert.equal(own.body.lastError?.code, 'router_409');
    const other = await schoolAdmin.get<Problem>(`/api/v1/connectors/esc/entries/${ids.uniFailed}`);
    assert.deepEqual([other.status, other.body.code], [404, 'sync_entry_not_found']);
    const wrongConnector = await w.admin.get<Problem>(`/api/v1/connectors/crous/entries/${ids.uniFailed}`);
    assert.deepEqual([wrongConnector.status, wrongConnector.body.code], [404, 'sync_entry_not_found']);
  });

  test('unknown connectors are 404 problem+json; a malformed id is 400', async () => {
    for (const url of ['/api/v1/connectors/nope/entries', '/api/v1/connectors/nope/status', `/api/v1/connectors/nope/entries/${ids.uniFailed}`]) {
      const response = await w.admin.get<Problem>(url);
      assert.deepEqual([response.status, response.body.code], [404, 'connector_not_found'], url);
      assert.match(String(response.headers['content-type']), /application\/problem\+json/);
    }
    const replay = await w.admin.post<Problem>('/api/v1/connectors/nope/replay-failed', {});
    assert.deepEqual([replay.status, replay.body.code], [404, 'connector_not_found']);
    assert.equal((await w.admin.get('/api/v1/connectors/Not_An_Id/entries')).status, 400);
    assert.equal((await w.admin.get('/api/v1/connectors/esc/entries/abc')).status, 400);
  });

  test('replay: an admin of one institution cannot replay another\'s entry; managers cannot replay', async () => {
    const foreign = await schoolAdmin.post<Problem>(`/api/v1/connectors/esc/entries/${ids.uniFailed}/replay`, {});
    assert.deepEqual([foreign.status, foreign.body.code], [404, 'sync_entry_not_found']);
    assert.equal((await w.manager.post(`/api/v1/connectors/esc/entries/${ids.uniFailed}/replay`, {})).status, 403);
    const still = await sql<{ status: string }>`SELECT status FROM sync_outbox WHERE id = ${ids.uniFailed}`.execute(t.runtime.database.db);
    assert.equal(still.rows[0]?.status, 'failed');

    const replayed = await universityAdmin.post<SyncEntryView>(`/api/v1/connectors/esc/entries/${ids.uniFailed}/replay`, {});
    assert.equal(replayed.status, 200, replayed.text);
    assert.equal(replayed.body.status, 'pending');
    assert.ok(replayed.body.replayedBy && replayed.body.replayedAt);
    const delivered = await w.admin.post<Problem>(`/api/v1/connectors/esc/entries/${ids.uniDone}/replay`, {});
    assert.deepEqual([delivered.status, delivered.body.code], [409, 'sync_entry_not_replayable']);
  });

  test('replay-failed: within the scope, by institution and by error code', async () => {
    const foreignInstitution = await schoolAdmin.post<Problem>('/api/v1/connectors/crous/replay-failed', { institution: university });
    assert.deepEqual([foreignInstitution.status, foreignInstitution.body.code], [404, 'institution_not_found']);
    const byCode = await w.admin.post<{ count: number; persons: number }>('/api/v1/connectors/crous/replay-failed', { errorCode: 'crous_422', institution: university });
    assert.equal(byCode.status, 200, byCode.text);
    assert.deepEqual(byCode.body, { count: 1, persons: 1 });
    const statuses = async () => Object.fromEntries((await sql<{ id: number | string; status: string }>`SELECT id, status FROM sync_outbox WHERE connector = 'crous'`
      .execute(t.runtime.database.db)).rows.map((row) => [Number(row.id), row.status]));
    assert.deepEqual(await statuses(), { [ids.crousFailedA as number]: 'pending', [ids.crousFailedB as number]: 'failed', [ids.crousSchoolFailed as number]: 'failed' });
    const school = await schoolAdmin.post<{ count: number }>('/api/v1/connectors/crous/replay-failed', {});
    assert.deepEqual(school.body, { count: 1, persons: 1 });
    assert.deepEqual(await statuses(), { [ids.crousFailedA as number]: 'pending', [ids.crousFailedB as number]: 'failed', [ids.crousSchoolFailed as number]: 'pending' });
    assert.equal((await w.manager.post('/api/v1/connectors/crous/replay-failed', {})).status, 403);
  });

  test('the metrics give each connector\'s backlog and the age of its oldest pending entry', async () => {
    const metrics = await w.admin.get('/metrics');
    assert.equal(metrics.status, 200);
    assert.match(metrics.text, /campuscard_connector_backlog\{connector="esc",status="pending"\} \d+/);
    assert.match(metrics.text, /campuscard_connector_backlog\{connector="crous",status="failed"\} 1\b/);
    const oldest = /campuscard_connector_oldest_pending_seconds\{connector="esc"\} ([0-9.e+]+)/.exec(metrics.text);
    assert.ok(oldest && Number(oldest[1]) >= 599, metrics.text.slice(0, 200));
    assert.match(metrics.text, /campuscard_esc_outbox_backlog\{status="pending"\} \d+/, 'the ESC gauge stays');
  });
});
