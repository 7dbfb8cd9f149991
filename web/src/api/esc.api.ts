import { api } from './api-client.ts';
import type { QueryOf, ResponseOf } from './api-types.ts';

export type EscSyncEntry = ResponseOf<'/api/v1/esc/sync/replay/{entryId}', 'post'>;
/** Where the sync sends (a configured router, the demo simulator inside the server, or nowhere) and how it goes. */
export type EscSyncStatus = ResponseOf<'/api/v1/esc/sync/status', 'get'>;
export type CardEsc = ResponseOf<'/api/v1/cards/{id}/esc', 'get'>;
export type PersonEscSync = ResponseOf<'/api/v1/persons/{id}/esc-sync', 'get'>;
/** The entry filters; the server defaults the limit. */
export type EscEntryQuery = Partial<QueryOf<'/api/v1/esc/sync/entries', 'get'>>;

/** ESC Router sync endpoints (src/modules/esc/esc-sync.routes.ts). */
export const escApi = {
  status(signal?: AbortSignal): Promise<EscSyncStatus> {
    return api<EscSyncStatus>('/esc/sync/status', signal ? { signal } : {});
  },
  entries(query: EscEntryQuery, signal?: AbortSignal): Promise<ResponseOf<'/api/v1/esc/sync/entries', 'get'>> {
    return api<ResponseOf<'/api/v1/esc/sync/entries', 'get'>>('/esc/sync/entries', { query: { ...query }, ...(signal ? { signal } : {}) });
  },
  person(personId: string, signal?: AbortSignal): Promise<PersonEscSync> {
    return api<PersonEscSync>(`/persons/${encodeURIComponent(personId)}/esc-sync`, signal ? { signal } : {});
  },
  card(cardId: string, signal?: AbortSignal): Promise<CardEsc> {
    return api<CardEsc>(`/cards/${encodeURIComponent(cardId)}/esc`, signal ? { signal } : {});
  },
  replay(entryId: number): Promise<EscSyncEntry> {
    return api<EscSyncEntry>(`/esc/sync/replay/${entryId}`, { method: 'POST' });
  },
  replayFailed(): Promise<ResponseOf<'/api/v1/esc/sync/replay-failed', 'post'>> {
    return api<ResponseOf<'/api/v1/esc/sync/replay-failed', 'post'>>('/esc/sync/replay-failed', { method: 'POST' });
  },
  reconcile(): Promise<ResponseOf<'/api/v1/esc/sync/reconcile', 'post'>> {
    return api<ResponseOf<'/api/v1/esc/sync/reconcile', 'post'>>('/esc/sync/reconcile', { method: 'POST' });
  },
};
