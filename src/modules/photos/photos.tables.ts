import type { Generated } from 'kysely';

export interface PhotosTable {
  id: Generated<string>;
  personId: string;
  jpeg: Buffer;
  sha256: string;
  width: number;
  height: number;
  sourceFormat: string;
  createdAt: Generated<Date>;
  /** Last time these bytes were uploaded for the person; the latest is the person's current photo. */
  uploadedAt: Generated<Date>;
}

export interface PhotosTables {
  photos: PhotosTable;
}
