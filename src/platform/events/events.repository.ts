/**
 * The event log's SQL (table `events`, migration 0034). Writes run in the caller's transaction;
 * reads page in the order (tx_id, id) over finished transactions only, see the migration.
 */
import { sql } from 'kysely';
import type { Executor } from '../db/database.ts';
import { inScope, type AccessScope } from '../db/scope-filter.ts';

/** An event to append. */
export interface NewEventRow {
  name: string;
  institutionId: number;
  personType: string;
  personId: string;
  cardId: string | null;
  payload: Record<string, unknown>;
  granted: Record<string, unknown> | null;
}

/** An event as read back. */
export interface EventRow extends NewEventRow {
  id: string;
  txId: string;
  occurredAt: Date;
}

/** An event just appended: what its subscribers are found by. */
export interface WrittenEvent {
  id: string;
  name: string;
  institutionId: number;
}

/** A position in the log: after the event (txId, id). */
export interface EventPosition {
  txId: string;
  id: string;
}

/**
 * Appends events in ONE statement whatever their number (one parameter: the rows as a JSON
 * array), so a chunk of a bulk import costs one round trip.
 */
export async function insertEvents(executor: Executor, rows: readonly NewEventRow[]): Promise<WrittenEvent[]> {
  if (rows.length === 0) return [];
  const result = await sql<{ id: string; name: string; institutionId: number | string }>`
    INSERT INTO events (name, institution_id, person_type, person_id, card_id, payload, granted)
    SELECT r.name, r.institution_id, r.person_type, r.person_id, r.card_id, r.payload, r.granted
    FROM jsonb_to_recordset(${JSON.stringify(rows.map((row) => ({
      name: row.name, institution_id: row.institutionId, person_type: row.personType, person_id: row.personId,
      card_id: row.cardId, payload: row.payload, granted: row.granted,
    })))}::jsonb) AS r(name text, institution_id smallint, person_type text, person_id uuid, card_id uuid, payload jsonb, granted jsonb)
    RETURNING id::text AS id, name, institution_id AS "institutionId"`
    .execute(executor);
  return result.rows.map((row) => ({ id: row.id, name: row.name, institutionId: Number(row.institutionId) }));
}

/** These events, those still kept (the retention may have deleted some). */
export async function eventsByIds(executor: Executor, ids: readonly string[]): Promise<EventRow[]> {
  if (ids.length === 0) return [];
  const result = await sql<EventRow>`
    SELECT id::text AS id, tx_id::text AS "txId", name, institution_id AS "institutionId", person_type AS "personType",
      person_id AS "personId", card_id AS "cardId", payload, granted, occurred_at AS "occurredAt"
    FROM events WHERE id = ANY(${sql.val([...ids])}::bigint[])`.execute(executor);
  return result.rows.map((row) => ({ ...row, institutionId: Number(row.institutionId) }));
}

/**
 * The log position below which no transaction can still add an event: the smallest transaction id
 * still running in THIS database (of the application's role: other roles' sessions show no
 * transaction id, and never write events), else the next id to be assigned. Transaction ids are
 * shared by every database of a PostgreSQL server, so the server-wide `pg_snapshot_xmin` would let
 * any long transaction elsewhere on the server (another application, a test) hold the log back.
 * pg_stat_activity shows 32-bit ids: each is widened to the epoch of the snapshot's xmax, or the
 * previous one when it lies more than 2^31 above (an id assigned after the snapshot lies a little
 * above xmax, and is then left above it: `least` keeps xmax).
 * Must run in its own statement BEFORE the read: every transaction below the bound has then
 * finished, and the read's later snapshot sees all it committed.
 */
async function finishedBelow(executor: Executor): Promise<string> {
  const result = await sql<{ bound: string }>`
    WITH s AS (SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS xmax)
    SELECT least(s.xmax, min(
      CASE WHEN ((s.xmax >> 32) << 32) + a.backend_xid::text::bigint > s.xmax + 2147483648
        THEN ((s.xmax >> 32) << 32) + a.backend_xid::text::bigint - 4294967296
        ELSE ((s.xmax >> 32) << 32) + a.backend_xid::text::bigint END))::text AS bound
    FROM s LEFT JOIN pg_stat_activity a ON a.datname = current_database() AND a.backend_xid IS NOT NULL
    GROUP BY s.xmax`.execute(executor);
  return (result.rows[0] as { bound: string }).bound;
}

/**
 * Up to `limit` events after `after` (from the oldest kept when null) inside `scope`, oldest
 * first, from transactions that had finished when the read began (see {@link finishedBelow}): a
 * transaction still running holds back every event after its own, so no event can ever appear
 * behind a position already handed out. Outside any transaction (two statements).
 */
export async function eventsAfter(executor: Executor, scope: AccessScope, after: EventPosition | null, limit: number): Promise<EventRow[]> {
  const bound = await finishedBelow(executor);
  const result = await sql<EventRow>`
    SELECT id::text AS id, tx_id::text AS "txId", name, institution_id AS "institutionId", person_type AS "personType",
      person_id AS "personId", card_id AS "cardId", payload, granted, occurred_at AS "occurredAt"
    FROM events
    WHERE tx_id < ${bound}::xid8
      ${after ? sql`AND (tx_id, id) > (${after.txId}::xid8, ${after.id}::bigint)` : sql``}
      AND ${inScope(scope, { institution: 'institution_id', personType: 'person_type' })}
    ORDER BY tx_id, id
    LIMIT ${limit}`.execute(executor);
  return result.rows;
}

/** Deletes the events that occurred before `before`; returns how many. */
export async function deleteEventsBefore(executor: Executor, before: Date): Promise<number> {
  const result = await executor.deleteFrom('events').where('occurredAt', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
