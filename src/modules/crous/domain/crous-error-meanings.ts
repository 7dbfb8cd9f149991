/**
 * What the CROUS's refusals mean, in French and English, for the operator page and the sync
 * history. The CROUS sends a numeric code (as a string) and a short French message; the message
 * is shown too, these sentences say what it means for the card office and what to do.
 *
 * Meanings come from shared/domain/crous-izly.md and from how the public client of the API
 * (EsupPortail/esup-sgc) handles each answer. −117 and −42 are refused "for good" by that client
 * but their meaning is not published: the sentences say so rather than guess.
 */

/** One meaning, in both languages; `retry` tells whether sending the same thing again can work. */
export interface CrousErrorMeaning {
  fr: string;
  en: string;
  /** `never`: nothing changes until someone acts; `after_change`: once the data or the account changes. */
  retry: 'never' | 'after_change';
}

/** The 422 codes the API is known to send, by operation (see the domain file's table). */
export const CROUS_422_CODES = ['-8', '-9', '-11', '-31', '-41', '-42', '-117'] as const;
export type Crous422Code = (typeof CROUS_422_CODES)[number];

const NBSP = '\u00a0';

const MEANINGS_422: Record<Crous422Code, CrousErrorMeaning> = {
  '-8': {
    fr: `La date de fin de droits du compte Izly est passée${NBSP}: la carte ne peut pas être revalidée tant que le compte n’est pas prolongé.`,
    en: 'The Izly account’s due date has passed: the card cannot be revalidated until the account is extended.',
    retry: 'after_change',
  },
  '-9': {
    fr: 'La carte est déjà invalidée au CROUS.',
    en: 'The card is already cancelled at the CROUS.',
    retry: 'never',
  },
  '-11': {
    fr: 'Le compte existe déjà au CROUS (création refusée)\u202f; il faut le mettre à jour.',
    en: 'The account already exists at the CROUS (creation refused); it has to be updated instead.',
    retry: 'after_change',
  },
  '-31': {
    fr: 'La carte est connue du CROUS mais le compte de son titulaire a été supprimé (RGPD)\u202f; la carte ne peut pas y être ajoutée.',
    en: 'The CROUS knows the card but its holder’s account was deleted (GDPR); the card cannot be added to it.',
    retry: 'never',
  },
  '-41': {
    fr: 'Le compte Izly est mis en opposition au CROUS.',
    en: 'The Izly account is blocked (opposition) at the CROUS.',
    retry: 'after_change',
  },
  '-42': {
    fr: 'Le CROUS refuse le compte (code −42, sens non publié)\u202f; voir le message du CROUS.',
    en: 'The CROUS refuses the account (code −42, meaning not published); see the CROUS’s message.',
    retry: 'after_change',
  },
  '-117': {
    fr: 'Le CROUS refuse le compte (code −117, sens non publié)\u202f; voir le message du CROUS.',
    en: 'The CROUS refuses the account (code −117, meaning not published); see the CROUS’s message.',
    retry: 'after_change',
  },
};

const MEANING_406: CrousErrorMeaning = {
  fr: 'Un autre établissement est prioritaire pour ce compte (son UAI l’emporte)\u202f; le compte n’est pas modifié, l’ajout de la carte reste possible.',
  en: 'Another institution has priority for this account (its UAI wins); the account is not changed, adding the card still works.',
  retry: 'after_change',
};

const MEANING_423: CrousErrorMeaning = {
  fr: 'Le compte Izly est verrouillé au CROUS (compte gelé ou clôturé)\u202f; rien n’est modifié tant que le CROUS ne le débloque pas.',
  en: 'The Izly account is locked at the CROUS (frozen or closed); nothing changes until the CROUS unlocks it.',
  retry: 'after_change',
};

const MEANING_404_CARD: CrousErrorMeaning = {
  fr: 'Le compte Izly est clôturé ou inconnu du CROUS\u202f; la carte ne peut pas y être ajoutée.',
  en: 'The Izly account is closed or unknown to the CROUS; the card cannot be added to it.',
  retry: 'after_change',
};

/** True when `code` is one of the known 422 codes. */
export function isCrous422Code(code: unknown): code is Crous422Code {
  return typeof code === 'string' && (CROUS_422_CODES as readonly string[]).includes(code);
}

/**
 * The meaning of a CROUS refusal from its HTTP status and first error code: every 406 and 423,
 * the known 422 codes, and a 404 when adding a card (the account is closed). Undefined for
 * anything else (the CROUS's own message is then all there is to show).
 */
export function crousErrorMeaning(status: number, code: string | undefined, operation?: string): CrousErrorMeaning | undefined {
  if (status === 406) return MEANING_406;
  if (status === 423) return MEANING_423;
  if (status === 422 && isCrous422Code(code)) return MEANINGS_422[code];
  if (status === 404 && operation === 'addSmartCard') return MEANING_404_CARD;
  return undefined;
}

/** Every meaning this module knows, for the wording test and for documentation. */
export function allCrousErrorMeanings(): CrousErrorMeaning[] {
  return [MEANING_406, MEANING_423, MEANING_404_CARD, ...Object.values(MEANINGS_422)];
}
