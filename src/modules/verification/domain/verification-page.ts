import type { InactiveReason, PageLocale, VerificationStatus } from './verification-status.ts';

/**
 * The public verification page a phone opens after scanning a card's QR code. Server-rendered,
 * self-contained (inline CSS, no script, images only as data: URIs) so that it loads fast on a
 * poor connection and a strict Content-Security-Policy can forbid everything else.
 */

/** What the page shows. */
export type PageContent =
  | {
    kind: 'card';
    status: VerificationStatus;
    /** For an INACTIVE card, why: the headline says so. */
    inactiveReason?: InactiveReason | undefined;
    escn: string;
    issuer: { name: string; pic: string };
    /** The federation whose members share the card, if it is shared. */
    federation?: { name: string } | null | undefined;
    expiresAt: string | null;
    cardType: string;
    /** Only when the holder consented to publication and the institution enabled it. */
    holder?: { name: string; photoDataUri: string | null } | undefined;
  }
  | { kind: 'unknown'; escn: string }
  | { kind: 'invalid' }
  /** Too many verifications from this address: the visitor may retry after `retryAfterSeconds`. */
  | { kind: 'limited'; retryAfterSeconds: number };

const TEXTS = {
  fr: {
    title: 'Vérification de carte étudiante',
    ACTIVE: ['Carte valide', 'Cette carte est active.'],
    INACTIVE: ['Carte suspendue', 'Cette carte n’est pas utilisable actuellement.'],
    not_yet_in_service: ['Carte pas encore en service', 'Cette carte est en cours de fabrication ou de remise et n’est pas encore utilisable.'],
    withdrawn: ['Carte hors service', 'Cette carte a été annulée ou détruite et n’est plus utilisable.'],
    EXPIRED: ['Carte expirée', 'Cette carte n’est plus valide.'],
    unknown: ['Carte inconnue', 'Aucune carte de notre établissement ne porte ce numéro.'],
    invalid: ['Numéro invalide', 'Ce code ne contient pas un numéro de carte étudiante européenne.'],
    limited: ['Trop de vérifications', 'Trop de vérifications depuis cette adresse. Merci de réessayer dans un instant.'],
    retryIn: (seconds: number) => `Nouvel essai possible dans ${seconds}\u00a0s.`,
    issuer: 'Établissement émetteur',
    federation: 'Fédération (carte commune)',
    pic: 'PIC',
    expiresAt: 'Valable jusqu’au',
    noExpiry: 'sans date de fin',
    cardType: 'Type de carte',
    escn: 'Numéro de carte (ESCN)',
    holder: 'Titulaire',
    photo: 'Photo du titulaire',
    footer: 'Carte étudiante européenne — vérification fournie par l’établissement émetteur.',
    other: 'English',
    cardTypes: {
      UNKNOWN: 'Non précisé', PASSIVE: 'Carte imprimée', SMART_NO_CDZ: 'Carte à puce', SMART_CDZ: 'Carte à puce',
      SMART_MAY_SP: 'Carte à puce', SMART_PASSIVE: 'Carte numérique', SMART_PASSIVE_EMULATION: 'Carte numérique',
    } as Record<string, string>,
  },
  en: {
    title: 'Student card verification',
    ACTIVE: ['Valid card', 'This card is active.'],
    INACTIVE: ['Suspended card', 'This card cannot be used at the moment.'],
    not_yet_in_service: ['Card not yet in service', 'This card is being produced or handed over and cannot be used yet.'],
    withdrawn: ['Card withdrawn', 'This card was cancelled or destroyed and can no longer be used.'],
    EXPIRED: ['Expired card', 'This card is no longer valid.'],
    unknown: ['Unknown card', 'No card of our institution has this number.'],
    invalid: ['Invalid number', 'This code does not hold a European Student Card number.'],
    limited: ['Too many verifications', 'Too many verifications from this address. Please try again in a moment.'],
    retryIn: (seconds: number) => `You can try again in ${seconds} s.`,
    issuer: 'Issuing institution',
    federation: 'Federation (shared card)',
    pic: 'PIC',
    expiresAt: 'Valid until',
    noExpiry: 'no end date',
    cardType: 'Card type',
    escn: 'Card number (ESCN)',
    holder: 'Holder',
    photo: 'Photo of the holder',
    footer: 'European Student Card — verification provided by the issuing institution.',
    other: 'Français',
    cardTypes: {
      UNKNOWN: 'Not specified', PASSIVE: 'Printed card', SMART_NO_CDZ: 'Smart card', SMART_CDZ: 'Smart card',
      SMART_MAY_SP: 'Smart card', SMART_PASSIVE: 'Digital card', SMART_PASSIVE_EMULATION: 'Digital card',
    } as Record<string, string>,
  },
} as const;

const TONES: Record<string, { fg: string; bg: string; mark: string }> = {
  ACTIVE: { fg: '#065f46', bg: '#d1fae5', mark: '✓' },
  INACTIVE: { fg: '#92400e', bg: '#fef3c7', mark: '!' },
  EXPIRED: { fg: '#991b1b', bg: '#fee2e2', mark: '✕' },
  unknown: { fg: '#374151', bg: '#e5e7eb', mark: '?' },
  invalid: { fg: '#374151', bg: '#e5e7eb', mark: '?' },
  limited: { fg: '#92400e', bg: '#fef3c7', mark: '…' },
};

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\'': '&#39;' };
const ESCAPED = /[&<>"']/g;
const NEEDS_ESCAPE = /[&<>"']/;

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  // Most values (numbers, dates, fixed wording) have nothing to escape: no new string for them.
  return NEEDS_ESCAPE.test(text) ? text.replace(ESCAPED, (c) => ESCAPES[c] as string) : text;
}

const DATE_FORMATTERS = new Map<PageLocale, Intl.DateTimeFormat>();

/**
 * The page's date formatter for `locale`, built once per locale and then reused: building an
 * `Intl.DateTimeFormat` loads ICU data and costs far more than formatting, and one per request
 * halved the page's rate and grew the server past 1 GB under load. Always the same instance for
 * the same locale.
 */
export function pageDateFormatter(locale: PageLocale): Intl.DateTimeFormat {
  let formatter = DATE_FORMATTERS.get(locale);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'long', timeZone: 'UTC' });
    DATE_FORMATTERS.set(locale, formatter);
  }
  return formatter;
}

/** Formatted expiry days by locale and day: cards share a few hundred expiry days, formatting costs more than a lookup. */
const FORMATTED_DAYS = new Map<string, string>();
/** Bounds the memo however many expiry days the cards have. */
const FORMATTED_DAYS_MAX = 4096;

function formatDate(day: string, locale: PageLocale): string {
  const key = `${locale}${day}`;
  const known = FORMATTED_DAYS.get(key);
  if (known !== undefined) return known;
  const date = new Date(`${day}T00:00:00Z`);
  const text = Number.isNaN(date.getTime()) ? day : pageDateFormatter(locale).format(date);
  if (FORMATTED_DAYS.size >= FORMATTED_DAYS_MAX) FORMATTED_DAYS.clear();
  FORMATTED_DAYS.set(key, text);
  return text;
}

/**
 * Renders the page. Every value is escaped; the language switch keeps the path and only sets
 * `lang`. `selfPath` is the page's path without query (e.g. `/v/<escn>`).
 */
export function renderVerificationPage(content: PageContent, locale: PageLocale, selfPath: string): string {
  const t = TEXTS[locale];
  const key = content.kind === 'card' ? content.status : content.kind;
  const wording = content.kind === 'card' && content.status === 'INACTIVE' && content.inactiveReason !== undefined
    && content.inactiveReason !== 'suspended' ? content.inactiveReason : key;
  const [headline, sentence] = t[wording];
  const tone = TONES[key] as { fg: string; bg: string; mark: string };
  const rows: string[] = [];
  let holder = '';
  if (content.kind === 'card') {
    const row = (label: string, value: string) => `<div class="row"><dt>${escapeHtml(label)}</dt><dd>${value}</dd></div>`;
    rows.push(row(t.issuer, escapeHtml(content.issuer.name)));
    if (content.federation) rows.push(row(t.federation, escapeHtml(content.federation.name)));
    rows.push(row(t.pic, `<span class="mono">${escapeHtml(content.issuer.pic)}</span>`));
    rows.push(row(t.expiresAt, escapeHtml(content.expiresAt ? formatDate(content.expiresAt, locale) : t.noExpiry)));
    rows.push(row(t.cardType, escapeHtml(t.cardTypes[content.cardType] ?? content.cardType)));
    rows.push(row(t.escn, `<span class="mono">${escapeHtml(content.escn)}</span>`));
    if (content.holder) {
      const photo = content.holder.photoDataUri
        ? `<img src="${escapeHtml(content.holder.photoDataUri)}" alt="${escapeHtml(t.photo)}" width="120" height="150">`
        : '';
      holder = `<section class="holder" aria-label="${escapeHtml(t.holder)}">${photo}<p><span class="label">${escapeHtml(t.holder)}</span><br><strong>${escapeHtml(content.holder.name)}</strong></p></section>`;
    }
  } else if (content.kind === 'unknown') {
    rows.push(`<div class="row"><dt>${escapeHtml(t.escn)}</dt><dd><span class="mono">${escapeHtml(content.escn)}</span></dd></div>`);
  }
  const retry = content.kind === 'limited' ? `<p class="retry">${escapeHtml(t.retryIn(content.retryAfterSeconds))}</p>` : '';
  const otherLocale = locale === 'fr' ? 'en' : 'fr';
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(headline)} — ${escapeHtml(t.title)}</title>
<style>
*{box-sizing:border-box}body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111827;background:#f3f4f6}
main{max-width:32rem;margin:0 auto;padding:1rem}
h1{font-size:1rem;font-weight:600;color:#4b5563;margin:.5rem 0 1rem}
.status{display:flex;gap:.75rem;align-items:center;padding:1rem;border-radius:.75rem;background:${tone.bg};color:${tone.fg}}
.mark{flex:none;width:2.5rem;height:2.5rem;border-radius:50%;display:grid;place-items:center;font-size:1.4rem;font-weight:700;background:#fff}
.status h2{margin:0;font-size:1.35rem}.status p{margin:.15rem 0 0}
.holder{display:flex;gap:1rem;align-items:center;margin-top:1rem;padding:1rem;background:#fff;border-radius:.75rem}
.holder img{border-radius:.5rem;object-fit:cover}
dl{margin:1rem 0 0;background:#fff;border-radius:.75rem;padding:.25rem 1rem}
.row{padding:.6rem 0;border-bottom:1px solid #e5e7eb}.row:last-child{border-bottom:0}
dt,.label{font-size:.8rem;color:#6b7280}dd{margin:0;font-weight:500;overflow-wrap:anywhere}
.retry{margin:1rem 0 0;color:#4b5563}
.mono{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.9rem}
footer{margin:1rem 0;font-size:.8rem;color:#4b5563;display:flex;justify-content:space-between;gap:1rem}
a{color:#1d4ed8}
</style>
</head>
<body>
<main>
<h1>${escapeHtml(t.title)}</h1>
<section class="status" role="status"><span class="mark" aria-hidden="true">${tone.mark}</span><div><h2>${escapeHtml(headline)}</h2><p>${escapeHtml(sentence)}</p></div></section>
${retry}${holder}
${rows.length > 0 ? `<dl>${rows.join('')}</dl>` : ''}
<footer><span>${escapeHtml(t.footer)}</span><a href="${escapeHtml(`${selfPath}?lang=${otherLocale}`)}" hreflang="${otherLocale}" lang="${otherLocale}">${escapeHtml(t.other)}</a></footer>
</main>
</body>
</html>
`;
}
