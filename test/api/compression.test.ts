/**
 * Compression over real HTTP: dynamic answers above the threshold encoded by Accept-Encoding
 * (brotli first, then gzip, else none), small ones and binary ones left alone, the persons CSV
 * export encoded while streamed, and the web build's files sent from their precompressed copies
 * with the original type and caching headers.
 */
import assert from 'node:assert/strict';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { after, before, test } from 'node:test';
import Fastify from 'fastify';
import { installCompression } from '../../src/platform/http/compression.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { ensureWebBuilt, REPO_ROOT } from '../browser/browser-harness.ts';

ensureWebBuilt();

const DIST = join(REPO_ROOT, 'web/dist');

let t: TestApp;
let base = '';
let bearer = '';

interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A GET over the loopback with exactly the Accept-Encoding given (none when null); the body as sent. */
function get(path: string, acceptEncoding: string | null, headers: Record<string, string> = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${base}${path}`, {
      headers: { ...headers, ...(acceptEncoding === null ? {} : { 'accept-encoding': acceptEncoding }) },
    }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end();
  });
}

function decoded(answer: RawAnswer): Buffer {
  switch (answer.headers['content-encoding']) {
    case undefined: return answer.body;
    case 'br': return brotliDecompressSync(answer.body);
    case 'gzip': return gunzipSync(answer.body);
    default: throw new Error(`unexpected encoding ${answer.headers['content-encoding']}`);
  }
}

function varies(answer: RawAnswer): boolean {
  return /(^|,)\s*accept-encoding\s*(,|$)/i.test(String(answer.headers.vary ?? ''));
}

const auth = (): Record<string, string> => ({ authorization: `Bearer ${bearer}` });

before(async () => {
  t = await startTestApp();
  await t.runtime.services.institution.save({
    name: 'Université Exemple', pic: '999999999', schacHomeOrganization: 'univ.example.fr', country: 'FR', esiScope: 'national',
  }, { actor: 'test' });
  const admin = await t.tokenClient('admin');
  bearer = admin.credentials.bearer ?? '';
  const persons = Array.from({ length: 120 }, (_, i) => ({
    eppn: `zip${i}@univ.example.fr`, lastName: `Lefèvre-Dupont ${i}`, firstName: 'Anne-Sophie', personType: 'student',
    email: `zip${i}@mail.example.org`,
  }));
  const created = await admin.post('/api/v1/persons/batch', persons);
  assert.equal(created.status, 200, created.text);
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
});

after(async () => {
  await t?.close();
});

test('a large JSON answer is brotli-encoded when asked, gzip-encoded otherwise, and identical once decoded', async () => {
  const path = '/api/v1/persons?limit=120';
  const plain = await get(path, null, auth());
  assert.equal(plain.status, 200);
  assert.equal(plain.headers['content-encoding'], undefined, 'no Accept-Encoding: identity');
  assert.ok(plain.body.length > 10_000, `a large answer (${plain.body.length} bytes)`);
  const expected: unknown = JSON.parse(plain.body.toString('utf8'));

  const br = await get(path, 'gzip, deflate, br', auth());
  assert.equal(br.headers['content-encoding'], 'br');
  assert.ok(varies(br));
  assert.match(String(br.headers['content-type']), /^application\/json/);
  assert.ok(br.body.length < plain.body.length / 4, `brotli ${br.body.length} bytes vs ${plain.body.length}`);
  assert.deepEqual(JSON.parse(decoded(br).toString('utf8')), expected);

  const gzip = await get(path, 'gzip', auth());
  assert.equal(gzip.headers['content-encoding'], 'gzip');
  assert.ok(varies(gzip));
  assert.deepEqual(JSON.parse(decoded(gzip).toString('utf8')), expected);

  const identity = await get(path, 'identity', auth());
  assert.equal(identity.headers['content-encoding'], undefined);
  assert.deepEqual(JSON.parse(identity.body.toString('utf8')), expected);
});

test('answers under the threshold and problem+json errors stay readable', async () => {
  const health = await get('/healthz', 'br', {});
  assert.equal(health.status, 200);
  assert.equal(health.headers['content-encoding'], undefined, 'a small answer is not encoded');
  assert.equal(JSON.parse(health.body.toString('utf8')).status, 'ok');

  const problem = await get('/api/v1/persons?limit=0', 'br', auth());
  assert.equal(problem.status, 400);
  assert.match(String(problem.headers['content-type']), /^application\/problem\+json/);
  assert.equal(JSON.parse(decoded(problem).toString('utf8')).code, 'validation_failed');
  const unknown = await get('/api/v1/no-such-route', 'gzip', {});
  assert.equal(unknown.status, 404);
  assert.equal(JSON.parse(decoded(unknown).toString('utf8')).code, 'route_not_found');
});

test('the persons CSV export is encoded while it streams', async () => {
  const plain = await get('/api/v1/persons/export.csv', null, auth());
  assert.equal(plain.status, 200);
  const br = await get('/api/v1/persons/export.csv', 'br', auth());
  assert.equal(br.status, 200);
  assert.equal(br.headers['content-encoding'], 'br');
  assert.equal(br.headers['content-length'], undefined, 'no length announced: the body is streamed');
  assert.equal(br.headers['transfer-encoding'], 'chunked');
  assert.match(String(br.headers['content-disposition']), /attachment/);
  assert.equal(decoded(br).toString('utf8'), plain.body.toString('utf8'));
});

test('hashed assets come from their .br and .gz files, with the identity answer\'s type and caching', async () => {
  const assets = readdirSync(join(DIST, 'assets')).filter((name) => name.endsWith('.js'));
  const largest = assets.sort((a, b) => statSync(join(DIST, 'assets', b)).size - statSync(join(DIST, 'assets', a)).size)[0];
  assert.ok(largest);
  const path = `/assets/${largest}`;
  const file = join(DIST, 'assets', largest);

  const plain = await get(path, null);
  assert.equal(plain.status, 200);
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.deepEqual(plain.body, readFileSync(file));
  assert.ok(varies(plain), 'the identity answer varies too, so no cache serves it to a brotli client or the reverse');

  for (const [accept, encoding, suffix] of [['br, gzip', 'br', '.br'], ['gzip, deflate', 'gzip', '.gz'], ['deflate, gzip;q=0.5, br;q=0.9', 'br', '.br']] as const) {
    const encoded = await get(path, accept);
    assert.equal(encoded.status, 200, accept);
    assert.equal(encoded.headers['content-encoding'], encoding, accept);
    assert.deepEqual(encoded.body, readFileSync(`${file}${suffix}`), `${accept}: the bytes of ${largest}${suffix}`);
    assert.equal(encoded.headers['content-type'], plain.headers['content-type'], accept);
    assert.equal(encoded.headers['cache-control'], plain.headers['cache-control'], accept);
    assert.equal(encoded.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(Number(encoded.headers['content-length']), encoded.body.length);
    assert.ok(varies(encoded), accept);
  }

  const page = await get('/office/cards', 'br');
  assert.equal(page.headers['content-encoding'], 'br');
  assert.deepEqual(page.body, readFileSync(join(DIST, 'index.html.br')));
  assert.match(String(page.headers['content-type']), /^text\/html; charset=utf-8/);
  assert.equal(page.headers['cache-control'], 'no-cache');
  assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);
  assert.ok(varies(page));

  const manifest = await get('/manifest.webmanifest', 'gzip');
  assert.equal(manifest.headers['content-encoding'], 'gzip');
  assert.match(String(manifest.headers['content-type']), /^application\/manifest\+json/);
  assert.equal(manifest.headers['cache-control'], 'no-cache');
});

test('images are sent as they are', async () => {
  const icon = await get('/icons/icon-192.png', 'br, gzip');
  assert.equal(icon.status, 200);
  assert.equal(icon.headers['content-encoding'], undefined);
  assert.equal(icon.headers['content-type'], 'image/png');
  assert.deepEqual(icon.body, readFileSync(join(DIST, 'icons/icon-192.png')));
  // The static plugin looked for icon-192.png.br and .gz first: the caching header survives that.
  assert.equal(icon.headers['cache-control'], 'no-cache');
});

test('event streams, images, PDFs and archives are never compressed; text above the threshold is', async () => {
  const app = Fastify();
  await installCompression(app);
  const big = 'data: tick\n\n'.repeat(1000);
  for (const type of ['text/event-stream', 'image/png', 'application/pdf', 'application/zip', 'application/octet-stream', 'text/csv; charset=utf-8', 'image/svg+xml']) {
    app.get(`/${type.split(';')[0]}`, async (_request, reply) => reply.type(type).send(Buffer.from(big)));
  }
  try {
    for (const [path, encoded] of [['/text/event-stream', false], ['/image/png', false], ['/application/pdf', false], ['/application/zip', false],
      ['/application/octet-stream', false], ['/text/csv', true], ['/image/svg+xml', true]] as const) {
      const response = await app.inject({ method: 'GET', url: path, headers: { 'accept-encoding': 'br, gzip' } });
      assert.equal(response.headers['content-encoding'], encoded ? 'br' : undefined, path);
    }
  } finally {
    await app.close();
  }
});
