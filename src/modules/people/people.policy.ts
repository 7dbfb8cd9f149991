/**
 * Who may see and change which person. Pure functions over the caller and the person.
 *
 * A person is an identity with enrolments at institutions; the caller's scope (institutions and,
 * within them, person types) applies to enrolments. A caller sees a person through an enrolment
 * in their scope, and only those enrolments; the person themself sees all of theirs.
 *
 * Rule of disclosure: a caller who may not see a person gets the same 404 `person_not_found` as
 * for an id that does not exist (a cardholder asking for somebody else, a manager of institution
 * A asking for a person enrolled only at B, a manager limited to staff asking for a student).
 * Answering 403 would confirm that the person exists. A caller who may see a person but not
 * change it (a viewer) gets 403 from the route's role rule.
 */
import { notFound, unprocessable, type ProblemItem } from '../../platform/http/problem.ts';
import { scopeAdmits, WHOLE_DEPLOYMENT, type AccessScope } from '../../platform/db/scope-filter.ts';
import { isSelf, OFFICE_READ_ROLES, OFFICE_WRITE_ROLES, type Principal } from '../auth/domain/roles.ts';

/** A scope that reaches nothing: what a caller outside the card office reads of others. */
export const NO_SCOPE: AccessScope = Object.freeze({ institutionIds: Object.freeze([]), personTypes: Object.freeze([]) });

/**
 * Who reads person records: the enrolments they may see (`scope`), the institution they focus on
 * (whose enrolment a person's flat fields then show), and the person they are (who sees all of
 * their own enrolments).
 */
export interface PersonReader {
  scope: AccessScope;
  focusInstitutionId: number | null;
  personId: string | null;
}

/**
 * Who writes: the enrolments they may change (`institutionIds` and `personTypes`, as in
 * {@link AccessScope}) and the institution they focus on, which a write without an explicit
 * institution targets (see `institution.targetFor`).
 */
export interface PersonWriter extends AccessScope {
  focusInstitutionId: number | null;
}

/** System work reads every enrolment, focused nowhere. */
export const SYSTEM_READER: PersonReader = Object.freeze({ scope: WHOLE_DEPLOYMENT, focusInstitutionId: null, personId: null });

/** System work (jobs, fixtures, the demo): every enrolment, no focus. */
export const SYSTEM_WRITER: PersonWriter = Object.freeze({ institutionIds: null, personTypes: null, focusInstitutionId: null });

/** The answer given for a person one may not see: indistinguishable from a missing one. */
export function personNotFound(): Error {
  return notFound('person_not_found', 'No such person');
}

/**
 * The refusal of a write the caller's type limits forbid, as one item of a batch or an import.
 * It is the same whether the caller asked for a type outside their limits or named the eppn of
 * a person enrolled at the target institution with a type outside them (which the write would
 * overwrite): the answer neither names the other enrolment's type nor says that it exists. The
 * eppn being unique across the deployment, a refused write of an in-scope type still tells that
 * the eppn cannot be used by this caller; nothing more is disclosed, and nothing is written.
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

/** True when the caller works for the card office (reads everybody within their scope). */
export function isOfficeReader(principal: Principal): boolean {
  return OFFICE_READ_ROLES.includes(principal.role);
}

/** True when the caller may change people (within their scope). */
export function isOfficeWriter(principal: Principal): boolean {
  return OFFICE_WRITE_ROLES.includes(principal.role);
}

/** The enrolments an office reader may see: their institutions and types; nothing for anyone else. */
export function readScope(principal: Principal): AccessScope {
  return isOfficeReader(principal) ? { institutionIds: principal.institutionIds, personTypes: principal.personTypes } : NO_SCOPE;
}

/** The caller as a reader of person records. */
export function readerOf(principal: Principal): PersonReader {
  return { scope: readScope(principal), focusInstitutionId: principal.focusInstitutionId, personId: principal.personId };
}

/** The caller as a writer of person records (the route's role rule has already admitted them). */
export function writerOf(principal: Principal): PersonWriter {
  const scope = isOfficeWriter(principal) ? { institutionIds: principal.institutionIds, personTypes: principal.personTypes } : NO_SCOPE;
  return { ...scope, focusInstitutionId: principal.focusInstitutionId };
}

/** True when `type` lies inside the type limits of `scope`. */
export function scopeCoversType(scope: Pick<AccessScope, 'personTypes'>, type: string): boolean {
  return scope.personTypes === null || scope.personTypes.includes(type);
}

/** The enrolments of a person as policies read them. */
export interface EnrolledPerson {
  id: string;
  enrolments: ReadonlyArray<{ institutionId: number; personType: string }>;
}

/**
 * True when the caller may read this person: the person themself, or an office reader whose
 * scope admits one of the person's enrolments. `person` must carry all its enrolments (as the
 * people service's `get` gives them).
 */
export function canReadPerson(principal: Principal, person: EnrolledPerson): boolean {
  if (isSelf(principal, person.id)) return true;
  const scope = readScope(principal);
  return person.enrolments.some((enrolment) => scopeAdmits(scope, enrolment.institutionId, enrolment.personType));
}

/** True when the caller may change this person's record: an office writer covering one of its enrolments. */
export function canWritePerson(principal: Principal, person: EnrolledPerson): boolean {
  const scope = writerOf(principal);
  return person.enrolments.some((enrolment) => scopeAdmits(scope, enrolment.institutionId, enrolment.personType));
}

/**
 * How a consent decision reaches us: the person deciding for themself on the web, or the card
 * office recording it (at the desk, or from a signed paper form). Null when the caller may not
 * record this person's consent.
 */
export function consentChannelFor(
  principal: Principal,
  person: EnrolledPerson,
  requested: 'office' | 'paper' | undefined,
): 'web' | 'office' | 'paper' | null {
  if (isSelf(principal, person.id)) return 'web';
  if (canWritePerson(principal, person)) return requested ?? 'office';
  return null;
}
