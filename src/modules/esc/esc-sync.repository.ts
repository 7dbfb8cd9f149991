import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import { inScope, type AccessScope } from '../../platform/db/scope-filter.ts';
import type { EscOutboxStatus } from './esc.tables.ts';

/**
 * The ESC sync's tables and its read model. Every row is about one SUBJECT: an institution and a
 * person, i.e. "institution I's view of person P", which I registers with its own PIC and key.
 * Queries that operators reach take an {@link AccessScope} and filter with `inScope` in the SQL.
 */

/** An institution's view of a person: what one outbox entry, lease or router record is about. */
export interface Subject {
  institutionId: number;
  personId: string;
}

/** The map key of a subject. */
export function subjectKey(subject: Subject): string {
  return `${subject.institutionId}:${subject.personId}`;
}

const ENTRY_COLUMNS = sql`o.id, o.institution_id AS "institutionId", i.code AS institution, o.person_id AS "personId", o.operation, o.reason,
  o.target, o.status, o.attempts, o.next_attempt_at AS "nextAttemptAt", o.last_error_code AS "lastErrorCode",
  o.last_error_message AS "lastErrorMessage", o.router_status AS "routerStatus", o.result, o.superseded_by AS "supersededBy",
  o.created_by AS "createdBy", o.created_at AS "createdAt", o.done_at AS "doneAt", o.replayed_by AS "replayedBy", o.replayed_at AS "replayedAt"`;

/** An outbox row as read, with its institution's code. */
export interface OutboxRow {
  id: number;
  institutionId: number;
  institution: string;
  personId: string;
  operation: 'sync_person';
  reason: string;
  target: Record<string, string>;
  status: EscOutboxStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastErrorCode: string | null;
  lastErrorMessage: string | null;
  routerStatus: number | null;
  result: Record<string, unknown> | null;
  supersededBy: number | null;
  createdBy: string;
  createdAt: Date;
  doneAt: Date | null;
  replayedBy: string | null;
  replayedAt: Date | null;
}

type RawOutboxRow = Omit<OutboxRow, 'id' | 'attempts' | 'routerStatus' | 'supersededBy' | 'institutionId'> & {
  id: number | string; attempts: number | string; routerStatus: number | string | null; supersededBy: number | string | null;
  institutionId: number | string;
};

function toRow(raw: RawOutboxRow): OutboxRow {
  return {
    ...raw,
    id: Number(raw.id),
    institutionId: Number(raw.institutionId),
    attempts: Number(raw.attempts),
    routerStatus: raw.routerStatus === null ? null : Number(raw.routerStatus),
    supersededBy: raw.supersededBy === null ? null : Number(raw.supersededBy),
    nextAttemptAt: new Date(raw.nextAttemptAt),
    createdAt: new Date(raw.createdAt),
    doneAt: raw.doneAt === null ? null : new Date(raw.doneAt),
    replayedAt: raw.replayedAt === null ? null : new Date(raw.replayedAt),
  };
}

/**
 * The condition "entry `o` lies in `scope`": its institution, and when the scope limits person
 * types, the person's type at that institution (a primary-key lookup in enrolments; an entry of
 * a person no longer enrolled there has no type and is then left out).
 */
function entryInScope(scope: AccessScope): RawBuilder<SqlBool> {
  if (scope.personTypes === null) return inScope(scope, { institution: 'o.institution_id' });
  return sql<SqlBool>`(${inScope(scope, { institution: 'o.institution_id' })} AND EXISTS (SELECT 1 FROM enrolments e
    WHERE e.person_id = o.person_id AND e.institution_id = o.institution_id AND ${inScope(scope, { institution: 'e.institution_id', personType: 'e.person_type' })}))`;
}

function institutionArray(ids: readonly number[]): RawBuilder<number[]> {
  return sql<number[]>`${sql.val(`{${ids.join(',')}}`)}::smallint[]`;
}

function uuidArray(ids: readonly string[]): RawBuilder<string[]> {
  return sql<string[]>`${sql.val([...ids])}::uuid[]`;
}

/** Subjects as a relation `s(institution_id, person_id)`. */
function subjectsRelation(subjects: readonly Subject[]): RawBuilder<unknown> {
  return sql`unnest(${institutionArray(subjects.map((s) => s.institutionId))}, ${uuidArray(subjects.map((s) => s.personId))}) AS s(institution_id, person_id)`;
}

// Writing entries ----------------------------------------------------------------------------------

/**
 * Appends one entry per institution concerned by each of these persons, in one statement (inside
 * the caller's transaction, so they exist iff the change commits): every institution the person
 * is enrolled at, and every institution that sent something about them (which must be taken back
 * when the person or the enrolment is gone). `skip` leaves out subjects already written in this
 * transaction. Returns the subjects written.
 */
export async function insertEntriesForPersons(executor: Executor, personIds: readonly string[], reason: string,
  skip: readonly Subject[] = []): Promise<Subject[]> {
  if (personIds.length === 0) return [];
  const skipped = skip.map(subjectKey);
  const result = await sql<{ institutionId: number | string; personId: string }>`
    INSERT INTO esc_outbox (institution_id, person_id, reason)
    SELECT c.institution_id, c.person_id, ${reason} FROM (
      SELECT e.institution_id, e.person_id FROM enrolments e WHERE e.person_id = ANY(${uuidArray(personIds)})
      UNION
      SELECT r.institution_id, r.person_id FROM esc_router_records r WHERE r.person_id = ANY(${uuidArray(personIds)})
    ) AS c
    WHERE (c.institution_id::text || ':' || c.person_id::text) <> ALL(${sql.val(skipped)}::text[])
    ORDER BY c.person_id, c.institution_id
    RETURNING institution_id AS "institutionId", person_id AS "personId"`.execute(executor);
  return result.rows.map((row) => ({ institutionId: Number(row.institutionId), personId: row.personId }));
}

/**
 * Appends the entry of a card's move: about the card's issuing institution's view of its holder.
 * Nothing when `skip` already holds that subject. Returns the subject written, if any.
 */
export async function insertEntryForCard(executor: Executor, cardId: string, reason: string, target: Record<string, string>,
  skip: readonly Subject[] = []): Promise<Subject | undefined> {
  const result = await sql<{ institutionId: number | string; personId: string }>`
    INSERT INTO esc_outbox (institution_id, person_id, reason, target)
    SELECT c.institution_id, c.person_id, ${reason}, ${JSON.stringify(target)}::jsonb FROM cards c
    WHERE c.id = ${cardId} AND (c.institution_id::text || ':' || c.person_id::text) <> ALL(${sql.val(skip.map(subjectKey))}::text[])
    RETURNING institution_id AS "institutionId", person_id AS "personId"`.execute(executor);
  const row = result.rows[0];
  return row ? { institutionId: Number(row.institutionId), personId: row.personId } : undefined;
}

/** Appends one entry per subject, in one statement (benchmarks, explicit requests). */
export async function insertEntriesForSubjects(executor: Executor, subjects: readonly Subject[], reason: string): Promise<number> {
  if (subjects.length === 0) return 0;
  const result = await sql`INSERT INTO esc_outbox (institution_id, person_id, reason)
    SELECT s.institution_id, s.person_id, ${reason} FROM ${subjectsRelation(subjects)}`.execute(executor);
  return Number(result.numAffectedRows ?? 0);
}

// Reading entries ----------------------------------------------------------------------------------

/** One entry, if `scope` covers it. */
export async function findEntry(executor: Executor, id: number, scope: AccessScope): Promise<OutboxRow | undefined> {
  const result = await sql<RawOutboxRow>`SELECT ${ENTRY_COLUMNS} FROM esc_outbox o JOIN institutions i ON i.id = o.institution_id
    WHERE o.id = ${id} AND ${entryInScope(scope)}`.execute(executor);
  return result.rows[0] && toRow(result.rows[0]);
}

/** A person's most recent entries, newest first, at the institutions of `scope` (or of one institution). */
export async function findEntriesOfPerson(executor: Executor, personId: string, limit: number, scope: AccessScope,
  institutionId?: number): Promise<OutboxRow[]> {
  const result = await sql<RawOutboxRow>`SELECT ${ENTRY_COLUMNS} FROM esc_outbox o JOIN institutions i ON i.id = o.institution_id
    WHERE o.person_id = ${personId} AND ${entryInScope(scope)}
      ${institutionId === undefined ? sql`` : sql`AND o.institution_id = ${institutionId}`}
    ORDER BY o.id DESC LIMIT ${limit}`.execute(executor);
  return result.rows.map(toRow);
}

/**
 * Entries of a status, newest first, within `scope`. The scope is applied by the database,
 * before the limit, so a page holds `limit` entries the caller may see whenever that many exist.
 */
export async function listEntries(executor: Executor, filter: {
  status?: EscOutboxStatus; scope: AccessScope; limit: number; beforeId?: number;
}): Promise<OutboxRow[]> {
  const result = await sql<RawOutboxRow>`SELECT ${ENTRY_COLUMNS} FROM esc_outbox o JOIN institutions i ON i.id = o.institution_id
    WHERE ${entryInScope(filter.scope)}
      ${filter.status ? sql`AND o.status = ${filter.status}` : sql``}
      ${filter.beforeId !== undefined ? sql`AND o.id < ${filter.beforeId}` : sql``}
    ORDER BY o.id DESC LIMIT ${filter.limit}`.execute(executor);
  return result.rows.map(toRow);
}

/** Counts per status within `scope`, with the age of the oldest pending entry and how many are being retried. */
export async function countEntries(executor: Executor, scope: AccessScope): Promise<{ pending: number; failed: number; done: number; retrying: number; oldestPendingAt: Date | null }> {
  const result = await sql<{ pending: number | string; failed: number | string; done: number | string; retrying: number | string; oldestPendingAt: Date | string | null }>`
    SELECT count(*) FILTER (WHERE o.status = 'pending') AS pending,
      count(*) FILTER (WHERE o.status = 'failed') AS failed,
      count(*) FILTER (WHERE o.status = 'done') AS done,
      count(*) FILTER (WHERE o.status = 'pending' AND o.attempts > 0) AS retrying,
      min(o.created_at) FILTER (WHERE o.status = 'pending') AS "oldestPendingAt"
    FROM esc_outbox o WHERE ${entryInScope(scope)}`.execute(executor);
  const row = result.rows[0];
  return {
    pending: Number(row?.pending ?? 0),
    failed: Number(row?.failed ?? 0),
    done: Number(row?.done ?? 0),
    retrying: Number(row?.retrying ?? 0),
    oldestPendingAt: row?.oldestPendingAt == null ? null : new Date(row.oldestPendingAt),
  };
}

/** Pending and failed counts only, of the whole deployment: cheap enough for every metrics scrape (partial indexes). */
export async function countBacklog(executor: Executor): Promise<{ pending: number; failed: number }> {
  const row = await executor.selectNoFrom([
    sql<number>`(SELECT count(*) FROM esc_outbox WHERE status = 'pending')`.as('pending'),
    sql<number>`(SELECT count(*) FROM esc_outbox WHERE status = 'failed')`.as('failed'),
  ]).executeTakeFirstOrThrow();
  return { pending: Number(row.pending), failed: Number(row.failed) };
}

// Delivering ---------------------------------------------------------------------------------------

/**
 * Subjects with a due pending entry and no live lease, oldest entry first. Only a hint: the
 * lease taken afterwards is what guarantees one worker per subject.
 */
export async function findDueSubjects(executor: Executor, limit: number, excluded: readonly Subject[]): Promise<Subject[]> {
  const result = await sql<{ institutionId: number | string; personId: string }>`
    SELECT o.institution_id AS "institutionId", o.person_id AS "personId" FROM esc_outbox o
    WHERE o.status = 'pending' AND o.next_attempt_at <= now()
      AND NOT EXISTS (SELECT 1 FROM esc_sync_leases l WHERE l.institution_id = o.institution_id AND l.person_id = o.person_id AND l.expires_at > now())
      ${excluded.length > 0 ? sql`AND (o.institution_id::text || ':' || o.person_id::text) <> ALL(${sql.val(excluded.map(subjectKey))}::text[])` : sql``}
    GROUP BY o.institution_id, o.person_id ORDER BY min(o.id) LIMIT ${limit}`.execute(executor);
  return result.rows.map((row) => ({ institutionId: Number(row.institutionId), personId: row.personId }));
}

/** The institutions with pending entries about this person (a person's job delivers each). */
export async function pendingInstitutionsOf(executor: Executor, personId: string): Promise<number[]> {
  const rows = await executor.selectFrom('escOutbox').select('institutionId').distinct()
    .where('personId', '=', personId).where('status', '=', 'pending').orderBy('institutionId').execute();
  return rows.map((row) => Number(row.institutionId));
}

/** What a worker starts a delivery with. */
export interface Claim {
  /** The worker holds the subject's lease. */
  leased: true;
  /** The subject's pending entries, all of which the delivery will settle. */
  ids: number[];
  /** Highest attempt count among them (for the backoff). */
  attempts: number;
  /** What may be at the router for this subject. */
  records: Array<{ kind: 'person' | 'card'; identifier: string; bodyHash: string | null }>;
}

/**
 * Takes (or renews) the leases of these subjects for `ms` milliseconds, except those another
 * live lease holds, then reads their pending entries and router records. Returns the claims of
 * the subjects leased, by {@link subjectKey}. A lease is an upsert on the primary key, so two
 * workers can never both win; renewing one's own lease lets a worker go on with entries that
 * arrived during its delivery. Subjects are locked in key order, so two workers claiming
 * overlapping batches cannot deadlock. Two statements on purpose: the upsert may wait for another
 * worker's settlement to commit, and only a statement started after that wait sees its outcome
 * (under READ COMMITTED a statement reads the snapshot taken when it began).
 */
export async function claim(executor: Executor, subjects: readonly Subject[], owner: string, ms: number): Promise<Map<string, Claim>> {
  const claims = new Map<string, Claim>();
  if (subjects.length === 0) return claims;
  const unique = new Map(subjects.map((subject) => [subjectKey(subject), subject]));
  const ordered = [...unique.values()].sort((a, b) => a.institutionId - b.institutionId || (a.personId < b.personId ? -1 : a.personId > b.personId ? 1 : 0));
  const leased = await sql<{ institutionId: number | string; personId: string }>`
    INSERT INTO esc_sync_leases (institution_id, person_id, owner, expires_at)
    SELECT s.institution_id, s.person_id, ${owner}, now() + make_interval(secs => ${ms / 1000}) FROM ${subjectsRelation(ordered)}
    ON CONFLICT (institution_id, person_id) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
      WHERE esc_sync_leases.expires_at <= now() OR esc_sync_leases.owner = EXCLUDED.owner
    RETURNING institution_id AS "institutionId", person_id AS "personId"`.execute(executor);
  if (leased.rows.length === 0) return claims;
  const held = leased.rows.map((row) => ({ institutionId: Number(row.institutionId), personId: row.personId }));
  const rows = await sql<{ institutionId: number | string; personId: string; ids: Array<number | string> | null; attempts: number | string | null; records: Claim['records'] | null }>`
    SELECT s.institution_id AS "institutionId", s.person_id AS "personId",
      (SELECT array_agg(id ORDER BY id) FROM esc_outbox WHERE institution_id = s.institution_id AND person_id = s.person_id AND status = 'pending') AS ids,
      (SELECT max(attempts) FROM esc_outbox WHERE institution_id = s.institution_id AND person_id = s.person_id AND status = 'pending') AS attempts,
      (SELECT json_agg(json_build_object('kind', kind, 'identifier', identifier, 'bodyHash', body_hash))
         FROM esc_router_records WHERE institution_id = s.institution_id AND person_id = s.person_id) AS records
    FROM ${subjectsRelation(held)}`.execute(executor);
  for (const row of rows.rows) {
    claims.set(subjectKey({ institutionId: Number(row.institutionId), personId: row.personId }), {
      leased: true,
      ids: (row.ids ?? []).map(Number),
      attempts: Number(row.attempts ?? 0),
      records: row.records ?? [],
    });
  }
  return claims;
}

/** How a delivery ends for its entries. */
export interface Settlement extends Subject {
  owner: string;
  ids: readonly number[];
  /** done, pending again (retry after `delayMs`), or failed. */
  status: 'done' | 'pending' | 'failed';
  delayMs?: number;
  error?: OutboxError;
  result?: Record<string, unknown>;
  /** Bodies the router confirmed. */
  confirm: ReadonlyArray<{ kind: 'person' | 'card'; identifier: string; hash: string; routerStatus: string | null }>;
  /** Records the router confirmed gone. */
  forget: ReadonlyArray<{ kind: 'person' | 'card'; identifier: string }>;
}

/**
 * Settles a delivery in one atomic statement, only while `owner` still holds the subject's lease:
 * marks the entries, resolves the subject's older failures after a success, writes what the
 * router confirmed, and releases the lease, unless the delivery succeeded and newer entries are
 * due (the worker then goes on with the same lease). A single statement instead of a transaction
 * of eight: deliveries are many, and on PGlite every round trip counts. The tables are not
 * audited, so no actor needs to be set.
 * Returns whether the lease was still held, and whether more entries are due.
 */
export async function settle(executor: Executor, s: Settlement): Promise<{ held: boolean; moreDue: boolean }> {
  const ids = sql`${sql.val([...s.ids])}::bigint[]`;
  const maxId = s.ids.length > 0 ? Math.max(...s.ids) : 0;
  const institution = sql`${s.institutionId}::smallint`;
  const result = await sql<{ held: boolean; moreDue: boolean }>`
    WITH lease AS (
      SELECT person_id FROM esc_sync_leases WHERE institution_id = ${institution} AND person_id = ${s.personId} AND owner = ${s.owner} FOR UPDATE
    ), settled AS (
      UPDATE esc_outbox SET
        status = ${s.status},
        attempts = attempts + 1,
        done_at = CASE WHEN ${s.status}::text = 'pending' THEN NULL ELSE now() END,
        next_attempt_at = CASE WHEN ${s.status}::text = 'pending' THEN now() + make_interval(secs => ${(s.delayMs ?? 0) / 1000}) ELSE next_attempt_at END,
        last_error_code = coalesce(${s.error?.code ?? null}::text, last_error_code),
        last_error_message = coalesce(${s.error?.message ?? null}::text, last_error_message),
        router_status = CASE WHEN ${s.error === undefined} THEN router_status ELSE ${s.error?.routerStatus ?? null}::integer END,
        result = coalesce(${s.result === undefined ? null : JSON.stringify(s.result)}::jsonb, result)
      WHERE id = ANY(${ids}) AND status = 'pending' AND EXISTS (SELECT 1 FROM lease)
      RETURNING id
    ), superseded AS (
      UPDATE esc_outbox SET status = 'done', done_at = now(), superseded_by = ${maxId}
      WHERE ${s.status}::text = 'done' AND institution_id = ${institution} AND person_id = ${s.personId} AND status = 'failed' AND id < ${maxId}
        AND EXISTS (SELECT 1 FROM lease)
    ), confirmed AS (
      INSERT INTO esc_router_records (institution_id, person_id, kind, identifier, body_hash, router_status, confirmed_at)
      SELECT ${institution}, ${s.personId}, c.kind, c.identifier, c.hash, c.router_status, now()
      FROM json_to_recordset(${JSON.stringify(s.confirm.map((c) => ({ ...c, router_status: c.routerStatus })))}::json)
        AS c(kind text, identifier text, hash text, router_status text)
      WHERE EXISTS (SELECT 1 FROM lease)
      ON CONFLICT (institution_id, person_id, kind, identifier) DO UPDATE SET body_hash = EXCLUDED.body_hash,
        router_status = EXCLUDED.router_status, confirmed_at = now(), updated_at = now()
    ), forgotten AS (
      DELETE FROM esc_router_records r
      USING json_to_recordset(${JSON.stringify(s.forget)}::json) AS f(kind text, identifier text)
      WHERE r.institution_id = ${institution} AND r.person_id = ${s.personId} AND r.kind = f.kind AND lower(r.identifier) = lower(f.identifier)
        AND EXISTS (SELECT 1 FROM lease)
    ), more AS (
      SELECT EXISTS (SELECT 1 FROM esc_outbox WHERE institution_id = ${institution} AND person_id = ${s.personId} AND status = 'pending'
        AND next_attempt_at <= now() AND id <> ALL(${ids})) AS due
    ), released AS (
      DELETE FROM esc_sync_leases WHERE institution_id = ${institution} AND person_id = ${s.personId} AND owner = ${s.owner}
        AND (${s.status}::text <> 'done' OR NOT (SELECT due FROM more))
    )
    SELECT EXISTS (SELECT 1 FROM lease) AS held, (SELECT due FROM more) AS "moreDue"`.execute(executor);
  const row = result.rows[0];
  return { held: row?.held === true, moreDue: row?.moreDue === true };
}

/** Gives leases back (nothing to do, a pass that stopped early, a reconcile). */
export async function releaseLeases(executor: Executor, subjects: readonly Subject[], owner: string): Promise<void> {
  if (subjects.length === 0) return;
  await sql`DELETE FROM esc_sync_leases l USING ${subjectsRelation(subjects)}
    WHERE l.institution_id = s.institution_id AND l.person_id = s.person_id AND l.owner = ${owner}`.execute(executor);
}

/** The error columns of an entry. */
export interface OutboxError {
  code: string;
  message: string;
  routerStatus: number | null;
}

/** Puts one failed or pending entry of `scope` back in the queue, due now. Returns the row, or undefined when not replayable. */
export async function replayEntry(executor: Executor, id: number, actor: string, scope: AccessScope): Promise<OutboxRow | undefined> {
  const result = await sql<RawOutboxRow>`WITH replayed AS (
      UPDATE esc_outbox o SET status = 'pending', next_attempt_at = now(), done_at = NULL, replayed_by = ${actor}, replayed_at = now()
      WHERE o.id = ${id} AND o.status IN ('pending', 'failed') AND ${entryInScope(scope)}
      RETURNING o.*
    )
    SELECT ${ENTRY_COLUMNS} FROM replayed o JOIN institutions i ON i.id = o.institution_id`.execute(executor);
  return result.rows[0] && toRow(result.rows[0]);
}

/** Puts every failed entry of `scope` back in the queue, due now. Returns how many subjects are concerned. */
export async function replayFailed(executor: Executor, actor: string, scope: AccessScope): Promise<number> {
  const result = await sql<{ subjects: number | string }>`WITH replayed AS (
      UPDATE esc_outbox o SET status = 'pending', next_attempt_at = now(), done_at = NULL, replayed_by = ${actor}, replayed_at = now()
      WHERE o.status = 'failed' AND ${entryInScope(scope)}
      RETURNING o.institution_id, o.person_id
    )
    SELECT count(*) AS subjects FROM (SELECT DISTINCT institution_id, person_id FROM replayed) AS d`.execute(executor);
  return Number(result.rows[0]?.subjects ?? 0);
}

/** Deletes done entries older than `days` (the record of what happened is in the router and logs). */
export async function purgeDone(executor: Executor, days: number): Promise<number> {
  const result = await executor.deleteFrom('escOutbox').where('status', '=', 'done')
    .where('doneAt', '<', sql<Date>`now() - make_interval(days => ${days})`).executeTakeFirst();
  return Number(result.numDeletedRows);
}

// Router records -------------------------------------------------------------------------------------

/** A router record as operators see it. */
export interface RecordRow {
  institutionId: number;
  kind: 'person' | 'card';
  identifier: string;
  bodyHash: string | null;
  routerStatus: string | null;
  confirmedAt: Date | null;
  updatedAt: Date;
}

/** What the institutions of `scope` (or one institution) may have put at the router about this person. */
export async function findRecordsOfPerson(executor: Executor, personId: string, scope: AccessScope, institutionId?: number): Promise<RecordRow[]> {
  let query = executor.selectFrom('escRouterRecords')
    .select(['institutionId', 'kind', 'identifier', 'bodyHash', 'routerStatus', 'confirmedAt', 'updatedAt'])
    .where('personId', '=', personId)
    .where(inScope(scope, { institution: 'esc_router_records.institution_id' }));
  if (institutionId !== undefined) query = query.where('institutionId', '=', institutionId);
  const rows = await query.orderBy('institutionId').orderBy('kind', 'desc').orderBy('identifier').execute();
  return rows.map((row) => ({ ...row, institutionId: Number(row.institutionId) }));
}

/**
 * Notes that bodies are about to be sent: their records exist from now on, with an unknown hash,
 * until the router confirms. Written before the calls so a crash cannot lose track of them.
 */
export async function markUncertain(executor: Executor, items: ReadonlyArray<Subject & { kind: 'person' | 'card'; identifier: string }>): Promise<void> {
  if (items.length === 0) return;
  await executor.insertInto('escRouterRecords')
    .values(items.map((item) => ({ institutionId: item.institutionId, personId: item.personId, kind: item.kind, identifier: item.identifier, bodyHash: null })))
    .onConflict((oc) => oc.columns(['institutionId', 'personId', 'kind', 'identifier']).doUpdateSet({ bodyHash: null, updatedAt: sql<Date>`now()` }))
    .execute();
}

/** Notes that the router confirmed a body. */
export async function markConfirmed(executor: Executor, subject: Subject, kind: 'person' | 'card', identifier: string, hash: string, routerStatus: string | null): Promise<void> {
  await executor.insertInto('escRouterRecords')
    .values({ institutionId: subject.institutionId, personId: subject.personId, kind, identifier, bodyHash: hash, routerStatus, confirmedAt: sql<Date>`now()` })
    .onConflict((oc) => oc.columns(['institutionId', 'personId', 'kind', 'identifier'])
      .doUpdateSet({ bodyHash: hash, routerStatus, confirmedAt: sql<Date>`now()`, updatedAt: sql<Date>`now()` }))
    .execute();
}

/** Forgets a record once the router confirmed it no longer holds it. */
export async function deleteRecord(executor: Executor, subject: Subject, kind: 'person' | 'card', identifier: string): Promise<void> {
  await executor.deleteFrom('escRouterRecords').where('institutionId', '=', subject.institutionId)
    .where('personId', '=', subject.personId).where('kind', '=', kind)
    .where(sql<boolean>`lower(identifier) = lower(${identifier})`).execute();
}

/**
 * Every subject a reconcile of `scope` looks at: each enrolment, and each institution's person of
 * whom something was sent (a person since deleted, an enrolment since ended), ordered.
 */
export async function reconcileSubjects(executor: Executor, scope: AccessScope): Promise<Subject[]> {
  const result = await sql<{ institutionId: number | string; personId: string }>`
    SELECT e.institution_id AS "institutionId", e.person_id AS "personId" FROM enrolments e
    WHERE ${inScope(scope, { institution: 'e.institution_id' })}
    UNION
    SELECT r.institution_id, r.person_id FROM esc_router_records r
    WHERE ${inScope(scope, { institution: 'r.institution_id' })}
    ORDER BY 1, 2`.execute(executor);
  return result.rows.map((row) => ({ institutionId: Number(row.institutionId), personId: row.personId }));
}

/** The issuing institution of a card, if the card exists. */
export async function cardInstitution(executor: Executor, cardId: string): Promise<number | undefined> {
  const row = await executor.selectFrom('cards').select('institutionId').where('id', '=', cardId).executeTakeFirst();
  return row ? Number(row.institutionId) : undefined;
}

/**
 * Whether a caller of `scope` may look at this person's sync: the person exists and is enrolled
 * at an institution of the scope (with a type of the scope), or, for a caller without person-type
 * limits, an institution of the scope sent something about them.
 */
export async function personVisible(executor: Executor, personId: string, scope: AccessScope): Promise<boolean> {
  const result = await sql<{ visible: boolean }>`SELECT EXISTS (SELECT 1 FROM persons WHERE id = ${personId}) AND (
      EXISTS (SELECT 1 FROM enrolments e WHERE e.person_id = ${personId} AND ${inScope(scope, { institution: 'e.institution_id', personType: 'e.person_type' })})
      OR (${scope.personTypes === null} AND EXISTS (SELECT 1 FROM esc_router_records r WHERE r.person_id = ${personId}
        AND ${inScope(scope, { institution: 'r.institution_id' })}))
    ) AS visible`.execute(executor);
  return result.rows[0]?.visible === true;
}

// The sync's read model of the other contexts ------------------------------------------------------

/** One subject's current data, as the sync reads it. */
export interface SubjectFactsRow {
  institutionId: number;
  personId: string;
  firstName: string;
  lastName: string;
  email: string | null;
  esi: string | null;
  /** False when the person is no longer enrolled at the institution. */
  enrolled: boolean;
  academicLevel: number | null;
  rightsEnd: string | null;
  consentGranted: boolean;
}

/**
 * The persons of these subjects (missing persons left out) with their enrolment at the subject's
 * institution and their ESC consent (a person's decision, valid at every institution). One query
 * whatever the batch size.
 */
export async function findSubjectFacts(executor: Executor, subjects: readonly Subject[]): Promise<SubjectFactsRow[]> {
  if (subjects.length === 0) return [];
  const result = await sql<Omit<SubjectFactsRow, 'institutionId'> & { institutionId: number | string }>`
    SELECT s.institution_id AS "institutionId", s.person_id AS "personId", p.first_name AS "firstName", p.last_name AS "lastName",
      p.email, p.esi, e.person_id IS NOT NULL AS enrolled, e.academic_level AS "academicLevel", e.rights_end::text AS "rightsEnd",
      coalesce(pc.granted, false) AS "consentGranted"
    FROM ${subjectsRelation(subjects)}
    JOIN persons p ON p.id = s.person_id
    LEFT JOIN enrolments e ON e.person_id = s.person_id AND e.institution_id = s.institution_id
    LEFT JOIN person_consents pc ON pc.person_id = s.person_id AND pc.kind = 'esc'`.execute(executor);
  return result.rows.map((row) => ({ ...row, institutionId: Number(row.institutionId) }));
}

/** A numbered card as the sync reads it. */
export interface SubjectCardRow {
  id: string;
  institutionId: number;
  personId: string;
  escn: string;
  state: string;
  cardKind: 'physical' | 'virtual';
  expiresAt: string | null;
  createdAt: Date;
  firstEnabledAt: Date | null;
}

/**
 * The numbered cards each subject's institution issued to its person (a shared federation card
 * belongs to its issuing member only), with the day each was first enabled. One query.
 */
export async function findSubjectCards(executor: Executor, subjects: readonly Subject[]): Promise<SubjectCardRow[]> {
  if (subjects.length === 0) return [];
  const result = await sql<Omit<SubjectCardRow, 'institutionId'> & { institutionId: number | string }>`
    SELECT c.id, c.institution_id AS "institutionId", c.person_id AS "personId", c.escn, c.state, c.card_kind AS "cardKind",
      c.expires_at::text AS "expiresAt", c.created_at AS "createdAt",
      (SELECT min(m.at) FROM card_moves m WHERE m.card_id = c.id AND m.to_state = 'ENABLED') AS "firstEnabledAt"
    FROM ${subjectsRelation(subjects)}
    JOIN cards c ON c.person_id = s.person_id AND c.institution_id = s.institution_id
    WHERE c.escn IS NOT NULL
    ORDER BY c.created_at, c.id`.execute(executor);
  return result.rows.map((row) => ({
    ...row,
    institutionId: Number(row.institutionId),
    createdAt: new Date(row.createdAt),
    firstEnabledAt: row.firstEnabledAt === null ? null : new Date(row.firstEnabledAt),
  }));
}

/** Names and eppns of these persons, and the numbered cards each institution issued them: what labels entries. */
export async function findHolders(executor: Executor, personIds: readonly string[]): Promise<{
  names: Array<{ id: string; firstName: string; lastName: string; eppn: string }>;
  cards: Array<{ id: string; personId: string; institutionId: number; escn: string; state: string; createdAt: Date }>;
}> {
  if (personIds.length === 0) return { names: [], cards: [] };
  const names = await executor.selectFrom('persons').select(['id', 'firstName', 'lastName', 'eppn']).where('id', 'in', personIds).execute();
  const cards = await executor.selectFrom('cards').select(['id', 'personId', 'institutionId', 'escn', 'state', 'createdAt'])
    .where('personId', 'in', personIds).where('escn', 'is not', null).orderBy('createdAt').orderBy('id').execute();
  return { names, cards: cards.map((card) => ({ ...card, institutionId: Number(card.institutionId), escn: card.escn as string })) };
}

/** An institution as the sync needs it: its PIC and its own API key, encrypted. */
export interface SyncInstitutionRow {
  id: number;
  code: string;
  kind: 'institution' | 'federation';
  pic: string | null;
  escApiKeyEncrypted: string | null;
}

/** These institutions (unknown ids left out). */
export async function findSyncInstitutions(executor: Executor, ids: readonly number[]): Promise<SyncInstitutionRow[]> {
  if (ids.length === 0) return [];
  const rows = await executor.selectFrom('institutions').select(['id', 'code', 'kind', 'pic', 'escApiKeyEncrypted'])
    .where('id', 'in', [...ids]).execute();
  return rows.map((row) => ({ ...row, id: Number(row.id) }));
}

/** Stores (or, with null, removes) an institution's encrypted key. Returns whether the institution exists. */
export async function storeApiKey(executor: Executor, institutionId: number, encrypted: string | null): Promise<boolean> {
  const result = await executor.updateTable('institutions').set({ escApiKeyEncrypted: encrypted })
    .where('id', '=', institutionId).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
