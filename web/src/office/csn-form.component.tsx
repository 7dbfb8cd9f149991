import { Button, Group, NumberInput, Select, TextInput } from '@mantine/core';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/api-client.ts';
import { cardsApi, type CsnForm } from '../api/cards.api.ts';
import type { Card } from '../api/api-types.ts';
import { fieldError, isAboutFields } from '../shared/problem-messages.ts';
import { ProblemAlert } from '../shared/problem-alert.component.tsx';
import { loadLocal, saveLocal } from './local-store.ts';

const FORMS: readonly CsnForm[] = ['hex', 'hex_reversed', 'decimal', 'decimal_reversed'];
const FORM_KEY = 'campuscard.csnForm';

/**
 * Binds a chip to a card: the CSN typed, or read by a keyboard-emulating reader (which types the
 * number and Enter into the focused field). The form the reader uses is remembered per device.
 */
export function CsnForm({ card, onBound, autoFocus = true }: { card: Card; onBound(card: Card): void; autoFocus?: boolean }) {
  const { t } = useTranslation();
  const [csn, setCsn] = useState('');
  const [form, setForm] = useState<CsnForm>(() => loadLocal(FORM_KEY, 'hex', (value) => FORMS.includes(value as CsnForm)));
  const [byteLength, setByteLength] = useState<number | string>('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  /** The card once this form took it into IN_ENCODE, so a failed read can be retried. */
  const taken = useRef<Card | null>(null);

  useEffect(() => {
    if (autoFocus) inputRef.current?.focus();
  }, [autoFocus, card.id]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!csn.trim()) return;
    setBusy(true);
    setError(null);
    try {
      const bind = () => cardsApi.bindCsn(card.id, csn.trim(), form, typeof byteLength === 'number' ? byteLength : undefined);
      let updated: Card;
      try {
        updated = await bind();
      } catch (failure) {
        // A printed card must first be taken by the encoding station (PRINTED -> IN_ENCODE).
        const latest = taken.current?.id === card.id ? taken.current : card;
        if (!(failure instanceof ApiError && failure.code === 'move_not_allowed' && latest.state === 'PRINTED')) throw failure;
        taken.current = await cardsApi.move(card.id, { to: 'IN_ENCODE', expectedVersion: latest.version });
        updated = await bind();
      }
      setCsn('');
      onBound(updated);
    } catch (failure) {
      setError(failure);
      inputRef.current?.select();
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={(event) => void submit(event)} data-testid="csn-form">
      <Group align="flex-start" gap="sm" wrap="wrap">
        <TextInput
          ref={inputRef}
          label={t('encode.csn')}
          description={t('encode.csnHelp')}
          value={csn}
          onChange={(event) => setCsn(event.currentTarget.value)}
          error={fieldError(t, error, '/csn')}
          autoComplete="off"
          spellCheck={false}
          ff="monospace"
          style={{ flex: 2, minWidth: 200 }}
          data-testid="csn-input"
        />
        <Select
          label={t('encode.form')}
          data={FORMS.map((value) => ({ value, label: t(`encode.forms.${value}`) }))}
          value={form}
          onChange={(value) => {
            if (!value) return;
            setForm(value as CsnForm);
            saveLocal(FORM_KEY, value);
          }}
          allowDeselect={false}
          error={fieldError(t, error, '/form')}
          style={{ flex: 1, minWidth: 160 }}
          data-testid="csn-form-select"
        />
        {form.startsWith('decimal') ? (
          <NumberInput label={t('encode.byteLength')} min={4} max={10} value={byteLength} onChange={setByteLength} w={120} />
        ) : null}
        <Button type="submit" mt={24} loading={busy} data-testid="csn-submit">{t('encode.bind')}</Button>
      </Group>
      {error && !isAboutFields(error, ['/csn', '/form']) ? <ProblemAlert error={error} /> : null}
    </form>
  );
}
