import { sql, type Expression } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { EscOutboxStatus } from './esc.tables.ts';

const ENTRY_COLUMNS = ['id', 'personId', 'operation', 'reason', 'target', 'status', 'attempts', 'nextAttemptAt', 'lastErrorCode',
  'lastErrorMessage', 'routerStatus', 'result', 'supersededBy', 'createdBy', 'createdAt', 'doneAt', 'replayedBy', 'replayedAt'] as const;

/** An outbox row as read. */
export interface OutboxRow {
  id: number;
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

/** A new outbox entry. */
export interface NewOutboxEntry {
  personId: string;
  reason: string;
  target: Record<string, string>;
}

/** Appends entries (inside the caller's transaction, so they exist iff the change commits). */
export async function insertEntries(executor: Executor, entries: readonly NewOutboxEntry[]): Promise<number[]> {
  if (entries.length === 0) return [];
  const rows = await executor.insertInto('escOutbox')
    .values(entries.map((entry) => ({ ...entry, target: JSON.stringify(entry.target) })))
    .returning('id').execute();
  return rows.map((row) => row.id);
}

/**
 * Appends one entry per person of `personIds`, in one statement (bulk changes: imports, the
 * rights-end job, tests enabling a thousand cards).
 */
export async function insertEntriesForPersons(executor: Executor, personIds: readonly string[], reason: string): Promise<number> {
  if (personIds.length === 0) return 0;
  const result = await sql`INSERT INTO esc_outbox (person_id, reason)
    SELECT u.p, ${reason} FROM unnest(${sql.val(personIds)}::uuid[]) AS u(p)`.execute(executor);
  return Number(result.numAffectedRows ?? 0);
}

/** One entry. */
export async function findEntry(executor: Executor, id: number): Promise<OutboxRow | undefined> {
  return executor.selectFrom('escOutbox').select(ENTRY_COLUMNS).where('id', '=', id).executeTakeFirst() as Promise<OutboxRow | undefined>;
}

/** A person's most recent entries, newest first. */
export async function findEntriesOfPerson(executor: Executor, personId: string, limit: number): Promise<OutboxRow[]> {
  return executor.selectFrom('escOutbox').select(ENTRY_COLUMNS).where('personId', '=', personId)
    .orderBy('id', 'desc').limit(limit).execute() as Promise<OutboxRow[]>;
}

/**
 * The persons whose entries a caller may see, as a subquery of person ids built by the people
 * context (a manager limited to some person types); absent: everybody.
 */
export type PersonScope = Expression<{ id: string }>;

/**
 * Entries of a status, newest first. The scope is applied by the database, before the limit, so
 * a page holds `limit` entries the caller may see whenever that many exist.
 */
export async function listEntries(executor: Executor, filter: {
  status?: EscOutboxStatus; personScope?: PersonScope | undefined; limit: number; beforeId?: number;
}): Promise<OutboxRow[]> {
  let query = executor.selectFrom('escOutbox').select(ENTRY_COLUMNS);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.personScope) query = query.where(sql<boolean>`person_id IN (${filter.personScope})`);
  if (filter.beforeId !== undefined) query = query.where('id', '<', filter.beforeId);
  return query.orderBy('id', 'desc').limit(filter.limit).execute() as Promise<OutboxRow[]>;
}

/** Counts per status, with the age of the oldest pending entry and how many are being retried; within the scope when given. */
export async function countEntries(executor: Executor, personScope?: PersonScope): Promise<{ pending: number; failed: number; done: number; retrying: number; oldestPendingAt: Date | null }> {
  let query = executor.selectFrom('escOutbox');
  if (personScope) query = query.where(sql<boolean>`person_id IN (${personScope})`);
  const row = await query
    .select([
      sql<number>`count(*) FILTER (WHERE status = 'pending')`.as('pending'),
      sql<number>`count(*) FILTER (WHERE status = 'failed')`.as('failed'),
      sql<number>`count(*) FILTER (WHERE status = 'done')`.as('done'),
      sql<number>`count(*) FILTER (WHERE status = 'pending' AND attempts > 0)`.as('retrying'),
      sql<Date | null>`min(created_at) FILTER (WHERE status = 'pending')`.as('oldestPendingAt'),
    ])
    .executeTakeFirstOrThrow();
  return {
    pending: Number(row.pending),
    failed: Number(row.failed),
    done: Number(row.done),
    retrying: Number(row.retrying),
    oldestPendingAt: row.oldestPendingAt === null ? null : new Date(row.oldestPendingAt),
  };
}

/** Pending and failed counts only: cheap enough for every metrics scrape (partial indexes). */
export async function countBacklog(executor: Executor): Promise<{ pending: number; failed: number }> {
  const row = await executor.selectNoFrom([
    sql<number>`(SELECT count(*) FROM esc_outbox WHERE status = 'pending')`.as('pending'),
    sql<number>`(SELECT count(*) FROM esc_outbox WHERE status = 'failed')`.as('failed'),
  ]).executeTakeFirstOrThrow();
  return { pending: Number(row.pending), failed: Number(row.failed) };
}

/**
 * Persons with a due pending entry and no live lease, oldest entry first. Only a hint: the lease
 * taken afterwards is what guarantees one worker per person.
 */
export async function findDuePersons(executor: Executor, limit: number, excluded: readonly string[]): Promise<string[]> {
  let query = executor.selectFrom('escOutbox as o')
    .select('o.personId')
    .select((eb) => eb.fn.min('o.id').as('firstId'))
    .where('o.status', '=', 'pending')
    .where('o.nextAttemptAt', '<=', sql<Date>`now()`)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('escSyncLeases as l').select(sql`1`.as('one'))
      .whereRef('l.personId', '=', 'o.personId').where('l.expiresAt', '>', sql<Date>`now()`))));
  if (excluded.length > 0) query = query.where('o.personId', 'not in', excluded);
  const rows = await query.groupBy('o.personId').orderBy('firstId').limit(limit).execute();
  return rows.map((row) => row.personId);
}

/** What a worker starts a delivery with. */
export interface Claim {
  /** The worker holds the person's lease. */
  leased: true;
  /** The person's pending entries, all of which the delivery will settle. */
  ids: number[];
  /** Highest attempt count among them (for the backoff). */
  attempts: number;
  /** What may be at the router for this person. */
  records: Array<{ kind: 'person' | 'card'; identifier: string; bodyHash: string | null }>;
}

/**
 * Takes (or renews) the leases of these persons for `ms` milliseconds, except those another live
 * lease holds, then reads their pending entries and router records. Returns the claims of the
 * persons leased. A lease is an upsert on the primary key, so two workers can never both win;
 * renewing one's own lease lets a worker go on with entries that arrived during its delivery.
 * Persons are locked in id order, so two workers claiming overlapping batches cannot deadlock.
 * Two statements on purpose: the upsert may wait for another worker's settlement to commit, and
 * only a statement started after that wait sees its outcome (under READ COMMITTED a statement
 * reads the snapshot taken when it began).
 */
export async function claim(executor: Executor, personIds: readonly string[], owner: string, ms: number): Promise<Map<string, Claim>> {
  const claims = new Map<string, Claim>();
  if (personIds.length === 0) return claims;
  const ordered = [...new Set(personIds)].sort();
  const leased = await sql<{ personId: string }>`
    INSERT INTO esc_sync_leases (person_id, owner, expires_at)
    SELECT u.p, ${owner}, now() + make_interval(secs => ${ms / 1000}) FROM unnest(${sql.val(ordered)}::uuid[]) AS u(p)
    ON CONFLICT (person_id) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
      WHERE esc_sync_leases.expires_at <= now() OR esc_sync_leases.owner = EXCLUDED.owner
    RETURNING person_id`.execute(executor);
  if (leased.rows.length === 0) return claims;
  const rows = await sql<{ personId: string; ids: Array<number | string> | null; attempts: number | string | null; records: Claim['records'] | null }>`
    SELECT l.p AS person_id,
      (SELECT array_agg(id ORDER BY id) FROM esc_outbox WHERE person_id = l.p AND status = 'pending') AS ids,
      (SELECT max(attempts) FROM esc_outbox WHERE person_id = l.p AND status = 'pending') AS attempts,
      (SELECT json_agg(json_build_object('kind', kind, 'identifier', identifier, 'bodyHash', body_hash))
         FROM esc_router_records WHERE person_id = l.p) AS records
    FROM unnest(${sql.val(leased.rows.map((row) => row.personId))}::uuid[]) AS l(p)`.execute(executor);
  for (const row of rows.rows) {
    claims.set(row.personId, {
      leased: true,
      ids: (row.ids ?? []).map(Number),
      attempts: Number(row.attempts ?? 0),
      records: row.records ?? [],
    });
  }
  return claims;
}

/** How a delivery ends for its entries. */
export interface Settlement {
  personId: string;
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
 * Settles a delivery in one atomic statement, only while `owner` still holds the lease: marks the
 * entries, resolves the person's older failures after a success, writes what the router
 * confirmed, and releases the lease, unless the delivery succeeded and newer entries are due (the
 * worker then goes on with the same lease). A single statement instead of a transaction of
 * eight: deliveries are many, and on PGlite every round trip counts. The tables are not audited,
 * so no actor needs to be set.
 * Returns whether the lease was still held, and whether more entries are due.
 */
export async function settle(executor: Executor, s: Settlement): Promise<{ held: boolean; moreDue: boolean }> {
  const ids = sql`${sql.val([...s.ids])}::bigint[]`;
  const maxId = s.ids.length > 0 ? Math.max(...s.ids) : 0;
  const result = await sql<{ held: boolean; moreDue: boolean }>`
    WITH lease AS (
      SELECT person_id FROM esc_sync_leases WHERE person_id = ${s.personId} AND owner = ${s.owner} FOR UPDATE
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
      WHERE ${s.status}::text = 'done' AND person_id = ${s.personId} AND status = 'failed' AND id < ${maxId}
        AND EXISTS (SELECT 1 FROM lease)
    ), confirmed AS (
      INSERT INTO esc_router_records (person_id, kind, identifier, body_hash, router_status, confirmed_at)
      SELECT ${s.personId}, c.kind, c.identifier, c.hash, c.router_status, now()
      FROM json_to_recordset(${JSON.stringify(s.confirm.map((c) => ({ ...c, router_status: c.routerStatus })))}::json)
        AS c(kind text, identifier text, hash text, router_status text)
      WHERE EXISTS (SELECT 1 FROM lease)
      ON CONFLICT (person_id, kind, identifier) DO UPDATE SET body_hash = EXCLUDED.body_hash,
        router_status = EXCLUDED.router_status, confirmed_at = now(), updated_at = now()
    ), forgotten AS (
      DELETE FROM esc_router_records r
      USING json_to_recordset(${JSON.stringify(s.forget)}::json) AS f(kind text, identifier text)
      WHERE r.person_id = ${s.personId} AND r.kind = f.kind AND lower(r.identifier) = lower(f.identifier)
        AND EXISTS (SELECT 1 FROM lease)
    ), more AS (
      SELECT EXISTS (SELECT 1 FROM esc_outbox WHERE person_id = ${s.personId} AND status = 'pending'
        AND next_attempt_at <= now() AND id <> ALL(${ids})) AS due
    ), released AS (
      DELETE FROM esc_sync_leases WHERE person_id = ${s.personId} AND owner = ${s.owner}
        AND (${s.status}::text <> 'done' OR NOT (SELECT due FROM more))
    )
    SELECT EXISTS (SELECT 1 FROM lease) AS held, (SELECT due FROM more) AS "moreDue"`.execute(executor);
  const row = result.rows[0];
  return { held: row?.held === true, moreDue: row?.moreDue === true };
}

/** Gives leases back (nothing to do, a pass that stopped early, a reconcile). */
export async function releaseLeases(executor: Executor, personIds: readonly string[], owner: string): Promise<void> {
  if (personIds.length === 0) return;
  await executor.deleteFrom('escSyncLeases').where('personId', 'in', personIds).where('owner', '=', owner).execute();
}

/** The error columns of an entry. */
export interface OutboxError {
  code: string;
  message: string;
  routerStatus: number | null;
}

/** Puts one failed or pending entry back in the queue, due now. Returns the row, or undefined when not replayable. */
export async function replayEntry(executor: Executor, id: number, actor: string): Promise<OutboxRow | undefined> {
  return executor.updateTable('escOutbox')
    .set({ status: 'pending', nextAttemptAt: sql<Date>`now()`, doneAt: null, replayedBy: actor, replayedAt: sql<Date>`now()` })
    .where('id', '=', id).where('status', 'in', ['pending', 'failed'])
    .returning(ENTRY_COLUMNS).executeTakeFirst() as Promise<OutboxRow | undefined>;
}

/** Puts every failed entry back in the queue, due now. Returns the person ids concerned. */
export async function replayFailed(executor: Executor, actor: string): Promise<string[]> {
  const rows = await executor.updateTable('escOutbox')
    .set({ status: 'pending', nextAttemptAt: sql<Date>`now()`, doneAt: null, replayedBy: actor, replayedAt: sql<Date>`now()` })
    .where('status', '=', 'failed')
    .returning('personId').execute();
  return [...new Set(rows.map((row) => row.personId))];
}

/** Deletes done entries older than `days` (the record of what happened is in the router and logs). */
export async function purgeDone(executor: Executor, days: number): Promise<number> {
  const result = await executor.deleteFrom('escOutbox').where('status', '=', 'done')
    .where('doneAt', '<', sql<Date>`now() - make_interval(days => ${days})`).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** What campuscard may have put at the router for this person. */
export async function findRecords(executor: Executor, personId: string) {
  return executor.selectFrom('escRouterRecords')
    .select(['kind', 'identifier', 'bodyHash', 'routerStatus', 'confirmedAt', 'updatedAt'])
    .where('personId', '=', personId).orderBy('kind', 'desc').orderBy('identifier').execute();
}

/**
 * Notes that bodies are about to be sent: their records exist from now on, with an unknown hash,
 * until the router confirms. Written before the calls so a crash cannot lose track of them.
 */
export async function markUncertain(executor: Executor, items: ReadonlyArray<{ personId: string; kind: 'person' | 'card'; identifier: string }>): Promise<void> {
  if (items.length === 0) return;
  await executor.insertInto('escRouterRecords')
    .values(items.map((item) => ({ personId: item.personId, kind: item.kind, identifier: item.identifier, bodyHash: null })))
    .onConflict((oc) => oc.columns(['personId', 'kind', 'identifier']).doUpdateSet({ bodyHash: null, updatedAt: sql<Date>`now()` }))
    .execute();
}

/** Notes that the router confirmed a body. */
export async function markConfirmed(executor: Executor, personId: string, kind: 'person' | 'card', identifier: string, hash: string, routerStatus: string | null): Promise<void> {
  await executor.insertInto('escRouterRecords')
    .values({ personId, kind, identifier, bodyHash: hash, routerStatus, confirmedAt: sql<Date>`now()` })
    .onConflict((oc) => oc.columns(['personId', 'kind', 'identifier'])
      .doUpdateSet({ bodyHash: hash, routerStatus, confirmedAt: sql<Date>`now()`, updatedAt: sql<Date>`now()` }))
    .execute();
}

/** Forgets a record once the router confirmed it no longer holds it. */
export async function deleteRecord(executor: Executor, personId: string, kind: 'person' | 'card', identifier: string): Promise<void> {
  await executor.deleteFrom('escRouterRecords').where('personId', '=', personId).where('kind', '=', kind)
    .where(sql<boolean>`lower(identifier) = lower(${identifier})`).execute();
}

/** Persons with records, a page at a time (keyset on id): reconcile walks them. */
export async function personsWithRecords(executor: Executor, afterPersonId: string | null, limit: number): Promise<string[]> {
  let query = executor.selectFrom('escRouterRecords').select('personId').distinct();
  if (afterPersonId !== null) query = query.where('personId', '>', afterPersonId);
  const rows = await query.orderBy('personId').limit(limit).execute();
  return rows.map((row) => row.personId);
}
