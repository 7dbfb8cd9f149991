/**
 * Card requests and the card lifecycle: the use cases around the pure state machine of
 * `domain/`. Every change runs in one audited transaction that first takes the person's card
 * lock (`lockPersonCards`), then the card's row lock, so concurrent moves of one person's cards
 * run one after the other; the database's partial unique indexes (one ENABLED card per person
 * and card group, one live card per CSN) are the last guard and answer 409 when they fire.
 *
 * Institutions: a card is issued by one institution for the holder's enrolment there, which gives
 * the holder's type, student number and rights end, and whose person type rules and settings
 * govern the request and the card's moves. Its card group (the institution, or the federation
 * whose members share one card) bounds the rules across a person's cards: one ENABLED card, one
 * request at a time, the newer cards that block a re-enable.
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../../platform/db/schema.ts';
import { inTransaction, isUniqueViolation, type ActorContext, type Executor } from '../../platform/db/database.ts';
import { badRequest, conflict, forbidden, notFound, ProblemError, unprocessable } from '../../platform/http/problem.ts';
import { decodeCursor, encodeCursor, type CursorField } from '../../platform/http/cursor-codec.ts';
import type { Principal } from '../auth/domain/roles.ts';
import { OFFICE_READ_ROLES, coversInstitution, isSelf } from '../auth/domain/roles.ts';
import type { InstitutionSettings } from '../institution/domain/institution-settings.ts';
import { scopeAdmits, WHOLE_DEPLOYMENT, type AccessScope } from '../../platform/db/scope-filter.ts';
import type { CardDisable, CardState, DisableReason } from './domain/card-state.ts';
import { PENDING_REQUEST_STATES, canChangePhoto, isCardState, isDisableReason, isTerminal } from './domain/card-state.ts';
import type { Actor, CardFacts, InstitutionCardSettings, MoveDecision, MoveErrorCode, MoveEffect } from './domain/card-state-machine.ts';
import { decideMove, decideRenewal, openMoves } from './domain/card-state-machine.ts';
import { canBindCsn, planEnable, planRightsEnd, pendingRequests } from './domain/card-rules.ts';
import { addMonths, isoDay } from './domain/calendar-day.ts';
import type { CsnForms } from './domain/csn.ts';
import { csnForms, parseCsn } from './domain/csn.ts';
import type { PreparedPhoto } from '../photos/photos.service.ts';
import * as repo from './cards.repository.ts';
import type { CardEnrolment, CardRow, CardMoveRow, CardSortKey, HolderIdentity, HolderSnapshot } from './cards.repository.ts';
import { canReadCard, encodingActorFor, moveActorFor, writesAsOffice } from './cards.policy.ts';
import { searchWords } from '../people/domain/search-text.ts';

/**
 * The identity a card copies, as the people service gives it. What depends on the institution
 * (type, student number, rights end) comes from the enrolment at the card's institution, which
 * the cards repository reads itself.
 */
export interface CardHolderPerson {
  id: string;
  eppn: string;
  firstName: string;
  lastName: string;
  email: string | null;
  ine: string | null;
  /** Language of the person's mails (`fr`, `en`); null or absent: the institution's default. */
  locale?: string | null;
}

/** What the cards context needs from the people context. */
export interface CardsPeoplePort {
  /** The person, or a 404 problem. Inside a transaction, pass it. */
  get(id: string, executor?: Executor): Promise<CardHolderPerson>;
}

/** What the cards context needs from the photos context; photos are prepared outside any transaction. */
export interface CardsPhotosPort {
  /** Stores a prepared photo for the person. */
  save(executor: Executor, personId: string, prepared: PreparedPhoto): Promise<{ id: string }>;
  /** The stored photo a renewal carries over (the same row: photos never change); 404 if gone. */
  carryOver(executor: Executor, photoId: string): Promise<{ id: string }>;
  /** A stored photo's owner, or a 404 problem. */
  get(photoId: string, executor?: Executor): Promise<{ personId: string }>;
}

/** An institution as the cards context needs it (the institution context's `InstitutionRef`). */
export interface CardsInstitutionRef {
  id: number;
  code: string;
  name: string;
  /** Null until the institution's PIC is known: its cards get no ESCN before. */
  pic: string | null;
  /** The card group of the cards it issues: itself, or its federation when the federation shares one card. */
  cardGroup: number;
  federation: { id: number; code: string; name: string } | null;
}

/** The card rules of one person type of one institution (a `person_types` row). */
export interface CardsPersonTypeRule {
  code: string;
  cardKinds: readonly string[];
  selfRequest: boolean;
  deliveryAddress: boolean;
  /** Months a new card is valid for; null: the institution's `cardValidityMonths`. */
  validityMonths: number | null;
}

/** What the cards context needs from the institution context. */
export interface CardsInstitutionPort {
  byId(executor: Executor, id: number): Promise<CardsInstitutionRef | undefined>;
  byCode(executor: Executor, code: string): Promise<CardsInstitutionRef | undefined>;
  personType(executor: Executor, institutionId: number, code: string): Promise<CardsPersonTypeRule | undefined>;
  settingsOf(executor: Executor, institutionId: number): Promise<InstitutionSettings>;
}

/** One mail to a card holder; the notifications context renders, stores and sends it. */
export interface CardNotification {
  personId: string;
  /** The card's institution: its managers see the mail, its template overrides write it. */
  institutionId: number;
  to: string;
  /** The holder's language; null: the institution's default. */
  locale: string | null;
  template: 'request_checked' | 'request_rejected' | 'card_ready' | 'card_disabled' | 'card_enabled';
  data: {
    firstName: string;
    institutionName?: string | null;
    cardKind: 'physical' | 'virtual';
    reason?: string | null;
    comment?: string | null;
    disabledBy?: 'self' | 'manager' | 'system' | null;
  };
}

/** Stores and queues holders' mails in the caller's transaction: one call per move, or per bulk move. */
export type NotifyFn = (executor: Executor, notifications: readonly CardNotification[]) => Promise<unknown>;

export interface CardsServiceDeps {
  db: Kysely<Database>;
  people: CardsPeoplePort;
  photos: CardsPhotosPort;
  institution: CardsInstitutionPort;
  notify?: NotifyFn;
  /** A fresh ESCN for the institution of this PIC (unique; a collision is retried). */
  mintEscn: (pic: string) => string;
  /** The identifiers a card carries (card-identifiers context): assigned with each new card, shown, searched. */
  identifiers?: CardsIdentifiersPort;
  now?: () => Date;
  /** Warnings of the rights-end job (ids and error codes only, never personal data). */
  logger?: Pick<Logger, 'warn'>;
}

/** What the cards context needs from the card-identifiers context. */
export interface CardsIdentifiersPort {
  /** Gives new cards their identifiers, in the creating transaction. */
  assignFor(executor: Executor, cards: Array<{ cardId: string; institutionId: number }>): Promise<void>;
  ofCards(executor: Executor, cardIds: string[]): Promise<Map<string, { accessControlId: string | null; secondaryId: string | null }>>;
  /** The cards carrying exactly this identifier, in any institution. */
  cardsCarrying(executor: Executor, value: string): Promise<string[]>;
}

export type CardKind = 'physical' | 'virtual';
export type RequestChannel = 'web' | 'api' | 'office' | 'import' | 'renewal';

/** A card as the API shows it. */
export interface CardView {
  id: string;
  personId: string;
  /** The issuing institution's code. */
  institution: string;
  institutionName: string;
  /** The issuing institution's id (for connectors; the API shows the code). */
  institutionId: number;
  state: CardState;
  cardKind: CardKind;
  requestChannel: RequestChannel;
  requestedAt: string;
  requestedBy: string;
  holder: {
    firstName: string;
    lastName: string;
    eppn: string;
    email: string | null;
    studentNumber: string | null;
    ine: string | null;
    personType: string;
  };
  photoId: string | null;
  photoUrl: string | null;
  printedLines: Record<string, string> | null;
  csn: CsnForms | null;
  escn: string | null;
  /** The access-control and secondary ids (card-identifiers context); given by `get`. */
  identifiers?: { accessControlId: string | null; secondaryId: string | null };
  disable: CardDisable | null;
  rejectReason: string | null;
  deliveryAddress: string | null;
  deliveredAt: string | null;
  dueDate: string | null;
  lock: { owner: string; at: string | null } | null;
  enabledAt: string | null;
  expiresAt: string | null;
  renewalOf: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  /**
   * The states the reader may move this card to now (`openMoves`: the state machine's own
   * decision), so a UI offers only what the server accepts. Given by `get` and `listOwn`.
   */
  allowedMoves?: CardState[];
}

/** One entry of a card's history. */
export interface CardMoveView {
  seq: number;
  at: string;
  actor: string;
  actorKind: string;
  from: string | null;
  to: string;
  reason: string | null;
  comment: string | null;
  remoteAddress: string | null;
}

export type CardDetailView = CardView & { history: CardMoveView[] };

/** A photo for a request: a prepared upload, or a photo the person already has. */
export type RequestPhoto = { prepared: PreparedPhoto } | { existingPhotoId: string };

export interface CardRequestInput {
  /** Code of the issuing institution; else the focus, else the person's only enrolment the caller reaches. */
  institution?: string | undefined;
  photo?: RequestPhoto | undefined;
  channel: RequestChannel;
  cardKind: CardKind;
  deliveryAddress?: string | null | undefined;
}

export interface MoveInput {
  to: string;
  reason?: string | null | undefined;
  comment?: string | null | undefined;
  expectedVersion?: number | undefined;
}

/** One move of a bulk request: the same input as a single move, naming its card. */
export interface BulkMoveItem extends MoveInput {
  cardId: string;
}

export interface BulkMoveResult {
  cardId: string;
  /** The HTTP status this move alone would have had. */
  status: number;
  card?: { id: string; state: CardState; version: number };
  problem?: { code: string; detail: string; field?: string };
}

export interface CardListQuery {
  state?: string[] | undefined;
  personType?: string[] | undefined;
  requestedFrom?: string | undefined;
  requestedTo?: string | undefined;
  updatedFrom?: string | undefined;
  updatedTo?: string | undefined;
  hasPendingRequest?: boolean | undefined;
  personId?: string | undefined;
  q?: string | undefined;
  sort?: CardSortKey | undefined;
  order?: 'asc' | 'desc' | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
  /** 1-based page number: offset mode, for page-number UIs (not with `cursor`). */
  page?: number | undefined;
}

export interface CardListResult {
  items: CardView[];
  /** Pass as `cursor` to get the next page; null on the last page. */
  nextCursor: string | null;
  /** Offset mode only: how many cards match, up to MAX_LIST_OFFSET. */
  total?: number;
  /** Offset mode only: more cards match than page numbers reach (use the cursor to see them all). */
  totalCapped?: boolean;
}

export interface RightsEndReport {
  today: string;
  personsChecked: number;
  /** ENABLED/DISABLED → CADUC. */
  expired: number;
  /** NEW/RENEWED/REQUEST_CHECKED → CANCELED. */
  canceled: number;
  /** CADUC → DISABLED after the rights were extended. */
  restored: number;
  /** Persons whose moves failed (left for the next run). */
  failures: number;
}

export type ActivationListener = (executor: Executor, card: CardView, from: CardState, to: CardState) => Promise<void>;
/** One card move as listeners hear of it: the card after the move; `from` null for a new card. */
export interface CardMoveNotice {
  card: CardView;
  from: CardState | null;
  to: CardState;
}

/**
 * Told of card moves in the moving transaction: each call holds the moves of one change (one
 * card's move, one renewal's new card), or every move of a bulk move, whose cards all belong to
 * different persons.
 */
export type CardMovedListener = (executor: Executor, moves: readonly CardMoveNotice[]) => Promise<void>;

/** GDPR export of a person's cards. */
export interface CardsExport {
  cards: CardDetailView[];
}

export const MAX_LIST_LIMIT = 200;
export const DEFAULT_LIST_LIMIT = 50;
/** Offset mode stops here: deeper pages must use the cursor. */
export const MAX_LIST_OFFSET = 10_000;
export const MAX_BULK_MOVES = 500;
/** People's list pages hold at most 200 persons. */
const RIGHTS_END_PAGE = 200;

const SYSTEM_ACTOR: Actor = { kind: 'system', id: 'system' };
const SYSTEM_LABEL = 'system';

/** Codes of the state machine, as HTTP answers. */
const MOVE_ERROR_STATUS: Record<MoveErrorCode, { status: number; field?: string }> = {
  move_not_allowed: { status: 409 },
  forbidden_for_actor: { status: 403 },
  disabled_by_settings: { status: 409 },
  not_your_lock: { status: 423 },
  reason_required: { status: 422, field: '/reason' },
  reason_not_allowed: { status: 422, field: '/reason' },
  reason_not_allowed_for_self_service: { status: 422, field: '/reason' },
  comment_required: { status: 422, field: '/comment' },
  reenable_forbidden: { status: 403 },
  newer_card_exists: { status: 409 },
  csn_required: { status: 422, field: '/csn' },
  csn_invalid: { status: 422, field: '/csn' },
};

/** Turns a refusal of the state machine into its HTTP problem. */
export function moveProblem(refusal: Extract<MoveDecision, { ok: false }>): ProblemError {
  const mapping = MOVE_ERROR_STATUS[refusal.code];
  return new ProblemError(mapping.status, refusal.code, refusal.message, mapping.field ? { field: mapping.field } : {});
}

function cardNotFound(): ProblemError {
  return notFound('card_not_found', 'No such card');
}

function stateConflict(detail = 'The card changed while you were working on it; reload and try again'): ProblemError {
  return conflict('state_conflict', detail);
}

function iso(value: Date | string | null): string | null {
  if (value === null) return null;
  return value instanceof Date ? value.toISOString() : new Date(value).toISOString();
}

function toCardView(row: CardRow): CardView {
  const state = isCardState(row.state) ? row.state : 'NEW';
  const disable: CardDisable | null = row.disableReason !== null && isDisableReason(row.disableReason)
    ? { reason: row.disableReason, by: row.disabledBy ?? 'manager', comment: row.disableComment }
    : null;
  return {
    id: row.id,
    personId: row.personId,
    institution: row.institutionCode,
    institutionName: row.institutionName,
    institutionId: row.institutionId,
    state,
    cardKind: row.cardKind,
    requestChannel: row.requestChannel,
    requestedAt: row.requestedAt.toISOString(),
    requestedBy: row.requestedBy,
    holder: {
      firstName: row.holderFirstName,
      lastName: row.holderLastName,
      eppn: row.holderEppn,
      email: row.holderEmail,
      studentNumber: row.holderStudentNumber,
      ine: row.holderIne,
      personType: row.holderPersonType,
    },
    photoId: row.photoId,
    photoUrl: row.photoId ? `/api/v1/photos/${row.photoId}` : null,
    printedLines: row.printedLines,
    csn: row.csn ? csnForms(row.csn) : null,
    escn: row.escn,
    disable,
    rejectReason: row.rejectReason,
    deliveryAddress: row.deliveryAddress,
    deliveredAt: iso(row.deliveredAt),
    dueDate: row.dueDate,
    lock: row.lockedBy ? { owner: row.lockedBy, at: iso(row.lockedAt) } : null,
    enabledAt: iso(row.enabledAt),
    expiresAt: row.expiresAt,
    renewalOf: row.renewalOf,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function toMoveView(row: CardMoveRow): CardMoveView {
  return {
    seq: Number(row.seq),
    at: row.at.toISOString(),
    actor: row.actor,
    actorKind: row.actorKind,
    from: row.fromState,
    to: row.toState,
    reason: row.reason,
    comment: row.comment,
    remoteAddress: row.remoteAddress,
  };
}

/** The card's state as the domain types it (an unknown stored value reads as NEW, as in `toCardView`). */
function stateOf(row: CardRow): CardState {
  return isCardState(row.state) ? row.state : 'NEW';
}

/** True when `other` was created after `row`, in the order `findCardsOfPerson` lists cards. */
function isNewer(other: CardRow, row: CardRow): boolean {
  const gap = other.createdAt.getTime() - row.createdAt.getTime();
  return gap > 0 || (gap === 0 && other.id > row.id);
}

/** The cards among `cards` that the rules across a person's cards weigh with `row`: its holder's, in its card group. */
function sameGroup(row: CardRow, cards: readonly CardRow[]): CardRow[] {
  return cards.filter((other) => other.personId === row.personId && other.cardGroup === row.cardGroup);
}

/**
 * What the state machine knows of a card, among `personCards` (every card of its holder, read
 * under the person's card lock when a move follows). Only cards of the same card group count as
 * newer: a card of another institution (not sharing the card) lives its own life.
 */
function factsOf(row: CardRow, personCards: readonly CardRow[]): CardFacts {
  const view = toCardView(row);
  const newerCards = sameGroup(row, personCards).filter((other) => isNewer(other, row)).map(stateOf);
  return { personId: row.personId, state: view.state, lockOwner: row.lockedBy, disable: view.disable, newerCards };
}

/**
 * What `principal` may do with this card now; none when they may make no move at all. A renewal
 * is not offered while a request of the same card group is pending (the renewal would answer 409
 * `request_pending`); a request in another card group does not hold it back.
 */
function allowedMovesOf(row: CardRow, personCards: readonly CardRow[], principal: Principal, settings: InstitutionCardSettings): CardState[] {
  const actor = moveActorFor(principal, row);
  if (actor === null) return [];
  const moves = openMoves(factsOf(row, personCards), actor, settings);
  const pending = pendingRequests(sameGroup(row, personCards).map((other) => ({ ...other, state: stateOf(other) })));
  return pending.length > 0 ? moves.filter((to) => to !== 'RENEWED') : moves;
}

function cardSettings(settings: InstitutionSettings): InstitutionCardSettings {
  return {
    autoEnableAfterEncode: settings.autoEnableAfterEncode,
    enableOnDelivery: settings.enableOnDelivery,
    selfServiceDisableReasons: settings.selfServiceDisableReasons,
  };
}

/** The fields of a card that nothing has happened to yet: not printed, encoded, disabled, delivered or held. */
const UNTOUCHED_CARD = {
  printedLines: null,
  csn: null,
  csnReversed: null,
  csnDecimal: null,
  csnDecimalReversed: null,
  disableReason: null,
  disableComment: null,
  disabledBy: null,
  rejectReason: null,
  deliveryAddress: null,
  deliveredAt: null,
  dueDate: null,
  lockedBy: null,
  lockedAt: null,
  enabledAt: null,
} satisfies Partial<repo.NewCard>;

function identityOf(person: CardHolderPerson): HolderIdentity {
  return {
    holderEppn: person.eppn,
    holderFirstName: person.firstName,
    holderLastName: person.lastName,
    holderEmail: person.email,
    holderIne: person.ine,
  };
}

/** The holder snapshot of a card: the person's identity and their enrolment at the card's institution. */
function holderOf(person: CardHolderPerson, enrolment: CardEnrolment): HolderSnapshot {
  return { ...identityOf(person), holderStudentNumber: enrolment.studentNumber, holderPersonType: enrolment.personType };
}

/** The day a new card stops being valid: its validity, cut at the holder's rights end. */
function expiryOf(today: string, validityMonths: number, rightsEnd: string | null): string {
  const byValidity = addMonths(today, validityMonths);
  return rightsEnd !== null && rightsEnd < byValidity ? rightsEnd : byValidity;
}

/** The lines printed on the plastic, frozen when the card leaves the printer. */
function printedLinesOf(row: CardRow): Record<string, string> {
  const lines: Record<string, string | null> = {
    firstName: row.holderFirstName,
    lastName: row.holderLastName,
    eppn: row.holderEppn,
    studentNumber: row.holderStudentNumber,
    personType: row.holderPersonType,
    escn: row.escn,
    expiresAt: row.expiresAt,
  };
  return Object.fromEntries(Object.entries(lines).filter((entry): entry is [string, string] => entry[1] !== null));
}

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

/** The filters of the card list (and of the card export, which takes the same ones). */
export type CardFilterQuery = Pick<CardListQuery, 'state' | 'personType' | 'requestedFrom' | 'requestedTo' | 'updatedFrom' | 'updatedTo'
  | 'hasPendingRequest' | 'personId' | 'q'>;

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
    personTypes: query.personType && query.personType.length > 0 ? query.personType : undefined,
    personId: query.personId,
    requestedFrom: parseBound(query.requestedFrom, `${fieldPrefix}/requestedFrom`, false),
    requestedTo: parseBound(query.requestedTo, `${fieldPrefix}/requestedTo`, true),
    updatedFrom: parseBound(query.updatedFrom, `${fieldPrefix}/updatedFrom`, false),
    updatedTo: parseBound(query.updatedTo, `${fieldPrefix}/updatedTo`, true),
    pendingRequest: query.hasPendingRequest === undefined ? undefined : { has: query.hasPendingRequest, states: PENDING_REQUEST_STATES },
    terms: searchTerms(query.q),
  };
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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Deadlocks and serialization failures are races: the caller may simply try again. */
function isRace(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === '40P01' || code === '40001';
}

interface MoveMeta {
  actorLabel: string;
  comment: string | null;
  reason: DisableReason | null;
  remoteAddress: string | null;
}

/** The card's institution, as a move of its card needs it. */
interface MoveContext {
  settings: InstitutionSettings;
  institutionName: string;
  pic: string | null;
}

interface MoveOutcome {
  card: CardRow;
  /** The card a renewal created. */
  created?: CardRow;
}

/** What an allowed move writes to its own card, decided from the card alone (see `planMove`). */
interface PlannedMove {
  changes: repo.CardChanges;
  /** The history row, when the state changes. */
  history: repo.NewCardMove | null;
  /** The effects that follow the card's write (listeners, mails, automatic enabling), in order. */
  after: MoveEffect[];
}

/** A move written to its card, for the effects that follow (`finishMoves`). */
interface WrittenMove {
  /** The card before the move. */
  before: CardRow;
  /** The card after it. */
  card: CardRow;
  decision: Extract<MoveDecision, { ok: true }>;
  plan: PlannedMove;
  context: MoveContext;
}

/**
 * The card's own part of an allowed move, pure: its column changes, its history row and the
 * effects that follow the write. The effects that read or write other rows (a renewal's new card,
 * retiring the other ENABLED cards) are left to the caller, before the card's own write.
 */
function planMove(card: CardRow, decision: Extract<MoveDecision, { ok: true }>, actor: Actor, meta: MoveMeta, at: Date): PlannedMove {
  const changes: repo.CardChanges = {};
  const after: MoveEffect[] = [];
  let recordedReason: string | null = decision.rule.trigger === 'user_request' ? null : decision.rule.trigger;
  for (const effect of decision.effects) {
    switch (effect.type) {
      case 'createRenewalCard':
      case 'disableOtherEnabledCards':
        break;
      case 'unlock':
        changes.lockedBy = null;
        changes.lockedAt = null;
        break;
      case 'lock':
        changes.lockedBy = effect.owner;
        changes.lockedAt = at;
        break;
      case 'freezePrintedLines':
        changes.printedLines = printedLinesOf(card);
        break;
      case 'bindCsn': {
        const forms = csnForms(effect.csn);
        changes.csn = forms.hex;
        changes.csnReversed = forms.hexReversed;
        changes.csnDecimal = forms.decimal;
        changes.csnDecimalReversed = forms.decimalReversed;
        break;
      }
      case 'setDisable':
        changes.disableReason = effect.disable.reason;
        changes.disabledBy = effect.disable.by;
        changes.disableComment = effect.disable.comment;
        recordedReason = effect.disable.reason;
        break;
      case 'clearDisable':
        changes.disableReason = null;
        changes.disabledBy = null;
        changes.disableComment = null;
        break;
      default:
        after.push(effect);
    }
  }
  if (decision.to === card.state) return { changes, history: null, after };
  changes.state = decision.to;
  if (decision.to === 'ENABLED') changes.enabledAt = at;
  if (decision.to === 'REJECTED') changes.rejectReason = meta.comment;
  return {
    changes,
    history: {
      cardId: card.id,
      actor: meta.actorLabel,
      actorKind: actor.kind,
      fromState: card.state,
      toState: decision.to,
      reason: recordedReason ?? meta.reason,
      comment: meta.comment,
      remoteAddress: meta.remoteAddress,
    },
    after,
  };
}

/**
 * True when the move writes nothing but its own card and what follows it, so a bulk move may
 * write it with the others: no renewal card, no other ENABLED card to retire, no automatic
 * enabling. `personCards`: every card of the holder, read under the person's card lock.
 */
function isSelfContained(card: CardRow, decision: Extract<MoveDecision, { ok: true }>, personCards: readonly CardRow[]): boolean {
  return decision.effects.every((effect) => {
    if (effect.type === 'createRenewalCard' || effect.type === 'autoEnable') return false;
    if (effect.type !== 'disableOtherEnabledCards') return true;
    return planEnable(sameGroup(card, personCards).map((row) => ({ id: row.id, state: stateOf(row) })), card.id).length === 0;
  });
}

/** Refusals a move's input alone decides, before its card is read (the same for single and bulk moves). */
function checkMoveInput(input: MoveInput): void {
  if (!isCardState(input.to)) throw unprocessable('unknown_state', `${input.to} is not a card state`, { field: '/to' });
  if (input.reason !== undefined && input.reason !== null && !isDisableReason(input.reason)) {
    throw unprocessable('reason_not_allowed', `${input.reason} is not a disable reason`, { field: '/reason' });
  }
}

/**
 * The card locked for a change, checked against the row read before waiting for the locks: if
 * another transaction changed it meanwhile, the caller decided on stale data (409
 * `state_conflict`), as when it is not at `expectedVersion`.
 */
function checkLocked(seen: CardRow, card: CardRow | undefined, expectedVersion: number | undefined): CardRow {
  if (!card) throw cardNotFound();
  if (card.version !== seen.version) throw stateConflict();
  if (expectedVersion !== undefined && card.version !== expectedVersion) {
    throw stateConflict(`The card is at version ${card.version}, not ${expectedVersion}; reload and try again`);
  }
  return card;
}

/** The history and mail fields of a move the principal asked for. */
function metaOf(input: MoveInput, principal: Principal, context: ActorContext): MoveMeta {
  return {
    actorLabel: principal.actor,
    comment: input.comment?.trim() || null,
    // `checkMoveInput` let only disable reasons through.
    reason: (input.reason ?? null) as DisableReason | null,
    remoteAddress: context.ip ?? null,
  };
}

/** A bulk move's answer for one card, from the card after the move or the problem that refused it. */
function bulkResult(cardId: string, outcome: CardRow | ProblemError): BulkMoveResult {
  if (outcome instanceof ProblemError) {
    return {
      cardId,
      status: outcome.status,
      problem: { code: outcome.code, detail: outcome.message, ...(outcome.field ? { field: outcome.field } : {}) },
    };
  }
  const view = toCardView(outcome);
  return { cardId, status: 200, card: { id: view.id, state: view.state, version: view.version } };
}

/** A bulk move's write met another writer (a row changed under its locks): its cards go the single way. */
class BatchInterrupted extends Error {}

/** The cards service (see the file comment for the locking discipline). */
export function createCardsService(deps: CardsServiceDeps) {
  const { db, people, photos, institution } = deps;
  const now = deps.now ?? (() => new Date());
  const activationListeners: ActivationListener[] = [];
  const movedListeners: CardMovedListener[] = [];

  /** The settings, name and PIC of the institution that issued (or issues) a card. */
  async function moveContext(executor: Executor, institutionId: number): Promise<MoveContext> {
    const [settings, found] = await Promise.all([institution.settingsOf(executor, institutionId), institution.byId(executor, institutionId)]);
    return { settings, institutionName: found?.name ?? '', pic: found?.pic ?? null };
  }

  /** The holder's enrolment at the card's institution (the foreign key keeps it while the card exists). */
  async function enrolmentOf(executor: Executor, personId: string, institutionId: number): Promise<CardEnrolment> {
    const enrolment = (await repo.findEnrolments(executor, personId)).find((row) => row.institutionId === institutionId);
    if (!enrolment) throw notFound('person_not_found', 'No such person');
    return enrolment;
  }

  /** Months a new card of this institution and holder type is valid for. */
  async function validityMonths(executor: Executor, institutionId: number, personType: string, settings: InstitutionSettings): Promise<number> {
    const rule = await institution.personType(executor, institutionId, personType);
    return rule?.validityMonths ?? settings.cardValidityMonths;
  }

  /**
   * The facts of a card, its holder's other cards read now: call it under the person's card lock
   * (`lockCard`, `lockPersonCards`) so what it says about newer cards still holds at commit.
   */
  async function factsFor(executor: Executor, row: CardRow): Promise<CardFacts> {
    return factsOf(row, await repo.findCardsOfPerson(executor, row.personId));
  }

  /** Runs card writes in an audited transaction; races the database detects become 409. */
  async function write<T>(context: ActorContext, work: (trx: Executor) => Promise<T>): Promise<T> {
    try {
      return await inTransaction(db, context, work);
    } catch (error) {
      if (isRace(error)) throw stateConflict();
      throw error;
    }
  }

  /**
   * Locks a card for a change: the person's card lock, then the row. The version read before
   * waiting for the locks must still be the current one: if another transaction changed the
   * card meanwhile, the caller decided on stale data and gets 409 `state_conflict`.
   */
  async function lockCard(trx: Executor, cardId: string, principal: Principal, expectedVersion?: number): Promise<CardRow> {
    const seen = await repo.findCard(trx, cardId);
    if (!seen || !canReadCard(principal, seen)) throw cardNotFound();
    await repo.lockPersonCards(trx, seen.personId);
    return checkLocked(seen, await repo.findCard(trx, cardId, { forUpdate: true }), expectedVersion);
  }

  /** The holders' mails of these moves, in one call (the holders' languages read in one query). */
  async function notifyHolders(trx: Executor, mails: ReadonlyArray<{ card: CardRow; effect: Extract<MoveEffect, { type: 'notify' }>; context: MoveContext }>): Promise<void> {
    const mailed = mails.filter(({ card }) => card.holderEmail !== null);
    if (!deps.notify || mailed.length === 0) return;
    // The card keeps a snapshot of the holder's name and e-mail, not of their language: read it now.
    const locales = await repo.findHolderLocales(trx, [...new Set(mailed.map(({ card }) => card.personId))]);
    await deps.notify(trx, mailed.map(({ card, effect, context }) => ({
      personId: card.personId,
      institutionId: card.institutionId,
      to: card.holderEmail as string,
      locale: locales.get(card.personId) ?? null,
      template: effect.kind,
      data: {
        firstName: card.holderFirstName,
        ...(context.institutionName ? { institutionName: context.institutionName } : {}),
        cardKind: card.cardKind,
        ...(effect.reason !== undefined ? { reason: effect.reason } : {}),
        ...(effect.kind === 'card_disabled' ? { comment: card.disableComment, disabledBy: card.disabledBy } : {}),
      },
    })));
  }

  /** Tells the move listeners of these moves, in the moving transaction. */
  async function emitMoved(trx: Executor, moves: readonly CardMoveNotice[]): Promise<void> {
    if (moves.length === 0) return;
    for (const listener of movedListeners) await listener(trx, moves);
  }

  /**
   * What follows written moves, for one move or a whole bulk move: the activation listeners, the
   * holders' mails, then the move listeners.
   */
  async function finishMoves(trx: Executor, moves: readonly WrittenMove[]): Promise<void> {
    const mails: Array<{ card: CardRow; effect: Extract<MoveEffect, { type: 'notify' }>; context: MoveContext }> = [];
    for (const move of moves) {
      for (const effect of move.plan.after) {
        if (effect.type === 'activationChanged') {
          const view = toCardView(move.card);
          for (const listener of activationListeners) await listener(trx, view, move.decision.from, move.decision.to);
        } else if (effect.type === 'notify') {
          mails.push({ card: move.card, effect, context: move.context });
        }
      }
    }
    await notifyHolders(trx, mails);
    await emitMoved(trx, moves.filter((move) => move.decision.to !== move.before.state)
      .map((move) => ({ card: toCardView(move.card), from: move.decision.from, to: move.decision.to })));
  }

  async function insertWithEscn(trx: Executor, card: Omit<repo.NewCard, 'escn'>, context: MoveContext): Promise<CardRow> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const escn = context.pic !== null ? deps.mintEscn(context.pic) : null;
      const inserted = await repo.insertCard(trx, { ...card, escn }, now());
      if (inserted) {
        await deps.identifiers?.assignFor(trx, [{ cardId: inserted.id, institutionId: inserted.institutionId }]);
        return inserted;
      }
    }
    throw new Error('could not mint a unique ESCN after 5 attempts');
  }

  /**
   * Applies an allowed move to a locked card: the effects the state machine asked for, the state,
   * the history row, then the listeners. Other cards of the person it touches (REPLACED) go
   * through `decideMove` and this same function, as the system.
   */
  async function applyMove(
    trx: Executor,
    card: CardRow,
    decision: Extract<MoveDecision, { ok: true }>,
    actor: Actor,
    meta: MoveMeta,
    context: MoveContext,
  ): Promise<MoveOutcome> {
    const at = now();
    const plan = planMove(card, decision, actor, meta, at);
    let created: CardRow | undefined;
    for (const effect of decision.effects) {
      if (effect.type === 'createRenewalCard') created = await createRenewal(trx, card, actor, meta, context);
      // Before this card becomes ENABLED: the unique index allows one ENABLED card at a time.
      if (effect.type === 'disableOtherEnabledCards') await disableOtherCards(trx, card, meta.remoteAddress, context);
    }
    let updated = card;
    if (Object.keys(plan.changes).length > 0) {
      try {
        updated = (await repo.updateCard(trx, card.id, card.version, plan.changes, at)) ?? card;
      } catch (error) {
        if (isUniqueViolation(error, 'cards_one_enabled_per_group')) {
          throw stateConflict('Another card of this person was enabled at the same time');
        }
        if (isUniqueViolation(error, 'cards_csn_live')) throw csnTaken();
        throw error;
      }
      if (updated === card) throw stateConflict();
    }
    if (plan.history) await repo.insertMove(trx, plan.history);
    await finishMoves(trx, [{ before: card, card: updated, decision, plan, context }]);
    if (plan.after.some((effect) => effect.type === 'autoEnable')) {
      const enable = decideMove({ card: await factsFor(trx, updated), to: 'ENABLED', actor: SYSTEM_ACTOR, settings: cardSettings(context.settings) });
      if (!enable.ok) throw new Error(`auto-enable refused: ${enable.code}`);
      const enabled = await applyMove(trx, updated, enable, SYSTEM_ACTOR, systemMeta(meta.remoteAddress), context);
      updated = enabled.card;
    }
    return created ? { card: updated, created } : { card: updated };
  }

  function systemMeta(remoteAddress: string | null): MoveMeta {
    return { actorLabel: SYSTEM_LABEL, comment: null, reason: null, remoteAddress };
  }

  /**
   * A person has at most one ENABLED card per card group: the group's others go DISABLED
   * (REPLACED), as the system. A replaced card of another member of a shared group moves under
   * its own institution's settings.
   */
  async function disableOtherCards(trx: Executor, card: CardRow, remoteAddress: string | null, context: MoveContext): Promise<void> {
    const cards = await repo.findCardsOfPerson(trx, card.personId);
    const summaries = sameGroup(card, cards).map((row) => ({ id: row.id, state: stateOf(row) }));
    for (const planned of planEnable(summaries, card.id)) {
      const other = cards.find((row) => row.id === planned.cardId);
      if (!other) continue;
      const otherContext = other.institutionId === card.institutionId ? context : await moveContext(trx, other.institutionId);
      const decision = decideMove({
        card: factsOf(other, cards), to: planned.to, actor: SYSTEM_ACTOR, reason: planned.reason ?? null, settings: cardSettings(otherContext.settings),
      });
      if (!decision.ok) throw new Error(`replacing card refused: ${decision.code}`);
      await applyMove(trx, other, decision, SYSTEM_ACTOR, systemMeta(remoteAddress), otherContext);
    }
  }

  function ensureRightsOpen(enrolment: CardEnrolment, today: string): void {
    if (enrolment.rightsEnd !== null && enrolment.rightsEnd < today) {
      throw conflict('rights_ended', 'This person\'s rights have ended: no card can be requested for them');
    }
  }

  function ensureNoPendingRequest(cards: readonly CardRow[]): void {
    const pending = pendingRequests(cards.map((row) => ({ ...row, state: stateOf(row) })));
    if (pending.length > 0) {
      throw conflict('request_pending', 'This person already has a card request being handled', {
        extensions: { cardId: pending[0]?.id },
      });
    }
  }

  /** The new RENEWED card of a renewal: the previous card's photo (the same stored photo) and data, a new ESCN. */
  async function createRenewal(trx: Executor, previous: CardRow, actor: Actor, meta: MoveMeta, context: MoveContext): Promise<CardRow> {
    const person = await people.get(previous.personId, trx);
    const enrolment = await enrolmentOf(trx, previous.personId, previous.institutionId);
    const today = isoDay(now());
    ensureRightsOpen(enrolment, today);
    ensureNoPendingRequest(sameGroup(previous, await repo.findCardsOfPerson(trx, previous.personId)));
    const decision = decideRenewal({
      id: previous.id,
      personId: previous.personId,
      state: stateOf(previous),
      carried: { photoId: previous.photoId, cardKind: previous.cardKind, deliveryAddress: previous.deliveryAddress },
    });
    if (!decision.ok) throw conflict(decision.code, decision.message);
    const draft = decision.card;
    const photoId = draft.carried.photoId ? (await photos.carryOver(trx, draft.carried.photoId)).id : null;
    const card = await insertWithEscn(trx, {
      personId: draft.personId,
      // A renewal stays with the institution and card group of the card it renews.
      institutionId: previous.institutionId,
      cardGroup: previous.cardGroup,
      state: draft.state,
      cardKind: draft.carried.cardKind,
      requestChannel: 'renewal',
      requestedAt: now(),
      requestedBy: meta.actorLabel,
      photoId,
      ...UNTOUCHED_CARD,
      csn: draft.csn,
      deliveryAddress: draft.carried.deliveryAddress,
      lockedBy: draft.lockOwner,
      expiresAt: expiryOf(today, await validityMonths(trx, previous.institutionId, enrolment.personType, context.settings), enrolment.rightsEnd),
      renewalOf: draft.renewalOf,
      ...holderOf(person, enrolment),
    }, context);
    await repo.insertMove(trx, {
      cardId: card.id,
      actor: meta.actorLabel,
      actorKind: actor.kind,
      fromState: null,
      toState: 'RENEWED',
      reason: null,
      comment: meta.comment,
      remoteAddress: meta.remoteAddress,
    });
    await emitMoved(trx, [{ card: toCardView(card), from: null, to: 'RENEWED' }]);
    return card;
  }

  /**
   * The institution a request is for and the person's enrolment there (see `request`). The
   * caller reaches the person's enrolments within their scope, or all of them for their own
   * request; a named institution outside the caller's scope is 404 `institution_not_found`.
   */
  async function requestTarget(
    trx: Executor, personId: string, code: string | undefined, principal: Principal,
  ): Promise<{ issuer: CardsInstitutionRef; enrolment: CardEnrolment }> {
    const enrolments = await repo.findEnrolments(trx, personId);
    const self = isSelf(principal, personId);
    const reachable = self ? enrolments : enrolments.filter((row) =>
      OFFICE_READ_ROLES.includes(principal.role) && scopeAdmits(principal, row.institutionId, row.personType));
    if (reachable.length === 0) throw notFound('person_not_found', 'No such person');
    let issuer: CardsInstitutionRef | undefined;
    if (code !== undefined) {
      issuer = await institution.byCode(trx, code);
      if (!issuer || !(self || coversInstitution(principal, issuer.id))) {
        throw new ProblemError(404, 'institution_not_found', `No institution ${code}`, { field: '/institution' });
      }
    } else {
      const focus = principal.focusInstitutionId;
      const chosen = focus !== null && (!self || reachable.some((row) => row.institutionId === focus))
        ? focus
        : reachable.length === 1 ? reachable[0]?.institutionId : undefined;
      if (chosen === undefined) {
        throw unprocessable('institution_required', 'The person is enrolled at several institutions: say which one issues the card', { field: '/institution' });
      }
      issuer = await institution.byId(trx, chosen);
      if (!issuer) throw new ProblemError(404, 'institution_not_found', 'No such institution', { field: '/institution' });
    }
    const enrolment = enrolments.find((row) => row.institutionId === issuer.id);
    if (!enrolment) {
      throw unprocessable('person_not_enrolled', `The person is not enrolled at ${issuer.name}`, { field: '/institution' });
    }
    return { issuer, enrolment };
  }

  function csnTaken(): ProblemError {
    return conflict('csn_taken', 'Another card that is not destroyed already has this chip serial number', { field: '/csn' });
  }

  /** One move of one card, in the caller's transaction. */
  async function moveInTransaction(trx: Executor, cardId: string, input: MoveInput, principal: Principal, context: ActorContext): Promise<MoveOutcome> {
    checkMoveInput(input);
    const card = await lockCard(trx, cardId, principal, input.expectedVersion);
    const { decision, actor, mc } = await decideFor(trx, card, await repo.findCardsOfPerson(trx, card.personId), input, principal);
    return applyMove(trx, card, decision, actor, metaOf(input, principal, context), mc);
  }

  /**
   * The state machine's decision on the principal's move of a locked card, among `personCards`
   * (every card of its holder, read under the person's card lock); a refusal is thrown as its
   * problem. `contexts` caches the institutions' move contexts over a bulk move.
   */
  async function decideFor(
    trx: Executor, card: CardRow, personCards: readonly CardRow[], input: MoveInput, principal: Principal,
    contexts: Map<number, MoveContext> = new Map(),
  ): Promise<{ decision: Extract<MoveDecision, { ok: true }>; actor: Actor; mc: MoveContext }> {
    const actor = moveActorFor(principal, card);
    if (actor === null) throw forbidden('You may not move this card', 'forbidden_for_actor');
    let mc = contexts.get(card.institutionId);
    if (!mc) contexts.set(card.institutionId, mc = await moveContext(trx, card.institutionId));
    const decision = decideMove({
      card: factsOf(card, personCards),
      to: input.to as CardState,
      actor,
      reason: (input.reason ?? null) as DisableReason | null,
      comment: input.comment ?? null,
      settings: cardSettings(mc.settings),
    });
    if (!decision.ok) throw moveProblem(decision);
    return { decision, actor, mc };
  }

  /**
   * The set-based part of a bulk move, in one transaction: the cards read in one query (those the
   * principal may not see answer 404), their holders' card locks taken in one statement and the
   * cards locked in another, every holder's cards read at once; the state machine decides each
   * move in turn, as a single move would; the allowed moves are written together (one UPDATE of
   * the cards, one INSERT of their history rows, one call of each listener, the mails in one
   * call). Moves that write other cards (renewals, retiring another ENABLED card) and the moves of
   * a holder named more than once (each depends on the one before) are left to the single way,
   * after this transaction: `single` lists them, by index.
   */
  async function moveBatch(
    trx: Executor, entries: ReadonlyArray<{ index: number; item: BulkMoveItem }>, principal: Principal, context: ActorContext,
  ): Promise<{ results: Map<number, BulkMoveResult>; single: number[] }> {
    const results = new Map<number, BulkMoveResult>();
    const single: number[] = [];
    const seen = new Map((await repo.findCards(trx, [...new Set(entries.map(({ item }) => item.cardId))])).map((row) => [row.id, row]));
    const visible = entries.filter(({ index, item }) => {
      const card = seen.get(item.cardId);
      if (card && canReadCard(principal, card)) return true;
      results.set(index, bulkResult(item.cardId, cardNotFound()));
      return false;
    });
    const movesPerPerson = new Map<string, number>();
    for (const { item } of visible) {
      const personId = (seen.get(item.cardId) as CardRow).personId;
      movesPerPerson.set(personId, (movesPerPerson.get(personId) ?? 0) + 1);
    }
    const batched = visible.filter(({ index, item }) => {
      if (movesPerPerson.get((seen.get(item.cardId) as CardRow).personId) === 1) return true;
      single.push(index);
      return false;
    });
    const personIds = [...new Set(batched.map(({ item }) => (seen.get(item.cardId) as CardRow).personId))];
    await repo.lockManyPersonsCards(trx, personIds);
    const locked = new Map((await repo.findCards(trx, batched.map(({ item }) => item.cardId), { forUpdate: true })).map((row) => [row.id, row]));
    const cardsOf = new Map<string, CardRow[]>();
    for (const row of await repo.findCardsOfPersons(trx, personIds)) {
      const cards = cardsOf.get(row.personId);
      if (cards) cards.push(row);
      else cardsOf.set(row.personId, [row]);
    }
    const contexts = new Map<number, MoveContext>();
    const at = now();
    const planned: Array<{ index: number; before: CardRow; decision: Extract<MoveDecision, { ok: true }>; plan: PlannedMove; context: MoveContext }> = [];
    for (const { index, item } of batched) {
      try {
        const card = checkLocked(seen.get(item.cardId) as CardRow, locked.get(item.cardId), item.expectedVersion);
        const personCards = cardsOf.get(card.personId) ?? [];
        const { decision, actor, mc } = await decideFor(trx, card, personCards, item, principal, contexts);
        if (!isSelfContained(card, decision, personCards)) {
          single.push(index);
          continue;
        }
        planned.push({ index, before: card, decision, plan: planMove(card, decision, actor, metaOf(item, principal, context), at), context: mc });
      } catch (error) {
        results.set(index, bulkResult(item.cardId, asProblem(error)));
      }
    }
    const changed = planned.filter(({ plan }) => Object.keys(plan.changes).length > 0);
    const updatedIds = await repo.updateCards(trx, changed.map(({ before, plan }) => ({ id: before.id, version: before.version, changes: plan.changes })), at);
    if (changed.some(({ before }) => !updatedIds.has(before.id))) throw new BatchInterrupted('a card changed under its lock');
    const updated = new Map((await repo.findCards(trx, [...updatedIds])).map((row) => [row.id, row]));
    await repo.insertMoves(trx, planned.flatMap(({ plan }) => (plan.history ? [plan.history] : [])));
    const written = planned.map((move) => ({ ...move, card: updated.get(move.before.id) ?? move.before }));
    await finishMoves(trx, written);
    for (const move of written) results.set(move.index, bulkResult(move.card.id, move.card));
    return { results, single };
  }

  function asProblem(error: unknown): ProblemError {
    if (error instanceof ProblemError) return error;
    if (isRace(error)) return stateConflict();
    throw error;
  }

  return {
    /**
     * Requests a card for a person, issued by one institution for the person's enrolment there:
     * `input.institution` (code), else the caller's focus, else the person's only enrolment the
     * caller reaches (422 `institution_required` when several remain, 422 `person_not_enrolled`
     * when the person is not enrolled at the named institution). Office writers (admin, manager
     * covering the institution and the person's type there) request for anyone; a person requests
     * for themself only when that institution opens self-requests to their type there. The
     * person type's card kinds bound the request (422 `card_kind_not_allowed`). One request at a
     * time per person and card group (409 `request_pending`); in a federation sharing one card,
     * a live card from another member answers 409 `shared_card_exists`. The holder data comes from
     * the people service and the enrolment; the card gets a fresh ESCN of the institution's PIC
     * and expires after the type's (or the institution's) validity, or at the rights end if earlier.
     */
    async request(personId: string, input: CardRequestInput, principal: Principal, context: ActorContext): Promise<CardDetailView> {
      return write(context, async (trx) => {
        const person = await people.get(personId, trx).catch((error: unknown) => {
          if (error instanceof ProblemError && error.status === 404) throw notFound('person_not_found', 'No such person');
          throw error;
        });
        const { issuer, enrolment } = await requestTarget(trx, personId, input.institution, principal);
        const mc = await moveContext(trx, issuer.id);
        const self = isSelf(principal, personId);
        const office = writesAsOffice(principal, issuer.id, enrolment.personType);
        const rule = await institution.personType(trx, issuer.id, enrolment.personType);
        if (!office) {
          if (!self) {
            const visible = OFFICE_READ_ROLES.includes(principal.role) && scopeAdmits(principal, issuer.id, enrolment.personType);
            if (!visible) throw notFound('person_not_found', 'No such person');
            throw forbidden('Only the card office may request a card for someone else');
          }
          if (!rule?.selfRequest) {
            throw forbidden(`People of type ${enrolment.personType} cannot request a card themselves; the card office does it`, 'self_request_not_allowed');
          }
          if (rule.deliveryAddress && input.cardKind === 'physical' && !input.deliveryAddress?.trim()) {
            throw unprocessable('delivery_address_required', 'Give the address the card should be delivered to', { field: '/deliveryAddress' });
          }
        }
        if (rule && !rule.cardKinds.includes(input.cardKind)) {
          throw unprocessable('card_kind_not_allowed', `People of type ${enrolment.personType} cannot hold a ${input.cardKind} card here`, { field: '/cardKind' });
        }
        const today = isoDay(now());
        ensureRightsOpen(enrolment, today);
        await repo.lockPersonCards(trx, personId);
        const group = (await repo.findCardsOfPerson(trx, personId)).filter((row) => row.cardGroup === issuer.cardGroup);
        const shared = group.find((row) => row.institutionId !== issuer.id && !isTerminal(stateOf(row)));
        if (shared) {
          throw conflict('shared_card_exists', `The members of ${issuer.federation?.name ?? 'this federation'} share one card, and this person already has one from ${shared.institutionName}`, {
            extensions: { cardId: shared.id },
          });
        }
        ensureNoPendingRequest(group);
        let photoId: string | null = null;
        if (input.photo && 'existingPhotoId' in input.photo) {
          const owner = await photos.get(input.photo.existingPhotoId, trx).then((photo) => photo.personId, (error: unknown) => {
            if (error instanceof ProblemError && error.status === 404) return undefined;
            throw error;
          });
          if (owner !== personId) throw unprocessable('photo_not_found', 'No such photo for this person', { field: '/photoId' });
          photoId = input.photo.existingPhotoId;
        } else if (input.photo) {
          photoId = (await photos.save(trx, personId, input.photo.prepared)).id;
        }
        const card = await insertWithEscn(trx, {
          personId,
          institutionId: issuer.id,
          cardGroup: issuer.cardGroup,
          state: 'NEW',
          cardKind: input.cardKind,
          requestChannel: input.channel,
          requestedAt: now(),
          requestedBy: principal.actor,
          photoId,
          ...UNTOUCHED_CARD,
          deliveryAddress: input.deliveryAddress?.trim() || null,
          expiresAt: expiryOf(today, rule?.validityMonths ?? mc.settings.cardValidityMonths, enrolment.rightsEnd),
          renewalOf: null,
          ...holderOf(person, enrolment),
        }, mc);
        await repo.insertMove(trx, {
          cardId: card.id,
          actor: principal.actor,
          actorKind: self && !office ? 'person' : principal.role,
          fromState: null,
          toState: 'NEW',
          reason: null,
          comment: null,
          remoteAddress: context.ip ?? null,
        });
        const view = toCardView(card);
        await emitMoved(trx, [{ card: view, from: null, to: 'NEW' }]);
        return { ...view, history: (await repo.findMoves(trx, card.id)).map(toMoveView) };
      });
    },

    /** A card with its history and the moves the principal may make; 404 for a card they may not see. */
    async get(cardId: string, principal: Principal): Promise<CardDetailView> {
      if (!isUuid(cardId)) throw cardNotFound();
      const card = await repo.findCard(db, cardId);
      if (!card || !canReadCard(principal, card)) throw cardNotFound();
      const settings = cardSettings((await moveContext(db, card.institutionId)).settings);
      const allowedMoves = allowedMovesOf(card, await repo.findCardsOfPerson(db, card.personId), principal, settings);
      const identifiers = deps.identifiers
        ? (await deps.identifiers.ofCards(db, [cardId])).get(cardId) ?? { accessControlId: null, secondaryId: null }
        : undefined;
      return { ...toCardView(card), ...(identifiers ? { identifiers } : {}), allowedMoves, history: (await repo.findMoves(db, cardId)).map(toMoveView) };
    },

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
        filter = { ...filter, scope: WHOLE_DEPLOYMENT, personId: principal.personId };
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

    /** Every card of the principal themself (the self-service "my cards"), newest first. */
    async listOwn(principal: Principal): Promise<CardView[]> {
      if (principal.personId === null) return [];
      const rows = await repo.findCardsOfPerson(db, principal.personId);
      // The holder's cards may come from several institutions, each with its settings.
      const settingsById = new Map<number, InstitutionCardSettings>();
      for (const institutionId of new Set(rows.map((row) => row.institutionId))) {
        settingsById.set(institutionId, cardSettings((await moveContext(db, institutionId)).settings));
      }
      return rows.map((row) => {
        const settings = settingsById.get(row.institutionId);
        return { ...toCardView(row), allowedMoves: settings ? allowedMovesOf(row, rows, principal, settings) : [] };
      }).reverse();
    },

    /**
     * Moves a card to another state as the principal (see `moveActorFor`), if the state machine
     * allows it; applies every effect (locks, printed lines, disable reason, retiring the other
     * ENABLED card, automatic enabling, notifications, listeners) and records the move.
     * `expectedVersion` makes the move conditional (409 `state_conflict` when the card moved).
     * A move to RENEWED creates the renewal card and returns it.
     */
    async move(cardId: string, input: MoveInput, principal: Principal, context: ActorContext): Promise<CardView> {
      if (!isUuid(cardId)) throw cardNotFound();
      const outcome = await write(context, (trx) => moveInTransaction(trx, cardId, input, principal, context));
      return toCardView(outcome.created ?? outcome.card);
    },

    /**
     * Moves many cards with the answers and effects of as many single moves, one card's refusal
     * not undoing the others: each card answers the status its single move would have had, and
     * gets the same history row, audit entries, events, outbox entries and mails. Set-based (see
     * `moveBatch`): one transaction writes the moves that concern only their own card, grouped;
     * the others (renewals, enabling a card that retires another, a holder named twice) then run
     * one by one as single moves. When the grouped write meets a race the database detects, its
     * cards go the single way too.
     */
    async moveMany(items: readonly BulkMoveItem[], principal: Principal, context: ActorContext): Promise<BulkMoveResult[]> {
      if (items.length > MAX_BULK_MOVES) {
        throw unprocessable('too_many_items', `At most ${MAX_BULK_MOVES} cards per call`, { field: '/items' });
      }
      const results = new Map<number, BulkMoveResult>();
      const entries: Array<{ index: number; item: BulkMoveItem }> = [];
      items.forEach((item, index) => {
        try {
          if (!isUuid(item.cardId)) throw cardNotFound();
          checkMoveInput(item);
          entries.push({ index, item });
        } catch (error) {
          results.set(index, bulkResult(item.cardId, asProblem(error)));
        }
      });
      let single: number[];
      try {
        const batch = await inTransaction(db, context, (trx) => moveBatch(trx, entries, principal, context));
        for (const [index, result] of batch.results) results.set(index, result);
        single = batch.single;
      } catch (error) {
        if (!(error instanceof BatchInterrupted) && !isRace(error) && !isUniqueViolation(error)) throw error;
        single = entries.map(({ index }) => index);
      }
      for (const index of single.sort((a, b) => a - b)) {
        const item = items[index] as BulkMoveItem;
        try {
          const outcome = await write(context, (trx) => moveInTransaction(trx, item.cardId, item, principal, context));
          results.set(index, bulkResult(item.cardId, outcome.created ?? outcome.card));
        } catch (error) {
          results.set(index, bulkResult(item.cardId, asProblem(error)));
        }
      }
      return items.map((_, index) => results.get(index) as BulkMoveResult);
    },

    /**
     * Asks for a renewal of an ENABLED or DESTROYED card: a new RENEWED card with its photo
     * and data. The previous card keeps working until the new one is enabled.
     */
    async renew(cardId: string, principal: Principal, context: ActorContext): Promise<CardView> {
      if (!isUuid(cardId)) throw cardNotFound();
      const outcome = await write(context, (trx) => moveInTransaction(trx, cardId, { to: 'RENEWED' }, principal, context));
      if (!outcome.created) throw new Error('a renewal created no card');
      return toCardView(outcome.created);
    },

    /**
     * Replaces the photo of a card not yet printed (NEW, RENEWED, REQUEST_CHECKED, IN_PRINT;
     * 409 `photo_change_not_allowed` otherwise). The office may change it in all those states;
     * the holder only while the request is not checked yet (NEW, RENEWED), so nobody swaps a
     * photo the office already accepted.
     */
    async setPhoto(cardId: string, prepared: PreparedPhoto, principal: Principal, context: ActorContext): Promise<CardView> {
      if (!isUuid(cardId)) throw cardNotFound();
      return write(context, async (trx) => {
        const card = await lockCard(trx, cardId, principal);
        const office = writesAsOffice(principal, card.institutionId, card.holderPersonType);
        if (!office && !isSelf(principal, card.personId)) throw forbidden('You may not change this card\'s photo');
        const state = stateOf(card);
        const open = office ? canChangePhoto(state) : state === 'NEW' || state === 'RENEWED';
        if (!open) {
          throw conflict('photo_change_not_allowed', `The photo of a ${state} card cannot change any more`);
        }
        const photo = await photos.save(trx, card.personId, prepared);
        const updated = await repo.updateCard(trx, card.id, card.version, { photoId: photo.id }, now());
        if (!updated) throw stateConflict();
        return toCardView(updated);
      });
    },

    /**
     * An encoding station reports the chip it wrote: binds the CSN (given in one of the four
     * forms) and moves IN_ENCODE→ENCODED, or IN_PRINT→ENCODED for one-pass stations; the
     * institution may then enable the card at once. 400 `csn_form_unknown`, 422 `csn_invalid`,
     * 409 `csn_taken` when a card that is not DESTROYED already has this chip.
     */
    async bindCsn(cardId: string, input: { csn: string; form: string; byteLength?: number | undefined }, principal: Principal, context: ActorContext): Promise<CardView> {
      const parsed = parseCsn(input.csn, input.form, input.byteLength !== undefined ? { byteLength: input.byteLength } : {});
      if (!parsed.ok) {
        if (parsed.code === 'csn_form_unknown') throw badRequest(parsed.code, parsed.message, { field: '/form' });
        throw unprocessable(parsed.code, parsed.message, { field: '/csn' });
      }
      if (!isUuid(cardId)) throw cardNotFound();
      return write(context, async (trx) => {
        const card = await lockCard(trx, cardId, principal);
        const actor = encodingActorFor(principal, card);
        if (actor === null) throw forbidden('Only an encoding station reports an encoding', 'forbidden_for_actor');
        const others = await repo.findLiveCardsByCsn(trx, parsed.hex, card.id);
        if (!canBindCsn(parsed.hex, others.map((other) => ({ state: isCardState(other.state) ? other.state : 'NEW', csn: other.csn })))) {
          throw csnTaken();
        }
        const mc = await moveContext(trx, card.institutionId);
        const record = { actorLabel: principal.actor, comment: null, reason: null, remoteAddress: context.ip ?? null };
        let current = card;
        if (card.state === 'PRINTED') {
          // Reporting the chip of a printed card means a station took it: record PRINTED → IN_ENCODE first.
          const take = decideMove({ card: await factsFor(trx, card), to: 'IN_ENCODE', actor, settings: cardSettings(mc.settings) });
          if (!take.ok) throw moveProblem(take);
          current = (await applyMove(trx, card, take, actor, record, mc)).card;
        }
        const decision = decideMove({ card: await factsFor(trx, current), to: 'ENCODED', actor, csn: parsed.hex, settings: cardSettings(mc.settings) });
        if (!decision.ok) throw moveProblem(decision);
        const outcome = await applyMove(trx, current, decision, actor, record, mc);
        return toCardView(outcome.card);
      });
    },

    /**
     * Records that the card was handed to its holder (ENCODED or ENABLED cards; 409 otherwise,
     * and 409 `already_delivered`). When the institution enables on delivery, an ENCODED card
     * is enabled in the same transaction.
     */
    async deliver(cardId: string, principal: Principal, context: ActorContext): Promise<CardView> {
      if (!isUuid(cardId)) throw cardNotFound();
      return write(context, async (trx) => {
        const card = await lockCard(trx, cardId, principal);
        const actor = moveActorFor(principal, card);
        if (actor === null || !['deliverer', 'manager', 'admin'].includes(actor.kind)) {
          throw forbidden('Only the card office hands cards over', 'forbidden_for_actor');
        }
        const state = stateOf(card);
        if (state !== 'ENCODED' && state !== 'ENABLED') {
          throw conflict('not_deliverable', `A ${state} card cannot be handed over`);
        }
        if (card.deliveredAt !== null) throw conflict('already_delivered', 'This card was already handed over');
        const delivered = await repo.updateCard(trx, card.id, card.version, { deliveredAt: now() }, now());
        if (!delivered) throw stateConflict();
        const mc = await moveContext(trx, card.institutionId);
        if (state !== 'ENCODED' || !mc.settings.enableOnDelivery) return toCardView(delivered);
        const decision = decideMove({ card: await factsFor(trx, delivered), to: 'ENABLED', actor, settings: cardSettings(mc.settings) });
        if (!decision.ok) throw moveProblem(decision);
        const outcome = await applyMove(trx, delivered, decision, actor, {
          actorLabel: principal.actor, comment: null, reason: null, remoteAddress: context.ip ?? null,
        }, mc);
        return toCardView(outcome.card);
      });
    },

    /**
     * Subscribes to every move to or from ENABLED (the card starts or stops working), inside the
     * moving transaction: connectors (ESC Router, …) enqueue their work with the executor so it
     * exists exactly when the move commits.
     */
    onActivationChanged(listener: ActivationListener): void {
      activationListeners.push(listener);
    },

    /**
     * Subscribes to every state change of every card (and to new cards, `from` null), in the
     * moving transaction: one call per change, or one for all the moves of a bulk move.
     */
    onCardMoved(listener: CardMovedListener): void {
      movedListeners.push(listener);
    },

    /**
     * Copies the persons' current data onto all their cards, in one UPDATE for the whole chunk,
     * in the caller's (the people service's) transaction. Cards already up to date are left
     * alone. Returns how many cards changed. It takes row locks only, not the persons' card
     * locks (a chunk holds up to a thousand persons); a move racing it waits, or in the rare
     * deadlock PostgreSQL breaks, answers 409 `state_conflict`.
     */
    async refreshHolders(executor: Executor, persons: readonly CardHolderPerson[]): Promise<number> {
      return repo.updateHolderSnapshots(executor, persons.map((person) => ({ personId: person.id, ...identityOf(person) })), now());
    },

    /**
     * The system moves that follow rights end dates, as of `today` (`YYYY-MM-DD`): a card follows
     * the rights of its holder's enrolment at the card's institution. Cards whose enrolment's
     * rights ended become CADUC and pending requests there CANCELED; CADUC cards whose enrolment's
     * rights were extended come back to DISABLED. One transaction per person and institution.
     * Idempotent: a second run the same day changes nothing. `personsChecked` counts the
     * enrolments looked at.
     */
    async applyRightsEnd(today: string = isoDay(now())): Promise<RightsEndReport> {
      const report: RightsEndReport = { today, personsChecked: 0, expired: 0, canceled: 0, restored: 0, failures: 0 };
      const endedStates: CardState[] = ['ENABLED', 'DISABLED', ...PENDING_REQUEST_STATES];

      // The listing only names candidates: the rights end is read again under the person's card
      // lock, so a change made since the listing is what counts.
      const applyFor = async ({ personId, institutionId }: repo.RightsEndCandidate): Promise<void> => {
        report.personsChecked += 1;
        try {
          await write({ actor: SYSTEM_LABEL }, async (trx) => {
            await repo.lockPersonCards(trx, personId);
            const enrolment = (await repo.findEnrolments(trx, personId)).find((row) => row.institutionId === institutionId);
            if (!enrolment) return;
            const mc = await moveContext(trx, institutionId);
            const cards = (await repo.findCardsOfPerson(trx, personId)).filter((row) => row.institutionId === institutionId);
            const plan = planRightsEnd(cards.map((row) => ({ id: row.id, state: stateOf(row) })), enrolment.rightsEnd, today);
            for (const planned of plan) {
              const card = await repo.findCard(trx, planned.cardId, { forUpdate: true });
              if (!card) continue;
              const decision = decideMove({ card: await factsFor(trx, card), to: planned.to, actor: SYSTEM_ACTOR, settings: cardSettings(mc.settings) });
              if (!decision.ok) throw new Error(`rights-end move refused: ${decision.code}`);
              await applyMove(trx, card, decision, SYSTEM_ACTOR, systemMeta(null), mc);
              if (planned.to === 'CADUC') report.expired += 1;
              else if (planned.to === 'CANCELED') report.canceled += 1;
              else if (planned.to === 'DISABLED') report.restored += 1;
            }
          });
        } catch (error) {
          // One person's failure (a listener, a race) must not stop the others; the next run retries.
          report.failures += 1;
          deps.logger?.warn({ personId, institutionId, err: { type: (error as Error).name, code: (error as { code?: string }).code } }, 'rights-end moves failed for a person');
        }
      };

      let after: repo.RightsEndCandidate | null = null;
      for (;;) {
        const candidates: repo.RightsEndCandidate[] = await repo.findRightsEndCandidates(db, endedStates, today, after, RIGHTS_END_PAGE);
        for (const candidate of candidates) await applyFor(candidate);
        if (candidates.length < RIGHTS_END_PAGE) break;
        after = candidates[candidates.length - 1] ?? null;
      }
      return report;
    },

    /**
     * The numbered cards of many persons at once (one query), with the day each was first enabled:
     * what the ESC Router sync compares with the router.
     */
    async cardsForSync(personIds: readonly string[], executor: Executor = db): Promise<repo.CardSyncRow[]> {
      return repo.findCardsForSync(executor, personIds.filter(isUuid));
    },

    /**
     * Cards by id within `scope` (in the query), with their holders' languages (null: the
     * institution's default): what a card's printed face is made of (card templates). Unknown
     * ids, and cards outside the scope, are left out.
     */
    async cardsForPrint(ids: readonly string[], scope: AccessScope, executor: Executor = db): Promise<Array<repo.CardRow & { holderLocale: string | null }>> {
      const rows = await repo.findCardsInScope(executor, ids.filter(isUuid), scope);
      const locales = await repo.findHolderLocales(executor, [...new Set(rows.map((row) => row.personId))]);
      return rows.map((row) => ({ ...row, holderLocale: locales.get(row.personId) ?? null }));
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

    /**
     * The card with this ESCN (lowercase), reduced to what public verification shows and needs:
     * state, expiry, kind, issuing institution and card group, and the holder and photo ids (used
     * only with the holder's consent).
     */
    async findForVerification(escn: string): Promise<repo.VerificationCardRow | undefined> {
      return repo.findForVerification(db, escn);
    },

    /**
     * Everything the cards context holds about a person (GDPR export): cards and their history,
     * within `scope` (a manager exporting a person enrolled elsewhere too gets their own
     * institutions' cards; the person themself, or the system, everything).
     */
    async exportData(personId: string, executor: Executor = db, scope: AccessScope = WHOLE_DEPLOYMENT): Promise<CardsExport> {
      const rows = await repo.findCardsOfPerson(executor, personId, scope);
      const moves = await repo.findMovesOfCards(executor, rows.map((row) => row.id));
      return {
        cards: rows.map((row) => ({
          ...toCardView(row),
          history: moves.filter((move) => move.cardId === row.id).map(toMoveView),
        })),
      };
    },
  };
}

export type CardsService = ReturnType<typeof createCardsService>;
