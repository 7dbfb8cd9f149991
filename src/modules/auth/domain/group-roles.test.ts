import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  applyGrant, decideGrant, grantFromGroups, GROUP_ROLES, mayMap, normalizeGroup,
  type AccountState, type GroupMapping,
} from './group-roles.ts';

const groupNames = ['staff', 'CN=Managers,OU=Groups,DC=univ,DC=fr', 'admins', 'scolarite', 'Viewers'];
const arbGroup = fc.constantFrom(...groupNames);
const arbTypes = fc.option(fc.uniqueArray(fc.constantFrom('student', 'staff', 'guest'), { maxLength: 3 }), { nil: null });
const arbInstitutions = fc.option(fc.uniqueArray(fc.integer({ min: 1, max: 6 }), { maxLength: 4 }), { nil: null });
const arbMapping: fc.Arbitrary<GroupMapping> = fc.record({
  id: fc.uuid(),
  groupName: arbGroup,
  role: fc.constantFrom(...GROUP_ROLES),
  personTypes: arbTypes,
  institutionIds: arbInstitutions,
});
const arbMappings = fc.array(arbMapping, { maxLength: 8 });
/** Groups as an IdP may send them: any case, spaces after DN commas. */
const arbSentGroups = fc.array(fc.tuple(arbGroup, fc.boolean(), fc.boolean()).map(([name, upper, spaced]) => {
  const cased = upper ? name.toUpperCase() : name.toLowerCase();
  return spaced ? cased.replaceAll(',', ', ') : cased;
}), { maxLength: 5 });
const arbAccount: fc.Arbitrary<AccountState | undefined> = fc.option(fc.record({
  role: fc.constantFrom(...GROUP_ROLES, 'cardholder' as const),
  personTypes: arbTypes,
  institutionIds: arbInstitutions,
  disabled: fc.boolean(),
  personId: fc.option(fc.uuid(), { nil: null }),
  groupGrant: fc.option(fc.record({ revoked: fc.boolean(), wasCardholder: fc.boolean() }), { nil: null }),
}), { nil: undefined });

const strength = (role: string) => GROUP_ROLES.indexOf(role as (typeof GROUP_ROLES)[number]);

describe('group → role rules', () => {
  it('normalises group names idempotently, ignoring case and DN spacing', () => {
    assert.equal(normalizeGroup(' CN=Staff, OU=Groups ,DC=univ,DC=fr '), 'cn=staff,ou=groups,dc=univ,dc=fr');
    assert.equal(normalizeGroup('Personnels Scolarité'), 'personnels scolarité');
    fc.assert(fc.property(fc.string(), (name) => normalizeGroup(normalizeGroup(name)) === normalizeGroup(name)));
  });

  it('the strongest matching role wins, with the united limits of its mappings', () => {
    fc.assert(fc.property(arbMappings, arbSentGroups, (mappings, groups) => {
      const grant = grantFromGroups(mappings, groups);
      const keys = new Set(groups.map(normalizeGroup));
      const matched = mappings.filter((m) => keys.has(normalizeGroup(m.groupName)));
      if (matched.length === 0) return grant === null;
      assert.ok(grant);
      // No matching mapping is stronger, and the role is one a matching mapping names.
      assert.ok(matched.every((m) => strength(m.role) >= strength(grant.role)));
      const winners = matched.filter((m) => m.role === grant.role);
      assert.ok(winners.length > 0);
      assert.deepEqual(grant.mappingIds, [...new Set(winners.map((m) => m.id))].sort());
      for (const winner of winners) {
        if (winner.institutionIds === null) assert.equal(grant.institutionIds, null);
        else if (grant.institutionIds !== null) assert.ok(winner.institutionIds.every((id) => grant.institutionIds?.includes(id)));
        if (grant.role === 'manager' || grant.role === 'viewer') {
          if (winner.personTypes === null) assert.equal(grant.personTypes, null);
          else if (grant.personTypes !== null) assert.ok(winner.personTypes.every((type) => grant.personTypes?.includes(type)));
        } else {
          assert.equal(grant.personTypes, null);
        }
      }
      // Nothing comes from nowhere: every institution granted is one a winning mapping names.
      if (grant.institutionIds !== null) {
        assert.ok(grant.institutionIds.every((id) => winners.some((m) => m.institutionIds?.includes(id))));
      }
      return true;
    }));
  });

  it('does not depend on the order of mappings or groups', () => {
    fc.assert(fc.property(arbMappings, arbSentGroups, fc.integer(), (mappings, groups, seed) => {
      const shuffle = <T>(list: readonly T[]) => [...list].sort((a, b) => ((JSON.stringify(a).length * 31 + seed) % 7) - ((JSON.stringify(b).length * 17 + seed) % 7));
      assert.deepEqual(grantFromGroups(shuffle(mappings), shuffle(groups)), grantFromGroups(mappings, groups));
    }));
  });

  it('makes an admin only when a matching mapping says admin', () => {
    fc.assert(fc.property(arbMappings, arbSentGroups, (mappings, groups) => {
      const grant = grantFromGroups(mappings, groups);
      const keys = new Set(groups.map(normalizeGroup));
      const adminMapped = mappings.some((m) => m.role === 'admin' && keys.has(normalizeGroup(m.groupName)));
      return (grant?.role === 'admin') === adminMapped;
    }));
  });

  it('never touches a local grant, whatever the groups say', () => {
    fc.assert(fc.property(arbAccount, arbMappings, arbSentGroups, (account, mappings, groups) => {
      fc.pre(account !== undefined && account.groupGrant === null && (account.role !== 'cardholder' || account.disabled));
      const decision = decideGrant(account, grantFromGroups(mappings, groups));
      assert.deepEqual(decision, { action: 'none', reason: 'local_grant' });
      assert.deepEqual(applyGrant(account, decision), account);
    }));
  });

  it('losing the last group turns the account back into the cardholder, or disables a staff-only account', () => {
    const staffOnly: AccountState = { role: 'manager', personTypes: null, institutionIds: [1], disabled: false, personId: null,
      groupGrant: { revoked: false, wasCardholder: false } };
    assert.deepEqual(decideGrant(staffOnly, null), { action: 'revoke', to: 'disabled' });
    const promoted: AccountState = { ...staffOnly, personId: '5f0c7a43-8f57-4a5a-9a36-0a1b2c3d4e5f', groupGrant: { revoked: false, wasCardholder: true } };
    assert.deepEqual(decideGrant(promoted, null), { action: 'revoke', to: 'cardholder' });
    assert.deepEqual(applyGrant(promoted, { action: 'revoke', to: 'cardholder' })?.role, 'cardholder');
    fc.assert(fc.property(arbAccount, (account) => {
      fc.pre(account?.groupGrant !== null && account?.groupGrant !== undefined && !account.groupGrant.revoked);
      const after = applyGrant(account, decideGrant(account, null));
      // A group-granted account with no group left holds no staff role that is still usable.
      assert.ok(after && (after.role === 'cardholder' || after.disabled));
      assert.equal(after?.groupGrant?.revoked, true);
    }));
  });

  it('is idempotent: deciding again after applying changes nothing', () => {
    fc.assert(fc.property(arbAccount, arbMappings, arbSentGroups, (account, mappings, groups) => {
      const grant = grantFromGroups(mappings, groups);
      const after = applyGrant(account, decideGrant(account, grant));
      assert.equal(decideGrant(after, grant).action, 'none');
    }));
  });

  it('a group-granted account holds exactly the grant after applying it', () => {
    fc.assert(fc.property(arbAccount, arbMappings, arbSentGroups, (account, mappings, groups) => {
      const grant = grantFromGroups(mappings, groups);
      const decision = decideGrant(account, grant);
      fc.pre(grant !== null && decision.action !== 'none');
      const after = applyGrant(account, decision);
      assert.equal(after?.role, grant?.role);
      assert.equal(after?.disabled, false);
      assert.deepEqual(after?.institutionIds, grant?.institutionIds);
    }));
  });

  it('a limited admin maps only within their institutions (no escalation)', () => {
    assert.equal(mayMap(null, null), true);
    assert.equal(mayMap([1, 2], null), false);
    assert.equal(mayMap([1, 2], [2]), true);
    assert.equal(mayMap([1, 2], [2, 3]), false);
    fc.assert(fc.property(arbInstitutions, arbInstitutions, (within, asked) => {
      fc.pre(within !== null);
      const allowed = mayMap(within, asked);
      // Whatever is allowed never reaches an institution outside the admin's own.
      return !allowed || (asked !== null && asked.every((id) => within.includes(id)));
    }));
  });
});
