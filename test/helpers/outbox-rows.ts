/**
 * Outbox entries written straight into `sync_outbox`, in states the engine would take minutes or
 * a failing remote system to reach (retrying, failed with a remote status, done with a result), for
 * the operator pages' tests. Entries are institution 1's, created five minutes ago and not due
 * for an hour, so no worker picks them up during a test.
 */
import { sql } from 'kysely';
import type { Executor } from '../../src/platform/db/database.ts';

/** One entry: its connector, subject (person or endpoint id), what it does and where it stands. */
export interface OutboxRow {
  connector: string;
  subject: string;
  operation: string;
  reason: string;
  status: 'pending' | 'done' | 'failed';
  attempts: number;
  error?: { code: string; message: string; status: number } | null;
  target?: Record<string, unknown>;
  result?: Record<string, unknown>;
}

/** Inserts the entry and returns its id. */
export async function insertOutboxRow(db: Executor, row: OutboxRow): Promise<number> {
  const result = await sql<{ id: number | string }>`INSERT INTO sync_outbox (connector, institution_id, person_id, operation, reason, target, result, status, attempts,
      last_error_code, last_error_message, remote_status, next_attempt_at, done_at, created_at)
    VALUES (${row.connector}, 1, ${row.subject}, ${row.operation}, ${row.reason}, ${JSON.stringify(row.target ?? null)}::jsonb,
      ${row.result ? JSON.stringify(row.result) : null}::jsonb, ${row.status}, ${row.attempts},
      ${row.error?.code ?? null}, ${row.error?.message ?? null}, ${row.error?.status ?? null}, now() + interval '1 hour',
      ${row.status === 'done' ? sql`now()` : sql`NULL`}, now() - interval '5 minutes')
    RETURNING id`.execute(db);
  return Number(result.rows[0]?.id);
}
