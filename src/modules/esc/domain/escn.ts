import { randomInt } from 'node:crypto';

/**
 * European Student Card Number (ESCN): a UUID-v1 look-alike that identifies one card.
 *
 * The reference generators (Java, PHP, C#, the router's own `generate-escn`) add the Gregorian
 * offset in milliseconds to a count of 100-ns units. We reproduce that quirk on purpose so the
 * numbers we mint decode the same way everybody else's do. See esc-identifiers.md.
 */

/** Accepted shape of an ESCN (compare case-insensitively). */
export const ESCN_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9]{12}$/i;

/** The offset the reference generators add to `unixMillis × 10000` (the quirk: milliseconds). */
export const ESCN_TIME_OFFSET = 12219292800000n;

/** How many numbers one millisecond can hold before the generator moves to the next one. */
export const ESCN_MAX_PER_MILLISECOND = 10000;

/** Largest value of the random part of the clock sequence (14 bits). */
export const ESCN_CLOCK_SEQ_MAX = 0x3fff;

/** Largest random value the reference generators draw (`[0, 0x3ffe]`). */
export const ESCN_RANDOM_DRAW_MAX = 0x3ffe;

/** Verifier URL prefixes printed in ESC QR codes: current, older production, older sandbox. */
export const ESC_VERIFIER_PREFIXES: readonly string[] = [
  'https://s.esc-r.eu/',
  'http://esc.gg/',
  'http://pp.esc.gg/',
];

const PIC_PATTERN = /^[0-9]{9}$/;
const TIMESTAMP_LIMIT = 1n << 60n;
const MILLIS_FACTOR = 10000n;

/** The inputs that fully determine one ESCN. */
export interface EscnParts {
  /** Unix time in milliseconds of issue. */
  unixMillis: number;
  /** Rank of the number within its millisecond, 0..9999. */
  counter: number;
  /** The 14 random bits of the clock sequence, 0..0x3fff (the variant bits are added). */
  clockSeqRandom: number;
  /** Minting-server prefix, 0..999. */
  prefix: number;
  /** 9-digit Participant Identification Code of the issuing institution. */
  pic: string;
}

/** Machine-readable reason an ESCN was rejected. */
export type EscnInvalidCode =
  | 'not-a-string'
  | 'empty'
  | 'wrong-length'
  | 'bad-grouping'
  | 'non-hex'
  | 'wrong-version'
  | 'wrong-variant'
  | 'non-digit-node'
  | 'unknown-url-prefix';

/** Outcome of validating an ESCN: the normalized number and what it encodes, or why not. */
export type EscnValidation =
  | { valid: true; escn: string; prefix: string; pic: string; issuedAt: Date }
  | { valid: false; code: EscnInvalidCode; reason: string };

/**
 * True when `pic` is a Participant Identification Code: exactly 9 decimal digits.
 */
export function isValidPic(pic: unknown): pic is string {
  return typeof pic === 'string' && PIC_PATTERN.test(pic);
}

/**
 * True when `prefix` is a usable minting-server prefix: an integer in 0..999.
 */
export function isValidEscnPrefix(prefix: unknown): prefix is number {
  return typeof prefix === 'number' && Number.isInteger(prefix) && prefix >= 0 && prefix <= 999;
}

function hex(value: bigint | number, width: number): string {
  return value.toString(16).padStart(width, '0');
}

/**
 * Formats one ESCN from its parts, byte-for-byte like the reference generators.
 * Pure and total on valid input; throws RangeError on any out-of-range part, so a bad PIC or
 * prefix can never produce a number that merely looks valid.
 */
export function formatEscn(parts: EscnParts): string {
  const { unixMillis, counter, clockSeqRandom, prefix, pic } = parts;
  if (!Number.isSafeInteger(unixMillis) || unixMillis < 0) {
    throw new RangeError(`unixMillis must be a non-negative safe integer, got ${unixMillis}`);
  }
  if (!Number.isInteger(counter) || counter < 0 || counter >= ESCN_MAX_PER_MILLISECOND) {
    throw new RangeError(`counter must be an integer in 0..${ESCN_MAX_PER_MILLISECOND - 1}, got ${counter}`);
  }
  if (!Number.isInteger(clockSeqRandom) || clockSeqRandom < 0 || clockSeqRandom > ESCN_CLOCK_SEQ_MAX) {
    throw new RangeError(`clockSeqRandom must be a 14-bit integer (0..0x3fff), got ${clockSeqRandom}`);
  }
  if (!isValidEscnPrefix(prefix)) {
    throw new RangeError(`prefix must be an integer in 0..999, got ${prefix}`);
  }
  if (!isValidPic(pic)) {
    throw new RangeError(`PIC must be exactly 9 digits, got ${JSON.stringify(pic)}`);
  }
  const t = BigInt(unixMillis) * MILLIS_FACTOR + ESCN_TIME_OFFSET + BigInt(counter);
  if (t >= TIMESTAMP_LIMIT) {
    throw new RangeError(`unixMillis ${unixMillis} is beyond the 60-bit UUID timestamp`);
  }
  const timeLow = t & 0xffffffffn;
  const timeMid = (t >> 32n) & 0xffffn;
  const timeHiAndVersion = ((t >> 48n) & 0x0fffn) | 0x1000n;
  const clockSeq = clockSeqRandom | 0x8000;
  const node = String(prefix).padStart(3, '0') + pic;
  return `${hex(timeLow, 8)}-${hex(timeMid, 4)}-${hex(timeHiAndVersion, 4)}-${hex(clockSeq, 4)}-${node}`;
}

function reject(code: EscnInvalidCode, reason: string): EscnValidation {
  return { valid: false, code, reason };
}

/**
 * Validates an ESCN received from elsewhere against the published pattern and, when it passes,
 * returns it lowercased together with the prefix, PIC and issue time it encodes. The input is
 * not trimmed: use {@link parseScannedEscn} for text coming from a scanner. Each failure has
 * its own code and sentence so an operator can tell what is wrong with the number.
 */
export function validateEscn(input: unknown): EscnValidation {
  if (typeof input !== 'string') return reject('not-a-string', 'ESCN must be a string');
  if (input.length === 0) return reject('empty', 'ESCN is empty');
  if (input.length !== 36) {
    return reject('wrong-length', `ESCN must be 36 characters long (8-4-4-4-12), got ${input.length}`);
  }
  const groups = input.split('-');
  const lengths = groups.map((group) => group.length).join('-');
  if (lengths !== '8-4-4-4-12') {
    return reject('bad-grouping', 'ESCN must be five dash-separated groups of 8, 4, 4, 4 and 12 characters');
  }
  const [, , timeHi = '', clockSeq = '', node = ''] = groups;
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-/i.test(input)) {
    return reject('non-hex', 'ESCN time and clock-sequence groups must be hexadecimal digits');
  }
  if (timeHi[0] !== '1') {
    return reject('wrong-version', `ESCN version digit (first of the 3rd group) must be 1, got '${timeHi[0] ?? ''}'`);
  }
  if (!/^[89ab]/i.test(clockSeq)) {
    return reject(
      'wrong-variant',
      `ESCN variant (first of the 4th group) must be 8, 9, a or b, got '${clockSeq[0] ?? ''}'`,
    );
  }
  if (!/^[0-9]{12}$/.test(node)) {
    return reject('non-digit-node', 'ESCN last group (3-digit prefix + 9-digit PIC) must be 12 decimal digits');
  }
  const escn = input.toLowerCase();
  const parts = decodeValidEscn(escn);
  return {
    valid: true,
    escn,
    prefix: node.slice(0, 3),
    pic: node.slice(3),
    issuedAt: new Date(parts.unixMillis),
  };
}

function decodeValidEscn(escn: string): EscnParts {
  const [timeLow = '', timeMid = '', timeHi = '', clockSeq = '', node = ''] = escn.split('-');
  const t =
    (BigInt(`0x${timeHi}`) & 0x0fffn) << 48n | BigInt(`0x${timeMid}`) << 32n | BigInt(`0x${timeLow}`);
  const sinceEpoch = t - ESCN_TIME_OFFSET;
  // Floor division: BigInt division truncates toward zero, wrong for times before 1970.
  let unixMillis = sinceEpoch / MILLIS_FACTOR;
  if (sinceEpoch < 0n && unixMillis * MILLIS_FACTOR !== sinceEpoch) unixMillis -= 1n;
  const counter = sinceEpoch - unixMillis * MILLIS_FACTOR;
  return {
    unixMillis: Number(unixMillis),
    counter: Number(counter),
    clockSeqRandom: Number.parseInt(clockSeq, 16) & ESCN_CLOCK_SEQ_MAX,
    prefix: Number.parseInt(node.slice(0, 3), 10),
    pic: node.slice(3),
  };
}

/**
 * Decodes a valid ESCN back into the parts {@link formatEscn} takes (the exact inverse for
 * numbers minted after 1970). Throws RangeError when the input is not a valid ESCN.
 */
export function decodeEscn(escn: string): EscnParts {
  const result = validateEscn(escn);
  if (!result.valid) throw new RangeError(result.reason);
  return decodeValidEscn(result.escn);
}

function schemeVariants(prefix: string): string[] {
  const match = /^https?:\/\/(.*)$/i.exec(prefix);
  if (!match) return [prefix];
  return [`https://${match[1] ?? ''}`, `http://${match[1] ?? ''}`];
}

function withTrailingSlash(prefix: string): string {
  return prefix.endsWith('/') ? prefix : `${prefix}/`;
}

/**
 * Extracts and validates the ESCN in text read from a card's QR code: either a bare ESCN or a
 * verifier URL (`https://s.esc-r.eu/…`, `http://esc.gg/…`, `http://pp.esc.gg/…`, their
 * http/https variants, and any `extraPrefixes` such as our own `PUBLIC_URL/v/`). Surrounding
 * whitespace, a trailing slash, and a query or fragment are tolerated; prefixes match
 * case-insensitively. A URL with an unknown prefix is rejected rather than guessed at, so a
 * QR pointing elsewhere is never mistaken for one of ours.
 */
export function parseScannedEscn(text: string, extraPrefixes: readonly string[] = []): EscnValidation {
  let candidate = text.trim();
  if (candidate.length === 0) return reject('empty', 'scanned text is empty');
  const known = ESC_VERIFIER_PREFIXES.flatMap(schemeVariants);
  const extra = extraPrefixes.map((prefix) => withTrailingSlash(prefix.trim()));
  const lower = candidate.toLowerCase();
  const prefix = [...known, ...extra]
    .sort((a, b) => b.length - a.length)
    .find((p) => lower.startsWith(p.toLowerCase()));
  if (prefix !== undefined) {
    candidate = candidate.slice(prefix.length).replace(/[?#].*$/s, '').replace(/\/+$/, '');
  } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(candidate)) {
    return reject('unknown-url-prefix', 'scanned URL does not start with a known ESC verifier prefix');
  } else {
    candidate = candidate.replace(/\/+$/, '');
  }
  return validateEscn(candidate);
}

/**
 * The 16-byte binary form of an ESCN (dashes removed, hex-decoded), as written to chips.
 * Throws RangeError when the input is not a valid ESCN.
 */
export function escnToBytes(escn: string): Uint8Array {
  const result = validateEscn(escn);
  if (!result.valid) throw new RangeError(result.reason);
  return Uint8Array.from(Buffer.from(result.escn.replaceAll('-', ''), 'hex'));
}

/**
 * Reads an ESCN back from its 16-byte binary form. Throws RangeError when there are not
 * exactly 16 bytes or the bytes do not spell a valid ESCN (e.g. a non-decimal node).
 */
export function escnFromBytes(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw new RangeError(`an ESCN is 16 bytes, got ${bytes.length}`);
  const h = Buffer.from(bytes).toString('hex');
  const escn = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  const result = validateEscn(escn);
  if (!result.valid) throw new RangeError(result.reason);
  return result.escn;
}

/** Options of {@link createEscnGenerator}. */
export interface EscnGeneratorOptions {
  /** PIC of the issuing institution (9 digits). */
  pic: string;
  /** Minting-server prefix, 0..999; default 1. */
  prefix?: number;
  /** Clock, Unix milliseconds. */
  now?: () => number;
  /** Source of the 14 random clock-sequence bits, drawn anew for each number. */
  random14?: () => number;
}

/** A stateful ESCN minter for one PIC and prefix. */
export interface EscnGenerator {
  /** Mints the next number. */
  next(): string;
}

function defaultRandom14(): number {
  return randomInt(0, ESCN_RANDOM_DRAW_MAX + 1);
}

/**
 * Creates an ESCN minter. Within one millisecond it issues t, t+1, … ; after 10000 numbers
 * in the same millisecond it moves on to the next millisecond itself instead of blocking the
 * event loop until the clock gets there: the numbers are the ones waiting would have given.
 * If the clock steps backwards it keeps counting from where it was, so the numbers one
 * generator returns never repeat and sort by time. Uniqueness across processes is the
 * database's job (unique constraint), not this object's.
 */
export function createEscnGenerator(options: EscnGeneratorOptions): EscnGenerator {
  const { pic, prefix = 1, now = () => Date.now(), random14 = defaultRandom14 } = options;
  if (!isValidPic(pic)) throw new RangeError(`PIC must be exactly 9 digits, got ${JSON.stringify(pic)}`);
  if (!isValidEscnPrefix(prefix)) throw new RangeError(`prefix must be an integer in 0..999, got ${prefix}`);
  let lastMillis = -1;
  let counter = 0;
  return {
    next(): string {
      const current = now();
      if (!Number.isSafeInteger(current) || current < 0) {
        throw new RangeError(`clock returned an invalid time: ${current}`);
      }
      if (current > lastMillis) {
        lastMillis = current;
        counter = 0;
      } else if (counter + 1 < ESCN_MAX_PER_MILLISECOND) {
        counter += 1;
      } else {
        lastMillis += 1;
        counter = 0;
      }
      return formatEscn({ unixMillis: lastMillis, counter, clockSeqRandom: random14(), prefix, pic });
    },
  };
}
