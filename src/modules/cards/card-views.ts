/**
 * Card rows as the API shows them, and a row's state as the domain types it. Pure: every card use
 * case answers through these, so a card reads the same whichever use case returns it.
 */
import type { CardDisable, CardState } from './domain/card-state.ts';
import { isCardState, isDisableReason } from './domain/card-state.ts';
import { csnForms } from './domain/csn.ts';
import type { CardMoveRow, CardRow } from './cards.repository.ts';
import type { CardMoveView, CardView } from './cards.service.ts';

function iso(value: Date | string | null): string | null {
  if (value === null) return null;
  return value instanceof Date ? value.toISOString() : new Date(value).toISOString();
}

/** A card as the API shows it (an unknown stored state or disable reason reads as NEW, none). */
export function toCardView(row: CardRow): CardView {
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

/** One entry of a card's history as the API shows it. */
export function toMoveView(row: CardMoveRow): CardMoveView {
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
export function stateOf(row: CardRow): CardState {
  return isCardState(row.state) ? row.state : 'NEW';
}

