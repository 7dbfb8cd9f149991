import type { Generated } from 'kysely';
import type { Json, JsonDefault, Timestamp } from '../../platform/db/platform.tables.ts';

export type EscOutboxStatus = 'pending' | 'done' | 'failed';

export interface EscOutboxTable {
  id: Generated<number>;
  /** The institution whose view of the person is to be brought to the router (with its PIC and key). */
  institutionId: number;
  personId: string;
  operation: Generated<'sync_person'>;
  reason: string;
  target: JsonDefault<Record<string, string>>;
  status: Generated<EscOutboxStatus>;
  attempts: Generated<number>;
  nextAttemptAt: Generated<Date>;
  lastErrorCode: string | null;
  lastErrorMessage: string | null;
  routerStatus: number | null;
  result: Json<Record<string, unknown>> | null;
  supersededBy: number | null;
  /** The audit actor of the transaction that wrote the entry (column default). */
  createdBy: Generated<string>;
  createdAt: Generated<Date>;
  doneAt: Timestamp | null;
  replayedBy: string | null;
  replayedAt: Timestamp | null;
}

export interface EscRouterRecordsTable {
  /** The institution that sent it, with its key: the router keeps it apart from other institutions'. */
  institutionId: number;
  personId: string;
  kind: 'person' | 'card';
  identifier: string;
  bodyHash: string | null;
  routerStatus: string | null;
  confirmedAt: Timestamp | null;
  updatedAt: Generated<Date>;
}

export interface EscSyncLeasesTable {
  institutionId: number;
  personId: string;
  owner: string;
  expiresAt: Timestamp;
}

export interface EscTables {
  escOutbox: EscOutboxTable;
  escRouterRecords: EscRouterRecordsTable;
  escSyncLeases: EscSyncLeasesTable;
}
