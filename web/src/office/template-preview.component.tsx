import { Alert, Group, Loader, Select, SegmentedControl, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/api-client.ts';
import { cardsApi } from '../api/cards.api.ts';
import { cardTemplatesApi } from '../api/card-templates.api.ts';
import { problemMessage } from '../shared/problem-messages.ts';
import { useApi } from '../shared/use-api.hook.ts';
import type { CardTemplateLayout, Side } from './card-template-editing.ts';

/** How long the editor waits after the last change before asking for a render (a drag is many changes). */
export const PREVIEW_DEBOUNCE_MS = 400;
const SAMPLE = 'sample';

/**
 * The draft face drawn by the server's renderer, the image the printer will get, with sample data
 * or a real card of the institution (searched by name or number), in French or English. Asked
 * again {@link PREVIEW_DEBOUNCE_MS} after the last change; an older answer never replaces a newer
 * one. A draft the server refuses (422) keeps the last image and reports the problem to
 * `onRefused` (the editor outlines the element), `onAccepted` clears it.
 */
export function TemplatePreview({ layout, side, onRefused, onAccepted }: {
  layout: CardTemplateLayout;
  side: Side;
  onRefused(error: ApiError): void;
  onAccepted(): void;
}) {
  const { t, i18n } = useTranslation();
  const [language, setLanguage] = useState<'fr' | 'en'>(i18n.language.startsWith('en') ? 'en' : 'fr');
  const [search, setSearch] = useState('');
  const [source, setSource] = useState<string>(SAMPLE);
  // The chosen card stays in the list when a new search no longer finds it.
  const [chosen, setChosen] = useState<{ value: string; label: string } | null>(null);
  const [url, setUrl] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const cards = useApi((signal) => cardsApi.list({ q: search.trim() || undefined, limit: 20, page: 1 }, signal).then((page) => page.items), [search]);

  const body = JSON.stringify(layout);
  useEffect(() => {
    const controller = new AbortController();
    const timer = setTimeout(() => {
      setBusy(true);
      cardTemplatesApi.preview({ layout, side, language, ...(source !== SAMPLE ? { cardId: source } : {}) }, controller.signal)
        .then((blob) => {
          setUrl((previous) => {
            if (previous) URL.revokeObjectURL(previous);
            return URL.createObjectURL(blob);
          });
          setError(null);
          onAccepted();
        })
        .catch((failure: unknown) => {
          if (controller.signal.aborted) return;
          setError(failure);
          if (failure instanceof ApiError && failure.code === 'invalid_layout') onRefused(failure);
        })
        .finally(() => { if (!controller.signal.aborted) setBusy(false); });
    }, PREVIEW_DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
    // `layout` is compared by its content (`body`): a new object with the same content asks nothing.
  }, [body, side, language, source]);

  useEffect(() => () => { if (url) URL.revokeObjectURL(url); }, [url]);

  const found = (cards.data ?? []).map((card) => ({
    value: card.id, label: `${card.holder.lastName.toUpperCase()} ${card.holder.firstName} · ${t(`state.${card.state}`, { defaultValue: card.state })}`,
  }));
  const options = [
    { value: SAMPLE, label: t('templateEditor.sampleData') },
    ...(chosen && !found.some((option) => option.value === chosen.value) ? [chosen] : []),
    ...found,
  ];
  return (
    <Stack gap="xs" data-testid="template-preview-panel">
      <Group justify="space-between" wrap="nowrap">
        <Text fw={600} size="sm">{t('templateEditor.preview')}</Text>
        <Group gap="xs" wrap="nowrap">
          {busy ? <Loader size="xs" aria-label={t('templateEditor.previewBusy')} /> : null}
          <SegmentedControl size="xs" value={language} onChange={(value) => setLanguage(value === 'en' ? 'en' : 'fr')}
            data={[{ value: 'fr', label: 'FR' }, { value: 'en', label: 'EN' }]} aria-label={t('templateEditor.previewLanguage')} />
        </Group>
      </Group>
      <SimpleGrid cols={2} spacing="xs">
        <TextInput size="xs" label={t('templateEditor.previewSearch')} data-testid="preview-search" value={search} onChange={(event) => setSearch(event.currentTarget.value)} />
        <Select size="xs" label={t('templateEditor.previewData')} data-testid="preview-source" value={source} allowDeselect={false}
          data={options} onChange={(value) => {
            setSource(value ?? SAMPLE);
            setChosen(options.find((option) => option.value === value && value !== SAMPLE) ?? null);
          }} />
      </SimpleGrid>
      {url
        ? <img src={url} alt={t('templateEditor.previewAlt')} data-testid="template-preview"
          style={{ width: '100%', aspectRatio: '85.6 / 53.98', borderRadius: 8, border: '1px solid var(--mantine-color-gray-3)' }} />
        : <Text size="sm" c="dimmed">{t('templateEditor.previewWaiting')}</Text>}
      {error ? (
        <Alert color="orange" variant="light" p="xs" data-testid="preview-problem">
          {error instanceof ApiError && error.code === 'invalid_layout'
            ? t('templateEditor.previewInvalid')
            : t('templateEditor.previewRefused', { reason: problemMessage(t, error) })}
        </Alert>
      ) : null}
    </Stack>
  );
}
