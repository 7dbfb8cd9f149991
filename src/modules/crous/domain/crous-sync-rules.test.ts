import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  bodyHash, crousConsentGiven, dueDateOf, idZdcOf, planCrousSync, type CrousCardFacts, type CrousOperation, type CrousPlanSettings,
  type CrousRecord, type CrousSubjectFacts,
} from './crous-sync-rules.ts';

const SETTINGS: CrousPlanSettings = { identifier: 'ine', idZdcOffset: 99_990_000, rne: '0751234J', timeZone: 'Europe/Paris', autoConsentPersonTypes: [] };

function card(extra: Partial<CrousCardFacts> = {}): CrousCardFacts {
  return { cardId: 'c1', state: 'ENABLED', csn: '04A1B2C3D4E5F6', disableReason: null, sequence: 42, preEncoded: null, firstEnabledAt: new Date('2026-09-01T08:00:00Z'), ...extra };
}

function facts(extra: Partial<CrousSubjectFacts> = {}): CrousSubjectFacts {
  return {
    personId: 'p1', enrolled: true, eppn: 'lea@univ.example.fr', firstName: 'Léa', lastName: 'Martin', email: 'lea@example.org',
    birthDate: '2004-05-06', ine: '123456789ab', personType: 'student', rightsEnd: '2027-08-31', consent: true,
    tariff: { idCompanyRate: 10, idRate: 1 }, cards: [card()], today: '2026-12-06', ...extra,
  };
}

/** The records a successful delivery of `operations` leaves (as the engine settles them). */
function applied(records: readonly CrousRecord[], operations: readonly CrousOperation[]): CrousRecord[] {
  const next = new Map(records.map((r) => [`${r.kind}:${r.identifier}`, r]));
  for (const op of operations) {
    if (op.op === 'ensureAccount') next.set(`account:${op.identifier}`, { kind: 'account', identifier: op.identifier, bodyHash: op.hash });
    if (op.op === 'activateCard' || op.op === 'cancelCard') next.set(`card:${op.idZdc}`, { kind: 'card', identifier: String(op.idZdc), bodyHash: op.hash });
    if (op.op === 'forgetAccount') next.delete(`account:${op.identifier}`);
  }
  return [...next.values()];
}

const ops = (operations: readonly CrousOperation[]) => operations.map((op) => op.op);

describe('planCrousSync', () => {
  it('a consenting student\'s enabled card: the account (INE upper-case, due date of the rights end), the card, the deferred report', () => {
    const plan = planCrousSync(facts(), [], SETTINGS);
    assert.deepEqual(ops(plan.operations), ['ensureAccount', 'activateCard', 'reportDeferred']);
    const [account, added] = plan.operations;
    assert.ok(account?.op === 'ensureAccount' && added?.op === 'activateCard');
    assert.equal(account.identifier, '123456789AB');
    assert.equal(account.wanted.dueDate.getTime(), dueDateOf('2027-08-31', 'Europe/Paris').getTime());
    assert.equal(account.wanted.rneOrgCode, '0751234J');
    assert.equal(added.idZdc, 99_990_042, 'offset + the card\'s sequence');
    assert.equal(added.card.uid, '04A1B2C3D4E5F6');
  });

  it('no consent and nothing sent: no operation at all; the institution\'s automatic consent for the type counts when the person never decided', () => {
    assert.deepEqual(planCrousSync(facts({ consent: false }), [], SETTINGS).operations, []);
    assert.deepEqual(planCrousSync(facts({ consent: null }), [], SETTINGS).operations, []);
    assert.equal(planCrousSync(facts({ consent: null }), [], { ...SETTINGS, autoConsentPersonTypes: ['student'] }).operations.length, 3);
    assert.equal(crousConsentGiven({ consent: false, personType: 'student' }, { autoConsentPersonTypes: ['student'] }), false, 'a refusal wins');
  });

  it('lost → DP, stolen → DV, out of order → CD, anything else HS; only a card the CROUS may hold is cancelled', () => {
    const sent = applied([], planCrousSync(facts(), [], SETTINGS).operations);
    for (const [reason, code] of [['LOST', 'DP'], ['THEFT', 'DV'], ['OUT_OF_ORDER', 'CD'], ['MANAGER', 'HS'], ['REPLACED', 'HS']] as const) {
      const plan = planCrousSync(facts({ cards: [card({ state: 'DISABLED', disableReason: reason })] }), sent, SETTINGS);
      assert.deepEqual(plan.operations.map((op) => (op.op === 'cancelCard' ? op.reason : op.op)), [code]);
    }
    assert.deepEqual(planCrousSync(facts({ cards: [card({ state: 'DISABLED', disableReason: 'LOST' })] }), [], SETTINGS).operations, [], 'never sent: nothing to cancel');
  });

  it('rights ending shortens nothing: a CADUC card is left as it is', () => {
    const sent = applied([], planCrousSync(facts(), [], SETTINGS).operations);
    assert.deepEqual(planCrousSync(facts({ cards: [card({ state: 'CADUC' })] }), sent, SETTINGS).operations, []);
  });

  it('consent withdrawn after sending: no account update, no card added, but a lost card is still cancelled', () => {
    const sent = applied([], planCrousSync(facts(), [], SETTINGS).operations);
    assert.deepEqual(planCrousSync(facts({ consent: false, firstName: 'Autre', cards: [card(), card({ cardId: 'c2', sequence: 43 })] }), sent, SETTINGS).operations, []);
    assert.deepEqual(ops(planCrousSync(facts({ consent: false, cards: [card({ state: 'DISABLED', disableReason: 'LOST' })] }), sent, SETTINGS).operations), ['cancelCard']);
  });

  it('a pre-encoded chip is sent with the CROUS\'s own number', () => {
    const preEncoded = { idTransmitter: 35, idMapping: 1, idZdc: 1_234_567, zdcCreationDate: new Date('2026-06-01T00:00:00Z'), pixSs: 'a', pixNn: 'b', appl: 'c', rid: 'd' };
    assert.equal(idZdcOf({ preEncoded, sequence: 9 }, 99_990_000), 1_234_567);
    const plan = planCrousSync(facts({ cards: [card({ preEncoded })] }), [], SETTINGS);
    const added = plan.operations.find((op) => op.op === 'activateCard');
    assert.ok(added?.op === 'activateCard');
    assert.equal(added.idZdc, 1_234_567);
    assert.equal(added.card.idTransmitter, 35);
  });

  it('a card loaded without any move has no number of its own: it is not sent (two such cards would share one idZdc)', () => {
    const plan = planCrousSync(facts({ cards: [card({ sequence: null }), card({ cardId: 'c2', csn: '04FFEEDDCCBBAA', sequence: null })] }), [], SETTINGS);
    assert.deepEqual(plan.operations.filter((operation) => operation.op === 'activateCard'), []);
    // Pre-encoded by the CROUS, it has the CROUS's number: it goes.
    const preEncoded = { idTransmitter: 1, idMapping: 2, idZdc: 1_234_567, zdcCreationDate: new Date('2026-08-01T00:00:00Z'), pixSs: '', pixNn: '', appl: '', rid: 'r' };
    const withNumber = planCrousSync(facts({ cards: [card({ sequence: null, preEncoded })] }), [], SETTINGS);
    assert.equal(withNumber.operations.find((operation) => operation.op === 'activateCard')?.idZdc, 1_234_567);
  });

  it('bodyHash ignores key order', () => {
    assert.equal(bodyHash({ a: 1, b: [new Date(0)] }), bodyHash({ b: [new Date(0)], a: 1 }));
  });

  const cardArb = fc.record({
    cardId: fc.uuid(), state: fc.constantFrom('ENABLED', 'DISABLED', 'CADUC', 'DESTROYED', 'ENCODED'),
    csn: fc.option(fc.constantFrom('04A1B2C3', 'DEADBEEF', '0011223344556677'), { nil: null }),
    disableReason: fc.option(fc.constantFrom('LOST', 'THEFT', 'OUT_OF_ORDER', 'MANAGER', 'REPLACED', 'RIGHTS_ENDED' as const), { nil: null }),
    sequence: fc.integer({ min: 1, max: 1_000_000 }), preEncoded: fc.constant(null), firstEnabledAt: fc.constant(new Date('2026-09-01T00:00:00Z')),
  });
  const factsArb = fc.record({
    enrolled: fc.boolean(), consent: fc.option(fc.boolean(), { nil: null }), ine: fc.option(fc.constantFrom('123456789AB', '987654321CD'), { nil: null }),
    firstName: fc.constantFrom('Léa', 'Hugo'), rightsEnd: fc.option(fc.constantFrom('2027-08-31', '2028-08-31'), { nil: null }),
    cards: fc.uniqueArray(cardArb, { selector: (c) => c.sequence, maxLength: 4 }),
  }).map((f) => facts(f));

  it('property: once a delivery\'s operations are confirmed, planning again makes no call (idempotent)', () => {
    fc.assert(fc.property(factsArb, factsArb, (before, after) => {
      const first = applied([], planCrousSync(before, [], SETTINGS).operations);
      const second = planCrousSync(after, first, SETTINGS);
      const settled = applied(first, second.operations);
      assert.deepEqual(planCrousSync(after, settled, SETTINGS).operations, []);
    }));
  });

  it('property: without consent, no account write and no card added; with nothing sent, no operation', () => {
    fc.assert(fc.property(factsArb, factsArb, (before, after) => {
      const sent = applied([], planCrousSync(before, [], SETTINGS).operations);
      const refused = { ...after, consent: false };
      const plan = planCrousSync(refused, sent, SETTINGS);
      assert.ok(plan.operations.every((op) => op.op === 'cancelCard'));
      assert.deepEqual(planCrousSync(refused, [], SETTINGS).operations, []);
    }));
  });

  it('property: the account comes first, the deferred report last, and only cards with a CSN are sent', () => {
    fc.assert(fc.property(factsArb, (f) => {
      const { operations } = planCrousSync(f, [], SETTINGS);
      const account = operations.findIndex((op) => op.op === 'ensureAccount');
      if (account >= 0) {
        assert.equal(account, 0);
        assert.equal(operations.at(-1)?.op, 'reportDeferred');
      }
      for (const op of operations) {
        if (op.op === 'activateCard') assert.ok(f.cards.some((c) => c.csn !== null && c.csn.toUpperCase() === op.card.uid && c.state === 'ENABLED'));
      }
    }));
  });
});
