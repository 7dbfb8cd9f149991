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
}

/** A stored photo with its JPEG bytes. */
export type PhotoRow = PhotoInfoRow & { jpeg: Buffer };

const INFO_COLUMNS = ['id', 'personId', 'sha256', 'width', 'height', 'sourceFormat', 'createdAt'] as const;

/** Stores a normalised photo. */
export async function insertPhoto(
  db: Executor,
  photo: { personId: string; jpeg: Buffer; sha256: string; width: number; height: number; sourceFormat: string },
): Promise<PhotoInfoRow> {
  return db.insertInto('photos').values(photo).returning(INFO_COLUMNS).executeTakeFirstOrThrow();
}

/** A photo with its bytes. */
export async function findPhoto(db: Executor, id: string): Promise<PhotoRow | undefined> {
  return db.selectFrom('photos').select([...INFO_COLUMNS, 'jpeg']).where('id', '=', id).executeTakeFirst();
}

/** Duplicates a photo row (same person, same bytes) without sending the bytes through the app. */
export async function copyPhoto(db: Executor, id: string): Promise<PhotoInfoRow | undefined> {
  return db.insertInto('photos')
    .columns(['personId', 'jpeg', 'sha256', 'width', 'height', 'sourceFormat'])
    .expression((eb) => eb.selectFrom('photos').select(['personId', 'jpeg', 'sha256', 'width', 'height', 'sourceFormat']).where('id', '=', id))
    .returning(INFO_COLUMNS).executeTakeFirst();
}

/** The photos of a person, newest first, without bytes. */
export async function listPhotosOfPerson(db: Executor, personId: string): Promise<PhotoInfoRow[]> {
  return db.selectFrom('photos').select(INFO_COLUMNS).where('personId', '=', personId)
    .orderBy('createdAt', 'desc').orderBy('id').execute();
}
