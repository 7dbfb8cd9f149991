/**
 * Histories name who did something: technical actors such as the demo data ("demo-seed") read as
 * words in the visitor's language, never as the technical id.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import i18next from 'i18next';
import { actorLabel } from '../../web/src/shared/actor-label.ts';
import { REPO_ROOT } from './browser-harness.ts';

const locale = (name: string) => JSON.parse(readFileSync(join(REPO_ROOT, `web/src/i18n/locales/${name}.json`), 'utf8')) as Record<string, unknown>;

test('the demo data, the system and the command line read as words, in French and English; names win', async () => {
  const i18n = i18next.createInstance();
  await i18n.init({ lng: 'fr', resources: { fr: { translation: locale('fr') }, en: { translation: locale('en') } }, showSupportNotice: false });
  assert.equal(actorLabel('demo-seed', null, i18n.t), 'Données de démonstration');
  assert.equal(actorLabel('system', undefined, i18n.t), 'Système (tâche automatique)');
  assert.equal(actorLabel('account:0000', 'Camille Martin', i18n.t), 'Camille Martin');
  assert.equal(actorLabel('account:0000', null, i18n.t), 'account:0000');
  await i18n.changeLanguage('en');
  assert.equal(actorLabel('demo-seed', null, i18n.t), 'Demo data');
  assert.equal(actorLabel('cli', null, i18n.t), 'Command line');
});

test('a single sign-on method reads as its label (given by the server), else as single sign-on with its id', async () => {
  const i18n = i18next.createInstance();
  await i18n.init({ lng: 'fr', resources: { fr: { translation: locale('fr') }, en: { translation: locale('en') } }, showSupportNotice: false });
  assert.equal(actorLabel('sso:cas-demo', 'Se connecter avec le CAS (démo)', i18n.t), 'Se connecter avec le CAS (démo)');
  assert.equal(actorLabel('sso:old-cas', null, i18n.t), 'Connexion unique (old-cas)');
  await i18n.changeLanguage('en');
  assert.equal(actorLabel('sso:old-cas', null, i18n.t), 'Single sign-on (old-cas)');
});
