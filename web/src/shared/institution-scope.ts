import type { SessionInstitution, SessionPrincipal } from '../auth/session.context.tsx';

/** The institution of this code among those the account covers, if any. */
export function institutionOf(principal: SessionPrincipal | null | undefined, code: string | null | undefined): SessionInstitution | undefined {
  if (!principal || !code) return undefined;
  return principal.institutions.find((institution) => institution.code === code);
}

/**
 * The issuing institutions (not federations) the console shows now: all those the account covers,
 * or the one it is switched to, or the members of the federation it is switched to (any depth).
 */
export function institutionsInView(principal: SessionPrincipal | null | undefined): SessionInstitution[] {
  if (!principal) return [];
  const all = principal.institutions;
  const current = institutionOf(principal, principal.currentInstitution);
  if (!current) return all.filter((institution) => institution.kind === 'institution');
  const under = new Set([current.code]);
  // Members are listed after their federation or not: walk until nothing new joins.
  for (let grown = true; grown;) {
    grown = false;
    for (const institution of all) {
      if (institution.parent && under.has(institution.parent) && !under.has(institution.code)) {
        under.add(institution.code);
        grown = true;
      }
    }
  }
  return all.filter((institution) => under.has(institution.code) && institution.kind === 'institution');
}

/** True when what the console shows may come from several institutions: lists then name each row's. */
export function severalInView(principal: SessionPrincipal | null | undefined): boolean {
  return institutionsInView(principal).length > 1;
}
