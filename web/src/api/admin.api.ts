import { api } from './api-client.ts';
import type { BodyOf, ItemOf, QueryOf, ResponseOf } from './api-types.ts';

/** Accounts and tokens carry the institutions they are granted (codes; null: every institution). */
export type Account = ResponseOf<'/api/v1/accounts/{id}', 'patch'>;
export type AccountInput = BodyOf<'/api/v1/accounts', 'post'>;
export type AccountPatch = BodyOf<'/api/v1/accounts/{id}', 'patch'>;
export type ApiToken = ResponseOf<'/api/v1/tokens/{id}', 'delete'>;
export type ApiTokenInput = BodyOf<'/api/v1/tokens', 'post'>;
export type Mail = ItemOf<ResponseOf<'/api/v1/mails', 'get'>['items']>;
/** The mail filters; the server defaults the paging ones. */
export type MailQuery = Partial<QueryOf<'/api/v1/mails', 'get'>>;
export type JobRun = ResponseOf<'/api/v1/jobs/{id}', 'get'>;

/** Accounts, API tokens, mails and jobs (admin). */
export const adminApi = {
  accounts(signal?: AbortSignal): Promise<{ items: Account[] }> {
    return api<{ items: Account[] }>('/accounts', { query: { limit: 500 }, ...(signal ? { signal } : {}) });
  },
  createAccount(body: AccountInput): Promise<Account> {
    return api<Account>('/accounts', { method: 'POST', body });
  },
  updateAccount(id: string, body: AccountPatch): Promise<Account> {
    return api<Account>(`/accounts/${encodeURIComponent(id)}`, { method: 'PATCH', body });
  },
  tokens(signal?: AbortSignal): Promise<{ items: ApiToken[] }> {
    return api<{ items: ApiToken[] }>('/tokens', signal ? { signal } : {});
  },
  createToken(body: ApiTokenInput): Promise<ResponseOf<'/api/v1/tokens', 'post'>> {
    return api<ResponseOf<'/api/v1/tokens', 'post'>>('/tokens', { method: 'POST', body });
  },
  revokeToken(id: string): Promise<ApiToken> {
    return api<ApiToken>(`/tokens/${encodeURIComponent(id)}`, { method: 'DELETE' });
  },
  mails(query: MailQuery, signal?: AbortSignal): Promise<{ items: Mail[] }> {
    return api<{ items: Mail[] }>('/mails', { query: { ...query }, ...(signal ? { signal } : {}) });
  },
  job(id: string, signal?: AbortSignal): Promise<JobRun> {
    return api<JobRun>(`/jobs/${encodeURIComponent(id)}`, signal ? { signal } : {});
  },
};
