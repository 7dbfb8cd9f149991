/**
 * Rules across all the cards of one person (shared/domain/card-lifecycle.md, "Rules"): they plan
 * system moves, which the service then passes through `decideMove` like any other move, so every
 * recorded move stays in the transition table.
 */
import type { CardState, DisableReason } from './card-state.ts';
import { isPendingRequest } from './card-state.ts';
import type { SystemTrigger } from './card-state-machine.ts';
import { SYSTEM_MOVES } from './card-state-machine.ts';

/** The least a rule needs to know about a card. */
export interface CardSummary {
  id: string;
  state: CardState;
}

/** A move the system must make, to be checked by `decideMove` with a `system` actor. */
export interface PlannedMove {
  cardId: string;
  from: CardState;
  to: CardState;
  trigger: SystemTrigger;
  reason?: DisableReason;
}

/**
 * The moves that keep "at most one ENABLED card per person and card group" when `cardId` gets
 * ENABLED (pass the person's cards of that group only): every
 * other ENABLED card goes DISABLED with reason REPLACED (this is how a renewed card retires the
 * card it renews). Empty when no other card is ENABLED.
 */
export function planEnable(cards: readonly CardSummary[], cardId: string): PlannedMove[] {
  return cards
    .filter((card) => card.id !== cardId && card.state === 'ENABLED')
    .map((card) => ({ cardId: card.id, from: card.state, to: 'DISABLED', trigger: 'card_replaced', reason: 'REPLACED' }));
}

/**
 * True when `csn` may be bound to a card: no other card that is not DESTROYED holds it (a
 * destroyed card's chip is gone, so its CSN no longer identifies anyone). Pass every card of
 * every person except the one being encoded; CSNs compare as canonical hex.
 */
export function canBindCsn(
  csn: string,
  otherCards: readonly { state: CardState; csn: string | null }[],
): boolean {
  const wanted = csn.toUpperCase();
  return !otherCards.some((card) => card.state !== 'DESTROYED' && card.csn?.toUpperCase() === wanted);
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function movesOf(trigger: SystemTrigger): Map<CardState, CardState> {
  return new Map(SYSTEM_MOVES.filter((rule) => rule.trigger === trigger).map((rule) => [rule.from, rule.to]));
}

const ON_RIGHTS_ENDED = movesOf('rights_ended');
const ON_RIGHTS_EXTENDED = movesOf('rights_extended');

/**
 * The system moves that follow a person's rights end date (ISO `YYYY-MM-DD`, or null for rights
 * without end). Rights have ended once the end date is before `today` (the last day still
 * counts). Ended: ENABLED/DISABLED cards become CADUC and pending requests (NEW, RENEWED,
 * REQUEST_CHECKED) are CANCELED. Not ended: CADUC cards come back to DISABLED, never straight
 * to ENABLED, so someone decides to enable them. Idempotent: once the plan is applied, planning
 * again with the same dates gives no move. Throws a RangeError on a malformed date.
 */
export function planRightsEnd(cards: readonly CardSummary[], rightsEnd: string | null, today: string): PlannedMove[] {
  if (!ISO_DATE.test(today) || (rightsEnd !== null && !ISO_DATE.test(rightsEnd))) {
    throw new RangeError(`dates must be YYYY-MM-DD (got rightsEnd=${rightsEnd}, today=${today})`);
  }
  const ended = rightsEnd !== null && rightsEnd < today;
  const trigger: SystemTrigger = ended ? 'rights_ended' : 'rights_extended';
  const moves = ended ? ON_RIGHTS_ENDED : ON_RIGHTS_EXTENDED;
  return cards.flatMap((card) => {
    const to = moves.get(card.state);
    return to === undefined ? [] : [{ cardId: card.id, from: card.state, to, trigger }];
  });
}

/**
 * The person's requests not yet turned into a card (NEW, RENEWED, REQUEST_CHECKED). The doc does
 * not limit them; a service that wants "one pending request at a time" checks this is empty.
 */
export function pendingRequests<C extends CardSummary>(cards: readonly C[]): C[] {
  return cards.filter((card) => isPendingRequest(card.state));
}
