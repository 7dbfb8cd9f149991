/**
 * How names and identifiers are compared by the office's search (cards and persons): folded to
 * lower case without accents, the same way in SQL (migration 0041's `search_fold` and
 * `search_name`, which build the stored `search_text` columns) and here (the typed terms), so that
 * "lefevre" finds "Lefèvre" and "LEFÈVRE" finds "Lefevre". Pure functions; the SQL twins are kept
 * identical by a test that runs both over the same strings.
 */

/**
 * Letters that keep their look without a decomposition into a base letter and diacritics (ø, ł,
 * đ, ħ, ı, ŧ, ð, ſ, ŀ, ƒ and their capitals), each with the letter it folds to, at the same index
 * in {@link FOLD_TO}; capitals of ligatures fold to their small form, which {@link LIGATURES}
 * then spells out. Every other accented letter loses its diacritics by decomposition (NFD).
 * Written out because the SQL function holds the very same two strings.
 */
export const FOLD_FROM = 'ØøŁłĐđĦħıŦŧÐðſŀĿƒÆŒẞÞĲ';

/** The folded letter of each character of {@link FOLD_FROM}, same index. */
export const FOLD_TO = 'oollddhhittddsllfæœßþĳ';

/** Ligatures spelled out after folding (translate() maps one character to one). */
export const LIGATURES: ReadonlyArray<readonly [string, string]> = [['æ', 'ae'], ['œ', 'oe'], ['ß', 'ss'], ['þ', 'th'], ['ĳ', 'ij']];

/** Hyphens and apostrophes (ASCII and typographic): inside a name they separate its parts. */
export const NAME_SEPARATORS = '-\u2010\u2011\u2012\u2013\u2014\u2015\'\u2018\u2019\u02bc`\u00b4';

const FOLDED = new Map([...FOLD_FROM].map((char, index) => [char, FOLD_TO[index] as string]));
const COMBINING_MARKS = /[\u0300-\u036f]/g;
const SEPARATOR = new RegExp(`[${NAME_SEPARATORS}]`, 'g');
const SEPARATED_HEX = /^[0-9a-f]{2}(?:[:-][0-9a-f]{2}){3,}$/;

/**
 * Lower case, accents and other diacritics removed, ligatures spelled out: `search_fold` of
 * migration 0041, step by step (decomposed, combining marks removed, lower case, the letters of
 * {@link FOLD_FROM} translated, the ligatures spelled out). Idempotent; other characters are kept
 * as they are.
 */
export function foldSearchText(value: string): string {
  let folded = '';
  for (const char of value.normalize('NFD').replace(COMBINING_MARKS, '').toLowerCase()) folded += FOLDED.get(char) ?? char;
  for (const [ligature, spelled] of LIGATURES) folded = folded.replaceAll(ligature, spelled);
  return folded;
}

/**
 * A name as the search text stores it (`search_name` of migration 0041): folded, its parts
 * separated by single spaces (hyphens and apostrophes are separators), and when it has several
 * parts, the parts written together too, so that "Jean-Pierre" is found by "jean", "pierre" and
 * "jeanpierre", and "van der Berg" by "vanderberg".
 */
export function searchName(name: string): string {
  const words = foldSearchText(name).replace(SEPARATOR, ' ').split(/[ \t\n\r\f\v]+/).filter((word) => word !== '').join(' ');
  return words.includes(' ') ? `${words} ${words.replaceAll(' ', '')}` : words;
}

/**
 * The words of a typed search, folded like the stored search text: split at spaces, hyphens and
 * apostrophes ("Jean-Pierre" and "d'Alembert" are two words each, every one of which the stored
 * text holds), except a chip serial number typed as separated bytes (`04:a2:…`, `04-a2-…`), which
 * becomes one word without separators, as stored. Distinct words, in order, at most `max`.
 * Not LIKE-escaped.
 */
export function searchWords(q: string | undefined, max: number): string[] {
  if (q === undefined) return [];
  const words: string[] = [];
  for (const typed of foldSearchText(q).split(/\s+/)) {
    const parts = SEPARATED_HEX.test(typed) ? [typed.replace(/[:-]/g, '')] : typed.split(SEPARATOR);
    for (const part of parts) if (part !== '' && !words.includes(part)) words.push(part);
  }
  return words.slice(0, max);
}
