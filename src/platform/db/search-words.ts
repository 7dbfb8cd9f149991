/**
 * Searching through the words of a search text (migrations 0050, 0056, 0057). A search text
 * (persons' and cards', folded: lower case, no accents) is cut into words at every ASCII
 * character other than a-z; a term made of letters only then occurs in the text exactly when it
 * starts one of its words or lies further in one. Each searchable table keeps one row per word
 * with its list's sort keys (`person_search_words`, `card_search_words`), and `search_word_list`
 * holds every distinct word ever written, with a trigram index: a term's words are the range it
 * starts (read one distinct word at a time from the table's own index) and the few words of the
 * list holding it further in.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Executor } from './database.ts';

/** A term read through the words: `term` and the words holding it after their first letter. */
export interface WordSearch {
  term: string;
  inner: readonly string[];
}

/** Shortest term read through the words: shorter ones start thousands of words. */
const WORD_TERM_MIN_LENGTH = 3;

/** ASCII characters other than a-z: they cut a search text into words (migration 0050's `search_words`). */
const WORD_BREAK = /[\x00-\x60\x7b-\x7f]/;

/**
 * Most words holding a term after their first letter that a word search reads (one index range
 * each; most are compound names written together, held by a few persons each). Past it a search
 * takes the former ways, which gather every match of a common prefix. The word list grows with
 * the data: at 200,000 persons the four-letter prefix of a last name inside the most words ("char")
 * lies in 392 of them, so 1,000 would be reached at a federation's size (`npm run bench search`
 * prints how many drawn prefixes pass the cap).
 */
export const INNER_WORDS_CAP = 5000;

/**
 * The term a search reads through the words: the longest one made of letters only, at least 3
 * letters; null when none is. Terms are folded (and, being letters only, need no LIKE escape).
 */
export function wordSearchTerm(terms: readonly string[]): string | null {
  const eligible = terms.filter((term) => term.length >= WORD_TERM_MIN_LENGTH && !WORD_BREAK.test(term));
  return eligible.reduce<string | null>((longest, term) => (longest === null || term.length > longest.length ? term : longest), null);
}

/**
 * The words holding `term` after their first letter ("lamartine" for "mart"), from the list of
 * distinct words through its trigram index: at most {@link INNER_WORDS_CAP}, or null when there
 * are more (the search then takes other ways).
 */
export async function collectInnerWords(db: Executor, term: string): Promise<string[] | null> {
  const { rows } = await sql<{ word: string }>`SELECT word FROM search_word_list WHERE word LIKE ${`_%${term}%`}
    LIMIT ${INNER_WORDS_CAP + 1}`.execute(db);
  return rows.length > INNER_WORDS_CAP ? null : rows.map((row) => row.word);
}

/** The search for `terms` through the words, or undefined when no term suits or it lies inside too many words. */
export async function wordSearchFor(db: Executor, terms: readonly string[]): Promise<WordSearch | undefined> {
  const term = wordSearchTerm(terms);
  if (term === null) return undefined;
  const inner = await collectInnerWords(db, term);
  return inner === null ? undefined : { term, inner };
}

/** The words of {@link WordSearch.inner} as an SQL array (words hold no quote or backslash: those cut words). */
export function innerWordArray(words: WordSearch): RawBuilder<string[]> {
  return sql<string[]>`${sql.val(`{${words.inner.map((word) => `"${word}"`).join(',')}}`)}::text[]`;
}

/**
 * The CTEs `word_keys` and `every_key` (to follow `WITH RECURSIVE`): every distinct word of
 * `table` starting with the term, found one after the other through the table's index on
 * `word` (a loose index scan: a few probes per word instead of reading every row), and the
 * words holding it further in.
 */
export function termWordKeys(table: 'person_search_words' | 'card_search_words', words: WordSearch): RawBuilder<unknown> {
  const pattern = `${words.term}%`;
  const from = sql.table(table);
  return sql`word_keys (word) AS (
      SELECT (SELECT min(word) FROM ${from} WHERE word LIKE ${pattern})
      UNION ALL
      SELECT (SELECT min(s.word) FROM ${from} s WHERE s.word > k.word AND s.word LIKE ${pattern})
      FROM word_keys k WHERE k.word IS NOT NULL
    ), every_key AS (
      SELECT word FROM word_keys WHERE word IS NOT NULL UNION SELECT unnest(${innerWordArray(words)})
    )`;
}

/**
 * How many distinct keys the rows of `source` hold (a key: the values of `keyColumns`), counting
 * no further than `cap`. A count of a common prefix's matches must stop once it has `cap` of
 * them, but a DISTINCT (or UNION) in SQL consumes all its input before a LIMIT above it can stop
 * it: 66,000 word rows for "mart" at 1M cards. So the rows themselves are limited, a little past
 * `cap` (a card or person holds a prefix in more than one word now and then), and the distinct
 * keys counted among them; only when those rows held fewer than `cap` keys while more rows
 * followed is the read repeated, four times longer. `source` is a query with the key columns,
 * best a UNION ALL of ordered index reads, which a LIMIT stops. The keys are grouped by hashing
 * their columns: a DISTINCT over a row value sorts row comparisons, 30 ms for 12,500 persons'
 * (person, institution) pairs where the grouping takes 8.
 */
export async function countDistinctUpTo(db: Executor, source: RawBuilder<unknown>, keyColumns: readonly string[], cap: number): Promise<number> {
  const keys = sql.join(keyColumns.map((column) => sql.ref(`limited.${column}`)));
  let limit = Math.min(cap + Math.ceil(cap / 4), Number.MAX_SAFE_INTEGER);
  for (;;) {
    const { rows: [row] } = await sql<{ read: string | null; distinct: string }>`SELECT sum(copies) AS read, count(*) AS distinct FROM (
        SELECT count(*) AS copies FROM (SELECT * FROM (${source}) AS read LIMIT ${limit}) AS limited GROUP BY ${keys}) AS grouped`.execute(db);
    const read = Number(row?.read ?? 0);
    const distinct = Number(row?.distinct ?? 0);
    if (read < limit || distinct >= cap) return Math.min(distinct, cap);
    limit = Math.min(limit * 4, Number.MAX_SAFE_INTEGER);
  }
}
