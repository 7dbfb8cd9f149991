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
 */
export function createPhotosService(deps: PhotosServiceDeps) {
  const { db } = deps;
  const limits: PhotoLimits = { ...DEFAULT_PHOTO_LIMITS, maxBytes: deps.config.photoMaxBytes, maxPixels: deps.config.photoMaxPixels };

  async function prepare(bytes: Buffer, options: PhotoOptions = {}): Promise<PreparedPhoto> {
    return processPhoto(bytes, limits, { edits: options.edits, declared: options.declared });
  }

  async function save(executor: Executor, personId: string, prepared: PreparedPhoto): Promise<StoredPhoto> {
    return stored(await repo.insertPhoto(executor, {
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

    /** Stores a prepared photo for a person, in the caller's transaction. */
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

    /** A photo's JPEG bytes and owner, or 404 `photo_not_found`. */
    async get(photoId: string, executor: Executor = db): Promise<{ id: string; personId: string; jpeg: Buffer; sha256: string }> {
      const row = UUID.test(photoId) ? await repo.findPhoto(executor, photoId) : undefined;
      if (!row) throw photoNotFound();
      return { id: row.id, personId: row.personId, jpeg: row.jpeg, sha256: row.sha256 };
    },

    /** A new photo row with the same image (a renewed card keeps its own photo id); 404 if none. */
    async copy(executor: Executor, photoId: string): Promise<StoredPhoto> {
      const row = UUID.test(photoId) ? await repo.copyPhoto(executor, photoId) : undefined;
      if (!row) throw photoNotFound();
      return stored(row);
    },

    /** Descriptions of a person's photos, newest first (data export). */
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
