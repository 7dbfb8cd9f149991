/**
 * The office's card list: its filters (shared with the card export and print batches, so they
 * select the same cards), full-text and identifier search, sort, and keyset or page-number
 * pagination. The scope is applied in the query, so pages and totals hold nothing else.
 */
import { badRequest } from '../../platform/http/problem.ts';
import { decodeCursor, encodeCursor, type CursorField } from '../../platform/http/cursor-codec.ts';
import { WHOLE_DEPLOYMENT, type AccessScope } from '../../platform/db/scope-filter.ts';
import type { Principal } from '../auth/domain/roles.ts';
import { OFFICE_READ_ROLES } from '../auth/domain/roles.ts';
import { PENDING_REQUEST_STATES, isCardState } from './domain/card-state.ts';
import * as repo from './cards.repository.ts';
import type { CardSortKey } from './cards.repository.ts';
import type { CardFilterQuery, CardListQuery, CardListResult, CardsServiceDeps } from './cards.service.ts';
import { toCardView } from './card-views.ts';
import { searchWords } from '../people/domain/search-text.ts';

/** The most cards one page holds. */
export const MAX_LIST_LIMIT = 200;
/** The cards a page holds when the caller does not say. */
export const DEFAULT_LIST_LIMIT = 50;
/** Offset mode stops here: deeper pages must use the cursor. */
const MAX_LIST_OFFSET = 10_000;

const LIKE_SPECIAL = /[\\%_]/g;

/**
 * Search terms as `search_text` stores them (folded: lower case, no accents; names by their
 * parts; CSNs without separators), LIKE-escaped.
 */
function searchTerms(q: string | undefined): string[] {
  return searchWords(q, 8).map((term) => term.replace(LIKE_SPECIAL, (char) => `\\${char}`));
}

/** Latest instant a range bound may name: 9999-12-31, the end of the dates the API accepts. */
const LATEST_BOUND = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

function parseBound(value: string | undefined, field: string, end: boolean): Date | undefined {
  if (value === undefined || value === '') return undefined;
  let bound: Date;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const day = new Date(`${value}T00:00:00.000Z`);
    if (Number.isNaN(day.getTime())) throw badRequest('invalid_date', `${value} is not a date`, { field });
    // A day as upper bound includes the whole day.
    bound = end ? new Date(day.getTime() + 86_400_000) : day;
  } else {
    bound = new Date(value);
    if (Number.isNaN(bound.getTime())) throw badRequest('invalid_date', `${value} is not a date or date-time`, { field });
  }
  // Past year 9999 the database engines disagree (PGlite refuses the parameter): an upper bound
  // there excludes nothing, a lower bound there matches nothing.
  if (bound.getTime() > LATEST_BOUND) return end ? undefined : new Date(LATEST_BOUND);
  return bound;
}

/**
 * The list's filters as the repository's query takes them, within `scope` (applied in the query).
 * The one place they are checked (400 `unknown_state`, `invalid_date`) and read, so the card list
 * and the card export select exactly the same cards. `fieldPrefix` says where the filters came
 * from, for the problem's `field` (`querystring:` for the list, `body:` for an export).
 */
export function cardListFilter(query: CardFilterQuery, scope: AccessScope, fieldPrefix = 'querystring:'): repo.CardListFilter {
  for (const state of query.state ?? []) {
    if (!isCardState(state)) throw badRequest('unknown_state', `${state} is not a card state`, { field: `${fieldPrefix}/state` });
  }
  return {
    scope,
    states: query.state,
    personTypes: askedTypes(query.personType, scope),
    personId: query.personId,
    requestedFrom: parseBound(query.requestedFrom, `${fieldPrefix}/requestedFrom`, false),
    requestedTo: parseBound(query.requestedTo, `${fieldPrefix}/requestedTo`, true),
    updatedFrom: parseBound(query.updatedFrom, `${fieldPrefix}/updatedFrom`, false),
    updatedTo: parseBound(query.updatedTo, `${fieldPrefix}/updatedTo`, true),
    pendingRequest: query.hasPendingRequest === undefined ? undefined : { has: query.hasPendingRequest, states: PENDING_REQUEST_STATES },
    terms: searchTerms(query.q),
  };
}

/**
 * The person types a list asks for, within the caller's own: none asked is no filter, and asked
 * types all outside the caller's limits are an empty list (nothing at all), which the query
 * answers at once instead of walking a sort index for cards no condition can keep.
 */
function askedTypes(asked: readonly string[] | undefined, scope: AccessScope): readonly string[] | undefined {
  if (!asked || asked.length === 0) return undefined;
  const reachable = scope.personTypes;
  return reachable === null ? asked : asked.filter((type) => reachable.includes(type));
}

/** The cursor's fields per sort: the sort and order it was made for, then the keyset. */
function cursorShape(sort: CardSortKey, order: 'asc' | 'desc'): CursorField[] {
  const keys: CursorField[] = sort === 'lastName' ? ['text', 'text', 'uuid'] : ['timestamp', 'uuid'];
  return [{ equals: sort }, { equals: order }, ...keys];
}

function decodeCardCursor(raw: string, sort: CardSortKey, order: 'asc' | 'desc'): repo.CardKeyset {
  const [, , ...keys] = decodeCursor(raw, cursorShape(sort, order));
  if (sort === 'lastName') {
    const [lastName, firstName, id] = keys as [string, string, string];
    return { sort, lastName, firstName, id };
  }
  const [at, id] = keys as [string, string];
  return { sort, at, id };
}

function cursorAfter(row: repo.ListedCardRow, sort: CardSortKey, order: 'asc' | 'desc'): string {
  const keys = sort === 'lastName' ? [row.holderLastName, row.holderFirstName, row.id] : [row.sortAt, row.id];
  return encodeCursor([sort, order, ...keys]);
}

/** What a searched access-control or secondary id may look like (one word of letters and digits). */
const IDENTIFIER_LIKE = /^[A-Za-z0-9]{4,64}$/;

/** The card list (see `list`) and the ids it selects for other use cases (see `selectIds`). */
export function createCardList(deps: CardsServiceDeps) {
  const { db } = deps;
  return {
    /**
     * Lists cards for the office, within the principal's institutions and person types (in the
     * query, so pages and totals hold nothing else): filters, full-text search
     * (every term must occur in a holder name, eppn, e-mail, student number, INE, ESCN or any
     * CSN form), sort, and keyset pagination (`cursor`) or page numbers (`page`).
     * Principals outside the office see only their own cards.
     */
    async list(query: CardListQuery, principal: Principal): Promise<CardListResult> {
      const sort = query.sort ?? 'requestedAt';
      const order = query.order ?? 'desc';
      const limit = Math.min(Math.max(query.limit ?? DEFAULT_LIST_LIMIT, 1), MAX_LIST_LIMIT);
      // Checked first: bad filters are refused whoever asks.
      let filter = cardListFilter(query, principal);
      // A searched access-control or secondary id finds its card exactly (by the identifiers' index).
      const searched = query.q?.trim() ?? '';
      if (deps.identifiers && IDENTIFIER_LIKE.test(searched)) {
        const carrying = await deps.identifiers.cardsCarrying(db, searched);
        if (carrying.length > 0) filter = { ...filter, terms: [], cardIds: carrying };
      }
      // The office reads within its scope; anyone else reads their own cards, at every institution.
      if (!OFFICE_READ_ROLES.includes(principal.role)) {
        if (principal.personId === null) return { items: [], nextCursor: null };
        if (query.personId !== undefined && query.personId !== principal.personId) return { items: [], nextCursor: null };
        filter = { ...filter, scope: WHOLE_DEPLOYMENT, personId: principal.personId, personTypes: askedTypes(query.personType, WHOLE_DEPLOYMENT) };
      }
      if (query.cursor !== undefined && query.page !== undefined) {
        throw badRequest('cursor_and_page', 'Use either cursor or page, not both', { field: 'querystring:/page' });
      }
      if (query.page !== undefined) {
        const offset = (query.page - 1) * limit;
        if (offset + limit > MAX_LIST_OFFSET) {
          throw badRequest('page_too_deep', `Page numbers reach ${MAX_LIST_OFFSET} cards; use the cursor beyond`, { field: 'querystring:/page' });
        }
        const rows = await repo.listCards(db, filter, { sort, order, limit, offset });
        const counted = await repo.countCards(db, filter, MAX_LIST_OFFSET + 1);
        return {
          items: rows.slice(0, limit).map(toCardView),
          nextCursor: null,
          total: Math.min(counted, MAX_LIST_OFFSET),
          totalCapped: counted > MAX_LIST_OFFSET,
        };
      }
      const after = query.cursor !== undefined ? decodeCardCursor(query.cursor, sort, order) : undefined;
      const rows = await repo.listCards(db, filter, { sort, order, limit, after });
      const items = rows.slice(0, limit);
      const last = items[items.length - 1];
      return {
        items: items.map(toCardView),
        nextCursor: rows.length > limit && last ? cursorAfter(last, sort, order) : null,
      };
    },

    /**
     * The ids of the cards the card list shows for `filters` within `scope`, in the list's order,
     * at most `limit + 1` (so the caller knows when more match). Checks the filters as the list
     * does (400 with `field` under `fieldPrefix`).
     */
    async selectIds(filters: CardFilterQuery, scope: AccessScope, limit: number, fieldPrefix = 'body:'): Promise<string[]> {
      const rows = await repo.exportCardsPage(db, cardListFilter(filters, scope, fieldPrefix), { sort: 'lastName', order: 'asc', limit });
      return rows.map((row) => row.id);
    },
  };
}
