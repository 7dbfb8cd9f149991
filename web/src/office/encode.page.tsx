import { Alert, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { cardsApi } from '../api/cards.api.ts';
import type { Card } from '../api/api-types.ts';
import { ProblemAlert } from '../shared/problem-alert.component.tsx';
import { StateBadge } from '../shared/state-badge.component.tsx';
import { usePageTitle } from '../shared/use-page-title.hook.ts';
import { CardPicker } from './card-picker.component.tsx';
import { CsnForm } from './csn-form.component.tsx';
import { EncodingWrite } from './encoding-write.component.tsx';

/**
 * Encoding: pick a printed card, read its chip with a keyboard-emulating reader (or type the
 * CSN), then enable it. The CSN field keeps the focus so a reader can be used hands-free.
 */
export function EncodePage() {
  const { t } = useTranslation();
  usePageTitle(t('encode.title'));
  const [refresh, setRefresh] = useState(0);
  const [card, setCard] = useState<Card | null>(null);
  const [bound, setBound] = useState<Card | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function enable(target: Card) {
    setBusy(true);
    setError(null);
    try {
      setBound(await cardsApi.move(target.id, { to: 'ENABLED', expectedVersion: target.version }));
      setRefresh((value) => value + 1);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Stack>
      <Title order={1} size="h2">{t('encode.title')}</Title>
      <Text size="sm">{t('encode.intro')}</Text>
      {card ? (
        <Paper withBorder p="md" data-testid="encode-panel">
          <Group justify="space-between" mb="sm">
            <Text fw={700}>{card.holder.lastName.toUpperCase()} {card.holder.firstName}</Text>
            <StateBadge state={card.state} />
          </Group>
          <EncodingWrite cardId={card.id} />
          <CsnForm card={card} onBound={(updated) => { setBound(updated); setCard(null); setRefresh((value) => value + 1); }} />
        </Paper>
      ) : null}
      {bound ? (
        <Alert color="green" data-testid="encode-result">
          <Group justify="space-between">
            <span>{t('encode.boundTo', { name: `${bound.holder.firstName} ${bound.holder.lastName}`, csn: bound.csn?.hex ?? '' })} · {t(`state.${bound.state}`)}</span>
            {bound.state === 'ENCODED' ? (
              <Button size="xs" onClick={() => void enable(bound)} loading={busy} data-testid="enable-after-encode">{t('actions.ENABLED')}</Button>
            ) : null}
          </Group>
        </Alert>
      ) : null}
      <ProblemAlert error={error} />
      <Paper withBorder p="sm">
        <CardPicker single states={['PRINTED', 'IN_PRINT', 'IN_ENCODE']} refresh={refresh} testId="to-encode" actions={(selection) => (
          <Button size="xs" disabled={selection.length !== 1} onClick={() => { setCard(selection[0] ?? null); setBound(null); }} data-testid="encode-selected">
            {t('encode.encodeSelected')}
          </Button>
        )} />
      </Paper>
    </Stack>
  );
}
