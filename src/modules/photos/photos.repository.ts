import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';

/** A stored photo without its bytes. */
export interface PhotoInfoRow {
  id: string;
  personId: string;
  sha256: string;
  width: number;
  height: number;
  sourceFormat: string;
  createdAt: Date;
  uploadedAt: Date;
}

/** A stored photo with its JPEG bytes. */
export type PhotoRow = PhotoInfoRow & { jpeg: Buffer };

const INFO_COLUMNS = ['id', 'personId', 'sha256', 'width', 'height', 'sourceFormat', 'createdAt', 'uploadedAt'] as const;

/**
 * Stores a normalised photo as the person's current one. Identical bytes already stored for the
 * person are not stored again: that row becomes current and is returned. One statement on the
 * unique (person, hash) index, so two identical uploads at once also end with a single row.
 * At commit, a trigger deletes the person's photos that are neither current nor shown by a card
 * (migration 0016).
 */
export async function upsertPhoto(
  db: Executor,
  photo: { personId: string; jpeg: Buffer; sha256: string; width: number; height: number; sourceFormat: string },
): Promise<PhotoInfoRow> {
  return db.insertInto('photos').values(photo)
    .onConflict((oc) => oc.columns(['personId', 'sha256']).doUpdateSet({ uploadedAt: sql<Date>`clock_timestamp()` }))
    .returning(INFO_COLUMNS).executeTakeFirstOrThrow();
}

/**
 * A photo with its bytes. With `lockForReference` (inside a transaction about to point a card at
 * it) the row is key-share locked, so that a concurrent pruning waits and then finds it in use
 * instead of deleting it under the caller.
 */
export async function findPhoto(db: Executor, id: string, lockForReference = false): Promise<PhotoRow | undefined> {
  const query = db.selectFrom('photos').select([...INFO_COLUMNS, 'jpeg']).where('id', '=', id);
  return (lockForReference ? query.forKeyShare() : query).executeTakeFirst();
}

/** A photo without its bytes, locked like {@link findPhoto} when asked. */
export async function findPhotoInfo(db: Executor, id: string, lockForReference = false): Promise<PhotoInfoRow | undefined> {
  const query = db.selectFrom('photos').select(INFO_COLUMNS).where('id', '=', id);
  return (lockForReference ? query.forKeyShare() : query).executeTakeFirst();
}

/** The photos of a person, latest upload first (the first is the current one), without bytes. */
export async function listPhotosOfPerson(db: Executor, personId: string): Promise<PhotoInfoRow[]> {
  return db.selectFrom('photos').select(INFO_COLUMNS).where('personId', '=', personId)
    .orderBy('uploadedAt', 'desc').orderBy('id', 'desc').execute();
}
