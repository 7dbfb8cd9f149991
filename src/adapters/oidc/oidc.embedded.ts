import { generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { CustomFetch } from 'openid-client';
import type { AppInstance } from '../../app/app-types.ts';
import type { Config } from '../../config.ts';
import { DEMO_INSTITUTIONS } from '../../modules/demo/demo-seed.service.ts';
import { DEMO_SSO_USERS, demoSsoPassword } from '../../modules/demo/demo-sso-users.ts';
import { OIDC_CLAIMS } from '../../modules/sso/domain/sso-attributes.ts';
import type { SsoService } from '../../modules/sso/sso.service.ts';
import { DEMO_OIDC_CLIENT, DEMO_OIDC_PATH, type OidcMethodConfig } from '../../sso-methods.config.ts';
import { injectFetch } from '../cas/cas.embedded.ts';
import { createOidcProvider, type OidcProviderUser } from './oidc.provider.ts';

/**
 * The OpenID provider of the demo (`npm start`): the real oidc-provider mounted inside campuscard
 * at `<PUBLIC_URL>/demo-idp/oidc`, like the demo CAS server, so a newcomer needs no second port.
 * It knows the demo SSO users (src/modules/demo/demo-sso-users.ts) with this process's passwords
 * and campuscard as its only client. campuscard's own calls to it (discovery, token, userinfo,
 * keys) go through the app in-process; the provider's back-channel logout reaches campuscard at
 * PUBLIC_URL over HTTP (oidc-provider makes that call itself).
 */

/** The id of the demo OpenID Connect method (added by the configuration in demo mode). */
export const EMBEDDED_OIDC_METHOD_ID = 'oidc-demo';

/** Attributes that are lists by nature: released as JSON arrays even with one value. */
const MULTI_VALUED = new Set(['eduPersonAffiliation', 'isMemberOf']);

/** The demo OIDC method, when this configuration has it pointing at the embedded provider. */
export function embeddedOidcMethod(config: Pick<Config, 'demo' | 'publicUrl' | 'ssoMethods'>): OidcMethodConfig | undefined {
  if (!config.demo) return undefined;
  const method = config.ssoMethods.find((candidate) => candidate.id === EMBEDDED_OIDC_METHOD_ID);
  return method?.protocol === 'oidc' && method.issuer === `${config.publicUrl}${DEMO_OIDC_PATH}`
    && method.clientId === DEMO_OIDC_CLIENT.clientId ? method as OidcMethodConfig : undefined;
}

const generateRsaKeyPair = promisify(generateKeyPair);

/** The demo provider's signing key, being generated since {@link prepareEmbeddedOidc}. */
let pendingSigningKey: Promise<KeyObject> | undefined;

async function rsaSigningKey(): Promise<KeyObject> {
  const { privateKey } = await generateRsaKeyPair('rsa', { modulusLength: 2048 });
  return privateKey;
}

/**
 * Starts generating the demo provider's RSA signing key in the thread pool when this
 * configuration mounts the provider: 160 ms of CPU that the server's start, which opens the
 * database meanwhile, then does not wait for (the mount generates the key itself otherwise).
 */
export function prepareEmbeddedOidc(config: Pick<Config, 'demo' | 'publicUrl' | 'ssoMethods'>): void {
  if (!embeddedOidcMethod(config) || pendingSigningKey) return;
  pendingSigningKey = rsaSigningKey();
  // A failure is reported by the mount that awaits it, not as an unhandled rejection before.
  pendingSigningKey.catch(() => undefined);
}

/**
 * Canonical attributes as OpenID claims: the standard claim where one exists (`email`,
 * `given_name`, `groups`…), else the SupAnn / eduPerson name itself (as SATOSA releases them).
 */
export function attributesToClaims(attributes: Readonly<Record<string, readonly string[]>>): Record<string, string | string[]> {
  const claimOf = new Map<string, string>();
  for (const [claim, canonical] of Object.entries(OIDC_CLAIMS)) if (!claimOf.has(canonical)) claimOf.set(canonical, claim);
  const claims: Record<string, string | string[]> = {};
  for (const [name, values] of Object.entries(attributes)) {
    if (values.length === 0) continue;
    claims[claimOf.get(name) ?? name] = MULTI_VALUED.has(name) || values.length > 1 ? [...values] : values[0] as string;
  }
  return claims;
}

function providerUsers(): OidcProviderUser[] {
  return DEMO_SSO_USERS.map((user) => ({
    username: user.uid,
    password: demoSsoPassword(user.uid),
    claims: attributesToClaims(user.attributes),
  }));
}

/**
 * Mounts the demo provider at {@link DEMO_OIDC_PATH} when the configuration has the demo method,
 * and answers the transport its method must use (for `oidcRoutes`); undefined otherwise.
 */
export async function mountEmbeddedOidc(app: AppInstance, config: Config): Promise<{ fetch: CustomFetch } | undefined> {
  if (!embeddedOidcMethod(config)) return undefined;
  const base = `${config.publicUrl}/auth/sso/${EMBEDDED_OIDC_METHOD_ID}`;
  // Taken once, before waiting for it: another app of this process generates its own.
  const pending = pendingSigningKey ?? rsaSigningKey();
  pendingSigningKey = undefined;
  const signingKey = await pending;
  const provider = createOidcProvider(`${config.publicUrl}${DEMO_OIDC_PATH}`, {
    signingKey,
    users: providerUsers(),
    clients: [{
      ...DEMO_OIDC_CLIENT,
      redirectUris: [`${base}/callback`],
      postLogoutRedirectUris: [`${config.publicUrl}/login`],
      backchannelLogoutUri: `${base}/backchannel-logout`,
    }],
    showUsersOnLoginPage: true,
  });
  await app.register(async (scope) => {
    // The provider reads request bodies itself (token endpoint, login form): Fastify leaves them unread.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
    scope.route({
      method: ['GET', 'POST'],
      url: `${DEMO_OIDC_PATH}/*`,
      config: { access: { public: true } },
      schema: { hide: true },
      handler: async (request, reply) => {
        reply.hijack();
        provider.handle(request.raw, reply.raw);
      },
    });
  });
  const inject = injectFetch(app, config.publicUrl);
  const host = new URL(config.publicUrl).host;
  // The provider builds its endpoint URLs from the Host header: campuscard's calls name PUBLIC_URL's.
  const transport: CustomFetch = (url, options) => inject(url, {
    method: options.method,
    headers: { ...options.headers, host },
    ...(options.body !== undefined && options.body !== null ? { body: String(options.body) } : {}),
  });
  return { fetch: transport };
}

/**
 * Settings of the demo OIDC method on a demo database (enabled, button wording, the demo
 * university, trusted attributes): inserted once, never over an admin's changes.
 */
export async function seedEmbeddedOidcMethod(sso: SsoService): Promise<void> {
  await sso.seedDefaults([{
    id: EMBEDDED_OIDC_METHOD_ID,
    enabled: true,
    label: { fr: 'Se connecter avec OpenID Connect (démo)', en: 'Sign in with OpenID Connect (demo)' },
    institution: DEMO_INSTITUTIONS.university,
    trustedFields: ['firstName', 'lastName', 'email'],
    contact: 'Service des cartes de l’Université de Démonstration · cartes@univ-demo.fr',
  }], { actor: 'demo-seed' });
}
