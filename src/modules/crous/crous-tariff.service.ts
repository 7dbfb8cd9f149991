/**
 * The CROUS's tariff rules per institution: fetched with the institution's CROUS client
 * (GET /crous/{crousNumber}/organization/{rne}) by a daily job and on demand, stored with when
 * they were fetched, and used to compute a person's tariff.
 *
 * A failed fetch (CROUS down, refused, misconfigured) keeps the rules fetched before and records
 * the error (the CROUS's code and message, or our configuration problem): a person's tariff never
 * falls back to the defaults because the CROUS was unreachable one night. Logs name the
 * institution id and the reason only.
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../../platform/db/schema.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { JobQueue } from '../../platform/jobs/job-queue.ts';
import { notFound } from '../../platform/http/problem.ts';
import type { ConnectorCaller, ConnectorSettingsService } from '../../platform/connectors/connector-settings.service.ts';
import { createCrousClient, isCrousApiError, type CrousClient, type CrousClientOptions } from '../../adapters/crous/crous.client.ts';
import { computeCrousTariff, type CrousTariff, type CrousTariffRule } from './domain/crous-account.ts';
import {
  CROUS_CONNECTOR_ID, DEFAULT_CROUS_STATUS_CODES, crousConnection, isCrousConnectionProblem,
  type CrousSettings, type EmbeddedCrousEndpoint,
} from './crous-connector-settings.ts';
import * as repo from './crous-tariff.repository.ts';

/** The refresh job's queue and daily schedule (UTC, before the card office opens). */
export const CROUS_TARIFF_QUEUE = 'crous-tariff-rules-refresh';
export const CROUS_TARIFF_CRON = '41 3 * * *';

const MAX_ERROR_LENGTH = 1000;

/** What admins see of an institution's rules. */
export interface CrousTariffRulesView {
  institution: string;
  crousNumber: string | null;
  rne: string | null;
  rules: CrousTariffRule[];
  fetchedAt: string | null;
  lastAttemptAt: string | null;
  /** Why the last refresh failed (the rules shown are the previous ones); null after a success. */
  lastError: string | null;
}

/** The tariff of one person, and where its status code came from. */
export interface PersonCrousTariff extends CrousTariff {
  /** The CROUS status code used; null when the person type is not mapped (default tariff). */
  statusCode: string | null;
  /** When the rules used were fetched; null: none stored, the domain defaults applied. */
  rulesFetchedAt: string | null;
}

/** The institutions context as this service needs it. */
export interface TariffInstitutions {
  byCode(executor: Executor, code: string): Promise<{ id: number; code: string } | undefined>;
  find(executor: Executor, id?: number): Promise<{ uai: string | null } | undefined>;
}

/** Builds the service. `clientFactory` is replaceable for tests (defaults to the HTTP client). */
export function createCrousTariffService(deps: {
  db: Kysely<Database>;
  connectors: Pick<ConnectorSettingsService, 'effective' | 'activeInstitutions'>;
  institutions: TariffInstitutions;
  logger: Pick<Logger, 'info' | 'warn'>;
  /** Queues the refresh job (worker start, see queueIfMissing); absent in tools that never start workers. */
  jobs?: Pick<JobQueue, 'send'>;
  embedded?: EmbeddedCrousEndpoint;
  clientFactory?: (options: CrousClientOptions) => CrousClient;
  now?: () => Date;
}) {
  const { db, connectors, institutions, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const clientFactory = deps.clientFactory ?? createCrousClient;

  async function institutionFor(caller: ConnectorCaller, code: string): Promise<{ id: number; code: string }> {
    const found = await institutions.byCode(db, code);
    if (!found || (caller.institutionIds !== null && !caller.institutionIds.includes(found.id))) {
      throw notFound('institution_not_found', 'No such institution');
    }
    return found;
  }

  function view(code: string, row: repo.CrousTariffRow | undefined): CrousTariffRulesView {
    return {
      institution: code,
      crousNumber: row?.crousNumber ?? null,
      rne: row?.rne ?? null,
      rules: row?.rules ?? [],
      fetchedAt: row?.fetchedAt?.toISOString() ?? null,
      lastAttemptAt: row?.lastAttemptAt.toISOString() ?? null,
      lastError: row?.lastError ?? null,
    };
  }

  /** Fetches and stores one institution's rules; a failure is recorded, never thrown. */
  async function refreshInstitution(institutionId: number): Promise<void> {
    const at = now();
    const effective = await connectors.effective(db, CROUS_CONNECTOR_ID, institutionId);
    const connection = crousConnection(effective, (await institutions.find(db, institutionId))?.uai ?? null, deps.embedded);
    let reason: string;
    if (isCrousConnectionProblem(connection)) {
      reason = `${connection.code}: ${connection.message}`;
    } else if (connection.crousNumber === undefined) {
      reason = 'crous_number_missing: set the CROUS number (crousNumber) to fetch tariff rules';
    } else {
      const client = clientFactory(connection.client);
      try {
        const rules = await client.tariffRules(connection.crousNumber, connection.rne);
        await repo.storeTariffRules(db, institutionId, { crousNumber: connection.crousNumber, rne: connection.rne, rules, at });
        logger.info({ institutionId, rules: rules.length }, 'crous tariff rules refreshed');
        return;
      } catch (error) {
        // The CROUS's own code and message describe its answer; anything else is named by its type.
        reason = isCrousApiError(error)
          ? `${error.status === undefined ? error.failure : `HTTP ${error.status}`}${error.code ? ` ${error.code}` : ''}: ${error.crousMessage ?? error.message}`
          : `unexpected ${(error as Error).name}`;
      } finally {
        client.close();
      }
    }
    reason = reason.slice(0, MAX_ERROR_LENGTH);
    await repo.recordTariffFailure(db, institutionId, at, reason);
    logger.warn({ institutionId, reason }, 'crous tariff rules refresh failed: keeping the previous rules');
  }

  /** Institutions where the connector is enabled, not paused, and talks to the API (what the job covers). */
  async function apiInstitutions(): Promise<number[]> {
    const covered: number[] = [];
    for (const institutionId of await connectors.activeInstitutions(db, CROUS_CONNECTOR_ID)) {
      const effective = await connectors.effective(db, CROUS_CONNECTOR_ID, institutionId);
      if ((effective?.settings as CrousSettings | undefined)?.mode === 'api') covered.push(institutionId);
    }
    return covered;
  }

  /**
   * A person's CROUS tariff at an institution: the status code given, or the one the
   * institution's settings map the person type to (default student → etd, staff → prs), matched
   * with the index against the stored rules (computeCrousTariff: first matching rule; no match:
   * students 10 / 1, everyone else 78 / 99). No rules stored yet: the domain defaults.
   */
  async function tariffFor(executor: Executor, institutionId: number,
    person: { personType?: string; statusCode?: string; index?: number | null }): Promise<PersonCrousTariff> {
    const effective = await connectors.effective(executor, CROUS_CONNECTOR_ID, institutionId);
    const mapping = (effective?.settings as CrousSettings | undefined)?.statusCodes ?? DEFAULT_CROUS_STATUS_CODES;
    const statusCode = person.statusCode ?? (person.personType === undefined ? undefined : mapping[person.personType]) ?? null;
    const stored = await repo.findTariffRules(executor, institutionId);
    const tariff = computeCrousTariff(stored?.rules ?? [], { statusCode: statusCode ?? '', index: person.index ?? null });
    return { ...tariff, statusCode, rulesFetchedAt: stored?.fetchedAt?.toISOString() ?? null };
  }

  return {
    /** The stored rules of an institution of the caller's scope (empty before the first fetch). */
    async rules(caller: ConnectorCaller, code: string): Promise<CrousTariffRulesView> {
      const found = await institutionFor(caller, code);
      return view(found.code, await repo.findTariffRules(db, found.id));
    },

    /** « Actualiser »: fetches now (configured institutions, enabled or not); the outcome is in the answer's lastError. */
    async refresh(caller: ConnectorCaller, code: string): Promise<CrousTariffRulesView> {
      const found = await institutionFor(caller, code);
      await refreshInstitution(found.id);
      return view(found.code, await repo.findTariffRules(db, found.id));
    },

    /** The job: every institution where the CROUS connector is enabled, not paused, in API mode. */
    async refreshAll(): Promise<void> {
      for (const institutionId of await apiInstitutions()) await refreshInstitution(institutionId);
    },

    /**
     * At worker start: queues the refresh job when an institution the job would cover has no
     * rules stored yet (a connector enabled since the last daily run), rather than leaving it on
     * the defaults until the night. True when queued.
     */
    async queueIfMissing(): Promise<boolean> {
      if (!deps.jobs) return false;
      for (const institutionId of await apiInstitutions()) {
        if ((await repo.findTariffRules(db, institutionId))?.fetchedAt) continue;
        await deps.jobs.send(CROUS_TARIFF_QUEUE, {}, { singletonKey: 'startup' });
        return true;
      }
      return false;
    },

    /** A person's CROUS tariff at an institution (system use: the connector's plan, the account files). */
    tariffFor,

    /** {@link tariffFor} for an admin or manager of the institution (the preview on the rules page). */
    async tariffPreview(caller: ConnectorCaller, code: string, person: { personType?: string; statusCode?: string; index?: number | null }): Promise<PersonCrousTariff> {
      const found = await institutionFor(caller, code);
      return tariffFor(db, found.id, person);
    },
  };
}

export type CrousTariffService = ReturnType<typeof createCrousTariffService>;
