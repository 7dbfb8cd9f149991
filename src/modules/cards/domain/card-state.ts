/**
 * Card states and the small facts attached to them (shared/domain/card-lifecycle.md).
 *
 * The names are the ones French card offices already use, so data can be migrated state for
 * state and staff need no retraining: do not rename them.
 */

/** Every state a card can be in, in lifecycle order. */
export const CARD_STATES = [
  'NEW',
  'RENEWED',
  'REQUEST_CHECKED',
  'REJECTED',
  'CANCELED',
  'IN_PRINT',
  'PRINTED',
  'IN_ENCODE',
  'ENCODED',
  'ENABLED',
  'DISABLED',
  'CADUC',
  'DESTROYED',
] as const;

export type CardState = (typeof CARD_STATES)[number];

/**
 * States a card never leaves. DESTROYED belongs here: "a renewal may follow" creates another
 * card (see `decideRenewal`), the destroyed card itself stays DESTROYED.
 */
export const TERMINAL_STATES: readonly CardState[] = ['REJECTED', 'CANCELED', 'DESTROYED'];

/** Requests nobody has produced a card for yet; rights ending cancels them. */
export const PENDING_REQUEST_STATES: readonly CardState[] = ['NEW', 'RENEWED', 'REQUEST_CHECKED'];

/** States in which the photo may still change: after printing it is on plastic. */
export const PHOTO_CHANGE_STATES: readonly CardState[] = ['NEW', 'RENEWED', 'REQUEST_CHECKED', 'IN_PRINT'];

/** States held under a lock by whoever took the card (operator, printer or encoding station). */
export const LOCKED_STATES: readonly CardState[] = ['IN_PRINT', 'IN_ENCODE'];

/**
 * Why a card is DISABLED.
 * - LOST, THEFT, OUT_OF_ORDER: chosen by the holder (if the institution allows it) or by staff;
 * - MANAGER: a manager's decision, always with a comment;
 * - REPLACED: set by the system on the other cards when a card gets ENABLED
 *   (a person has at most one ENABLED card);
 * - RIGHTS_ENDED: set by the system when an expired (CADUC) card comes back to DISABLED because
 *   the person's rights were extended and the card had no earlier disable reason.
 */
export const DISABLE_REASONS = ['LOST', 'THEFT', 'OUT_OF_ORDER', 'MANAGER', 'REPLACED', 'RIGHTS_ENDED'] as const;

export type DisableReason = (typeof DISABLE_REASONS)[number];

/** Reasons a person or staff member may choose by hand; the others are set by the system only. */
export const CHOSEN_DISABLE_REASONS: readonly DisableReason[] = ['LOST', 'THEFT', 'OUT_OF_ORDER', 'MANAGER'];

/** Reasons an institution may open to its card holders (MANAGER never is). */
export const SELF_SERVICE_ELIGIBLE_REASONS: readonly DisableReason[] = ['LOST', 'THEFT', 'OUT_OF_ORDER'];

/** Who set the current disable reason: it decides whether the holder may re-enable the card. */
export type DisabledBy = 'self' | 'manager' | 'system';

/** The disable reason a card carries while DISABLED (kept through CADUC). */
export interface CardDisable {
  reason: DisableReason;
  by: DisabledBy;
  comment: string | null;
}

/** Narrows an untrusted string (query string, imported row) to a card state. */
export function isCardState(value: unknown): value is CardState {
  return typeof value === 'string' && (CARD_STATES as readonly string[]).includes(value);
}

/** Narrows an untrusted string to a disable reason. */
export function isDisableReason(value: unknown): value is DisableReason {
  return typeof value === 'string' && (DISABLE_REASONS as readonly string[]).includes(value);
}

/** True when the card can never change state again. */
export function isTerminal(state: CardState): boolean {
  return TERMINAL_STATES.includes(state);
}

/** True for requests not yet turned into a card (NEW, RENEWED, REQUEST_CHECKED). */
export function isPendingRequest(state: CardState): boolean {
  return PENDING_REQUEST_STATES.includes(state);
}

/** True while the card's photo may still be replaced (before it is printed). */
export function canChangePhoto(state: CardState): boolean {
  return PHOTO_CHANGE_STATES.includes(state);
}

/** True for states where only the lock owner (or an admin) may move the card. */
export function isLockedState(state: CardState): boolean {
  return LOCKED_STATES.includes(state);
}
