/** A persons list query's parts read from the request: its cursor, search words and student number prefixes. */
import { badRequest } from '../../platform/http/problem.ts';
import { decodeCursor, encodeCursor, type CursorField } from '../../platform/http/cursor-codec.ts';
import { searchWords } from './domain/search-text.ts';
import type * as repo from './people.repository.ts';

const MAX_SEARCH_TERMS = 8;
const INSTITUTION_ID = /^[1-9][0-9]{0,4}$/;

/** The cursor's fields: the sort and order it was made for, the sort keys, the person id, the institution id. */
function cursorShape(sort: repo.PersonSort, order: 'asc' | 'desc'): CursorField[] {
  const keys: CursorField[] = sort === 'last_name' ? ['text', 'text'] : ['timestamp'];
  return [{ equals: sort }, { equals: order }, ...keys, 'uuid', 'text'];
}

/** The cursor after `last`, the last row of a page listed by `sort` and `order`. */
export function encodePersonCursor(sort: repo.PersonSort, order: 'asc' | 'desc', last: Pick<repo.ListedPersonRow, 'sortKeys' | 'id' | 'institutionId'>): string {
  return encodeCursor([sort, order, ...last.sortKeys, last.id, String(last.institutionId)]);
}

/** A list cursor read back for `sort` and `order`: 400 `invalid_cursor` when it was made for another list. */
export function decodePersonCursor(cursor: string, sort: repo.PersonSort, order: 'asc' | 'desc'): repo.PersonKeyset {
  const values = decodeCursor(cursor, cursorShape(sort, order));
  const institution = values[values.length - 1] as string;
  if (!INSTITUTION_ID.test(institution)) {
    throw badRequest('invalid_cursor', 'The cursor is not one this list gave, or the sort changed', { field: 'querystring:/cursor' });
  }
  return { keys: values.slice(2, -2), id: values[values.length - 2] as string, institutionId: Number(institution) };
}

/** Search words folded as `search_text` stores them (lower case, no accents, names by their parts). */
export function searchTerms(q: string | undefined): string[] {
  return searchWords(q, MAX_SEARCH_TERMS);
}

/**
 * The student number starts a one-word search may be: as typed, upper and lower case (the index
 * compares bytes, and numbers like `SN-778899` are typed either way).
 */
export function studentNumberPrefixes(q: string | undefined): string[] {
  const word = q?.normalize('NFC').trim() ?? '';
  if (word === '' || /\s/.test(word)) return [];
  return [...new Set([word, word.toUpperCase(), word.toLowerCase()])];
}
