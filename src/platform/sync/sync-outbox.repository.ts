import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Executor } from '../db/database.ts';
import { inScope, type AccessScope } from '../db/scope-filter.ts';
import type { SyncOutboxStatus } from './sync.tables.ts';

/**
 * The connector engine's tables: the outbox, what each connector may have put at its remote
 * system (records), and the leases of its workers. Every row belongs to one connector and is
 * about one SUBJECT: an institution and a person, "institution I's view of person P", which I
 * sends with its own settings and keys. Every function takes the connector and touches only its
 * rows. Queries that operators reach take an {@link AccessScope} and filter with `inScope` in the SQL.
 */

/** An institution's view of a person: what one outbox entry, lease or record is about. */
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
  o.last_error_message AS "lastErrorMessage", o.remote_status AS "remoteStatus", o.result, o.superseded_by AS "supersededBy",
  o.created_by AS "createdBy", o.created_at AS "createdAt", o.done_at AS "doneAt", o.replayed_by AS "replayedBy", o.replayed_at AS "replayedAt"`;

/** An outbox row as read, with its institution's code. */
export interface OutboxRow {
  id: number;
  institutionId: number;
  institution: string;
  personId: string;
  operation: string;
  reason: string;
  target: Record<string, string>;
  status: SyncOutboxStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastErrorCode: string | null;
  lastErrorMessage: string | null;
  remoteStatus: number | null;
  result: Record<string, unknown> | null;
  supersededBy: number | null;
  createdBy: string;
  createdAt: Date;
  doneAt: Date | null;
  replayedBy: string | null;
  replayedAt: Date | null;
}

type RawOutboxRow = Omit<OutboxRow, 'id' | 'attempts' | 'remoteStatus' | 'supersededBy' | 'institutionId'> & {
  id: number | string; attempts: number | string; remoteStatus: number | string | null; supersededBy: number | string | null;
  institutionId: number | string;
};

function toRow(raw: RawOutboxRow): OutboxRow {
  return {
    ...raw,
    id: Number(raw.id),
    institutionId: Number(raw.institutionId),
    attempts: Number(raw.attempts),
    remoteStatus: raw.remoteStatus === null ? null : Number(raw.remoteStatus),
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
export function entryInScope(scope: AccessScope): RawBuilder<SqlBool> {
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

/** Subjects as a relation `s(institution_id, person_id)`, to join a connector's read model with. */
export function subjectsRelation(subjects: readonly Subject[]): RawBuilder<unknown> {
  return sql`unnest(${institutionArray(subjects.map((s) => s.institutionId))}, ${uuidArray(subjects.map((s) => s.personId))}) AS s(institution_id, person_id)`;
}

// Writing entries ----------------------------------------------------------------------------------

/**
 * Appends one entry per institution concerned by each of these persons, in one statement (inside
 * the caller's transaction, so they exist iff the change commits): every institution the person
 * is enrolled at, and every institution that sent something about them (which must be taken back
 * when the person or the enrolment is gone). `skip` leaves out subjects already written in this
 * transaction; `institutionIds`, when given, limits the entries to those institutions (a connector
 * set up at some institutions only). Returns the subjects written.
 */
export async function insertEntriesForPersons(executor: Executor, connector: string, personIds: readonly string[], reason: string,
  skip: readonly Subject[] = [], institutionIds?: readonly number[]): Promise<Subject[]> {
  if (personIds.length === 0 || institutionIds?.length === 0) return [];
  const skipped = skip.map(subjectKey);
  const result = await sql<{ institutionId: number | string; personId: string }>`
    INSERT INTO sync_outbox (connector, institution_id, person_id, reason)
    SELECT ${connector}, c.institution_id, c.person_id, ${reason} FROM (
      SELECT e.institution_id, e.person_id FROM enrolments e WHERE e.person_id = ANY(${uuidArray(personIds)})
      UNION
      SELECT r.institution_id, r.person_id FROM sync_records r WHERE r.connector = ${connector} AND r.person_id = ANY(${uuidArray(personIds)})
    ) AS c
    WHERE (c.institution_id::text || ':' || c.person_id::text) <> ALL(${sql.val(skipped)}::text[])
      ${institutionIds ? sql`AND c.institution_id = ANY(${institutionArray(institutionIds)})` : sql``}
    ORDER BY c.person_id, c.institution_id
    RETURNING institution_id AS "institutionId", person_id AS "personId"`.execute(executor);
  return result.rows.map((row) => ({ institutionId: Number(row.institutionId), personId: row.personId }));
}

/**
 * Appends the entries of card moves, in one statement: each about its card's issuing
 * institution's view of the holder, one per subject (the first move of a subject in the given
 * order; delivery is state-based), none for a subject `skip` already holds. Entries are filed in
 * the order of the moves. Returns the subjects written.
 */
export async function insertEntriesForCards(executor: Executor, connector: string,
  moves: ReadonlyArray<{ cardId: string; reason: string; target: Record<string, string> }>, skip: readonly Subject[] = []): Promise<Subject[]> {
  if (moves.length === 0) return [];
  const result = await sql<{ institutionId: number | string; personId: string }>`
    INSERT INTO sync_outbox (connector, institution_id, person_id, reason, target)
    SELECT ${connector}, s.institution_id, s.person_id, s.reason, s.target FROM (
      SELECT DISTINCT ON (c.institution_id, c.person_id) c.institution_id, c.person_id, m.reason, m.target, m.n
      FROM ROWS FROM (json_to_recordset(${JSON.stringify(moves.map((move) => ({ card_id: move.cardId, reason: move.reason, target: move.target })))}::json)
        AS (card_id uuid, reason text, target jsonb)) WITH ORDINALITY AS m(card_id, reason, target, n)
      JOIN cards c ON c.id = m.card_id
      WHERE (c.institution_id::text || ':' || c.person_id::text) <> ALL(${sql.val(skip.map(subjectKey))}::text[])
      ORDER BY c.institution_id, c.person_id, m.n) AS s
    ORDER BY s.n
    RETURNING institution_id AS "institutionId", person_id AS "personId"`.execute(executor);
  return result.rows.map((row) => ({ institutionId: Number(row.institutionId), personId: row.personId }));
}

/**
 * Appends entries as they are given, in one statement whatever their number, their ids in the
 * given order (a connector that delivers entry by entry files one per delivery: an event for a
 * receiver, delivered in id order).
 */
export async function insertEntries(executor: Executor, connector: string,
  entries: ReadonlyArray<Subject & { operation: string; reason: string; target: Record<string, string> }>): Promise<void> {
  if (entries.length === 0) return;
  await sql`
    INSERT INTO sync_outbox (connector, institution_id, person_id, operation, reason, target)
    SELECT ${connector}, e.institution_id, e.person_id, e.operation, e.reason, e.target
    FROM ROWS FROM (json_to_recordset(${JSON.stringify(entries.map((entry) => ({
      institution_id: entry.institutionId, person_id: entry.personId, operation: entry.operation, reason: entry.reason, target: entry.target,
    })))}::json) AS (institution_id smallint, person_id uuid, operation text, reason text, target jsonb))
      WITH ORDINALITY AS e(institution_id, person_id, operation, reason, target, n)
    ORDER BY e.n`.execute(executor);
}

// Reading entries ----------------------------------------------------------------------------------

/** One entry, if `scope` covers it. */
export async function findEntry(executor: Executor, connector: string, id: number, scope: AccessScope): Promise<OutboxRow | undefined> {
  const result = await sql<RawOutboxRow>`SELECT ${ENTRY_COLUMNS} FROM sync_outbox o JOIN institutions i ON i.id = o.institution_id
    WHERE o.id = ${id} AND o.connector = ${connector} AND ${entryInScope(scope)}`.execute(executor);
  return result.rows[0] && toRow(result.rows[0]);
}

/** A person's most recent entries, newest first, at the institutions of `scope` (or of one institution). */
export async function findEntriesOfPerson(executor: Executor, connector: string, personId: string, limit: number, scope: AccessScope,
  institutionId?: number): Promise<OutboxRow[]> {
  const result = await sql<RawOutboxRow>`SELECT ${ENTRY_COLUMNS} FROM sync_outbox o JOIN institutions i ON i.id = o.institution_id
    WHERE o.person_id = ${personId} AND o.connector = ${connector} AND ${entryInScope(scope)}
      ${institutionId === undefined ? sql`` : sql`AND o.institution_id = ${institutionId}`}
    ORDER BY o.id DESC LIMIT ${limit}`.execute(executor);
  return result.rows.map(toRow);
}

/**
 * Entries of a status, newest first, within `scope`. The scope is applied by the database,
 * before the limit, so a page holds `limit` entries the caller may see whenever that many exist.
 */
export async function listEntries(executor: Executor, connector: string, filter: {
  status?: SyncOutboxStatus; scope: AccessScope; limit: number; beforeId?: number;
  /** Only the entries of this subject id (a person, or what the connector's subjects are: a webhook endpoint). */
  personId?: string;
}): Promise<OutboxRow[]> {
  const result = await sql<RawOutboxRow>`SELECT ${ENTRY_COLUMNS} FROM sync_outbox o JOIN institutions i ON i.id = o.institution_id
    WHERE o.connector = ${connector} AND ${entryInScope(filter.scope)}
      ${filter.status ? sql`AND o.status = ${filter.status}` : sql``}
      ${filter.personId !== undefined ? sql`AND o.person_id = ${filter.personId}` : sql``}
      ${filter.beforeId !== undefined ? sql`AND o.id < ${filter.beforeId}` : sql``}
    ORDER BY o.id DESC LIMIT ${filter.limit}`.execute(executor);
  return result.rows.map(toRow);
}

/** Counts per status within `scope`, with the age of the oldest pending entry and how many are being retried. */
export async function countEntries(executor: Executor, connector: string, scope: AccessScope): Promise<{ pending: number; failed: number; done: number; retrying: number; oldestPendingAt: Date | null }> {
  const result = await sql<{ pending: number | string; failed: number | string; done: number | string; retrying: number | string; oldestPendingAt: Date | string | null }>`
    SELECT count(*) FILTER (WHERE o.status = 'pending') AS pending,
      count(*) FILTER (WHERE o.status = 'failed') AS failed,
      count(*) FILTER (WHERE o.status = 'done') AS done,
      count(*) FILTER (WHERE o.status = 'pending' AND o.attempts > 0) AS retrying,
      min(o.created_at) FILTER (WHERE o.status = 'pending') AS "oldestPendingAt"
    FROM sync_outbox o WHERE o.connector = ${connector} AND ${entryInScope(scope)}`.execute(executor);
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
export async function countBacklog(executor: Executor, connector: string): Promise<{ pending: number; failed: number }> {
  const row = await executor.selectNoFrom([
    sql<number>`(SELECT count(*) FROM sync_outbox WHERE connector = ${connector} AND status = 'pending')`.as('pending'),
    sql<number>`(SELECT count(*) FROM sync_outbox WHERE connector = ${connector} AND status = 'failed')`.as('failed'),
  ]).executeTakeFirstOrThrow();
  return { pending: Number(row.pending), failed: Number(row.failed) };
}

// Delivering ---------------------------------------------------------------------------------------

/**
 * Subjects with a due pending entry and no live lease, oldest entry first. Only a hint: the
 * lease taken afterwards is what guarantees one worker per subject.
 */
export async function findDueSubjects(executor: Executor, connector: string, limit: number, excluded: readonly Subject[],
  pausedInstitutions: readonly number[] = []): Promise<Subject[]> {
  const result = await sql<{ institutionId: number | string; personId: string }>`
    SELECT o.institution_id AS "institutionId", o.person_id AS "personId" FROM sync_outbox o
    WHERE o.connector = ${connector} AND o.status = 'pending' AND o.next_attempt_at <= now()
      AND NOT EXISTS (SELECT 1 FROM sync_leases l WHERE l.connector = o.connector AND l.institution_id = o.institution_id AND l.person_id = o.person_id AND l.expires_at > now())
      ${excluded.length > 0 ? sql`AND (o.institution_id::text || ':' || o.person_id::text) <> ALL(${sql.val(excluded.map(subjectKey))}::text[])` : sql``}
      ${pausedInstitutions.length > 0 ? sql`AND o.institution_id <> ALL(${institutionArray(pausedInstitutions)})` : sql``}
    GROUP BY o.institution_id, o.person_id ORDER BY min(o.id) LIMIT ${limit}`.execute(executor);
  return result.rows.map((row) => ({ institutionId: Number(row.institutionId), personId: row.personId }));
}

/** The institutions with pending entries about this person (a person's job delivers each). */
export async function pendingInstitutionsOf(executor: Executor, connector: string, personId: string): Promise<number[]> {
  const rows = await executor.selectFrom('syncOutbox').select('institutionId').distinct()
    .where('connector', '=', connector).where('personId', '=', personId).where('status', '=', 'pending').orderBy('institutionId').execute();
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
  /** What may be at the remote system for this subject. */
  records: Array<{ kind: string; identifier: string; bodyHash: string | null }>;
  /** The entries themselves, oldest first: read only for connectors that deliver entry by entry (see `claim`'s `entryLimit`). */
  entries: ClaimedEntry[];
}

/** One claimed entry of a connector that delivers entry by entry: its id and what it asks. */
export interface ClaimedEntry {
  id: number;
  target: Record<string, string>;
}

/**
 * Takes (or renews) the leases of these subjects for `ms` milliseconds, except those another
 * live lease holds, then reads their pending entries and records. Returns the claims of
 * the subjects leased, by {@link subjectKey}. A lease is an upsert on the primary key, so two
 * workers can never both win; renewing one's own lease lets a worker go on with entries that
 * arrived during its delivery. Subjects are locked in key order, so two workers claiming
 * overlapping batches cannot deadlock. Two statements on purpose: the upsert may wait for another
 * worker's settlement to commit, and only a statement started after that wait sees its outcome
 * (under READ COMMITTED a statement reads the snapshot taken when it began).
 */
export async function claim(executor: Executor, connector: string, subjects: readonly Subject[], owner: string, ms: number,
  options: { entryLimit?: number } = {}): Promise<Map<string, Claim>> {
  const claims = new Map<string, Claim>();
  if (subjects.length === 0) return claims;
  const unique = new Map(subjects.map((subject) => [subjectKey(subject), subject]));
  const ordered = [...unique.values()].sort((a, b) => a.institutionId - b.institutionId || (a.personId < b.personId ? -1 : a.personId > b.personId ? 1 : 0));
  const leased = await sql<{ institutionId: number | string; personId: string }>`
    INSERT INTO sync_leases (connector, institution_id, person_id, owner, expires_at)
    SELECT ${connector}, s.institution_id, s.person_id, ${owner}, now() + make_interval(secs => ${ms / 1000}) FROM ${subjectsRelation(ordered)}
    ON CONFLICT (connector, institution_id, person_id) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
      WHERE sync_leases.expires_at <= now() OR sync_leases.owner = EXCLUDED.owner
    RETURNING institution_id AS "institutionId", person_id AS "personId"`.execute(executor);
  if (leased.rows.length === 0) return claims;
  const held = leased.rows.map((row) => ({ institutionId: Number(row.institutionId), personId: row.personId }));
  type ClaimRow = {
    institutionId: number | string; personId: string; ids: Array<number | string> | null; attempts: number | string | null;
    records: Claim['records'] | null; entries: Array<{ id: number | string; target: Record<string, string> }> | null;
  };
  // Entry by entry: the oldest `entryLimit` pending entries, with what they ask; the rest waits for the next claim.
  const pending = options.entryLimit === undefined
    ? sql`SELECT id, attempts, target FROM sync_outbox WHERE connector = ${connector} AND institution_id = s.institution_id AND person_id = s.person_id AND status = 'pending'`
    : sql`SELECT id, attempts, target FROM sync_outbox WHERE connector = ${connector} AND institution_id = s.institution_id AND person_id = s.person_id AND status = 'pending'
        ORDER BY id LIMIT ${options.entryLimit}`;
  const rows = await sql<ClaimRow>`
    SELECT s.institution_id AS "institutionId", s.person_id AS "personId", p.ids, p.attempts, p.entries,
      (SELECT json_agg(json_build_object('kind', kind, 'identifier', identifier, 'bodyHash', body_hash))
         FROM sync_records WHERE connector = ${connector} AND institution_id = s.institution_id AND person_id = s.person_id) AS records
    FROM ${subjectsRelation(held)}
    CROSS JOIN LATERAL (SELECT array_agg(e.id ORDER BY e.id) AS ids, max(e.attempts) AS attempts,
        ${options.entryLimit === undefined ? sql`NULL::json` : sql`json_agg(json_build_object('id', e.id, 'target', e.target) ORDER BY e.id)`} AS entries
      FROM (${pending}) e) p`.execute(executor);
  for (const row of rows.rows) {
    claims.set(subjectKey({ institutionId: Number(row.institutionId), personId: row.personId }), {
      leased: true,
      ids: (row.ids ?? []).map(Number),
      attempts: Number(row.attempts ?? 0),
      records: row.records ?? [],
      entries: (row.entries ?? []).map((entry) => ({ id: Number(entry.id), target: entry.target })),
    });
  }
  return claims;
}

/** How a delivery ends for its entries. */
export interface Settlement extends Subject {
  connector: string;
  owner: string;
  ids: readonly number[];
  /** done, pending again (retry after `delayMs`), or failed. */
  status: 'done' | 'pending' | 'failed';
  delayMs?: number;
  error?: OutboxError;
  result?: Record<string, unknown>;
  /** Bodies the remote system confirmed. */
  confirm: ReadonlyArray<{ kind: string; identifier: string; hash: string; remoteStatus: string | null }>;
  /** Records the remote system confirmed gone. */
  forget: ReadonlyArray<{ kind: string; identifier: string }>;
}

/**
 * Settles a delivery in one atomic statement, only while `owner` still holds the subject's lease:
 * marks the entries, resolves the subject's older failures after a success, writes what the
 * remote system confirmed, and releases the lease, unless the delivery succeeded and newer entries are
 * due (the worker then goes on with the same lease). A single statement instead of a transaction
 * of eight: deliveries are many, and on PGlite every round trip counts. The tables are not
 * audited, so no actor needs to be set.
 * Returns whether the lease was still held, and whether more entries are due.
 */
export async function settle(executor: Executor, s: Settlement): Promise<{ held: boolean; moreDue: boolean }> {
  const ids = sql`${sql.val([...s.ids])}::bigint[]`;
  const maxId = s.ids.length > 0 ? Math.max(...s.ids) : 0;
  const institution = sql`${s.institutionId}::smallint`;
  const connector = s.connector;
  const result = await sql<{ held: boolean; moreDue: boolean }>`
    WITH lease AS (
      SELECT person_id FROM sync_leases WHERE connector = ${connector} AND institution_id = ${institution} AND person_id = ${s.personId} AND owner = ${s.owner} FOR UPDATE
    ), settled AS (
      UPDATE sync_outbox SET
        status = ${s.status},
        attempts = attempts + 1,
        done_at = CASE WHEN ${s.status}::text = 'pending' THEN NULL ELSE now() END,
        next_attempt_at = CASE WHEN ${s.status}::text = 'pending' THEN now() + make_interval(secs => ${(s.delayMs ?? 0) / 1000}) ELSE next_attempt_at END,
        last_error_code = coalesce(${s.error?.code ?? null}::text, last_error_code),
        last_error_message = coalesce(${s.error?.message ?? null}::text, last_error_message),
        remote_status = CASE WHEN ${s.error === undefined} THEN remote_status ELSE ${s.error?.remoteStatus ?? null}::integer END,
        result = coalesce(${s.result === undefined ? null : JSON.stringify(s.result)}::jsonb, result)
      WHERE id = ANY(${ids}) AND status = 'pending' AND EXISTS (SELECT 1 FROM lease)
      RETURNING id
    ), superseded AS (
      UPDATE sync_outbox SET status = 'done', done_at = now(), superseded_by = ${maxId}
      WHERE ${s.status}::text = 'done' AND connector = ${connector} AND institution_id = ${institution} AND person_id = ${s.personId} AND status = 'failed' AND id < ${maxId}
        AND EXISTS (SELECT 1 FROM lease)
    ), confirmed AS (
      INSERT INTO sync_records (connector, institution_id, person_id, kind, identifier, body_hash, remote_status, confirmed_at)
      SELECT ${connector}, ${institution}, ${s.personId}, c.kind, c.identifier, c.hash, c.remote_status, now()
      FROM json_to_recordset(${JSON.stringify(s.confirm.map((c) => ({ ...c, remote_status: c.remoteStatus })))}::json)
        AS c(kind text, identifier text, hash text, remote_status text)
      WHERE EXISTS (SELECT 1 FROM lease)
      ON CONFLICT (connector, institution_id, person_id, kind, identifier) DO UPDATE SET body_hash = EXCLUDED.body_hash,
        remote_status = EXCLUDED.remote_status, confirmed_at = now(), updated_at = now()
    ), forgotten AS (
      DELETE FROM sync_records r
      USING json_to_recordset(${JSON.stringify(s.forget)}::json) AS f(kind text, identifier text)
      WHERE r.connector = ${connector} AND r.institution_id = ${institution} AND r.person_id = ${s.personId} AND r.kind = f.kind AND lower(r.identifier) = lower(f.identifier)
        AND EXISTS (SELECT 1 FROM lease)
    ), more AS (
      SELECT EXISTS (SELECT 1 FROM sync_outbox WHERE connector = ${connector} AND institution_id = ${institution} AND person_id = ${s.personId} AND status = 'pending'
        AND next_attempt_at <= now() AND id <> ALL(${ids})) AS due
    ), released AS (
      DELETE FROM sync_leases WHERE connector = ${connector} AND institution_id = ${institution} AND person_id = ${s.personId} AND owner = ${s.owner}
        AND (${s.status}::text <> 'done' OR NOT (SELECT due FROM more))
    )
    SELECT EXISTS (SELECT 1 FROM lease) AS held, (SELECT due FROM more) AS "moreDue"`.execute(executor);
  const row = result.rows[0];
  return { held: row?.held === true, moreDue: row?.moreDue === true };
}

/**
 * Settles many deliveries of one connector in one statement, each exactly as {@link settle} would
 * (only while its owner still holds its lease; its older failures resolved after a success; what
 * the remote system confirmed written; its lease released unless it succeeded and newer entries
 * are due). What a busy pass writes instead of a statement per subject: at a remote system 100 ms
 * away the database otherwise becomes the limit. Each subject at most once. Returns the outcomes
 * in the order given.
 */
export async function settleMany(executor: Executor, connector: string, settlements: readonly Settlement[]): Promise<Array<{ held: boolean; moreDue: boolean }>> {
  if (settlements.length === 0) return [];
  const rows = settlements.map((s, n) => ({
    n, institution_id: s.institutionId, person_id: s.personId, owner: s.owner, ids: s.ids, status: s.status,
    delay_secs: (s.delayMs ?? 0) / 1000, code: s.error?.code ?? null, message: s.error?.message ?? null,
    remote_status: s.error?.remoteStatus ?? null, has_error: s.error !== undefined, result: s.result ?? null,
    max_id: s.ids.length > 0 ? Math.max(...s.ids) : 0,
  }));
  const confirm = settlements.flatMap((s) => s.confirm.map((c) => ({
    institution_id: s.institutionId, person_id: s.personId, kind: c.kind, identifier: c.identifier, hash: c.hash, remote_status: c.remoteStatus,
  })));
  const forget = settlements.flatMap((s) => s.forget.map((f) => ({ institution_id: s.institutionId, person_id: s.personId, kind: f.kind, identifier: f.identifier })));
  const result = await sql<{ n: number | string; held: boolean; moreDue: boolean | null }>`
    WITH s AS (
      SELECT * FROM json_to_recordset(${JSON.stringify(rows)}::json) AS s(n integer, institution_id smallint, person_id uuid, owner text, ids bigint[],
        status text, delay_secs float8, code text, message text, remote_status integer, has_error boolean, result jsonb, max_id bigint)
    ), lease AS (
      SELECT l.institution_id, l.person_id FROM sync_leases l JOIN s ON l.institution_id = s.institution_id AND l.person_id = s.person_id AND l.owner = s.owner
      WHERE l.connector = ${connector}
      FOR UPDATE OF l
    ), held AS (
      SELECT s.* FROM s JOIN lease l ON l.institution_id = s.institution_id AND l.person_id = s.person_id
    ), settled AS (
      UPDATE sync_outbox o SET
        status = h.status,
        attempts = o.attempts + 1,
        done_at = CASE WHEN h.status = 'pending' THEN NULL ELSE now() END,
        next_attempt_at = CASE WHEN h.status = 'pending' THEN now() + make_interval(secs => h.delay_secs) ELSE o.next_attempt_at END,
        last_error_code = coalesce(h.code, o.last_error_code),
        last_error_message = coalesce(h.message, o.last_error_message),
        remote_status = CASE WHEN h.has_error THEN h.remote_status ELSE o.remote_status END,
        result = coalesce(h.result, o.result)
      FROM held h
      WHERE o.id = ANY(h.ids) AND o.connector = ${connector} AND o.institution_id = h.institution_id AND o.person_id = h.person_id AND o.status = 'pending'
      RETURNING o.id
    ), superseded AS (
      UPDATE sync_outbox o SET status = 'done', done_at = now(), superseded_by = h.max_id
      FROM held h
      WHERE h.status = 'done' AND o.connector = ${connector} AND o.institution_id = h.institution_id AND o.person_id = h.person_id
        AND o.status = 'failed' AND o.id < h.max_id
    ), confirmed AS (
      INSERT INTO sync_records (connector, institution_id, person_id, kind, identifier, body_hash, remote_status, confirmed_at)
      SELECT ${connector}, c.institution_id, c.person_id, c.kind, c.identifier, c.hash, c.remote_status, now()
      FROM json_to_recordset(${JSON.stringify(confirm)}::json) AS c(institution_id smallint, person_id uuid, kind text, identifier text, hash text, remote_status text)
      JOIN lease l ON l.institution_id = c.institution_id AND l.person_id = c.person_id
      ON CONFLICT (connector, institution_id, person_id, kind, identifier) DO UPDATE SET body_hash = EXCLUDED.body_hash,
        remote_status = EXCLUDED.remote_status, confirmed_at = now(), updated_at = now()
    ), forgotten AS (
      DELETE FROM sync_records r
      USING json_to_recordset(${JSON.stringify(forget)}::json) AS f(institution_id smallint, person_id uuid, kind text, identifier text), lease l
      WHERE r.connector = ${connector} AND r.institution_id = f.institution_id AND r.person_id = f.person_id AND r.kind = f.kind
        AND lower(r.identifier) = lower(f.identifier) AND l.institution_id = f.institution_id AND l.person_id = f.person_id
    ), more AS (
      SELECT h.institution_id, h.person_id, EXISTS (SELECT 1 FROM sync_outbox o WHERE o.connector = ${connector} AND o.institution_id = h.institution_id
        AND o.person_id = h.person_id AND o.status = 'pending' AND o.next_attempt_at <= now() AND o.id <> ALL(h.ids)) AS due
      FROM held h
    ), released AS (
      DELETE FROM sync_leases l USING held h, more m
      WHERE l.connector = ${connector} AND l.institution_id = h.institution_id AND l.person_id = h.person_id AND l.owner = h.owner
        AND m.institution_id = h.institution_id AND m.person_id = h.person_id AND (h.status <> 'done' OR NOT m.due)
    )
    SELECT s.n, (m.person_id IS NOT NULL) AS held, m.due AS "moreDue"
    FROM s LEFT JOIN more m ON m.institution_id = s.institution_id AND m.person_id = s.person_id`.execute(executor);
  const outcomes = settlements.map(() => ({ held: false, moreDue: false }));
  for (const row of result.rows) outcomes[Number(row.n)] = { held: row.held === true, moreDue: row.moreDue === true };
  return outcomes;
}

/** How a delivery entry by entry ends: each entry done, failed, or (from the first retryable failure on) retried. */
export interface EntrySettlement extends Subject {
  connector: string;
  owner: string;
  done: ReadonlyArray<{ id: number; result: Record<string, unknown> }>;
  failed: ReadonlyArray<{ id: number; error: OutboxError; result: Record<string, unknown> }>;
  /** The entry that failed and may succeed later; every pending entry of the subject then waits `delayMs`, so order holds. */
  retry?: { id: number; error: OutboxError; delayMs: number };
}

/**
 * Settles a delivery made entry by entry, in one statement, only while `owner` still holds the
 * lease: the entries delivered are done, those refused failed with their own error, the one that
 * failed retryably counts an attempt, and then every pending entry of the subject waits for the
 * same delay, so none overtakes it. Releases the lease unless all went and more entries are due.
 */
export async function settleEntries(executor: Executor, s: EntrySettlement): Promise<{ held: boolean; moreDue: boolean }> {
  const institution = sql`${s.institutionId}::smallint`;
  const connector = s.connector;
  const outcomes = [
    ...s.done.map((entry) => ({ id: entry.id, status: 'done', code: null, message: null, remote_status: null, result: entry.result })),
    ...s.failed.map((entry) => ({
      id: entry.id, status: 'failed', code: entry.error.code, message: entry.error.message, remote_status: entry.error.remoteStatus, result: entry.result,
    })),
    ...(s.retry ? [{ id: s.retry.id, status: 'pending', code: s.retry.error.code, message: s.retry.error.message, remote_status: s.retry.error.remoteStatus, result: null }] : []),
  ];
  const result = await sql<{ held: boolean; moreDue: boolean }>`
    WITH lease AS (
      SELECT person_id FROM sync_leases WHERE connector = ${connector} AND institution_id = ${institution} AND person_id = ${s.personId} AND owner = ${s.owner} FOR UPDATE
    ), settled AS (
      UPDATE sync_outbox o SET
        status = r.status,
        attempts = o.attempts + 1,
        done_at = CASE WHEN r.status = 'pending' THEN NULL ELSE now() END,
        next_attempt_at = CASE WHEN r.status = 'pending' THEN now() + make_interval(secs => ${(s.retry?.delayMs ?? 0) / 1000}) ELSE o.next_attempt_at END,
        last_error_code = coalesce(r.code, o.last_error_code),
        last_error_message = coalesce(r.message, o.last_error_message),
        remote_status = CASE WHEN r.code IS NULL THEN o.remote_status ELSE r.remote_status END,
        result = coalesce(r.result, o.result)
      FROM json_to_recordset(${JSON.stringify(outcomes)}::json) AS r(id bigint, status text, code text, message text, remote_status integer, result jsonb)
      WHERE o.id = ANY(${sql.val(outcomes.map((o) => o.id))}::bigint[]) AND o.id = r.id AND o.connector = ${connector} AND o.status = 'pending'
        AND EXISTS (SELECT 1 FROM lease)
      RETURNING o.id
    ), delayed AS (
      -- The settled rows are left to the update above: a statement must not update a row twice.
      UPDATE sync_outbox SET next_attempt_at = now() + make_interval(secs => ${(s.retry?.delayMs ?? 0) / 1000})
      WHERE ${s.retry !== undefined} AND connector = ${connector} AND institution_id = ${institution} AND person_id = ${s.personId} AND status = 'pending'
        AND id <> ALL(${sql.val(outcomes.map((o) => o.id))}::bigint[]) AND EXISTS (SELECT 1 FROM lease)
    ), more AS (
      SELECT EXISTS (SELECT 1 FROM sync_outbox WHERE connector = ${connector} AND institution_id = ${institution} AND person_id = ${s.personId} AND status = 'pending'
        AND next_attempt_at <= now() AND id <> ALL(${sql.val(outcomes.map((o) => o.id))}::bigint[])) AS due
    ), released AS (
      DELETE FROM sync_leases WHERE connector = ${connector} AND institution_id = ${institution} AND person_id = ${s.personId} AND owner = ${s.owner}
        AND (${s.retry !== undefined} OR NOT (SELECT due FROM more))
    )
    SELECT EXISTS (SELECT 1 FROM lease) AS held, (SELECT due FROM more) AS "moreDue"`.execute(executor);
  const row = result.rows[0];
  return { held: row?.held === true, moreDue: row?.moreDue === true };
}

/** Gives leases back (nothing to do, a pass that stopped early, a reconcile). */
export async function releaseLeases(executor: Executor, connector: string, subjects: readonly Subject[], owner: string): Promise<void> {
  if (subjects.length === 0) return;
  await sql`DELETE FROM sync_leases l USING ${subjectsRelation(subjects)}
    WHERE l.connector = ${connector} AND l.institution_id = s.institution_id AND l.person_id = s.person_id AND l.owner = ${owner}`.execute(executor);
}

/** The error columns of an entry. */
export interface OutboxError {
  code: string;
  message: string;
  /** The remote system's HTTP status, when it answered. */
  remoteStatus: number | null;
}

/** Makes an institution's pending entries due now (what waited for a setting, say a key, may go). */
export async function makeDueNow(executor: Executor, connector: string, institutionId: number): Promise<void> {
  await executor.updateTable('syncOutbox').set({ nextAttemptAt: new Date() })
    .where('connector', '=', connector).where('institutionId', '=', institutionId).where('status', '=', 'pending').execute();
}

/** Makes the pending entries of every subject about `personId` due now (a receiver resumed: what waited for it may go). */
export async function makeDueNowFor(executor: Executor, connector: string, personId: string): Promise<void> {
  await executor.updateTable('syncOutbox').set({ nextAttemptAt: new Date() })
    .where('connector', '=', connector).where('personId', '=', personId).where('status', '=', 'pending').execute();
}

/** Puts one failed or pending entry of `scope` back in the queue, due now. Returns the row, or undefined when not replayable. */
export async function replayEntry(executor: Executor, connector: string, id: number, actor: string, scope: AccessScope): Promise<OutboxRow | undefined> {
  const result = await sql<RawOutboxRow>`WITH replayed AS (
      UPDATE sync_outbox o SET status = 'pending', next_attempt_at = now(), done_at = NULL, replayed_by = ${actor}, replayed_at = now()
      WHERE o.id = ${id} AND o.connector = ${connector} AND o.status IN ('pending', 'failed') AND ${entryInScope(scope)}
      RETURNING o.*
    )
    SELECT ${ENTRY_COLUMNS} FROM replayed o JOIN institutions i ON i.id = o.institution_id`.execute(executor);
  return result.rows[0] && toRow(result.rows[0]);
}

/** Puts every failed entry of `scope` back in the queue, due now. Returns how many subjects are concerned. */
export async function replayFailed(executor: Executor, connector: string, actor: string, scope: AccessScope): Promise<number> {
  const result = await sql<{ subjects: number | string }>`WITH replayed AS (
      UPDATE sync_outbox o SET status = 'pending', next_attempt_at = now(), done_at = NULL, replayed_by = ${actor}, replayed_at = now()
      WHERE o.connector = ${connector} AND o.status = 'failed' AND ${entryInScope(scope)}
      RETURNING o.institution_id, o.person_id
    )
    SELECT count(*) AS subjects FROM (SELECT DISTINCT institution_id, person_id FROM replayed) AS d`.execute(executor);
  return Number(result.rows[0]?.subjects ?? 0);
}

/** Deletes done entries older than `days` (what the remote system holds is in its records, and in the logs). */
export async function purgeDone(executor: Executor, connector: string, days: number): Promise<number> {
  const result = await executor.deleteFrom('syncOutbox').where('connector', '=', connector).where('status', '=', 'done')
    .where('doneAt', '<', sql<Date>`now() - make_interval(days => ${days})`).executeTakeFirst();
  return Number(result.numDeletedRows);
}

// Records ------------------------------------------------------------------------------------------

/** A record as operators see it. */
export interface RecordRow {
  institutionId: number;
  kind: string;
  identifier: string;
  bodyHash: string | null;
  remoteStatus: string | null;
  confirmedAt: Date | null;
  updatedAt: Date;
}

/** What the institutions of `scope` (or one institution) may have put at the connector's remote system about this person. */
export async function findRecordsOfPerson(executor: Executor, connector: string, personId: string, scope: AccessScope,
  institutionId?: number): Promise<RecordRow[]> {
  let query = executor.selectFrom('syncRecords')
    .select(['institutionId', 'kind', 'identifier', 'bodyHash', 'remoteStatus', 'confirmedAt', 'updatedAt'])
    .where('connector', '=', connector)
    .where('personId', '=', personId)
    .where(inScope(scope, { institution: 'sync_records.institution_id' }));
  if (institutionId !== undefined) query = query.where('institutionId', '=', institutionId);
  const rows = await query.orderBy('institutionId').orderBy('kind', 'desc').orderBy('identifier').execute();
  return rows.map((row) => ({ ...row, institutionId: Number(row.institutionId) }));
}

/**
 * Notes that bodies are about to be sent: their records exist from now on, with an unknown hash,
 * until the remote system confirms. Written before the calls so a crash cannot lose track of them.
 */
export async function markUncertain(executor: Executor, connector: string,
  items: ReadonlyArray<Subject & { kind: string; identifier: string }>): Promise<void> {
  if (items.length === 0) return;
  await executor.insertInto('syncRecords')
    .values(items.map((item) => ({ connector, institutionId: item.institutionId, personId: item.personId, kind: item.kind, identifier: item.identifier, bodyHash: null })))
    .onConflict((oc) => oc.columns(['connector', 'institutionId', 'personId', 'kind', 'identifier']).doUpdateSet({ bodyHash: null, updatedAt: sql<Date>`now()` }))
    .execute();
}

/** Notes that the remote system confirmed a body. */
export async function markConfirmed(executor: Executor, connector: string, subject: Subject, kind: string, identifier: string, hash: string,
  remoteStatus: string | null): Promise<void> {
  await executor.insertInto('syncRecords')
    .values({ connector, institutionId: subject.institutionId, personId: subject.personId, kind, identifier, bodyHash: hash, remoteStatus, confirmedAt: sql<Date>`now()` })
    .onConflict((oc) => oc.columns(['connector', 'institutionId', 'personId', 'kind', 'identifier'])
      .doUpdateSet({ bodyHash: hash, remoteStatus, confirmedAt: sql<Date>`now()`, updatedAt: sql<Date>`now()` }))
    .execute();
}

/** Forgets a record once the remote system confirmed it no longer holds it. */
export async function deleteRecord(executor: Executor, connector: string, subject: Subject, kind: string, identifier: string): Promise<void> {
  await executor.deleteFrom('syncRecords').where('connector', '=', connector).where('institutionId', '=', subject.institutionId)
    .where('personId', '=', subject.personId).where('kind', '=', kind)
    .where(sql<boolean>`lower(identifier) = lower(${identifier})`).execute();
}

/**
 * Every subject a reconcile of `scope` looks at: each enrolment, and each institution's person of
 * whom something was sent (a person since deleted, an enrolment since ended), ordered.
 */
export async function reconcileSubjects(executor: Executor, connector: string, scope: AccessScope): Promise<Subject[]> {
  const result = await sql<{ institutionId: number | string; personId: string }>`
    SELECT e.institution_id AS "institutionId", e.person_id AS "personId" FROM enrolments e
    WHERE ${inScope(scope, { institution: 'e.institution_id' })}
    UNION
    SELECT r.institution_id, r.person_id FROM sync_records r
    WHERE r.connector = ${connector} AND ${inScope(scope, { institution: 'r.institution_id' })}
    ORDER BY 1, 2`.execute(executor);
  return result.rows.map((row) => ({ institutionId: Number(row.institutionId), personId: row.personId }));
}

/**
 * Whether a caller of `scope` may look at this person's sync: the person exists and is enrolled
 * at an institution of the scope (with a type of the scope), or, for a caller without person-type
 * limits, an institution of the scope sent something about them.
 */
export async function personVisible(executor: Executor, connector: string, personId: string, scope: AccessScope): Promise<boolean> {
  const result = await sql<{ visible: boolean }>`SELECT EXISTS (SELECT 1 FROM persons WHERE id = ${personId}) AND (
      EXISTS (SELECT 1 FROM enrolments e WHERE e.person_id = ${personId} AND ${inScope(scope, { institution: 'e.institution_id', personType: 'e.person_type' })})
      OR (${scope.personTypes === null} AND EXISTS (SELECT 1 FROM sync_records r WHERE r.connector = ${connector} AND r.person_id = ${personId}
        AND ${inScope(scope, { institution: 'r.institution_id' })}))
    ) AS visible`.execute(executor);
  return result.rows[0]?.visible === true;
}

