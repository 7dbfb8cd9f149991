import { createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Database } from '../db/schema.ts';
import { leaseRateLimit, purgeRateLimits, rateLimitSecret } from './rate-limit.repository.ts';

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

/** A lease is this fraction of a window's budget (at least one request). */
const LEASE_DIVISOR = 20;

/** Clients whose lease a node remembers; past it the oldest are forgotten (their unused budget is lost, never gained). */
const MAX_LEASES = 50_000;

/** What this node holds of one client's window. */
interface Lease {
  /** Requests it may still allow without asking the database. */
  remaining: number;
  /** When the window ends, on this node's clock. */
  resetsAt: number;
  /** The database said the whole window is spent (on every node): refuse until it ends. */
  spent: boolean;
}

/** Budget leased per database statement for a limit: 5% of the window's, at least 1. */
export function leaseSize(max: number): number {
  return Math.max(1, Math.floor(max / LEASE_DIVISOR));
}

/**
 * Rate-limit counters kept in the database, so that a limit holds across every node and across
 * restarts, on an unlogged table. Clients are stored by an HMAC of their address under a
 * per-installation secret, never in clear.
 *
 * A node does not write once per request: it takes budget in leases of {@link leaseSize} requests
 * (one statement, see {@link leaseRateLimit}) and spends them locally, and once the database says
 * a window is spent it refuses locally until the window ends. Invariant: the requests allowed in a
 * window, over all nodes, never exceed `max`, because budget is debited before it is spent. The
 * price: budget a node leased and the client did not spend there is lost for that window, so a
 * client whose requests alternate between nodes may be refused up to (nodes − 1) × (lease − 1)
 * requests early; a restart forgets a node's leases the same way.
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

  const leases = new Map<string, Lease>();
  // One lease request per client at a time: concurrent requests of a client wait for it rather
  // than each leasing more budget to this node.
  const pending = new Map<string, Promise<void>>();

  function forgetEnded(now: number): void {
    for (const [id, lease] of leases) if (lease.resetsAt <= now) leases.delete(id);
  }

  function remember(id: string, lease: Lease): void {
    leases.delete(id);
    leases.set(id, lease);
    if (leases.size <= MAX_LEASES) return;
    forgetEnded(Date.now());
    for (const oldest of leases.keys()) {
      if (leases.size <= MAX_LEASES) break;
      leases.delete(oldest);
    }
  }

  async function takeLease(id: string, limit: RateLimit, client: string): Promise<void> {
    const key = createHmac('sha256', await secretOnce()).update(`${limit.name}\0${client}`).digest().subarray(0, 16);
    const taken = await leaseRateLimit(db, key, limit.windowMs, limit.max, leaseSize(limit.max));
    remember(id, { remaining: taken.granted, resetsAt: Date.now() + taken.resetsInMs, spent: taken.granted === 0 });
  }

  const purge = setInterval(() => {
    forgetEnded(Date.now());
    purgeRateLimits(db).catch(() => undefined);
  }, options.purgeEveryMs ?? PURGE_EVERY_MS);
  purge.unref();

  return {
    /** Counts one request of `client` (its address) against `limit` and says whether it may proceed. */
    async hit(limit: RateLimit, client: string): Promise<RateLimitDecision> {
      const id = `${limit.name}\0${client}`;
      for (;;) {
        const now = Date.now();
        const lease = leases.get(id);
        if (lease && lease.resetsAt > now) {
          const retryAfterSeconds = Math.max(1, Math.ceil((lease.resetsAt - now) / 1000));
          if (lease.remaining > 0) {
            lease.remaining -= 1;
            return { allowed: true, retryAfterSeconds };
          }
          if (lease.spent) return { allowed: false, retryAfterSeconds };
        }
        let taking = pending.get(id);
        if (!taking) {
          taking = takeLease(id, limit, client).finally(() => pending.delete(id));
          pending.set(id, taking);
        }
        await taking;
      }
    },

    /** Deletes ended windows now (the store also does it periodically). */
    purge(): Promise<number> {
      forgetEnded(Date.now());
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
