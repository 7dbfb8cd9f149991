/**
 * Card statistics as pure functions: the calendar days of a statistics window, the office's work
 * queues, and the counts of cards per (holder person type, state) at the end of past days,
 * rewound from the current counts through the recorded moves.
 *
 * Days are `YYYY-MM-DD` calendar days of the statistics time zone; which instant starts a day is
 * the database's business (`AT TIME ZONE`), so no offset arithmetic happens here.
 */
import { addDays } from './calendar-day.ts';
import type { CardState } from './card-state.ts';

/** How many cards whose holder has a person type are in a state. */
export interface TypeStateCount {
  personType: string;
  state: string;
  count: number;
}

/**
 * What the moves of one day did to one (person type, state): cards that entered it minus cards
 * that left it. A move counts +1 for its `to_state` and −1 for its `from_state` (none for the move
 * that created the card).
 */
export interface DayDelta {
  day: string;
  personType: string;
  state: string;
  delta: number;
}

/** Counts keyed by person type, then state; only non-zero counts appear. */
export type CountsByType = Record<string, Record<string, number>>;

/** The longest window the statistics answer (a year, leap day included). */
export const MAX_STATS_DAYS = 366;

/** The office's work queues and the states each one counts (delivery is counted apart: it needs `delivered_at`). */
export const WORK_QUEUE_STATES = {
  /** Requests nobody checked yet. */
  waitingRequests: ['NEW', 'RENEWED'],
  /** Checked requests waiting for the printer. */
  toPrint: ['REQUEST_CHECKED'],
  /** Cards taken by a printer or an operator. */
  inPrint: ['IN_PRINT'],
  /** Printed cards waiting for, or in, encoding. */
  toEncode: ['PRINTED', 'IN_ENCODE'],
} as const satisfies Record<string, readonly CardState[]>;

export type WorkQueues = Record<keyof typeof WORK_QUEUE_STATES | 'toDeliver', number>;

/** The `days` calendar days ending with `today`, oldest first. */
export function windowDays(today: string, days: number): string[] {
  return Array.from({ length: days }, (_, index) => addDays(today, index - days + 1));
}

/** The calendar day an instant falls on in a time zone (IANA name). */
export function localDay(instant: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((entry) => entry.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

const key = (personType: string, state: string) => `${personType}\u0000${state}`;

/** Only positive counts: a negative one could only come from a history that contradicts itself. */
function toCounts(running: ReadonlyMap<string, TypeStateCount>): TypeStateCount[] {
  return [...running.values()].filter((entry) => entry.count > 0).map((entry) => ({ ...entry }));
}

/**
 * The counts at the end of each of `days`, from the counts now and the deltas of the moves made
 * since the earliest of them: the end of day D is now minus everything the moves of the days
 * after D did. For cards whose history is complete (a creating move, then one move per change,
 * each `from_state` the previous `to_state`) this is exactly "the state of each card is the
 * target of its last move before the end of D"; a card created after D is absent. A card without
 * any move (data loaded from another system) counts in its current state on every day.
 * Deltas on or before the earliest asked day are ignored; days may come in any order.
 */
export function rewindCounts(
  current: readonly TypeStateCount[],
  deltas: readonly DayDelta[],
  days: readonly string[],
): Map<string, TypeStateCount[]> {
  const running = new Map<string, TypeStateCount>();
  for (const entry of current) running.set(key(entry.personType, entry.state), { ...entry });
  const later = [...deltas].sort((a, b) => (a.day < b.day ? 1 : a.day > b.day ? -1 : 0));
  let next = 0;
  const result = new Map<string, TypeStateCount[]>();
  for (const day of [...new Set(days)].sort().reverse()) {
    for (let delta = later[next]; delta !== undefined && delta.day > day; delta = later[++next]) {
      const entryKey = key(delta.personType, delta.state);
      const entry = running.get(entryKey) ?? { personType: delta.personType, state: delta.state, count: 0 };
      entry.count -= delta.delta;
      running.set(entryKey, entry);
    }
    result.set(day, toCounts(running));
  }
  return result;
}

/** Counts as a person type → state → count record, without zeros. */
export function countsByType(rows: readonly TypeStateCount[]): CountsByType {
  const counts: CountsByType = {};
  for (const row of rows) {
    if (row.count === 0) continue;
    const byState = counts[row.personType] ?? {};
    byState[row.state] = (byState[row.state] ?? 0) + row.count;
    counts[row.personType] = byState;
  }
  return counts;
}

/** The work queues from the current counts, and the ENCODED cards not handed over yet. */
export function workQueues(current: readonly TypeStateCount[], toDeliver: number): WorkQueues {
  const sum = (states: readonly string[]) => current
    .filter((entry) => states.includes(entry.state))
    .reduce((total, entry) => total + entry.count, 0);
  return {
    waitingRequests: sum(WORK_QUEUE_STATES.waitingRequests),
    toPrint: sum(WORK_QUEUE_STATES.toPrint),
    inPrint: sum(WORK_QUEUE_STATES.inPrint),
    toEncode: sum(WORK_QUEUE_STATES.toEncode),
    toDeliver,
  };
}
