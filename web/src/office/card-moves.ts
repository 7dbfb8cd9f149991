import type { Card } from '../api/api-types.ts';

/**
 * The moves an office user can ask for from each state (card-lifecycle.md, first table); the
 * server still decides (locks, settings, roles). RENEWED goes through the renew endpoint.
 */
const USER_TARGETS: Record<string, readonly string[]> = {
  NEW: ['REQUEST_CHECKED', 'REJECTED', 'CANCELED'],
  RENEWED: ['REQUEST_CHECKED', 'REJECTED', 'CANCELED'],
  REQUEST_CHECKED: ['IN_PRINT', 'CANCELED'],
  IN_PRINT: ['PRINTED', 'REQUEST_CHECKED'],
  IN_ENCODE: ['PRINTED'],
  ENCODED: ['ENABLED', 'DESTROYED'],
  ENABLED: ['DISABLED', 'RENEWED'],
  DISABLED: ['ENABLED', 'DESTROYED'],
  CADUC: ['DESTROYED'],
  DESTROYED: ['RENEWED'],
};

/**
 * Target states offered on a card's page: the office's usual moves for its state, in the office's
 * order, kept only when the server's state machine lists them in `allowedMoves` for this user (a
 * replaced card cannot be re-enabled, a card held by another station cannot be moved). A card
 * read without `allowedMoves` (an older answer) offers none rather than moves that may be refused.
 */
export function targetsOf(card: Card): readonly string[] {
  const allowed: readonly string[] = card.allowedMoves ?? [];
  // Never a move to the state the card is in: the server may list one (taking over a print lock), it reads as a no-op.
  return (USER_TARGETS[card.state] ?? []).filter((to) => to !== card.state && allowed.includes(to));
}

/** Moves that undo a step of the office's work (a card taken out of print): labelled « Revenir à … », never as an action. */
const BACKWARD: Record<string, readonly string[]> = {
  IN_PRINT: ['REQUEST_CHECKED'],
};

/** Whether moving from `from` to `to` goes back a step rather than forward. */
export function isBackward(from: string, to: string): boolean {
  return BACKWARD[from]?.includes(to) ?? false;
}

/**
 * Problem codes whose shared message (`errors.<code>`) speaks to the card holder ("your card"):
 * the card office reads its own wording, `officeErrors.<code>`.
 */
const HOLDER_WORDED_CODES: readonly string[] = ['newer_card_exists'];

/** The office's own message key for a problem code, or null when the shared message fits. */
export function officeWordedKey(code: string): string | null {
  return HOLDER_WORDED_CODES.includes(code) ? `officeErrors.${code}` : null;
}

/** Moves that need a reason or comment, asked in a dialog. */
export function needsDialog(to: string): boolean {
  return to === 'REJECTED' || to === 'DISABLED' || to === 'DESTROYED' || to === 'CANCELED';
}

/** States in which a chip can be bound (encoding report). */
export const CSN_STATES: readonly string[] = ['IN_PRINT', 'PRINTED', 'IN_ENCODE'];

/** States in which the photo may still change. */
export const PHOTO_STATES: readonly string[] = ['NEW', 'RENEWED', 'REQUEST_CHECKED', 'IN_PRINT'];
