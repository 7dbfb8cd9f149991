import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { CardState } from './card-state.ts';
import { CARD_STATES } from './card-state.ts';
import type { CardSummary, PlannedMove } from './card-rules.ts';
import { canBindCsn, pendingRequests, planEnable, planRightsEnd } from './card-rules.ts';
import { DEFAULT_CARD_SETTINGS, decideMove } from './card-state-machine.ts';

const TODAY = '2025-09-01';

function cards(...states: CardState[]): CardSummary[] {
  return states.map((state, index) => ({ id: `c${index}`, state }));
}

function apply(list: readonly CardSummary[], plan: readonly PlannedMove[]): CardSummary[] {
  return list.map((card) => ({ ...card, state: plan.find((move) => move.cardId === card.id)?.to ?? card.state }));
}

/** Every planned move must pass the state machine as a system move. */
function assertAccepted(plan: readonly PlannedMove[]): void {
  for (const move of plan) {
    const decision = decideMove({
      card: { personId: 'p1', state: move.from, lockOwner: null, disable: null, newerCards: [] },
      to: move.to,
      actor: { kind: 'system', id: 'system' },
      reason: move.reason ?? null,
      settings: DEFAULT_CARD_SETTINGS,
    });
    assert.ok(decision.ok && decision.rule.trigger === move.trigger, `${move.from} → ${move.to} (${move.trigger})`);
  }
}

describe('planEnable', () => {
  it('retires every other ENABLED card with reason REPLACED', () => {
    const plan = planEnable(cards('ENABLED', 'ENCODED', 'DISABLED', 'ENABLED'), 'c1');
    assert.deepEqual(plan, [
      { cardId: 'c0', from: 'ENABLED', to: 'DISABLED', trigger: 'card_replaced', reason: 'REPLACED' },
      { cardId: 'c3', from: 'ENABLED', to: 'DISABLED', trigger: 'card_replaced', reason: 'REPLACED' },
    ]);
    assertAccepted(plan);
  });

  it('leaves the card being enabled alone, and plans nothing when it is the only one', () => {
    assert.deepEqual(planEnable(cards('ENABLED'), 'c0'), []);
    assert.deepEqual(planEnable(cards('DISABLED', 'ENCODED'), 'c1'), []);
  });

  it('leaves exactly one ENABLED card once applied (property)', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom(...CARD_STATES), { minLength: 1, maxLength: 8 }), fc.nat(), (states, pick) => {
      const list = cards(...states);
      const chosen = list[pick % list.length];
      assert.ok(chosen !== undefined);
      const after = apply(list, [
        ...planEnable(list, chosen.id),
        { cardId: chosen.id, from: chosen.state, to: 'ENABLED', trigger: 'auto_enable_after_encode' },
      ]);
      assert.deepEqual(after.filter((card) => card.state === 'ENABLED').map((card) => card.id), [chosen.id]);
    }));
  });
});

describe('canBindCsn', () => {
  it('refuses a CSN another live card holds, whatever its case', () => {
    const others = [{ state: 'ENABLED' as const, csn: '04A1B2C3D4E5F6' }, { state: 'PRINTED' as const, csn: null }];
    assert.equal(canBindCsn('04A1B2C3D4E5F6', others), false);
    assert.equal(canBindCsn('04a1b2c3d4e5f6', others), false);
    assert.equal(canBindCsn('DEADBEEF', others), true);
  });

  it('frees the CSN of a destroyed card, and of no other state', () => {
    for (const state of CARD_STATES) {
      assert.equal(canBindCsn('DEADBEEF', [{ state, csn: 'DEADBEEF' }]), state === 'DESTROYED', state);
    }
  });
});

describe('planRightsEnd', () => {
  it('expires working cards and cancels pending requests once the end date has passed', () => {
    const plan = planRightsEnd(cards(...CARD_STATES), '2025-08-31', TODAY);
    assert.deepEqual(plan.map((move) => `${move.from}>${move.to}:${move.trigger}`), [
      'NEW>CANCELED:rights_ended',
      'RENEWED>CANCELED:rights_ended',
      'REQUEST_CHECKED>CANCELED:rights_ended',
      'ENABLED>CADUC:rights_ended',
      'DISABLED>CADUC:rights_ended',
    ]);
    assertAccepted(plan);
  });

  it('counts the end date itself as a day with rights', () => {
    assert.deepEqual(planRightsEnd(cards('ENABLED'), TODAY, TODAY), []);
  });

  it('brings expired cards back to DISABLED when rights are extended or open-ended', () => {
    for (const end of ['2026-08-31', TODAY, null]) {
      const plan = planRightsEnd(cards(...CARD_STATES), end, TODAY);
      assert.deepEqual(plan, [{ cardId: 'c11', from: 'CADUC', to: 'DISABLED', trigger: 'rights_extended' }]);
      assertAccepted(plan);
    }
  });

  it('rejects malformed dates', () => {
    assert.throws(() => planRightsEnd([], '31/08/2025', TODAY), RangeError);
    assert.throws(() => planRightsEnd([], null, '2025-9-1'), RangeError);
  });

  it('is idempotent: planning again after applying gives nothing (property)', () => {
    const date = fc.integer({ min: 0, max: 3650 }).map((days) => new Date(Date.UTC(2020, 0, 1) + days * 86_400_000).toISOString().slice(0, 10));
    fc.assert(fc.property(fc.array(fc.constantFrom(...CARD_STATES), { maxLength: 8 }), fc.option(date), date, (states, end, today) => {
      const list = cards(...states);
      const plan = planRightsEnd(list, end, today);
      assertAccepted(plan);
      assert.deepEqual(planRightsEnd(apply(list, plan), end, today), []);
    }), { numRuns: 500 });
  });
});

describe('pendingRequests', () => {
  it('lists the requests not yet made into a card', () => {
    assert.deepEqual(pendingRequests(cards(...CARD_STATES)).map((card) => card.state), ['NEW', 'RENEWED', 'REQUEST_CHECKED']);
  });
});
