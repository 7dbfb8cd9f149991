import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';
import { inTransaction, type ActorContext, type Executor } from '../../platform/db/database.ts';
import { forbidden, notFound, ProblemError, unprocessable } from '../../platform/http/problem.ts';
import {
  decideGrant, grantFromGroups, mayMap, normalizeGroup,
  type AccountState, type GrantDecision, type GroupMapping, type GroupRole,
} from './domain/group-roles.ts';
import type { GroupGrantChange } from './group-roles.tables.ts';
import type { InstitutionDirectory, ManagedWithin } from './auth.service.ts';
import * as authRepo from './auth.repository.ts';
import * as repo from './group-roles.repository.ts';
import { grantedInstitutionIds } from './domain/institution-grants.ts';

/** The periodic re-evaluation of group-granted accounts (job-definitions: hourly). */
export const GROUP_ROLES_QUEUE = 'group-roles-evaluate';
export const GROUP_ROLES_CRON = '23 * * * *';

/** Actor of the periodic run in the audit log. */
const JOB_ACTOR = 'system:group-roles';

/** A mapping as shown through the API. */
export interface GroupRoleMappingView {
  id: string;
  group: string;
  role: GroupRole;
  personTypes: string[] | null;
  /** Institution codes the grant covers; null: every institution (an explicit choice of an admin of the whole deployment). */
  institutions: string[] | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

/**
 * Input of a mapping (create; every field optional on update). A mapping names the institutions
 * it covers (`institutions`, codes; a federation covers its members), or says `everyInstitution`,
 * which only an admin of the whole deployment may choose. Naming none is refused: a mapping that
 * forgot its institutions must not grant the role across the federation.
 */
export interface GroupRoleMappingInput {
  group: string;
  role: GroupRole;
  personTypes?: string[] | null;
  institutions?: string[] | null;
  everyInstitution?: boolean;
}

/** The stable code of a mapping naming no institution. */
export const INSTITUTIONS_REQUIRED_CODE = 'institutions_required';
/** The stable code of every institution asked by an admin limited to some institutions. */
export const ALL_INSTITUTIONS_FORBIDDEN_CODE = 'all_institutions_forbidden';

/** An account whose role comes from groups, as listed for admins. */
export interface GroupAccountView {
  id: string;
  email: string;
  displayName: string;
  eppn: string | null;
  /** The role the groups gave (while `revoked`, the one they gave last). */
  role: GroupRole;
  /** The account's role now (cardholder once revoked and turned back). */
  accountRole: string;
  personTypes: string[] | null;
  institutions: string[] | null;
  /** The groups (as mapped) and mappings that gave the role. */
  groups: string[];
  mappingIds: string[];
  origin: string;
  /** The account was the person's cardholder account before the groups promoted it. */
  wasCardholder: boolean;
  disabled: boolean;
  grantedAt: string;
  /** When the last matching group was lost (null: the grant is active). */
  revokedAt: string | null;
}

/** What a login tells the group rules. */
export interface LoginGroups {
  eppn: string;
  /** The groups attribute of the login (isMemberOf, memberOf, groups…), any case. */
  groups: readonly string[];
  /** E-mail given by the IdP (the new account's e-mail when free), if any. */
  email: string | null;
  displayName: string;
  /** The person the eppn matched, if any: a new staff account is linked to them. */
  personId: string | null;
  /** The login method (memberships are kept per method: origin `login:<methodId>`). */
  methodId?: string;
}

/** Counts of one periodic evaluation. */
export interface EvaluationCounts {
  evaluated: number;
  granted: number;
  changed: number;
  revoked: number;
}

export interface GroupRolesServiceOptions {
  institutions: InstitutionDirectory;
  now?: () => Date;
}

const ORIGIN_ID = /^[A-Za-z0-9._:-]{1,100}$/;
const EMAIL = /^[^@\s]+@[^@\s]+$/;

type CodeMap = ReadonlyMap<number, string>;

function viewMapping(row: repo.MappingRow, codes: CodeMap): GroupRoleMappingView {
  return {
    id: row.id, group: row.groupName, role: row.role, personTypes: row.personTypes,
    institutions: row.institutionIds === null ? null : row.institutionIds.map((id) => codes.get(id) ?? String(id)),
    createdBy: row.createdBy, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString(),
  };
}

function toMapping(row: repo.MappingRow): GroupMapping {
  return { id: row.id, groupName: row.groupName, role: row.role, personTypes: row.personTypes, institutionIds: row.institutionIds };
}

function stateOf(row: repo.AccountWithGrant): AccountState {
  return {
    role: row.role, personTypes: row.personTypes, institutionIds: row.institutionIds, disabled: row.disabledAt !== null,
    personId: row.personId,
    groupGrant: row.hasGrant ? { revoked: row.grantRevokedAt !== null, wasCardholder: row.grantWasCardholder === true } : null,
  };
}

/** Distinct normalised groups, empty names dropped. */
function normalizedGroups(groups: readonly string[]): string[] {
  return [...new Set(groups.map(normalizeGroup).filter((group) => group.length > 0 && group.length <= 1000))];
}

/**
 * Office roles from groups: the mappings admins edit, the memberships logins and directory syncs
 * report, and the accounts that result. A role granted by groups is re-evaluated at each login of
 * the person and by an hourly job; a local grant (made by an admin) is never changed by groups.
 * Every grant, change and removal is a row change of `group_role_grants` and `accounts`, so the
 * audit log has it with the mappings, the groups and the origin.
 */
export function createGroupRolesService(db: Kysely<Database>, options: GroupRolesServiceOptions) {
  const now = options.now ?? (() => new Date());

  async function codeMap(executor: Executor = db): Promise<CodeMap> {
    return new Map((await options.institutions.list(executor)).map((ref) => [ref.id, ref.code]));
  }

  /**
   * Institution ids from what the admin wrote (null: every institution). Nothing named is 422
   * `institutions_required`; codes and everyInstitution together are 422 `institutions_conflict`;
   * everyInstitution from an admin limited to institutions is 403 `all_institutions_forbidden`;
   * unknown codes and those outside `within` are one 422.
   */
  async function institutionIds(input: Pick<GroupRoleMappingInput, 'institutions' | 'everyInstitution'>, within: ManagedWithin): Promise<number[] | null> {
    const codes = input.institutions ?? [];
    if (input.everyInstitution === true) {
      if (codes.length > 0) {
        throw unprocessable('institutions_conflict', 'Name institutions or choose every institution, not both', { field: '/institutions' });
      }
      if (within !== null) {
        throw new ProblemError(403, ALL_INSTITUTIONS_FORBIDDEN_CODE, 'Only an admin of the whole deployment may map a group for every institution', { field: '/everyInstitution' });
      }
      return null;
    }
    if (codes.length === 0) {
      throw unprocessable(INSTITUTIONS_REQUIRED_CODE, 'Name the institutions the mapping covers (or choose every institution)', { field: '/institutions' });
    }
    return grantedInstitutionIds(await options.institutions.list(db), codes, within);
  }

  function checkGroup(group: string): string {
    const key = normalizeGroup(group);
    if (key.length === 0) throw unprocessable('group_required', 'The group name is empty', { field: '/group' });
    return key;
  }

  function checkPersonTypes(role: GroupRole, personTypes: readonly string[] | null | undefined): string[] | null {
    if (personTypes === undefined || personTypes === null) return null;
    if (role !== 'manager' && role !== 'viewer') {
      throw unprocessable('person_types_not_applicable', 'Only manager and viewer grants are limited to person types', { field: '/personTypes' });
    }
    return [...personTypes];
  }

  /**
   * Evaluates one eppn in `trx` (locked account): the union of its reported groups against the
   * mappings, then the decision of domain/group-roles.ts written to the account and its grant row.
   * `login` (a login's details) lets a missing account be created; a periodic run never creates.
   */
  async function evaluate(trx: Executor, eppn: string, origin: string, login?: LoginGroups): Promise<{ decision: GrantDecision; accountId?: string }> {
    const groups = await repo.groupsOf(trx, eppn);
    const mappings = (await repo.mappingsMatching(trx, groups)).map(toMapping);
    const grant = grantFromGroups(mappings, groups);
    const account = await repo.findAccountForEppn(trx, eppn, login?.personId ?? null);
    let decision = decideGrant(account ? stateOf(account) : undefined, grant);
    if (decision.action === 'create' && !login) return { decision: { action: 'none', reason: 'no_grant' } };
    const at = now();
    const change = (action: GroupGrantChange['action'], role: GroupGrantChange['role'], mappingIds: string[], grantGroups: string[]): GroupGrantChange =>
      ({ action, role, mappingIds, groups: grantGroups, origin, at: at.toISOString() });

    // The last enabled admin stays one (as for admins' own changes): a revocation or demotion
    // waits until another admin exists, and is applied by the next evaluation.
    if (account?.role === 'admin' && ((decision.action === 'revoke') || (decision.action === 'update' && decision.grant.role !== 'admin'))) {
      const admins = await authRepo.lockEnabledAdmins(trx);
      if (admins.length <= 1 && admins.includes(account.id)) decision = { action: 'none', reason: 'unchanged' };
    }

    switch (decision.action) {
      case 'none':
        return { decision, ...(account && !account.disabledAt && account.hasGrant && account.grantRevokedAt === null ? { accountId: account.id } : {}) };
      case 'create': {
        if (!login) return { decision };
        const { grant: granted } = decision;
        const candidates = [login.email, eppn].filter((email): email is string => email !== null && EMAIL.test(email.trim()))
          .map((email) => email.trim().toLowerCase());
        const taken = await authRepo.findTakenEmails(trx, candidates);
        const email = candidates.find((candidate) => !taken.has(candidate)) ?? `group-${randomUUID()}@accounts.invalid`;
        // The person's own account would have been found above: a person with none gets this one.
        const row = await authRepo.insertAccount(trx, {
          email, displayName: login.displayName.trim().slice(0, 200) || eppn, passwordHash: null, role: granted.role,
          personTypes: granted.personTypes, institutionIds: granted.institutionIds, personId: login.personId, eppn,
        });
        await repo.saveGrant(trx, {
          id: row.id, role: granted.role, mappingIds: granted.mappingIds, groups: granted.groups, origin, wasCardholder: false,
          revokedAt: null, lastChange: change('create', granted.role, granted.mappingIds, granted.groups),
        });
        return { decision, accountId: row.id };
      }
      case 'promote':
      case 'update': {
        if (!account) return { decision };
        const { grant: granted } = decision;
        await authRepo.updateAccount(trx, account.id, {
          role: granted.role, personTypes: granted.personTypes, institutionIds: granted.institutionIds, disabledAt: null,
          ...(account.eppn === null ? { eppn } : {}),
        });
        // Access changed: sessions opened under the old role end (as when an admin changes it).
        await authRepo.deleteSessionsOfAccount(trx, account.id);
        await repo.saveGrant(trx, {
          id: account.id, role: granted.role, mappingIds: granted.mappingIds, groups: granted.groups, origin,
          wasCardholder: decision.action === 'promote' || account.grantWasCardholder === true,
          revokedAt: null, lastChange: change(decision.action, granted.role, granted.mappingIds, granted.groups),
        });
        return { decision, accountId: account.id };
      }
      case 'revoke': {
        if (!account) return { decision };
        await authRepo.updateAccount(trx, account.id, decision.to === 'cardholder'
          ? { role: 'cardholder', personTypes: null, institutionIds: null, disabledAt: null }
          : { disabledAt: at });
        await authRepo.deleteSessionsOfAccount(trx, account.id);
        // The row keeps the role, mappings and groups lost, so the entry names what was removed.
        const mappingIds = account.grantMappingIds ?? [];
        const lostGroups = account.grantGroups ?? [];
        await repo.saveGrant(trx, {
          id: account.id, role: account.grantRole ?? 'viewer', mappingIds, groups: lostGroups, origin,
          wasCardholder: account.grantWasCardholder === true, revokedAt: at,
          lastChange: change('revoke', decision.to, mappingIds, lostGroups),
        });
        return { decision };
      }
    }
  }

  return {
    /**
     * Called by single sign-on at each login, in the login's transaction (`executor`, whose actor
     * the audit log records): stores the login's groups (origin `login:<methodId>`), evaluates the
     * eppn, and returns the account to log in as when groups grant it a staff role (created,
     * promoted from the person's cardholder account, or updated), else undefined — no grant, a
     * local grant (the caller then finds the account as usual), or a grant just removed (the
     * account is back to the person's cardholder account, or disabled).
     */
    async roleAtLogin(executor: Executor, login: LoginGroups): Promise<string | undefined> {
      const eppn = login.eppn.trim().toLowerCase();
      if (eppn.length < 3) return undefined;
      const origin = `login:${login.methodId !== undefined && ORIGIN_ID.test(login.methodId) ? login.methodId : 'sso'}`;
      await repo.upsertMemberships(executor, origin, [{ eppn, groups: normalizedGroups(login.groups) }], now());
      return (await evaluate(executor, eppn, origin, login)).accountId;
    },

    /**
     * Called by a directory sync with the groups each person is in (origin `source:<sourceId>`):
     * replaces that source's last report for these eppns. Set-based (one statement per call);
     * the accounts follow at the next login or periodic evaluation. Returns the rows stored.
     */
    async recordMemberships(executor: Executor, sourceId: string, memberships: ReadonlyArray<{ eppn: string; groups: readonly string[] }>): Promise<number> {
      if (!ORIGIN_ID.test(sourceId)) throw new Error(`Invalid person source id for memberships: ${sourceId}`);
      const byEppn = new Map<string, string[]>();
      for (const membership of memberships) {
        const eppn = membership.eppn.trim().toLowerCase();
        if (eppn.length < 3 || eppn.length > 320) continue;
        byEppn.set(eppn, normalizedGroups([...(byEppn.get(eppn) ?? []), ...membership.groups]));
      }
      const rows = [...byEppn].map(([eppn, groups]) => ({ eppn, groups }));
      await repo.upsertMemberships(executor, `source:${sourceId}`, rows, now());
      return rows.length;
    },

    /**
     * Re-evaluates every group-granted account, and every account whose reported groups match a
     * mapping, from the stored memberships (after a mapping is removed or changed, a sync, or
     * people leaving groups). One short transaction per account; idempotent.
     */
    async evaluateAll(): Promise<EvaluationCounts> {
      const counts: EvaluationCounts = { evaluated: 0, granted: 0, changed: 0, revoked: 0 };
      for (const eppn of await repo.eppnsToEvaluate(db)) {
        const { decision } = await inTransaction(db, { actor: JOB_ACTOR }, (trx) => evaluate(trx, eppn, 'job'));
        counts.evaluated += 1;
        if (decision.action === 'create' || decision.action === 'promote') counts.granted += 1;
        else if (decision.action === 'update') counts.changed += 1;
        else if (decision.action === 'revoke') counts.revoked += 1;
      }
      return counts;
    },

    /** The mappings an admin may see (a limited admin: those granting only within their institutions). */
    async listMappings(within: ManagedWithin = null): Promise<GroupRoleMappingView[]> {
      const codes = await codeMap();
      return (await repo.listMappings(db, within)).map((row) => viewMapping(row, codes));
    },

    /**
     * Creates a mapping for the institutions it names (see {@link GroupRoleMappingInput}). A
     * limited admin maps only within their institutions (naming another is 422
     * `unknown_institution`, as if it did not exist).
     */
    async createMapping(input: GroupRoleMappingInput, context: ActorContext, within: ManagedWithin = null): Promise<GroupRoleMappingView> {
      const groupKey = checkGroup(input.group);
      const personTypes = checkPersonTypes(input.role, input.personTypes);
      const ids = await institutionIds(input, within);
      if (!mayMap(within, ids)) throw forbidden('A mapping may grant only within your institutions');
      const row = await inTransaction(db, context, (trx) => repo.insertMapping(trx, {
        groupName: input.group.trim(), groupKey, role: input.role, personTypes, institutionIds: ids, createdBy: context.actor,
      }));
      return viewMapping(row, await codeMap());
    },

    /** Changes a mapping the admin may see (404 otherwise), keeping it within their institutions. */
    async updateMapping(id: string, changes: Partial<GroupRoleMappingInput>, context: ActorContext, within: ManagedWithin = null): Promise<GroupRoleMappingView> {
      const current = await repo.findMapping(db, id, within);
      if (!current) throw notFound('group_role_mapping_not_found', 'No such mapping');
      const role = changes.role ?? current.role;
      const group = changes.group ?? current.groupName;
      const groupKey = checkGroup(group);
      // A role without person types drops them; otherwise unchanged unless given.
      const personTypes = changes.personTypes !== undefined ? checkPersonTypes(role, changes.personTypes)
        : (role === 'manager' || role === 'viewer' ? current.personTypes : null);
      const ids = changes.institutions !== undefined || changes.everyInstitution !== undefined
        ? await institutionIds(changes, within) : current.institutionIds;
      if (!mayMap(within, ids)) throw forbidden('A mapping may grant only within your institutions');
      const row = await inTransaction(db, context, (trx) => repo.updateMapping(trx, id, {
        groupName: group.trim(), groupKey, role, personTypes, institutionIds: ids,
      }));
      if (!row) throw notFound('group_role_mapping_not_found', 'No such mapping');
      return viewMapping(row, await codeMap());
    },

    /** Removes a mapping the admin may see; the accounts it granted follow at the next evaluation. */
    async deleteMapping(id: string, context: ActorContext, within: ManagedWithin = null): Promise<void> {
      if (!(await repo.findMapping(db, id, within))) throw notFound('group_role_mapping_not_found', 'No such mapping');
      await inTransaction(db, context, (trx) => repo.deleteMapping(trx, id));
    },

    /** The accounts whose role comes from groups (and those whose group grant was removed), as an admin may see them. */
    async resultingAccounts(within: ManagedWithin = null): Promise<GroupAccountView[]> {
      const codes = await codeMap();
      return (await repo.listGrantedAccounts(db, within)).map((row) => ({
        id: row.id, email: row.email, displayName: row.displayName, eppn: row.eppn, role: row.role, accountRole: row.accountRole,
        personTypes: row.personTypes,
        institutions: row.institutionIds === null ? null : row.institutionIds.map((id) => codes.get(id) ?? String(id)),
        groups: row.groups, mappingIds: row.mappingIds, origin: row.origin, wasCardholder: row.wasCardholder,
        disabled: row.disabledAt !== null, grantedAt: row.grantedAt.toISOString(), revokedAt: row.revokedAt?.toISOString() ?? null,
      }));
    },
  };
}

export type GroupRolesService = ReturnType<typeof createGroupRolesService>;
