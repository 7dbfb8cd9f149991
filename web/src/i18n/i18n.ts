import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import fr from './locales/fr.json';
import en from './locales/en.json';

export const LANGUAGES = ['fr', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

const STORAGE_KEY = 'campuscard.language';

function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/**
 * The language to start in: the one the person chose before (localStorage), else the browser's
 * most preferred language when we speak it, else French (the institution's language), as the
 * public verification page does: a German browser listing English second gets French, not English.
 */
export function detectLanguage(): Language {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (isLanguage(stored)) return stored;
  } catch {
    // Storage may be disabled (private mode): fall through to the browser's languages.
  }
  const preferred = navigator.languages?.length ? navigator.languages[0] : navigator.language;
  const base = preferred?.slice(0, 2).toLowerCase();
  return isLanguage(base) ? base : 'fr';
}

/** Switches the interface language, remembers it and updates `<html lang>`. */
export async function changeLanguage(language: Language): Promise<void> {
  try {
    localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // Not remembered, still switched.
  }
  await i18next.changeLanguage(language);
}

/** The current interface language. */
export function currentLanguage(): Language {
  return isLanguage(i18next.language) ? i18next.language : 'fr';
}

/**
 * Adds a lazily loaded chunk's strings (the card office console's) to both languages. Cardholders
 * never download them: the console's chunk calls this when it loads, before any of its pages render.
 */
export function addTranslations(resources: Record<Language, object>): void {
  for (const language of LANGUAGES) i18next.addResourceBundle(language, 'translation', resources[language], true, false);
}

/** Initialises i18next once, before the first render. */
export async function initI18n(): Promise<void> {
  const language = detectLanguage();
  i18next.on('languageChanged', (lng) => {
    document.documentElement.lang = lng;
  });
  await i18next.use(initReactI18next).init({
    resources: { fr: { translation: fr }, en: { translation: en } },
    lng: language,
    fallbackLng: 'fr',
    supportedLngs: [...LANGUAGES],
    interpolation: { escapeValue: false },
    returnNull: false,
    showSupportNotice: false,
  });
  document.documentElement.lang = language;
}
