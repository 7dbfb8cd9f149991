import { CompiledQuery, sql, type ExpressionBuilder, type Selectable, type Updateable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { Database } from '../../platform/db/schema.ts';
import type { CardMovesTable, CardsTable } from './cards.tables.ts';
import type { CardState } from './domain/card-state.ts';

/** A card row as stored (the search column is left out: only SQL reads it). */
export type CardRow = Omit<Selectable<CardsTable>, 'searchText'>;
export type CardMoveRow = Selectable<CardMovesTable>;

const CARD_COLUMNS = [
  'id', 'personId', 'state', 'cardKind', 'requestChannel', 'requestedAt', 'requestedBy', 'photoId', 'printedLines',
  'csn', 'csnReversed', 'csnDecimal', 'csnDecimalReversed', 'escn', 'disableReason', 'disableComment', 'disabledBy',
  'rejectReason', 'deliveryAddress', 'deliveredAt', 'dueDate', 'lockedBy', 'lockedAt', 'enabledAt', 'expiresAt',
  'renewalOf', 'holderEppn', 'holderFirstName', 'holderLastName', 'holderEmail', 'holderStudentNumber', 'holderIne',
  'holderPersonType', 'version', 'createdAt', 'updatedAt',
] as const;

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
  let query = executor.selectFrom('cards').select(CARD_COLUMNS).where('id', '=', id);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

/** Every card of a person, oldest first. */
export async function findCardsOfPerson(executor: Executor, personId: string): Promise<CardRow[]> {
  return executor.selectFrom('cards').select(CARD_COLUMNS).where('personId', '=', personId)
    .orderBy('createdAt').orderBy('id').execute();
}

/** The cards (other than `exceptId`) that hold this canonical CSN and are not DESTROYED. */
export async function findLiveCardsByCsn(executor: Executor, csn: string, exceptId: string): Promise<Array<{ id: string; state: string; csn: string | null }>> {
  return executor.selectFrom('cards').select(['id', 'state', 'csn'])
    .where('csn', '=', csn).where('state', '<>', 'DESTROYED').where('id', '<>', exceptId).execute();
}

export type NewCard = Omit<CardRow, 'id' | 'version' | 'createdAt' | 'updatedAt' | 'printedLines'> & {
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
    .executeTakeFirst();
}

export type CardChanges = Omit<Updateable<CardsTable>, 'id' | 'version' | 'createdAt' | 'updatedAt' | 'searchText' | 'printedLines'> & {
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
    .executeTakeFirst();
}

export type NewCardMove = Omit<CardMoveRow, 'id' | 'seq' | 'at'>;

/** Records one move in a card's history. */
export async function insertMove(executor: Executor, move: NewCardMove): Promise<void> {
  await executor.insertInto('cardMoves').values(move).execute();
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

/**
 * Refreshes the holder snapshot on every card of these persons, in one statement. Cards whose
 * snapshot already matches are left alone (no version bump, no audit row). Returns how many
 * cards changed.
 */
export async function updateHolderSnapshots(
  executor: Executor,
  holders: ReadonlyArray<HolderSnapshot & { personId: string }>,
  now: Date,
): Promise<number> {
  if (holders.length === 0) return 0;
  const rows = sql.join(holders.map((holder) => sql`(${holder.personId}::uuid, ${holder.holderEppn}::text,
    ${holder.holderFirstName}::text, ${holder.holderLastName}::text, ${holder.holderEmail}::text,
    ${holder.holderStudentNumber}::text, ${holder.holderIne}::text, ${holder.holderPersonType}::text)`));
  const result = await sql`
    UPDATE cards AS c SET
      holder_eppn = v.eppn, holder_first_name = v.first_name, holder_last_name = v.last_name,
      holder_email = v.email, holder_student_number = v.student_number, holder_ine = v.ine,
      holder_person_type = v.person_type, version = c.version + 1, updated_at = ${now}
    FROM (VALUES ${rows}) AS v (person_id, eppn, first_name, last_name, email, student_number, ine, person_type)
    WHERE c.person_id = v.person_id
      AND (c.holder_eppn, c.holder_first_name, c.holder_last_name, c.holder_email, c.holder_student_number,
           c.holder_ine, c.holder_person_type)
          IS DISTINCT FROM (v.eppn, v.first_name, v.last_name, v.email, v.student_number, v.ine, v.person_type)`
    .execute(executor);
  return Number(result.numAffectedRows ?? 0n);
}

/**
 * Distinct holders of cards in `states`, by person id, a page at a time (keyset on person id):
 * the rights-end job walks them without loading every card at once.
 */
export async function findPersonIdsWithCardsIn(
  executor: Executor,
  states: readonly CardState[],
  afterPersonId: string | null,
  limit: number,
): Promise<string[]> {
  let query = executor.selectFrom('cards').select('personId').distinct()
    .where('state', 'in', states);
  if (afterPersonId !== null) query = query.where('personId', '>', afterPersonId);
  const rows = await query.orderBy('personId').limit(limit).execute();
  return rows.map((row) => row.personId);
}

/** Of these persons, the ones holding a card in one of `states`. */
export async function filterPersonsWithCardsIn(executor: Executor, personIds: readonly string[], states: readonly CardState[]): Promise<string[]> {
  if (personIds.length === 0) return [];
  const rows = await executor.selectFrom('cards').select('personId').distinct()
    .where('personId', 'in', personIds).where('state', 'in', states).execute();
  return rows.map((row) => row.personId);
}

export type CardSortKey = 'requestedAt' | 'updatedAt' | 'lastName';

export interface CardListFilter {
  states?: readonly string[] | undefined;
  personTypes?: readonly string[] | undefined;
  personId?: string | undefined;
  requestedFrom?: Date | undefined;
  requestedTo?: Date | undefined;
  updatedFrom?: Date | undefined;
  updatedTo?: Date | undefined;
  /** The holder has (true) or has not (false) a request in one of these states. */
  pendingRequest?: { has: boolean; states: readonly CardState[] } | undefined;
  /** Lower-case terms, each of which must occur in the search text (already LIKE-escaped). */
  terms?: readonly string[] | undefined;
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

function applyFilter(eb: ExpressionBuilder<Database, 'cards'>, filter: CardListFilter) {
  const conditions = [];
  if (filter.states && filter.states.length > 0) conditions.push(eb('cards.state', 'in', filter.states));
  if (filter.personTypes) {
    // An empty list means "no type at all" (a manager whose limits exclude every asked type).
    conditions.push(filter.personTypes.length > 0 ? eb('cards.holderPersonType', 'in', filter.personTypes) : sql<boolean>`false`);
  }
  if (filter.personId) conditions.push(eb('cards.personId', '=', filter.personId));
  if (filter.requestedFrom) conditions.push(eb('cards.requestedAt', '>=', filter.requestedFrom));
  if (filter.requestedTo) conditions.push(eb('cards.requestedAt', '<', filter.requestedTo));
  if (filter.updatedFrom) conditions.push(eb('cards.updatedAt', '>=', filter.updatedFrom));
  if (filter.updatedTo) conditions.push(eb('cards.updatedAt', '<', filter.updatedTo));
  const terms = filter.terms ?? [];
  const indexable = terms.filter((term) => term.length >= TRIGRAM_LENGTH);
  if (indexable.length > 0) {
    // Matches are collected first through the trigram index (the ARRAY(...) sub-plan runs once),
    // then sorted: left to itself the planner may walk a sort index and test every card against
    // the pattern, which costs seconds on a million cards for a name matching a few hundred.
    const likes = indexable.map((term) => sql`matched.search_text LIKE ${`%${term}%`} ESCAPE '\\'`);
    conditions.push(sql<boolean>`cards.id = ANY(ARRAY(SELECT matched.id FROM cards AS matched WHERE ${sql.join(likes, sql` AND `)}))`);
  }
  for (const term of terms.filter((term) => term.length < TRIGRAM_LENGTH)) {
    conditions.push(sql<boolean>`cards.search_text LIKE ${`%${term}%`} ESCAPE '\\'`);
  }
  if (filter.pendingRequest) {
    const pending = eb.selectFrom('cards as other').select(sql`1`.as('one'))
      .whereRef('other.personId', '=', 'cards.personId')
      .where('other.state', 'in', filter.pendingRequest.states);
    conditions.push(filter.pendingRequest.has ? eb.exists(pending) : eb.not(eb.exists(pending)));
  }
  return eb.and(conditions);
}

/** A listed card with its sort timestamp as text, for the next cursor. */
export type ListedCardRow = CardRow & { sortAt: string };

/** The filtered, keyset-limited query of one page, before ordering. */
function pageQuery(executor: Executor, filter: CardListFilter, page: CardListPage) {
  const comparator = page.order === 'asc' ? '>' : '<';
  const sortAt = page.sort === 'updatedAt' ? sql<string>`cards.updated_at::text` : sql<string>`cards.requested_at::text`;
  let query = executor.selectFrom('cards').select(CARD_COLUMNS).select(sortAt.as('sortAt')).where((eb) => applyFilter(eb, filter));
  const after = page.after;
  if (after) {
    if (after.sort === 'lastName') {
      query = query.where((eb) => eb(eb.refTuple('cards.holderLastName', 'cards.holderFirstName', 'cards.id'), comparator,
        eb.tuple(after.lastName, after.firstName, after.id)));
    } else {
      const column = after.sort === 'requestedAt' ? 'cards.requestedAt' : 'cards.updatedAt';
      query = query.where((eb) => eb(eb.refTuple(column, 'cards.id'), comparator,
        eb.tuple(sql<Date>`${after.at}::timestamptz`, sql<string>`${after.id}::uuid`)));
    }
  }
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
 */
export async function listCards(executor: Executor, filter: CardListFilter, page: CardListPage): Promise<ListedCardRow[]> {
  const direction = page.order;
  const wanted = page.limit + 1;
  const states = filter.states ?? [];
  if (states.length <= 1 || filter.personId) {
    let query = pageQuery(executor, filter, page);
    for (const column of sortColumns(page.sort)) query = query.orderBy(`cards.${column}`, direction);
    query = query.limit(wanted);
    if (page.offset) query = query.offset(page.offset);
    return query.execute();
  }
  const perBranch = wanted + (page.offset ?? 0);
  const branches = states.map((state) => {
    let branch = pageQuery(executor, { ...filter, states: [state] }, page);
    for (const column of sortColumns(page.sort)) branch = branch.orderBy(`cards.${column}`, direction);
    return executor.selectFrom(branch.limit(perBranch).as('branch')).selectAll();
  });
  const [first, ...rest] = branches;
  if (!first) return [];
  const union = rest.reduce((merged, branch) => merged.unionAll(branch), first);
  let query = executor.selectFrom(union.as('merged')).selectAll();
  for (const column of sortColumns(page.sort)) query = query.orderBy(`merged.${column}`, direction);
  query = query.limit(wanted);
  if (page.offset) query = query.offset(page.offset);
  return query.execute();
}

/**
 * How many cards match `filter`, counting no further than `cap` (page-number mode only: page
 * numbers stop there, and an exact count would walk every match of a million cards).
 */
export async function countCards(executor: Executor, filter: CardListFilter, cap: number): Promise<number> {
  const matches = executor.selectFrom('cards').select('cards.id').where((eb) => applyFilter(eb, filter)).limit(cap);
  const row = await executor.selectFrom(matches.as('matches')).select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** A card as the ESC Router sync reads it, with the day it was first enabled (its issue date). */
export interface CardSyncRow {
  id: string;
  personId: string;
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
    .select(['id', 'personId', 'escn', 'state', 'cardKind', 'expiresAt', 'createdAt'])
    .select((eb) => eb.selectFrom('cardMoves').select((m) => m.fn.min('at').as('at'))
      .whereRef('cardMoves.cardId', '=', 'cards.id').where('cardMoves.toState', '=', 'ENABLED').as('firstEnabledAt'))
    .where('personId', 'in', personIds).where('escn', 'is not', null)
    .orderBy('createdAt').orderBy('id')
    .execute() as Promise<CardSyncRow[]>;
}

/** The verification lookup, written once: the hottest public query skips building and compiling SQL. */
const VERIFICATION_SQL = 'SELECT escn, state, expires_at AS "expiresAt", card_kind AS "cardKind", person_id AS "personId", '
  + 'photo_id AS "photoId" FROM cards WHERE escn = $1';

/**
 * The few fields public verification needs, by ESCN: one lookup on the unique `escn` index
 * (the verification endpoint's whole database cost).
 */
export async function findForVerification(executor: Executor, escn: string): Promise<{
  escn: string; state: string; expiresAt: string | null; cardKind: 'physical' | 'virtual'; personId: string; photoId: string | null;
} | undefined> {
  const result = await executor.executeQuery<{
    escn: string; state: string; expiresAt: string | null; cardKind: 'physical' | 'virtual'; personId: string; photoId: string | null;
  }>(CompiledQuery.raw(VERIFICATION_SQL, [escn]));
  return result.rows[0];
}
