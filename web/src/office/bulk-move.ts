import { cardsApi, type BulkMoveResult, type MoveRequest } from '../api/cards.api.ts';
import { ApiError } from '../api/api-client.ts';

/**
 * Cards per call. The server writes a call's cards together (set-based), so a call of 100 costs
 * little more than one of 20, and the progress bar still moves five times over 500 cards.
 */
export const BULK_CHUNK = 100;

/**
 * Moves many cards through the bulk endpoint, a chunk at a time, reporting progress after each
 * chunk. A failed call marks its whole chunk failed with the call's problem and goes on.
 */
export async function moveInChunks(
  cardIds: readonly string[],
  move: MoveRequest,
  onProgress: (done: number, results: BulkMoveResult[]) => void,
): Promise<BulkMoveResult[]> {
  const results: BulkMoveResult[] = [];
  for (let start = 0; start < cardIds.length; start += BULK_CHUNK) {
    const chunk = cardIds.slice(start, start + BULK_CHUNK);
    try {
      const answer = await cardsApi.moveMany(chunk.map((cardId) => ({ cardId, ...move })));
      results.push(...answer.results);
    } catch (error) {
      const problem = error instanceof ApiError
        ? { code: error.code, detail: error.detail ?? error.code }
        : { code: 'unknown', detail: String(error) };
      results.push(...chunk.map((cardId) => ({ cardId, status: error instanceof ApiError ? error.status : 0, problem })));
    }
    onProgress(Math.min(start + chunk.length, cardIds.length), [...results]);
  }
  return results;
}

/** True when a bulk result says the card moved. */
export function moved(result: BulkMoveResult): boolean {
  return result.status >= 200 && result.status < 300;
}
