import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { CsnForm, CsnParseResult } from './csn.ts';
import { CSN_FORMS, csnForms, isCanonicalCsn, isCsnForm, parseCsn } from './csn.ts';

function hexOf(result: CsnParseResult): string {
  if (!result.ok) assert.fail(`expected a CSN, got ${result.code}: ${result.message}`);
  return result.hex;
}

function codeOf(result: CsnParseResult): string {
  assert.equal(result.ok, false, 'expected a refusal');
  return result.ok ? '' : result.code;
}

const KNOWN = [
  { hex: 'DEADBEEF', hexReversed: 'EFBEADDE', decimal: '3735928559', decimalReversed: '4022250974' },
  { hex: '04A1B2C3D4E5F6', hexReversed: 'F6E5D4C3B2A104', decimal: '1303689068602870', decimalReversed: '69495546249912580' },
  {
    hex: '0102030405060708090A',
    hexReversed: '0A090807060504030201',
    decimal: '4759477275222530853130',
    decimalReversed: '47390263963055590408705',
  },
];

const FORM_FIELD: Record<CsnForm, keyof (typeof KNOWN)[number]> = {
  hex: 'hex',
  hex_reversed: 'hexReversed',
  decimal: 'decimal',
  decimal_reversed: 'decimalReversed',
};

function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex').toUpperCase();
}

const uidArb = fc.constantFrom(4, 7, 10).chain((length) => fc.uint8Array({ minLength: length, maxLength: length }));

describe('csn forms', () => {
  it('gives the four forms of known UIDs, beyond 2^53 too', () => {
    for (const known of KNOWN) assert.deepEqual(csnForms(known.hex), known);
  });

  it('parses each known form back to canonical hex', () => {
    for (const known of KNOWN) {
      for (const form of CSN_FORMS) {
        assert.equal(hexOf(parseCsn(known[FORM_FIELD[form]], form)), known.hex, `${known.hex} as ${form}`);
      }
    }
  });

  it('accepts reader spellings of hex', () => {
    assert.equal(hexOf(parseCsn('04:a1:b2:c3:d4:e5:f6', 'hex')), '04A1B2C3D4E5F6');
    assert.equal(hexOf(parseCsn(' de ad be ef ', 'hex')), 'DEADBEEF');
    assert.equal(hexOf(parseCsn('ef-be-ad-de', 'hex_reversed')), 'DEADBEEF');
    assert.equal(hexOf(parseCsn('0003735928559', 'decimal')), 'DEADBEEF');
  });

  it('round-trips every form of random 4, 7 and 10-byte UIDs when the length is known', () => {
    fc.assert(fc.property(uidArb, (bytes) => {
      const hex = toHex(bytes);
      const forms = csnForms(hex);
      for (const form of CSN_FORMS) {
        assert.equal(hexOf(parseCsn(forms[FORM_FIELD[form]], form, { byteLength: bytes.length })), hex, form);
      }
    }), { numRuns: 500 });
  });

  it('round-trips without a length whenever the leading byte of the form is not zero', () => {
    fc.assert(fc.property(uidArb, (bytes) => {
      const hex = toHex(bytes);
      const forms = csnForms(hex);
      assert.equal(hexOf(parseCsn(forms.hex, 'hex')), hex);
      assert.equal(hexOf(parseCsn(forms.hexReversed, 'hex_reversed')), hex);
      if (bytes.length === 4 || bytes[0] !== 0) assert.equal(hexOf(parseCsn(forms.decimal, 'decimal')), hex);
      if (bytes.length === 4 || bytes.at(-1) !== 0) {
        assert.equal(hexOf(parseCsn(forms.decimalReversed, 'decimal_reversed')), hex);
      }
    }), { numRuns: 500 });
  });

  it('pads a short decimal to the smallest standard length that holds it', () => {
    assert.equal(hexOf(parseCsn('1', 'decimal')), '00000001');
    assert.equal(hexOf(parseCsn('4294967296', 'decimal')), '00000100000000');
    assert.equal(hexOf(parseCsn('1', 'decimal_reversed', { byteLength: 7 })), '01000000000000');
    assert.equal(hexOf(parseCsn('1', 'decimal', { byteLength: 5 })), '0000000001');
  });

  it('rejects malformed values as csn_invalid', () => {
    const bad: [string, CsnForm, number?][] = [
      ['', 'hex'], ['DEADBEE', 'hex'], ['DEADBEEG', 'hex'], ['ABCDEF', 'hex'], ['0x DEADBEEF', 'hex'],
      ['00'.repeat(11), 'hex'], ['DEADBEEF', 'hex', 7], ['', 'decimal'], ['-1', 'decimal'], ['12.5', 'decimal'],
      ['0xFF', 'decimal'], [(1n << 80n).toString(), 'decimal'], ['4294967296', 'decimal', 4], ['1', 'decimal', 3],
      ['1', 'decimal', 11], ['1', 'decimal_reversed', 4.5],
    ];
    for (const [value, form, byteLength] of bad) {
      const options = byteLength === undefined ? {} : { byteLength };
      assert.equal(codeOf(parseCsn(value, form, options)), 'csn_invalid', `${JSON.stringify(value)} as ${form}/${byteLength}`);
    }
  });

  it('rejects random junk without throwing', () => {
    fc.assert(fc.property(fc.string(), fc.constantFrom(...CSN_FORMS), (value, form) => {
      const result = parseCsn(value, form);
      if (result.ok) assert.ok(isCanonicalCsn(result.hex));
    }), { numRuns: 500 });
  });

  it('refuses a form it does not know instead of guessing', () => {
    assert.equal(codeOf(parseCsn('DEADBEEF', 'HEX')), 'csn_form_unknown');
    assert.equal(codeOf(parseCsn('DEADBEEF', 'auto')), 'csn_form_unknown');
    assert.equal(isCsnForm('decimal_reversed'), true);
    assert.equal(isCsnForm('reversed'), false);
  });

  it('tells canonical CSNs apart', () => {
    assert.equal(isCanonicalCsn('04A1B2C3D4E5F6'), true);
    assert.equal(isCanonicalCsn('04a1b2c3d4e5f6'), false);
    assert.equal(isCanonicalCsn('04:A1:B2:C3'), false);
    assert.equal(isCanonicalCsn('A1B2C3'), false);
  });

  it('throws when asked the forms of something that is not a CSN', () => {
    assert.throws(() => csnForms('xyz'), RangeError);
  });
});
