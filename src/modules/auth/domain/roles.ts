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
  /** The person this account is, for cardholders (and staff who also hold a card). */
  personId: string | null;
  /** Session id, for logout and CSRF checks. */
  sessionId?: string;
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
