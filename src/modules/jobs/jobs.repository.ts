import type { Executor } from '../../platform/db/database.ts';

const RUN_COLUMNS = ['id', 'kind', 'status', 'progressCurrent', 'progressTotal', 'message', 'params', 'result', 'error',
  'createdBy', 'createdAt', 'startedAt', 'finishedAt'] as const;

/** Creates a run record in state queued. */
export async function insertRun(db: Executor, run: { kind: string; params: Record<string, unknown>; createdBy: string }) {
  return db.insertInto('jobRuns').values({ ...run, params: JSON.stringify(run.params) }).returning(RUN_COLUMNS)
    .executeTakeFirstOrThrow();
}

/** Reads a run. */
export async function findRun(db: Executor, id: string) {
  return db.selectFrom('jobRuns').select(RUN_COLUMNS).where('id', '=', id).executeTakeFirst();
}

/** Lists recent runs, optionally of one creator. */
export async function listRuns(db: Executor, filter: { createdBy?: string; kind?: string; limit: number }) {
  let query = db.selectFrom('jobRuns').select(RUN_COLUMNS).orderBy('createdAt', 'desc').limit(filter.limit);
  if (filter.createdBy) query = query.where('createdBy', '=', filter.createdBy);
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  return query.execute();
}

/** Updates progress or outcome fields of a run. */
export async function updateRun(
  db: Executor,
  id: string,
  changes: {
    status?: 'queued' | 'running' | 'succeeded' | 'failed';
    progressCurrent?: number;
    progressTotal?: number | null;
    message?: string | null;
    result?: Record<string, unknown>;
    error?: Record<string, unknown>;
    startedAt?: Date;
    finishedAt?: Date;
  },
): Promise<void> {
  const { result, error, ...rest } = changes;
  await db.updateTable('jobRuns').set({
    ...rest,
    ...(result !== undefined ? { result: JSON.stringify(result) } : {}),
    ...(error !== undefined ? { error: JSON.stringify(error) } : {}),
  }).where('id', '=', id).execute();
}
