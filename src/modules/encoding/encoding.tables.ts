import type { Generated } from 'kysely';
import type { Timestamp } from '../../platform/db/platform.tables.ts';

/** A one-time encoding session (migration 0048); only the secret's SHA-256 is stored. */
export interface EncodingSessionsTable {
  id: Generated<string>;
  cardId: string;
  institutionId: number;
  holderPersonType: string;
  secretHash: string;
  createdBy: string;
  createdAt: Generated<Date>;
  expiresAt: Timestamp;
  closedAt: Timestamp | null;
  closedBy: string | null;
  csn: string | null;
}

export interface EncodingTables {
  encodingSessions: EncodingSessionsTable;
}
