/** The problems a person write answers with (422 invalid person, 409 eppn taken, item errors of a batch). */
import { conflict, ProblemError, unprocessable, type ProblemItem } from '../../platform/http/problem.ts';
import type { PersonFieldError } from './domain/person.ts';

/** Domain field name (`freeFields.free3`) to the JSON pointer the API reports (`/freeFields/free3`). */
function pointer(field: string): string {
  return field === '' ? '/' : `/${field.split('.').join('/')}`;
}

/** Domain validation errors as problem items. */
export function personProblemItems(errors: readonly PersonFieldError[]): ProblemItem[] {
  return errors.map((error) => ({ field: pointer(error.field), code: error.code, message: error.message }));
}

/**
 * The 422 of an invalid person: `unknown_person_type` (field `/personType`) when that is the only
 * fault, else `invalid_person` listing every field at fault.
 */
export function invalidPerson(errors: readonly PersonFieldError[]): Error {
  const items = personProblemItems(errors);
  const first = items[0];
  if (items.length === 1 && first?.code === 'unknown_person_type') {
    return unprocessable('unknown_person_type', first.message, { field: '/personType', errors: items });
  }
  return unprocessable('invalid_person', first ? `${first.field}: ${first.message}` : 'The person is invalid', {
    ...(first?.field ? { field: first.field } : {}), errors: items,
  });
}

/** The 409 of an eppn another person has. */
export function eppnTaken(): Error {
  return conflict('eppn_taken', 'Another person already has this eppn', { field: '/eppn' });
}

/** An API error of a batch item's institution, as an item error. */
export function institutionItemError(error: unknown): ProblemItem {
  if (error instanceof ProblemError) return { field: '/institution', code: error.code, message: error.message };
  throw error;
}
