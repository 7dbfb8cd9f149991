/**
 * Chip serial numbers (CSN, the ISO 14443 UID of the card's chip).
 *
 * Readers, printers and partner systems print the same UID in four ways: as hex, as hex with the
 * bytes reversed, or as the decimal value of either. We store one canonical form only: uppercase
 * hex, two digits per byte, in the order the chip reports them. Which form an input uses is never
 * guessed (`0x12345678` and its reverse are both plausible), so callers always name it.
 *
 * 7 and 10-byte UIDs exceed 2^53: all arithmetic uses BigInt.
 */

export const CSN_FORMS = ['hex', 'hex_reversed', 'decimal', 'decimal_reversed'] as const;

export type CsnForm = (typeof CSN_FORMS)[number];

/** Smallest and largest UID accepted, in bytes (ISO 14443 uses 4, 7 or 10). */
export const CSN_MIN_BYTES = 4;
export const CSN_MAX_BYTES = 10;

/** The UID sizes ISO 14443 defines; a decimal without a stated length is padded to one of them. */
export const CSN_STANDARD_BYTE_LENGTHS: readonly number[] = [4, 7, 10];

/** The same UID in each of the four forms. */
export interface CsnForms {
  hex: string;
  hexReversed: string;
  decimal: string;
  decimalReversed: string;
}

export type CsnErrorCode = 'csn_invalid' | 'csn_form_unknown';

export type CsnParseResult =
  | { ok: true; hex: string }
  | { ok: false; code: CsnErrorCode; message: string };

export interface ParseCsnOptions {
  /**
   * The UID's size in bytes, when known (4..10). A decimal loses leading zero bytes, so without
   * it the smallest of 4, 7 or 10 bytes that holds the value is taken.
   */
  byteLength?: number;
}

const CANONICAL = /^(?:[0-9A-F]{2}){4,10}$/;
const SEPARATORS = /[\s:-]/g;

/** Narrows an untrusted string to a known CSN form. */
export function isCsnForm(value: unknown): value is CsnForm {
  return typeof value === 'string' && (CSN_FORMS as readonly string[]).includes(value);
}

/** True when `hex` is already canonical: uppercase, even length, 4..10 bytes, no separators. */
export function isCanonicalCsn(hex: string): boolean {
  return CANONICAL.test(hex);
}

/**
 * Parses a CSN written in the named form into canonical hex.
 * Hex input may be lowercase and may separate bytes with spaces, colons or hyphens (as readers
 * print them). Decimal input is digits only; leading zeros are ignored; the byte length is
 * `options.byteLength` when given, else the smallest of 4, 7 or 10 bytes that holds the value
 * (exact for every 4-byte UID and for 7/10-byte UIDs whose most significant byte, in the form
 * given, is not zero — a manufacturer code for the plain form).
 * Never throws: a bad value gives `csn_invalid`, a form outside `CSN_FORMS` `csn_form_unknown`.
 */
export function parseCsn(value: string, form: string, options: ParseCsnOptions = {}): CsnParseResult {
  if (!isCsnForm(form)) {
    return fail('csn_form_unknown', `unknown CSN form "${form}"; expected one of ${CSN_FORMS.join(', ')}`);
  }
  const { byteLength } = options;
  if (byteLength !== undefined && !isValidByteLength(byteLength)) {
    return fail('csn_invalid', `a CSN is ${CSN_MIN_BYTES} to ${CSN_MAX_BYTES} bytes long, not ${byteLength}`);
  }
  const parsed = form === 'hex' || form === 'hex_reversed'
    ? parseHex(value, byteLength)
    : parseDecimal(value, byteLength);
  if (!parsed.ok) return parsed;
  const reversed = form === 'hex_reversed' || form === 'decimal_reversed';
  return { ok: true, hex: reversed ? reverseBytes(parsed.hex) : parsed.hex };
}

/**
 * All four forms of a UID, for display and for partners that want one of them.
 * Takes hex in chip order (case and separators as `parseCsn` accepts them); throws a RangeError
 * on anything else, since callers hold a CSN that was validated when it was bound.
 */
export function csnForms(hex: string): CsnForms {
  const parsed = parseHex(hex, undefined);
  if (!parsed.ok) throw new RangeError(parsed.message);
  const hexReversed = reverseBytes(parsed.hex);
  return {
    hex: parsed.hex,
    hexReversed,
    decimal: BigInt(`0x${parsed.hex}`).toString(10),
    decimalReversed: BigInt(`0x${hexReversed}`).toString(10),
  };
}

function parseHex(value: string, byteLength: number | undefined): CsnParseResult {
  const hex = value.replace(SEPARATORS, '').toUpperCase();
  if (!CANONICAL.test(hex)) {
    return fail('csn_invalid', `"${value}" is not ${CSN_MIN_BYTES} to ${CSN_MAX_BYTES} bytes of hex`);
  }
  if (byteLength !== undefined && hex.length !== byteLength * 2) {
    return fail('csn_invalid', `"${value}" is ${hex.length / 2} bytes long, expected ${byteLength}`);
  }
  return { ok: true, hex };
}

function parseDecimal(value: string, byteLength: number | undefined): CsnParseResult {
  const digits = value.trim();
  if (!/^[0-9]+$/.test(digits)) {
    return fail('csn_invalid', `"${value}" is not a decimal number`);
  }
  const number = BigInt(digits);
  const size = byteLength ?? CSN_STANDARD_BYTE_LENGTHS.find((length) => fits(number, length));
  if (size === undefined || !fits(number, size)) {
    const limit = size ?? CSN_MAX_BYTES;
    return fail('csn_invalid', `"${value}" does not fit in ${limit} bytes`);
  }
  return { ok: true, hex: number.toString(16).toUpperCase().padStart(size * 2, '0') };
}

function fits(number: bigint, bytes: number): boolean {
  return number < 1n << BigInt(bytes * 8);
}

function isValidByteLength(length: number): boolean {
  return Number.isInteger(length) && length >= CSN_MIN_BYTES && length <= CSN_MAX_BYTES;
}

function reverseBytes(hex: string): string {
  return (hex.match(/../g) ?? []).reverse().join('');
}

function fail(code: CsnErrorCode, message: string): CsnParseResult {
  return { ok: false, code, message };
}
