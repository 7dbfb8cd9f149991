/**
 * Single sign-on with the demo CAS server, as a newcomer tries it after `npm start`: the start
 * message lists the demo SSO users and their passwords; on the login page « Se connecter avec le
 * CAS (démo) » leads to the CAS form; the student lands on her card page with her data. A person
 * unknown to campuscard gets the refused page naming whom to contact.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { assertAccessible, ensureWebBuilt, launchBrowser, newContext, screenshot, startDemoWorld, type DemoWorld } from './browser-harness.ts';

/** The password printed for a demo SSO user, read from the start message as a person would. */
function printedPassword(message: string, uid: string): string {
  const password = new RegExp(`^ {2}${uid} +(\\S+) `, 'm').exec(message)?.[1];
  assert.ok(password, `${uid} not printed in:\n${message}`);
  return password;
}

async function casLogin(page: Page, world: DemoWorld, uid: string): Promise<void> {
  await page.goto('/login');
  await page.getByRole('link', { name: 'Se connecter avec le CAS (démo)' }).click();
  await page.waitForURL(/\/demo-idp\/cas\/login\?service=/);
  await page.getByLabel('Personne · Person').selectOption(uid);
  await page.getByLabel('Mot de passe · Password').fill(printedPassword(world.startupMessage, uid));
  await page.getByRole('button', { name: 'Se connecter · Log in' }).click();
}

describe('single sign-on with the demo CAS server', () => {
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

  test('« Se connecter avec le CAS (démo) », the CAS form, and the student lands on her card page', async () => {
    const context = await newContext(browser, world.baseUrl, { locale: 'fr-FR' });
    const page = await context.newPage();
    await casLogin(page, world, 'imoreau');
    await page.waitForURL(/\/me$/);
    await page.getByRole('heading', { name: 'Mes cartes' }).waitFor();
    await page.getByTestId('my-card').first().waitFor();
    assert.match(await page.locator('body').innerText(), /Inès/);
    await assertAccessible(page, 'my cards after CAS login');
    await screenshot(page, 'sso-cas-01-my-cards');
    // Logging out of campuscard goes through the CAS logout and comes back to the login page.
    await page.getByRole('button', { name: /Se déconnecter|Déconnexion/ }).first().click();
    await page.waitForURL(/\/login$/);
    // The CAS session ended too: the CAS button shows the CAS form again instead of logging straight back in.
    await page.getByRole('link', { name: 'Se connecter avec le CAS (démo)' }).click();
    await page.waitForURL(/\/demo-idp\/cas\/login\?service=/);
    await page.getByLabel('Mot de passe · Password').waitFor();
    await context.close();
  });

  test('an unknown person sees the refused page with whom to contact', async () => {
    const context = await newContext(browser, world.baseUrl, { locale: 'fr-FR' });
    const page = await context.newPage();
    await casLogin(page, world, 'apetit');
    await page.getByRole('heading', { name: 'Connexion impossible' }).waitFor();
    assert.match(await page.getByTestId('sso-refused-contact').first().innerText(), /cartes@univ-demo\.fr/);
    await screenshot(page, 'sso-cas-02-refused');
    await context.close();
  });
});
