/**
 * What a cardholder reads before consenting, in Chromium: "Ce qui est partagé" lists the fields
 * the connectors really send (generated, in French and English), the full text opens from every
 * consent block, no block clips its last line (desktop and phone), and the card rules open from
 * the request page without ticking the box.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { CROUS_DATA_FIELDS } from '../../src/modules/crous/domain/crous-data-fields.ts';
import { ESC_DATA_FIELDS } from '../../src/modules/esc/domain/esc-data-fields.ts';
import { connectorFieldIds } from '../../src/modules/people/domain/personal-data-fields.ts';
import { assertAccessible, ensureWebBuilt, launchBrowser, login, newContext, REPO_ROOT, screenshot, startWebWorld, type WebWorld } from './browser-harness.ts';

/** The field labels of a locale file (the wording may change; which field shows must not). */
function fieldLabels(locale: 'fr' | 'en'): Record<string, string> {
  const tree = JSON.parse(readFileSync(join(REPO_ROOT, `web/src/i18n/locales/${locale}.json`), 'utf8')) as { consents: { fields: Record<string, string> } };
  return tree.consents.fields;
}
const FR = fieldLabels('fr');
const EN = fieldLabels('en');

/** The field ids and labels a consent block lists. */
async function listedFields(page: Page, kind: string): Promise<{ ids: string[]; labels: string[] }> {
  const items = page.getByTestId(`consent-${kind}-fields`).locator('li');
  await items.first().waitFor();
  const ids = await items.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-field') ?? ''));
  return { ids, labels: (await items.allInnerTexts()).map((label) => label.trim()) };
}

/**
 * Elements inside the consent blocks whose content is cut: a block, or anything in it that hides
 * its overflow, with more content than room. Browser-side code as text: this file is
 * type-checked without the DOM library.
 */
async function clippedInConsentBlocks(page: Page, selector: string): Promise<string[]> {
  return page.evaluate(`(() => {
    const clipped = [];
    for (const block of document.querySelectorAll(${JSON.stringify(selector)})) {
      const name = block.getAttribute('data-testid');
      if (block.scrollHeight > block.clientHeight + 1) clipped.push(name + ': block ' + block.scrollHeight + ' > ' + block.clientHeight);
      for (const element of block.querySelectorAll('*')) {
        const style = getComputedStyle(element);
        if (style.display === 'none') continue;
        const hides = ['hidden', 'clip'].includes(style.overflowY) || ['hidden', 'clip'].includes(style.overflow);
        if (hides && element.scrollHeight > element.clientHeight + 1) {
          clipped.push(name + ': ' + element.tagName + '.' + element.className + ' ' + element.scrollHeight + ' > ' + element.clientHeight);
        }
      }
    }
    return clipped;
  })()`);
}

describe('consent summaries and card rules in Chromium', () => {
  let world: WebWorld;
  let browser: Browser;

  before(async () => {
    ensureWebBuilt();
    world = await startWebWorld();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await world?.close();
  });

  test('request page (French, desktop): generated field lists, full text, rules link, nothing clipped', async () => {
    const { email } = await world.createCardholder();
    const context = await newContext(browser, world.baseUrl);
    const page = await context.newPage();
    await login(page, email, /\/me$/);
    await page.goto('/me/request');

    const esc = await listedFields(page, 'esc');
    assert.deepEqual(esc.ids, connectorFieldIds(ESC_DATA_FIELDS));
    assert.ok(esc.labels.includes(FR.fullName ?? ''), esc.labels.join(' | '));
    assert.ok(esc.labels.includes(FR.email ?? ''), esc.labels.join(' | '));
    const crous = await listedFields(page, 'crous');
    assert.deepEqual(crous.ids, connectorFieldIds(CROUS_DATA_FIELDS));
    assert.ok(crous.labels.includes(FR.birthDate ?? ''), crous.labels.join(' | '));
    assert.deepEqual((await listedFields(page, 'photo_publication')).labels, [FR.fullName, FR.photo]);
    // The hand-written sentence that said less than what is sent is gone.
    assert.doesNotMatch(await page.locator('body').innerText(), /Ni votre adresse ni votre photo/);
    assert.deepEqual(await clippedInConsentBlocks(page, '[data-testid="consent-esc"], [data-testid="consent-crous"], [data-testid="consent-photo_publication"]'), []);

    // The full text opens whole from the block, and closes again.
    const toggle = page.getByTestId('consent-esc-full-text-toggle');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    await toggle.click();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    assert.match(await page.getByTestId('consent-esc-full-text').innerText(), /routeur de la Carte étudiante européenne[\s\S]*Version du texte\s: 2026-12/);
    assert.deepEqual(await clippedInConsentBlocks(page, '[data-testid="consent-esc"]'), []);
    await screenshot(page, 'consent-request-fr');
    await toggle.click();
    assert.equal(await page.getByTestId('consent-esc-full-text').count(), 0);

    // The rules open in a dialog, in French, without ticking the box.
    await page.getByTestId('card-rules-link').click();
    const dialog = page.getByRole('dialog', { name: /Règlement d.utilisation de la carte/ });
    await dialog.waitFor();
    assert.match(await page.getByTestId('card-rules-text').innerText(), /La carte est personnelle/);
    await assertAccessible(page, 'card rules dialog');
    await page.getByTestId('card-rules-close').click();
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await page.getByTestId('accept-rules').isChecked(), false);
    await context.close();
  });

  test('consents page (English, phone): the same generated lists, full text reachable, nothing clipped', async () => {
    const { email } = await world.createCardholder();
    const context = await newContext(browser, world.baseUrl, { locale: 'en-GB', phone: true });
    const page = await context.newPage();
    await login(page, email, /\/me$/);
    await page.goto('/me/consents');

    const esc = await listedFields(page, 'esc');
    assert.deepEqual(esc.ids, connectorFieldIds(ESC_DATA_FIELDS));
    assert.ok(esc.labels.includes(EN.fullName ?? '') && esc.labels.includes(EN.email ?? ''), esc.labels.join(' | '));
    const crous = await listedFields(page, 'crous');
    assert.ok(crous.labels.includes(EN.birthDate ?? ''), crous.labels.join(' | '));
    const panels = '[data-testid^="consent-panel-"]';
    assert.deepEqual(await clippedInConsentBlocks(page, panels), []);
    for (const kind of ['esc', 'photo_publication', 'crous']) await page.getByTestId(`consent-${kind}-full-text-toggle`).click();
    assert.match(await page.getByTestId('consent-crous-full-text').innerText(), /birth date/);
    assert.deepEqual(await clippedInConsentBlocks(page, panels), []);
    await assertAccessible(page, 'consents page with full texts open');
    await screenshot(page, 'consents-phone-en');
    await context.close();
  });

  test('request page on a phone: no consent block clips, full texts open or closed', async () => {
    const { email } = await world.createCardholder();
    const context = await newContext(browser, world.baseUrl, { phone: true });
    const page = await context.newPage();
    await login(page, email, /\/me$/);
    await page.goto('/me/request');
    await page.getByTestId('consent-crous-fields').waitFor();
    const blocks = '[data-testid="consent-esc"], [data-testid="consent-crous"], [data-testid="consent-photo_publication"]';
    assert.deepEqual(await clippedInConsentBlocks(page, blocks), []);
    for (const kind of ['esc', 'photo_publication', 'crous']) await page.getByTestId(`consent-${kind}-full-text-toggle`).click();
    assert.deepEqual(await clippedInConsentBlocks(page, blocks), []);
    await screenshot(page, 'consent-request-phone-fr');
    await context.close();
  });
});
