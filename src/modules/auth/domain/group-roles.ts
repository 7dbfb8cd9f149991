/**
 * Office roles granted by groups (LDAP `memberOf`/`isMemberOf`, a SAML/OIDC `groups` claim): the
 * pure rules. The service (group-roles.service.ts) reads and writes; everything it decides is here.
 */

/**
 * The roles a group may grant, strongest first. Each role's rights include (in practice) those of
 * the roles after it: an admin does everything; a manager reads and changes people and cards,
 * prints and delivers (every route open to a station or a deliverer is open to a manager); a
 * station prints and encodes cards and hands them over; a deliverer hands cards over and reads; a
 * viewer only reads. So "the strongest" is the one giving the most rights, and several matching
 * mappings never take a right away from someone. Cardholder is not grantable: everybody is one.
 */
export const GROUP_ROLES = ['admin', 'manager', 'station', 'deliverer', 'viewer'] as const;
export type GroupRole = (typeof GROUP_ROLES)[number];

/** Roles whose grant may be limited to person types (as for accounts). */
const PERSON_TYPE_ROLES: readonly GroupRole[] = ['manager', 'viewer'];

/** A mapping "group → role", as the rules need it. */
export interface GroupMapping {
  id: string;
  /** The group as the admin wrote it (shown), matched through its normalised key. */
  groupName: string;
  role: GroupRole;
  /** Person types for managers and viewers; null: all. */
  personTypes: readonly string[] | null;
  /** Institution ids the grant covers (as stored, before federations are expanded); null: all. */
  institutionIds: readonly number[] | null;
}

/**
 * The key a group is matched by: trimmed, lower case (group names and DNs are case-insensitive in
 * LDAP, and IdPs differ in case), and for a DN the spaces around `,` `=` `+` removed, so that
 * `CN=Staff, OU=Groups,DC=univ,DC=fr` and `cn=staff,ou=groups,dc=univ,dc=fr` are one group.
 * Idempotent.
 */
export function normalizeGroup(name: string): string {
  const lower = name.trim().toLowerCase();
  return lower.includes('=') ? lower.replace(/\s*([,=+])\s*/g, '$1') : lower;
}

/** The grant the groups give: the strongest role and, for it, united limits. */
export interface GroupGrant {
  role: GroupRole;
  /** United person types of the winning mappings (null: all, or a role without person types). */
  personTypes: string[] | null;
  /** United institutions of the winning mappings (null: all). */
  institutionIds: number[] | null;
  /** The mappings that gave the role (the winning ones), by id, sorted. */
  mappingIds: string[];
  /** Their group names, as the admin wrote them, sorted. */
  groups: string[];
}

function union<T>(lists: ReadonlyArray<readonly T[] | null>, compare: (a: T, b: T) => number): T[] | null {
  if (lists.some((list) => list === null)) return null;
  return [...new Set(lists.flatMap((list) => list ?? []))].sort(compare);
}

/**
 * The grant from a person's groups (any case or DN spacing), or null when no mapping matches.
 * Several matching mappings: the strongest role (GROUP_ROLES order) wins; the person types and
 * institutions of the mappings of that role are united (a null among them — all — makes all).
 * Mappings of weaker roles add nothing: their limits concern another role. An admin comes only
 * from a mapping whose role is explicitly admin. Order of mappings and groups does not matter.
 */
export function grantFromGroups(mappings: readonly GroupMapping[], groups: readonly string[]): GroupGrant | null {
  const keys = new Set(groups.map(normalizeGroup));
  const matched = mappings.filter((mapping) => keys.has(normalizeGroup(mapping.groupName)));
  if (matched.length === 0) return null;
  const role = GROUP_ROLES.find((candidate) => matched.some((mapping) => mapping.role === candidate)) as GroupRole;
  const winners = matched.filter((mapping) => mapping.role === role);
  return {
    role,
    personTypes: PERSON_TYPE_ROLES.includes(role) ? union(winners.map((m) => m.personTypes), (a, b) => a.localeCompare(b)) : null,
    institutionIds: union(winners.map((m) => m.institutionIds), (a, b) => a - b),
    mappingIds: [...new Set(winners.map((m) => m.id))].sort(),
    groups: [...new Set(winners.map((m) => m.groupName))].sort(),
  };
}

/** What the rules need to know of the account an eppn logs in with, if any. */
export interface AccountState {
  role: GroupRole | 'cardholder';
  personTypes: readonly string[] | null;
  institutionIds: readonly number[] | null;
  disabled: boolean;
  /** The person the account is (cardholders, and staff who also hold a card). */
  personId: string | null;
  /**
   * The group grant recorded for the account; null: its role is local (given by an admin, or a
   * plain cardholder account). `revoked`: the groups were lost and the account was turned back.
   */
  groupGrant: { revoked: boolean; wasCardholder: boolean } | null;
}

/**
 * What to do with an account given the groups' grant:
 * - `create`: no account: create a staff account (SSO only, no password) with the grant;
 * - `promote`: the person's cardholder account takes the grant (it turns back into a cardholder
 *   account when the groups are gone);
 * - `update`: a group-granted account takes the (new) grant, and is enabled again if the groups
 *   had been lost;
 * - `revoke`: the last matching group is gone: back to `cardholder` when the account is linked to
 *   a person (it was their cardholder account, or became it: they keep their own card page),
 *   otherwise `disabled` (a staff-only account has nothing left to do, and a disabled account
 *   keeps its history and comes back if the group does);
 * - `none`: nothing changes — no grant and nothing group-granted, an account already as the grant
 *   says, or a local grant, which groups never touch (never promoted, demoted, enabled nor
 *   disabled).
 */
export type GrantDecision =
  | { action: 'none'; reason: 'no_grant' | 'local_grant' | 'unchanged' }
  | { action: 'create'; grant: GroupGrant }
  | { action: 'promote'; grant: GroupGrant }
  | { action: 'update'; grant: GroupGrant }
  | { action: 'revoke'; to: 'cardholder' | 'disabled' };

function sameList<T>(a: readonly T[] | null, b: readonly T[] | null): boolean {
  if (a === null || b === null) return a === b;
  const sa = [...a].sort();
  const sb = [...b].sort();
  return sa.length === sb.length && sa.every((value, index) => value === sb[index]);
}

/** True when the account already holds exactly this grant, enabled. */
function holds(account: AccountState, grant: GroupGrant): boolean {
  return !account.disabled && account.role === grant.role && sameList(account.personTypes, grant.personTypes)
    && sameList(account.institutionIds, grant.institutionIds);
}

/** Decides what the grant (null: no matching group) does to the account (undefined: none yet). See GrantDecision. */
export function decideGrant(account: AccountState | undefined, grant: GroupGrant | null): GrantDecision {
  if (account === undefined) return grant ? { action: 'create', grant } : { action: 'none', reason: 'no_grant' };
  if (account.groupGrant === null) {
    // A local staff role, or a cardholder account an admin disabled: the admin's decision stands.
    if (account.role !== 'cardholder' || account.disabled) return { action: 'none', reason: 'local_grant' };
    return grant ? { action: 'promote', grant } : { action: 'none', reason: 'no_grant' };
  }
  if (grant) {
    return !account.groupGrant.revoked && holds(account, grant) ? { action: 'none', reason: 'unchanged' } : { action: 'update', grant };
  }
  if (account.groupGrant.revoked) return { action: 'none', reason: 'unchanged' };
  return { action: 'revoke', to: account.personId !== null ? 'cardholder' : 'disabled' };
}

/**
 * The account after a decision (what the service writes), so that the rules can be checked
 * end to end: applying a decision and deciding again with the same grant changes nothing.
 */
export function applyGrant(account: AccountState | undefined, decision: GrantDecision): AccountState | undefined {
  switch (decision.action) {
    case 'none':
      return account;
    case 'create':
    case 'promote':
    case 'update': {
      const { role, personTypes, institutionIds } = decision.grant;
      return {
        role, personTypes, institutionIds, disabled: false, personId: account?.personId ?? null,
        groupGrant: { revoked: false, wasCardholder: decision.action === 'promote' || (account?.groupGrant?.wasCardholder ?? false) },
      };
    }
    case 'revoke': {
      if (!account) return account;
      const groupGrant = { revoked: true, wasCardholder: account.groupGrant?.wasCardholder ?? false };
      return decision.to === 'cardholder'
        ? { ...account, role: 'cardholder', personTypes: null, institutionIds: null, disabled: false, groupGrant }
        : { ...account, disabled: true, groupGrant };
    }
  }
}

/**
 * Whether an admin limited to `within` (expanded institution ids; null: the whole deployment) may
 * make or change a mapping granting in `institutionIds` (null: all): only within their own
 * institutions, so that no mapping lets them (or anyone) reach further than they do. A limited
 * admin may map to any role, admin included, since the grant stays inside their institutions —
 * exactly as they may create such accounts by hand.
 */
export function mayMap(within: readonly number[] | null, institutionIds: readonly number[] | null): boolean {
  if (within === null) return true;
  return institutionIds !== null && institutionIds.every((id) => within.includes(id));
}
