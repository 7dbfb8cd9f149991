import { api } from './api-client.ts';

/** Person type → card state → count (only non-zero counts). */
export type CountsByType = Record<string, Record<string, number>>;

/** GET /stats/cards (src/modules/cards/card-stats.routes.ts). */
export interface CardStats {
  /** The time zone the days are counted in. */
  timeZone: string;
  today: string;
  from: string;
  days: number;
  personTypes: string[];
  current: CountsByType;
  queues: { waitingRequests: number; toPrint: number; inPrint: number; toEncode: number; toDeliver: number };
  /** Every day of the window, oldest first. */
  requestsPerDay: Array<{ day: string; total: number; byType: Record<string, number> }>;
  /** Every day of the window, oldest first: cards per type and state at the end of the day (today: now). */
  history: Array<{ day: string; byType: CountsByType }>;
  /** Null for the roles that may not see the ESC sync. */
  escSync: { enabled: boolean; pending: number; retrying: number; failed: number; done: number } | null;
}

/** Card office statistics. */
export const statsApi = {
  /** Everything the dashboard shows, over the last `days` days (today included). */
  cards(days: number, signal?: AbortSignal): Promise<CardStats> {
    return api<CardStats>('/stats/cards', { query: { days }, ...(signal ? { signal } : {}) });
  },
};
