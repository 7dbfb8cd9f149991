import { api, apiUrl } from './api-client.ts';
import type { BodyOf, Card, CardPage, ItemOf, QueryOf, ResponseOf } from './api-types.ts';

type CardsQuery = QueryOf<'/api/v1/cards', 'get'>;
/** Pages keep their filter lists read-only; the request only reads them. */
type ReadonlyList<T> = T extends ReadonlyArray<infer Item> ? readonly Item[] : T;
/**
 * The list filters as a page holds them: each may be unset (the server defaults `limit`);
 * `page` is a 1-based page number (with a total), `cursor` is for deep paging.
 */
export type CardListQuery = { [K in keyof CardsQuery]?: ReadonlyList<CardsQuery[K]> | undefined };

export type MoveRequest = BodyOf<'/api/v1/cards/{id}/moves', 'post'>;
/** A card request; `institution` (a code) says which enrolment it is for when the person has several. */
export type CardRequestInput = BodyOf<'/api/v1/cards', 'post'>;
/** One card's outcome in a bulk move: HTTP-like status, the new state or the problem. */
export type BulkMoveResult = ItemOf<ResponseOf<'/api/v1/cards/moves', 'post'>['results']>;

export type CsnForm = 'hex' | 'hex_reversed' | 'decimal' | 'decimal_reversed';

/** A card export's filters, order, columns and header titles (the list's filters). */
export type CardExportRequest = BodyOf<'/api/v1/cards/exports', 'post'>;
/** A card export's run: status, progress, and once done its rows and bytes. */
export type CardExportJob = ResponseOf<'/api/v1/cards/exports/{id}', 'get'>['job'];

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
  list(query: CardListQuery, signal?: AbortSignal): Promise<CardPage> {
    return api<CardPage>('/cards', { query: listQuery(query), ...(signal ? { signal } : {}) });
  },
  /** Starts an export of the cards matching the filters (a job on the server): answers its run. */
  startExport(request: CardExportRequest): Promise<CardExportJob> {
    return api<{ job: CardExportJob }>('/cards/exports', { method: 'POST', body: request }).then((answer) => answer.job);
  },
  /** The run of one of the caller's exports (progress, outcome). */
  exportStatus(id: string, signal?: AbortSignal): Promise<CardExportJob> {
    return api<{ job: CardExportJob }>(`/cards/exports/${encodeURIComponent(id)}`, signal ? { signal } : {}).then((answer) => answer.job);
  },
  /** URL of a finished export's CSV file (only its author may download it). */
  exportFileUrl(id: string): string {
    return apiUrl(`/cards/exports/${encodeURIComponent(id)}/file`);
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
  moveMany(items: BodyOf<'/api/v1/cards/moves', 'post'>['items']): Promise<ResponseOf<'/api/v1/cards/moves', 'post'>> {
    return api<ResponseOf<'/api/v1/cards/moves', 'post'>>('/cards/moves', { method: 'POST', body: { items } });
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
  qrUrl(card: Pick<Card, 'id'>): string {
    return apiUrl(`/cards/${encodeURIComponent(card.id)}/qr.svg`);
  },
  /** URL of the card's photo. */
  photoUrl(card: Pick<Card, 'photoId' | 'photoUrl'>): string | null {
    if (card.photoUrl) return card.photoUrl;
    return card.photoId ? apiUrl(`/photos/${encodeURIComponent(card.photoId)}`) : null;
  },
};
