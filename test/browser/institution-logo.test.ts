/**
 * The institution logo in Chromium: an SVG uploaded from the administration page is shown there,
 * and on the card preview of a request, as the PNG the server drew from it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { closeAll, ensureWebBuilt, launchBrowser, portraitJpeg, signedInPage, startWebWorld, type WebWorld } from './browser-harness.ts';

const LOGO_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" onload="document.title='pwned'">
  <script>document.title = 'pwned';</script>
  <rect width="200" height="100" fill="#1d4f91"/>
</svg>`;

/** naturalWidth x naturalHeight of the first image matching `selector`, once it has loaded. */
async function loadedSize(page: Page, selector: string): Promise<[number, number]> {
  const image = `document.querySelector(${JSON.stringify(selector)})`;
  await page.waitForFunction(`${image} !== null && ${image}.complete && ${image}.naturalWidth > 0`);
  return await page.evaluate(`[${image}.naturalWidth, ${image}.naturalHeight]`) as [number, number];
}

describe('the institution logo in Chromium', () => {
  let world: WebWorld;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    ensureWebBuilt();
    world = await startWebWorld();
    browser = await launchBrowser();
    const admin = await world.createStaff('admin');
    ({ context, page } = await signedInPage(browser, world.baseUrl, admin.email, /\/office$/));
  });

  after(() => closeAll(context, browser, world));

  test('an SVG uploaded in the administration is shown as a 512 px PNG there and on the card preview', async () => {
    await page.goto('/office/admin');
    await page.getByTestId('institution-form').waitFor();
    // The institutions page uploads to the institution's own logo route.
    const uploaded = page.waitForResponse((response) => /\/api\/v1\/institutions\/[a-z0-9-]+\/logo$/.test(response.url()) && response.request().method() === 'PUT');
    await page.locator('input[type="file"][accept*="svg"]').setInputFiles({ name: 'logo.svg', mimeType: 'image/svg+xml', buffer: Buffer.from(LOGO_SVG) });
    assert.equal((await uploaded).status(), 204);
    const adminLogo = 'img[src^="/api/v1/institutions/"]';
    assert.deepEqual(await loadedSize(page, adminLogo), [512, 256]);
    const served = await page.request.get('/api/v1/institution/logo');
    assert.equal(served.headers()['content-type'], 'image/png');
    assert.equal(served.headers()['x-content-type-options'], 'nosniff');

    await world.createCardholder({ lastName: 'Blason', firstName: 'Iris' });
    await page.goto('/office/request');
    await page.getByTestId('person-search').fill('blason');
    await page.getByTestId('person-search-submit').click();
    await page.getByTestId('person-choice').first().check();
    await page.getByTestId('photo-file').setInputFiles({ name: 'desk.jpg', mimeType: 'image/jpeg', buffer: await portraitJpeg(600, 800, 120) });
    assert.deepEqual(await loadedSize(page, 'img.card-face__logo'), [512, 256]);
    assert.notEqual(await page.title(), 'pwned', 'nothing of the SVG ran');
  });
});
