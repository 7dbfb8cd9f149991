/**
 * The cardholder pages load at most 250 KB of gzipped JavaScript before the first render: the
 * entry script and the chunks index.html preloads. The card office console is a separate chunk
 * that cardholders never download.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { before, test } from 'node:test';
import { ensureWebBuilt, REPO_ROOT } from './browser-harness.ts';

const DIST = join(REPO_ROOT, 'web/dist');
const BUDGET_BYTES = 250 * 1024;

function gzipSize(path: string): number {
  return gzipSync(readFileSync(join(DIST, path)), { level: 9 }).length;
}

/** The scripts the browser fetches for the first page: the module entry and its modulepreloads. */
function initialScripts(html: string): string[] {
  const entries = [...html.matchAll(/<script[^>]+type="module"[^>]+src="\/([^"]+)"/g)].map((match) => match[1] ?? '');
  const preloads = [...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="\/([^"]+)"/g)].map((match) => match[1] ?? '');
  return [...new Set([...entries, ...preloads])].filter(Boolean);
}

before(() => ensureWebBuilt());

test('the initial JavaScript of the cardholder pages stays within 250 KB gzipped', () => {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  const scripts = initialScripts(html);
  assert.ok(scripts.length > 0, 'index.html loads scripts');
  const sizes = scripts.map((script) => ({ script, gzip: gzipSize(script) }));
  const total = sizes.reduce((sum, entry) => sum + entry.gzip, 0);
  console.log(`initial JS: ${sizes.map((entry) => `${entry.script} ${(entry.gzip / 1024).toFixed(1)} KB`).join(', ')}; total ${(total / 1024).toFixed(1)} KB gzipped`);
  assert.ok(total <= BUDGET_BYTES, `initial JS is ${(total / 1024).toFixed(1)} KB gzipped, budget 250 KB`);
  assert.ok(!scripts.some((script) => script.includes('office')), 'the office console is not part of the initial load');
});

test('the office console is built as its own lazily loaded chunk', () => {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  const entry = initialScripts(html)[0] ?? '';
  const entryCode = readFileSync(join(DIST, entry), 'utf8');
  const lazy = entryCode.match(/assets\/office[^"'`]*\.js/);
  assert.ok(lazy, 'the entry imports the office chunk dynamically');
  const officeSize = gzipSize(lazy[0]);
  console.log(`office console chunk: ${(officeSize / 1024).toFixed(1)} KB gzipped`);
  assert.ok(officeSize > 10 * 1024, 'the office chunk holds the console');
});

test('the installable web app has a manifest and a service worker', () => {
  const manifest = JSON.parse(readFileSync(join(DIST, 'manifest.webmanifest'), 'utf8')) as { icons: Array<{ sizes: string }>; start_url: string; display: string };
  assert.equal(manifest.display, 'standalone');
  assert.ok(manifest.icons.some((icon) => icon.sizes === '512x512'));
  assert.match(readFileSync(join(DIST, 'sw.js'), 'utf8'), /addEventListener\('fetch'/);
});
