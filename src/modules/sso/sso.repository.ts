import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';

/** A `login_methods` row as the service reads it. */
export interface LoginMethodRow {
  id: string;
  enabled: boolean;
  labelFr: string;
  labelEn: string;
  institutionId: number | null;
  eppnAttribute: string;
  fieldAttributes: Record<string, string>;
  trustedFields: string[];
  groupsAttribute: string | null;
  createUnknown: boolean;
  contact: string;
  updatedAt: Date;
}

const METHOD_COLUMNS = ['id', 'enabled', 'labelFr', 'labelEn', 'institutionId', 'eppnAttribute', 'fieldAttributes', 'trustedFields',
  'groupsAttribute', 'createUnknown', 'contact', 'updatedAt'] as const;

/** The settings rows of these method ids (configured methods); ids without a row are absent. */
export async function findLoginMethods(db: Executor, ids: readonly string[]): Promise<LoginMethodRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('loginMethods').select(METHOD_COLUMNS).where('id', 'in', [...ids]).orderBy('id').execute() as Promise<LoginMethodRow[]>;
}

/** The settings of one method, if it has a row. */
export async function findLoginMethod(db: Executor, id: string): Promise<LoginMethodRow | undefined> {
  return db.selectFrom('loginMethods').select(METHOD_COLUMNS).where('id', '=', id).executeTakeFirst() as Promise<LoginMethodRow | undefined>;
}

export type LoginMethodValues = Omit<LoginMethodRow, 'updatedAt'>;

/** Creates or replaces the settings of a method. */
export async function upsertLoginMethod(db: Executor, values: LoginMethodValues): Promise<LoginMethodRow> {
  const row = { ...values, fieldAttributes: JSON.stringify(values.fieldAttributes) };
  const { id: _id, ...changes } = row;
  return db.insertInto('loginMethods').values(row)
    .onConflict((oc) => oc.column('id').doUpdateSet({ ...changes, updatedAt: new Date() }))
    .returning(METHOD_COLUMNS).executeTakeFirstOrThrow() as Promise<LoginMethodRow>;
}

/** Inserts default settings for methods without a row (the demo seed); existing rows are kept. */
export async function insertLoginMethodsIfMissing(db: Executor, rows: readonly LoginMethodValues[]): Promise<number> {
  if (rows.length === 0) return 0;
  const result = await db.insertInto('loginMethods')
    .values(rows.map((row) => ({ ...row, fieldAttributes: JSON.stringify(row.fieldAttributes) })))
    .onConflict((oc) => oc.column('id').doNothing()).executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}

/** Stores a pending login under its state's hash. */
export async function insertPendingLogin(
  db: Executor,
  pending: { stateHash: string; methodId: string; returnTo: string | null; payload: Record<string, string>; expiresAt: Date; browserHash: string },
): Promise<void> {
  await db.insertInto('ssoPendingLogins').values({ ...pending, payload: JSON.stringify(pending.payload) }).execute();
}

/** Takes (deletes and returns) a live pending login: single use, whatever node asks. */
export async function takePendingLogin(db: Executor, methodId: string, stateHash: string, now: Date) {
  return db.deleteFrom('ssoPendingLogins').where('stateHash', '=', stateHash).where('methodId', '=', methodId).where('expiresAt', '>', now)
    .returning(['returnTo', 'payload', 'browserHash']).executeTakeFirst();
}

/** Records an id as seen until `expiresAt`; true when it was not (still) recorded. */
export async function insertSeenId(db: Executor, methodId: string, idHash: string, expiresAt: Date, now: Date): Promise<boolean> {
  // An expired record is replaced (the id may be seen again once it could no longer be replayed).
  const result = await sql<{ idHash: string }>`
    INSERT INTO sso_seen_ids (method_id, id_hash, expires_at) VALUES (${methodId}, ${idHash}, ${expiresAt})
    ON CONFLICT (method_id, id_hash) DO UPDATE SET expires_at = excluded.expires_at WHERE sso_seen_ids.expires_at <= ${now}
    RETURNING id_hash`.execute(db);
  return result.rows.length === 1;
}

/** Deletes expired pending logins and seen ids; returns how many rows went. */
export async function purgeExpired(db: Executor, now: Date): Promise<number> {
  const pending = await db.deleteFrom('ssoPendingLogins').where('expiresAt', '<=', now).executeTakeFirst();
  const seen = await db.deleteFrom('ssoSeenIds').where('expiresAt', '<=', now).executeTakeFirst();
  return Number(pending.numDeletedRows) + Number(seen.numDeletedRows);
}
