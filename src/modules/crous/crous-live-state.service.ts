import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import {
  createCrousClient, isCrousApiError, type CrousClient, type CrousClientOptions, type CrousSmartCardState,
} from '../../adapters/crous/crous.client.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { Database } from '../../platform/db/schema.ts';
import { WHOLE_DEPLOYMENT, type AccessScope } from '../../platform/db/scope-filter.ts';
import type { ConnectorSettingsService } from '../../platform/connectors/connector-settings.service.ts';
import * as outbox from '../../platform/sync/sync-outbox.repository.ts';
import { subjectKey, type Subject } from '../../platform/sync/sync-outbox.repository.ts';
import type { CrousAccountStatus, CrousBlockingStatus, CrousRightHolder } from './domain/crous-account.ts';
import { crousErrorMeaning } from './domain/crous-error-meanings.ts';
import { expectedAtCrous, type ExpectedCrousCard } from './domain/crous-remote-state.ts';
import type { CrousPlanSettings, CrousSubjectFacts } from './domain/crous-sync-rules.ts';
import { CROUS_CONNECTOR_ID, crousConnection, isCrousConnectionProblem, type EmbeddedCrousEndpoint } from './crous-connector-settings.ts';
import { crousOutboxError } from './crous-sync.service.ts';

/** How long a read of the CROUS is shown again without asking (a page reloaded, the card and the person pages one after the other). */
export const CROUS_LIVE_CACHE_TTL_MS = 30_000;
/** Reads kept at most (accounts and cards): the cache of one node stays small whatever the traffic. */
export const CROUS_LIVE_CACHE_SIZE = 2_000;
/** Deadline of a live read: a person page does not wait for a CROUS that does not answer. */
export const CROUS_LIVE_TIMEOUT_MS = 5_000;
/** Sync entries shown per person. */
const HISTORY_LIMIT = 20;

/** Why the CROUS was not asked, or how asking it went, for one institution. */
export type CrousLiveStatus =
  /** The account was read. */
  | 'read'
  /** The CROUS holds no account under the identifier (404). */
  | 'not_found'
  /** The CROUS did not answer, or refused the read (`error` says how). */
  | 'error'
  /** No CROUS connector at this institution. */
  | 'not_configured'
  /** The institution exchanges files with the CROUS, not through the API. */
  | 'files_mode'
  /** An operator paused or disabled the connector: nothing is asked of the CROUS. */
  | 'paused'
  | 'disabled'
  /** A setting is missing (`problem` says which). */
  | 'misconfigured'
  /** The person has not given the CROUS consent: nothing of theirs is sent, not even a read. */
  | 'no_consent';

/** A CROUS failure as shown: the code of the sync's entries, the HTTP status, the CROUS's own code, the meaning in both languages. */
export interface CrousLiveError {
  code: string;
  message: string;
  remoteStatus: number | null;
  crousCode: string | null;
  meaning: { fr: string; en: string } | null;
}

/** The account as the CROUS holds it. */
export interface CrousLiveAccount {
  identifier: string;
  accountStatus: CrousAccountStatus | null;
  blockingStatus: CrousBlockingStatus | null;
  /** Any blocking status but NON_BLOQUE. */
  blocked: boolean;
  idCompanyRate: number;
  idRate: number;
  /** ISO instant. */
  dueDate: string;
  rneOrgCode: string;
}

/** One card of the person at the CROUS. */
export interface CrousLiveCard {
  cardId: string;
  idZdc: number;
  /** What campuscard expects of it there (see ExpectedCrousCard). */
  expected: ExpectedCrousCard['expected'];
  /** `active`, `cancelled`, `not_found` at the CROUS; `not_read` when the account could not be read; `error`. */
  status: 'active' | 'cancelled' | 'not_found' | 'not_read' | 'error';
  cancelReason: string | null;
  cancelDate: string | null;
  revalidationDate: string | null;
  error: CrousLiveError | null;
}

/** One institution's view of the person at the CROUS. */
export interface CrousLiveInstitutionView {
  institution: string;
  institutionName: string;
  status: CrousLiveStatus;
  /** Why nothing was asked (not configured, paused, a setting missing, no consent). */
  problem: { code: string; message: string } | null;
  error: CrousLiveError | null;
  /** The identifier asked for; null when nothing was asked. */
  identifier: string | null;
  account: CrousLiveAccount | null;
  cards: CrousLiveCard[];
  /** When the oldest value shown was read at the CROUS (ISO); null when nothing was asked. */
  readAt: string | null;
  /** Some value shown came from the short cache rather than a call made now. */
  cached: boolean;
  /** A sync entry of the person at this institution is still pending: the CROUS may not show its change yet. */
  syncPending: boolean;
  /** campuscard wants an account there (a card to send, or one it wrote before): a 404 is then a difference, else just not yet. */
  accountExpected: boolean;
}

/** One sync entry of the person with the CROUS. */
export interface CrousHistoryEntry {
  id: number;
  institution: string;
  reason: string;
  status: 'pending' | 'done' | 'failed';
  attempts: number;
  createdAt: string;
  doneAt: string | null;
  nextAttemptAt: string | null;
  /** The calls made (short names: ensureAccount, activateCard:…, cancelCard:…:DP). */
  operations: string[];
  lastError: { code: string; message: string; remoteStatus: number | null } | null;
}

/** An institution the caller may see the person at. */
export interface CrousLiveInstitution {
  institutionId: number;
  institution: string;
  institutionName: string;
}

/** What the live reads need; wired in the composition root. */
export interface CrousLiveStateDeps {
  db: Kysely<Database>;
  logger: Logger;
  connectors: Pick<ConnectorSettingsService, 'effective'>;
  institutionUai(executor: Executor, institutionId: number): Promise<string | null>;
  /** The facts a delivery reads (crous-sync.service.ts). */
  loadFacts(subjects: readonly Subject[]): Promise<Map<string, CrousSubjectFacts>>;
  embedded?: EmbeddedCrousEndpoint;
  clientFactory?: (options: CrousClientOptions) => CrousClient;
  now?: () => Date;
  cacheTtlMs?: number;
  cacheSize?: number;
  timeoutMs?: number;
}

interface Cached<T> {
  at: number;
  value: T;
}

/** A read value with when it was read and whether it came from the cache. */
interface Read<T> {
  at: number;
  cached: boolean;
  value: T;
}

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

function liveError(error: unknown): CrousLiveError | undefined {
  if (!isCrousApiError(error)) return undefined;
  const entry = crousOutboxError(error);
  const meaning = error.meaning ?? (error.status === undefined ? undefined : crousErrorMeaning(error.status, error.code));
  return {
    code: entry.code, message: error.crousMessage ?? error.message, remoteStatus: entry.remoteStatus,
    crousCode: error.code ?? null, meaning: meaning ? { fr: meaning.fr, en: meaning.en } : null,
  };
}

function accountView(account: CrousRightHolder): CrousLiveAccount {
  return {
    identifier: account.identifier,
    accountStatus: account.accountStatus ?? null,
    blockingStatus: account.blockingStatus ?? null,
    blocked: account.blockingStatus !== undefined && account.blockingStatus !== 'NON_BLOQUE',
    idCompanyRate: account.idCompanyRate,
    idRate: account.idRate,
    dueDate: account.dueDate.toISOString(),
    rneOrgCode: account.rneOrgCode,
  };
}

/**
 * The CROUS account and cards of a person, read live for the card and person pages (issue 11:
 * "read live with a short cache"), and the person's sync history with the CROUS.
 *
 * Per institution the caller may see the person at: nothing is asked when the connector is not
 * set up, is in files mode, paused or disabled, or lacks a setting (the view says which), nor
 * without the person's CROUS consent (data leaves only with it: even a GET discloses the
 * identifier). Otherwise the account is read under the identifier a delivery uses (then under
 * the one the CROUS held it under, when a rename is pending), and each card that may be at the
 * CROUS by its idZdc. A CROUS down, slow (a 5 s deadline) or refusing (423 locked…) gives an
 * `error` status with the code and meaning, never a failure of the request.
 *
 * Reads are kept 30 s in this process (bounded, keyed by institution, identifier and card);
 * `refresh` (the « Relire » button) asks again. A kept read older than the person's latest sync
 * entry settled, created or replayed at the institution (times from the database, so the same on
 * every node) is read again: a page never shows the CROUS as it was before a change the history
 * below it already says is done. While an entry is pending, `syncPending` says so.
 */
export function createCrousLiveStateService(deps: CrousLiveStateDeps) {
  const { db } = deps;
  const ttl = deps.cacheTtlMs ?? CROUS_LIVE_CACHE_TTL_MS;
  const size = deps.cacheSize ?? CROUS_LIVE_CACHE_SIZE;
  const now = deps.now ?? (() => new Date());
  const clientFactory = deps.clientFactory ?? createCrousClient;
  const clients = new Map<number, { key: string; client: CrousClient }>();
  const cache = new Map<string, Cached<unknown>>();

  function clientFor(institutionId: number, options: CrousClientOptions): CrousClient {
    const key = JSON.stringify(options);
    const found = clients.get(institutionId);
    if (found && found.key === key) return found.client;
    found?.client.close();
    const client = clientFactory({ ...options, timeoutMs: deps.timeoutMs ?? CROUS_LIVE_TIMEOUT_MS, ...(deps.now ? { now: deps.now } : {}) });
    clients.set(institutionId, { key, client });
    return client;
  }

  /**
   * A cached value younger than the TTL and than `notBefore` (ms), or a fresh read (kept; the
   * oldest read leaves when full). Failures are not kept.
   */
  async function cachedRead<T>(key: string, refresh: boolean, notBefore: number, read: () => Promise<T>): Promise<Read<T>> {
    const found = cache.get(key);
    const at = now().getTime();
    if (!refresh && found && at - found.at < ttl && found.at >= notBefore) return { at: found.at, cached: true, value: found.value as T };
    const value = await read();
    cache.delete(key);
    cache.set(key, { at, value });
    while (cache.size > size) cache.delete(cache.keys().next().value as string);
    return { at, cached: false, value };
  }

  const gated = (institution: CrousLiveInstitution, status: CrousLiveStatus, problem: { code: string; message: string } | null): CrousLiveInstitutionView => ({
    institution: institution.institution, institutionName: institution.institutionName, status, problem, error: null, identifier: null,
    account: null, cards: [], readAt: null, cached: false, syncPending: false, accountExpected: false,
  });

  /** One institution's view of the person at the CROUS; only `cardId`'s card when given. */
  async function readSubject(personId: string, institution: CrousLiveInstitution, options: { refresh: boolean; cardId?: string }): Promise<CrousLiveInstitutionView> {
    const { institutionId } = institution;
    const effective = await deps.connectors.effective(db, CROUS_CONNECTOR_ID, institutionId);
    if (!effective) return gated(institution, 'not_configured', { code: 'crous_not_configured', message: 'The CROUS connector is not configured for this institution' });
    if ((effective.settings.mode ?? 'api') !== 'api') {
      return gated(institution, 'files_mode', { code: 'crous_files_mode', message: 'The institution exchanges files with the CROUS, not through the API' });
    }
    if (effective.paused) return gated(institution, 'paused', { code: 'connector_paused', message: 'The CROUS connector is paused for this institution' });
    if (!effective.enabled) return gated(institution, 'disabled', { code: 'connector_disabled', message: 'The CROUS connector is disabled for this institution' });
    const connection = crousConnection(effective, await deps.institutionUai(db, institutionId), deps.embedded);
    if (isCrousConnectionProblem(connection)) return gated(institution, 'misconfigured', { code: connection.code, message: connection.message });
    const subject = { institutionId, personId };
    const [facts, records, entries] = await Promise.all([
      deps.loadFacts([subject]).then((all) => all.get(subjectKey(subject)) as CrousSubjectFacts),
      outbox.findRecordsOfPerson(db, CROUS_CONNECTOR_ID, personId, WHOLE_DEPLOYMENT, institutionId),
      outbox.findEntriesOfPerson(db, CROUS_CONNECTOR_ID, personId, HISTORY_LIMIT, WHOLE_DEPLOYMENT, institutionId),
    ]);
    const { notBefore, syncPending } = syncFreshness(entries);
    const settings: CrousPlanSettings = {
      identifier: connection.settings.identifier, idZdcOffset: connection.settings.idZdcOffset, rne: connection.rne,
      timeZone: connection.settings.timeZone, autoConsentPersonTypes: connection.settings.autoConsentPersonTypes,
    };
    const expectation = expectedAtCrous(facts, records, settings);
    if (!expectation.consent) {
      return gated(institution, 'no_consent', { code: 'crous_no_consent', message: 'The person has not given the CROUS consent: nothing of theirs is sent to the CROUS, not even a read' });
    }
    const client = clientFor(institutionId, connection.client);
    const base = { institution: institution.institution, institutionName: institution.institutionName, problem: null, syncPending, accountExpected: expectation.account !== null };
    const accountKey = (identifier: string) => `${institutionId}:${identifier}`;
    let identifier = expectation.identifier;
    const reads: Array<Read<unknown>> = [];
    let account: CrousRightHolder | undefined;
    try {
      let read = await cachedRead(accountKey(identifier), options.refresh, notBefore, () => client.getRightHolder(identifier));
      reads.push(read);
      if (read.value === undefined && expectation.previousIdentifier !== null) {
        const previous = expectation.previousIdentifier;
        read = await cachedRead(accountKey(previous), options.refresh, notBefore, () => client.getRightHolder(previous));
        reads.push(read);
        if (read.value !== undefined) identifier = previous;
      }
      account = read.value;
    } catch (error) {
      return {
        ...base, status: 'error', error: shownError(error), identifier, account: null, cards: cardsNotRead(expectation.cards, options.cardId),
        readAt: now().toISOString(), cached: false,
      };
    }
    const wanted = expectation.cards.filter((card) => options.cardId === undefined || card.cardId === options.cardId);
    // No account: none of its cards can be there.
    const cards = account === undefined ? wanted.map((card) => cardView(card, undefined))
      : await Promise.all(wanted.map(async (card): Promise<CrousLiveCard> => {
        try {
          const read = await cachedRead(`${accountKey(identifier)}:${card.idZdc}`, options.refresh, notBefore, () => client.getSmartCard(identifier, card.idZdc));
          reads.push(read);
          return cardView(card, read.value);
        } catch (error) {
          return { ...cardView(card, undefined), status: 'error', error: shownError(error) };
        }
      }));
    const readAt = Math.min(...reads.map((read) => read.at));
    return {
      ...base, status: account === undefined ? 'not_found' : 'read', error: null, identifier,
      account: account ? accountView(account) : null, cards, readAt: new Date(readAt).toISOString(), cached: reads.some((read) => read.cached),
    };
  }

  /**
   * When the person's sync with the CROUS last changed, as the database records it (so every
   * node agrees): an entry settled (done or failed), created or replayed. A cached read older
   * than that may predate what the history shows and is read again.
   */
  function syncFreshness(entries: readonly outbox.OutboxRow[]): { notBefore: number; syncPending: boolean } {
    let notBefore = 0;
    for (const entry of entries) {
      for (const at of [entry.doneAt, entry.status === 'pending' ? entry.createdAt : null, entry.replayedAt]) {
        if (at) notBefore = Math.max(notBefore, at.getTime());
      }
    }
    return { notBefore, syncPending: entries.some((entry) => entry.status === 'pending') };
  }

  /** A failure of a read as shown: the CROUS's, or ours (logged; the page still answers). */
  function shownError(error: unknown): CrousLiveError {
    const shown = liveError(error);
    if (shown) return shown;
    deps.logger.error({ err: { type: (error as Error).name, stack: (error as Error).stack } }, 'crous live read failed unexpectedly');
    return { code: 'internal_error', message: 'Unexpected error; see the server log', remoteStatus: null, crousCode: null, meaning: null };
  }

  function cardsNotRead(cards: readonly ExpectedCrousCard[], cardId: string | undefined): CrousLiveCard[] {
    return cards.filter((card) => cardId === undefined || card.cardId === cardId)
      .map((card) => ({ ...cardView(card, undefined), status: 'not_read' as const }));
  }

  function cardView(card: ExpectedCrousCard, state: CrousSmartCardState | undefined): CrousLiveCard {
    return {
      cardId: card.cardId, idZdc: card.idZdc, expected: card.expected,
      status: state === undefined ? 'not_found' : state.cancelDate !== null ? 'cancelled' : 'active',
      cancelReason: state?.reason ? state.reason : null,
      cancelDate: iso(state?.cancelDate ?? null),
      revalidationDate: iso(state?.revalidationDate ?? null),
      error: null,
    };
  }

  /** The person's sync entries with the CROUS within `scope` (optionally at one institution), newest first. */
  async function history(personId: string, scope: AccessScope, institutionId?: number): Promise<CrousHistoryEntry[]> {
    const rows = await outbox.findEntriesOfPerson(db, CROUS_CONNECTOR_ID, personId, HISTORY_LIMIT, scope, institutionId);
    return rows.map((row) => {
      const operations = row.result?.operations;
      return {
        id: row.id, institution: row.institution, reason: row.reason, status: row.status, attempts: row.attempts,
        createdAt: row.createdAt.toISOString(), doneAt: iso(row.doneAt),
        nextAttemptAt: row.status === 'pending' ? row.nextAttemptAt.toISOString() : null,
        operations: Array.isArray(operations) ? operations.filter((op): op is string => typeof op === 'string') : [],
        lastError: row.lastErrorCode ? { code: row.lastErrorCode, message: row.lastErrorMessage ?? '', remoteStatus: row.remoteStatus } : null,
      };
    });
  }

  return {
    /**
     * The person at the CROUS from each of `institutions` (those the caller sees them at; the
     * route checks the person is visible), and their sync entries within `scope`.
     */
    async person(personId: string, institutions: readonly CrousLiveInstitution[], scope: AccessScope, refresh = false) {
      const [views, entries] = await Promise.all([
        Promise.all(institutions.map((institution) => readSubject(personId, institution, { refresh }))),
        history(personId, scope),
      ]);
      return { personId, institutions: views, history: entries };
    },

    /** One card at the CROUS, with its holder's account there, and the holder's sync entries at the card's institution within `scope`. */
    async card(card: { id: string; personId: string } & CrousLiveInstitution, scope: AccessScope, refresh = false) {
      const [view, entries] = await Promise.all([
        readSubject(card.personId, card, { refresh, cardId: card.id }),
        history(card.personId, scope, card.institutionId),
      ]);
      return { cardId: card.id, personId: card.personId, crous: view, history: entries };
    },

    /** Forgets every cached read (tests, and after an operator changed the settings). */
    clearCache(): void {
      cache.clear();
    },

    /** Closes the clients' kept-alive connections. */
    close(): void {
      for (const { client } of clients.values()) client.close();
      clients.clear();
    },
  };
}

export type CrousLiveStateService = ReturnType<typeof createCrousLiveStateService>;
