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
}

export interface PhotosTables {
  photos: PhotosTable;
}
