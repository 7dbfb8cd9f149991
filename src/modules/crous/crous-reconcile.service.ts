import type { Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import { isCrousApiError, type CrousSmartCardState } from '../../adapters/crous/crous.client.ts';
import { inTransaction, type ActorContext } from '../../platform/db/database.ts';
import type { Database } from '../../platform/db/schema.ts';
import { WHOLE_DEPLOYMENT, type AccessScope } from '../../platform/db/scope-filter.ts';
import type { ConnectorSettingsService } from '../../platform/connectors/connector-settings.service.ts';
import type { JobQueue } from '../../platform/jobs/job-queue.ts';
import { LocalRetry } from '../../platform/sync/sync-engine.ts';
import * as outbox from '../../platform/sync/sync-outbox.repository.ts';
import { subjectKey, type Subject } from '../../platform/sync/sync-outbox.repository.ts';
import type { JobRunView, ProgressReporter } from '../jobs/jobs.service.ts';
import type { CrousRightHolder } from './domain/crous-account.ts';
import { crousDifferences, expectedAtCrous, recordsToResend, type CrousDifference } from './domain/crous-remote-state.ts';
import type { CrousSubjectFacts } from './domain/crous-sync-rules.ts';
import { CROUS_CONNECTOR_ID } from './crous-connector-settings.ts';
import { CROUS_QUEUES, crousOutboxError, type CrousSyncService } from './crous-sync.service.ts';

/** pg-boss queue of a reconcile run (declared in job-definitions). */
export const CROUS_RECONCILE_QUEUE = 'crous-reconcile';
/** Kind of the job_runs record of a reconcile run. */
export const CROUS_RECONCILE_JOB_KIND = 'crous-reconcile';

/** Subjects whose facts are read together. */
const BATCH = 100;
/** Subjects compared at once (their CROUS reads overlap). */
const CONCURRENCY = 4;
/** Errors listed in a report (the counts hold them all). */
const LISTED_ERRORS = 50;
/** Consecutive failures of the CROUS itself (down, timeouts) after which a run stops: do not hammer it. */
const BREAKER_THRESHOLD = 5;

/** Outcome of a reconcile run. */
export interface CrousReconcileReport {
  /** Subjects (institution × person) looked at. */
  total: number;
  /** Compared with the CROUS (at least one read). */
  checked: number;
  /** Not compared: no consent and nothing ever sent, or nothing expected there (no call made). */
  skipped: number;
  inSync: number;
  /** Found different from what campuscard expects. */
  differing: number;
  /** Given a fresh outbox entry (the normal delivery then fixes them). */
  queued: number;
  /** Could not be compared (the CROUS down, refusing the read, another worker busy). */
  errors: number;
  /** The run stopped before the end: the CROUS failed too many times in a row (down or not answering). */
  stoppedEarly: boolean;
  /** Differences found, by kind. */
  differences: Record<CrousDifference['kind'], number>;
  /** Institutions not compared: their connector paused, disabled or missing a setting. */
  skippedInstitutions: Array<{ institutionId: number; code: string; message: string }>;
  /** The first errors. */
  failures: Array<{ institutionId: number; personId: string; code: string; message: string }>;
}

/** What the reconcile needs; wired in the composition root. */
export interface CrousReconcileDeps {
  db: Kysely<Database>;
  logger: Logger;
  jobs: Pick<JobQueue, 'send'>;
  jobRuns: { create(executor: Transaction<Database>, kind: string, params: Record<string, unknown>, createdBy: string, institutionId?: number | null): Promise<JobRunView> };
  connectors: Pick<ConnectorSettingsService, 'configuredInstitutions'>;
  crousSync: Pick<CrousSyncService, 'loadFacts' | 'resolveTarget' | 'withLeaseWaiting'>;
  now?: () => Date;
}

class ReconcileFailure extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'ReconcileFailure';
  }
}

/**
 * The CROUS reconcile (issue 11: "a reconcile job comparing campuscard with the remote side"): per
 * institution whose CROUS connector is set up for the API, each subject is compared with what the
 * CROUS answers — the account (exists, and the comparison a delivery makes: due date, tariff,
 * identity per the student rules) and each card that should be active or cancelled there — and a
 * subject that differs gets a fresh outbox entry, so the normal delivery fixes it (with its
 * retries, breaker and history); the records of what differs are marked uncertain first, so that
 * delivery does not trust what it sent before (a card cancelled at the CROUS behind campuscard's
 * back is added or revalidated again).
 *
 * Data leaves only with consent: a subject without consent and of whom nothing was sent is not
 * looked up; without consent, only the cards to cancel are read (they went with it). Each subject
 * is compared under its lease (not while a delivery runs). Only reads are made; the writes are
 * the delivery's.
 */
export function createCrousReconcileService(deps: CrousReconcileDeps) {
  const { db, logger, crousSync } = deps;
  const now = deps.now ?? (() => new Date());

  /** The institutions set up for the API within `institutionIds` (null: all). */
  async function apiInstitutions(institutionIds: readonly number[] | null): Promise<number[]> {
    return (await deps.connectors.configuredInstitutions(db, CROUS_CONNECTOR_ID))
      .filter((row) => (row.settings.mode ?? 'api') === 'api')
      .map((row) => row.institutionId)
      .filter((id) => institutionIds === null || institutionIds.includes(id));
  }

  /** Compares one subject under its lease and counts the outcome (which it answers); throws what kept it from being compared. */
  async function compare(subject: Subject, facts: CrousSubjectFacts, report: CrousReconcileReport,
    target: Awaited<ReturnType<CrousSyncService['resolveTarget']>>): Promise<'skipped' | 'in_sync' | 'queued' | 'differing'> {
    const outcome = await crousSync.withLeaseWaiting(subject, async () => {
      const records = await outbox.findRecordsOfPerson(db, CROUS_CONNECTOR_ID, subject.personId, WHOLE_DEPLOYMENT, subject.institutionId);
      const expectation = expectedAtCrous(facts, records, target.settings);
      // Never consented and nothing sent: not even looked up (a read would disclose the identifier).
      if (!expectation.consent && records.length === 0) return 'skipped' as const;
      // Without consent only what went with it is read: the cards to cancel.
      const cards = expectation.cards.filter((card) => card.expected === 'cancelled' || (expectation.consent && card.expected === 'active'));
      const readAccount = expectation.consent && expectation.account !== null;
      if (!readAccount && cards.length === 0) return 'skipped' as const;
      const { client } = target;
      let account: CrousRightHolder | undefined;
      let heldUnder = expectation.previousIdentifier ?? expectation.identifier;
      if (readAccount) {
        account = await client.getRightHolder(expectation.identifier);
        heldUnder = expectation.identifier;
        if (account === undefined && expectation.previousIdentifier !== null) {
          account = await client.getRightHolder(expectation.previousIdentifier);
          heldUnder = expectation.previousIdentifier;
        }
      }
      const remoteCards = new Map<number, CrousSmartCardState | undefined>();
      for (const card of cards) {
        // No account there: none of its cards can be.
        remoteCards.set(card.idZdc, readAccount && account === undefined ? undefined : await client.getSmartCard(heldUnder, card.idZdc));
      }
      const differences = crousDifferences(expectation, { account, cards: remoteCards }, now());
      if (differences.length === 0) return 'in_sync' as const;
      for (const difference of differences) report.differences[difference.kind] += 1;
      // The delivery must not trust what it sent before: the records of what differs lose their hash.
      const written = await inTransaction(db, { actor: 'crous-reconcile' }, async (trx) => {
        await outbox.markUncertain(trx, CROUS_CONNECTOR_ID, recordsToResend(expectation, differences).map((item) => ({ ...subject, ...item })));
        return outbox.insertEntriesForPersons(trx, CROUS_CONNECTOR_ID, [subject.personId], 'reconcile', [], [subject.institutionId]);
      });
      return written.length > 0 ? 'queued' as const : 'differing' as const;
    });
    if (outcome === 'busy') throw new ReconcileFailure('busy', 'A delivery kept this person busy');
    report.checked += outcome === 'skipped' ? 0 : 1;
    if (outcome === 'skipped') report.skipped += 1;
    else if (outcome === 'in_sync') report.inSync += 1;
    else report.differing += 1;
    if (outcome === 'queued') report.queued += 1;
    return outcome;
  }

  function failureOf(error: unknown): { code: string; message: string } {
    if (isCrousApiError(error)) {
      const entry = crousOutboxError(error);
      return { code: entry.code, message: entry.message };
    }
    if (error instanceof ReconcileFailure || error instanceof LocalRetry) return { code: error.code, message: error.message };
    logger.error({ err: { type: (error as Error).name, stack: (error as Error).stack } }, 'crous reconcile failed unexpectedly');
    return { code: 'internal_error', message: 'Unexpected error; see the server log' };
  }

  return {
    /** Records a reconcile run of the institutions of `scope` and queues it; its progress shows in /jobs/:id. */
    async start(context: ActorContext, scope: Pick<AccessScope, 'institutionIds'> = WHOLE_DEPLOYMENT): Promise<JobRunView> {
      const institutionIds = scope.institutionIds === null ? null : [...scope.institutionIds];
      return inTransaction(db, context, async (trx) => {
        // A run of one institution belongs to it (its office sees it); of several or all, to the deployment.
        const owner = institutionIds?.length === 1 ? institutionIds[0] as number : null;
        const run = await deps.jobRuns.create(trx, CROUS_RECONCILE_JOB_KIND, { institutionIds }, context.actor, owner);
        await deps.jobs.send(CROUS_RECONCILE_QUEUE, { runId: run.id, institutionIds }, { trx });
        return run;
      });
    },

    /**
     * Compares the institutions of `institutionIds` (null: every one set up for the API) with the
     * CROUS, subject by subject, and queues an entry for each that differs; a sweep is woken when
     * any was queued. Reports progress; a subject that cannot be compared is counted and listed,
     * and the run goes on, unless the CROUS failed five times in a row (down or not answering):
     * the run then stops early (`stoppedEarly`) rather than wait on it for every person.
     */
    async reconcile(reporter: Pick<ProgressReporter, 'start' | 'advance' | 'succeed' | 'fail'>,
      institutionIds: readonly number[] | null = null): Promise<CrousReconcileReport> {
      const report: CrousReconcileReport = {
        total: 0, checked: 0, skipped: 0, inSync: 0, differing: 0, queued: 0, errors: 0, stoppedEarly: false,
        differences: { account_missing: 0, account_outdated: 0, card_missing: 0, card_cancelled: 0, card_not_cancelled: 0 },
        skippedInstitutions: [], failures: [],
      };
      try {
        const institutions = await apiInstitutions(institutionIds);
        const targets = new Map<number, Awaited<ReturnType<CrousSyncService['resolveTarget']>>>();
        for (const institutionId of institutions) {
          try {
            targets.set(institutionId, await crousSync.resolveTarget(institutionId));
          } catch (error) {
            if (!(error instanceof LocalRetry)) throw error;
            report.skippedInstitutions.push({ institutionId, code: error.code, message: error.message });
          }
        }
        const subjects = targets.size === 0 ? []
          : await outbox.reconcileSubjects(db, CROUS_CONNECTOR_ID, { institutionIds: [...targets.keys()], personTypes: null });
        report.total = subjects.length;
        await reporter.start(subjects.length, 'comparing with the CROUS');
        let done = 0;
        let remoteDown = 0;
        for (let offset = 0; offset < subjects.length && !report.stoppedEarly; offset += BATCH) {
          const batch = subjects.slice(offset, offset + BATCH);
          const facts = await crousSync.loadFacts(batch);
          let next = 0;
          const worker = async (): Promise<void> => {
            while (next < batch.length && !report.stoppedEarly) {
              const subject = batch[next++] as Subject;
              try {
                const target = targets.get(subject.institutionId);
                if (!target) throw new ReconcileFailure('crous_not_configured', 'The institution is not compared');
                // Only an answer of the CROUS shows it is up: a subject skipped without a call says nothing.
                if (await compare(subject, facts.get(subjectKey(subject)) as CrousSubjectFacts, report, target) !== 'skipped') remoteDown = 0;
              } catch (error) {
                report.errors += 1;
                if (report.failures.length < LISTED_ERRORS) report.failures.push({ ...subject, ...failureOf(error) });
                remoteDown = isCrousApiError(error) && error.kind === 'retryable' ? remoteDown + 1 : 0;
                if (remoteDown >= BREAKER_THRESHOLD) report.stoppedEarly = true;
              }
              done += 1;
              await reporter.advance(done);
            }
          };
          await Promise.all(Array.from({ length: Math.min(CONCURRENCY, batch.length) }, worker));
        }
        if (report.queued > 0) await deps.jobs.send(CROUS_QUEUES.sweep, {}, { singletonKey: 'sweep' });
        await reporter.succeed({ ...report });
        return report;
      } catch (error) {
        logger.error({ err: { type: (error as Error).name, stack: (error as Error).stack } }, 'crous reconcile aborted');
        await reporter.fail({ code: 'reconcile_failed', message: (error as Error).message });
        throw error;
      }
    },
  };
}

export type CrousReconcileService = ReturnType<typeof createCrousReconcileService>;
