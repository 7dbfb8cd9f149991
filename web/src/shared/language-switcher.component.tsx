import { SegmentedControl } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { peopleApi } from '../api/people.api.ts';
import { useSession } from '../auth/session.context.tsx';
import { changeLanguage, currentLanguage, LANGUAGES, type Language } from '../i18n/i18n.ts';

/**
 * FR / EN switch; the choice is remembered on this device and, for someone with a person record,
 * saved as the language of their mails.
 */
export function LanguageSwitcher() {
  const { t, i18n } = useTranslation();
  const { principal } = useSession();
  const value = i18n.language === 'en' ? 'en' : currentLanguage();

  function choose(next: Language) {
    void changeLanguage(next);
    // Best effort: the interface switches anyway, and the next switch will try again.
    if (principal?.personId) peopleApi.setPreferences({ locale: next }).catch(() => undefined);
  }

  return (
    <SegmentedControl
      size="xs"
      value={value}
      aria-label={t('language.label')}
      data-testid="language-switcher"
      onChange={(next) => choose(next as Language)}
      data={LANGUAGES.map((language) => ({ value: language, label: <span lang={language} title={t(`language.${language}`)}>{language.toUpperCase()}</span> }))}
    />
  );
}
