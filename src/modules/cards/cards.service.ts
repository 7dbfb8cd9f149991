/**
 * Card requests and the card lifecycle: the cards context's public contract (its ports, views and
 * inputs) and the service composed of its use cases, one file each (`card-*.service.ts`). Every
 * change runs through the move engine (`card-move-engine.service.ts`, which states the locking
 * discipline) in one audited transaction; the pure state machine of `domain/` decides each move.
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
import type { Executor } from '../../platform/db/database.ts';
import type { InstitutionSettings } from '../institution/domain/institution-settings.ts';
import type { CardDisable, CardState } from './domain/card-state.ts';
import type { CsnForms } from './domain/csn.ts';
import type { PreparedPhoto } from '../photos/photos.service.ts';
import type { CardSortKey } from './cards.repository.ts';
import { createMoveEngine } from './card-move-engine.service.ts';
import { createCardRequest } from './card-request.service.ts';
import { createCardReads } from './card-reads.service.ts';
import { createCardList } from './card-list.service.ts';
import { createCardMoves } from './card-moves.service.ts';
import { createBulkMoves } from './card-bulk-moves.service.ts';
import { createCardPhotoChange } from './card-photo.service.ts';
import { createCsnBinding } from './card-csn-binding.service.ts';
import { createCardDelivery } from './card-delivery.service.ts';
import { createHolderRefresh } from './card-holders.service.ts';
import { createRightsEnd } from './card-rights-end.service.ts';

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

/** The filters of the card list (and of the card export, which takes the same ones). */
export type CardFilterQuery = Pick<CardListQuery, 'state' | 'personType' | 'requestedFrom' | 'requestedTo' | 'updatedFrom' | 'updatedTo'
  | 'hasPendingRequest' | 'personId' | 'q'>;

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


/**
 * The cards service: every use case of the cards context over one move engine, so they share its
 * listeners (`onActivationChanged`, `onCardMoved`) and its locking discipline.
 */
export function createCardsService(deps: CardsServiceDeps) {
  const engine = createMoveEngine(deps);
  return {
    ...createCardRequest(deps, engine),
    ...createCardReads(deps, engine),
    ...createCardList(deps),
    ...createCardMoves(engine),
    ...createBulkMoves(deps, engine),
    ...createCardPhotoChange(deps, engine),
    ...createCsnBinding(engine),
    ...createCardDelivery(engine),
    ...createHolderRefresh(engine),
    ...createRightsEnd(deps, engine),
    onActivationChanged: engine.onActivationChanged,
    onCardMoved: engine.onCardMoved,
  };
}

export type CardsService = ReturnType<typeof createCardsService>;
