import { api } from './api-client.ts';
import type { ItemOf, ResponseOf } from './api-types.ts';

/** A person at the CROUS from each institution the caller sees them at, with their CROUS sync entries. */
export type PersonCrous = ResponseOf<'/api/v1/persons/{id}/crous', 'get'>;
/** One card at the CROUS with its holder's account there (the card's institution). */
export type CardCrous = ResponseOf<'/api/v1/cards/{id}/crous', 'get'>;
/** One institution's view of the person at the CROUS. */
export type CrousLiveInstitution = ItemOf<PersonCrous['institutions']>;
/** One sync entry of the person with the CROUS. */
export type CrousHistoryEntry = ItemOf<PersonCrous['history']>;

/** The CROUS account and cards read live (src/modules/crous/crous-sync.routes.ts); `refresh` asks the CROUS again rather than the 30 s cache. */
export const crousAccountApi = {
  person(personId: string, refresh: boolean, signal?: AbortSignal): Promise<PersonCrous> {
    return api<PersonCrous>(`/persons/${encodeURIComponent(personId)}/crous`, { query: { refresh }, ...(signal ? { signal } : {}) });
  },
  card(cardId: string, refresh: boolean, signal?: AbortSignal): Promise<CardCrous> {
    return api<CardCrous>(`/cards/${encodeURIComponent(cardId)}/crous`, { query: { refresh }, ...(signal ? { signal } : {}) });
  },
  reconcile(): Promise<ResponseOf<'/api/v1/admin/crous/reconcile', 'post'>> {
    return api<ResponseOf<'/api/v1/admin/crous/reconcile', 'post'>>('/admin/crous/reconcile', { method: 'POST' });
  },
};
