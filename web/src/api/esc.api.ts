import { api } from './api-client.ts';

export interface EscError {
  code: string;
  message: string;
  routerStatus: number | null;
}

export interface EscSyncEntry {
  id: number;
  personId: string;
  operation: string;
  reason: string;
  status: 'pending' | 'done' | 'failed';
  attempts: number;
  nextAttemptAt: string | null;
  lastError: EscError | null;
  supersededBy: number | null;
  createdAt: string;
  doneAt: string | null;
}

export interface EscSyncStatus {
  enabled: boolean;
  /** Where the sync sends: a configured router, the demo simulator inside the server, or nowhere. */
  router: 'external' | 'embedded_simulator' | null;
  counts: { pending: number; failed: number; done: number; retrying: number };
  oldestPendingAt: string | null;
  recentFailures: EscSyncEntry[];
}

export interface CardEsc {
  cardId: string;
  escn: string | null;
  qrContent: string | null;
  sync: {
    enabled: boolean;
    state: 'disabled' | 'registered' | 'pending' | 'failed' | 'not_registered';
    routerStatus: string | null;
    confirmedAt: string | null;
    lastError: EscError | null;
  };
}

export interface PersonEscSync {
  enabled: boolean;
  personId: string;
  state: 'disabled' | 'in_sync' | 'pending' | 'failed' | 'not_registered';
  lastError: EscError | null;
  entries: EscSyncEntry[];
}

/** ESC Router sync endpoints (src/modules/esc/esc-sync.routes.ts). */
export const escApi = {
  status(signal?: AbortSignal): Promise<EscSyncStatus> {
    return api<EscSyncStatus>('/esc/sync/status', signal ? { signal } : {});
  },
  entries(query: { status?: string; limit?: number; beforeId?: number }, signal?: AbortSignal): Promise<{ items: EscSyncEntry[] }> {
    return api<{ items: EscSyncEntry[] }>('/esc/sync/entries', { query: { ...query }, ...(signal ? { signal } : {}) });
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
  replayFailed(): Promise<{ count: number }> {
    return api<{ count: number }>('/esc/sync/replay-failed', { method: 'POST' });
  },
  reconcile(): Promise<{ id: string }> {
    return api<{ id: string }>('/esc/sync/reconcile', { method: 'POST' });
  },
};
