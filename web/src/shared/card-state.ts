/** Card states as the API names them (src/modules/cards/domain/card-state.ts). */
export const CARD_STATES = [
  'NEW', 'RENEWED', 'REQUEST_CHECKED', 'REJECTED', 'CANCELED', 'IN_PRINT', 'PRINTED', 'IN_ENCODE', 'ENCODED',
  'ENABLED', 'DISABLED', 'CADUC', 'DESTROYED',
] as const;

export type CardState = (typeof CARD_STATES)[number];

export const DISABLE_REASONS = ['LOST', 'THEFT', 'OUT_OF_ORDER', 'MANAGER', 'REPLACED', 'RIGHTS_ENDED'] as const;
export type DisableReason = (typeof DISABLE_REASONS)[number];

/** Background colours of state badges: all dark enough for white text (contrast >= 4.5:1). */
const STATE_COLORS: Record<CardState, string> = {
  NEW: '#1d5fa8',
  RENEWED: '#1d5fa8',
  REQUEST_CHECKED: '#5f3dc4',
  REJECTED: '#a61e1e',
  CANCELED: '#495057',
  IN_PRINT: '#7a4a00',
  PRINTED: '#7a4a00',
  IN_ENCODE: '#0b6b60',
  ENCODED: '#0b6b60',
  ENABLED: '#1c6e31',
  DISABLED: '#a61e1e',
  CADUC: '#495057',
  DESTROYED: '#343a40',
};

/** The badge colour of a state. */
export function stateColor(state: string): string {
  return STATE_COLORS[state as CardState] ?? '#495057';
}

/** Requests not yet turned into a card. */
export const PENDING_STATES: readonly CardState[] = ['NEW', 'RENEWED', 'REQUEST_CHECKED'];

/** True when the card is still a request nobody produced a card for. */
export function isPending(state: string): boolean {
  return (PENDING_STATES as readonly string[]).includes(state);
}
