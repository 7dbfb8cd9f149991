import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CrousSmartCardState } from '../../../adapters/crous/crous.client.ts';
import type { CrousRightHolder } from './crous-account.ts';
import { crousDifferences, expectedAtCrous, recordsToResend } from './crous-remote-state.ts';
import type { CrousCardFacts, CrousPlanSettings, CrousRecord, CrousSubjectFacts } from './crous-sync-rules.ts';

const SETTINGS: CrousPlanSettings = { identifier: 'ine', idZdcOffset: 99_990_000, rne: '0751234J', timeZone: 'Europe/Paris', autoConsentPersonTypes: [] };
const NOW = new Date('2026-12-06T10:00:00Z');

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

const SENT: CrousRecord[] = [
  { kind: 'account', identifier: '123456789AB', bodyHash: 'h1' },
  { kind: 'card', identifier: '99990042', bodyHash: 'h2' },
];

function atCrous(account: Partial<CrousRightHolder> = {}): CrousRightHolder {
  const wanted = expectedAtCrous(facts(), SENT, SETTINGS).account as CrousRightHolder;
  return { ...wanted, accountStatus: 'ACTIF', blockingStatus: 'NON_BLOQUE', ...account };
}

function smartCard(cancelled: boolean): CrousSmartCardState {
  return {
    idTransmitter: 0, idMapping: 0, idZdc: 99_990_042, zdcCreationDate: null, pixSs: '', pixNn: '', appl: '', uid: '04A1B2C3D4E5F6', rid: '',
    cancelDate: cancelled ? new Date('2026-11-01T10:00:00Z') : null, revalidationDate: null, reason: cancelled ? 'HS' : null,
  };
}

describe('expectedAtCrous', () => {
  it('asks for the account under the identifier a delivery chooses, and the card by its idZdc', () => {
    const expectation = expectedAtCrous(facts(), [], SETTINGS);
    assert.equal(expectation.consent, true);
    assert.equal(expectation.identifier, '123456789AB');
    assert.ok(expectation.account);
    assert.deepEqual(expectation.cards, [{ cardId: 'c1', idZdc: 99_990_042, expected: 'active' }]);
  });

  it('without consent: no account wanted, a sent card still to cancel, an unsent one untracked', () => {
    const lost = card({ state: 'DISABLED', disableReason: 'LOST' });
    const withdrawn = expectedAtCrous(facts({ consent: false, cards: [lost] }), SENT, SETTINGS);
    assert.equal(withdrawn.consent, false);
    assert.equal(withdrawn.account, null);
    assert.deepEqual(withdrawn.cards.map((c) => c.expected), ['cancelled']);
    assert.deepEqual(expectedAtCrous(facts({ cards: [lost] }), [], SETTINGS).cards.map((c) => c.expected), ['untracked']);
  });

  it('a held identifier other than the chosen one is asked for too (a rename pending)', () => {
    const expectation = expectedAtCrous(facts(), [{ kind: 'account', identifier: 'lea@univ.example.fr', bodyHash: 'h' }], SETTINGS);
    assert.equal(expectation.identifier, '123456789AB');
    assert.equal(expectation.previousIdentifier, 'lea@univ.example.fr');
  });
});

describe('crousDifferences', () => {
  const expectation = expectedAtCrous(facts(), SENT, SETTINGS);

  it('nothing differs when the CROUS holds what a delivery sent, a longer due date and the CROUS\'s own rate included', () => {
    const longer = atCrous({ dueDate: new Date('2028-08-31T21:59:00Z'), idRate: 98 });
    assert.deepEqual(crousDifferences(expectation, { account: longer, cards: new Map([[99_990_042, smartCard(false)]]) }, NOW), []);
  });

  it('an account missing, a card cancelled behind our back, a card gone', () => {
    assert.deepEqual(crousDifferences(expectation, { account: undefined, cards: new Map([[99_990_042, undefined]]) }, NOW),
      [{ kind: 'account_missing' }, { kind: 'card_missing', idZdc: 99_990_042 }]);
    const differences = crousDifferences(expectation, { account: atCrous(), cards: new Map([[99_990_042, smartCard(true)]]) }, NOW);
    assert.deepEqual(differences, [{ kind: 'card_cancelled', idZdc: 99_990_042 }]);
    assert.deepEqual(recordsToResend(expectation, differences), [{ kind: 'card', identifier: '99990042' }]);
  });

  it('a shorter due date at the CROUS is outdated (the due date is only extended); a card to cancel still valid differs', () => {
    const shorter = atCrous({ dueDate: new Date('2027-01-31T22:59:00Z') });
    assert.deepEqual(crousDifferences(expectation, { account: shorter, cards: new Map() }, NOW), [{ kind: 'account_outdated', fields: ['dueDate'] }]);
    const disabled = expectedAtCrous(facts({ cards: [card({ state: 'DISABLED', disableReason: 'LOST' })] }), SENT, SETTINGS);
    assert.deepEqual(crousDifferences(disabled, { account: atCrous(), cards: new Map([[99_990_042, smartCard(false)]]) }, NOW),
      [{ kind: 'card_not_cancelled', idZdc: 99_990_042 }]);
  });

  it('an account another institution has priority over (406) is not compared', () => {
    const elsewhere = expectedAtCrous(facts(), [{ kind: 'account', identifier: '123456789AB', bodyHash: 'refused:406' }], SETTINGS);
    assert.equal(elsewhere.priorityElsewhere, true);
    assert.deepEqual(crousDifferences(elsewhere, { account: atCrous({ rneOrgCode: '0999999Z' }), cards: new Map() }, NOW), []);
  });
});
