/**
 * Issue 14 follow-up, on a 390 × 844 phone: every button of "my cards" shows its whole label (the
 * long French ones wrap onto two lines instead of ending in "…hors servi"), with an active card,
 * in the dialog that declares it lost, and with the lost card that offers a replacement.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { enabledCard, ensureWebBuilt, launchBrowser, login, newContext, screenshot, startWebWorld, type WebWorld } from './browser-harness.ts';

interface ButtonFit {
  text: string;
  /** The label's content is wider than the label: its end is cut. */
  cut: boolean;
  /** The button goes past the right edge of the screen. */
  outside: boolean;
}

/** Every visible Mantine button label under `scope`, measured in the page. */
async function buttonFits(page: Page, scope: string): Promise<ButtonFit[]> {
  return page.evaluate(`[...document.querySelectorAll(${JSON.stringify(`${scope} .mantine-Button-label`)})]
    .filter((label) => label.getClientRects().length > 0)
    .map((label) => ({
      text: label.textContent.trim(),
      cut: label.scrollWidth > label.clientWidth || label.scrollHeight > label.clientHeight + 1,
      outside: label.closest('.mantine-Button-root').getBoundingClientRect().right > window.innerWidth,
    }))`) as Promise<ButtonFit[]>;
}

/** Asserts that the buttons named in `expected` are there and that no button under `scope` is cut. */
async function assertWhole(page: Page, scope: string, expected: string[]): Promise<void> {
  const fits = await buttonFits(page, scope);
  for (const text of expected) assert.ok(fits.some((fit) => fit.text === text), `button "${text}" is on the page (${fits.map((fit) => fit.text).join(' | ')})`);
  assert.deepEqual(fits.filter((fit) => fit.cut || fit.outside), [], 'no button label is cut or past the screen edge');
}

describe('buttons show their whole label on a phone', () => {
  let world: WebWorld;
  let browser: Browser;

  before(async () => {
    ensureWebBuilt();
    // With the ESC Router, the card has an ESCN and "my cards" also offers the virtual card.
    world = await startWebWorld({ esc: true });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await world?.close();
  });

  test('my cards at 390 px: active card, the declare dialog, then the lost card', async () => {
    const { person, email } = await world.createCardholder({ lastName: 'Telephone' });
    const cardId = await enabledCard(world, person.id, '04A1B2C3E1');
    const context = await newContext(browser, world.baseUrl, { phone: true });
    const page = await context.newPage();
    await login(page, email, /\/me$/);
    const card = `[data-testid="my-card"][data-card-id="${cardId}"]`;
    await page.locator(`${card}[data-state="ENABLED"]`).getByTestId('declare-lost').waitFor();
    await page.locator(card).getByTestId('open-virtual-card').waitFor();
    await assertWhole(page, 'body', ['Afficher ma carte virtuelle', 'Déclarer perdue, volée ou hors service']);
    await screenshot(page, '65-phone-buttons-active-card');

    await page.getByTestId('declare-lost').click();
    await page.getByRole('dialog').waitFor();
    await assertWhole(page, '[role="dialog"]', []);
    await page.getByTestId('disable-reason-LOST').check();
    await page.getByTestId('disable-confirm').click();
    await page.locator(`${card}[data-state="DISABLED"]`).getByTestId('request-replacement').waitFor();
    await assertWhole(page, 'body', ['Demander une carte de remplacement', 'Réactiver ma carte']);
    assert.equal(await page.evaluate('document.documentElement.scrollWidth > window.innerWidth'), false, 'nothing overflows sideways');
    await screenshot(page, '66-phone-buttons-lost-card');
    await context.close();
  });
});
