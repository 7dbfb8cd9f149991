/**
 * Linear barcodes a card may print: Code 39 (letters, digits, `-. $/+%`) and Code 128 (printable
 * ASCII, digits packed two by two). A symbol is the widths of its bars and spaces in modules,
 * starting and ending with a bar, with the quiet zones left to the caller. Pure; the renderers
 * turn the widths into rectangles.
 */

export type Symbology = 'code39' | 'code128';

export interface LinearSymbol {
  /** Bar, space, bar, … widths in modules (narrow element = 1 module). */
  widths: number[];
  /** Total width in modules. */
  modules: number;
}

/** Quiet zone each side, in modules (both symbologies ask for 10 narrow elements). */
export const QUIET_ZONE_MODULES = 10;

// Code 39: for each character, its 5 bars and 4 spaces, w = wide, n = narrow (3 of 9 are wide).
const CODE39: Record<string, string> = {
  '0': 'nnnwwnwnn', '1': 'wnnwnnnnw', '2': 'nnwwnnnnw', '3': 'wnwwnnnnn', '4': 'nnnwwnnnw',
  '5': 'wnnwwnnnn', '6': 'nnwwwnnnn', '7': 'nnnwnnwnw', '8': 'wnnwnnwnn', '9': 'nnwwnnwnn',
  A: 'wnnnnwnnw', B: 'nnwnnwnnw', C: 'wnwnnwnnn', D: 'nnnnwwnnw', E: 'wnnnwwnnn',
  F: 'nnwnwwnnn', G: 'nnnnnwwnw', H: 'wnnnnwwnn', I: 'nnwnnwwnn', J: 'nnnnwwwnn',
  K: 'wnnnnnnww', L: 'nnwnnnnww', M: 'wnwnnnnwn', N: 'nnnnwnnww', O: 'wnnnwnnwn',
  P: 'nnwnwnnwn', Q: 'nnnnnnwww', R: 'wnnnnnwwn', S: 'nnwnnnwwn', T: 'nnnnwnwwn',
  U: 'wwnnnnnnw', V: 'nwwnnnnnw', W: 'wwwnnnnnn', X: 'nwnnwnnnw', Y: 'wwnnwnnnn',
  Z: 'nwwnwnnnn', '-': 'nwnnnnwnw', '.': 'wwnnnnwnn', ' ': 'nwwnnnwnn', $: 'nwnwnwnnn',
  '/': 'nwnwnnnwn', '+': 'nwnnnwnwn', '%': 'nnnwnwnwn', '*': 'nwnnwnwnn',
};
/** Wide-to-narrow ratio of Code 39 (ISO/IEC 16388 allows 2 to 3; 3 reads best at small sizes). */
const CODE39_WIDE = 3;

// Code 128 patterns by symbol value (0–102, then Start A/B/C), as bar/space widths; Stop is apart.
const CODE128 = [
  '212222', '222122', '222221', '121223', '121322', '131222', '122213', '122312', '132212', '221213',
  '221312', '231212', '112232', '122132', '122231', '113222', '123122', '123221', '223211', '221132',
  '221231', '213212', '223112', '312131', '311222', '321122', '321221', '312212', '322112', '322211',
  '212123', '212321', '232121', '111323', '131123', '131321', '112313', '132113', '132311', '211313',
  '231113', '231311', '112133', '112331', '132131', '113123', '113321', '133121', '313121', '211331',
  '231131', '213113', '213311', '213131', '311123', '311321', '331121', '312113', '312311', '332111',
  '314111', '221411', '431111', '111224', '111422', '121124', '121421', '141122', '141221', '112214',
  '112412', '122114', '122411', '142112', '142211', '241211', '221114', '413111', '241112', '134111',
  '111242', '121142', '121241', '114212', '124112', '124211', '411212', '421112', '421211', '212141',
  '214121', '412121', '111143', '111341', '131141', '114113', '114311', '411113', '411311', '113141',
  '114131', '311141', '411131', '211412', '211214', '211232',
];
const CODE128_STOP = '2331112';
export const CODE128_START_B = 104;
export const CODE128_START_C = 105;
export const CODE128_CODE_B = 100;
export const CODE128_CODE_C = 99;

/** The Code 128 patterns, exposed for the decoder of the tests. */
export const CODE128_PATTERNS: readonly string[] = CODE128;
export const CODE128_STOP_PATTERN = CODE128_STOP;
export const CODE39_PATTERNS: Readonly<Record<string, string>> = CODE39;
export const CODE39_WIDE_MODULES = CODE39_WIDE;

/** Whether `value` can be written in `symbology` (non-empty, its character set). */
export function encodable(symbology: Symbology, value: string): boolean {
  if (value === '') return false;
  if (symbology === 'code39') return [...value].every((char) => char !== '*' && char in CODE39);
  return /^[\x20-\x7e]+$/.test(value);
}

/** The symbol of `value`, or null when the symbology cannot write it (see `encodable`). */
export function encodeBarcode(symbology: Symbology, value: string): LinearSymbol | null {
  if (!encodable(symbology, value)) return null;
  return symbology === 'code39' ? code39(value) : code128(value);
}

function code39(value: string): LinearSymbol {
  const widths: number[] = [];
  for (const [index, char] of [...`*${value}*`].entries()) {
    if (index > 0) widths.push(1); // inter-character gap, a narrow space
    for (const element of CODE39[char]!) widths.push(element === 'w' ? CODE39_WIDE : 1);
  }
  return withTotal(widths);
}

/**
 * Code 128 in set B, with set C (two digits per symbol) for the digits: a value of digits only is
 * all set C (its last digit in set B when their count is odd), any other value is set B.
 */
function code128(value: string): LinearSymbol {
  const values: number[] = [];
  if (/^\d{2,}$/.test(value)) {
    values.push(CODE128_START_C);
    const pairs = value.length - (value.length % 2);
    for (let i = 0; i < pairs; i += 2) values.push(Number(value.slice(i, i + 2)));
    if (pairs < value.length) values.push(CODE128_CODE_B, value.charCodeAt(pairs) - 32);
  } else {
    values.push(CODE128_START_B);
    for (const char of value) values.push(char.charCodeAt(0) - 32);
  }
  const checksum = values.reduce((sum, symbol, index) => sum + symbol * Math.max(index, 1), 0) % 103;
  values.push(checksum);
  const widths = [...values.map((symbol) => CODE128[symbol]!).join(''), ...CODE128_STOP].map(Number);
  return withTotal(widths);
}

function withTotal(widths: number[]): LinearSymbol {
  return { widths, modules: widths.reduce((sum, width) => sum + width, 0) };
}
