import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { resolveRule, type RuleSubject, type TemplateRule } from './template-rules.ts';

const INSTITUTIONS = [1, 2, 3];
const TYPES = ['student', 'staff', 'guest'];
const KINDS = ['physical', 'virtual'] as const;

const criteria = fc.record({
  institutionId: fc.option(fc.constantFrom(...INSTITUTIONS), { nil: null }),
  personType: fc.option(fc.constantFrom(...TYPES), { nil: null }),
  cardKind: fc.option(fc.constantFrom(...KINDS), { nil: null }),
});

/** Rules with distinct criteria, as the unique index keeps them. */
const rules = fc.uniqueArray(criteria, { maxLength: 30, selector: (rule) => `${rule.institutionId}|${rule.personType}|${rule.cardKind}` })
  .map((list) => list.map((rule, index): TemplateRule => ({ ...rule, id: `r${index}`, templateId: `t${index}` })));

const subject = fc.record({
  institutionId: fc.constantFrom(...INSTITUTIONS),
  federationId: fc.option(fc.constantFrom(...INSTITUTIONS), { nil: null }),
  personType: fc.constantFrom(...TYPES),
  cardKind: fc.constantFrom(...KINDS),
}).filter((value) => value.federationId !== value.institutionId);

/** An independent reading of "applies": every criterion null or equal (the federation standing for its members). */
function applies(rule: TemplateRule, who: RuleSubject): boolean {
  return (rule.institutionId === null || rule.institutionId === who.institutionId || rule.institutionId === who.federationId)
    && (rule.personType === null || rule.personType === who.personType)
    && (rule.cardKind === null || rule.cardKind === who.cardKind);
}

/** Specificity as a tuple compared left to right: institution (own > federation > any), then person type, then card kind. */
function specificity(rule: TemplateRule, who: RuleSubject): [number, number, number] {
  const institution = rule.institutionId === null ? 0 : rule.institutionId === who.institutionId ? 2 : 1;
  return [institution, rule.personType === null ? 0 : 1, rule.cardKind === null ? 0 : 1];
}

function moreSpecific(a: [number, number, number], b: [number, number, number]): boolean {
  for (let i = 0; i < 3; i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return false;
}

describe('template rules', () => {
  it('choose an applicable rule that no other applicable rule beats, and none only when none applies', () => {
    fc.assert(fc.property(rules, subject, (list, who) => {
      const chosen = resolveRule(list, who);
      const applicable = list.filter((rule) => applies(rule, who));
      if (applicable.length === 0) return chosen === undefined;
      assert.ok(chosen && applies(chosen, who));
      for (const rule of applicable) assert.ok(!moreSpecific(specificity(rule, who), specificity(chosen, who)), `${rule.id} beats ${chosen.id}`);
      return true;
    }), { numRuns: 2000 });
  });

  it('do not depend on the order rules are listed in', () => {
    fc.assert(fc.property(rules, subject, fc.integer(), (list, who, seed) => {
      const shuffled = [...list].sort((a, b) => ((a.id.charCodeAt(1) * seed) % 7) - ((b.id.charCodeAt(1) * seed) % 7));
      return resolveRule(list, who)?.id === resolveRule(shuffled, who)?.id;
    }));
  });

  it('let the institution\'s own default beat a deployment rule for the person type', () => {
    const list: TemplateRule[] = [
      { id: 'deployment-students', institutionId: null, personType: 'student', cardKind: null, templateId: 'a' },
      { id: 'own-default', institutionId: 1, personType: null, cardKind: null, templateId: 'b' },
      { id: 'other', institutionId: 2, personType: 'student', cardKind: 'physical', templateId: 'c' },
    ];
    assert.equal(resolveRule(list, { institutionId: 1, personType: 'student', cardKind: 'physical' })?.id, 'own-default');
    assert.equal(resolveRule(list, { institutionId: 3, personType: 'student', cardKind: 'physical' })?.id, 'deployment-students');
    assert.equal(resolveRule(list, { institutionId: 3, personType: 'staff', cardKind: 'physical' }), undefined);
  });
});
