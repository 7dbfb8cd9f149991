import { api, apiUrl } from './api-client.ts';
import type { Card, Page } from './api-types.ts';

export interface CardListQuery {
  q?: string | undefined;
  state?: readonly string[] | undefined;
  personType?: readonly string[] | undefined;
  personId?: string | undefined;
  hasPendingRequest?: boolean | undefined;
  requestedFrom?: string | undefined;
  requestedTo?: string | undefined;
  sort?: 'requestedAt' | 'updatedAt' | 'lastName' | undefined;
  order?: 'asc' | 'desc' | undefined;
  limit?: number | undefined;
  /** 1-based page number (with a total), or `cursor` for deep paging. */
  page?: number | undefined;
  cursor?: string | undefined;
}

export interface MoveRequest {
  to: string;
  reason?: string | null;
  comment?: string | null;
  expectedVersion?: number;
}

export interface CardRequestInput {
  personId?: string;
  cardKind?: 'physical' | 'virtual';
  deliveryAddress?: string | null;
  photoId?: string;
}

/** One card's outcome in a bulk move: HTTP-like status, the new state or the problem. */
export interface BulkMoveResult {
  cardId: string;
  status: number;
  card?: { id: string; state: string; version: number };
  problem?: { code: string; detail: string; field?: string };
}

export type CsnForm = 'hex' | 'hex_reversed' | 'decimal' | 'decimal_reversed';

function listQuery(query: CardListQuery) {
  return {
    q: query.q, state: query.state, personType: query.personType, personId: query.personId,
    hasPendingRequest: query.hasPendingRequest, requestedFrom: query.requestedFrom, requestedTo: query.requestedTo,
    sort: query.sort, order: query.order, limit: query.limit, page: query.page, cursor: query.cursor,
  };
}

/** Card endpoints (src/modules/cards/cards.routes.ts). */
export const cardsApi = {
  /** One page of cards matching the filters, sorted and paged by the server (office roles). */
  list(query: CardListQuery, signal?: AbortSignal): Promise<Page<Card>> {
    return api<Page<Card>>('/cards', { query: listQuery(query), ...(signal ? { signal } : {}) });
  },
  /** The caller's own cards, newest first. */
  mine(signal?: AbortSignal): Promise<Card[]> {
    return api<{ items: Card[] }>('/me/cards', signal ? { signal } : {}).then((answer) => answer.items);
  },
  /** One card with its history. */
  get(id: string, signal?: AbortSignal): Promise<Card> {
    return api<Card>(`/cards/${encodeURIComponent(id)}`, signal ? { signal } : {});
  },
  /** Asks for a new card (for oneself, or for someone as the card office). */
  request(input: CardRequestInput): Promise<Card> {
    return api<Card>('/cards', { method: 'POST', body: input });
  },
  /** Moves one card to another state. */
  move(id: string, move: MoveRequest): Promise<Card> {
    return api<Card>(`/cards/${encodeURIComponent(id)}/moves`, { method: 'POST', body: move });
  },
  /** Moves many cards (at most 500), each on its own; the answer says, per card, what happened. */
  moveMany(items: ReadonlyArray<MoveRequest & { cardId: string }>): Promise<{ results: BulkMoveResult[] }> {
    return api<{ results: BulkMoveResult[] }>('/cards/moves', { method: 'POST', body: { items } });
  },
  /** Asks for a renewal of an ENABLED or DESTROYED card (answers the new RENEWED card). */
  renew(id: string): Promise<Card> {
    return api<Card>(`/cards/${encodeURIComponent(id)}/renew`, { method: 'POST' });
  },
  /** Sets the photo of a card not yet printed (JPEG or PNG; the server normalises it). */
  setPhoto(id: string, photo: Blob, fileName = 'photo.jpg'): Promise<Card> {
    const form = new FormData();
    form.append('photo', photo, fileName);
    return api<Card>(`/cards/${encodeURIComponent(id)}/photo`, { method: 'PUT', body: form });
  },
  /** Binds the chip's serial number, as an encoding station reports it. */
  bindCsn(id: string, csn: string, form: CsnForm, byteLength?: number): Promise<Card> {
    return api<Card>(`/cards/${encodeURIComponent(id)}/csn`, { method: 'POST', body: { csn, form, ...(byteLength ? { byteLength } : {}) } });
  },
  /** Records the hand-over of a card. */
  deliver(id: string): Promise<Card> {
    return api<Card>(`/cards/${encodeURIComponent(id)}/deliver`, { method: 'POST' });
  },
  /** URL of the card's QR code as SVG. */
  qrUrl(card: Pick<Card, 'id' | 'qrUrl'>): string {
    return card.qrUrl ?? apiUrl(`/cards/${encodeURIComponent(card.id)}/qr.svg`);
  },
  /** URL of the card's photo. */
  photoUrl(card: Pick<Card, 'photoId' | 'photoUrl'>): string | null {
    if (card.photoUrl) return card.photoUrl;
    return card.photoId ? apiUrl(`/photos/${encodeURIComponent(card.photoId)}`) : null;
  },
};
