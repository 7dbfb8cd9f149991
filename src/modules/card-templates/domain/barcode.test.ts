import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  CODE128_PATTERNS, CODE128_STOP_PATTERN, CODE39_PATTERNS, CODE39_WIDE_MODULES, encodable, encodeBarcode,
} from './barcode.ts';

// Decoders written from the symbologies' rules, independent of the encoder's code paths: they
// read the bar/space widths back into the value, checking the start, stop and checksum.
function decodeCode128(widths: number[]): string {
  assert.equal(widths.length % 6, 1, 'symbols of 6 elements and a stop of 7');
  const stop = widths.slice(-7).join('');
  assert.equal(stop, CODE128_STOP_PATTERN);
  const symbols: number[] = [];
  for (let i = 0; i < widths.length - 7; i += 6) {
    const value = CODE128_PATTERNS.indexOf(widths.slice(i, i + 6).join(''));
    assert.ok(value >= 0, `unknown pattern at element ${i}`);
    symbols.push(value);
  }
  const checksum = symbols.pop()!;
  assert.equal(symbols.reduce((sum, value, index) => sum + value * Math.max(index, 1), 0) % 103, checksum, 'checksum');
  let set: 'B' | 'C' = symbols[0] === 104 ? 'B' : symbols[0] === 105 ? 'C' : assert.fail('start');
  let text = '';
  for (const value of symbols.slice(1)) {
    if (set === 'C' && value === 100) set = 'B';
    else if (set === 'B' && value === 99) set = 'C';
    else if (set === 'B') text += String.fromCharCode(value + 32);
    else text += String(value).padStart(2, '0');
  }
  return text;
}

function decodeCode39(widths: number[]): string {
  const byPattern = new Map(Object.entries(CODE39_PATTERNS).map(([char, pattern]) => [pattern, char]));
  assert.equal((widths.length + 1) % 10, 0, '9 elements a character and a gap between');
  let text = '';
  for (let i = 0; i < widths.length; i += 10) {
    const pattern = widths.slice(i, i + 9).map((width) => (width === CODE39_WIDE_MODULES ? 'w' : width === 1 ? 'n' : '?')).join('');
    if (i + 9 < widths.length) assert.equal(widths[i + 9], 1, 'narrow gap');
    const char = byPattern.get(pattern);
    assert.ok(char !== undefined, `unknown pattern ${pattern}`);
    text += char;
  }
  assert.ok(text.startsWith('*') && text.endsWith('*'), 'start and stop');
  return text.slice(1, -1);
}

describe('Code 128', () => {
  it('has 107 distinct patterns of 11 modules with an even number of bar modules', () => {
    assert.equal(CODE128_PATTERNS.length, 106);
    assert.equal(new Set(CODE128_PATTERNS).size, 106);
    for (const pattern of CODE128_PATTERNS) {
      const widths = [...pattern].map(Number);
      assert.equal(widths.reduce((a, b) => a + b, 0), 11, pattern);
      assert.equal((widths[0]! + widths[2]! + widths[4]!) % 2, 0, pattern);
    }
  });

  it('reads back any printable ASCII value, and packs digits two by two (property)', () => {
    fc.assert(fc.property(fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), minLength: 1, maxLength: 40 }), (value) => {
      assert.equal(decodeCode128(encodeBarcode('code128', value)!.widths), value);
    }), { numRuns: 500 });
    fc.assert(fc.property(fc.stringMatching(/^\d{2,30}$/), (value) => {
      const symbol = encodeBarcode('code128', value)!;
      assert.equal(decodeCode128(symbol.widths), value);
      // start + ⌈n/2⌉ symbols (+ code B for an odd count) + checksum, 11 modules each, stop 13
      const symbols = 1 + Math.floor(value.length / 2) + (value.length % 2) * 2 + 1;
      assert.equal(symbol.modules, symbols * 11 + 13);
    }), { numRuns: 300 });
  });

  it('refuses what it cannot write (empty, accents)', () => {
    assert.equal(encodeBarcode('code128', ''), null);
    assert.equal(encodeBarcode('code128', 'Zoé'), null);
  });

  it('matches the reference encoding of a known value (bwip-js, checked once)', () => {
    // "12345": Start C, 12, 34, Code B, "5", checksum; the widths bwip-js 4.11.4 gives.
    assert.equal(encodeBarcode('code128', '12345')!.widths.join(''), '2112321122321311231141312132123111232331112');
  });
});

describe('Code 39', () => {
  it('has 44 distinct patterns of 3 wide elements out of 9', () => {
    assert.equal(new Set(Object.values(CODE39_PATTERNS)).size, 44);
    for (const pattern of Object.values(CODE39_PATTERNS)) assert.equal([...pattern].filter((e) => e === 'w').length, 3, pattern);
  });

  it('reads back any value of its character set (property)', () => {
    const chars = Object.keys(CODE39_PATTERNS).filter((char) => char !== '*');
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...chars), minLength: 1, maxLength: 30 }), (value) => {
      assert.equal(decodeCode39(encodeBarcode('code39', value)!.widths), value);
    }), { numRuns: 500 });
  });

  it('refuses lower case, the start character and empty values', () => {
    assert.deepEqual(['abc', 'A*B', ''].map((value) => encodable('code39', value)), [false, false, false]);
  });
});
