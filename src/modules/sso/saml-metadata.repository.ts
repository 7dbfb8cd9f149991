import type { Executor } from '../../platform/db/database.ts';

/** A `saml_metadata` row as the service reads it. */
export interface SamlMetadataRow {
  methodId: string;
  metadata: Record<string, unknown> | null;
  fetchedAt: Date | null;
  validUntil: Date | null;
  lastAttemptAt: Date;
  lastError: string | null;
}

const COLUMNS = ['methodId', 'metadata', 'fetchedAt', 'validUntil', 'lastAttemptAt', 'lastError'] as const;

/** The stored rows of these method ids; methods never attempted are absent. */
export async function findSamlMetadata(db: Executor, methodIds: readonly string[]): Promise<SamlMetadataRow[]> {
  if (methodIds.length === 0) return [];
  return db.selectFrom('samlMetadata').select(COLUMNS).where('methodId', 'in', [...methodIds]).execute() as Promise<SamlMetadataRow[]>;
}

/** Stores a verified copy (a success clears the last error). */
export async function storeSamlMetadata(
  db: Executor, methodId: string, values: { metadata: Record<string, unknown>; validUntil: Date | null; at: Date },
): Promise<void> {
  const row = { metadata: JSON.stringify(values.metadata), fetchedAt: values.at, validUntil: values.validUntil, lastAttemptAt: values.at, lastError: null };
  await db.insertInto('samlMetadata').values({ methodId, ...row }).onConflict((oc) => oc.column('methodId').doUpdateSet(row)).execute();
}

/** Records a failed attempt; the stored copy (if any) is left as it was. */
export async function recordSamlMetadataFailure(db: Executor, methodId: string, at: Date, error: string): Promise<void> {
  const changes = { lastAttemptAt: at, lastError: error };
  await db.insertInto('samlMetadata').values({ methodId, metadata: null, fetchedAt: null, validUntil: null, ...changes })
    .onConflict((oc) => oc.column('methodId').doUpdateSet(changes)).execute();
}
