import type { Generated } from 'kysely';

/** An uploaded import file waiting for its job (deleted once handled). */
export interface ImportUploadsTable {
  id: Generated<string>;
  jobRunId: string;
  fileName: string | null;
  byteSize: number;
  content: Buffer;
  createdBy: string;
  createdAt: Generated<Date>;
}

export interface ImportsTables {
  importUploads: ImportUploadsTable;
}
