import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { GroupRole } from './domain/group-roles.ts';
import type { GroupGrantChange } from './group-roles.tables.ts';

/** A mapping row. */
export interface MappingRow {
  id: string;
  groupName: string;
  groupKey: string;
  role: GroupRole;
  personTypes: string[] | null;
  institutionIds: number[] | null;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

const MAPPING_COLUMNS = ['id', 'groupName', 'groupKey', 'role', 'personTypes', 'institutionIds', 'createdBy', 'createdAt', 'updatedAt'] as const;

/** `{1,2}` for a smallint[] parameter. */
function smallintArray(ids: readonly number[]) {
  return sql<number[]>`${`{${ids.join(',')}}`}::smallint[]`;
}

/**
 * Mappings an admin limited to `within` (expanded institution ids; null: no limit) may see and
 * change: with no limit, all; otherwise those granting only inside it (never an "all" mapping).
 */
function mappingWithin(within: readonly number[] | null) {
  if (within === null) return sql<boolean>`true`;
  return sql<boolean>`(group_role_mappings.institution_ids IS NOT NULL AND group_role_mappings.institution_ids <@ ${smallintArray(within)})`;
}

/** Lists the mappings visible within `within`, by group then role. */
export async function listMappings(db: Executor, within: readonly number[] | null): Promise<MappingRow[]> {
  return db.selectFrom('groupRoleMappings').select(MAPPING_COLUMNS).where(mappingWithin(within))
    .orderBy('groupKey').orderBy('role').orderBy('id').execute() as Promise<MappingRow[]>;
}

/** One mapping, if visible within `within`. */
export async function findMapping(db: Executor, id: string, within: readonly number[] | null): Promise<MappingRow | undefined> {
  return db.selectFrom('groupRoleMappings').select(MAPPING_COLUMNS).where('id', '=', id).where(mappingWithin(within))
    .executeTakeFirst() as Promise<MappingRow | undefined>;
}

/** The mappings whose normalised group is one of `keys` (all of them, whoever made them). */
export async function mappingsMatching(db: Executor, keys: readonly string[]): Promise<MappingRow[]> {
  if (keys.length === 0) return [];
  return db.selectFrom('groupRoleMappings').select(MAPPING_COLUMNS).where('groupKey', 'in', [...keys])
    .execute() as Promise<MappingRow[]>;
}

export interface NewMapping {
  groupName: string;
  groupKey: string;
  role: GroupRole;
  personTypes: string[] | null;
  institutionIds: number[] | null;
  createdBy: string;
}

/** Inserts a mapping. */
export async function insertMapping(db: Executor, mapping: NewMapping): Promise<MappingRow> {
  return db.insertInto('groupRoleMappings').values(mapping).returning(MAPPING_COLUMNS).executeTakeFirstOrThrow() as Promise<MappingRow>;
}

/** Updates a mapping (already checked visible). */
export async function updateMapping(db: Executor, id: string, changes: Partial<Omit<NewMapping, 'createdBy'>>): Promise<MappingRow | undefined> {
  return db.updateTable('groupRoleMappings').set({ ...changes, updatedAt: new Date() }).where('id', '=', id)
    .returning(MAPPING_COLUMNS).executeTakeFirst() as Promise<MappingRow | undefined>;
}

/** Deletes a mapping; true when it was there. */
export async function deleteMapping(db: Executor, id: string): Promise<boolean> {
  const result = await db.deleteFrom('groupRoleMappings').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/**
 * Replaces the groups an origin reports for each eppn (eppns lower case, groups normalised), in
 * one statement whatever the number of rows.
 */
export async function upsertMemberships(db: Executor, origin: string, rows: ReadonlyArray<{ eppn: string; groups: string[] }>, seenAt: Date): Promise<void> {
  if (rows.length === 0) return;
  // Groups travel as one JSON document: a text[][] parameter cannot hold rows of different lengths.
  await sql`INSERT INTO group_memberships (eppn, origin, groups, seen_at)
    SELECT r.eppn, ${origin}, ARRAY(SELECT jsonb_array_elements_text(r.groups)), ${seenAt}
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r (eppn text, groups jsonb)
    ON CONFLICT (eppn, origin) DO UPDATE SET groups = excluded.groups, seen_at = excluded.seen_at`.execute(db);
}

/** The union of the groups every origin last reported for an eppn (lower case). */
export async function groupsOf(db: Executor, eppn: string): Promise<string[]> {
  const rows = await db.selectFrom('groupMemberships').select('groups').where('eppn', '=', eppn).execute();
  return [...new Set(rows.flatMap((row) => row.groups))];
}

/** What the rules need of an account and its group grant. */
export interface AccountWithGrant {
  id: string;
  email: string;
  role: GroupRole | 'cardholder';
  personTypes: string[] | null;
  institutionIds: number[] | null;
  personId: string | null;
  eppn: string | null;
  disabledAt: Date | null;
  grantRevokedAt: Date | null;
  grantWasCardholder: boolean | null;
  /** The role, mappings and groups of the last grant (null without a grant row). */
  grantRole: GroupRole | null;
  grantMappingIds: string[] | null;
  grantGroups: string[] | null;
  /** True when the account has a group grant row (active or revoked). */
  hasGrant: boolean;
}

function accountsWithGrants(db: Executor) {
  return db.selectFrom('accounts').leftJoin('groupRoleGrants', 'groupRoleGrants.id', 'accounts.id')
    .select(['accounts.id', 'accounts.email', 'accounts.role', 'accounts.personTypes', 'accounts.institutionIds', 'accounts.personId',
      'accounts.eppn', 'accounts.disabledAt', 'groupRoleGrants.revokedAt as grantRevokedAt',
      'groupRoleGrants.wasCardholder as grantWasCardholder', 'groupRoleGrants.role as grantRole',
      'groupRoleGrants.mappingIds as grantMappingIds', 'groupRoleGrants.groups as grantGroups', sql<boolean>`group_role_grants.id IS NOT NULL`.as('hasGrant')]);
}

/**
 * The account an eppn logs in with: the one holding the eppn, else the person's own account when
 * it holds no other eppn. Locked (FOR UPDATE) so that two evaluations of one account never interleave.
 */
export async function findAccountForEppn(db: Executor, eppn: string, personId: string | null): Promise<AccountWithGrant | undefined> {
  const byEppn = await accountsWithGrants(db).where(sql<string>`lower(accounts.eppn)`, '=', eppn).forUpdate('accounts').executeTakeFirst();
  if (byEppn || personId === null) return byEppn as AccountWithGrant | undefined;
  return accountsWithGrants(db).where('accounts.personId', '=', personId).where('accounts.eppn', 'is', null)
    .forUpdate('accounts').executeTakeFirst() as Promise<AccountWithGrant | undefined>;
}

/** Inserts or replaces the group grant row of an account. */
export async function saveGrant(db: Executor, grant: {
  id: string; role: GroupRole; mappingIds: string[]; groups: string[]; origin: string; wasCardholder: boolean;
  revokedAt: Date | null; lastChange: GroupGrantChange;
}): Promise<void> {
  const values = { ...grant, lastChange: JSON.stringify(grant.lastChange) };
  await db.insertInto('groupRoleGrants').values(values)
    .onConflict((conflict) => conflict.column('id').doUpdateSet({
      role: values.role, mappingIds: values.mappingIds, groups: values.groups, origin: values.origin,
      revokedAt: values.revokedAt, lastChange: values.lastChange,
    })).execute();
}

/** Removes the group grant of an account: its role is local from now on (an admin changed it). */
export async function dropGrant(db: Executor, accountId: string): Promise<void> {
  await db.deleteFrom('groupRoleGrants').where('id', '=', accountId).execute();
}

/**
 * The eppns to evaluate periodically: those of group-granted accounts (active or revoked), and
 * those of accounts with an eppn whose reported groups match a mapping (a promotion to make).
 */
export async function eppnsToEvaluate(db: Executor): Promise<string[]> {
  const rows = await sql<{ eppn: string }>`
    SELECT lower(a.eppn) AS eppn FROM group_role_grants g JOIN accounts a ON a.id = g.id WHERE a.eppn IS NOT NULL
    UNION
    SELECT m.eppn FROM group_memberships m
    JOIN accounts a ON lower(a.eppn) = m.eppn
    WHERE m.groups && ARRAY(SELECT group_key FROM group_role_mappings)
    ORDER BY 1`.execute(db);
  return rows.rows.map((row) => row.eppn);
}

/** A group-granted account as listed for admins. */
export interface GrantedAccountRow {
  id: string;
  email: string;
  displayName: string;
  eppn: string | null;
  accountRole: string;
  personTypes: string[] | null;
  institutionIds: number[] | null;
  disabledAt: Date | null;
  personId: string | null;
  role: GroupRole;
  mappingIds: string[];
  groups: string[];
  origin: string;
  wasCardholder: boolean;
  grantedAt: Date;
  revokedAt: Date | null;
}

/**
 * Group-granted accounts an admin limited to `within` may see (those granted only inside it),
 * active first, then by name.
 */
export async function listGrantedAccounts(db: Executor, within: readonly number[] | null): Promise<GrantedAccountRow[]> {
  let query = db.selectFrom('groupRoleGrants').innerJoin('accounts', 'accounts.id', 'groupRoleGrants.id')
    .select(['accounts.id', 'accounts.email', 'accounts.displayName', 'accounts.eppn', 'accounts.role as accountRole',
      'accounts.personTypes', 'accounts.institutionIds', 'accounts.disabledAt', 'accounts.personId',
      'groupRoleGrants.role', 'groupRoleGrants.mappingIds', 'groupRoleGrants.groups', 'groupRoleGrants.origin',
      'groupRoleGrants.wasCardholder', 'groupRoleGrants.grantedAt', 'groupRoleGrants.revokedAt']);
  if (within !== null) {
    // A revoked grant back to cardholder has no institutions left: the grant's own are not kept,
    // so such rows are shown to admins of the whole deployment only.
    query = query.where(sql<boolean>`(accounts.institution_ids IS NOT NULL AND accounts.institution_ids <@ ${smallintArray(within)})`);
  }
  return query.orderBy(sql`group_role_grants.revoked_at IS NOT NULL`).orderBy('accounts.displayName').orderBy('accounts.id')
    .limit(5000).execute() as Promise<GrantedAccountRow[]>;
}
