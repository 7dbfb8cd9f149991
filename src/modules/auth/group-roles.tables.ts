import type { Generated } from 'kysely';
import type { Json, Timestamp } from '../../platform/db/platform.tables.ts';
import type { GroupRole } from './domain/group-roles.ts';

/** A mapping "group → office role" (see migration 0027). */
export interface GroupRoleMappingsTable {
  id: Generated<string>;
  /** As the admin wrote it. */
  groupName: string;
  /** normalizeGroup(groupName): what logins and syncs are matched by. */
  groupKey: string;
  role: GroupRole;
  personTypes: string[] | null;
  institutionIds: number[] | null;
  createdBy: string;
  createdAt: Generated<Date>;
  updatedAt: Generated<Date>;
}

/** The groups an origin (`login:<method>`, `source:<id>`) last reported for an eppn, normalised. */
export interface GroupMembershipsTable {
  eppn: string;
  origin: string;
  groups: string[];
  seenAt: Timestamp;
}

/** What the last grant, change or removal of a group-granted account was (for the audit log). */
export interface GroupGrantChange {
  action: 'create' | 'promote' | 'update' | 'revoke';
  role: GroupRole | 'cardholder' | 'disabled';
  mappingIds: string[];
  groups: string[];
  origin: string;
  at: string;
}

/** An account whose role comes from groups (id = the account's id). */
export interface GroupRoleGrantsTable {
  id: string;
  role: GroupRole;
  mappingIds: string[];
  groups: string[];
  origin: string;
  wasCardholder: boolean;
  grantedAt: Generated<Date>;
  revokedAt: Timestamp | null;
  lastChange: Json<GroupGrantChange>;
}

export interface GroupRolesTables {
  groupRoleMappings: GroupRoleMappingsTable;
  groupMemberships: GroupMembershipsTable;
  groupRoleGrants: GroupRoleGrantsTable;
}
