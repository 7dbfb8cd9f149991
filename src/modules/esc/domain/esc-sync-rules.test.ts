import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  bodyHash, cardMatches, desiredRouterState, personMatches, planRouterOperations,
  type RouterRecord, type SyncCardFacts, type SyncPersonFacts, type SyncSettings,
} from './esc-sync-rules.ts';

const PIC = '999999999';
const ESI = 'urn:schac:personalUniqueCode:int:esi:fr:123456789AB';
const ESCN_A = '3e506370-826a-103d-bf76-001999999999';
const ESCN_B = '3e506371-826a-103d-bf76-001999999999';

const SETTINGS: SyncSettings = { pic: PIC, deleteDisabledCards: false, cardType: 'SMART_NO_CDZ', virtualCardType: 'SMART_PASSIVE' };

function card(extra: Partial<SyncCardFacts> = {}): SyncCardFacts {
  return { cardId: 'c1', escn: ESCN_A, state: 'ENABLED', kind: 'physical', expiresAt: '2027-08-31', issuedAt: '2026-09-01', ...extra };
}

function facts(extra: Partial<SyncPersonFacts> = {}): SyncPersonFacts {
  return {
    personId: 'p1', exists: true, esi: ESI, firstName: 'Camille', lastName: 'Martin', email: 'camille@example.org',
    academicLevel: 7, rightsEnd: null, escConsent: true, cards: [card()], ...extra,
  };
}

/** Applies operations to a model of the router: what a correct plan must reach from any start. */
function applyTo(router: Map<string, string>, records: RouterRecord[], operations: ReturnType<typeof planRouterOperations>): RouterRecord[] {
  const next = new Map(records.map((r) => [`${r.kind}:${r.identifier.toLowerCase()}`, r]));
  for (const op of operations) {
    if (op.op === 'upsertPerson') {
      router.set(`person:${op.key}`, op.hash);
      next.set(`person:${op.key}`, { kind: 'person', identifier: op.body.identifier, bodyHash: op.hash });
    } else if (op.op === 'upsertCard') {
      router.set(`card:${op.key}`, op.hash);
      next.set(`card:${op.key}`, { kind: 'card', identifier: op.key, bodyHash: op.hash });
    } else if (op.op === 'deleteCard') {
      router.delete(`card:${op.escn.toLowerCase()}`);
      next.delete(`card:${op.escn.toLowerCase()}`);
    } else {
      router.delete(`person:${op.esi.toLowerCase()}`);
      next.delete(`person:${op.esi.toLowerCase()}`);
    }
  }
  return [...next.values()];
}

describe('desiredRouterState', () => {
  it('registers a consenting student with an ENABLED card: person with level and e-mail, card ACTIVE', () => {
    const desired = desiredRouterState(facts(), SETTINGS);
    assert.deepEqual(desired.person?.body, {
      identifier: ESI, identifierCode: 'ESI', fullName: 'Camille Martin',
      personOrganisationUpdateViews: [{ organisationIdentifier: PIC, academicLevel: 'MASTER', email: 'camille@example.org' }],
    });
    assert.deepEqual(desired.cards.map((c) => c.body), [{
      cardNumber: ESCN_A, cardStatusType: 'ACTIVE', cardType: 'SMART_NO_CDZ', expiresAt: '2027-08-31', issuedAt: '2026-09-01',
      issuerIdentifier: PIC, personIdentifier: ESI,
    }]);
    assert.deepEqual(desired.problems, []);
  });

  it('sends nothing without consent, for a deleted person, or without a card the router knows', () => {
    for (const f of [facts({ escConsent: false }), facts({ exists: false }), facts({ cards: [card({ state: 'ENCODED' })] }),
      facts({ cards: [card({ state: 'CADUC' })] }), facts({ cards: [card({ escn: null })] })]) {
      assert.deepEqual(desiredRouterState(f, SETTINGS), { person: null, cards: [], problems: [] });
    }
  });

  it('DISABLED is INACTIVE, or left out (person kept) when the institution deletes disabled cards', () => {
    const disabled = facts({ cards: [card({ state: 'DISABLED' })] });
    assert.equal(desiredRouterState(disabled, SETTINGS).cards[0]?.body.cardStatusType, 'INACTIVE');
    const deleting = desiredRouterState(disabled, { ...SETTINGS, deleteDisabledCards: true });
    assert.deepEqual(deleting.cards, []);
    assert.ok(deleting.person);
  });

  it('caps the expiry at the rights end, uses the virtual card type, and reports a missing expiry', () => {
    const desired = desiredRouterState(facts({
      rightsEnd: '2027-01-31',
      cards: [card({ kind: 'virtual' }), card({ cardId: 'c2', escn: ESCN_B, state: 'DISABLED', expiresAt: null })],
    }), SETTINGS);
    assert.equal(desired.cards[0]?.body.expiresAt, '2027-01-31');
    assert.equal(desired.cards[0]?.body.cardType, 'SMART_PASSIVE');
    assert.equal(desired.cards[1]?.body.expiresAt, '2027-01-31', 'no card expiry: the rights end');
    const missing = desiredRouterState(facts({ cards: [card({ expiresAt: null })] }), SETTINGS);
    assert.deepEqual(missing.problems.map((p) => p.code), ['missing_expiry']);
  });

  it('reports a missing or invalid ESI instead of sending anything', () => {
    assert.equal(desiredRouterState(facts({ esi: null }), SETTINGS).problems[0]?.code, 'missing_esi');
    assert.equal(desiredRouterState(facts({ esi: 'nope' }), SETTINGS).problems[0]?.code, 'invalid_esi');
    assert.equal(desiredRouterState(facts({ esi: null }), SETTINGS).person, null);
  });
});

describe('planRouterOperations', () => {
  it('person first, then the card; nothing when the records say it is there already', () => {
    const desired = desiredRouterState(facts(), SETTINGS);
    assert.deepEqual(planRouterOperations(desired, []).map((op) => op.op), ['upsertPerson', 'upsertCard']);
    const records: RouterRecord[] = [
      { kind: 'person', identifier: ESI, bodyHash: desired.person?.hash ?? null },
      { kind: 'card', identifier: ESCN_A, bodyHash: desired.cards[0]?.hash ?? null },
    ];
    assert.deepEqual(planRouterOperations(desired, records), []);
  });

  it('an uncertain record (a call that may or may not have landed) is sent again', () => {
    const desired = desiredRouterState(facts(), SETTINGS);
    const records: RouterRecord[] = [{ kind: 'person', identifier: ESI, bodyHash: null }, { kind: 'card', identifier: ESCN_A, bodyHash: null }];
    assert.deepEqual(planRouterOperations(desired, records).map((op) => op.op), ['upsertPerson', 'upsertCard']);
  });

  it('consent withdrawn: cards deleted before the person', () => {
    const records: RouterRecord[] = [{ kind: 'person', identifier: ESI, bodyHash: 'x' }, { kind: 'card', identifier: ESCN_A, bodyHash: 'y' }];
    const operations = planRouterOperations(desiredRouterState(facts({ escConsent: false }), SETTINGS), records);
    assert.deepEqual(operations, [{ op: 'deleteCard', escn: ESCN_A }, { op: 'deletePerson', esi: ESI }]);
  });

  it('a changed ESI: new person, card moved to it, old person deleted last', () => {
    const newEsi = 'urn:schac:personalUniqueCode:int:esi:fr:987654321AB';
    const old = desiredRouterState(facts(), SETTINGS);
    const records: RouterRecord[] = [
      { kind: 'person', identifier: ESI, bodyHash: old.person?.hash ?? null },
      { kind: 'card', identifier: ESCN_A, bodyHash: old.cards[0]?.hash ?? null },
    ];
    const operations = planRouterOperations(desiredRouterState(facts({ esi: newEsi }), SETTINGS), records);
    assert.deepEqual(operations.map((op) => op.op), ['upsertPerson', 'upsertCard', 'deletePerson']);
    assert.deepEqual(operations[2], { op: 'deletePerson', esi: ESI });
  });

  it('property: from any records, the plan reaches the desired state, and planning again yields nothing', () => {
    const states = ['ENABLED', 'DISABLED', 'CADUC', 'DESTROYED', 'ENCODED'];
    const cardArb = fc.record({
      escn: fc.constantFrom(ESCN_A, ESCN_B), state: fc.constantFrom(...states), kind: fc.constantFrom('physical' as const, 'virtual' as const),
    });
    fc.assert(fc.property(
      fc.boolean(), fc.boolean(), fc.uniqueArray(cardArb, { selector: (c) => c.escn, maxLength: 2 }),
      fc.subarray([
        { kind: 'person' as const, identifier: ESI, bodyHash: null },
        { kind: 'person' as const, identifier: 'urn:schac:personalUniqueCode:int:esi:fr:000000000AB', bodyHash: 'stale' },
        { kind: 'card' as const, identifier: ESCN_A, bodyHash: 'stale' },
        { kind: 'card' as const, identifier: ESCN_B, bodyHash: null },
      ]),
      (consent, deleteDisabled, cards, records) => {
        const settings = { ...SETTINGS, deleteDisabledCards: deleteDisabled };
        const desired = desiredRouterState(facts({
          escConsent: consent, cards: cards.map((c, i) => card({ cardId: `c${i}`, ...c })),
        }), settings);
        const router = new Map(records.map((r) => [`${r.kind}:${r.identifier.toLowerCase()}`, r.bodyHash ?? 'unknown']));
        const operations = planRouterOperations(desired, records);
        const personIndex = operations.findIndex((op) => op.op === 'upsertPerson');
        const firstCard = operations.findIndex((op) => op.op === 'upsertCard');
        if (firstCard >= 0 && !records.some((r) => r.kind === 'person' && r.bodyHash === desired.person?.hash)) {
          assert.ok(personIndex >= 0 && personIndex < firstCard, 'the person goes before their cards');
        }
        const after = applyTo(router, records, operations);
        const expected = new Map<string, string>();
        if (desired.person) expected.set(`person:${desired.person.key}`, desired.person.hash);
        for (const c of desired.cards) expected.set(`card:${c.key}`, c.hash);
        assert.deepEqual(new Map([...router].sort()), new Map([...expected].sort()));
        assert.deepEqual(planRouterOperations(desired, after), [], 'idempotent');
      },
    ), { numRuns: 300 });
  });
});

describe('comparisons with the router (reconcile)', () => {
  const desired = desiredRouterState(facts(), SETTINGS);
  const person = desired.person?.body;
  const body = desired.cards[0]?.body;
  assert.ok(person && body);

  it('personMatches compares name, level and e-mail at our organisation', () => {
    const view = {
      identifier: ESI.toLowerCase(), fullName: 'Camille Martin',
      organisations: [{ organisation: { identifier: PIC }, academicLevel: { key: 'MASTER' }, contactPoint: { email: 'camille@example.org' } }],
    };
    assert.equal(personMatches(view, person), true);
    assert.equal(personMatches({ ...view, fullName: 'Other' }, person), false);
    assert.equal(personMatches({ ...view, organisations: [] }, person), false);
  });

  it('cardMatches compares status, type, dates, issuer and holder', () => {
    const view = {
      cardNumber: ESCN_A.toUpperCase(), cardStatusType: { key: 'ACTIVE' }, cardType: { key: 'SMART_NO_CDZ' },
      expiresAt: '2027-08-31', issuedAt: '2026-09-01', issuer: { identifier: PIC }, person: { identifier: ESI, fullName: 'x' },
    };
    assert.equal(cardMatches(view, body), true);
    assert.equal(cardMatches({ ...view, cardStatusType: { key: 'INACTIVE' } }, body), false);
    assert.equal(cardMatches({ ...view, expiresAt: '2027-08-30' }, body), false);
  });
});

describe('bodyHash', () => {
  it('hashes content, not key order', () => {
    assert.equal(bodyHash({ a: 1, b: [1, { c: 2, d: undefined }] }), bodyHash({ b: [1, { c: 2 }], a: 1 }));
    assert.notEqual(bodyHash({ a: 1 }), bodyHash({ a: 2 }));
  });
});
