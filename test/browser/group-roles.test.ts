/**
 * Groups and roles in the admin console, in Chromium: an admin maps a directory group to the
 * manager role (limited to students), a member of the group logs in (single sign-on hands the
 * login's groups to services.groupRoles), the resulting account is listed with the group that gave
 * it, and the accounts list tells local grants and group grants apart. An SSO-only staff account
 * is created by eppn, without a password. A mapping names its institutions (the form starts from
 * the admin's), and changing a mapping's role in the list asks for confirmation first.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { assertAccessible, ensureWebBuilt, launchBrowser, login, newContext, startWebWorld, type WebWorld } from './browser-harness.ts';

const GROUP = 'cn=gestionnaires-scolarite,ou=groups,dc=univ,dc=example,dc=fr';

describe('groups and roles in the admin console', () => {
  let world: WebWorld;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let adminEmail: string;

  before(async () => {
    ensureWebBuilt();
    world = await startWebWorld();
    browser = await launchBrowser();
    adminEmail = (await world.createStaff('admin')).email;
    context = await newContext(browser, world.baseUrl);
    page = await context.newPage();
    await login(page, adminEmail, /\/office$/);
    await page.goto('/office/admin?tab=groups');
    await page.getByTestId('group-roles-table').waitFor();
  });
  after(async () => {
    await browser?.close();
    await world?.close();
  });

  test('an admin maps a group to the manager role; a member who logs in is listed with the group that gave the role', async () => {
    await page.getByTestId('group-role-group').fill(GROUP);
    await page.getByTestId('group-role-role').click();
    await page.getByRole('option', { name: 'Gestionnaire' }).click();
    await page.getByTestId('group-role-types').click({ force: true });
    await page.getByRole('option', { name: /Étudiant/ }).first().click();
    await page.keyboard.press('Escape');
    await page.getByTestId('group-role-create').click();
    await page.getByText(`Groupe ${GROUP} ajouté`).waitFor();
    await page.getByTestId('group-role-row').filter({ hasText: GROUP }).waitFor();
    const [mapping] = await world.t.runtime.services.groupRoles.listMappings();
    assert.equal(mapping?.role, 'manager');
    assert.deepEqual(mapping?.personTypes, ['student']);
    // The form named the institution by default, never "every institution" by omission.
    const institutions = (await world.t.runtime.services.institution.list(world.t.runtime.database.db)).map((ref) => ref.code);
    assert.equal(institutions.length, 1);
    assert.deepEqual(mapping?.institutions, institutions);

    // A member logs in: the IdP sends the group in another case, with spaces after the commas.
    const db = world.t.runtime.database.db;
    const accountId = await world.t.runtime.services.groupRoles.roleAtLogin(db, {
      eppn: 'claire.durand@univ.example.fr', groups: [GROUP.toUpperCase().replaceAll(',', ', ')], email: 'claire.durand@univ.example.fr',
      displayName: 'Claire Durand', personId: null, methodId: 'cas-univ',
    });
    assert.ok(accountId);
    await page.getByRole('button', { name: 'Actualiser' }).click();
    const row = page.getByTestId('group-account-row').filter({ hasText: 'claire.durand@univ.example.fr' });
    await row.waitFor();
    await row.getByText(GROUP).waitFor();
    await row.getByText('selon login:cas-univ').waitFor();
    await row.getByText(/actif depuis le/).waitFor();
    await assertAccessible(page, 'groups and roles panel');
  });

  test('the accounts list shows local and group grants apart, and creates an SSO-only account by eppn', async () => {
    await page.getByTestId('admin-tab-accounts').click();
    await page.getByTestId('accounts-table').waitFor();
    const groupRow = page.getByTestId('account-row').filter({ hasText: 'claire.durand@univ.example.fr' });
    await groupRow.getByTestId('account-grant').getByText(`groupe (${GROUP})`).waitFor();
    const adminRow = page.getByTestId('account-row').filter({ hasText: adminEmail });
    await adminRow.getByTestId('account-grant').getByText('local').waitFor();

    await page.getByRole('textbox', { name: 'E-mail' }).fill('paul.martin@univ.example.fr');
    await page.getByLabel('Nom affiché').fill('Paul Martin');
    await page.getByTestId('account-eppn').fill('Paul.Martin@univ.example.fr');
    await page.getByRole('button', { name: 'Créer le compte' }).click();
    await page.getByText('Compte paul.martin@univ.example.fr créé.').waitFor();
    await page.getByTestId('account-row').filter({ hasText: 'paul.martin@univ.example.fr' }).getByText('SSO : paul.martin@univ.example.fr').waitFor();
    const created = await world.t.runtime.services.auth.accountByEppn('paul.martin@univ.example.fr');
    assert.equal(created?.role, 'manager');
    assert.equal(created?.eppn, 'paul.martin@univ.example.fr');
    // No password: it opens only by single sign-on.
    const refused = await world.t.anonymous.post('/api/v1/auth/login', { email: 'paul.martin@univ.example.fr', password: 'anything at all 123' });
    assert.equal(refused.status, 401);
  });

  test('changing a mapping\'s role in the list asks first, naming the group, both roles and the accounts it affects', async () => {
    await page.getByTestId('admin-tab-groups').click();
    const row = page.getByTestId('group-role-row').filter({ hasText: GROUP });
    await row.waitFor();
    const choose = async (role: string) => {
      await row.getByTestId('group-role-row-role').click();
      await page.getByRole('option', { name: role, exact: true }).click();
    };
    await choose('Consultation');
    const dialog = page.getByRole('dialog');
    await dialog.getByTestId('group-role-confirm').waitFor();
    const text = await dialog.textContent() ?? '';
    assert.ok(text.includes(GROUP) && text.includes('«\u00a0Gestionnaire\u00a0»') && text.includes('«\u00a0Consultation\u00a0»'), text);
    assert.equal(await dialog.getByTestId('group-role-confirm-affected').textContent(), '1 compte tient aujourd’hui son rôle de ce groupe.');
    await assertAccessible(page, 'role change confirmation');
    // Cancelled: nothing saved.
    await dialog.getByRole('button', { name: 'Annuler' }).click();
    await dialog.waitFor({ state: 'hidden' });
    assert.equal((await world.t.runtime.services.groupRoles.listMappings())[0]?.role, 'manager');

    await choose('Consultation');
    await page.getByTestId('group-role-confirm-button').click();
    await dialog.waitFor({ state: 'hidden' });
    for (let i = 0; i < 50 && (await world.t.runtime.services.groupRoles.listMappings())[0]?.role !== 'viewer'; i += 1) await page.waitForTimeout(100);
    assert.equal((await world.t.runtime.services.groupRoles.listMappings())[0]?.role, 'viewer');
  });
});
