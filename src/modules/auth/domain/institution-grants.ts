import { unprocessable } from '../../../platform/http/problem.ts';

/**
 * Institution ids from the codes an admin grants (to an account, a token or a group mapping),
 * without duplicates. An unknown code and a code outside what the admin manages (`within`, null:
 * everything) are the same 422 `unknown_institution` on `/institutions/<index>`, so that a limited
 * admin learns nothing about institutions they may not see.
 */
export function grantedInstitutionIds(
  all: ReadonlyArray<{ id: number; code: string }>,
  codes: readonly string[],
  within: readonly number[] | null,
): number[] {
  const ids: number[] = [];
  for (const [index, code] of codes.entries()) {
    const found = all.find((ref) => ref.code === code);
    if (!found || (within !== null && !within.includes(found.id))) {
      throw unprocessable('unknown_institution', `Unknown institution: ${code}`, { field: `/institutions/${index}` });
    }
    if (!ids.includes(found.id)) ids.push(found.id);
  }
  return ids;
}
