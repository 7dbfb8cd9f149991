/**
 * Which template a card gets: rules name an institution, a person type and a card kind, each
 * possibly null (any). A rule applies when each of its criteria is null or equal to the card's;
 * among those, the most specific wins. Specificity ranks institution above person type above card
 * kind (a rule for this institution beats a deployment-wide rule for this person type), so the
 * order is total: no two distinct rules with the same criteria exist (unique index), and two
 * applicable rules always differ in rank.
 */
export interface TemplateRule {
  id: string;
  institutionId: number | null;
  personType: string | null;
  cardKind: 'physical' | 'virtual' | null;
  templateId: string;
}

/** What a card brings to rule resolution. */
export interface RuleSubject {
  institutionId: number;
  /** The federation the institution belongs to, whose rules apply below the institution's own. */
  federationId?: number | null;
  personType: string;
  cardKind: 'physical' | 'virtual';
}

/** The rank of an applicable rule (higher wins); undefined when the rule does not apply. */
export function ruleRank(rule: TemplateRule, subject: RuleSubject): number | undefined {
  let institution: number;
  if (rule.institutionId === null) institution = 0;
  else if (rule.institutionId === subject.institutionId) institution = 2;
  else if (subject.federationId !== undefined && subject.federationId !== null && rule.institutionId === subject.federationId) institution = 1;
  else return undefined;
  if (rule.personType !== null && rule.personType !== subject.personType) return undefined;
  if (rule.cardKind !== null && rule.cardKind !== subject.cardKind) return undefined;
  return institution * 4 + (rule.personType !== null ? 2 : 0) + (rule.cardKind !== null ? 1 : 0);
}

/** The most specific rule applying to `subject`, undefined when none does. Pure. */
export function resolveRule<R extends TemplateRule>(rules: readonly R[], subject: RuleSubject): R | undefined {
  let best: R | undefined;
  let bestRank = -1;
  for (const rule of rules) {
    const rank = ruleRank(rule, subject);
    if (rank !== undefined && rank > bestRank) {
      best = rule;
      bestRank = rank;
    }
  }
  return best;
}
