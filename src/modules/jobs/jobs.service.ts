import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';
import { inTransaction, type Executor } from '../../platform/db/database.ts';
import { notFound } from '../../platform/http/problem.ts';
import * as repo from './jobs.repository.ts';

export type JobRunStatus = 'queued' | 'running' | 'succeeded' | 'failed';

/** A long-running job as people watch it (progress bar, outcome). */
export interface JobRunView {
  id: string;
  kind: string;
  status: JobRunStatus;
  progress: { current: number; total: number | null; percent: number | null };
  message: string | null;
  params: Record<string, unknown>;
  result: Record<string, unknown> | null;
  error: Record<string, unknown> | null;
  createdBy: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

type RunRow = NonNullable<Awaited<ReturnType<typeof repo.findRun>>>;

function view(row: RunRow): JobRunView {
  const total = row.progressTotal;
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    progress: {
      current: row.progressCurrent,
      total,
      percent: total ? Math.min(100, Math.round((row.progressCurrent / total) * 100)) : null,
    },
    message: row.message,
    params: row.params,
    result: row.result,
    error: row.error,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

/** Reports the progress of one run; handed to the job's code. Writes are throttled. */
export interface ProgressReporter {
  runId: string;
  start(total: number | null, message?: string): Promise<void>;
  advance(current: number, message?: string): Promise<void>;
  succeed(result: Record<string, unknown>): Promise<void>;
  fail(error: { code: string; message: string; [key: string]: unknown }): Promise<void>;
}

/**
 * Progress records of long-running work (imports, print batches, resyncs). The queue (pg-boss)
 * runs the work; this keeps what people see: status, a progress bar, and the final report.
 */
export function createJobRunsService(db: Kysely<Database>, options: { progressEveryMs?: number } = {}) {
  const every = options.progressEveryMs ?? 250;
  return {
    /** Records a new queued run (inside the caller's transaction when given). */
    async create(executor: Executor, kind: string, params: Record<string, unknown>, createdBy: string): Promise<JobRunView> {
      return view(await repo.insertRun(executor, { kind, params, createdBy }));
    },

    /** Reads a run. */
    async get(id: string): Promise<JobRunView> {
      const row = await repo.findRun(db, id);
      if (!row) throw notFound('job_not_found', 'No such job');
      return view(row);
    },

    /** Lists recent runs. */
    async list(filter: { createdBy?: string; kind?: string; limit?: number }): Promise<JobRunView[]> {
      return (await repo.listRuns(db, { ...filter, limit: filter.limit ?? 50 })).map(view);
    },

    /** A reporter for one run. Progress writes happen at most every `progressEveryMs`. */
    reporter(runId: string): ProgressReporter {
      let lastWrite = 0;
      const write = (changes: Parameters<typeof repo.updateRun>[2]) =>
        inTransaction(db, { actor: 'system' }, (trx) => repo.updateRun(trx, runId, changes));
      return {
        runId,
        start: (total, message) => write({ status: 'running', startedAt: new Date(), progressTotal: total, progressCurrent: 0, message: message ?? null }),
        async advance(current, message) {
          const now = Date.now();
          if (now - lastWrite < every) return;
          lastWrite = now;
          await write({ progressCurrent: current, ...(message !== undefined ? { message } : {}) });
        },
        succeed: (result) => write({ status: 'succeeded', finishedAt: new Date(), result, message: null,
          ...(typeof result.total === 'number' ? { progressCurrent: result.total } : {}) }),
        fail: (error) => write({ status: 'failed', finishedAt: new Date(), error }),
      };
    },
  };
}

export type JobRunsService = ReturnType<typeof createJobRunsService>;
