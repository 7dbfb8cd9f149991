/**
 * Handing a card over to its holder, which enables it at once where the institution enables on
 * delivery.
 */
import type { ActorContext } from '../../platform/db/database.ts';
import { conflict, forbidden } from '../../platform/http/problem.ts';
import type { Principal } from '../auth/domain/roles.ts';
import { decideMove } from './domain/card-state-machine.ts';
import * as repo from './cards.repository.ts';
import { moveActorFor } from './cards.policy.ts';
import type { CardView } from './cards.service.ts';
import { cardNotFound, isUuid, moveProblem, stateConflict } from './card-problems.ts';
import { stateOf, toCardView } from './card-views.ts';
import { cardSettings } from './card-move-plan.ts';
import type { MoveEngine } from './card-move-engine.service.ts';

/** The delivery (see `deliver`). */
export function createCardDelivery(engine: MoveEngine) {
  const { now, write, lockCard, moveContext, factsFor, applyMove } = engine;
  return {
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
  };
}
