import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { appendCheckDigit, luhnCheckDigit, mod11CheckDigit, stripCheckDigit } from './check-digits.ts';
import {
  accessControlIdOf, accessControlSequenceOf, definitionProblems, secondaryIdOf, secondarySequenceOf,
  type AccessControlDefinition, type SecondaryDefinition,
} from './identifier-definitions.ts';

const payload = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 40 }).map((digits) => digits.join(''));

test('Luhn: known values (ISO/IEC 7812 examples)', () => {
  assert.equal(luhnCheckDigit('7992739871'), '3');
  assert.equal(luhnCheckDigit('0'), '0');
  assert.equal(appendCheckDigit('00000001', 'luhn'), '000000018');
});

test('mod 11: known values (weights 2–7 from the right, 10 written X)', () => {
  // 1·2 = 2 → 11 − 2 = 9
  assert.equal(mod11CheckDigit('1'), '9');
  // 5·2 = 10 → 11 − 10 = 1
  assert.equal(mod11CheckDigit('5'), '1');
  // 0 → 0
  assert.equal(mod11CheckDigit('000'), '0');
  // 1·3 + 0·2 = 3 → 8; 6·2 = 12 ≡ 1 → 10 → X
  assert.equal(mod11CheckDigit('10'), '8');
  assert.equal(mod11CheckDigit('6'), 'X');
  // The weight cycle restarts at the seventh digit from the right: 1000000 weighs 2.
  assert.equal(mod11CheckDigit('1000000'), mod11CheckDigit('1'));
});

test('Luhn detects every single-digit error', () => {
  fc.assert(fc.property(payload, fc.nat(), fc.integer({ min: 1, max: 9 }), (digits, at, shift) => {
    const coded = appendCheckDigit(digits, 'luhn');
    const index = at % coded.length;
    const wrong = coded.slice(0, index) + String((Number(coded[index]) + shift) % 10) + coded.slice(index + 1);
    assert.equal(stripCheckDigit(wrong, 'luhn'), undefined, `${coded} → ${wrong}`);
  }), { numRuns: 2000 });
});

test('Luhn detects every adjacent transposition except 09 ↔ 90', () => {
  fc.assert(fc.property(payload, fc.nat(), (digits, at) => {
    const coded = appendCheckDigit(digits, 'luhn');
    if (coded.length < 2) return;
    const index = at % (coded.length - 1);
    const [a, b] = [coded[index] as string, coded[index + 1] as string];
    if (a === b) return;
    const swapped = coded.slice(0, index) + b + a + coded.slice(index + 2);
    const pair = a + b;
    if (pair === '09' || pair === '90') return;
    assert.equal(stripCheckDigit(swapped, 'luhn'), undefined, `${coded} → ${swapped}`);
  }), { numRuns: 2000 });
  // And the known blind spot really is one: 09 and 90 weigh the same.
  assert.equal(luhnCheckDigit('09'), luhnCheckDigit('90'));
});

test('mod 11 detects every single-digit error and every adjacent transposition', () => {
  fc.assert(fc.property(payload, fc.nat(), fc.integer({ min: 1, max: 9 }), (digits, at, shift) => {
    const coded = appendCheckDigit(digits, 'mod11');
    const index = at % digits.length;
    const wrong = coded.slice(0, index) + String((Number(coded[index]) + shift) % 10) + coded.slice(index + 1);
    assert.equal(stripCheckDigit(wrong, 'mod11'), undefined, `${coded} → ${wrong}`);
    // The check character itself replaced by any other one.
    const check = coded.slice(-1);
    for (const other of ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'X']) {
      if (other !== check) assert.equal(stripCheckDigit(digits + other, 'mod11'), undefined);
    }
    if (digits.length >= 2) {
      const i = at % (digits.length - 1);
      const [a, b] = [digits[i] as string, digits[i + 1] as string];
      if (a !== b) assert.equal(stripCheckDigit(digits.slice(0, i) + b + a + digits.slice(i + 2) + check, 'mod11'), undefined);
    }
  }), { numRuns: 2000 });
});

test('a coded value strips back to its payload under every scheme', () => {
  fc.assert(fc.property(payload, fc.constantFrom('luhn' as const, 'mod11' as const, 'none' as const), (digits, scheme) => {
    assert.equal(stripCheckDigit(appendCheckDigit(digits, scheme), scheme), digits);
  }));
});

test('access-control ids: offset + sequence, left-padded to the length; read back to their sequence', () => {
  const definition: AccessControlDefinition = { enabled: true, offset: '1234500000000000', length: 16 };
  assert.equal(accessControlIdOf(definition, 1), '1234500000000001');
  assert.equal(accessControlIdOf({ enabled: true, offset: '0', length: 64 }, 42), `${'0'.repeat(62)}42`);
  // Past the length: no id (the service answers 409 identifier_range_exhausted).
  assert.equal(accessControlIdOf({ enabled: true, offset: '9000', length: 4 }, 1000), undefined);
  const offsetDigits = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 30 }).map((d) => d.join(''));
  fc.assert(fc.property(offsetDigits, fc.integer({ min: 0, max: 1e12 }), fc.integer({ min: 31, max: 64 }), (offset, sequence, length) => {
    const def = { enabled: true, offset, length };
    const id = accessControlIdOf(def, sequence);
    assert.ok(id !== undefined);
    assert.equal(id.length, length);
    assert.match(id, /^[0-9]+$/);
    assert.equal(BigInt(id), BigInt(offset) + BigInt(sequence));
    assert.equal(accessControlSequenceOf(def, id), BigInt(sequence));
  }));
});

test('secondary ids: prefix + padded number + check digit; distinct sequences give distinct ids; read back', () => {
  const definition: SecondaryDefinition = { enabled: true, prefix: 'B', offset: '0', length: 8, checkDigit: 'luhn' };
  assert.equal(secondaryIdOf(definition, 1), 'B000000018');
  fc.assert(fc.property(
    fc.constantFrom('', 'B', 'LIB7'), fc.constantFrom('0', '1000', '69030000'), fc.constantFrom(0, 12, 20),
    fc.constantFrom('luhn' as const, 'mod11' as const, 'none' as const), fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 9999 }),
    (prefix, offset, length, checkDigit, a, b) => {
      const def = { enabled: true, prefix, offset, length, checkDigit };
      const [idA, idB] = [secondaryIdOf(def, a), secondaryIdOf(def, b)];
      assert.ok(idA !== undefined && idB !== undefined);
      assert.equal(idA === idB, a === b);
      assert.ok(idA.startsWith(prefix));
      assert.equal(secondarySequenceOf(def, idA), BigInt(a));
    }));
});

test('definitions: lengths, offsets that leave no room and prefixes are refused field by field', () => {
  const ok = definitionProblems({ enabled: true, offset: '1234500000000000', length: 16 }, { enabled: true, prefix: 'B', offset: '0', length: 8, checkDigit: 'luhn' });
  assert.deepEqual(ok, []);
  const problems = definitionProblems({ enabled: true, offset: '99999', length: 5 }, { enabled: true, prefix: 'b-', offset: 'x', length: 40, checkDigit: 'none' });
  assert.deepEqual(problems.map((problem) => `${problem.field}:${problem.code}`).sort(), [
    '/accessControl/offset:offset_too_long', '/secondary/length:invalid_length', '/secondary/offset:invalid_offset', '/secondary/prefix:invalid_prefix',
  ]);
});
