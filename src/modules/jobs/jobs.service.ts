import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../../platform/db/schema.ts';
import { inTransaction, type Executor } from '../../platform/db/database.ts';
import { notFound } from '../../platform/http/problem.ts';
import type { JobQueue, QueueJobRef } from '../../platform/jobs/job-queue.ts';
import * as repo from './jobs.repository.ts';

/**
 * A process holding running work writes a heartbeat this often (one statement for all its runs),
 * from a timer of its own, so a long single statement of the job does not stop it.
 */
export const HEARTBEAT_INTERVAL_MS = 5_000;

/**
 * A run whose heartbeat is older than this was left by a process that is gone: six missed beats,
 * so a busy event loop or a slow connection is not taken for a death.
 */
export const HEARTBEAT_EXPIRY_SECONDS = 30;

/**
 * Worker nodes look for lost runs at start and then this often. Kill to recovery is then at most
 * expiry + interval (45 s) plus pg-boss's retry delay: under a minute.
 */
export const SWEEP_INTERVAL_MS = 15_000;

/** `error.code` of a run failed because its worker stopped and no attempt is left. */
export const WORKER_LOST = 'worker_lost';

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
  /** Times the run was started (retries included); 0 while it waits for its first start. */
  attempt: number;
  /**
   * Set when the process running the run stopped (killed, lost) and a sweeper took the run back:
   * retried (`retrying`, as attempt `attempt` of `attempts`) or failed (`worker_lost`).
   */
  recovery: RunRecovery | null;
}

/** What a sweeper did with a run whose worker was lost. */
export interface RunRecovery {
  reason: typeof WORKER_LOST;
  at: string;
  retrying: boolean;
  /** The attempt that comes next (when retrying) or the one that was lost. */
  attempt: number;
  /** Attempts allowed in all, when known. */
  attempts: number | null;
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
    attempt: row.attempt,
    recovery: row.recovery as RunRecovery | null,
  };
}

/** Reports the progress of one run; handed to the job's code. Writes are throttled. */
export interface ProgressReporter {
  runId: string;
  /** Starts an attempt in this process: the run is `running`, held and kept alive by the heartbeat. */
  start(total: number | null, message?: string): Promise<void>;
  advance(current: number, message?: string): Promise<void>;
  succeed(result: Record<string, unknown>): Promise<void>;
  fail(error: { code: string; message: string; [key: string]: unknown }): Promise<void>;
  /** Stops the heartbeat of the run in this process (done by succeed and fail; call when the job ends). */
  release(): void;
}

/** A run that a sweeper took back from a lost worker. */
export interface LostRun {
  id: string;
  kind: string;
  retrying: boolean;
}

/**
 * Progress records of long-running work (imports, print batches, resyncs). The queue (pg-boss)
 * runs the work; this keeps what people see: status, a progress bar, and the final report.
 *
 * A run started in this process is held by it (a random id per service, so per process) and
 * kept alive by a heartbeat; {@link sweep} gives the runs of dead processes back to the queue.
 */
export function createJobRunsService(db: Kysely<Database>, options: { progressEveryMs?: number; logger?: Logger } = {}) {
  const every = options.progressEveryMs ?? 250;
  const holder = randomUUID();
  const held = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let beating = false;

  async function beatOnce(): Promise<void> {
    // A beat still waiting for a connection (PGlite during an import's transaction) is enough.
    if (beating || held.size === 0) return;
    beating = true;
    try {
      await repo.beat(db, holder, [...held]);
    } catch (error) {
      options.logger?.warn({ err: { type: (error as Error).name, code: (error as { code?: string }).code } }, 'job heartbeat failed');
    } finally {
      beating = false;
    }
  }

  function hold(runId: string): void {
    held.add(runId);
    // Unreferenced: a process with nothing else to do is not kept alive by its heartbeat.
    timer ??= setInterval(() => void beatOnce(), HEARTBEAT_INTERVAL_MS).unref();
  }

  function release(runId: string): void {
    held.delete(runId);
    if (held.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  }

  /**
   * A reporter for one run, executed by the queue job `job` (which a sweeper fails for a retry
   * if this process dies). Progress writes happen at most every `progressEveryMs`. Once started,
   * every write is fenced by the attempt: after a sweeper took the run back, they change nothing.
   */
  function reporterOf(runId: string, job?: QueueJobRef): ProgressReporter {
    let lastWrite = 0;
    let attempt: number | undefined;
    const write = async (changes: repo.RunChanges) => {
      await repo.updateRun(db, runId, changes, attempt === undefined ? undefined : { attempt });
    };
    const end = async (changes: repo.RunChanges) => {
      try {
        await write(changes);
      } finally {
        release(runId);
      }
    };
    return {
      runId,
      async start(total, message) {
        attempt = await repo.claimRun(db, runId, {
          holder, queueName: job?.queue ?? null, queueJobId: job?.jobId ?? null, progressTotal: total, message: message ?? null,
        });
        if (attempt !== undefined) hold(runId);
      },
      async advance(current, message) {
        const now = Date.now();
        if (now - lastWrite < every) return;
        lastWrite = now;
        await write({ progressCurrent: current, ...(message !== undefined ? { message } : {}) });
      },
      succeed: (result) => end({ status: 'succeeded', finishedAt: new Date(), result, message: null,
        ...(typeof result.total === 'number' ? { progressCurrent: result.total } : {}) }),
      fail: (error) => end({ status: 'failed', finishedAt: new Date(), error }),
      release: () => release(runId),
    };
  }

  return {
    /**
     * Records a new queued run (inside the caller's transaction when given), filed under the
     * institution whose data it works on (null: the whole deployment).
     */
    async create(executor: Executor, kind: string, params: Record<string, unknown>, createdBy: string,
      institutionId: number | null = null): Promise<JobRunView> {
      return view(await repo.insertRun(executor, { kind, params, createdBy, institutionId }));
    },

    /** Reads a run; with `visibility`, 404 `job_not_found` for a run the caller may not see, as for a missing one. */
    async get(id: string, visibility?: repo.RunVisibility): Promise<JobRunView> {
      const row = await repo.findRun(db, id, visibility);
      if (!row) throw notFound('job_not_found', 'No such job');
      return view(row);
    },

    /** Lists the recent runs a caller may see (all of them without `visibility`: the system, the CLI). */
    async list(filter: { visibility?: repo.RunVisibility; kind?: string; limit?: number }): Promise<JobRunView[]> {
      return (await repo.listRuns(db, { ...filter, limit: filter.limit ?? 50 })).map(view);
    },

    /**
     * The run a queue job was sent for, with its reporter, when it still has work to do: undefined
     * for a run that no longer exists or already ended (a job delivered twice, or after a sweeper
     * settled it), so that running a job again changes nothing.
     */
    async unfinished(runId: string, job?: QueueJobRef): Promise<{ run: JobRunView; reporter: ProgressReporter } | undefined> {
      const row = await repo.findRun(db, runId);
      if (!row) return undefined;
      const run = view(row);
      if (run.status === 'succeeded' || run.status === 'failed') return undefined;
      return { run, reporter: reporterOf(runId, job) };
    },

    /** A reporter for one run (see reporterOf). */
    reporter: reporterOf,

    /**
     * Takes back the runs left `running` by processes that are gone (no heartbeat for
     * {@link HEARTBEAT_EXPIRY_SECONDS}), never those of this process: each one's queue job is
     * failed so that pg-boss retries it (the run goes back to `queued`, saying which attempt
     * comes), or, with no attempt left, the run fails with `worker_lost`. One transaction with
     * `FOR UPDATE SKIP LOCKED`, so sweepers on several nodes at once never take a run twice.
     */
    async sweep(queue: Pick<JobQueue, 'abandon'>): Promise<LostRun[]> {
      return inTransaction(db, { actor: 'system' }, async (trx) => {
        const lost = await repo.lockLostRuns(trx, { staleSeconds: HEARTBEAT_EXPIRY_SECONDS, holder, limit: 100 });
        const taken: LostRun[] = [];
        for (const run of lost) {
          const outcome = run.queueName && run.queueJobId
            ? await queue.abandon({ queue: run.queueName, jobId: run.queueJobId }, `${WORKER_LOST}: the worker stopped`, trx)
            : { next: 'ended' as const, attempts: null };
          const at = new Date().toISOString();
          if (outcome.next === 'retry') {
            const recovery: RunRecovery = { reason: WORKER_LOST, at, retrying: true, attempt: outcome.attempt, attempts: outcome.attempts };
            await repo.recordLost(trx, run.id, {
              status: 'queued', recovery: { ...recovery },
              message: `The worker stopped; retrying (attempt ${outcome.attempt} of ${outcome.attempts})`,
            });
          } else {
            const recovery: RunRecovery = { reason: WORKER_LOST, at, retrying: false, attempt: run.attempt, attempts: outcome.attempts };
            const message = 'The worker stopped and no attempt is left; the job failed';
            await repo.recordLost(trx, run.id, { status: 'failed', recovery: { ...recovery }, message, error: { code: WORKER_LOST, message } });
          }
          taken.push({ id: run.id, kind: run.kind, retrying: outcome.next === 'retry' });
        }
        return taken;
      });
    },
  };
}

export type JobRunsService = ReturnType<typeof createJobRunsService>;
