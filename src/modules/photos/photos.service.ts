import type { Kysely } from 'kysely';
import type { Config } from '../../config.ts';
import type { Database } from '../../platform/db/schema.ts';
import { inTransaction, type ActorContext, type Executor } from '../../platform/db/database.ts';
import { notFound } from '../../platform/http/problem.ts';
import type { DeclaredImageType } from './domain/image-sniffing.ts';
import type { PhotoEdits } from './domain/photo-edit-rules.ts';
import { DEFAULT_PHOTO_LIMITS, processPhoto, type PhotoLimits, type ProcessedPhoto } from './photo-processing.ts';
import * as repo from './photos.repository.ts';

/** A photo ready to be saved: processed, outside any transaction. */
export type PreparedPhoto = ProcessedPhoto;

/** What callers keep of a stored photo. */
export interface StoredPhoto {
  id: string;
  sha256: string;
  width: number;
  height: number;
}

/** A stored photo's description (no bytes), e.g. for a data export. */
export interface PhotoInfo extends StoredPhoto {
  personId: string;
  sourceFormat: string;
  createdAt: string;
  /** Where the API serves it. */
  url: string;
}

export interface PhotoOptions {
  edits?: PhotoEdits | undefined;
  declared?: DeclaredImageType | undefined;
}

export interface PhotosServiceDeps {
  db: Kysely<Database>;
  config: Pick<Config, 'photoMaxBytes' | 'photoMaxPixels'>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function photoNotFound(): Error {
  return notFound('photo_not_found', 'No such photo');
}

function stored(row: repo.PhotoInfoRow): StoredPhoto {
  return { id: row.id, sha256: row.sha256, width: row.width, height: row.height };
}

/**
 * Card photos: normalised JPEGs (see photo-processing.ts) stored in the database. Decoding an
 * upload is CPU work that must not hold a transaction (PGlite has one connection): call
 * {@link prepare} first, then {@link save} inside the transaction that needs the photo.
 *
 * Invariants (database-enforced, migration 0016): a person's identical bytes are stored once, and
 * a person keeps only their current photo (the last uploaded) and the photos cards point to. The
 * others are deleted when a transaction that saved a photo commits, so a caller may save first
 * and point its card at the new photo afterwards in the same transaction. Stored photos never
 * change, which is why cards can share one.
 */
export function createPhotosService(deps: PhotosServiceDeps) {
  const { db } = deps;
  const limits: PhotoLimits = { ...DEFAULT_PHOTO_LIMITS, maxBytes: deps.config.photoMaxBytes, maxPixels: deps.config.photoMaxPixels };

  async function prepare(bytes: Buffer, options: PhotoOptions = {}): Promise<PreparedPhoto> {
    return processPhoto(bytes, limits, { edits: options.edits, declared: options.declared });
  }

  async function save(executor: Executor, personId: string, prepared: PreparedPhoto): Promise<StoredPhoto> {
    return stored(await repo.upsertPhoto(executor, {
      personId,
      jpeg: prepared.jpeg,
      sha256: prepared.sha256,
      width: prepared.width,
      height: prepared.height,
      sourceFormat: prepared.sourceFormat,
    }));
  }

  return {
    /**
     * Checks and normalises an upload (size, type by content, dimensions, edits) with the
     * configured limits; throws the pipeline's 413/415/422 problems. No database access.
     */
    prepare,

    /**
     * Stores a prepared photo for a person as their current photo, in the caller's transaction.
     * Bytes the person already has are not stored twice: that photo becomes current and is
     * returned (also when two identical uploads run at once).
     */
    save,

    /**
     * Processes and stores in one call. When `executor` is a transaction the image is decoded while
     * it is held: prefer prepare + save there. Given `db`, the photo is processed first and saved in
     * a transaction of its own attributed to `context`.
     */
    async store(executor: Executor, personId: string, bytes: Buffer, context: ActorContext, options: PhotoOptions = {}): Promise<StoredPhoto> {
      const prepared = await prepare(bytes, options);
      if (executor.isTransaction) return save(executor, personId, prepared);
      return inTransaction(db, context, (trx) => save(trx, personId, prepared));
    },

    /**
     * A photo's JPEG bytes and owner, or 404 `photo_not_found`. Inside a transaction the photo is
     * locked against pruning until it ends, so the caller may point a card at it.
     */
    async get(photoId: string, executor: Executor = db): Promise<{ id: string; personId: string; jpeg: Buffer; sha256: string }> {
      const row = UUID.test(photoId) ? await repo.findPhoto(executor, photoId, executor.isTransaction) : undefined;
      if (!row) throw photoNotFound();
      return { id: row.id, personId: row.personId, jpeg: row.jpeg, sha256: row.sha256 };
    },

    /**
     * The photo a renewal carries over: the same stored photo, since photos never change and
     * identical bytes are stored once; locked against pruning like {@link get}. 404 if none.
     */
    async carryOver(executor: Executor, photoId: string): Promise<StoredPhoto> {
      const row = UUID.test(photoId) ? await repo.findPhotoInfo(executor, photoId, executor.isTransaction) : undefined;
      if (!row) throw photoNotFound();
      return stored(row);
    },

    /** Descriptions of a person's photos, latest upload first: the first is the current one (data export). */
    async listForPerson(executor: Executor, personId: string): Promise<PhotoInfo[]> {
      return (await repo.listPhotosOfPerson(executor, personId)).map((row) => ({
        ...stored(row),
        personId: row.personId,
        sourceFormat: row.sourceFormat,
        createdAt: row.createdAt.toISOString(),
        url: `/api/v1/photos/${row.id}`,
      }));
    },
  };
}

export type PhotosService = ReturnType<typeof createPhotosService>;
