/**
 * Shared set-up of the browser tests: the web application built once, the whole server started on
 * a fresh database and listening on a free port, Debian Chromium driven by playwright-core,
 * accounts and people created through the services, axe-core checks and screenshots.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startEscRouterSimulator, type EscRouterSimulator } from '../../src/adapters/esc-router/esc-router.simulator.ts';
import type { Role } from '../../src/modules/auth/domain/roles.ts';
import type { PersonView } from '../../src/modules/people/people.service.ts';
import { prepareServing, startupMessage } from '../../src/cli/serve.command.ts';
import { STUDENT_TEMPLATE } from '../../src/modules/card-templates/domain/default-templates.ts';
import { institutionCode } from '../api/cards.fixtures.ts';
import { freePort } from '../helpers/processes.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIST_INDEX = join(ROOT, 'web/dist/index.html');
export const SCREENSHOT_DIR = join(ROOT, 'test-artifacts/screenshots');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const PASSWORD = 'browser test password 1';
export const PIC = '999999999';
const ROUTER_KEY = 'browser-test-router-key';
const require = createRequire(import.meta.url);

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const info = statSync(path);
    newest = Math.max(newest, info.isDirectory() ? newestMtime(path) : info.mtimeMs);
  }
  return newest;
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function distIsFresh(): boolean {
  // A build from before precompression has no index.html.br: the server would compress on the fly.
  if (!existsSync(DIST_INDEX) || !existsSync(`${DIST_INDEX}.br`)) return false;
  const sources = Math.max(newestMtime(join(ROOT, 'web/src')), newestMtime(join(ROOT, 'web/public')),
    statSync(join(ROOT, 'web/index.html')).mtimeMs, statSync(join(ROOT, 'web/vite.config.ts')).mtimeMs,
    statSync(join(ROOT, 'scripts/web-precompress.plugin.ts')).mtimeMs);
  return statSync(DIST_INDEX).mtimeMs >= sources;
}

/**
 * Builds the web application unless web/dist is already newer than every source file (the lead's
 * `prepare` build, or an earlier test file). Synchronous, and serialised between the test files
 * that run in parallel by a lock directory, so only one of them builds and none reads a half-built
 * dist.
 */
export function ensureWebBuilt(): void {
  const lock = join(ROOT, '.tmp/web-build.lock');
  mkdirSync(join(ROOT, '.tmp'), { recursive: true });
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another file builds; a lock older than 5 minutes belongs to a process that died.
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 5 * 60_000) rmSync(lock, { recursive: true, force: true });
      assert.ok(Date.now() < deadline, 'timed out waiting for another web build');
      sleep(500);
    }
  }
  try {
    if (distIsFresh()) return;
    const result = spawnSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'error'],
      { cwd: ROOT, stdio: 'inherit' });
    assert.equal(result.status, 0, 'vite build failed');
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Launches Debian Chromium headless with the flags that keep it quiet and sandbox-free in CI. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium; .ci/run does it)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
}

export interface WebWorld {
  t: TestApp;
  baseUrl: string;
  sim: EscRouterSimulator | null;
  /** A person with a cardholder account; logs in with `email` and {@link PASSWORD}. */
  createCardholder(extra?: Record<string, unknown>): Promise<{ person: PersonView; email: string }>;
  /** An office account of the role; logs in with `email` and {@link PASSWORD}. */
  createStaff(role: Exclude<Role, 'cardholder'>): Promise<{ email: string }>;
  close(): Promise<void>;
}

let counter = 0;

/**
 * Starts the application (optionally wired to an ESC Router simulator, and with the embedded CROUS
 * simulator), sets the institution up and listens on 127.0.0.1 on a free port.
 */
export async function startWebWorld(options: { esc?: boolean; crous?: boolean; settings?: Record<string, unknown>; env?: Record<string, string> } = {}): Promise<WebWorld> {
  const sim = options.esc ? await startEscRouterSimulator({ apiKeys: { [ROUTER_KEY]: { pic: PIC, name: 'Université Exemple' } } }) : null;
  const t = await startTestApp({
    env: { ...(sim ? { ESC_ROUTER_URL: sim.url, ESC_ROUTER_API_KEY: ROUTER_KEY } : {}), ...(options.crous ? { CROUS_SIMULATOR: 'true' } : {}), ...(options.env ?? {}) },
    // The CROUS simulator `npm start` embeds in demo mode (t.runtime.embeddedCrous).
    ...(options.crous ? { embeddedCrous: true } : {}),
  });
  await t.runtime.services.institution.save({
    name: 'Université Exemple', pic: PIC, schacHomeOrganization: 'univ.example.fr', country: 'FR', esiScope: 'national',
    colors: { primary: '#1d4f91', secondary: '#eef3fa' },
    settings: options.settings ?? {},
  }, { actor: 'test' });
  const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
  return {
    t,
    baseUrl: address,
    sim,
    async createCardholder(extra = {}) {
      const login = `stud${++counter}x${process.pid}`;
      const person = await t.runtime.services.people.create({
        eppn: `${login}@univ.example.fr`, lastName: 'Martin', firstName: 'Camille', personType: 'student',
        email: `${login}@mail.example.org`, ine: `${String(process.pid).padStart(6, '0').slice(-6)}${String(counter).padStart(4, '0')}A`,
        academicLevel: 7, birthDate: '2003-04-05', ...extra,
      }, { actor: 'test' });
      const email = `${login}@mail.example.org`;
      await t.runtime.services.auth.createAccount({
        email, password: PASSWORD, role: 'cardholder', displayName: `${person.firstName} ${person.lastName}`, personTypes: null, personId: person.id,
      }, { actor: 'test' });
      return { person, email };
    },
    async createStaff(role) {
      const email = `${role}${++counter}x${process.pid}@univ.example.fr`;
      await t.runtime.services.auth.createAccount({ email, password: PASSWORD, role, displayName: `${role} ${counter}`, personTypes: null, personId: null }, { actor: 'test' });
      return { email };
    },
    async close() {
      await t.close();
      await sim?.close();
    },
  };
}

export interface DemoWorld {
  t: TestApp;
  baseUrl: string;
  /** What `npm start` printed: the URL to open and the demo logins. */
  startupMessage: string;
  close(): Promise<void>;
}

/**
 * Starts the server the way `npm start` does on a fresh database: demo data and accounts, the
 * embedded ESC Router simulator, job workers; listens on 127.0.0.1 on a free port.
 */
export async function startDemoWorld(): Promise<DemoWorld> {
  // A port known before the start, so that the public URL (and the QR codes) are those of `npm start`.
  const port = await freePort();
  const t = await startTestApp({ env: { DEMO: 'true', PORT: String(port) }, workers: true, embeddedEscRouter: true });
  const logins = await prepareServing(t.runtime);
  await t.app.listen({ port, host: '127.0.0.1' });
  return {
    t,
    baseUrl: t.config.publicUrl,
    startupMessage: startupMessage(t.runtime, { url: t.config.publicUrl, seconds: '0.0', logins }),
    close: () => t.close(),
  };
}

/** A browser context in a language (Accept-Language and navigator.language) and viewport. */
export async function newContext(browser: Browser, baseUrl: string, options: { locale?: 'fr-FR' | 'en-GB'; phone?: boolean; serviceWorkers?: boolean } = {}): Promise<BrowserContext> {
  return browser.newContext({
    baseURL: baseUrl,
    locale: options.locale ?? 'fr-FR',
    ...(options.phone
      ? { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }
      : { viewport: { width: 1366, height: 900 } }),
    // Service workers only where a test is about them: they cache API answers between steps.
    serviceWorkers: options.serviceWorkers ? 'allow' : 'block',
    // axe-core is injected as an inline script, which the application's CSP rightly refuses.
    bypassCSP: true,
  });
}

/** Logs in through the login page and waits for the landing page. */
export async function login(page: Page, email: string, landing: RegExp): Promise<void> {
  await page.goto('/login');
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.waitForURL(landing);
}

/** A new context (French, desktop) with a page signed in as `email`, on its landing page. */
export async function signedInPage(browser: Browser, baseUrl: string, email: string, landing: RegExp): Promise<{ context: BrowserContext; page: Page }> {
  const context = await newContext(browser, baseUrl);
  const page = await context.newPage();
  await login(page, email, landing);
  return { context, page };
}

/** Closes what a browser test file opened, in order (context, browser, world), skipping what never started. */
export async function closeAll(...opened: Array<{ close(): Promise<unknown> } | undefined>): Promise<void> {
  for (const item of opened) await item?.close();
}

/**
 * Chooses a segment of a Mantine SegmentedControl the way a user does: by clicking its visible
 * label. Its radio input is visually hidden, so checking it directly can fail as "outside of the
 * viewport" while the page is still laying out. Resolves once the radio is checked.
 */
export async function chooseSegment(page: Page, name: string): Promise<void> {
  const radio = page.getByRole('radio', { name, exact: true });
  const id = await radio.getAttribute('id');
  await page.locator(`label[for="${id}"]`).click();
  // A string expression: the test project compiles without the DOM library.
  await page.waitForFunction(`document.getElementById(${JSON.stringify(id)})?.checked === true`);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/** Runs axe-core (WCAG 2.1 A/AA rules) on the page and fails on any serious or critical violation. */
export async function assertAccessible(page: Page, label: string): Promise<void> {
  // Browser-side code as text: this file is type-checked without the DOM library.
  // A dialog still fading in has a translucent button whose contrast axe measures mid-way: wait for every
  // running transition to end, as a reader would.
  // Endless animations (the validity indicator's sweep) are left out: they never finish.
  // Two frames first: a transition Mantine starts on the next frame is not yet listed.
  await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
  await page.evaluate(`Promise.all(document.getAnimations()
    .filter((animation) => animation.effect && animation.effect.getComputedTiming().endTime !== Infinity)
    .map((animation) => animation.finished.catch(() => undefined)))`);
  const loaded = await page.evaluate('typeof window.axe !== "undefined"');
  if (!loaded) await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const violations = await page.evaluate(`window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  }).then((result) => result.violations)`) as AxeViolation[];
  const bad = violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
  assert.deepEqual(bad.map((violation) => `${violation.id} (${violation.impact}): ${violation.help} @ ${violation.nodes.slice(0, 3).map((node) => node.target.join(' ')).join(' | ')}`), [],
    `accessibility violations on ${label}`);
}

/** A JPEG portrait (a face-like drawing) of the given size, made with sharp. */
export async function portraitJpeg(width = 600, height = 800, hue = 200): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="100%" height="100%" fill="hsl(${hue},30%,88%)"/>
    <ellipse cx="${width / 2}" cy="${height * 0.42}" rx="${width * 0.22}" ry="${height * 0.2}" fill="#e0b896"/>
    <rect x="${width * 0.22}" y="${height * 0.66}" width="${width * 0.56}" height="${height * 0.34}" rx="${width * 0.1}" fill="hsl(${hue},45%,40%)"/>
    <circle cx="${width * 0.43}" cy="${height * 0.4}" r="${width * 0.02}" fill="#333"/>
    <circle cx="${width * 0.57}" cy="${height * 0.4}" r="${width * 0.02}" fill="#333"/>
  </svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 90 }).toBuffer();
}

/** Reads a file of the repository (for the bundle size test). */
export function repoFile(path: string): Buffer {
  return readFileSync(join(ROOT, path));
}

export const REPO_ROOT = ROOT;

/** Requests a card for the person through the API as the card office, with a photo; answers its id. */
const officeClients = new WeakMap<WebWorld, Awaited<ReturnType<TestApp['loginAs']>>>();

export async function officeRequest(world: WebWorld, personId: string, options: { state?: 'NEW' | 'REQUEST_CHECKED' } = {}): Promise<string> {
  let manager = officeClients.get(world);
  if (!manager) {
    manager = await world.t.loginAs('manager');
    officeClients.set(world, manager);
  }
  const created = await manager.post<{ id: string }>('/api/v1/cards', { personId, cardKind: 'physical' });
  assert.equal(created.status, 201, created.text);
  const photo = await manager.request('PUT', `/api/v1/cards/${created.body.id}/photo`, {
    payload: await portraitJpeg(480, 600, 30 + (counter % 300)), headers: { 'content-type': 'image/jpeg' },
  });
  assert.equal(photo.status, 200, photo.text);
  if (options.state === 'REQUEST_CHECKED') {
    const moved = await manager.post(`/api/v1/cards/${created.body.id}/moves`, { to: 'REQUEST_CHECKED' });
    assert.equal(moved.status, 200, moved.text);
  }
  return created.body.id;
}

/** Takes a card from REQUEST_CHECKED to ENCODED the way a print and encoding station does. */
export async function stationEncode(world: WebWorld, cardId: string, csn: string): Promise<void> {
  const station = await world.t.tokenClient('station');
  for (const to of ['IN_PRINT', 'PRINTED', 'IN_ENCODE']) {
    const moved = await station.post(`/api/v1/cards/${cardId}/moves`, { to });
    assert.equal(moved.status, 200, `${to}: ${moved.text}`);
  }
  const encoded = await station.post(`/api/v1/cards/${cardId}/csn`, { csn, form: 'hex' });
  assert.equal(encoded.status, 200, encoded.text);
}

/** A person's card taken all the way to ENABLED through the API (office, then station, then office). */
export async function enabledCard(world: WebWorld, personId: string, csn: string): Promise<string> {
  const cardId = await officeRequest(world, personId, { state: 'REQUEST_CHECKED' });
  await stationEncode(world, cardId, csn);
  const admin = await world.t.loginAs('admin');
  const enabled = await admin.post(`/api/v1/cards/${cardId}/moves`, { to: 'ENABLED' });
  assert.equal(enabled.status, 200, enabled.text);
  return cardId;
}

/** Gives the students of the world's first institution the demo student template, by a rule (as a manager would). */
export async function applyStudentTemplate(world: WebWorld): Promise<void> {
  const manager = await world.t.loginAs('manager');
  const institution = await institutionCode(world.t, 1);
  const created = await manager.post<{ id: string }>('/api/v1/card-templates', { name: 'Étudiants', layout: STUDENT_TEMPLATE, institution });
  assert.equal(created.status, 201, created.text);
  const rule = await manager.post('/api/v1/card-template-rules', { personType: 'student', templateId: created.body.id, institution });
  assert.equal(rule.status, 201, rule.text);
}
