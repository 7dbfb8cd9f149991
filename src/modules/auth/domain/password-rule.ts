import type { ZxcvbnFactory } from '@zxcvbn-ts/core';

/** Fewest characters (Unicode code points, after NFKC normalisation) a password may have: NIST SP 800-63B asks for 8 at least, we ask 12. */
export const PASSWORD_MIN_LENGTH = 12;
/** Most characters accepted: long passphrases are welcome, unbounded input is not (argon2 cost, abuse). */
export const PASSWORD_MAX_LENGTH = 256;
/** Lowest zxcvbn score (0–4) accepted: 3 is "safely unguessable: moderate protection from offline slow-hash scenario". */
export const PASSWORD_MIN_SCORE = 3;
/** Shortest e-mail local part that a password may not contain (shorter ones occur by chance). */
const MIN_LOCAL_PART = 3;

export type PasswordProblemCode =
  | 'password_too_short'
  | 'password_too_long'
  | 'password_invalid_characters'
  | 'password_contains_email'
  | 'password_too_guessable';

export type PasswordVerdict =
  | { ok: true; normalized: string }
  | { ok: false; code: PasswordProblemCode; detail: string };

/**
 * The form of a password that is hashed and verified: NFKC, so that the same passphrase typed on
 * two keyboards (composed or decomposed accents, full-width digits) is the same secret.
 */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

// Control characters (C0, DEL, C1, NUL included) and lone surrogates (not text at all).
const FORBIDDEN = /[\p{Cc}\p{Cs}]/u;

let estimator: Promise<ZxcvbnFactory> | undefined;

/**
 * zxcvbn with the common, French and English dictionaries, built on first use only: the
 * dictionaries are megabytes of word lists, which a server start or a CLI command that sets no
 * password should not pay for. Levenshtein matching stays off: it makes a check cost hundreds of
 * milliseconds, and the dictionaries already hold the common variants.
 */
function loadEstimator(): Promise<ZxcvbnFactory> {
  estimator ??= (async () => {
    const [core, common, fr, en] = await Promise.all([
      import('@zxcvbn-ts/core'),
      import('@zxcvbn-ts/language-common'),
      import('@zxcvbn-ts/language-fr'),
      import('@zxcvbn-ts/language-en'),
    ]);
    return new core.ZxcvbnFactory({
      dictionary: { ...common.dictionary, ...fr.dictionary, ...en.dictionary },
      graphs: common.adjacencyGraphs,
      translations: en.translations,
      useLevenshteinDistance: false,
    });
  })();
  return estimator;
}

/**
 * Checks a new password against the rule of NIST SP 800-63B §3.1.1.2: at least
 * {@link PASSWORD_MIN_LENGTH} characters after NFKC normalisation, no control characters, not the
 * e-mail's local part, and not guessable according to zxcvbn's dictionaries and patterns (score
 * at least {@link PASSWORD_MIN_SCORE}). No composition rules (digits, capitals): NIST advises
 * against them. `context` lists words a guesser would try for this account (e-mail, name).
 * On success, returns the normalised form, which is what must be hashed.
 */
export async function checkPasswordRule(password: string, context: { email?: string; displayName?: string } = {}): Promise<PasswordVerdict> {
  if (FORBIDDEN.test(password)) {
    return { ok: false, code: 'password_invalid_characters', detail: 'The password may not contain control characters' };
  }
  const normalized = normalizePassword(password);
  const length = [...normalized].length;
  if (length < PASSWORD_MIN_LENGTH) {
    return { ok: false, code: 'password_too_short', detail: `The password must have at least ${PASSWORD_MIN_LENGTH} characters` };
  }
  if (length > PASSWORD_MAX_LENGTH) {
    return { ok: false, code: 'password_too_long', detail: `The password may have at most ${PASSWORD_MAX_LENGTH} characters` };
  }
  const localPart = normalizePassword(context.email?.split('@')[0] ?? '').toLowerCase();
  if (localPart.length >= MIN_LOCAL_PART && normalized.toLowerCase().includes(localPart)) {
    return { ok: false, code: 'password_contains_email', detail: 'The password may not contain the e-mail address' };
  }
  const userInputs = [localPart, ...(context.displayName ?? '').toLowerCase().split(/\s+/)].filter((word) => word.length >= MIN_LOCAL_PART);
  const result = (await loadEstimator()).check(normalized, userInputs);
  if (result.score < PASSWORD_MIN_SCORE) {
    const hint = [result.feedback.warning, ...result.feedback.suggestions].filter(Boolean).join(' ');
    return { ok: false, code: 'password_too_guessable', detail: `The password is too easy to guess${hint ? `: ${hint}` : ''}` };
  }
  return { ok: true, normalized };
}
