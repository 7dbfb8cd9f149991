import { Button, Checkbox, List, Paper, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConsentKind, ConsentText } from '../api/api-types.ts';

/**
 * What one consent changes, in plain words: its purpose, the personal data it lets out (the
 * field list the server generates from the connector's own definition, so it names everything
 * sent), who receives it, and the institution's full text behind a toggle. The full text is
 * either hidden or shown whole: a clipped preview would cut lines in half.
 */
export function ConsentDetails({ kind, text }: { kind: ConsentKind; text: ConsentText | undefined }) {
  const { t } = useTranslation();
  const [fullText, setFullText] = useState(false);
  const fullTextId = `consent-${kind}-full-text`;
  return (
    <Stack gap="xs">
      <Text size="sm">{t(`consents.${kind}.summary`)}</Text>
      {text ? (
        <Stack gap={4}>
          <Text size="sm" fw={600}>{t('consents.sharedTitle')}</Text>
          <List size="sm" spacing={2} data-testid={`consent-${kind}-fields`}>
            {text.fields.map((field) => <List.Item key={field} data-field={field}>{t(`consents.fields.${field}`)}</List.Item>)}
          </List>
        </Stack>
      ) : null}
      <Stack gap={4}>
        <Text size="sm" fw={600}>{t('consents.withWhomTitle')}</Text>
        <Text size="sm">{t(`consents.${kind}.withWhom`)}</Text>
      </Stack>
      {text ? (
        <div>
          <Button
            variant="subtle"
            size="compact-sm"
            px={0}
            onClick={() => setFullText((open) => !open)}
            aria-expanded={fullText}
            aria-controls={fullTextId}
            data-testid={`consent-${kind}-full-text-toggle`}
          >
            {t(fullText ? 'consents.readLess' : 'consents.readMore')}
          </Button>
          {fullText ? (
            <Stack gap={4} id={fullTextId} data-testid={fullTextId}>
              <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>{text.body}</Text>
              <Text size="xs" c="dimmed">{t('consents.version', { version: text.version })}</Text>
            </Stack>
          ) : null}
        </div>
      ) : null}
    </Stack>
  );
}

/**
 * One consent on the request page: the institution's title, {@link ConsentDetails} and a
 * checkbox. The version recorded is the one of the text shown.
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
        <ConsentDetails kind={kind} text={text} />
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
