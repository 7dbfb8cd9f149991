import { sql, type SqlBool } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import { inScope, type AccessScope } from '../../platform/db/scope-filter.ts';

const ENTRY_COLUMNS = ['id', 'at', 'actor', 'ip', 'tableName', 'operation', 'rowId', 'changes', 'institutionId'] as const;

/**
 * The condition "this entry may be read in `scope`": an entry filed under an institution (the
 * audited row's, see migration 0022) only within that institution's scope; an entry of no
 * institution (a person's identity, an account) by whoever may read the row it records.
 */
function readableIn(scope: AccessScope) {
  return sql<SqlBool>`(audit_log.institution_id IS NULL OR ${inScope(scope, { institution: 'audit_log.institution_id' })})`;
}

/** Audit entries of one row of one table within `scope`, oldest first. */
export async function entriesOfRow(db: Executor, tableName: string, rowId: string, scope: AccessScope, limit: number) {
  return db.selectFrom('auditLog').select(ENTRY_COLUMNS)
    .where('tableName', '=', tableName).where('rowId', '=', rowId).where(readableIn(scope))
    .orderBy('id').limit(limit).execute();
}

/**
 * Audit entries of a person within `scope`, oldest first: their record (identity) and their
 * enrolments (row ids `<person id>:<institution id>`, one index range of `audit_log_row_idx`).
 */
export async function entriesOfPerson(db: Executor, personId: string, scope: AccessScope, limit: number) {
  return db.selectFrom('auditLog').select(ENTRY_COLUMNS)
    .where(({ or, and, eb }) => or([
      and([eb('tableName', '=', 'persons'), eb('rowId', '=', personId)]),
      and([eb('tableName', '=', 'enrolments'), eb('rowId', '>', `${personId}:`), eb('rowId', '<', `${personId}:~`)]),
    ]))
    .where(readableIn(scope))
    .orderBy('id').limit(limit).execute();
}

/** Most recent audit entries within `scope`, optionally of one table, newest first, before a cursor id. */
export async function recentEntries(db: Executor, filter: { scope: AccessScope; tableName?: string; beforeId?: string; limit: number }) {
  let query = db.selectFrom('auditLog').select(ENTRY_COLUMNS).where(readableIn(filter.scope))
    .orderBy('id', 'desc').limit(filter.limit);
  if (filter.tableName) query = query.where('tableName', '=', filter.tableName);
  if (filter.beforeId) query = query.where('id', '<', filter.beforeId);
  return query.execute();
}
