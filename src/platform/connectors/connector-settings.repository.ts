import type { Executor } from '../db/database.ts';
import type { StoredConnectorSecret } from './connectors.tables.ts';

/** A stored configuration row. */
export interface ConnectorSettingsRow {
  connectorId: string;
  institutionId: number;
  enabled: boolean;
  settings: Record<string, unknown>;
  secrets: Record<string, StoredConnectorSecret>;
  paused: boolean;
  pausedBy: string | null;
  pausedAt: Date | null;
  pausedReason: string | null;
  updatedBy: string;
  updatedAt: Date;
}

const COLUMNS = ['connectorId', 'institutionId', 'enabled', 'settings', 'secrets', 'paused', 'pausedBy', 'pausedAt',
  'pausedReason', 'updatedBy', 'updatedAt'] as const;

/** The row of one connector at one institution, optionally locked for update. */
export async function findSettings(db: Executor, connectorId: string, institutionId: number, lock = false): Promise<ConnectorSettingsRow | undefined> {
  let query = db.selectFrom('connectorSettings').select(COLUMNS)
    .where('connectorId', '=', connectorId).where('institutionId', '=', institutionId);
  if (lock) query = query.forUpdate();
  return query.executeTakeFirst();
}

/** The institutions where a connector has a settings row, with its settings (a few rows per connector). */
export async function configuredInstitutions(db: Executor, connectorId: string): Promise<Array<{ institutionId: number; settings: Record<string, unknown> }>> {
  const rows = await db.selectFrom('connectorSettings').select(['institutionId', 'settings'])
    .where('connectorId', '=', connectorId).orderBy('institutionId').execute();
  return rows.map((row) => ({ institutionId: Number(row.institutionId), settings: row.settings }));
}

/** The rows of these institutions (null: all), every connector, or one. */
export async function listSettings(db: Executor, institutionIds: readonly number[] | null, connectorId?: string): Promise<ConnectorSettingsRow[]> {
  let query = db.selectFrom('connectorSettings').select(COLUMNS).orderBy('connectorId').orderBy('institutionId');
  if (institutionIds !== null) {
    if (institutionIds.length === 0) return [];
    query = query.where('institutionId', 'in', [...institutionIds]);
  }
  if (connectorId !== undefined) query = query.where('connectorId', '=', connectorId);
  return query.execute();
}

/** Creates or replaces the configuration part of a row (enabled, settings, secrets); the pause is left alone. */
export async function upsertSettings(db: Executor, row: {
  connectorId: string; institutionId: number; enabled: boolean; settings: Record<string, unknown>;
  secrets: Record<string, StoredConnectorSecret>; updatedBy: string; at: Date;
}): Promise<void> {
  const values = {
    enabled: row.enabled, settings: JSON.stringify(row.settings), secrets: JSON.stringify(row.secrets), updatedBy: row.updatedBy, updatedAt: row.at,
  };
  await db.insertInto('connectorSettings').values({ connectorId: row.connectorId, institutionId: row.institutionId, ...values })
    .onConflict((conflict) => conflict.columns(['connectorId', 'institutionId']).doUpdateSet(values))
    .execute();
}

/** Pauses (with who, when, why) or resumes one connector at one institution; creates the row if none. */
export async function setPaused(db: Executor, connectorId: string, institutionId: number,
  pause: { by: string; at: Date; reason: string | null } | null, updatedBy: string): Promise<void> {
  const values = {
    paused: pause !== null, pausedBy: pause?.by ?? null, pausedAt: pause?.at ?? null, pausedReason: pause?.reason ?? null,
    updatedBy, updatedAt: pause?.at ?? new Date(),
  };
  await db.insertInto('connectorSettings').values({ connectorId, institutionId, ...values })
    .onConflict((conflict) => conflict.columns(['connectorId', 'institutionId']).doUpdateSet(values))
    .execute();
}

/** The institutions where a connector is enabled and not paused (for scheduled work). */
export async function activeInstitutions(db: Executor, connectorId: string): Promise<number[]> {
  const rows = await db.selectFrom('connectorSettings').select('institutionId')
    .where('connectorId', '=', connectorId).where('enabled', '=', true).where('paused', '=', false)
    .orderBy('institutionId').execute();
  return rows.map((row) => row.institutionId);
}

/** The institutions where an operator paused the connector (their entries wait). */
export async function pausedInstitutions(db: Executor, connectorId: string): Promise<number[]> {
  const rows = await db.selectFrom('connectorSettings').select('institutionId')
    .where('connectorId', '=', connectorId).where('paused', '=', true).orderBy('institutionId').execute();
  return rows.map((row) => row.institutionId);
}

/** True when the connector is paused at this institution (no row: not paused). Cheap: one index lookup. */
export async function isPaused(db: Executor, connectorId: string, institutionId: number): Promise<boolean> {
  const row = await db.selectFrom('connectorSettings').select('paused')
    .where('connectorId', '=', connectorId).where('institutionId', '=', institutionId).executeTakeFirst();
  return row?.paused ?? false;
}
