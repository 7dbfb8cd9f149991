import { api, apiUrl } from './api-client.ts';
import type { BodyOf, ItemOf, ResponseOf } from './api-types.ts';
import type { JobRun } from './admin.api.ts';

/** The settings of the four account files of an institution. */
export type AccountFileConfigs = ResponseOf<'/api/v1/admin/crous/account-files/configs', 'get'>;
export type AccountFileConfig = ItemOf<AccountFileConfigs['items']>;
export type AccountFileSettings = BodyOf<'/api/v1/admin/crous/account-files/configs/{kind}', 'put'>;
export type AccountFileKind = AccountFileConfig['kind'];
export type AccountFileField = ItemOf<AccountFileSettings['columns']>['field'];
export type AccountFilePreview = ResponseOf<'/api/v1/admin/crous/account-files/preview', 'post'>;
/** A file produced (who, when, kind, lines), without its bytes. */
export type AccountFile = ItemOf<ResponseOf<'/api/v1/admin/crous/account-files', 'get'>['items']>;
export type CardFileImports = ResponseOf<'/api/v1/admin/crous/card-files', 'get'>;
export type CardFileImport = ItemOf<CardFileImports['items']>;
export type CardFileReport = ResponseOf<'/api/v1/admin/crous/card-files', 'post'>;

export const ACCOUNT_FILE_KINDS: readonly AccountFileKind[] = ['new_entrants', 're_enrolments', 'staff_present', 'staff_leaving'];
export const ACCOUNT_FILE_FIELDS: readonly AccountFileField[] = [
  'identifier', 'ine', 'lastName', 'firstName', 'birthDate', 'email', 'uai', 'idCompanyRate', 'idRate', 'dueDate', 'eppn', 'studentNumber',
];

/** CROUS/Izly through files (admin): account files and the pre-encoded card file. */
export const crousFilesApi = {
  configs(institution: string | undefined, signal?: AbortSignal): Promise<AccountFileConfigs> {
    return api<AccountFileConfigs>('/admin/crous/account-files/configs', { query: { institution }, ...(signal ? { signal } : {}) });
  },
  saveConfig(institution: string | undefined, kind: AccountFileKind, settings: AccountFileSettings): Promise<AccountFileConfig> {
    return api<AccountFileConfig>(`/admin/crous/account-files/configs/${kind}`, { method: 'PUT', query: { institution }, body: settings });
  },
  preview(institution: string | undefined, kind: AccountFileKind, settings?: AccountFileSettings): Promise<AccountFilePreview> {
    return api<AccountFilePreview>('/admin/crous/account-files/preview', {
      method: 'POST', body: { kind, ...(institution ? { institution } : {}), ...(settings ? { settings } : {}) },
    });
  },
  /** Queues the making of a file: a job whose progress `adminApi.job` follows; its result names the file. */
  generate(institution: string | undefined, kind: AccountFileKind): Promise<{ job: JobRun }> {
    return api<{ job: JobRun }>('/admin/crous/account-files', { method: 'POST', body: { kind, ...(institution ? { institution } : {}) } });
  },
  history(institution: string | undefined, signal?: AbortSignal): Promise<{ items: AccountFile[] }> {
    return api<{ items: AccountFile[] }>('/admin/crous/account-files', { query: { institution }, ...(signal ? { signal } : {}) });
  },
  /** Where a file produced downloads from (a plain link: the session cookie goes along). */
  contentUrl(id: string): string {
    return apiUrl(`/admin/crous/account-files/${encodeURIComponent(id)}/content`);
  },
  importCards(institution: string | undefined, file: Blob, options: { partial: boolean; dryRun: boolean }): Promise<CardFileReport> {
    return api<CardFileReport>('/admin/crous/card-files', {
      method: 'POST', query: { institution, partial: options.partial || undefined, dryRun: options.dryRun || undefined },
      body: new Blob([file], { type: 'text/csv' }),
    });
  },
  cardImports(institution: string | undefined, signal?: AbortSignal): Promise<CardFileImports> {
    return api<CardFileImports>('/admin/crous/card-files', { query: { institution }, ...(signal ? { signal } : {}) });
  },
};
