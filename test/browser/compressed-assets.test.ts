/**
 * Chromium opening the card office console receives the scripts and styles from their
 * precompressed copies, and the page works. Prints the console's first load in bytes: as built,
 * brotli and gzip (the sizes of the files the build wrote beside each other).
 */
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext } from 'playwright-core';
import { ensureWebBuilt, launchBrowser, login, newContext, REPO_ROOT, startWebWorld, type WebWorld } from './browser-harness.ts';

const DIST = join(REPO_ROOT, 'web/dist');

let world: WebWorld;
let browser: Browser;
let context: BrowserContext;

before(async () => {
  ensureWebBuilt();
  world = await startWebWorld();
  browser = await launchBrowser();
  context = await newContext(browser, world.baseUrl);
});

after(async () => {
  await context?.close();
  await browser?.close();
  await world?.close();
});

test('the office console loads its scripts and styles compressed', async () => {
  const manager = await world.createStaff('admin');
  const page = await context.newPage();
  const assets = new Map<string, string>();
  page.on('response', (response) => {
    const path = new URL(response.url()).pathname;
    if (path.startsWith('/assets/')) assets.set(path, response.headers()['content-encoding'] ?? 'identity');
  });
  // The console's chunk is imported once the signed-in application routes to /office, after the
  // URL changes: wait for it rather than for the document's load state, which is long settled.
  const consoleChunk = page.waitForResponse((response) => /\/assets\/office[^/]*\.js$/.test(new URL(response.url()).pathname));
  await login(page, manager.email, /\/office$/);
  await consoleChunk;
  await page.waitForLoadState('networkidle');

  assert.ok([...assets.keys()].some((path) => path.includes('office')), 'the console chunk was loaded');
  for (const [path, encoding] of assets) {
    // Chromium offers brotli to secure origins (the loopback is one); gzip where it does not.
    assert.ok(encoding === 'br' || encoding === 'gzip', `${path} came ${encoding}`);
  }

  const size = (path: string): number => statSync(join(DIST, path)).size;
  const files = ['index.html', ...[...assets.keys()].map((path) => path.slice(1))];
  const total = (suffix: string): number => files.reduce((sum, file) => sum + size(`${file}${suffix}`), 0);
  const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;
  console.log(`office console first load (${files.length} files: index.html and ${assets.size} scripts and styles): `
    + `${kib(total(''))} as built, ${kib(total('.br'))} brotli, ${kib(total('.gz'))} gzip; sent as ${[...new Set(assets.values())].join(', ')}`);
});
