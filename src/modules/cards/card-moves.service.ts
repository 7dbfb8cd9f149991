/**
 * Moving one card to another state, and renewing one (a move to RENEWED that creates the new
 * card): one audited transaction each, through the move engine.
 */
import type { ActorContext } from '../../platform/db/database.ts';
import type { Principal } from '../auth/domain/roles.ts';
import type { CardView, MoveInput } from './cards.service.ts';
import { cardNotFound, isUuid } from './card-problems.ts';
import { toCardView } from './card-views.ts';
import type { MoveEngine } from './card-move-engine.service.ts';

/** The single move and the renewal (see `move`, `renew`). */
export function createCardMoves(engine: MoveEngine) {
  const { write, moveInTransaction } = engine;
  return {
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
     * Asks for a renewal of an ENABLED or DESTROYED card: a new RENEWED card with its photo
     * and data. The previous card keeps working until the new one is enabled.
     */
    async renew(cardId: string, principal: Principal, context: ActorContext): Promise<CardView> {
      if (!isUuid(cardId)) throw cardNotFound();
      const outcome = await write(context, (trx) => moveInTransaction(trx, cardId, { to: 'RENEWED' }, principal, context));
      if (!outcome.created) throw new Error('a renewal created no card');
      return toCardView(outcome.created);
    },
  };
}
