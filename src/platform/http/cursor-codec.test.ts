import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeCursor, encodeCursor, type CursorField } from './cursor-codec.ts';
import { ProblemError } from './problem.ts';

const SHAPE: CursorField[] = [{ equals: 'last_name' }, { equals: 'asc' }, 'text', 'timestamp', 'uuid'];
const timestamp = fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true })
  .map((date) => `${date.toISOString().replace('T', ' ').replace('Z', '')}+00`);
/** Text a real sort key may hold: any well-formed string without NUL. */
const cleanText = fc.string({ maxLength: 50, unit: 'grapheme' }).filter((text) => !text.includes('\u0000'));

function invalidCursor(error: unknown): boolean {
  return error instanceof ProblemError && error.status === 400 && error.code === 'invalid_cursor' && error.field === 'querystring:/cursor';
}

test('a cursor the server made decodes to the same values', () => {
  fc.assert(fc.property(cleanText, timestamp, fc.uuid(), (text, at, id) => {
    const values = ['last_name', 'asc', text, at, id];
    assert.deepEqual(decodeCursor(encodeCursor(values), SHAPE), values);
  }), { seed: 1, numRuns: 500 });
});

test('anything else is 400 invalid_cursor, never another error', () => {
  const anyCursor = fc.oneof(
    fc.string({ maxLength: 200, unit: 'binary' }),
    fc.base64String({ maxLength: 200 }),
    fc.array(fc.oneof(fc.string({ unit: 'binary' }), fc.integer(), fc.constant(null)), { maxLength: 6 }).map(encodeCursor as (values: unknown[]) => string),
    fc.tuple(fc.string({ unit: 'binary', maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 40 }), fc.uuid())
      .map(([text, at, id]) => encodeCursor(['last_name', 'asc', text, at, id])),
  );
  fc.assert(fc.property(anyCursor, (raw) => {
    try {
      const values = decodeCursor(raw, SHAPE);
      // Whatever passes is something a real cursor could hold.
      assert.equal(values.length, SHAPE.length);
      assert.ok(!values.some((value) => value.includes('\u0000')));
    } catch (error) {
      assert.ok(invalidCursor(error), String(error));
    }
  }), { seed: 2, numRuns: 2000 });
  for (const raw of ['', 'x', encodeCursor(['last_name', 'asc', 'a\u0000', '2026-01-01 00:00:00+00', '00000000-0000-4000-8000-000000000000']),
    encodeCursor(['last_name', 'asc', '\ud800', '2026-01-01 00:00:00+00', '00000000-0000-4000-8000-000000000000']),
    encodeCursor(['last_name', 'asc', 'a', '2026-02-30 00:00:00+00', '00000000-0000-4000-8000-000000000000']),
    encodeCursor(['last_name', 'desc', 'a', '2026-01-01 00:00:00+00', '00000000-0000-4000-8000-000000000000']),
    `${encodeCursor(['last_name', 'asc', 'a', '2026-01-01 00:00:00+00', '00000000-0000-4000-8000-000000000000'])}!`]) {
    assert.throws(() => decodeCursor(raw, SHAPE), invalidCursor, raw);
  }
});
