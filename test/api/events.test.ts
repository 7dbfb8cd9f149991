import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import pg from 'pg';
import { startTestApp, type TestClient } from '../helpers/test-app.ts';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { EVENTS_QUEUES } from '../../src/platform/events/events.service.ts';
import {
  configureInstitution, createInstitution, createPerson, enabledCard, institutionCode, move, officeClients, type CardsWorld,
} from './cards.fixtures.ts';

/**
 * The event log and its pull API: events written in the transaction of each change, scoped by
 * the reader's institutions and person types in the query, paged without gaps or duplicates
 * even while transactions commit out of order, purged after the retention.
 */
interface EventItem { id: string; cursor: string; type: string; timestamp: string; institution: string; personType: string; data: Record<string, unknown> }
interface EventPage { items: EventItem[]; nextCursor: string | null }

let w: CardsWorld;
let codeA: string;
const onPostgres = Boolean(loadConfig().databaseUrl);

before(async () => {
  const t = await startTestApp({ workers: true });
  await configureInstitution(t);
  w = await officeClients(t);
  codeA = await institutionCode(t, 1);
  await createInstitution(w, { code: 'ecole-b', name: 'École B', pic: '888888888' });
});
after(async () => { await w.t.close(); });

/** Every event the client may read after `from`, page by page. */
async function readAll(client: TestClient, from: string | null = null, limit = 1000, include = ''): Promise<{ items: EventItem[]; cursor: string | null }> {
  const items: EventItem[] = [];
  let cursor = from;
  for (;;) {
    const query = new URLSearchParams({ limit: String(limit), ...(cursor ? { after: cursor } : {}), ...(include ? { include } : {}) });
    const page = await client.get<EventPage>(`/api/v1/events?${query}`);
    assert.equal(page.status, 200, page.text);
    items.push(...page.body.items);
    if (page.body.items.length === 0) return { items, cursor };
    cursor = page.body.nextCursor;
  }
}

/** The current end of the log for an unrestricted reader. */
async function end(): Promise<string | null> {
  return (await readAll(w.admin)).cursor;
}

const consent = (personId: string, kind: 'esc' | 'crous', granted: boolean) => w.t.runtime.services.people.setConsent(personId,
  { kind, granted, textVersion: kind === 'esc' ? '2026-01' : '2026-12', locale: 'fr', channel: 'office' }, { actor: 'test' });

test('a card\'s life, a person\'s changes and consents are events, in order, with ids and states only unless the holder and csn are asked for', async () => {
  const start = await end();
  const person = await createPerson(w.t, { institution: codeA });
  const card = await enabledCard(w, person.id);
  await move(w.manager, card.id, 'DISABLED', { reason: 'LOST' });
  await w.t.runtime.services.people.update(person.id, { lastName: 'Renommée' }, { actor: 'test' });
  await consent(person.id, 'esc', true);
  await consent(person.id, 'esc', true);
  await consent(person.id, 'esc', false);
  const { items } = await readAll(w.admin, start);
  const mine = items.filter((item) => item.data.personId === person.id);
  assert.deepEqual(mine.map((item) => item.type), [
    'person.created', 'card.created', 'card.state_changed', 'card.state_changed', 'card.state_changed', 'card.state_changed', 'card.state_changed',
    'card.enabled', 'card.disabled', 'person.updated', 'consent.given', 'consent.withdrawn',
  ], 'the second identical grant changed nothing');
  assert.ok(mine.every((item) => item.institution === codeA && item.personType === 'student'));
  const disabled = mine.find((item) => item.type === 'card.disabled') as EventItem;
  assert.deepEqual(disabled.data, {
    cardId: card.id, personId: person.id, cardKind: 'physical', from: 'ENABLED', to: 'DISABLED', disableReason: 'LOST', escn: card.escn,
  });
  assert.deepEqual((mine.find((item) => item.type === 'person.updated') as EventItem).data,
    { personId: person.id, changedFields: ['lastName'], rightsEnd: null });
  assert.ok(!JSON.stringify(items).includes(person.eppn) && !JSON.stringify(items).includes('Renommée'), 'no names by default');

  const granted = (await readAll(w.viewer, start, 1000, 'holder,csn')).items.filter((item) => item.data.personId === person.id);
  const grantedDisabled = granted.find((item) => item.type === 'card.disabled') as EventItem;
  assert.deepEqual(grantedDisabled.data.holder, { firstName: 'Prénom', lastName: person.lastName, eppn: person.eppn }, 'names as at the move');
  assert.equal(grantedDisabled.data.csn, card.csn?.hex);
  assert.deepEqual((granted.find((item) => item.type === 'person.updated') as EventItem).data.holder,
    { firstName: 'Prénom', lastName: 'Renommée', eppn: person.eppn });
  assert.equal('csn' in (granted.find((item) => item.type === 'consent.given') as EventItem).data, false, 'consents have no granted part');
  const onlyHolder = (await readAll(w.admin, start, 1000, 'holder')).items.find((item) => item.type === 'card.disabled' && item.data.personId === person.id);
  assert.ok(onlyHolder && 'holder' in onlyHolder.data && !('csn' in onlyHolder.data));
});

test('a reader sees only the events of their institutions and person types; an identity change reaches every institution of the person', async () => {
  const start = await end();
  const tokenA = await w.t.tokenClient('viewer', { institutions: [codeA] });
  const tokenB = await w.t.tokenClient('manager', { institutions: ['ecole-b'] });
  const staffOnly = await w.t.loginAs('manager', { personTypes: ['staff'] });
  const studentA = await createPerson(w.t, { institution: codeA });
  const staffA = await createPerson(w.t, { institution: codeA, personType: 'staff' });
  const studentB = await createPerson(w.t, { institution: 'ecole-b' });
  await enabledCard(w, studentB.id, 'ecole-b');
  // The student of A enrols at B too (a new enrolment: an update of the person at B).
  const both = await w.t.runtime.services.people.create({
    eppn: studentA.eppn, lastName: studentA.lastName, firstName: 'Prénom', personType: 'guest', institution: 'ecole-b',
  }, { actor: 'test' });
  assert.equal(both.id, studentA.id);
  const afterEnrolment = await end();
  await w.t.runtime.services.people.update(studentA.id, { firstName: 'Prénouveau', personType: 'staff', institution: codeA }, { actor: 'test' });
  await consent(studentA.id, 'crous', true);

  const seenBy = async (client: TestClient, from = start) => (await readAll(client, from, 3)).items;
  const a = await seenBy(tokenA);
  assert.ok(a.length > 0 && a.every((item) => item.institution === codeA), 'A\'s token: A only');
  assert.ok(!a.some((item) => item.data.personId === studentB.id));
  const b = await seenBy(tokenB);
  assert.ok(b.length > 0 && b.every((item) => item.institution === 'ecole-b'), 'B\'s token: B only');
  assert.ok(!b.some((item) => item.data.personId === staffA.id));
  assert.ok(b.some((item) => item.data.personId === studentB.id && item.type === 'card.enabled'));
  const staff = await seenBy(staffOnly);
  assert.ok(staff.length > 0 && staff.every((item) => item.personType === 'staff'), 'types outside the manager\'s limits stay out');
  assert.ok(staff.some((item) => item.data.personId === staffA.id));
  assert.ok(!staff.some((item) => item.data.personId === studentB.id));

  // The change at A: B hears of the first name (identity) only, not of A's enrolment (type).
  const changeAtA = (await seenBy(tokenA, afterEnrolment as string)).filter((item) => item.data.personId === studentA.id);
  assert.deepEqual(changeAtA.map((item) => [item.type, item.personType, item.data.changedFields ?? item.data.kind]),
    [['person.updated', 'staff', ['firstName', 'personType']], ['consent.given', 'staff', 'crous']]);
  const changeAtB = (await seenBy(tokenB, afterEnrolment as string)).filter((item) => item.data.personId === studentA.id);
  assert.deepEqual(changeAtB.map((item) => [item.type, item.personType, item.data.changedFields ?? item.data.kind]),
    [['person.updated', 'guest', ['firstName']], ['consent.given', 'guest', 'crous']]);

  // Cardholders, stations and deliverers do not read the log; nobody without credentials does.
  assert.equal((await (await w.t.loginAs('cardholder', { personId: studentA.id })).get('/api/v1/events')).status, 403);
  assert.equal((await w.station.get('/api/v1/events')).status, 403);
  assert.equal((await w.deliverer.get('/api/v1/events')).status, 403);
  assert.equal((await w.t.anonymous.get('/api/v1/events')).status, 401);
});

test('rights ended by a directory or an import are person.rights_ended at that institution', async () => {
  const start = await end();
  const person = await createPerson(w.t, { institution: codeA, rightsEnd: '2030-06-30' });
  await w.t.runtime.services.people.endRights(w.t.runtime.database.db, 1, [person.id], new Date().toISOString().slice(0, 10), { actor: 'test' });
  await w.t.runtime.services.people.update(person.id, { rightsEnd: '2031-06-30' }, { actor: 'test' });
  const mine = (await readAll(w.admin, start)).items.filter((item) => item.data.personId === person.id);
  assert.deepEqual(mine.map((item) => [item.type, item.data.rightsEnd]), [
    ['person.created', '2030-06-30'], ['person.rights_ended', new Date().toISOString().slice(0, 10)], ['person.updated', '2031-06-30'],
  ]);
});

test('events are written in the transaction of the change: a change rolled back leaves none', async () => {
  const start = await end();
  const eppn = `rolledback${process.pid}@univ.example.fr`;
  await assert.rejects(w.t.runtime.database.db.transaction().execute(async (trx) => {
    await w.t.runtime.services.people.upsertMany(trx, [{ eppn, lastName: 'Annulé', firstName: 'Paul', personType: 'student' }],
      { actor: 'test' }, { channel: 'import', institutionId: 1 });
    const written = await sql<{ n: number }>`SELECT count(*)::int AS n FROM events WHERE name = 'person.created' AND granted->'holder'->>'eppn' = ${eppn}`.execute(trx);
    assert.equal(Number(written.rows[0]?.n), 1, 'written inside the transaction');
    throw new Error('the import fails later');
  }), /the import fails later/);
  assert.deepEqual((await readAll(w.admin, start)).items, []);
  const stored = await sql<{ n: number }>`SELECT count(*)::int AS n FROM events WHERE granted->'holder'->>'eppn' = ${eppn}`.execute(w.t.runtime.database.db);
  assert.equal(Number(stored.rows[0]?.n), 0);
});

test('a bad cursor, include or limit is a 400 problem naming the field', async () => {
  for (const after of ['abc', '12', '1.0', '01.5', '-1.5', '1.5.6', `${2n ** 64n}.1`, `1.${2n ** 63n}`, 'eyJhIjoxfQ']) {
    const response = await w.admin.get<{ code: string; errors?: Array<{ field: string }>; field?: string }>(`/api/v1/events?after=${encodeURIComponent(after)}`);
    assert.equal(response.status, 400, after);
    assert.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.equal(response.body.code, 'invalid_cursor', after);
    assert.match(JSON.stringify(response.body), /querystring:\/after/);
  }
  for (const query of ['include=names', 'include=holder,', 'limit=0', 'limit=1001', 'other=1']) {
    const response = await w.admin.get<{ code: string }>(`/api/v1/events?${query}`);
    assert.equal(response.status, 400, query);
    assert.match(JSON.stringify(response.body), /querystring/, query);
  }
});

test('paging while changes commit concurrently: every event exactly once, in log order', async () => {
  const start = await end();
  const seen: EventItem[] = [];
  let cursor = start;
  let writing = true;
  const poller = (async () => {
    while (writing || cursor !== (await end())) {
      const page = await w.admin.get<EventPage>(`/api/v1/events?limit=5${cursor ? `&after=${cursor}` : ''}`);
      assert.equal(page.status, 200, page.text);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  await Promise.all(Array.from({ length: 8 }, async (_, writer) => {
    for (let i = 0; i < 5; i++) {
      const person = await createPerson(w.t, { institution: writer % 2 === 0 ? codeA : 'ecole-b' });
      await consent(person.id, 'esc', true);
    }
  }));
  writing = false;
  await poller;
  const stored = await sql<{ id: string }>`SELECT id::text AS id FROM events ORDER BY tx_id, id`.execute(w.t.runtime.database.db);
  const startIndex = start === null ? 0 : stored.rows.findIndex((row) => row.id === start.split('.')[1]) + 1;
  assert.deepEqual(seen.map((item) => item.id), stored.rows.slice(startIndex).map((row) => row.id));
  assert.equal(seen.length, 8 * 5 * 2);
});

// Transactions overlap only on PostgreSQL: PGlite has one connection, so every transaction there
// runs alone and these situations cannot arise (they are not skipped: they do not exist there).
if (onPostgres) {
  test('an event of a transaction still running holds back the later ones until it commits, so none is skipped', async () => {
    const start = await end();
    const { db } = w.t.runtime.database;
    let release!: () => void;
    const held = new Promise<void>((resolve) => { release = resolve; });
    let written!: () => void;
    const wrote = new Promise<void>((resolve) => { written = resolve; });
    const slow = db.transaction().execute(async (trx) => {
      await w.t.runtime.services.people.upsertMany(trx, [{ eppn: `slow${process.pid}@univ.example.fr`, lastName: 'Lent', firstName: 'Léo', personType: 'student' }],
        { actor: 'test' }, { channel: 'api', institutionId: 1 });
      written();
      await held;
    });
    await wrote;
    const fast = await createPerson(w.t, { institution: codeA });
    const stored = await sql<{ id: string }>`SELECT id::text AS id FROM events WHERE person_id = ${fast.id}`.execute(db);
    assert.equal(stored.rows.length, 1, 'the later change committed');
    const during = await w.admin.get<EventPage>(`/api/v1/events${start ? `?after=${start}` : ''}`);
    assert.deepEqual(during.body.items, [], 'the committed event waits behind the running transaction');
    release();
    await slow;
    const items = (await readAll(w.admin, during.body.nextCursor)).items;
    assert.deepEqual(items.map((item) => item.type), ['person.created', 'person.created']);
    assert.equal(items[1]?.data.personId, fast.id, 'the held event comes first: its transaction began first');
  });

  test('a long transaction in another database of the server does not hold the log back', async () => {
    const other = new pg.Client({ connectionString: loadConfig().databaseUrl });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT pg_current_xact_id()');
      const start = await end();
      const person = await createPerson(w.t, { institution: codeA });
      const items = (await readAll(w.admin, start)).items;
      assert.deepEqual(items.map((item) => [item.type, item.data.personId]), [['person.created', person.id]]);
    } finally {
      await other.query('ROLLBACK');
      await other.end();
    }
  });
}

test('events older than EVENT_RETENTION_DAYS are deleted by the scheduled purge job', async () => {
  assert.equal(loadConfig({ DEMO: 'false' }).eventRetentionDays, 30);
  assert.throws(() => loadConfig({ DEMO: 'false', EVENT_RETENTION_DAYS: '0' }), ConfigError);
  assert.throws(() => loadConfig({ DEMO: 'false', EVENT_RETENTION_DAYS: 'thirty' }), /EVENT_RETENTION_DAYS/);
  const schedules = await w.t.runtime.jobs.boss.getSchedules();
  assert.ok(schedules.some((schedule) => schedule.name === EVENTS_QUEUES.purge), 'scheduled with the workers');

  const { db } = w.t.runtime.database;
  const old = await createPerson(w.t, { institution: codeA });
  const recent = await createPerson(w.t, { institution: codeA });
  await sql`UPDATE events SET occurred_at = now() - interval '31 days' WHERE person_id = ${old.id}`.execute(db);
  await sql`UPDATE events SET occurred_at = now() - interval '29 days' WHERE person_id = ${recent.id}`.execute(db);
  const jobId = await w.t.runtime.jobs.send(EVENTS_QUEUES.purge, {});
  assert.ok(jobId);
  const deadline = Date.now() + 30_000;
  let state: string | undefined;
  while (Date.now() < deadline && (state = (await w.t.runtime.jobs.boss.getJobById(EVENTS_QUEUES.purge, jobId))?.state) !== 'completed') {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(state, 'completed');
  const left = await sql<{ personId: string }>`SELECT person_id AS "personId" FROM events WHERE person_id IN (${old.id}, ${recent.id})`.execute(db);
  assert.deepEqual(left.rows.map((row) => row.personId), [recent.id]);
  const visible = (await readAll(w.admin)).items;
  assert.ok(!visible.some((item) => item.data.personId === old.id) && visible.some((item) => item.data.personId === recent.id));
});
