import type { Config } from '../config.ts';
import { QUEUES, type JobQueue } from '../platform/jobs/job-queue.ts';
import type { Services } from './services.ts';
import type { LostRun } from '../modules/jobs/jobs.service.ts';
import { MAIL_SEND_RETRY_LIMIT } from '../modules/notifications/notifications.service.ts';
import { PERSON_IMPORT_JOB_KIND, type PersonImportJobData } from '../modules/imports/imports.service.ts';
import { ESC_QUEUES } from '../modules/esc/esc-sync.service.ts';
import { CARD_STATS_QUEUES, CARD_STATS_SNAPSHOT_CRON } from '../modules/cards/card-stats.service.ts';
import { DIRECTORY_QUEUES, DIRECTORY_SYNC_JOB_KIND } from '../modules/directory/directory-sync.service.ts';
import { GROUP_ROLES_CRON, GROUP_ROLES_QUEUE } from '../modules/auth/group-roles.service.ts';
import { EVENTS_PURGE_CRON, EVENTS_QUEUES } from '../platform/events/events.service.ts';
import { SAML_METADATA_CRON, SAML_METADATA_QUEUE } from '../modules/sso/saml-metadata.service.ts';
import { CROUS_TARIFF_CRON, CROUS_TARIFF_QUEUE } from '../modules/crous/crous-tariff.service.ts';
import { CROUS_QUEUES } from '../modules/crous/crous-sync.service.ts';
import { WEBHOOK_QUEUES } from '../modules/webhooks/webhook-sync.service.ts';
import { CROUS_RECONCILE_QUEUE } from '../modules/crous/crous-reconcile.service.ts';
import { CROUS_FILE_QUEUES, type CrousFileJobData } from '../modules/crous/crous-files.service.ts';
import { CARD_EXPORT_JOB_KIND, CARD_EXPORT_QUEUE, type CardExportJobData } from '../modules/cards/card-export.service.ts';
import { PRINT_BATCH_JOB_KIND, PRINT_BATCH_QUEUE, PRODUCTION_PURGE_CRON, PRODUCTION_PURGE_QUEUE } from '../modules/card-templates/print-batches.service.ts';
import { CARD_MIGRATION_JOB_KIND, CARD_MIGRATION_QUEUE, type CardMigrationJobData } from '../modules/card-migration/card-migration.service.ts';

/**
 * Declares every queue and its handler. Web nodes and worker processes declare the same set; only
 * processes that start workers poll them.
 */
export function defineJobs(jobs: JobQueue, services: Services, config: Config): Array<{ queue: string; cron: string }> {
  jobs.define(QUEUES.sessionPurge, async () => {
    await services.auth.purgeExpiredSessions();
    await services.sso.purgeExpired();
  }, { retryLimit: 1 });
  // SMTP timeouts (under a minute) keep a send well within the expiry, so a job is never run twice at once.
  jobs.define<{ mailId: string }>(QUEUES.mailSend, async ({ mailId }) => {
    await services.notifications.deliver(mailId);
  }, { retryLimit: MAIL_SEND_RETRY_LIMIT, retryDelaySeconds: 30, retryBackoff: true, expireInSeconds: 300 });
  // runJob records every outcome itself and never throws; a retry only follows a crash (the
  // sweeper, within a minute; pg-boss's expiry otherwise), and is safe: the import is one
  // transaction, and a finished run is not run again.
  jobs.define<PersonImportJobData>(QUEUES.personImport, async ({ runId }, job) => {
    await services.imports.runJob(runId, { queue: QUEUES.personImport, jobId: job.id });
  }, { retryLimit: 1, expireInSeconds: 3600 });
  // Idempotent (each person's plan is recomputed under their card lock), so a retry or a second
  // node running the same schedule changes nothing more.
  jobs.define(QUEUES.rightsEnd, async () => {
    await services.cards.applyRightsEnd();
  }, { retryLimit: 2, retryDelaySeconds: 300, expireInSeconds: 3600 });
  // ESC Router sync. A person's job is queued once while waiting (policy short); deliveries run
  // under a per-person lease, so workers in several processes never step on each other. When
  // another worker holds the person, the job fails and pg-boss retries it a little later.
  jobs.define<{ personId: string }>(ESC_QUEUES.sync, async ({ personId }) => {
    const outcome = await services.escSync.deliverPerson(personId);
    if (outcome.outcome === 'busy') throw new Error('ESC sync: person is being delivered by another worker');
  }, { policy: 'short', retryLimit: 5, retryDelaySeconds: 10, retryBackoff: true, expireInSeconds: 600 });
  jobs.define(ESC_QUEUES.sweep, async () => {
    await services.escSync.sweep();
  }, { policy: 'short', retryLimit: 0, expireInSeconds: 300 });
  // A reconcile covers the institutions of whoever started it (null or absent: all).
  jobs.define<{ runId: string; institutionIds?: number[] | null }>(ESC_QUEUES.reconcile, async ({ runId, institutionIds }, job) => {
    const reporter = services.jobRuns.reporter(runId, { queue: ESC_QUEUES.reconcile, jobId: job.id });
    try {
      await services.escSync.reconcile(reporter, institutionIds ?? null);
    } finally {
      reporter.release();
    }
  }, { retryLimit: 0, expireInSeconds: 6 * 3600 });
  // Idempotent: under an advisory lock, only days without a snapshot are computed, and upserted.
  // Queued once at a time (policy short): the nightly schedule, or a reader who found days missing.
  jobs.define(CARD_STATS_QUEUES.snapshot, async () => {
    await services.cardStats.snapshot();
  }, { policy: 'short', retryLimit: 2, retryDelaySeconds: 300, expireInSeconds: 3600 });
  // Group-granted accounts re-evaluated from the stored memberships (a mapping removed, people
  // gone from groups in a directory sync). Idempotent (each account decided under its row lock),
  // one at a time (policy short).
  jobs.define(GROUP_ROLES_QUEUE, async () => {
    await services.groupRoles.evaluateAll();
  }, { policy: 'short', retryLimit: 2, retryDelaySeconds: 300, expireInSeconds: 3600 });
  // Directory syncs: runJob records every outcome itself; a retry follows only a lost worker and
  // re-reads the source (upserts by eppn and entries by key make it safe, see directory-sync.service.ts).
  jobs.define<{ runId: string }>(DIRECTORY_QUEUES.sync, async ({ runId }, job) => {
    await services.directory.sync.runJob(runId, { queue: DIRECTORY_QUEUES.sync, jobId: job.id });
  }, { retryLimit: 1, expireInSeconds: 6 * 3600 });
  // The scheduler tick: claims due sources under row locks (SKIP LOCKED), so a tick running on two
  // nodes at once, or twice, starts each scheduled run once. Queued once at a time (policy short).
  jobs.define(DIRECTORY_QUEUES.tick, async () => {
    await services.directory.sync.tick();
  }, { policy: 'short', retryLimit: 0, expireInSeconds: 300 });
  // Event log retention (EVENT_RETENTION_DAYS): one DELETE by age; running it twice deletes nothing more.
  jobs.define(EVENTS_QUEUES.purge, async () => {
    await services.events.purge();
  }, { policy: 'short', retryLimit: 2, retryDelaySeconds: 300, expireInSeconds: 3600 });
  // SAML IdP metadata: a failure is recorded per method and never thrown (the previous copy stays),
  // so no retry; running it twice or on two nodes stores the same verified copy. One at a time.
  jobs.define(SAML_METADATA_QUEUE, async () => {
    await services.samlMetadata.refreshAll();
  }, { policy: 'short', retryLimit: 0, expireInSeconds: 1800 });
  // CROUS tariff rules: a failure is recorded per institution and never thrown (the previous rules
  // stay), so no retry; running it twice stores the same rules. One at a time.
  jobs.define(CROUS_TARIFF_QUEUE, async () => {
    await services.crousTariff.refreshAll();
  }, { policy: 'short', retryLimit: 0, expireInSeconds: 1800 });
  // CROUS account files: runJob records every outcome itself (a failure is the run's, not retried);
  // a retry after a lost worker makes the file again from the current data. The tick claims due
  // schedules under row locks (SKIP LOCKED), so two nodes never queue one twice.
  jobs.define<CrousFileJobData>(CROUS_FILE_QUEUES.generate, async ({ runId }, job) => {
    await services.crousFiles.runJob(runId, { queue: CROUS_FILE_QUEUES.generate, jobId: job.id });
  }, { retryLimit: 1, expireInSeconds: 3600 });
  // Card exports: runJob records every outcome itself; a retry follows only a lost worker (the
  // sweeper, within a minute) and writes the file again from its first part.
  jobs.define<CardExportJobData>(CARD_EXPORT_QUEUE, async ({ runId }, job) => {
    await services.cardExport.runJob(runId, { queue: CARD_EXPORT_QUEUE, jobId: job.id });
  }, { retryLimit: 2, expireInSeconds: 3600 });
  // Card migrations: runJob records every outcome itself; a retry follows only a lost worker and
  // continues after the batches the dead attempt committed.
  jobs.define<CardMigrationJobData>(CARD_MIGRATION_QUEUE, async ({ runId }, job) => {
    await services.cardMigration.runJob(runId, { queue: CARD_MIGRATION_QUEUE, jobId: job.id });
  }, { retryLimit: 3, expireInSeconds: 6 * 3600 });
  // Print batches: runJob records every outcome itself; a retry follows only a lost worker (the
  // sweeper) and writes the PDF again from its first part, with the cards and versions fixed at submission.
  jobs.define<{ runId: string }>(PRINT_BATCH_QUEUE, async ({ runId }, job) => {
    await services.printBatches.runJob(runId, { queue: PRINT_BATCH_QUEUE, jobId: job.id });
  }, { retryLimit: 2, expireInSeconds: 3600 });
  // Card production retention: batch PDFs after 30 days, encoding sessions 7 days after they
  // ended. Deletes by age: running it twice, or on two nodes, deletes nothing more. One at a time.
  jobs.define(PRODUCTION_PURGE_QUEUE, async () => {
    await services.printBatches.purgeFiles();
    await services.encoding.purge({ actor: 'system:purge' });
  }, { policy: 'short', retryLimit: 2, retryDelaySeconds: 300, expireInSeconds: 3600 });
  jobs.define(CROUS_FILE_QUEUES.tick, async () => {
    await services.crousFiles.tick();
  }, { policy: 'short', retryLimit: 0, expireInSeconds: 300 });
  // CROUS sync through the API: as the ESC Router's (per-person job, singleton while queued,
  // deliveries under a per-subject lease; the sweep delivers retries and bulk changes).
  jobs.define<{ personId: string }>(CROUS_QUEUES.sync, async ({ personId }) => {
    const outcome = await services.crousSync.deliverPerson(personId);
    if (outcome.outcome === 'busy') throw new Error('CROUS sync: person is being delivered by another worker');
  }, { policy: 'short', retryLimit: 5, retryDelaySeconds: 10, retryBackoff: true, expireInSeconds: 600 });
  jobs.define(CROUS_QUEUES.sweep, async () => {
    await services.crousSync.sweep();
  }, { policy: 'short', retryLimit: 0, expireInSeconds: 300 });
  // The CROUS reconcile, as the ESC Router's: the institutions of whoever started it (null: all);
  // it only reads and queues entries, so a second run finds nothing more to queue.
  jobs.define<{ runId: string; institutionIds?: number[] | null }>(CROUS_RECONCILE_QUEUE, async ({ runId, institutionIds }, job) => {
    const reporter = services.jobRuns.reporter(runId, { queue: CROUS_RECONCILE_QUEUE, jobId: job.id });
    try {
      await services.crousReconcile.reconcile(reporter, institutionIds ?? null);
    } finally {
      reporter.release();
    }
  }, { retryLimit: 0, expireInSeconds: 6 * 3600 });
  // Webhook deliveries: one sweep (singleton while queued) woken by each transaction that files
  // entries, and every minute for retries; in order per endpoint, under its lease.
  jobs.define(WEBHOOK_QUEUES.sweep, async () => {
    await services.webhookSync.sweep();
  }, { policy: 'short', retryLimit: 0, expireInSeconds: 300 });
  return [
    { queue: CROUS_QUEUES.sweep, cron: '* * * * *' },
    { queue: WEBHOOK_QUEUES.sweep, cron: '* * * * *' },
    ...(services.escSync.enabled ? [{ queue: ESC_QUEUES.sweep, cron: '* * * * *' }] : []),
    { queue: QUEUES.sessionPurge, cron: '7 * * * *' },
    { queue: QUEUES.rightsEnd, cron: config.rightsEndCron },
    { queue: CARD_STATS_QUEUES.snapshot, cron: CARD_STATS_SNAPSHOT_CRON },
    { queue: DIRECTORY_QUEUES.tick, cron: '* * * * *' },
    { queue: CROUS_FILE_QUEUES.tick, cron: '* * * * *' },
    { queue: GROUP_ROLES_QUEUE, cron: GROUP_ROLES_CRON },
    { queue: EVENTS_QUEUES.purge, cron: EVENTS_PURGE_CRON },
    ...(services.samlMetadata.methodIds.length > 0 ? [{ queue: SAML_METADATA_QUEUE, cron: SAML_METADATA_CRON }] : []),
    { queue: CROUS_TARIFF_QUEUE, cron: CROUS_TARIFF_CRON },
    { queue: PRODUCTION_PURGE_QUEUE, cron: PRODUCTION_PURGE_CRON },
  ];
}

/**
 * One pass of the sweeper: gives the job runs of dead processes back to the queue (or fails
 * them, see the job runs service), then deletes the uploads of imports and the parts of card
 * exports that will not run again.
 * Returns the runs taken back.
 */
export async function sweepLostRuns(jobs: JobQueue, services: Services): Promise<LostRun[]> {
  const lost = await services.jobRuns.sweep(jobs);
  for (const run of lost) {
    if (run.kind === PERSON_IMPORT_JOB_KIND && !run.retrying) await services.imports.discardUpload(run.id);
    if (run.kind === DIRECTORY_SYNC_JOB_KIND && !run.retrying) await services.directory.sync.abandoned(run.id);
    if (run.kind === CARD_EXPORT_JOB_KIND && !run.retrying) await services.cardExport.discard(run.id);
    if (run.kind === PRINT_BATCH_JOB_KIND && !run.retrying) await services.printBatches.discard(run.id);
    if (run.kind === CARD_MIGRATION_JOB_KIND && !run.retrying) await services.cardMigration.discard(run.id);
  }
  return lost;
}
