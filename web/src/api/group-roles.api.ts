import { api } from './api-client.ts';
import type { BodyOf, ItemOf, ResponseOf } from './api-types.ts';

/** A mapping "group → office role" (with person types for managers and viewers, and the institutions it covers). */
export type GroupRoleMapping = ResponseOf<'/api/v1/admin/group-roles/{id}', 'patch'>;
export type GroupRoleMappingInput = BodyOf<'/api/v1/admin/group-roles', 'post'>;
export type GroupRoleMappingPatch = BodyOf<'/api/v1/admin/group-roles/{id}', 'patch'>;
/** An account whose role comes from groups, with the groups that gave it (revoked: the groups were lost). */
export type GroupAccount = ItemOf<ResponseOf<'/api/v1/admin/group-roles/accounts', 'get'>['items']>;

/** Group → role mappings and the accounts they give (admin). */
export const groupRolesApi = {
  /** The mappings the admin may see, and whether they may map a group for every institution. */
  mappings(signal?: AbortSignal): Promise<ResponseOf<'/api/v1/admin/group-roles', 'get'>> {
    return api<ResponseOf<'/api/v1/admin/group-roles', 'get'>>('/admin/group-roles', signal ? { signal } : {});
  },
  create(body: GroupRoleMappingInput): Promise<GroupRoleMapping> {
    return api<GroupRoleMapping>('/admin/group-roles', { method: 'POST', body });
  },
  update(id: string, body: GroupRoleMappingPatch): Promise<GroupRoleMapping> {
    return api<GroupRoleMapping>(`/admin/group-roles/${encodeURIComponent(id)}`, { method: 'PATCH', body });
  },
  remove(id: string): Promise<void> {
    return api<void>(`/admin/group-roles/${encodeURIComponent(id)}`, { method: 'DELETE' });
  },
  accounts(signal?: AbortSignal): Promise<{ items: GroupAccount[] }> {
    return api<{ items: GroupAccount[] }>('/admin/group-roles/accounts', signal ? { signal } : {});
  },
};
