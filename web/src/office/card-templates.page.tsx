import { Stack, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { usePageTitle } from '../shared/use-page-title.hook.ts';
import { CardTemplatesPanel } from './card-templates.panel.tsx';

/** The card templates page of the console (managers reach it from the menu; admins also from Administration). */
export function CardTemplatesPage() {
  const { t } = useTranslation();
  usePageTitle(t('cardTemplates.title'));
  return (
    <Stack>
      <Title order={1} size="h2">{t('cardTemplates.title')}</Title>
      <CardTemplatesPanel />
    </Stack>
  );
}
