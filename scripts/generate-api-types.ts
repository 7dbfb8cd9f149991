/**
 * Writes web/src/api/openapi.gen.ts: the TypeScript types of the API, generated from the OpenAPI
 * document the server builds from its TypeBox route schemas. Run `npm run gen:api` after changing
 * a route schema; test/platform/api-types.test.ts fails while the committed file is stale.
 *
 * The app is built in-process without a database: route modules only read their dependencies when
 * a request comes in, so every dependency but the configuration is a stand-in that fails loudly if
 * anything calls it while the document is built.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';
import { loadConfig } from '../src/config.ts';
import { buildApp } from '../src/app/build-app.ts';
import type { AppDeps } from '../src/app/app-types.ts';

/** Where the generated types live, relative to the repository root. */
export const API_TYPES_PATH = 'web/src/api/openapi.gen.ts';

const HEADER = `/**
 * GENERATED FILE, DO NOT EDIT. The API's types, from the OpenAPI document the server builds out
 * of its TypeBox route schemas (src/modules/<context>/*.routes.ts). Regenerate with
 * \`npm run gen:api\` (scripts/generate-api-types.ts); test/platform/api-types.test.ts fails
 * when this file is stale.
 * The web app reads it through the helpers in web/src/api/api-types.ts.
 */
`;

/**
 * A stand-in for a runtime dependency: any property read gives another stand-in (route modules
 * destructure services when they register), and any call throws, naming what was called, except
 * `register…` calls: route plugins may plug a handler into a service as they register (the SSO
 * protocols tell services.sso how to end an IdP session), which reads nothing.
 */
function unavailable(name: string): never {
  const target: () => void = function standIn() {};
  return new Proxy(target, {
    get: (_target, property) => (typeof property === 'symbol' ? undefined : unavailable(`${name}.${property}`)),
    apply: () => {
      if (/\.register[A-Z]\w*$/.test(name)) return undefined;
      throw new Error(`${name}() was called while generating the API types; route registration must not use it`);
    },
  }) as never;
}

/** The server's OpenAPI document, built without a database or network. */
export async function buildOpenApiDocument(): Promise<OpenAPI3> {
  const deps: AppDeps = {
    // Fixed configuration, not the environment: the document must not depend on who generates it.
    config: loadConfig({ DEMO: 'false' }),
    logger: pino({ level: 'silent' }),
    database: unavailable('database'),
    jobs: unavailable('jobs'),
    metrics: unavailable('metrics'),
    services: unavailable('services'),
    isReady: () => false,
  };
  const app = await buildApp(deps);
  try {
    await app.ready();
    return app.swagger() as OpenAPI3;
  } finally {
    await app.close();
  }
}

/** The text of web/src/api/openapi.gen.ts, the same on every machine for the same route schemas. */
export async function generateApiTypes(): Promise<string> {
  const nodes = await openapiTS(await buildOpenApiDocument(), { silent: true });
  return `${HEADER}\n${astToString(nodes).trim()}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const target = fileURLToPath(new URL(`../${API_TYPES_PATH}`, import.meta.url));
  writeFileSync(target, await generateApiTypes());
  console.log(`wrote ${API_TYPES_PATH}`);
}
