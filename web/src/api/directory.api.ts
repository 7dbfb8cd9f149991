import { api } from './api-client.ts';
import type { BodyOf, ItemOf, ResponseOf } from './api-types.ts';

/** A person source (settings name secrets, never hold them), with its last run in lists. */
export type PersonSource = ItemOf<ResponseOf<'/api/v1/admin/person-sources', 'get'>['items']>;
export type PersonSourceInput = BodyOf<'/api/v1/admin/person-sources', 'post'>;
export type PersonSourcePatch = BodyOf<'/api/v1/admin/person-sources/{id}', 'patch'>;
/** A sync run: counts, the first changes, record errors, progress while active. */
export type SourceRun = ResponseOf<'/api/v1/admin/person-sources/runs/{runId}', 'get'>;
/** One previewed entry: the person a sync would write, or its errors. */
export type PreviewEntry = ItemOf<ResponseOf<'/api/v1/admin/person-sources/{id}/preview', 'get'>['items']>;
export type SourceTest = ResponseOf<'/api/v1/admin/person-sources/{id}/test', 'post'>;

const path = (id: string) => `/admin/person-sources/${encodeURIComponent(id)}`;

/** Person sources and their syncs (admin). */
export const directoryApi = {
  list(signal?: AbortSignal): Promise<{ items: PersonSource[] }> {
    return api<{ items: PersonSource[] }>('/admin/person-sources', signal ? { signal } : {});
  },
  create(body: PersonSourceInput): Promise<PersonSource> {
    return api<PersonSource>('/admin/person-sources', { method: 'POST', body });
  },
  update(id: string, body: PersonSourcePatch): Promise<PersonSource> {
    return api<PersonSource>(path(id), { method: 'PATCH', body });
  },
  remove(id: string): Promise<void> {
    return api<void>(path(id), { method: 'DELETE' });
  },
  test(id: string): Promise<SourceTest> {
    return api<SourceTest>(`${path(id)}/test`, { method: 'POST' });
  },
  preview(id: string): Promise<{ items: PreviewEntry[] }> {
    return api<{ items: PreviewEntry[] }>(`${path(id)}/preview`);
  },
  sync(id: string, body: { mode?: 'full' | 'incremental'; dryRun?: boolean }): Promise<SourceRun> {
    return api<SourceRun>(`${path(id)}/sync`, { method: 'POST', body });
  },
  runs(id: string, signal?: AbortSignal): Promise<{ items: SourceRun[] }> {
    return api<{ items: SourceRun[] }>(`${path(id)}/runs`, signal ? { signal } : {});
  },
  /** Uploads a CSV source's file to PERSON_SOURCE_DIR at `path` (relative), replacing a file of that name. */
  uploadFile(filePath: string, file: Blob): Promise<{ path: string; size: number }> {
    // Sent as text/csv whatever the browser calls the file (Windows says application/vnd.ms-excel).
    return api<{ path: string; size: number }>('/admin/person-source-files', { method: 'PUT', query: { path: filePath }, body: new Blob([file], { type: 'text/csv' }) });
  },
  confirm(runId: string): Promise<SourceRun> {
    return api<SourceRun>(`/admin/person-sources/runs/${encodeURIComponent(runId)}/confirm`, { method: 'POST' });
  },
  cancel(runId: string): Promise<SourceRun> {
    return api<SourceRun>(`/admin/person-sources/runs/${encodeURIComponent(runId)}/cancel`, { method: 'POST' });
  },
};
