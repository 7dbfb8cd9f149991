/**
 * Card statistics in pure functions. The property test checks the rewind against the definition
 * it replaces: on every day, each card is in the target state of its last move before the end of
 * the day (a card created later is absent; a card with no move at all stays in its current state).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CARD_STATES } from './card-state.ts';
import type { DayDelta, TypeStateCount } from './card-stats.ts';
import { addDays } from './calendar-day.ts';
import { countsByType, localDay, rewindCounts, windowDays, workQueues } from './card-stats.ts';

const FIRST_DAY = '2026-02-20';
const TYPES = ['student', 'staff', 'guest'] as const;

interface SimCard {
  personType: string;
  /** Moves in time order: the day index they happened on, and the state they led to. */
  moves: Array<{ day: number; to: string }>;
  /** For a card without moves (loaded from another system): its state. */
  loadedState: string;
}

const cardArbitrary: fc.Arbitrary<SimCard> = fc.record({
  personType: fc.constantFrom(...TYPES),
  moves: fc.array(fc.record({ day: fc.integer({ min: 0, max: 12 }), to: fc.constantFrom(...CARD_STATES) }), { maxLength: 6 })
    .map((moves) => [...moves].sort((a, b) => a.day - b.day)),
  loadedState: fc.constantFrom(...CARD_STATES),
});

function currentState(card: SimCard): string {
  return card.moves.at(-1)?.to ?? card.loadedState;
}

/** The definition: the state each card is in at the end of day `day`, counted. */
function countAtEndOf(cards: readonly SimCard[], day: number): TypeStateCount[] {
  const counts = new Map<string, TypeStateCount>();
  for (const card of cards) {
    const state = card.moves.length === 0 ? card.loadedState : card.moves.filter((move) => move.day <= day).at(-1)?.to;
    if (state === undefined) continue;
    const key = `${card.personType}/${state}`;
    const entry = counts.get(key) ?? { personType: card.personType, state, count: 0 };
    entry.count += 1;
    counts.set(key, entry);
  }
  return [...counts.values()];
}

/** What the database reads: +1 for each move's target, −1 for its origin (none for the creating move). */
function deltasOf(cards: readonly SimCard[]): DayDelta[] {
  return cards.flatMap((card) => card.moves.flatMap((move, index) => {
    const day = addDays(FIRST_DAY, move.day);
    const from = card.moves[index - 1]?.to;
    return [
      { day, personType: card.personType, state: move.to, delta: 1 },
      ...(from === undefined ? [] : [{ day, personType: card.personType, state: from, delta: -1 }]),
    ];
  }));
}

const sorted = (counts: readonly TypeStateCount[]) => [...counts].sort((a, b) =>
  `${a.personType}/${a.state}`.localeCompare(`${b.personType}/${b.state}`));

describe('card statistics', () => {
  it('rewinds the current counts through the moves to the state of every card at the end of each day', () => {
    fc.assert(fc.property(fc.array(cardArbitrary, { maxLength: 25 }), fc.integer({ min: 0, max: 12 }), (cards, earliest) => {
      const current = countAtEndOf(cards.map((card) => ({ ...card, moves: [], loadedState: currentState(card) })), 0);
      const days = Array.from({ length: 13 - earliest }, (_, index) => addDays(FIRST_DAY, earliest + index));
      // Only the moves after the earliest asked day are needed (that is all the database reads).
      const deltas = deltasOf(cards).filter((delta) => delta.day > addDays(FIRST_DAY, earliest));
      const rewound = rewindCounts(current, deltas, [...days].reverse());
      assert.deepEqual([...rewound.keys()].sort(), days);
      for (const [index, day] of days.entries()) {
        assert.deepEqual(sorted(rewound.get(day) ?? []), sorted(countAtEndOf(cards, earliest + index)), day);
      }
    }));
  });

  it('answers the current counts for a day with no later move, and nothing for a day before the first card', () => {
    const current = [{ personType: 'student', state: 'ENABLED', count: 2 }];
    const deltas = [{ day: '2026-03-02', personType: 'student', state: 'ENABLED', delta: 2 }];
    const rewound = rewindCounts(current, deltas, ['2026-03-01', '2026-03-02', '2026-03-03']);
    assert.deepEqual(rewound.get('2026-03-03'), current);
    assert.deepEqual(rewound.get('2026-03-02'), current);
    assert.deepEqual(rewound.get('2026-03-01'), []);
  });

  it('drops the negative counts of a history that contradicts itself', () => {
    const rewound = rewindCounts([], [{ day: '2026-03-02', personType: 'staff', state: 'NEW', delta: 1 }], ['2026-03-01']);
    assert.deepEqual(rewound.get('2026-03-01'), []);
  });

  it('does calendar arithmetic on days across months, leap days and years', () => {
    assert.equal(addDays('2028-02-28', 1), '2028-02-29');
    assert.equal(addDays('2027-02-28', 1), '2027-03-01');
    assert.equal(addDays('2026-01-01', -1), '2025-12-31');
    assert.equal(addDays('2026-03-29', 1), '2026-03-30', 'a day is a day, whatever the clocks do');
    assert.deepEqual(windowDays('2026-03-02', 3), ['2026-02-28', '2026-03-01', '2026-03-02']);
    assert.deepEqual(windowDays('2026-03-02', 1), ['2026-03-02']);
    assert.throws(() => addDays('2026-3-2', 1), /not a day/);
  });

  it('finds the day of an instant in Europe/Paris, winter and summer time', () => {
    assert.equal(localDay(new Date('2026-03-28T22:59:59Z'), 'Europe/Paris'), '2026-03-28');
    assert.equal(localDay(new Date('2026-03-28T23:00:00Z'), 'Europe/Paris'), '2026-03-29');
    assert.equal(localDay(new Date('2026-03-29T21:59:59Z'), 'Europe/Paris'), '2026-03-29');
    assert.equal(localDay(new Date('2026-03-29T22:00:00Z'), 'Europe/Paris'), '2026-03-30');
    assert.equal(localDay(new Date('2026-12-31T23:30:00Z'), 'Europe/Paris'), '2027-01-01');
    fc.assert(fc.property(fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }), (instant) => {
      const day = localDay(instant, 'Europe/Paris');
      // Paris is one or two hours ahead of UTC: its day is the UTC day of the instant 1 or 2 hours later.
      assert.ok([1, 2].some((hours) => new Date(instant.getTime() + hours * 3_600_000).toISOString().slice(0, 10) === day), `${instant.toISOString()} → ${day}`);
    }));
  });

  it('groups counts by person type and sums the work queues', () => {
    const rows = [
      { personType: 'student', state: 'NEW', count: 3 },
      { personType: 'student', state: 'RENEWED', count: 1 },
      { personType: 'staff', state: 'PRINTED', count: 2 },
      { personType: 'staff', state: 'IN_ENCODE', count: 1 },
      { personType: 'staff', state: 'IN_PRINT', count: 4 },
      { personType: 'guest', state: 'REQUEST_CHECKED', count: 5 },
      { personType: 'guest', state: 'ENABLED', count: 0 },
    ];
    assert.deepEqual(countsByType(rows), {
      student: { NEW: 3, RENEWED: 1 },
      staff: { PRINTED: 2, IN_ENCODE: 1, IN_PRINT: 4 },
      guest: { REQUEST_CHECKED: 5 },
    });
    assert.deepEqual(workQueues(rows, 7), { waitingRequests: 4, toPrint: 5, inPrint: 4, toEncode: 3, toDeliver: 7 });
  });
});
