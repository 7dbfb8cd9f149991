/**
 * Webhook endpoints in the admin console, in Chromium: a refused URL is explained next to its
 * field; a registered endpoint shows its secret once (then only its last characters); the test
 * button shows how a real receiver on the loopback answered, and that receiver verifies the
 * signature with the standardwebhooks package using the secret the page showed; a rotation shows
 * the new secret once and the previous one's grace. French first, and the English page.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { ensureWebBuilt, launchBrowser, login, newContext, signedInPage, startWebWorld, type WebWorld } from './browser-harness.ts';

describe('webhook endpoints in the admin console', () => {
  let world: WebWorld;
  let browser: Browser;
  let page: Page;
  let adminEmail: string;
  let receiver: Server;
  let receiverUrl: string;
  const received: Array<{ headers: Record<string, string>; body: string }> = [];
  let firstSecret = '';

  before(async () => {
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ body: Buffer.concat(chunks).toString('utf8'), headers: Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)])) });
        response.writeHead(202).end('merci');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/campuscard`;
    ensureWebBuilt();
    world = await startWebWorld({ env: { CONNECTOR_SECRETS_KEY: 'browser-test-deployment-secret-of-32-characters', WEBHOOK_ALLOW_HTTP_LOOPBACK: 'true' } });
    browser = await launchBrowser();
    adminEmail = (await world.createStaff('admin')).email;
    ({ page } = await signedInPage(browser, world.baseUrl, adminEmail, /\/office$/));
    await page.goto('/office/admin?tab=webhooks');
    await page.getByTestId('webhooks-empty').waitFor();
  });
  after(async () => {
    await browser?.close();
    await world?.close();
    receiver?.closeAllConnections();
    await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
  });

  test('the institution is asked for, and a refused URL is explained next to its field', async () => {
    await page.getByTestId('webhook-new').click();
    await page.getByTestId('webhook-url').fill('http://hooks.example.org/campuscard');
    await page.getByTestId('webhook-event-card.enabled').check();
    await page.getByTestId('webhook-save').click();
    await page.getByTestId('webhook-form').getByText('Choisissez l’établissement dont le webhook reçoit les événements.').waitFor();
    await page.getByTestId('webhook-institution').click();
    await page.getByRole('option', { name: 'Université Exemple' }).click();
    await page.getByTestId('webhook-save').click();
    await page.getByTestId('webhook-form').getByText('Une adresse https est requise.').waitFor();
    assert.equal(await page.getByText('Choisissez l’établissement').count(), 0);
  });

  test('a new endpoint shows its secret once, then only its last characters', async () => {
    await page.getByTestId('webhook-url').fill(receiverUrl);
    await page.getByTestId('webhook-event-card.*').check();
    assert.equal(await page.getByTestId('webhook-event-card.disabled').isChecked(), true, 'the group wildcard stands for its events');
    await page.getByTestId('webhook-grant-csn').check();
    await page.getByTestId('webhook-save').click();
    firstSecret = (await page.getByTestId('webhook-secret').textContent()) ?? '';
    assert.match(firstSecret, /^whsec_[A-Za-z0-9+/]+={0,2}$/);
    const row = page.getByTestId('webhook-row');
    await row.getByText('Cartes\u00a0: tous').waitFor();
    await row.getByText('Université Exemple').waitFor();
    await row.getByText('Numéro de puce (CSN)').waitFor();
    assert.equal(await row.getByTestId('webhook-status-badge').textContent(), 'Actif');
    assert.equal(await row.getByTestId('webhook-secret-hint').textContent(), `…${firstSecret.slice(-4)}`);

    await page.reload();
    await page.getByTestId('webhook-row').waitFor();
    const text = (await page.locator('body').textContent()) ?? '';
    assert.ok(!text.includes(firstSecret.slice(6, 30)), 'after a reload the secret is nowhere on the page');
  });

  test('the test button shows the receiver\'s answer; the receiver verifies the signature with the secret shown', async () => {
    await page.getByTestId('webhook-test').click();
    const result = page.getByTestId('webhook-test-result');
    await result.waitFor();
    assert.match((await result.textContent()) ?? '', /^Reçu\u00a0: HTTP 202 en \d+ ms$/);
    const last = received.at(-1);
    assert.ok(last);
    const payload = new Webhook(firstSecret).verify(last.body, last.headers) as { type: string };
    assert.equal(payload.type, 'webhook.test');
  });

  test('a rotation shows the new secret once; the previous one signs on during its grace', async () => {
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByTestId('webhook-rotate').click();
    const alert = page.getByTestId('webhook-secret');
    await alert.waitFor();
    const second = (await alert.textContent()) ?? '';
    assert.match(second, /^whsec_/);
    assert.notEqual(second, firstSecret);
    await page.getByTestId('webhook-row').getByText(new RegExp(`Ancien …${firstSecret.slice(-4).replace(/[+/=]/g, '\\$&')} valable jusqu’au`)).waitFor();
    const before = received.length;
    await page.getByTestId('webhook-test').click();
    for (let attempt = 0; attempt < 100 && received.length === before; attempt++) await page.waitForTimeout(100);
    const last = received.at(-1);
    assert.ok(last && received.length === before + 1);
    new Webhook(second).verify(last.body, last.headers);
    new Webhook(firstSecret).verify(last.body, last.headers);
  });

  test('in English', async () => {
    const english = await newContext(browser, world.baseUrl, { locale: 'en-GB' });
    const englishPage = await english.newPage();
    await login(englishPage, adminEmail, /\/office$/);
    await englishPage.goto('/office/admin?tab=webhooks');
    await englishPage.getByTestId('webhook-row').waitFor();
    await englishPage.getByRole('button', { name: 'New webhook' }).waitFor();
    await englishPage.getByTestId('webhook-row').getByText('Cards: all').waitFor();
    assert.equal(await englishPage.getByTestId('webhook-status-badge').textContent(), 'Active');
    await english.close();
  });
});
