import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import { inScope, type AccessScope } from '../../platform/db/scope-filter.ts';

const RUN_COLUMNS = ['id', 'kind', 'status', 'progressCurrent', 'progressTotal', 'message', 'params', 'result', 'error',
  'createdBy', 'createdAt', 'startedAt', 'finishedAt', 'attempt', 'recovery'] as const;

/** Creates a run record in state queued. */
export async function insertRun(db: Executor, run: { kind: string; params: Record<string, unknown>; createdBy: string; institutionId: number | null }) {
  return db.insertInto('jobRuns').values({ ...run, params: JSON.stringify(run.params) }).returning(RUN_COLUMNS)
    .executeTakeFirstOrThrow();
}

/**
 * Who may see which runs: their own always; with `scope`, also the runs of the institutions in it
 * (runs on the whole deployment only when the scope has no institution limit). Without `scope`
 * (callers who are not office staff), only their own.
 */
export interface RunVisibility {
  actor: string;
  scope: AccessScope | null;
}

function visibleTo(visibility: RunVisibility) {
  const own = sql<boolean>`job_runs.created_by = ${visibility.actor}`;
  if (!visibility.scope) return own;
  const scoped = visibility.scope.institutionIds === null
    ? sql<boolean>`true`
    : sql<boolean>`(job_runs.institution_id IS NOT NULL AND ${inScope({ institutionIds: visibility.scope.institutionIds, personTypes: null },
      { institution: 'job_runs.institution_id' })})`;
  return sql<boolean>`(${own} OR ${scoped})`;
}

/** Reads a run (for the system, or for a caller within what they may see). */
export async function findRun(db: Executor, id: string, visibility?: RunVisibility) {
  let query = db.selectFrom('jobRuns').select(RUN_COLUMNS).where('id', '=', id);
  if (visibility) query = query.where(visibleTo(visibility));
  return query.executeTakeFirst();
}

/** Lists the recent runs a caller may see (every run for the system and the CLI: no `visibility`). */
export async function listRuns(db: Executor, filter: { visibility?: RunVisibility; kind?: string; limit: number }) {
  let query = db.selectFrom('jobRuns').select(RUN_COLUMNS).orderBy('createdAt', 'desc').limit(filter.limit);
  if (filter.visibility) query = query.where(visibleTo(filter.visibility));
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  return query.execute();
}

/** Fields of a run that progress and outcome writes change. */
export interface RunChanges {
  status?: 'queued' | 'running' | 'succeeded' | 'failed';
  progressCurrent?: number;
  progressTotal?: number | null;
  message?: string | null;
  result?: Record<string, unknown>;
  error?: Record<string, unknown>;
  startedAt?: Date;
  finishedAt?: Date;
}

function encoded(changes: RunChanges) {
  const { result, error, ...rest } = changes;
  return {
    ...rest,
    ...(result !== undefined ? { result: JSON.stringify(result) } : {}),
    ...(error !== undefined ? { error: JSON.stringify(error) } : {}),
  };
}

/**
 * Updates progress or outcome fields of a run. With `fence`, only while that attempt still holds
 * the run (running, same attempt): a process taken for dead cannot overwrite a later attempt.
 * Returns whether the run was changed.
 */
export async function updateRun(db: Executor, id: string, changes: RunChanges, fence?: { attempt: number }): Promise<boolean> {
  let query = db.updateTable('jobRuns').set(encoded(changes)).where('id', '=', id);
  if (fence) query = query.where('status', '=', 'running').where('attempt', '=', fence.attempt);
  const result = await query.executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Starts a new attempt of a run in this process: running, held by `holder`, heartbeat now, the
 * queue job executing it, progress reset. Returns the attempt number (1 for the first start).
 */
export async function claimRun(
  db: Executor,
  id: string,
  claim: { holder: string; queueName: string | null; queueJobId: string | null; progressTotal: number | null; message: string | null },
): Promise<number | undefined> {
  const row = await db.updateTable('jobRuns').set((eb) => ({
    status: 'running',
    startedAt: sql<Date>`now()`,
    heartbeatAt: sql<Date>`now()`,
    holder: claim.holder,
    attempt: eb('attempt', '+', 1),
    queueName: claim.queueName,
    queueJobId: claim.queueJobId,
    progressTotal: claim.progressTotal,
    progressCurrent: 0,
    message: claim.message,
  })).where('id', '=', id).returning('attempt').executeTakeFirst();
  return row?.attempt;
}

/** The heartbeat of a process: one statement for every run it holds that is still running. */
export async function beat(db: Executor, holder: string, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('jobRuns').set({ heartbeatAt: sql<Date>`now()` })
    .where('holder', '=', holder).where('status', '=', 'running').where('id', 'in', ids).execute();
}

/** A run whose holder stopped beating. */
export interface LostRunRow {
  id: string;
  kind: string;
  attempt: number;
  queueName: string | null;
  queueJobId: string | null;
}

/**
 * Locks (skipping those another sweeper holds) up to `limit` runs still `running` whose last
 * heartbeat (or start, for a run that never beat) is older than `staleSeconds`, except those of
 * `holder`, the calling process, which is alive. Call inside a transaction.
 */
export async function lockLostRuns(db: Executor, filter: { staleSeconds: number; holder: string; limit: number }): Promise<LostRunRow[]> {
  return db.selectFrom('jobRuns').select(['id', 'kind', 'attempt', 'queueName', 'queueJobId'])
    .where('status', '=', 'running')
    .where(sql<boolean>`coalesce(heartbeat_at, started_at, created_at) < now() - make_interval(secs => ${filter.staleSeconds})`)
    .where((eb) => eb.or([eb('holder', 'is', null), eb('holder', '!=', filter.holder)]))
    .orderBy('heartbeatAt')
    .limit(filter.limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

/** Records what the sweeper did with a lost run: queued again (a retry is coming) or failed. */
export async function recordLost(
  db: Executor,
  id: string,
  outcome: { status: 'queued' | 'failed'; message: string; recovery: Record<string, unknown>; error?: Record<string, unknown> },
): Promise<void> {
  await db.updateTable('jobRuns').set({
    status: outcome.status,
    message: outcome.message,
    recovery: JSON.stringify(outcome.recovery),
    holder: null,
    heartbeatAt: null,
    ...(outcome.status === 'failed' ? { finishedAt: sql<Date>`now()`, error: JSON.stringify(outcome.error ?? {}) } : {}),
  }).where('id', '=', id).execute();
}
