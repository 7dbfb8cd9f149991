import { Alert, Button, Group, NumberInput, Paper, Select, SimpleGrid, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { cardIdentifiersApi, type CardIdentifierDefinitions, type CardIdentifierDefinitionsInput } from '../api/card-identifiers.api.ts';
import { fieldError } from '../shared/problem-messages.ts';
import { ProblemAlert } from '../shared/problem-alert.component.tsx';
import { useApi } from '../shared/use-api.hook.ts';

type CheckDigit = CardIdentifierDefinitionsInput['secondary']['checkDigit'];
const CHECK_DIGITS: readonly CheckDigit[] = ['none', 'luhn', 'mod11'];

function formOf(definitions: CardIdentifierDefinitions): CardIdentifierDefinitionsInput {
  const { next: _acNext, nextValue: _acValue, ...accessControl } = definitions.accessControl;
  const { next: _secNext, nextValue: _secValue, ...secondary } = definitions.secondary;
  return { accessControl, secondary };
}

/**
 * The identifiers an institution's new cards get (access-control id, secondary id), beside its
 * settings: definitions, and the next value each gives, as the server computes it.
 */
export function CardIdentifiersPanel({ code }: { code: string }) {
  const { t } = useTranslation();
  const loaded = useApi((signal) => cardIdentifiersApi.get(code, signal), [code]);
  const [saved, setSaved] = useState<CardIdentifierDefinitions | null>(null);
  const [form, setForm] = useState<CardIdentifierDefinitionsInput | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const current = saved ?? loaded.data ?? null;

  useEffect(() => {
    if (loaded.data) setForm(formOf(loaded.data));
  }, [loaded.data]);

  if (loaded.error) return <ProblemAlert error={loaded.error} />;
  if (!form || !current) return null;

  function setAccessControl(change: Partial<CardIdentifierDefinitionsInput['accessControl']>) {
    setForm((value) => (value ? { ...value, accessControl: { ...value.accessControl, ...change } } : value));
  }
  function setSecondary(change: Partial<CardIdentifierDefinitionsInput['secondary']>) {
    setForm((value) => (value ? { ...value, secondary: { ...value.secondary, ...change } } : value));
  }

  async function save() {
    if (!form) return;
    setBusy(true);
    setError(null);
    setDone(false);
    try {
      const answer = await cardIdentifiersApi.save(code, form);
      setSaved(answer);
      setForm(formOf(answer));
      setDone(true);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Paper withBorder p="md" data-testid="card-identifiers-panel">
      <Title order={3} size="h4" mb="xs">{t('cardIdentifiers.title')}</Title>
      <Text size="sm" mb="sm">{t('cardIdentifiers.intro')}</Text>
      <Stack gap="md">
        <div>
          <Switch label={t('cardIdentifiers.accessControl')} checked={form.accessControl.enabled}
            onChange={(event) => setAccessControl({ enabled: event.currentTarget.checked })} data-testid="identifiers-ac-enabled" />
          <SimpleGrid cols={{ base: 1, sm: 2 }} mt="xs">
            <TextInput label={t('cardIdentifiers.offset')} value={form.accessControl.offset} ff="monospace" disabled={!form.accessControl.enabled}
              onChange={(event) => setAccessControl({ offset: event.currentTarget.value.trim() })}
              error={fieldError(t, error, '/accessControl/offset')} data-testid="identifiers-ac-offset" />
            <NumberInput label={t('cardIdentifiers.length')} min={1} max={64} value={form.accessControl.length} disabled={!form.accessControl.enabled}
              onChange={(value) => setAccessControl({ length: typeof value === 'number' ? value : 16 })}
              error={fieldError(t, error, '/accessControl/length')} data-testid="identifiers-ac-length" />
          </SimpleGrid>
          <Text size="sm" mt={4} data-testid="identifiers-ac-next">
            {t('cardIdentifiers.nextValue', { value: current.accessControl.nextValue ?? t('cardIdentifiers.none') })}
          </Text>
        </div>
        <div>
          <Switch label={t('cardIdentifiers.secondary')} checked={form.secondary.enabled}
            onChange={(event) => setSecondary({ enabled: event.currentTarget.checked })} data-testid="identifiers-sec-enabled" />
          <SimpleGrid cols={{ base: 1, sm: 2 }} mt="xs">
            <TextInput label={t('cardIdentifiers.prefix')} value={form.secondary.prefix} ff="monospace" disabled={!form.secondary.enabled}
              onChange={(event) => setSecondary({ prefix: event.currentTarget.value.toUpperCase() })}
              error={fieldError(t, error, '/secondary/prefix')} />
            <TextInput label={t('cardIdentifiers.offset')} value={form.secondary.offset} ff="monospace" disabled={!form.secondary.enabled}
              onChange={(event) => setSecondary({ offset: event.currentTarget.value.trim() })}
              error={fieldError(t, error, '/secondary/offset')} />
            <NumberInput label={t('cardIdentifiers.secondaryLength')} description={t('cardIdentifiers.secondaryLengthHelp')} min={0} max={32}
              value={form.secondary.length} disabled={!form.secondary.enabled}
              onChange={(value) => setSecondary({ length: typeof value === 'number' ? value : 0 })}
              error={fieldError(t, error, '/secondary/length')} />
            <Select label={t('cardIdentifiers.checkDigit')} value={form.secondary.checkDigit} disabled={!form.secondary.enabled} allowDeselect={false}
              data={CHECK_DIGITS.map((scheme) => ({ value: scheme, label: t(`cardIdentifiers.checkDigits.${scheme}`) }))}
              onChange={(value) => { if (value === 'none' || value === 'luhn' || value === 'mod11') setSecondary({ checkDigit: value }); }}
              data-testid="identifiers-sec-check" />
          </SimpleGrid>
          <Text size="sm" mt={4} data-testid="identifiers-sec-next">
            {t('cardIdentifiers.nextValue', { value: current.secondary.nextValue ?? t('cardIdentifiers.none') })}
          </Text>
        </div>
        <ProblemAlert error={error} />
        {done ? <Alert color="green">{t('cardIdentifiers.saved')}</Alert> : null}
        <Group>
          <Button onClick={() => void save()} loading={busy} data-testid="identifiers-save">{t('common.save')}</Button>
        </Group>
      </Stack>
    </Paper>
  );
}
