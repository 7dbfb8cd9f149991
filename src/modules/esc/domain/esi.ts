/**
 * European Student Identifier (ESI): the SCHAC personal unique code that identifies a student
 * across institutions. Two forms are minted:
 *   national/regional  `urn:schac:personalUniqueCode:int:esi:<cc>:<code>` (France: cc `fr`, the INE)
 *   institution        `urn:schac:personalUniqueCode:int:esi:<schacHomeOrganization>:<code>`
 * The legacy `CC-PIC-STUDENTCODE` form is still read (the router keeps old records) but never
 * produced. See esc-identifiers.md.
 */

/** The URN prefix every minted ESI starts with (matched case-insensitively when reading). */
export const ESI_URN_PREFIX = 'urn:schac:personalUniqueCode:int:esi:';

/** Longest ESI accepted. */
export const ESI_MAX_LENGTH = 255;

/** Where the student code is unique: a country or region, or one institution. */
export type EsiScope =
  | { kind: 'national'; country: string }
  | { kind: 'institution'; schacHomeOrganization: string };

/** A successfully read ESI. `esi` is the canonical spelling (lowercase prefix casing fixed, scope lowercased). */
export type ParsedEsi =
  | { valid: true; form: 'national'; esi: string; country: string; code: string }
  | { valid: true; form: 'institution'; esi: string; schacHomeOrganization: string; code: string }
  | { valid: true; form: 'legacy'; esi: string; country: string; pic: string; code: string };

/** Machine-readable reason an ESI was rejected. */
export type EsiInvalidCode =
  | 'not-a-string'
  | 'empty'
  | 'too-long'
  | 'unknown-form'
  | 'bad-scope'
  | 'bad-code';

/** Outcome of reading an ESI. */
export type EsiParseResult = ParsedEsi | { valid: false; code: EsiInvalidCode; reason: string };

// ISO 3166-1 alpha-2, or ISO 3166-2 subdivision (country, dash, 1-3 alphanumerics).
const COUNTRY_PATTERN = /^[a-z]{2}(?:-[a-z0-9]{1,3})?$/i;
// A DNS name of at least two labels (schacHomeOrganization is the institution's domain).
const DOMAIN_PATTERN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
// Student codes: visible ASCII, no spaces (a URN carries no raw spaces or non-ASCII).
const CODE_PATTERN = /^[\x21-\x7e]+$/;
const LEGACY_PATTERN = /^([a-z]{2})-([0-9]{9})-([\x21-\x7e]+)$/i;
// INE: 11 characters, 10 alphanumerics then a letter (covers 9 digits + 2 letters).
const INE_PATTERN = /^[0-9a-z]{10}[a-z]$/i;

function invalid(code: EsiInvalidCode, reason: string): EsiParseResult {
  return { valid: false, code, reason };
}

/**
 * True when `value` looks like a French INE (national student identifier): 11 characters,
 * ten letters or digits followed by a letter. The check letter itself is not verified.
 */
export function isPlausibleIne(value: string): boolean {
  return INE_PATTERN.test(value);
}

/**
 * Builds the ESI of a student from the scope of their identifier and their code. The scope is
 * lowercased (SCHAC values are case-insensitive; lowercase is the usual spelling); the code is
 * kept as given. Throws RangeError if the scope or code is malformed or the result would exceed
 * 255 characters, so no caller can mint an ESI the router would refuse.
 */
export function buildEsi(scope: EsiScope, code: string): string {
  let scopeValue: string;
  if (scope.kind === 'national') {
    if (!COUNTRY_PATTERN.test(scope.country)) {
      throw new RangeError(`country must be ISO 3166-1 alpha-2 or ISO 3166-2, got ${JSON.stringify(scope.country)}`);
    }
    scopeValue = scope.country.toLowerCase();
  } else {
    if (!DOMAIN_PATTERN.test(scope.schacHomeOrganization)) {
      throw new RangeError(`schacHomeOrganization must be a domain name, got ${JSON.stringify(scope.schacHomeOrganization)}`);
    }
    scopeValue = scope.schacHomeOrganization.toLowerCase();
  }
  if (!CODE_PATTERN.test(code)) {
    throw new RangeError('student code must be non-empty visible ASCII without spaces');
  }
  const esi = `${ESI_URN_PREFIX}${scopeValue}:${code}`;
  if (esi.length > ESI_MAX_LENGTH) {
    throw new RangeError(`ESI would be ${esi.length} characters, more than ${ESI_MAX_LENGTH}`);
  }
  return esi;
}

/**
 * Builds the ESI of a student enrolled in France: national scope `fr` and the INE, uppercased.
 * Throws RangeError when the value is not shaped like an INE.
 */
export function buildFrenchEsi(ine: string): string {
  if (!isPlausibleIne(ine)) throw new RangeError(`not an INE (11 characters): ${JSON.stringify(ine)}`);
  return buildEsi({ kind: 'national', country: 'fr' }, ine.toUpperCase());
}

/**
 * Reads an ESI in any accepted form (national, institution, or legacy `CC-PIC-STUDENTCODE`)
 * and tells which one it is. The URN prefix and the scope match case-insensitively; the result
 * carries a canonical spelling for display and storage (equality stays case-insensitive, see
 * {@link esiEquals}). A scope is national when it is a country or region code, institutional
 * when it is a domain name.
 */
export function parseEsi(value: unknown): EsiParseResult {
  if (typeof value !== 'string') return invalid('not-a-string', 'ESI must be a string');
  if (value.length === 0) return invalid('empty', 'ESI is empty');
  if (value.length > ESI_MAX_LENGTH) {
    return invalid('too-long', `ESI is ${value.length} characters, at most ${ESI_MAX_LENGTH} are allowed`);
  }
  if (value.slice(0, ESI_URN_PREFIX.length).toLowerCase() === ESI_URN_PREFIX.toLowerCase()) {
    const rest = value.slice(ESI_URN_PREFIX.length);
    const colon = rest.indexOf(':');
    if (colon <= 0) return invalid('bad-scope', 'ESI must be <prefix>:<scope>:<code>; the scope is missing');
    const scope = rest.slice(0, colon).toLowerCase();
    const code = rest.slice(colon + 1);
    if (!CODE_PATTERN.test(code)) {
      return invalid('bad-code', 'ESI student code must be non-empty visible ASCII without spaces');
    }
    const esi = `${ESI_URN_PREFIX}${scope}:${code}`;
    if (COUNTRY_PATTERN.test(scope)) return { valid: true, form: 'national', esi, country: scope, code };
    if (DOMAIN_PATTERN.test(scope)) {
      return { valid: true, form: 'institution', esi, schacHomeOrganization: scope, code };
    }
    return invalid(
      'bad-scope',
      `ESI scope ${JSON.stringify(scope)} is neither a country/region code nor a schacHomeOrganization domain`,
    );
  }
  const legacy = LEGACY_PATTERN.exec(value);
  if (legacy) {
    const [, country = '', pic = '', code = ''] = legacy;
    return { valid: true, form: 'legacy', esi: value, country: country.toLowerCase(), pic, code };
  }
  return invalid(
    'unknown-form',
    `ESI must start with ${ESI_URN_PREFIX} (or be a legacy CC-PIC-STUDENTCODE)`,
  );
}

/**
 * True when `value` is an ESI in an accepted form.
 */
export function isValidEsi(value: unknown): value is string {
  return parseEsi(value).valid;
}

/**
 * Compares two ESIs the SCHAC way: case-insensitively. Nothing else is normalized, so two
 * spellings that differ in more than case are different identifiers.
 */
export function esiEquals(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/**
 * The key under which an ESI is stored or indexed so that lookups follow {@link esiEquals}.
 */
export function esiKey(esi: string): string {
  return esi.toLowerCase();
}
