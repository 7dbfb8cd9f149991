import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

/**
 * Load generator run in its own process (so it does not share the event loop with the server
 * under test): GETs `<url><escn>` for random ESCNs read from a file, prints autocannon's result as JSON.
 * Usage: node --import tsx bench/autocannon-client.ts <base url> <escn file> <seconds> <connections>
 */
const [base, file, seconds, connections] = process.argv.slice(2);
const escns = readFileSync(file as string, 'utf8').trim().split('\n');
const result = await autocannon({
  url: base as string,
  connections: Number(connections ?? 20),
  duration: Number(seconds ?? 10),
  requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: `${new URL(base as string).pathname}${escns[Math.floor(Math.random() * escns.length)]}` }) }],
});
process.stdout.write(JSON.stringify({ requests: result.requests, latency: result.latency, non2xx: result.non2xx, errors: result.errors }));
