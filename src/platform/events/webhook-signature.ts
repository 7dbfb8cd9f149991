/**
 * Standard Webhooks signing (https://www.standardwebhooks.com, version 1): what a receiver needs
 * to trust a delivery. A secret is `whsec_` + base64 of 24 to 64 random bytes; a message is
 * signed as HMAC-SHA256 over `<webhook-id>.<webhook-timestamp>.<body>` with the decoded secret,
 * sent as `v1,<base64>`. During a secret rotation a message carries one signature per secret,
 * space-separated, so receivers holding either secret accept it. Pure: no clock, no I/O.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const MIN_SECRET_BYTES = 24;
const MAX_SECRET_BYTES = 64;

/** Seconds a receiver accepts between a message's timestamp and its own clock, either way (the specification's 5 minutes). */
export const DEFAULT_TOLERANCE_SECONDS = 5 * 60;

/** The three headers of a signed delivery. */
export interface WebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/** Why a delivery was refused by {@link verifyWebhook}; never says which secret or signature came close. */
export type WebhookVerificationFailure = 'missing_headers' | 'invalid_timestamp' | 'timestamp_too_old' | 'timestamp_too_new' | 'no_matching_signature';

/** Thrown for a malformed secret; the message never contains the secret. */
export class WebhookSecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookSecretError';
  }
}

/** A new random secret (32 bytes), as shown once to whoever registers an endpoint. */
export function newWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

/** The key bytes of a `whsec_` secret; throws {@link WebhookSecretError} if it is not one. */
export function webhookSecretKey(secret: string): Buffer {
  if (!secret.startsWith(SECRET_PREFIX)) throw new WebhookSecretError('A webhook secret starts with whsec_');
  const encoded = secret.slice(SECRET_PREFIX.length);
  if (!BASE64.test(encoded) || encoded.length % 4 !== 0) throw new WebhookSecretError('A webhook secret is whsec_ followed by base64');
  const key = Buffer.from(encoded, 'base64');
  if (key.length < MIN_SECRET_BYTES || key.length > MAX_SECRET_BYTES) {
    throw new WebhookSecretError(`A webhook secret holds ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES} bytes`);
  }
  return key;
}

function signatureOf(key: Buffer, id: string, timestamp: number, body: string): string {
  return createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
}

/**
 * The headers of one delivery of `body` (the exact bytes sent, as a string), signed with every
 * secret given: the current one, plus the previous one while a rotation lets receivers catch up.
 * `timestamp` is in seconds since the epoch; `id` stays the same across retries of one message.
 */
export function signWebhook(input: { id: string; timestamp: number; body: string; secrets: readonly string[] }): WebhookHeaders {
  if (input.secrets.length === 0) throw new WebhookSecretError('At least one secret is needed to sign');
  if (!Number.isSafeInteger(input.timestamp) || input.timestamp < 0) throw new RangeError('The timestamp is whole seconds since the epoch');
  const signatures = input.secrets.map((secret) => `v1,${signatureOf(webhookSecretKey(secret), input.id, input.timestamp, input.body)}`);
  return { 'webhook-id': input.id, 'webhook-timestamp': String(input.timestamp), 'webhook-signature': signatures.join(' ') };
}

/**
 * Checks a delivery as a receiver does: the timestamp within `toleranceSeconds` of `now`
 * (seconds), then any `v1` signature of the header matching any of `secrets` (compared in
 * constant time). Header names are matched case-insensitively. Returns null when the delivery is
 * authentic, else why not.
 */
export function verifyWebhook(input: {
  headers: Readonly<Record<string, string | undefined>>;
  body: string;
  secrets: readonly string[];
  now: number;
  toleranceSeconds?: number;
}): WebhookVerificationFailure | null {
  const headers = new Map(Object.entries(input.headers).map(([name, value]) => [name.toLowerCase(), value]));
  const id = headers.get('webhook-id');
  const timestampText = headers.get('webhook-timestamp');
  const signatureHeader = headers.get('webhook-signature');
  if (!id || !timestampText || !signatureHeader) return 'missing_headers';
  if (!/^\d{1,12}$/.test(timestampText)) return 'invalid_timestamp';
  const timestamp = Number(timestampText);
  const tolerance = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (input.now - timestamp > tolerance) return 'timestamp_too_old';
  if (timestamp - input.now > tolerance) return 'timestamp_too_new';
  const offered = signatureHeader.split(' ')
    .filter((part) => part.startsWith('v1,'))
    .map((part) => Buffer.from(part.slice(3), 'utf8'));
  for (const secret of input.secrets) {
    const expected = Buffer.from(signatureOf(webhookSecretKey(secret), id, timestamp, input.body), 'utf8');
    if (offered.some((candidate) => candidate.length === expected.length && timingSafeEqual(candidate, expected))) return null;
  }
  return 'no_matching_signature';
}
