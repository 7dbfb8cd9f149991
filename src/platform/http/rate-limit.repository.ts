import { sql } from 'kysely';
import type { Executor } from '../db/database.ts';

/** A lease taken from a window: how many requests it allows and when the window ends. */
export interface RateLimitLease {
  /** Requests handed out by this statement: 0 when the window's budget is spent. */
  granted: number;
  /** Milliseconds until the window ends, by the database's clock (shared by every node). */
  resetsInMs: number;
}

/**
 * Takes up to `lease` requests of budget for `key` from its fixed window of `windowMs` (opening
 * a new window when the last one ended), never handing out more than `max` per window in total,
 * in ONE statement: concurrent leases from any number of nodes serialise on the row, so the
 * window's total never exceeds `max`.
 */
export async function leaseRateLimit(executor: Executor, key: Buffer, windowMs: number, max: number, lease: number): Promise<RateLimitLease> {
  const window = `${windowMs} milliseconds`;
  const first = Math.min(lease, max);
  const { rows } = await sql<{ granted: number; resetsInMs: number }>`
    INSERT INTO rate_limits AS r (key, hits, granted, resets_at) VALUES (${key}, ${first}::int, ${first}::int, now() + ${window}::interval)
    ON CONFLICT (key) DO UPDATE SET
      granted = CASE WHEN r.resets_at <= now() THEN ${first}::int ELSE greatest(0, least(${lease}::int, ${max}::int - r.hits)) END,
      hits = CASE WHEN r.resets_at <= now() THEN ${first}::int ELSE least(r.hits + ${lease}::int, greatest(r.hits, ${max}::int)) END,
      resets_at = CASE WHEN r.resets_at <= now() THEN now() + ${window}::interval ELSE r.resets_at END
    RETURNING granted, (extract(epoch FROM resets_at - now()) * 1000)::float8 AS resets_in_ms`.execute(executor);
  const row = rows[0] as { granted: number; resetsInMs: number };
  return { granted: row.granted, resetsInMs: row.resetsInMs };
}

/** Deletes the counters whose window ended (they would restart from one anyway). */
export async function purgeRateLimits(executor: Executor): Promise<number> {
  const result = await sql`DELETE FROM rate_limits WHERE resets_at <= now()`.execute(executor);
  return Number(result.numAffectedRows ?? 0);
}

/** The installation's HMAC key for client keys (created by the migration). */
export async function rateLimitSecret(executor: Executor): Promise<string> {
  const { rows } = await sql<{ secret: string }>`SELECT secret FROM rate_limit_secret`.execute(executor);
  const row = rows[0];
  if (!row) throw new Error('rate_limit_secret is empty: migration 0015 did not run');
  return row.secret;
}
