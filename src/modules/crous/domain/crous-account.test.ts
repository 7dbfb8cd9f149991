import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DISABLE_REASONS } from '../../cards/domain/card-state.ts';
import {
  DATE_TOLERANCE_MS,
  MIN_DUE_DATE_AHEAD_MS,
  accountDifferences,
  chooseCrousIdentifier,
  computeCrousTariff,
  crousCancelReason,
  foldName,
  planAccountWrite,
} from './crous-account.ts';
import type { CrousRightHolder, CrousTariffRule } from './crous-account.ts';
import { allCrousErrorMeanings, crousErrorMeaning, CROUS_422_CODES } from './crous-error-meanings.ts';

const NOW = new Date('2025-09-15T10:00:00.000Z');
const DAY = 86_400_000;

function account(overrides: Partial<CrousRightHolder> = {}): CrousRightHolder {
  return {
    identifier: 'camille.martin@univ.example',
    firstName: 'Camille',
    lastName: 'Martin',
    email: 'camille.martin@univ.example',
    dueDate: new Date(NOW.getTime() + 300 * DAY),
    idCompanyRate: 78,
    idRate: 99,
    simpleBirthDate: '2001-02-03',
    ine: null,
    rneOrgCode: '0751717J',
    ...overrides,
  };
}

const accounts = fc.record({
  identifier: fc.constantFrom('a@u.example', 'B@u.example', '123456789AB'),
  firstName: fc.constantFrom('Éloïse', 'eloise', 'Zoé', 'ZOE', 'Jean'),
  lastName: fc.constantFrom('Lefèvre', 'LEFEVRE', 'Martin'),
  email: fc.constantFrom('x@u.example', 'y@u.example'),
  dueDate: fc.integer({ min: -60, max: 400 }).map((days) => new Date(NOW.getTime() + days * DAY + 1234)),
  idCompanyRate: fc.constantFrom(10, 78, 25),
  idRate: fc.constantFrom(1, 97, 98, 99, 12),
  simpleBirthDate: fc.constantFrom('', '2000-01-01'),
  ine: fc.constantFrom(null, '123456789AB'),
  rneOrgCode: fc.constantFrom('0751717J', '0132398A'),
});

describe('CROUS identifier choice', () => {
  it('INE when chosen and present, else the CROUS identifier, else the eppn', () => {
    const base = { ineAsIdentifier: true, ine: '123456789ab', crousIdentifier: 'old@u.example', eppn: 'e@u.example' };
    assert.deepEqual(chooseCrousIdentifier(base), { identifier: '123456789AB', source: 'ine' });
    assert.deepEqual(chooseCrousIdentifier({ ...base, ineAsIdentifier: false }), { identifier: 'old@u.example', source: 'crous' });
    assert.deepEqual(chooseCrousIdentifier({ ...base, ine: '  ' }), { identifier: 'old@u.example', source: 'crous' });
    assert.deepEqual(chooseCrousIdentifier({ ...base, ine: null, crousIdentifier: null }), { identifier: 'e@u.example', source: 'eppn' });
    assert.deepEqual(chooseCrousIdentifier({ ...base, ineAsIdentifier: false, crousIdentifier: '' }), { identifier: 'e@u.example', source: 'eppn' });
  });

  it('is never empty and only ever one of the three (property)', () => {
    fc.assert(fc.property(fc.boolean(), fc.option(fc.string()), fc.option(fc.string()), fc.string({ minLength: 1 }), (ineAsIdentifier, ine, crousIdentifier, eppn) => {
      const { identifier, source } = chooseCrousIdentifier({ ineAsIdentifier, ine, crousIdentifier, eppn });
      const expected = source === 'ine' ? ine?.trim().toUpperCase() : source === 'crous' ? crousIdentifier : eppn;
      assert.equal(identifier, expected);
      if (source === 'ine') assert.ok(ineAsIdentifier);
      if (source === 'eppn') assert.ok(!(ineAsIdentifier && ine?.trim()) && !crousIdentifier?.trim());
    }));
  });
});

describe('CROUS compare-before-write', () => {
  it('ignores case, accents and the 5-minute tolerance; sees real changes', () => {
    assert.equal(foldName(' Éloïse '), 'eloise');
    const current = account({ firstName: 'Éloïse', lastName: 'LEFÈVRE' });
    assert.deepEqual(accountDifferences(account({ firstName: 'eloise', lastName: 'Lefevre', dueDate: new Date(current.dueDate.getTime() + DATE_TOLERANCE_MS) }), current), []);
    assert.deepEqual(accountDifferences(account({ firstName: 'Élise', lastName: 'lefevre', dueDate: new Date(current.dueDate.getTime() + DATE_TOLERANCE_MS + 1) }), current), ['firstName', 'dueDate']);
    assert.deepEqual(accountDifferences(account({ firstName: 'eloise', lastName: 'lefevre', dueDate: new Date(current.dueDate.getTime() - 30 * DAY) }), current), [], 'an earlier due date is no difference');
    assert.deepEqual(accountDifferences(account({ firstName: 'ÉLOÏSE', lastName: 'Lefèvre', idRate: 12, simpleBirthDate: '' }), current), ['simpleBirthDate', 'idRate']);
  });

  it('a student at the CROUS is compared on identifier, INE, UAI and category only', () => {
    const current = account({ idCompanyRate: 10, idRate: 98, ine: '123456789AB' });
    const wanted = account({ idCompanyRate: 10, idRate: 1, ine: '123456789ab', firstName: 'Other', email: 'z@u.example', simpleBirthDate: '' });
    assert.deepEqual(accountDifferences(wanted, current), []);
    assert.deepEqual(accountDifferences({ ...wanted, rneOrgCode: '0132398A', ine: null }, current), ['ine', 'rneOrgCode']);
  });
});

describe('CROUS account write plan', () => {
  it('creates with a future due date, raised to now + 3 h when closer; never with a past one', () => {
    const plan = planAccountWrite(account(), undefined, NOW);
    assert.equal(plan.action, 'create');
    const soon = planAccountWrite(account({ dueDate: new Date(NOW.getTime() + 60_000) }), undefined, NOW);
    assert.ok(soon.action === 'create');
    assert.equal(soon.body.dueDate.getTime(), NOW.getTime() + MIN_DUE_DATE_AHEAD_MS);
    assert.deepEqual(soon.adjustments, ['due_date_raised_to_minimum']);
    assert.deepEqual(planAccountWrite(account({ dueDate: new Date(NOW.getTime() - 1) }), undefined, NOW), { action: 'none', reason: 'due_date_passed', adjustments: [] });
  });

  it('keeps a student category and the rate the CROUS set, extends the due date only', () => {
    const current = account({ idCompanyRate: 10, idRate: 98, ine: '123456789AB', dueDate: new Date(NOW.getTime() + 100 * DAY) });
    const staff = planAccountWrite(account({ idCompanyRate: 78, idRate: 99, ine: '123456789AB', dueDate: new Date(NOW.getTime() + 400 * DAY) }), current, NOW);
    assert.ok(staff.action === 'update');
    assert.equal(staff.body.idCompanyRate, 10);
    assert.equal(staff.body.idRate, 98);
    assert.deepEqual(staff.differences, ['dueDate']);
    assert.deepEqual(staff.adjustments, ['student_category_kept', 'crous_rate_kept']);
    const shorter = planAccountWrite(account({ idCompanyRate: 10, idRate: 1, ine: '123456789AB', dueDate: new Date(NOW.getTime() + 10 * DAY) }), current, NOW);
    assert.deepEqual(shorter, { action: 'none', reason: 'up_to_date', adjustments: ['crous_rate_kept', 'due_date_kept'] });
  });

  it('rights ended: shortens nothing, writes nothing once both due dates have passed', () => {
    const lapsed = account({ dueDate: new Date(NOW.getTime() - DAY) });
    assert.equal(planAccountWrite(account({ dueDate: new Date(NOW.getTime() - 2 * DAY), lastName: 'Autre' }), lapsed, NOW).action, 'none');
  });

  it('reopens a closed account before writing to it, only when there is something to write', () => {
    const closed = account({ accountStatus: 'CLOTURE' });
    const extended = planAccountWrite(account({ dueDate: new Date(closed.dueDate.getTime() + 300 * DAY) }), closed, NOW);
    assert.ok(extended.action === 'update' && extended.reopenFirst === true);
    assert.equal(planAccountWrite(account(), closed, NOW).action, 'none');
    const open = planAccountWrite(account({ lastName: 'Autre' }), account({ accountStatus: 'ACTIF' }), NOW);
    assert.ok(open.action === 'update' && open.reopenFirst === undefined);
  });

  it('changes the identifier with a PATCH when the CROUS holds another one', () => {
    const plan = planAccountWrite(account({ identifier: '123456789AB', ine: '123456789AB' }), account({ identifier: 'old@u.example' }), NOW);
    assert.ok(plan.action === 'update');
    assert.deepEqual(plan.changeIdentifier, { currentIdentifier: 'old@u.example', email: 'camille.martin@univ.example', newIdentifier: '123456789AB' });
  });

  it('properties: never shortens, never below now + 3 h, never changes a student category, converges in one write', () => {
    fc.assert(fc.property(accounts, fc.option(accounts, { nil: undefined }), (wanted, current) => {
      const plan = planAccountWrite(wanted, current, NOW);
      if (plan.action === 'none') {
        if (current === undefined) assert.ok(wanted.dueDate <= NOW);
        return;
      }
      assert.ok(plan.body.dueDate.getTime() >= NOW.getTime() + MIN_DUE_DATE_AHEAD_MS, 'never earlier than now + 3 h');
      if (current !== undefined) {
        assert.ok(plan.body.dueDate.getTime() >= current.dueDate.getTime(), 'never shortened');
        if (current.idCompanyRate === 10) {
          assert.equal(plan.body.idCompanyRate, 10);
          assert.equal(plan.body.idRate, current.idRate);
        }
      }
      // What the CROUS then holds is up to date: planning again writes nothing.
      const after = planAccountWrite(wanted, { ...plan.body }, NOW);
      assert.equal(after.action, 'none', JSON.stringify(after));
    }), { numRuns: 1000 });
  });
});

describe('CROUS cancel reason and tariff', () => {
  it('maps every disable reason: lost DP, stolen DV, out of order CD, others HS', () => {
    const mapped = Object.fromEntries(DISABLE_REASONS.map((reason) => [reason, crousCancelReason(reason)]));
    assert.deepEqual(mapped, { LOST: 'DP', THEFT: 'DV', OUT_OF_ORDER: 'CD', MANAGER: 'HS', REPLACED: 'HS', RIGHTS_ENDED: 'HS' });
    assert.equal(crousCancelReason(null), 'HS');
  });

  const rules: CrousTariffRule[] = [
    { statusCode: 'prs', indexMin: null, indexMax: 350, idCompanyRate: 31, idRate: 11 },
    { statusCode: 'prs', indexMin: 351, indexMax: 500, idCompanyRate: 32, idRate: 12 },
    { statusCode: 'PRS', indexMin: 501, indexMax: null, idCompanyRate: 33, idRate: 13 },
    { statusCode: 'hbg', indexMin: null, indexMax: null, idCompanyRate: 40, idRate: 20 },
  ];

  it('status code + index range, defaults 78/99, students 10/1', () => {
    assert.deepEqual(computeCrousTariff(rules, { statusCode: 'prs', index: 350 }), { idCompanyRate: 31, idRate: 11, source: 'rule', ruleIndex: 0 });
    assert.deepEqual(computeCrousTariff(rules, { statusCode: 'PRS', index: 351 }), { idCompanyRate: 32, idRate: 12, source: 'rule', ruleIndex: 1 });
    assert.equal(computeCrousTariff(rules, { statusCode: 'prs', index: 9000 }).idCompanyRate, 33);
    assert.deepEqual(computeCrousTariff(rules, { statusCode: 'prs' }), { idCompanyRate: 78, idRate: 99, source: 'default' }, 'a ranged rule needs an index');
    assert.equal(computeCrousTariff(rules, { statusCode: 'hbg', index: null }).idCompanyRate, 40);
    assert.deepEqual(computeCrousTariff(rules, { statusCode: 'etd' }), { idCompanyRate: 10, idRate: 1, source: 'student_default' });
    assert.deepEqual(computeCrousTariff([], { statusCode: 'fct', index: 400 }), { idCompanyRate: 78, idRate: 99, source: 'default' });
  });

  it('a matched rule really holds the index; no match means no rule could (property)', () => {
    const rule = fc.record({
      statusCode: fc.constantFrom('prs', 'fct', 'etd'),
      indexMin: fc.option(fc.integer({ min: 0, max: 900 })),
      indexMax: fc.option(fc.integer({ min: 0, max: 900 })),
      idCompanyRate: fc.integer({ min: 1, max: 99 }),
      idRate: fc.integer({ min: 1, max: 99 }),
    });
    fc.assert(fc.property(fc.array(rule, { maxLength: 8 }), fc.constantFrom('prs', 'fct', 'etd', 'po'), fc.option(fc.integer({ min: 0, max: 1000 })), (list, statusCode, index) => {
      const tariff = computeCrousTariff(list, { statusCode, index });
      const holds = (r: CrousTariffRule): boolean => r.statusCode === statusCode
        && ((r.indexMin === null && r.indexMax === null)
          || (index !== null && (r.indexMin === null || index >= r.indexMin) && (r.indexMax === null || index <= r.indexMax)));
      if (tariff.source === 'rule') {
        const used = list[tariff.ruleIndex ?? -1];
        assert.ok(used !== undefined && holds(used));
        assert.ok(list.slice(0, tariff.ruleIndex).every((r) => !holds(r)), 'the first matching rule');
      } else {
        assert.ok(list.every((r) => !holds(r)));
        assert.deepEqual([tariff.idCompanyRate, tariff.idRate], statusCode === 'etd' ? [10, 1] : [78, 99]);
      }
    }));
  });
});

describe('CROUS refusal meanings', () => {
  it('every 406, 423 and listed 422 code has a French and an English meaning', () => {
    assert.ok(crousErrorMeaning(406, undefined)?.fr.includes('prioritaire'));
    assert.ok(crousErrorMeaning(423, '-1')?.en.includes('locked'));
    for (const code of CROUS_422_CODES) assert.ok(crousErrorMeaning(422, code), code);
    assert.equal(crousErrorMeaning(422, '-999'), undefined);
    assert.equal(crousErrorMeaning(500, undefined), undefined);
    assert.ok(crousErrorMeaning(404, undefined, 'addSmartCard'));
    assert.equal(crousErrorMeaning(404, undefined, 'getRightHolder'), undefined);
  });

  it('French wording follows the project typography (no straight apostrophe, spaces before : ; ? !)', () => {
    for (const { fr, en } of allCrousErrorMeanings()) {
      assert.doesNotMatch(fr, /'/, fr);
      assert.doesNotMatch(en, /'/, en);
      for (const match of fr.matchAll(/(.)([:;!?])/gu)) {
        assert.equal(match[1], match[2] === ':' ? '\u00a0' : '\u202f', fr);
      }
    }
  });
});
