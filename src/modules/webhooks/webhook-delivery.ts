/**
 * One delivery of one event to one webhook endpoint: the body (Standard Webhooks payload shape,
 * data filtered by the endpoint's grants), signed with every active secret, POSTed with a
 * timeout, and the receiver's answer classified for the outbox (ok, retry later, failed).
 * No database, no clock of its own, no logging: the connector outbox calls it and records the
 * outcome; tests call it with a loopback receiver.
 */
import type { GrantedPart } from '../../platform/events/event-catalogue.ts';
import { signWebhook } from '../../platform/events/webhook-signature.ts';
import { dataForGrants } from './domain/webhook-endpoint.ts';

/** An event as it is delivered (the event log's row, its institution named by code). */
export interface WebhookEvent {
  /** The event's id: the `webhook-id` of every delivery of it, retries included. */
  id: string;
  type: string;
  occurredAt: Date;
  institution: string;
  personType: string;
  /** Ids and states. */
  payload: Readonly<Record<string, unknown>>;
  /** The granted parts the event carries (holder, csn), null when none. */
  granted: Readonly<Record<string, unknown>> | null;
}

/** Where and how to deliver: an endpoint with its secrets decrypted (see webhooks.service.ts). */
export interface WebhookTarget {
  id: string;
  url: string;
  /** The secrets that sign: the current one first, then the previous one during a rotation's grace. */
  secrets: readonly string[];
  grants: readonly GrantedPart[];
}

/** How a delivery went, for the outbox: `ok` done, `retryable` try again later, `failed` do not retry. */
export interface WebhookDeliveryOutcome {
  result: 'ok' | 'retryable' | 'failed';
  /** The receiver's HTTP status; null when no answer came (network error, timeout). */
  status: number | null;
  /** What happened, for operators: the status and the start of the answer, or the error. Never a secret. */
  message: string;
  durationMs: number;
  /** Seconds the receiver asked to wait (Retry-After of a 429 or 503), when it said. */
  retryAfterSeconds?: number;
  /** The receiver answered 410 Gone: it wants no more deliveries, the endpoint should be disabled. */
  disableEndpoint: boolean;
}

export interface DeliveryOptions {
  fetch?: typeof globalThis.fetch;
  /** Abort after this long, the answer's body included (default 10 s). */
  timeoutMs?: number;
  /** The clock of the `webhook-timestamp` header. */
  now?: () => Date;
}

/** The default time a receiver has to answer. */
export const DEFAULT_DELIVERY_TIMEOUT_MS = 10_000;
/** How much of a receiver's answer is kept in the outcome's message. */
const MESSAGE_BODY_CHARS = 200;
/** How much of a receiver's answer is read at most (the rest is cancelled). */
const MAX_BODY_BYTES = 4096;

/**
 * The body of a delivery, exactly as sent and signed: `type`, `timestamp` (when the change
 * committed) and `data` as Standard Webhooks lays them out, plus the event's `id`, `institution`
 * and `personType` as the pull API gives them. `data` holds only the parts the endpoint was granted.
 */
export function webhookBody(event: WebhookEvent, grants: readonly GrantedPart[]): string {
  return JSON.stringify({
    id: event.id,
    type: event.type,
    timestamp: event.occurredAt.toISOString(),
    institution: event.institution,
    personType: event.personType,
    data: dataForGrants(event.payload, event.granted, grants),
  });
}

/** Text safe to show and store: one line, no control characters, no secret or signature, at most `max` characters. */
export function sanitizeMessage(text: string, max = MESSAGE_BODY_CHARS): string {
  const oneLine = text
    .replace(/whsec_[A-Za-z0-9+/=]+/g, 'whsec_[redacted]')
    .replace(/v1,[A-Za-z0-9+/=]{20,}/g, 'v1,[redacted]')
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

/** Reads at most {@link MAX_BODY_BYTES} of an answer's body, then stops reading. */
async function readStart(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < MAX_BODY_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8');
}

function retryAfter(response: Response, now: Date): number | undefined {
  const raw = response.headers.get('retry-after')?.trim();
  if (!raw) return undefined;
  if (/^\d{1,9}$/.test(raw)) return Number(raw);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

/** What kind of answer a status is: 2xx ok; 408, 429 and 5xx retryable; anything else (other 4xx, 3xx: redirects are not followed) failed. */
export function classifyStatus(status: number): WebhookDeliveryOutcome['result'] {
  if (status >= 200 && status < 300) return 'ok';
  if (status === 408 || status === 429 || status >= 500) return 'retryable';
  return 'failed';
}

/**
 * Delivers `event` to `endpoint`: POSTs the signed body ({@link webhookBody}) with the headers
 * `webhook-id` (the event id), `webhook-timestamp` (now, seconds) and `webhook-signature` (one
 * `v1,` signature per secret, space-separated), waits at most `timeoutMs` for the answer and the
 * start of its body, and classifies it. Redirects are not followed (a redirect would send the
 * event where no admin registered it): a 3xx fails. Never throws for the receiver's sake: a
 * network error or a timeout is a retryable outcome with no status.
 */
export async function deliverWebhook(endpoint: WebhookTarget, event: WebhookEvent, options: DeliveryOptions = {}): Promise<WebhookDeliveryOutcome> {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const now = options.now ?? (() => new Date());
  const timeoutMs = options.timeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS;
  const body = webhookBody(event, endpoint.grants);
  const sentAt = now();
  const headers = signWebhook({ id: event.id, timestamp: Math.floor(sentAt.getTime() / 1000), body, secrets: endpoint.secrets });
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetchImpl(endpoint.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'campuscard-webhooks', ...headers },
      body,
      redirect: 'manual',
      signal: controller.signal,
    });
    const text = await readStart(response);
    const result = classifyStatus(response.status);
    const wait = response.status === 429 || response.status === 503 ? retryAfter(response, now()) : undefined;
    const summary = sanitizeMessage(text);
    return {
      result,
      status: response.status,
      message: sanitizeMessage(`HTTP ${response.status}${summary ? `: ${summary}` : ''}`, MESSAGE_BODY_CHARS + 20),
      durationMs: elapsed(),
      ...(wait !== undefined ? { retryAfterSeconds: wait } : {}),
      disableEndpoint: response.status === 410,
    };
  } catch (error) {
    const timedOut = controller.signal.aborted;
    const cause = (error as { cause?: { code?: unknown } }).cause;
    const code = typeof cause?.code === 'string' ? cause.code : undefined;
    return {
      result: 'retryable',
      status: null,
      message: timedOut ? `No answer within ${timeoutMs} ms`
        : sanitizeMessage(`Network error${code ? ` ${code}` : ''}: ${(error as Error).message ?? String(error)}`),
      durationMs: elapsed(),
      disableEndpoint: false,
    };
  } finally {
    clearTimeout(timer);
  }
}
