import { Alert, Button, Paper, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { ApiError } from '../api/api-client.ts';
import { cardsApi } from '../api/cards.api.ts';
import type { Card } from '../api/api-types.ts';
import { usePageTitle } from '../shared/use-page-title.hook.ts';
import { CardPicker } from './card-picker.component.tsx';

/** Delivery: cards ready to hand over; mark them delivered and print the delivery slips. */
export function DeliveryPage() {
  const { t } = useTranslation();
  usePageTitle(t('delivery.title'));
  const navigate = useNavigate();
  const [refresh, setRefresh] = useState(0);
  const [outcome, setOutcome] = useState<{ ok: number; failed: string[] } | null>(null);
  const [busy, setBusy] = useState(false);

  async function deliver(cards: Card[], clear: () => void) {
    setBusy(true);
    let ok = 0;
    const failed: string[] = [];
    for (const card of cards) {
      try {
        await cardsApi.deliver(card.id);
        ok += 1;
      } catch (error) {
        const code = error instanceof ApiError ? error.code : 'unknown';
        failed.push(`${card.holder.firstName} ${card.holder.lastName}: ${t(`errors.${code}`, { defaultValue: t('errors.unknown') })}`);
      }
    }
    setOutcome({ ok, failed });
    setBusy(false);
    clear();
    setRefresh((value) => value + 1);
  }

  return (
    <Stack>
      <Title order={1} size="h2">{t('delivery.title')}</Title>
      <Text size="sm">{t('delivery.intro')}</Text>
      {outcome ? (
        <Alert color={outcome.failed.length ? 'orange' : 'green'} data-testid="delivery-result">
          {t('delivery.result', { count: outcome.ok, failed: outcome.failed.length })}
          {outcome.failed.map((line) => <Text key={line} size="sm">{line}</Text>)}
        </Alert>
      ) : null}
      <Paper withBorder p="sm">
        <CardPicker states={['ENCODED', 'ENABLED']} filter={(card) => !card.deliveredAt} refresh={refresh} testId="to-deliver" actions={(selection, clear) => (
          <>
            <Button size="xs" variant="default" disabled={selection.length === 0}
              onClick={() => navigate(`/office/delivery/slip?ids=${selection.map((card) => card.id).join(',')}`)} data-testid="slip">
              {t('delivery.slip')}
            </Button>
            <Button size="xs" disabled={selection.length === 0} loading={busy} onClick={() => void deliver(selection, clear)} data-testid="mark-delivered">
              {t('delivery.markDeliveredCount', { count: selection.length })}
            </Button>
          </>
        )} />
      </Paper>
    </Stack>
  );
}
