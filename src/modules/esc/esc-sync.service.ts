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
  cardMatches, desiredRouterState, personMatches, planRouterOperations, ROUTER_PERSON_FIELDS,
  ROUTER_VISIBLE_STATES, type DesiredRouterState, type RouterOperation, type RouterRecord, type SyncPersonFacts,
  type SyncSettings,
} from './domain/esc-sync-rules.ts';
import { createEscApiKeyCipher, keyHint } from './esc-api-key.cipher.ts';
import * as repo from './esc-sync.repository.ts';
import * as outbox from '../../platform/sync/sync-outbox.repository.ts';
import { subjectKey, type OutboxError, type OutboxRow, type RecordRow, type Subject } from '../../platform/sync/sync-outbox.repository.ts';
import type { SyncOutboxStatus as EscOutboxStatus } from '../../platform/sync/sync.tables.ts';
import { createWrittenSubjects } from '../../platform/sync/written-subjects.ts';
import {
  createSyncEngine, DEFAULT_SYNC_OPTIONS, LocalRetry, type Connector, type DeliveryReport, type Lease, type RecordChange, type RecordKey,
  type SyncEngineOptions, type TargetCache,
} from '../../platform/sync/sync-engine.ts';

/** pg-boss queues of the ESC sync (declared in job-definitions). */
export const ESC_QUEUES = {
  /** One job per person with a fresh change (singleton per person while queued). */
  sync: 'esc-sync',
  /** Every minute, and after bulk changes: deliver everything due (retries included). */
  sweep: 'esc-sync-sweep',
  /** Operator-started comparison of campuscard with the router. */
  reconcile: 'esc-reconcile',
} as const;

/** The ESC Router's name in the connector engine's tables. */
export const ESC_CONNECTOR = 'esc';

/** Kind of the job_runs record of a reconcile run. */
export const RECONCILE_JOB_KIND = 'esc-reconcile';

/** Tunables of delivery (the connector engine's). */
export type EscSyncOptions = SyncEngineOptions;

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
  /** The institutions where an operator paused the ESC connector (their entries wait). */
  pausedInstitutions?: () => Promise<readonly number[]>;
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

/**
 * Why a card is not registered at the ESC Router, when campuscard knows: the card has no ESCN;
 * its institution has no PIC or no key; the holder is not enrolled there any more or gave no ESC
 * consent (nothing of theirs is sent); the card is not in a state the router shows (only ENABLED
 * and DISABLED are); the institution deletes suspended cards; data is missing (ESI, expiry).
 */
export type EscNotRegisteredReason =
  | 'no_escn' | 'institution_no_pic' | 'institution_no_key' | 'not_enrolled' | 'no_consent' | 'card_state'
  | 'disabled_deleted' | 'missing_esi' | 'invalid_esi' | 'missing_expiry';

/** A card's ESC data, for the card pages. */
export interface CardEscView {
  cardId: string;
  escn: string | null;
  /** What the card's QR code says (verifier prefix + ESCN). */
  qrContent: string | null;
  sync: {
    enabled: boolean;
    state: 'disabled' | 'registered' | 'pending' | 'failed' | 'not_registered';
    /** With `not_registered`: why, when known; else null. */
    reason: EscNotRegisteredReason | null;
    routerStatus: string | null;
    confirmedAt: string | null;
    lastError: OutboxEntryView['lastError'];
  };
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
    operation: 'sync_person',
    reason: row.reason,
    target: row.target,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? iso(row.nextAttemptAt) : null,
    lastError: row.lastErrorCode === null ? null : { code: row.lastErrorCode, message: row.lastErrorMessage ?? '', routerStatus: row.remoteStatus },
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
  return { code, message: (error.routerMessage ?? error.message).slice(0, 1000), remoteStatus: error.status ?? null };
}

function describe(operation: RouterOperation): string {
  switch (operation.op) {
    case 'upsertPerson': return 'upsertPerson';
    case 'deletePerson': return 'deletePerson';
    case 'upsertCard': return `upsertCard:${operation.key}:${operation.body.cardStatusType}`;
    case 'deleteCard': return `deleteCard:${operation.escn}`;
  }
}

/** An institution ready to sync: its settings and the client bound to its key. */
interface SyncInstitution {
  settings: SyncSettings;
  router: EscRouterClient;
}


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
  const options: EscSyncOptions = { ...DEFAULT_SYNC_OPTIONS, ...overrides };
  const enabled = Boolean(config.escRouterUrl && config.escRouterApiKey);
  const cipher = config.escKeyEncryptionKey ? createEscApiKeyCipher(config.escKeyEncryptionKey) : undefined;
  const clients = new Map<string, EscRouterClient>();
  const createClient = deps.createClient
    ?? ((apiKey: string) => createEscRouterClient({ baseUrl: config.escRouterUrl as string, apiKey, timeoutMs: options.timeoutMs }));
  // Subjects written per transaction (see createWrittenSubjects).
  const written = createWrittenSubjects();

  function clientFor(apiKey: string): EscRouterClient {
    let client = clients.get(apiKey);
    if (!client) {
      client = createClient(apiKey);
      clients.set(apiKey, client);
    }
    return client;
  }

  /** Entries about this person for every institution concerned, and a worker woken once the transaction commits. */
  async function writePersonEntries(executor: Executor, personId: string, reason: string): Promise<void> {
    if (!enabled) return;
    const seen = written(executor);
    if (seen?.everyInstitution.has(personId)) return;
    const subjects = await outbox.insertEntriesForPersons(executor, ESC_CONNECTOR, [personId], reason, seen?.subjects ?? []);
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

  /** Reads what an institution syncs with: its PIC, settings and key; a LocalRetry thrown when it cannot yet. */
  async function resolveInstitution(institutionId: number): Promise<SyncInstitution> {
    const [row] = await repo.findSyncInstitutions(db, [institutionId]);
    if (!row || row.kind !== 'institution' || row.pic === null) {
      throw new LocalRetry('institution_not_configured', `The institution${row ? ` ${row.code}` : ''} (PIC) is not configured yet`);
    }
    const own = ownKey(row);
    if (own instanceof LocalRetry) throw own;
    const apiKey = deps.embeddedRouter ? deps.embeddedRouter.keyFor(row.pic, own) : own ?? config.escRouterApiKey;
    if (apiKey === undefined) throw new LocalRetry('esc_api_key_missing', `The institution ${row.code} has no ESC Router API key`);
    const settings = await deps.settingsOf(db, institutionId);
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

  /**
   * Why a delivery leaves a card out of the router, with the delivery's own rules
   * (desiredRouterState): what the card page says under « non enregistrée ». Null when nothing
   * explains it (a delivery not made yet, a card the router deleted).
   */
  async function notRegisteredReason(cardId: string, personId: string, institutionId: number): Promise<EscNotRegisteredReason | null> {
    const [row] = await repo.findSyncInstitutions(db, [institutionId]);
    if (!row || row.pic === null) return 'institution_no_pic';
    if (!deps.embeddedRouter && row.escApiKeyEncrypted === null && config.escRouterApiKey === undefined) return 'institution_no_key';
    const subject = { institutionId, personId };
    const facts = (await loadFacts([subject])).get(subjectKey(subject));
    if (!facts?.exists) return 'not_enrolled';
    if (!facts.escConsent) return 'no_consent';
    const factsOfCard = facts.cards.find((c) => c.cardId === cardId);
    if (!factsOfCard || !ROUTER_VISIBLE_STATES.includes(factsOfCard.state)) return 'card_state';
    const settings = await deps.settingsOf(db, institutionId);
    if (factsOfCard.state === 'DISABLED' && settings.escDeleteDisabledCards) return 'disabled_deleted';
    const desired = desiredRouterState(facts, {
      pic: row.pic, deleteDisabledCards: settings.escDeleteDisabledCards,
      cardType: config.escCardType as EscCardType, virtualCardType: config.escVirtualCardType as EscCardType,
    });
    const problem = desired.problems.find((p) => p.cardId === undefined || p.cardId === cardId);
    return problem && (['missing_esi', 'invalid_esi', 'missing_expiry'] as const).find((code) => code === problem.code) || null;
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

  /** Makes one router call. Upserts must have been marked uncertain before (see markUncertain). */
  async function call(operation: RouterOperation, router: EscRouterClient): Promise<RecordChange> {
    switch (operation.op) {
      case 'upsertPerson':
        await router.upsertPerson(operation.body);
        return { confirm: { kind: 'person', identifier: operation.body.identifier, hash: operation.hash, remoteStatus: null } };
      case 'upsertCard':
        await router.upsertCard(operation.body);
        return { confirm: { kind: 'card', identifier: operation.key, hash: operation.hash, remoteStatus: operation.body.cardStatusType } };
      case 'deleteCard':
        await router.deleteCard(operation.escn);
        return { forget: { kind: 'card', identifier: operation.escn } };
      case 'deletePerson':
        await router.deletePerson(operation.esi);
        return { forget: { kind: 'person', identifier: operation.esi } };
    }
  }

  function uncertainOf(operation: RouterOperation): RecordKey[] {
    return operation.op === 'upsertPerson' ? [{ kind: 'person', identifier: operation.body.identifier }]
      : operation.op === 'upsertCard' ? [{ kind: 'card', identifier: operation.key }] : [];
  }

  /** The ESC Router as a connector of the engine. */
  const connector: Connector<SyncPersonFacts, RouterOperation, SyncInstitution> = {
    id: ESC_CONNECTOR,
    loadFacts,
    resolveTarget: resolveInstitution,
    plan(facts, records, institution) {
      const desired = desiredRouterState(facts, institution.settings);
      const blocking = desired.problems.find((problem) => problem.code !== 'missing_expiry');
      // Without an ESI nothing can be registered; what is at the router stays until the data is fixed.
      if (blocking) return { operations: [], failure: { error: { code: blocking.code, message: blocking.message, remoteStatus: null }, retryable: false } };
      const problem = desired.problems[0];
      return {
        operations: planRouterOperations(desired, routerRecords(records)),
        // A card without expiry is reported after the calls that could be made.
        ...(problem ? { failure: { error: { code: problem.code, message: problem.message, remoteStatus: null }, retryable: false } } : {}),
      };
    },
    uncertain: uncertainOf,
    apply: (operation, institution) => call(operation, institution.router),
    describe,
    classify(error) {
      if (!(error instanceof EscRouterError)) return undefined;
      return { error: routerError(error), retryable: error.kind === 'retryable', retryAfterMs: error.retryAfterMs, remoteDown: error.kind === 'retryable' };
    },
  };
  const engine = createSyncEngine({
    db, logger, connector, enabled, ...(deps.pausedInstitutions ? { pausedInstitutions: deps.pausedInstitutions } : {}),
  }, options);
  const { deliverPerson, deliverPending } = engine;

  /** Compares one subject at the router with campuscard and fixes every difference, under the lease. */
  async function reconcileSubject(subject: Subject, report: ReconcileReport, cache: TargetCache<SyncInstitution>): Promise<void> {
    const outcome = await engine.withLeaseWaiting(subject, async (lease) => {
      const facts = (await loadFacts([subject])).get(subjectKey(subject)) as SyncPersonFacts;
      const records = routerRecords(await outbox.findRecordsOfPerson(db, ESC_CONNECTOR, subject.personId, WHOLE_DEPLOYMENT, subject.institutionId));
      // Persons who never consented and of whom nothing was sent are not even looked up:
      // a GET would disclose their identifiers to the router.
      if (!facts.escConsent && records.length === 0) {
        report.skipped += 1;
        return 'done' as const;
      }
      const institution = await engine.targetOrThrow(cache, subject.institutionId);
      const desired = desiredRouterState(facts, institution.settings);
      const blocking = desired.problems.find((problem) => problem.code !== 'missing_expiry');
      if (blocking) throw new LocalFailure(blocking.code, blocking.message);
      report.checked += 1;
      const fixed = await reconcileWith(lease, desired, facts, records, institution, report);
      if (fixed) report.fixedPersons += 1;
      else report.inSync += 1;
      return 'done' as const;
    });
    if (outcome === 'busy') throw new LocalFailure('busy', 'Another worker kept this person busy');
  }

  async function reconcileWith(lease: Lease, desired: DesiredRouterState, facts: SyncPersonFacts, records: RouterRecord[],
    institution: SyncInstitution, report: ReconcileReport): Promise<boolean> {
    const { subject } = lease;
    const { router } = institution;
    const checkpoint = engine.checkpoint;
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
        await engine.applyNow(lease, { op: 'deleteCard', escn }, institution);
        report.operations.deleteCard += 1;
        fixed = true;
      } else {
        await outbox.deleteRecord(db, ESC_CONNECTOR, subject, 'card', escn);
      }
    }
    const person = desired.person;
    if (person) {
      const view = atRouterPersons.get(person.key);
      if (!view || !personMatches(view, person.body)) {
        await engine.applyNow(lease, { op: 'upsertPerson', key: person.key, hash: person.hash, body: person.body }, institution);
        report.operations.upsertPerson += 1;
        fixed = true;
      } else {
        await outbox.markConfirmed(db, ESC_CONNECTOR, subject, 'person', person.body.identifier, person.hash, null);
      }
    }
    for (const card of desired.cards) {
      const view = atRouterCards.get(card.key);
      if (!view || !cardMatches(view, card.body)) {
        await engine.applyNow(lease, { op: 'upsertCard', key: card.key, hash: card.hash, body: card.body }, institution);
        report.operations.upsertCard += 1;
        fixed = true;
      } else {
        await outbox.markConfirmed(db, ESC_CONNECTOR, subject, 'card', card.key, card.hash, card.body.cardStatusType);
      }
    }
    for (const [key, esi] of personIds) {
      if (key === person?.key) continue;
      if (atRouterPersons.get(key)) {
        await engine.applyNow(lease, { op: 'deletePerson', esi }, institution);
        report.operations.deletePerson += 1;
        fixed = true;
      } else {
        await outbox.deleteRecord(db, ESC_CONNECTOR, subject, 'person', esi);
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
        escn: r.identifier, status: r.remoteStatus, confirmed: r.bodyHash !== null, confirmedAt: iso(r.confirmedAt),
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

    /**
     * Which of these institutions the sync runs for: a router is configured (ESC_ROUTER_URL and a
     * key, or the embedded one), and the institution has its PIC and a key (its own, the
     * deployment's, or the embedded router's). What the « Connecteurs » page shows as its state.
     */
    async configuredInstitutions(executor: Executor, institutionIds: readonly number[]): Promise<ReadonlySet<number>> {
      if (!enabled) return new Set();
      const rows = await repo.findSyncInstitutions(executor, institutionIds);
      return new Set(rows.filter((row) => row.kind === 'institution' && row.pic !== null
        && (deps.embeddedRouter !== undefined || row.escApiKeyEncrypted !== null || config.escRouterApiKey !== undefined)).map((row) => row.id));
    },

    /** A copy of this service with other tunables (tests, CLI): same database and dependencies. */
    withOptions(more: Partial<EscSyncOptions>) {
      return createEscSyncService(deps, { ...options, ...more });
    },

    /**
     * Listener of card moves (in the moving transaction; a bulk move tells all its moves at once):
     * a move into or out of a state the router knows (ENABLED, DISABLED) changes what the card's
     * issuing institution should have at the router; CADUC and DESTROYED come out of those states,
     * so rights ending and destruction are covered too. One statement for all the entries; one
     * person's worker is woken, or the sweep when several persons have entries (as for imports).
     */
    async onCardsMoved(executor: Executor, moves: ReadonlyArray<{ card: { id: string; personId: string; escn: string | null }; from: string | null; to: string }>): Promise<void> {
      if (!enabled) return;
      const touches = (state: string | null) => state !== null && ROUTER_VISIBLE_STATES.includes(state);
      const entries = moves.filter(({ card, from, to }) => card.escn !== null && (touches(from) || touches(to)))
        .map(({ card, to }) => ({ cardId: card.id, reason: `card_${to.toLowerCase()}`, target: { cardId: card.id, escn: card.escn as string } }));
      if (entries.length === 0) return;
      const seen = written(executor);
      const subjects = await outbox.insertEntriesForCards(executor, ESC_CONNECTOR, entries, seen?.subjects ?? []);
      seen?.subjects.push(...subjects);
      const persons = [...new Set(subjects.map((subject) => subject.personId))];
      if (persons.length === 1) await kick(executor, persons[0] as string);
      else if (persons.length > 1) await sweepSoon(executor);
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
      const subjects = await outbox.insertEntriesForPersons(executor, ESC_CONNECTOR, ids, 'person_changed');
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
      const subjects = await outbox.insertEntriesForPersons(executor, ESC_CONNECTOR, [...new Set(personIds)], reason);
      await sweepSoon(executor);
      return subjects.length;
    },

    deliverPerson,

    /** Delivers what is due; `report.persons` counts institution × person deliveries. */
    deliverPending,

    /** The sweep job: deliver what is due, then forget old done entries. */
    async sweep(budgetMs = 50_000): Promise<DeliveryReport> {
      const report = await deliverPending({ budgetMs });
      await engine.purge();
      return report;
    },

    /** Pending and failed counts of the whole deployment, for the metrics gauge. */
    async backlog(): Promise<Record<string, number>> {
      return outbox.countBacklog(db, ESC_CONNECTOR);
    },

    /** Overall counts and the most recent failures within `scope`, counted and listed by the database. */
    async status(scope: AccessScope = WHOLE_DEPLOYMENT): Promise<EscSyncStatusView> {
      const counts = await outbox.countEntries(db, ESC_CONNECTOR, scope);
      const failures = await outbox.listEntries(db, ESC_CONNECTOR, { status: 'failed', scope, limit: RECENT_FAILURES });
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
      const rows = await outbox.listEntries(db, ESC_CONNECTOR, {
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
      const row = await outbox.findEntry(db, ESC_CONNECTOR, id, scope);
      if (!row) throw notFound('esc_entry_not_found', 'No such ESC sync entry');
      return entryView(row);
    },

    /** Whether a caller of `scope` may look at this person's sync (else the routes answer 404). */
    async personVisible(personId: string, scope: AccessScope): Promise<boolean> {
      return outbox.personVisible(db, ESC_CONNECTOR, personId, scope);
    },

    /** Where one person stands with the router at each institution of `scope`: what was sent, what is waiting, what failed. */
    async personSync(personId: string, scope: AccessScope = WHOLE_DEPLOYMENT): Promise<PersonSyncView> {
      const [records, rows] = await Promise.all([
        outbox.findRecordsOfPerson(db, ESC_CONNECTOR, personId, scope),
        outbox.findEntriesOfPerson(db, ESC_CONNECTOR, personId, PERSON_ENTRIES, scope),
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
          sync: {
            enabled, state: enabled ? 'not_registered' : 'disabled', reason: enabled && card.escn === null ? 'no_escn' : null,
            routerStatus: null, confirmedAt: null, lastError: null,
          },
        };
      }
      const [records, rows] = await Promise.all([
        outbox.findRecordsOfPerson(db, ESC_CONNECTOR, card.personId, WHOLE_DEPLOYMENT, institutionId),
        outbox.findEntriesOfPerson(db, ESC_CONNECTOR, card.personId, PERSON_ENTRIES, WHOLE_DEPLOYMENT, institutionId),
      ]);
      const cardRecord = records.find((r) => r.kind === 'card' && r.identifier === card.escn?.toLowerCase());
      const { lastError } = stateOf(records, rows);
      const state = rows.some((row) => row.status === 'failed') ? 'failed'
        : rows.some((row) => row.status === 'pending') ? 'pending'
        : cardRecord?.bodyHash ? 'registered' : 'not_registered';
      const reason = state === 'not_registered' ? await notRegisteredReason(card.id, card.personId, institutionId) : null;
      return {
        cardId: card.id, escn: card.escn, qrContent,
        sync: { enabled, state, reason, routerStatus: cardRecord?.remoteStatus ?? null, confirmedAt: iso(cardRecord?.confirmedAt ?? null), lastError },
      };
    },

    /** Puts a failed (or waiting) entry of `scope` back in the queue, due now, and wakes a worker; 404 outside the scope. */
    async replay(id: number, context: ActorContext, scope: AccessScope = WHOLE_DEPLOYMENT): Promise<OutboxEntryView> {
      if (!enabled) throw conflict('esc_sync_disabled', 'The ESC Router is not configured (ESC_ROUTER_URL)');
      return inTransaction(db, context, async (trx) => {
        const row = await outbox.replayEntry(trx, ESC_CONNECTOR, id, context.actor, scope);
        if (!row) {
          const existing = await outbox.findEntry(trx, ESC_CONNECTOR, id, scope);
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
        const count = await outbox.replayFailed(trx, ESC_CONNECTOR, context.actor, scope);
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
        const candidates = await outbox.reconcileSubjects(db, ESC_CONNECTOR, { institutionIds, personTypes: null });
        const cache: TargetCache<SyncInstitution> = new Map();
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
        // What waited for the key is due now.
        await outbox.makeDueNow(trx, ESC_CONNECTOR, institutionId);
        return apiKeyStatusOf(trx, institutionId);
      });
    },
  };
}

/** The records of the router's two kinds (the only ones this connector writes). */
function routerRecords(records: ReadonlyArray<{ kind: string; identifier: string; bodyHash: string | null }>): RouterRecord[] {
  return records.flatMap((record) => (record.kind === 'person' || record.kind === 'card' ? [{ ...record, kind: record.kind }] : []));
}

/** A condition of campuscard's data that needs a fix before the person can be synced. */
class LocalFailure extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

export type EscSyncService = ReturnType<typeof createEscSyncService>;
