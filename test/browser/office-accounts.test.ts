/**
 * Accounts and API tokens in the admin console, in Chromium: the password rule is shown before
 * anything is typed and a refused password is explained next to its field; an admin demoting or
 * disabling themselves is asked first; each token shows the account it acts for.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ensureWebBuilt, launchBrowser, signedInPage, startWebWorld, type WebWorld } from './browser-harness.ts';

describe('accounts and tokens in the admin console', () => {
  let world: WebWorld;
  let browser: Browser;
  let page: Page;
  let adminEmail: string;

  before(async () => {
    ensureWebBuilt();
    world = await startWebWorld();
    browser = await launchBrowser();
    adminEmail = (await world.createStaff('admin')).email;
    ({ page } = await signedInPage(browser, world.baseUrl, adminEmail, /\/office$/));
    await page.goto('/office/admin');
    await page.getByTestId('admin-tab-accounts').click();
    await page.getByTestId('accounts-table').waitFor();
  });
  after(async () => {
    await browser?.close();
    await world?.close();
  });

  test('the password rule is shown before typing, and a refused password is explained next to the field', async () => {
    await page.getByText('12 caractères au moins, sans caractères de contrôle').first().waitFor();
    await page.getByRole('textbox', { name: 'E-mail' }).fill('nouvelle.gestionnaire@univ.example.fr');
    await page.getByLabel('Nom affiché').fill('Nouvelle gestionnaire');
    await page.getByLabel('Mot de passe', { exact: true }).fill('motdepasse2024');
    await page.getByRole('button', { name: 'Créer le compte' }).click();
    await page.getByText('Mot de passe trop facile à deviner').waitFor();
    await page.getByLabel('Mot de passe', { exact: true }).fill('nouvelle.gestionnaire!!');
    await page.getByRole('button', { name: 'Créer le compte' }).click();
    await page.getByText('Le mot de passe ne doit pas contenir l’adresse e-mail.').waitFor();
    await page.getByLabel('Mot de passe', { exact: true }).fill('lanterne quokka velours');
    await page.getByRole('button', { name: 'Créer le compte' }).click();
    await page.getByText('Compte nouvelle.gestionnaire@univ.example.fr créé.').waitFor();
  });

  test('an admin demoting or disabling themselves is asked first; dismissing keeps the account as it was', async () => {
    const messages: string[] = [];
    page.on('dialog', (dialog) => { messages.push(dialog.message()); void dialog.dismiss(); });
    const row = page.getByTestId('accounts-table').getByRole('row').filter({ hasText: adminEmail });
    await row.getByRole('switch').click({ force: true });
    await page.waitForTimeout(200);
    await row.getByRole('textbox', { name: /^Rôle de / }).click();
    await page.getByRole('option', { name: 'Gestionnaire' }).click();
    await page.waitForTimeout(200);
    page.removeAllListeners('dialog');
    assert.equal(messages.length, 2, messages.join(' | '));
    assert.match(messages[0] ?? '', /désactiver votre propre compte/);
    assert.match(messages[1] ?? '', /votre propre rôle d’administrateur/);
    const account = await world.t.runtime.services.auth.accountByEmail(adminEmail);
    assert.equal(account?.role, 'admin');
    assert.equal(account?.disabled, false);
  });

  test('changing another account\'s role says it is saved', async () => {
    const { email } = await world.createStaff('viewer');
    await page.reload();
    await page.getByTestId('admin-tab-accounts').click();
    await page.getByTestId('accounts-table').getByRole('row').filter({ hasText: email }).waitFor();
    const row = page.getByTestId('accounts-table').getByRole('row').filter({ hasText: email });
    await row.getByRole('textbox', { name: /^Rôle de / }).click();
    await page.getByRole('option', { name: 'Gestionnaire' }).click();
    await page.getByTestId('account-changed').getByText(/^Rôle de viewer \d+ enregistré\u00a0: «\u00a0Gestionnaire\u00a0»\.$/).waitFor();
    assert.equal((await world.t.runtime.services.auth.accountByEmail(email))?.role, 'manager');
  });

  test("an admin sets another account's password in a dialog that states the rule", async () => {
    const row = page.getByTestId('accounts-table').getByRole('row').filter({ hasText: 'nouvelle.gestionnaire@univ.example.fr' });
    await row.getByRole('button', { name: 'Mot de passe…' }).click();
    await page.getByTestId('account-new-password').fill('azertyuiop123');
    await page.getByTestId('account-save-password').click();
    await page.getByRole('dialog').getByText('Mot de passe trop facile à deviner').waitFor();
    await page.getByTestId('account-new-password').fill('brindille tambour glacier');
    await page.getByTestId('account-save-password').click();
    await page.getByText('Mot de passe de Nouvelle gestionnaire changé').waitFor();
  });

  test('each API token shows the account it acts for', async () => {
    await page.getByTestId('admin-tab-tokens').click();
    await page.getByTestId('token-name').fill('Imprimante 2');
    await page.getByTestId('token-create').click();
    await page.getByTestId('token-secret').waitFor();
    const actsFor = page.getByTestId('tokens-table').getByRole('row').filter({ hasText: 'Imprimante 2' }).getByTestId('token-acts-for');
    await actsFor.getByText(adminEmail).waitFor();
  });
});
