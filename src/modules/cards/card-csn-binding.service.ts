/**
 * An encoding station binding the chip it wrote to a card (the CSN, in any of its four forms),
 * which moves the card to ENCODED; one chip belongs to one live card.
 */
import type { ActorContext } from '../../platform/db/database.ts';
import { badRequest, forbidden, unprocessable } from '../../platform/http/problem.ts';
import type { Principal } from '../auth/domain/roles.ts';
import { isCardState } from './domain/card-state.ts';
import { decideMove } from './domain/card-state-machine.ts';
import { canBindCsn } from './domain/card-rules.ts';
import { parseCsn } from './domain/csn.ts';
import * as repo from './cards.repository.ts';
import { encodingActorFor } from './cards.policy.ts';
import type { CardView } from './cards.service.ts';
import { cardNotFound, csnTaken, isUuid, moveProblem } from './card-problems.ts';
import { toCardView } from './card-views.ts';
import { cardSettings } from './card-move-plan.ts';
import type { MoveEngine } from './card-move-engine.service.ts';

/** The CSN binding (see `bindCsn`). */
export function createCsnBinding(engine: MoveEngine) {
  const { write, lockCard, moveContext, factsFor, applyMove } = engine;
  return {
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
  };
}
