import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import { createEscRouterClient, EscRouterError, type EscRouterClient } from '../../adapters/esc-router/esc-router.client.ts';
import type { CardView as RouterCardView, PersonView as RouterPersonView } from '../../adapters/esc-router/esc-router.types.ts';
import { inTransaction, type ActorContext, type Executor } from '../../platform/db/database.ts';
import type { Database } from '../../platform/db/schema.ts';
import { conflict, notFound } from '../../platform/http/problem.ts';
import type { JobQueue } from '../../platform/jobs/job-queue.ts';
import type { JobRunView, ProgressReporter } from '../jobs/jobs.service.ts';
import {
  cardMatches, DEFAULT_BACKOFF, desiredRouterState, personMatches, planRouterOperations, retryDelayMs, ROUTER_PERSON_FIELDS,
  ROUTER_VISIBLE_STATES, type BackoffPolicy, type DesiredRouterState, type RouterOperation, type RouterRecord, type SyncPersonFacts,
  type SyncSettings,
} from './domain/esc-sync-rules.ts';
import * as repo from './esc-sync.repository.ts';
import type { OutboxError, OutboxRow, PersonScope, Settlement } from './esc-sync.repository.ts';
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

/** What the sync needs from the other contexts; wired in the composition root. */
export interface EscSyncDeps {
  db: Kysely<Database>;
  config: Pick<Config, 'escRouterUrl' | 'escRouterApiKey' | 'escRouterSimulator'>;
  logger: Logger;
  jobs: Pick<JobQueue, 'send'>;
  jobRuns: {
    create(executor: Executor, kind: string, params: Record<string, unknown>, createdBy: string): Promise<JobRunView>;
    reporter(runId: string): ProgressReporter;
  };
  /** Current data, consent and cards of these persons, by id (`exists: false` once a person is gone). */
  loadFacts(executor: Executor, personIds: readonly string[]): Promise<Map<string, SyncPersonFacts>>;
  /** Institution-wide settings; undefined before the institution is set up. */
  loadSettings(executor: Executor): Promise<SyncSettings | undefined>;
  /** Persons that may have something at the router (every person, or at least every card holder). */
  candidates(): AsyncIterable<string>;
  /**
   * The persons a manager limited to these person types may see, as a subquery of person ids
   * (built by the people context) that the outbox queries embed; undefined for no limits.
   */
  personIdsInScope(personTypes: readonly string[] | null): PersonScope | undefined;
  /** Names, eppns and numbered cards of these persons, by id (unknown ids left out): what labels entries. */
  loadHolders(personIds: readonly string[]): Promise<Map<string, EntryHolderFacts>>;
  /** Replaces the HTTP client (tests). */
  client?: EscRouterClient;
}

/** One outbox entry as the API shows it. */
export interface OutboxEntryView {
  id: number;
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
  cards: ReadonlyArray<{ id: string; escn: string; state: string; createdAt: Date }>;
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

/** A person's sync, for operators. */
export interface PersonSyncView {
  enabled: boolean;
  personId: string;
  state: PersonSyncState;
  router: {
    person: { esi: string; confirmed: boolean; confirmedAt: string | null } | null;
    cards: Array<{ escn: string; status: string | null; confirmed: boolean; confirmedAt: string | null }>;
  };
  lastError: OutboxEntryView['lastError'];
  entries: OutboxEntryView[];
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

/** What one delivery did for one person. */
export interface DeliveryOutcome {
  personId: string;
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
const CANDIDATE_PAGE = 500;

function iso(date: Date | null): string | null {
  return date === null ? null : date.toISOString();
}

function entryView(row: OutboxRow): OutboxEntryView {
  return {
    id: row.id,
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
  const cards = holder?.cards ?? [];
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

/**
 * ESC Router synchronisation through a transactional outbox.
 *
 * Writing: the subscribed change listeners append an entry ("sync person X") in the transaction
 * of the change, so it exists exactly when the change commits. Nothing is written while the sync
 * is off (no ESC_ROUTER_URL): turning it on later is followed by a reconcile, which registers
 * everybody, rather than by replaying a backlog of stale changes.
 *
 * Delivering: state-based. A worker takes a lease on each person of a batch, computes what the
 * router should hold from campuscard's CURRENT data, and makes only the calls that take the
 * router there (`esc_router_records` remembers what was sent), person first, then cards. Order-safe and idempotent: a duplicate entry
 * or a second delivery makes no call. Retryable failures (5xx, timeouts, connection errors) are
 * retried with exponential backoff and jitter, forever (an operator sees them as pending with
 * attempts and the last error); refusals (4xx) mark the entries failed with the router's code and
 * message until the data changes or an operator replays them.
 */
export function createEscSyncService(deps: EscSyncDeps, overrides: Partial<EscSyncOptions> = {}) {
  const { db, logger } = deps;
  const options: EscSyncOptions = { ...DEFAULT_OPTIONS, ...overrides };
  const enabled = Boolean(deps.client ?? (deps.config.escRouterUrl && deps.config.escRouterApiKey));
  const client: EscRouterClient | undefined = deps.client ?? (enabled
    ? createEscRouterClient({ baseUrl: deps.config.escRouterUrl as string, apiKey: deps.config.escRouterApiKey as string, timeoutMs: options.timeoutMs })
    : undefined);
  // One entry per person and transaction is enough (enabling a card disables the previous one:
  // two moves, one person); later changes in the same transaction are covered by state-based delivery.
  const writtenIn = new WeakMap<object, Set<string>>();

  async function writeEntry(executor: Executor, personId: string, reason: string, target: Record<string, string>): Promise<void> {
    if (!enabled) return;
    if (executor.isTransaction) {
      let seen = writtenIn.get(executor);
      if (seen?.has(personId)) return;
      if (!seen) {
        seen = new Set();
        writtenIn.set(executor, seen);
      }
      seen.add(personId);
    }
    await repo.insertEntries(executor, [{ personId, reason, target }]);
    await kick(executor, personId);
  }

  /** Wakes a worker for this person once the transaction commits (deduplicated while queued). */
  async function kick(executor: Executor, personId: string): Promise<void> {
    await deps.jobs.send(ESC_QUEUES.sync, { personId }, {
      singletonKey: personId,
      ...(executor.isTransaction ? { trx: executor as Transaction<Database> } : {}),
    });
  }

  function settingsOrThrow(settings: SyncSettings | undefined): SyncSettings {
    if (!settings) throw new LocalRetry('institution_not_configured', 'The institution (PIC) is not configured yet');
    return settings;
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
    personId: string;
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

  type Failure = { error: OutboxError; retryable: boolean; retryAfterMs?: number | undefined };

  /** A claimed person, ready to be delivered: the calls to make, or why none can be made. */
  interface Prepared {
    personId: string;
    claim: repo.Claim;
    operations: RouterOperation[];
    /** Reported after the calls (a card without expiry), or instead of them (no ESI). */
    failure?: Failure;
  }

  function classify(error: unknown): Failure {
    if (error instanceof EscRouterError) return { error: routerError(error), retryable: error.kind === 'retryable', retryAfterMs: error.retryAfterMs };
    if (error instanceof LeaseRunningOutError) {
      return { error: { code: 'lease_expiring', message: 'The delivery took too long and will continue later', routerStatus: null }, retryable: true };
    }
    if (error instanceof LocalRetry) return { error: { code: error.code, message: error.message, routerStatus: null }, retryable: true };
    logger.error({ err: { type: (error as Error).name, stack: (error as Error).stack } }, 'esc sync delivery failed unexpectedly');
    return { error: { code: 'internal_error', message: 'Unexpected error; see the server log', routerStatus: null }, retryable: true };
  }

  /**
   * Reads the current facts of the claimed persons (one batch, a few queries whatever its size),
   * plans their calls, and marks every record an upsert may create, at once, before any call: a
   * crash or a timeout after the router applied it can then never make us forget it.
   */
  async function prepare(claims: Map<string, repo.Claim>, passSettings: SyncSettings | undefined): Promise<Prepared[]> {
    const personIds = [...claims.keys()];
    let settings: SyncSettings;
    let facts: Map<string, SyncPersonFacts>;
    try {
      settings = settingsOrThrow(passSettings ?? await deps.loadSettings(db));
      facts = await deps.loadFacts(db, personIds);
    } catch (error) {
      const failure = classify(error);
      return personIds.map((personId) => ({ personId, claim: claims.get(personId) as repo.Claim, operations: [], failure }));
    }
    const prepared = personIds.map((personId): Prepared => {
      const claim = claims.get(personId) as repo.Claim;
      const desired = desiredRouterState(facts.get(personId) as SyncPersonFacts, settings);
      const blocking = desired.problems.find((problem) => problem.code !== 'missing_expiry');
      // Without an ESI nothing can be registered; what is at the router stays until the data is fixed.
      if (blocking) return { personId, claim, operations: [], failure: { error: { code: blocking.code, message: blocking.message, routerStatus: null }, retryable: false } };
      const problem = desired.problems[0];
      return {
        personId, claim, operations: planRouterOperations(desired, claim.records),
        ...(problem ? { failure: { error: { code: problem.code, message: problem.message, routerStatus: null }, retryable: false } } : {}),
      };
    });
    await repo.markUncertain(db, prepared.flatMap((p) => uncertainOf(p.operations).map((item) => ({ personId: p.personId, ...item }))));
    return prepared;
  }

  /** Makes a prepared person's calls, under the lease, and settles their entries. */
  async function execute(lease: Lease, prepared: Prepared, router: EscRouterClient): Promise<DeliveryOutcome & { moreDue: boolean }> {
    const { personId, claim } = prepared;
    const applied: string[] = [];
    const changes: Change[] = [];
    let failure: Failure | undefined;
    if (prepared.failure && (prepared.failure.retryable || prepared.operations.length === 0)) {
      // Nothing to call: the facts could not be read (retry), or the person has no ESI (failed).
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
      personId,
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
    return { personId, outcome, operations: applied, ...(failure ? { error: failure.error } : {}), moreDue };
  }

  /**
   * Goes on with one person under `owner`'s lease: claims (or renews) it, delivers, and again
   * while new entries arrived meanwhile. 'busy' when another worker holds the person. `first` is
   * a delivery already made under this lease (a batch's), whose settlement kept the lease.
   */
  async function continuePerson(personId: string, owner: string, router: EscRouterClient, signal: AbortSignal | undefined,
    settings: SyncSettings | undefined, first?: DeliveryOutcome): Promise<DeliveryOutcome> {
    const operations = [...(first?.operations ?? [])];
    let delivered = first !== undefined;
    for (;;) {
      if (signal?.aborted) throw new DeliveryAbortedError();
      const claim = (await repo.claim(db, [personId], owner, options.leaseMs)).get(personId);
      if (!claim) return { personId, outcome: 'busy', operations };
      if (claim.ids.length === 0) {
        await repo.releaseLeases(db, [personId], owner);
        return { personId, outcome: delivered ? 'done' : 'idle', operations };
      }
      const [prepared] = await prepare(new Map([[personId, claim]]), settings);
      const { moreDue, ...outcome } = await execute({ personId, owner, startedAt: performance.now(), signal }, prepared as Prepared, router);
      operations.push(...outcome.operations);
      delivered = true;
      if (outcome.outcome !== 'done' || !moreDue) return { ...outcome, operations };
    }
  }

  /**
   * Delivers everything pending for one person now (a fresh change, or an operator's replay),
   * going on with the same lease while new entries arrive meanwhile. 'busy' when another worker
   * holds the person. An abort leaves the lease to run out, as a killed process would.
   */
  async function deliverPerson(personId: string, signal?: AbortSignal): Promise<DeliveryOutcome> {
    if (!client) return { personId, outcome: 'idle', operations: [] };
    return continuePerson(personId, randomUUID(), client, signal, undefined);
  }

  /** Runs `work` under the person's lease (reconcile); 'busy' when another worker holds it. */
  async function withLease<T>(personId: string, work: (lease: Lease) => Promise<T>): Promise<T | 'busy'> {
    const owner = randomUUID();
    if (!(await repo.claim(db, [personId], owner, options.leaseMs)).has(personId)) return 'busy';
    try {
      return await work({ personId, owner, startedAt: performance.now(), signal: undefined });
    } finally {
      await repo.releaseLeases(db, [personId], owner);
    }
  }

  /** Writes the bookkeeping of one call right away (reconcile, which is not settled as a whole). */
  async function record(personId: string, change: Change): Promise<void> {
    if ('confirm' in change) {
      const { kind, identifier, hash, routerStatus } = change.confirm;
      await repo.markConfirmed(db, personId, kind, identifier, hash, routerStatus);
    } else {
      await repo.deleteRecord(db, personId, change.forget.kind, change.forget.identifier);
    }
  }

  /** One reconcile call with its bookkeeping before and after. */
  async function reconcileCall(personId: string, operation: RouterOperation, router: EscRouterClient): Promise<void> {
    await repo.markUncertain(db, uncertainOf([operation]).map((item) => ({ personId, ...item })));
    await record(personId, await call(operation, router));
  }

  /**
   * Delivers every due entry, oldest first, in batches: a batch of persons is claimed, read and
   * marked in a few statements, then delivered `concurrency` persons at a time, each settled on
   * its own. Stops when none is due, the time budget is spent, the circuit breaker trips (the
   * router looks down: do not hammer it) or `signal` aborts. Safe to run in several processes at
   * once: each person is delivered under a lease.
   */
  async function deliverPending(run: { budgetMs?: number; maxPersons?: number; signal?: AbortSignal } = {}): Promise<DeliveryReport> {
    const report: DeliveryReport = { enabled, persons: 0, done: 0, retry: 0, failed: 0, busy: 0, stoppedEarly: false };
    if (!client) return report;
    const deadline = performance.now() + (run.budgetMs ?? Number.POSITIVE_INFINITY);
    const maxPersons = run.maxPersons ?? Number.POSITIVE_INFINITY;
    const skipped = new Set<string>();
    let consecutiveRetries = 0;
    let stop = false;
    // Read once per pass: the institution's settings do not change between two persons.
    const settings = await deps.loadSettings(db);
    const count = (outcome: DeliveryOutcome): void => {
      report.persons += 1;
      if (outcome.outcome === 'retry') consecutiveRetries += 1;
      else if (outcome.outcome === 'done' || outcome.outcome === 'failed') consecutiveRetries = 0;
      if (outcome.outcome === 'busy' || outcome.outcome === 'lost' || outcome.outcome === 'idle') skipped.add(outcome.personId);
      if (outcome.outcome === 'done') report.done += 1;
      else if (outcome.outcome === 'retry') report.retry += 1;
      else if (outcome.outcome === 'failed') report.failed += 1;
      else if (outcome.outcome === 'busy') report.busy += 1;
    };
    while (!stop) {
      if (run.signal?.aborted) throw new DeliveryAbortedError();
      const due = await repo.findDuePersons(db, Math.min(options.concurrency * 8, Math.max(1, maxPersons - report.persons)), [...skipped]);
      if (due.length === 0) break;
      const owner = randomUUID();
      const claims = await repo.claim(db, due, owner, options.leaseMs);
      const startedAt = performance.now();
      for (const personId of due) if (!claims.has(personId)) count({ personId, outcome: 'busy', operations: [] });
      const idle = [...claims].filter(([, claim]) => claim.ids.length === 0).map(([personId]) => personId);
      await repo.releaseLeases(db, idle, owner);
      for (const personId of idle) claims.delete(personId);
      for (const personId of idle) skipped.add(personId);
      const prepared = claims.size > 0 ? await prepare(claims, settings) : [];
      const unstarted = new Set(prepared.map((p) => p.personId));
      let next = 0;
      const worker = async (): Promise<void> => {
        while (!stop && next < prepared.length) {
          if (run.signal?.aborted) throw new DeliveryAbortedError();
          if (performance.now() > deadline || report.persons >= maxPersons || consecutiveRetries >= options.breakerThreshold) {
            stop = true;
            report.stoppedEarly = true;
            return;
          }
          const person = prepared[next++] as Prepared;
          unstarted.delete(person.personId);
          const lease: Lease = { personId: person.personId, owner, startedAt, signal: run.signal };
          const { moreDue, ...first } = await execute(lease, person, client);
          count(first.outcome === 'done' && moreDue ? await continuePerson(person.personId, owner, client, run.signal, settings, first) : first);
        }
      };
      // Settled, not raced: after an abort, no delivery of this pass is still running when we return.
      const settled = await Promise.allSettled(Array.from({ length: Math.min(options.concurrency, Math.max(1, prepared.length)) }, worker));
      const rejected = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
      // An abort leaves the leases to run out, as a killed process would; a pass that merely
      // stopped early gives back the persons it claimed but did not start.
      if (rejected) throw rejected.reason;
      await repo.releaseLeases(db, [...unstarted], owner);
    }
    if (report.persons > 0) {
      logger.info({ persons: report.persons, done: report.done, retry: report.retry, failed: report.failed, busy: report.busy }, 'esc sync pass');
    }
    return report;
  }

  /** Compares one person at the router with campuscard and fixes every difference, under the lease. */
  async function reconcilePerson(personId: string, router: EscRouterClient, report: ReconcileReport): Promise<void> {
    let outcome: 'busy' | 'done' = 'busy';
    for (let attempt = 0; attempt < 20 && outcome === 'busy'; attempt += 1) {
      if (attempt > 0) await sleep(250);
      outcome = await withLease(personId, async (lease) => {
        const settings = settingsOrThrow(await deps.loadSettings(db));
        const facts = (await deps.loadFacts(db, [personId])).get(personId) as SyncPersonFacts;
        const records: RouterRecord[] = await repo.findRecords(db, personId);
        // Persons who never consented and of whom nothing was sent are not even looked up:
        // a GET would disclose their identifiers to the router.
        if (!facts.escConsent && records.length === 0) {
          report.skipped += 1;
          return 'done' as const;
        }
        const desired = desiredRouterState(facts, settings);
        const blocking = desired.problems.find((problem) => problem.code !== 'missing_expiry');
        if (blocking) throw new LocalFailure(blocking.code, blocking.message);
        report.checked += 1;
        const fixed = await reconcileWith(lease, desired, facts, records, router, report);
        if (fixed) report.fixedPersons += 1;
        else report.inSync += 1;
        return 'done' as const;
      });
    }
    if (outcome === 'busy') throw new LocalFailure('busy', 'Another worker kept this person busy');
  }

  async function reconcileWith(lease: Lease, desired: DesiredRouterState, facts: SyncPersonFacts, records: RouterRecord[],
    router: EscRouterClient, report: ReconcileReport): Promise<boolean> {
    const { personId } = lease;
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
        await reconcileCall(personId, { op: 'deleteCard', escn }, router);
        report.operations.deleteCard += 1;
        fixed = true;
      } else {
        await repo.deleteRecord(db, personId, 'card', escn);
      }
    }
    const person = desired.person;
    if (person) {
      const view = atRouterPersons.get(person.key);
      if (!view || !personMatches(view, person.body)) {
        checkpoint(lease);
        await reconcileCall(personId, { op: 'upsertPerson', key: person.key, hash: person.hash, body: person.body }, router);
        report.operations.upsertPerson += 1;
        fixed = true;
      } else {
        await repo.markConfirmed(db, personId, 'person', person.body.identifier, person.hash, null);
      }
    }
    for (const card of desired.cards) {
      const view = atRouterCards.get(card.key);
      if (!view || !cardMatches(view, card.body)) {
        checkpoint(lease);
        await reconcileCall(personId, { op: 'upsertCard', key: card.key, hash: card.hash, body: card.body }, router);
        report.operations.upsertCard += 1;
        fixed = true;
      } else {
        await repo.markConfirmed(db, personId, 'card', card.key, card.hash, card.body.cardStatusType);
      }
    }
    for (const [key, esi] of personIds) {
      if (key === person?.key) continue;
      if (atRouterPersons.get(key)) {
        checkpoint(lease);
        await reconcileCall(personId, { op: 'deletePerson', esi }, router);
        report.operations.deletePerson += 1;
        fixed = true;
      } else {
        await repo.deleteRecord(db, personId, 'person', esi);
      }
    }
    return fixed;
  }

  /** Every person the reconcile looks at: the candidates, and whoever we sent something about. */
  async function reconcileCandidates(): Promise<string[]> {
    const all = new Set<string>();
    for await (const id of deps.candidates()) all.add(id);
    let after: string | null = null;
    for (;;) {
      const page = await repo.personsWithRecords(db, after, CANDIDATE_PAGE);
      for (const id of page) all.add(id);
      if (page.length < CANDIDATE_PAGE) break;
      after = page[page.length - 1] ?? null;
    }
    return [...all].sort();
  }

  async function personState(personId: string) {
    const [records, rows] = await Promise.all([repo.findRecords(db, personId), repo.findEntriesOfPerson(db, personId, PERSON_ENTRIES)]);
    const failedEntry = rows.find((row) => row.status === 'failed');
    const pendingEntry = rows.find((row) => row.status === 'pending');
    return { records, rows, failedEntry, pendingEntry };
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
     * knows (ENABLED, DISABLED) changes what the router should hold; CADUC and DESTROYED come out
     * of those states, so rights ending and destruction are covered too.
     */
    async onCardMoved(executor: Executor, card: { id: string; personId: string; escn: string | null }, from: string | null, to: string): Promise<void> {
      if (card.escn === null) return;
      const touches = (state: string | null) => state !== null && ROUTER_VISIBLE_STATES.includes(state);
      if (!touches(from) && !touches(to)) return;
      await writeEntry(executor, card.personId, `card_${to.toLowerCase()}`, { cardId: card.id, escn: card.escn });
    },

    /**
     * Listener of person changes (name, e-mail, level, ESI, rights end: the card expiry), one chunk
     * at a time: a single change writes one entry and wakes that person's worker; a bulk change
     * (imports) writes all its entries in one statement and wakes a sweep, instead of one job per
     * person. Newly created persons are skipped: no consent, no card yet.
     */
    async onPeopleChanged(executor: Executor, changes: ReadonlyArray<{ person: { id: string }; changedFields: readonly string[]; created: boolean }>): Promise<void> {
      if (!enabled) return;
      const ids = changes.filter((change) => !change.created && change.changedFields.some((field) => ROUTER_PERSON_FIELDS.includes(field)))
        .map((change) => change.person.id);
      if (ids.length === 0) return;
      if (ids.length === 1) {
        await writeEntry(executor, ids[0] as string, 'person_changed', {});
        return;
      }
      await repo.insertEntriesForPersons(executor, ids, 'person_changed');
      await deps.jobs.send(ESC_QUEUES.sweep, {}, { singletonKey: 'sweep', ...(executor.isTransaction ? { trx: executor as Transaction<Database> } : {}) });
    },

    /** Listener of consent decisions: granting registers the person's cards, withdrawing deletes them. */
    async onConsentChanged(executor: Executor, personId: string, kind: string, granted: boolean): Promise<void> {
      if (kind !== 'esc') return;
      await writeEntry(executor, personId, granted ? 'consent_granted' : 'consent_withdrawn', {});
    },

    /** Queues a sync of these persons (in the caller's transaction when given), e.g. after a bulk fix. */
    async requestSync(executor: Executor, personIds: readonly string[], reason: string): Promise<number> {
      if (!enabled) return 0;
      const count = await repo.insertEntriesForPersons(executor, [...new Set(personIds)], reason);
      await deps.jobs.send(ESC_QUEUES.sweep, {}, { singletonKey: 'sweep', ...(executor.isTransaction ? { trx: executor as Transaction<Database> } : {}) });
      return count;
    },

    deliverPerson,
    deliverPending,

    /** The sweep job: deliver what is due, then forget old done entries. */
    async sweep(budgetMs = 50_000): Promise<DeliveryReport> {
      const report = await deliverPending({ budgetMs });
      if (enabled) await repo.purgeDone(db, options.retentionDays);
      return report;
    },

    /** Pending and failed counts, for the metrics gauge. */
    async backlog(): Promise<Record<string, number>> {
      return repo.countBacklog(db);
    },

    /**
     * Overall counts and the most recent failures, of the persons of `personTypes` only for a
     * manager limited to them (null: everybody), counted and listed by the database.
     */
    async status(personTypes: readonly string[] | null = null): Promise<EscSyncStatusView> {
      const personScope = deps.personIdsInScope(personTypes);
      const counts = await repo.countEntries(db, personScope);
      const failures = await repo.listEntries(db, { status: 'failed', personScope, limit: RECENT_FAILURES });
      return {
        enabled,
        router: !enabled ? null : deps.config.escRouterSimulator ? 'embedded_simulator' : 'external',
        routerUrl: enabled && !deps.config.escRouterSimulator ? deps.config.escRouterUrl ?? null : null,
        counts: { pending: counts.pending, failed: counts.failed, done: counts.done, retrying: counts.retrying },
        oldestPendingAt: iso(counts.oldestPendingAt),
        recentFailures: failures.map(entryView),
      };
    },

    /**
     * A page of entries, newest first, optionally of one status, each with its holder and card.
     * For a manager limited to some person types (`personTypes`), the database keeps only their
     * persons' entries before counting the page: a page is full whenever enough entries exist.
     */
    async entries(filter: { status?: EscOutboxStatus; limit?: number; beforeId?: number; personTypes?: readonly string[] | null }): Promise<EntryPage> {
      const limit = filter.limit ?? 50;
      const rows = await repo.listEntries(db, {
        ...(filter.status ? { status: filter.status } : {}),
        personScope: deps.personIdsInScope(filter.personTypes ?? null),
        ...(filter.beforeId !== undefined ? { beforeId: filter.beforeId } : {}),
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      const holders = await deps.loadHolders([...new Set(page.map((row) => row.personId))]);
      return {
        items: page.map((row) => listedEntryView(row, holders.get(row.personId))),
        nextBeforeId: rows.length > limit ? page.at(-1)?.id ?? null : null,
      };
    },

    /** One entry, or 404 `esc_entry_not_found`. */
    async entry(id: number): Promise<OutboxEntryView> {
      const row = await repo.findEntry(db, id);
      if (!row) throw notFound('esc_entry_not_found', 'No such ESC sync entry');
      return entryView(row);
    },

    /** Where one person stands with the router: what was sent, what is waiting, what failed. */
    async personSync(personId: string): Promise<PersonSyncView> {
      const { records, rows, failedEntry, pendingEntry } = await personState(personId);
      const personRecord = records.find((r) => r.kind === 'person');
      const state: PersonSyncState = !enabled ? 'disabled'
        : failedEntry ? 'failed'
        : pendingEntry ? 'pending'
        : records.length > 0 ? 'in_sync' : 'not_registered';
      const lastErrorRow = failedEntry ?? (pendingEntry?.lastErrorCode ? pendingEntry : undefined);
      return {
        enabled,
        personId,
        state,
        router: {
          person: personRecord ? { esi: personRecord.identifier, confirmed: personRecord.bodyHash !== null, confirmedAt: iso(personRecord.confirmedAt) } : null,
          cards: records.filter((r) => r.kind === 'card').map((r) => ({
            escn: r.identifier, status: r.routerStatus, confirmed: r.bodyHash !== null, confirmedAt: iso(r.confirmedAt),
          })),
        },
        lastError: lastErrorRow ? entryView(lastErrorRow).lastError : null,
        entries: rows.map(entryView),
      };
    },

    /**
     * A card's ESCN, QR content and sync state. `qrPrefix` is the verifier URL prefix; the cards
     * routes may call this for their own views.
     */
    async cardEsc(card: { id: string; personId: string; escn: string | null }, qrPrefix: string): Promise<CardEscView> {
      const qrContent = card.escn ? `${qrPrefix}${card.escn}` : null;
      if (!enabled || card.escn === null) {
        return {
          cardId: card.id, escn: card.escn, qrContent,
          sync: { enabled, state: enabled ? 'not_registered' : 'disabled', routerStatus: null, confirmedAt: null, lastError: null },
        };
      }
      const { records, failedEntry, pendingEntry } = await personState(card.personId);
      const cardRecord = records.find((r) => r.kind === 'card' && r.identifier === card.escn?.toLowerCase());
      const state = failedEntry ? 'failed' : pendingEntry ? 'pending' : cardRecord?.bodyHash ? 'registered' : 'not_registered';
      const lastErrorRow = failedEntry ?? (pendingEntry?.lastErrorCode ? pendingEntry : undefined);
      return {
        cardId: card.id, escn: card.escn, qrContent,
        sync: {
          enabled,
          state,
          routerStatus: cardRecord?.routerStatus ?? null,
          confirmedAt: iso(cardRecord?.confirmedAt ?? null),
          lastError: lastErrorRow ? entryView(lastErrorRow).lastError : null,
        },
      };
    },

    /** Puts a failed (or waiting) entry back in the queue, due now, and wakes a worker. */
    async replay(id: number, context: ActorContext): Promise<OutboxEntryView> {
      if (!enabled) throw conflict('esc_sync_disabled', 'The ESC Router is not configured (ESC_ROUTER_URL)');
      return inTransaction(db, context, async (trx) => {
        const row = await repo.replayEntry(trx, id, context.actor);
        if (!row) {
          const existing = await repo.findEntry(trx, id);
          if (!existing) throw notFound('esc_entry_not_found', 'No such ESC sync entry');
          throw conflict('esc_entry_not_replayable', 'This entry was delivered already; a reconcile compares everything again');
        }
        await kick(trx, row.personId);
        return entryView(row);
      });
    },

    /** Puts every failed entry back in the queue. */
    async replayFailed(context: ActorContext): Promise<{ count: number }> {
      if (!enabled) throw conflict('esc_sync_disabled', 'The ESC Router is not configured (ESC_ROUTER_URL)');
      return inTransaction(db, context, async (trx) => {
        const personIds = await repo.replayFailed(trx, context.actor);
        if (personIds.length > 0) await deps.jobs.send(ESC_QUEUES.sweep, {}, { singletonKey: 'sweep', trx });
        return { count: personIds.length };
      });
    },

    /** Records a reconcile run and queues it; its progress shows in /jobs/:id. */
    async startReconcile(context: ActorContext): Promise<JobRunView> {
      if (!enabled) throw conflict('esc_sync_disabled', 'The ESC Router is not configured (ESC_ROUTER_URL)');
      return inTransaction(db, context, async (trx) => {
        const run = await deps.jobRuns.create(trx, RECONCILE_JOB_KIND, {}, context.actor);
        await deps.jobs.send(ESC_QUEUES.reconcile, { runId: run.id }, { trx });
        return run;
      });
    },

    /**
     * Compares campuscard with the router person by person (GET person and cards) and fixes every
     * difference: missing or outdated records are upserted, records that should not be there are
     * deleted, and `esc_router_records` is rewritten to what the router now holds. Persons without
     * consent of whom nothing was ever sent are skipped without a call. Reports progress.
     */
    async reconcile(reporter: Pick<ProgressReporter, 'start' | 'advance' | 'succeed' | 'fail'>): Promise<ReconcileReport> {
      const report: ReconcileReport = {
        total: 0, checked: 0, skipped: 0, inSync: 0, fixedPersons: 0,
        operations: { upsertPerson: 0, upsertCard: 0, deleteCard: 0, deletePerson: 0 }, failed: 0, errors: [],
      };
      if (!client) {
        await reporter.fail({ code: 'esc_sync_disabled', message: 'The ESC Router is not configured' });
        return report;
      }
      try {
        const candidates = await reconcileCandidates();
        report.total = candidates.length;
        await reporter.start(candidates.length, 'comparing with the ESC Router');
        let next = 0;
        let done = 0;
        const worker = async (): Promise<void> => {
          while (next < candidates.length) {
            const personId = candidates[next++] as string;
            try {
              await reconcilePerson(personId, client, report);
            } catch (error) {
              report.failed += 1;
              const detail = error instanceof EscRouterError ? routerError(error)
                : error instanceof LocalFailure || error instanceof LocalRetry ? { code: error.code, message: error.message }
                : { code: 'internal_error', message: 'Unexpected error; see the server log' };
              if (!(error instanceof EscRouterError || error instanceof LocalFailure || error instanceof LocalRetry)) {
                logger.error({ err: { type: (error as Error).name, stack: (error as Error).stack } }, 'esc reconcile failed unexpectedly');
              }
              if (report.errors.length < 50) report.errors.push({ personId, code: detail.code, message: detail.message });
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
