import type { FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from '../auth/auth.routes.ts';
import type { SsoOutcome, SsoRefusalReason } from './sso.service.ts';

/** Languages of the pages single sign-on renders itself. */
export type SsoLocale = 'fr' | 'en';

/** The language of a browser-facing SSO answer: `?lang=`, else Accept-Language, else French. */
export function requestLocale(request: FastifyRequest): SsoLocale {
  const query = request.query as { lang?: unknown } | undefined;
  if (query?.lang === 'en' || query?.lang === 'fr') return query.lang;
  const accepted = String(request.headers['accept-language'] ?? '').toLowerCase();
  const en = accepted.search(/(^|,)\s*en\b/);
  const fr = accepted.search(/(^|,)\s*fr\b/);
  return en !== -1 && (fr === -1 || en < fr) ? 'en' : 'fr';
}

/** The groups a refusal page lists at most (an IdP may send hundreds). */
const GROUPS_SHOWN = 10;

const TEXTS: Record<SsoLocale, {
  title: string; reasons: Record<SsoRefusalReason, string>; groups: string; moreGroups: (count: number) => string; contact: string; institution: string; colon: string; back: string;
}> = {
  fr: {
    title: 'Connexion impossible',
    reasons: {
      unknown_person: 'Votre identité a bien été vérifiée, mais le bureau des cartes ne vous connaît pas et vous ne pouvez pas demander de carte vous-même.',
      unmapped_groups: 'Votre identité a bien été vérifiée, mais aucun de vos groupes ne donne encore accès à campuscard, et le bureau des cartes ne vous connaît pas comme porteur de carte. Si vous devez travailler dans campuscard, demandez à son administrateur d’associer votre groupe à un rôle (Administration, Groupes et rôles).',
      account_disabled: 'Votre compte campuscard est désactivé.',
      no_eppn: 'Votre fournisseur d’identité n’a pas transmis votre identifiant (eduPersonPrincipalName)\u00a0: campuscard ne peut pas vous reconnaître.',
      method_disabled: 'Ce mode de connexion n’est pas ouvert pour le moment.',
    },
    groups: 'Vos groupes transmis par l’établissement',
    moreGroups: (count) => (count === 1 ? 'et 1 autre' : `et ${count} autres`),
    contact: 'Qui contacter',
    institution: 'Établissement',
    colon: '\u00a0: ',
    back: 'Retour à la page de connexion',
  },
  en: {
    title: 'You cannot sign in',
    reasons: {
      unknown_person: 'Your identity was verified, but the card office does not know you and you cannot request a card yourself.',
      unmapped_groups: 'Your identity was verified, but none of your groups gives access to campuscard yet, and the card office does not know you as a cardholder. If you need to work in campuscard, ask its administrator to map your group to a role (Administration, Groups and roles).',
      account_disabled: 'Your campuscard account is disabled.',
      no_eppn: 'Your identity provider did not send your identifier (eduPersonPrincipalName): campuscard cannot recognise you.',
      method_disabled: 'This sign-in method is not open at the moment.',
    },
    groups: 'Your groups as your institution sent them',
    moreGroups: (count) => (count === 1 ? 'and 1 more' : `and ${count} more`),
    contact: 'Whom to contact',
    institution: 'Institution',
    colon: ': ',
    back: 'Back to the login page',
  },
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** The groups of an `unmapped_groups` refusal as a list (escaped, the first {@link GROUPS_SHOWN}), or nothing. */
function groupList(groups: readonly string[] | undefined, text: { groups: string; moreGroups: (count: number) => string }): string {
  if (!groups || groups.length === 0) return '';
  const items = groups.slice(0, GROUPS_SHOWN).map((group) => `<li><code>${escapeHtml(group)}</code></li>`).join('');
  const more = groups.length > GROUPS_SHOWN ? `<li>${text.moreGroups(groups.length - GROUPS_SHOWN)}</li>` : '';
  return `<p><strong>${text.groups}</strong></p><ul data-testid="sso-refused-groups">${items}${more}</ul>`;
}

/**
 * The page of a refused login, in `locale` with the other language below: why, the
 * institution, and the contact the admin wrote (escaped). A page, not an error (status 403, so
 * that nothing caches it as a success).
 */
export function refusedPage(outcome: Extract<SsoOutcome, { kind: 'refused' }>, locale: SsoLocale): string {
  const section = (lang: SsoLocale, primary: boolean) => {
    const text = TEXTS[lang];
    const heading = primary ? `<h1>${text.title}</h1>` : `<h2>${text.title}</h2>`;
    return `<section lang="${lang}" class="${primary ? 'primary' : 'secondary'}" data-reason="${outcome.reason}">${heading}
<p data-testid="sso-refused-reason">${escapeHtml(text.reasons[outcome.reason])}</p>
${groupList(outcome.groups, text)}
${outcome.institutionName ? `<p><strong>${text.institution}</strong>${text.colon}${escapeHtml(outcome.institutionName)}</p>` : ''}
${outcome.contact ? `<p><strong>${text.contact}</strong></p><p data-testid="sso-refused-contact" class="contact">${escapeHtml(outcome.contact)}</p>` : ''}
<p><a href="/login">${text.back}</a></p></section>`;
  };
  const other: SsoLocale = locale === 'fr' ? 'en' : 'fr';
  return `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>campuscard — ${TEXTS[locale].title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1a1b1e}
.brand{font-weight:800;color:#1864ab}.contact{white-space:pre-line;background:#f1f3f5;padding:.75rem;border-radius:4px}
.secondary{margin-top:2.5rem;border-top:1px solid #dee2e6;color:#495057}a{color:#1864ab}</style></head>
<body><main><p class="brand">campuscard</p>${section(locale, true)}${section(other, false)}</main></body></html>`;
}

/**
 * Ends a single sign-on callback: on a session, sets the session cookie exactly as the password
 * login does (HttpOnly, SameSite=Lax, Secure per COOKIE_SECURE, same expiry) and redirects to
 * the landing page; on a refusal, renders the refused page (HTML, French and English, naming the
 * contact), never an error page.
 */
export function replyWithOutcome(reply: FastifyReply, outcome: SsoOutcome, locale: SsoLocale): FastifyReply {
  void reply.header('cache-control', 'no-store');
  if (outcome.kind === 'session') {
    void reply.setCookie(SESSION_COOKIE, outcome.sessionToken, {
      httpOnly: true,
      secure: outcome.cookieSecure,
      sameSite: 'lax',
      path: '/',
      expires: outcome.expiresAt,
    });
    return reply.redirect(outcome.landing, 303);
  }
  return reply.status(403).type('text/html; charset=utf-8').send(refusedPage(outcome, locale));
}
