import { api } from './api-client.ts';
import type { ResponseOf } from './api-types.ts';

/** GET /stats/cards (src/modules/cards/card-stats.routes.ts): the dashboard's figures. */
export type CardStats = ResponseOf<'/api/v1/stats/cards', 'get'>;
/** Person type → card state → count (only non-zero counts). */
export type CountsByType = CardStats['current'];

/** Card office statistics. */
export const statsApi = {
  /** Everything the dashboard shows, over the last `days` days (today included); of one institution when `institution` (a code) is given. */
  cards(days: number, signal?: AbortSignal, institution?: string): Promise<CardStats> {
    return api<CardStats>('/stats/cards', { query: { days }, ...(signal ? { signal } : {}), ...(institution ? { institution } : {}) });
  },
};
