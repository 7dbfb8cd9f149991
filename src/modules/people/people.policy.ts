/**
 * Who may see and change which person. Pure functions over the caller and the person.
 *
 * Rule of disclosure: a caller who may not see a person gets the same 404 `person_not_found` as
 * for an id that does not exist (a cardholder asking for somebody else, a manager limited to
 * staff asking for a student). Answering 403 would confirm that the person exists. A caller who
 * may see a person but not change it (a viewer) gets 403 from the route's role rule.
 */
import { notFound, unprocessable, type ProblemItem } from '../../platform/http/problem.ts';
import { coversPersonType, isSelf, OFFICE_READ_ROLES, OFFICE_WRITE_ROLES, type Principal } from '../auth/domain/roles.ts';

/** The person types a caller may see or change; null means every type. */
export type PersonTypeScope = readonly string[] | null;

/** The answer given for a person one may not see: indistinguishable from a missing one. */
export function personNotFound(): Error {
  return notFound('person_not_found', 'No such person');
}

/**
 * The refusal of a write the caller's type limits forbid, as one item of a batch or an import.
 * It is the same whether the caller asked for a type outside their limits or named the eppn of
 * a person outside them (which the write would overwrite, or whose eppn it would take): the
 * answer neither names the other person's type nor says that they exist. The eppn being unique
 * across the institution, a refused write of an in-scope type still tells that the eppn cannot be
 * used by this caller; nothing more is disclosed, and nothing is written.
 */
export const PERSON_NOT_WRITABLE: Readonly<ProblemItem> = Object.freeze({
  field: '/personType',
  code: 'person_type_not_allowed',
  message: 'You may not manage this person: its type is outside your limits',
});

/** {@link PERSON_NOT_WRITABLE} as the 422 answer of a single write (create or update). */
export function personNotWritable(): Error {
  return unprocessable(PERSON_NOT_WRITABLE.code, PERSON_NOT_WRITABLE.message, { field: '/personType' });
}

/** True when the caller works for the card office (reads everybody within their type limits). */
export function isOfficeReader(principal: Principal): boolean {
  return OFFICE_READ_ROLES.includes(principal.role);
}

/** True when the caller may change people (within their type limits). */
export function isOfficeWriter(principal: Principal): boolean {
  return OFFICE_WRITE_ROLES.includes(principal.role);
}

/** The person types an office caller may list: their limit, or null for all. */
export function personTypeScope(principal: Principal): PersonTypeScope {
  return principal.personTypes;
}

/** True when `type` lies inside `scope`. */
export function scopeCovers(scope: PersonTypeScope, type: string): boolean {
  return scope === null || scope.includes(type);
}

/**
 * True when the caller may read this person: the person themself, or an office reader whose
 * type limits cover the person's type.
 */
export function canReadPerson(principal: Principal, person: { id: string; personType: string }): boolean {
  if (isSelf(principal, person.id)) return true;
  return isOfficeReader(principal) && coversPersonType(principal, person.personType);
}

/** True when the caller may change this person's record (never their own as a mere cardholder). */
export function canWritePerson(principal: Principal, person: { personType: string }): boolean {
  return isOfficeWriter(principal) && coversPersonType(principal, person.personType);
}

/**
 * How a consent decision reaches us: the person deciding for themself on the web, or the card
 * office recording it (at the desk, or from a signed paper form). Null when the caller may not
 * record this person's consent.
 */
export function consentChannelFor(
  principal: Principal,
  person: { id: string; personType: string },
  requested: 'office' | 'paper' | undefined,
): 'web' | 'office' | 'paper' | null {
  if (isSelf(principal, person.id)) return 'web';
  if (canWritePerson(principal, person)) return requested ?? 'office';
  return null;
}
