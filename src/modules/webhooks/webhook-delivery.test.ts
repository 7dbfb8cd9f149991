import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { newWebhookSecret } from '../../platform/events/webhook-signature.ts';
import { classifyStatus, deliverWebhook, sanitizeMessage, type WebhookEvent, type WebhookTarget } from './webhook-delivery.ts';

/**
 * The delivery call against a real HTTP receiver on the loopback, which checks every signature
 * with the `standardwebhooks` package (an independent implementation of the specification).
 */

interface Received { headers: Record<string, string>; body: string }

let server: Server;
let base: string;
const received: Received[] = [];
/** What the receiver does with the next request, by path. */
const behaviours = new Map<string, (request: IncomingMessage, response: ServerResponse) => void>();

before(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));
      received.push({ headers, body: Buffer.concat(chunks).toString('utf8') });
      const behaviour = behaviours.get(request.url ?? '/');
      if (behaviour) behaviour(request, response);
      else response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const event: WebhookEvent = {
  id: '4711',
  type: 'card.disabled',
  occurredAt: new Date('2026-12-06T08:00:00.000Z'),
  institution: 'univ-demo',
  personType: 'student',
  payload: {
    cardId: '0b0c6c58-3c1f-4f57-9d3b-8f0e3c1d2a10', personId: '6f1f2f9e-0e1a-4d0c-9a1b-2c3d4e5f6a7b', cardKind: 'physical',
    from: 'ENABLED', to: 'DISABLED', disableReason: 'LOST', escn: null,
  },
  granted: { holder: { firstName: 'Camille', lastName: 'Durand', eppn: 'cdurand@univ-demo.fr' }, csn: '04A1B2C3D4E5F6' },
};

function target(path: string, secrets: string[], grants: WebhookTarget['grants'] = []): WebhookTarget {
  return { id: 'e1', url: `${base}${path}`, secrets, grants };
}

/** The last request received, checked with standardwebhooks against `secret`; throws when forged. */
function verifiedWith(secret: string): Record<string, unknown> {
  const last = received.at(-1);
  assert.ok(last, 'the receiver got a request');
  return new Webhook(secret).verify(last.body, last.headers) as Record<string, unknown>;
}

describe('deliverWebhook', () => {
  it('POSTs a Standard Webhooks message the standardwebhooks package verifies: ids and states only without grants', async () => {
    const secret = newWebhookSecret();
    const outcome = await deliverWebhook(target('/ok', [secret]), event);
    assert.equal(outcome.result, 'ok');
    assert.equal(outcome.status, 204);
    assert.equal(outcome.disableEndpoint, false);
    assert.ok(outcome.durationMs >= 0);
    const payload = verifiedWith(secret);
    assert.deepEqual(payload, {
      id: '4711', type: 'card.disabled', timestamp: '2026-12-06T08:00:00.000Z', institution: 'univ-demo', personType: 'student', data: event.payload,
    });
    const last = received.at(-1) as Received;
    assert.equal(last.headers['webhook-id'], '4711', 'the event id, the same on every retry');
    assert.equal(last.headers['content-type'], 'application/json');
    assert.ok(!last.body.includes('Durand') && !last.body.includes('04A1B2'), 'no names, no CSN without grants');
    assert.throws(() => verifiedWith(newWebhookSecret()), 'another secret does not verify');
  });

  it('adds only the granted parts the endpoint was granted', async () => {
    const secret = newWebhookSecret();
    await deliverWebhook(target('/ok', [secret], ['holder']), event);
    const data = verifiedWith(secret).data as Record<string, unknown>;
    assert.deepEqual(data.holder, event.granted?.holder);
    assert.ok(!('csn' in data));
    await deliverWebhook(target('/ok', [secret], ['csn', 'holder']), event);
    assert.equal((verifiedWith(secret).data as Record<string, unknown>).csn, '04A1B2C3D4E5F6');
  });

  it('during a rotation, signs with both secrets: a receiver holding either verifies', async () => {
    const [current, previous] = [newWebhookSecret(), newWebhookSecret()];
    const outcome = await deliverWebhook(target('/ok', [current, previous]), event);
    assert.equal(outcome.result, 'ok');
    const signatures = (received.at(-1) as Received).headers['webhook-signature']?.split(' ') ?? [];
    assert.equal(signatures.length, 2);
    assert.ok(signatures.every((signature) => signature.startsWith('v1,')));
    verifiedWith(current);
    verifiedWith(previous);
    assert.throws(() => verifiedWith(newWebhookSecret()));
  });

  it('classifies the answers: 2xx ok; 408, 429, 5xx retryable; other 4xx and redirects failed; 410 suggests disabling', async () => {
    const secret = newWebhookSecret();
    const cases: Array<[number, 'ok' | 'retryable' | 'failed']> = [
      [200, 'ok'], [202, 'ok'], [408, 'retryable'], [429, 'retryable'], [500, 'retryable'], [503, 'retryable'],
      [400, 'failed'], [401, 'failed'], [404, 'failed'], [410, 'failed'], [302, 'failed'],
    ];
    for (const [status, expected] of cases) {
      behaviours.set(`/status-${status}`, (_request, response) => {
        response.writeHead(status, status === 302 ? { location: `${base}/ok` } : {}).end(`answer ${status}`);
      });
      const before = received.length;
      const outcome = await deliverWebhook(target(`/status-${status}`, [secret]), event);
      assert.equal(outcome.result, expected, `HTTP ${status}`);
      assert.equal(outcome.status, status);
      assert.equal(outcome.disableEndpoint, status === 410);
      assert.match(outcome.message, new RegExp(`^HTTP ${status}: answer ${status}$`));
      assert.equal(received.length, before + 1, `HTTP ${status}: one request, no redirect followed`);
      assert.equal(classifyStatus(status), expected);
    }
  });

  it('reads Retry-After of a 429 in seconds or as a date', async () => {
    behaviours.set('/busy', (_request, response) => response.writeHead(429, { 'retry-after': '120' }).end());
    const outcome = await deliverWebhook(target('/busy', [newWebhookSecret()]), event);
    assert.equal(outcome.retryAfterSeconds, 120);
    const now = new Date('2026-12-06T08:00:00Z');
    behaviours.set('/busy-date', (_request, response) => response.writeHead(503, { 'retry-after': 'Sun, 06 Dec 2026 08:01:00 GMT' }).end());
    const dated = await deliverWebhook(target('/busy-date', [newWebhookSecret()]), event, { now: () => now });
    assert.equal(dated.retryAfterSeconds, 60);
  });

  it('a receiver that does not answer in time is retryable, with no status, after about the timeout', async () => {
    behaviours.set('/slow', () => undefined);
    const outcome = await deliverWebhook(target('/slow', [newWebhookSecret()]), event, { timeoutMs: 300 });
    assert.equal(outcome.result, 'retryable');
    assert.equal(outcome.status, null);
    assert.equal(outcome.message, 'No answer within 300 ms');
    assert.ok(outcome.durationMs >= 250 && outcome.durationMs < 5000, `${outcome.durationMs} ms`);
  });

  it('a body that starts but never ends counts as no answer in time', async () => {
    behaviours.set('/trickle', (_request, response) => { response.writeHead(200, { 'content-type': 'text/plain' }); response.write('x'); });
    const outcome = await deliverWebhook(target('/trickle', [newWebhookSecret()]), event, { timeoutMs: 300 });
    assert.equal(outcome.result, 'retryable');
    assert.equal(outcome.status, null);
  });

  it('a refused connection is retryable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const outcome = await deliverWebhook({ id: 'e1', url: `http://127.0.0.1:${port}/`, secrets: [newWebhookSecret()], grants: [] }, event);
    assert.equal(outcome.result, 'retryable');
    assert.equal(outcome.status, null);
    assert.match(outcome.message, /^Network error/);
  });

  it('keeps a short, one-line message without secrets or signatures from what the receiver says', async () => {
    const secret = newWebhookSecret();
    behaviours.set('/chatty', (request, response) => {
      response.writeHead(400).end(`bad\r\nsignature ${String(request.headers['webhook-signature'])} for ${secret} ${'x'.repeat(5000)}`);
    });
    const outcome = await deliverWebhook(target('/chatty', [secret]), event);
    assert.equal(outcome.result, 'failed');
    assert.ok(!outcome.message.includes(secret.slice(6)), 'no secret');
    assert.ok(!/v1,[A-Za-z0-9+/=]{20,}/.test(outcome.message), 'no signature');
    assert.ok(!/[\r\n]/.test(outcome.message));
    assert.ok(outcome.message.length <= 220, `${outcome.message.length} characters`);
    assert.equal(sanitizeMessage('a\u0000b\tc'), 'a b c');
  });

  it('uses the fetch it is given (no real network in the outbox\'s own tests)', async () => {
    const calls: Array<{ url: string; init: RequestInit | undefined }> = [];
    const fake: typeof fetch = async (input, init) => {
      calls.push({ url: String(input), init });
      return new Response('no', { status: 422 });
    };
    const outcome = await deliverWebhook({ id: 'e1', url: 'https://receiver.example/hook', secrets: [newWebhookSecret()], grants: [] }, event,
      { fetch: fake, now: () => new Date('2026-12-06T09:00:00Z') });
    assert.equal(outcome.result, 'failed');
    assert.equal(calls.length, 1);
    assert.equal(calls[0]?.url, 'https://receiver.example/hook');
    assert.equal((calls[0]?.init?.headers as Record<string, string>)['webhook-timestamp'], String(Date.parse('2026-12-06T09:00:00Z') / 1000));
    assert.equal(calls[0]?.init?.redirect, 'manual');
  });
});
