import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  ESI_MAX_LENGTH,
  buildEsi,
  buildFrenchEsi,
  esiEquals,
  esiKey,
  isPlausibleIne,
  isValidEsi,
  parseEsi,
} from './esi.ts';

const codeArb = fc.stringMatching(/^[\x21-\x7e]{1,40}$/);
const countryArb = fc.stringMatching(/^[a-zA-Z]{2}(-[a-zA-Z0-9]{1,3})?$/);
const domainArb = fc.domain().filter((d) => d.includes('.'));

describe('buildEsi', () => {
  it('builds the national form with a lowercased country', () => {
    assert.equal(buildEsi({ kind: 'national', country: 'HR' }, '0123456789'), 'urn:schac:personalUniqueCode:int:esi:hr:0123456789');
    assert.equal(buildEsi({ kind: 'national', country: 'ES-CT' }, 'X1'), 'urn:schac:personalUniqueCode:int:esi:es-ct:X1');
  });

  it('builds the institution form', () => {
    assert.equal(
      buildEsi({ kind: 'institution', schacHomeOrganization: 'UniPV.it' }, '123456'),
      'urn:schac:personalUniqueCode:int:esi:unipv.it:123456',
    );
  });

  it('builds the French form from the INE', () => {
    assert.equal(buildFrenchEsi('123456789ab'), 'urn:schac:personalUniqueCode:int:esi:fr:123456789AB');
    assert.equal(buildFrenchEsi('0A1B2C3D4EF'), 'urn:schac:personalUniqueCode:int:esi:fr:0A1B2C3D4EF');
    assert.throws(() => buildFrenchEsi('12345678901'), RangeError);
    assert.throws(() => buildFrenchEsi('123456789A'), RangeError);
  });

  it('refuses malformed scopes and codes, and results over 255 characters', () => {
    assert.throws(() => buildEsi({ kind: 'national', country: 'FRA' }, '1'), RangeError);
    assert.throws(() => buildEsi({ kind: 'institution', schacHomeOrganization: 'localhost' }, '1'), RangeError);
    assert.throws(() => buildEsi({ kind: 'national', country: 'fr' }, ''), RangeError);
    assert.throws(() => buildEsi({ kind: 'national', country: 'fr' }, 'a b'), RangeError);
    assert.throws(() => buildEsi({ kind: 'national', country: 'fr' }, 'é'), RangeError);
    const prefixLength = 'urn:schac:personalUniqueCode:int:esi:fr:'.length;
    assert.equal(buildEsi({ kind: 'national', country: 'fr' }, 'x'.repeat(ESI_MAX_LENGTH - prefixLength)).length, ESI_MAX_LENGTH);
    assert.throws(() => buildEsi({ kind: 'national', country: 'fr' }, 'x'.repeat(ESI_MAX_LENGTH - prefixLength + 1)), RangeError);
  });
});

describe('parseEsi', () => {
  it('reads both URN forms whatever their case', () => {
    assert.deepEqual(parseEsi('URN:SCHAC:personalUniqueCode:INT:esi:HR:xxxxxxxxxx'), {
      valid: true,
      form: 'national',
      esi: 'urn:schac:personalUniqueCode:int:esi:hr:xxxxxxxxxx',
      country: 'hr',
      code: 'xxxxxxxxxx',
    });
    assert.deepEqual(parseEsi('urn:schac:personalUniqueCode:int:esi:unipv.it:123456'), {
      valid: true,
      form: 'institution',
      esi: 'urn:schac:personalUniqueCode:int:esi:unipv.it:123456',
      schacHomeOrganization: 'unipv.it',
      code: '123456',
    });
  });

  it('keeps colons inside the student code', () => {
    const result = parseEsi('urn:schac:personalUniqueCode:int:esi:de:a:b');
    assert.equal(result.valid && result.code, 'a:b');
  });

  it('reads, but never builds, the legacy CC-PIC-STUDENTCODE form', () => {
    assert.deepEqual(parseEsi('IT-999888777-S12345'), {
      valid: true,
      form: 'legacy',
      esi: 'IT-999888777-S12345',
      country: 'it',
      pic: '999888777',
      code: 'S12345',
    });
  });

  const rejections: Array<[unknown, string]> = [
    [null, 'not-a-string'],
    ['', 'empty'],
    [`urn:schac:personalUniqueCode:int:esi:fr:${'1'.repeat(250)}`, 'too-long'],
    ['urn:schac:personalUniqueCode:int:esn:fr:1', 'unknown-form'],
    ['fr-123-456', 'unknown-form'],
    ['urn:schac:personalUniqueCode:int:esi::1', 'bad-scope'],
    ['urn:schac:personalUniqueCode:int:esi:fr', 'bad-scope'],
    ['urn:schac:personalUniqueCode:int:esi:france:1', 'bad-scope'],
    ['urn:schac:personalUniqueCode:int:esi:fr:', 'bad-code'],
    ['urn:schac:personalUniqueCode:int:esi:fr:12 34', 'bad-code'],
  ];
  for (const [input, code] of rejections) {
    it(`rejects ${JSON.stringify(input)?.slice(0, 60)} as ${code}`, () => {
      const result = parseEsi(input);
      assert.equal(result.valid, false);
      assert.equal(!result.valid && result.code, code);
      assert.equal(isValidEsi(input), false);
    });
  }

  it('round-trips built national ESIs (property)', () => {
    fc.assert(
      fc.property(countryArb, codeArb, (country, code) => {
        const esi = buildEsi({ kind: 'national', country }, code);
        const parsed = parseEsi(esi);
        assert.deepEqual(parsed, { valid: true, form: 'national', esi, country: country.toLowerCase(), code });
        assert.ok(isValidEsi(esi.toUpperCase()));
      }),
    );
  });

  it('round-trips built institution ESIs (property)', () => {
    fc.assert(
      fc.property(domainArb, codeArb, (domain, code) => {
        fc.pre(domain.length + code.length + 38 <= ESI_MAX_LENGTH);
        const esi = buildEsi({ kind: 'institution', schacHomeOrganization: domain }, code);
        assert.deepEqual(parseEsi(esi), {
          valid: true,
          form: 'institution',
          esi,
          schacHomeOrganization: domain.toLowerCase(),
          code,
        });
      }),
    );
  });
});

describe('esiEquals', () => {
  it('compares case-insensitively and nothing more (property)', () => {
    fc.assert(
      fc.property(countryArb, codeArb, (country, code) => {
        const esi = buildEsi({ kind: 'national', country }, code);
        assert.ok(esiEquals(esi, esi.toUpperCase()));
        assert.ok(esiEquals(esi.toLowerCase(), esi));
        assert.equal(esiKey(esi), esiKey(esi.toUpperCase()));
        assert.ok(!esiEquals(esi, `${esi}0`));
        assert.ok(!esiEquals(esi, ` ${esi}`));
      }),
    );
  });
});

describe('isPlausibleIne', () => {
  it('accepts 9 digits + 2 letters and 10 alphanumerics + 1 letter', () => {
    assert.ok(isPlausibleIne('123456789AB'));
    assert.ok(isPlausibleIne('0A1B2C3D4EF'));
    assert.ok(!isPlausibleIne('1234567890'));
    assert.ok(!isPlausibleIne('123456789012'));
  });
});
