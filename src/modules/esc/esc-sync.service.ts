import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import { createEscRouterClient, EscRouterError, type EscRouterClient } from '../../adapters/esc-router/esc-router.client.ts';
import type { EscCardType, CardView as RouterCardView, PersonView as RouterPersonView } from '../../adapters/esc-router/esc-router.types.ts';
import { inTransaction, type ActorContext, type Executor } from '../../platform/db/database.ts';
import type { Database } from '../../platform/db/schema.ts';
import { WHOLE_DEPLOYMENT, type AccessScope } from '../../platform/db/scope-filter.ts';
import { conflict, notFound, unprocessable } from '../../platform/http/problem.ts';
import type { JobQueue } from '../../platform/jobs/job-queue.ts';
import type { JobRunView, ProgressReporter } from '../jobs/jobs.service.ts';
import {
  cardMatches, DEFAULT_BACKOFF, desiredRouterState, personMatches, planRouterOperations, retryDelayMs, ROUTER_PERSON_FIELDS,
  ROUTER_VISIBLE_STATES, type BackoffPolicy, type DesiredRouterState, type RouterOperation, type RouterRecord, type SyncPersonFacts,
  type SyncSettings,
} from './domain/esc-sync-rules.ts';
import { createEscApiKeyCipher, keyHint } from './esc-api-key.cipher.ts';
import * as repo from './esc-sync.repository.ts';
import { subjectKey, type OutboxError, type OutboxRow, type RecordRow, type Settlement, type Subject } from './esc-sync.repository.ts';
import type { EscOutboxStatus } from './esc.tables.ts';

/** pg-boss queues of the ESC sync (declared in job-definitions). */
export const ESC_QUEUES = {
  /** One job per person with a fresh change (singleton per person while queued). */
  sync: 'esc-sync',
  /** Every minute, and after bulk changes: deliver everything due (retries included). */
  sweep: 'esc-sync-sweep',
  /** Operator-started comparison of campuscard with the router. */
  reconcile: 'esc-reconcile',
} as const;

/** Kind of the job_runs record of a reconcile run. */
export const RECONCILE_JOB_KIND = 'esc-reconcile';

/** Tunables of delivery; defaults suit production, tests shorten them. */
export interface EscSyncOptions {
  /** Deadline of one router call. */
  timeoutMs: number;
  /** How long a worker owns a person; no call starts unless it can finish inside the lease. */
  leaseMs: number;
  /**
   * Persons delivered in parallel by one `deliverPending` (their router calls overlap); a pass
   * claims and reads eight times as many at once, in a few statements.
   */
  concurrency: number;
  backoff: BackoffPolicy;
  /** Consecutive retryable failures after which a pass stops early: the router is down, do not hammer it. */
  breakerThreshold: number;
  /** Days done entries are kept. */
  retentionDays: number;
  random: () => number;
}

const DEFAULT_OPTIONS: EscSyncOptions = {
  timeoutMs: 15_000,
  leaseMs: 5 * 60_000,
  concurrency: 8,
  backoff: DEFAULT_BACKOFF,
  breakerThreshold: 5,
  retentionDays: 30,
  random: Math.random,
};

/**
 * The demo router embedded in `serve` (ESC_ROUTER_SIMULATOR): it plays the router's onboarding,
 * binding to each institution's PIC the key the sync is about to use.
 */
export interface EmbeddedRouterKeys {
  /** The key to use for the institution of this PIC: `ownKey` (then bound to the PIC), else one issued for the PIC. */
  keyFor(pic: string, ownKey?: string): string;
}

/** What the sync needs from the other contexts; wired in the composition root. */
export interface EscSyncDeps {
  db: Kysely<Database>;
  config: Pick<Config, 'escRouterUrl' | 'escRouterApiKey' | 'escRouterSimulator' | 'escKeyEncryptionKey' | 'escCardType' | 'escVirtualCardType'>;
  logger: Logger;
  jobs: Pick<JobQueue, 'send'>;
  jobRuns: {
    create(executor: Executor, kind: string, params: Record<string, unknown>, createdBy: string, institutionId?: number | null): Promise<JobRunView>;
    reporter(runId: string): ProgressReporter;
  };
  /** An institution's card office settings (the institution context). */
  settingsOf(executor: Executor, institutionId: number): Promise<{ escDeleteDisabledCards: boolean }>;
  /** The embedded demo router, when `serve` runs one. */
  embeddedRouter?: EmbeddedRouterKeys;
  /** Makes the HTTP client of one API key (tests may replace it). */
  createClient?: (apiKey: string) => EscRouterClient;
}

/** One outbox entry as the API shows it. */
export interface OutboxEntryView {
  id: number;
  /** Code of the institution whose view of the person the entry brings to the router. */
  institution: string;
  personId: string;
  operation: 'sync_person';
  reason: string;
  target: Record<string, string>;
  status: EscOutboxStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: { code: string; message: string; routerStatus: number | null } | null;
  result: Record<string, unknown> | null;
  supersededBy: number | null;
  createdBy: string;
  createdAt: string;
  doneAt: string | null;
  replayedBy: string | null;
  replayedAt: string | null;
}

/** Who an entry's person is and which numbered cards they hold. */
export interface EntryHolderFacts {
  firstName: string;
  lastName: string;
  eppn: string;
  cards: ReadonlyArray<{ id: string; institutionId: number; escn: string; state: string; createdAt: Date }>;
}

/**
 * An entry as the operators' list shows it: with its holder (null once the person is gone) and
 * the card it is about (null when the person holds no numbered card).
 */
export interface ListedEntryView extends OutboxEntryView {
  holder: { personId: string; firstName: string; lastName: string; eppn: string } | null;
  card: { id: string; escn: string } | null;
}

/** A page of entries, newest first; `nextBeforeId` asks for the following page (null: none). */
export interface EntryPage {
  items: ListedEntryView[];
  nextBeforeId: number | null;
}

/** Overall state of the sync, for operators. */
export interface EscSyncStatusView {
  enabled: boolean;
  /** Where the entries go: a configured router, the simulator embedded in the server for demos, or nowhere (sync off). */
  router: 'external' | 'embedded_simulator' | null;
  /** The configured router's base URL (never its API key), when `router` is external. */
  routerUrl: string | null;
  counts: { pending: number; failed: number; done: number; retrying: number };
  oldestPendingAt: string | null;
  recentFailures: OutboxEntryView[];
}

/** Where one person stands with the router. */
export type PersonSyncState = 'disabled' | 'in_sync' | 'pending' | 'failed' | 'not_registered';

/** What one institution sent about a person. */
export interface RouterRecordsView {
  person: { esi: string; confirmed: boolean; confirmedAt: string | null } | null;
  cards: Array<{ escn: string; status: string | null; confirmed: boolean; confirmedAt: string | null }>;
}

/** A person's sync, for operators: overall, and per institution of the caller's scope. */
export interface PersonSyncView {
  enabled: boolean;
  personId: string;
  /** The worst state over the institutions (failed, pending, in sync, not registered). */
  state: PersonSyncState;
  /** What was sent: the person record of the first institution, the cards of all. */
  router: RouterRecordsView;
  lastError: OutboxEntryView['lastError'];
  entries: OutboxEntryView[];
  /** Each institution's view of the person, registered with its own PIC and key. */
  institutions: Array<{ institution: string; state: PersonSyncState; router: RouterRecordsView; lastError: OutboxEntryView['lastError'] }>;
}

/** Whether an institution has its own ESC Router API key (never the key itself). */
export interface EscApiKeyStatus {
  /** The institution has a key of its own. */
  configured: boolean;
  /** Its last four characters, to recognise it. */
  last4: string | null;
  /** Which key its sync uses: its own, the deployment's (ESC_ROUTER_API_KEY), or none. */
  source: 'institution' | 'deployment' | null;
}

/** A card's ESC data, for the card pages. */
export interface CardEscView {
  cardId: string;
  escn: string | null;
  /** What the card's QR code says (verifier prefix + ESCN). */
  qrContent: string | null;
  sync: {
    enabled: boolean;
    state: 'disabled' | 'registered' | 'pending' | 'failed' | 'not_registered';
    routerStatus: string | null;
    confirmedAt: string | null;
    lastError: OutboxEntryView['lastError'];
  };
}

/** What one delivery did for one person (at one institution, or at each with something pending). */
export interface DeliveryOutcome {
  personId: string;
  /** The institution delivered; absent when the outcome sums up several. */
  institutionId?: number;
  outcome: 'done' | 'retry' | 'failed' | 'busy' | 'idle' | 'lost';
  operations: string[];
  error?: OutboxError;
}

/** What one `deliverPending` pass did. */
export interface DeliveryReport {
  enabled: boolean;
  persons: number;
  done: number;
  retry: number;
  failed: number;
  busy: number;
  /** The pass stopped early: too many consecutive retryable failures, the budget, or an abort. */
  stoppedEarly: boolean;
}

/** Outcome of a reconcile run. */
export interface ReconcileReport {
  total: number;
  checked: number;
  skipped: number;
  inSync: number;
  fixedPersons: number;
  operations: { upsertPerson: number; upsertCard: number; deleteCard: number; deletePerson: number };
  failed: number;
  errors: Array<{ personId: string; code: string; message: string }>;
}

/** Thrown between two router calls when the caller aborted: like a killed process, it leaves everything as is. */
export class DeliveryAbortedError extends Error {
  constructor() {
    super('ESC delivery aborted');
    this.name = 'DeliveryAbortedError';
  }
}

class LeaseRunningOutError extends Error {}

const RECENT_FAILURES = 20;
const PERSON_ENTRIES = 20;

function iso(date: Date | null): string | null {
  return date === null ? null : date.toISOString();
}

function entryView(row: OutboxRow): OutboxEntryView {
  return {
    id: row.id,
    institution: row.institution,
    personId: row.personId,
    operation: row.operation,
    reason: row.reason,
    target: row.target,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? iso(row.nextAttemptAt) : null,
    lastError: row.lastErrorCode === null ? null : { code: row.lastErrorCode, message: row.lastErrorMessage ?? '', routerStatus: row.routerStatus },
    result: row.result,
    supersededBy: row.supersededBy,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    doneAt: iso(row.doneAt),
    replayedBy: row.replayedBy,
    replayedAt: iso(row.replayedAt),
  };
}

/**
 * The card an entry is about: the card whose move wrote it; for an entry about the person (consent,
 * data change), their ENABLED card, else the newest numbered one.
 */
function cardOfEntry(row: OutboxRow, holder: EntryHolderFacts | undefined): ListedEntryView['card'] {
  const { cardId, escn } = row.target;
  if (cardId && escn) return { id: cardId, escn };
  // The entry's institution registers the cards it issued only.
  const cards = (holder?.cards ?? []).filter((card) => card.institutionId === row.institutionId);
  const chosen = cards.find((card) => card.state === 'ENABLED')
    ?? cards.reduce<EntryHolderFacts['cards'][number] | undefined>((newest, card) => (!newest || card.createdAt > newest.createdAt ? card : newest), undefined);
  return chosen ? { id: chosen.id, escn: chosen.escn } : null;
}

function listedEntryView(row: OutboxRow, holder: EntryHolderFacts | undefined): ListedEntryView {
  return {
    ...entryView(row),
    holder: holder ? { personId: row.personId, firstName: holder.firstName, lastName: holder.lastName, eppn: holder.eppn } : null,
    card: cardOfEntry(row, holder),
  };
}

/** The error columns for a router failure: the router's own code and message when it sent them. */
function routerError(error: EscRouterError): OutboxError {
  const code = error.code ?? (error.failure === 'http' ? `http_${error.status ?? 0}` : error.failure);
  return { code, message: (error.routerMessage ?? error.message).slice(0, 1000), routerStatus: error.status ?? null };
}

function describe(operation: RouterOperation): string {
  switch (operation.op) {
    case 'upsertPerson': return 'upsertPerson';
    case 'deletePerson': return 'deletePerson';
    case 'upsertCard': return `upsertCard:${operation.key}:${operation.body.cardStatusType}`;
    case 'deleteCard': return `deleteCard:${operation.escn}`;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** An institution ready to sync: its settings and the client bound to its key. */
interface SyncInstitution {
  settings: SyncSettings;
  router: EscRouterClient;
}

/** Per pass: what each institution resolved to, read once (settings do not change between two persons). */
type InstitutionCache = Map<number, Promise<SyncInstitution | LocalRetry>>;

/** The API keys the sync accepts: printable ASCII without spaces, as the router issues them. */
const API_KEY_PATTERN = /^[\x21-\x7e]{8,512}$/;

/**
 * ESC Router synchronisation through a transactional outbox, per institution.
 *
 * Each institution registers its own view of a person (identity, its enrolment's level, the cards
 * it issued) with its own PIC and its own API key (or the deployment's); the router keeps one
 * institution's records apart from another's. An entry is about a SUBJECT, "institution I's view
 * of person P"; leases and router records are kept per subject too.
 *
 * Writing: the subscribed change listeners append entries in the transaction of the change, so
 * they exist exactly when the change commits: a card move for the card's issuing institution, a
 * person or consent change for every institution the person is enrolled at or that sent something
 * about them. Nothing is written while the sync is off (no ESC_ROUTER_URL): turning it on later is
 * followed by a reconcile, which registers everybody, rather than by replaying a backlog.
 *
 * Delivering: state-based. A worker takes a lease on each subject of a batch, computes what the
 * router should hold from campuscard's CURRENT data, and makes only the calls that take the
 * router there (`esc_router_records` remembers what was sent), person first, then cards, with the
 * institution's key. Order-safe and idempotent: a duplicate entry or a second delivery makes no
 * call. Retryable failures (5xx, timeouts, connection errors) are retried with exponential backoff
 * and jitter, forever (an operator sees them as pending with attempts and the last error);
 * refusals (4xx) mark the entries failed with the router's code and message until the data
 * changes or an operator replays them. An institution without a PIC or a usable key waits
 * (`institution_not_configured`, `esc_api_key_unreadable`) without holding the others back.
 */
export function createEscSyncService(deps: EscSyncDeps, overrides: Partial<EscSyncOptions> = {}) {
  const { db, logger, config } = deps;
  const options: EscSyncOptions = { ...DEFAULT_OPTIONS, ...overrides };
  const enabled = Boolean(config.escRouterUrl && config.escRouterApiKey);
  const cipher = config.escKeyEncryptionKey ? createEscApiKeyCipher(config.escKeyEncryptionKey) : undefined;
  const clients = new Map<string, EscRouterClient>();
  const createClient = deps.createClient
    ?? ((apiKey: string) => createEscRouterClient({ baseUrl: config.escRouterUrl as string, apiKey, timeoutMs: options.timeoutMs }));
  // Subjects written per transaction: one entry per subject is enough (enabling a card disables
  // the previous one: two moves, one subject); later changes in the same transaction are covered
  // by state-based delivery. `everyInstitution` holds persons written for all their institutions.
  const writtenIn = new WeakMap<object, { subjects: Subject[]; everyInstitution: Set<string> }>();

  function clientFor(apiKey: string): EscRouterClient {
    let client = clients.get(apiKey);
    if (!client) {
      client = createClient(apiKey);
      clients.set(apiKey, client);
    }
    return client;
  }

  function written(executor: Executor): { subjects: Subject[]; everyInstitution: Set<string> } | undefined {
    if (!executor.isTransaction) return undefined;
    let seen = writtenIn.get(executor);
    if (!seen) {
      seen = { subjects: [], everyInstitution: new Set() };
      writtenIn.set(executor, seen);
    }
    return seen;
  }

  /** Entries about this person for every institution concerned, and a worker woken once the transaction commits. */
  async function writePersonEntries(executor: Executor, personId: string, reason: string): Promise<void> {
    if (!enabled) return;
    const seen = written(executor);
    if (seen?.everyInstitution.has(personId)) return;
    const subjects = await repo.insertEntriesForPersons(executor, [personId], reason, seen?.subjects ?? []);
    seen?.subjects.push(...subjects);
    seen?.everyInstitution.add(personId);
    if (subjects.length > 0) await kick(executor, personId);
  }

  /** Wakes a worker for this person once the transaction commits (deduplicated while queued). */
  async function kick(executor: Executor, personId: string): Promise<void> {
    await deps.jobs.send(ESC_QUEUES.sync, { personId }, {
      singletonKey: personId,
      ...(executor.isTransaction ? { trx: executor as Transaction<Database> } : {}),
    });
  }

  async function sweepSoon(executor: Executor): Promise<void> {
    await deps.jobs.send(ESC_QUEUES.sweep, {}, { singletonKey: 'sweep', ...(executor.isTransaction ? { trx: executor as Transaction<Database> } : {}) });
  }

  /** The institution's own key, decrypted: undefined when it has none; a LocalRetry when it cannot be read. */
  function ownKey(row: repo.SyncInstitutionRow): string | undefined | LocalRetry {
    if (row.escApiKeyEncrypted === null) return undefined;
    const key = cipher?.decrypt(row.id, row.escApiKeyEncrypted);
    return key ?? new LocalRetry('esc_api_key_unreadable',
      `The ESC Router API key of institution ${row.code} cannot be decrypted (ESC_KEY_ENCRYPTION_KEY missing or changed); set it again`);
  }

  /** Reads what an institution syncs with: its PIC, settings and key, or why it cannot yet. */
  async function resolveInstitution(executor: Executor, institutionId: number): Promise<SyncInstitution | LocalRetry> {
    const [row] = await repo.findSyncInstitutions(executor, [institutionId]);
    if (!row || row.kind !== 'institution' || row.pic === null) {
      return new LocalRetry('institution_not_configured', `The institution${row ? ` ${row.code}` : ''} (PIC) is not configured yet`);
    }
    const own = ownKey(row);
    if (own instanceof LocalRetry) return own;
    const apiKey = deps.embeddedRouter ? deps.embeddedRouter.keyFor(row.pic, own) : own ?? config.escRouterApiKey;
    if (apiKey === undefined) return new LocalRetry('esc_api_key_missing', `The institution ${row.code} has no ESC Router API key`);
    const settings = await deps.settingsOf(executor, institutionId);
    return {
      settings: {
        pic: row.pic,
        deleteDisabledCards: settings.escDeleteDisabledCards,
        cardType: config.escCardType as EscCardType,
        virtualCardType: config.escVirtualCardType as EscCardType,
      },
      router: clientFor(apiKey),
    };
  }

  function institutionOf(cache: InstitutionCache, institutionId: number): Promise<SyncInstitution | LocalRetry> {
    let found = cache.get(institutionId);
    if (!found) {
      found = resolveInstitution(db, institutionId);
      cache.set(institutionId, found);
    }
    return found;
  }

  async function institutionOrThrow(cache: InstitutionCache, institutionId: number): Promise<SyncInstitution> {
    const found = await institutionOf(cache, institutionId);
    if (found instanceof LocalRetry) throw found;
    return found;
  }

  /** Current data, consent and cards of these subjects, by key (`exists: false` once a person or their enrolment is gone). */
  async function loadFacts(subjects: readonly Subject[]): Promise<Map<string, SyncPersonFacts>> {
    const [persons, cards] = await Promise.all([repo.findSubjectFacts(db, subjects), repo.findSubjectCards(db, subjects)]);
    const facts = new Map<string, SyncPersonFacts>();
    for (const subject of subjects) {
      // A person that is gone keeps an entry: whatever was sent about them must be deleted.
      facts.set(subjectKey(subject), {
        personId: subject.personId, exists: false, esi: null, firstName: '', lastName: '', email: null, academicLevel: null,
        rightsEnd: null, escConsent: false, cards: [],
      });
    }
    for (const person of persons) {
      facts.set(subjectKey(person), {
        personId: person.personId,
        // Not enrolled any more: this institution takes back what it sent.
        exists: person.enrolled,
        esi: person.esi,
        firstName: person.firstName,
        lastName: person.lastName,
        email: person.email,
        academicLevel: person.academicLevel,
        rightsEnd: person.rightsEnd,
        escConsent: person.consentGranted,
        cards: [],
      });
    }
    for (const card of cards) {
      facts.get(subjectKey(card))?.cards.push({
        cardId: card.id,
        escn: card.escn,
        state: card.state,
        kind: card.cardKind,
        expiresAt: card.expiresAt,
        // The first enabling is the issue date; later re-enablings must not move it.
        issuedAt: (card.firstEnabledAt ?? card.createdAt).toISOString().slice(0, 10),
      });
    }
    return facts;
  }

  /** The bookkeeping a successful router call leaves: a confirmed body, or a record gone. */
  type Change = { confirm: Settlement['confirm'][number] } | { forget: Settlement['forget'][number] };

  /** Makes one router call. Upserts must have been marked uncertain before (see markUncertain). */
  async function call(operation: RouterOperation, router: EscRouterClient): Promise<Change> {
    switch (operation.op) {
      case 'upsertPerson':
        await router.upsertPerson(operation.body);
        return { confirm: { kind: 'person', identifier: operation.body.identifier, hash: operation.hash, routerStatus: null } };
      case 'upsertCard':
        await router.upsertCard(operation.body);
        return { confirm: { kind: 'card', identifier: operation.key, hash: operation.hash, routerStatus: operation.body.cardStatusType } };
      case 'deleteCard':
        await router.deleteCard(operation.escn);
        return { forget: { kind: 'card', identifier: operation.escn } };
      case 'deletePerson':
        await router.deletePerson(operation.esi);
        return { forget: { kind: 'person', identifier: operation.esi } };
    }
  }

  function uncertainOf(operations: readonly RouterOperation[]): Array<{ kind: 'person' | 'card'; identifier: string }> {
    return operations.flatMap((operation): Array<{ kind: 'person' | 'card'; identifier: string }> =>
      operation.op === 'upsertPerson' ? [{ kind: 'person', identifier: operation.body.identifier }]
        : operation.op === 'upsertCard' ? [{ kind: 'card', identifier: operation.key }] : []);
  }

  interface Lease {
    subject: Subject;
    owner: string;
    startedAt: number;
    signal: AbortSignal | undefined;
  }

  /** Stops before a call that could outlive the lease, or when the caller aborted. */
  function checkpoint(lease: Lease): void {
    if (lease.signal?.aborted) throw new DeliveryAbortedError();
    const margin = Math.min(1000, options.leaseMs / 10);
    if (performance.now() - lease.startedAt + options.timeoutMs + margin > options.leaseMs) throw new LeaseRunningOutError();
  }

  /** Why a delivery did not succeed; `routerDown` when the router itself failed (what the circuit breaker counts). */
  type Failure = { error: OutboxError; retryable: boolean; retryAfterMs?: number | undefined; routerDown?: boolean };

  /** A claimed subject, ready to be delivered: the calls to make, or why none can be made. */
  interface Prepared {
    subject: Subject;
    claim: repo.Claim;
    operations: RouterOperation[];
    router: EscRouterClient | undefined;
    /** Reported after the calls (a card without expiry), or instead of them (no ESI, no PIC). */
    failure?: Failure;
  }

  function classify(error: unknown): Failure {
    if (error instanceof EscRouterError) {
      return { error: routerError(error), retryable: error.kind === 'retryable', retryAfterMs: error.retryAfterMs, routerDown: error.kind === 'retryable' };
    }
    if (error instanceof LeaseRunningOutError) {
      return { error: { code: 'lease_expiring', message: 'The delivery took too long and will continue later', routerStatus: null }, retryable: true };
    }
    if (error instanceof LocalRetry) return { error: { code: error.code, message: error.message, routerStatus: null }, retryable: true };
    logger.error({ err: { type: (error as Error).name, stack: (error as Error).stack } }, 'esc sync delivery failed unexpectedly');
    return { error: { code: 'internal_error', message: 'Unexpected error; see the server log', routerStatus: null }, retryable: true };
  }

  /**
   * Reads the current facts of the claimed subjects (one batch, a few queries whatever its size),
   * plans their calls, and marks every record an upsert may create, at once, before any call: a
   * crash or a timeout after the router applied it can then never make us forget it.
   */
  async function prepare(claims: ReadonlyArray<{ subject: Subject; claim: repo.Claim }>, cache: InstitutionCache): Promise<Prepared[]> {
    let facts: Map<string, SyncPersonFacts>;
    try {
      facts = await loadFacts(claims.map((c) => c.subject));
    } catch (error) {
      const failure = classify(error);
      return claims.map(({ subject, claim }) => ({ subject, claim, operations: [], router: undefined, failure }));
    }
    const prepared = await Promise.all(claims.map(async ({ subject, claim }): Promise<Prepared> => {
      let institution: SyncInstitution;
      try {
        institution = await institutionOrThrow(cache, subject.institutionId);
      } catch (error) {
        return { subject, claim, operations: [], router: undefined, failure: classify(error) };
      }
      const desired = desiredRouterState(facts.get(subjectKey(subject)) as SyncPersonFacts, institution.settings);
      const blocking = desired.problems.find((problem) => problem.code !== 'missing_expiry');
      // Without an ESI nothing can be registered; what is at the router stays until the data is fixed.
      if (blocking) {
        return { subject, claim, operations: [], router: institution.router, failure: { error: { code: blocking.code, message: blocking.message, routerStatus: null }, retryable: false } };
      }
      const problem = desired.problems[0];
      return {
        subject, claim, operations: planRouterOperations(desired, claim.records), router: institution.router,
        ...(problem ? { failure: { error: { code: problem.code, message: problem.message, routerStatus: null }, retryable: false } } : {}),
      };
    }));
    await repo.markUncertain(db, prepared.flatMap((p) => uncertainOf(p.operations).map((item) => ({ ...p.subject, ...item }))));
    return prepared;
  }

  type Executed = DeliveryOutcome & { moreDue: boolean; routerDown: boolean };

  /** Makes a prepared subject's calls, under the lease, and settles its entries. */
  async function execute(lease: Lease, prepared: Prepared): Promise<Executed> {
    const { subject, claim, router } = prepared;
    const applied: string[] = [];
    const changes: Change[] = [];
    let failure: Failure | undefined;
    if (!router || (prepared.failure && (prepared.failure.retryable || prepared.operations.length === 0))) {
      // Nothing to call: the facts or the institution could not be read (retry), or the person has no ESI (failed).
      failure = prepared.failure;
    } else {
      try {
        for (const operation of prepared.operations) {
          checkpoint(lease);
          changes.push(await call(operation, router));
          applied.push(describe(operation));
        }
        failure = prepared.failure;
      } catch (error) {
        if (error instanceof DeliveryAbortedError) throw error;
        failure = classify(error);
      }
    }
    const settlement: Settlement = {
      ...subject,
      owner: lease.owner,
      ids: claim.ids,
      status: 'done',
      result: { operations: applied },
      // What succeeded before a failure is kept: the retry will not send it again.
      confirm: changes.flatMap((change) => ('confirm' in change ? [change.confirm] : [])),
      forget: changes.flatMap((change) => ('forget' in change ? [change.forget] : [])),
    };
    if (failure?.retryable) {
      settlement.status = 'pending';
      settlement.delayMs = failure.error.code === 'lease_expiring' ? 0
        : retryDelayMs(claim.attempts + 1, options.random(), options.backoff, failure.retryAfterMs);
    } else if (failure) {
      settlement.status = 'failed';
    }
    if (failure) settlement.error = failure.error;
    const { held, moreDue } = await repo.settle(db, settlement);
    const outcome: DeliveryOutcome['outcome'] = !held ? 'lost' : settlement.status === 'done' ? 'done' : settlement.status === 'pending' ? 'retry' : 'failed';
    return {
      personId: subject.personId, institutionId: subject.institutionId, outcome, operations: applied,
      ...(failure ? { error: failure.error } : {}), moreDue, routerDown: failure?.routerDown === true,
    };
  }

  /**
   * Goes on with one subject under `owner`'s lease: claims (or renews) it, delivers, and again
   * while new entries arrived meanwhile. 'busy' when another worker holds the subject. `first` is
   * a delivery already made under this lease (a batch's), whose settlement kept the lease.
   */
  async function continueSubject(subject: Subject, owner: string, signal: AbortSignal | undefined, cache: InstitutionCache,
    first?: Executed): Promise<Executed> {
    const operations = [...(first?.operations ?? [])];
    let delivered = first !== undefined;
    const base = { personId: subject.personId, institutionId: subject.institutionId, moreDue: false, routerDown: false };
    for (;;) {
      if (signal?.aborted) throw new DeliveryAbortedError();
      const claim = (await repo.claim(db, [subject], owner, options.leaseMs)).get(subjectKey(subject));
      if (!claim) return { ...base, outcome: 'busy', operations };
      if (claim.ids.length === 0) {
        await repo.releaseLeases(db, [subject], owner);
        return { ...base, outcome: delivered ? 'done' : 'idle', operations };
      }
      const [prepared] = await prepare([{ subject, claim }], cache);
      const outcome = await execute({ subject, owner, startedAt: performance.now(), signal }, prepared as Prepared);
      operations.push(...outcome.operations);
      delivered = true;
      if (outcome.outcome !== 'done' || !outcome.moreDue) return { ...outcome, operations };
    }
  }

  /**
   * Delivers everything pending for one person now (a fresh change, or an operator's replay), at
   * each institution with something pending for them, going on with the same lease while new
   * entries arrive meanwhile. 'busy' when another worker holds one of them (the job is retried);
   * otherwise the least happy outcome. An abort leaves the leases to run out, as a killed process would.
   */
  async function deliverPerson(personId: string, signal?: AbortSignal): Promise<DeliveryOutcome> {
    if (!enabled) return { personId, outcome: 'idle', operations: [] };
    const institutions = await repo.pendingInstitutionsOf(db, personId);
    const cache: InstitutionCache = new Map();
    const outcomes: DeliveryOutcome[] = [];
    for (const institutionId of institutions) {
      const { moreDue: _more, routerDown: _down, ...outcome } = await continueSubject({ institutionId, personId }, randomUUID(), signal, cache);
      outcomes.push(outcome);
    }
    if (outcomes.length === 1) return outcomes[0] as DeliveryOutcome;
    const rank: Array<DeliveryOutcome['outcome']> = ['busy', 'lost', 'failed', 'retry', 'done', 'idle'];
    const worst = outcomes.reduce<DeliveryOutcome['outcome']>((acc, o) => (rank.indexOf(o.outcome) < rank.indexOf(acc) ? o.outcome : acc), 'idle');
    const error = outcomes.find((o) => o.outcome === worst && o.error)?.error;
    return { personId, outcome: worst, operations: outcomes.flatMap((o) => o.operations), ...(error ? { error } : {}) };
  }

  /** Runs `work` under the subject's lease (reconcile); 'busy' when another worker holds it. */
  async function withLease<T>(subject: Subject, work: (lease: Lease) => Promise<T>): Promise<T | 'busy'> {
    const owner = randomUUID();
    if (!(await repo.claim(db, [subject], owner, options.leaseMs)).has(subjectKey(subject))) return 'busy';
    try {
      return await work({ subject, owner, startedAt: performance.now(), signal: undefined });
    } finally {
      await repo.releaseLeases(db, [subject], owner);
    }
  }

  /** Writes the bookkeeping of one call right away (reconcile, which is not settled as a whole). */
  async function record(subject: Subject, change: Change): Promise<void> {
    if ('confirm' in change) {
      const { kind, identifier, hash, routerStatus } = change.confirm;
      await repo.markConfirmed(db, subject, kind, identifier, hash, routerStatus);
    } else {
      await repo.deleteRecord(db, subject, change.forget.kind, change.forget.identifier);
    }
  }

  /** One reconcile call with its bookkeeping before and after. */
  async function reconcileCall(subject: Subject, operation: RouterOperation, router: EscRouterClient): Promise<void> {
    await repo.markUncertain(db, uncertainOf([operation]).map((item) => ({ ...subject, ...item })));
    await record(subject, await call(operation, router));
  }

  /**
   * Delivers every due entry, oldest first, in batches: a batch of subjects is claimed, read and
   * marked in a few statements, then delivered `concurrency` subjects at a time, each settled on
   * its own. Stops when none is due, the time budget is spent, the circuit breaker trips (the
   * router looks down: do not hammer it; an institution waiting for its PIC does not count) or
   * `signal` aborts. Safe to run in several processes at once: each subject is delivered under a lease.
   */
  async function deliverPending(run: { budgetMs?: number; maxPersons?: number; signal?: AbortSignal } = {}): Promise<DeliveryReport> {
    const report: DeliveryReport = { enabled, persons: 0, done: 0, retry: 0, failed: 0, busy: 0, stoppedEarly: false };
    if (!enabled) return report;
    const deadline = performance.now() + (run.budgetMs ?? Number.POSITIVE_INFINITY);
    const maxPersons = run.maxPersons ?? Number.POSITIVE_INFINITY;
    const skipped = new Map<string, Subject>();
    let consecutiveRetries = 0;
    let stop = false;
    const cache: InstitutionCache = new Map();
    const count = (outcome: Executed): void => {
      report.persons += 1;
      if (outcome.outcome === 'retry' && outcome.routerDown) consecutiveRetries += 1;
      else if (outcome.outcome === 'done' || outcome.outcome === 'failed') consecutiveRetries = 0;
      if (outcome.outcome === 'busy' || outcome.outcome === 'lost' || outcome.outcome === 'idle') {
        const subject = { institutionId: outcome.institutionId as number, personId: outcome.personId };
        skipped.set(subjectKey(subject), subject);
      }
      if (outcome.outcome === 'done') report.done += 1;
      else if (outcome.outcome === 'retry') report.retry += 1;
      else if (outcome.outcome === 'failed') report.failed += 1;
      else if (outcome.outcome === 'busy') report.busy += 1;
    };
    while (!stop) {
      if (run.signal?.aborted) throw new DeliveryAbortedError();
      const due = await repo.findDueSubjects(db, Math.min(options.concurrency * 8, Math.max(1, maxPersons - report.persons)), [...skipped.values()]);
      if (due.length === 0) break;
      const owner = randomUUID();
      const claims = await repo.claim(db, due, owner, options.leaseMs);
      const startedAt = performance.now();
      for (const subject of due) {
        if (!claims.has(subjectKey(subject))) count({ ...subject, outcome: 'busy', operations: [], moreDue: false, routerDown: false });
      }
      const claimed = due.flatMap((subject) => {
        const claim = claims.get(subjectKey(subject));
        return claim ? [{ subject, claim }] : [];
      });
      const idle = claimed.filter(({ claim }) => claim.ids.length === 0).map(({ subject }) => subject);
      await repo.releaseLeases(db, idle, owner);
      for (const subject of idle) skipped.set(subjectKey(subject), subject);
      const busy = claimed.filter(({ claim }) => claim.ids.length > 0);
      const prepared = busy.length > 0 ? await prepare(busy, cache) : [];
      const unstarted = new Map(prepared.map((p) => [subjectKey(p.subject), p.subject]));
      let next = 0;
      const worker = async (): Promise<void> => {
        while (!stop && next < prepared.length) {
          if (run.signal?.aborted) throw new DeliveryAbortedError();
          if (performance.now() > deadline || report.persons >= maxPersons || consecutiveRetries >= options.breakerThreshold) {
            stop = true;
            report.stoppedEarly = true;
            return;
          }
          const item = prepared[next++] as Prepared;
          unstarted.delete(subjectKey(item.subject));
          const lease: Lease = { subject: item.subject, owner, startedAt, signal: run.signal };
          const first = await execute(lease, item);
          count(first.outcome === 'done' && first.moreDue ? await continueSubject(item.subject, owner, run.signal, cache, first) : first);
        }
      };
      // Settled, not raced: after an abort, no delivery of this pass is still running when we return.
      const settled = await Promise.allSettled(Array.from({ length: Math.min(options.concurrency, Math.max(1, prepared.length)) }, worker));
      const rejected = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
      // An abort leaves the leases to run out, as a killed process would; a pass that merely
      // stopped early gives back the subjects it claimed but did not start.
      if (rejected) throw rejected.reason;
      await repo.releaseLeases(db, [...unstarted.values()], owner);
    }
    if (report.persons > 0) {
      logger.info({ persons: report.persons, done: report.done, retry: report.retry, failed: report.failed, busy: report.busy }, 'esc sync pass');
    }
    return report;
  }

  /** Compares one subject at the router with campuscard and fixes every difference, under the lease. */
  async function reconcileSubject(subject: Subject, report: ReconcileReport, cache: InstitutionCache): Promise<void> {
    let outcome: 'busy' | 'done' = 'busy';
    for (let attempt = 0; attempt < 20 && outcome === 'busy'; attempt += 1) {
      if (attempt > 0) await sleep(250);
      outcome = await withLease(subject, async (lease) => {
        const facts = (await loadFacts([subject])).get(subjectKey(subject)) as SyncPersonFacts;
        const records: RouterRecord[] = await repo.findRecordsOfPerson(db, subject.personId, WHOLE_DEPLOYMENT, subject.institutionId);
        // Persons who never consented and of whom nothing was sent are not even looked up:
        // a GET would disclose their identifiers to the router.
        if (!facts.escConsent && records.length === 0) {
          report.skipped += 1;
          return 'done' as const;
        }
        const institution = await institutionOrThrow(cache, subject.institutionId);
        const desired = desiredRouterState(facts, institution.settings);
        const blocking = desired.problems.find((problem) => problem.code !== 'missing_expiry');
        if (blocking) throw new LocalFailure(blocking.code, blocking.message);
        report.checked += 1;
        const fixed = await reconcileWith(lease, desired, facts, records, institution.router, report);
        if (fixed) report.fixedPersons += 1;
        else report.inSync += 1;
        return 'done' as const;
      });
    }
    if (outcome === 'busy') throw new LocalFailure('busy', 'Another worker kept this person busy');
  }

  async function reconcileWith(lease: Lease, desired: DesiredRouterState, facts: SyncPersonFacts, records: RouterRecord[],
    router: EscRouterClient, report: ReconcileReport): Promise<boolean> {
    const { subject } = lease;
    const lower = (value: string) => value.toLowerCase();
    const wantedCards = new Map(desired.cards.map((card) => [card.key, card]));
    const cardNumbers = new Set<string>([
      ...desired.cards.map((card) => card.key),
      ...records.filter((r) => r.kind === 'card').map((r) => lower(r.identifier)),
      ...(facts.escConsent ? facts.cards.flatMap((card) => (card.escn ? [lower(card.escn)] : [])) : []),
    ]);
    const personIds = new Map<string, string>();
    if (desired.person) personIds.set(desired.person.key, desired.person.body.identifier);
    for (const r of records) if (r.kind === 'person') personIds.set(lower(r.identifier), r.identifier);
    const atRouterCards = new Map<string, RouterCardView | undefined>();
    for (const escn of cardNumbers) {
      checkpoint(lease);
      atRouterCards.set(escn, await router.cards.get(escn));
    }
    const atRouterPersons = new Map<string, RouterPersonView | undefined>();
    for (const [key, esi] of personIds) {
      checkpoint(lease);
      atRouterPersons.set(key, await router.persons.get(esi));
    }
    let fixed = false;
    for (const [escn, view] of atRouterCards) {
      if (wantedCards.has(escn)) continue;
      if (view) {
        checkpoint(lease);
        await reconcileCall(subject, { op: 'deleteCard', escn }, router);
        report.operations.deleteCard += 1;
        fixed = true;
      } else {
        await repo.deleteRecord(db, subject, 'card', escn);
      }
    }
    const person = desired.person;
    if (person) {
      const view = atRouterPersons.get(person.key);
      if (!view || !personMatches(view, person.body)) {
        checkpoint(lease);
        await reconcileCall(subject, { op: 'upsertPerson', key: person.key, hash: person.hash, body: person.body }, router);
        report.operations.upsertPerson += 1;
        fixed = true;
      } else {
        await repo.markConfirmed(db, subject, 'person', person.body.identifier, person.hash, null);
      }
    }
    for (const card of desired.cards) {
      const view = atRouterCards.get(card.key);
      if (!view || !cardMatches(view, card.body)) {
        checkpoint(lease);
        await reconcileCall(subject, { op: 'upsertCard', key: card.key, hash: card.hash, body: card.body }, router);
        report.operations.upsertCard += 1;
        fixed = true;
      } else {
        await repo.markConfirmed(db, subject, 'card', card.key, card.hash, card.body.cardStatusType);
      }
    }
    for (const [key, esi] of personIds) {
      if (key === person?.key) continue;
      if (atRouterPersons.get(key)) {
        checkpoint(lease);
        await reconcileCall(subject, { op: 'deletePerson', esi }, router);
        report.operations.deletePerson += 1;
        fixed = true;
      } else {
        await repo.deleteRecord(db, subject, 'person', esi);
      }
    }
    return fixed;
  }

  /** A person's sync state at one institution, from its records and entries. */
  function stateOf(records: readonly RecordRow[], rows: readonly OutboxRow[]): { state: PersonSyncState; lastError: OutboxEntryView['lastError'] } {
    const failedEntry = rows.find((row) => row.status === 'failed');
    const pendingEntry = rows.find((row) => row.status === 'pending');
    const state: PersonSyncState = !enabled ? 'disabled'
      : failedEntry ? 'failed'
      : pendingEntry ? 'pending'
      : records.length > 0 ? 'in_sync' : 'not_registered';
    const lastErrorRow = failedEntry ?? (pendingEntry?.lastErrorCode ? pendingEntry : undefined);
    return { state, lastError: lastErrorRow ? entryView(lastErrorRow).lastError : null };
  }

  function recordsView(records: readonly RecordRow[]): RouterRecordsView {
    const personRecord = records.find((r) => r.kind === 'person');
    return {
      person: personRecord ? { esi: personRecord.identifier, confirmed: personRecord.bodyHash !== null, confirmedAt: iso(personRecord.confirmedAt) } : null,
      cards: records.filter((r) => r.kind === 'card').map((r) => ({
        escn: r.identifier, status: r.routerStatus, confirmed: r.bodyHash !== null, confirmedAt: iso(r.confirmedAt),
      })),
    };
  }

  function notConfigurable(): Error {
    return conflict('esc_key_encryption_not_configured',
      'Institutions cannot be given API keys of their own: ESC_KEY_ENCRYPTION_KEY is not set on this deployment', { field: '/apiKey' });
  }

  async function apiKeyStatusOf(executor: Executor, institutionId: number): Promise<EscApiKeyStatus> {
    const [row] = await repo.findSyncInstitutions(executor, [institutionId]);
    if (!row) throw notFound('institution_not_found', 'No such institution');
    const own = ownKey(row);
    const readable = typeof own === 'string' ? own : undefined;
    return {
      configured: row.escApiKeyEncrypted !== null,
      last4: readable === undefined ? null : keyHint(readable),
      source: row.escApiKeyEncrypted !== null ? 'institution' : config.escRouterApiKey ? 'deployment' : null,
    };
  }

  return {
    /** True when an ESC Router is configured: entries are written and delivered. */
    enabled,

    /** A copy of this service with other tunables (tests, CLI): same database and dependencies. */
    withOptions(more: Partial<EscSyncOptions>) {
      return createEscSyncService(deps, { ...options, ...more });
    },

    /**
     * Listener of card moves (in the moving transaction): a move into or out of a state the router
     * knows (ENABLED, DISABLED) changes what the card's issuing institution should have at the
     * router; CADUC and DESTROYED come out of those states, so rights ending and destruction are
     * covered too.
     */
    async onCardMoved(executor: Executor, card: { id: string; personId: string; escn: string | null }, from: string | null, to: string): Promise<void> {
      if (!enabled || card.escn === null) return;
      const touches = (state: string | null) => state !== null && ROUTER_VISIBLE_STATES.includes(state);
      if (!touches(from) && !touches(to)) return;
      const seen = written(executor);
      const subject = await repo.insertEntryForCard(executor, card.id, `card_${to.toLowerCase()}`, { cardId: card.id, escn: card.escn }, seen?.subjects ?? []);
      if (!subject) return;
      seen?.subjects.push(subject);
      await kick(executor, card.personId);
    },

    /**
     * Listener of person changes (name, e-mail, level, ESI, rights end: the card expiry), one chunk
     * at a time, for every institution concerned: a single change writes its entries and wakes that
     * person's worker; a bulk change (imports) writes all its entries in one statement and wakes a
     * sweep, instead of one job per person. Newly created persons are skipped: no consent, no card yet.
     */
    async onPeopleChanged(executor: Executor, changes: ReadonlyArray<{ person: { id: string }; changedFields: readonly string[]; created: boolean }>): Promise<void> {
      if (!enabled) return;
      const ids = changes.filter((change) => !change.created && change.changedFields.some((field) => ROUTER_PERSON_FIELDS.includes(field)))
        .map((change) => change.person.id);
      if (ids.length === 0) return;
      if (ids.length === 1) {
        await writePersonEntries(executor, ids[0] as string, 'person_changed');
        return;
      }
      const subjects = await repo.insertEntriesForPersons(executor, ids, 'person_changed');
      if (subjects.length > 0) await sweepSoon(executor);
    },

    /** Listener of consent decisions: granting registers the person's cards at every institution, withdrawing deletes them. */
    async onConsentChanged(executor: Executor, personId: string, kind: string, granted: boolean): Promise<void> {
      if (kind !== 'esc') return;
      await writePersonEntries(executor, personId, granted ? 'consent_granted' : 'consent_withdrawn');
    },

    /** Queues a sync of these persons at every institution concerned (in the caller's transaction when given), e.g. after a bulk fix. */
    async requestSync(executor: Executor, personIds: readonly string[], reason: string): Promise<number> {
      if (!enabled) return 0;
      const subjects = await repo.insertEntriesForPersons(executor, [...new Set(personIds)], reason);
      await sweepSoon(executor);
      return subjects.length;
    },

    deliverPerson,

    /** Delivers what is due; `report.persons` counts institution × person deliveries. */
    deliverPending,

    /** The sweep job: deliver what is due, then forget old done entries. */
    async sweep(budgetMs = 50_000): Promise<DeliveryReport> {
      const report = await deliverPending({ budgetMs });
      if (enabled) await repo.purgeDone(db, options.retentionDays);
      return report;
    },

    /** Pending and failed counts of the whole deployment, for the metrics gauge. */
    async backlog(): Promise<Record<string, number>> {
      return repo.countBacklog(db);
    },

    /** Overall counts and the most recent failures within `scope`, counted and listed by the database. */
    async status(scope: AccessScope = WHOLE_DEPLOYMENT): Promise<EscSyncStatusView> {
      const counts = await repo.countEntries(db, scope);
      const failures = await repo.listEntries(db, { status: 'failed', scope, limit: RECENT_FAILURES });
      return {
        enabled,
        router: !enabled ? null : config.escRouterSimulator ? 'embedded_simulator' : 'external',
        routerUrl: enabled && !config.escRouterSimulator ? config.escRouterUrl ?? null : null,
        counts: { pending: counts.pending, failed: counts.failed, done: counts.done, retrying: counts.retrying },
        oldestPendingAt: iso(counts.oldestPendingAt),
        recentFailures: failures.map(entryView),
      };
    },

    /**
     * A page of entries within `scope`, newest first, optionally of one status, each with its
     * holder and card. The database keeps only the scope's entries before counting the page: a
     * page is full whenever enough entries exist.
     */
    async entries(filter: { status?: EscOutboxStatus; limit?: number; beforeId?: number; scope?: AccessScope }): Promise<EntryPage> {
      const limit = filter.limit ?? 50;
      const rows = await repo.listEntries(db, {
        ...(filter.status ? { status: filter.status } : {}),
        scope: filter.scope ?? WHOLE_DEPLOYMENT,
        ...(filter.beforeId !== undefined ? { beforeId: filter.beforeId } : {}),
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      const { names, cards } = await repo.findHolders(db, [...new Set(page.map((row) => row.personId))]);
      const holders = new Map<string, EntryHolderFacts>(names.map((name) => [name.id, {
        firstName: name.firstName, lastName: name.lastName, eppn: name.eppn, cards: cards.filter((card) => card.personId === name.id),
      }]));
      return {
        items: page.map((row) => listedEntryView(row, holders.get(row.personId))),
        nextBeforeId: rows.length > limit ? page.at(-1)?.id ?? null : null,
      };
    },

    /** One entry within `scope`, or 404 `esc_entry_not_found`. */
    async entry(id: number, scope: AccessScope = WHOLE_DEPLOYMENT): Promise<OutboxEntryView> {
      const row = await repo.findEntry(db, id, scope);
      if (!row) throw notFound('esc_entry_not_found', 'No such ESC sync entry');
      return entryView(row);
    },

    /** Whether a caller of `scope` may look at this person's sync (else the routes answer 404). */
    async personVisible(personId: string, scope: AccessScope): Promise<boolean> {
      return repo.personVisible(db, personId, scope);
    },

    /** Where one person stands with the router at each institution of `scope`: what was sent, what is waiting, what failed. */
    async personSync(personId: string, scope: AccessScope = WHOLE_DEPLOYMENT): Promise<PersonSyncView> {
      const [records, rows] = await Promise.all([
        repo.findRecordsOfPerson(db, personId, scope),
        repo.findEntriesOfPerson(db, personId, PERSON_ENTRIES, scope),
      ]);
      const institutionIds = [...new Set([...records.map((r) => r.institutionId), ...rows.map((r) => r.institutionId)])].sort((a, b) => a - b);
      const codes = new Map((await repo.findSyncInstitutions(db, institutionIds)).map((row) => [row.id, row.code]));
      const institutions = institutionIds.map((id) => {
        const { state, lastError } = stateOf(records.filter((r) => r.institutionId === id), rows.filter((r) => r.institutionId === id));
        return { institution: codes.get(id) ?? String(id), state, router: recordsView(records.filter((r) => r.institutionId === id)), lastError };
      });
      const overall = stateOf(records, rows);
      const firstPerson = records.find((r) => r.kind === 'person');
      return {
        enabled,
        personId,
        state: overall.state,
        router: {
          person: recordsView(firstPerson ? [firstPerson] : []).person,
          cards: recordsView(records).cards,
        },
        lastError: overall.lastError,
        entries: rows.map(entryView),
        institutions,
      };
    },

    /**
     * A card's ESCN, QR content and sync state at its issuing institution. `qrPrefix` is the
     * verifier URL prefix; the cards routes may call this for their own views.
     */
    async cardEsc(card: { id: string; personId: string; escn: string | null }, qrPrefix: string): Promise<CardEscView> {
      const qrContent = card.escn ? `${qrPrefix}${card.escn}` : null;
      const institutionId = enabled && card.escn !== null ? await repo.cardInstitution(db, card.id) : undefined;
      if (institutionId === undefined) {
        return {
          cardId: card.id, escn: card.escn, qrContent,
          sync: { enabled, state: enabled ? 'not_registered' : 'disabled', routerStatus: null, confirmedAt: null, lastError: null },
        };
      }
      const [records, rows] = await Promise.all([
        repo.findRecordsOfPerson(db, card.personId, WHOLE_DEPLOYMENT, institutionId),
        repo.findEntriesOfPerson(db, card.personId, PERSON_ENTRIES, WHOLE_DEPLOYMENT, institutionId),
      ]);
      const cardRecord = records.find((r) => r.kind === 'card' && r.identifier === card.escn?.toLowerCase());
      const { lastError } = stateOf(records, rows);
      const state = rows.some((row) => row.status === 'failed') ? 'failed'
        : rows.some((row) => row.status === 'pending') ? 'pending'
        : cardRecord?.bodyHash ? 'registered' : 'not_registered';
      return {
        cardId: card.id, escn: card.escn, qrContent,
        sync: { enabled, state, routerStatus: cardRecord?.routerStatus ?? null, confirmedAt: iso(cardRecord?.confirmedAt ?? null), lastError },
      };
    },

    /** Puts a failed (or waiting) entry of `scope` back in the queue, due now, and wakes a worker; 404 outside the scope. */
    async replay(id: number, context: ActorContext, scope: AccessScope = WHOLE_DEPLOYMENT): Promise<OutboxEntryView> {
      if (!enabled) throw conflict('esc_sync_disabled', 'The ESC Router is not configured (ESC_ROUTER_URL)');
      return inTransaction(db, context, async (trx) => {
        const row = await repo.replayEntry(trx, id, context.actor, scope);
        if (!row) {
          const existing = await repo.findEntry(trx, id, scope);
          if (!existing) throw notFound('esc_entry_not_found', 'No such ESC sync entry');
          throw conflict('esc_entry_not_replayable', 'This entry was delivered already; a reconcile compares everything again');
        }
        await kick(trx, row.personId);
        return entryView(row);
      });
    },

    /** Puts every failed entry of `scope` back in the queue. `count`: the institution × person pairs concerned. */
    async replayFailed(context: ActorContext, scope: AccessScope = WHOLE_DEPLOYMENT): Promise<{ count: number }> {
      if (!enabled) throw conflict('esc_sync_disabled', 'The ESC Router is not configured (ESC_ROUTER_URL)');
      return inTransaction(db, context, async (trx) => {
        const count = await repo.replayFailed(trx, context.actor, scope);
        if (count > 0) await sweepSoon(trx);
        return { count };
      });
    },

    /** Records a reconcile run of the institutions of `scope` and queues it; its progress shows in /jobs/:id. */
    async startReconcile(context: ActorContext, scope: Pick<AccessScope, 'institutionIds'> = WHOLE_DEPLOYMENT): Promise<JobRunView> {
      if (!enabled) throw conflict('esc_sync_disabled', 'The ESC Router is not configured (ESC_ROUTER_URL)');
      const institutionIds = scope.institutionIds === null ? null : [...scope.institutionIds];
      return inTransaction(db, context, async (trx) => {
        // A run of one institution belongs to it (its office sees it); of several or all, to the deployment.
        const owner = institutionIds?.length === 1 ? institutionIds[0] as number : null;
        const run = await deps.jobRuns.create(trx, RECONCILE_JOB_KIND, { institutionIds }, context.actor, owner);
        await deps.jobs.send(ESC_QUEUES.reconcile, { runId: run.id, institutionIds }, { trx });
        return run;
      });
    },

    /**
     * Compares campuscard with the router, institution by institution and person by person (GET
     * person and cards with the institution's key), and fixes every difference: missing or
     * outdated records are upserted, records that should not be there are deleted, and
     * `esc_router_records` is rewritten to what the router now holds. Persons without consent of
     * whom nothing was ever sent are skipped without a call. Only the institutions of
     * `institutionIds` (null: all). Reports progress.
     */
    async reconcile(reporter: Pick<ProgressReporter, 'start' | 'advance' | 'succeed' | 'fail'>,
      institutionIds: readonly number[] | null = null): Promise<ReconcileReport> {
      const report: ReconcileReport = {
        total: 0, checked: 0, skipped: 0, inSync: 0, fixedPersons: 0,
        operations: { upsertPerson: 0, upsertCard: 0, deleteCard: 0, deletePerson: 0 }, failed: 0, errors: [],
      };
      if (!enabled) {
        await reporter.fail({ code: 'esc_sync_disabled', message: 'The ESC Router is not configured' });
        return report;
      }
      try {
        const candidates = await repo.reconcileSubjects(db, { institutionIds, personTypes: null });
        const cache: InstitutionCache = new Map();
        report.total = candidates.length;
        await reporter.start(candidates.length, 'comparing with the ESC Router');
        let next = 0;
        let done = 0;
        const worker = async (): Promise<void> => {
          while (next < candidates.length) {
            const subject = candidates[next++] as Subject;
            try {
              await reconcileSubject(subject, report, cache);
            } catch (error) {
              report.failed += 1;
              const detail = error instanceof EscRouterError ? routerError(error)
                : error instanceof LocalFailure || error instanceof LocalRetry ? { code: error.code, message: error.message }
                : { code: 'internal_error', message: 'Unexpected error; see the server log' };
              if (!(error instanceof EscRouterError || error instanceof LocalFailure || error instanceof LocalRetry)) {
                logger.error({ err: { type: (error as Error).name, stack: (error as Error).stack } }, 'esc reconcile failed unexpectedly');
              }
              if (report.errors.length < 50) report.errors.push({ personId: subject.personId, code: detail.code, message: detail.message });
            }
            done += 1;
            await reporter.advance(done);
          }
        };
        await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, candidates.length)) }, worker));
        await reporter.succeed({ ...report });
        return report;
      } catch (error) {
        logger.error({ err: { type: (error as Error).name, stack: (error as Error).stack } }, 'esc reconcile aborted');
        await reporter.fail({ code: 'reconcile_failed', message: (error as Error).message });
        throw error;
      }
    },

    /** Whether the institution has a key of its own, its last four characters, and which key its sync uses. */
    async apiKeyStatus(institutionId: number): Promise<EscApiKeyStatus> {
      return apiKeyStatusOf(db, institutionId);
    },

    /**
     * Gives an institution its own ESC Router API key (encrypted at rest, AES-256-GCM), or with
     * null takes it away (the deployment's key is used again). Its waiting entries are retried at
     * once with the new key. 422 `invalid_esc_api_key` for a malformed key, 409
     * `esc_key_encryption_not_configured` without ESC_KEY_ENCRYPTION_KEY, 404 for an unknown
     * institution. The key is never returned, logged or audited in clear.
     */
    async setApiKey(institutionId: number, apiKey: string | null, context: ActorContext): Promise<EscApiKeyStatus> {
      const key = apiKey?.trim() ?? null;
      if (key !== null && !API_KEY_PATTERN.test(key)) {
        throw unprocessable('invalid_esc_api_key', 'An ESC Router API key is 8 to 512 printable characters without spaces', { field: '/apiKey' });
      }
      if (key !== null && !cipher) throw notConfigurable();
      return inTransaction(db, context, async (trx) => {
        const stored = await repo.storeApiKey(trx, institutionId, key === null ? null : (cipher as NonNullable<typeof cipher>).encrypt(institutionId, key));
        if (!stored) throw notFound('institution_not_found', 'No such institution');
        await trx.updateTable('escOutbox').set({ nextAttemptAt: new Date() })
          .where('institutionId', '=', institutionId).where('status', '=', 'pending').execute();
        return apiKeyStatusOf(trx, institutionId);
      });
    },
  };
}

/** A condition of campuscard's own (not the router's) that a later attempt may clear. */
class LocalRetry extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/** A condition of campuscard's data that needs a fix before the person can be synced. */
class LocalFailure extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

export type EscSyncService = ReturnType<typeof createEscSyncService>;
