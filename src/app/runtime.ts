import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { openDatabase, type DatabaseHandle } from '../platform/db/database.ts';
import { migrate } from '../platform/db/migrator.ts';
import { JobQueue } from '../platform/jobs/job-queue.ts';
import { createLogger } from '../platform/observability/logger.ts';
import { createMetrics } from '../platform/observability/metrics.ts';
import type { AppDeps, AppInstance } from './app-types.ts';
import { buildApp } from './build-app.ts';
import { defineJobs } from './job-definitions.ts';
import { createServices, type Services } from './services.ts';

export interface RuntimeOptions {
  /** Name of the CLI command, shown to a second process that finds the embedded database locked. */
  command: string;
  /** Build the HTTP app (serve, tests) or not (CLI commands, worker). */
  http: boolean;
  /** Poll job queues in this process. */
  workers: boolean;
  logger?: Logger;
  /** Start the embedded database from a dump (tests). */
  loadDataDir?: Blob;
  now?: () => Date;
}

export interface Runtime {
  config: Config;
  logger: Logger;
  database: DatabaseHandle;
  jobs: JobQueue;
  services: Services;
  app: AppInstance | undefined;
  deps: AppDeps;
  /** The recurring jobs (queue and cron), for `jobs run-once`. */
  schedules: Array<{ queue: string; cron: string }>;
  /** Graceful stop: in-flight requests, then running jobs, then the database. */
  close(): Promise<void>;
}

/**
 * Boots campuscard: database (embedded or server), migrations under an advisory lock, services,
 * job queue and schedules, and optionally the HTTP app. Every entry point (server, worker, CLI,
 * tests) goes through here, so they all run the same code.
 */
export async function startRuntime(config: Config, options: RuntimeOptions): Promise<Runtime> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    command: options.command,
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
  });
  let ready = false;
  try {
    const report = await migrate(database.pool);
    if (report.applied.length > 0) logger.info({ applied: report.applied }, 'migrations applied');
    const jobs = new JobQueue(database.pool, logger);
    const services = createServices({ config, db: database.db, jobs, logger, ...(options.now ? { now: options.now } : {}) });
    const schedules = defineJobs(jobs, services, config);
    await jobs.start();
    if (options.workers) {
      for (const { queue, cron } of schedules) await jobs.schedule(queue, cron);
      await jobs.startWorkers();
    }
    const metrics = createMetrics();
    metrics.addGauge('campuscard_job_queue_depth', 'Jobs waiting per queue', 'queue', () => jobs.queueDepths());
    metrics.addGauge('campuscard_esc_outbox_backlog', 'ESC Router outbox entries waiting (pending) or needing an operator (failed)',
      'status', () => services.escSync.backlog());
    const deps: AppDeps = { config, logger, database, jobs, metrics, services, isReady: () => ready };
    const app = options.http ? await buildApp(deps) : undefined;
    if (app) await app.ready();
    ready = true;
    let closing: Promise<void> | undefined;
    return {
      config, logger, database, jobs, services, app, deps, schedules,
      close() {
        closing ??= (async () => {
          ready = false;
          if (app) await app.close();
          await jobs.stop();
          await database.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await database.close().catch(() => undefined);
    throw error;
  }
}
