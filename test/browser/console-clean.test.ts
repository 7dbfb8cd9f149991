/**
 * Pages open without a single console error, with their real Content-Security-Policy enforced
 * (the other browser tests bypass it to inject axe-core): the landing and login pages for a
 * visitor who has done nothing yet, the pages after logging in, the API documentation, and the
 * public verification page. And the language they open in: the browser's most preferred one when
 * we speak it, else French.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, PASSWORD, startWebWorld, type WebWorld } from './browser-harness.ts';

describe('pages open without console errors under their own CSP', () => {
  let world: WebWorld;
  let browser: Browser;

  before(async () => {
    world = await startWebWorld();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await world?.close();
  });

  /** A context that enforces CSP, and the errors, failed requests and CSP violations it sees. */
  async function watchedPage(): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
    const context = await browser.newContext({ baseURL: world.baseUrl, locale: 'fr-FR' });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() !== 'error' && message.type() !== 'warning') return;
      // The browser reports a page answered with a 4xx as a console error of that page: the
      // 'response' listener below already counts every 4xx, and tests that expect one say so.
      if (message.text().startsWith('Failed to load resource') && message.location().url === page.url()) return;
      problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`HTTP ${response.status()} ${response.url()}`);
    });
    await page.addInitScript({
      content: "document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));",
    });
    return { context, page, problems };
  }

  test('a visitor opening the landing page and the login page sees no error, not even a 401', async () => {
    const { context, page, problems } = await watchedPage();
    await page.goto('/');
    await page.waitForURL(/\/login/);
    await page.getByTestId('login-email').waitFor();
    await page.goto('/login');
    await page.getByTestId('login-submit').waitFor();
    await page.waitForLoadState('networkidle');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a cardholder logging in and reaching their pages sees no error', async () => {
    const { email } = await world.createCardholder();
    const { context, page, problems } = await watchedPage();
    await page.goto('/login');
    await page.getByTestId('login-email').fill(email);
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL(/\/me/);
    await page.waitForLoadState('networkidle');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('the API documentation renders under its own CSP', async () => {
    const { context, page, problems } = await watchedPage();
    await page.goto('/api/docs');
    await page.locator('.swagger-ui .info .title').waitFor();
    await page.locator('.opblock-tag').first().waitFor();
    await page.waitForLoadState('networkidle');
    assert.match(await page.locator('.swagger-ui .info .title').innerText(), /campuscard API/);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('the public verification page of an unknown card renders without errors', async () => {
    const { context, page, problems } = await watchedPage();
    const answer = await page.goto('/v/not-a-card-number');
    assert.equal(answer?.status(), 400);
    await page.locator('h1').waitFor();
    assert.deepEqual(problems, [`HTTP 400 ${world.baseUrl}/v/not-a-card-number`]);
    await context.close();
  });

  test('the interface opens in the browser\'s most preferred language when it is French or English, else in French', async () => {
    // What a German browser sends: German first, English as a second choice.
    const browsers = [[['de-DE', 'de', 'en-US', 'en'], 'fr'], [['en-GB', 'fr'], 'en'], [['fr-BE', 'en'], 'fr'], [['es-ES', 'en-GB'], 'fr']] as const;
    for (const [languages, expected] of browsers) {
      const context = await browser.newContext({ baseURL: world.baseUrl, locale: languages[0], serviceWorkers: 'block' });
      const page = await context.newPage();
      await page.addInitScript({ content: `Object.defineProperty(navigator, 'languages', { get: () => ${JSON.stringify(languages)} });` });
      await page.goto('/login');
      await page.getByTestId('login-submit').waitFor();
      assert.equal(await page.locator('html').getAttribute('lang'), expected, languages.join(','));
      await context.close();
    }
  });
});
