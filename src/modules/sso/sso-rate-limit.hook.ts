import type { FastifyRequest } from 'fastify';
import type { AppDeps, AppInstance } from '../../app/app-types.ts';
import { ProblemError } from '../../platform/http/problem.ts';
import { createRateLimitStore, rateLimitHook } from '../../platform/http/rate-limit-store.ts';

/** The stable code of a refused login start or callback. */
export const SSO_RATE_LIMITED_CODE = 'sso_rate_limited';

/**
 * The browser-facing steps of single sign-on (GET /auth/sso/<id>/login and /callback, POST
 * /auth/sso/<id>/acs): each writes a pending login or exchanges a code with the provider, so a
 * client looping on them costs database rows and outbound requests. Server-to-server messages
 * (CAS single logout POSTed to the callback, SAML SLO, OIDC back-channel logout) are not counted:
 * one IdP address sends them for everybody.
 */
function isLimited(request: FastifyRequest): boolean {
  const url = request.routeOptions.url ?? '';
  if (!url.startsWith('/auth/sso/')) return false;
  if (request.method === 'GET') return url.endsWith('/login') || url.endsWith('/callback');
  return request.method === 'POST' && url.endsWith('/acs');
}

/**
 * Applies SSO_RATE_LIMIT_PER_MINUTE per client address to the SSO routes registered in `scope`
 * after this call, with the PostgreSQL-backed counters the verification page uses (they hold
 * across nodes and restarts). One budget for every method and step: a login is two requests
 * (start, callback). The limit is per address, and a campus NAT puts many people behind one, so
 * the default (300 a minute) is far above one person's need yet stops a loop. A refused request
 * is a 429 problem+json `sso_rate_limited` with Retry-After.
 */
export function limitSsoRate(scope: AppInstance, deps: AppDeps): void {
  const store = createRateLimitStore(deps.database.db);
  scope.addHook('onClose', async () => store.close());
  const limit = rateLimitHook(store, { name: 'sso-login', max: deps.config.ssoRateLimitPerMinute, windowMs: 60_000 }, (_request, _reply, retryAfter) => {
    throw new ProblemError(429, SSO_RATE_LIMITED_CODE, `Too many sign-in requests from this address; try again in ${retryAfter} s`);
  });
  scope.addHook('onRequest', async (request, reply) => (isLimited(request) ? limit(request, reply) : undefined));
}
