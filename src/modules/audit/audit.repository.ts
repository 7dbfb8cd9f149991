import type { Executor } from '../../platform/db/database.ts';

/** Audit entries of one row of one table, oldest first. */
export async function entriesOfRow(db: Executor, tableName: string, rowId: string, limit: number) {
  return db.selectFrom('auditLog').select(['id', 'at', 'actor', 'ip', 'tableName', 'operation', 'rowId', 'changes'])
    .where('tableName', '=', tableName).where('rowId', '=', rowId).orderBy('id').limit(limit).execute();
}

/** Most recent audit entries, optionally of one table, newest first, before a cursor id. */
export async function recentEntries(db: Executor, filter: { tableName?: string; beforeId?: string; limit: number }) {
  let query = db.selectFrom('auditLog').select(['id', 'at', 'actor', 'ip', 'tableName', 'operation', 'rowId', 'changes'])
    .orderBy('id', 'desc').limit(filter.limit);
  if (filter.tableName) query = query.where('tableName', '=', filter.tableName);
  if (filter.beforeId) query = query.where('id', '<', filter.beforeId);
  return query.execute();
}
