/**
 * The server side of the web application: the built files with the right caching, the page for
 * every client-side route, and the API, verification page and missing assets left alone.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { ensureWebBuilt, REPO_ROOT } from './browser-harness.ts';

let t: TestApp;

before(async () => {
  ensureWebBuilt();
  t = await startTestApp();
});

after(async () => {
  await t?.close();
});

test('client-side routes answer the application page, never cached, with a content security policy', async () => {
  for (const path of ['/', '/login', '/me', '/me/cards/3f1c1d9e-8f3a-4c56-9a3e-1d2c3b4a5f60', '/office/cards?state=NEW']) {
    const response = await t.anonymous.get(path);
    assert.equal(response.status, 200, path);
    assert.match(String(response.headers['content-type']), /text\/html/);
    assert.match(response.text, /<div id="root">/);
    assert.equal(response.headers['cache-control'], 'no-cache');
    assert.match(String(response.headers['content-security-policy']), /script-src 'self'/);
  }
});

test('hashed assets are cached for a year; the service worker and manifest are revalidated', async () => {
  const asset = readdirSync(join(REPO_ROOT, 'web/dist/assets')).find((name) => name.endsWith('.js'));
  assert.ok(asset);
  const script = await t.anonymous.get(`/assets/${asset}`);
  assert.equal(script.status, 200);
  assert.match(String(script.headers['content-type']), /javascript/);
  assert.match(String(script.headers['cache-control']), /immutable/);
  for (const path of ['/sw.js', '/manifest.webmanifest', '/icons/icon-192.png']) {
    const response = await t.anonymous.get(path);
    assert.equal(response.status, 200, path);
    assert.equal(response.headers['cache-control'], 'no-cache', path);
  }
});

test('missing assets, the API and path tricks are not answered with the application page', async () => {
  const missing = await t.anonymous.get('/assets/nothing-here.js');
  assert.equal(missing.status, 404);
  assert.equal(missing.body.code, 'route_not_found');
  const api = await t.anonymous.get('/api/v1/no-such-route');
  assert.equal(api.status, 404);
  assert.match(String(api.headers['content-type']), /problem\+json/);
  for (const path of ['/..%2f..%2fpackage.json', '/assets/..%2F..%2Fpackage.json', '/%2e%2e/%2e%2e/package.json', '/.env']) {
    const response = await t.anonymous.get(path);
    assert.doesNotMatch(response.text, /"name": "campuscard"/, path);
  }
});

test('the verification page stays the server-rendered one', async () => {
  const response = await t.anonymous.get('/v/not-an-escn');
  assert.doesNotMatch(response.text, /<div id="root">/);
});
