import { api } from './api-client.ts';
import type { BodyOf, ItemOf, ResponseOf } from './api-types.ts';

/** A single sign-on button of the login page. */
export type SsoMethodButton = ItemOf<ResponseOf<'/api/v1/auth/sso/methods', 'get'>['items']>;
/** A configured login method as the admin console shows it (settings and the URLs for the IdP's admin). */
export type LoginMethod = ResponseOf<'/api/v1/admin/login-methods/{id}', 'get'>;
export type LoginMethodInput = BodyOf<'/api/v1/admin/login-methods/{id}', 'put'>;

/** Single sign-on: the login page's methods, and their settings (admin). */
export const ssoApi = {
  methods(signal?: AbortSignal): Promise<{ items: SsoMethodButton[] }> {
    return api<{ items: SsoMethodButton[] }>('/auth/sso/methods', { quiet401: true, ...(signal ? { signal } : {}) });
  },
  loginMethods(signal?: AbortSignal): Promise<{ items: LoginMethod[] }> {
    return api<{ items: LoginMethod[] }>('/admin/login-methods', signal ? { signal } : {});
  },
  saveLoginMethod(id: string, body: LoginMethodInput): Promise<LoginMethod> {
    return api<LoginMethod>(`/admin/login-methods/${encodeURIComponent(id)}`, { method: 'PUT', body });
  },
};
