/**
 * Identifiers met in French university systems next to the European Student Card ones:
 * INE (student), UAI (institution), eppn (person's login key), plus PIC and ISO 3166-1
 * country codes, which the same inputs carry. See /work/shared/domain/esc-identifiers.md.
 * All functions are pure; validators never throw and accept any string.
 */

export { isValidPic } from '../../esc/domain/escn.ts';

/** Longest eppn accepted (the persons.eppn column and SAML practice). */
export const EPPN_MAX_LENGTH = 255;

// INE, two shapes seen in real files (always 11 characters, compared uppercased):
//   - 9 digits + 2 letters (INE-RNIE and university-attributed INEs since 2018),
//   - 10 letters-or-digits + 1 letter (INE-BEA `1234567890A`, apprentices `1234A12345B`, older
//     university-attributed numbers). The trailing letter is a check character, but its
//     algorithm differs per attributing system and is not published for all of them, so it is
//     not recomputed: a wrong check letter is accepted rather than a real INE rejected.
// The first form is a special case of the second; both are listed so the rule reads like the
// reference. The lookahead requires a digit among the first ten characters: every real INE
// has several, while placeholders typed into student systems (`INCONNUXXXX`) have none.
const INE_RNIE_PATTERN = /^[0-9]{9}[A-Z]{2}$/;
const INE_CHECK_LETTER_PATTERN = /^(?=[A-Z]{0,9}[0-9])[0-9A-Z]{10}[A-Z]$/;

const UAI_PATTERN = /^[0-9]{7}[A-Z]$/;
const UAI_CHECK_LETTERS = 'ABCDEFGHJKLMNPRSTUVWXYZ';

// eppn = login@domain. The login is what SupAnn directories use (letters, digits, `._+-`)
// and starts with a letter, digit or underscore, so an exported eppn never starts with a
// spreadsheet formula character. The domain is a DNS name with at least two labels.
const EPPN_PATTERN =
  /^[a-z0-9_][a-z0-9._+-]*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Every officially assigned ISO 3166-1 alpha-2 code (249, as of 2024). Reserved codes such as
 * `UK`, `EL` or `EU` are not assigned and therefore not valid.
 */
export const ISO_3166_ALPHA2_CODES: ReadonlySet<string> = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ ' +
    'BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
    'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ ' +
    'DE DJ DK DM DO DZ ' +
    'EC EE EG EH ER ES ET ' +
    'FI FJ FK FM FO FR ' +
    'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY ' +
    'HK HM HN HR HT HU ' +
    'ID IE IL IM IN IO IQ IR IS IT ' +
    'JE JM JO JP ' +
    'KE KG KH KI KM KN KP KR KW KY KZ ' +
    'LA LB LC LI LK LR LS LT LU LV LY ' +
    'MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ ' +
    'NA NC NE NF NG NI NL NO NP NR NU NZ ' +
    'OM ' +
    'PA PE PF PG PH PK PL PM PN PR PS PT PW PY ' +
    'QA ' +
    'RE RO RS RU RW ' +
    'SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ ' +
    'TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ ' +
    'UA UG UM US UY UZ ' +
    'VA VC VE VG VI VN VU ' +
    'WF WS ' +
    'YE YT ' +
    'ZA ZM ZW'
  ).split(' '),
);

/**
 * Canonical spelling of an INE: surrounding whitespace removed, uppercased. Does not validate.
 */
export function normalizeIne(value: string): string {
  return value.trim().toUpperCase();
}

/**
 * True when `value` (case-insensitive, no surrounding whitespace) has the shape of an INE:
 * exactly 11 characters from [0-9A-Z], either 9 digits + 2 letters or 10 letters/digits (at
 * least one digit) + 1 letter. Length and character set are checked strictly; the check letter
 * is not recomputed (see the pattern comments), so no real INE is rejected for it.
 */
export function isValidIne(value: string): boolean {
  const upper = value.toUpperCase();
  return INE_RNIE_PATTERN.test(upper) || INE_CHECK_LETTER_PATTERN.test(upper);
}

/**
 * The UAI check letter (uppercase) for the 7-digit part of a UAI:
 * "ABCDEFGHJKLMNPRSTUVWXYZ"[int(digits) mod 23] — I, O and Q are never used.
 * Throws RangeError unless `digits` is exactly 7 decimal digits.
 */
export function computeUaiCheckLetter(digits: string): string {
  if (!/^[0-9]{7}$/.test(digits)) {
    throw new RangeError(`UAI digits must be exactly 7 decimal digits, got ${JSON.stringify(digits)}`);
  }
  return UAI_CHECK_LETTERS.charAt(Number(digits) % 23);
}

/**
 * Canonical spelling of a UAI (formerly RNE): surrounding whitespace removed, uppercased.
 * Does not validate.
 */
export function normalizeUai(value: string): string {
  return value.trim().toUpperCase();
}

/**
 * True when `value` is a UAI: 7 digits then the check letter that {@link computeUaiCheckLetter}
 * gives for them. The letter is compared case-insensitively (`0021593w` is valid).
 */
export function isValidUai(value: string): boolean {
  const upper = value.toUpperCase();
  if (!UAI_PATTERN.test(upper)) return false;
  return computeUaiCheckLetter(upper.slice(0, 7)) === upper.charAt(7);
}

/**
 * Canonical spelling of an eppn: surrounding whitespace removed, lowercased (eppn values are
 * compared case-insensitively in French federations). Does not validate.
 */
export function normalizeEppn(value: string): string {
  return value.trim().toLowerCase();
}

/**
 * True when `value` is an already-normalized eppn (`login@institution-domain`, lowercase, at
 * most 255 characters). Call {@link normalizeEppn} first on user input.
 */
export function isValidEppn(value: string): boolean {
  return value.length <= EPPN_MAX_LENGTH && EPPN_PATTERN.test(value);
}

/**
 * True when `value` is an assigned ISO 3166-1 alpha-2 country code. Case-insensitive, because
 * SCHAC values (the ESI scope `fr`) use lowercase while ISO lists are uppercase.
 */
export function isValidCountryCode(value: string): boolean {
  return value.length === 2 && ISO_3166_ALPHA2_CODES.has(value.toUpperCase());
}
