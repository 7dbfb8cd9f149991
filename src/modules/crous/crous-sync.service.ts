import type { Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import { createCrousClient, isCrousApiError, type CrousClient, type CrousClientOptions } from '../../adapters/crous/crous.client.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { Database } from '../../platform/db/schema.ts';
import { WHOLE_DEPLOYMENT } from '../../platform/db/scope-filter.ts';
import type { JobQueue } from '../../platform/jobs/job-queue.ts';
import type { ConnectorSettingsService } from '../../platform/connectors/connector-settings.service.ts';
import * as outbox from '../../platform/sync/sync-outbox.repository.ts';
import { subjectKey, type OutboxError, type Subject } from '../../platform/sync/sync-outbox.repository.ts';
import { createWrittenSubjects } from '../../platform/sync/written-subjects.ts';
import {
  createSyncEngine, DEFAULT_SYNC_OPTIONS, LocalRetry, type Connector, type DeliveryReport, type RecordChange, type RecordKey,
  type SyncEngineOptions, type SyncFailure,
} from '../../platform/sync/sync-engine.ts';
import type { DisableReason } from '../cards/domain/card-state.ts';
import { planAccountWrite } from './domain/crous-account.ts';
import {
  CROUS_RECORD_KINDS, planCrousSync, type CrousOperation, type CrousPlanSettings, type CrousSubjectFacts,
} from './domain/crous-sync-rules.ts';
import {
  CROUS_CONNECTOR_ID, crousConnection, isCrousConnectionProblem, type CrousSettings, type EmbeddedCrousEndpoint,
} from './crous-connector-settings.ts';
import type { PreEncodedCard } from './crous-card-file-import.service.ts';
import * as repo from './crous-sync.repository.ts';

/** pg-boss queues of the CROUS sync (declared in job-definitions). */
export const CROUS_QUEUES = {
  /** One job per person with a fresh change (singleton per person while queued). */
  sync: 'crous-sync',
  /** Every minute, and after bulk changes: deliver everything due (retries included). */
  sweep: 'crous-sync-sweep',
} as const;

/** Person fields the CROUS account is made of (a change writes an entry). */
export const CROUS_PERSON_FIELDS: readonly string[] = ['eppn', 'firstName', 'lastName', 'birthDate', 'email', 'ine', 'personType', 'rightsEnd'];

/** Card states whose moves in or out change what the CROUS should hold. */
const CROUS_CARD_STATES: readonly string[] = ['ENABLED', 'DISABLED', 'DESTROYED'];

/** How long a locked (423) account waits before the next attempt: the CROUS unlocks it on its own schedule. */
const LOCKED_RETRY_MS = 60 * 60_000;

/** Tunables of delivery (the connector engine's). */
export type CrousSyncOptions = SyncEngineOptions;

/** What an institution delivers with: its settings as the plan needs them, and a client bound to its credentials. */
export interface CrousTarget {
  settings: CrousPlanSettings;
  client: CrousClient;
}

/** What the CROUS sync needs from the other contexts; wired in the composition root. */
export interface CrousSyncDeps {
  db: Kysely<Database>;
  logger: Logger;
  jobs: Pick<JobQueue, 'send'>;
  connectors: Pick<ConnectorSettingsService, 'effective' | 'pausedInstitutions' | 'configuredInstitutions'>;
  /** An institution's UAI (the default rneOrgCode). */
  institutionUai(executor: Executor, institutionId: number): Promise<string | null>;
  /** A person's tariff at an institution (the tariff service). */
  tariffFor(executor: Executor, institutionId: number, person: { personType?: string; index?: number | null }): Promise<{ idCompanyRate: number; idRate: number }>;
  /** The CROUS's card for a pre-encoded chip (the card file import). */
  preEncodedCardFor(executor: Executor, institutionId: number, csn: string): Promise<PreEncodedCard | undefined>;
  embedded?: EmbeddedCrousEndpoint;
  clientFactory?: (options: CrousClientOptions) => CrousClient;
  now?: () => Date;
}

/** A refusal of campuscard's own: the data cannot be sent as it is (never retried until it changes). */
export class CrousSyncRefusal extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'CrousSyncRefusal';
  }
}

/** The entry's error for a CROUS refusal: a stable code, and the meaning (French / English) with the CROUS's own message. */
export function crousOutboxError(error: { status: number | undefined; code: string | undefined; failure: string; crousMessage: string | undefined; message: string;
  meaning: { fr: string; en: string } | undefined }): OutboxError {
  const code = error.status === undefined ? `crous_${error.failure}`
    : error.status === 406 ? 'crous_priority_elsewhere'
    : error.status === 423 ? 'crous_account_locked'
    : error.status === 422 && error.code ? `crous_refused_${error.code}`
    : `crous_http_${error.status}`;
  const own = error.crousMessage ?? error.message;
  const message = error.meaning ? `${error.meaning.fr} / ${error.meaning.en} (CROUS : ${own})` : own;
  return { code, message: message.slice(0, 1000), remoteStatus: error.status ?? null };
}

function describe(operation: CrousOperation): string {
  switch (operation.op) {
    case 'ensureAccount': return 'ensureAccount';
    case 'activateCard': return `activateCard:${operation.idZdc}`;
    case 'cancelCard': return `cancelCard:${operation.idZdc}:${operation.reason}`;
    case 'forgetAccount': return 'accountRenamed';
    case 'reportDeferred': return 'accountPriorityChecked';
  }
}

/**
 * The CROUS/Izly connector on the connector engine (issue 11, the API way; the files way is
 * crous-files.service.ts): each institution brings its view of a person — the account
 * (RightHolder: identity, tariff, due date) and the cards it issued (SmartCard) — to the CROUS
 * with its own settings and credentials.
 *
 * Writing: the change listeners append entries in the transaction of the change (card moves in
 * or out of ENABLED / DISABLED / DESTROYED, changes of the person fields the account uses, the
 * CROUS consent), only for institutions whose CROUS connector is set up for the API; a worker
 * is woken per person once the change commits (pg-boss `crous-sync`, singleton per person), and
 * the sweep (`crous-sync-sweep`, every minute) delivers retries and bulk changes.
 *
 * Delivering: state-based (see domain/crous-sync-rules.ts). Records `account` (identifier) and
 * `card` (idZdc) hold the hash of what the CROUS confirmed, so a delivery without change makes no
 * call. The account write reads the CROUS first (GET, then POST / PUT per planAccountWrite), as
 * do the card calls: every operation is idempotent. A paused or disabled connector makes the
 * institution's entries wait (`connector_paused`); the CROUS down makes them retry with backoff.
 */
export function createCrousSyncService(deps: CrousSyncDeps, overrides: Partial<CrousSyncOptions> = {}) {
  const { db, logger } = deps;
  const options: CrousSyncOptions = { ...DEFAULT_SYNC_OPTIONS, ...overrides };
  const now = deps.now ?? (() => new Date());
  const clientFactory = deps.clientFactory ?? createCrousClient;
  // One client per institution and options: its token and kept-alive connections are reused.
  const clients = new Map<number, { key: string; client: CrousClient }>();
  const written = createWrittenSubjects();

  function clientFor(institutionId: number, clientOptions: CrousClientOptions): CrousClient {
    const key = JSON.stringify(clientOptions);
    const found = clients.get(institutionId);
    if (found && found.key === key) return found.client;
    found?.client.close();
    const client = clientFactory({ ...clientOptions, timeoutMs: options.timeoutMs, ...(deps.now ? { now: deps.now } : {}) });
    clients.set(institutionId, { key, client });
    return client;
  }

  /**
   * The institutions where the CROUS connector is set up for the API (a settings row whose mode is
   * `api`, the schema's default), enabled or not, paused or not: entries are written for them only
   * (a paused or disabled one keeps them until it resumes).
   */
  async function apiInstitutions(executor: Executor): Promise<number[]> {
    return (await deps.connectors.configuredInstitutions(executor, CROUS_CONNECTOR_ID))
      .filter((row) => (row.settings.mode ?? 'api') === 'api').map((row) => row.institutionId);
  }

  /** Wakes a worker for this person once the transaction commits (deduplicated while queued). */
  async function kick(executor: Executor, personId: string): Promise<void> {
    await deps.jobs.send(CROUS_QUEUES.sync, { personId }, {
      singletonKey: personId,
      ...(executor.isTransaction ? { trx: executor as Transaction<Database> } : {}),
    });
  }

  async function sweepSoon(executor: Executor): Promise<void> {
    await deps.jobs.send(CROUS_QUEUES.sweep, {}, { singletonKey: 'sweep', ...(executor.isTransaction ? { trx: executor as Transaction<Database> } : {}) });
  }

  /** Entries about these persons at every CROUS institution concerned; one worker woken, or a sweep for a bulk change. */
  async function writePersonEntries(executor: Executor, personIds: readonly string[], reason: string): Promise<void> {
    const seen = written(executor);
    const fresh = personIds.filter((id) => !seen?.everyInstitution.has(id));
    if (fresh.length === 0) return;
    const subjects = await outbox.insertEntriesForPersons(executor, CROUS_CONNECTOR_ID, fresh, reason, seen?.subjects ?? [], await apiInstitutions(executor));
    seen?.subjects.push(...subjects);
    for (const id of fresh) seen?.everyInstitution.add(id);
    if (subjects.length === 0) return;
    if (fresh.length === 1) await kick(executor, fresh[0] as string);
    else await sweepSoon(executor);
  }

  /** What an institution sends with; a LocalRetry thrown while it is paused, disabled or not set up. */
  async function resolveTarget(institutionId: number): Promise<CrousTarget> {
    const effective = await deps.connectors.effective(db, CROUS_CONNECTOR_ID, institutionId);
    if (effective && (effective.paused || !effective.enabled)) {
      throw new LocalRetry('connector_paused', `The CROUS connector is ${effective.paused ? 'paused' : 'disabled'} for this institution: entries wait`);
    }
    const connection = crousConnection(effective, await deps.institutionUai(db, institutionId), deps.embedded);
    if (isCrousConnectionProblem(connection)) throw new LocalRetry(connection.code, connection.message);
    const settings: CrousSettings = connection.settings;
    return {
      settings: {
        identifier: settings.identifier, idZdcOffset: settings.idZdcOffset, rne: connection.rne, timeZone: settings.timeZone,
        autoConsentPersonTypes: settings.autoConsentPersonTypes,
      },
      client: clientFor(institutionId, connection.client),
    };
  }

  /** The current facts of these subjects, by key: a few queries, plus the tariff and pre-encoded card lookups per subject and card. */
  async function loadFacts(subjects: readonly Subject[]): Promise<Map<string, CrousSubjectFacts>> {
    const [persons, cards] = await Promise.all([repo.findSubjectPersons(db, subjects), repo.findSubjectCards(db, subjects)]);
    const today = now().toISOString().slice(0, 10);
    const facts = new Map<string, CrousSubjectFacts>();
    for (const subject of subjects) {
      // A person that is gone: nothing to send, and nothing at the CROUS can be taken back (no CSN any more).
      facts.set(subjectKey(subject), {
        personId: subject.personId, enrolled: false, eppn: '', firstName: '', lastName: '', email: null, birthDate: null, ine: null,
        personType: null, rightsEnd: null, consent: false, tariff: { idCompanyRate: 0, idRate: 0 }, cards: [], today,
      });
    }
    // One tariff per institution and person type: the salary index of staff is not held by
    // campuscard yet, so their rule is the one without index bounds, else the default.
    const tariffs = new Map<string, Promise<{ idCompanyRate: number; idRate: number }>>();
    const tariffOf = (institutionId: number, personType: string) => {
      const key = `${institutionId}:${personType}`;
      let found = tariffs.get(key);
      if (!found) {
        found = deps.tariffFor(db, institutionId, { personType, index: null });
        tariffs.set(key, found);
      }
      return found;
    };
    for (const person of persons) {
      const tariff = person.personType === null ? { idCompanyRate: 0, idRate: 0 } : await tariffOf(person.institutionId, person.personType);
      facts.set(subjectKey(person), {
        personId: person.personId, enrolled: person.enrolled, eppn: person.eppn, firstName: person.firstName, lastName: person.lastName,
        email: person.email, birthDate: person.birthDate, ine: person.ine, personType: person.personType, rightsEnd: person.rightsEnd,
        consent: person.consent, tariff: { idCompanyRate: tariff.idCompanyRate, idRate: tariff.idRate }, cards: [], today,
      });
    }
    for (const card of cards) {
      const subject = facts.get(subjectKey(card));
      if (!subject || card.csn === null) continue;
      const preEncoded = await deps.preEncodedCardFor(db, card.institutionId, card.csn);
      subject.cards.push({
        cardId: card.id, state: card.state, csn: card.csn.toUpperCase(), disableReason: card.disableReason as DisableReason | null,
        sequence: card.sequence, firstEnabledAt: card.firstEnabledAt,
        preEncoded: preEncoded ? {
          idTransmitter: preEncoded.idTransmitter, idMapping: preEncoded.idMapping, idZdc: preEncoded.idZdc, zdcCreationDate: preEncoded.zdcCreationDate,
          pixSs: preEncoded.pixSs, pixNn: preEncoded.pixNn, appl: preEncoded.appl, rid: preEncoded.rid,
        } : null,
      });
    }
    return facts;
  }

  /** Makes one operation: each reads the CROUS first and writes only what is still needed (idempotent). */
  async function apply(operation: CrousOperation, target: CrousTarget): Promise<RecordChange> {
    const { client } = target;
    switch (operation.op) {
      case 'ensureAccount': {
        let heldUnder = operation.identifier;
        let current = await client.getRightHolder(operation.identifier);
        if (current === undefined && operation.previousIdentifier !== null) {
          current = await client.getRightHolder(operation.previousIdentifier);
          heldUnder = operation.previousIdentifier;
        }
        const plan = planAccountWrite(operation.wanted, current, now());
        const confirm = (remoteStatus: string | null, hash = operation.hash): RecordChange => ({
          confirm: { kind: CROUS_RECORD_KINDS.account, identifier: operation.identifier, hash, remoteStatus },
        });
        if (plan.action === 'none') {
          if (current === undefined) throw new CrousSyncRefusal('crous_due_date_passed', 'The rights end has passed: the CROUS account is not created');
          return confirm(current.accountStatus ?? null);
        }
        if (plan.action === 'create') {
          await client.createRightHolder(plan.body);
          return confirm('NON_CONFIRME');
        }
        try {
          if (plan.reopenFirst) await client.reopenClosedRightHolder(heldUnder);
          if (plan.changeIdentifier) await client.changeIdentifier(plan.changeIdentifier);
          await client.updateRightHolder(operation.identifier, plan.body);
        } catch (error) {
          // Another institution has priority: the account stays as it is, the cards are still
          // added, and the refusal is reported after them (the entries fail: not retried by
          // themselves). The record exists but holds no body of ours, so the next change or an
          // operator's replay tries the account again.
          if (isCrousApiError(error) && error.status === 406) {
            operation.context.deferred = error;
            return confirm('priority_elsewhere', 'refused:406');
          }
          throw error;
        }
        return confirm(current?.accountStatus ?? null);
      }
      case 'activateCard': {
        const state = await client.getSmartCard(operation.identifier, operation.idZdc);
        if (state === undefined) await client.addSmartCard(operation.identifier, operation.card);
        else if (state.cancelDate !== null) await client.revalidateSmartCard(operation.identifier, operation.idZdc, { uid: operation.card.uid });
        return { confirm: { kind: CROUS_RECORD_KINDS.card, identifier: String(operation.idZdc), hash: operation.hash, remoteStatus: 'active' } };
      }
      case 'cancelCard': {
        const state = await client.getSmartCard(operation.identifier, operation.idZdc);
        // Never added (an uncertain record): nothing to cancel, nothing held.
        if (state === undefined) return { forget: { kind: CROUS_RECORD_KINDS.card, identifier: String(operation.idZdc) } };
        // Already cancelled (for another reason, say REPLACED before LOST): a second cancel would be refused (−9).
        if (state.cancelDate === null) {
          await client.cancelSmartCard(operation.identifier, operation.idZdc, { uid: operation.uid, reason: operation.reason });
        }
        return { confirm: { kind: CROUS_RECORD_KINDS.card, identifier: String(operation.idZdc), hash: operation.hash, remoteStatus: operation.reason } };
      }
      case 'forgetAccount':
        return { forget: { kind: CROUS_RECORD_KINDS.account, identifier: operation.identifier } };
      case 'reportDeferred':
        if (operation.context.deferred !== undefined) throw operation.context.deferred;
        // Nothing to report: a bookkeeping no-op (no record has this kind).
        return { forget: { kind: 'none', identifier: '' } };
    }
  }

  function uncertain(operation: CrousOperation): RecordKey[] {
    switch (operation.op) {
      case 'ensureAccount': return [{ kind: CROUS_RECORD_KINDS.account, identifier: operation.identifier }];
      case 'activateCard':
      case 'cancelCard': return [{ kind: CROUS_RECORD_KINDS.card, identifier: String(operation.idZdc) }];
      case 'forgetAccount':
      case 'reportDeferred': return [];
    }
  }

  /**
   * Failures: the CROUS down (5xx, timeouts, connection) retried with backoff and counted by the
   * breaker; 423 (account locked) retried slowly (the CROUS unlocks on its own schedule, nothing
   * of ours changes), shown with its meaning; 406 and every other refusal (422 codes, 404 of a
   * closed account) failed with the meaning in French and English until the data changes or an
   * operator replays.
   */
  function classify(error: unknown): SyncFailure | undefined {
    if (error instanceof CrousSyncRefusal) return { error: { code: error.code, message: error.message, remoteStatus: null }, retryable: false };
    if (!isCrousApiError(error)) return undefined;
    const outboxError = crousOutboxError(error);
    if (error.status === 423) return { error: outboxError, retryable: true, retryAfterMs: LOCKED_RETRY_MS, remoteDown: false };
    if (error.kind === 'retryable') return { error: outboxError, retryable: true, remoteDown: true };
    return { error: outboxError, retryable: false };
  }

  /** The CROUS as a connector of the engine. */
  const connector: Connector<CrousSubjectFacts, CrousOperation, CrousTarget> = {
    id: CROUS_CONNECTOR_ID,
    loadFacts,
    resolveTarget,
    plan: (facts, records, target) => planCrousSync(facts, records, target.settings),
    uncertain,
    apply,
    describe,
    classify,
  };
  const engine = createSyncEngine({
    db, logger, connector, enabled: true,
    // A paused institution's entries are not even claimed: they wait untouched and drain after the resume.
    pausedInstitutions: () => deps.connectors.pausedInstitutions(db, CROUS_CONNECTOR_ID),
  }, options);

  return {
    /** Always true: whether an institution sends is its connector settings' decision. */
    enabled: true,

    /** A copy of this service with other tunables (tests): same database and dependencies. */
    withOptions(more: Partial<CrousSyncOptions>) {
      return createCrousSyncService(deps, { ...options, ...more });
    },

    /**
     * Listener of card moves (in the moving transaction; a bulk move tells all its moves at once):
     * a move into or out of ENABLED, DISABLED or DESTROYED of an encoded card changes what its
     * issuing institution should have at the CROUS (ENABLED → CADUC writes an entry too; its
     * delivery makes no call: rights ending shortens nothing). One statement for all the entries;
     * one person's worker is woken, or the sweep when several persons have entries.
     */
    async onCardsMoved(executor: Executor, moves: ReadonlyArray<{ card: { id: string; personId: string; institutionId: number; csn: unknown }; from: string | null; to: string }>): Promise<void> {
      const touches = (state: string | null) => state !== null && CROUS_CARD_STATES.includes(state);
      const candidates = moves.filter(({ card, from, to }) => card.csn !== null && (touches(from) || touches(to)));
      if (candidates.length === 0) return;
      const institutions = await apiInstitutions(executor);
      const entries = candidates.filter(({ card }) => institutions.includes(card.institutionId))
        .map(({ card, to }) => ({ cardId: card.id, reason: `card_${to.toLowerCase()}`, target: { cardId: card.id } }));
      if (entries.length === 0) return;
      const seen = written(executor);
      const subjects = await outbox.insertEntriesForCards(executor, CROUS_CONNECTOR_ID, entries, seen?.subjects ?? []);
      seen?.subjects.push(...subjects);
      const persons = [...new Set(subjects.map((subject) => subject.personId))];
      if (persons.length === 1) await kick(executor, persons[0] as string);
      else if (persons.length > 1) await sweepSoon(executor);
    },

    /** Listener of person changes: a change of a field the account uses (rights end included) writes entries; new persons are skipped (no card yet). */
    async onPeopleChanged(executor: Executor, changes: ReadonlyArray<{ person: { id: string }; changedFields: readonly string[]; created: boolean }>): Promise<void> {
      const ids = changes.filter((change) => !change.created && change.changedFields.some((field) => CROUS_PERSON_FIELDS.includes(field)))
        .map((change) => change.person.id);
      await writePersonEntries(executor, ids, 'person_changed');
    },

    /**
     * Listener of consent decisions (kind `crous`): granting sends the person's account and
     * cards; withdrawing stops every new write, but cards already at the CROUS are still
     * cancelled when disabled (see domain/crous-sync-rules.ts).
     */
    async onConsentChanged(executor: Executor, personId: string, kind: string, granted: boolean): Promise<void> {
      if (kind !== 'crous') return;
      await writePersonEntries(executor, [personId], granted ? 'consent_granted' : 'consent_withdrawn');
    },

    /** Delivers everything pending for one person now (the `crous-sync` job). */
    deliverPerson: engine.deliverPerson,

    /** Delivers what is due; `report.persons` counts institution × person deliveries. */
    deliverPending: engine.deliverPending,

    /** The sweep job: deliver what is due, then forget old done entries. */
    async sweep(budgetMs = 50_000): Promise<DeliveryReport> {
      const report = await engine.deliverPending({ budgetMs });
      await engine.purge();
      return report;
    },

    /**
     * The current facts of subjects, as a delivery reads them (the live reads of the CROUS and
     * the reconcile start from the same facts as the deliveries).
     */
    loadFacts,

    /** What an institution sends with (settings and its client); a LocalRetry when it cannot (paused, not set up). */
    resolveTarget,

    /** Runs work under a subject's lease (the reconcile), waiting a little for a delivery under way; 'busy' when it does not end. */
    withLeaseWaiting: engine.withLeaseWaiting,

    /** Pending and failed counts of the whole deployment. */
    async counts() {
      return outbox.countEntries(db, CROUS_CONNECTOR_ID, WHOLE_DEPLOYMENT);
    },

    /** Closes the clients' kept-alive connections. */
    close(): void {
      for (const { client } of clients.values()) client.close();
      clients.clear();
    },
  };
}

export type CrousSyncService = ReturnType<typeof createCrousSyncService>;
