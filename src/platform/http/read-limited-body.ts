import type { IncomingMessage } from 'node:http';

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
