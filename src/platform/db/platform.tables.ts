import type { ColumnType, Generated } from 'kysely';

/** A timestamp read as Date, written as Date or ISO string. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** JSON stored in jsonb: read as parsed value, written as a JSON string or value. */
export type Json<T> = ColumnType<T, T | string, T | string>;
/** A jsonb column with a database default: optional on insert. */
export type JsonDefault<T> = ColumnType<T, T | string | undefined, T | string>;

export interface AuditLogTable {
  id: Generated<string>;
  at: Generated<Date>;
  actor: string;
  ip: string | null;
  requestId: string | null;
  tableName: string;
  operation: 'INSERT' | 'UPDATE' | 'DELETE';
  rowId: string | null;
  changes: Json<Record<string, unknown>>;
  /** The institution of the audited row (set by the triggers, see migration 0022); null: none. */
  institutionId: Generated<number | null>;
}

export interface JobRunsTable {
  id: Generated<string>;
  kind: string;
  status: Generated<'queued' | 'running' | 'succeeded' | 'failed'>;
  progressCurrent: Generated<number>;
  progressTotal: number | null;
  message: string | null;
  params: JsonDefault<Record<string, unknown>>;
  result: Json<Record<string, unknown>> | null;
  error: Json<Record<string, unknown>> | null;
  createdBy: string;
  /** The institution whose data the run works on; null: the whole deployment. */
  institutionId: number | null;
  createdAt: Generated<Date>;
  startedAt: Timestamp | null;
  finishedAt: Timestamp | null;
  heartbeatAt: Timestamp | null;
  holder: string | null;
  attempt: Generated<number>;
  queueName: string | null;
  queueJobId: string | null;
  recovery: Json<Record<string, unknown>> | null;
}

export interface PlatformTables {
  auditLog: AuditLogTable;
  jobRuns: JobRunsTable;
}
