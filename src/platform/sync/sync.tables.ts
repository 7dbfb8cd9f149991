import type { Generated } from 'kysely';
import type { Json, JsonDefault, Timestamp } from '../db/platform.tables.ts';

/** Where an outbox entry stands: waiting (maybe retried), delivered, or refused until data or an operator changes. */
export type SyncOutboxStatus = 'pending' | 'done' | 'failed';

/**
 * One change a connector must bring to its remote system, written in the transaction of the
 * change (migration 0039; the ESC Router's outbox before it).
 */
export interface SyncOutboxTable {
  id: Generated<number>;
  /** The connector that delivers it (`esc`, `crous`, …). */
  connector: string;
  /** The institution whose view of the person is to be brought to the remote system (with its settings and keys). */
  institutionId: number;
  personId: string;
  operation: Generated<string>;
  reason: string;
  target: JsonDefault<Record<string, string>>;
  status: Generated<SyncOutboxStatus>;
  attempts: Generated<number>;
  nextAttemptAt: Generated<Date>;
  lastErrorCode: string | null;
  lastErrorMessage: string | null;
  /** The remote system's HTTP status of the last failure, when it answered. */
  remoteStatus: number | null;
  result: Json<Record<string, unknown>> | null;
  supersededBy: number | null;
  /** The audit actor of the transaction that wrote the entry (column default). */
  createdBy: Generated<string>;
  createdAt: Generated<Date>;
  doneAt: Timestamp | null;
  replayedBy: string | null;
  replayedAt: Timestamp | null;
}

/** Something that may exist at a connector's remote system because campuscard sent it. */
export interface SyncRecordsTable {
  connector: string;
  /** The institution that sent it, with its own keys: remote systems keep institutions apart. */
  institutionId: number;
  personId: string;
  /** The connector's kind of remote object (`person`, `card`, `account`, …). */
  kind: string;
  identifier: string;
  /** Hash of the body the remote system confirmed; null while a call that may have created it is unconfirmed. */
  bodyHash: string | null;
  remoteStatus: string | null;
  confirmedAt: Timestamp | null;
  updatedAt: Generated<Date>;
}

/** One worker at a time per connector, institution and person, without a transaction held open during calls. */
export interface SyncLeasesTable {
  connector: string;
  institutionId: number;
  personId: string;
  owner: string;
  expiresAt: Timestamp;
}

/** The tables of the connector engine. */
export interface SyncTables {
  syncOutbox: SyncOutboxTable;
  syncRecords: SyncRecordsTable;
  syncLeases: SyncLeasesTable;
}
