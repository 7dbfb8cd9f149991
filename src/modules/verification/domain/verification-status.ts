/**
 * What a verifier learns about a card from its ESCN: the same three statuses as the ESC Router's
 * public endpoint (ACTIVE, INACTIVE, EXPIRED). Pure functions, no I/O.
 */

/** Public status of a card. */
export type VerificationStatus = 'ACTIVE' | 'INACTIVE' | 'EXPIRED';

/** The card fields the status depends on. */
export interface VerifiableCard {
  state: string;
  /** Last valid day, yyyy-MM-dd, or null when the card has no end date. */
  expiresAt: string | null;
}

/**
 * The public status of a card on `today` (yyyy-MM-dd, UTC): ENABLED and not past its expiry →
 * ACTIVE; past its expiry, or CADUC (the holder's rights ended) → EXPIRED; anything else that
 * carries a number (suspended, not yet handed over, destroyed…) → INACTIVE. The expiry day
 * itself is still valid, as at the router.
 */
export function verificationStatus(card: VerifiableCard, today: string): VerificationStatus {
  const expired = card.expiresAt !== null && card.expiresAt < today;
  if (card.state === 'ENABLED' && !expired) return 'ACTIVE';
  if (expired || card.state === 'CADUC') return 'EXPIRED';
  return 'INACTIVE';
}

/**
 * Why an INACTIVE card is inactive, for the page's wording only (the API and the router keep the
 * single INACTIVE status): a card on its way to its holder is "not yet in service", a refused,
 * cancelled or destroyed one is "withdrawn", any other (DISABLED) is "suspended". Saying
 * "suspended" of a card still being printed misled holders who scanned it early.
 */
export type InactiveReason = 'not_yet_in_service' | 'withdrawn' | 'suspended';

const NOT_YET_IN_SERVICE = new Set(['NEW', 'RENEWED', 'REQUEST_CHECKED', 'IN_PRINT', 'PRINTED', 'IN_ENCODE', 'ENCODED']);
const WITHDRAWN = new Set(['REJECTED', 'CANCELED', 'DESTROYED']);

/** The reason behind an INACTIVE status for a card in `state` (see {@link InactiveReason}). */
export function inactiveReason(state: string): InactiveReason {
  if (NOT_YET_IN_SERVICE.has(state)) return 'not_yet_in_service';
  if (WITHDRAWN.has(state)) return 'withdrawn';
  return 'suspended';
}

/** Languages of the verification page. */
export type PageLocale = 'fr' | 'en';

/**
 * The page language: `?lang=` when it names a supported language; else the visitor's most
 * preferred language of Accept-Language (highest q, first on ties) when the page has it; else
 * French, the product's language. A language the page does not have falls back to French, not to
 * a lower-ranked English: browsers append `en-US;q=0.8,en;q=0.7` to most language lists, so
 * taking the first supported entry would show nearly every other visitor an English page.
 * The page's footer link switches language.
 */
export function chooseLocale(lang: string | undefined, acceptLanguage: string | undefined): PageLocale {
  const explicit = lang?.trim().toLowerCase().slice(0, 2);
  if (explicit === 'fr' || explicit === 'en') return explicit;
  if (!acceptLanguage) return 'fr';
  const ranked = acceptLanguage.split(',').slice(0, 20).map((part, index) => {
    const [tag = '', ...params] = part.trim().split(';');
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/i.exec(p)?.[1]).find((v) => v !== undefined);
    const weight = q === undefined ? 1 : Number(q);
    return { language: tag.trim().toLowerCase().split('-')[0] ?? '', weight: Number.isFinite(weight) ? weight : 0, index };
  }).filter((entry) => entry.weight > 0 && entry.language !== '' && entry.language !== '*')
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  const preferred = ranked[0]?.language;
  return preferred === 'en' ? 'en' : 'fr';
}
