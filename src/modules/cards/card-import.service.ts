/**
 * Cards that come from another card office system (card migration, issue 13), written as they
 * are: their state, dates, chip serial number in its four forms and ESCN, with a history of one
 * move ("imported") dated when the card reached that state. Nothing else happens: no move
 * listener is called, so no event, mail or connector outbox entry is written (the ESC Router and
 * the CROUS already know these cards; an admin who doubts it runs their reconcile). The caller
 * checks the cards first (unique CSN among live cards, unique ESCN, one ENABLED card per person
 * and card group): the database's unique indexes stay the last guard and raise inside the
 * caller's transaction.
 */
import type { Executor } from '../../platform/db/database.ts';
import type { CardState, DisableReason } from './domain/card-state.ts';
import { csnForms } from './domain/csn.ts';
import * as repo from './card-import.repository.ts';

/** A migrated card, its holder's identity as the holder's enrolment at the institution gives it. */
export interface ImportedCardInput {
  personId: string;
  institutionId: number;
  cardGroup: number;
  state: CardState;
  cardKind: 'physical' | 'virtual';
  requestedAt: Date;
  enabledAt: Date | null;
  deliveredAt: Date | null;
  /** When the card reached its state: the date of its one history move. */
  stateChangedAt: Date;
  expiresAt: string | null;
  disableReason: DisableReason | null;
  /** Canonical hex. */
  csn: string | null;
  escn: string | null;
  photoId: string | null;
  holder: {
    eppn: string;
    firstName: string;
    lastName: string;
    email: string | null;
    ine: string | null;
    studentNumber: string | null;
    personType: string;
  };
}

/** Who set a migrated disable reason: the system's own reasons, else the office. */
function disabledByOf(reason: DisableReason | null): 'manager' | 'system' | null {
  if (reason === null) return null;
  return reason === 'REPLACED' || reason === 'RIGHTS_ENDED' ? 'system' : 'manager';
}

/** Use cases of migrated cards (see the file comment). */
export function createCardImportService() {
  return {
    /**
     * Inserts migrated cards and their one-move histories in the caller's transaction, set-based
     * (one statement for the cards, one for the moves); returns the new card ids in input order.
     * `actor` is recorded as the history's actor (kind `import`).
     */
    async importCards(executor: Executor, inputs: readonly ImportedCardInput[], actor: string): Promise<string[]> {
      return repo.insertImportedCards(executor, inputs.map((input) => {
        const forms = input.csn !== null ? csnForms(input.csn) : null;
        return {
          card: {
            personId: input.personId, institutionId: input.institutionId, cardGroup: input.cardGroup, state: input.state,
            cardKind: input.cardKind, requestChannel: 'import', requestedAt: input.requestedAt, requestedBy: actor, photoId: input.photoId,
            printedLines: null,
            csn: forms?.hex ?? null, csnReversed: forms?.hexReversed ?? null, csnDecimal: forms?.decimal ?? null, csnDecimalReversed: forms?.decimalReversed ?? null,
            escn: input.escn,
            disableReason: input.disableReason, disableComment: null, disabledBy: disabledByOf(input.disableReason),
            rejectReason: null, deliveryAddress: null, deliveredAt: input.deliveredAt, dueDate: null, lockedBy: null, lockedAt: null,
            enabledAt: input.enabledAt, expiresAt: input.expiresAt, renewalOf: null,
            holderEppn: input.holder.eppn, holderFirstName: input.holder.firstName, holderLastName: input.holder.lastName,
            holderEmail: input.holder.email, holderStudentNumber: input.holder.studentNumber, holderIne: input.holder.ine,
            holderPersonType: input.holder.personType,
            createdAt: input.requestedAt, updatedAt: input.stateChangedAt,
          },
          move: { at: input.stateChangedAt, actor, toState: input.state, comment: 'imported' },
        };
      }));
    },

    /** Live cards (not DESTROYED) holding one of these canonical CSNs: CSN → card id. */
    liveCsns: (executor: Executor, csns: readonly string[]) => repo.findLiveCsns(executor, csns),

    /** Cards holding one of these ESCNs: ESCN → card id. */
    takenEscns: (executor: Executor, escns: readonly string[]) => repo.findEscns(executor, escns),

    /** The persons among these who hold an ENABLED card of the card group. */
    enabledHolders: (executor: Executor, personIds: readonly string[], cardGroup: number) => repo.findEnabledHolders(executor, personIds, cardGroup),
  };
}

export type CardImportService = ReturnType<typeof createCardImportService>;
