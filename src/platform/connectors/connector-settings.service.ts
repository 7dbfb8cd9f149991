/**
 * Per-institution configuration of the connectors (CROUS/Izly, and every later one): whether a
 * connector runs for an institution, its settings (validated against the schema the connector
 * registered), its secrets, and whether it is paused.
 *
 * Invariants:
 * - a secret is never returned, logged or audited in clear: it is stored encrypted (key from
 *   CONNECTOR_SECRETS_KEY, bound to connector, institution and secret name) or by the name of a
 *   CONNECTOR_SECRETS entry, and shown only as "configured" with its last four characters;
 * - every write goes through {@link inTransaction}, so the audit log records who enabled,
 *   changed, paused or resumed what (the `secrets` column redacted);
 * - callers reach only the institutions of their scope: another institution's settings answer
 *   404 exactly as an unknown institution does;
 * - pausing stops deliveries, not the recording of changes: the outbox engine reads
 *   {@link ConnectorSettingsService.effective} / `isPaused` and leaves the entries waiting.
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { Value } from '@sinclair/typebox/value';
import type { Database } from '../db/schema.ts';
import { inTransaction, type ActorContext, type Executor } from '../db/database.ts';
import { conflict, notFound, unprocessable, type ProblemItem } from '../http/problem.ts';
import { createSecretCipher, secretHint, type SecretCipher } from '../crypto/secret-cipher.ts';
import type { ConnectorDefinition, ConnectorRegistry } from './connector-registry.ts';
import type { StoredConnectorSecret } from './connectors.tables.ts';
import * as repo from './connector-settings.repository.ts';
import { makeDueNow } from '../sync/sync-outbox.repository.ts';

/** Who is asking: the institutions they may reach (null: all). A Principal is one. */
export interface ConnectorCaller {
  readonly institutionIds: readonly number[] | null;
}

/** What the service needs of the institutions context. */
export interface ConnectorInstitutions {
  byCode(executor: Executor, code: string): Promise<{ id: number; code: string; name: string; kind: 'institution' | 'federation'; disabled: boolean } | undefined>;
  list(executor?: Executor): Promise<Array<{ id: number; code: string; name: string; kind: 'institution' | 'federation'; disabled: boolean }>>;
  find(executor: Executor, id?: number): Promise<{ uai: string | null } | undefined>;
}

/** How a secret is shown: never its value. */
export interface ConnectorSecretView {
  configured: boolean;
  /** Where it is held: encrypted in the database, or a CONNECTOR_SECRETS entry named `env`. */
  source: 'database' | 'environment' | null;
  env: string | null;
  /** Its last four characters (none for a secret of eight characters or fewer, or one that cannot be read). */
  hint: string | null;
  /** False when it is set but cannot be read (CONNECTOR_SECRETS_KEY changed or missing, entry removed). */
  readable: boolean;
}

/** A connector's configuration at one institution, as admins see it. */
export interface ConnectorSettingsView {
  connector: string;
  institution: string;
  /** False until an admin saved settings (the settings shown are then the defaults), or, for a connector set up by the deployment, until it is. */
  configured: boolean;
  enabled: boolean;
  /** Where the state comes from: the settings saved here, or the deployment (environment, institution data) for a connector like the ESC Router. */
  configuredBy: ConnectorConfiguredBy;
  settings: Record<string, unknown>;
  secrets: Record<string, ConnectorSecretView>;
  paused: boolean;
  pausedBy: string | null;
  pausedAt: string | null;
  pausedReason: string | null;
  updatedBy: string | null;
  updatedAt: string | null;
}

/** Where a connector's state at an institution comes from (see ConnectorDefinition.deploymentConfigured). */
export type ConnectorConfiguredBy = 'settings' | 'deployment';

/** One line of the operator page: a connector at an institution. */
export interface ConnectorStatusLine {
  connector: string;
  institution: string;
  institutionName: string;
  configured: boolean;
  enabled: boolean;
  configuredBy: ConnectorConfiguredBy;
  paused: boolean;
  pausedBy: string | null;
  pausedAt: string | null;
  pausedReason: string | null;
  updatedAt: string | null;
}

/** A secret as given in a write: a value to store encrypted, the name of a CONNECTOR_SECRETS entry, or null to remove it. */
export type ConnectorSecretInput = { value: string } | { env: string } | null;

/** The body of a settings write. Absent secrets are kept. */
export interface ConnectorSettingsInput {
  enabled: boolean;
  settings: Record<string, unknown>;
  secrets?: Record<string, ConnectorSecretInput>;
}

/** What a connector reads to run at an institution (system use: never shown). */
export interface EffectiveConnectorSettings {
  institutionId: number;
  enabled: boolean;
  paused: boolean;
  /** Validated, with the schema's defaults filled in. */
  settings: Record<string, unknown>;
  /** Secret name → value; undefined when not set or not readable. */
  secrets: Record<string, string | undefined>;
}

const SECRET_VALUE_MAX = 4096;

function iso(date: Date | null | undefined): string | null {
  return date ? date.toISOString() : null;
}

/** The JSON pointer of a TypeBox error path under `/settings`. */
function fieldOf(path: string): string {
  return `/settings${path}`;
}

/**
 * Validates settings against the connector's schema: defaults filled in on a copy, then every
 * schema error as a problem item naming its field. Unknown properties are errors when the schema
 * says so (every registered schema should).
 */
export function validateConnectorSettings(definition: ConnectorDefinition, raw: Record<string, unknown>): { settings: Record<string, unknown>; errors: ProblemItem[] } {
  const settings = Value.Default(definition.settingsSchema, structuredClone(raw)) as Record<string, unknown>;
  const errors: ProblemItem[] = [];
  for (const error of Value.Errors(definition.settingsSchema, settings)) {
    const field = fieldOf(error.path);
    if (errors.some((known) => known.field === field)) continue;
    errors.push({ field, code: 'invalid_setting', message: error.message });
    if (errors.length >= 20) break;
  }
  return { settings, errors };
}

/** Builds the service. `secretsKey`: CONNECTOR_SECRETS_KEY (or the ESC key), absent when none is configured. */
export function createConnectorSettingsService(deps: {
  db: Kysely<Database>;
  registry: ConnectorRegistry;
  institutions: ConnectorInstitutions;
  secretsKey: string | undefined;
  envSecrets: Readonly<Record<string, string>>;
  logger: Pick<Logger, 'info'>;
  now?: () => Date;
}) {
  const { db, registry, institutions, envSecrets, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const cipher: SecretCipher | undefined = deps.secretsKey ? createSecretCipher(deps.secretsKey, 'connector-secret/v1') : undefined;

  const secretContext = (connectorId: string, institutionId: number, name: string) =>
    `campuscard:connector:${connectorId}:institution:${institutionId}:secret:${name}`;

  function definitionOf(connectorId: string): ConnectorDefinition {
    const definition = registry.get(connectorId);
    if (!definition) throw notFound('connector_not_found', 'No such connector');
    return definition;
  }

  /** The institution of this code within the caller's scope; 404 otherwise, as for an unknown code. */
  async function institutionFor(caller: ConnectorCaller, code: string) {
    const found = await institutions.byCode(db, code);
    if (!found || (caller.institutionIds !== null && !caller.institutionIds.includes(found.id))) {
      throw notFound('institution_not_found', 'No such institution');
    }
    if (found.kind !== 'institution') {
      throw unprocessable('connector_needs_institution', 'Connectors are configured per institution, not per federation', { field: '/institutionCode' });
    }
    return found;
  }

  function readSecret(connectorId: string, institutionId: number, name: string, stored: StoredConnectorSecret | undefined): string | undefined {
    if (stored === undefined) return undefined;
    if ('env' in stored) return envSecrets[stored.env];
    return cipher?.decrypt(secretContext(connectorId, institutionId, name), stored.encrypted);
  }

  function secretView(connectorId: string, institutionId: number, name: string, stored: StoredConnectorSecret | undefined): ConnectorSecretView {
    if (stored === undefined) return { configured: false, source: null, env: null, hint: null, readable: false };
    const value = readSecret(connectorId, institutionId, name, stored);
    return {
      configured: true,
      source: 'env' in stored ? 'environment' : 'database',
      env: 'env' in stored ? stored.env : null,
      hint: value === undefined ? null : secretHint(value),
      readable: value !== undefined,
    };
  }

  /**
   * Whether the connector is configured and enabled at the institution: from its settings row, or,
   * for a connector set up by the deployment, from the deployment (`deployed`: the institutions it
   * runs for), its row then holding only a pause.
   */
  function stateOf(definition: ConnectorDefinition, institutionId: number, row: repo.ConnectorSettingsRow | undefined,
    deployed: ReadonlySet<number> | undefined): { configured: boolean; enabled: boolean; configuredBy: ConnectorConfiguredBy } {
    if (definition.deploymentConfigured && deployed) {
      const runs = deployed.has(institutionId);
      return { configured: runs, enabled: runs, configuredBy: 'deployment' };
    }
    // A row written only by a pause holds no settings yet: not configured.
    return { configured: row !== undefined && Object.keys(row.settings).length > 0, enabled: row?.enabled ?? false, configuredBy: 'settings' };
  }

  async function deployedAt(definition: ConnectorDefinition, institutionIds: readonly number[]): Promise<ReadonlySet<number> | undefined> {
    return definition.deploymentConfigured ? definition.deploymentConfigured(db, institutionIds) : undefined;
  }

  async function view(definition: ConnectorDefinition, code: string, institutionId: number, row: repo.ConnectorSettingsRow | undefined): Promise<ConnectorSettingsView> {
    const state = stateOf(definition, institutionId, row, await deployedAt(definition, [institutionId]));
    const saved = row !== undefined && Object.keys(row.settings).length > 0;
    const settings = saved ? { ...row.settings } : validateConnectorSettings(definition, {}).settings;
    return {
      connector: definition.id,
      institution: code,
      ...state,
      settings,
      secrets: Object.fromEntries(definition.secretNames.map((name) => [name, secretView(definition.id, institutionId, name, row?.secrets[name])])),
      paused: row?.paused ?? false,
      pausedBy: row?.pausedBy ?? null,
      pausedAt: iso(row?.pausedAt),
      pausedReason: row?.pausedReason ?? null,
      updatedBy: row?.updatedBy ?? null,
      updatedAt: iso(row?.updatedAt),
    };
  }

  function storedSecrets(definition: ConnectorDefinition, institutionId: number, current: Record<string, StoredConnectorSecret>,
    input: Record<string, ConnectorSecretInput> | undefined): Record<string, StoredConnectorSecret> {
    const next: Record<string, StoredConnectorSecret> = {};
    for (const name of definition.secretNames) if (current[name] !== undefined) next[name] = current[name];
    const errors: ProblemItem[] = [];
    for (const [name, secret] of Object.entries(input ?? {})) {
      const field = `/secrets/${name}`;
      if (!definition.secretNames.includes(name)) {
        errors.push({ field, code: 'unknown_secret', message: `The connector has no secret named ${name}` });
      } else if (secret === null) {
        delete next[name];
      } else if ('env' in secret) {
        if (envSecrets[secret.env] === undefined) errors.push({ field: `${field}/env`, code: 'secret_not_defined', message: `The secret ${secret.env} is not defined in CONNECTOR_SECRETS` });
        else next[name] = { env: secret.env };
      } else {
        const value = secret.value.trim();
        if (value.length === 0 || value.length > SECRET_VALUE_MAX || /[\u0000-\u001f]/.test(value)) {
          errors.push({ field: `${field}/value`, code: 'invalid_secret', message: `A secret is 1 to ${SECRET_VALUE_MAX} printable characters` });
        } else if (!cipher) {
          throw conflict('connector_secrets_key_not_configured',
            'Secrets cannot be stored in the database: CONNECTOR_SECRETS_KEY is not set on this deployment (name a CONNECTOR_SECRETS entry instead)',
            { field: `${field}/value` });
        } else {
          next[name] = { encrypted: cipher.encrypt(secretContext(definition.id, institutionId, name), value) };
        }
      }
    }
    if (errors.length > 0) throw unprocessable('invalid_connector_secrets', errors[0]?.message ?? 'Invalid secrets', { field: errors[0]?.field, errors });
    return next;
  }

  async function pauseOrResume(caller: ConnectorCaller, connectorId: string, code: string, pause: { reason: string | null } | null,
    context: ActorContext): Promise<ConnectorSettingsView> {
    const definition = definitionOf(connectorId);
    const found = await institutionFor(caller, code);
    const row = await inTransaction(db, context, async (trx) => {
      const current = await repo.findSettings(trx, definition.id, found.id, true);
      // Pausing twice keeps the first pause's who/when/why; resuming what runs changes nothing.
      if ((current?.paused ?? false) !== (pause !== null)) {
        await repo.setPaused(trx, definition.id, found.id, pause === null ? null : { by: context.actor, at: now(), reason: pause.reason }, context.actor);
      }
      return repo.findSettings(trx, definition.id, found.id);
    });
    logger.info({ connector: definition.id, institutionId: found.id, paused: pause !== null }, pause ? 'connector paused' : 'connector resumed');
    return view(definition, found.code, found.id, row);
  }

  return {
    /** The registered connectors (id, labels, secret names), for the settings pages. */
    connectors(): Array<Pick<ConnectorDefinition, 'id' | 'labels' | 'secretNames'>> {
      return registry.list().map(({ id, labels, secretNames }) => ({ id, labels, secretNames }));
    },

    /** Whether secrets can be stored encrypted (CONNECTOR_SECRETS_KEY or the ESC key is set). */
    canStoreSecrets: cipher !== undefined,

    /** The names of the CONNECTOR_SECRETS entries (never their values), for the settings form. */
    environmentSecretNames(): string[] {
      return Object.keys(envSecrets).sort();
    },

    /** Every connector at every institution of the caller's scope (operator page), configured or not. */
    async list(caller: ConnectorCaller): Promise<ConnectorStatusLine[]> {
      const all = (await institutions.list(db)).filter((institution) => institution.kind === 'institution' && !institution.disabled
        && (caller.institutionIds === null || caller.institutionIds.includes(institution.id)));
      const rows = await repo.listSettings(db, caller.institutionIds);
      const lines: ConnectorStatusLine[] = [];
      for (const definition of registry.list()) {
        const deployed = await deployedAt(definition, all.map((institution) => institution.id));
        for (const institution of all) {
          const row = rows.find((candidate) => candidate.connectorId === definition.id && candidate.institutionId === institution.id);
          lines.push({
            connector: definition.id, institution: institution.code, institutionName: institution.name,
            ...stateOf(definition, institution.id, row, deployed),
            paused: row?.paused ?? false, pausedBy: row?.pausedBy ?? null,
            pausedAt: iso(row?.pausedAt), pausedReason: row?.pausedReason ?? null, updatedAt: iso(row?.updatedAt),
          });
        }
      }
      return lines;
    },

    /** One connector's configuration at one institution of the caller's scope (defaults when never saved). */
    async get(caller: ConnectorCaller, connectorId: string, code: string): Promise<ConnectorSettingsView> {
      const definition = definitionOf(connectorId);
      const found = await institutionFor(caller, code);
      return view(definition, found.code, found.id, await repo.findSettings(db, definition.id, found.id));
    },

    /**
     * Replaces the settings (validated: 422 `invalid_connector_settings` with the first field and
     * every error), sets `enabled`, and changes the secrets given (absent ones are kept). The
     * pause is left as it is. The institution's entries waiting for a setting (retried with
     * backoff while it was missing or disabled) are due at once.
     */
    async set(caller: ConnectorCaller, connectorId: string, code: string, input: ConnectorSettingsInput, context: ActorContext): Promise<ConnectorSettingsView> {
      const definition = definitionOf(connectorId);
      const found = await institutionFor(caller, code);
      const { settings, errors } = validateConnectorSettings(definition, input.settings);
      if (errors.length === 0 && definition.check) {
        errors.push(...definition.check(settings, { institutionId: found.id, institutionUai: (await institutions.find(db, found.id))?.uai ?? null }));
      }
      if (errors.length > 0) {
        throw unprocessable('invalid_connector_settings', `${errors[0]?.field}: ${errors[0]?.message}`, { field: errors[0]?.field, errors });
      }
      const row = await inTransaction(db, context, async (trx) => {
        const current = await repo.findSettings(trx, definition.id, found.id, true);
        const secrets = storedSecrets(definition, found.id, current?.secrets ?? {}, input.secrets);
        await repo.upsertSettings(trx, {
          connectorId: definition.id, institutionId: found.id, enabled: input.enabled, settings, secrets, updatedBy: context.actor, at: now(),
        });
        await makeDueNow(trx, definition.id, found.id);
        return repo.findSettings(trx, definition.id, found.id);
      });
      return view(definition, found.code, found.id, row);
    },

    /** Pauses the connector at the institution: deliveries stop, changes keep being recorded. Audited. */
    pause: (caller: ConnectorCaller, connectorId: string, code: string, reason: string | null, context: ActorContext) =>
      pauseOrResume(caller, connectorId, code, { reason: reason?.trim() || null }, context),

    /** Resumes it: what accumulated drains. Audited. */
    resume: (caller: ConnectorCaller, connectorId: string, code: string, context: ActorContext) =>
      pauseOrResume(caller, connectorId, code, null, context),

    /**
     * What a connector runs with at an institution (system use), or undefined when never
     * configured. Settings as stored, defaults filled in for properties added since.
     */
    async effective(executor: Executor, connectorId: string, institutionId: number): Promise<EffectiveConnectorSettings | undefined> {
      const definition = definitionOf(connectorId);
      const row = await repo.findSettings(executor, definition.id, institutionId);
      if (!row) return undefined;
      return {
        institutionId,
        enabled: row.enabled,
        paused: row.paused,
        settings: validateConnectorSettings(definition, row.settings).settings,
        secrets: Object.fromEntries(definition.secretNames.map((name) => [name, readSecret(definition.id, institutionId, name, row.secrets[name])])),
      };
    },

    /** True when the connector is paused at the institution (never configured: not paused). */
    isPaused: (executor: Executor, connectorId: string, institutionId: number) => repo.isPaused(executor, connectorId, institutionId),

    /** Institutions with a settings row for the connector, enabled or not, paused or not, with their settings (no secrets). */
    configuredInstitutions: (executor: Executor, connectorId: string) => repo.configuredInstitutions(executor, connectorId),

    /** Institutions where the connector is paused: the connector engine claims none of their entries. */
    pausedInstitutions: (executor: Executor, connectorId: string) => repo.pausedInstitutions(executor, connectorId),

    /** Institutions where the connector is enabled and not paused (scheduled work). */
    activeInstitutions: (executor: Executor, connectorId: string) => repo.activeInstitutions(executor, connectorId),

    /**
     * Saves settings without a caller (the demo seed, CLI): same validation, no secrets. Leaves an
     * existing row alone unless `replace`.
     */
    async seed(institutionId: number, connectorId: string, input: { enabled: boolean; settings: Record<string, unknown> }, context: ActorContext,
      options: { replace?: boolean } = {}): Promise<boolean> {
      const definition = definitionOf(connectorId);
      const { settings, errors } = validateConnectorSettings(definition, input.settings);
      if (errors.length > 0) throw new Error(`Seeded ${connectorId} settings are invalid: ${errors.map((error) => `${error.field} ${error.message}`).join('; ')}`);
      return inTransaction(db, context, async (trx) => {
        const current = await repo.findSettings(trx, definition.id, institutionId, true);
        if (current && !options.replace) return false;
        await repo.upsertSettings(trx, {
          connectorId: definition.id, institutionId, enabled: input.enabled, settings, secrets: current?.secrets ?? {}, updatedBy: context.actor, at: now(),
        });
        return true;
      });
    },
  };
}

export type ConnectorSettingsService = ReturnType<typeof createConnectorSettingsService>;
