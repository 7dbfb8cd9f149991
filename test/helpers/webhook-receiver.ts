import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a receiver got, as sent. */
export interface ReceivedRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** A webhook receiver on the loopback: records every request, answers per path (default 204). */
export interface WebhookReceiver {
  url: string;
  received: ReceivedRequest[];
  /** Status to answer on a path; absent: 204. */
  answers: Map<string, number>;
  close(): Promise<void>;
}

/** Starts a real HTTP receiver on 127.0.0.1 (a free port) for webhook tests. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedRequest[] = [];
  const answers = new Map<string, number>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        path: request.url ?? '/', body: Buffer.concat(chunks).toString('utf8'),
        headers: Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)])),
      });
      response.writeHead(answers.get(request.url ?? '/') ?? 204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    answers,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
