import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';
import * as repo from './audit.repository.ts';

export interface AuditEntryView {
  id: string;
  at: string;
  actor: string;
  ip: string | null;
  table: string;
  operation: string;
  rowId: string | null;
  changes: Record<string, unknown>;
}

type Row = Awaited<ReturnType<typeof repo.recentEntries>>[number];

function view(row: Row): AuditEntryView {
  return {
    id: String(row.id),
    at: row.at.toISOString(),
    actor: row.actor,
    ip: row.ip,
    table: row.tableName,
    operation: row.operation,
    rowId: row.rowId,
    changes: row.changes,
  };
}

/**
 * Read access to the audit log. Writing is done by database triggers on every audited table,
 * attributed to the actor of the transaction (see inTransaction); nothing here can change it.
 */
export function createAuditService(db: Kysely<Database>) {
  return {
    /** Everything that happened to one row (a person, a card), oldest first. */
    async historyOf(tableName: string, rowId: string, limit = 500): Promise<AuditEntryView[]> {
      return (await repo.entriesOfRow(db, tableName, rowId, limit)).map(view);
    },
    /** Latest entries, newest first, paged by id cursor. */
    async recent(filter: { table?: string; before?: string; limit?: number }): Promise<AuditEntryView[]> {
      return (await repo.recentEntries(db, {
        ...(filter.table ? { tableName: filter.table } : {}),
        ...(filter.before ? { beforeId: filter.before } : {}),
        limit: filter.limit ?? 100,
      })).map(view);
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
