import type { CardTemplateLayout } from '../../../src/modules/card-templates/domain/card-template.ts';
import { api, apiFetch, apiUrl } from './api-client.ts';
import type { ResponseOf } from './api-types.ts';

/**
 * A card template with its current layout and versions (src/modules/card-templates). The API's
 * schema leaves the layout open (cheap answers); the server sends its CardTemplateLayout.
 */
export type CardTemplate = Omit<ResponseOf<'/api/v1/card-templates/{id}', 'get'>, 'layout'> & { layout: CardTemplateLayout };
/** A batch print file and the job making it. */
export type PrintBatch = ResponseOf<'/api/v1/print-batches/{id}', 'get'>;
/** What taking or confirming a batch did to its cards. */
export type BatchMoveOutcome = ResponseOf<'/api/v1/print-batches/{id}/confirm', 'post'>;

/** Which template version a card is drawn with (printed with it, or its rule's current one). */
export type CardFaceTemplate = ResponseOf<'/api/v1/cards/{id}/face-template', 'get'>;

/** An uploaded image layouts may show. */
export type CardTemplateAsset = ResponseOf<'/api/v1/card-template-assets', 'get'>['items'][number];

/** What a preview draws: a draft layout's face with a card's data, or sample data (no cardId). */
export interface PreviewRequest {
  layout: CardTemplateLayout;
  side: 'front' | 'back';
  language: 'fr' | 'en';
  cardId?: string;
}

const batchPath = (id: string) => `/print-batches/${encodeURIComponent(id)}`;
const templatePath = (id: string) => `/card-templates/${encodeURIComponent(id)}`;

/** Card templates (read, edit, preview) and batch print files. */
export const cardTemplatesApi = {
  list(signal?: AbortSignal): Promise<CardTemplate[]> {
    return api<{ items: CardTemplate[] }>('/card-templates', signal ? { signal } : {}).then((answer) => answer.items);
  },
  get(id: string, signal?: AbortSignal): Promise<CardTemplate> {
    return api<CardTemplate>(templatePath(id), signal ? { signal } : {});
  },
  /** Saves a new version; 409 `template_version_conflict` when `expectedVersion` is no longer the current one. */
  save(id: string, layout: CardTemplateLayout, expectedVersion: number): Promise<CardTemplate> {
    return api<CardTemplate>(templatePath(id), { method: 'PUT', body: { layout, expectedVersion } });
  },
  /** A draft face drawn by the server's renderer (PNG); 422 `invalid_layout` names the element at fault. */
  async preview(request: PreviewRequest, signal?: AbortSignal): Promise<Blob> {
    const response = await apiFetch('/card-templates/preview', { method: 'POST', body: request, ...(signal ? { signal } : {}) });
    return response.blob();
  },
  /** The template a card's face is drawn with; 404 `no_template` when no rule applies. */
  faceTemplate(cardId: string, signal?: AbortSignal): Promise<CardFaceTemplate> {
    return api<CardFaceTemplate>(`/cards/${encodeURIComponent(cardId)}/face-template`, signal ? { signal } : {});
  },
  assets(signal?: AbortSignal): Promise<CardTemplateAsset[]> {
    return api<{ items: CardTemplateAsset[] }>('/card-template-assets', signal ? { signal } : {}).then((answer) => answer.items);
  },
  /** URL of an uploaded image (an <image> source in the editor's canvas). */
  assetUrl(id: string): string {
    return apiUrl(`/card-template-assets/${encodeURIComponent(id)}/content`);
  },
  /** URL of a template's face drawn with sample data (an <img> source). */
  previewUrl(id: string, side: 'front' | 'back', version: number, language: 'fr' | 'en'): string {
    return apiUrl(`/card-templates/${encodeURIComponent(id)}/preview.png`, { side, version: String(version), language });
  },
  /**
   * Starts a batch of every card ready to print (the print queue). Cards without a photo are left
   * out (counted in `leftOutWithoutPhoto`) unless `includeWithoutPhoto`.
   */
  printQueue(includeWithoutPhoto = false): Promise<PrintBatch> {
    return api<PrintBatch>('/print-batches', { method: 'POST', body: { queue: true, ...(includeWithoutPhoto ? { includeWithoutPhoto } : {}) } });
  },
  /** The recent batches of the caller's institutions, newest first (what the Printing page lists after a reload). */
  batches(signal?: AbortSignal): Promise<PrintBatch[]> {
    return api<{ items: PrintBatch[] }>('/print-batches', signal ? { signal } : {}).then((answer) => answer.items);
  },
  batch(id: string, signal?: AbortSignal): Promise<PrintBatch> {
    return api<PrintBatch>(batchPath(id), signal ? { signal } : {});
  },
  /** URL of the batch PDF; downloading it takes the batch (its cards go IN_PRINT). */
  fileUrl(id: string): string {
    return apiUrl(`${batchPath(id)}/file`);
  },
  confirm(id: string): Promise<BatchMoveOutcome> {
    return api<BatchMoveOutcome>(`${batchPath(id)}/confirm`, { method: 'POST', body: {} });
  },
};
