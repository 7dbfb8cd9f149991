/**
 * GET /api/v1/stats/cards and the daily snapshot job: counts after real moves, requests per day
 * in Europe/Paris days with fixed clocks, the history of past days rewound from the moves and then
 * stored by the job (idempotent), person type limits and access.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startTestApp } from '../helpers/test-app.ts';
import { CARD_STATS_QUEUES } from '../../src/modules/cards/card-stats.service.ts';
import { configureInstitution, createPerson, encode, move, officeClients, requestCard, type CardsWorld } from './cards.fixtures.ts';

interface Stats {
  timeZone: string;
  today: string;
  from: string;
  days: number;
  personTypes: string[];
  current: Record<string, Record<string, number>>;
  queues: { waitingRequests: number; toPrint: number; inPrint: number; toEncode: number; toDeliver: number };
  requestsPerDay: Array<{ day: string; total: number; byType: Record<string, number> }>;
  history: Array<{ day: string; byType: Record<string, Record<string, number>> }>;
  escSync: { enabled: boolean; pending: number; retrying: number; failed: number; done: number } | null;
}

/** A test app whose clock the test sets (sessions last 30 days: the clock moves on by days). */
async function clockedWorld(start: string): Promise<{ w: CardsWorld; clock: { now: Date } }> {
  const clock = { now: new Date(start) };
  const t = await startTestApp({ now: () => clock.now, env: { SESSION_TTL_HOURS: String(30 * 24) } });
  await configureInstitution(t);
  return { w: await officeClients(t), clock };
}

async function stats(client: CardsWorld['admin'], query = ''): Promise<Stats> {
  const response = await client.get<Stats>(`/api/v1/stats/cards${query}`);
  assert.equal(response.status, 200, response.text);
  return response.body;
}

/** A card requested as the manager at the clock's time. */
async function requestAt(w: CardsWorld, clock: { now: Date }, at: string, personType: string): Promise<string> {
  clock.now = new Date(at);
  const person = await createPerson(w.t, { personType });
  return (await requestCard(w, person.id)).id;
}

describe('counts now, work queues and requests per day', () => {
  let w: CardsWorld;
  let clock: { now: Date };

  before(async () => {
    ({ w, clock } = await clockedWorld('2026-03-27T10:00:00Z'));
    // Europe/Paris is UTC+1 until 2026-03-29 02:00, then UTC+2: each of these falls on the Paris
    // day written next to it, which is not its UTC day for the late evening ones.
    await requestAt(w, clock, '2026-03-27T10:00:00Z', 'student'); //        27 March
    await requestAt(w, clock, '2026-03-27T22:59:59Z', 'staff'); //          27 March, 23:59:59 in Paris
    const checked = await requestAt(w, clock, '2026-03-27T23:00:00Z', 'student'); // 28 March, 00:00 in Paris
    await requestAt(w, clock, '2026-03-29T21:59:00Z', 'guest'); //          29 March, 23:59 in Paris (summer time)
    const encoded = await requestAt(w, clock, '2026-03-29T22:00:00Z', 'staff'); // 30 March, 00:00 in Paris
    const delivered = await requestAt(w, clock, '2026-03-30T09:00:00Z', 'staff'); // 30 March
    const printed = await requestAt(w, clock, '2026-03-30T09:30:00Z', 'student'); // 30 March
    await move(w.manager, checked, 'REQUEST_CHECKED');
    await encode(w, encoded);
    await encode(w, delivered);
    assert.equal((await w.deliverer.post(`/api/v1/cards/${delivered}/deliver`)).status, 200);
    await move(w.manager, printed, 'REQUEST_CHECKED');
    await move(w.station, printed, 'IN_PRINT');
    await move(w.station, printed, 'PRINTED');
    clock.now = new Date('2026-03-30T15:00:00Z');
  });
  after(async () => { await w.t.close(); });

  test('counts every card by person type and state, and the queues the counters show', async () => {
    const body = await stats(w.admin);
    assert.equal(body.timeZone, 'Europe/Paris');
    assert.equal(body.today, '2026-03-30');
    assert.deepEqual(body.current, {
      student: { NEW: 1, REQUEST_CHECKED: 1, PRINTED: 1 },
      staff: { NEW: 1, ENCODED: 2 },
      guest: { NEW: 1 },
    });
    // One of the two ENCODED cards was handed over: only the other is waiting for delivery.
    assert.deepEqual(body.queues, { waitingRequests: 3, toPrint: 1, inPrint: 0, toEncode: 1, toDeliver: 1 });
    assert.deepEqual(body.personTypes, ['guest', 'staff', 'student']);
    assert.deepEqual(body.history.at(-1), { day: '2026-03-30', byType: body.current }, 'today is counted live');
  });

  test('requests per day are counted in Europe/Paris days, every day of the window present', async () => {
    const body = await stats(w.admin, '?days=5');
    assert.equal(body.from, '2026-03-26');
    assert.equal(body.days, 5);
    assert.deepEqual(body.requestsPerDay, [
      { day: '2026-03-26', total: 0, byType: {} },
      { day: '2026-03-27', total: 2, byType: { student: 1, staff: 1 } },
      { day: '2026-03-28', total: 1, byType: { student: 1 } },
      { day: '2026-03-29', total: 1, byType: { guest: 1 } },
      { day: '2026-03-30', total: 3, byType: { staff: 2, student: 1 } },
    ]);
    assert.deepEqual(body.history.map((point) => point.day), ['2026-03-26', '2026-03-27', '2026-03-28', '2026-03-29', '2026-03-30']);
    const longest = await stats(w.admin, '?days=366');
    assert.equal(longest.requestsPerDay.length, 366);
    assert.equal(longest.from, '2025-03-30');
    assert.equal((await stats(w.admin)).requestsPerDay.length, 30, 'thirty days by default');
  });

  test('a manager limited to some person types sees only theirs; the ESC counts go to admins and managers', async () => {
    const staffManager = await w.t.loginAs('manager', { personTypes: ['staff'] });
    const limited = await stats(staffManager, '?days=5');
    assert.deepEqual(limited.current, { staff: { NEW: 1, ENCODED: 2 } });
    assert.deepEqual(limited.queues, { waitingRequests: 1, toPrint: 0, inPrint: 0, toEncode: 0, toDeliver: 1 });
    assert.deepEqual(limited.personTypes, ['staff']);
    assert.deepEqual(limited.requestsPerDay.map((point) => point.total), [0, 1, 0, 0, 2]);
    assert.ok(limited.history.every((point) => Object.keys(point.byType).every((type) => type === 'staff')));

    const nobody = await stats(await w.t.tokenClient('manager', { personTypes: ['external'] }));
    assert.deepEqual([nobody.current, nobody.personTypes, nobody.queues.waitingRequests], [{}, [], 0]);

    assert.deepEqual((await stats(w.admin)).escSync, { enabled: false, pending: 0, retrying: 0, failed: 0, done: 0 });
    assert.notEqual(limited.escSync, null);
    for (const client of [w.viewer, w.station, w.deliverer]) {
      const body = await stats(client);
      assert.equal(body.escSync, null);
      assert.deepEqual(body.current.staff, { NEW: 1, ENCODED: 2 }, 'office readers see every type');
    }
  });

  test('anonymous callers get 401, cardholders 403, bad windows 400 with the field', async () => {
    const anonymous = await w.t.anonymous.get('/api/v1/stats/cards');
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.body.code, 'unauthenticated');
    const person = await createPerson(w.t);
    const holder = await w.t.loginAs('cardholder', { personId: person.id });
    const refused = await holder.get('/api/v1/stats/cards');
    assert.equal(refused.status, 403);
    assert.equal(refused.headers['content-type'], 'application/problem+json; charset=utf-8');
    for (const query of ['days=0', 'days=367', 'days=ten', 'days=2.5']) {
      const response = await w.admin.get(`/api/v1/stats/cards?${query}`);
      assert.equal(response.status, 400, query);
      assert.equal(response.body.code, 'validation_failed', query);
      assert.equal(response.body.field, 'querystring:/days', query);
    }
    const unknown = await w.admin.get('/api/v1/stats/cards?personType=staff');
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.field, 'querystring:/personType');
  });
});

describe('the history of past days and the snapshot job', () => {
  let w: CardsWorld;
  let clock: { now: Date };
  const today = '2026-04-20';
  let history: Stats['history'];

  /** Moves the recorded history of a card to the given instants (the database stamps moves with its own clock). */
  async function backdate(cardId: string, requestedAt: string, moves: Record<string, string>): Promise<void> {
    const db = w.t.runtime.database.db;
    await sql`UPDATE cards SET requested_at = ${requestedAt}::timestamptz WHERE id = ${cardId}::uuid`.execute(db);
    for (const [state, at] of Object.entries(moves)) {
      const updated = await sql`UPDATE card_moves SET at = ${at}::timestamptz WHERE card_id = ${cardId}::uuid AND to_state = ${state}`.execute(db);
      assert.equal(Number(updated.numAffectedRows), 1, state);
    }
  }

  async function storedRows(): Promise<unknown[]> {
    const result = await sql`SELECT day::text, person_type, state, count FROM card_state_daily ORDER BY 1, 2, 3`.execute(w.t.runtime.database.db);
    return result.rows;
  }

  async function storedDays(): Promise<string[]> {
    const result = await sql<{ day: string }>`SELECT day::text AS day FROM card_state_days ORDER BY 1`.execute(w.t.runtime.database.db);
    return result.rows.map((row) => row.day);
  }

  before(async () => {
    ({ w, clock } = await clockedWorld(`${today}T10:00:00Z`));
    // Requested 5 days ago, checked 3 days ago, printed yesterday.
    const printed = await requestAt(w, clock, `${today}T10:00:00Z`, 'student');
    await move(w.manager, printed, 'REQUEST_CHECKED');
    await move(w.station, printed, 'IN_PRINT');
    await move(w.station, printed, 'PRINTED');
    await backdate(printed, '2026-04-15T08:00:00Z', {
      NEW: '2026-04-15T08:00:00Z',
      REQUEST_CHECKED: '2026-04-17T09:00:00Z',
      IN_PRINT: '2026-04-19T08:00:00Z',
      PRINTED: '2026-04-19T09:00:00Z',
    });
    // Requested 4 days ago, canceled 2 days ago at 23:30 in Paris (21:30 UTC): canceled that very day.
    const canceled = await requestAt(w, clock, `${today}T10:00:00Z`, 'staff');
    await move(w.manager, canceled, 'CANCELED');
    await backdate(canceled, '2026-04-16T12:00:00Z', { NEW: '2026-04-16T12:00:00Z', CANCELED: '2026-04-18T21:30:00Z' });
    // Requested today: absent from every past day.
    const fresh = await requestAt(w, clock, `${today}T09:00:00Z`, 'student');
    await backdate(fresh, `${today}T09:00:00Z`, { NEW: `${today}T09:00:00Z` });
    clock.now = new Date(`${today}T15:00:00Z`);
  });
  after(async () => { await w.t.close(); });

  test('each past day shows the state every card was in at its end, rewound from the moves', async () => {
    const body = await stats(w.manager, '?days=7');
    history = body.history;
    assert.deepEqual(history, [
      { day: '2026-04-14', byType: {} },
      { day: '2026-04-15', byType: { student: { NEW: 1 } } },
      { day: '2026-04-16', byType: { student: { NEW: 1 }, staff: { NEW: 1 } } },
      { day: '2026-04-17', byType: { student: { REQUEST_CHECKED: 1 }, staff: { NEW: 1 } } },
      { day: '2026-04-18', byType: { student: { REQUEST_CHECKED: 1 }, staff: { CANCELED: 1 } } },
      { day: '2026-04-19', byType: { student: { PRINTED: 1 }, staff: { CANCELED: 1 } } },
      { day: '2026-04-20', byType: { student: { PRINTED: 1, NEW: 1 }, staff: { CANCELED: 1 } } },
    ]);
    assert.deepEqual(body.requestsPerDay.map((point) => point.total), [0, 1, 1, 0, 0, 0, 1]);
    // The reader found days without a snapshot: the job is queued, once however many read.
    await stats(w.viewer, '?days=7');
    assert.equal(await w.t.runtime.jobs.boss.getQueueSize(CARD_STATS_QUEUES.snapshot), 1);
  });

  test('the job stores a year of past days once; readers then use the snapshot', async () => {
    assert.equal(await w.t.runtime.jobs.drain([CARD_STATS_QUEUES.snapshot]), 1);
    const days = await storedDays();
    assert.equal(days.length, 366);
    assert.deepEqual([days[0], days.at(-1)], ['2025-04-19', '2026-04-19'], 'the 366 days before today, not today');
    const rows = await storedRows();
    assert.deepEqual(rows.slice(-2), [
      { day: '2026-04-19', personType: 'staff', state: 'CANCELED', count: 1 },
      { day: '2026-04-19', personType: 'student', state: 'PRINTED', count: 1 },
    ]);
    assert.equal(rows.length, 9, 'one row per day, type and state with cards (the empty days are only marked)');
    assert.deepEqual((await stats(w.admin, '?days=7')).history, history, 'the stored days read as they were computed');
    const staffManager = await w.t.loginAs('manager', { personTypes: ['staff'] });
    assert.deepEqual((await stats(staffManager, '?days=7')).history,
      history.map((point) => ({ day: point.day, byType: point.byType.staff ? { staff: point.byType.staff } : {} })), 'stored days keep type limits');
    assert.equal(await w.t.runtime.jobs.boss.getQueueSize(CARD_STATS_QUEUES.snapshot), 0, 'nothing missing: nothing queued');

    // Running it again stores nothing; a day recomputed is upserted to the same rows.
    assert.deepEqual(await w.t.runtime.services.cardStats.snapshot(), { days: [] });
    await sql`DELETE FROM card_state_days WHERE day IN ('2026-04-18', '2026-04-19')`.execute(w.t.runtime.database.db);
    assert.deepEqual(await w.t.runtime.services.cardStats.snapshot(), { days: ['2026-04-18', '2026-04-19'] });
    assert.deepEqual(await storedRows(), rows);
    assert.equal((await storedDays()).length, 366);

    // A stored day is the record: history rewritten afterwards does not change it.
    await sql`UPDATE card_moves SET at = ${`${today}T08:00:00Z`}::timestamptz WHERE to_state IN ('IN_PRINT', 'PRINTED')`.execute(w.t.runtime.database.db);
    assert.deepEqual((await stats(w.admin, '?days=7')).history, history);
  });

  test('the next day, the job adds that day only, as it was counted live', async () => {
    clock.now = new Date('2026-04-21T00:10:00Z');
    assert.deepEqual(await w.t.runtime.services.cardStats.snapshot(), { days: ['2026-04-20'] });
    const body = await stats(w.admin, '?days=2');
    assert.deepEqual(body.history[0], history.at(-1));
    assert.equal(body.today, '2026-04-21');
  });
});
