import { api } from './api-client.ts';
import type { BodyOf, ResponseOf } from './api-types.ts';

/** A webhook endpoint: never its secret, only the secret's last four characters. */
export type WebhookEndpoint = ResponseOf<'/api/v1/admin/webhook-endpoints/{id}', 'get'>;
export type WebhookEndpointInput = BodyOf<'/api/v1/admin/webhook-endpoints', 'post'>;
export type WebhookEndpointPatch = BodyOf<'/api/v1/admin/webhook-endpoints/{id}', 'put'>;
/** An endpoint with its signing secret, answered once: at creation and at rotation. */
export type WebhookEndpointWithSecret = ResponseOf<'/api/v1/admin/webhook-endpoints', 'post'>;
/** How the receiver answered a test delivery. */
export type WebhookTestOutcome = ResponseOf<'/api/v1/admin/webhook-endpoints/{id}/test', 'post'>;
/** The events an endpoint may subscribe to, by group, and the granted parts. */
export type WebhookCatalogue = ResponseOf<'/api/v1/admin/webhook-events', 'get'>;

const path = (id: string) => `/admin/webhook-endpoints/${encodeURIComponent(id)}`;

/** Webhook endpoints (admin). */
export const webhooksApi = {
  catalogue(signal?: AbortSignal): Promise<WebhookCatalogue> {
    return api<WebhookCatalogue>('/admin/webhook-events', signal ? { signal } : {});
  },
  list(signal?: AbortSignal): Promise<{ items: WebhookEndpoint[] }> {
    return api<{ items: WebhookEndpoint[] }>('/admin/webhook-endpoints', signal ? { signal } : {});
  },
  create(body: WebhookEndpointInput): Promise<WebhookEndpointWithSecret> {
    return api<WebhookEndpointWithSecret>('/admin/webhook-endpoints', { method: 'POST', body });
  },
  update(id: string, body: WebhookEndpointPatch): Promise<WebhookEndpoint> {
    return api<WebhookEndpoint>(path(id), { method: 'PUT', body });
  },
  remove(id: string): Promise<void> {
    return api<void>(path(id), { method: 'DELETE' });
  },
  rotateSecret(id: string, graceHours?: number): Promise<WebhookEndpointWithSecret> {
    return api<WebhookEndpointWithSecret>(`${path(id)}/rotate-secret`, { method: 'POST', body: graceHours === undefined ? {} : { graceHours } });
  },
  test(id: string): Promise<WebhookTestOutcome> {
    return api<WebhookTestOutcome>(`${path(id)}/test`, { method: 'POST' });
  },
};
