import { createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Database } from '../db/schema.ts';
import { hitRateLimit, purgeRateLimits, rateLimitSecret } from './rate-limit.repository.ts';

/** A limit: at most `max` requests per client in each window of `windowMs`. */
export interface RateLimit {
  /** Distinguishes the counters of different limits for the same client. */
  name: string;
  max: number;
  windowMs: number;
}

/** What one request is told. */
export interface RateLimitDecision {
  allowed: boolean;
  /** Seconds until the client's window ends (at least 1): the `Retry-After` of a 429. */
  retryAfterSeconds: number;
}

/** How often ended windows are deleted (each node does it; deleting twice is harmless). */
const PURGE_EVERY_MS = 5 * 60_000;

/**
 * Rate-limit counters kept in the database, so that a limit holds across every node and across
 * restarts: one statement per request (see {@link hitRateLimit}), on an unlogged table. Clients
 * are stored by an HMAC of their address under a per-installation secret, never in clear.
 * Call {@link RateLimitStore.close} on shutdown to stop the periodic purge.
 */
export function createRateLimitStore(db: Kysely<Database>, options: { purgeEveryMs?: number } = {}) {
  let secret: Promise<string> | undefined;
  function secretOnce(): Promise<string> {
    if (!secret) {
      const loading = rateLimitSecret(db);
      secret = loading;
      loading.catch(() => {
        if (secret === loading) secret = undefined;
      });
    }
    return secret;
  }

  const purge = setInterval(() => {
    purgeRateLimits(db).catch(() => undefined);
  }, options.purgeEveryMs ?? PURGE_EVERY_MS);
  purge.unref();

  return {
    /** Counts one request of `client` (its address) against `limit` and says whether it may proceed. */
    async hit(limit: RateLimit, client: string): Promise<RateLimitDecision> {
      const key = createHmac('sha256', await secretOnce()).update(`${limit.name}\0${client}`).digest().subarray(0, 16);
      const count = await hitRateLimit(db, key, limit.windowMs, limit.max);
      return { allowed: count.hits <= limit.max, retryAfterSeconds: Math.max(1, Math.ceil(count.resetsInMs / 1000)) };
    },

    /** Deletes ended windows now (the store also does it periodically). */
    purge(): Promise<number> {
      return purgeRateLimits(db);
    },

    close(): void {
      clearInterval(purge);
    },
  };
}

export type RateLimitStore = ReturnType<typeof createRateLimitStore>;

/**
 * An `onRequest` hook applying `limit` per client address (`request.ip`, which honours
 * TRUST_PROXY). A refused request gets `Retry-After` and whatever `refuse` answers (problem+json
 * for an API, an HTML page for a page); the route handler does not run.
 */
export function rateLimitHook(
  store: RateLimitStore,
  limit: RateLimit,
  refuse: (request: FastifyRequest, reply: FastifyReply, retryAfterSeconds: number) => FastifyReply | Promise<FastifyReply>,
) {
  return async function limitRate(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    const decision = await store.hit(limit, request.ip);
    if (decision.allowed) return undefined;
    void reply.header('retry-after', String(decision.retryAfterSeconds));
    return refuse(request, reply, decision.retryAfterSeconds);
  };
}
