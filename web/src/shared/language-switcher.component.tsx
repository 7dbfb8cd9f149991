import { SegmentedControl } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { changeLanguage, currentLanguage, LANGUAGES, type Language } from '../i18n/i18n.ts';

/** FR / EN switch; the choice is remembered on this device. */
export function LanguageSwitcher() {
  const { t, i18n } = useTranslation();
  const value = i18n.language === 'en' ? 'en' : currentLanguage();
  return (
    <SegmentedControl
      size="xs"
      value={value}
      aria-label={t('language.label')}
      data-testid="language-switcher"
      onChange={(next) => void changeLanguage(next as Language)}
      data={LANGUAGES.map((language) => ({ value: language, label: <span lang={language} title={t(`language.${language}`)}>{language.toUpperCase()}</span> }))}
    />
  );
}
