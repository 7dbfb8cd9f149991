import type { Generated } from 'kysely';
import type { JsonDefault, Timestamp } from '../db/platform.tables.ts';

/**
 * How one stored secret is held: encrypted in the row (CONNECTOR_SECRETS_KEY), or by the name of
 * a CONNECTOR_SECRETS entry. Never a clear value.
 */
export type StoredConnectorSecret = { encrypted: string } | { env: string };

/** A connector's configuration at one institution (migration 0038). */
export interface ConnectorSettingsTable {
  /** `<connector>:<institution id>` (generated), the audit log's row key. */
  id: Generated<string>;
  connectorId: string;
  institutionId: number;
  enabled: Generated<boolean>;
  /** Validated against the connector's registered schema. */
  settings: JsonDefault<Record<string, unknown>>;
  /** Secret name → how it is held; redacted in the audit log. */
  secrets: JsonDefault<Record<string, StoredConnectorSecret>>;
  paused: Generated<boolean>;
  pausedBy: string | null;
  pausedAt: Timestamp | null;
  pausedReason: string | null;
  updatedBy: string;
  updatedAt: Generated<Date>;
  createdAt: Generated<Date>;
}

export interface ConnectorsTables {
  connectorSettings: ConnectorSettingsTable;
}
