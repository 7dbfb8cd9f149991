/**
 * The pure part of a card move: what the state machine knows of a card among its holder's cards,
 * what the principal may do with it, and what an allowed move writes to its own card. No I/O:
 * the move engine (`card-move-engine.service.ts`) reads, locks and writes around it, and the bulk
 * move plans many cards with the same functions so each answers as its single move would.
 */
import type { ActorContext } from '../../platform/db/database.ts';
import { unprocessable } from '../../platform/http/problem.ts';
import type { Principal } from '../auth/domain/roles.ts';
import type { InstitutionSettings } from '../institution/domain/institution-settings.ts';
import type { CardState, DisableReason } from './domain/card-state.ts';
import { isCardState, isDisableReason } from './domain/card-state.ts';
import type { Actor, CardFacts, InstitutionCardSettings, MoveDecision, MoveEffect } from './domain/card-state-machine.ts';
import { openMoves } from './domain/card-state-machine.ts';
import { planEnable, pendingRequests } from './domain/card-rules.ts';
import { csnForms } from './domain/csn.ts';
import type * as repo from './cards.repository.ts';
import type { CardRow } from './cards.repository.ts';
import { moveActorFor } from './cards.policy.ts';
import type { MoveInput } from './cards.service.ts';
import { cardNotFound, stateConflict } from './card-problems.ts';
import { stateOf, toCardView } from './card-views.ts';

/** The system's moves (rights end, replaced cards, automatic enabling), in the history as `system`. */
export const SYSTEM_ACTOR: Actor = { kind: 'system', id: 'system' };
export const SYSTEM_LABEL = 'system';

/** True when `other` was created after `row`, in the order `findCardsOfPerson` lists cards. */
function isNewer(other: CardRow, row: CardRow): boolean {
  const gap = other.createdAt.getTime() - row.createdAt.getTime();
  return gap > 0 || (gap === 0 && other.id > row.id);
}

/** The cards among `cards` that the rules across a person's cards weigh with `row`: its holder's, in its card group. */
export function sameGroup(row: CardRow, cards: readonly CardRow[]): CardRow[] {
  return cards.filter((other) => other.personId === row.personId && other.cardGroup === row.cardGroup);
}

/**
 * What the state machine knows of a card, among `personCards` (every card of its holder, read
 * under the person's card lock when a move follows). Only cards of the same card group count as
 * newer: a card of another institution (not sharing the card) lives its own life.
 */
export function factsOf(row: CardRow, personCards: readonly CardRow[]): CardFacts {
  const view = toCardView(row);
  const newerCards = sameGroup(row, personCards).filter((other) => isNewer(other, row)).map(stateOf);
  return { personId: row.personId, state: view.state, lockOwner: row.lockedBy, disable: view.disable, newerCards };
}

/**
 * What `principal` may do with this card now; none when they may make no move at all. A renewal
 * is not offered while a request of the same card group is pending (the renewal would answer 409
 * `request_pending`); a request in another card group does not hold it back.
 */
export function allowedMovesOf(row: CardRow, personCards: readonly CardRow[], principal: Principal, settings: InstitutionCardSettings): CardState[] {
  const actor = moveActorFor(principal, row);
  if (actor === null) return [];
  const moves = openMoves(factsOf(row, personCards), actor, settings);
  const pending = pendingRequests(sameGroup(row, personCards).map((other) => ({ ...other, state: stateOf(other) })));
  return pending.length > 0 ? moves.filter((to) => to !== 'RENEWED') : moves;
}

/** The institution settings the state machine weighs. */
export function cardSettings(settings: InstitutionSettings): InstitutionCardSettings {
  return {
    autoEnableAfterEncode: settings.autoEnableAfterEncode,
    enableOnDelivery: settings.enableOnDelivery,
    selfServiceDisableReasons: settings.selfServiceDisableReasons,
  };
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

/** The history and mail fields of a move: who made it, their comment and reason, from where. */
export interface MoveMeta {
  actorLabel: string;
  comment: string | null;
  reason: DisableReason | null;
  remoteAddress: string | null;
}

/** The card's institution, as a move of its card needs it. */
export interface MoveContext {
  settings: InstitutionSettings;
  institutionName: string;
  pic: string | null;
}

export interface MoveOutcome {
  card: CardRow;
  /** The card a renewal created. */
  created?: CardRow;
}

/** What an allowed move writes to its own card, decided from the card alone (see `planMove`). */
export interface PlannedMove {
  changes: repo.CardChanges;
  /** The history row, when the state changes. */
  history: repo.NewCardMove | null;
  /** The effects that follow the card's write (listeners, mails, automatic enabling), in order. */
  after: MoveEffect[];
}

/** A move written to its card, for the effects that follow (`finishMoves`). */
export interface WrittenMove {
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
export function planMove(card: CardRow, decision: Extract<MoveDecision, { ok: true }>, actor: Actor, meta: MoveMeta, at: Date): PlannedMove {
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
export function isSelfContained(card: CardRow, decision: Extract<MoveDecision, { ok: true }>, personCards: readonly CardRow[]): boolean {
  return decision.effects.every((effect) => {
    if (effect.type === 'createRenewalCard' || effect.type === 'autoEnable') return false;
    if (effect.type !== 'disableOtherEnabledCards') return true;
    return planEnable(sameGroup(card, personCards).map((row) => ({ id: row.id, state: stateOf(row) })), card.id).length === 0;
  });
}

/** Refusals a move's input alone decides, before its card is read (the same for single and bulk moves). */
export function checkMoveInput(input: MoveInput): void {
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
export function checkLocked(seen: CardRow, card: CardRow | undefined, expectedVersion: number | undefined): CardRow {
  if (!card) throw cardNotFound();
  if (card.version !== seen.version) throw stateConflict();
  if (expectedVersion !== undefined && card.version !== expectedVersion) {
    throw stateConflict(`The card is at version ${card.version}, not ${expectedVersion}; reload and try again`);
  }
  return card;
}

/** The history and mail fields of a move the principal asked for. */
export function metaOf(input: MoveInput, principal: Principal, context: ActorContext): MoveMeta {
  return {
    actorLabel: principal.actor,
    comment: input.comment?.trim() || null,
    // `checkMoveInput` let only disable reasons through.
    reason: (input.reason ?? null) as DisableReason | null,
    remoteAddress: context.ip ?? null,
  };
}

/** The history and mail fields of a move the system makes on its own. */
export function systemMeta(remoteAddress: string | null): MoveMeta {
  return { actorLabel: SYSTEM_LABEL, comment: null, reason: null, remoteAddress };
}
