/**
 * Who may see and act on which card. The state machine (`decideMove`) decides which moves an
 * actor kind may make; this file decides which actor kind a logged-in principal is for a given
 * card, or whether they may not see it at all.
 *
 * - office read roles (admin, manager, viewer, station, deliverer) see the cards issued by the
 *   institutions they cover, for the person types they cover (accounts and tokens may be limited
 *   to some institutions and some types);
 * - a cardholder sees only their own cards (at every institution), and acts on them as the
 *   `person` actor;
 * - someone who cannot see a card gets 404, never 403, so card ids reveal nothing.
 */
import type { Principal } from '../auth/domain/roles.ts';
import { OFFICE_READ_ROLES, OFFICE_WRITE_ROLES, isSelf } from '../auth/domain/roles.ts';
import { scopeAdmits } from '../../platform/db/scope-filter.ts';
import type { Actor } from './domain/card-state-machine.ts';

/** The part of a card access decisions need. */
export interface CardOwnership {
  personId: string;
  /** The issuing institution. */
  institutionId: number;
  holderPersonType: string;
}

/** True when the principal's institution and type limits cover the card (whatever their role). */
function covers(principal: Principal, card: CardOwnership): boolean {
  return scopeAdmits(principal, card.institutionId, card.holderPersonType);
}

/** True when the principal reads the card as office staff (their role, institution and type limits cover it). */
export function readsAsOffice(principal: Principal, card: CardOwnership): boolean {
  return OFFICE_READ_ROLES.includes(principal.role) && covers(principal, card);
}

/** True when the principal may see this card: office staff covering its holder, or its holder. */
export function canReadCard(principal: Principal, card: CardOwnership): boolean {
  return readsAsOffice(principal, card) || isSelf(principal, card.personId);
}

/** True when the principal may change, as office staff, cards of this institution and holder type. */
export function writesAsOffice(principal: Principal, institutionId: number, personType: string): boolean {
  return OFFICE_WRITE_ROLES.includes(principal.role) && scopeAdmits(principal, institutionId, personType);
}

/**
 * The actor a principal is when moving this card, or null when they may make no move at all
 * (viewers). Staff act in their role when they cover the card's institution and holder type; anyone acting on their
 * own card otherwise acts as the holder (`person`), whose id is the person id.
 * Callers check `canReadCard` first.
 */
export function moveActorFor(principal: Principal, card: CardOwnership): Actor | null {
  if (covers(principal, card)) {
    switch (principal.role) {
      case 'admin':
      case 'manager':
      case 'station':
      case 'deliverer':
        return { kind: principal.role, id: principal.id };
      default:
        break;
    }
  }
  if (principal.personId !== null && isSelf(principal, card.personId)) return { kind: 'person', id: principal.personId };
  return null;
}

/**
 * The actor that reports an encoding (binds a CSN). The state machine lets only encoding stations
 * make these moves; an admin or manager reporting one (an encoder on an office desk) acts as a
 * station under their own id, so the lock rules still apply to them.
 */
export function encodingActorFor(principal: Principal, card: CardOwnership): Actor | null {
  if (!covers(principal, card)) return null;
  if (principal.role === 'station' || principal.role === 'admin' || principal.role === 'manager') {
    return { kind: 'station', id: principal.id };
  }
  return null;
}

/** How a request reached us, from who made it: tokens are machine clients, cardholders use the web. */
export function requestChannelOf(principal: Principal): 'web' | 'api' | 'office' {
  if (principal.kind === 'token') return 'api';
  return principal.role === 'cardholder' ? 'web' : 'office';
}
