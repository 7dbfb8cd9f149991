import { api } from './api-client.ts';
import type { BodyOf, ResponseOf } from './api-types.ts';

/** A card printer with its state: never its client credential, only the credential's last four characters. */
export type Printer = ResponseOf<'/api/v1/printers/{id}', 'get'>;
export type PrinterInput = BodyOf<'/api/v1/printers', 'post'>;
export type PrinterPatch = BodyOf<'/api/v1/printers/{id}', 'put'>;
/** A printer with its client credential, answered once: at creation and at rotation. */
export type PrinterWithToken = ResponseOf<'/api/v1/printers', 'post'>;
export type PrinterJob = ResponseOf<'/api/v1/printers/{id}/jobs', 'get'>['items'][number];

const path = (id: string) => `/printers/${encodeURIComponent(id)}`;

/** Card printers (admins and managers, within their institutions). */
export const printersApi = {
  models(signal?: AbortSignal): Promise<{ items: string[] }> {
    return api<{ items: string[] }>('/printer-models', signal ? { signal } : {});
  },
  list(signal?: AbortSignal): Promise<{ items: Printer[] }> {
    return api<{ items: Printer[] }>('/printers', signal ? { signal } : {});
  },
  create(body: PrinterInput): Promise<PrinterWithToken> {
    return api<PrinterWithToken>('/printers', { method: 'POST', body });
  },
  update(id: string, body: PrinterPatch): Promise<Printer> {
    return api<Printer>(path(id), { method: 'PUT', body });
  },
  remove(id: string): Promise<void> {
    return api<void>(path(id), { method: 'DELETE' });
  },
  rotateToken(id: string): Promise<PrinterWithToken> {
    return api<PrinterWithToken>(`${path(id)}/token`, { method: 'POST' });
  },
  jobs(id: string, signal?: AbortSignal): Promise<{ items: PrinterJob[] }> {
    return api<{ items: PrinterJob[] }>(`${path(id)}/jobs`, signal ? { signal } : {});
  },
  /** Sends a print batch to a printer: the batch is taken for it (its cards IN_PRINT) and its client prints it. */
  sendBatch(batchId: string, printerId: string): Promise<PrinterJob> {
    return api<PrinterJob>(`/print-batches/${encodeURIComponent(batchId)}/send`, { method: 'POST', body: { printerId } });
  },
};
