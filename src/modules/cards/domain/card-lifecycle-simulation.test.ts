/**
 * Property test over whole histories: random sequences of requests, moves by any actor, and
 * rights ending or coming back, applied to the cards of one person the way the cards service
 * will apply them (effects included: renewals, retiring other cards, enabling after encoding).
 * After every step, no rule of card-lifecycle.md may be broken.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { CardDisable, CardState } from './card-state.ts';
import { CARD_STATES, DISABLE_REASONS, isLockedState, isTerminal } from './card-state.ts';
import type { Actor, InstitutionCardSettings, MoveDecision, MoveInput, MoveRule } from './card-state-machine.ts';
import { decideMove, decideRenewal, lockOwnerOf } from './card-state-machine.ts';
import { canBindCsn, planEnable, planRightsEnd } from './card-rules.ts';
import { DOC_PAIRS, EXPECTED_ACTOR_PAIRS, RENEWAL_PAIRS, pairKey } from './card-lifecycle.fixture.ts';

interface SimCard {
  id: string;
  personId: string;
  state: CardState;
  lockOwner: string | null;
  disable: CardDisable | null;
  csn: string | null;
  renewalOf: string | null;
}

interface Applied {
  actor: Actor;
  before: SimCard;
  /** The states of the person's cards created after this one, when the move was decided. */
  newer: CardState[];
  decision: Extract<MoveDecision, { ok: true }>;
  to: CardState;
}

const HOLDER = 'p1';
const ACTORS: readonly Actor[] = [
  { kind: 'person', id: HOLDER },
  { kind: 'person', id: 'p2' },
  { kind: 'manager', id: 'm1' },
  { kind: 'manager', id: 'm2' },
  { kind: 'admin', id: 'a1' },
  { kind: 'station', id: 's1' },
  { kind: 'station', id: 's2' },
  { kind: 'deliverer', id: 'd1' },
  { kind: 'system', id: 'system' },
];
const SYSTEM: Actor = { kind: 'system', id: 'system' };
const CSNS = ['04A1B2C3D4E5F6', 'DEADBEEF', '0102030405060708090A'];
const TODAY = '2025-09-01';

/** Targets the document lists from each state, to steer the random walk towards real moves. */
const DOC_TARGETS = new Map(CARD_STATES.map((from) => [from, CARD_STATES.filter((to) => DOC_PAIRS.has(pairKey(from, to)))]));

class World {
  readonly cards: SimCard[];
  readonly applied: Applied[] = [];
  private nextId: number;

  constructor(cards: SimCard[], readonly settings: InstitutionCardSettings) {
    this.cards = cards;
    this.nextId = cards.length;
  }

  request(): void {
    this.cards.push(this.fresh('NEW', null));
  }

  /**
   * What the cards service does: decide, refuse a CSN already bound, then apply every effect.
   * Returns the rule applied, or null when the move was refused.
   */
  move(card: SimCard, request: Omit<MoveInput, 'card' | 'settings'>): MoveRule | null {
    // Cards are created in array order, so the newer cards are the ones after this one.
    const newer = this.cards.slice(this.cards.indexOf(card) + 1).map((other) => other.state);
    const decision = decideMove({ ...request, card: { ...card, newerCards: newer }, settings: this.settings });
    if (!decision.ok) return null;
    const bind = decision.effects.find((effect) => effect.type === 'bindCsn');
    if (bind !== undefined && !canBindCsn(bind.csn, this.cards.filter((other) => other !== card))) return null;
    this.applied.push({ actor: request.actor, before: { ...card }, newer, decision, to: request.to });
    card.state = decision.to;
    for (const effect of decision.effects) {
      switch (effect.type) {
        case 'lock': card.lockOwner = effect.owner; break;
        case 'unlock': card.lockOwner = null; break;
        case 'bindCsn': card.csn = effect.csn; break;
        case 'setDisable': card.disable = effect.disable; break;
        case 'clearDisable': card.disable = null; break;
        case 'createRenewalCard': {
          const renewal = decideRenewal({ id: card.id, personId: card.personId, state: card.state, carried: null });
          assert.ok(renewal.ok, 'a renewal the state machine allowed must be buildable');
          this.cards.push(this.fresh(renewal.card.state, renewal.card.renewalOf));
          break;
        }
        case 'disableOtherEnabledCards':
          for (const planned of planEnable(this.cards, card.id)) {
            const decided = this.move(this.byId(planned.cardId), { to: planned.to, actor: SYSTEM, reason: planned.reason ?? null });
            assert.ok(decided !== null, `planned ${planned.from} → ${planned.to} refused`);
          }
          break;
        case 'autoEnable':
          assert.ok(this.move(card, { to: 'ENABLED', actor: SYSTEM }) !== null, 'auto enable refused');
          break;
        case 'freezePrintedLines':
        case 'activationChanged':
        case 'notify':
          break;
      }
    }
    return decision.rule;
  }

  rights(end: string | null): void {
    for (const planned of planRightsEnd(this.cards, end, TODAY)) {
      const decided = this.move(this.byId(planned.cardId), { to: planned.to, actor: SYSTEM });
      assert.ok(decided?.trigger === planned.trigger, `planned ${planned.from} → ${planned.to} refused`);
    }
    assert.deepEqual(planRightsEnd(this.cards, end, TODAY), [], 'rights planning is not idempotent');
  }

  byId(id: string): SimCard {
    const card = this.cards.find((candidate) => candidate.id === id);
    assert.ok(card !== undefined);
    return card;
  }

  private fresh(state: CardState, renewalOf: string | null): SimCard {
    const id = `c${this.nextId++}`;
    return { id, personId: HOLDER, state, lockOwner: null, disable: null, csn: null, renewalOf };
  }
}

const settingsArb = fc.record({
  autoEnableAfterEncode: fc.boolean(),
  enableOnDelivery: fc.boolean(),
  selfServiceDisableReasons: fc.subarray([...DISABLE_REASONS]),
});

const initialCardArb = fc.record({
  state: fc.constantFrom(...CARD_STATES),
  lockOwner: fc.constantFrom('s1', 'm1', null),
  disable: fc.option(fc.record({
    reason: fc.constantFrom(...DISABLE_REASONS),
    by: fc.constantFrom('self', 'manager', 'system' as const),
    comment: fc.constant(null),
  }), { nil: null }),
});

const stepArb = fc.oneof(
  { weight: 16, arbitrary: fc.record({
    type: fc.constant('move' as const),
    /** Mostly pick among cards that can still move, so the walk goes deep; sometimes any card. */
    live: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    card: fc.noBias(fc.nat(59)),
    target: fc.oneof(
      { weight: 4, arbitrary: fc.noBias(fc.nat(59)).map((pick) => ({ pick })) },
      { weight: 1, arbitrary: fc.constantFrom(...CARD_STATES).map((state) => ({ state })) },
    ),
    actor: fc.noBias(fc.nat(ACTORS.length - 1)),
    reason: fc.option(fc.constantFrom(...DISABLE_REASONS), { nil: null }),
    comment: fc.option(fc.constantFrom('', 'seen at the desk'), { nil: null }),
    csn: fc.option(fc.constantFrom(...CSNS, 'deadbeef'), { nil: null }),
  }) },
  { weight: 1, arbitrary: fc.constant({ type: 'request' as const }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('rights' as const), end: fc.constantFrom('2025-06-30', '2026-06-30', null) }) },
);

type Step = (typeof stepArb) extends fc.Arbitrary<infer S> ? S : never;

/** Plays one step on the world; a move picks its card, actor and target from the step's numbers. */
function play(world: World, step: Step): void {
  if (step.type === 'request') return world.request();
  if (step.type === 'rights') return world.rights(step.end);
  const pool = step.live ? world.cards.filter((card) => !isTerminal(card.state)) : world.cards;
  const card = pool[step.card % Math.max(pool.length, 1)];
  const actor = ACTORS[step.actor];
  if (card === undefined || actor === undefined) return;
  const targets = DOC_TARGETS.get(card.state) ?? [];
  const to = 'state' in step.target ? step.target.state : targets[step.target.pick % Math.max(targets.length, 1)] ?? 'CANCELED';
  world.move(card, { to, actor, reason: step.reason, comment: step.comment, csn: step.csn });
}

/** Initial cards in any state, made consistent the way real data is (at most one ENABLED, …). */
function initialCards(specs: readonly { state: CardState; lockOwner: string | null; disable: CardDisable | null }[]): SimCard[] {
  let enabledSeen = false;
  return specs.map((spec, index) => {
    let state = spec.state;
    if (state === 'ENABLED' && enabledSeen) state = 'DISABLED';
    enabledSeen ||= state === 'ENABLED';
    const disable = state === 'DISABLED' ? spec.disable ?? { reason: 'REPLACED', by: 'system', comment: null }
      : state === 'CADUC' ? spec.disable : null;
    const chipped = ['ENCODED', 'ENABLED', 'DISABLED', 'CADUC', 'DESTROYED'].includes(state);
    return {
      id: `c${index}`,
      personId: HOLDER,
      state,
      lockOwner: isLockedState(state) ? spec.lockOwner : null,
      disable,
      csn: chipped ? `0${index}A1B2C3` : null,
      renewalOf: null,
    };
  });
}

function assertInvariants(world: World, before: readonly SimCard[], appliedFrom: number, createdBy: 'request' | 'other'): void {
  const { cards } = world;
  assert.ok(cards.filter((card) => card.state === 'ENABLED').length <= 1, 'more than one ENABLED card');

  for (const old of before) {
    if (isTerminal(old.state)) assert.equal(world.byId(old.id).state, old.state, `${old.id} left ${old.state}`);
  }

  const live = cards.filter((card) => card.state !== 'DESTROYED' && card.csn !== null).map((card) => card.csn);
  assert.equal(new Set(live).size, live.length, 'a CSN is bound to two live cards');

  for (const card of cards) {
    if (card.state === 'ENABLED') assert.equal(card.disable, null, 'an ENABLED card keeps a disable reason');
    if (card.state === 'DISABLED') assert.notEqual(card.disable, null, 'a DISABLED card has no reason');
    if (!isLockedState(card.state)) assert.equal(card.lockOwner, null, `${card.state} card still locked`);
  }

  const created = cards.filter((card) => !before.some((old) => old.id === card.id));
  const renewalsMade = world.applied.slice(appliedFrom)
    .filter((step) => step.decision.effects.some((effect) => effect.type === 'createRenewalCard'));
  if (createdBy === 'request') {
    assert.deepEqual(created.map((card) => card.state), ['NEW']);
  } else {
    assert.equal(created.length, renewalsMade.length, 'a card appeared without a renewal');
    for (const card of created) {
      assert.equal(card.state, 'RENEWED');
      const source = renewalsMade.find((step) => step.before.id === card.renewalOf);
      assert.ok(source !== undefined && ['ENABLED', 'DESTROYED'].includes(source.before.state));
    }
  }

  for (const step of world.applied.slice(appliedFrom)) {
    const { actor, before: card, decision, to } = step;
    const pair = pairKey(card.state, to);
    assert.ok(DOC_PAIRS.has(pair), `undocumented move ${pair}`);
    assert.equal(pairKey(decision.rule.from, decision.rule.to), pair);
    assert.ok(EXPECTED_ACTOR_PAIRS[actor.kind].has(pair), `${actor.kind} made ${pair}`);
    assert.equal(decision.to, RENEWAL_PAIRS.has(pair) ? card.state : to, `${pair} changed the card wrongly`);
    if (isLockedState(card.state) && card.lockOwner !== null) {
      assert.ok(actor.kind === 'admin' || lockOwnerOf(actor) === card.lockOwner, `${lockOwnerOf(actor)} broke ${card.lockOwner}'s lock`);
    }
    if (card.state === 'DISABLED' && to === 'ENABLED') {
      const alive = step.newer.filter((state) => !['REJECTED', 'CANCELED', 'DESTROYED'].includes(state));
      assert.deepEqual(alive, [], `${card.id} came back over a newer card`);
    }
    if (decision.rule.trigger === 'card_replaced') {
      const enabled = world.applied.slice(appliedFrom).find((other) => other.to === 'ENABLED' && other.before.state !== 'ENABLED');
      assert.ok(enabled === undefined || enabled.before.state !== 'DISABLED' || Number(card.id.slice(1)) < Number(enabled.before.id.slice(1)),
        'a re-enabled card retired a newer one');
    }
    if (actor.kind === 'person') {
      assert.equal(actor.id, card.personId, 'a person moved someone else\'s card');
      assert.ok(!(card.state === 'DISABLED' && to === 'ENABLED' && card.disable?.by === 'manager'),
        'a person re-enabled a card a manager disabled');
    }
  }
}

describe('card lifecycle simulation (property)', () => {
  it('never breaks a lifecycle rule, whatever sequence of moves is tried', () => {
    fc.assert(fc.property(
      settingsArb,
      fc.array(initialCardArb, { maxLength: 4 }),
      fc.array(stepArb, { minLength: 1, maxLength: 50 }),
      (settings, specs, steps) => {
        const world = new World(initialCards(specs), settings);
        for (const step of steps) {
          const before = world.cards.map((card) => ({ ...card }));
          const appliedFrom = world.applied.length;
          play(world, step);
          assertInvariants(world, before, appliedFrom, step.type === 'request' ? 'request' : 'other');
        }
      },
    ), { numRuns: 1000 });
  });

  it('reaches every documented move in practice (the walk is not stuck)', () => {
    const seen = new Set<string>();
    fc.assert(fc.property(settingsArb, fc.array(stepArb, { minLength: 100, maxLength: 150 }), (settings, steps) => {
      const world = new World([], settings);
      world.request();
      for (const step of steps) play(world, step);
      for (const step of world.applied) seen.add(pairKey(step.before.state, step.to));
    }), { numRuns: 200, seed: 20250901 });
    assert.deepEqual([...DOC_PAIRS].filter((pair) => !seen.has(pair)), []);
  });
});
