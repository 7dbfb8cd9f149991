/**
 * The card template editor in Chromium, as the demo's card office manager uses it (issue 13): the
 * student template opened from the menu, the photo dragged with the mouse to a new place (snapped
 * to the 0.5 mm grid), a Code 128 barcode of the secondary id added from the palette, the server's
 * preview redrawn, and a save making version n+1 with exactly that layout. Then an element moved
 * off the card through the inspector: the save is refused, the element is outlined and named, and
 * nothing is saved; undo brings it back; a version saved by someone else in between is a conflict
 * the page offers to reload. An office viewer gets the same page read-only.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { CardTemplateLayout } from '../../src/modules/card-templates/domain/card-template.ts';
import {
  assertAccessible, ensureWebBuilt, launchBrowser, newContext, PASSWORD, screenshot, startDemoWorld, type DemoWorld,
} from './browser-harness.ts';

interface TemplateAnswer {
  id: string;
  name: string;
  institution: string | null;
  currentVersion: number;
  editable: boolean;
  layout: CardTemplateLayout;
}

/** The canvas's margin around the card, in millimetres (PAD_MM in template-canvas.component.tsx): the SVG spans 85.6 + 2 × 3 mm. */
const CANVAS_WIDTH_MM = 85.6 + 2 * 3;

/** The demo manager's login, as `npm start` printed it. */
function managerLogin(message: string): { email: string; password: string } {
  const line = [...message.matchAll(/^ {2}(\S+@\S+) +(\S+) +(.+)$/gm)].find((match) => (match[3] ?? '').startsWith('card office:'));
  assert.ok(line?.[1] && line[2], `logins printed:\n${message}`);
  return { email: line[1], password: line[2] };
}

/** The preview image's bytes (fetched from its blob: URL in the page), hashed. */
async function previewDigest(page: Page): Promise<{ src: string; digest: string; size: number }> {
  const src = await page.getByTestId('template-preview').getAttribute('src');
  if (!src?.startsWith('blob:')) assert.fail(`preview src ${src}`);
  const bytes = await page.evaluate(`fetch(${JSON.stringify(src)}).then((r) => r.arrayBuffer()).then((b) => Array.from(new Uint8Array(b)))`) as number[];
  assert.deepEqual(bytes.slice(0, 8), [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG');
  return { src, digest: createHash('sha256').update(Buffer.from(bytes)).digest('hex'), size: bytes.length };
}

/** Waits until the preview shows another image than `before` (the debounced render came back). */
async function nextPreview(page: Page, before: { src: string; digest: string }): Promise<{ src: string; digest: string; size: number }> {
  await page.waitForFunction(`document.querySelector('[data-testid="template-preview"]')?.getAttribute('src') !== ${JSON.stringify(before.src)}`, undefined, { timeout: 20_000 });
  return previewDigest(page);
}

async function templateOf(page: Page, id: string): Promise<TemplateAnswer> {
  const response = await page.request.get(`/api/v1/card-templates/${id}`);
  assert.equal(response.status(), 200, await response.text());
  return await response.json() as TemplateAnswer;
}

/** Chooses an option of a Mantine Select the way a user does: opening it, clicking the option. */
async function choose(page: Page, testId: string, option: string): Promise<void> {
  await page.getByTestId(testId).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

describe('the card template editor', () => {
  let world: DemoWorld;
  let browser: Browser;

  before(async () => {
    ensureWebBuilt();
    world = await startDemoWorld();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await world?.close();
  });

  test('the manager drags the photo, adds a Code 128 barcode of the secondary id, previews and saves version n+1; an element off the card is refused on it', async () => {
    const manager = managerLogin(world.startupMessage);
    const context = await newContext(browser, world.baseUrl);
    try {
      const page = await context.newPage();
      await page.goto('/login');
      await page.getByTestId('login-email').fill(manager.email);
      await page.getByTestId('login-password').fill(manager.password);
      await page.getByTestId('login-submit').click();
      await page.waitForURL(/\/office$/);

      // The student template, opened from the menu's list.
      const listed = await page.request.get('/api/v1/card-templates');
      const templates = (await listed.json() as { items: TemplateAnswer[] }).items;
      const student = templates.find((template) => template.editable && template.layout.front.elements.some((element) => element.id === 'card-kind'
        && element.kind === 'text' && element.text?.fr === 'Carte d’étudiant'));
      assert.ok(student, `an editable student template among ${templates.map((template) => template.name).join(', ')}`);
      const photo = student.layout.front.elements.find((element) => element.id === 'photo');
      assert.ok(photo);
      await page.getByTestId('nav-card-templates').click();
      await page.getByTestId('card-template').filter({ hasText: student.name }).first().getByTestId('card-template-open').click();
      const editor = page.locator(`[data-testid="template-editor"][data-version="${student.currentVersion}"][data-editable="true"]`);
      await editor.waitFor();
      await page.getByTestId('canvas-bleed').waitFor({ state: 'attached' });
      await page.getByTestId('canvas-safe-area').waitFor({ state: 'attached' });
      await page.getByTestId('template-preview').waitFor();
      const first = await previewDigest(page);

      // Drag the photo by (+10.3 mm, +2.9 mm): on the 0.5 mm grid it lands at the nearest half millimetre.
      const canvas = await page.getByTestId('template-canvas').boundingBox();
      assert.ok(canvas);
      const pxPerMm = canvas.width / CANVAS_WIDTH_MM;
      const photoBox = await page.locator('[data-testid="canvas-element"][data-element-id="photo"]').boundingBox();
      assert.ok(photoBox);
      const fromX = photoBox.x + photoBox.width / 2;
      const fromY = photoBox.y + photoBox.height / 2;
      await page.mouse.move(fromX, fromY);
      await page.mouse.down();
      await page.mouse.move(fromX + 10.3 * pxPerMm, fromY + 2.9 * pxPerMm, { steps: 8 });
      await page.mouse.up();
      const expectedX = Math.round((photo.x + 10.3) * 2) / 2;
      const expectedY = Math.round((photo.y + 2.9) * 2) / 2;
      assert.notEqual(expectedX, photo.x);
      const dragged = page.locator('[data-testid="canvas-element"][data-element-id="photo"]');
      assert.equal(Number(await dragged.getAttribute('data-x')), expectedX, 'x snapped to the grid');
      assert.equal(Number(await dragged.getAttribute('data-y')), expectedY, 'y snapped to the grid');
      assert.equal(await page.getByTestId('inspector-x').inputValue(), `${expectedX} mm`, 'the inspector shows the new position');
      await page.getByTestId('template-dirty').waitFor();
      const afterDrag = await nextPreview(page, first);
      assert.notEqual(afterDrag.digest, first.digest, 'the preview redrawn with the photo moved');

      // A barcode from the palette, Code 128 of the secondary id, placed under the texts.
      await page.getByTestId('palette-barcode').click();
      await page.locator('[data-testid="element-inspector"][data-element-id="barcode"]').waitFor();
      await choose(page, 'inspector-symbology', 'Code 128');
      await choose(page, 'inspector-barcode-field', 'Identifiant secondaire');
      // Named for a person, the layout id only after it: « Code-barres · Identifiant secondaire barcode ».
      await page.getByTestId('inspector-title').getByText('Code-barres · Identifiant secondaire', { exact: false }).waitFor();
      assert.equal(await page.locator('[data-testid="template-layer"][data-element-id="barcode"]').innerText(), 'Code-barres · Identifiant secondaire');
      assert.equal(await page.locator('[data-testid="template-layer"][data-element-id="qr-ground"]').innerText(), 'Forme 2');
      for (const [key, value] of [['x', '29.5'], ['y', '38'], ['width', '36'], ['height', '6.5']] as const) {
        await page.getByTestId(`inspector-${key}`).fill(value);
      }
      await page.locator('[data-testid="canvas-element"][data-element-id="barcode"][data-y="38"]').waitFor();
      const withBarcode = await nextPreview(page, afterDrag);
      assert.notEqual(withBarcode.digest, afterDrag.digest, 'the preview redrawn with the barcode');
      await assertAccessible(page, 'card template editor');
      await screenshot(page, 'card-template-editor');

      // Save: version n+1, exactly what was drawn.
      await page.getByTestId('template-save').click();
      await page.getByTestId('template-saved').waitFor();
      await page.locator(`[data-testid="template-editor"][data-version="${student.currentVersion + 1}"]`).waitFor();
      const saved = await templateOf(page, student.id);
      assert.equal(saved.currentVersion, student.currentVersion + 1);
      const savedPhoto = saved.layout.front.elements.find((element) => element.id === 'photo');
      assert.deepEqual({ x: savedPhoto?.x, y: savedPhoto?.y, width: savedPhoto?.width, height: savedPhoto?.height },
        { x: expectedX, y: expectedY, width: photo.width, height: photo.height });
      const barcode = saved.layout.front.elements.find((element) => element.id === 'barcode');
      assert.ok(barcode?.kind === 'barcode', 'the barcode saved');
      assert.deepEqual({ symbology: barcode.symbology, field: barcode.field, x: barcode.x, y: barcode.y, width: barcode.width, height: barcode.height },
        { symbology: 'code128', field: 'secondaryId', x: 29.5, y: 38, width: 36, height: 6.5 });
      assert.equal(saved.layout.front.elements.length, student.layout.front.elements.length + 1, 'nothing else added or lost');
      assert.deepEqual(saved.layout.back, student.layout.back, 'the back untouched');

      // The photo moved off the card through the inspector: refused on the photo, nothing saved.
      await page.locator('[data-testid="canvas-element"][data-element-id="photo"]').click();
      await page.locator('[data-testid="element-inspector"][data-element-id="photo"]').waitFor();
      await page.getByTestId('inspector-x').fill('80');
      await page.getByTestId('template-save').click();
      await page.getByTestId('template-problems').getByText('L’élément photo dépasse du bord de la carte (1 mm de fond perdu au plus).').waitFor();
      await page.locator('[data-testid="canvas-element"][data-element-id="photo"][data-problem="true"]').waitFor();
      await page.getByTestId('inspector-problem').getByText('L’élément photo dépasse du bord de la carte', { exact: false }).waitFor();
      assert.equal(await page.locator('[data-testid="canvas-element"][data-problem="true"]').count(), 1, 'only the photo is outlined');
      await page.getByTestId('preview-problem').getByText('Aperçu impossible\u00a0: un élément est refusé (entouré en rouge sur la carte).').waitFor();
      await screenshot(page, 'card-template-editor-refused');
      assert.equal((await templateOf(page, student.id)).currentVersion, student.currentVersion + 1, 'nothing saved');

      // Undo brings the photo back; someone else saving in between makes the save a conflict, and reload shows their version.
      await page.getByTestId('template-undo').click();
      await page.locator(`[data-testid="canvas-element"][data-element-id="photo"][data-x="${expectedX}"]`).waitFor();
      await page.getByTestId('inspector-y').fill(String(expectedY + 1));
      const session = await (await page.request.get('/api/v1/auth/session')).json() as { csrfToken: string };
      const other = await page.request.put(`/api/v1/card-templates/${student.id}`, {
        headers: { 'x-csrf-token': session.csrfToken },
        data: { layout: student.layout, expectedVersion: student.currentVersion + 1 },
      });
      assert.equal(other.status(), 200, await other.text());
      await page.getByTestId('template-save').click();
      await page.getByTestId('template-conflict').waitFor();
      assert.equal((await templateOf(page, student.id)).currentVersion, student.currentVersion + 2, 'the other save kept, ours not written');
      await page.getByTestId('template-reload').click();
      await page.locator(`[data-testid="template-editor"][data-version="${student.currentVersion + 2}"]`).waitFor();
      assert.equal(Number(await page.locator('[data-testid="canvas-element"][data-element-id="photo"]').getAttribute('data-x')), photo.x, 'the other version drawn');
      assert.equal(await page.locator('[data-testid="canvas-element"][data-element-id="barcode"]').count(), 0);
    } finally {
      await context.close();
    }
  });

  test('an office viewer sees the template read-only: no palette, no save, nothing moves', async () => {
    const manager = managerLogin(world.startupMessage);
    const managerContext = await newContext(browser, world.baseUrl);
    const context = await newContext(browser, world.baseUrl);
    try {
      const managerPage = await managerContext.newPage();
      await managerPage.goto('/login');
      await managerPage.getByTestId('login-email').fill(manager.email);
      await managerPage.getByTestId('login-password').fill(manager.password);
      await managerPage.getByTestId('login-submit').click();
      await managerPage.waitForURL(/\/office$/);
      const templates = (await (await managerPage.request.get('/api/v1/card-templates')).json() as { items: TemplateAnswer[] }).items;
      const template = templates.find((candidate) => candidate.editable && candidate.institution !== null);
      assert.ok(template?.institution);
      const email = `viewer-${process.pid}@test.example`;
      await world.t.runtime.services.auth.createAccount({
        email, password: PASSWORD, role: 'viewer', displayName: 'Lecteur', personTypes: null, institutions: [template.institution], personId: null,
      }, { actor: 'test' });

      const page = await context.newPage();
      await page.goto('/login');
      await page.getByTestId('login-email').fill(email);
      await page.getByTestId('login-password').fill(PASSWORD);
      await page.getByTestId('login-submit').click();
      await page.waitForURL(/\/office$/);
      await page.goto(`/office/card-templates/${template.id}`);
      await page.locator('[data-testid="template-editor"][data-editable="false"]').waitFor();
      await page.getByTestId('template-read-only').waitFor();
      assert.equal(await page.getByTestId('template-palette').count(), 0, 'no palette');
      assert.equal(await page.getByTestId('template-save').count(), 0, 'no save');
      const photo = page.locator('[data-testid="canvas-element"][data-element-id="photo"]');
      const before = await photo.getAttribute('data-x');
      const box = await photo.boundingBox();
      assert.ok(box);
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width / 2 + 80, box.y + box.height / 2 + 20, { steps: 5 });
      await page.mouse.up();
      assert.equal(await photo.getAttribute('data-x'), before, 'the photo did not move');
      assert.equal(await page.getByTestId('inspector-x').isDisabled(), true, 'the inspector is read-only');
      assert.equal(await page.getByTestId('inspector-remove').count(), 0);
      await page.getByTestId('template-preview').waitFor();
    } finally {
      await context.close();
      await managerContext.close();
    }
  });
});
