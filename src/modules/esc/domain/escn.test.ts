import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  ESCN_MAX_PER_MILLISECOND,
  ESCN_PATTERN,
  createEscnGenerator,
  decodeEscn,
  escnFromBytes,
  escnToBytes,
  formatEscn,
  isValidEscnPrefix,
  isValidPic,
  parseScannedEscn,
  validateEscn,
} from './escn.ts';

const EXAMPLE = '3e506370-826a-103d-bf76-001000000001';

// 2000-01-01 .. 2200-01-01: any time a card could plausibly be issued.
const unixMillisArb = fc.integer({ min: 946684800000, max: 7258118400000 });
const picArb = fc.stringMatching(/^[0-9]{9}$/);
const prefixArb = fc.integer({ min: 0, max: 999 });
const randomArb = fc.integer({ min: 0, max: 0x3ffe });
const counterArb = fc.integer({ min: 0, max: ESCN_MAX_PER_MILLISECOND - 1 });

describe('formatEscn', () => {
  it('reproduces the published worked example', () => {
    assert.equal(
      formatEscn({ unixMillis: 1730114711015, counter: 0, clockSeqRandom: 0x3f76, prefix: 1, pic: '000000001' }),
      EXAMPLE,
    );
  });

  it('uses t+counter within a millisecond', () => {
    const base = { unixMillis: 1730114711015, clockSeqRandom: 0x3f76, prefix: 1, pic: '000000001' };
    assert.equal(formatEscn({ ...base, counter: 1 }), '3e506371-826a-103d-bf76-001000000001');
    assert.equal(formatEscn({ ...base, counter: 9999 }), '3e508a7f-826a-103d-bf76-001000000001');
  });

  it('rejects out-of-range parts', () => {
    const ok = { unixMillis: 1730114711015, counter: 0, clockSeqRandom: 0, prefix: 1, pic: '000000001' };
    for (const bad of [
      { unixMillis: -1 },
      { unixMillis: 1.5 },
      { unixMillis: 2 ** 60 },
      { counter: 10000 },
      { counter: -1 },
      { clockSeqRandom: 0x4000 },
      { prefix: 1000 },
      { prefix: -1 },
      { pic: '12345678' },
      { pic: '12345678a' },
    ]) {
      assert.throws(() => formatEscn({ ...ok, ...bad }), RangeError, JSON.stringify(bad));
    }
  });

  it('always matches the validation pattern and decodes back to its parts (property)', () => {
    fc.assert(
      fc.property(unixMillisArb, counterArb, randomArb, prefixArb, picArb, (unixMillis, counter, clockSeqRandom, prefix, pic) => {
        const escn = formatEscn({ unixMillis, counter, clockSeqRandom, prefix, pic });
        assert.match(escn, ESCN_PATTERN);
        assert.equal(escn, escn.toLowerCase());
        assert.deepEqual(decodeEscn(escn), { unixMillis, counter, clockSeqRandom, prefix, pic });
        const result = validateEscn(escn.toUpperCase());
        assert.deepEqual(result, {
          valid: true,
          escn,
          prefix: String(prefix).padStart(3, '0'),
          pic,
          issuedAt: new Date(unixMillis),
        });
      }),
    );
  });
});

describe('validateEscn', () => {
  it('decodes the published example', () => {
    assert.deepEqual(validateEscn(EXAMPLE), {
      valid: true,
      escn: EXAMPLE,
      prefix: '001',
      pic: '000000001',
      issuedAt: new Date('2024-10-28T11:25:11.015Z'),
    });
  });

  it('normalizes to lowercase', () => {
    const result = validateEscn(EXAMPLE.toUpperCase());
    assert.equal(result.valid && result.escn, EXAMPLE);
  });

  const cases: Array<[string, unknown, string]> = [
    ['not-a-string', 42, 'not-a-string'],
    ['empty', '', 'empty'],
    ['too short', EXAMPLE.slice(0, -1), 'wrong-length'],
    ['too long', `${EXAMPLE}0`, 'wrong-length'],
    ['leading space', ` ${EXAMPLE.slice(1)}`, 'non-hex'],
    ['no dashes', `${EXAMPLE.replaceAll('-', '')}abcd`, 'bad-grouping'],
    ['dash moved', '3e50637-0826a-103d-bf76-001000000001', 'bad-grouping'],
    ['non-hex time', '3e50637g-826a-103d-bf76-001000000001', 'non-hex'],
    ['version 4', '3e506370-826a-403d-bf76-001000000001', 'wrong-version'],
    ['variant c', '3e506370-826a-103d-cf76-001000000001', 'wrong-variant'],
    ['variant 7', '3e506370-826a-103d-7f76-001000000001', 'wrong-variant'],
    ['hex node', '3e506370-826a-103d-bf76-00100000000a', 'non-digit-node'],
  ];
  for (const [name, input, code] of cases) {
    it(`rejects ${name} with code ${code}`, () => {
      const result = validateEscn(input);
      assert.equal(result.valid, false);
      assert.equal(!result.valid && result.code, code);
      assert.ok(!result.valid && result.reason.length > 10);
    });
  }

  it('gives every rejection code its own sentence', () => {
    const reasons = new Map<string, string>();
    for (const [, input] of cases) {
      const result = validateEscn(input);
      if (!result.valid) reasons.set(result.code, result.reason.replace(/\d+|'.'/g, ''));
    }
    assert.equal(new Set(reasons.values()).size, reasons.size);
  });

  it('rejects every single-character mutation that breaks the pattern (property)', () => {
    const validArb = fc
      .tuple(unixMillisArb, counterArb, randomArb, prefixArb, picArb)
      .map(([unixMillis, counter, clockSeqRandom, prefix, pic]) =>
        formatEscn({ unixMillis, counter, clockSeqRandom, prefix, pic }));
    const charArb = fc.constantFrom(...'0123456789abcdefgxyzABCDEF-_ :/'.split(''));
    fc.assert(
      fc.property(validArb, fc.nat(35), charArb, (escn, index, char) => {
        const mutated = escn.slice(0, index) + char + escn.slice(index + 1);
        const result = validateEscn(mutated);
        assert.equal(result.valid, ESCN_PATTERN.test(mutated));
        if (!result.valid) assert.ok(result.reason.length > 0);
      }),
    );
  });

  it('rejects a wrong version digit, a wrong variant or a non-digit node (property)', () => {
    fc.assert(
      fc.property(
        unixMillisArb,
        randomArb,
        picArb,
        fc.constantFrom(...'023456789abcdef'.split('')),
        fc.constantFrom(...'01234567cdef'.split('')),
        fc.integer({ min: 0, max: 11 }),
        fc.constantFrom(...'abcdefxz'.split('')),
        (unixMillis, clockSeqRandom, pic, version, variant, nodeIndex, letter) => {
          const escn = formatEscn({ unixMillis, counter: 0, clockSeqRandom, prefix: 1, pic });
          const at = (i: number, c: string): string => escn.slice(0, i) + c + escn.slice(i + 1);
          const v = validateEscn(at(14, version));
          assert.equal(!v.valid && v.code, 'wrong-version');
          const w = validateEscn(at(19, variant));
          assert.equal(!w.valid && w.code, 'wrong-variant');
          const n = validateEscn(at(24 + nodeIndex, letter));
          assert.equal(!n.valid && n.code, 'non-digit-node');
        },
      ),
    );
  });
});

describe('createEscnGenerator', () => {
  it('mints the worked example from an injected clock and random source', () => {
    const generator = createEscnGenerator({ pic: '000000001', now: () => 1730114711015, random14: () => 0x3f76 });
    assert.equal(generator.next(), EXAMPLE);
  });

  it('draws the random part anew for every number and stays in [0, 0x3ffe] by default', () => {
    const generator = createEscnGenerator({ pic: '123456789', prefix: 7 });
    const randoms = new Set<number>();
    for (let i = 0; i < 200; i += 1) {
      const parts = decodeEscn(generator.next());
      assert.ok(parts.clockSeqRandom <= 0x3ffe);
      assert.equal(parts.prefix, 7);
      assert.equal(parts.pic, '123456789');
      randoms.add(parts.clockSeqRandom);
    }
    assert.ok(randoms.size > 150);
  });

  it('counts t, t+1, … within one millisecond, unique and increasing (property)', () => {
    fc.assert(
      fc.property(unixMillisArb, prefixArb, picArb, fc.integer({ min: 1, max: 300 }), (millis, prefix, pic, count) => {
        const generator = createEscnGenerator({ pic, prefix, now: () => millis, random14: () => 0 });
        const seen = new Set<string>();
        for (let i = 0; i < count; i += 1) {
          const escn = generator.next();
          assert.ok(!seen.has(escn));
          seen.add(escn);
          assert.deepEqual(decodeEscn(escn), { unixMillis: millis, counter: i, clockSeqRandom: 0, prefix, pic });
        }
      }),
    );
  });

  it('moves to the next millisecond after 10000 numbers in one millisecond', () => {
    const millis = 1730114711015;
    const generator = createEscnGenerator({ pic: '000000001', now: () => millis, random14: () => 5 });
    const all = new Set<string>();
    for (let i = 0; i < ESCN_MAX_PER_MILLISECOND; i += 1) all.add(generator.next());
    const overflow = decodeEscn(generator.next());
    assert.equal(all.size, ESCN_MAX_PER_MILLISECOND);
    assert.equal(overflow.unixMillis, millis + 1);
    assert.equal(overflow.counter, 0);
    assert.equal(decodeEscn(generator.next()).counter, 1);
  });

  it('restarts the counter when the clock advances and never repeats when it goes back (property)', () => {
    fc.assert(
      fc.property(unixMillisArb, fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 1, maxLength: 200 }), (start, steps) => {
        let clock = start;
        const generator = createEscnGenerator({ pic: '000000001', now: () => clock, random14: () => 0 });
        let previous = -1n;
        for (const step of steps) {
          clock = Math.max(0, clock + step);
          const { unixMillis, counter } = decodeEscn(generator.next());
          const position = BigInt(unixMillis) * 10000n + BigInt(counter);
          assert.ok(position > previous, 'strictly increasing');
          previous = position;
        }
      }),
    );
  });

  it('rejects a bad PIC, prefix or clock', () => {
    assert.throws(() => createEscnGenerator({ pic: '1234' }), RangeError);
    assert.throws(() => createEscnGenerator({ pic: '123456789', prefix: 1000 }), RangeError);
    const generator = createEscnGenerator({ pic: '123456789', now: () => Number.NaN });
    assert.throws(() => generator.next(), RangeError);
  });
});

describe('parseScannedEscn', () => {
  const own = 'https://cards.univ-example.fr/v/';
  const accepted = [
    EXAMPLE,
    `  ${EXAMPLE.toUpperCase()}\n`,
    `${EXAMPLE}/`,
    `https://s.esc-r.eu/${EXAMPLE}`,
    `HTTPS://S.ESC-R.EU/${EXAMPLE}/`,
    `http://s.esc-r.eu/${EXAMPLE}`,
    `http://esc.gg/${EXAMPLE}`,
    `https://esc.gg/${EXAMPLE}`,
    `http://pp.esc.gg/${EXAMPLE}`,
    `https://pp.esc.gg/${EXAMPLE}?utm=1`,
    `\t${own}${EXAMPLE}#x `,
  ];
  for (const text of accepted) {
    it(`accepts ${JSON.stringify(text)}`, () => {
      const result = parseScannedEscn(text, ['https://cards.univ-example.fr/v']);
      assert.equal(result.valid && result.escn, EXAMPLE);
    });
  }

  it('rejects URLs with an unknown prefix', () => {
    for (const text of [`https://evil.example/${EXAMPLE}`, `${own}${EXAMPLE}`]) {
      const result = parseScannedEscn(text);
      assert.equal(!result.valid && result.code, 'unknown-url-prefix');
    }
  });

  it('rejects an empty scan and a known prefix without a valid number', () => {
    const empty = parseScannedEscn('   ');
    assert.equal(!empty.valid && empty.code, 'empty');
    const bad = parseScannedEscn('https://s.esc-r.eu/not-an-escn');
    assert.equal(bad.valid, false);
  });

  it('round-trips any verifier URL built from a generated ESCN (property)', () => {
    fc.assert(
      fc.property(
        unixMillisArb,
        randomArb,
        prefixArb,
        picArb,
        fc.constantFrom('https://s.esc-r.eu/', 'http://esc.gg/', 'http://pp.esc.gg/', own),
        (unixMillis, clockSeqRandom, prefix, pic, verifier) => {
          const escn = formatEscn({ unixMillis, counter: 0, clockSeqRandom, prefix, pic });
          const result = parseScannedEscn(`${verifier}${escn}`, [own]);
          assert.equal(result.valid && result.escn, escn);
        },
      ),
    );
  });
});

describe('binary form', () => {
  it('is the 16 hex-decoded bytes', () => {
    const bytes = escnToBytes(EXAMPLE);
    assert.equal(Buffer.from(bytes).toString('hex'), EXAMPLE.replaceAll('-', ''));
    assert.equal(bytes.length, 16);
  });

  it('round-trips (property)', () => {
    fc.assert(
      fc.property(unixMillisArb, counterArb, randomArb, prefixArb, picArb, (unixMillis, counter, clockSeqRandom, prefix, pic) => {
        const escn = formatEscn({ unixMillis, counter, clockSeqRandom, prefix, pic });
        assert.equal(escnFromBytes(escnToBytes(escn)), escn);
      }),
    );
  });

  it('rejects a wrong length and bytes that are not an ESCN', () => {
    assert.throws(() => escnFromBytes(new Uint8Array(15)), RangeError);
    assert.throws(() => escnFromBytes(new Uint8Array(16)), RangeError);
    assert.throws(() => escnToBytes('nope'), RangeError);
  });
});

describe('PIC and prefix helpers', () => {
  it('accept exactly 9 digits and integers 0..999', () => {
    assert.ok(isValidPic('000000001'));
    for (const bad of ['00000001', '0000000011', '00000000a', ' 00000001', 123456789]) assert.ok(!isValidPic(bad));
    assert.ok(isValidEscnPrefix(0) && isValidEscnPrefix(999));
    for (const bad of [-1, 1000, 1.5, '1', Number.NaN]) assert.ok(!isValidEscnPrefix(bad));
  });
});
