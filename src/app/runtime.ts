import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { openDatabase, type DatabaseHandle } from '../platform/db/database.ts';
import { migrate } from '../platform/db/migrator.ts';
import { JobQueue } from '../platform/jobs/job-queue.ts';
import { createLogger } from '../platform/observability/logger.ts';
import { startEmbeddedEscRouter, type EmbeddedEscRouter } from '../adapters/esc-router/esc-router.embedded.ts';
import { startEmbeddedCrous, type EmbeddedCrous } from '../adapters/crous/crous.embedded.ts';
import { createMetrics } from '../platform/observability/metrics.ts';
import type { AppDeps, AppInstance } from './app-types.ts';
import { buildApp } from './build-app.ts';
import { defineJobs, sweepLostRuns } from './job-definitions.ts';
import { SWEEP_INTERVAL_MS } from '../modules/jobs/jobs.service.ts';
import { demoSecretsKey } from '../platform/crypto/demo-secrets-key.ts';
import { createServices, type Services } from './services.ts';

export interface RuntimeOptions {
  /** Name of the CLI command, shown to a second process that finds the embedded database locked. */
  command: string;
  /** Build the HTTP app (serve, tests) or not (CLI commands, worker). */
  http: boolean;
  /** Poll job queues in this process (or later, through {@link Runtime.startWorkers}). */
  workers: boolean;
  logger?: Logger;
  /** Start the embedded database from a dump (tests). */
  loadDataDir?: Blob;
  now?: () => Date;
  /**
   * Start the embedded ESC Router simulator when the configuration asks for it
   * (ESC_ROUTER_SIMULATOR). Only the serving process does: it alone shows the sync to a visitor.
   */
  embeddedEscRouter?: boolean;
  /**
   * Start the embedded CROUS simulator when the configuration asks for it (CROUS_SIMULATOR):
   * institutions whose CROUS settings say `environment: simulator` call it. Only `serve` does.
   */
  embeddedCrous?: boolean;
}

export interface Runtime {
  config: Config;
  logger: Logger;
  database: DatabaseHandle;
  jobs: JobQueue;
  services: Services;
  app: AppInstance | undefined;
  deps: AppDeps;
  /** The demo ESC Router inside this process, when started (`config.escRouterUrl` then points at it). */
  embeddedEscRouter: EmbeddedEscRouter | undefined;
  /** The demo CROUS inside this process, when started. */
  embeddedCrous: EmbeddedCrous | undefined;
  /** The recurring jobs (queue and cron), for `jobs run-once`. */
  schedules: Array<{ queue: string; cron: string }>;
  /**
   * Registers the schedules and starts polling the queues in this process, for a caller that
   * started with `workers: false` and wants them later (`serve`, once listening). Idempotent.
   */
  startWorkers(): Promise<void>;
  /** Graceful stop: in-flight requests, then running jobs, then the database. */
  close(): Promise<void>;
}

/**
 * Boots campuscard: database (embedded or server), migrations under an advisory lock, services,
 * job queue and schedules, and optionally the HTTP app. Every entry point (server, worker, CLI,
 * tests) goes through here, so they all run the same code.
 */
export async function startRuntime(configured: Config, options: RuntimeOptions): Promise<Runtime> {
  const logger = options.logger ?? createLogger(configured.logLevel);
  // A demo on the embedded database without a key gets one of its own (see demoSecretsKey).
  const connectorSecretsKey = configured.demo && configured.databaseUrl === undefined && configured.connectorSecretsKey === undefined
    ? await demoSecretsKey(configured.dataDir)
    : configured.connectorSecretsKey;
  const embeddedEscRouter = options.embeddedEscRouter && configured.escRouterSimulator ? await startEmbeddedEscRouter() : undefined;
  // The sync reaches the embedded router like any other: through its URL and key.
  const config: Config = embeddedEscRouter
    ? { ...configured, connectorSecretsKey, escRouterUrl: embeddedEscRouter.url, escRouterApiKey: embeddedEscRouter.apiKey }
    : { ...configured, connectorSecretsKey };
  const embeddedCrous = options.embeddedCrous && configured.crousSimulator
    ? await startEmbeddedCrous().catch(async (error: unknown) => {
      await embeddedEscRouter?.close();
      throw error;
    })
    : undefined;
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    command: options.command,
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
  }).catch(async (error: unknown) => {
    await embeddedEscRouter?.close();
    await embeddedCrous?.close();
    throw error;
  });
  let ready = false;
  // What a failed start must stop before the database closes, or the process never exits (pg-boss's
  // timers and workers stay alive): a test file whose app fails to boot would hang forever.
  let startedJobs: JobQueue | undefined;
  let startedApp: AppInstance | undefined;
  let sweeper: NodeJS.Timeout | undefined;
  try {
    const report = await migrate(database.pool);
    if (report.applied.length > 0) logger.info({ applied: report.applied }, 'migrations applied');
    const jobs = new JobQueue(database.pool, logger);
    const services = createServices({
      config, db: database.db, jobs, logger,
      ...(options.now ? { now: options.now } : {}),
      ...(embeddedEscRouter ? { embeddedEscRouter } : {}),
      ...(embeddedCrous ? { embeddedCrous } : {}),
    });
    const schedules = defineJobs(jobs, services, config);
    startedJobs = jobs;
    await jobs.start();
    // Nodes that run workers also recover the work of dead ones: at start (a restart after a
    // crash) and then periodically. Several nodes may sweep at once (see jobRuns.sweep).
    let sweeping: Promise<void> | undefined;
    const sweep = () => {
      sweeping ??= sweepLostRuns(jobs, services).then((lost) => {
        if (lost.length > 0) logger.warn({ runs: lost }, 'job runs of a lost worker taken back');
      }, (error: unknown) => {
        logger.error({ err: { type: (error as Error).name, code: (error as { code?: string }).code } }, 'sweep of lost job runs failed');
      }).finally(() => { sweeping = undefined; });
      return sweeping;
    };
    const startWorkers = async () => {
      if (sweeper) return;
      for (const { queue, cron } of schedules) await jobs.schedule(queue, cron);
      // A SAML method without stored IdP metadata gets it now rather than at the daily run.
      await services.samlMetadata.queueIfMissing();
      // Likewise the CROUS tariff rules of an institution whose connector was enabled since the last daily run.
      await services.crousTariff.queueIfMissing();
      await sweep();
      sweeper = setInterval(() => void sweep(), SWEEP_INTERVAL_MS).unref();
      await jobs.startWorkers();
    };
    if (options.workers) await startWorkers();
    const metrics = createMetrics();
    metrics.addGauge('campuscard_job_queue_depth', 'Jobs waiting per queue', 'queue', () => jobs.queueDepths());
    metrics.addGauge('campuscard_esc_outbox_backlog', 'ESC Router outbox entries waiting (pending) or needing an operator (failed)',
      'status', () => services.escSync.backlog());
    // Every connector's backlog and the age of its oldest waiting entry, from the shared database:
    // one query per scrape, shared by both gauges (collected together).
    let backlogRead: ReturnType<typeof services.syncOperations.backlog> | undefined;
    const connectorBacklog = () => (backlogRead ??= services.syncOperations.backlog().finally(() => { backlogRead = undefined; }));
    metrics.addGaugeSeries('campuscard_connector_backlog', 'Connector outbox entries waiting (pending) or needing an operator (failed)',
      ['connector', 'status'], async () => (await connectorBacklog()).flatMap((row) => [
        { labels: { connector: row.connector, status: 'pending' }, value: row.pending },
        { labels: { connector: row.connector, status: 'failed' }, value: row.failed },
      ]));
    metrics.addGaugeSeries('campuscard_connector_oldest_pending_seconds', 'Age in seconds of each connector\'s oldest pending outbox entry (0: none)',
      ['connector'], async () => (await connectorBacklog()).map((row) => ({ labels: { connector: row.connector }, value: row.oldestPendingSeconds })));
    const deps: AppDeps = { config, logger, database, jobs, metrics, services, isReady: () => ready };
    const app = options.http ? await buildApp(deps) : undefined;
    startedApp = app;
    if (app) await app.ready();
    ready = true;
    let closing: Promise<void> | undefined;
    return {
      config, logger, database, jobs, services, app, deps, schedules, embeddedEscRouter, embeddedCrous, startWorkers,
      close() {
        closing ??= (async () => {
          ready = false;
          if (app) await app.close();
          clearInterval(sweeper);
          await sweeping;
          await jobs.stop();
          // After the workers: a delivery in flight finishes against the router it started with.
          await embeddedEscRouter?.close();
          await embeddedCrous?.close();
          await database.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    clearInterval(sweeper);
    await startedApp?.close().catch(() => undefined);
    await startedJobs?.stop().catch(() => undefined);
    await database.close().catch(() => undefined);
    await embeddedEscRouter?.close();
    await embeddedCrous?.close();
    throw error;
  }
}
