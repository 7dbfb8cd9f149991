import { sql } from 'kysely';
import type { Executor } from '../db/database.ts';

/** A counter after one hit: how many hits its window has seen (capped) and when the window ends. */
export interface RateLimitCount {
  hits: number;
  /** Milliseconds until the window ends, by the database's clock (shared by every node). */
  resetsInMs: number;
}

/**
 * Counts one hit for `key` in its fixed window of `windowMs`, opening a new window when the last
 * one ended, in ONE statement: concurrent hits from any number of nodes serialise on the row, so
 * none is lost. The count stops at `cap` so that a flood cannot overflow it.
 */
export async function hitRateLimit(executor: Executor, key: Buffer, windowMs: number, cap: number): Promise<RateLimitCount> {
  const window = `${windowMs} milliseconds`;
  const { rows } = await sql<{ hits: number; resetsInMs: number }>`
    INSERT INTO rate_limits AS r (key, hits, resets_at) VALUES (${key}, 1, now() + ${window}::interval)
    ON CONFLICT (key) DO UPDATE SET
      hits = CASE WHEN r.resets_at <= now() THEN 1 ELSE least(r.hits, ${cap}::int) + 1 END,
      resets_at = CASE WHEN r.resets_at <= now() THEN now() + ${window}::interval ELSE r.resets_at END
    RETURNING hits, (extract(epoch FROM resets_at - now()) * 1000)::float8 AS resets_in_ms`.execute(executor);
  const row = rows[0] as { hits: number; resetsInMs: number };
  return { hits: row.hits, resetsInMs: row.resetsInMs };
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
