import type { IncomingMessage } from 'node:http';

/*
 * Small pieces shared by the HTTP clients and simulators of external systems (ESC Router, CROUS…).
 */

/** True for a JSON object (not null, not an array): what a parsed body must be before reading its fields. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A seeded pseudo-random generator (mulberry32) in [0, 1): simulators inject faults "at random"
 * yet reproducibly, so a failing test replays the same faults.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Reads a bare `node:http` request body as UTF-8 text, for the simulators of external systems
 * (they run on `node:http`, not Fastify, to speak exactly the other side's protocol). Past
 * `maxBytes` the request is destroyed and the promise rejects with `tooLarge()`, the simulator's
 * own error, so a runaway client cannot fill the memory of a test or a demo.
 */
export function readLimitedBody(req: IncomingMessage, maxBytes: number, tooLarge: () => Error): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        reject(tooLarge());
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Delays a simulator injects ("slow answers"), all cancelled at once when it closes, so a closed
 * simulator leaves no timer holding the process open.
 */
export function cancellableDelays(): { delay(ms: number): Promise<void>; cancelAll(): void } {
  const pending = new Set<NodeJS.Timeout>();
  return {
    delay(ms) {
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          pending.delete(timer);
          resolve();
        }, ms);
        pending.add(timer);
      });
    },
    cancelAll() {
      for (const timer of pending) clearTimeout(timer);
      pending.clear();
    },
  };
}

/**
 * Whether another try may succeed: server-side errors, a request timeout and throttling. Any other
 * answer is the remote system refusing the data, final until someone changes it.
 */
export function isRetryableHttpStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}
