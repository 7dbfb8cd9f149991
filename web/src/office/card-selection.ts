import { ApiError } from '../api/api-client.ts';
import { cardsApi } from '../api/cards.api.ts';
import type { Card } from '../api/api-types.ts';

/** At most this many cards on one print sheet or one set of delivery slips. */
export const MAX_SELECTION = 100;

/** The cards a sheet page was asked for, and how many of them could not be read. */
export interface CardSelection {
  cards: Card[];
  missing: number;
}

/** The card ids of a sheet page's `ids=a,b,c` parameter (at most {@link MAX_SELECTION}). */
export function selectedIds(params: URLSearchParams): string[] {
  return (params.get('ids') ?? '').split(',').filter(Boolean).slice(0, MAX_SELECTION);
}

/**
 * Reads the selected cards one by one. A card that is gone, outside the caller's limits or named
 * by a malformed id (400 or 404) is counted as missing, so the page prints the others and says
 * why some are absent; any other failure (session ended, server down) fails the whole load.
 */
export async function loadSelection(ids: readonly string[], signal: AbortSignal): Promise<CardSelection> {
  const outcomes = await Promise.allSettled(ids.map((id) => cardsApi.get(id, signal)));
  const cards: Card[] = [];
  let missing = 0;
  for (const outcome of outcomes) {
    if (outcome.status === 'fulfilled') cards.push(outcome.value);
    else if (outcome.reason instanceof ApiError && (outcome.reason.status === 404 || outcome.reason.status === 400)) missing += 1;
    else throw outcome.reason;
  }
  return { cards, missing };
}
