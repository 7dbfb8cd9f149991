import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';
import { WHOLE_DEPLOYMENT, type AccessScope } from '../../platform/db/scope-filter.ts';
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
 * attributed to the actor of the transaction (see inTransaction) and filed under the institution
 * of the row written (migration 0022); nothing here can change it.
 *
 * Every read takes the caller's scope and filters in the query: an entry about an institution's
 * data (an enrolment, a card, a mail, the institution itself, and what a person record held of
 * the first institution before enrolments existed) is read only within that institution's scope;
 * an entry of no institution (a person's identity) by anyone allowed to read its row. The scope
 * defaults to the whole deployment for system work (the GDPR export of a person).
 */
export function createAuditService(db: Kysely<Database>) {
  return {
    /** Everything that happened to one row (a card, an account) within `scope`, oldest first. */
    async historyOf(tableName: string, rowId: string, options: { scope?: AccessScope; limit?: number } = {}): Promise<AuditEntryView[]> {
      return (await repo.entriesOfRow(db, tableName, rowId, options.scope ?? WHOLE_DEPLOYMENT, options.limit ?? 500)).map(view);
    },
    /**
     * A person's history within `scope`, oldest first: changes of their record and of their
     * enrolments at the institutions in scope (a manager of one institution never reads another's
     * student number or person type there).
     */
    async personHistory(personId: string, options: { scope?: AccessScope; limit?: number } = {}): Promise<AuditEntryView[]> {
      return (await repo.entriesOfPerson(db, personId, options.scope ?? WHOLE_DEPLOYMENT, options.limit ?? 500)).map(view);
    },
    /** Latest entries within `scope`, newest first, paged by id cursor. */
    async recent(filter: { scope: AccessScope; table?: string; before?: string; limit?: number }): Promise<AuditEntryView[]> {
      return (await repo.recentEntries(db, {
        scope: filter.scope,
        ...(filter.table ? { tableName: filter.table } : {}),
        ...(filter.before ? { beforeId: filter.before } : {}),
        limit: filter.limit ?? 100,
      })).map(view);
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
