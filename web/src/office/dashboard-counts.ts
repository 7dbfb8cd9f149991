import type { CountsByType } from '../api/stats.api.ts';

/** The person type choice meaning "every type added up". */
export const ALL_TYPES = 'all';

/** Count per card state. */
export type Counts = Record<string, number>;

/** The total of some counts. */
export function sum(counts: Counts | undefined): number {
  return Object.values(counts ?? {}).reduce((total, count) => total + count, 0);
}

/** The counts per state of one person type, or of all of them added up ({@link ALL_TYPES}). */
export function countsOf(byType: CountsByType, type: string): Counts {
  if (type !== ALL_TYPES) return byType[type] ?? {};
  const counts: Counts = {};
  for (const perState of Object.values(byType)) {
    for (const [state, count] of Object.entries(perState)) counts[state] = (counts[state] ?? 0) + count;
  }
  return counts;
}
