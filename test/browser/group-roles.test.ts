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
import type { Browser, Page } from 'playwright-core';
import { assertAccessible, ensureWebBuilt, launchBrowser, signedInPage, startWebWorld, type WebWorld } from './browser-harness.ts';

const GROUP = 'cn=gestionnaires-scolarite,ou=groups,dc=univ,dc=example,dc=fr';

describe('groups and roles in the admin console', () => {
  let world: WebWorld;
  let browser: Browser;
  let page: Page;
  let adminEmail: string;

  before(async () => {
    ensureWebBuilt();
    world = await startWebWorld({ env: { SSO_METHODS: JSON.stringify([{ id: 'cas-univ', protocol: 'cas', casUrl: 'https://cas.univ.example/cas' }]) } });
    browser = await launchBrowser();
    adminEmail = (await world.createStaff('admin')).email;
    ({ page } = await signedInPage(browser, world.baseUrl, adminEmail, /\/office$/));
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
    // Who reported the groups, in words (not `login:cas-univ`); the state badge is not in capitals.
    await row.getByText('selon la connexion CAS (cas-univ)').waitFor();
    await row.getByText(/actif depuis le/).waitFor();
    // Browser-side code as text: this file is type-checked without the DOM library.
    assert.equal(await page.evaluate(`getComputedStyle(document.querySelector('[data-testid="group-account-row"][data-eppn="claire.durand@univ.example.fr"] [data-testid="group-account-state"]')).textTransform`), 'none');
    // Person types: « Toutes » (les catégories), never « Tous ».
    const mappingRow = page.getByTestId('group-role-row').filter({ hasText: GROUP });
    assert.doesNotMatch(await mappingRow.innerText(), /\bTous\b/);
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
    // The change is said once saved.
    await page.getByTestId('group-role-done').getByText(/Rôle enregistré\u00a0: les membres de .* auront le rôle «\u00a0Consultation\u00a0»/).waitFor();
    for (let i = 0; i < 50 && (await world.t.runtime.services.groupRoles.listMappings())[0]?.role !== 'viewer'; i += 1) await page.waitForTimeout(100);
    assert.equal((await world.t.runtime.services.groupRoles.listMappings())[0]?.role, 'viewer');
  });

  test('« Retirer » and group names never break inside a word; the person types of a mapping for every type say « Toutes »', async () => {
    const long = 'cn=gestionnaires-cartes-etudiantes-et-personnels,ou=groupes-applicatifs,ou=groups,dc=universite-exemple,dc=fr';
    await world.t.runtime.services.groupRoles.createMapping({ group: long, role: 'viewer', personTypes: null,
      institutions: (await world.t.runtime.services.institution.list(world.t.runtime.database.db)).map((ref) => ref.code) }, { actor: 'test' });
    // A narrow window: the table is squeezed to its minimum width.
    await page.setViewportSize({ width: 820, height: 900 });
    await page.reload();
    const row = page.getByTestId('group-role-row').filter({ hasText: 'universite-exemple' });
    await row.waitFor();
    await row.getByText('Toutes', { exact: true }).waitFor();
    // Each line of a text ends at a word boundary: between two letters or digits is never a line end.
    const breaks = (selector: string) => page.evaluate(`(() => {
      const element = document.querySelector(${JSON.stringify(`[data-testid="group-role-row"][data-group="${long}"] ${selector}`)});
      const range = document.createRange();
      const text = element.textContent;
      const cuts = [];
      let top = null;
      let at = 0;
      const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (let index = 0; index < node.length; index += 1, at += 1) {
          range.setStart(node, index);
          range.setEnd(node, index + 1);
          const rect = range.getBoundingClientRect();
          if (rect.width === 0) continue;
          if (top !== null && rect.top > top + 2) cuts.push(text.slice(Math.max(0, at - 3), at) + '|' + text.slice(at, at + 3));
          top = rect.top;
        }
      }
      return cuts;
    })()`) as Promise<string[]>;
    const inWord = (cuts: string[]) => cuts.filter((cut) => /[\p{L}\p{N}]\|[\p{L}\p{N}]/u.test(cut));
    assert.deepEqual(inWord(await breaks('[data-testid="group-role-remove"] .mantine-Button-label')), [], 'Retirer on one piece');
    const nameCuts = await breaks('[data-testid="group-role-name"]');
    assert.ok(nameCuts.length > 0, 'the long name wraps in the narrow window');
    assert.deepEqual(inWord(nameCuts), [], `the name wraps between its parts: ${nameCuts.join(' ; ')}`);
    await page.setViewportSize({ width: 1366, height: 900 });
  });
});
