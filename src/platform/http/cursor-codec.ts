import { isPostgresTimestampText } from './date-formats.ts';
import { hasInvalidCharacters } from './input-guard.ts';
import { badRequest, type ProblemError } from './problem.ts';

/**
 * What one position of a cursor holds, checked in full when a cursor comes back:
 * - `{ equals }`: a fixed value (the sort and order the cursor was made for);
 * - `timestamp`: a `timestamptz` as PostgreSQL printed it, naming a real instant;
 * - `uuid`: a row id;
 * - `text`: a sort key, at most {@link MAX_TEXT_KEY} characters, no NUL or lone surrogate.
 */
export type CursorField = { equals: string } | 'timestamp' | 'uuid' | 'text';

/** Longest text key a cursor may carry (sort keys are names, far shorter). */
export const MAX_TEXT_KEY = 1000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function invalidCursor(): ProblemError {
  return badRequest('invalid_cursor', 'The cursor is not one this list gave, or the sort changed', { field: 'querystring:/cursor' });
}

function fits(value: string, field: CursorField): boolean {
  if (typeof field === 'object') return value === field.equals;
  if (field === 'uuid') return UUID.test(value);
  if (field === 'timestamp') return isPostgresTimestampText(value);
  return value.length <= MAX_TEXT_KEY && !hasInvalidCharacters(value);
}

/** The opaque cursor of a keyset page: the values, in the order of the shape they will be decoded with. */
export function encodeCursor(values: readonly string[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/**
 * The values of a cursor this server made with {@link encodeCursor}, checked against `shape`
 * (one field per value). A cursor is opaque to clients, so anything else — not canonical
 * base64url, not a JSON array of strings, another length, a value that does not fit its field,
 * an impossible date — is refused with 400 `invalid_cursor` before it can reach a query.
 * No secret is needed: what passes is exactly what a real cursor could hold, on any node.
 */
export function decodeCursor(raw: string, shape: readonly CursorField[]): string[] {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(values) || values.length !== shape.length
    || !values.every((value, index) => typeof value === 'string' && fits(value, shape[index] as CursorField))) {
    throw invalidCursor();
  }
  const strings = values as string[];
  // Lenient base64 decoding ignores stray characters; only the server's own spelling is a cursor.
  if (encodeCursor(strings) !== raw) throw invalidCursor();
  return strings;
}
