import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal, Role } from '../../modules/auth/domain/roles.ts';
import { forbidden, unauthorized } from './problem.ts';

/**
 * Every route declares who may call it, in `config.access`:
 * - `{ public: true }` anybody, no login (verification, login, health);
 * - `{ roles: 'authenticated' }` any logged-in person or token (finer checks in the service);
 * - `{ roles: [...] }` only these roles.
 * A route without a rule makes the server refuse to start, so none can be forgotten.
 */
export type AccessRule = { public: true } | { roles: 'authenticated' | readonly Role[] };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: AccessRule;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyInstance {
    /** Every route and its access rule, for the authorization test matrix and the docs. */
    accessRules: RouteAccess[];
  }
}

export interface RouteAccess {
  method: string;
  url: string;
  access: AccessRule;
}

export interface AccessOptions {
  /** Resolves the caller from a session cookie or bearer token; null when none is valid. */
  resolvePrincipal(request: FastifyRequest): Promise<Principal | null>;
  /** Checks the CSRF token of a cookie-authenticated write; throws a ProblemError when wrong. */
  checkCsrf(request: FastifyRequest, principal: Principal): Promise<void>;
  /**
   * Routes added by third-party plugins (API docs, static UI files) cannot carry our config:
   * those whose URL this accepts are public, explicitly. Anything else without a rule is refused.
   */
  isPublicPluginRoute(url: string): boolean;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Installs the access-rule enforcement on an app. Must be called before routes are added. */
export function installAccessControl(app: FastifyInstance, options: AccessOptions): void {
  app.decorateRequest('principal', null);
  const rules: RouteAccess[] = [];
  app.decorate('accessRules', rules);
  app.addHook('onRoute', (route) => {
    let access = (route.config as { access?: AccessRule } | undefined)?.access;
    if (!access && options.isPublicPluginRoute(route.url)) {
      access = { public: true };
      route.config = { ...(route.config ?? {}), access };
    }
    if (!access) {
      throw new Error(`Route ${String(route.method)} ${route.url} has no access rule (config.access)`);
    }
    for (const method of [route.method].flat()) rules.push({ method: String(method), url: route.url, access });
  });
  // onRequest: the caller is known before the body is even parsed, so anonymous calls never
  // learn anything from validation errors.
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access;
    if (!access || 'public' in access) {
      // Public routes still learn who is calling when credentials come along (e.g. /auth/session).
      if (access && (request.headers.cookie || request.headers.authorization)) {
        request.principal = await options.resolvePrincipal(request);
      }
      return;
    }
    const principal = await options.resolvePrincipal(request);
    if (!principal) throw unauthorized();
    if (principal.kind === 'session' && !SAFE_METHODS.has(request.method)) {
      await options.checkCsrf(request, principal);
    }
    if (access.roles !== 'authenticated' && !access.roles.includes(principal.role)) {
      throw forbidden(`This requires one of the roles: ${access.roles.join(', ')}`);
    }
    request.principal = principal;
  });
}

/** The caller of a route whose access rule requires authentication. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw unauthorized();
  return request.principal;
}
