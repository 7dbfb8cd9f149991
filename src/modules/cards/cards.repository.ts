import {
  CompiledQuery, expressionBuilder, sql, type Expression, type ExpressionBuilder, type RawBuilder, type SqlBool, type QueryCreator, type Selectable, type Updateable,
} from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { Database } from '../../platform/db/schema.ts';
import { inScope, WHOLE_DEPLOYMENT, type AccessScope } from '../../platform/db/scope-filter.ts';
import { countDistinctUpTo, innerWordArray, termWordKeys, wordSearchFor, type WordSearch } from '../../platform/db/search-words.ts';
import type { CardMovesTable, CardsTable } from './cards.tables.ts';
import type { CardState } from './domain/card-state.ts';

/** A card row as stored, with the code and name of its issuing institution, which every card resource shows. */
export type CardRow = Selectable<CardsTable> & { institutionCode: string; institutionName: string };
export type CardMoveRow = Selectable<CardMovesTable>;

/** The columns of `cards` a card row reads (written by insert and update too). */
type StoredCardRow = Selectable<CardsTable>;

const CARD_COLUMNS = [
  'id', 'personId', 'institutionId', 'cardGroup', 'state', 'cardKind', 'requestChannel', 'requestedAt', 'requestedBy', 'photoId', 'printedLines',
  'csn', 'csnReversed', 'csnDecimal', 'csnDecimalReversed', 'escn', 'disableReason', 'disableComment', 'disabledBy',
  'rejectReason', 'deliveryAddress', 'deliveredAt', 'dueDate', 'lockedBy', 'lockedAt', 'enabledAt', 'expiresAt',
  'renewalOf', 'holderEppn', 'holderFirstName', 'holderLastName', 'holderEmail', 'holderStudentNumber', 'holderIne',
  'holderPersonType', 'version', 'createdAt', 'updatedAt',
] as const;

/**
 * The issuing institution's code and name, read by primary key for each returned row (scalar
 * sub-queries: PostgreSQL evaluates them after a page's sort and limit, so a page of 50 cards
 * costs 50 index lookups on a table of a few rows). Also valid in RETURNING.
 */
function institutionColumns() {
  return [
    sql<string>`(SELECT i.code FROM institutions AS i WHERE i.id = cards.institution_id)`.as('institutionCode'),
    sql<string>`(SELECT i.name FROM institutions AS i WHERE i.id = cards.institution_id)`.as('institutionName'),
  ] as const;
}

/** Advisory lock namespace of card writes (two-key form: does not collide with single-key locks). */
const PERSON_LOCK_NAMESPACE = 6006;

/**
 * Serialises every card write of one person until the transaction ends. All card-changing
 * transactions take it first, so they never wait on each other's row locks in a different order
 * (no deadlock), and checks across the person's cards (one pending request, one ENABLED card)
 * see every concurrent change. Must run inside a transaction.
 */
export async function lockPersonCards(executor: Executor, personId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(${PERSON_LOCK_NAMESPACE}, hashtext(${personId}))`.execute(executor);
}

/** One card, optionally locked `FOR UPDATE` until the transaction ends. */
export async function findCard(executor: Executor, id: string, options: { forUpdate?: boolean } = {}): Promise<CardRow | undefined> {
  let query = executor.selectFrom('cards').select(CARD_COLUMNS).select(institutionColumns()).where('id', '=', id);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

/**
 * `lockPersonCards` for many persons in one statement. The keys are taken in ascending order, so
 * two bulk moves over overlapping persons wait for each other instead of deadlocking; a single
 * move holds one key only. Must run inside a transaction.
 */
export async function lockManyPersonsCards(executor: Executor, personIds: readonly string[]): Promise<void> {
  if (personIds.length === 0) return;
  await sql`SELECT pg_advisory_xact_lock(${PERSON_LOCK_NAMESPACE}, keys.k)
    FROM (SELECT DISTINCT hashtext(p) AS k FROM unnest(${sql.val([...personIds])}::text[]) AS p ORDER BY 1) AS keys`.execute(executor);
}

/** Many cards by id (unknown ids are left out), in id order; `forUpdate` locks them in that order until the transaction ends. */
export async function findCards(executor: Executor, ids: readonly string[], options: { forUpdate?: boolean } = {}): Promise<CardRow[]> {
  if (ids.length === 0) return [];
  let query = executor.selectFrom('cards').select(CARD_COLUMNS).select(institutionColumns()).where('id', 'in', [...ids]).orderBy('id');
  if (options.forUpdate) query = query.forUpdate();
  return query.execute();
}

/**
 * Many cards by id within `scope` (applied in the query: a card outside it is left out as an
 * unknown one), in id order. For readers of other contexts (card templates, print batches).
 */
export async function findCardsInScope(executor: Executor, ids: readonly string[], scope: AccessScope): Promise<CardRow[]> {
  if (ids.length === 0) return [];
  return executor.selectFrom('cards').select(CARD_COLUMNS).select(institutionColumns()).where('id', 'in', [...ids])
    .where(() => inScope(scope, { institution: 'cards.institution_id', personType: 'cards.holder_person_type' })).orderBy('id').execute();
}

/** Every card of these persons, each person's oldest first (as `findCardsOfPerson` with the whole deployment's scope). */
export async function findCardsOfPersons(executor: Executor, personIds: readonly string[]): Promise<CardRow[]> {
  if (personIds.length === 0) return [];
  return executor.selectFrom('cards').select(CARD_COLUMNS).select(institutionColumns()).where('personId', 'in', [...personIds])
    .orderBy('personId').orderBy('createdAt').orderBy('id').execute();
}

/**
 * The language of each person's mails (null: the institution's default), by person id. Read here
 * for the same reason as the enrolments: a bulk move mails hundreds of holders in its own
 * transaction, and one query beats one person read per mail.
 */
export async function findHolderLocales(executor: Executor, personIds: readonly string[]): Promise<Map<string, string | null>> {
  if (personIds.length === 0) return new Map();
  const rows = await executor.selectFrom('persons').select(['id', 'locale']).where('id', 'in', [...personIds]).execute();
  return new Map(rows.map((row) => [row.id, row.locale]));
}

/**
 * The cards of a person within `scope`, oldest first. The rules across a person's cards (one
 * ENABLED card per group, one pending request) read them with the whole deployment's scope; a
 * caller's view (an export) passes the caller's scope.
 */
export async function findCardsOfPerson(executor: Executor, personId: string, scope: AccessScope = WHOLE_DEPLOYMENT): Promise<CardRow[]> {
  return executor.selectFrom('cards').select(CARD_COLUMNS).select(institutionColumns()).where('personId', '=', personId)
    .where(inScope(scope, { institution: 'cards.institution_id', personType: 'cards.holder_person_type' }))
    .orderBy('createdAt').orderBy('id').execute();
}

/** A person's enrolment at one institution: what the card of that institution depends on. */
export interface CardEnrolment {
  institutionId: number;
  personType: string;
  studentNumber: string | null;
  /** Last day of the rights there (`YYYY-MM-DD`), null when they do not end. */
  rightsEnd: string | null;
}

/**
 * The person's enrolments, by institution id. Read here (the people context owns the table) so a
 * card request and the rights-end job see the enrolment in their own transaction, under the
 * person's card lock.
 */
export async function findEnrolments(executor: Executor, personId: string): Promise<CardEnrolment[]> {
  return executor.selectFrom('enrolments')
    .select(['institutionId', 'personType', 'studentNumber', sql<string | null>`rights_end::text`.as('rightsEnd')])
    .where('personId', '=', personId).orderBy('institutionId').execute();
}

/** The cards (other than `exceptId`) that hold this canonical CSN and are not DESTROYED. */
export async function findLiveCardsByCsn(executor: Executor, csn: string, exceptId: string): Promise<Array<{ id: string; state: string; csn: string | null }>> {
  return executor.selectFrom('cards').select(['id', 'state', 'csn'])
    .where('csn', '=', csn).where('state', '<>', 'DESTROYED').where('id', '<>', exceptId).execute();
}

export type NewCard = Omit<StoredCardRow, 'id' | 'version' | 'createdAt' | 'updatedAt' | 'printedLines'> & {
  printedLines?: Record<string, string> | null;
};

/**
 * Inserts a card. Returns undefined when its ESCN is already taken (the caller mints another
 * one): ON CONFLICT on the ESCN only, so every other constraint still raises.
 */
export async function insertCard(executor: Executor, card: NewCard, now: Date): Promise<CardRow | undefined> {
  const { printedLines, ...rest } = card;
  return executor.insertInto('cards')
    .values({
      ...rest,
      printedLines: printedLines ? JSON.stringify(printedLines) : null,
      createdAt: now,
      updatedAt: now,
    })
    .onConflict((oc) => oc.column('escn').doNothing())
    .returning(CARD_COLUMNS)
    .returning(institutionColumns())
    .executeTakeFirst();
}

export type CardChanges = Omit<Updateable<CardsTable>, 'id' | 'version' | 'createdAt' | 'updatedAt' | 'printedLines'> & {
  printedLines?: Record<string, string> | null;
};

/**
 * Applies `changes` to a card and bumps its version, only if the version is still `version`
 * (optimistic check on top of the row lock). Returns undefined when someone else changed it first.
 */
export async function updateCard(executor: Executor, id: string, version: number, changes: CardChanges, now: Date): Promise<CardRow | undefined> {
  const { printedLines, ...rest } = changes;
  return executor.updateTable('cards')
    .set((eb) => ({
      ...rest,
      ...(printedLines !== undefined ? { printedLines: printedLines === null ? null : JSON.stringify(printedLines) } : {}),
      version: eb('version', '+', 1),
      updatedAt: now,
    }))
    .where('id', '=', id).where('version', '=', version)
    .returning(CARD_COLUMNS)
    .returning(institutionColumns())
    .executeTakeFirst();
}

/** The columns a move may change (see the service's `planMove`), with their SQL types. */
const MOVE_COLUMNS: ReadonlyArray<readonly [keyof CardChanges, string, string]> = [
  ['state', 'state', 'text'], ['lockedBy', 'locked_by', 'text'], ['lockedAt', 'locked_at', 'timestamptz'],
  ['printedLines', 'printed_lines', 'jsonb'], ['csn', 'csn', 'text'], ['csnReversed', 'csn_reversed', 'text'],
  ['csnDecimal', 'csn_decimal', 'text'], ['csnDecimalReversed', 'csn_decimal_reversed', 'text'],
  ['disableReason', 'disable_reason', 'text'], ['disabledBy', 'disabled_by', 'text'], ['disableComment', 'disable_comment', 'text'],
  ['enabledAt', 'enabled_at', 'timestamptz'], ['rejectReason', 'reject_reason', 'text'],
];

/** One card's part of `updateCards`. */
export interface CardUpdate {
  id: string;
  /** The version the changes were decided on. */
  version: number;
  changes: CardChanges;
}

/**
 * `updateCard` for many cards in one statement: each card gets its own changes and a version
 * bump, only where its version is still the given one. A column a card's changes do not name
 * keeps its stored value (so each audit entry names what that card's move changed, as a single
 * update's does). Only the columns a move changes are accepted. Returns the ids updated; a
 * missing id was changed by someone else first.
 */
export async function updateCards(executor: Executor, updates: readonly CardUpdate[], now: Date): Promise<Set<string>> {
  if (updates.length === 0) return new Set();
  const known = new Set(MOVE_COLUMNS.map(([key]) => key));
  const rows = updates.map((update) => {
    const changes: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(update.changes)) {
      if (!known.has(key as keyof CardChanges)) throw new Error(`updateCards does not write ${key}`);
      changes[key] = value instanceof Date ? value.toISOString() : value;
    }
    return { id: update.id, version: update.version, changes };
  });
  // JSON null stays a JSON null under ->: turned into SQL NULL for the jsonb column.
  const sets = MOVE_COLUMNS.map(([key, column, type]) => sql`${sql.ref(column)} = CASE WHEN v.changes ? ${key} THEN ${type === 'jsonb'
    ? sql`nullif(v.changes -> ${key}, 'null'::jsonb)`
    : sql`(v.changes ->> ${key})::${sql.raw(type)}`} ELSE c.${sql.ref(column)} END`);
  const result = await sql<{ id: string }>`
    UPDATE cards AS c SET ${sql.join(sets)}, version = c.version + 1, updated_at = ${now}
    FROM json_to_recordset(${JSON.stringify(rows)}::json) AS v (id uuid, version integer, changes jsonb)
    WHERE c.id = v.id AND c.version = v.version
    RETURNING c.id`.execute(executor);
  return new Set(result.rows.map((row) => row.id));
}

export type NewCardMove = Omit<CardMoveRow, 'id' | 'seq' | 'at'>;

/** Records one move in a card's history. */
export async function insertMove(executor: Executor, move: NewCardMove): Promise<void> {
  await executor.insertInto('cardMoves').values(move).execute();
}

/** Records many moves in one statement, in the given order (each card's history keeps the order of its moves). */
export async function insertMoves(executor: Executor, moves: readonly NewCardMove[]): Promise<void> {
  if (moves.length === 0) return;
  await executor.insertInto('cardMoves').values([...moves]).execute();
}

/** A card's history, in the order the moves happened. */
export async function findMoves(executor: Executor, cardId: string): Promise<CardMoveRow[]> {
  return executor.selectFrom('cardMoves').selectAll().where('cardId', '=', cardId).orderBy('seq').execute();
}

/** The history of several cards, per card in the order the moves happened. */
export async function findMovesOfCards(executor: Executor, cardIds: readonly string[]): Promise<CardMoveRow[]> {
  if (cardIds.length === 0) return [];
  return executor.selectFrom('cardMoves').selectAll().where('cardId', 'in', cardIds).orderBy('cardId').orderBy('seq').execute();
}

/** The holder data copied onto cards, for listing, search and printing. */
export interface HolderSnapshot {
  holderEppn: string;
  holderFirstName: string;
  holderLastName: string;
  holderEmail: string | null;
  holderStudentNumber: string | null;
  holderIne: string | null;
  holderPersonType: string;
}

/** The part of the holder snapshot that is the person's identity (the rest comes from an enrolment). */
export type HolderIdentity = Omit<HolderSnapshot, 'holderStudentNumber' | 'holderPersonType'>;

/**
 * Refreshes the holder snapshot on every card of these persons, in one statement: the identity
 * from `holders`, the person type and student number from the holder's enrolment at each card's
 * institution (read in the same statement, so a change of enrolment made in the caller's
 * transaction is what the cards get). Cards whose snapshot already matches are left alone (no
 * version bump, no audit row). Returns how many cards changed.
 */
export async function updateHolderSnapshots(
  executor: Executor,
  holders: ReadonlyArray<HolderIdentity & { personId: string }>,
  now: Date,
): Promise<number> {
  if (holders.length === 0) return 0;
  const rows = sql.join(holders.map((holder) => sql`(${holder.personId}::uuid, ${holder.holderEppn}::text,
    ${holder.holderFirstName}::text, ${holder.holderLastName}::text, ${holder.holderEmail}::text, ${holder.holderIne}::text)`));
  const result = await sql`
    UPDATE cards AS c SET
      holder_eppn = v.eppn, holder_first_name = v.first_name, holder_last_name = v.last_name,
      holder_email = v.email, holder_student_number = e.student_number, holder_ine = v.ine,
      holder_person_type = e.person_type, version = c.version + 1, updated_at = ${now}
    FROM (VALUES ${rows}) AS v (person_id, eppn, first_name, last_name, email, ine)
    JOIN enrolments AS e ON e.person_id = v.person_id
    WHERE c.person_id = v.person_id AND c.institution_id = e.institution_id
      AND (c.holder_eppn, c.holder_first_name, c.holder_last_name, c.holder_email, c.holder_student_number,
           c.holder_ine, c.holder_person_type)
          IS DISTINCT FROM (v.eppn, v.first_name, v.last_name, v.email, e.student_number, v.ine, e.person_type)`
    .execute(executor);
  return Number(result.numAffectedRows ?? 0n);
}

/** A holder's enrolment whose rights-end moves may be due: the cards of one person at one institution. */
export interface RightsEndCandidate {
  personId: string;
  institutionId: number;
}

/**
 * The enrolments whose cards the rights-end job must move as of `today`, a page at a time
 * (keyset on person id, institution id): rights ended (before `today`) and a card still in one of
 * `endedStates`, or rights not ended and a CADUC card. The rights are those of the enrolment at
 * the card's institution; the job reads them again under the person's card lock.
 */
export async function findRightsEndCandidates(
  executor: Executor,
  endedStates: readonly CardState[],
  today: string,
  after: RightsEndCandidate | null,
  limit: number,
): Promise<RightsEndCandidate[]> {
  const keyset = after ? sql`AND (c.person_id, c.institution_id) > (${after.personId}::uuid, ${after.institutionId}::smallint)` : sql``;
  // Two branches, each with its own index: ended rights by `enrolments.rights_end`, CADUC cards by state.
  const result = await sql<RightsEndCandidate>`
    SELECT c.person_id AS "personId", c.institution_id AS "institutionId"
    FROM enrolments AS e JOIN cards AS c ON c.person_id = e.person_id AND c.institution_id = e.institution_id
    WHERE e.rights_end < ${today}::date AND c.state IN (${sql.join(endedStates)}) ${keyset}
    UNION
    SELECT c.person_id, c.institution_id
    FROM cards AS c JOIN enrolments AS e ON e.person_id = c.person_id AND e.institution_id = c.institution_id
    WHERE c.state = 'CADUC' AND (e.rights_end IS NULL OR e.rights_end >= ${today}::date) ${keyset}
    ORDER BY 1, 2
    LIMIT ${limit}`.execute(executor);
  return result.rows;
}

export type CardSortKey = 'requestedAt' | 'updatedAt' | 'lastName';

export interface CardListFilter {
  /** What the caller may reach (institutions, person types): applied in the query. */
  scope: AccessScope;
  states?: readonly string[] | undefined;
  personTypes?: readonly string[] | undefined;
  personId?: string | undefined;
  requestedFrom?: Date | undefined;
  requestedTo?: Date | undefined;
  updatedFrom?: Date | undefined;
  updatedTo?: Date | undefined;
  /** The holder has (true) or has not (false) a request in one of these states at the card's institution. */
  pendingRequest?: { has: boolean; states: readonly CardState[] } | undefined;
  /** Lower-case terms, each of which must occur in the search text (already LIKE-escaped). */
  terms?: readonly string[] | undefined;
  /** Only these cards (the cards carrying a searched identifier, found by the identifiers' index). */
  cardIds?: readonly string[] | undefined;
}

/** Where a keyset page starts: the sort values of the last row of the previous page. */
export type CardKeyset =
  /** `at` is the timestamp as PostgreSQL prints it: microseconds survive the round trip. */
  | { sort: 'requestedAt' | 'updatedAt'; at: string; id: string }
  | { sort: 'lastName'; lastName: string; firstName: string; id: string };

export interface CardListPage {
  sort: CardSortKey;
  order: 'asc' | 'desc';
  limit: number;
  after?: CardKeyset | undefined;
  offset?: number | undefined;
}

/** Shortest term the trigram index can serve. */
const TRIGRAM_LENGTH = 3;

/**
 * Most matches of the search terms a list collects through the trigram index. Under the cap,
 * sorting the few matches is cheap; over it, matches are at least 1 card in 1,000, so walking the
 * sort index and testing the terms row by row meets a page of them soon, whatever the sort.
 */
export const SEARCH_COLLECT_CAP = 1000;

/** The statement-local table (a materialized CTE) holding the collected matches' card ids. */
const MATCHES_CTE = 'search_matches';

/**
 * How the trigram-indexable terms are applied: read from the capped `search_matches` CTE of the
 * same statement (`capped`: the matches were collected through the trigram index, and the query
 * left to itself might walk a sort index testing every card against the patterns, which costs
 * seconds on a million cards for a name matching a few hundred), or tested row by row while the
 * planner walks whichever index suits (`scan`: for terms known to match densely).
 */
type TermMatching = 'capped' | 'scan';

/** Where a card keeps its institution and holder type, for `inScope`. */
const SCOPE_COLUMNS = { institution: 'cards.institution_id', personType: 'cards.holder_person_type' };

function termLikes(column: 'searched.search_text' | 'matched.search_text', terms: readonly string[]) {
  return terms.map((term) => sql<boolean>`${sql.ref(column)} LIKE ${`%${term}%`} ESCAPE '\\'`);
}

/**
 * "The card's search text holds every term", tested for the card at hand: one primary-key lookup
 * in `card_search` (migration 0051: the text lives there so that moves write no trigram entries).
 */
function searchTextHolds(terms: readonly string[]) {
  return sql<boolean>`EXISTS (SELECT 1 FROM card_search AS searched
    WHERE searched.card_id = cards.id AND ${sql.join(termLikes('searched.search_text', terms), sql` AND `)})`;
}

function applyFilter(eb: ExpressionBuilder<Database, 'cards'>, filter: CardListFilter, matching: TermMatching) {
  const conditions: Array<Expression<SqlBool>> = [inScope(filter.scope, SCOPE_COLUMNS)];
  if (filter.states && filter.states.length > 0) conditions.push(eb('cards.state', 'in', filter.states));
  if (filter.personTypes) {
    // An empty list means "no type at all" (a manager whose limits exclude every asked type).
    conditions.push(filter.personTypes.length > 0 ? eb('cards.holderPersonType', 'in', filter.personTypes) : sql<boolean>`false`);
  }
  if (filter.personId) conditions.push(eb('cards.personId', '=', filter.personId));
  if (filter.cardIds) conditions.push(filter.cardIds.length > 0 ? eb('cards.id', 'in', [...filter.cardIds]) : sql<boolean>`false`);
  if (filter.requestedFrom) conditions.push(eb('cards.requestedAt', '>=', filter.requestedFrom));
  if (filter.requestedTo) conditions.push(eb('cards.requestedAt', '<', filter.requestedTo));
  if (filter.updatedFrom) conditions.push(eb('cards.updatedAt', '>=', filter.updatedFrom));
  if (filter.updatedTo) conditions.push(eb('cards.updatedAt', '<', filter.updatedTo));
  const terms = filter.terms ?? [];
  const indexable = terms.filter((term) => term.length >= TRIGRAM_LENGTH);
  // Terms too short for the trigram index are always tested card by card.
  const tested = terms.filter((term) => term.length < TRIGRAM_LENGTH);
  if (indexable.length > 0) {
    if (matching === 'capped') {
      // Read by primary key, the collected ids only.
      conditions.push(sql<boolean>`cards.id = ANY((SELECT ${sql.ref(`${MATCHES_CTE}.ids`)} FROM ${sql.table(MATCHES_CTE)})::uuid[])`);
    } else {
      tested.unshift(...indexable);
    }
  }
  if (tested.length > 0) conditions.push(searchTextHolds(tested));
  if (filter.pendingRequest) {
    // A request at the same institution: another institution's requests are its own business.
    const pending = eb.selectFrom('cards as other').select(sql`1`.as('one'))
      .whereRef('other.personId', '=', 'cards.personId')
      .whereRef('other.institutionId', '=', 'cards.institutionId')
      .where('other.state', 'in', filter.pendingRequest.states);
    conditions.push(filter.pendingRequest.has ? eb.exists(pending) : eb.not(eb.exists(pending)));
  }
  return eb.and(conditions);
}

/**
 * The CTE collecting, through the trigram index of `card_search`, the ids of at most `limit` cards
 * matching every indexable term, and how many it holds (`limit` means there may be more).
 * A null `limit` collects every match (`LIMIT NULL` is no limit). `OFFSET 0` keeps the
 * collection a sub-plan of its own: pulled up, the ARRAY(...) would run once for the addresses
 * and again for the count.
 */
function matchesCte(terms: readonly string[], limit: number | null, scope: AccessScope) {
  // The scope applies to the collection too (card_search carries the card's scope columns): a
  // manager's cap counts only cards they may see.
  const scoped = inScope(scope, { institution: 'matched.institution_id', personType: 'matched.holder_person_type' });
  return sql<{ ids: string[]; count: number }>`SELECT ids, cardinality(ids) AS count FROM (SELECT ARRAY(
    SELECT matched.card_id FROM card_search AS matched WHERE ${sql.join(termLikes('matched.search_text', terms), sql` AND `)} AND ${scoped}
    LIMIT ${limit}) AS ids OFFSET 0) AS collected`;
}

/** A listed card with its sort timestamp as text, for the next cursor. */
export type ListedCardRow = CardRow & { sortAt: string };

/** The sort timestamp of a page's rows as text (microseconds kept), for the next keyset. */
function sortAtColumn(sort: CardSortKey) {
  return (sort === 'updatedAt' ? sql<string>`cards.updated_at::text` : sql<string>`cards.requested_at::text`).as('sortAt');
}

/** "The row comes after the keyset `after`", in the page's order. */
function afterKeyset(eb: ExpressionBuilder<Database, 'cards'>, after: CardKeyset, order: 'asc' | 'desc') {
  const comparator = order === 'asc' ? '>' : '<';
  if (after.sort === 'lastName') {
    return eb(eb.refTuple('cards.holderLastName', 'cards.holderFirstName', 'cards.id'), comparator,
      eb.tuple(after.lastName, after.firstName, after.id));
  }
  const column = after.sort === 'requestedAt' ? 'cards.requestedAt' : 'cards.updatedAt';
  return eb(eb.refTuple(column, 'cards.id'), comparator, eb.tuple(sql<Date>`${after.at}::timestamptz`, sql<string>`${after.id}::uuid`));
}

/** The filtered, keyset-limited query of one page, before ordering. */
function pageQuery(creator: QueryCreator<Database>, filter: CardListFilter, page: CardListPage, matching: TermMatching) {
  let query = creator.selectFrom('cards').select(CARD_COLUMNS).select(institutionColumns()).select(sortAtColumn(page.sort))
    .where((eb) => applyFilter(eb, filter, matching));
  const after = page.after;
  if (after) query = query.where((eb) => afterKeyset(eb, after, page.order));
  return query;
}

/** The ORDER BY of a page: the sort key, then the id, all in the same direction. */
function sortColumns(sort: CardSortKey): Array<'holderLastName' | 'holderFirstName' | 'requestedAt' | 'updatedAt' | 'id'> {
  if (sort === 'lastName') return ['holderLastName', 'holderFirstName', 'id'];
  return [sort, 'id'];
}

/**
 * One page of cards matching `filter`, in the requested order, ties broken by id. Keyset mode
 * (`after`) seeks straight to the next page through the sort indexes; offset mode is for
 * page-number UIs on small result sets. Fetches `limit + 1` rows so the caller knows whether
 * another page follows.
 *
 * Several states are read as one ordered, limited branch per state (each walks its
 * `(state, sort key)` index), merged and cut again: a single scan of the sort index filtered by
 * the states would read most of the table when the states are rare.
 *
 * One word of letters sorted by request date or by name is read through the words of the search
 * text in the list's order ({@link listCardsByWords}). Other search terms are collected through
 * the trigram index of `card_search`, up to `SEARCH_COLLECT_CAP` matches, in a CTE of the same
 * statement (so the ids are of its own snapshot); the page reads exactly those cards by primary
 * key and sorts them. When the cap is reached, the page is read through the words where a term
 * of letters allows (date or name order); otherwise again walking its date index, testing the
 * terms row by row, or by name every match is collected and sorted.
 */
export async function listCards(executor: Executor, filter: CardListFilter, page: CardListPage): Promise<ListedCardRow[]> {
  const indexable = (filter.terms ?? []).filter((term) => term.length >= TRIGRAM_LENGTH);
  if (indexable.length === 0) return listPage(executor, filter, page, 'scan', executor);
  const sort = page.sort;
  // One word of letters, by date or by name: read through the words however many cards hold it
  // (collecting a dense term's first thousand matches through the trigram index first cost more
  // than the whole page).
  const single = isWordSort(sort) && indexable.length === 1 && (filter.terms ?? []).length === 1;
  const oneWord = single ? await wordSearchFor(executor, indexable) : undefined;
  if (oneWord && isWordSort(sort)) return listCardsByWords(executor, filter, { ...page, sort }, oneWord);
  // One more than the cap tells that the cap was reached.
  const rows = await listPage(executor, filter, page, 'capped', withMatches(executor, indexable, SEARCH_COLLECT_CAP + 1, filter.scope));
  // Every row carries the collected count; an empty page needs asking (the other filters may
  // have excluded every collected match while more lie past the cap).
  const collected = Number(rows[0]?.matchedCount ?? (await countCollected(executor, indexable, filter.scope)));
  if (collected <= SEARCH_COLLECT_CAP) return withoutCount(rows);
  // A single term was looked up above already: the words could not serve it.
  const words = isWordSort(sort) && !single ? await wordSearchFor(executor, filter.terms ?? []) : undefined;
  if (words && isWordSort(sort)) return listCardsByWords(executor, filter, { ...page, sort }, words);
  // By name, the matches of a name-like term sit together in the name order: walking the name
  // index would read every card sorted before them (seconds). Collect them all and sort instead.
  if (page.sort === 'lastName') return withoutCount(await listPage(executor, filter, page, 'capped', withMatches(executor, indexable, null, filter.scope)));
  return listPage(executor, filter, page, 'scan', executor);
}

function withoutCount(rows: PageRow[]): ListedCardRow[] {
  return rows.map(({ matchedCount: _count, ...row }) => row);
}

/**
 * A query creator whose statements start with the `search_matches` CTE (materialized: collected
 * once). The CTE is only ever referenced through raw SQL, so the creator is typed against the
 * plain schema.
 */
function withMatches(executor: Executor, terms: readonly string[], limit: number | null, scope: AccessScope): QueryCreator<Database> {
  return executor.with((cte) => cte(MATCHES_CTE).materialized(), () => sql`(${matchesCte(terms, limit, scope)})`) as unknown as QueryCreator<Database>;
}

/** The `matchedCount` column: how many matches the statement's `search_matches` CTE collected. */
function collectedCount() {
  return sql<number>`(SELECT ${sql.ref(`${MATCHES_CTE}.count`)} FROM ${sql.table(MATCHES_CTE)})`.as('matchedCount');
}

/** How many cards the capped collection finds (at most `SEARCH_COLLECT_CAP + 1`). */
async function countCollected(executor: Executor, terms: readonly string[], scope: AccessScope): Promise<number> {
  const result = await sql<{ count: number }>`SELECT collected.count FROM (${matchesCte(terms, SEARCH_COLLECT_CAP + 1, scope)}) AS collected`
    .execute(executor);
  return Number(result.rows[0]?.count ?? 0);
}

/** A page read by `listPage`: with the `capped` matching, each row tells how many matches were collected. */
type PageRow = ListedCardRow & { matchedCount?: number };

/** `outer` builds the statement itself (it may carry the CTE), `executor` its sub-queries (a CTE is only valid on top). */
async function listPage(
  executor: Executor, filter: CardListFilter, page: CardListPage, matching: TermMatching, outer: QueryCreator<Database>,
): Promise<PageRow[]> {
  const direction = page.order;
  const wanted = page.limit + 1;
  const states = filter.states ?? [];
  const matchedCount = collectedCount();
  if (states.length <= 1 || filter.personId) {
    let query = pageQuery(outer, filter, page, matching);
    for (const column of sortColumns(page.sort)) query = query.orderBy(`cards.${column}`, direction);
    query = query.limit(wanted);
    if (page.offset) query = query.offset(page.offset);
    return matching === 'capped' ? query.select(matchedCount).execute() : query.execute();
  }
  const perBranch = wanted + (page.offset ?? 0);
  const branches = states.map((state) => {
    let branch = pageQuery(executor, { ...filter, states: [state] }, page, matching);
    for (const column of sortColumns(page.sort)) branch = branch.orderBy(`cards.${column}`, direction);
    return executor.selectFrom(branch.limit(perBranch).as('branch')).selectAll();
  });
  const [first, ...rest] = branches;
  if (!first) return [];
  const union = rest.reduce((merged, branch) => merged.unionAll(branch), first);
  let query = outer.selectFrom(union.as('merged')).selectAll();
  for (const column of sortColumns(page.sort)) query = query.orderBy(`merged.${column}`, direction);
  query = query.limit(wanted);
  if (page.offset) query = query.offset(page.offset);
  return matching === 'capped' ? query.select(matchedCount).execute() : query.execute();
}

/**
 * How many cards match `filter`, counting no further than `cap` (page-number mode only: page
 * numbers stop there, and an exact count would walk every match of a million cards).
 *
 * One word of letters is counted through the words of the search text, as the list reads it
 * ({@link countCardsByWords}). Other search terms are collected through the trigram index, at most
 * `cap` matches: collecting every match of a common name first (66,000 for "mart") costs most of
 * a second. The count is exact when the collection held every match or already counts `cap`;
 * otherwise (a full collection of which the other filters keep fewer than `cap`) the terms are
 * dense and are counted through the words, or else tested row by row.
 */
export async function countCards(executor: Executor, filter: CardListFilter, cap: number): Promise<number> {
  const indexable = (filter.terms ?? []).filter((term) => term.length >= TRIGRAM_LENGTH);
  const single = indexable.length === 1 && (filter.terms ?? []).length === 1;
  const oneWord = single ? await wordSearchFor(executor, indexable) : undefined;
  if (oneWord) return countCardsByWords(executor, filter, oneWord, cap);
  const count = async (creator: QueryCreator<Database>, matching: TermMatching) => {
    const matches = executor.selectFrom('cards').select('cards.id').where((eb) => applyFilter(eb, filter, matching)).limit(cap);
    let query = creator.selectFrom(matches.as('matches')).select((eb) => eb.fn.countAll<number>().as('count'));
    if (matching === 'capped') query = query.select(collectedCount());
    const row = await query.executeTakeFirstOrThrow();
    return { counted: Number(row.count), collected: 'matchedCount' in row ? Number(row.matchedCount) : 0 };
  };
  if (indexable.length === 0) return (await count(executor, 'scan')).counted;
  const { counted, collected } = await count(withMatches(executor, indexable, cap, filter.scope), 'capped');
  if (collected < cap || counted >= cap) return counted;
  // A single term was looked up above already: the words could not serve it.
  const words = !single ? await wordSearchFor(executor, filter.terms ?? []) : undefined;
  if (words) return countCardsByWords(executor, filter, words, cap);
  return (await count(executor, 'scan')).counted;
}

/** Sorts whose order `card_search_words` keeps in an index (migration 0057). */
type WordSort = Extract<CardSortKey, 'requestedAt' | 'lastName'>;

function isWordSort(sort: CardSortKey): sort is WordSort {
  return sort === 'requestedAt' || sort === 'lastName';
}

/**
 * The rows of `card_search_words w` holding a word, with what the list asks of them: read alone
 * when the scope and the type filter say it all (the one term is the word term, no other filter),
 * else joined to their card under the list's own conditions (every term tested).
 */
function cardWordRows(filter: CardListFilter, words: WordSearch): { from: RawBuilder<unknown>; where: RawBuilder<SqlBool> } {
  const conditions: Array<RawBuilder<SqlBool>> = [sql<SqlBool>`${inScope(filter.scope, { institution: 'w.institution_id', personType: 'w.holder_person_type' })}`];
  if (filter.personTypes) {
    conditions.push(filter.personTypes.length > 0
      ? sql<SqlBool>`w.holder_person_type IN (${sql.join(filter.personTypes.map((type) => sql.val(type)))})`
      : sql<SqlBool>`false`);
  }
  const alone = (filter.terms ?? []).every((term) => term === words.term) && (filter.states ?? []).length === 0 && !filter.personId
    && !filter.cardIds && !filter.requestedFrom && !filter.requestedTo && !filter.updatedFrom && !filter.updatedTo && !filter.pendingRequest;
  if (alone) return { from: sql`card_search_words AS w`, where: sql<SqlBool>`(${sql.join(conditions, sql` AND `)})` };
  conditions.push(sql<SqlBool>`${applyFilter(expressionBuilder<Database, 'cards'>(), filter, 'scan')}`);
  return { from: sql`card_search_words AS w JOIN cards ON cards.id = w.card_id`, where: sql<SqlBool>`(${sql.join(conditions, sql` AND `)})` };
}

/**
 * A page of a dense search through the words of the cards' search text (migration 0057), in
 * request-date or name order: for each distinct word starting with the term and each word holding
 * it further in, the first matching cards after the cursor (or up to the page's end in offset
 * mode) read from the index in the list's order; of these, the page's cards by their sort keys
 * (a card holding several of the words appears under each with the same keys), and only those
 * read from `cards`. Every card whose search text holds the term holds one of these words.
 */
export async function listCardsByWords(executor: Executor, filter: CardListFilter, page: CardListPage & { sort: WordSort }, words: WordSearch): Promise<ListedCardRow[]> {
  const direction = sql.raw(page.order === 'asc' ? 'ASC' : 'DESC');
  const comparison = sql.raw(page.order === 'asc' ? '>' : '<');
  const byName = page.sort === 'lastName';
  const keys = byName ? [sql`w.last_name`, sql`w.first_name`, sql`w.card_id`] : [sql`w.requested_at`, sql`w.card_id`];
  const after = page.after;
  let keyset = sql<SqlBool>`true`;
  if (after?.sort === 'lastName') {
    keyset = sql<SqlBool>`(w.last_name, w.first_name, w.card_id) ${comparison} (${after.lastName}::text, ${after.firstName}::text, ${after.id}::uuid)`;
  } else if (after) {
    keyset = sql<SqlBool>`(w.requested_at, w.card_id) ${comparison} (${after.at}::timestamptz, ${after.id}::uuid)`;
  }
  const wanted = page.limit + 1 + (page.offset ?? 0);
  const rows = cardWordRows(filter, words);
  const ordered = (columns: Array<RawBuilder<unknown>>) => sql.join(columns.map((column) => sql`${column} ${direction}`));
  const keyNames = byName ? [sql`last_name`, sql`first_name`, sql`card_id`] : [sql`requested_at`, sql`card_id`];
  const source = sql`(WITH RECURSIVE ${termWordKeys('card_search_words', words)}, candidates AS (
      SELECT DISTINCT c.* FROM every_key k CROSS JOIN LATERAL (
        SELECT ${sql.join(keys)} FROM ${rows.from}
        WHERE w.word = k.word AND ${rows.where} AND ${keyset}
        ORDER BY ${ordered(keys)}
        LIMIT ${wanted}) AS c
    ), chosen AS (
      SELECT card_id FROM candidates ORDER BY ${ordered(keyNames)} LIMIT ${wanted}
    )
    -- Each chosen card read by key (LATERAL … OFFSET 0, which the planner cannot turn into a join).
    SELECT cards.* FROM chosen CROSS JOIN LATERAL (SELECT * FROM cards WHERE cards.id = chosen.card_id OFFSET 0) AS cards)`;
  let query = executor.selectFrom(source.as('cards') as unknown as 'cards')
    .select(CARD_COLUMNS).select(institutionColumns()).select(sortAtColumn(page.sort));
  for (const column of sortColumns(page.sort)) query = query.orderBy(`cards.${column}`, page.order);
  query = query.limit(page.limit + 1);
  if (page.offset) query = query.offset(page.offset);
  return query.execute();
}

/**
 * The count of a search through the words, up to `cap`: the distinct cards with a word starting
 * with the term or holding it further in, under the list's conditions (from the index alone when
 * {@link cardWordRows} allows), reading no more word rows than the cap needs
 * ({@link countDistinctUpTo}).
 */
export async function countCardsByWords(executor: Executor, filter: CardListFilter, words: WordSearch, cap: number): Promise<number> {
  const rows = cardWordRows(filter, words);
  // Two branches (an OR of both tests would read the table through a bitmap, which reads every
  // match before the first row comes out).
  return countDistinctUpTo(executor, sql`SELECT w.card_id FROM ${rows.from} WHERE w.word LIKE ${`${words.term}%`} AND ${rows.where}
    UNION ALL
    SELECT w.card_id FROM ${rows.from} WHERE w.word = ANY (${innerWordArray(words)}) AND ${rows.where}`, ['card_id'], cap);
}

/**
 * A card as the card export writes it: the card list's columns (web/src/office/card-columns.ts,
 * their CSV form: codes and ISO dates), all text, plus the sort timestamp of the keyset.
 */
export interface CardExportRow {
  id: string;
  holderLastName: string;
  holderFirstName: string;
  institutionCode: string;
  holderEppn: string;
  holderPersonType: string;
  state: string;
  /** ISO 8601 in UTC with milliseconds, as the API writes instants. */
  requestedAt: string;
  updatedAt: string;
  escn: string | null;
  /** Canonical upper-case hex, the list's CSN column. */
  csn: string | null;
  expiresAt: string | null;
  holderStudentNumber: string | null;
  holderEmail: string | null;
  requestChannel: string;
  sortAt: string;
}

/** An instant as the API writes it (`Date.toISOString`), formatted by the database: no Date per cell. */
function isoInstant(column: 'cards.requested_at' | 'cards.updated_at') {
  return sql<string>`to_char(${sql.ref(column)} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/**
 * One page of the card export: the cards matching `filter` (the card list's filters and scope,
 * applied in the query by the list's own condition) after `page.after`, in the list's order, ties
 * broken by id, `page.limit + 1` rows so the caller knows whether more follow. Only the exported
 * columns are read, as text, which keeps 100,000 cards to a few round trips of little parsing.
 *
 * Search terms are tested row by row (no capped collection): each page carries on where the
 * previous one stopped, so a whole export walks its sort index once, whatever the terms.
 */
export async function exportCardsPage(executor: Executor, filter: CardListFilter, page: Omit<CardListPage, 'offset'>): Promise<CardExportRow[]> {
  let query = executor.selectFrom('cards').select([
    'cards.id', 'cards.holderLastName', 'cards.holderFirstName', institutionColumns()[0], 'cards.holderEppn', 'cards.holderPersonType',
    'cards.state', isoInstant('cards.requested_at').as('requestedAt'), isoInstant('cards.updated_at').as('updatedAt'), 'cards.escn',
    'cards.csn', sql<string | null>`cards.expires_at::text`.as('expiresAt'), 'cards.holderStudentNumber', 'cards.holderEmail',
    'cards.requestChannel', sortAtColumn(page.sort),
  ]).where((eb) => applyFilter(eb, filter, 'scan'));
  const after = page.after;
  if (after) query = query.where((eb) => afterKeyset(eb, after, page.order));
  for (const column of sortColumns(page.sort)) query = query.orderBy(`cards.${column}`, page.order);
  return query.limit(page.limit + 1).execute();
}

/** A card as the ESC Router sync reads it, with the day it was first enabled (its issue date). */
export interface CardSyncRow {
  id: string;
  personId: string;
  /** The issuing institution, whose PIC and key the sync uses. */
  institutionId: number;
  escn: string;
  state: string;
  cardKind: 'physical' | 'virtual';
  expiresAt: string | null;
  createdAt: Date;
  firstEnabledAt: Date | null;
}

/** The numbered cards of these persons, in one query (the first ENABLED move from the history index). */
export async function findCardsForSync(executor: Executor, personIds: readonly string[]): Promise<CardSyncRow[]> {
  if (personIds.length === 0) return [];
  return executor.selectFrom('cards')
    .select(['id', 'personId', 'institutionId', 'escn', 'state', 'cardKind', 'expiresAt', 'createdAt'])
    .select((eb) => eb.selectFrom('cardMoves').select((m) => m.fn.min('at').as('at'))
      .whereRef('cardMoves.cardId', '=', 'cards.id').where('cardMoves.toState', '=', 'ENABLED').as('firstEnabledAt'))
    .where('personId', 'in', personIds).where('escn', 'is not', null)
    .orderBy('createdAt').orderBy('id')
    .execute() as Promise<CardSyncRow[]>;
}

/** What public verification reads of a card. */
export interface VerificationCardRow {
  escn: string;
  state: string;
  expiresAt: string | null;
  cardKind: 'physical' | 'virtual';
  personId: string;
  photoId: string | null;
  institutionId: number;
  cardGroup: number;
}

/** The verification lookup, written once: the hottest public query skips building and compiling SQL. */
const VERIFICATION_SQL = 'SELECT escn, state, expires_at AS "expiresAt", card_kind AS "cardKind", person_id AS "personId", '
  + 'photo_id AS "photoId", institution_id AS "institutionId", card_group AS "cardGroup" FROM cards WHERE escn = $1';

/**
 * The few fields public verification needs, by ESCN: one lookup on the unique `escn` index
 * (the verification endpoint's whole database cost; the issuer is cached by the caller).
 */
export async function findForVerification(executor: Executor, escn: string): Promise<VerificationCardRow | undefined> {
  const result = await executor.executeQuery<VerificationCardRow>(CompiledQuery.raw(VERIFICATION_SQL, [escn]));
  return result.rows[0];
}
