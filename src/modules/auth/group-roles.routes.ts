import { Type } from '@sinclair/typebox';
import type { AppDeps, AppInstance } from '../../app/app-types.ts';
import { principalOf } from '../../platform/http/access.ts';
import { actorOf, errorResponses, IdParams, Nullable, NullableInput, Uuid } from '../../platform/http/schemas.ts';
import { GROUP_ROLES } from './domain/group-roles.ts';

const GroupRole = Type.Union(GROUP_ROLES.map((role) => Type.Literal(role)));
const Group = Type.String({
  minLength: 1, maxLength: 1000, pattern: '\\S',
  description: 'The group as the IdP or the directory gives it: a DN (cn=staff,ou=groups,dc=univ,dc=fr) or a short name; compared without case, and for a DN without spaces around separators',
});
const PersonTypes = Type.Array(Type.String({ pattern: '^[a-z][a-z0-9_-]{0,31}$' }), {
  uniqueItems: true, maxItems: 50, description: 'Person types a manager or viewer grant is limited to; null: all',
});
const InstitutionCodes = Type.Array(Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,31}$' }), {
  uniqueItems: true, maxItems: 200,
  description: 'Institution codes the grant covers (a federation covers its members). Required unless everyInstitution: none (null, [] or missing) is 422 institutions_required',
});
const EveryInstitution = Type.Boolean({
  description: 'true: the grant covers every institution, chosen explicitly instead of naming them (an admin of the whole deployment only: 403 all_institutions_forbidden otherwise)',
});

const MappingSchema = Type.Object({
  id: Uuid,
  group: Type.String(),
  role: GroupRole,
  personTypes: Nullable(Type.Array(Type.String())),
  institutions: Nullable(Type.Array(Type.String(), { description: 'Institution codes; null: every institution (chosen explicitly)' })),
  createdBy: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

const GroupAccountSchema = Type.Object({
  id: Uuid,
  email: Type.String(),
  displayName: Type.String(),
  eppn: Nullable(Type.String()),
  role: GroupRole,
  accountRole: Type.String({ description: 'The account\'s role now (cardholder once the groups are lost and it turned back)' }),
  personTypes: Nullable(Type.Array(Type.String())),
  institutions: Nullable(Type.Array(Type.String())),
  groups: Type.Array(Type.String(), { description: 'The mapped groups that gave the role' }),
  mappingIds: Type.Array(Uuid),
  origin: Type.String({ description: 'login:<method>, source:<id> or job: whose report decided the last change' }),
  wasCardholder: Type.Boolean(),
  disabled: Type.Boolean(),
  grantedAt: Type.String(),
  revokedAt: Nullable(Type.String({ description: 'When the last matching group was lost (null: active)' })),
});

/** Group → role mappings and the accounts they give (admins; a limited admin within their institutions). */
export async function groupRolesRoutes(app: AppInstance, deps: AppDeps): Promise<void> {
  const { groupRoles } = deps.services;
  const access = { roles: ['admin' as const] };

  app.get('/admin/group-roles', {
    config: { access },
    schema: {
      tags: ['accounts'],
      summary: 'Group → role mappings',
      response: {
        200: Type.Object({
          items: Type.Array(MappingSchema),
          mayMapAll: Type.Boolean({ description: 'Whether the caller may map a group for every institution (an admin of the whole deployment)' }),
        }),
        ...errorResponses(401, 403),
      },
    },
  }, async (request) => {
    const within = principalOf(request).grantedInstitutionIds;
    return { items: await groupRoles.listMappings(within), mayMapAll: within === null };
  });

  app.post('/admin/group-roles', {
    config: { access },
    schema: {
      tags: ['accounts'],
      summary: 'Map a group to an office role (applied at the members\' next login and by the hourly evaluation)',
      body: Type.Object({
        group: Group,
        role: GroupRole,
        personTypes: Type.Optional(NullableInput(PersonTypes)),
        institutions: Type.Optional(NullableInput(InstitutionCodes)),
        everyInstitution: Type.Optional(EveryInstitution),
      }, { additionalProperties: false }),
      response: { 201: MappingSchema, ...errorResponses(400, 401, 403, 422) },
    },
  }, async (request, reply) => reply.status(201).send(await groupRoles.createMapping(request.body, actorOf(request), principalOf(request).grantedInstitutionIds)));

  // Before /:id, so that "accounts" is never read as an id.
  app.get('/admin/group-roles/accounts', {
    config: { access },
    schema: {
      tags: ['accounts'],
      summary: 'Accounts whose role comes from groups (with the groups that gave it), active first',
      response: { 200: Type.Object({ items: Type.Array(GroupAccountSchema) }), ...errorResponses(401, 403) },
    },
  }, async (request) => ({ items: await groupRoles.resultingAccounts(principalOf(request).grantedInstitutionIds) }));

  app.patch('/admin/group-roles/:id', {
    config: { access },
    schema: {
      tags: ['accounts'],
      params: IdParams,
      body: Type.Object({
        group: Type.Optional(Group),
        role: Type.Optional(GroupRole),
        personTypes: Type.Optional(NullableInput(PersonTypes)),
        institutions: Type.Optional(NullableInput(InstitutionCodes)),
        everyInstitution: Type.Optional(EveryInstitution),
      }, { additionalProperties: false, minProperties: 1 }),
      response: { 200: MappingSchema, ...errorResponses(400, 401, 403, 404, 422) },
    },
  }, async (request) => groupRoles.updateMapping(request.params.id, request.body, actorOf(request), principalOf(request).grantedInstitutionIds));

  app.delete('/admin/group-roles/:id', {
    config: { access },
    schema: { tags: ['accounts'], params: IdParams, response: { 204: Type.Null(), ...errorResponses(401, 403, 404) } },
  }, async (request, reply) => {
    await groupRoles.deleteMapping(request.params.id, actorOf(request), principalOf(request).grantedInstitutionIds);
    return reply.status(204).send(null);
  });
}
