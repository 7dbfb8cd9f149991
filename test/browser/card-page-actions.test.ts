/**
 * The action bar of a card's page in Chromium, as a newcomer's walkthrough of the demo found it: a
 * card in print offered three equal buttons, two of them going back or nowhere, and read
 * « Réservée par » with a raw account id; a printed card showed an empty box. Now the forward move
 * stands out, going back says so in a quieter style, no move leads to the state the card is in,
 * the lock names its holder, and a card with nothing to do has no bar. The page shows the card as
 * printed (its template's front and back), and the generic face while no template applies.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { applyStudentTemplate, closeAll, ensureWebBuilt, launchBrowser, login, newContext, officeRequest, startWebWorld, type WebWorld } from './browser-harness.ts';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

describe('the action bar of a card page', () => {
  let world: WebWorld;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let cardId = '';

  before(async () => {
    ensureWebBuilt();
    world = await startWebWorld();
    const { person } = await world.createCardholder({ lastName: 'Imprimable' });
    cardId = await officeRequest(world, person.id, { state: 'REQUEST_CHECKED' });
    const { email } = await world.createStaff('manager');
    context = await newContext(browser = await launchBrowser(), world.baseUrl);
    page = await context.newPage();
    await login(page, email, /\/office$/);
  });

  after(() => closeAll(context, browser, world));

  test('in print: the forward move first and filled, going back labelled as such, the lock by name; printed: no empty bar', async () => {
    await page.goto(`/office/cards/${cardId}`);
    await page.getByTestId('move-IN_PRINT').click();
    await page.locator('[data-testid="card-detail"][data-state="IN_PRINT"]').waitFor();

    const lock = await page.getByTestId('card-lock').innerText();
    assert.match(lock, /^manager \d+ · /, lock);
    assert.doesNotMatch(lock, UUID);

    const forward = page.getByTestId('move-PRINTED');
    assert.equal(await forward.getAttribute('data-primary'), 'true');
    assert.equal(await forward.getAttribute('data-variant'), 'filled');
    const back = page.getByTestId('move-REQUEST_CHECKED');
    assert.equal(await back.innerText(), 'Revenir à\u00a0: Demande validée');
    assert.equal(await back.getAttribute('data-primary'), 'false');
    assert.notEqual(await back.getAttribute('data-variant'), 'filled');
    assert.equal(await page.getByTestId('move-IN_PRINT').count(), 0, 'no move to the state the card is in');

    await forward.click();
    await page.locator('[data-testid="card-detail"][data-state="PRINTED"]').waitFor();
    assert.equal(await page.getByTestId('card-actions').count(), 0, 'nothing to click: no bar');
  });

  test('the card as printed: the template\'s front and back once a rule applies, the generic face before', async () => {
    await page.goto(`/office/cards/${cardId}`);
    await page.getByTestId('card-face').waitFor();
    assert.equal(await page.getByTestId('office-card-face').count(), 0, 'no template yet: the generic face');

    await applyStudentTemplate(world);

    await page.reload();
    await page.locator('[data-testid="office-card-face"][data-side="front"][data-face="image"]').waitFor();
    await page.waitForFunction('document.querySelector(\'[data-testid="office-card-face-image"]\')?.naturalWidth > 0');
    assert.match(String(await page.getByTestId('office-card-face-image').getAttribute('alt')), /^Carte de .+ Imprimable telle qu’elle est imprimée \(Recto\)$/);
    assert.equal(await page.getByTestId('card-face').count(), 0, 'the generic face gives way');
    // Moved to PRINTED by hand, never in a batch: drawn with the rule's current version, no print recorded.
    assert.match(String(await page.getByTestId('office-card-face-template').textContent()),
      /^Dessinée avec le modèle «\u00a0.+\u00a0», version 1 \(version actuelle\u202f; aucune impression enregistrée\)$/);

    await page.getByTestId('office-card-face-side').getByText('Verso').click();
    await page.locator('[data-testid="office-card-face"][data-side="back"][data-face="image"]').waitFor();
    await page.waitForFunction('document.querySelector(\'[data-testid="office-card-face-image"]\')?.naturalWidth > 0');
    assert.match(String(await page.getByTestId('office-card-face-image').getAttribute('alt')), /\(Verso\)$/);
  });
});
