import PgBoss from 'pg-boss';
import type { SqlPool } from '../db/pglite-pool.ts';
import type { Logger } from 'pino';
import { CompiledQuery, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';

/** A handler for one job; it must be idempotent (pg-boss delivers at least once). */
export type JobHandler<T> = (data: T, job: { id: string; retryCount: number }) => Promise<void>;

/** The queue job executing a piece of work: its queue and pg-boss id. */
export interface QueueJobRef {
  queue: string;
  jobId: string;
}

/**
 * What becomes of a queue job whose worker is gone: `retry` (pg-boss will deliver it again, as
 * attempt `attempt` of `attempts`) or `ended` (no attempt left, or the job is no longer there).
 */
export type AbandonOutcome = { next: 'retry'; attempt: number; attempts: number } | { next: 'ended'; attempts: number | null };

export interface QueueOptions {
  retryLimit?: number;
  retryDelaySeconds?: number;
  retryBackoff?: boolean;
  expireInSeconds?: number;
  /** Jobs of a queue share one policy: 'standard' or 'singleton'/'stately' semantics of pg-boss. */
  policy?: 'standard' | 'short' | 'singleton' | 'stately';
}

export interface WorkOptions {
  batchSize?: number;
  pollingIntervalSeconds?: number;
}

export interface SendOptions {
  /** Enqueue inside this transaction: the job exists if and only if the transaction commits. */
  trx?: Transaction<Database>;
  singletonKey?: string;
  startAfterSeconds?: number;
  retryLimit?: number;
}

interface Executor {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

function transactionExecutor(trx: Transaction<Database>): Executor {
  return {
    async executeSql(text, values = []) {
      const result = await trx.executeQuery(CompiledQuery.raw(text, values));
      return { rows: result.rows as unknown[] };
    },
  };
}

/**
 * Jobs and schedules on pg-boss, in the same PostgreSQL (or PGlite) database as the data, so that
 * enqueueing can join the business transaction and any node or worker process can run the work.
 */
export class JobQueue {
  readonly boss: PgBoss;
  private readonly queues = new Map<string, QueueOptions>();
  private readonly handlers = new Map<string, { handler: JobHandler<never>; options: WorkOptions }>();
  private started = false;
  private workersRunning = false;

  constructor(pool: SqlPool, private readonly logger: Logger) {
    this.boss = new PgBoss({
      db: { executeSql: (text: string, values?: unknown[]) => pool.query(text, values as unknown[]) },
      schema: 'pgboss',
      // Maintenance and monitoring every few minutes is plenty and keeps PGlite's single connection free.
      maintenanceIntervalSeconds: 120,
      monitorStateIntervalSeconds: 60,
    } as ConstructorParameters<typeof PgBoss>[0]);
    this.boss.on('error', (error: Error) => this.logger.error({ err: { type: error.name, message: error.message } }, 'job queue error'));
  }

  /** Declares a queue and its handler. Call before {@link start}. */
  define<T>(name: string, handler: JobHandler<T>, queue: QueueOptions = {}, work: WorkOptions = {}): void {
    this.queues.set(name, queue);
    this.handlers.set(name, { handler: handler as JobHandler<never>, options: work });
  }

  /** Starts pg-boss (creating its schema on first start) and creates the declared queues. */
  async start(): Promise<void> {
    if (this.started) return;
    await this.boss.start();
    // Creating a queue that exists changes nothing (pg-boss keeps its first options), so only the
    // missing ones are created: one query at each start rather than one per queue.
    const existing = new Set((await this.boss.getQueues()).map((queue) => queue.name));
    for (const [name, options] of this.queues) {
      if (existing.has(name)) continue;
      await this.boss.createQueue(name, {
        name,
        policy: options.policy ?? 'standard',
        retryLimit: options.retryLimit ?? 5,
        retryDelay: options.retryDelaySeconds ?? 5,
        retryBackoff: options.retryBackoff ?? true,
        expireInSeconds: options.expireInSeconds ?? 15 * 60,
      });
    }
    this.started = true;
  }

  /** Starts polling every declared queue in this process (web node with RUN_WORKERS, or a worker). */
  async startWorkers(): Promise<void> {
    if (this.workersRunning) return;
    for (const [name, { handler, options }] of this.handlers) {
      await this.boss.work(name, { batchSize: options.batchSize ?? 1, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 1 },
        async (jobs) => {
          for (const job of jobs) {
            await handler(job.data as never, { id: job.id, retryCount: (job as { retryCount?: number }).retryCount ?? 0 });
          }
        });
    }
    this.workersRunning = true;
  }

  /** Registers a cron schedule (UTC) for a declared queue; idempotent across nodes. */
  async schedule(name: string, cron: string, data: object = {}): Promise<void> {
    await this.boss.schedule(name, cron, data, { tz: 'UTC' });
  }

  /** Enqueues a job, inside `options.trx` when given. Returns the job id. */
  async send(name: string, data: object, options: SendOptions = {}): Promise<string | null> {
    const { trx, ...rest } = options;
    return this.boss.send(name, data, {
      ...(rest.singletonKey ? { singletonKey: rest.singletonKey } : {}),
      ...(rest.startAfterSeconds ? { startAfter: rest.startAfterSeconds } : {}),
      ...(rest.retryLimit !== undefined ? { retryLimit: rest.retryLimit } : {}),
      ...(trx ? { db: transactionExecutor(trx) } : {}),
    } as PgBoss.SendOptions);
  }

  /**
   * Enqueues one job of the named queue per element of `data` in one statement, inside
   * `options.trx` when given (the queue's own retry and expiry settings apply, as for `send`).
   */
  async sendMany(name: string, data: readonly object[], options: Pick<SendOptions, 'trx'> = {}): Promise<void> {
    if (data.length === 0) return;
    await this.boss.insert(data.map((one) => ({ name, data: one })), options.trx ? { db: transactionExecutor(options.trx) } : {});
  }

  /**
   * Hands back a job whose worker process is gone, inside `trx` (the caller's record of the work
   * changes in the same transaction): an active job is failed with `reason`, so that pg-boss
   * retries it per its retry limit and delay; a job already waiting for a retry is left as is.
   * Never fails a job twice: only an `active` job counts a failure.
   */
  async abandon(job: QueueJobRef, reason: string, trx: Transaction<Database>): Promise<AbandonOutcome> {
    const db = transactionExecutor(trx);
    let found = await this.boss.getJobById(job.queue, job.jobId, { db, includeArchive: false });
    if (found?.state === 'active') {
      await this.boss.fail(job.queue, job.jobId, { message: reason }, { db });
      found = await this.boss.getJobById(job.queue, job.jobId, { db, includeArchive: false });
    }
    if (!found) return { next: 'ended', attempts: null };
    const attempts = found.retryLimit + 1;
    // retryCount counts the deliveries after the first; pg-boss adds one when it delivers a retry.
    if (found.state === 'retry') return { next: 'retry', attempt: found.retryCount + 2, attempts };
    if (found.state === 'created') return { next: 'retry', attempt: found.retryCount + 1, attempts };
    return { next: 'ended', attempts };
  }

  /** Runs every job currently waiting in the named queues in this process, then returns (CLI `jobs run-once`). */
  async drain(names: string[] = [...this.handlers.keys()]): Promise<number> {
    let count = 0;
    for (const name of names) {
      const entry = this.handlers.get(name);
      if (!entry) continue;
      for (;;) {
        const jobs = await this.boss.fetch(name, { batchSize: 50 });
        if (!jobs || jobs.length === 0) break;
        for (const job of jobs) {
          try {
            await entry.handler(job.data as never, { id: job.id, retryCount: 0 });
            await this.boss.complete(name, job.id);
          } catch (error) {
            await this.boss.fail(name, job.id, { message: (error as Error).message });
          }
          count++;
        }
      }
    }
    return count;
  }

  /** Jobs waiting per queue, for /metrics. */
  async queueDepths(): Promise<Record<string, number>> {
    const depths: Record<string, number> = {};
    for (const name of this.queues.keys()) depths[name] = await this.boss.getQueueSize(name);
    return depths;
  }

  /** Stops fetching new jobs and waits for the running ones to finish. */
  async stop(): Promise<void> {
    if (!this.started) return;
    await this.boss.stop({ graceful: true, wait: true, timeout: 20_000 });
    this.started = false;
  }
}

/** Names of the queues, in one place so producers and consumers agree. */
export const QUEUES = {
  rightsEnd: 'rights-end',
  mailSend: 'mail-send',
  personImport: 'person-import',
  sessionPurge: 'session-purge',
} as const;

