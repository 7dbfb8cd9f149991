import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/schema.ts';
import { DEFAULT_BACKOFF, retryDelayMs, type BackoffPolicy } from './domain/backoff.ts';
import * as outbox from './sync-outbox.repository.ts';
import { subjectKey, type Claim, type ClaimedEntry, type EntrySettlement, type OutboxError, type Settlement, type Subject } from './sync-outbox.repository.ts';

/**
 * The connector engine: delivers a connector's outbox entries to its remote system, state-based.
 *
 * A worker takes a lease on each subject of a batch (an institution's view of a person), asks the
 * connector what the remote system should hold from campuscard's CURRENT data and what calls take
 * it there from what was sent before (its records), marks every record a call may create before
 * any call (a crash can never make us forget it), makes the calls under the lease, and settles the
 * subject's entries in one statement. Order-safe and idempotent: a duplicate entry or a second
 * delivery makes no call. Retryable failures (the remote system down, a timeout, a setting of ours
 * missing) are retried with exponential backoff and jitter, forever; refusals mark the entries
 * failed with the remote system's code and message until the data changes or an operator replays
 * them. A pass stops early when the remote system looks down (circuit breaker), so an outage costs
 * one failed call per pass, not one per person; each connector has its own passes, so one
 * connector's outage never slows another.
 *
 * What a connector implements is {@link Connector}; everything else (leases, backoff, breaker,
 * settlement, replay, purge, counts) is here and in `sync-outbox.repository.ts`.
 */

/** A failure as the engine handles it: retried later or not, and whether the remote system itself failed (what the breaker counts). */
export interface SyncFailure {
  error: OutboxError;
  retryable: boolean;
  /** The remote system asked to wait this long (Retry-After). */
  retryAfterMs?: number | undefined;
  /** The remote system failed (5xx, timeout, unreachable): counts toward the circuit breaker. */
  remoteDown?: boolean;
}

/** The bookkeeping a successful call leaves: a body the remote system confirmed, or a record it no longer holds. */
export type RecordChange = { confirm: Settlement['confirm'][number] } | { forget: Settlement['forget'][number] };

/** A record a call may create, marked uncertain before the call. */
export interface RecordKey {
  kind: string;
  identifier: string;
}

/** What a connector plans for one subject: the calls to make, and a problem to report after them (or instead, with no calls). */
export interface DeliveryPlan<Operation> {
  operations: Operation[];
  failure?: SyncFailure;
}

/**
 * What a connector implements. `Facts` is what it reads of campuscard for a subject, `Operation`
 * one call to its remote system, `Target` what an institution delivers with (its settings and a
 * client bound to its credentials).
 */
export interface Connector<Facts, Operation, Target> {
  /** Its name in the engine's tables (`esc`, `crous`, …); never changes once entries exist. */
  id: string;
  /**
   * The current facts of a batch of subjects, by {@link subjectKey}; a few queries whatever the
   * batch size. `claims` (by subject key) gives each subject's claimed entries, for a connector
   * that delivers entry by entry.
   */
  loadFacts(subjects: readonly Subject[], claims: ReadonlyMap<string, Claim>): Promise<Map<string, Facts>>;
  /** What an institution delivers with; throws a {@link LocalRetry} when it cannot yet (a setting missing). */
  resolveTarget(institutionId: number): Promise<Target>;
  /**
   * The calls that take the remote system from what `records` say was sent to what `facts` want
   * (pure). `entries`: the claimed entries, oldest first (read only with {@link Connector.entryByEntry}).
   */
  plan(facts: Facts, records: Claim['records'], target: Target, entries: readonly ClaimedEntry[]): DeliveryPlan<Operation>;
  /** The records a call may create (marked uncertain before it). */
  uncertain(operation: Operation): RecordKey[];
  /** Makes one call; what it leaves to remember, if anything (a webhook delivery leaves nothing). */
  apply(operation: Operation, target: Target): Promise<RecordChange | undefined>;
  /** A short name of the call for the entry's result and the logs (no personal data). */
  describe(operation: Operation): string;
  /** The connector's own errors (its client's) as failures; undefined for errors it does not know. */
  classify(error: unknown): SyncFailure | undefined;
  /**
   * Set for a connector whose entries are deliveries of their own (an event to a receiver), not
   * nudges to bring a subject up to date: a claim takes the subject's oldest `batch` entries,
   * each operation delivers one entry (`entryOf`), in order, and each entry is settled on its own
   * (done, failed with its error); a retryable failure stops the subject there, and it and every
   * later entry wait for the backoff, so none overtakes another.
   */
  entryByEntry?: { batch: number; entryOf(operation: Operation): number };
}

/** Tunables of delivery; defaults suit production, tests shorten them. */
export interface SyncEngineOptions {
  /** Deadline of one remote call. */
  timeoutMs: number;
  /** How long a worker owns a subject; no call starts unless it can finish inside the lease. */
  leaseMs: number;
  /**
   * Subjects delivered in parallel by one `deliverPending` (their calls overlap); a pass claims
   * and reads eight times as many at once, in a few statements.
   */
  concurrency: number;
  backoff: BackoffPolicy;
  /** Consecutive failures of the remote system after which a pass stops early: it is down, do not hammer it. */
  breakerThreshold: number;
  /** Days done entries are kept. */
  retentionDays: number;
  random: () => number;
}

/** Production defaults. */
export const DEFAULT_SYNC_OPTIONS: SyncEngineOptions = {
  timeoutMs: 15_000,
  leaseMs: 5 * 60_000,
  concurrency: 8,
  backoff: DEFAULT_BACKOFF,
  breakerThreshold: 5,
  retentionDays: 30,
  random: Math.random,
};

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
  /** The pass stopped early: too many consecutive failures of the remote system, the budget, or an abort. */
  stoppedEarly: boolean;
}

/** Thrown between two calls when the caller aborted: like a killed process, it leaves everything as is. */
export class DeliveryAbortedError extends Error {
  constructor() {
    super('Delivery aborted');
    this.name = 'DeliveryAbortedError';
  }
}

/** A condition of campuscard's own (not the remote system's) that a later attempt may clear: a setting, a key. */
export class LocalRetry extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'LocalRetry';
  }
}

class LeaseRunningOutError extends Error {}

/** A subject under a worker's lease. */
export interface Lease {
  subject: Subject;
  owner: string;
  startedAt: number;
  signal: AbortSignal | undefined;
}

/** Per pass: what each institution resolved to, read once (settings do not change between two persons). */
export type TargetCache<Target> = Map<number, Promise<Target | LocalRetry>>;

/** `moreDue`: the settlement kept the lease because more entries are due: the worker goes on with them. */
type Executed = DeliveryOutcome & { moreDue: boolean; remoteDown: boolean };

/** A claimed subject, ready to be delivered: the calls to make, or why none can be made. */
interface Prepared<Operation, Target> {
  subject: Subject;
  claim: Claim;
  operations: Operation[];
  target: Target | undefined;
  /** Reported after the calls, or instead of them. */
  failure?: SyncFailure;
}

/**
 * Group commit of settlements: the first waits for no one and is written alone; those that come
 * while a statement runs are written together by the next, so a busy pass writes a few statements
 * a second whatever its rate, and a quiet one loses no time. A subject is written at most once per
 * statement (it is under one lease: its next settlement can only follow the outcome of this one).
 */
export function createSettlementBatcher(writeMany: (settlements: Settlement[]) => Promise<Array<{ held: boolean; moreDue: boolean }>>) {
  type Waiting = { settlement: Settlement; resolve: (outcome: { held: boolean; moreDue: boolean }) => void; reject: (error: unknown) => void };
  let queue: Waiting[] = [];
  let writing = false;
  const flush = async (): Promise<void> => {
    writing = true;
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      try {
        const outcomes = await writeMany(batch.map((waiting) => waiting.settlement));
        batch.forEach((waiting, n) => waiting.resolve(outcomes[n] as { held: boolean; moreDue: boolean }));
      } catch (error) {
        for (const waiting of batch) waiting.reject(error);
      }
    }
    writing = false;
  };
  return (settlement: Settlement): Promise<{ held: boolean; moreDue: boolean }> => new Promise((resolve, reject) => {
    queue.push({ settlement, resolve, reject });
    if (!writing) void flush();
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The delivery engine of one connector. `enabled` false makes every delivery a no-op (the
 * connector is not configured on this deployment).
 */
export function createSyncEngine<Facts, Operation, Target>(deps: {
  db: Kysely<Database>;
  logger: Logger;
  connector: Connector<Facts, Operation, Target>;
  enabled: boolean;
  /**
   * The institutions where an operator paused the connector: none of their entries is claimed,
   * so they wait (and accumulate) untouched, and drain with the next pass after the resume.
   */
  pausedInstitutions?: () => Promise<readonly number[]>;
}, options: SyncEngineOptions) {
  const { db, logger, connector, enabled } = deps;
  const paused = deps.pausedInstitutions ?? (async () => []);
  const id = connector.id;
  const claimOptions = connector.entryByEntry ? { entryLimit: connector.entryByEntry.batch } : {};

  function targetOf(cache: TargetCache<Target>, institutionId: number): Promise<Target | LocalRetry> {
    let found = cache.get(institutionId);
    if (!found) {
      found = connector.resolveTarget(institutionId).catch((error: unknown) => {
        if (error instanceof LocalRetry) return error;
        throw error;
      });
      cache.set(institutionId, found);
    }
    return found;
  }

  async function targetOrThrow(cache: TargetCache<Target>, institutionId: number): Promise<Target> {
    const found = await targetOf(cache, institutionId);
    if (found instanceof LocalRetry) throw found;
    return found;
  }

  /** Stops before a call that could outlive the lease, or when the caller aborted. */
  function checkpoint(lease: Lease): void {
    if (lease.signal?.aborted) throw new DeliveryAbortedError();
    const margin = Math.min(1000, options.leaseMs / 10);
    if (performance.now() - lease.startedAt + options.timeoutMs + margin > options.leaseMs) throw new LeaseRunningOutError();
  }

  function classify(error: unknown): SyncFailure {
    const known = connector.classify(error);
    if (known) return known;
    if (error instanceof LeaseRunningOutError) {
      return { error: { code: 'lease_expiring', message: 'The delivery took too long and will continue later', remoteStatus: null }, retryable: true };
    }
    if (error instanceof LocalRetry) return { error: { code: error.code, message: error.message, remoteStatus: null }, retryable: true };
    logger.error({ connector: id, err: { type: (error as Error).name, stack: (error as Error).stack } }, 'connector delivery failed unexpectedly');
    return { error: { code: 'internal_error', message: 'Unexpected error; see the server log', remoteStatus: null }, retryable: true };
  }

  /**
   * Reads the current facts of the claimed subjects (one batch, a few queries whatever its size),
   * plans their calls, and marks every record a call may create, at once, before any call.
   */
  async function prepare(claims: ReadonlyArray<{ subject: Subject; claim: Claim }>, cache: TargetCache<Target>): Promise<Array<Prepared<Operation, Target>>> {
    let facts: Map<string, Facts>;
    try {
      facts = await connector.loadFacts(claims.map((c) => c.subject), new Map(claims.map((c) => [subjectKey(c.subject), c.claim])));
    } catch (error) {
      const failure = classify(error);
      return claims.map(({ subject, claim }) => ({ subject, claim, operations: [], target: undefined, failure }));
    }
    const prepared = await Promise.all(claims.map(async ({ subject, claim }): Promise<Prepared<Operation, Target>> => {
      let target: Target;
      try {
        target = await targetOrThrow(cache, subject.institutionId);
      } catch (error) {
        return { subject, claim, operations: [], target: undefined, failure: classify(error) };
      }
      const plan = connector.plan(facts.get(subjectKey(subject)) as Facts, claim.records, target, claim.entries);
      return { subject, claim, operations: plan.operations, target, ...(plan.failure ? { failure: plan.failure } : {}) };
    }));
    await outbox.markUncertain(db, id, prepared.flatMap((p) => p.operations.flatMap((operation) => connector.uncertain(operation)).map((item) => ({ ...p.subject, ...item }))));
    return prepared;
  }

  /** Makes a prepared subject's calls, under the lease, and settles its entries. */
  async function execute(lease: Lease, prepared: Prepared<Operation, Target>): Promise<Executed> {
    return (await deliver(lease, prepared))();
  }

  /**
   * Makes a prepared subject's calls, under the lease, and returns the settlement of its entries,
   * to be written next (the lease is held until then, so nobody else delivers the subject between)
   * with `write`: on its own by default, or with others' ({@link createSettlementBatcher}).
   */
  async function deliver(lease: Lease, prepared: Prepared<Operation, Target>,
    write: (settlement: Settlement) => Promise<{ held: boolean; moreDue: boolean }> = (settlement) => outbox.settle(db, settlement)): Promise<() => Promise<Executed>> {
    if (connector.entryByEntry) return deliverEntries(lease, prepared, connector.entryByEntry.entryOf);
    const { subject, claim, target } = prepared;
    const applied: string[] = [];
    const changes: RecordChange[] = [];
    let failure: SyncFailure | undefined;
    if (target === undefined || (prepared.failure && (prepared.failure.retryable || prepared.operations.length === 0))) {
      // Nothing to call: the facts or the institution could not be read (retry), or the data cannot be sent (failed).
      failure = prepared.failure;
    } else {
      try {
        for (const operation of prepared.operations) {
          checkpoint(lease);
          const change = await connector.apply(operation, target);
          if (change) changes.push(change);
          applied.push(connector.describe(operation));
        }
        failure = prepared.failure;
      } catch (error) {
        if (error instanceof DeliveryAbortedError) throw error;
        failure = classify(error);
      }
    }
    const settlement: Settlement = {
      ...subject,
      connector: id,
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
    return async () => {
      const { held, moreDue } = await write(settlement);
      const outcome: DeliveryOutcome['outcome'] = !held ? 'lost' : settlement.status === 'done' ? 'done' : settlement.status === 'pending' ? 'retry' : 'failed';
      return {
        personId: subject.personId, institutionId: subject.institutionId, outcome, operations: applied,
        ...(failure ? { error: failure.error } : {}), moreDue: moreDue && held && settlement.status === 'done', remoteDown: failure?.remoteDown === true,
      };
    };
  }

  /**
   * Delivers a prepared subject entry by entry ({@link Connector.entryByEntry}), in order, under
   * the lease: each entry settles on its own, a refusal fails that entry only, and a retryable
   * failure stops the subject there (it and the later entries wait for the backoff).
   */
  async function deliverEntries(lease: Lease, prepared: Prepared<Operation, Target>, entryOf: (operation: Operation) => number): Promise<() => Promise<Executed>> {
    const { subject, claim, target } = prepared;
    const settlement: EntrySettlement = { ...subject, connector: id, owner: lease.owner, done: [], failed: [] };
    const done: Array<{ id: number; result: Record<string, unknown> }> = [];
    const failed: Array<{ id: number; error: OutboxError; result: Record<string, unknown> }> = [];
    const applied: string[] = [];
    let retry: SyncFailure | undefined;
    let retryId: number | undefined;
    const first = claim.entries[0]?.id;
    if (target === undefined || prepared.failure?.retryable) {
      // Nothing can be sent yet (the facts or the institution could not be read): the oldest entry waits, and the rest behind it.
      retry = prepared.failure;
      retryId = first;
    } else if (prepared.failure) {
      for (const entry of claim.entries) failed.push({ id: entry.id, error: prepared.failure.error, result: { operations: [] } });
    } else {
      const planned = new Set<number>();
      for (const operation of prepared.operations) {
        const entryId = entryOf(operation);
        planned.add(entryId);
        try {
          checkpoint(lease);
          await connector.apply(operation, target);
          done.push({ id: entryId, result: { operations: [connector.describe(operation)] } });
          applied.push(connector.describe(operation));
        } catch (error) {
          if (error instanceof DeliveryAbortedError) throw error;
          const failure = classify(error);
          if (failure.retryable) {
            retry = failure;
            retryId = entryId;
            break;
          }
          failed.push({ id: entryId, error: failure.error, result: { operations: [] } });
        }
      }
      // An entry the connector planned no call for has nothing left to send.
      if (retry === undefined) {
        for (const entry of claim.entries) if (!planned.has(entry.id)) done.push({ id: entry.id, result: { operations: [] } });
      }
    }
    settlement.done = done;
    settlement.failed = failed;
    if (retry && retryId !== undefined) {
      const delayMs = retry.error.code === 'lease_expiring' ? 0 : retryDelayMs(claim.attempts + 1, options.random(), options.backoff, retry.retryAfterMs);
      settlement.retry = { id: retryId, error: retry.error, delayMs };
    }
    return async () => {
      const { held, moreDue } = await outbox.settleEntries(db, settlement);
      const outcome: DeliveryOutcome['outcome'] = !held ? 'lost' : retry ? 'retry' : failed.length > 0 ? 'failed' : 'done';
      const error = retry?.error ?? failed[0]?.error;
      return {
        personId: subject.personId, institutionId: subject.institutionId, outcome, operations: applied,
        ...(error ? { error } : {}), moreDue: moreDue && held && retry === undefined, remoteDown: retry?.remoteDown === true,
      };
    };
  }

  /**
   * Goes on with one subject under `owner`'s lease: claims (or renews) it, delivers, and again
   * while new entries arrived meanwhile. 'busy' when another worker holds the subject. `first` is
   * a delivery already made under this lease (a batch's), whose settlement kept the lease.
   */
  async function continueSubject(subject: Subject, owner: string, signal: AbortSignal | undefined, cache: TargetCache<Target>,
    first?: Executed): Promise<Executed> {
    const operations = [...(first?.operations ?? [])];
    let delivered = first !== undefined;
    const base = { personId: subject.personId, institutionId: subject.institutionId, moreDue: false, remoteDown: false };
    for (;;) {
      if (signal?.aborted) throw new DeliveryAbortedError();
      const claim = (await outbox.claim(db, id, [subject], owner, options.leaseMs, claimOptions)).get(subjectKey(subject));
      if (!claim) return { ...base, outcome: 'busy', operations };
      if (claim.ids.length === 0) {
        await outbox.releaseLeases(db, id, [subject], owner);
        return { ...base, outcome: delivered ? 'done' : 'idle', operations };
      }
      const [prepared] = await prepare([{ subject, claim }], cache);
      const outcome = await execute({ subject, owner, startedAt: performance.now(), signal }, prepared as Prepared<Operation, Target>);
      operations.push(...outcome.operations);
      delivered = true;
      if (!outcome.moreDue) return { ...outcome, operations };
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
    const stopped = new Set(await paused());
    const institutions = (await outbox.pendingInstitutionsOf(db, id, personId)).filter((institutionId) => !stopped.has(institutionId));
    const cache: TargetCache<Target> = new Map();
    const outcomes: DeliveryOutcome[] = [];
    for (const institutionId of institutions) {
      const { moreDue: _more, remoteDown: _down, ...outcome } = await continueSubject({ institutionId, personId }, randomUUID(), signal, cache);
      outcomes.push(outcome);
    }
    if (outcomes.length === 1) return outcomes[0] as DeliveryOutcome;
    const rank: Array<DeliveryOutcome['outcome']> = ['busy', 'lost', 'failed', 'retry', 'done', 'idle'];
    const worst = outcomes.reduce<DeliveryOutcome['outcome']>((acc, o) => (rank.indexOf(o.outcome) < rank.indexOf(acc) ? o.outcome : acc), 'idle');
    const error = outcomes.find((o) => o.outcome === worst && o.error)?.error;
    return { personId, outcome: worst, operations: outcomes.flatMap((o) => o.operations), ...(error ? { error } : {}) };
  }

  /**
   * Delivers every due entry, oldest first, in batches: a batch of subjects is claimed, read and
   * marked in a few statements, then delivered `concurrency` subjects at a time, each settled on
   * its own. The next batch is claimed and read while the last subjects of the current one are
   * delivered, so the call slots never wait for the database between batches. Stops when none is
   * due, the time budget is spent, the circuit breaker trips (the remote system looks down: do not
   * hammer it; an institution waiting for a setting does not count) or `signal` aborts. Safe to
   * run in several processes at once: each subject is delivered under a lease.
   */
  async function deliverPending(run: { budgetMs?: number; maxPersons?: number; signal?: AbortSignal } = {}): Promise<DeliveryReport> {
    const report: DeliveryReport = { enabled, persons: 0, done: 0, retry: 0, failed: 0, busy: 0, stoppedEarly: false };
    if (!enabled) return report;
    const deadline = performance.now() + (run.budgetMs ?? Number.POSITIVE_INFINITY);
    const maxPersons = run.maxPersons ?? Number.POSITIVE_INFINITY;
    const skipped = new Map<string, Subject>();
    let consecutiveRetries = 0;
    let stop = false;
    const cache: TargetCache<Target> = new Map();
    const stopped = await paused();
    const count = (outcome: Executed): void => {
      report.persons += 1;
      if (outcome.outcome === 'retry' && outcome.remoteDown) consecutiveRetries += 1;
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
    // Claimed and read subjects no worker started yet, oldest batch first, each under its batch's lease.
    const queue: Array<{ item: Prepared<Operation, Target>; lease: Lease }> = [];
    // Workers making their subject's calls (they are in `settling` once the calls are made).
    let calling = 0;
    let fetching: Promise<void> | undefined;
    // The last claim found nothing due. `recheck`: it did while subjects were still being
    // delivered, whose leases, once released, may leave newer entries due: one more claim then.
    let drained = false;
    let recheck = false;
    let failure: { reason: unknown } | undefined;
    // Settlements not yet written. A worker does not wait for its subject's: it starts the next
    // subject's calls meanwhile (the lease, held until the settlement, keeps everyone else off
    // the subject, so a person's calls stay one at a time and in order), and the settlements
    // that gather meanwhile are written together (createSettlementBatcher): the database's
    // round trips and statements no longer idle a call slot. At most `concurrency` wait: a slow
    // database slows delivery down instead of piling settlements up.
    const settling = new Set<Promise<void>>();
    // Subjects whose settlement kept the lease because newer entries are due: a worker goes on with them.
    const continuing: Array<{ outcome: Executed; owner: string }> = [];
    // Resolved, then replaced, at each settlement written and each batch claimed: what a waiting
    // worker awaits (one reaction per waiting worker, where racing the set would add one per
    // settlement pending).
    let wake = (): void => undefined;
    let changed = new Promise<void>((resolve) => {
      wake = resolve;
    });
    const notify = (): void => {
      const waiting = wake;
      changed = new Promise<void>((resolve) => {
        wake = resolve;
      });
      waiting();
    };
    const batcher = createSettlementBatcher((settlements) => outbox.settleMany(db, id, settlements));
    const settleLater = (finish: () => Promise<Executed>, owner: string): void => {
      const settlement: Promise<void> = finish().then((outcome) => {
        if (outcome.moreDue) continuing.push({ outcome, owner });
        else count(outcome);
      }, (error: unknown) => {
        failure ??= { reason: error };
        stop = true;
      }).finally(() => {
        settling.delete(settlement);
        notify();
      });
      settling.add(settlement);
    };
    /** Claims the next batch of due subjects (no more than `maxPersons` leaves room for) and reads them into the queue. */
    const claimBatch = async (): Promise<void> => {
      const room = maxPersons - report.persons - queue.length - calling - settling.size - continuing.length;
      if (room <= 0) {
        // As many persons as asked are under way: the pass stops early when more are due.
        drained = true;
        recheck = false;
        if ((await outbox.findDueSubjects(db, id, 1, [...skipped.values()], stopped)).length > 0) report.stoppedEarly = true;
        return;
      }
      const due = await outbox.findDueSubjects(db, id, Math.min(options.concurrency * 8, room), [...skipped.values()], stopped);
      if (due.length === 0) {
        drained = true;
        recheck = calling > 0 || settling.size > 0 || continuing.length > 0 || queue.length > 0;
        return;
      }
      const owner = randomUUID();
      const claims = await outbox.claim(db, id, due, owner, options.leaseMs, claimOptions);
      const startedAt = performance.now();
      for (const subject of due) {
        if (!claims.has(subjectKey(subject))) count({ ...subject, outcome: 'busy', operations: [], moreDue: false, remoteDown: false });
      }
      const claimed = due.flatMap((subject) => {
        const claim = claims.get(subjectKey(subject));
        return claim ? [{ subject, claim }] : [];
      });
      const idle = claimed.filter(({ claim }) => claim.ids.length === 0).map(({ subject }) => subject);
      await outbox.releaseLeases(db, id, idle, owner);
      for (const subject of idle) skipped.set(subjectKey(subject), subject);
      const busy = claimed.filter(({ claim }) => claim.ids.length > 0);
      for (const item of busy.length > 0 ? await prepare(busy, cache) : []) {
        queue.push({ item, lease: { subject: item.subject, owner, startedAt, signal: run.signal } });
      }
    };
    const startClaim = (): void => {
      fetching = claimBatch().catch((error: unknown) => {
        failure ??= { reason: error };
        stop = true;
      }).finally(() => {
        fetching = undefined;
        notify();
      });
    };
    const work = async (): Promise<void> => {
      for (;;) {
        if (run.signal?.aborted) throw new DeliveryAbortedError();
        const more = continuing.shift();
        if (more) {
          const subject = { institutionId: more.outcome.institutionId as number, personId: more.outcome.personId };
          calling += 1;
          try {
            count(await continueSubject(subject, more.owner, run.signal, cache, more.outcome));
          } finally {
            calling -= 1;
            notify();
          }
          continue;
        }
        if (!stop && queue.length > 0 && (performance.now() > deadline || report.persons >= maxPersons || consecutiveRetries >= options.breakerThreshold)) {
          stop = true;
          report.stoppedEarly = true;
          notify();
          continue;
        }
        // The next batch is claimed while about two rounds of calls are left of this one.
        if (!stop && !fetching && queue.length <= options.concurrency * 2 && (!drained || (recheck && calling === 0 && settling.size === 0))) {
          drained = false;
          startClaim();
        }
        if (stop || queue.length === 0 || settling.size >= options.concurrency) {
          if (!fetching && calling === 0 && settling.size === 0 && continuing.length === 0 && (stop || (drained && !recheck))) return;
          await changed;
          continue;
        }
        const { item, lease } = queue.shift() as { item: Prepared<Operation, Target>; lease: Lease };
        calling += 1;
        let finish: () => Promise<Executed>;
        try {
          finish = await deliver(lease, item, batcher);
        } finally {
          calling -= 1;
          notify();
        }
        settleLater(finish, lease.owner);
      }
    };
    // A worker that fails stops the pass: the others finish what they started and claim no more.
    const worker = (): Promise<void> => work().catch((error: unknown) => {
      stop = true;
      notify();
      throw error;
    });
    // Settled, not raced: after an abort, no delivery of this pass is still running when we return.
    const settled = await Promise.allSettled(Array.from({ length: options.concurrency }, worker));
    await fetching;
    await Promise.allSettled([...settling]);
    const rejected = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    // An abort leaves the leases to run out, as a killed process would; a pass that merely
    // stopped early gives back the subjects it claimed but did not start.
    if (rejected) throw rejected.reason;
    if (failure) throw failure.reason;
    const unstarted = new Map<string, Subject[]>();
    for (const { lease } of queue) unstarted.set(lease.owner, [...(unstarted.get(lease.owner) ?? []), lease.subject]);
    for (const [owner, subjects] of unstarted) await outbox.releaseLeases(db, id, subjects, owner);
    if (report.persons > 0) {
      logger.info({ connector: id, persons: report.persons, done: report.done, retry: report.retry, failed: report.failed, busy: report.busy }, 'connector sync pass');
    }
    return report;
  }

  /** Runs `work` under the subject's lease (reconcile); 'busy' when another worker holds it. */
  async function withLease<T>(subject: Subject, work: (lease: Lease) => Promise<T>): Promise<T | 'busy'> {
    const owner = randomUUID();
    if (!(await outbox.claim(db, id, [subject], owner, options.leaseMs, claimOptions)).has(subjectKey(subject))) return 'busy';
    try {
      return await work({ subject, owner, startedAt: performance.now(), signal: undefined });
    } finally {
      await outbox.releaseLeases(db, id, [subject], owner);
    }
  }

  /**
   * Runs `work` under the subject's lease, waiting up to five seconds for another worker to
   * release it; 'busy' when it does not.
   */
  async function withLeaseWaiting<T>(subject: Subject, work: (lease: Lease) => Promise<T>): Promise<T | 'busy'> {
    let outcome: T | 'busy' = 'busy';
    for (let attempt = 0; attempt < 20 && outcome === 'busy'; attempt += 1) {
      if (attempt > 0) await sleep(250);
      outcome = await withLease(subject, work);
    }
    return outcome;
  }

  /** Writes the bookkeeping of one call right away (reconcile, which is not settled as a whole). */
  async function record(subject: Subject, change: RecordChange): Promise<void> {
    if ('confirm' in change) {
      const { kind, identifier, hash, remoteStatus } = change.confirm;
      await outbox.markConfirmed(db, id, subject, kind, identifier, hash, remoteStatus);
    } else {
      await outbox.deleteRecord(db, id, subject, change.forget.kind, change.forget.identifier);
    }
  }

  /** One call outside a delivery (reconcile), under the lease, with its bookkeeping before and after. */
  async function applyNow(lease: Lease, operation: Operation, target: Target): Promise<void> {
    checkpoint(lease);
    await outbox.markUncertain(db, id, connector.uncertain(operation).map((item) => ({ ...lease.subject, ...item })));
    const change = await connector.apply(operation, target);
    if (change) await record(lease.subject, change);
  }

  return {
    /** Whether the connector delivers on this deployment. */
    enabled,
    deliverPerson,
    deliverPending,
    withLeaseWaiting,
    checkpoint,
    applyNow,
    /** What an institution delivers with, read once per `cache` (one pass); a {@link LocalRetry} thrown when it cannot yet. */
    targetOrThrow,
    /** Forgets done entries older than the retention. */
    async purge(): Promise<number> {
      return enabled ? outbox.purgeDone(db, id, options.retentionDays) : 0;
    },
  };
}

/** The engine of one connector. */
export type SyncEngine<Facts, Operation, Target> = ReturnType<typeof createSyncEngine<Facts, Operation, Target>>;
