import type { Generated } from 'kysely';
import type { Json } from '../../platform/db/platform.tables.ts';
import type {
  AccountFileColumn, AccountFileDateFormat, AccountFileEncoding, AccountFileKind, AccountFileSeparator, AccountFileSettings,
} from './domain/crous-account-file.ts';

/** How one institution writes one kind of CROUS account file (migration 0036). */
export interface CrousFileConfigsTable {
  id: Generated<string>;
  institutionId: number;
  kind: AccountFileKind;
  columns: Json<AccountFileColumn[]>;
  separator: AccountFileSeparator;
  encoding: AccountFileEncoding;
  header: boolean;
  dateFormat: AccountFileDateFormat;
  personTypes: Json<string[]> | null;
  ineAsIdentifier: boolean;
  leavingWindowDays: number;
  schedule: string | null;
  nextRunAt: Date | null;
  updatedAt: Generated<Date>;
}

/** An account file produced, with its bytes. */
export interface CrousFilesTable {
  id: Generated<string>;
  institutionId: number;
  kind: AccountFileKind;
  fileName: string;
  content: Buffer;
  byteSize: number;
  lineCount: number;
  settings: Json<AccountFileSettings>;
  trigger: 'manual' | 'schedule';
  jobRunId: string | null;
  createdBy: string;
  createdAt: Generated<Date>;
}

/** One import of the CROUS's pre-encoded card file, with its report. */
export interface CrousCardImportsTable {
  id: Generated<string>;
  institutionId: number;
  fileName: string | null;
  partial: Generated<boolean>;
  report: Json<Record<string, unknown>>;
  createdBy: string;
  createdAt: Generated<Date>;
}

/** A chip the CROUS encoded, and its CROUS card. */
export interface CrousPreEncodedCardsTable {
  id: Generated<string>;
  institutionId: number;
  csn: string;
  idZdc: number;
  rid: string;
  idTransmitter: number;
  idMapping: number;
  pixSs: string;
  pixNn: string;
  appl: string;
  nfo: string;
  cnous: string;
  crous: string;
  creationDay: string;
  importId: string | null;
  createdAt: Generated<Date>;
  updatedAt: Generated<Date>;
}

export interface CrousFilesTables {
  crousFileConfigs: CrousFileConfigsTable;
  crousFiles: CrousFilesTable;
  crousCardImports: CrousCardImportsTable;
  crousPreEncodedCards: CrousPreEncodedCardsTable;
}
