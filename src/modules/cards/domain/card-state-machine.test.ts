import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { CardDisable, CardState, DisableReason } from './card-state.ts';
import { CARD_STATES, DISABLE_REASONS, isLockedState } from './card-state.ts';
import type { Actor, ActorKind, CardFacts, InstitutionCardSettings, MoveDecision, MoveInput } from './card-state-machine.ts';
import {
  ACTOR_KINDS,
  DEFAULT_CARD_SETTINGS,
  blocksReenable,
  MOVE_RULES,
  SYSTEM_MOVES,
  USER_MOVES,
  decideMove,
  decideRenewal,
  lockOwnerOf,
  openMoves,
} from './card-state-machine.ts';
import { DOC_PAIRS, DOC_SYSTEM_PAIRS, DOC_USER_PAIRS, EXPECTED_ACTOR_PAIRS, RENEWAL_PAIRS, pairKey } from './card-lifecycle.fixture.ts';

const ALL_ON: InstitutionCardSettings = {
  autoEnableAfterEncode: true,
  enableOnDelivery: true,
  selfServiceDisableReasons: ['LOST', 'THEFT', 'OUT_OF_ORDER'],
};
const CSN = '04A1B2C3D4E5F6';
const HOLDER: Actor = { kind: 'person', id: 'p1' };
const MANAGER: Actor = { kind: 'manager', id: 'm1' };
const ADMIN: Actor = { kind: 'admin', id: 'a1' };
const STATION: Actor = { kind: 'station', id: 's1' };
const OTHER_STATION: Actor = { kind: 'station', id: 's2' };
const DELIVERER: Actor = { kind: 'deliverer', id: 'd1' };
const SYSTEM: Actor = { kind: 'system', id: 'system' };

function card(state: CardState, extra: Partial<CardFacts> = {}): CardFacts {
  return { personId: 'p1', state, lockOwner: null, disable: null, newerCards: [], ...extra };
}

function move(input: Partial<MoveInput> & Pick<MoveInput, 'card' | 'to' | 'actor'>): MoveDecision {
  return decideMove({ settings: DEFAULT_CARD_SETTINGS, ...input });
}

function refusal(decision: MoveDecision): string {
  assert.equal(decision.ok, false, 'expected a refusal');
  return decision.ok ? '' : decision.code;
}

function accepted(decision: MoveDecision): Extract<MoveDecision, { ok: true }> {
  if (!decision.ok) assert.fail(`expected the move to be allowed, got ${decision.code}: ${decision.message}`);
  return decision;
}

/** The most favourable input an actor can send: if this is refused, the actor can never do it. */
function bestInput(from: CardState, to: CardState, kind: ActorKind): MoveInput {
  const actor: Actor = { kind, id: kind === 'person' ? 'p1' : `${kind}-1` };
  const disable: CardDisable | null = from === 'DISABLED' ? { reason: 'LOST', by: 'self', comment: null } : null;
  const reason: DisableReason = kind === 'person' ? 'LOST' : 'MANAGER';
  return {
    card: card(from, { lockOwner: isLockedState(from) ? lockOwnerOf(actor) : null, disable }),
    to,
    actor,
    reason,
    comment: 'checked with the person',
    csn: CSN,
    settings: ALL_ON,
  };
}

describe('transition table', () => {
  it('user moves are exactly the document\'s first table', () => {
    const pairs = new Set(USER_MOVES.map((rule) => pairKey(rule.from, rule.to)));
    assert.deepEqual([...pairs].sort(), [...DOC_USER_PAIRS].sort());
  });

  it('system moves are the document\'s second table plus the two its Rules imply', () => {
    const pairs = new Set(SYSTEM_MOVES.map((rule) => pairKey(rule.from, rule.to)));
    assert.deepEqual([...pairs].sort(), [...DOC_SYSTEM_PAIRS, 'ENABLED>DISABLED', 'ENCODED>ENABLED'].sort());
    const extra = SYSTEM_MOVES.filter((rule) => !DOC_SYSTEM_PAIRS.has(pairKey(rule.from, rule.to)));
    assert.deepEqual(extra.map((rule) => rule.trigger).sort(), ['auto_enable_after_encode', 'card_replaced']);
  });

  it('gives each actor kind at most one row per pair, so a decision is never ambiguous', () => {
    for (const kind of ACTOR_KINDS) {
      const keys = MOVE_RULES.filter((rule) => rule.actors.includes(kind)).map((rule) => pairKey(rule.from, rule.to));
      assert.equal(new Set(keys).size, keys.length, kind);
    }
  });

  it('allows each of the 169 (from, to) pairs for some actor iff the document lists it', () => {
    let checked = 0;
    for (const from of CARD_STATES) {
      for (const to of CARD_STATES) {
        const allowed = ACTOR_KINDS.some((kind) => decideMove(bestInput(from, to, kind)).ok);
        assert.equal(allowed, DOC_PAIRS.has(pairKey(from, to)), `${from} → ${to}`);
        checked += 1;
      }
    }
    assert.equal(checked, 169);
  });

  it('refuses every unlisted pair with move_not_allowed, whoever asks', () => {
    for (const from of CARD_STATES) {
      for (const to of CARD_STATES) {
        if (DOC_PAIRS.has(pairKey(from, to))) continue;
        for (const kind of ACTOR_KINDS) {
          assert.equal(refusal(decideMove(bestInput(from, to, kind))), 'move_not_allowed', `${kind}: ${from} → ${to}`);
        }
      }
    }
  });

  it('lets each actor kind make exactly its documented pairs, and refuses the others as forbidden_for_actor', () => {
    for (const kind of ACTOR_KINDS) {
      for (const pair of DOC_PAIRS) {
        const [from, to] = pair.split('>') as [CardState, CardState];
        const decision = decideMove(bestInput(from, to, kind));
        if (EXPECTED_ACTOR_PAIRS[kind].has(pair)) {
          accepted(decision);
        } else {
          assert.equal(refusal(decision), 'forbidden_for_actor', `${kind}: ${pair}`);
        }
      }
    }
  });

  it('only changes the card along the table (renewals leave it as it is)', () => {
    for (const kind of ACTOR_KINDS) {
      for (const pair of EXPECTED_ACTOR_PAIRS[kind]) {
        const [from, to] = pair.split('>') as [CardState, CardState];
        const decision = accepted(decideMove(bestInput(from, to, kind)));
        assert.equal(decision.to, RENEWAL_PAIRS.has(pair) ? from : to, `${kind}: ${pair}`);
      }
    }
  });
});

describe('decideMove refusals', () => {
  it('lets a person act on their own cards only', () => {
    assert.equal(refusal(move({ card: card('NEW', { personId: 'p2' }), to: 'CANCELED', actor: HOLDER })), 'forbidden_for_actor');
    accepted(move({ card: card('NEW'), to: 'CANCELED', actor: HOLDER }));
  });

  it('keeps checked requests, printing and destruction away from the holder', () => {
    for (const [from, to] of [['REQUEST_CHECKED', 'CANCELED'], ['NEW', 'REQUEST_CHECKED'], ['ENCODED', 'ENABLED'],
      ['DISABLED', 'DESTROYED'], ['REQUEST_CHECKED', 'IN_PRINT']] as const) {
      assert.equal(refusal(move({ card: card(from), to, actor: HOLDER })), 'forbidden_for_actor', `${from} → ${to}`);
    }
  });

  it('keeps system moves away from people and staff', () => {
    assert.equal(refusal(move({ card: card('PRINTED'), to: 'IN_ENCODE', actor: MANAGER })), 'forbidden_for_actor');
    assert.equal(refusal(move({ card: card('ENABLED'), to: 'CADUC', actor: ADMIN })), 'forbidden_for_actor');
    assert.equal(refusal(move({ card: card('CADUC'), to: 'DISABLED', actor: MANAGER })), 'forbidden_for_actor');
    assert.equal(refusal(move({ card: card('NEW'), to: 'REQUEST_CHECKED', actor: SYSTEM })), 'forbidden_for_actor');
  });

  it('lets the deliverer enable only when the institution enables on delivery', () => {
    const encoded = card('ENCODED');
    assert.equal(refusal(move({ card: encoded, to: 'ENABLED', actor: DELIVERER })), 'disabled_by_settings');
    accepted(move({ card: encoded, to: 'ENABLED', actor: DELIVERER, settings: { ...DEFAULT_CARD_SETTINGS, enableOnDelivery: true } }));
    accepted(move({ card: encoded, to: 'ENABLED', actor: MANAGER }));
  });

  it('lets the system enable after encoding only when the institution says so', () => {
    assert.equal(refusal(move({ card: card('ENCODED'), to: 'ENABLED', actor: SYSTEM })), 'disabled_by_settings');
    accepted(move({ card: card('ENCODED'), to: 'ENABLED', actor: SYSTEM, settings: ALL_ON }));
  });

  it('lets only the lock owner or an admin move an IN_PRINT or IN_ENCODE card', () => {
    const inPrint = card('IN_PRINT', { lockOwner: lockOwnerOf(STATION) });
    assert.equal(refusal(move({ card: inPrint, to: 'PRINTED', actor: MANAGER })), 'not_your_lock');
    assert.equal(refusal(move({ card: inPrint, to: 'PRINTED', actor: OTHER_STATION })), 'not_your_lock');
    assert.equal(refusal(move({ card: inPrint, to: 'ENCODED', actor: OTHER_STATION, csn: CSN })), 'not_your_lock');
    accepted(move({ card: inPrint, to: 'PRINTED', actor: STATION }));
    accepted(move({ card: inPrint, to: 'REQUEST_CHECKED', actor: ADMIN }));

    const inEncode = card('IN_ENCODE', { lockOwner: lockOwnerOf(STATION) });
    assert.equal(refusal(move({ card: inEncode, to: 'ENCODED', actor: OTHER_STATION, csn: CSN })), 'not_your_lock');
    assert.equal(refusal(move({ card: inEncode, to: 'PRINTED', actor: MANAGER })), 'not_your_lock');
    accepted(move({ card: inEncode, to: 'ENCODED', actor: STATION, csn: CSN }));
    accepted(move({ card: inEncode, to: 'PRINTED', actor: ADMIN }));
  });

  it('keeps the lock with the same identity whatever capacity it acts in', () => {
    const inPrint = card('IN_PRINT', { lockOwner: lockOwnerOf({ kind: 'manager', id: '7' }) });
    accepted(move({ card: inPrint, to: 'PRINTED', actor: { kind: 'station', id: '7' } }));
    assert.equal(refusal(move({ card: inPrint, to: 'PRINTED', actor: { kind: 'station', id: '8' } })), 'not_your_lock');
  });

  it('treats an IN_PRINT card without a lock (migrated data) as free to the print floor', () => {
    accepted(move({ card: card('IN_PRINT'), to: 'PRINTED', actor: MANAGER }));
  });

  it('asks a reason to disable, and a comment with MANAGER', () => {
    const enabled = card('ENABLED');
    assert.equal(refusal(move({ card: enabled, to: 'DISABLED', actor: MANAGER })), 'reason_required');
    assert.equal(refusal(move({ card: enabled, to: 'DISABLED', actor: HOLDER, reason: null })), 'reason_required');
    assert.equal(refusal(move({ card: enabled, to: 'DISABLED', actor: MANAGER, reason: 'MANAGER' })), 'comment_required');
    assert.equal(refusal(move({ card: enabled, to: 'DISABLED', actor: MANAGER, reason: 'MANAGER', comment: '   ' })), 'comment_required');
    accepted(move({ card: enabled, to: 'DISABLED', actor: MANAGER, reason: 'MANAGER', comment: 'fraud' }));
    accepted(move({ card: enabled, to: 'DISABLED', actor: MANAGER, reason: 'THEFT' }));
  });

  it('keeps REPLACED and RIGHTS_ENDED for the system', () => {
    for (const reason of ['REPLACED', 'RIGHTS_ENDED'] as const) {
      assert.equal(refusal(move({ card: card('ENABLED'), to: 'DISABLED', actor: ADMIN, reason })), 'reason_not_allowed');
      assert.equal(refusal(move({ card: card('ENABLED'), to: 'DISABLED', actor: HOLDER, reason })), 'reason_not_allowed_for_self_service');
    }
  });

  it('lets the holder disable only with the reasons the institution opened', () => {
    const enabled = card('ENABLED');
    const lostOnly: InstitutionCardSettings = { ...DEFAULT_CARD_SETTINGS, selfServiceDisableReasons: ['LOST'] };
    accepted(move({ card: enabled, to: 'DISABLED', actor: HOLDER, reason: 'LOST', settings: lostOnly }));
    assert.equal(refusal(move({ card: enabled, to: 'DISABLED', actor: HOLDER, reason: 'THEFT', settings: lostOnly })),
      'reason_not_allowed_for_self_service');
    const managerOpened: InstitutionCardSettings = { ...DEFAULT_CARD_SETTINGS, selfServiceDisableReasons: ['MANAGER'] };
    assert.equal(refusal(move({ card: enabled, to: 'DISABLED', actor: HOLDER, reason: 'MANAGER', comment: 'x', settings: managerOpened })),
      'reason_not_allowed_for_self_service');
  });

  it('wants the rejection reason the person will read', () => {
    assert.equal(refusal(move({ card: card('NEW'), to: 'REJECTED', actor: MANAGER })), 'comment_required');
    const decision = accepted(move({ card: card('RENEWED'), to: 'REJECTED', actor: MANAGER, comment: ' blurry photo ' }));
    assert.deepEqual(decision.effects, [{ type: 'notify', kind: 'request_rejected', reason: 'blurry photo' }]);
  });

  it('never lets the holder re-enable a card a manager disabled', () => {
    for (const reason of DISABLE_REASONS) {
      const byManager = card('DISABLED', { disable: { reason, by: 'manager', comment: null } });
      assert.equal(refusal(move({ card: byManager, to: 'ENABLED', actor: HOLDER })), 'reenable_forbidden', reason);
      accepted(move({ card: byManager, to: 'ENABLED', actor: MANAGER }));
    }
  });

  it('lets the holder re-enable after their own or a system disable', () => {
    for (const by of ['self', 'system'] as const) {
      accepted(move({ card: card('DISABLED', { disable: { reason: 'LOST', by, comment: null } }), to: 'ENABLED', actor: HOLDER }));
    }
  });

  it('re-enables no card once a newer card of the person is alive, whoever asks (issue 14)', () => {
    const lost: CardDisable = { reason: 'LOST', by: 'self', comment: null };
    for (const newer of CARD_STATES) {
      for (const actor of [HOLDER, MANAGER, ADMIN]) {
        const decision = move({ card: card('DISABLED', { disable: lost, newerCards: ['CANCELED', newer] }), to: 'ENABLED', actor });
        if (['REJECTED', 'CANCELED', 'DESTROYED'].includes(newer)) accepted(decision);
        else assert.equal(refusal(decision), 'newer_card_exists', `${actor.kind}, newer card ${newer}`);
      }
    }
    // Two lost cards: the older one stays off, the newer one comes back.
    assert.equal(refusal(move({ card: card('DISABLED', { disable: lost, newerCards: ['DISABLED'] }), to: 'ENABLED', actor: HOLDER })),
      'newer_card_exists');
    accepted(move({ card: card('DISABLED', { disable: lost, newerCards: [] }), to: 'ENABLED', actor: HOLDER }));
  });

  it('does not let a newer card stop anything but re-enabling', () => {
    const newerCards: CardState[] = ['ENABLED'];
    accepted(move({ card: card('ENABLED', { newerCards }), to: 'DISABLED', actor: HOLDER, reason: 'LOST' }));
    accepted(move({ card: card('ENCODED', { newerCards }), to: 'ENABLED', actor: MANAGER }));
    accepted(move({ card: card('DISABLED', { newerCards, disable: { reason: 'LOST', by: 'self', comment: null } }), to: 'DESTROYED', actor: MANAGER }));
  });

  it('needs a canonical CSN to enter ENCODED', () => {
    const inEncode = card('IN_ENCODE', { lockOwner: lockOwnerOf(STATION) });
    assert.equal(refusal(move({ card: inEncode, to: 'ENCODED', actor: STATION })), 'csn_required');
    assert.equal(refusal(move({ card: inEncode, to: 'ENCODED', actor: STATION, csn: '' })), 'csn_required');
    assert.equal(refusal(move({ card: inEncode, to: 'ENCODED', actor: STATION, csn: '04a1b2c3' })), 'csn_invalid');
    assert.equal(refusal(move({ card: inEncode, to: 'ENCODED', actor: STATION, csn: '04A1B2' })), 'csn_invalid');
  });
});

describe('decideMove effects', () => {
  it('locks a card to whoever takes it into print, and unlocks it when printed', () => {
    const taken = accepted(move({ card: card('REQUEST_CHECKED'), to: 'IN_PRINT', actor: STATION }));
    assert.deepEqual(taken.effects, [{ type: 'lock', owner: 's1' }]);
    const printed = accepted(move({ card: card('IN_PRINT', { lockOwner: 's1' }), to: 'PRINTED', actor: STATION }));
    assert.deepEqual(printed.effects, [{ type: 'unlock' }, { type: 'freezePrintedLines' }]);
  });

  it('hands the lock to an admin who reprints', () => {
    const reprint = accepted(move({ card: card('IN_PRINT', { lockOwner: 's1' }), to: 'IN_PRINT', actor: ADMIN }));
    assert.equal(reprint.to, 'IN_PRINT');
    assert.deepEqual(reprint.effects, [{ type: 'lock', owner: 'a1' }]);
  });

  it('unlocks without freezing when a card leaves the batch or encoding fails', () => {
    const out = accepted(move({ card: card('IN_PRINT', { lockOwner: 'm1' }), to: 'REQUEST_CHECKED', actor: MANAGER }));
    assert.deepEqual(out.effects, [{ type: 'unlock' }]);
    const failed = accepted(move({ card: card('IN_ENCODE', { lockOwner: 's1' }), to: 'PRINTED', actor: STATION }));
    assert.deepEqual(failed.effects, [{ type: 'unlock' }]);
  });

  it('locks a card to the encoding station that takes it', () => {
    const taken = accepted(move({ card: card('PRINTED'), to: 'IN_ENCODE', actor: STATION }));
    assert.equal(taken.rule.trigger, 'station_takes_card');
    assert.deepEqual(taken.effects, [{ type: 'lock', owner: 's1' }]);
  });

  it('binds the CSN on encoding, and enables straight away when the institution wants it', () => {
    const inEncode = card('IN_ENCODE', { lockOwner: 's1' });
    const plain = accepted(move({ card: inEncode, to: 'ENCODED', actor: STATION, csn: CSN }));
    assert.equal(plain.rule.trigger, 'encode_success');
    assert.deepEqual(plain.effects, [
      { type: 'unlock' }, { type: 'bindCsn', csn: CSN }, { type: 'notify', kind: 'card_ready' },
    ]);
    const auto = accepted(move({ card: inEncode, to: 'ENCODED', actor: STATION, csn: CSN, settings: ALL_ON }));
    assert.deepEqual(auto.effects.at(-1), { type: 'autoEnable' });
  });

  it('freezes the printed lines on one-pass print and encode', () => {
    const decision = accepted(move({ card: card('IN_PRINT', { lockOwner: 's1' }), to: 'ENCODED', actor: STATION, csn: CSN }));
    assert.equal(decision.rule.trigger, 'print_encode_success');
    assert.deepEqual(decision.effects.map((effect) => effect.type), ['unlock', 'freezePrintedLines', 'bindCsn', 'notify']);
  });

  it('retires the other cards and tells the connectors when a card gets ENABLED', () => {
    const decision = accepted(move({ card: card('ENCODED'), to: 'ENABLED', actor: MANAGER }));
    assert.deepEqual(decision.effects, [
      { type: 'disableOtherEnabledCards' }, { type: 'activationChanged', enabled: true },
    ]);
    const again = accepted(move({
      card: card('DISABLED', { disable: { reason: 'LOST', by: 'self', comment: null } }), to: 'ENABLED', actor: HOLDER,
    }));
    assert.deepEqual(again.effects, [
      { type: 'clearDisable' }, { type: 'disableOtherEnabledCards' }, { type: 'activationChanged', enabled: true },
    ]);
  });

  it('records who disabled a card and why', () => {
    const self = accepted(move({ card: card('ENABLED'), to: 'DISABLED', actor: HOLDER, reason: 'LOST', comment: 'bus' }));
    assert.deepEqual(self.effects, [
      { type: 'setDisable', disable: { reason: 'LOST', by: 'self', comment: 'bus' } },
      { type: 'activationChanged', enabled: false },
      { type: 'notify', kind: 'card_disabled', reason: 'LOST' },
    ]);
    const staff = accepted(move({ card: card('ENABLED'), to: 'DISABLED', actor: ADMIN, reason: 'OUT_OF_ORDER' }));
    assert.deepEqual(staff.effects[0], { type: 'setDisable', disable: { reason: 'OUT_OF_ORDER', by: 'manager', comment: null } });
  });

  it('sets REPLACED itself when the system retires a card', () => {
    const decision = accepted(move({ card: card('ENABLED'), to: 'DISABLED', actor: SYSTEM }));
    assert.equal(decision.rule.trigger, 'card_replaced');
    assert.deepEqual(decision.effects[0], { type: 'setDisable', disable: { reason: 'REPLACED', by: 'system', comment: null } });
  });

  it('brings an expired card back to DISABLED with its earlier reason, or RIGHTS_ENDED', () => {
    const fresh = accepted(move({ card: card('CADUC'), to: 'DISABLED', actor: SYSTEM }));
    assert.equal(fresh.rule.trigger, 'rights_extended');
    assert.deepEqual(fresh.effects, [{ type: 'setDisable', disable: { reason: 'RIGHTS_ENDED', by: 'system', comment: null } }]);
    const earlier: CardDisable = { reason: 'MANAGER', by: 'manager', comment: 'fraud' };
    const kept = accepted(move({ card: card('CADUC', { disable: earlier }), to: 'DISABLED', actor: SYSTEM }));
    assert.deepEqual(kept.effects, []);
  });

  it('expires and cancels on rights end', () => {
    const expired = accepted(move({ card: card('ENABLED'), to: 'CADUC', actor: SYSTEM }));
    assert.equal(expired.rule.trigger, 'rights_ended');
    assert.deepEqual(expired.effects, [{ type: 'activationChanged', enabled: false }]);
    const canceled = accepted(move({ card: card('REQUEST_CHECKED'), to: 'CANCELED', actor: SYSTEM }));
    assert.equal(canceled.rule.trigger, 'rights_ended');
  });

  it('tells the person their request was checked, but not when a card merely leaves a batch', () => {
    const checked = accepted(move({ card: card('NEW'), to: 'REQUEST_CHECKED', actor: MANAGER }));
    assert.deepEqual(checked.effects, [{ type: 'notify', kind: 'request_checked' }]);
  });

  it('renews without touching the renewed card', () => {
    const fromEnabled = accepted(move({ card: card('ENABLED'), to: 'RENEWED', actor: HOLDER }));
    assert.equal(fromEnabled.to, 'ENABLED');
    assert.equal(fromEnabled.rule.to, 'RENEWED');
    assert.deepEqual(fromEnabled.effects, [{ type: 'createRenewalCard' }]);
    const fromDestroyed = accepted(move({ card: card('DESTROYED'), to: 'RENEWED', actor: MANAGER }));
    assert.equal(fromDestroyed.to, 'DESTROYED');
    assert.deepEqual(fromDestroyed.effects, [{ type: 'createRenewalCard' }]);
  });
});

describe('openMoves', () => {
  it('offers the holder what they can do themselves, and nothing the server would refuse', () => {
    assert.deepEqual(openMoves(card('ENABLED'), HOLDER, DEFAULT_CARD_SETTINGS), ['DISABLED', 'RENEWED']);
    assert.deepEqual(openMoves(card('ENABLED'), HOLDER, { ...DEFAULT_CARD_SETTINGS, selfServiceDisableReasons: [] }), ['RENEWED']);
    assert.deepEqual(openMoves(card('NEW'), HOLDER, DEFAULT_CARD_SETTINGS), ['CANCELED']);
    const lost = card('DISABLED', { disable: { reason: 'LOST', by: 'self', comment: null } });
    assert.deepEqual(openMoves(lost, HOLDER, DEFAULT_CARD_SETTINGS), ['ENABLED']);
    assert.deepEqual(openMoves({ ...lost, newerCards: ['NEW'] }, HOLDER, DEFAULT_CARD_SETTINGS), []);
    assert.deepEqual(openMoves({ ...lost, newerCards: ['NEW'] }, ADMIN, DEFAULT_CARD_SETTINGS), ['DESTROYED']);
    assert.deepEqual(openMoves(card('DISABLED', { disable: { reason: 'MANAGER', by: 'manager', comment: 'x' } }), HOLDER, DEFAULT_CARD_SETTINGS), []);
    assert.deepEqual(openMoves(card('ENABLED', { personId: 'p2' }), HOLDER, DEFAULT_CARD_SETTINGS), []);
  });

  it('agrees with decideMove: every open move is allowed with some input, every other one never is (property)', () => {
    const inputArb = fc.record({
      state: fc.constantFrom(...CARD_STATES),
      actor: fc.constantFrom(HOLDER, MANAGER, ADMIN, STATION, DELIVERER),
      by: fc.constantFrom('self', 'manager', 'system' as const),
      newerCards: fc.array(fc.constantFrom(...CARD_STATES), { maxLength: 3 }),
      lockOwner: fc.constantFrom(null, 's1', 'm1'),
      settings: fc.record({
        autoEnableAfterEncode: fc.boolean(),
        enableOnDelivery: fc.boolean(),
        selfServiceDisableReasons: fc.subarray([...DISABLE_REASONS]),
      }),
    });
    fc.assert(fc.property(inputArb, ({ state, actor, by, newerCards, lockOwner, settings }) => {
      const facts = card(state, { newerCards, lockOwner, disable: state === 'DISABLED' ? { reason: 'LOST', by, comment: null } : null });
      const open = openMoves(facts, actor, settings);
      for (const to of CARD_STATES) {
        const anyInput = DISABLE_REASONS.some((reason) => decideMove({ card: facts, to, actor, reason, comment: 'c', csn: CSN, settings }).ok);
        assert.equal(open.includes(to), anyInput, `${actor.kind}: ${state} → ${to}`);
      }
    }), { numRuns: 2000 });
  });
});

describe('decideRenewal', () => {
  it('makes a RENEWED card that copies photo and data but nothing of the old chip', () => {
    const carried = { photoId: 'ph-1', lines: ['ADA LOVELACE'] };
    const decision = decideRenewal({ id: 'c1', personId: 'p1', state: 'ENABLED', carried });
    assert.deepEqual(decision, {
      ok: true,
      card: { personId: 'p1', state: 'RENEWED', renewalOf: 'c1', carried, csn: null, lockOwner: null, disable: null },
    });
    assert.equal(decideRenewal({ id: 'c2', personId: 'p1', state: 'DESTROYED', carried }).ok, true);
  });

  it('refuses cards the table does not renew', () => {
    for (const state of CARD_STATES.filter((s) => s !== 'ENABLED' && s !== 'DESTROYED')) {
      const decision = decideRenewal({ id: 'c1', personId: 'p1', state, carried: null });
      assert.equal(decision.ok ? 'ok' : decision.code, 'renewal_not_allowed', state);
    }
  });
});

describe('decideMove on arbitrary input (property)', () => {
  const actorArb = fc.record({
    kind: fc.constantFrom(...ACTOR_KINDS),
    id: fc.constantFrom('p1', 'p2', 'x1', 's1'),
  });
  const disableArb = fc.option(fc.record({
    reason: fc.constantFrom(...DISABLE_REASONS),
    by: fc.constantFrom('self', 'manager', 'system' as const),
    comment: fc.option(fc.constantFrom('', 'why')),
  }));
  const inputArb = fc.record({
    card: fc.record({
      personId: fc.constantFrom('p1', 'p2'),
      state: fc.constantFrom(...CARD_STATES),
      lockOwner: fc.option(fc.constantFrom('s1', 'x1', 'p1', 'x1')),
      disable: disableArb,
      newerCards: fc.array(fc.constantFrom(...CARD_STATES), { maxLength: 3 }),
    }),
    to: fc.constantFrom(...CARD_STATES),
    actor: actorArb,
    reason: fc.option(fc.constantFrom(...DISABLE_REASONS)),
    comment: fc.option(fc.constantFrom('', ' ', 'why')),
    csn: fc.option(fc.constantFrom(CSN, '04a1b2c3', '')),
    settings: fc.record({
      autoEnableAfterEncode: fc.boolean(),
      enableOnDelivery: fc.boolean(),
      selfServiceDisableReasons: fc.subarray([...DISABLE_REASONS]),
    }),
  });

  it('only ever allows documented pairs, to the right actors, respecting locks and manager disables', () => {
    fc.assert(fc.property(inputArb, (input) => {
      const decision = decideMove(input);
      if (!decision.ok) return;
      const { from } = decision;
      const pair = pairKey(from, input.to);
      assert.ok(DOC_PAIRS.has(pair), pair);
      assert.ok(EXPECTED_ACTOR_PAIRS[input.actor.kind].has(pair), `${input.actor.kind}: ${pair}`);
      assert.equal(decision.to, RENEWAL_PAIRS.has(pair) ? from : input.to);
      if (isLockedState(from) && input.card.lockOwner !== null) {
        assert.ok(input.actor.kind === 'admin' || input.card.lockOwner === lockOwnerOf(input.actor));
      }
      if (input.actor.kind === 'person') {
        assert.equal(input.actor.id, input.card.personId);
        assert.ok(!(from === 'DISABLED' && input.card.disable?.by === 'manager'));
      }
      if (from === 'DISABLED' && input.to === 'ENABLED') {
        assert.ok(!input.card.newerCards.some(blocksReenable), `re-enabled over newer ${input.card.newerCards.join(', ')}`);
      }
    }), { numRuns: 3000 });
  });

  it('re-enables a DISABLED card exactly when no newer card of the person is alive (property)', () => {
    const reenableArb = fc.record({
      actor: fc.constantFrom(HOLDER, MANAGER, ADMIN),
      newerCards: fc.array(fc.constantFrom(...CARD_STATES), { maxLength: 4 }),
      reason: fc.constantFrom('LOST', 'THEFT', 'OUT_OF_ORDER', 'REPLACED', 'RIGHTS_ENDED' as const),
    });
    fc.assert(fc.property(reenableArb, ({ actor, newerCards, reason }) => {
      const facts = card('DISABLED', { newerCards, disable: { reason, by: 'self', comment: null } });
      const decision = decideMove({ card: facts, to: 'ENABLED', actor, settings: DEFAULT_CARD_SETTINGS });
      const alive = newerCards.filter((state) => !['REJECTED', 'CANCELED', 'DESTROYED'].includes(state));
      assert.equal(decision.ok, alive.length === 0, `newer: ${newerCards.join(', ')}`);
      if (!decision.ok) assert.equal(decision.code, 'newer_card_exists');
    }), { numRuns: 1000 });
  });
});
