import { sql, type Expression, type RawBuilder, type Selectable, type SqlBool } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import { inScope, type AccessScope } from '../../platform/db/scope-filter.ts';
import { countDistinctUpTo, innerWordArray, termWordKeys, type WordSearch } from '../../platform/db/search-words.ts';
import type { ConsentChannel, ConsentKind, EnrolmentsTable, PersonType, PersonsTable } from './people.tables.ts';

/** A person's identity row as the service reads it (the search column is the database's business). */
export type PersonRow = Omit<Selectable<PersonsTable>, 'searchText'>;

/** The identity columns a caller writes (everything but the id, timestamps and version). */
export type IdentityValues = Omit<PersonRow, 'id' | 'createdAt' | 'updatedAt' | 'version'>;

/** What an enrolment holds besides its keys: the institution-dependent facts about the person. */
export type EnrolmentValues = Pick<Selectable<EnrolmentsTable>, 'personType' | 'studentNumber' | 'rightsEnd' | 'academicLevel' | 'affiliation'>;

/** An enrolment row: a person at one institution. */
export type EnrolmentRow = EnrolmentValues & { personId: string; institutionId: number };

/** A whole record as written by one upsert line: the identity and the enrolment at the target institution. */
export type PersonValues = IdentityValues & EnrolmentValues;

/** The scope columns of an enrolment, for {@link inScope}. */
const ENROLMENT_SCOPE = { institution: 'enrolments.institution_id', personType: 'enrolments.person_type' } as const;

const PERSON_COLUMNS = ['persons.id', 'persons.eppn', 'persons.firstName', 'persons.lastName', 'persons.birthDate', 'persons.email',
  'persons.ine', 'persons.esi', 'persons.freeFields', 'persons.locale', 'persons.createdAt', 'persons.updatedAt', 'persons.version'] as const;

/** The same, unqualified, for RETURNING. */
const PERSON_RETURNING = ['id', 'eppn', 'firstName', 'lastName', 'birthDate', 'email', 'ine', 'esi', 'freeFields', 'locale',
  'createdAt', 'updatedAt', 'version'] as const;

const ENROLMENT_COLUMNS = ['enrolments.personId', 'enrolments.institutionId', 'enrolments.personType', 'enrolments.studentNumber',
  'enrolments.rightsEnd', 'enrolments.academicLevel', 'enrolments.affiliation'] as const;

/** Identity columns of the set-based upsert in snake_case (trusted constants, never input). */
const IDENTITY_UPSERT = [
  ['eppn', 'eppn', 'text'],
  ['firstName', 'first_name', 'text'],
  ['lastName', 'last_name', 'text'],
  ['birthDate', 'birth_date', 'date'],
  ['email', 'email', 'text'],
  ['ine', 'ine', 'text'],
  ['esi', 'esi', 'text'],
  ['freeFields', 'free_fields', 'jsonb'],
  ['locale', 'locale', 'text'],
] as const;

/** Enrolment columns of the set-based upsert. */
const ENROLMENT_UPSERT = [
  ['personType', 'person_type', 'text'],
  ['studentNumber', 'student_number', 'text'],
  ['rightsEnd', 'rights_end', 'date'],
  ['academicLevel', 'academic_level', 'smallint'],
  ['affiliation', 'affiliation', 'text'],
] as const;

/**
 * Optional identity fields that an upsert line leaving them empty clears only when the person is
 * enrolled at no other institution: a file of institution B must not erase what A recorded.
 */
const SHARED_KEEP = new Set(['birth_date', 'email', 'ine', 'free_fields']);

/** Finds a person by id; `forUpdate` locks the row until the transaction ends. */
export async function findPersonById(db: Executor, id: string, forUpdate = false): Promise<PersonRow | undefined> {
  let query = db.selectFrom('persons').select(PERSON_COLUMNS).where('persons.id', '=', id);
  if (forUpdate) query = query.forUpdate();
  return query.executeTakeFirst() as Promise<PersonRow | undefined>;
}

/** Finds a person by eppn (stored lowercased); `forUpdate` locks the row. */
export async function findPersonByEppn(db: Executor, eppn: string, forUpdate = false): Promise<PersonRow | undefined> {
  let query = db.selectFrom('persons').select(PERSON_COLUMNS).where('persons.eppn', '=', eppn);
  if (forUpdate) query = query.forUpdate();
  return query.executeTakeFirst() as Promise<PersonRow | undefined>;
}

/** The ids of the persons with these eppns (unknown eppns are left out). */
export async function findPersonIdsByEppns(db: Executor, eppns: readonly string[]): Promise<string[]> {
  if (eppns.length === 0) return [];
  return (await db.selectFrom('persons').select('id').where('eppn', 'in', eppns).execute()).map((row) => row.id);
}

/**
 * These persons, when `reader` may see them: their own record (`selfId`), or a person with an
 * enrolment inside `scope`. Decided in the query, so a person out of sight is simply missing.
 */
export async function findVisiblePersons(db: Executor, ids: readonly string[], scope: AccessScope, selfId: string | null): Promise<PersonRow[]> {
  if (ids.length === 0) return [];
  // The visibility test runs per person through the enrolments' key (OFFSET 0 keeps it a
  // per-row subplan): as a semi-join the planner hashed every enrolment.
  const visible = sql<SqlBool>`EXISTS (SELECT 1 FROM enrolments WHERE enrolments.person_id = persons.id AND ${inScope(scope, ENROLMENT_SCOPE)} OFFSET 0)`;
  return db.selectFrom(byKeys('persons', [...new Set(ids)]).as('persons') as unknown as 'persons').select(PERSON_COLUMNS)
    .where((eb) => (selfId === null ? visible : eb.or([eb('persons.id', '=', selfId), visible])))
    .execute() as Promise<PersonRow[]>;
}

/**
 * The rows of `table` whose `key` column is one of `keys`, each looked up through the key's index
 * (LATERAL … OFFSET 0, which the planner cannot turn into a join), as a source with the table's
 * columns. `key IN (…)` was planned as a sequential scan once a table outgrew its statistics: an
 * import or a sync writing 100,000 persons in one transaction read every person and enrolment
 * again for each chunk of 1,000 it wrote (0.23 s per chunk at 50,000 persons, growing with the
 * table: the first import ran at 38 % of COPY's speed). Keys must be UUIDs (callers pass ids read
 * from the database).
 */
function byKeys(table: 'persons' | 'enrolments', keys: readonly string[]): RawBuilder<unknown> {
  const key = table === 'persons' ? sql.raw('id') : sql.raw('person_id');
  return sql`(SELECT t.* FROM unnest(${sql.val(`{${keys.join(',')}}`)}::uuid[]) AS k (id)
    CROSS JOIN LATERAL (SELECT * FROM ${sql.table(table)} WHERE ${sql.table(table)}.${key} = k.id OFFSET 0) AS t)`;
}

/** The enrolments of these persons inside `scope`, by person then institution id. */
export async function findEnrolments(db: Executor, personIds: readonly string[], scope: AccessScope): Promise<EnrolmentRow[]> {
  if (personIds.length === 0) return [];
  return db.selectFrom(byKeys('enrolments', [...new Set(personIds)]).as('enrolments') as unknown as 'enrolments').select(ENROLMENT_COLUMNS)
    .where(inScope(scope, ENROLMENT_SCOPE))
    .orderBy('enrolments.personId').orderBy('enrolments.institutionId')
    .execute() as Promise<EnrolmentRow[]>;
}

/** The enrolment of a person at an institution; `forUpdate` locks it. */
export async function findEnrolment(db: Executor, personId: string, institutionId: number, forUpdate = false): Promise<EnrolmentRow | undefined> {
  let query = db.selectFrom('enrolments').select(ENROLMENT_COLUMNS)
    .where('enrolments.personId', '=', personId).where('enrolments.institutionId', '=', institutionId);
  if (forUpdate) query = query.forUpdate();
  return query.executeTakeFirst() as Promise<EnrolmentRow | undefined>;
}

/** How many institutions a person is enrolled at. */
export async function countEnrolments(db: Executor, personId: string): Promise<number> {
  const row = await db.selectFrom('enrolments').select((eb) => eb.fn.countAll<string>().as('count'))
    .where('personId', '=', personId).executeTakeFirstOrThrow();
  return Number(row.count);
}

/**
 * Brings the rights end of these persons' enrolments at `institutionId` forward to `rightsEnd`:
 * only enrolments without one or with a later one change (an earlier end stays). One statement;
 * returns the persons whose enrolment changed.
 */
export async function endRights(db: Executor, institutionId: number, personIds: readonly string[], rightsEnd: string): Promise<string[]> {
  if (personIds.length === 0) return [];
  const rows = await db.updateTable('enrolments').set({ rightsEnd, updatedAt: sql<Date>`now()` })
    .where('institutionId', '=', institutionId).where('personId', 'in', personIds)
    .where((eb) => eb.or([eb('rightsEnd', 'is', null), eb('rightsEnd', '>', rightsEnd)]))
    .returning('personId').execute();
  return rows.map((row) => row.personId);
}

/** The type of the enrolment at `institutionId` of each existing person among these eppns. */
export async function findEnrolmentTypesByEppns(db: Executor, eppns: readonly string[], institutionId: number): Promise<Array<{ eppn: string; personType: PersonType }>> {
  if (eppns.length === 0) return [];
  return db.selectFrom('persons').innerJoin('enrolments', 'enrolments.personId', 'persons.id')
    .select(['persons.eppn', 'enrolments.personType'])
    .where('persons.eppn', 'in', eppns).where('enrolments.institutionId', '=', institutionId).execute();
}

function writable(values: Partial<IdentityValues>) {
  const { freeFields, ...rest } = values;
  return { ...rest, ...(freeFields !== undefined ? { freeFields: JSON.stringify(freeFields) } : {}) };
}

/** Inserts a person's identity; a taken eppn raises the `persons_eppn_key` unique violation. */
export async function insertPerson(db: Executor, values: IdentityValues): Promise<PersonRow> {
  return db.insertInto('persons').values({ ...values, freeFields: JSON.stringify(values.freeFields) })
    .returning(PERSON_RETURNING)
    .executeTakeFirstOrThrow() as Promise<PersonRow>;
}

/**
 * Writes changed identity columns (possibly none) and bumps the version, only if the row still
 * has `version`: an enrolment change bumps it too, so `expectedVersion` guards the whole record.
 * Returns undefined when the row has another version (somebody else changed it first).
 */
export async function updatePerson(db: Executor, id: string, version: number, changes: Partial<IdentityValues>): Promise<PersonRow | undefined> {
  return db.updateTable('persons')
    .set({ ...writable(changes), version: sql<number>`version + 1`, updatedAt: sql<Date>`now()` })
    .where('id', '=', id).where('version', '=', version)
    .returning(PERSON_RETURNING)
    .executeTakeFirst() as Promise<PersonRow | undefined>;
}

/** Creates or replaces the enrolment of a person at an institution. */
export async function upsertEnrolment(db: Executor, personId: string, institutionId: number, values: EnrolmentValues): Promise<void> {
  await db.insertInto('enrolments').values({ personId, institutionId, ...values })
    .onConflict((oc) => oc.columns(['personId', 'institutionId']).doUpdateSet({ ...values, updatedAt: sql<Date>`now()` }))
    .execute();
}

/** Removes the enrolment of a person at an institution; false when there was none. */
export async function deleteEnrolment(db: Executor, personId: string, institutionId: number): Promise<boolean> {
  const result = await db.deleteFrom('enrolments').where('personId', '=', personId).where('institutionId', '=', institutionId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

export type PersonSort = 'last_name' | 'created_at' | 'updated_at';

/** Where a page starts: the sort key values, person id and institution id of the last row of the previous page. */
export interface PersonKeyset {
  keys: string[];
  id: string;
  institutionId: number;
}

export interface PersonListFilter {
  /** The enrolments the caller may see: the list holds no other row and counts none. */
  scope: AccessScope;
  personTypes?: readonly string[] | undefined;
  rightsEndBefore?: string | undefined;
  rightsEndAfter?: string | undefined;
  /** Lowercased search terms; each must occur in the person's search_text. */
  terms?: readonly string[] | undefined;
  /** Student number prefixes (as typed, upper and lower case): an enrolment whose number starts so matches too. */
  studentNumberPrefixes?: readonly string[] | undefined;
  /** The persons matching `terms`, from {@link collectSearchMatches}; null or absent: test the terms row by row. */
  matched?: readonly string[] | null | undefined;
  /** The search read through the words of the search text (see {@link WordSearch}); needs `matched` null. */
  words?: WordSearch | undefined;
  sort: PersonSort;
  order: 'asc' | 'desc';
  after?: PersonKeyset | undefined;
  limit: number;
}

/** A listed row: a person with one enrolment, and the exact sort key values for the next cursor. */
export type ListedPersonRow = PersonRow & EnrolmentRow & { sortKeys: string[] };

/** Escapes LIKE wildcards so a search term matches literally (backslash is the default escape). */
export function escapeLike(term: string): string {
  return term.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/** Person column of a sort key, qualified. */
function sortColumns(sort: PersonSort): Array<RawBuilder<unknown>> {
  return sort === 'last_name' ? [sql`persons.last_name`, sql`persons.first_name`] : [sql.ref(`persons.${sort}`)];
}

/** Shortest term the trigram index can serve. */
const TRIGRAM_LENGTH = 3;

/**
 * Most persons a search collects through the trigram index. Under the cap, the list reads just
 * those persons' enrolments, by key, and sorts them; over it, the terms match at least one person
 * in five hundred at 1M, so walking the date index and testing the terms row by row meets a page
 * of them soon (in name order, see {@link denseSource}). 2,000 rather than 1,000: at 1M persons
 * a fairly common name has one or two thousand, and the collected path costs a few milliseconds
 * per thousand where the dense one walks or gathers tens of thousands of rows; not more, because
 * past a few thousand keys the planner prefers hashing every person to looking them up by key.
 */
export const SEARCH_COLLECT_CAP = 2000;

/**
 * The persons whose identity holds every term, collected through the trigram index: their ids
 * when there are at most {@link SEARCH_COLLECT_CAP}, or null when there are more (or no term is
 * long enough for the index): the list then tests the terms row by row.
 */
export async function collectSearchMatches(db: Executor, terms: readonly string[]): Promise<string[] | null> {
  if (!terms.some((term) => term.length >= TRIGRAM_LENGTH)) return null;
  const rows = await db.selectFrom('persons').select('persons.id').where(identityMatch(terms))
    .limit(SEARCH_COLLECT_CAP + 1).execute();
  return rows.length > SEARCH_COLLECT_CAP ? null : rows.map((row) => row.id);
}

/**
 * The persons a dense search (more than {@link SEARCH_COLLECT_CAP} matches) can list in name
 * order: those whose identity holds every term, gathered once through the trigram index together
 * with their names, and those with an enrolment whose student number starts with the typed text.
 * The list then sorts these few tens of thousands and reads the enrolments of the first ones by
 * key. Walking the name index and testing each person instead reads every person sorted before
 * the matches, and names cluster ("mart…": 570,000 rows read for 66,666 matches at 1M persons,
 * 5 to 7 s on the development machine, against about 0.5 s this way).
 */
function denseSource(db: Executor, terms: readonly string[], prefixes: readonly string[]) {
  const byIdentity = db.selectFrom('persons').selectAll().where(identityMatch(terms));
  if (prefixes.length === 0) return byIdentity;
  return byIdentity.unionAll(db.selectFrom('persons').selectAll()
    .where(sql<SqlBool>`persons.id IN (SELECT e.person_id FROM enrolments e WHERE ${sql.join(prefixes.map((prefix) => sql`e.student_number LIKE ${`${escapeLike(prefix)}%`}`), sql` OR `)})`)
    .where(sql<SqlBool>`NOT ${identityMatch(terms)}`));
}

/** Every term occurs in the person's identity. One LIKE per term: the trigram index serves `LIKE`, not `LIKE ALL`. */
function identityMatch(terms: readonly string[]): RawBuilder<SqlBool> {
  return sql<SqlBool>`(${sql.join(terms.map((term) => sql`persons.search_text LIKE ${`%${escapeLike(term)}%`}`), sql` AND `)})`;
}

/**
 * The enrolments a search with collected matches can list: those of the collected persons (by
 * key) and those whose student number starts with the typed text (by the student number index),
 * as a source of the enrolments table's columns under its own name. The list and the count read
 * these few rows instead of testing `person_id = ANY(…) OR student_number LIKE …` on every
 * enrolment: the planner answers that OR with a sequential scan of all enrolments (about 1 s for
 * a common name at 1M persons). Null when the matches were not collected (no terms, or dense).
 */
function collectedEnrolments(filter: Pick<PersonListFilter, 'terms' | 'matched' | 'studentNumberPrefixes'>) {
  if ((filter.terms ?? []).length === 0 || filter.matched === undefined || filter.matched === null) return null;
  const matched = sql`${sql.val(`{${filter.matched.join(',')}}`)}::uuid[]`;
  // Each person's enrolments looked up by key (LATERAL … OFFSET 0, which the planner cannot turn
  // into a join): given `person_id = ANY (…)` or a plain join it scans every enrolment instead.
  const byIdentity = sql`SELECT e.* FROM unnest(${matched}) AS m (person_id)
    CROSS JOIN LATERAL (SELECT * FROM enrolments WHERE enrolments.person_id = m.person_id OFFSET 0) AS e`;
  const prefixes = filter.studentNumberPrefixes ?? [];
  if (prefixes.length === 0) return sql`(${byIdentity})`;
  const byNumber = sql.join(prefixes.map((prefix) => sql`e.student_number LIKE ${`${escapeLike(prefix)}%`}`), sql` OR `);
  return sql`(${byIdentity} UNION ALL SELECT e.* FROM enrolments e WHERE (${byNumber}) AND NOT (e.person_id = ANY (${matched})))`;
}

/** The conditions on a row of `person_search_words w` that need neither its person nor its enrolment: the scope and the type filter. */
function wordScope(filter: Pick<PersonListFilter, 'scope' | 'personTypes'>): RawBuilder<SqlBool> {
  const conditions = [inScope(filter.scope, { institution: 'w.institution_id', personType: 'w.person_type' })];
  if (filter.personTypes) {
    conditions.push(filter.personTypes.length === 0
      ? sql<SqlBool>`false`
      : sql<SqlBool>`w.person_type IN (${sql.join(filter.personTypes.map((type) => sql.val(type)))})`);
  }
  return sql<SqlBool>`(${sql.join(conditions, sql` AND `)})`;
}

/**
 * The rows of `person_search_words w` matching a word search, with what the list asks of them:
 * read alone when the scope and the type filter say it all (one term, no rights end filter; a
 * word starting with the term already holds it), else joined to the person and the enrolment
 * under the list's own conditions.
 */
function wordRows(filter: PersonListFilter, words: WordSearch): { from: RawBuilder<unknown>; where: RawBuilder<SqlBool> } {
  const alone = (filter.terms ?? []).every((term) => term === words.term) && !filter.rightsEndBefore && !filter.rightsEndAfter;
  if (alone) return { from: sql`person_search_words AS w`, where: wordScope(filter) };
  return {
    from: sql`person_search_words AS w JOIN persons ON persons.id = w.person_id
      JOIN enrolments ON enrolments.person_id = w.person_id AND enrolments.institution_id = w.institution_id`,
    where: sql<SqlBool>`(${sql.join([wordScope(filter), ...listConditions(filter)], sql` AND `)})`,
  };
}

/** Sorts a word search reads from an index of `person_search_words` in their order (migrations 0050 and 0056). */
export type WordSort = Extract<PersonSort, 'last_name' | 'created_at'>;

/** Whether a list in this sort can be read through the words (see {@link WordSort}). */
export function isWordSort(sort: PersonSort): sort is WordSort {
  return sort === 'last_name' || sort === 'created_at';
}

/**
 * The enrolments that can make a page of a word search in name or date order, as a source of
 * the enrolments table's columns: for each distinct word starting with the term (found one after
 * the other through the index: a loose index scan) and each word holding it further in, the
 * first `limit` matching rows after the cursor in the list's order, read from the index in that
 * order; and the enrolments whose student number starts with the typed text. Of these, the first
 * `limit` under the list's conditions: whatever the page holds is among them.
 */
function wordCandidates(filter: PersonListFilter & { sort: WordSort }, words: WordSearch): RawBuilder<unknown> {
  const direction = sql.raw(filter.order === 'asc' ? 'ASC' : 'DESC');
  const comparison = sql.raw(filter.order === 'asc' ? '>' : '<');
  const byName = filter.sort === 'last_name';
  const wordKeys = byName ? [sql`w.last_name`, sql`w.first_name`] : [sql`w.created_at`];
  const personKeys = byName ? [sql`persons.last_name`, sql`persons.first_name`] : [sql`persons.created_at`];
  const after = filter.after;
  const afterKeys = after ? (byName ? [sql`${after.keys[0] ?? ''}::text`, sql`${after.keys[1] ?? ''}::text`] : [sql`${after.keys[0] ?? ''}::timestamptz`]) : [];
  const startsAfter = (keys: Array<RawBuilder<unknown>>, id: RawBuilder<unknown>, institution: RawBuilder<unknown>): RawBuilder<SqlBool> => (after
    ? sql<SqlBool>`(${sql.join([...keys, id, institution])}) ${comparison} (${sql.join([...afterKeys, sql`${after.id}::uuid`, sql`${after.institutionId}::smallint`])})`
    : sql<SqlBool>`true`);
  const keyset = startsAfter(wordKeys, sql`w.person_id`, sql`w.institution_id`);
  // The page itself is ordered and cut here, every person read by key: given the candidates to
  // join, the planner hashed every person.
  const pageStart = startsAfter(personKeys, sql`persons.id`, sql`enrolments.institution_id`);
  const ordered = (keys: Array<RawBuilder<unknown>>) => sql.join(keys.map((key) => sql`${key} ${direction}`));
  const rows = wordRows(filter, words);
  const prefixes = filter.studentNumberPrefixes ?? [];
  // The enrolments whose student number starts with the typed text, under the list's own
  // conditions and after the cursor, with their sort keys: the page is cut among all candidates.
  const numbered = prefixes.length === 0 ? sql`` : sql`UNION SELECT ${sql.join(personKeys)}, enrolments.person_id, enrolments.institution_id
    FROM enrolments JOIN persons ON persons.id = enrolments.person_id
    WHERE (${sql.join(prefixes.map((prefix) => sql`enrolments.student_number LIKE ${`${escapeLike(prefix)}%`}`), sql` OR `)})
      AND ${sql.join(listConditions(filter), sql` AND `)} AND ${pageStart}`;
  const keyNames = byName ? [sql`last_name`, sql`first_name`] : [sql`created_at`];
  return sql`(WITH RECURSIVE ${termWordKeys('person_search_words', words)}, candidates AS (
      -- Distinct: a person holding several of the words ("marie" and "martin" for "mar") is read under each.
      SELECT DISTINCT c.* FROM every_key k CROSS JOIN LATERAL (
        SELECT ${sql.join(wordKeys)}, w.person_id, w.institution_id FROM ${rows.from}
        WHERE w.word = k.word AND ${rows.where} AND ${keyset}
        ORDER BY ${ordered([...wordKeys, sql`w.person_id`, sql`w.institution_id`])}
        LIMIT ${filter.limit}) AS c
      ${numbered}
    ), chosen AS (
      -- The page's enrolments by their sort keys, before any person is read: each word gave up to
      -- a page, thousands of rows for a prefix starting hundreds of words.
      SELECT person_id, institution_id FROM candidates ORDER BY ${ordered([...keyNames, sql`person_id`, sql`institution_id`])} LIMIT ${filter.limit}
    )
    SELECT enrolments.* FROM chosen
    CROSS JOIN LATERAL (SELECT * FROM enrolments WHERE enrolments.person_id = chosen.person_id
      AND enrolments.institution_id = chosen.institution_id OFFSET 0) AS enrolments
    CROSS JOIN LATERAL (SELECT * FROM persons WHERE persons.id = chosen.person_id OFFSET 0) AS persons
    WHERE ${sql.join(listConditions(filter), sql` AND `)} AND ${pageStart}
    ORDER BY ${ordered([...personKeys, sql`persons.id`, sql`enrolments.institution_id`])}
    LIMIT ${filter.limit})`;
}

/**
 * The count of a word search, up to `cap`: the distinct enrolments with a word starting with the
 * term or holding it further in (from the index alone when {@link wordRows} allows), and those
 * whose student number starts with the typed text, under the list's conditions, reading no more
 * rows than the cap needs ({@link countDistinctUpTo}).
 */
async function countByWords(db: Executor, filter: Omit<PersonListFilter, 'sort' | 'order' | 'after' | 'limit'>, words: WordSearch, cap: number): Promise<number> {
  const full: PersonListFilter = { ...filter, sort: 'last_name', order: 'asc', limit: cap };
  const rows = wordRows(full, words);
  // The student numbers starting with the typed text (an empty list of persons: no identity match).
  const numbered = collectedEnrolments({ ...filter, matched: [] });
  return countDistinctUpTo(db, sql`SELECT w.person_id, w.institution_id FROM ${rows.from}
      WHERE w.word LIKE ${`${escapeLike(words.term)}%`} AND ${rows.where}
    UNION ALL
    SELECT w.person_id, w.institution_id FROM ${rows.from} WHERE w.word = ANY (${innerWordArray(words)}) AND ${rows.where}
    UNION ALL
    SELECT enrolments.person_id, enrolments.institution_id FROM ${numbered ?? sql`enrolments`} AS enrolments
    JOIN persons ON persons.id = enrolments.person_id
    WHERE ${sql.join(listConditions({ ...full, matched: null }), sql` AND `)}`, ['person_id', 'institution_id'], cap);
}

/**
 * The conditions of a list or count, all in SQL: the caller's scope over the enrolment, the
 * filters, and the search. A search matches an enrolment row when every term occurs in the
 * person's identity or when that very enrolment's student number starts with the typed text: a
 * student number recorded by one institution never makes another institution's row match. With
 * the matching persons collected beforehand (`matched`), the search is the list's source instead
 * ({@link collectedEnrolments}, read through indexes) and adds no condition here; without, the
 * terms are tested row by row while the planner walks the sort order.
 */
function listConditions(filter: PersonListFilter): Array<RawBuilder<SqlBool>> {
  const conditions: Array<RawBuilder<SqlBool>> = [inScope(filter.scope, ENROLMENT_SCOPE)];
  if (filter.personTypes) {
    conditions.push(filter.personTypes.length === 0
      ? sql<SqlBool>`false`
      : sql<SqlBool>`enrolments.person_type IN (${sql.join(filter.personTypes.map((type) => sql.val(type)))})`);
  }
  if (filter.rightsEndBefore) conditions.push(sql<SqlBool>`enrolments.rights_end < ${filter.rightsEndBefore}::date`);
  if (filter.rightsEndAfter) conditions.push(sql<SqlBool>`enrolments.rights_end > ${filter.rightsEndAfter}::date`);
  const terms = filter.terms ?? [];
  // Collected matches are the list's source already (collectedEnrolments); repeated here, the
  // condition would be pushed into it and scan every enrolment again.
  if (terms.length > 0 && (filter.matched === undefined || filter.matched === null)) {
    const identity = identityMatch(terms);
    const prefixes = filter.studentNumberPrefixes ?? [];
    conditions.push(prefixes.length === 0
      ? identity
      : sql<SqlBool>`(${identity} OR ${sql.join(prefixes.map((prefix) => sql`enrolments.student_number LIKE ${`${escapeLike(prefix)}%`}`), sql` OR `)})`);
  }
  return conditions;
}

/**
 * Lists enrolments in scope, each with its person, with filters and keyset pagination: rows come
 * ordered by the sort key, then person id, then institution id, and a page starts strictly after
 * `after`, so pages neither skip nor repeat rows when others are inserted meanwhile. Timestamps
 * travel as PostgreSQL text (microseconds and offset kept).
 */
export async function listPersons(db: Executor, filter: PersonListFilter): Promise<ListedPersonRow[]> {
  const keyColumns = sortColumns(filter.sort);
  // In date order a dense search meets a page of matches soon walking the date index; in name
  // order matches cluster, so they are gathered first.
  const dense = filter.sort === 'last_name' && filter.matched === null && filter.words === undefined
    && (filter.terms ?? []).some((term) => term.length >= TRIGRAM_LENGTH);
  const keyTexts = filter.sort === 'last_name'
    ? sql<string[]>`ARRAY[persons.last_name, persons.first_name]`
    : sql<string[]>`ARRAY[${sql.ref(`persons.${filter.sort}`)}::text]`;
  // The dense source has exactly the persons table's columns under the same alias; typed as the
  // table so that one query builder serves both cases.
  const persons = dense
    ? denseSource(db, filter.terms ?? [], filter.studentNumberPrefixes ?? []).as('persons') as unknown as 'persons'
    : 'persons';
  // The collected enrolments have exactly the enrolments table's columns under the same alias, and
  // so do the candidates read through the words.
  const sort = filter.sort;
  const collected = collectedEnrolments(filter) ?? (filter.words && isWordSort(sort) ? wordCandidates({ ...filter, sort }, filter.words) : null);
  const enrolments = collected ? collected.as('enrolments') as unknown as 'enrolments' : 'enrolments';
  let query = db.selectFrom(enrolments).innerJoin(persons, 'persons.id', 'enrolments.personId')
    .select(PERSON_COLUMNS).select(ENROLMENT_COLUMNS).select(keyTexts.as('sortKeys'));
  for (const condition of listConditions(filter)) query = query.where(condition);
  if (filter.after) {
    const after = filter.after;
    const casts = filter.sort === 'last_name' ? after.keys.map((key) => sql`${key}::text`) : after.keys.map((key) => sql`${key}::timestamptz`);
    const left = sql.join([...keyColumns, sql`persons.id`, sql`enrolments.institution_id`]);
    const right = sql.join([...casts, sql`${after.id}::uuid`, sql`${after.institutionId}::smallint`]);
    query = query.where(filter.order === 'asc' ? sql<SqlBool>`(${left}) > (${right})` : sql<SqlBool>`(${left}) < (${right})`);
  }
  for (const column of keyColumns) query = query.orderBy(column, filter.order);
  query = query.orderBy('persons.id', filter.order).orderBy('enrolments.institutionId', filter.order).limit(filter.limit);
  return query.execute() as Promise<ListedPersonRow[]>;
}

/** The number of rows {@link listPersons} would give without pagination, counted up to `cap`. */
export async function countPersons(db: Executor, filter: Omit<PersonListFilter, 'sort' | 'order' | 'after' | 'limit'>, cap: number): Promise<number> {
  if (filter.words) return countByWords(db, filter, filter.words, cap);
  const collected = collectedEnrolments(filter);
  const enrolments = collected ? collected.as('enrolments') as unknown as 'enrolments' : 'enrolments';
  // Collected, the conditions left are on enrolments only: no person is read.
  let inner = collected
    ? db.selectFrom(enrolments).select(sql`1`.as('one'))
    : db.selectFrom(enrolments).innerJoin('persons', 'persons.id', 'enrolments.personId').select(sql`1`.as('one'));
  for (const condition of listConditions({ ...filter, sort: 'last_name', order: 'asc', limit: cap })) inner = inner.where(condition);
  const row = await db.selectFrom(inner.limit(cap).as('matching')).select((eb) => eb.fn.countAll<string>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** One row of the set-based upsert's answer. */
export interface UpsertedRow {
  eppn: string;
  id: string;
  status: 'created' | 'updated' | 'unchanged';
}

/** An upserted row with the names of the fields that changed (camelCase, identity and enrolment). */
export type UpsertedDetailedRow = UpsertedRow & { changedFields: string[] };

type RawUpserted = { eppn: string; id: string | null; status: UpsertedRow['status']; changedFields?: string[] };

/**
 * What an upsert that does not carry whole records writes: `kept` columns (camelCase keys of
 * {@link PersonValues}) keep an existing person's stored value (identity) or the stored value of
 * the enrolment at the target institution; `freeFieldKeys`, when given, are the only free
 * fields written (the others keep theirs). A new person or enrolment gets the line's values.
 */
export interface PartialUpsert {
  kept: ReadonlySet<string>;
  freeFieldKeys: readonly string[] | null;
}

function upsertSql(institutionId: number, values: readonly PersonValues[], detailed: boolean, partial?: PartialUpsert) {
  const all = [...IDENTITY_UPSERT, ...ENROLMENT_UPSERT];
  const keptIdentity = new Set(IDENTITY_UPSERT.filter(([key]) => partial?.kept.has(key) === true).map(([, column]) => column));
  const keptEnrolment = ENROLMENT_UPSERT.filter(([key]) => partial?.kept.has(key) === true).map(([, column]) => column);
  // Free field keys are trusted constants (FREE_FIELD_KEYS), checked again here since they become SQL text.
  const freeKeys = partial?.freeFieldKeys?.filter((key) => /^free[1-7]$/.test(key)) ?? null;
  const oldNeeded = new Set([...SHARED_KEEP, ...keptIdentity, ...(freeKeys !== null ? ['free_fields'] : [])]);
  const payload = JSON.stringify(values.map((value) => Object.fromEntries(all.map(([key, column]) => [column, value[key] ?? null]))));
  const definitions = sql.raw(all.map(([, column, type]) => `${column} ${type}`).join(', '));
  const inst = sql.val(institutionId);
  // Identity values as they will be written: an optional field the line leaves empty keeps the
  // stored value when another institution enrols the person too (see SHARED_KEEP).
  // A kept column takes the stored value (the line's for a new person: only a derived ESI is
  // ever there). Provided free fields replace those keys only: removed when the line has none.
  const merged = sql.raw(IDENTITY_UPSERT.map(([, column]) => {
    if (keptIdentity.has(column)) return `coalesce(f.old_${column}, f.${column}) AS ${column}`;
    if (column === 'free_fields' && freeKeys !== null) {
      const removed = freeKeys.length > 0 ? ` - ARRAY[${freeKeys.map((key) => `'${key}'`).join(', ')}]::text[]` : '';
      return `CASE WHEN f.old_id IS NULL THEN coalesce(f.free_fields, '{}'::jsonb) WHEN f.shared THEN f.old_free_fields || coalesce(f.free_fields, '{}'::jsonb)
        ELSE (f.old_free_fields${removed}) || coalesce(f.free_fields, '{}'::jsonb) END AS free_fields`;
    }
    if (column === 'free_fields') {
      return `CASE WHEN f.shared AND coalesce(f.free_fields, '{}'::jsonb) = '{}'::jsonb THEN f.old_free_fields ELSE coalesce(f.free_fields, '{}'::jsonb) END AS free_fields`;
    }
    return SHARED_KEEP.has(column) ? `CASE WHEN f.shared THEN coalesce(f.${column}, f.old_${column}) ELSE f.${column} END AS ${column}` : `f.${column}`;
  }).join(', '));
  const oldIdentity = sql.raw([
    ...IDENTITY_UPSERT.filter(([, column]) => oldNeeded.has(column)).map(([, column]) => `old.${column} AS old_${column}`),
    ...(keptEnrolment.length > 0 ? ['here.person_id AS here_id', ...keptEnrolment.map((column) => `here.${column} AS here_${column}`)] : []),
  ].join(', '));
  const hereJoin = keptEnrolment.length > 0
    ? sql`LEFT JOIN LATERAL (SELECT * FROM enrolments h WHERE h.person_id = old.id AND h.institution_id = ${sql.val(institutionId)} LIMIT 1) here ON true`
    : sql``;
  const enrolmentColumns = sql.raw(ENROLMENT_UPSERT.map(([, column]) => (keptEnrolment.includes(column)
    ? `CASE WHEN f.here_id IS NULL THEN f.${column} ELSE f.here_${column} END AS ${column}`
    : `f.${column}`)).join(', '));
  const identityColumns = sql.raw(IDENTITY_UPSERT.map(([, column]) => column).join(', '));
  const updatable = IDENTITY_UPSERT.filter(([, column]) => column !== 'eppn');
  // An ESI the line does not carry (and the institution's scope cannot derive) keeps its stored
  // value: it is registered at the ESC Router and must not vanish because a file lacks it. A
  // locale the line does not carry keeps the stored one too: the person may have chosen it.
  const incoming = (column: string) => (column === 'esi' || column === 'locale' ? `coalesce(EXCLUDED.${column}, p.${column})` : `EXCLUDED.${column}`);
  const assignments = sql.raw(updatable.map(([, column]) => `${column} = ${incoming(column)}`).join(', '));
  const oldTuple = sql.raw(updatable.map(([, column]) => `p.${column}`).join(', '));
  const newTuple = sql.raw(updatable.map(([, column]) => incoming(column)).join(', '));
  const enrolmentNames = sql.raw(ENROLMENT_UPSERT.map(([, column]) => column).join(', '));
  const enrolmentAssignments = sql.raw(ENROLMENT_UPSERT.map(([, column]) => `${column} = EXCLUDED.${column}`).join(', '));
  const enrolmentOld = sql.raw(ENROLMENT_UPSERT.map(([, column]) => `e.${column}`).join(', '));
  const enrolmentNew = sql.raw(ENROLMENT_UPSERT.map(([, column]) => `EXCLUDED.${column}`).join(', '));
  // The outer query reads `persons` and `enrolments` in the snapshot from before this statement:
  // `old` and `olde` are the rows as they were, which gives what changed.
  // Stored rows are looked up one key at a time (LATERAL … LIMIT 1, which the planner cannot turn
  // into a join): a directory sync writes 100,000 persons in one transaction, where the statistics
  // still describe the tables as they were before it, so a plain join was planned as a hash join over
  // a sequential scan of every person and enrolment, per chunk — quadratic over the run.
  const changed = detailed
    ? sql.raw(`, array_remove(ARRAY[${[
      ...IDENTITY_UPSERT.map(([key, column]) => {
        if (column === 'free_fields') return `CASE WHEN old.free_fields IS DISTINCT FROM m.free_fields AND NOT (old.id IS NULL AND m.free_fields = '{}'::jsonb) THEN '${key}' END`;
        const next = column === 'esi' || column === 'locale' ? `coalesce(m.${column}, old.${column})` : `m.${column}`;
        return `CASE WHEN old.${column} IS DISTINCT FROM ${next} THEN '${key}' END`;
      }),
      ...ENROLMENT_UPSERT.map(([key, column]) => `CASE WHEN olde.${column} IS DISTINCT FROM m.${column} THEN '${key}' END`),
    ].join(', ')}], NULL) AS changed_fields`)
    : sql.raw('');
  const detailJoins = detailed
    ? sql`LEFT JOIN LATERAL (SELECT * FROM persons o WHERE o.id = m.old_id LIMIT 1) old ON true
          LEFT JOIN LATERAL (SELECT * FROM enrolments oe WHERE oe.person_id = m.old_id AND oe.institution_id = ${inst} LIMIT 1) olde ON true`
    : sql``;
  return sql<RawUpserted>`
    WITH input AS (
      SELECT * FROM json_to_recordset(${payload}::json) AS t(${definitions})
    ),
    flagged AS (
      SELECT i.*, old.id AS old_id, ${oldIdentity},
             (old.id IS NOT NULL AND EXISTS (
               SELECT 1 FROM enrolments x WHERE x.person_id = old.id AND x.institution_id <> ${inst})) AS shared
      FROM input i LEFT JOIN LATERAL (SELECT * FROM persons o WHERE o.eppn = i.eppn LIMIT 1) old ON true ${hereJoin}
    ),
    m AS (
      SELECT f.old_id, ${merged}, ${enrolmentColumns} FROM flagged f
    ),
    upserted AS (
      INSERT INTO persons AS p (${identityColumns})
      SELECT ${identityColumns} FROM m
      ON CONFLICT (eppn) DO UPDATE SET ${assignments}, version = p.version + 1, updated_at = now()
      WHERE (${oldTuple}) IS DISTINCT FROM (${newTuple})
      RETURNING p.id, p.eppn, (p.xmax = 0) AS inserted
    ),
    enrolled AS (
      INSERT INTO enrolments AS e (person_id, institution_id, ${enrolmentNames})
      SELECT coalesce(u.id, m.old_id), ${inst}, ${sql.raw(ENROLMENT_UPSERT.map(([, column]) => `m.${column}`).join(', '))}
      FROM m LEFT JOIN upserted u ON u.eppn = m.eppn
      WHERE coalesce(u.id, m.old_id) IS NOT NULL
      ON CONFLICT (person_id, institution_id) DO UPDATE SET ${enrolmentAssignments}, updated_at = now()
      WHERE (${enrolmentOld}) IS DISTINCT FROM (${enrolmentNew})
      RETURNING e.person_id
    ),
    bumped AS (
      -- A person whose identity did not change but whose enrolment did gets a new version too.
      UPDATE persons p SET version = p.version + 1, updated_at = now()
      FROM enrolled en
      WHERE p.id = en.person_id AND NOT EXISTS (SELECT 1 FROM upserted u WHERE u.id = en.person_id)
      RETURNING p.id
    )
    SELECT m.eppn, coalesce(u.id, m.old_id) AS id,
           CASE WHEN u.inserted THEN 'created' WHEN u.id IS NOT NULL OR en.person_id IS NOT NULL THEN 'updated' ELSE 'unchanged' END AS status
           ${changed}
    FROM m
    LEFT JOIN upserted u ON u.eppn = m.eppn
    LEFT JOIN enrolled en ON en.person_id = coalesce(u.id, m.old_id)
    ${detailJoins}`;
}

/**
 * Creates or updates persons by eppn, and their enrolment at `institutionId`, in ONE statement:
 * `INSERT INTO persons … SELECT FROM json_to_recordset ON CONFLICT (eppn) DO UPDATE … WHERE old
 * IS DISTINCT FROM new`, then the same for enrolments on (person, institution). Identical rows are
 * not written (no version bump, no audit entry); a person whose enrolment alone changed gets a new
 * version. A person enrolled elsewhere keeps their other enrolments untouched and gains this one.
 * The eppns must be distinct. `detailed` also returns the names of the fields that changed, for
 * change listeners. Every type must exist at the institution (the foreign key says so). With
 * `partial`, the fields it keeps are neither compared nor written (see {@link PartialUpsert}).
 */
export async function upsertPersons(db: Executor, institutionId: number, values: readonly PersonValues[], detailed: false, partial?: PartialUpsert): Promise<UpsertedRow[]>;
export async function upsertPersons(db: Executor, institutionId: number, values: readonly PersonValues[], detailed: true, partial?: PartialUpsert): Promise<UpsertedDetailedRow[]>;
export async function upsertPersons(db: Executor, institutionId: number, values: readonly PersonValues[], detailed: boolean,
  partial?: PartialUpsert): Promise<UpsertedDetailedRow[] | UpsertedRow[]> {
  if (values.length === 0) return [];
  const { rows } = await upsertSql(institutionId, values, detailed, partial).execute(db);
  // A row a concurrent transaction inserted after this statement's snapshot was neither visible
  // nor written (its eppn conflicted): a second statement, with a new snapshot, writes it.
  const late = new Set(rows.filter((row) => row.id === null).map((row) => row.eppn));
  const retried = late.size > 0
    ? new Map((await upsertSql(institutionId, values.filter((value) => late.has(value.eppn)), detailed, partial).execute(db)).rows.map((row) => [row.eppn, row]))
    : new Map<string, RawUpserted>();
  return rows.map((first) => {
    const row = retried.get(first.eppn) ?? first;
    const base: UpsertedRow = { eppn: row.eppn, id: row.id as string, status: row.status };
    return detailed ? { ...base, changedFields: row.changedFields ?? [] } : base;
  });
}

/** A consent text as published. */
export interface ConsentTextRow {
  kind: ConsentKind;
  version: string;
  locale: 'fr' | 'en';
  title: string;
  body: string;
  publishedAt: Date;
}

/** True when this version of this kind of consent text exists in this locale. */
export async function consentTextExists(db: Executor, kind: ConsentKind, version: string, locale: 'fr' | 'en'): Promise<boolean> {
  const row = await db.selectFrom('consentTexts').select('id')
    .where('kind', '=', kind).where('version', '=', version).where('locale', '=', locale).executeTakeFirst();
  return row !== undefined;
}

/** The most recently published text of each kind in a locale. */
export async function latestConsentTexts(db: Executor, locale: 'fr' | 'en'): Promise<ConsentTextRow[]> {
  return db.selectFrom('consentTexts').distinctOn('kind')
    .select(['kind', 'version', 'locale', 'title', 'body', 'publishedAt'])
    .where('locale', '=', locale)
    .orderBy('kind').orderBy('publishedAt', 'desc').orderBy('version', 'desc')
    .execute();
}

/** Current consent decision of a person for one kind. */
export interface PersonConsentRow {
  kind: ConsentKind;
  granted: boolean;
  textVersion: string;
  channel: ConsentChannel;
  decidedAt: Date;
}

/** The current decisions of a person, one per kind at most. */
export async function listPersonConsents(db: Executor, personId: string): Promise<PersonConsentRow[]> {
  return db.selectFrom('personConsents').select(['kind', 'granted', 'textVersion', 'channel', 'decidedAt'])
    .where('personId', '=', personId).orderBy('kind').execute();
}

/** The current decision of a person for one kind, locked until the transaction ends. */
export async function findPersonConsentForUpdate(db: Executor, personId: string, kind: ConsentKind): Promise<PersonConsentRow | undefined> {
  return db.selectFrom('personConsents').select(['kind', 'granted', 'textVersion', 'channel', 'decidedAt'])
    .where('personId', '=', personId).where('kind', '=', kind).forUpdate().executeTakeFirst();
}

/** Sets the current decision of a person for a kind. */
export async function upsertPersonConsent(
  db: Executor,
  value: { personId: string; kind: ConsentKind; granted: boolean; textVersion: string; channel: ConsentChannel; decidedAt: Date },
): Promise<PersonConsentRow> {
  return db.insertInto('personConsents').values(value)
    .onConflict((oc) => oc.columns(['personId', 'kind']).doUpdateSet({
      granted: value.granted, textVersion: value.textVersion, channel: value.channel, decidedAt: value.decidedAt,
    }))
    .returning(['kind', 'granted', 'textVersion', 'channel', 'decidedAt']).executeTakeFirstOrThrow();
}

/**
 * Consent decisions migrated from another system, set-based: the current state (a stored
 * decision taken later is kept) and one proof row each (channel `import`, text version `migrated`).
 */
export async function keepImportedConsents(db: Executor, decisions: ReadonlyArray<{ personId: string; kind: ConsentKind; granted: boolean; at: Date }>,
  actor: string): Promise<void> {
  await db.insertInto('personConsents')
    .values(decisions.map((d) => ({ personId: d.personId, kind: d.kind, granted: d.granted, textVersion: 'migrated', channel: 'import' as const, decidedAt: d.at })))
    .onConflict((oc) => oc.columns(['personId', 'kind']).doUpdateSet((eb) => ({
      granted: eb.ref('excluded.granted'), textVersion: eb.ref('excluded.textVersion'), channel: eb.ref('excluded.channel'), decidedAt: eb.ref('excluded.decidedAt'),
    })).where('personConsents.decidedAt', '<', (eb) => eb.ref('excluded.decidedAt')))
    .execute();
  await db.insertInto('consentEvents')
    .values(decisions.map((d) => ({
      personId: d.personId, kind: d.kind, granted: d.granted, textVersion: 'migrated', locale: 'fr' as const, channel: 'import' as const, actor, ip: null, at: d.at,
    })))
    .execute();
}

/** A recorded consent decision: the proof kept for every grant and withdrawal. */
export interface ConsentEventRow {
  id: string;
  kind: ConsentKind;
  granted: boolean;
  textVersion: string;
  locale: 'fr' | 'en';
  channel: ConsentChannel;
  actor: string;
  ip: string | null;
  at: Date;
}

const EVENT_COLUMNS = ['id', 'kind', 'granted', 'textVersion', 'locale', 'channel', 'actor', 'ip', 'at'] as const;

/** Appends a consent decision to the proof log. */
export async function insertConsentEvent(db: Executor, event: Omit<ConsentEventRow, 'id'> & { personId: string }): Promise<ConsentEventRow> {
  return db.insertInto('consentEvents').values(event).returning(EVENT_COLUMNS).executeTakeFirstOrThrow();
}

/** Every consent decision of a person, oldest first. */
export async function listConsentEvents(db: Executor, personId: string): Promise<ConsentEventRow[]> {
  return db.selectFrom('consentEvents').select(EVENT_COLUMNS).where('personId', '=', personId)
    .orderBy('at').orderBy('id').execute();
}

/** What the ESC Router sync reads about many persons at once: router data and one consent, in one query. */
export interface PersonConsentSummaryRow {
  id: string;
  /** The institution of the enrolment the level, rights end and type below come from. */
  institutionId: number;
  firstName: string;
  lastName: string;
  email: string | null;
  esi: string | null;
  academicLevel: number | null;
  rightsEnd: string | null;
  personType: PersonType;
  consentGranted: boolean;
}

/**
 * These persons (missing ids, and persons not enrolled there, are left out) with their enrolment
 * at `institutionId` — or, without one, their first enrolment by institution id — and whether
 * they currently grant `kind`.
 */
export async function findPersonsWithConsent(db: Executor, ids: readonly string[], kind: ConsentKind, institutionId?: number): Promise<PersonConsentSummaryRow[]> {
  if (ids.length === 0) return [];
  const enrolment = db.selectFrom('enrolments').select(ENROLMENT_COLUMNS).where(sql<SqlBool>`enrolments.person_id = persons.id`)
    .$if(institutionId !== undefined, (query) => query.where('enrolments.institutionId', '=', institutionId as number))
    .orderBy('enrolments.institutionId').limit(1);
  return db.selectFrom('persons')
    .innerJoinLateral(enrolment.as('e'), (join) => join.onTrue())
    .leftJoin('personConsents as pc', (join) => join.onRef('pc.personId', '=', 'persons.id').on('pc.kind', '=', kind))
    .select(['persons.id', 'e.institutionId', 'persons.firstName', 'persons.lastName', 'persons.email', 'persons.esi', 'e.academicLevel',
      'e.rightsEnd', 'e.personType', sql<boolean>`coalesce(pc.granted, false)`.as('consentGranted')])
    .where('persons.id', 'in', ids)
    .execute() as Promise<PersonConsentSummaryRow[]>;
}

/**
 * The ids of the persons with an enrolment inside `scope`, as a subquery another context embeds
 * in its own statement: its rows are then limited by the database, so a page of them is full.
 */
export function personIdsWithin(db: Executor, scope: AccessScope): Expression<{ id: string }> {
  return db.selectFrom('enrolments').select('enrolments.personId as id').where(inScope(scope, ENROLMENT_SCOPE));
}

/** The names and eppns of these persons, in one query; ids that do not exist are left out. */
export async function findPersonNames(db: Executor, ids: readonly string[]): Promise<Array<{ id: string; firstName: string; lastName: string; eppn: string }>> {
  if (ids.length === 0) return [];
  return db.selectFrom('persons').select(['id', 'firstName', 'lastName', 'eppn']).where('id', 'in', ids).execute();
}
