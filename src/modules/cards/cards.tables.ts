import type { Generated } from 'kysely';
import type { Json, Timestamp } from '../../platform/db/platform.tables.ts';

export interface CardsTable {
  id: Generated<string>;
  personId: string;
  /** The institution that issued the card, for the holder's enrolment there. */
  institutionId: number;
  /**
   * Within this group a person has at most one ENABLED card: the issuing institution, or the
   * federation when its members share one card (fixed when the card is requested).
   */
  cardGroup: number;
  state: string;
  cardKind: Generated<'physical' | 'virtual'>;
  requestChannel: 'web' | 'api' | 'office' | 'import' | 'renewal';
  requestedAt: Generated<Date>;
  requestedBy: string;
  photoId: string | null;
  printedLines: Json<Record<string, string>> | null;
  csn: string | null;
  csnReversed: string | null;
  csnDecimal: string | null;
  csnDecimalReversed: string | null;
  escn: string | null;
  disableReason: string | null;
  disableComment: string | null;
  disabledBy: 'self' | 'manager' | 'system' | null;
  rejectReason: string | null;
  deliveryAddress: string | null;
  deliveredAt: Timestamp | null;
  dueDate: string | null;
  lockedBy: string | null;
  lockedAt: Timestamp | null;
  enabledAt: Timestamp | null;
  expiresAt: string | null;
  renewalOf: string | null;
  holderEppn: string;
  holderFirstName: string;
  holderLastName: string;
  holderEmail: string | null;
  holderStudentNumber: string | null;
  holderIne: string | null;
  holderPersonType: string;
  version: Generated<number>;
  createdAt: Generated<Date>;
  updatedAt: Generated<Date>;
}

export interface CardMovesTable {
  id: Generated<string>;
  cardId: string;
  seq: Generated<string>;
  at: Generated<Date>;
  actor: string;
  actorKind: string;
  fromState: string | null;
  toState: string;
  reason: string | null;
  comment: string | null;
  remoteAddress: string | null;
}

/** How many cards of an institution and holder person type were in a state at the end of a day (card statistics). */
export interface CardStateDailyTable {
  /** `YYYY-MM-DD` in the statistics time zone. */
  day: string;
  /** The institution that issued the counted cards. */
  institutionId: number;
  personType: string;
  state: string;
  count: number;
}

/** The days whose snapshot in `card_state_daily` is complete. */
export interface CardStateDaysTable {
  day: string;
  takenAt: Generated<Date>;
}

/** One part of a card export's CSV file, in file order (`seq` from 0), written by its job run. */
export interface CardExportPartsTable {
  jobRunId: string;
  seq: number;
  /** CSV text (UTF-8 once encoded); the first part starts with the byte order mark. */
  content: string;
  createdAt: Generated<Date>;
}

/**
 * The search text of a card (migration 0051), kept apart from `cards` so that a move writes no
 * trigram entries: written by triggers on `cards` when a card is inserted or a column the text is
 * made of changes, never by the application. Carries the card's scope columns, so a search
 * collects the cards a caller may see from this table alone.
 */
export interface CardSearchTable {
  cardId: string;
  institutionId: number;
  holderPersonType: string;
  /** Folded holder names (by their parts and written together), eppn, e-mail, student number, INE, ESCN, CSN forms. */
  searchText: string;
}

export interface CardsTables {
  cards: CardsTable;
  cardSearch: CardSearchTable;
  cardMoves: CardMovesTable;
  cardStateDaily: CardStateDailyTable;
  cardStateDays: CardStateDaysTable;
  cardExportParts: CardExportPartsTable;
}
