/**
 * The web application's strings as the browser ends up with them: the shared resource file of a
 * language merged with the card office console's (loaded with the console's chunk).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A tree of translation keys. */
export type LocaleTree = { [key: string]: string | LocaleTree };

const LOCALES = join(import.meta.dirname, '../../web/src/i18n/locales');

/** The resource files of the web app, relative to the locales folder: shared ones first. */
export const LOCALE_PARTS = ['', 'office/'] as const;

/** One resource file of a language (`part` is '' for the shared one, 'office/' for the console's). */
export function readLocalePart(language: 'fr' | 'en', part: (typeof LOCALE_PARTS)[number]): LocaleTree {
  return JSON.parse(readFileSync(join(LOCALES, `${part}${language}.json`), 'utf8')) as LocaleTree;
}

/** Every string of a language; the parts own distinct top-level namespaces, so merging is a union. */
export function readLocale(language: 'fr' | 'en'): LocaleTree {
  const merged: LocaleTree = {};
  for (const part of LOCALE_PARTS) {
    for (const [namespace, tree] of Object.entries(readLocalePart(language, part))) {
      if (namespace in merged) throw new Error(`namespace ${namespace} is in two resource files of ${language}`);
      merged[namespace] = tree;
    }
  }
  return merged;
}
