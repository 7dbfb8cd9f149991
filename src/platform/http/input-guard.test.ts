import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { findInvalidCharacters, hasInvalidCharacters } from './input-guard.ts';

test('invalid characters: exactly the strings PostgreSQL cannot store as text (NUL, or no UTF-8 form)', () => {
  fc.assert(fc.property(fc.string({ maxLength: 20, unit: 'binary' }), (text) => {
    const storable = Buffer.from(text, 'utf8').toString('utf8') === text && !text.includes('\u0000');
    assert.equal(hasInvalidCharacters(text), !storable);
  }), { seed: 3, numRuns: 5000 });
});

test('the first offending string of a value is named by its JSON pointer, keys by their object', () => {
  assert.equal(findInvalidCharacters({ a: 'ok', b: [1, 'x', { 'c/d~': 'y\u0000' }] }), '/b/2/c~1d~0');
  assert.equal(findInvalidCharacters({ ok: { ['bad\ud800']: 1 } }), '/ok');
  assert.equal(findInvalidCharacters('\udc00'), '/');
  assert.equal(findInvalidCharacters({ a: ['😀', 'é'], b: null, c: 3 }), undefined);
  assert.equal(findInvalidCharacters(Buffer.from([0, 0, 0])), undefined, 'raw bodies are not text');
  let deep: unknown = 'x\u0000';
  for (let depth = 0; depth < 100_000; depth++) deep = [deep];
  assert.equal(findInvalidCharacters(deep)?.length, 200_000, 'a deeply nested value does not exhaust the stack');
});
