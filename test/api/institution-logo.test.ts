import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { startTestApp, type TestApp, type TestClient } from '../helpers/test-app.ts';

// Institution logos are decoded and encoded again on upload: an SVG becomes a PNG, whatever it
// holds, and only PNG or JPEG is ever served. test/fixtures/svg-attacks/README.md lists the corpus.

const CORPUS = new URL('../fixtures/svg-attacks/', import.meta.url);
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG_MAGIC = Buffer.from([0xff, 0xd8, 0xff]);
/** Longest an upload may take: the renderer is killed after 10 s, the rest is overhead on a busy machine. */
const UPLOAD_BOUND_MS = 30_000;

type Outcome = 204 | { status: number; code: string };
const CORRUPT = { status: 422, code: 'logo_corrupt' } as const;

/**
 * What each corpus file must give: 204 (drawn into a harmless PNG) or the problem it is refused
 * with. A file that was refused and is suddenly accepted (an XXE that librsvg now loads) fails here.
 * The filter bomb takes seconds: on a loaded machine its renderer may be killed, also a safe outcome.
 */
const EXPECTED: Record<string, Outcome | Outcome[]> = {
  'animate-href.svg': 204,
  'billion-laughs.svg': CORRUPT,
  'compressed-script.svgz': 204,
  'css-import-javascript-url.svg': 204,
  'data-uri-nested-svg.svg': 204,
  'entity-encoded-javascript.svg': 204,
  'external-image-http.svg': 204,
  'file-url-image.svg': 204,
  'filter-chain-cpu-bomb.svg': CORRUPT,
  'filter-cpu-bomb.svg': [204, CORRUPT],
  'foreign-object-html.svg': 204,
  'gzip-bomb.svgz': CORRUPT,
  'html-disguised-as-svg.svg': CORRUPT,
  'huge-dimensions.svg': CORRUPT,
  'javascript-href.svg': 204,
  'malformed-xml.svg': CORRUPT,
  'onload-handler.svg': 204,
  'overflowing-dimensions.svg': CORRUPT,
  'script-element.svg': 204,
  'set-element.svg': 204,
  'use-element-bomb.svg': CORRUPT,
  'use-external-document.svg': 204,
  'utf16.svg': { status: 415, code: 'logo_unsupported_type' },
  'xinclude-local-file.svg': 204,
  'xml-stylesheet-pi.svg': 204,
  'xxe-external-entity.svg': CORRUPT,
  'xxe-parameter-entity.svg': CORRUPT,
};

const SETUP = {
  name: 'Université Exemple', pic: '999999999', schacHomeOrganization: 'univ.example.fr', country: 'FR', esiScope: 'national',
};

let t: TestApp;
let admin: TestClient;

before(async () => {
  t = await startTestApp();
  admin = await t.loginAs('admin');
  assert.equal((await admin.put('/api/v1/institution', SETUP)).status, 200);
});
after(async () => { await t.close(); });

const upload = (payload: string | Buffer, type = 'image/svg+xml') =>
  admin.request('PUT', '/api/v1/institution/logo', { payload, headers: { 'content-type': type } });

/** The served logo, as bytes (the test client decodes bodies as text). */
async function servedLogo(): Promise<{ status: number; type: string; nosniff: unknown; bytes: Buffer }> {
  const response = await t.app.inject({ method: 'GET', url: '/api/v1/institution/logo' });
  return {
    status: response.statusCode,
    type: String(response.headers['content-type']),
    nosniff: response.headers['x-content-type-options'],
    bytes: response.rawPayload,
  };
}

/** Checks the served logo is a harmless PNG within 512 x 512 and returns its size. */
async function assertServedPng(label: string): Promise<{ width: number; height: number }> {
  const logo = await servedLogo();
  assert.equal(logo.status, 200, label);
  assert.equal(logo.type, 'image/png', label);
  assert.equal(logo.nosniff, 'nosniff', label);
  assert.ok(logo.bytes.subarray(0, 8).equals(PNG_MAGIC), `${label}: PNG signature`);
  const text = logo.bytes.toString('latin1').toLowerCase();
  for (const needle of ['<svg', 'script', 'javascript', '<?xml']) assert.ok(!text.includes(needle), `${label}: served body contains ${needle}`);
  const metadata = await sharp(logo.bytes).metadata();
  assert.equal(metadata.format, 'png', label);
  assert.ok(metadata.width <= 512 && metadata.height <= 512, `${label}: ${metadata.width}x${metadata.height}`);
  return { width: metadata.width, height: metadata.height };
}

/** Pixels of a PNG as RGBA, with a counter of those matching a predicate. */
async function countPixels(png: Buffer, match: (r: number, g: number, b: number, a: number) => boolean): Promise<number> {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  let count = 0;
  for (let index = 0; index < info.width * info.height * 4; index += 4) {
    if (match(data[index] ?? 0, data[index + 1] ?? 0, data[index + 2] ?? 0, data[index + 3] ?? 0)) count += 1;
  }
  return count;
}

const isRed = (r: number, g: number, b: number, a: number) => a > 200 && r > 200 && g < 60 && b < 60;
const isBlue = (r: number, g: number, b: number, a: number) => a > 200 && b > 150 && r < 80;

test('every file of the SVG attack corpus is refused with a problem or stored as a harmless PNG, never 5xx, in bounded time', async () => {
  const files = readdirSync(CORPUS).filter((name) => name !== 'README.md').sort();
  assert.deepEqual(files, Object.keys(EXPECTED).sort(), 'every corpus file has an expected outcome');
  const readme = readFileSync(new URL('README.md', CORPUS), 'utf8');
  for (const name of files) {
    assert.ok(readme.includes(name), `README.md describes ${name}`);
    const started = Date.now();
    const response = await upload(readFileSync(new URL(name, CORPUS)));
    const elapsed = Date.now() - started;
    assert.ok(elapsed < UPLOAD_BOUND_MS, `${name} took ${elapsed} ms`);
    const outcomes = ([] as Outcome[]).concat(EXPECTED[name] ?? []);
    const expected = outcomes.find((outcome) => (outcome === 204 ? 204 : outcome.status) === response.status);
    assert.ok(expected !== undefined, `${name}: ${response.status} ${response.text}`);
    if (expected === 204) {
      await assertServedPng(name);
    } else {
      assert.match(String(response.headers['content-type']), /^application\/problem\+json/, name);
      assert.equal(response.body.code, expected.code, name);
      assert.equal(response.body.field, '/file', name);
      // The problem detail does not echo the file, and the last good logo is still the one served.
      assert.ok(!response.text.includes('alert('), name);
      assert.equal((await servedLogo()).type, 'image/png', name);
    }
  }
});

test('an SVG cannot make the server fetch a URL or read a local file; data: images are drawn', async () => {
  const red = await sharp({ create: { width: 20, height: 20, channels: 4, background: '#ff0000ff' } }).png().toBuffer();
  let requests = 0;
  const server: Server = createServer((_request, response) => {
    requests += 1;
    response.writeHead(200, { 'content-type': 'image/png' }).end(red);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const folder = mkdtempSync(join(tmpdir(), 'logo-'));
  const redFile = join(folder, 'red.png');
  writeFileSync(redFile, red);
  try {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="200" height="100">
      <rect x="0" y="0" width="40" height="100" fill="#0000ff"/>
      <image href="http://127.0.0.1:${port}/red.png" x="40" width="40" height="40"/>
      <image xlink:href="file://${redFile}" x="80" width="40" height="40"/>
      <image href="${redFile}" x="120" width="40" height="40"/>
      <use href="http://127.0.0.1:${port}/sprite.svg#a"/>
      <style>@import url(http://127.0.0.1:${port}/style.css);</style>
    </svg>`;
    const response = await upload(svg);
    assert.equal(response.status, 204, response.text);
    const logo = await servedLogo();
    assert.equal(requests, 0, 'no request reached the server');
    assert.equal(await countPixels(logo.bytes, isRed), 0, 'neither the remote nor the local red image was drawn');
    assert.ok(await countPixels(logo.bytes, isBlue) > 1000, 'the rest of the SVG was drawn');

    // Control: the same image inline is drawn, so the test above could see one being loaded.
    const inline = `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100">
      <image href="data:image/png;base64,${red.toString('base64')}" x="40" width="40" height="40"/></svg>`;
    assert.equal((await upload(inline)).status, 204);
    assert.ok(await countPixels((await servedLogo()).bytes, isRed) > 1000, 'a data: image is drawn');
  } finally {
    server.close();
    rmSync(folder, { recursive: true, force: true });
  }
});

test('a benign SVG logo becomes a transparent PNG fitting 512 x 512, sharp at any declared size', async () => {
  const wide = `<?xml version="1.0" encoding="UTF-8"?>
    <svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" viewBox="0 0 200 100">
      <rect x="0" y="0" width="100" height="100" fill="#0000ff"/>
      <circle cx="150" cy="50" r="40" fill="#ff0000"/>
    </svg>`;
  assert.equal((await upload(wide)).status, 204);
  assert.deepEqual(await assertServedPng('wide'), { width: 512, height: 256 });
  const logo = (await servedLogo()).bytes;
  const { data, info } = await sharp(logo).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const pixel = (x: number, y: number) => Array.from(data.subarray((y * info.width + x) * 4, (y * info.width + x) * 4 + 4));
  assert.deepEqual(pixel(100, 128), [0, 0, 255, 255], 'the square is blue');
  assert.deepEqual(pixel(384, 128), [255, 0, 0, 255], 'the circle is red');
  assert.equal(pixel(300, 5)[3], 0, 'outside the shapes stays transparent');

  // A tiny icon is drawn at 512 px, not enlarged from 16 px; a huge declared size is drawn at 512.
  assert.equal((await upload('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="8" fill="#0000ff"/></svg>')).status, 204);
  assert.deepEqual(await assertServedPng('tiny'), { width: 512, height: 512 });
  const tiny = await sharp((await servedLogo()).bytes).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const edge = Array.from(tiny.data.subarray((256 * 512 + 2) * 4, (256 * 512 + 2) * 4 + 4));
  assert.ok((edge[2] ?? 0) > 200 && (edge[3] ?? 0) > 200, `the circle reaches the edge when drawn at 512 px: ${edge.join(',')}`);
  assert.equal((await upload('<svg xmlns="http://www.w3.org/2000/svg" width="3000mm" height="1000mm"><rect width="100%" height="100%" fill="#00f"/></svg>')).status, 204);
  assert.deepEqual(await assertServedPng('large'), { width: 512, height: 171 });

  // The public view says there is a logo, and the console pages point their <img> at this URL.
  assert.equal((await t.anonymous.get<{ hasLogo: boolean }>('/api/v1/institution')).body.hasLogo, true);
});

test('PNG and JPEG uploads are re-encoded: metadata, extra chunks and appended data are dropped, oversized ones shrunk', async () => {
  const base = await sharp({ create: { width: 1024, height: 600, channels: 4, background: '#00ff0080' } })
    .png().withMetadata({ exif: { IFD0: { Copyright: 'SECRET-EXIF' } } }).toBuffer();
  const polyglot = Buffer.concat([base, Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>')]);
  assert.equal((await upload(polyglot, 'image/png')).status, 204);
  assert.deepEqual(await assertServedPng('polyglot'), { width: 512, height: 300 });
  const png = (await servedLogo()).bytes;
  assert.ok(!png.toString('latin1').includes('SECRET-EXIF'), 'EXIF dropped');
  assert.equal((await sharp(png).metadata()).hasAlpha, true, 'transparency kept');

  const jpeg = await sharp({ create: { width: 300, height: 100, channels: 3, background: '#336699' } })
    .jpeg().withMetadata({ orientation: 6, exif: { IFD0: { Artist: 'SECRET-ARTIST' } } }).toBuffer();
  assert.equal((await upload(jpeg, 'image/jpeg')).status, 204);
  const served = await servedLogo();
  assert.equal(served.type, 'image/jpeg');
  assert.equal(served.nosniff, 'nosniff');
  assert.ok(served.bytes.subarray(0, 3).equals(JPEG_MAGIC));
  assert.ok(!served.bytes.toString('latin1').includes('SECRET-ARTIST'), 'EXIF dropped');
  const metadata = await sharp(served.bytes).metadata();
  assert.deepEqual([metadata.width, metadata.height, metadata.orientation], [100, 300, undefined], 'turned upright by its EXIF orientation');
});

test('problems name the field: not an image 415, unreadable 422, too large 413', async () => {
  const html = await upload('<html><body>hi</body></html>');
  assert.deepEqual([html.status, html.body.code, html.body.field], [415, 'logo_unsupported_type', '/file']);
  const gif = await upload(Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'), 'image/png');
  assert.deepEqual([gif.status, gif.body.code], [415, 'logo_unsupported_type']);
  const empty = await upload(Buffer.alloc(0), 'image/png');
  assert.ok(empty.status >= 400 && empty.status < 500, empty.text);
  const truncated = await upload((await sharp({ create: { width: 64, height: 64, channels: 3, background: '#123456' } }).jpeg().toBuffer()).subarray(0, 200), 'image/jpeg');
  assert.deepEqual([truncated.status, truncated.body.code, truncated.body.field], [422, 'logo_corrupt', '/file']);
  const garbledGzip = await upload(Buffer.from([0x1f, 0x8b, 0x08, 0x00, 1, 2, 3, 4, 5, 6]));
  assert.deepEqual([garbledGzip.status, garbledGzip.body.code], [422, 'logo_corrupt']);

  const big = Buffer.concat([Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><!--'), Buffer.alloc(600 * 1024, 0x20), Buffer.from('--></svg>')]);
  const raw = await upload(big);
  assert.equal(raw.status, 413, raw.text);
  assert.match(String(raw.headers['content-type']), /^application\/problem\+json/);
  const boundary = 'logoBoundary';
  const multipart = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="logo.svg"\r\nContent-Type: image/svg+xml\r\n\r\n`),
    big,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const viaForm = await upload(multipart, `multipart/form-data; boundary=${boundary}`);
  assert.equal(viaForm.status, 413, viaForm.text);
  assert.match(String(viaForm.headers['content-type']), /^application\/problem\+json/);
});

test('an SVG logo stored by an older version is drawn into a PNG on first read, or removed when it cannot be drawn', async () => {
  const { db } = t.runtime.database;
  const legacy = '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50"><rect width="100" height="50" fill="#0000ff"/></svg>';
  await db.updateTable('institutions').set({ logo: Buffer.from(legacy), logoMime: 'image/svg+xml' }).where('id', '=', 1).execute();
  const concurrent = await Promise.all(Array.from({ length: 5 }, () => servedLogo()));
  assert.deepEqual(concurrent.map((logo) => [logo.status, logo.type]), Array.from({ length: 5 }, () => [200, 'image/png']),
    'readers during the conversion all get the PNG');
  assert.deepEqual(await assertServedPng('legacy'), { width: 512, height: 256 });
  const row = await db.selectFrom('institutions').select(['logo', 'logoMime']).where('id', '=', 1).executeTakeFirstOrThrow();
  assert.equal(row.logoMime, 'image/png', 'the PNG was stored back');
  assert.ok(row.logo?.subarray(0, 8).equals(PNG_MAGIC));

  await db.updateTable('institutions').set({ logo: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><rect'), logoMime: 'image/svg+xml' })
    .where('id', '=', 1).execute();
  const broken = await servedLogo();
  assert.equal(broken.status, 404);
  assert.match(broken.type, /^application\/problem\+json/);
  const cleared = await db.selectFrom('institutions').select(['logo', 'logoMime']).where('id', '=', 1).executeTakeFirstOrThrow();
  assert.deepEqual([cleared.logo, cleared.logoMime], [null, null]);
  assert.equal((await t.anonymous.get<{ hasLogo: boolean }>('/api/v1/institution')).body.hasLogo, false);

  // Each institution's old logo is converted on its own: the first one's row is not touched.
  const second = await admin.post<{ code: string }>('/api/v1/institutions', { code: 'second', name: 'Second', pic: '888888888' });
  assert.equal(second.status, 201, second.text);
  await db.updateTable('institutions').set({ logo: Buffer.from(legacy), logoMime: 'image/svg+xml' }).where('code', '=', 'second').execute();
  const converted = await t.app.inject({ url: '/api/v1/institutions/second/logo' });
  assert.equal(converted.statusCode, 200);
  assert.equal(converted.headers['content-type'], 'image/png');
  const rows = await db.selectFrom('institutions').select(['code', 'logoMime']).orderBy('id').execute();
  assert.deepEqual(rows.map((r) => [r.code, r.logoMime]), [['main', null], ['second', 'image/png']]);
});
