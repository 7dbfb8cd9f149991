/**
 * Several institutions in Chromium: an admin creates a second institution and a manager scoped to
 * it, who sees only that institution and its cards; a federation manager switches between the
 * institutions in the header (the choice survives a reload) and sees whose each card is; a
 * person enrolled at two institutions sees both enrolments and says which institution a new
 * card request is for.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  assertAccessible, ensureWebBuilt, launchBrowser, login, newContext, PASSWORD, portraitJpeg, screenshot, startWebWorld, stationEncode, type WebWorld,
} from './browser-harness.ts';

type Client = Awaited<ReturnType<WebWorld['t']['loginAs']>>;

describe('several institutions in the web application', () => {
  let world: WebWorld;
  let browser: Browser;
  let api: Client;
  let firstCode: string;
  let firstName: string;
  const contexts: BrowserContext[] = [];

  async function pageOf(email: string, landing: RegExp): Promise<Page> {
    const context = await newContext(browser, world.baseUrl);
    contexts.push(context);
    const page = await context.newPage();
    await login(page, email, landing);
    return page;
  }

  /** A person enrolled at `institution`, with a card request there made by the card office. */
  async function personWithRequest(institution: string, lastName: string): Promise<{ personId: string; cardId: string }> {
    const created = await api.post<{ id: string }>('/api/v1/persons', {
      eppn: `${lastName.toLowerCase()}@${institution}.example.fr`, lastName, firstName: 'Alex', personType: 'student', institution,
    });
    assert.equal(created.status, 201, created.text);
    const card = await api.post<{ id: string; institution: string }>('/api/v1/cards', { personId: created.body.id, cardKind: 'physical', institution });
    assert.equal(card.status, 201, card.text);
    assert.equal(card.body.institution, institution);
    return { personId: created.body.id, cardId: card.body.id };
  }

  async function staffAccount(role: 'manager' | 'admin', email: string, institutions: string[] | null): Promise<void> {
    await world.t.runtime.services.auth.createAccount({
      email, password: PASSWORD, role, displayName: email.split('@')[0] ?? email, personTypes: null, personId: null, institutions,
    }, { actor: 'test' });
  }

  before(async () => {
    ensureWebBuilt();
    world = await startWebWorld();
    browser = await launchBrowser();
    api = await world.t.loginAs('admin');
    const first = await api.get<{ code: string; name: string }>('/api/v1/institution');
    assert.equal(first.status, 200, first.text);
    firstCode = first.body.code;
    firstName = first.body.name;
  });

  after(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await world?.close();
  });

  test('an admin creates a second institution; a manager granted only that one sees only it', async () => {
    const admin = await world.createStaff('admin');
    const page = await pageOf(admin.email, /\/office$/);
    await page.goto('/office/admin');
    // One institution: its form opens at once; the list is one step back.
    await page.getByTestId('institution-form').waitFor();
    await page.getByTestId('institution-back').click();
    await page.getByTestId('institutions-table').waitFor();
    await page.getByTestId('institution-new').click();
    await page.getByTestId('institution-name').fill('École Exemple');
    await page.getByTestId('institution-code').fill('ecole');
    await page.getByTestId('institution-schac').fill('ecole.example.fr');
    await page.getByTestId('institution-save').click();
    // Created: the page turns into the new institution's editor.
    await page.waitForURL(/edit=ecole/);
    // The new institution starts with the four person types, which the admin adapts here.
    await page.locator('[data-testid="person-type-row"][data-code="student"]').waitFor();
    await page.getByTestId('institution-esc-key-state').waitFor();
    await assertAccessible(page, 'institution editor');
    await screenshot(page, 'institutions-01-editor');
    const created = await api.get<{ code: string; name: string; kind: string }>('/api/v1/institutions/ecole');
    assert.equal(created.status, 200, created.text);
    assert.deepEqual([created.body.name, created.body.kind], ['École Exemple', 'institution']);

    await page.getByTestId('institution-back').click();
    await page.locator('[data-testid="institution-row"][data-code="ecole"]').waitFor();
    assert.equal(await page.getByTestId('institution-row').count(), 2);
    await assertAccessible(page, 'institutions list');

    // The admin creates the school's manager, granted the school only.
    await page.getByTestId('admin-tab-accounts').click();
    await page.getByRole('textbox', { name: 'E-mail' }).fill('gestion.ecole@ecole.example.fr');
    await page.getByLabel('Nom affiché').fill('Gestion École');
    await page.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
    await page.getByTestId('account-institutions').click();
    await page.getByRole('option', { name: 'École Exemple' }).click();
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Créer le compte' }).click();
    await page.getByText('Compte gestion.ecole@ecole.example.fr créé.').waitFor();
    const accounts = await api.get<{ items: Array<{ email: string; role: string; institutions: string[] | null }> }>('/api/v1/accounts?limit=500');
    const account = accounts.body.items.find((item) => item.email === 'gestion.ecole@ecole.example.fr');
    assert.deepEqual(account?.institutions, ['ecole']);
    assert.equal(account?.role, 'manager');

    const atSchool = await personWithRequest('ecole', 'Ecolier');
    await personWithRequest(firstCode, 'Universitaire');

    const manager = await pageOf('gestion.ecole@ecole.example.fr', /\/office$/);
    // One institution covered: its name in the header, no switcher.
    assert.equal(await manager.getByTestId('current-institution').innerText(), 'École Exemple');
    assert.equal(await manager.getByTestId('institution-switcher').count(), 0);
    await manager.goto('/office/cards');
    await manager.locator(`[data-testid="card-row"][data-card-id="${atSchool.cardId}"]`).waitFor();
    assert.equal(await manager.getByTestId('card-row').count(), 1, 'only the school’s card');
    assert.equal(await manager.getByRole('columnheader', { name: 'Établissement' }).count(), 0, 'no institution column for one institution');
    await manager.goto(`/office/cards/${atSchool.cardId}`);
    assert.equal(await manager.getByTestId('detail-institution').innerText(), 'École Exemple');
  });

  test('a federation manager switches institution in the header, and the choice survives a reload', async () => {
    const federation = await api.post('/api/v1/institutions', { code: 'fede', name: 'Fédération Exemple', kind: 'federation' });
    assert.equal(federation.status, 201, federation.text);
    for (const code of [firstCode, 'ecole']) {
      const moved = await api.put(`/api/v1/institutions/${code}`, { parent: 'fede' });
      assert.equal(moved.status, 200, moved.text);
    }
    await staffAccount('manager', 'federation@fede.example.fr', ['fede']);
    const page = await pageOf('federation@fede.example.fr', /\/office$/);
    const switcher = page.getByTestId('institution-switcher');
    assert.equal(await switcher.inputValue(), 'Tous les établissements');
    assert.match(await page.getByTestId('dashboard-scope').innerText(), /Tous les établissements \(2 établissements\)/);
    // The work waiting at each institution, side by side: one request to check at each.
    await page.waitForFunction(`document.querySelectorAll('[data-testid="institution-queues"] td').length > 0
      && ![...document.querySelectorAll('[data-testid="institution-queues"] td')].some((cell) => cell.textContent === '…')`);
    const queues = await page.getByTestId('institution-queues').allInnerTexts();
    assert.equal(queues.length, 2);
    for (const row of queues) assert.match(row, /^\S.*\t1\t0\t0\t0\t0$/s, row);
    await assertAccessible(page, 'dashboard with the institution switcher');
    await screenshot(page, 'institutions-02-dashboard');

    // Both institutions' cards, each row saying whose it is.
    await page.goto('/office/cards');
    await page.getByTestId('card-row').first().waitFor();
    assert.equal(await page.getByTestId('card-row').count(), 2);
    await page.getByRole('columnheader', { name: 'Établissement' }).waitFor();
    const institutions = (await page.getByTestId('card-row').allInnerTexts()).map((row) => (row.includes('École Exemple') ? 'ecole' : 'other')).sort();
    assert.deepEqual(institutions, ['ecole', 'other']);

    await switcher.click();
    await page.getByRole('option', { name: 'École Exemple' }).click();
    await page.waitForFunction('document.querySelectorAll("[data-testid=card-row]").length === 1');
    assert.equal(await switcher.inputValue(), 'École Exemple');
    assert.equal(await page.getByRole('columnheader', { name: 'Établissement' }).count(), 0);
    await screenshot(page, 'institutions-03-switched');

    await page.reload();
    await page.getByTestId('card-row').first().waitFor();
    assert.equal(await page.getByTestId('institution-switcher').inputValue(), 'École Exemple', 'remembered for the account');
    assert.equal(await page.getByTestId('card-row').count(), 1);
    await page.goto('/office');
    assert.equal(await page.getByTestId('dashboard-scope').innerText(), 'École Exemple');

    // Back to every institution.
    await page.getByTestId('institution-switcher').click();
    await page.getByRole('option', { name: 'Tous les établissements' }).click();
    await page.waitForFunction(`/Tous les établissements/.test(document.querySelector('[data-testid="dashboard-scope"]')?.textContent ?? '')`);
  });

  test('a person enrolled at two institutions sees both and chooses the institution of a new request', async () => {
    const { person, email } = await world.createCardholder({ lastName: 'Double', firstName: 'Inès', institution: firstCode });
    const enrolled = await api.patch(`/api/v1/persons/${person.id}`, { institution: 'ecole', personType: 'student', studentNumber: 'E2026-17' });
    assert.equal(enrolled.status, 200, enrolled.text);
    // The school's students give a delivery address (the first institution's do not).
    const rule = await api.put('/api/v1/institutions/ecole/person-types/student', { labelFr: 'Élève', labelEn: 'Pupil', deliveryAddress: true });
    assert.equal(rule.status, 200, rule.text);

    const page = await pageOf(email, /\/me$/);
    await page.goto('/me/data');
    await page.getByTestId('my-enrolments').waitFor();
    const rows = page.locator('[data-testid="my-enrolments"] [data-testid="enrolment"]');
    assert.equal(await rows.count(), 2);
    assert.match(await page.getByTestId('my-enrolments').innerText(), /École Exemple[\s\S]*E2026-17/);
    assert.equal(await page.getByRole('heading', { level: 2 }).filter({ hasText: 'inscription' }).innerText(), 'Mes 2 inscriptions', 'a real plural');
    await assertAccessible(page, 'my enrolments');

    await page.goto('/me/request');
    await page.getByTestId('request-institution').waitFor();
    assert.equal(await page.getByTestId('request-institution-choice').count(), 2);
    // Nothing chosen yet: the preview names no institution and shows no logo.
    const preview = page.getByTestId('card-preview');
    assert.match(await preview.innerText(), /Établissement à choisir/);
    assert.ok(!(await preview.innerText()).includes(firstName), 'not the deployment\'s institution before the choice');
    assert.equal(await preview.locator('.card-face__logo').count(), 0);
    await page.getByTestId('photo-file').setInputFiles({ name: 'me.jpg', mimeType: 'image/jpeg', buffer: await portraitJpeg() });
    await page.getByTestId('photo-canvas').waitFor();
    await page.getByTestId('consent-esc-checkbox').check();
    await page.getByTestId('accept-rules').check();
    // Not said yet: the page asks before anything is sent.
    await page.getByTestId('request-submit').click();
    await page.getByText('Choisissez l’établissement.').waitFor();
    assert.equal(await page.getByTestId('delivery-address').count(), 0);
    await page.getByRole('radio', { name: /École Exemple/ }).check();
    await page.waitForFunction('/École Exemple/.test(document.querySelector(\'[data-testid="card-preview"]\')?.textContent ?? "")');
    assert.ok(!(await preview.innerText()).includes('Établissement à choisir'));
    // The chosen institution's rules apply before anything is sent: its students give an address.
    await page.getByTestId('delivery-address').waitFor();
    await page.getByTestId('delivery-address').fill('12 rue de l’École, 14000 Caen');
    await assertAccessible(page, 'request with an institution choice');
    await screenshot(page, 'institutions-04-request');
    await page.getByTestId('request-submit').click();
    await page.waitForURL(/\/me$/);

    const cards = await api.get<{ items: Array<{ id: string; institution: string; state: string }> }>(`/api/v1/cards?personId=${person.id}`);
    assert.equal(cards.status, 200, cards.text);
    assert.deepEqual(cards.body.items.map((card) => [card.institution, card.state]), [['ecole', 'NEW']]);
    await page.getByTestId('my-card-institution').waitFor();
    assert.equal(await page.getByTestId('my-card-institution').innerText(), 'École Exemple');
    // The other institution is still free: another request can be made for it.
    await page.getByTestId('request-card-link').waitFor();

    // Once the school's card works, a new request for the school says it would replace it; one for the other institution does not.
    const schoolCard = cards.body.items[0]?.id ?? '';
    const checked = await api.post(`/api/v1/cards/${schoolCard}/moves`, { to: 'REQUEST_CHECKED' });
    assert.equal(checked.status, 200, checked.text);
    await stationEncode(world, schoolCard, '04A1B2C3D4E5F6');
    const enabled = await api.post(`/api/v1/cards/${schoolCard}/moves`, { to: 'ENABLED' });
    assert.equal(enabled.status, 200, enabled.text);
    await page.goto('/me/request');
    await page.getByTestId('request-institution').waitFor();
    assert.equal(await page.getByTestId('request-active-card').count(), 0, 'nothing chosen, nothing to warn about');
    await page.getByRole('radio', { name: /École Exemple/ }).check();
    const warning = page.getByTestId('request-active-card');
    await warning.waitFor();
    assert.match(await warning.innerText(), /Vous avez déjà une carte active pour École Exemple[\s\S]*suspendue \(remplacée\)/);
    await assertAccessible(page, 'request beside an active card');
    await page.getByRole('radio', { name: firstName }).check();
    await page.waitForFunction('!document.querySelector(\'[data-testid="request-active-card"]\')');

    // A request pending at the other institution does not hold back the renewal of the school's card.
    const elsewhere = await api.post('/api/v1/cards', { personId: person.id, cardKind: 'physical', institution: firstCode });
    assert.equal(elsewhere.status, 201, elsewhere.text);
    await page.goto('/me');
    await page.locator('[data-testid="my-card"][data-state="NEW"]').waitFor();
    await page.locator(`[data-testid="my-card"][data-card-id="${schoolCard}"] [data-testid="renew"]`).waitFor();
  });
});
