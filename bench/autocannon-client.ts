import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

/**
 * Load generator run in its own process (so it does not share the event loop with the server
 * under test): GETs `<url><line>` for random lines (ESCNs, or URL-encoded QR texts after a
 * `?qr=` base) read from a file, prints autocannon's result as JSON, with the count per status code.
 * With an address count, each request comes from one of that many client addresses (sent as
 * X-Forwarded-For, for a server that trusts its proxy): many phones rather than one client.
 * Usage: node --import tsx bench/autocannon-client.ts <base url> <escn file> <seconds> <connections> [addresses]
 */
const [base, file, seconds, connections, addresses] = process.argv.slice(2);
const escns = readFileSync(file as string, 'utf8').trim().split('\n');
const target = new URL(base as string);
// The base's query too: `/v?qr=` followed by the line.
const prefix = `${target.pathname}${target.search}`;
const addressCount = Number(addresses ?? 0);
/** A random address of the pool, in 10.0.0.0/8. */
function clientAddress(): string {
  const n = Math.floor(Math.random() * addressCount);
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}
const result = await autocannon({
  url: base as string,
  connections: Number(connections ?? 20),
  duration: Number(seconds ?? 10),
  requests: [{
    method: 'GET',
    setupRequest: (request) => ({
      ...request,
      path: `${prefix}${escns[Math.floor(Math.random() * escns.length)]}`,
      ...(addressCount > 0 ? { headers: { ...request.headers, 'x-forwarded-for': clientAddress() } } : {}),
    }),
  }],
});
process.stdout.write(JSON.stringify({ requests: result.requests, latency: result.latency, non2xx: result.non2xx, errors: result.errors,
  statusCodeStats: result.statusCodeStats }));
