/**
 * Check digits of printed identifiers (the secondary id's library barcode). Pure functions over
 * strings of decimal digits, so a barcode of any length keeps every digit (no number rounding).
 *
 * - `luhn`: the Luhn formula (ISO/IEC 7812-1, mod 10, doubling every second digit from the right
 *   of the payload). Detects every single-digit error and every adjacent transposition except
 *   09 ↔ 90.
 * - `mod11`: modulo 11 with the weights 2, 3, 4, 5, 6, 7 repeating from the rightmost payload
 *   digit (the IBM/bank "MOD 11" family); check = (11 − sum mod 11) mod 11, the value 10 written
 *   `X`. Every weight is non-zero modulo 11 and adjacent weights differ by less than 11, so every
 *   single-digit error and every adjacent transposition is detected.
 * - `none`: no check digit.
 */

/** The check digit schemes an institution may choose for its secondary ids. */
export const CHECK_DIGIT_SCHEMES = ['none', 'luhn', 'mod11'] as const;
export type CheckDigitScheme = (typeof CHECK_DIGIT_SCHEMES)[number];

const DIGITS = /^[0-9]+$/;

function digitsOf(payload: string): number[] {
  if (!DIGITS.test(payload)) throw new RangeError('a check digit is computed over decimal digits only');
  return [...payload].map(Number);
}

/** The Luhn check digit of `payload` (digits), to append to its right. */
export function luhnCheckDigit(payload: string): string {
  const digits = digitsOf(payload);
  let sum = 0;
  // The digit next to the check digit is doubled, then every second one leftwards.
  for (let i = digits.length - 1, double = true; i >= 0; i--, double = !double) {
    const digit = digits[i] as number;
    const value = double ? digit * 2 : digit;
    sum += value > 9 ? value - 9 : value;
  }
  return String((10 - (sum % 10)) % 10);
}

/** The modulo 11 check character of `payload` (digits): `0`–`9`, or `X` for 10. */
export function mod11CheckDigit(payload: string): string {
  const digits = digitsOf(payload);
  let sum = 0;
  for (let i = digits.length - 1, position = 0; i >= 0; i--, position++) {
    sum += (digits[i] as number) * (2 + (position % 6));
  }
  const check = (11 - (sum % 11)) % 11;
  return check === 10 ? 'X' : String(check);
}

/** `payload` followed by its check character under `scheme` (unchanged for `none`). */
export function appendCheckDigit(payload: string, scheme: CheckDigitScheme): string {
  switch (scheme) {
    case 'luhn': return payload + luhnCheckDigit(payload);
    case 'mod11': return payload + mod11CheckDigit(payload);
    case 'none': return payload;
  }
}

/**
 * The payload of `value` when its last character is the right check character under `scheme`
 * (the whole value for `none`); undefined when it is not (a typing or reading error).
 */
export function stripCheckDigit(value: string, scheme: CheckDigitScheme): string | undefined {
  if (scheme === 'none') return DIGITS.test(value) ? value : undefined;
  const payload = value.slice(0, -1);
  if (payload.length === 0 || !DIGITS.test(payload)) return undefined;
  return appendCheckDigit(payload, scheme) === value ? payload : undefined;
}
