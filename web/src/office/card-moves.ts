import type { Card } from '../api/api-types.ts';

/**
 * The moves an office user can ask for from each state (card-lifecycle.md, first table); the
 * server still decides (locks, settings, roles). RENEWED goes through the renew endpoint.
 */
const USER_TARGETS: Record<string, readonly string[]> = {
  NEW: ['REQUEST_CHECKED', 'REJECTED', 'CANCELED'],
  RENEWED: ['REQUEST_CHECKED', 'REJECTED', 'CANCELED'],
  REQUEST_CHECKED: ['IN_PRINT', 'CANCELED'],
  IN_PRINT: ['PRINTED', 'REQUEST_CHECKED', 'IN_PRINT'],
  IN_ENCODE: ['PRINTED'],
  ENCODED: ['ENABLED', 'DESTROYED'],
  ENABLED: ['DISABLED', 'RENEWED'],
  DISABLED: ['ENABLED', 'DESTROYED'],
  CADUC: ['DESTROYED'],
  DESTROYED: ['RENEWED'],
};

/** Target states offered on a card's page. */
export function targetsOf(card: Card): readonly string[] {
  return USER_TARGETS[card.state] ?? [];
}

/** Moves that need a reason or comment, asked in a dialog. */
export function needsDialog(to: string): boolean {
  return to === 'REJECTED' || to === 'DISABLED' || to === 'DESTROYED' || to === 'CANCELED';
}

/** States in which a chip can be bound (encoding report). */
export const CSN_STATES: readonly string[] = ['IN_PRINT', 'PRINTED', 'IN_ENCODE'];

/** States in which the photo may still change. */
export const PHOTO_STATES: readonly string[] = ['NEW', 'RENEWED', 'REQUEST_CHECKED', 'IN_PRINT'];
