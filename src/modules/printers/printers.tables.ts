import type { Generated } from 'kysely';
import type { Timestamp } from '../../platform/db/platform.tables.ts';
import type { PrinterJobStatus } from './domain/printer-job.ts';

/** A card printer of an institution (migration 0047). Its client secret is kept only as a hash. */
export interface PrintersTable {
  id: Generated<string>;
  institutionId: number;
  name: string;
  model: string;
  site: Generated<string>;
  duplex: Generated<boolean>;
  /** Card templates it takes (empty: any); checked by the templates module, no foreign key. */
  templateIds: Generated<string[]>;
  enabled: Generated<boolean>;
  /** SHA-256 of the client secret (as API tokens, `hashToken`). */
  tokenHash: string;
  /** The secret's last four characters, to tell credentials apart. */
  tokenHint: string;
  tokenCreatedAt: Generated<Date>;
  createdBy: string;
  createdAt: Generated<Date>;
  updatedBy: string;
  updatedAt: Generated<Date>;
}

/** The printer client's last call (not audited: heartbeats are not changes). */
export interface PrinterPresenceTable {
  printerId: string;
  lastSeenAt: Timestamp;
  clientVersion: string | null;
  clientState: string | null;
  clientMessage: string | null;
}

/** A print batch sent to a printer, as its client takes and prints it. */
export interface PrinterJobsTable {
  id: Generated<string>;
  printerId: string;
  institutionId: number;
  /** The templates module's print batch; null for a job of a file on disk (file_path). */
  batchId: string | null;
  filePath: string | null;
  title: Generated<string>;
  status: Generated<PrinterJobStatus>;
  cardsTotal: number | null;
  pagesTotal: number | null;
  cardsDone: Generated<number>;
  pagesDone: Generated<number>;
  fileFetchedAt: Timestamp | null;
  errorCode: string | null;
  errorMessage: string | null;
  createdBy: string;
  createdAt: Generated<Date>;
  takenAt: Timestamp | null;
  finishedAt: Timestamp | null;
  updatedAt: Generated<Date>;
}

export interface PrintersTables {
  printers: PrintersTable;
  printerPresence: PrinterPresenceTable;
  printerJobs: PrinterJobsTable;
}
