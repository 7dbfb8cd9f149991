import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  ISO_3166_ALPHA2_CODES,
  computeUaiCheckLetter,
  isValidCountryCode,
  isValidEppn,
  isValidIne,
  isValidPic,
  isValidUai,
  normalizeEppn,
  normalizeIne,
  normalizeUai,
} from './french-identifiers.ts';

const UAI_LETTERS = 'ABCDEFGHJKLMNPRSTUVWXYZ';
const sevenDigitsArb = fc.integer({ min: 0, max: 9_999_999 }).map((n) => String(n).padStart(7, '0'));

describe('INE', () => {
  it('accepts the two documented shapes, in either case', () => {
    assert.ok(isValidIne('123456789AB'));
    assert.ok(isValidIne('123456789ab'));
    assert.ok(isValidIne('1234567890A'));
    assert.ok(isValidIne('1234A12345B'));
    assert.ok(isValidIne('0A1B2C3D4EF'));
  });

  it('is strict about length and character set', () => {
    for (const bad of ['', '123456789A', '123456789ABC', '12345678901', '123456789-A', '123456789 A', '12345678éAB', 'INCONNUXXXX']) {
      assert.equal(isValidIne(bad), false, bad);
    }
  });

  it('normalizes by trimming and uppercasing', () => {
    assert.equal(normalizeIne(' 123456789ab '), '123456789AB');
  });

  it('accepts every 9 digits + 2 letters and every 10 alphanumerics (one digit at least) + letter', () => {
    fc.assert(fc.property(fc.stringMatching(/^[0-9]{9}[A-Za-z]{2}$/), (ine) => isValidIne(ine)));
    fc.assert(fc.property(fc.stringMatching(/^[0-9][0-9A-Z]{9}[A-Z]$/), (ine) => isValidIne(ine)));
  });

  it('refuses anything that is not 11 characters', () => {
    fc.assert(fc.property(fc.string().filter((s) => s.length !== 11), (value) => !isValidIne(value)));
  });
});

describe('UAI', () => {
  it('validates the reference example 0021593W', () => {
    assert.equal(computeUaiCheckLetter('0021593'), 'W');
    assert.ok(isValidUai('0021593W'));
    assert.ok(isValidUai('0021593w'));
    assert.equal(isValidUai('0021593X'), false);
  });

  it('refuses wrong shapes', () => {
    for (const bad of ['', '0021593', '021593W', '00215930W', '002159AW', ' 0021593W']) assert.equal(isValidUai(bad), false, bad);
    assert.equal(normalizeUai(' 0021593w '), '0021593W');
  });

  it('computes the letter only for exactly 7 digits', () => {
    assert.throws(() => computeUaiCheckLetter('123456'), RangeError);
    assert.throws(() => computeUaiCheckLetter('12345678'), RangeError);
    assert.throws(() => computeUaiCheckLetter('123456a'), RangeError);
  });

  it('every 7-digit number with its computed letter validates, any other letter does not', () => {
    fc.assert(
      fc.property(sevenDigitsArb, fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('')), (digits, letter) => {
        const check = computeUaiCheckLetter(digits);
        assert.ok(UAI_LETTERS.includes(check));
        assert.ok(isValidUai(digits + check));
        assert.equal(isValidUai(digits + letter), letter === check);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('eppn', () => {
  it('accepts login@domain and refuses the rest', () => {
    assert.ok(isValidEppn('jdoe@univ-exemple.fr'));
    assert.ok(isValidEppn('jean.dupont_2+x@etu.univ.fr'));
    for (const bad of ['jdoe', 'jdoe@', '@univ.fr', 'jdoe@localhost', 'JDoe@univ.fr', 'j doe@univ.fr', 'a@b@univ.fr', '-jdoe@univ.fr', '=cmd@univ.fr', 'jdoe@-univ.fr', 'jdoe@univ.fr.']) {
      assert.equal(isValidEppn(bad), false, bad);
    }
  });

  it('normalizes by trimming and lowercasing, and limits the length to 255', () => {
    assert.equal(normalizeEppn('  JDoe@Univ.FR '), 'jdoe@univ.fr');
    const domain = `${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.fr`;
    assert.ok(isValidEppn(`${'x'.repeat(255 - domain.length - 1)}@${domain}`));
    assert.equal(isValidEppn(`${'x'.repeat(256 - domain.length - 1)}@${domain}`), false);
  });
});

describe('PIC and country codes', () => {
  it('PIC is exactly 9 digits', () => {
    assert.ok(isValidPic('999866665'));
    for (const bad of ['99986666', '9998666650', '99986666a', 999866665]) assert.equal(isValidPic(bad), false, String(bad));
  });

  it('knows the 249 assigned alpha-2 codes, case-insensitively, and no reserved ones', () => {
    assert.equal(ISO_3166_ALPHA2_CODES.size, 249);
    for (const code of ['FR', 'fr', 'DE', 'GR', 'GB', 'SS', 'AX']) assert.ok(isValidCountryCode(code), code);
    for (const code of ['UK', 'EL', 'EU', 'XK', 'ZZ', 'F', 'FRA', '']) assert.equal(isValidCountryCode(code), false, code);
  });
});
