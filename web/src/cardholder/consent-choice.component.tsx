import { Checkbox, Paper, Spoiler, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ConsentKind, ConsentText } from '../api/api-types.ts';

/**
 * One consent: the institution's text (title, body, version) with a plain-words summary of what
 * it changes and who receives what, and a checkbox. The version shown is the one recorded.
 */
export function ConsentChoice({ kind, text, checked, onChange, error }: {
  kind: ConsentKind;
  text: ConsentText | undefined;
  checked: boolean;
  onChange(checked: boolean): void;
  error?: string | undefined;
}) {
  const { t } = useTranslation();
  return (
    <Paper withBorder p="md" radius="md" data-testid={`consent-${kind}`}>
      <Stack gap="xs">
        <Text fw={700}>{text?.title ?? t(`consents.${kind}.title`)}</Text>
        <Text size="sm">{t(`consents.${kind}.summary`)}</Text>
        {kind === 'esc' ? (
          <Stack gap={2}>
            <Text size="sm" fw={600}>{t('consents.esc.sharedTitle')}</Text>
            <Text size="sm">{t('consents.esc.shared')}</Text>
            <Text size="sm" fw={600}>{t('consents.esc.withWhomTitle')}</Text>
            <Text size="sm">{t('consents.esc.withWhom')}</Text>
          </Stack>
        ) : null}
        {text ? (
          <Spoiler maxHeight={60} showLabel={t('consents.readMore')} hideLabel={t('consents.readLess')}>
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>{text.body}</Text>
            <Text size="xs" c="dimmed" mt={4}>{t('consents.version', { version: text.version })}</Text>
          </Spoiler>
        ) : null}
        <Checkbox
          checked={checked}
          onChange={(event) => onChange(event.currentTarget.checked)}
          label={t(`consents.${kind}.checkbox`)}
          error={error}
          data-testid={`consent-${kind}-checkbox`}
        />
      </Stack>
    </Paper>
  );
}
