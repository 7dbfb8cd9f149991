/**
 * The directory context's SQL: person sources, the entries each one gave last time (for the
 * diff) and the sync runs. Every function takes its executor, so callers choose the transaction.
 */
import { sql, type Selectable, type Updateable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { PersonSourceRunsTable, PersonSourcesTable, SourceRunStatus } from './directory.tables.ts';

export type SourceRow = Selectable<PersonSourcesTable>;
export type RunRow = Selectable<PersonSourceRunsTable>;

/** Statuses of a run that is not over (at most one per source, see the unique index). */
export const ACTIVE_RUN_STATUSES: readonly SourceRunStatus[] = ['queued', 'running', 'awaiting_confirmation'];

/** The values a source is written with. */
export interface SourceValues {
  name: string;
  institutionId: number | null;
  kind: PersonSourcesTable['kind'];
  settings: Record<string, unknown>;
  mapping: Record<string, unknown>;
  schedule: string | null;
  incremental: boolean;
  gonePolicy: string;
  minRatio: number;
  photosAllowed: boolean;
  nextRunAt: Date | null;
}

/** Inserts a source. */
export async function insertSource(db: Executor, values: SourceValues): Promise<SourceRow> {
  return db.insertInto('personSources').values({
    ...values, settings: JSON.stringify(values.settings), mapping: JSON.stringify(values.mapping),
  }).returningAll().executeTakeFirstOrThrow();
}

/** Changes a source; undefined when it does not exist. */
export async function updateSource(db: Executor, id: string, values: Partial<SourceValues> & { watermark?: string | null; lastFullCount?: number }): Promise<SourceRow | undefined> {
  const changes: Record<string, unknown> = { updatedAt: sql<Date>`now()` };
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    changes[key] = key === 'settings' || key === 'mapping' ? JSON.stringify(value) : value;
  }
  return db.updateTable('personSources').set(changes as Updateable<PersonSourcesTable>).where('id', '=', id).returningAll().executeTakeFirst();
}

/** Deletes a source (its entries and runs go with it); false when there was none. */
export async function deleteSource(db: Executor, id: string): Promise<boolean> {
  const result = await db.deleteFrom('personSources').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** A source by id, locked until the transaction ends when `lock`. */
export async function findSource(db: Executor, id: string, lock = false): Promise<SourceRow | undefined> {
  let query = db.selectFrom('personSources').selectAll().where('id', '=', id);
  if (lock) query = query.forUpdate();
  return query.executeTakeFirst();
}

/** A source by name. */
export async function findSourceByName(db: Executor, name: string): Promise<SourceRow | undefined> {
  return db.selectFrom('personSources').selectAll().where('name', '=', name).executeTakeFirst();
}

/**
 * The sources a caller may see: those of the institutions in `institutionIds` (null: every
 * source, those without a fixed institution included), by name.
 */
export async function listSources(db: Executor, institutionIds: readonly number[] | null): Promise<SourceRow[]> {
  let query = db.selectFrom('personSources').selectAll().orderBy('name');
  if (institutionIds !== null) {
    if (institutionIds.length === 0) return [];
    query = query.where('institutionId', 'in', institutionIds);
  }
  return query.execute();
}

/**
 * Claims the sources whose scheduled run is due: locked with SKIP LOCKED, so two nodes ticking
 * at once never claim the same source; the caller moves `next_run_at` on in the same transaction.
 */
export async function lockDueSources(db: Executor, now: Date, limit: number): Promise<SourceRow[]> {
  return db.selectFrom('personSources').selectAll()
    .where('nextRunAt', 'is not', null).where('nextRunAt', '<=', now)
    .orderBy('nextRunAt').limit(limit).forUpdate().skipLocked().execute();
}

/** The last run of each of these sources. */
export async function lastRuns(db: Executor, sourceIds: readonly string[]): Promise<RunRow[]> {
  if (sourceIds.length === 0) return [];
  return db.selectFrom('personSourceRuns').selectAll().distinctOn('sourceId')
    .where('sourceId', 'in', sourceIds).orderBy('sourceId').orderBy('createdAt', 'desc').execute();
}

/** Inserts a run (unique violation `person_source_runs_active_idx` when one is active). */
export async function insertRun(db: Executor, values: {
  sourceId: string; mode: 'full' | 'incremental'; dryRun: boolean; trigger: 'manual' | 'schedule'; createdBy: string; jobRunId: string | null;
}): Promise<RunRow> {
  return db.insertInto('personSourceRuns').values(values).returningAll().executeTakeFirstOrThrow();
}

/** The changes a run may receive. */
export type RunChanges = Partial<Pick<RunRow, 'status' | 'readCount' | 'newCount' | 'changedCount' | 'goneCount' | 'unchangedCount' |
  'errorCount' | 'unkeyedCount' | 'confirmedBy' | 'jobRunId'>> & {
  sample?: unknown[]; errors?: unknown[]; outcome?: Record<string, unknown> | null; startedAt?: Date | null; finishedAt?: Date | null;
};

/** Changes a run; with `from`, only when its status is one of them. Returns the new row, or undefined. */
export async function updateRun(db: Executor, id: string, changes: RunChanges, from?: readonly SourceRunStatus[]): Promise<RunRow | undefined> {
  const values: Record<string, unknown> = { ...changes };
  for (const key of ['sample', 'errors', 'outcome'] as const) {
    if (changes[key] !== undefined) values[key] = changes[key] === null ? null : JSON.stringify(changes[key]);
  }
  let query = db.updateTable('personSourceRuns').set(values as Updateable<PersonSourceRunsTable>).where('id', '=', id);
  if (from) query = query.where('status', 'in', from);
  return query.returningAll().executeTakeFirst();
}

/** A run by id, locked until the transaction ends when `lock`. */
export async function findRun(db: Executor, id: string, lock = false): Promise<RunRow | undefined> {
  let query = db.selectFrom('personSourceRuns').selectAll().where('id', '=', id);
  if (lock) query = query.forUpdate();
  return query.executeTakeFirst();
}

/** The run of a job run, if any. */
export async function findRunByJob(db: Executor, jobRunId: string): Promise<{ id: string } | undefined> {
  return db.selectFrom('personSourceRuns').select('id').where('jobRunId', '=', jobRunId).executeTakeFirst();
}

/** The runs of a source, newest first. */
export async function listRuns(db: Executor, sourceId: string, limit: number): Promise<RunRow[]> {
  return db.selectFrom('personSourceRuns').selectAll().where('sourceId', '=', sourceId)
    .orderBy('createdAt', 'desc').limit(limit).execute();
}

/** What the last sync kept of one record. */
export interface EntryState {
  fingerprint: string;
  /** The source's digest of the entry as it was sent (null: none stored). */
  rawDigest: string | null;
  /** The entry's identity (`recordIdentity`) stored with the raw digest. */
  identity: string | null;
  personId: string | null;
  institutionId: number | null;
  gone: boolean;
  /**
   * False as loaded; the sync reading the source marks each key it meets, so that telling the
   * gone and the duplicate keys costs no set of 100,000 strings kept alive for the whole run.
   */
  seen: boolean;
}

/**
 * Every stored entry of a source, by key: one query at the start of a sync (a Map of some 60,000
 * entries is a few megabytes), cheaper than a query per page, and it gives the gone entries too.
 */
export async function allEntries(db: Executor, sourceId: string): Promise<Map<string, EntryState>> {
  const rows = await db.selectFrom('personSourceEntries')
    // A boolean rather than the timestamp: no Date parsed per row.
    .select((eb) => ['key', 'fingerprint', 'rawDigest', 'identity', 'personId', 'institutionId', eb('goneAt', 'is not', null).as('gone')])
    .where('sourceId', '=', sourceId).execute();
  const entries = new Map<string, EntryState>();
  for (const row of rows) {
    entries.set(row.key, {
      fingerprint: row.fingerprint, rawDigest: row.rawDigest, identity: row.identity,
      personId: row.personId, institutionId: row.institutionId, gone: row.gone === true, seen: false,
    });
  }
  return entries;
}

/** An entry as a sync writes it. */
export interface EntryWrite {
  key: string;
  personId: string | null;
  institutionId: number;
  fingerprint: string;
  rawDigest: string | null;
  identity: string | null;
}

/** Writes entries after their persons were written (one statement). */
export async function upsertEntries(db: Executor, sourceId: string, runId: string, entries: readonly EntryWrite[]): Promise<void> {
  if (entries.length === 0) return;
  await db.insertInto('personSourceEntries')
    .values(entries.map((entry) => ({ sourceId, ...entry, lastSeenRun: runId, goneAt: null })))
    .onConflict((oc) => oc.columns(['sourceId', 'key']).doUpdateSet((eb) => ({
      personId: eb.ref('excluded.personId'),
      institutionId: eb.ref('excluded.institutionId'),
      fingerprint: eb.ref('excluded.fingerprint'),
      rawDigest: eb.ref('excluded.rawDigest'),
      identity: eb.ref('excluded.identity'),
      lastSeenRun: eb.ref('excluded.lastSeenRun'),
      goneAt: null,
    })))
    .execute();
}

/** A new raw digest and identity for an entry whose fingerprint did not change. */
export interface RawDigestWrite {
  key: string;
  rawDigest: string;
  identity: string | null;
}

/** Rows per statement of {@link refreshRawDigests} (three parameters each). */
const REFRESH_CHUNK = 5_000;

/** Stores new raw digests and identities of unchanged entries (a statement per few thousand). */
export async function refreshRawDigests(db: Executor, sourceId: string, rows: readonly RawDigestWrite[]): Promise<void> {
  for (let start = 0; start < rows.length; start += REFRESH_CHUNK) {
    const chunk = rows.slice(start, start + REFRESH_CHUNK);
    const values = sql.join(chunk.map((row) => sql`(${row.key}, ${row.rawDigest}, ${row.identity})`));
    await sql`
      UPDATE person_source_entries AS e SET raw_digest = v.raw_digest, identity = v.identity
      FROM (VALUES ${values}) AS v (key, raw_digest, identity)
      WHERE e.source_id = ${sourceId} AND e.key = v.key`.execute(db);
  }
}

/** Marks entries gone (their rights were ended by `runId`). */
export async function markGone(db: Executor, sourceId: string, runId: string, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  await db.updateTable('personSourceEntries').set({ goneAt: sql<Date>`now()`, lastSeenRun: runId })
    .where('sourceId', '=', sourceId).where('key', 'in', keys).execute();
}
