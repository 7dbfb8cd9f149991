/**
 * Every string of the web application is translated: the French and English resource files have
 * the same keys, and every literal key the code asks for exists in both.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { PERSONAL_DATA_FIELDS } from '../../src/modules/people/domain/personal-data-fields.ts';
import { CONSENT_KINDS } from '../../src/modules/people/people.service.ts';
import { type LocaleTree, readLocale, readLocalePart } from '../helpers/web-locales.ts';
import { REPO_ROOT } from './browser-harness.ts';

type Tree = LocaleTree;

function flatten(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) => (typeof value === 'string' ? [`${prefix}${key}`] : flatten(value, `${prefix}${key}.`)));
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

const fr = flatten(readLocale('fr'));
const en = flatten(readLocale('en'));

/** The literal keys `t('…')` asks for in the given source files. */
function usedKeys(files: string[]): Set<string> {
  const used = new Set<string>();
  for (const file of files) {
    for (const match of readFileSync(file, 'utf8').matchAll(/\bt\(\s*'([A-Za-z0-9_.]+)'/g)) used.add(match[1] ?? '');
  }
  return used;
}

test('French and English have exactly the same keys', () => {
  assert.deepEqual(fr.filter((key) => !en.includes(key)), [], 'keys missing in English');
  assert.deepEqual(en.filter((key) => !fr.includes(key)), [], 'keys missing in French');
});

test('every literal translation key used by the code exists', () => {
  const known = new Set(fr.map((key) => key.replace(/_(one|other)$/, '')));
  const used = usedKeys(sources(join(REPO_ROOT, 'web/src')));
  assert.ok(used.size > 200, `found ${used.size} keys`);
  assert.deepEqual([...used].filter((key) => !known.has(key)).sort(), []);
});

test('the pages outside the office console only ask for strings of the shared resource file', () => {
  // The console's strings arrive with its chunk: a cardholder page asking for one would show the key.
  const shared = new Set(flatten(readLocalePart('fr', '')).map((key) => key.replace(/_(one|other)$/, '')));
  const outside = sources(join(REPO_ROOT, 'web/src')).filter((file) => !file.includes('/web/src/office/'));
  const used = usedKeys(outside);
  assert.ok(used.size > 100, `found ${used.size} keys`);
  assert.deepEqual([...used].filter((key) => !shared.has(key)).sort(), []);
  const officeNamespaces = Object.keys(readLocalePart('fr', 'office/'));
  assert.ok(officeNamespaces.includes('admin'), 'the console has its own strings');
  for (const file of outside) {
    const code = readFileSync(file, 'utf8');
    for (const namespace of officeNamespaces) assert.ok(!new RegExp(`[\`'"]${namespace}\\.`).test(code), `${file} uses ${namespace}.*`);
  }
});

test('no translation is left empty or identical to its key', () => {
  for (const [name, keys] of [['fr', fr], ['en', en]] as const) {
    const tree = readLocale(name);
    for (const key of keys) {
      const value = key.split('.').reduce<string | Tree | undefined>((node, part) => (typeof node === 'object' ? node[part] : undefined), tree);
      assert.ok(typeof value === 'string' && value.trim() !== '' && value !== key, `${name}: ${key}`);
    }
  }
});

test('every personal data field a consent can list, and every consent kind, is worded in French and English', () => {
  const keys = [
    ...PERSONAL_DATA_FIELDS.map((field) => `consents.fields.${field}`),
    ...CONSENT_KINDS.flatMap((kind) => ['title', 'summary', 'withWhom', 'checkbox', 'withdrawEffect'].map((part) => `consents.${kind}.${part}`)),
  ];
  assert.deepEqual(keys.filter((key) => !fr.includes(key)), [], 'missing in French');
  assert.deepEqual(keys.filter((key) => !en.includes(key)), [], 'missing in English');
});
