import formbody from '@fastify/formbody';
import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import type { CustomFetch } from 'openid-client';
import type { AppDeps, AppInstance } from '../../app/app-types.ts';
import type { OidcMethodConfig } from '../../sso-methods.config.ts';
import { createOidcClient, OidcError, type OidcClient, type OidcErrorCode } from '../../adapters/oidc/oidc.client.ts';
import { badRequest } from '../../platform/http/problem.ts';
import { errorResponses } from '../../platform/http/schemas.ts';
import { claimsToAttributes } from './domain/sso-attributes.ts';
import { replyWithOutcome, requestLocale, type SsoLocale } from './sso-outcome.reply.ts';
import { bindBrowser, browserBindingOf, clearBrowserBinding, replyBrowserMismatch } from './sso-browser.binding.ts';

/**
 * OpenID Connect login methods: `/auth/sso/<id>/login` (to the provider), `/callback` (the
 * redirect URI: code exchange, ID token checks, then the SSO core), `/backchannel-logout` (the
 * provider ends sessions). Routes are static per configured method, so CAS and SAML methods
 * register theirs side by side. Browser-facing: failures are HTML pages (French and English),
 * never JSON, except the back-channel endpoint, which answers the provider.
 */

/**
 * Session keys name what a back-channel logout token names: the provider's session (`sid`) when
 * it sent one at login, else the subject. Prefixed so that a sid can never match a sub.
 */
function sessionKeyFor(login: { sid: string | undefined; sub: string }): string {
  return login.sid ? `sid:${login.sid}` : `sub:${login.sub}`;
}

/** Codes with their own wording on the failure page (others get the default one). */
export const OIDC_FAILURE_CODES = ['oidc_login_unknown', 'oidc_provider_error', 'oidc_discovery_failed', 'oidc_id_token_invalid'] as const;

const FAILURES: Record<'fr' | 'en', { title: string; again: string; reasons: Record<string, string> }> = {
  fr: {
    title: 'La connexion n’a pas abouti',
    again: 'Recommencer depuis la page de connexion',
    reasons: {
      oidc_login_unknown: 'Cette connexion a expiré ou a déjà servi (un retour du fournisseur d’identité ne vaut qu’une fois, pendant 10 minutes).',
      oidc_provider_error: 'Le fournisseur d’identité a refusé ou annulé la connexion.',
      oidc_discovery_failed: 'Le fournisseur d’identité ne répond pas. Réessayez dans quelques minutes.',
      default: 'La réponse du fournisseur d’identité n’a pas pu être vérifiée.',
    },
  },
  en: {
    title: 'Sign-in did not complete',
    again: 'Start again from the login page',
    reasons: {
      oidc_login_unknown: 'This sign-in has expired or was already used (an answer of the identity provider is good once, for 10 minutes).',
      oidc_provider_error: 'The identity provider refused or cancelled the sign-in.',
      oidc_discovery_failed: 'The identity provider does not answer. Try again in a few minutes.',
      default: 'The identity provider\'s answer could not be verified.',
    },
  },
};

/** The page of a failed sign-in, in `locale` then the other language; `code` is stable (tests, support). */
export function oidcFailurePage(code: string, locale: SsoLocale): string {
  const section = (lang: SsoLocale, primary: boolean) => {
    const text = FAILURES[lang];
    const reason = text.reasons[code] ?? text.reasons.default ?? '';
    return `<section lang="${lang}">${primary ? `<h1>${text.title}</h1>` : `<h2>${text.title}</h2>`}<p>${reason}</p>`
      + `<p><a href="/login">${text.again}</a></p></section>`;
  };
  return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">`
    + `<title>campuscard — ${FAILURES[locale].title}</title></head><body><main data-code="${code}"><p>campuscard</p>`
    + `${section(locale, true)}${section(locale === 'fr' ? 'en' : 'fr', false)}</main></body></html>`;
}

function fail(reply: FastifyReply, status: number, code: string, locale: SsoLocale): FastifyReply {
  return reply.status(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(oidcFailurePage(code, locale));
}

const LOGOUT_ERRORS: ReadonlySet<OidcErrorCode> = new Set(['oidc_logout_token_invalid', 'oidc_logout_token_replayed']);

/**
 * Registers the routes of every OpenID Connect method, and how their logout ends the provider's
 * session. `transports` gives a method its own way to reach its provider (the demo's embedded one).
 */
export async function oidcRoutes(app: AppInstance, deps: AppDeps, transports: Record<string, { fetch: CustomFetch }> = {}): Promise<void> {
  const { sso } = deps.services;
  const methods = deps.config.ssoMethods.filter((method): method is OidcMethodConfig => method.protocol === 'oidc');
  const clients = new Map<string, OidcClient>(methods.map((method) => [method.id, createOidcClient({
    issuer: method.issuer,
    clientId: method.clientId,
    clientSecret: method.clientSecret,
    redirectUri: `${deps.config.publicUrl}/auth/sso/${method.id}/callback`,
    allowInsecureIssuer: method.allowInsecureIssuer,
    ...(transports[method.id] ? { fetch: transports[method.id]?.fetch } : {}),
  })]));

  sso.registerProtocol('oidc', {
    // RP-initiated logout: the provider's end-session endpoint naming our client, back to our login page.
    logoutUrl: async (method, session) => {
      const client = clients.get(method.id);
      return client ? client.endSessionUrl(session.returnUrl) : null;
    },
  });

  // The provider POSTs logout tokens as a form: the parser is registered in this plugin only.
  await app.register(formbody, { bodyLimit: 64 * 1024 });

  for (const method of methods) {
    const client = clients.get(method.id) as OidcClient;
    const base = `/auth/sso/${method.id}`;
    // The provider comes back with a top-level GET: the Lax binding cookie is sent.
    const binding = { crossSitePost: false, secure: deps.config.cookieSecure };

    app.get(`${base}/login`, {
      config: { access: { public: true } },
      schema: {
        hide: true,
        querystring: Type.Object({ returnTo: Type.Optional(Type.String({ maxLength: 2000 })), lang: Type.Optional(Type.String()) }),
      },
    }, async (request, reply) => {
      const locale = requestLocale(request);
      const found = await sso.method(method.id);
      if (!found.settings.enabled) {
        const institutionName = found.institutionId === null ? null
          : (await deps.services.institution.byId(deps.database.db, found.institutionId))?.name ?? null;
        return replyWithOutcome(reply, { kind: 'refused', reason: 'method_disabled', contact: found.settings.contact, institutionName }, locale);
      }
      const secrets = client.newLoginSecrets();
      const browser = bindBrowser(request, reply, binding);
      const { state } = await sso.beginLogin(method.id, {
        browser,
        returnTo: (request.query as { returnTo?: string }).returnTo ?? null,
        payload: { codeVerifier: secrets.codeVerifier, nonce: secrets.nonce },
      });
      try {
        const target = await client.authorizationUrl(state, secrets);
        return reply.header('cache-control', 'no-store').redirect(target, 303);
      } catch (error) {
        if (!(error instanceof OidcError)) throw error;
        request.log.warn({ method: method.id, code: error.code }, 'oidc: login not started');
        return fail(reply, 502, error.code, locale);
      }
    });

    app.get(`${base}/callback`, {
      config: { access: { public: true } },
      schema: {
        hide: true,
        querystring: Type.Object({
          state: Type.Optional(Type.String({ maxLength: 500 })),
          code: Type.Optional(Type.String({ maxLength: 4000 })),
          iss: Type.Optional(Type.String({ maxLength: 2000 })),
          error: Type.Optional(Type.String({ maxLength: 200 })),
          error_description: Type.Optional(Type.String({ maxLength: 2000 })),
          session_state: Type.Optional(Type.String({ maxLength: 500 })),
        }),
      },
    }, async (request, reply) => {
      const locale = requestLocale(request);
      const query = request.query as { state?: string };
      // The state is single use: a replayed or forged answer finds nothing and goes no further.
      const pending = await sso.takeLogin(method.id, query.state, browserBindingOf(request, binding));
      if (!pending?.payload.codeVerifier || !pending.payload.nonce) return fail(reply, 400, 'oidc_login_unknown', locale);
      // Somebody else's login brought to this browser (login CSRF): the code is not even exchanged.
      if (!pending.sameBrowser) {
        request.log.warn({ method: method.id }, 'oidc: callback from another browser than the login');
        return replyBrowserMismatch(reply, locale);
      }
      const callbackUrl = new URL(`${deps.config.publicUrl}${base}/callback`);
      callbackUrl.search = new URL(request.url, 'http://callback.invalid').search;
      let login;
      try {
        login = await client.completeLogin(callbackUrl, {
          state: query.state ?? '', codeVerifier: pending.payload.codeVerifier, nonce: pending.payload.nonce,
        });
      } catch (error) {
        if (!(error instanceof OidcError)) throw error;
        request.log.warn({ method: method.id, code: error.code }, 'oidc: login refused');
        return fail(reply, error.code === 'oidc_discovery_failed' ? 502 : 400, error.code, locale);
      }
      const outcome = await sso.completeLogin({
        methodId: method.id,
        attributes: claimsToAttributes(login.claims),
        // Nothing more is kept for logout: the end-session request names the client, not the ID token.
        sessionKey: sessionKeyFor(login),
      }, { ip: request.ip, returnTo: pending.returnTo });
      // Done with: other logins begun in this browser still complete (the cookie is not cleared on a failure).
      if (outcome.kind === 'session') clearBrowserBinding(reply, binding);
      return replyWithOutcome(reply, outcome, locale);
    });

    app.post(`${base}/backchannel-logout`, {
      config: { access: { public: true } },
      schema: {
        tags: ['auth'],
        summary: `OpenID Connect back-channel logout of ${method.id}: the provider posts a logout token; the sessions it names end`,
        consumes: ['application/x-www-form-urlencoded'],
        body: Type.Object({ logout_token: Type.String({ minLength: 1, maxLength: 16_000 }) }),
        response: { 200: Type.Object({ ended: Type.Integer() }), ...errorResponses(400) },
      },
    }, async (request, reply) => {
      const token = (request.body as { logout_token: string }).logout_token;
      let verified;
      try {
        verified = await client.verifyLogoutToken(token, (jti, expiresAt) => sso.rememberOnce(method.id, `logout:${jti}`, expiresAt));
      } catch (error) {
        // Whatever stopped the check (a bad token, or the provider's keys out of reach), the
        // answer the specification asks for is 400: the provider may try again.
        if (!(error instanceof OidcError)) throw error;
        request.log.warn({ method: method.id, code: error.code }, 'oidc: logout token refused');
        throw badRequest(LOGOUT_ERRORS.has(error.code) ? error.code : 'oidc_logout_token_invalid', error.message, { field: '/logout_token' });
      }
      let ended = 0;
      if (verified.sid) ended += await sso.endSsoSessions(method.id, `sid:${verified.sid}`);
      if (verified.sub) ended += await sso.endSsoSessions(method.id, `sub:${verified.sub}`);
      void reply.header('cache-control', 'no-store');
      return { ended };
    });
  }
}
