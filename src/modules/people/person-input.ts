/**
 * A person write's input and what it changes: the field lists, the values an input writes, the
 * stored values to compare them with, and the fields a write changes. Pure functions.
 */
import { buildEsi } from '../esc/domain/esi.ts';
import type { InstitutionView } from '../institution/institution.service.ts';
import type { FreeFieldKey, PersonInput } from './domain/person.ts';
import type * as repo from './people.repository.ts';

/** Identity fields: one value per person, shared by every institution the person is enrolled at. */
export const IDENTITY_FIELDS = ['eppn', 'firstName', 'lastName', 'birthDate', 'email', 'ine', 'esi', 'freeFields', 'locale'] as const;

/** Enrolment fields: one value per person and institution. */
export const ENROLMENT_FIELDS = ['personType', 'studentNumber', 'rightsEnd', 'academicLevel', 'affiliation'] as const;

/** The fields of a person that a change may touch (names as in {@link PersonView}). */
export const PERSON_FIELDS = ['eppn', 'firstName', 'lastName', 'birthDate', 'email', 'personType', 'studentNumber', 'ine',
  'esi', 'academicLevel', 'rightsEnd', 'affiliation', 'freeFields', 'locale'] as const;

export type PersonField = (typeof PERSON_FIELDS)[number];

/**
 * A field a bulk upsert may be limited to (free fields one by one). `eppn`, the names and the
 * person type are always written: every upsert line carries them.
 */
export type UpsertField = Exclude<PersonField, 'freeFields' | 'eppn' | 'firstName' | 'lastName' | 'personType'> | `freeFields.${FreeFieldKey}`;

/** The optional fields of an upsert line, each of which a partial upsert may leave alone. */
export const OPTIONAL_UPSERT_FIELDS = ['birthDate', 'email', 'ine', 'esi', 'locale', 'studentNumber', 'rightsEnd', 'academicLevel', 'affiliation'] as const;
type IdentityField = (typeof IDENTITY_FIELDS)[number];
type EnrolmentField = (typeof ENROLMENT_FIELDS)[number];

/** The person as validation input: stored identity and enrolment values, absent ones left out. */
export function inputOf(row: repo.PersonRow, enrolment: repo.EnrolmentValues | undefined): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const field of IDENTITY_FIELDS) {
    const value = row[field];
    if (value !== null && !(field === 'freeFields' && Object.keys(row.freeFields).length === 0)) input[field] = value;
  }
  for (const field of ENROLMENT_FIELDS) {
    const value = enrolment?.[field] ?? null;
    if (value !== null) input[field] = value;
  }
  return input;
}

/** The identity values a validated input writes (absent optional fields as null). */
export function identityOf(input: PersonInput, esi: string | null): repo.IdentityValues {
  return {
    eppn: input.eppn,
    firstName: input.firstName,
    lastName: input.lastName,
    birthDate: input.birthDate ?? null,
    email: input.email ?? null,
    ine: input.ine ?? null,
    esi,
    freeFields: input.freeFields ?? {},
    locale: input.locale ?? null,
  };
}

/** The enrolment values a validated input writes (absent optional fields as null). */
export function enrolmentOf(input: PersonInput): repo.EnrolmentValues {
  return {
    personType: input.personType,
    studentNumber: input.studentNumber ?? null,
    rightsEnd: input.rightsEnd ?? null,
    academicLevel: input.academicLevel ?? null,
    affiliation: input.affiliation ?? null,
  };
}

/** A stored person's identity values, as `identityOf` gives them, to compare. */
export function storedIdentity(row: repo.PersonRow): repo.IdentityValues {
  const { id: _id, createdAt: _createdAt, updatedAt: _updatedAt, version: _version, ...values } = row;
  return values;
}

/** A stored enrolment's values, as `enrolmentOf` gives them, to compare. */
export function storedEnrolment(row: repo.EnrolmentRow | undefined): repo.EnrolmentValues | undefined {
  if (!row) return undefined;
  const { personId: _personId, institutionId: _institutionId, ...values } = row;
  return values;
}

/** A value as comparable text: objects (free fields) with their keys in order. */
export function canonical(value: unknown): string {
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
    return JSON.stringify(entries);
  }
  return JSON.stringify(value ?? null);
}

/** The identity fields a write changes (for a new person: those it sets). */
export function changedIdentity(before: repo.IdentityValues | undefined, after: repo.IdentityValues): IdentityField[] {
  return IDENTITY_FIELDS.filter((field) => (before === undefined
    ? after[field] !== null && !(field === 'freeFields' && Object.keys(after.freeFields).length === 0)
    : canonical(before[field]) !== canonical(after[field])));
}

/** The enrolment fields a write changes (for a new enrolment: those it sets). */
export function changedEnrolment(before: repo.EnrolmentValues | undefined, after: repo.EnrolmentValues): EnrolmentField[] {
  return ENROLMENT_FIELDS.filter((field) => canonical(before?.[field] ?? null) !== canonical(after[field]));
}

/**
 * The line limited to `fields` (and the fields always written): a value of another field is
 * dropped, so that a partial upsert never writes it, even for a new person.
 */
export function onlyFields(input: PersonInput, fields: ReadonlySet<UpsertField>): PersonInput {
  const { eppn, firstName, lastName, personType } = input;
  const result: PersonInput = { eppn, firstName, lastName, personType };
  for (const field of OPTIONAL_UPSERT_FIELDS) {
    if (fields.has(field) && input[field] !== undefined) Object.assign(result, { [field]: input[field] });
  }
  const free = Object.fromEntries(Object.entries(input.freeFields ?? {}).filter(([key]) => fields.has(`freeFields.${key}` as UpsertField)));
  if (Object.keys(free).length > 0) result.freeFields = free;
  return result;
}

/** Changed field names in the order of {@link PERSON_FIELDS}. */
export function ordered(fields: readonly PersonField[]): PersonField[] {
  return PERSON_FIELDS.filter((field) => fields.includes(field));
}

/**
 * The identity a write leaves when the person is also enrolled at another institution: an
 * optional field the write leaves empty keeps its stored value (that institution recorded it).
 */
export function keepShared(stored: repo.IdentityValues, next: repo.IdentityValues): repo.IdentityValues {
  return {
    ...next,
    birthDate: next.birthDate ?? stored.birthDate,
    email: next.email ?? stored.email,
    ine: next.ine ?? stored.ine,
    esi: next.esi ?? stored.esi,
    freeFields: Object.keys(next.freeFields).length > 0 ? next.freeFields : stored.freeFields,
    locale: next.locale ?? stored.locale,
  };
}

/** The institution code a request body names (`institution`), and the body without it. */
export function splitInstitution(raw: unknown): { code: string | undefined; body: unknown } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || !('institution' in raw)) return { code: undefined, body: raw };
  const { institution, ...body } = raw as Record<string, unknown>;
  return { code: typeof institution === 'string' && institution.trim() !== '' ? institution.trim().toLowerCase() : undefined, body };
}

/**
 * The ESI the institution mints for a person who was given none: national scope with the INE,
 * or institution scope (schacHomeOrganization) with the student number. Null when the institution
 * is not set up, the person lacks the code, or the code cannot be part of a URN (spaces…).
 */
export function deriveEsi(institution: Pick<InstitutionView, 'esiScope' | 'country' | 'schacHomeOrganization'> | undefined,
  input: Pick<PersonInput, 'ine' | 'studentNumber'>): string | null {
  if (!institution) return null;
  try {
    if (institution.esiScope === 'national') {
      return input.ine ? buildEsi({ kind: 'national', country: institution.country }, input.ine) : null;
    }
    return input.studentNumber && institution.schacHomeOrganization
      ? buildEsi({ kind: 'institution', schacHomeOrganization: institution.schacHomeOrganization }, input.studentNumber)
      : null;
  } catch (error) {
    if (error instanceof RangeError) return null;
    throw error;
  }
}
