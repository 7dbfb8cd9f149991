import { sql } from 'kysely';
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

/** Entries of a status, newest first. */
export async function listEntries(executor: Executor, filter: { status?: EscOutboxStatus; personIds?: readonly string[]; limit: number; beforeId?: number }): Promise<OutboxRow[]> {
  let query = executor.selectFrom('escOutbox').select(ENTRY_COLUMNS);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.personIds) {
    if (filter.personIds.length === 0) return [];
    query = query.where('personId', 'in', filter.personIds);
  }
  if (filter.beforeId !== undefined) query = query.where('id', '<', filter.beforeId);
  return query.orderBy('id', 'desc').limit(filter.limit).execute() as Promise<OutboxRow[]>;
}

/** Counts per status, with the age of the oldest pending entry and how many are being retried. */
export async function countEntries(executor: Executor): Promise<{ pending: number; failed: number; done: number; retrying: number; oldestPendingAt: Date | null }> {
  const row = await executor.selectFrom('escOutbox')
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

/** True when the person has a pending entry that is due now. */
export async function hasDueEntry(executor: Executor, personId: string): Promise<boolean> {
  const row = await executor.selectFrom('escOutbox').select('id').where('personId', '=', personId)
    .where('status', '=', 'pending').where('nextAttemptAt', '<=', sql<Date>`now()`).limit(1).executeTakeFirst();
  return row !== undefined;
}

/**
 * Takes the person's lease for `ms` milliseconds, unless another live lease holds it.
 * Atomic (one upsert on the primary key), so two workers can never both win.
 */
export async function acquireLease(executor: Executor, personId: string, owner: string, ms: number): Promise<boolean> {
  const row = await executor.insertInto('escSyncLeases')
    .values({ personId, owner, expiresAt: sql<Date>`now() + make_interval(secs => ${ms / 1000})` })
    .onConflict((oc) => oc.column('personId').doUpdateSet({ owner, expiresAt: sql<Date>`now() + make_interval(secs => ${ms / 1000})` })
      .where('escSyncLeases.expiresAt', '<=', sql<Date>`now()`))
    .returning('personId').executeTakeFirst();
  return row !== undefined;
}

/** Locks the lease row and tells whether `owner` still holds it (inside the closing transaction). */
export async function holdsLease(executor: Executor, personId: string, owner: string): Promise<boolean> {
  const row = await executor.selectFrom('escSyncLeases').select('owner').where('personId', '=', personId).forUpdate().executeTakeFirst();
  return row?.owner === owner;
}

/** Gives the lease back. */
export async function releaseLease(executor: Executor, personId: string, owner: string): Promise<void> {
  await executor.deleteFrom('escSyncLeases').where('personId', '=', personId).where('owner', '=', owner).execute();
}

/** Ids of the person's pending entries: the ones a delivery that starts now will satisfy. */
export async function pendingEntryIds(executor: Executor, personId: string): Promise<number[]> {
  const rows = await executor.selectFrom('escOutbox').select('id').where('personId', '=', personId)
    .where('status', '=', 'pending').orderBy('id').execute();
  return rows.map((row) => row.id);
}

/** Highest attempt count among entries. */
export async function maxAttempts(executor: Executor, ids: readonly number[]): Promise<number> {
  if (ids.length === 0) return 0;
  const row = await executor.selectFrom('escOutbox').select((eb) => eb.fn.max('attempts').as('max')).where('id', 'in', ids)
    .executeTakeFirst();
  return Number(row?.max ?? 0);
}

/** Marks entries done (still pending ones only: an operator may have changed them meanwhile). */
export async function markDone(executor: Executor, ids: readonly number[], result: Record<string, unknown>): Promise<void> {
  if (ids.length === 0) return;
  await executor.updateTable('escOutbox')
    .set({ status: 'done', doneAt: sql<Date>`now()`, result: JSON.stringify(result), attempts: sql<number>`attempts + 1` })
    .where('id', 'in', ids).where('status', '=', 'pending').execute();
}

/**
 * Marks the person's earlier failures as resolved by a later successful delivery: the person is
 * in sync now, so they no longer need an operator (their error stays for the record).
 */
export async function supersedeFailures(executor: Executor, personId: string, byId: number): Promise<void> {
  await executor.updateTable('escOutbox')
    .set({ status: 'done', doneAt: sql<Date>`now()`, supersededBy: byId })
    .where('personId', '=', personId).where('status', '=', 'failed').where('id', '<', byId).execute();
}

/** Records a retryable failure and when to try again. */
export async function markRetry(executor: Executor, ids: readonly number[], delayMs: number, error: OutboxError): Promise<void> {
  if (ids.length === 0) return;
  await executor.updateTable('escOutbox')
    .set({
      attempts: sql<number>`attempts + 1`,
      nextAttemptAt: sql<Date>`now() + make_interval(secs => ${delayMs / 1000})`,
      lastErrorCode: error.code,
      lastErrorMessage: error.message,
      routerStatus: error.routerStatus,
    })
    .where('id', 'in', ids).where('status', '=', 'pending').execute();
}

/** Records a final failure: an operator must look (router code and message are kept). */
export async function markFailed(executor: Executor, ids: readonly number[], error: OutboxError, result: Record<string, unknown>): Promise<void> {
  if (ids.length === 0) return;
  await executor.updateTable('escOutbox')
    .set({
      status: 'failed',
      attempts: sql<number>`attempts + 1`,
      doneAt: sql<Date>`now()`,
      lastErrorCode: error.code,
      lastErrorMessage: error.message,
      routerStatus: error.routerStatus,
      result: JSON.stringify(result),
    })
    .where('id', 'in', ids).where('status', '=', 'pending').execute();
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

/** The record of one card number, whoever it belongs to. */
export async function findCardRecord(executor: Executor, escn: string) {
  return executor.selectFrom('escRouterRecords')
    .select(['personId', 'identifier', 'bodyHash', 'routerStatus', 'confirmedAt', 'updatedAt'])
    .where('kind', '=', 'card').where('identifier', '=', escn.toLowerCase()).executeTakeFirst();
}

/**
 * Notes that bodies are about to be sent: their records exist from now on, with an unknown hash,
 * until the router confirms. Written before the calls so a crash cannot lose track of them.
 */
export async function markUncertain(executor: Executor, personId: string, items: ReadonlyArray<{ kind: 'person' | 'card'; identifier: string }>): Promise<void> {
  if (items.length === 0) return;
  await executor.insertInto('escRouterRecords')
    .values(items.map((item) => ({ personId, kind: item.kind, identifier: item.identifier, bodyHash: null })))
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

/** How many persons have records. */
export async function countPersonsWithRecords(executor: Executor): Promise<number> {
  const row = await executor.selectFrom('escRouterRecords').select(sql<number>`count(DISTINCT person_id)`.as('count')).executeTakeFirstOrThrow();
  return Number(row.count);
}
