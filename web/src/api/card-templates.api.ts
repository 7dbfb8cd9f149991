import { api, apiUrl } from './api-client.ts';
import type { ResponseOf } from './api-types.ts';

/** A card template with its current layout and versions (src/modules/card-templates). */
export type CardTemplate = ResponseOf<'/api/v1/card-templates/{id}', 'get'>;
/** A batch print file and the job making it. */
export type PrintBatch = ResponseOf<'/api/v1/print-batches/{id}', 'get'>;
/** What taking or confirming a batch did to its cards. */
export type BatchMoveOutcome = ResponseOf<'/api/v1/print-batches/{id}/confirm', 'post'>;

const batchPath = (id: string) => `/print-batches/${encodeURIComponent(id)}`;

/** Card templates (read-only in the console for now) and batch print files. */
export const cardTemplatesApi = {
  list(signal?: AbortSignal): Promise<CardTemplate[]> {
    return api<{ items: CardTemplate[] }>('/card-templates', signal ? { signal } : {}).then((answer) => answer.items);
  },
  /** URL of a template's face drawn with sample data (an <img> source). */
  previewUrl(id: string, side: 'front' | 'back', version: number, language: 'fr' | 'en'): string {
    return apiUrl(`/card-templates/${encodeURIComponent(id)}/preview.png`, { side, version: String(version), language });
  },
  /** Starts a batch of every card ready to print (the print queue). */
  printQueue(): Promise<PrintBatch> {
    return api<PrintBatch>('/print-batches', { method: 'POST', body: { queue: true } });
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
