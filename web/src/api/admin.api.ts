import { api } from './api-client.ts';
import type { Role } from '../auth/session.context.tsx';

export interface Account {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  personTypes: string[] | null;
  personId: string | null;
  disabled: boolean;
  lastLoginAt: string | null;
  createdAt: string;
}

export interface ApiToken {
  id: string;
  name: string;
  prefix: string;
  role: Exclude<Role, 'cardholder'>;
  personTypes: string[] | null;
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  revoked: boolean;
}

export interface Mail {
  id: string;
  personId: string | null;
  to: string;
  locale: 'fr' | 'en';
  template: string;
  subject: string;
  text: string;
  status: 'queued' | 'sent' | 'stored' | 'failed';
  attempts: number;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

export interface JobRun {
  id: string;
  kind: string;
  status: string;
  progress: { current: number; total: number | null; percent: number | null };
  message: string | null;
  createdAt: string;
  finishedAt: string | null;
}

/** Accounts, API tokens, mails and jobs (admin). */
export const adminApi = {
  accounts(signal?: AbortSignal): Promise<{ items: Account[] }> {
    return api<{ items: Account[] }>('/accounts', { query: { limit: 500 }, ...(signal ? { signal } : {}) });
  },
  createAccount(body: { email: string; displayName: string; role: Role; password?: string; personTypes?: string[] | null; personId?: string | null }): Promise<Account> {
    return api<Account>('/accounts', { method: 'POST', body });
  },
  updateAccount(id: string, body: Partial<{ displayName: string; role: Role; personTypes: string[] | null; password: string; disabled: boolean }>): Promise<Account> {
    return api<Account>(`/accounts/${encodeURIComponent(id)}`, { method: 'PATCH', body });
  },
  tokens(signal?: AbortSignal): Promise<{ items: ApiToken[] }> {
    return api<{ items: ApiToken[] }>('/tokens', signal ? { signal } : {});
  },
  createToken(body: { name: string; role: ApiToken['role']; personTypes?: string[] | null }): Promise<{ token: string; info: ApiToken }> {
    return api<{ token: string; info: ApiToken }>('/tokens', { method: 'POST', body });
  },
  revokeToken(id: string): Promise<ApiToken> {
    return api<ApiToken>(`/tokens/${encodeURIComponent(id)}`, { method: 'DELETE' });
  },
  mails(query: { status?: string; limit?: number; offset?: number }, signal?: AbortSignal): Promise<{ items: Mail[] }> {
    return api<{ items: Mail[] }>('/mails', { query: { ...query }, ...(signal ? { signal } : {}) });
  },
  job(id: string, signal?: AbortSignal): Promise<JobRun> {
    return api<JobRun>(`/jobs/${encodeURIComponent(id)}`, signal ? { signal } : {});
  },
};
