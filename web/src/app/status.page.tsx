import { Button, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { usePageTitle } from '../shared/use-page-title.hook.ts';

/** "Not found" and "not allowed" pages, with a way back home. */
export function StatusPage({ kind }: { kind: 'notFound' | 'forbidden' }) {
  const { t } = useTranslation();
  usePageTitle(t(`status.${kind}.title`));
  return (
    <Stack align="flex-start" data-testid={`status-${kind}`}>
      <Title order={2}>{t(`status.${kind}.title`)}</Title>
      <Text>{t(`status.${kind}.text`)}</Text>
      <Button component={Link} to="/">{t('status.home')}</Button>
    </Stack>
  );
}
