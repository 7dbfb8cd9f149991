import { Type } from '@sinclair/typebox';
import formbody from '@fastify/formbody';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps, AppInstance } from '../../app/app-types.ts';
import { CasError, createCasClient, parseLogoutRequest, type CasClient, type CasValidation } from '../../adapters/cas/cas.client.ts';
import { ProblemError } from '../../platform/http/problem.ts';
import type { CasMethodConfig } from '../../sso-methods.config.ts';
import { canonicalizeAttributes } from './domain/sso-attributes.ts';
import { replyWithOutcome, requestLocale, type SsoLocale } from './sso-outcome.reply.ts';
import { bindBrowser, BROWSER_MISMATCH_CODE, browserBindingOf, clearBrowserBinding, replyBrowserMismatch } from './sso-browser.binding.ts';
import type { SsoMethod } from './sso.service.ts';

/**
 * CAS 3.0 login methods, one set of routes per configured method, browser-facing, under
 * `/auth/sso/<id>/`:
 * - `GET login[?returnTo=/path]`: stores a pending login, sends the browser to CAS. CAS has no
 *   state parameter: the pending state travels in the service URL itself
 *   (`<PUBLIC_URL>/auth/sso/<id>/callback?state=…`), which CAS gives back unchanged, and the very
 *   same URL is rebuilt for validation (CAS compares it exactly).
 * - `GET callback?state=…&ticket=ST-…`: takes the pending login (single use), checks it comes
 *   back to the browser that began it (sso-browser.binding.ts; else 400 `sso_browser_mismatch`),
 *   validates the ticket on the back channel, and completes the login (session or refused page).
 * - `POST slo` and `POST callback` (form field `logoutRequest`): single logout. Apereo CAS POSTs
 *   it to the service URL the ticket was issued for (the callback) unless its service registry
 *   names a `logoutUrl` (then `slo`); both end the sessions opened with that ticket.
 * A ticket CAS refuses gives a 400 page; a CAS server that cannot be reached (or answers
 * something that is not CAS) gives a 503 page with Retry-After: the outage is upstream and
 * temporary, the login can simply be tried again, and 502 is what reverse proxies tend to
 * replace with pages of their own. Pages are HTML for browsers, problem+json otherwise.
 */

/** The attribute name under which the CAS user (`cas:user`) is handed to the core, for a method whose eppn is the CAS login. */
export const CAS_USER_ATTRIBUTE = 'casUser';

const LOGOUT_FORM_LIMIT = 64 * 1024;
const RETRY_AFTER_SECONDS = 30;

/** How one CAS method's server is reached: the browser URL, and a transport for back-channel calls. */
export interface CasTransport {
  /** `fetch` used for validation (the embedded demo server answers in-process). */
  fetch?: typeof fetch;
}

type PageText = { title: string; message: string; retry: string };

/** Kinds of CAS failure page (each one rendered in French and English). */
export const CAS_FAILURE_KINDS = ['rejected', 'expired', 'incomplete', 'unreachable'] as const;

const PAGES: Record<(typeof CAS_FAILURE_KINDS)[number], Record<SsoLocale, PageText>> = {
  rejected: {
    fr: {
      title: 'Connexion non confirmée',
      message: 'Le service d’authentification n’a pas confirmé votre connexion (ticket déjà utilisé, expiré ou émis pour une autre application).',
      retry: 'Se connecter à nouveau',
    },
    en: {
      title: 'Sign-in not confirmed',
      message: 'The authentication service did not confirm your sign-in (ticket already used, expired or issued for another application).',
      retry: 'Sign in again',
    },
  },
  expired: {
    fr: {
      title: 'Connexion expirée',
      message: 'Cette connexion a expiré ou a déjà été utilisée. Recommencez depuis la page de connexion.',
      retry: 'Se connecter à nouveau',
    },
    en: {
      title: 'Sign-in expired',
      message: 'This sign-in has expired or was already used. Start again from the login page.',
      retry: 'Sign in again',
    },
  },
  incomplete: {
    fr: {
      title: 'Connexion incomplète',
      message: 'Le retour du service d’authentification ne contient pas de ticket.',
      retry: 'Se connecter à nouveau',
    },
    en: {
      title: 'Incomplete sign-in',
      message: 'The authentication service came back without a ticket.',
      retry: 'Sign in again',
    },
  },
  unreachable: {
    fr: {
      title: 'Service d’authentification injoignable',
      message: 'Le serveur CAS de l’établissement ne répond pas (ou pas correctement) pour le moment. Réessayez dans quelques minutes ; si cela dure, prévenez le service informatique.',
      retry: 'Réessayer',
    },
    en: {
      title: 'Authentication service unreachable',
      message: 'The institution’s CAS server is not answering (or not properly) at the moment. Try again in a few minutes; if it lasts, tell the IT department.',
      retry: 'Try again',
    },
  },
};

const PROBLEM_CODES = {
  rejected: 'sso_ticket_rejected',
  expired: 'sso_login_expired',
  incomplete: 'sso_ticket_missing',
  unreachable: 'sso_idp_unreachable',
} as const;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function wantsHtml(request: FastifyRequest): boolean {
  const accept = String(request.headers.accept ?? '');
  return accept === '' || accept.includes('text/html') || (!accept.includes('json') && accept.includes('*/*'));
}

/** An error page, French and English, with a link back to the start of the login. */
export function casFailurePage(kind: keyof typeof PAGES, locale: SsoLocale, retryUrl: string): string {
  const other: SsoLocale = locale === 'fr' ? 'en' : 'fr';
  const section = (lang: SsoLocale, primary: boolean) => {
    const text = PAGES[kind][lang];
    return `<section lang="${lang}" class="${primary ? 'primary' : 'secondary'}">${primary ? `<h1>${text.title}</h1>` : `<h2>${text.title}</h2>`}
<p>${text.message}</p><p><a href="${escapeHtml(retryUrl)}">${text.retry}</a></p></section>`;
  };
  return `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>campuscard — ${PAGES[kind][locale].title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1a1b1e}
.brand{font-weight:800;color:#1864ab}.secondary{margin-top:2.5rem;border-top:1px solid #dee2e6;color:#495057}a{color:#1864ab}</style></head>
<body><main data-code="${PROBLEM_CODES[kind]}"><p class="brand">campuscard</p>${section(locale, true)}${section(other, false)}</main></body></html>`;
}

function fail(request: FastifyRequest, reply: FastifyReply, kind: keyof typeof PAGES, retryUrl: string, detail: string): FastifyReply {
  const status = kind === 'unreachable' ? 503 : 400;
  void reply.header('cache-control', 'no-store');
  if (kind === 'unreachable') void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  if (!wantsHtml(request)) throw new ProblemError(status, PROBLEM_CODES[kind], detail);
  return reply.status(status).type('text/html; charset=utf-8').send(casFailurePage(kind, requestLocale(request), retryUrl));
}

const LoginQuery = Type.Object({
  returnTo: Type.Optional(Type.String({ maxLength: 2000, description: 'A path of this site to land on after the login' })),
  lang: Type.Optional(Type.String({ maxLength: 8 })),
});
const CallbackQuery = Type.Object({
  state: Type.Optional(Type.String({ maxLength: 400 })),
  ticket: Type.Optional(Type.String({ maxLength: 400 })),
  lang: Type.Optional(Type.String({ maxLength: 8 })),
});
const LogoutBody = Type.Object({
  logoutRequest: Type.String({ minLength: 1, maxLength: LOGOUT_FORM_LIMIT, description: 'The SAML LogoutRequest CAS sends' }),
});

/**
 * Registers the routes of every CAS method of the configuration, and the CAS way of ending the
 * IdP session (`<casUrl>/logout?service=<PUBLIC_URL>/login`). `transports` gives a method a
 * back-channel transport of its own (the embedded demo server).
 */
export async function casRoutes(app: AppInstance, deps: AppDeps, transports: Readonly<Record<string, CasTransport>> = {}): Promise<void> {
  const { sso } = deps.services;
  const methods = deps.config.ssoMethods.filter((method): method is CasMethodConfig => method.protocol === 'cas');
  const clients = new Map<string, CasClient>(methods.map((method) => {
    const transport = transports[method.id]?.fetch;
    return [method.id, createCasClient({ casUrl: method.casUrl, ...(transport ? { fetch: transport } : {}) })];
  }));
  sso.registerProtocol('cas', {
    logoutUrl: (method: SsoMethod, session) => clients.get(method.id)?.logoutUrl(session.returnUrl) ?? null,
  });
  if (methods.length === 0) return;
  // Single-logout messages are form posts; the parser stays inside this plugin.
  await app.register(formbody, { bodyLimit: LOGOUT_FORM_LIMIT });

  for (const method of methods) {
    const client = clients.get(method.id) as CasClient;
    const base = `/auth/sso/${method.id}`;
    const serviceUrl = (state: string) => `${deps.config.publicUrl}${base}/callback?${new URLSearchParams({ state })}`;
    const loginPath = `${base}/login`;
    const binding = { crossSitePost: false, secure: deps.config.cookieSecure };

    app.get(`${base}/login`, {
      config: { access: { public: true } },
      schema: { tags: ['sso'], summary: `Start a CAS login with ${method.id}`, querystring: LoginQuery, hide: true },
    }, async (request, reply) => {
      const found = await sso.method(method.id);
      if (!found.settings.enabled) {
        return replyWithOutcome(reply, { kind: 'refused', reason: 'method_disabled', contact: found.settings.contact, institutionName: null },
          requestLocale(request));
      }
      const browser = bindBrowser(request, reply, binding);
      const { state } = await sso.beginLogin(method.id, { returnTo: request.query.returnTo ?? null, browser });
      void reply.header('cache-control', 'no-store');
      return reply.redirect(client.loginUrl(serviceUrl(state)), 303);
    });

    app.get(`${base}/callback`, {
      config: { access: { public: true } },
      schema: { tags: ['sso'], summary: `CAS service URL of ${method.id} (CAS comes back here with a ticket)`, querystring: CallbackQuery, hide: true },
    }, async (request, reply) => {
      const { state, ticket } = request.query;
      if (!ticket) return fail(request, reply, 'incomplete', loginPath, 'CAS came back without a ticket');
      // The pending login first: a replayed callback URL finds its state spent and goes no further.
      const pending = await sso.takeLogin(method.id, state, browserBindingOf(request, binding));
      if (!pending) return fail(request, reply, 'expired', loginPath, 'This login expired or was already used');
      // Somebody else's login brought to this browser (login CSRF): refused before the ticket is even validated.
      if (!pending.sameBrowser) {
        request.log.warn({ method: method.id }, 'cas: callback from another browser than the login');
        if (!wantsHtml(request)) throw new ProblemError(400, BROWSER_MISMATCH_CODE, 'This login was not started in this browser');
        return replyBrowserMismatch(reply, requestLocale(request));
      }
      let validation: CasValidation;
      try {
        validation = await client.validate(serviceUrl(state as string), ticket);
      } catch (error) {
        if (!(error instanceof CasError)) throw error;
        request.log.warn({ method: method.id, cas: { kind: error.kind, code: error.code } }, 'cas: ticket not validated');
        const retry = pending.returnTo ? `${loginPath}?${new URLSearchParams({ returnTo: pending.returnTo })}` : loginPath;
        return fail(request, reply, error.kind === 'rejected' ? 'rejected' : 'unreachable', retry,
          error.kind === 'rejected' ? `CAS refused the ticket (${error.code})` : 'The CAS server cannot be reached or did not answer as CAS');
      }
      const attributes = canonicalizeAttributes({ ...validation.attributes, [CAS_USER_ATTRIBUTE]: [validation.user] });
      const outcome = await sso.completeLogin({ methodId: method.id, attributes, sessionKey: ticket }, { ip: request.ip, returnTo: pending.returnTo });
      // Done with: other logins begun in this browser still complete (the cookie is not cleared on a failure).
      if (outcome.kind === 'session') clearBrowserBinding(reply, binding);
      return replyWithOutcome(reply, outcome, requestLocale(request));
    });

    const singleLogout = async (request: FastifyRequest<{ Body: { logoutRequest: string } }>, reply: FastifyReply) => {
      const message = parseLogoutRequest(request.body.logoutRequest);
      if (!message) throw new ProblemError(400, 'invalid_logout_request', 'logoutRequest is not a CAS single-logout message naming a service ticket', { field: '/logoutRequest' });
      const ended = await sso.endSsoSessions(method.id, message.sessionIndex);
      request.log.info({ method: method.id, ended }, 'cas: single logout');
      return reply.status(200).type('text/plain; charset=utf-8').send('OK');
    };
    const logoutSchema = (summary: string) => ({ tags: ['sso'], summary, body: LogoutBody, hide: true });
    app.post(`${base}/slo`, { config: { access: { public: true } }, schema: logoutSchema(`CAS single logout of ${method.id}`) }, singleLogout);
    app.post(`${base}/callback`, {
      config: { access: { public: true } },
      schema: logoutSchema(`CAS single logout of ${method.id}, posted to the service URL (Apereo's default)`),
    }, singleLogout);
  }
}
