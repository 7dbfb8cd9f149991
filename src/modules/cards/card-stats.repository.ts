/**
 * The SQL of the card statistics: counts over `cards`, deltas over `card_moves`, and the daily
 * snapshots in `card_state_daily` / `card_state_days`. Days are bucketed in the time zone passed
 * in (`AT TIME ZONE`), and come back as `YYYY-MM-DD` text.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { DayDelta, TypeStateCount } from './domain/card-stats.ts';

/** The person types a caller may see: null for all of them, else only these (possibly none). */
export type TypeScope = readonly string[] | null;

/** Arbitrary but fixed key of the advisory lock that serialises snapshot writers across nodes. */
const SNAPSHOT_LOCK_KEY = 7_242_019_012;

/** Snapshot rows per INSERT statement (four parameters each). */
const INSERT_CHUNK = 1000;

/** `AND <column> IN (...)` for a limited scope; nothing for everyone; never true for an empty scope. */
function scopeCondition(column: RawBuilder<unknown>, scope: TypeScope): RawBuilder<unknown> {
  if (scope === null) return sql``;
  if (scope.length === 0) return sql` AND false`;
  return sql` AND ${column} IN (${sql.join(scope)})`;
}

/** The instant a calendar day starts in a time zone. */
function dayStart(day: string, timeZone: string): RawBuilder<Date> {
  return sql<Date>`(${day}::date::timestamp AT TIME ZONE ${timeZone})`;
}

/**
 * Cards per holder person type and state, now: one GROUP BY that the (holder_person_type, state)
 * index answers by an index-only scan.
 */
export async function countByTypeAndState(executor: Executor, scope: TypeScope): Promise<TypeStateCount[]> {
  const result = await sql<TypeStateCount>`
    SELECT holder_person_type AS "personType", state, count(*)::int AS count
    FROM cards WHERE true${scopeCondition(sql`holder_person_type`, scope)}
    GROUP BY holder_person_type, state`.execute(executor);
  return result.rows;
}

/** ENCODED cards nobody handed over yet (`delivered_at` is set by the delivery). */
export async function countUndelivered(executor: Executor, scope: TypeScope): Promise<number> {
  const result = await sql<{ count: number }>`
    SELECT count(*)::int AS count FROM cards
    WHERE state = 'ENCODED' AND delivered_at IS NULL${scopeCondition(sql`holder_person_type`, scope)}`.execute(executor);
  return result.rows[0]?.count ?? 0;
}

/** Card requests per day (by `requested_at`) and holder person type, for days in [from, to). */
export async function countRequestsPerDay(
  executor: Executor,
  range: { from: string; to: string; timeZone: string },
  scope: TypeScope,
): Promise<Array<{ day: string; personType: string; count: number }>> {
  const result = await sql<{ day: string; personType: string; count: number }>`
    SELECT (requested_at AT TIME ZONE ${range.timeZone})::date::text AS day, holder_person_type AS "personType", count(*)::int AS count
    FROM cards
    WHERE requested_at >= ${dayStart(range.from, range.timeZone)} AND requested_at < ${dayStart(range.to, range.timeZone)}
      ${scopeCondition(sql`holder_person_type`, scope)}
    GROUP BY 1, 2`.execute(executor);
  return result.rows;
}

/**
 * What rewinding needs, read in ONE statement so that both halves see the same data: the counts
 * now, and the deltas per day of every move made since the start of `since`. The person type of a
 * move is its card's current holder type (the history keeps no other).
 */
export async function readRewindInputs(
  executor: Executor,
  since: string,
  timeZone: string,
  scope: TypeScope,
): Promise<{ current: TypeStateCount[]; deltas: DayDelta[] }> {
  const result = await sql<{ day: string | null; personType: string; state: string; count: number }>`
    WITH moved AS (
      SELECT (m.at AT TIME ZONE ${timeZone})::date::text AS day, c.holder_person_type AS person_type, m.from_state, m.to_state
      FROM card_moves AS m JOIN cards AS c ON c.id = m.card_id
      WHERE m.at >= ${dayStart(since, timeZone)}${scopeCondition(sql`c.holder_person_type`, scope)}
    ), deltas AS (
      SELECT moved.day, moved.person_type, change.state, sum(change.delta)::int AS delta
      FROM moved CROSS JOIN LATERAL (VALUES (moved.to_state, 1), (moved.from_state, -1)) AS change (state, delta)
      WHERE change.state IS NOT NULL
      GROUP BY 1, 2, 3
    ), current_counts AS (
      SELECT holder_person_type AS person_type, state, count(*)::int AS count
      FROM cards WHERE true${scopeCondition(sql`holder_person_type`, scope)}
      GROUP BY holder_person_type, state
    )
    SELECT NULL::text AS day, person_type AS "personType", state, count FROM current_counts
    UNION ALL
    SELECT day, person_type, state, delta FROM deltas WHERE delta <> 0`.execute(executor);
  const current: TypeStateCount[] = [];
  const deltas: DayDelta[] = [];
  for (const row of result.rows) {
    if (row.day === null) current.push({ personType: row.personType, state: row.state, count: row.count });
    else deltas.push({ day: row.day, personType: row.personType, state: row.state, delta: row.count });
  }
  return { current, deltas };
}

/** The days in [from, to) whose snapshot is complete. */
export async function findSnapshotDays(executor: Executor, from: string, to: string): Promise<Set<string>> {
  const rows = await executor.selectFrom('cardStateDays').select(sql<string>`day::text`.as('day'))
    .where('day', '>=', from).where('day', '<', to).execute();
  return new Set(rows.map((row) => row.day));
}

/** Snapshot rows of the days in [from, to), within the scope. */
export async function findSnapshots(
  executor: Executor,
  from: string,
  to: string,
  scope: TypeScope,
): Promise<Array<TypeStateCount & { day: string }>> {
  let query = executor.selectFrom('cardStateDaily')
    .select([sql<string>`day::text`.as('day'), 'personType', 'state', 'count'])
    .where('day', '>=', from).where('day', '<', to);
  if (scope !== null) query = scope.length > 0 ? query.where('personType', 'in', scope) : query.where(sql<boolean>`false`);
  return query.execute();
}

/**
 * Waits for the snapshot lock (transaction-scoped): one writer at a time across nodes, so a day is
 * never computed twice at once.
 */
export async function lockSnapshots(executor: Executor): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(${SNAPSHOT_LOCK_KEY}::bigint)`.execute(executor);
}

/**
 * Stores the snapshots of these days and marks them complete. Upserts: writing the same day again
 * leaves one row per (day, person type, state) with the latest count.
 */
export async function saveSnapshots(
  executor: Executor,
  days: readonly string[],
  rows: ReadonlyArray<TypeStateCount & { day: string }>,
  now: Date,
): Promise<void> {
  for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
    await executor.insertInto('cardStateDaily')
      .values(rows.slice(start, start + INSERT_CHUNK).map((row) => ({ day: row.day, personType: row.personType, state: row.state, count: row.count })))
      .onConflict((oc) => oc.columns(['day', 'personType', 'state']).doUpdateSet((eb) => ({ count: eb.ref('excluded.count') })))
      .execute();
  }
  for (let start = 0; start < days.length; start += INSERT_CHUNK) {
    await executor.insertInto('cardStateDays')
      .values(days.slice(start, start + INSERT_CHUNK).map((day) => ({ day, takenAt: now })))
      .onConflict((oc) => oc.column('day').doUpdateSet((eb) => ({ takenAt: eb.ref('excluded.takenAt') })))
      .execute();
  }
}
