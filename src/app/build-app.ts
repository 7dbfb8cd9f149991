import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { installAccessControl } from '../platform/http/access.ts';
import { installCompression } from '../platform/http/compression.ts';
import { frameworkErrorHandler, installProblemHandlers } from '../platform/http/error-handler.ts';
import { installInputGuard } from '../platform/http/input-guard.ts';
import { apiDocsCsp, installSecurityHeaders } from '../platform/http/security-headers.ts';
import { installDateFormats } from '../platform/http/date-formats.ts';
import { createLazySchemaCompilers } from '../platform/http/schema-compilers.ts';
import { INSTITUTION_HEADER, SESSION_COOKIE, bearerToken } from '../modules/auth/auth.routes.ts';
import type { AppDeps, AppInstance } from './app-types.ts';
import { registerRoutes } from './routes.ts';

const PUBLIC_PLUGIN_PREFIXES = ['/api/docs'];

/**
 * Builds the HTTP application: problem+json errors, access rules on every route, sessions and
 * tokens, the OpenAPI document generated from the route schemas, metrics, health, and the routes
 * of every context. It does not listen; the caller does (or uses `inject` in tests).
 */
export async function buildApp(deps: AppDeps): Promise<AppInstance> {
  const schemaCompilers = createLazySchemaCompilers();
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: deps.config.bodyLimitBytes,
    // avvio's default of 10 s fails the boot of a loaded machine (seen: the OpenAPI UI plugin under
    // a load of 28 on 2 cores); a plugin that truly hangs still fails, a minute later.
    pluginTimeout: 60_000,
    trustProxy: deps.config.trustProxy,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && /^[\w-]{1,64}$/.test(given) ? given : randomUUID();
    },
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: true },
      onCreate: installDateFormats,
    },
    return503OnClosing: true,
    frameworkErrors: frameworkErrorHandler,
    // Each route schema compiles on its first use rather than at boot (a quarter of a restart).
    schemaController: { compilersFactory: schemaCompilers.compilersFactory },
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.decorate('compilePendingSchemas', schemaCompilers.compilePending);

  installProblemHandlers(app);
  installSecurityHeaders(app, { publicUrl: deps.config.publicUrl });
  installInputGuard(app);
  await installCompression(app);
  await app.register(cookie);
  await app.register(multipart, { limits: { fileSize: Math.max(deps.config.photoMaxBytes, 64 * 1024 * 1024), files: 1, fields: 20 } });
  installAccessControl(app, {
    resolvePrincipal: async (request) => {
      const header = request.headers[INSTITUTION_HEADER];
      const focus = typeof header === 'string' && header !== '' ? header : undefined;
      const token = bearerToken(request.headers.authorization);
      if (token) return deps.services.auth.principalFromToken(token, focus);
      const session = request.cookies[SESSION_COOKIE];
      return session ? deps.services.auth.principalFromSession(session, focus) : null;
    },
    checkCsrf: async (request) => {
      const header = request.headers['x-csrf-token'];
      deps.services.auth.checkCsrf(request.cookies[SESSION_COOKIE] ?? '', typeof header === 'string' ? header : undefined);
    },
    isPublicPluginRoute: (url) => PUBLIC_PLUGIN_PREFIXES.some((prefix) => url.startsWith(prefix)),
  });

  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    deps.metrics.httpDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'campuscard API',
        version: '1',
        description: 'Card office API: people, card requests and lifecycle, European Student Card, verification.',
      },
      servers: [{ url: deps.config.publicUrl }],
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          token: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { token: [] }],
    },
  });
  await app.register(swaggerUi, {
    routePrefix: '/api/docs',
    // No call to the public validator at validator.swagger.io: the docs stay on this host.
    uiConfig: { validatorUrl: null },
    staticCSP: true,
    transformStaticCSP: (header) => apiDocsCsp(header, deps.config.publicUrl),
  });

  app.get('/api/v1/openapi.json', { config: { access: { public: true } }, schema: { hide: true } }, async () => app.swagger());

  app.get('/healthz', { config: { access: { public: true } }, schema: { hide: true } }, async (_request, reply) => {
    if (!deps.isReady()) return reply.status(503).send({ status: 'starting' });
    return { status: 'ok', database: deps.database.kind };
  });

  app.get('/metrics', { config: { access: { roles: ['admin', 'viewer'] } }, schema: { hide: true } }, async (_request, reply) => {
    return reply.type('text/plain; version=0.0.4').send(await deps.metrics.render());
  });

  await registerRoutes(app, deps);
  return app;
}
