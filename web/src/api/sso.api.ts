import { api } from './api-client.ts';
import type { BodyOf, ItemOf, ResponseOf } from './api-types.ts';

/** A single sign-on button of the login page. */
export type SsoMethodButton = ItemOf<ResponseOf<'/api/v1/auth/sso/methods', 'get'>['items']>;
/** A configured login method as the admin console shows it (settings and the URLs for the IdP's admin). */
export type LoginMethod = ResponseOf<'/api/v1/admin/login-methods/{id}', 'get'>;
export type LoginMethodInput = BodyOf<'/api/v1/admin/login-methods/{id}', 'put'>;
/** A SAML method's stored IdP metadata: last refresh, validity, last error. */
export type SamlMetadataStatus = ResponseOf<'/api/v1/admin/login-methods/{id}/saml-metadata/refresh', 'post'>;

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
  /** Fetches and verifies a SAML method's IdP metadata now; a failure is in the answer's lastError (the previous copy is kept). */
  refreshSamlMetadata(id: string): Promise<SamlMetadataStatus> {
    return api<SamlMetadataStatus>(`/admin/login-methods/${encodeURIComponent(id)}/saml-metadata/refresh`, { method: 'POST' });
  },
};
