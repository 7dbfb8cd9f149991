import { sql } from 'kysely';
import type { Executor } from '../db/database.ts';
import type { AccessScope } from '../db/scope-filter.ts';
import { entryInScope } from './sync-outbox.repository.ts';

/**
 * The SQL of the generic operator surfaces over the connectors' outbox (figures per connector,
 * holder names, filtered replays). Every query an operator reaches is limited to an
 * {@link AccessScope} inside the SQL, with the same rule as the entries themselves.
 */

/** The figures of one connector within a scope. */
export interface ConnectorFiguresRow {
  connector: string;
  pending: number;
  retrying: number;
  failed: number;
  /** Delivered in the last 24 hours. */
  doneLastDay: number;
  /** Delivered in the last minute and the last hour (from done_at: stateless, the same on every node). */
  doneLastMinute: number;
  doneLastHour: number;
  oldestPendingAt: Date | null;
}

type Count = number | string;

/** The connector ids that have entries (any status, any institution): an id alone tells nothing about anyone. */
export async function connectorsWithEntries(executor: Executor): Promise<string[]> {
  // A loose index scan over (connector, …) indexes: one probe per connector instead of a scan of the outbox.
  const result = await sql<{ connector: string }>`WITH RECURSIVE ids AS (
      (SELECT connector FROM sync_outbox ORDER BY connector LIMIT 1)
      UNION ALL
      SELECT (SELECT o.connector FROM sync_outbox o WHERE o.connector > ids.connector ORDER BY o.connector LIMIT 1) FROM ids WHERE ids.connector IS NOT NULL
    ) SELECT connector FROM ids WHERE connector IS NOT NULL`.execute(executor);
  return result.rows.map((row) => row.connector);
}

/**
 * The figures of these connectors within `scope`, one row per connector (zeros when it has none).
 * Done entries are counted over the last day only (partial index on done_at), so the cost does
 * not grow with the history kept.
 */
export async function connectorFigures(executor: Executor, connectors: readonly string[], scope: AccessScope): Promise<ConnectorFiguresRow[]> {
  if (connectors.length === 0) return [];
  const result = await sql<{
    connector: string; pending: Count; retrying: Count; failed: Count; doneLastDay: Count; doneLastMinute: Count; doneLastHour: Count;
    oldestPendingAt: Date | string | null;
  }>`SELECT c.connector,
      (SELECT count(*) FROM sync_outbox o WHERE o.connector = c.connector AND o.status = 'pending' AND ${entryInScope(scope)}) AS pending,
      (SELECT count(*) FROM sync_outbox o WHERE o.connector = c.connector AND o.status = 'pending' AND o.attempts > 0 AND ${entryInScope(scope)}) AS retrying,
      (SELECT count(*) FROM sync_outbox o WHERE o.connector = c.connector AND o.status = 'failed' AND ${entryInScope(scope)}) AS failed,
      d.last_day AS "doneLastDay", d.last_hour AS "doneLastHour", d.last_minute AS "doneLastMinute",
      (SELECT min(o.created_at) FROM sync_outbox o WHERE o.connector = c.connector AND o.status = 'pending' AND ${entryInScope(scope)}) AS "oldestPendingAt"
    FROM unnest(${sql.val([...connectors])}::text[]) AS c(connector)
    CROSS JOIN LATERAL (
      SELECT count(*) AS last_day,
        count(*) FILTER (WHERE o.done_at > now() - interval '1 hour') AS last_hour,
        count(*) FILTER (WHERE o.done_at > now() - interval '1 minute') AS last_minute
      FROM sync_outbox o WHERE o.connector = c.connector AND o.status = 'done' AND o.done_at > now() - interval '1 day' AND ${entryInScope(scope)}
    ) AS d
    ORDER BY c.connector`.execute(executor);
  return result.rows.map((row) => ({
    connector: row.connector,
    pending: Number(row.pending),
    retrying: Number(row.retrying),
    failed: Number(row.failed),
    doneLastDay: Number(row.doneLastDay),
    doneLastHour: Number(row.doneLastHour),
    doneLastMinute: Number(row.doneLastMinute),
    oldestPendingAt: row.oldestPendingAt === null ? null : new Date(row.oldestPendingAt),
  }));
}

/** Backlog of every connector of the deployment (metrics scrape): pending, failed, and the age of the oldest pending entry. */
export async function deploymentBacklog(executor: Executor): Promise<Array<{ connector: string; pending: number; failed: number; oldestPendingSeconds: number }>> {
  // Only pending and failed rows are read: both have partial indexes, done history is never scanned.
  const result = await sql<{ connector: string; pending: Count; failed: Count; oldest: Count | null }>`SELECT connector,
      count(*) FILTER (WHERE status = 'pending') AS pending,
      count(*) FILTER (WHERE status = 'failed') AS failed,
      extract(epoch FROM now() - min(created_at) FILTER (WHERE status = 'pending')) AS oldest
    FROM sync_outbox WHERE status IN ('pending', 'failed') GROUP BY connector ORDER BY connector`.execute(executor);
  return result.rows.map((row) => ({
    connector: row.connector,
    pending: Number(row.pending),
    failed: Number(row.failed),
    oldestPendingSeconds: row.oldest === null ? 0 : Math.max(0, Number(row.oldest)),
  }));
}

/** The delivery figures of one subject of a connector within a scope. */
export interface SubjectFiguresRow {
  subjectId: string;
  pending: number;
  failed: number;
  /** When its latest delivered entry was delivered; null when none was. */
  lastDoneAt: Date | null;
  /**
   * Its oldest pending entry when that one was tried already (a retry: what holds the subject's
   * queue back), with its last error and next attempt; null when nothing waits or the oldest waiting
   * entry was never tried.
   */
  retry: { attempts: number; nextAttemptAt: Date; errorCode: string | null; errorMessage: string | null; remoteStatus: number | null } | null;
}

/**
 * Figures of these subjects (person column) of one connector within `scope`, one row per id
 * (zeros when none). Pending and failed are counted on their partial indexes; the last delivery
 * reads the subject's done entries through the person index (a subject's history, not the outbox's).
 */
export async function subjectFigures(executor: Executor, connector: string, subjectIds: readonly string[], scope: AccessScope): Promise<SubjectFiguresRow[]> {
  if (subjectIds.length === 0) return [];
  const result = await sql<{
    subjectId: string; pending: Count; failed: Count; lastDoneAt: Date | string | null;
    attempts: Count | null; nextAttemptAt: Date | string | null; errorCode: string | null; errorMessage: string | null; remoteStatus: Count | null;
  }>`SELECT s.id::text AS "subjectId",
      (SELECT count(*) FROM sync_outbox o WHERE o.connector = ${connector} AND o.person_id = s.id AND o.status = 'pending' AND ${entryInScope(scope)}) AS pending,
      (SELECT count(*) FROM sync_outbox o WHERE o.connector = ${connector} AND o.person_id = s.id AND o.status = 'failed' AND ${entryInScope(scope)}) AS failed,
      (SELECT max(o.done_at) FROM sync_outbox o WHERE o.connector = ${connector} AND o.person_id = s.id AND o.status = 'done' AND ${entryInScope(scope)}) AS "lastDoneAt",
      r.attempts, r.next_attempt_at AS "nextAttemptAt", r.last_error_code AS "errorCode", r.last_error_message AS "errorMessage", r.remote_status AS "remoteStatus"
    FROM unnest(${sql.val([...subjectIds])}::uuid[]) AS s(id)
    LEFT JOIN LATERAL (
      -- The oldest waiting entry holds the subject's queue back (entries go in order): it tells whether the subject is retrying.
      SELECT o.attempts, o.next_attempt_at, o.last_error_code, o.last_error_message, o.remote_status FROM sync_outbox o
      WHERE o.connector = ${connector} AND o.person_id = s.id AND o.status = 'pending' AND ${entryInScope(scope)}
      ORDER BY o.id LIMIT 1
    ) AS r ON r.attempts > 0`.execute(executor);
  return result.rows.map((row) => ({
    subjectId: row.subjectId,
    pending: Number(row.pending),
    failed: Number(row.failed),
    lastDoneAt: row.lastDoneAt === null ? null : new Date(row.lastDoneAt),
    retry: row.attempts === null || row.nextAttemptAt === null ? null : {
      attempts: Number(row.attempts),
      nextAttemptAt: new Date(row.nextAttemptAt),
      errorCode: row.errorCode,
      errorMessage: row.errorMessage,
      remoteStatus: row.remoteStatus === null ? null : Number(row.remoteStatus),
    },
  }));
}

/** Names and eppns of these persons: what labels the entries in the operators' list. */
export async function findHolderNames(executor: Executor, personIds: readonly string[]): Promise<Array<{ id: string; firstName: string; lastName: string; eppn: string }>> {
  if (personIds.length === 0) return [];
  return executor.selectFrom('persons').select(['id', 'firstName', 'lastName', 'eppn']).where('id', 'in', [...personIds]).execute();
}

/**
 * Puts the failed entries of `scope` back in the queue, due now, optionally only those of one
 * institution, one error code or one subject (person column: a person, or a webhook endpoint). Returns the persons concerned (to wake their workers).
 */
export async function replayFailedWhere(executor: Executor, connector: string, actor: string, scope: AccessScope,
  filter: { institutionId?: number; errorCode?: string; subjectId?: string }): Promise<{ entries: number; personIds: string[] }> {
  const result = await sql<{ personId: string }>`
    UPDATE sync_outbox o SET status = 'pending', next_attempt_at = now(), done_at = NULL, replayed_by = ${actor}, replayed_at = now()
    WHERE o.connector = ${connector} AND o.status = 'failed' AND ${entryInScope(scope)}
      ${filter.institutionId === undefined ? sql`` : sql`AND o.institution_id = ${filter.institutionId}`}
      ${filter.errorCode === undefined ? sql`` : sql`AND o.last_error_code = ${filter.errorCode}`}
      ${filter.subjectId === undefined ? sql`` : sql`AND o.person_id = ${filter.subjectId}::uuid`}
    RETURNING o.person_id AS "personId"`.execute(executor);
  return { entries: result.rows.length, personIds: [...new Set(result.rows.map((row) => row.personId))] };
}
