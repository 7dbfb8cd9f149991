/**
 * What writing a mapped record would change on the stored person, field by field: the run's
 * sample and the preview show it (before → after) so that an admin sees, before a first sync,
 * which persons already in campuscard a source would change, and how.
 *
 * Invariants: only the fields the source provides are compared (with the eppn, names and type),
 * as the write compares them; the values of a person not yet enrolled at the record's
 * institution are never shown (they are another institution's), only the values written.
 */
import type { PersonInput } from '../../people/domain/person.ts';
import type { ProvidedField } from './person-mapping.ts';

/** One field a write changes: the stored value and the written one (null: none). */
export interface FieldChange {
  field: string;
  before: string | number | null;
  after: string | number | null;
}

/** The stored person as the comparison reads it (a person view, showing the record's institution when enrolled there). */
export interface StoredPerson {
  institutionId: number;
  enrolments: ReadonlyArray<{ institutionId: number }>;
  firstName: string;
  lastName: string;
  birthDate: string | null;
  email: string | null;
  personType: string;
  studentNumber: string | null;
  ine: string | null;
  esi: string | null;
  academicLevel: number | null;
  rightsEnd: string | null;
  affiliation: string | null;
  locale: string | null;
  freeFields: Readonly<Record<string, string | undefined>>;
}

/** How a mapped record compares with the stored person. */
export interface PersonDiff {
  status: 'new' | 'changed' | 'unchanged';
  changes: FieldChange[];
  /** The person exists but is enrolled at other institutions only: the write enrols them here; stored values are not shown. */
  enrolledElsewhere: boolean;
}

type ScalarField = Exclude<keyof StoredPerson, 'institutionId' | 'enrolments' | 'freeFields'>;

/** Compared fields in the order of the person's fields. */
const SCALAR_FIELDS: readonly ScalarField[] = ['firstName', 'lastName', 'birthDate', 'email', 'personType', 'studentNumber', 'ine', 'esi',
  'academicLevel', 'rightsEnd', 'affiliation', 'locale'];
const ALWAYS: ReadonlySet<string> = new Set(['firstName', 'lastName', 'personType']);
/** Never cleared by a bulk write (registered at the ESC Router; chosen by the person). */
const NEVER_CLEARED: ReadonlySet<string> = new Set(['esi', 'locale']);
/** Identity fields a write leaves as they are when it has none and another institution enrols the person too. */
const SHARED_KEEP: ReadonlySet<string> = new Set(['birthDate', 'email', 'ine']);

/**
 * Compares `input` (validated, at `institutionId`) with `stored` (undefined: no such person) on
 * the `provided` fields. A person enrolled elsewhere only is `changed` (a new enrolment) with the
 * written values and no stored ones.
 */
export function diffPerson(input: PersonInput, provided: ReadonlySet<ProvidedField>, stored: StoredPerson | undefined, institutionId: number): PersonDiff {
  const compared = SCALAR_FIELDS.filter((field) => ALWAYS.has(field) || provided.has(field as ProvidedField));
  const freeKeys = [...provided].filter((field) => field.startsWith('freeFields.')).map((field) => field.slice('freeFields.'.length));
  const afterOf = (field: ScalarField): string | number | null => (input[field as keyof PersonInput] as string | number | undefined) ?? null;
  const freeAfter = (key: string): string | null => (input.freeFields as Record<string, string | undefined> | undefined)?.[key] ?? null;
  const here = stored !== undefined && stored.institutionId === institutionId;
  if (!here) {
    const changes: FieldChange[] = [
      ...compared.map((field) => ({ field, before: null, after: afterOf(field) })),
      ...freeKeys.map((key) => ({ field: `freeFields.${key}`, before: null, after: freeAfter(key) })),
    ].filter((change) => change.after !== null);
    return { status: stored ? 'changed' : 'new', changes, enrolledElsewhere: stored !== undefined };
  }
  const shared = stored.enrolments.length > 1;
  const changes: FieldChange[] = [];
  for (const field of compared) {
    const before = stored[field] ?? null;
    const after = afterOf(field);
    if (after === null && (NEVER_CLEARED.has(field) || (shared && SHARED_KEEP.has(field)))) continue;
    if (before !== after) changes.push({ field, before, after });
  }
  for (const key of freeKeys) {
    const before = stored.freeFields[key] ?? null;
    const after = freeAfter(key);
    if (after === null && shared) continue;
    if (before !== after) changes.push({ field: `freeFields.${key}`, before, after });
  }
  return { status: changes.length > 0 ? 'changed' : 'unchanged', changes, enrolledElsewhere: false };
}
