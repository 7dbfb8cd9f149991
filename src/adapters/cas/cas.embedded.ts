import formbody from '@fastify/formbody';
import type { AppInstance } from '../../app/app-types.ts';
import type { Config } from '../../config.ts';
import { DEMO_INSTITUTIONS } from '../../modules/demo/demo-seed.service.ts';
import { DEMO_SSO_USERS, demoSsoPassword } from '../../modules/demo/demo-sso-users.ts';
import type { SsoService } from '../../modules/sso/sso.service.ts';
import { DEMO_CAS_PATH, type CasMethodConfig } from '../../sso-methods.config.ts';
import { createCasSimulator, type CasSimulator } from './cas.simulator.ts';

/**
 * The CAS server of the demo (`npm start`): the simulator mounted inside campuscard itself at
 * `<PUBLIC_URL>/demo-idp/cas`, so a newcomer needs no second port, and it works wherever
 * campuscard is reached (a phone on the LAN, behind a proxy). It knows the demo SSO users
 * (src/modules/demo/demo-sso-users.ts) with this process's passwords, keeps tickets and SSO
 * sessions in memory, and serves only campuscard's own URLs (no ticket, no redirect elsewhere).
 * Back-channel calls (ticket validation, single logout) go through the app in-process
 * (`inject`): still the CAS protocol over HTTP semantics, without depending on the server
 * reaching its own public address.
 */

/** The id of the demo CAS method (added by the configuration in demo mode). */
export const EMBEDDED_CAS_METHOD_ID = 'cas-demo';

/** The demo CAS method, when this configuration has it pointing at the embedded server. */
export function embeddedCasMethod(config: Pick<Config, 'demo' | 'publicUrl' | 'ssoMethods'>): CasMethodConfig | undefined {
  if (!config.demo) return undefined;
  const method = config.ssoMethods.find((candidate) => candidate.id === EMBEDDED_CAS_METHOD_ID);
  return method?.protocol === 'cas' && method.casUrl === `${config.publicUrl}${DEMO_CAS_PATH}` ? method : undefined;
}

/** A `fetch` answered by the app itself: URLs under `publicUrl` become injected requests. */
export function injectFetch(app: AppInstance, publicUrl: string): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input instanceof Request ? input.url : input);
    const path = url.startsWith(`${publicUrl}/`) ? url.slice(publicUrl.length) : `${new URL(url).pathname}${new URL(url).search}`;
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, name) => { headers[name] = value; });
    const method = (init?.method ?? 'GET').toUpperCase();
    const answer = await app.inject({ method: method as 'GET', url: path, headers, ...(typeof init?.body === 'string' ? { payload: init.body } : {}) });
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) {
      for (const item of [value].flat()) if (item !== undefined) responseHeaders.append(name, String(item));
    }
    const empty = answer.statusCode === 204 || answer.statusCode === 304 || method === 'HEAD';
    return new Response(empty ? null : answer.rawPayload, { status: answer.statusCode, headers: responseHeaders });
  }) as typeof fetch;
}

/** The demo users as the simulator knows them, with this process's passwords. */
function simulatorUsers() {
  return DEMO_SSO_USERS.map((user) => ({
    username: user.uid,
    password: demoSsoPassword(user.uid),
    label: `${user.attributes.displayName?.[0] ?? user.uid} — ${user.purpose.fr}`,
    attributes: user.attributes,
  }));
}

/**
 * Mounts the demo CAS server at {@link DEMO_CAS_PATH} when the configuration has the demo method,
 * and answers the transport its method must use (for `casRoutes`); undefined otherwise.
 */
export async function mountEmbeddedCas(app: AppInstance, config: Config): Promise<{ simulator: CasSimulator; fetch: typeof fetch } | undefined> {
  if (!embeddedCasMethod(config)) return undefined;
  const transport = injectFetch(app, config.publicUrl);
  const simulator = createCasSimulator({
    users: simulatorUsers(),
    basePath: DEMO_CAS_PATH,
    // The service registry of the demo: campuscard's own URLs only.
    allowService: (service) => service.startsWith(`${config.publicUrl}/`),
    fetch: transport,
  });
  await app.register(async (scope) => {
    await scope.register(formbody, { bodyLimit: 16 * 1024 });
    scope.route({
      method: ['GET', 'POST'],
      url: `${DEMO_CAS_PATH}/*`,
      config: { access: { public: true } },
      schema: { hide: true },
      handler: async (request, reply) => {
        const url = new URL(request.url, 'http://embedded.invalid');
        const body = request.body as Record<string, string | string[]> | undefined;
        const form = new URLSearchParams();
        for (const [name, value] of Object.entries(body ?? {})) for (const item of [value].flat()) form.append(name, String(item));
        const answer = await simulator.respond({
          method: request.method,
          path: url.pathname.slice(DEMO_CAS_PATH.length),
          query: url.searchParams,
          cookie: request.headers.cookie,
          ...(request.method === 'POST' ? { form } : {}),
        });
        return reply.status(answer.status).headers(answer.headers).send(answer.body);
      },
    });
  });
  return { simulator, fetch: transport };
}

/**
 * Settings of the demo CAS method on a demo database (enabled, button wording, the demo
 * university, trusted attributes): inserted once, never over an admin's changes.
 */
export async function seedEmbeddedCasMethod(sso: SsoService): Promise<void> {
  await sso.seedDefaults([{
    id: EMBEDDED_CAS_METHOD_ID,
    enabled: true,
    label: { fr: 'Se connecter avec le CAS (démo)', en: 'Sign in with CAS (demo)' },
    institution: DEMO_INSTITUTIONS.university,
    trustedFields: ['firstName', 'lastName', 'email'],
    contact: 'Service des cartes de l’Université de Démonstration · cartes@univ-demo.fr',
  }], { actor: 'demo-seed' });
}
