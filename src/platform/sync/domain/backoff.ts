/** Retry timing of the connector engine (pure). */

/** Backoff policy of retryable failures. */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

/** 15 s doubling up to an hour: an outage of a morning costs a few dozen attempts per person. */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 15_000, maxMs: 60 * 60_000 };

/**
 * Delay before attempt `attempt + 1` after `attempt` failures: exponential, capped, with "equal
 * jitter" (half fixed, half random) so that many persons failing together during an outage do
 * not all come back in the same second. `random` is in [0, 1). A Retry-After from the remote
 * system is honoured when longer.
 */
export function retryDelayMs(attempt: number, random: number, policy: BackoffPolicy = DEFAULT_BACKOFF, retryAfterMs?: number): number {
  const exponential = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, Math.min(30, attempt - 1)));
  const jittered = Math.round(exponential / 2 + (exponential / 2) * random);
  return Math.max(jittered, Math.min(policy.maxMs, retryAfterMs ?? 0));
}
