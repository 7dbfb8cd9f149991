import { Select, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { peopleApi } from '../api/people.api.ts';
import { fieldError, problemMessage } from '../shared/problem-messages.ts';
import { useApi } from '../shared/use-api.hook.ts';

const DEFAULT = 'default';

/**
 * The language a person's mails are written in, read from their record: a choice for those who
 * may change people, plain text for the others. Renders nothing when the record cannot be read.
 */
export function PersonLanguageField({ personId, canWrite }: { personId: string; canWrite: boolean }) {
  const { t } = useTranslation();
  const person = useApi((signal) => peopleApi.get(personId, signal), [personId]);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  if (!person.data) return null;
  const value = person.data.locale ?? DEFAULT;
  const label = t('person.locale');
  const options = [
    { value: DEFAULT, label: t('person.localeDefault') },
    { value: 'fr', label: t('language.fr') },
    { value: 'en', label: t('language.en') },
  ];

  async function change(next: string | null) {
    if (next === null || next === value) return;
    setError(null);
    setSaved(false);
    try {
      await peopleApi.update(personId, { locale: next === DEFAULT ? null : next as 'fr' | 'en' });
      setSaved(true);
      person.reload();
    } catch (failure) {
      setError(failure);
    }
  }

  if (!canWrite) {
    return (
      <div>
        <Text size="xs" c="dimmed" fw={700} tt="uppercase">{label}</Text>
        <Text size="sm" data-testid="person-locale">{options.find((option) => option.value === value)?.label}</Text>
      </div>
    );
  }
  return (
    <div>
      <Select label={label} data={options} value={value} onChange={(next) => void change(next)} allowDeselect={false} size="xs"
        error={error ? fieldError(t, error, '/locale') ?? problemMessage(t, error) : undefined} data-testid="person-locale" />
      {saved ? <Text size="xs" c="green.9" role="status" mt={2}>{t('person.localeSaved')}</Text> : null}
    </div>
  );
}
