import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startTestApp, TestClient, type TestApp } from '../helpers/test-app.ts';
import { createPerson } from './cards.fixtures.ts';
import { csrfTokenFor } from '../../src/modules/auth/auth.service.ts';

// Office roles from groups: mappings edited by admins, applied at single sign-on logins (through
// the SSO core's completeLogin) and by the periodic evaluation, local grants left alone.
const METHOD = 'cas-test';
let t: TestApp;
let admin: TestClient & { accountId: string };
let counter = 0;

interface Mapping { id: string; group: string; role: string; personTypes: string[] | null; institutions: string[] | null }
interface GroupAccount { id: string; eppn: string | null; role: string; accountRole: string; groups: string[]; mappingIds: string[];
  origin: string; disabled: boolean; revokedAt: string | null; personTypes: string[] | null; institutions: string[] | null }
interface SessionBody { authenticated: boolean; principal: { id: string; role: string; personTypes: string[] | null; personId: string | null;
  institutions: Array<{ code: string }> } | null }

before(async () => {
  t = await startTestApp({ env: { SSO_METHODS: JSON.stringify([{ id: METHOD, protocol: 'cas', casUrl: 'https://cas.test.example/cas' }]) } });
  await t.runtime.services.sso.seedDefaults([{ id: METHOD, enabled: true }], { actor: 'test' });
  await t.runtime.database.pool.query(`INSERT INTO institutions (code, name, pic, country) VALUES
    ('alpha', 'Alpha', '111111111', 'FR'), ('beta', 'Beta', '222222222', 'FR')`);
  admin = await t.loginAs('admin');
});
after(async () => { await t.close(); });

function newEppn(): string {
  return `staff${++counter}x${process.pid}@univ.example.fr`;
}

/** A single sign-on login through the core, as the protocol routes call it; the client of the session, or the refusal. */
async function ssoLogin(eppn: string, groups: string[], extra: Record<string, string[]> = {}) {
  const outcome = await t.runtime.services.sso.completeLogin({
    methodId: METHOD, sessionKey: null,
    attributes: { eduPersonPrincipalName: [eppn], mail: [eppn.replace('@univ', '@mail')], givenName: ['Ada'], sn: ['Lovelace'], isMemberOf: groups, ...extra },
  }, { ip: '127.0.0.1' });
  if (outcome.kind !== 'session') return { refused: outcome.reason, client: undefined };
  return { refused: undefined, client: new TestClient(t.app, { cookie: `cc_session=${outcome.sessionToken}`, csrfToken: csrfTokenFor(outcome.sessionToken) }) };
}

async function whoAmI(client: TestClient) {
  const response = await client.get<SessionBody>('/api/v1/auth/session');
  assert.equal(response.status, 200);
  return response.body.principal;
}

/** Maps a group; every institution unless `body` names some (the admin of these tests covers the whole deployment). */
async function map(client: TestClient, body: Record<string, unknown>) {
  const response = await client.post<Mapping>('/api/v1/admin/group-roles', { ...(body.institutions === undefined ? { everyInstitution: true } : {}), ...body });
  assert.equal(response.status, 201, response.text);
  return response.body;
}

async function groupAccounts(client: TestClient = admin) {
  const response = await client.get<{ items: GroupAccount[] }>('/api/v1/admin/group-roles/accounts');
  assert.equal(response.status, 200, response.text);
  return response.body.items;
}

async function auditOf(table: string, rowId: string) {
  const result = await sql<{ actor: string; operation: string; changes: Record<string, unknown> }>`
    SELECT actor, operation, changes FROM audit_log WHERE table_name = ${table} AND row_id = ${rowId} ORDER BY id`.execute(t.runtime.database.db);
  return result.rows;
}

test('a group mapped to manager: a member logs in as a manager with the mapping\'s limits; audit names mapping and origin', async () => {
  const mapping = await map(admin, { group: 'CN=Gestionnaires Alpha,OU=groups,DC=univ,DC=fr', role: 'manager', personTypes: ['student'], institutions: ['alpha'] });
  assert.equal(mapping.role, 'manager');
  assert.deepEqual(mapping.institutions, ['alpha']);
  const eppn = newEppn();
  // Another case and DN spacing than the mapping: the same group.
  const { client } = await ssoLogin(eppn, ['cn=gestionnaires alpha, ou=groups, dc=univ, dc=fr', 'cn=other,dc=univ,dc=fr']);
  assert.ok(client);
  const principal = await whoAmI(client);
  assert.equal(principal?.role, 'manager');
  assert.deepEqual(principal?.personTypes, ['student']);
  assert.deepEqual(principal?.institutions.map((i) => i.code), ['alpha']);
  // The manager reaches what a manager does, within alpha.
  assert.equal((await client.get('/api/v1/persons?limit=5')).status, 200);
  assert.equal((await client.get('/api/v1/admin/group-roles')).status, 403);

  const listed = (await groupAccounts()).find((account) => account.eppn === eppn);
  assert.ok(listed);
  assert.equal(listed.role, 'manager');
  assert.deepEqual(listed.groups, ['CN=Gestionnaires Alpha,OU=groups,DC=univ,DC=fr']);
  assert.deepEqual(listed.mappingIds, [mapping.id]);
  assert.equal(listed.origin, `login:${METHOD}`);
  assert.equal(listed.revokedAt, null);

  const grants = await auditOf('group_role_grants', listed.id);
  assert.equal(grants.length, 1);
  assert.equal(grants[0]?.operation, 'INSERT');
  assert.equal(grants[0]?.actor, `sso:${METHOD}`);
  const change = grants[0]?.changes.lastChange as { action: string; mappingIds: string[]; origin: string };
  assert.equal(change.action, 'create');
  assert.deepEqual(change.mappingIds, [mapping.id]);
  assert.equal(change.origin, `login:${METHOD}`);
  assert.equal((await auditOf('accounts', listed.id))[0]?.operation, 'INSERT');
  assert.equal((await auditOf('group_role_mappings', mapping.id))[0]?.operation, 'INSERT');
  // Logging in again with the same groups changes nothing (no new audit entry).
  await ssoLogin(eppn, ['CN=Gestionnaires Alpha,OU=groups,DC=univ,DC=fr']);
  assert.equal((await auditOf('group_role_grants', listed.id)).length, 1);
});

test('leaving the group: the next login removes the grant (a staff-only account is disabled, its sessions end)', async () => {
  await map(admin, { group: 'scolarite-beta', role: 'viewer', institutions: ['beta'] });
  const eppn = newEppn();
  const first = await ssoLogin(eppn, ['Scolarite-Beta']);
  assert.ok(first.client);
  assert.equal((await whoAmI(first.client))?.role, 'viewer');
  const again = await ssoLogin(eppn, []);
  assert.equal(again.refused, 'account_disabled');
  assert.equal((await first.client.get<SessionBody>('/api/v1/auth/session')).body.authenticated, false);
  const listed = (await groupAccounts()).find((account) => account.eppn === eppn);
  assert.ok(listed?.revokedAt);
  assert.equal(listed.disabled, true);
  const last = (await auditOf('group_role_grants', listed.id)).at(-1);
  const change = last?.changes.lastChange as { action: string; role: string; groups: string[]; origin: string };
  assert.equal(change.action, 'revoke');
  assert.equal(change.role, 'disabled');
  assert.deepEqual(change.groups, ['scolarite-beta']);
  assert.equal(change.origin, `login:${METHOD}`);
  // Back in the group: the same account comes back.
  const back = await ssoLogin(eppn, ['scolarite-beta']);
  assert.ok(back.client);
  assert.equal((await whoAmI(back.client))?.id, listed.id);
});

test('a person\'s cardholder account is promoted by a group, and turned back into it when a directory sync and the hourly run say the group is gone', async () => {
  const person = await createPerson(t, { institution: 'main' });
  const asHolder = await ssoLogin(person.eppn as string, []);
  assert.ok(asHolder.client);
  const holder = await whoAmI(asHolder.client);
  assert.equal(holder?.role, 'cardholder');
  await map(admin, { group: 'guichet', role: 'deliverer' });
  // The group comes from the directory, not from the login's attributes.
  await t.runtime.services.groupRoles.recordMemberships(t.runtime.database.db, 'ldap-main', [{ eppn: String(person.eppn).toUpperCase(), groups: ['GUICHET'] }]);
  const asStaff = await ssoLogin(person.eppn as string, []);
  assert.ok(asStaff.client);
  const staff = await whoAmI(asStaff.client);
  assert.equal(staff?.role, 'deliverer');
  assert.equal(staff?.id, holder?.id);
  assert.equal(staff?.personId, person.id);

  await t.runtime.services.groupRoles.recordMemberships(t.runtime.database.db, 'ldap-main', [{ eppn: person.eppn as string, groups: [] }]);
  const counts = await t.runtime.services.groupRoles.evaluateAll();
  assert.ok(counts.revoked >= 1);
  const listed = (await groupAccounts()).find((account) => account.id === holder?.id);
  assert.equal(listed?.accountRole, 'cardholder');
  assert.ok(listed?.revokedAt);
  const after = await ssoLogin(person.eppn as string, []);
  assert.ok(after.client);
  assert.equal((await whoAmI(after.client))?.role, 'cardholder');
  assert.equal((await whoAmI(after.client))?.personId, person.id);
  const last = (await auditOf('group_role_grants', String(holder?.id))).at(-1);
  assert.equal(last?.actor, 'system:group-roles');
  assert.equal((last?.changes.lastChange as { origin: string }).origin, 'job');
});

test('removing a mapping: the periodic evaluation removes the grants it gave', async () => {
  const mapping = await map(admin, { group: 'temporary-staff', role: 'station', institutions: ['alpha'] });
  const eppn = newEppn();
  const { client } = await ssoLogin(eppn, ['temporary-staff']);
  assert.ok(client);
  assert.equal((await whoAmI(client))?.role, 'station');
  assert.equal((await admin.delete(`/api/v1/admin/group-roles/${mapping.id}`)).status, 204);
  assert.equal((await admin.delete(`/api/v1/admin/group-roles/${mapping.id}`)).status, 404);
  await t.runtime.services.groupRoles.evaluateAll();
  assert.equal((await client.get<SessionBody>('/api/v1/auth/session')).body.authenticated, false);
  const listed = (await groupAccounts()).find((account) => account.eppn === eppn);
  assert.equal(listed?.disabled, true);
  assert.ok(listed?.revokedAt);
  // A second run finds nothing more to do.
  const before = (await auditOf('group_role_grants', String(listed?.id))).length;
  await t.runtime.services.groupRoles.evaluateAll();
  assert.equal((await auditOf('group_role_grants', String(listed?.id))).length, before);
});

test('a local grant is never changed by groups, and an admin editing a group grant makes it local', async () => {
  await map(admin, { group: 'power-users', role: 'admin' });
  const eppn = newEppn();
  // Granted to the eppn before the person ever logs in: an SSO-only account (no password).
  const created = await admin.post<{ id: string; eppn: string }>('/api/v1/accounts', {
    email: eppn.replace('@univ', '@staff'), displayName: 'Local viewer', role: 'viewer', eppn, institutions: ['beta'],
  });
  assert.equal(created.status, 201, created.text);
  const { client } = await ssoLogin(eppn, ['power-users']);
  assert.ok(client);
  const principal = await whoAmI(client);
  assert.equal(principal?.id, created.body.id);
  assert.equal(principal?.role, 'viewer');
  assert.deepEqual(principal?.institutions.map((i) => i.code), ['beta']);
  assert.equal((await groupAccounts()).some((account) => account.id === created.body.id), false);
  await t.runtime.services.groupRoles.evaluateAll();
  assert.equal((await whoAmI(client))?.role, 'viewer');

  // A group-granted account an admin changes by hand: local from then on.
  await map(admin, { group: 'helpdesk', role: 'viewer' });
  const other = newEppn();
  const granted = await ssoLogin(other, ['helpdesk']);
  assert.ok(granted.client);
  const id = String((await whoAmI(granted.client))?.id);
  assert.equal((await admin.patch(`/api/v1/accounts/${id}`, { role: 'manager' })).status, 200);
  assert.equal((await groupAccounts()).some((account) => account.id === id), false);
  const later = await ssoLogin(other, []);
  assert.ok(later.client);
  assert.equal((await whoAmI(later.client))?.role, 'manager');
});

test('several matching groups: the strongest role wins, with its mappings\' person types and institutions united', async () => {
  await map(admin, { group: 'g-viewer-all', role: 'viewer' });
  await map(admin, { group: 'g-manager-students', role: 'manager', personTypes: ['student'], institutions: ['alpha'] });
  await map(admin, { group: 'g-manager-staff', role: 'manager', personTypes: ['staff'], institutions: ['beta'] });
  const eppn = newEppn();
  const { client } = await ssoLogin(eppn, ['g-viewer-all', 'g-manager-students', 'g-manager-staff']);
  assert.ok(client);
  const principal = await whoAmI(client);
  assert.equal(principal?.role, 'manager');
  assert.deepEqual(principal?.personTypes, ['staff', 'student']);
  assert.deepEqual(principal?.institutions.map((i) => i.code).sort(), ['alpha', 'beta']);
  // One manager group gone: the grant narrows at the next login.
  const narrowed = await ssoLogin(eppn, ['g-viewer-all', 'g-manager-students']);
  assert.ok(narrowed.client);
  assert.deepEqual((await whoAmI(narrowed.client))?.personTypes, ['student']);
  // Only the viewer group left: viewer of everything.
  const viewer = await ssoLogin(eppn, ['g-viewer-all']);
  assert.ok(viewer.client);
  assert.equal((await whoAmI(viewer.client))?.role, 'viewer');
  assert.equal((await whoAmI(viewer.client))?.personTypes, null);
});

test('a limited admin maps only within their institutions and never reaches another institution\'s mappings', async () => {
  const alphaAdmin = await t.loginAs('admin', { institutions: ['alpha'] });
  const betaMapping = await map(admin, { group: 'beta-only', role: 'manager', institutions: ['beta'] });
  const allMapping = await map(admin, { group: 'everywhere', role: 'viewer' });

  const outside = await alphaAdmin.post('/api/v1/admin/group-roles', { group: 'x', role: 'admin', institutions: ['beta'] });
  assert.equal(outside.status, 422);
  assert.equal(outside.body.code, 'unknown_institution');
  assert.equal(outside.body.field, '/institutions/0');
  const mixed = await alphaAdmin.post('/api/v1/admin/group-roles', { group: 'x', role: 'manager', institutions: ['alpha', 'beta'] });
  assert.equal(mixed.status, 422);
  // Naming no institution is refused (it meant every one before); "all" is for an admin of the whole deployment only.
  for (const institutions of [null, [], undefined]) {
    const none = await alphaAdmin.post('/api/v1/admin/group-roles', { group: 'alpha-admins', role: 'admin', ...(institutions === undefined ? {} : { institutions }) });
    assert.equal(none.status, 422, JSON.stringify(institutions));
    assert.deepEqual([none.body.code, none.body.field], ['institutions_required', '/institutions']);
  }
  const all = await alphaAdmin.post('/api/v1/admin/group-roles', { group: 'alpha-admins', role: 'admin', everyInstitution: true });
  assert.equal(all.status, 403);
  assert.match(String(all.headers['content-type']), /application\/problem\+json/);
  assert.deepEqual([all.body.code, all.body.field], ['all_institutions_forbidden', '/everyInstitution']);
  const listed = await alphaAdmin.get<{ items: Mapping[]; mayMapAll: boolean }>('/api/v1/admin/group-roles');
  assert.equal(listed.body.mayMapAll, false);
  assert.equal((await admin.get<{ mayMapAll: boolean }>('/api/v1/admin/group-roles')).body.mayMapAll, true);
  const everywhere = await alphaAdmin.post<Mapping>('/api/v1/admin/group-roles', { group: 'alpha-admins', role: 'admin', institutions: ['alpha'] });
  assert.equal(everywhere.status, 201);
  assert.deepEqual(everywhere.body.institutions, ['alpha']);
  assert.equal((await alphaAdmin.patch(`/api/v1/admin/group-roles/${everywhere.body.id}`, { everyInstitution: true })).status, 403);
  assert.equal((await alphaAdmin.patch(`/api/v1/admin/group-roles/${everywhere.body.id}`, { institutions: null })).status, 422);

  const seen = (await alphaAdmin.get<{ items: Mapping[] }>('/api/v1/admin/group-roles')).body.items.map((m) => m.id);
  assert.ok(seen.includes(everywhere.body.id));
  assert.equal(seen.includes(betaMapping.id), false);
  assert.equal(seen.includes(allMapping.id), false);
  for (const id of [betaMapping.id, allMapping.id]) {
    assert.equal((await alphaAdmin.patch(`/api/v1/admin/group-roles/${id}`, { role: 'admin' })).status, 404);
    assert.equal((await alphaAdmin.delete(`/api/v1/admin/group-roles/${id}`)).status, 404);
  }
  const widen = await alphaAdmin.patch(`/api/v1/admin/group-roles/${everywhere.body.id}`, { institutions: ['beta'] });
  assert.equal(widen.status, 422);
  assert.equal((await admin.get<Mapping[]>(`/api/v1/admin/group-roles`)).status, 200);

  // A member of alpha-admins is an admin of alpha only; resulting accounts of beta stay hidden.
  const eppn = newEppn();
  const { client } = await ssoLogin(eppn, ['alpha-admins']);
  assert.ok(client);
  const principal = await whoAmI(client);
  assert.equal(principal?.role, 'admin');
  assert.deepEqual(principal?.institutions.map((i) => i.code), ['alpha']);
  const betaMember = newEppn();
  assert.ok((await ssoLogin(betaMember, ['beta-only'])).client);
  const visible = await groupAccounts(alphaAdmin);
  assert.ok(visible.some((account) => account.eppn === eppn));
  assert.equal(visible.some((account) => account.eppn === betaMember), false);
  assert.ok(visible.every((account) => account.institutions !== null && account.institutions.every((code) => code === 'alpha')));

  // Not an admin: no access at all.
  const manager = await t.loginAs('manager');
  assert.equal((await manager.get('/api/v1/admin/group-roles')).status, 403);
  assert.equal((await manager.get('/api/v1/admin/group-roles/accounts')).status, 403);
  assert.equal((await manager.post('/api/v1/admin/group-roles', { group: 'g', role: 'admin' })).status, 403);
  assert.equal((await t.anonymous.get('/api/v1/admin/group-roles')).status, 401);
});

test('bad input is a 4xx problem naming the field, and writes nothing', async () => {
  const before = (await admin.get<{ items: Mapping[] }>('/api/v1/admin/group-roles')).body.items.length;
  const cases: Array<[Record<string, unknown>, number, string | undefined]> = [
    [{ group: '   ', role: 'manager' }, 400, undefined],
    [{ group: 'g', role: 'cardholder' }, 400, undefined],
    [{ group: 'g', role: 'superuser' }, 400, undefined],
    [{ role: 'manager' }, 400, undefined],
    [{ group: 'g', role: 'manager', extra: true }, 400, undefined],
    [{ group: 'g', role: 'manager', personTypes: ['Not A Type'] }, 400, undefined],
    [{ group: 'g', role: 'station', personTypes: ['student'] }, 422, 'person_types_not_applicable'],
    [{ group: 'g', role: 'manager', institutions: ['nowhere'] }, 422, 'unknown_institution'],
    [{ group: 'g', role: 'manager', institutions: [] }, 422, 'institutions_required'],
    [{ group: 'g', role: 'manager', institutions: null }, 422, 'institutions_required'],
    [{ group: 'g', role: 'manager' }, 422, 'institutions_required'],
    [{ group: 'g', role: 'manager', everyInstitution: false }, 422, 'institutions_required'],
    [{ group: 'g', role: 'manager', institutions: ['nowhere'], everyInstitution: true }, 422, 'institutions_conflict'],
    [{ group: 'x'.repeat(1001), role: 'manager' }, 400, undefined],
  ];
  for (const [body, status, code] of cases) {
    const response = await admin.post('/api/v1/admin/group-roles', body);
    assert.equal(response.status, status, JSON.stringify(body));
    assert.match(String(response.headers['content-type']), /application\/problem\+json/);
    if (code) assert.equal(response.body.code, code);
  }
  assert.equal((await admin.patch('/api/v1/admin/group-roles/not-a-uuid', { role: 'viewer' })).status, 400);
  assert.equal((await admin.patch('/api/v1/admin/group-roles/00000000-0000-4000-8000-000000000000', { role: 'viewer' })).status, 404);
  const mapping = await map(admin, { group: 'patch-me', role: 'viewer', personTypes: ['student'] });
  assert.equal(mapping.institutions, null, '"all" chosen explicitly by an admin of the whole deployment');
  assert.equal((await admin.patch(`/api/v1/admin/group-roles/${mapping.id}`, {})).status, 400);
  const changed = await admin.patch<Mapping>(`/api/v1/admin/group-roles/${mapping.id}`, { role: 'station' });
  assert.equal(changed.status, 200);
  // A role without person types drops them.
  assert.equal(changed.body.personTypes, null);
  assert.equal((await admin.get<{ items: Mapping[] }>('/api/v1/admin/group-roles')).body.items.length, before + 1);
});
