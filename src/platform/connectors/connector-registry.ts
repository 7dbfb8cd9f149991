import type { TObject } from '@sinclair/typebox';
import type { Executor } from '../db/database.ts';
import type { ProblemItem } from '../http/problem.ts';

/** What a connector's semantic check of its settings may look at besides the settings. */
export interface ConnectorSettingsContext {
  institutionId: number;
  /** The institution's UAI, for defaults (null when unknown). */
  institutionUai: string | null;
}

/**
 * What a connector declares to be configurable per institution. The settings are validated
 * against `settingsSchema` (TypeBox: defaults filled in, unknown properties refused) and then by
 * `check` for rules a schema cannot say; secrets are never part of the settings: they are named
 * in `secretNames`, stored encrypted (or by the name of a CONNECTOR_SECRETS entry) and never
 * shown back.
 */
export interface ConnectorDefinition {
  /** Stable id, lower case (`crous`, `esc`, `webhooks`): the URL segment and the outbox's connector key. */
  id: string;
  labels: { fr: string; en: string };
  settingsSchema: TObject;
  secretNames: readonly string[];
  /** Further checks of validated settings; each problem names its field (`/settings/...`). */
  check?(settings: Record<string, unknown>, context: ConnectorSettingsContext): ProblemItem[];
  /**
   * For a connector set up outside its settings row (the ESC Router: the deployment's environment
   * and the institution's PIC and key): which of these institutions it runs for. When present,
   * the operator page's state comes from here, not from the row (which then only holds a pause).
   */
  deploymentConfigured?(executor: Executor, institutionIds: readonly number[]): Promise<ReadonlySet<number>>;
}

/** The connectors this deployment knows, by id. One registration per connector, at composition. */
export interface ConnectorRegistry {
  register(definition: ConnectorDefinition): void;
  get(id: string): ConnectorDefinition | undefined;
  list(): ConnectorDefinition[];
}

/** An empty registry; `register` refuses a second connector of the same id or a bad id. */
export function createConnectorRegistry(): ConnectorRegistry {
  const definitions = new Map<string, ConnectorDefinition>();
  return {
    register(definition) {
      if (!/^[a-z][a-z0-9-]{0,31}$/.test(definition.id)) throw new Error(`Connector id "${definition.id}" is not lower-case letters, digits and dashes`);
      if (definitions.has(definition.id)) throw new Error(`Connector ${definition.id} is registered twice`);
      for (const name of definition.secretNames) {
        if (!/^[a-zA-Z][a-zA-Z0-9]{0,31}$/.test(name)) throw new Error(`Connector ${definition.id}: secret name "${name}" is not alphanumeric`);
      }
      definitions.set(definition.id, definition);
    },
    get: (id) => definitions.get(id),
    list: () => [...definitions.values()],
  };
}
