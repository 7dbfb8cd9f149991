import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SsoLocale } from './sso-outcome.reply.ts';

/**
 * Binding a pending login to the browser that began it (login CSRF). Without it, anybody could
 * send a victim's browser to our callback with their own ticket, code or SAMLResponse and log the
 * victim in as themselves. `/auth/sso/<id>/login` sets a random value in a short-lived HttpOnly
 * cookie (path `/auth/sso/`) and the SSO core stores its hash with the pending login; the
 * callback completes only when the browser sends it back (compared in constant time).
 *
 * Two cookies, by how the IdP comes back:
 * - CAS and OpenID Connect come back with a top-level GET: a `SameSite=Lax` cookie is sent.
 * - SAML comes back with a cross-site POST (HTTP-POST binding), which carries no Lax cookie: over
 *   https (COOKIE_SECURE) its cookie is `SameSite=None; Secure`. Over plain http a `None` cookie
 *   must be Secure and so cannot be set; the cookie is then Lax, which browsers send on the POST
 *   only when the IdP is on the same site as campuscard (the demo, tests on 127.0.0.1). A
 *   cross-site IdP over plain http is refused (`sso_browser_mismatch`) rather than left open to
 *   login CSRF: deploy SAML over https.
 *
 * A browser keeps its value across logins begun within the cookie's lifetime (two tabs, a
 * second method), so that a login begun earlier in the same browser still completes. The cookie
 * is cleared once a login opens a session; after a failure it is kept (another login of this
 * browser may be under way) and expires by itself with the pending logins (10 minutes).
 */

/** The binding cookie of logins that come back by GET (CAS, OpenID Connect). */
export const SSO_BROWSER_COOKIE = 'cc_sso_browser';
/** The binding cookie of logins that come back by a cross-site POST (SAML). */
export const SSO_BROWSER_POST_COOKIE = 'cc_sso_browser_post';

const COOKIE_PATH = '/auth/sso/';
/** As long as a pending login lives. */
const COOKIE_MAX_AGE_SECONDS = 10 * 60;
const VALUE_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** How the IdP comes back, and whether cookies may be Secure (COOKIE_SECURE). */
export interface BrowserBindingOptions {
  /** True for SAML's HTTP-POST binding (a cross-site POST). */
  crossSitePost: boolean;
  secure: boolean;
}

function cookieName(options: BrowserBindingOptions): string {
  return options.crossSitePost ? SSO_BROWSER_POST_COOKIE : SSO_BROWSER_COOKIE;
}

function cookieOptions(options: BrowserBindingOptions) {
  const none = options.crossSitePost && options.secure;
  return { httpOnly: true, secure: options.secure, sameSite: none ? 'none' as const : 'lax' as const, path: COOKIE_PATH };
}

/** The binding value the browser sent (undefined when none, or not one of ours). */
export function browserBindingOf(request: FastifyRequest, options: BrowserBindingOptions): string | undefined {
  const value = request.cookies[cookieName(options)];
  return typeof value === 'string' && VALUE_PATTERN.test(value) ? value : undefined;
}

/**
 * At `/login`: the browser's binding value (its current one, else a new random one), set again
 * in its cookie for 10 minutes. Hand it to `sso.beginLogin({ browser })`.
 */
export function bindBrowser(request: FastifyRequest, reply: FastifyReply, options: BrowserBindingOptions): string {
  const value = browserBindingOf(request, options) ?? randomBytes(32).toString('base64url');
  void reply.setCookie(cookieName(options), value, { ...cookieOptions(options), maxAge: COOKIE_MAX_AGE_SECONDS });
  return value;
}

/** Once a login opened a session: the binding cookie is no longer needed. */
export function clearBrowserBinding(reply: FastifyReply, options: BrowserBindingOptions): void {
  void reply.clearCookie(cookieName(options), cookieOptions(options));
}

/** The stable code of a callback refused because it does not come from the browser that began the login. */
export const BROWSER_MISMATCH_CODE = 'sso_browser_mismatch';

const TEXTS: Record<SsoLocale, { title: string; message: string; again: string }> = {
  fr: {
    title: 'Connexion refusée',
    message: 'Cette connexion n’a pas été commencée dans ce navigateur (ou ses cookies ont été effacés entre-temps). '
      + 'Par sécurité, elle n’est pas terminée ici\u00a0: recommencez depuis la page de connexion, dans ce navigateur.',
    again: 'Retour à la page de connexion',
  },
  en: {
    title: 'Sign-in refused',
    message: 'This sign-in was not started in this browser (or its cookies were cleared meanwhile). '
      + 'For your safety it is not completed here: start again from the login page, in this browser.',
    again: 'Back to the login page',
  },
};

/** The page of a callback from another browser, in `locale` then the other language. */
export function browserMismatchPage(locale: SsoLocale): string {
  const section = (lang: SsoLocale, primary: boolean) => {
    const text = TEXTS[lang];
    return `<section lang="${lang}">${primary ? `<h1>${text.title}</h1>` : `<h2>${text.title}</h2>`}<p>${text.message}</p>`
      + `<p><a href="/login">${text.again}</a></p></section>`;
  };
  return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">`
    + `<title>campuscard — ${TEXTS[locale].title}</title></head><body><main data-code="${BROWSER_MISMATCH_CODE}"><p>campuscard</p>`
    + `${section(locale, true)}${section(locale === 'fr' ? 'en' : 'fr', false)}</main></body></html>`;
}

/** The 400 page of a callback from another browser; nothing was written. */
export function replyBrowserMismatch(reply: FastifyReply, locale: SsoLocale): FastifyReply {
  return reply.status(400).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(browserMismatchPage(locale));
}
