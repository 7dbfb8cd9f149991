/**
 * The identifiers a card carries beyond its CSN and ESCN, as each institution defines them:
 *
 * - the **access-control id**: offset + sequence number, left-padded with zeros to a fixed length
 *   (the length the door system's chip file expects, up to 64 digits). Example: offset
 *   1234500000000000, length 16, sequence 1 → `1234500000000001`.
 * - the **secondary id** (library barcode): an optional prefix (capital letters, digits), then
 *   offset + sequence number (left-padded to `length` digits when `length` > 0), then the check
 *   digit of that number under the chosen scheme (see check-digits.ts; the prefix is not part of
 *   the check). Example: prefix `B`, offset 0, length 8, Luhn, sequence 1 → `B000000018`.
 *
 * Numbers are decimal strings handled as bigint: offsets of 64 digits stay exact. Pure: the
 * sequences themselves are rows of the card-identifiers repository.
 */
import { appendCheckDigit, stripCheckDigit, type CheckDigitScheme } from './check-digits.ts';

/** The longest access-control id (a DESFire file of 64 characters). */
export const MAX_ACCESS_CONTROL_LENGTH = 64;
/** The longest padded number of a secondary id (a printable barcode stays short). */
export const MAX_SECONDARY_LENGTH = 32;
export const MAX_SECONDARY_PREFIX_LENGTH = 16;
export const SECONDARY_PREFIX = /^[A-Z0-9]{0,16}$/;
export const DECIMAL = /^[0-9]{1,64}$/;

export interface AccessControlDefinition {
  enabled: boolean;
  /** Decimal digits; leading zeros allowed (they do not count towards the length). */
  offset: string;
  /** Digits of every id, 1 to 64. */
  length: number;
}

export interface SecondaryDefinition {
  enabled: boolean;
  prefix: string;
  offset: string;
  /** Digits the number is padded to (before the check digit); 0: no padding. */
  length: number;
  checkDigit: CheckDigitScheme;
}

/** A definition problem, named by the field of the API body it comes from. */
export interface DefinitionProblem {
  field: string;
  code: string;
  message: string;
}

/** Significant digits of a non-negative decimal string (`0` has one). */
function significantDigits(value: string): number {
  return value.replace(/^0+(?=.)/, '').length;
}

/** True when offset + 1 (the first id) needs more than `length` digits. */
function leavesNoRoom(offset: string, length: number): boolean {
  return BigInt(offset) + 1n >= 10n ** BigInt(length);
}

/** The problems of a pair of definitions (empty: valid). Checked before anything is stored. */
export function definitionProblems(accessControl: AccessControlDefinition, secondary: SecondaryDefinition): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  if (!Number.isInteger(accessControl.length) || accessControl.length < 1 || accessControl.length > MAX_ACCESS_CONTROL_LENGTH) {
    problems.push({ field: '/accessControl/length', code: 'invalid_length', message: `The length is 1 to ${MAX_ACCESS_CONTROL_LENGTH} digits` });
  }
  if (!DECIMAL.test(accessControl.offset)) {
    problems.push({ field: '/accessControl/offset', code: 'invalid_offset', message: 'The offset is a number of 1 to 64 decimal digits' });
  } else if (Number.isInteger(accessControl.length) && leavesNoRoom(accessControl.offset, accessControl.length)) {
    problems.push({ field: '/accessControl/offset', code: 'offset_too_long', message: `The offset leaves no room for a sequence within ${accessControl.length} digits` });
  }
  if (!SECONDARY_PREFIX.test(secondary.prefix)) {
    problems.push({ field: '/secondary/prefix', code: 'invalid_prefix', message: `The prefix is up to ${MAX_SECONDARY_PREFIX_LENGTH} capital letters or digits` });
  }
  if (!Number.isInteger(secondary.length) || secondary.length < 0 || secondary.length > MAX_SECONDARY_LENGTH) {
    problems.push({ field: '/secondary/length', code: 'invalid_length', message: `The length is 0 (no padding) to ${MAX_SECONDARY_LENGTH} digits` });
  }
  if (!DECIMAL.test(secondary.offset) || significantDigits(secondary.offset) > MAX_SECONDARY_LENGTH) {
    problems.push({ field: '/secondary/offset', code: 'invalid_offset', message: `The offset is a number of 1 to ${MAX_SECONDARY_LENGTH} decimal digits` });
  } else if (Number.isInteger(secondary.length) && secondary.length > 0 && leavesNoRoom(secondary.offset, secondary.length)) {
    problems.push({ field: '/secondary/offset', code: 'offset_too_long', message: `The offset leaves no room for a sequence within ${secondary.length} digits` });
  }
  return problems;
}

/** `value` left-padded with zeros to `length`, or undefined when it needs more digits. */
function padded(value: bigint, length: number): string | undefined {
  const digits = value.toString();
  if (length === 0) return digits;
  return digits.length > length ? undefined : digits.padStart(length, '0');
}

/** The access-control id of sequence number `sequence`; undefined when it no longer fits the length. */
export function accessControlIdOf(definition: AccessControlDefinition, sequence: number | bigint): string | undefined {
  return padded(BigInt(definition.offset) + BigInt(sequence), definition.length);
}

/** The secondary id of sequence number `sequence`; undefined when it no longer fits the length. */
export function secondaryIdOf(definition: SecondaryDefinition, sequence: number | bigint): string | undefined {
  const number = padded(BigInt(definition.offset) + BigInt(sequence), definition.length);
  return number === undefined ? undefined : definition.prefix + appendCheckDigit(number, definition.checkDigit);
}

/**
 * The sequence number an access-control id was made from under `definition`, or undefined when
 * it is not one of its ids (another length, not digits, below the offset). Used to move the
 * sequence past imported ids.
 */
export function accessControlSequenceOf(definition: AccessControlDefinition, value: string): bigint | undefined {
  if (value.length !== definition.length || !/^[0-9]+$/.test(value)) return undefined;
  const sequence = BigInt(value) - BigInt(definition.offset);
  return sequence >= 0n ? sequence : undefined;
}

/** The sequence number a secondary id was made from under `definition`, or undefined (see above). */
export function secondarySequenceOf(definition: SecondaryDefinition, value: string): bigint | undefined {
  if (!value.startsWith(definition.prefix)) return undefined;
  const number = stripCheckDigit(value.slice(definition.prefix.length), definition.checkDigit);
  if (number === undefined || (definition.length > 0 && number.length !== definition.length)) return undefined;
  const sequence = BigInt(number) - BigInt(definition.offset);
  return sequence >= 0n ? sequence : undefined;
}
