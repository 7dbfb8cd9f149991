import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { connectorFieldIds } from '../../people/domain/personal-data-fields.ts';
import { ESC_DATA_FIELDS, ESC_FIXED_PROPERTIES } from './esc-data-fields.ts';
import { desiredRouterState, type DesiredRouterState, type SyncPersonFacts, type SyncSettings } from './esc-sync-rules.ts';

const PIC = '999999999';
const ESI = 'urn:schac:personalUniqueCode:int:esi:fr:123456789AB';
const SETTINGS: SyncSettings = { pic: PIC, deleteDisabledCards: false, cardType: 'SMART_NO_CDZ', virtualCardType: 'SMART_PASSIVE' };

/** Every leaf property of the bodies sent, as `person.a.b` / `card.a` paths (array items share their array's path). */
function sentProperties(desired: DesiredRouterState): Map<string, unknown[]> {
  const found = new Map<string, unknown[]>();
  const walk = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      for (const item of value) walk(item, path);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) if (child !== undefined) walk(child, `${path}.${key}`);
    } else {
      found.set(path, [...(found.get(path) ?? []), value]);
    }
  };
  if (desired.person) walk(desired.person.body, 'person');
  for (const card of desired.cards) walk(card.body, 'card');
  return found;
}

const declared = new Map<string, string>(
  Object.entries(ESC_DATA_FIELDS).flatMap(([field, paths]) => paths.map((path): [string, string] => [path, field])),
);

/** A person with every piece of data campuscard holds filled in, a physical and a virtual card. */
const FULL: SyncPersonFacts = {
  personId: 'p1', exists: true, esi: ESI, firstName: 'Camille', lastName: 'Martin', email: 'camille@example.org',
  academicLevel: 7, rightsEnd: '2027-06-30', escConsent: true,
  cards: [
    { cardId: 'c1', escn: '3e506370-826a-103d-bf76-001999999999', state: 'ENABLED', kind: 'physical', expiresAt: '2027-08-31', issuedAt: '2026-09-01' },
    { cardId: 'c2', escn: '3e506371-826a-103d-bf76-001999999999', state: 'DISABLED', kind: 'virtual', expiresAt: '2027-05-31', issuedAt: '2026-09-02' },
  ],
};

describe('ESC data fields: what the consent summary lists is what the router receives', () => {
  it('a fully filled person: the bodies carry exactly the declared properties, each holding its field', () => {
    const sent = sentProperties(desiredRouterState(FULL, SETTINGS));
    assert.deepEqual([...sent.keys()].sort(), [...declared.keys(), ...ESC_FIXED_PROPERTIES].sort());
    const expected: Record<string, unknown[]> = {
      fullName: ['Camille Martin'],
      email: ['camille@example.org'],
      esi: [ESI],
      academicLevel: ['MASTER'],
      institutionPic: [PIC],
      escn: ['3e506370-826a-103d-bf76-001999999999', '3e506371-826a-103d-bf76-001999999999'],
      cardKind: ['SMART_NO_CDZ', 'SMART_PASSIVE'],
      cardState: ['ACTIVE', 'INACTIVE'],
      cardIssueDate: ['2026-09-01', '2026-09-02'],
      // The rights end caps the first card's expiry.
      cardExpiry: ['2027-06-30', '2027-05-31'],
    };
    for (const [path, field] of declared) {
      assert.deepEqual([...new Set(sent.get(path))], expected[field], `${path} carries ${field}`);
    }
    assert.deepEqual(connectorFieldIds(ESC_DATA_FIELDS).sort(), Object.keys(expected).sort());
  });

  it('whatever the facts, no body property is left out of the declaration', () => {
    const day = fc.integer({ min: 0, max: 3000 }).map((offset) => new Date(Date.UTC(2025, 0, 1) + offset * 86_400_000).toISOString().slice(0, 10));
    const cardFacts = fc.record({
      cardId: fc.uuid(), escn: fc.uuid(), state: fc.constantFrom('ENABLED', 'DISABLED', 'CADUC', 'REQUESTED'),
      kind: fc.constantFrom<'physical' | 'virtual'>('physical', 'virtual'), expiresAt: fc.option(day), issuedAt: day,
    });
    fc.assert(fc.property(
      fc.record({
        firstName: fc.string(), lastName: fc.string(), email: fc.option(fc.emailAddress()), academicLevel: fc.option(fc.constantFrom(5, 6, 7, 8)),
        rightsEnd: fc.option(day), cards: fc.array(cardFacts, { maxLength: 3 }), deleteDisabledCards: fc.boolean(),
      }),
      ({ deleteDisabledCards, ...person }) => {
        const sent = sentProperties(desiredRouterState({ ...FULL, ...person }, { ...SETTINGS, deleteDisabledCards }));
        for (const path of sent.keys()) {
          assert.ok(declared.has(path) || ESC_FIXED_PROPERTIES.includes(path), `${path} is sent but not declared in ESC_DATA_FIELDS`);
        }
      },
    ));
  });
});
