import { Alert } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { problemMessage } from './problem-messages.ts';

/** An alert saying what went wrong, in words; renders nothing when there is no error. */
export function ProblemAlert({ error, title }: { error: unknown; title?: string }) {
  const { t } = useTranslation();
  if (error === null || error === undefined) return null;
  return (
    <Alert color="red" variant="light" title={title ?? t('common.errorTitle')} role="alert" data-testid="problem-alert">
      {problemMessage(t, error)}
    </Alert>
  );
}
