/**
 * Mail templates and mail languages in Chromium: an admin rewrites a template with the placeholder
 * buttons and the live preview, sees errors next to the field, saves (the next mail uses it) and
 * goes back to the built-in text; the office sets a holder's mail language; a cardholder's
 * language switch becomes the language of their mails. axe-core checks each screen.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { MailTemplateView, MailView } from '../../src/modules/notifications/notifications.service.ts';
import { WHOLE_DEPLOYMENT } from '../../src/platform/db/scope-filter.ts';
import { assertAccessible, closeAll, ensureWebBuilt, launchBrowser, login, newContext, officeRequest, screenshot, signedInPage, startWebWorld, type WebWorld } from './browser-harness.ts';

describe('mail templates and mail languages in Chromium', () => {
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

  async function mailsOf(personId: string): Promise<MailView[]> {
    return world.t.runtime.services.notifications.list({ scope: WHOLE_DEPLOYMENT, personId, limit: 10 });
  }

  test('the guided editor shows sections as labelled blocks, not template syntax, and writes the syntax back', async () => {
    await page.goto('/office/admin?tab=templates');
    const blocks = page.getByTestId('template-block');
    await blocks.first().waitFor();
    assert.deepEqual(await blocks.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-condition'))), ['#virtual', '^virtual', '']);
    const conditions = page.getByTestId('template-block-condition');
    assert.equal(await conditions.nth(0).inputValue(), 'Si la carte est virtuelle');
    assert.equal(await conditions.nth(1).inputValue(), 'Si la carte n’est pas virtuelle');
    const texts = page.getByTestId('template-block-text');
    assert.match(await texts.nth(0).inputValue(), /^Votre demande de carte virtuelle a été validée/);
    assert.doesNotMatch(await page.getByTestId('template-blocks').innerText(), /\{\{[#^/]/, 'no section syntax in the guided editor');
    assert.equal(await page.getByTestId('template-body').count(), 0, 'the raw text is not shown');
    await assertAccessible(page, 'mail template guided editor');

    // Edit a section, insert a value with a chip, add a section for an empty value, remove a block.
    await texts.nth(1).fill('Votre carte part à l’impression.');
    await texts.nth(2).fill('Suivi\u00a0: ');
    await page.getByTestId('insert-link').click();
    assert.equal(await texts.nth(2).inputValue(), 'Suivi\u00a0: {{link}}');
    await page.getByTestId('template-new-condition').click();
    await page.getByRole('option', { name: 'Si la carte n’est pas virtuelle' }).click();
    await page.getByTestId('template-add-section').click();
    await texts.nth(3).fill('Retrait au bureau des cartes.');
    await page.getByTestId('template-block-remove').nth(0).click();
    await page.getByTestId('template-preview-text').getByText('Retrait au bureau des cartes.').waitFor();
    await screenshot(page, '41-office-mail-templates-guided');

    // The raw text (advanced) holds the same template in the stored syntax.
    await page.getByTestId('template-mode').getByText('Texte brut (avancé)').click();
    assert.equal(await page.getByTestId('template-body').inputValue(),
      '{{^virtual}}Votre carte part à l’impression.{{/virtual}}\n\nSuivi\u00a0: {{link}}\n\n{{^virtual}}Retrait au bureau des cartes.{{/virtual}}');
    // A section glued to text cannot be shown as blocks: the guided editor says so and keeps the raw text.
    await page.getByTestId('template-body').fill('Bonjour{{#virtual}} (virtuelle){{/virtual}}.');
    await page.getByTestId('template-mode').getByText('Éditeur guidé').click();
    await page.getByTestId('template-blocks-unavailable').waitFor();
    assert.equal(await page.getByTestId('template-body').inputValue(), 'Bonjour{{#virtual}} (virtuelle){{/virtual}}.');
  });

  test('an admin edits a template with the preview, saves it for the next mails, and resets it', async () => {
    await page.goto('/office/admin?tab=templates');
    await page.getByTestId('template-mode').getByText('Texte brut (avancé)').click();
    const body = page.getByTestId('template-body');
    await body.waitFor();
    assert.match(await body.inputValue(), /Vous pouvez suivre votre demande dans votre espace personnel\u00a0: \{\{link\}\}/, 'the editor shows the built-in text');
    await page.getByTestId('template-state').getByText('Texte d’origine').waitFor();
    await page.getByTestId('template-preview-subject').getByText('Votre demande de carte a été validée – Université Exemple').waitFor();
    await assertAccessible(page, 'mail templates');

    // A placeholder the template does not know: the preview answers with the error next to the subject.
    const subject = page.getByTestId('template-subject');
    await subject.fill('Bienvenue {{lastName}}');
    await page.getByText('Ce texte utilise un nom que ce modèle ne connaît pas').waitFor();
    assert.equal(await subject.getAttribute('aria-invalid'), 'true');

    // The buttons insert at the cursor of the field edited last.
    await subject.fill('Bienvenue ');
    await page.getByTestId('insert-firstName').click();
    assert.equal(await subject.inputValue(), 'Bienvenue {{firstName}}');
    await body.fill('Votre demande est acceptée.\n\nSuivez-la ici : ');
    await page.getByTestId('insert-link').click();
    assert.equal(await body.inputValue(), 'Votre demande est acceptée.\n\nSuivez-la ici : {{link}}');
    await body.press('End');
    await page.getByTestId('insert-section-virtual').click();
    assert.match(await body.inputValue(), /\{\{link\}\}\{\{#virtual\}\}\{\{\/virtual\}\}$/);
    await body.fill('Votre demande est acceptée, <b>{{firstName}}</b>.\n\nSuivez-la ici : {{link}}');

    await page.getByTestId('template-preview-subject').getByText('Bienvenue Camille').waitFor();
    // The subject's preview already showed before the body was typed: wait for the body's own (debounced) preview.
    await page.getByTestId('template-preview-text').filter({ hasText: 'acceptée, <b>Camille</b>.' }).waitFor();
    assert.match(await page.getByTestId('template-preview-text').innerText(), /^Bonjour Camille,\n\nVotre demande est acceptée, <b>Camille<\/b>\.\n\nSuivez-la ici : http/);
    const html = await page.getByTestId('template-preview-html').getAttribute('srcdoc') ?? '';
    assert.ok(html.includes('Votre demande est acceptée, &lt;b&gt;Camille&lt;/b&gt;.'), 'the HTML escapes what looks like markup');
    assert.match(html, /Suivez-la ici : <a href="http[^"]+">/);
    assert.equal(await page.getByTestId('template-preview-html').getAttribute('sandbox'), '');
    await assertAccessible(page, 'mail template being edited');
    await screenshot(page, '40-office-mail-templates');

    await page.getByTestId('template-save').click();
    await page.getByTestId('template-saved').waitFor();
    await page.getByTestId('template-state').getByText('Personnalisé').waitFor();
    // Who saved it reads as the account's name, not as its technical id.
    const updated = await page.getByTestId('template-updated').innerText();
    assert.match(updated, /^Modifié le .+ par admin \d+$/);
    assert.doesNotMatch(updated, /account:/);
    const { person } = await world.createCardholder({ firstName: 'Inès' });
    await officeRequest(world, person.id, { state: 'REQUEST_CHECKED' });
    const [mail] = await mailsOf(person.id);
    assert.equal(mail?.subject, 'Bienvenue Inès');
    assert.match(mail?.text ?? '', /Votre demande est acceptée, <b>Inès<\/b>\./);

    await page.getByTestId('template-reset').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('reprendra son texte d’origine').waitFor();
    // Contrast is measured once the opening transition is over, not through a half-faded dialog.
    await page.waitForFunction(`(() => {
      const content = document.querySelector('[data-testid=template-reset-confirm]')?.closest('.mantine-Modal-content');
      const style = content && getComputedStyle(content);
      return !!style && style.opacity === '1' && ['none', 'matrix(1, 0, 0, 1, 0, 0)'].includes(style.transform);
    })()`);
    await assertAccessible(page, 'reset confirmation');
    await page.getByTestId('template-reset-confirm').click();
    await page.getByTestId('template-state').getByText('Texte d’origine').waitFor();
    assert.match(await body.inputValue(), /Vous pouvez suivre votre demande/);
    const admin = await world.t.loginAs('admin');
    const listed = await admin.get<{ items: MailTemplateView[] }>('/api/v1/mail-templates');
    assert.ok(listed.body.items.every((item) => item.override === null));
  });

  test('the office sets a holder’s mail language on the card page; the next mail is in English', async () => {
    const { person } = await world.createCardholder({ firstName: 'Sam' });
    const cardId = await officeRequest(world, person.id);
    await page.goto(`/office/cards/${cardId}`);
    const select = page.getByTestId('person-locale');
    await select.waitFor();
    assert.equal(await select.inputValue(), 'Par défaut (français)');
    await select.click();
    await page.getByRole('option', { name: 'Anglais' }).click();
    await page.getByText('Langue des e-mails enregistrée.').waitFor();
    assert.equal((await world.t.runtime.services.people.get(person.id)).locale, 'en');
    await assertAccessible(page, 'card detail with the mail language');
    const manager = await world.t.loginAs('manager');
    assert.equal((await manager.post(`/api/v1/cards/${cardId}/moves`, { to: 'REQUEST_CHECKED' })).status, 200);
    const [mail] = await mailsOf(person.id);
    assert.equal(mail?.locale, 'en');
    assert.match(mail?.text ?? '', /^Hello Sam,/);
  });

  test('a cardholder’s language switch becomes the language of their mails, shown in my data', async () => {
    const { person, email } = await world.createCardholder();
    const holderContext = await newContext(browser, world.baseUrl);
    try {
      const holderPage = await holderContext.newPage();
      await login(holderPage, email, /\/me$/);
      await holderPage.goto('/me/data');
      await holderPage.getByTestId('my-data').getByText('Par défaut (français)').waitFor();
      await holderPage.getByTestId('language-switcher').getByText('EN').click();
      await holderPage.getByRole('heading', { name: 'My data' }).waitFor();
      for (let attempt = 0; attempt < 50 && (await world.t.runtime.services.people.get(person.id)).locale !== 'en'; attempt++) {
        await holderPage.waitForTimeout(100);
      }
      assert.equal((await world.t.runtime.services.people.get(person.id)).locale, 'en');
      await holderPage.reload();
      assert.match(await holderPage.getByTestId('my-data').innerText(), /Language of mails\s+English/);
      await holderPage.getByText('Your mails are written in the interface language').waitFor();
      await assertAccessible(holderPage, 'my data with the mail language');
    } finally {
      await holderContext.close();
    }
  });
  test('on a new device, logging in shows the interface in the language the person saved', async () => {
    const { person, email } = await world.createCardholder();
    await world.t.runtime.services.people.setLocale(person.id, 'en', { actor: 'test' });
    // A French browser that never chose a language: the saved choice must win over the browser's.
    const holderContext = await newContext(browser, world.baseUrl, { locale: 'fr-FR' });
    try {
      const holderPage = await holderContext.newPage();
      await login(holderPage, email, /\/me$/);
      await holderPage.getByRole('heading', { name: 'My cards' }).waitFor();
      assert.equal(await holderPage.evaluate('document.documentElement.lang'), 'en');
    } finally {
      await holderContext.close();
    }
  });
});
