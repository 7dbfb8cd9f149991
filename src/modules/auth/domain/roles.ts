/** Roles of accounts. `cardholder` is every person acting on their own data. */
export const ROLES = ['admin', 'manager', 'viewer', 'station', 'deliverer', 'cardholder'] as const;
export type Role = (typeof ROLES)[number];

/** API tokens are for machine clients; they never act as a cardholder. */
export const TOKEN_ROLES = ['admin', 'manager', 'viewer', 'station', 'deliverer'] as const;
export type TokenRole = (typeof TOKEN_ROLES)[number];

/** Who is calling, resolved from a session cookie or an API token. */
export interface Principal {
  kind: 'session' | 'token';
  /** Account id, or token id for API tokens. */
  id: string;
  /** Stable label for history and audit ("account:<id>", "token:<id>"). */
  actor: string;
  displayName: string;
  role: Role;
  /** For a manager limited to some person types (null: all types). */
  personTypes: string[] | null;
  /**
   * The institutions this call may reach (null: every institution): the account's grants, a
   * federation grant covering its members, narrowed to the institution the caller focused on
   * (the `Campuscard-Institution` header, or the console's remembered switch). Every query on
   * scoped data filters by it, see `inScope`.
   */
  institutionIds: number[] | null;
  /** The grants before any focus (expanded): what the institution switcher offers. */
  grantedInstitutionIds: number[] | null;
  /** The institution focused on for this call, if any. */
  focusInstitutionId: number | null;
  /** The person this account is, for cardholders (and staff who also hold a card). */
  personId: string | null;
  /** Session id, for logout and CSRF checks. */
  sessionId?: string;
  /** For API tokens: the account the token acts for (a token it creates acts for it too). */
  accountId?: string;
}

/** True when every right of `role` is also a right of `over`. */
function covers(over: Role, role: Role): boolean {
  return over === role || over === 'admin' || (over === 'manager' && role === 'viewer');
}

/**
 * The role an API token acts with, given the current role of the account it acts for: never more
 * than that account may do. A token of a role the account still covers keeps it; a token above
 * the account's role (its creator was demoted) is capped to the account's role; when neither
 * covers the other (a station token of an account now viewer, any token of a cardholder), the
 * token has no role at all (null: it is refused). Derived at every use, so re-promoting the
 * account restores its tokens.
 */
export function effectiveTokenRole(tokenRole: TokenRole, accountRole: Role): TokenRole | null {
  if (covers(accountRole, tokenRole)) return tokenRole;
  if (accountRole !== 'cardholder' && covers(tokenRole, accountRole)) return accountRole;
  return null;
}

/**
 * Person-type limits of two grants together: the types both allow (null stands for all types).
 * Used so that a token never sees more people than the account it acts for.
 */
export function narrowPersonTypes(a: readonly string[] | null, b: readonly string[] | null): string[] | null {
  if (a === null) return b === null ? null : [...b];
  if (b === null) return [...a];
  return a.filter((type) => b.includes(type));
}

/**
 * Institution limits of two grants together (null stands for all): a token never reaches more
 * institutions than the account it acts for.
 */
export function narrowInstitutions(a: readonly number[] | null, b: readonly number[] | null): number[] | null {
  if (a === null) return b === null ? null : [...b];
  if (b === null) return [...a];
  return a.filter((id) => b.includes(id));
}

/** True when the principal's institution scope reaches this institution. */
export function coversInstitution(principal: Pick<Principal, 'institutionIds'>, institutionId: number): boolean {
  return principal.institutionIds === null || principal.institutionIds.includes(institutionId);
}

/** Roles that may read the card office's data about everybody (within person type limits). */
export const OFFICE_READ_ROLES: readonly Role[] = ['admin', 'manager', 'viewer', 'station', 'deliverer'];
/** Roles that may change people and cards (within person type limits). */
export const OFFICE_WRITE_ROLES: readonly Role[] = ['admin', 'manager'];

/** True when the principal may see or act on a person of this type (manager limits). */
export function coversPersonType(principal: Principal, personType: string): boolean {
  return principal.personTypes === null || principal.personTypes.includes(personType);
}

/** True when the principal is this very person. */
export function isSelf(principal: Principal, personId: string): boolean {
  return principal.personId !== null && principal.personId === personId;
}
