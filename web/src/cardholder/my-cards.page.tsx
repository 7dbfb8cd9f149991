import { Accordion, Alert, Anchor, Button, Card as Panel, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';
import { cardsApi } from '../api/cards.api.ts';
import type { Card } from '../api/api-types.ts';
import { useSession } from '../auth/session.context.tsx';
import { CardHistory } from '../shared/card-history.component.tsx';
import { isPending } from '../shared/card-state.ts';
import { formatDate } from '../shared/format.ts';
import { ProblemAlert } from '../shared/problem-alert.component.tsx';
import { StateBadge } from '../shared/state-badge.component.tsx';
import { useApi } from '../shared/use-api.hook.ts';
import { useInstitution } from '../shared/use-institution.hook.ts';
import { usePageTitle } from '../shared/use-page-title.hook.ts';
import { DisableCardModal } from './disable-card.modal.tsx';

const SELF_REASONS = ['LOST', 'THEFT', 'OUT_OF_ORDER'];

/** True when the holder may turn this disabled card back on (no manager or system decision). */
function canReenable(card: Card): boolean {
  return card.state === 'DISABLED' && card.disable !== null && card.disable.by === 'self' && SELF_REASONS.includes(card.disable.reason);
}

/** The cardholder's home: every card with its state, what can be done with it, and its history. */
export function MyCardsPage() {
  const { t } = useTranslation();
  usePageTitle(t('myCards.title'));
  const { principal } = useSession();
  const personId = principal?.personId ?? '';
  const institution = useInstitution();
  const cards = useApi((signal) => cardsApi.mine(signal).then((items) => ({ items })), [personId]);
  const [disabling, setDisabling] = useState<Card | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const location = useLocation();
  const arrivedWith = (location.state as { notice?: string } | null)?.notice;
  const [notice, setNotice] = useState<string | null>(arrivedWith ? t(arrivedWith) : null);

  const reasons = institution?.settings?.selfServiceDisableReasons ?? SELF_REASONS;
  const items = cards.data?.items ?? [];
  const hasOpenCard = items.some((card) => isPending(card.state) || ['IN_PRINT', 'PRINTED', 'IN_ENCODE', 'ENCODED', 'ENABLED', 'DISABLED'].includes(card.state));

  async function act(card: Card, action: 'reenable' | 'renew' | 'cancel') {
    setBusy(`${action}-${card.id}`);
    setActionError(null);
    setNotice(null);
    try {
      if (action === 'reenable') await cardsApi.move(card.id, { to: 'ENABLED' });
      if (action === 'renew') await cardsApi.renew(card.id);
      if (action === 'cancel') await cardsApi.move(card.id, { to: 'CANCELED' });
      setNotice(t(`myCards.done.${action}`));
      cards.reload();
    } catch (failure) {
      setActionError(failure);
    } finally {
      setBusy(null);
    }
  }

  return (
    <Stack maw={720}>
      <Group justify="space-between">
        <Title order={1} size="h2">{t('myCards.title')}</Title>
        {!hasOpenCard && cards.data ? (
          <Button component={Link} to="/me/request" data-testid="request-card-link">{t('myCards.requestCard')}</Button>
        ) : null}
      </Group>
      {notice ? <Alert color="green" role="status" data-testid="notice">{notice}</Alert> : null}
      <ProblemAlert error={actionError} />
      <ProblemAlert error={cards.error} />
      {cards.loading && !cards.data ? <Loader role="status" aria-label={t('common.loading')} /> : null}
      {cards.data && items.length === 0 ? (
        <Panel withBorder p="lg">
          <Text>{t('myCards.none')}</Text>
        </Panel>
      ) : null}
      {items.map((card) => (
        <Panel key={card.id} withBorder p="md" data-testid="my-card" data-card-id={card.id} data-state={card.state}>
          <Stack gap="sm">
            <Group justify="space-between" wrap="wrap">
              <Group gap="xs">
                <StateBadge state={card.state} size="lg" />
                <Text size="sm" c="dimmed">{t('myCards.requestedOn', { date: formatDate(card.requestedAt) })}</Text>
              </Group>
              {card.expiresAt ? <Text size="sm">{t('myCards.expires', { date: formatDate(card.expiresAt) })}</Text> : null}
            </Group>
            <Text size="sm">{t(`stateHelp.${card.state}`)}</Text>
            {card.state === 'REJECTED' && card.rejectReason ? (
              <Alert color="red" title={t('myCards.rejectedTitle')} data-testid="reject-reason">
                <Text size="sm">{card.rejectReason}</Text>
                <Anchor component={Link} to="/me/request" size="sm" fw={700} data-testid="resubmit-link">{t('myCards.resubmit')}</Anchor>
              </Alert>
            ) : null}
            {card.state === 'DISABLED' && card.disable ? (
              <Text size="sm" data-testid="disable-reason">{t('myCards.disabledBecause', { reason: t(`disableReason.${card.disable.reason}`) })}</Text>
            ) : null}
            <Group gap="xs">
              {card.escn && ['ENABLED', 'DISABLED', 'ENCODED', 'CADUC'].includes(card.state) ? (
                <Button component={Link} to={`/me/cards/${card.id}`} data-testid="open-virtual-card">{t('myCards.showVirtual')}</Button>
              ) : null}
              {card.state === 'ENABLED' ? (
                <Button color="red" variant="outline" onClick={() => setDisabling(card)} data-testid="declare-lost">{t('myCards.declare')}</Button>
              ) : null}
              {canReenable(card) ? (
                <Button variant="outline" loading={busy === `reenable-${card.id}`} onClick={() => void act(card, 'reenable')} data-testid="reenable">
                  {t('myCards.reenable')}
                </Button>
              ) : null}
              {['ENABLED', 'DESTROYED'].includes(card.state) && !items.some((other) => isPending(other.state)) ? (
                <Button variant="default" loading={busy === `renew-${card.id}`} onClick={() => void act(card, 'renew')} data-testid="renew">
                  {t('myCards.renew')}
                </Button>
              ) : null}
              {['NEW', 'RENEWED'].includes(card.state) ? (
                <Button variant="default" loading={busy === `cancel-${card.id}`} onClick={() => void act(card, 'cancel')} data-testid="cancel-request">
                  {t('myCards.cancel')}
                </Button>
              ) : null}
            </Group>
            <Accordion variant="contained" chevronPosition="left">
              <Accordion.Item value="history">
                <Accordion.Control>{t('myCards.history')}</Accordion.Control>
                <Accordion.Panel><CardHistoryLoader card={card} /></Accordion.Panel>
              </Accordion.Item>
            </Accordion>
          </Stack>
        </Panel>
      ))}
      {disabling ? (
        <DisableCardModal
          card={disabling}
          reasons={reasons}
          opened
          onClose={() => setDisabling(null)}
          onDone={() => {
            setDisabling(null);
            setNotice(t('myCards.done.disable'));
            cards.reload();
          }}
        />
      ) : null}
    </Stack>
  );
}

/** The history comes with the card detail, not the list: load it when the panel opens. */
function CardHistoryLoader({ card }: { card: Card }) {
  const { t } = useTranslation();
  const detail = useApi((signal) => (card.history ? Promise.resolve(card) : cardsApi.get(card.id, signal)), [card.id, card.updatedAt]);
  if (detail.error) return <ProblemAlert error={detail.error} />;
  if (!detail.data) return <Loader size="sm" role="status" aria-label={t('common.loading')} />;
  return <CardHistory moves={detail.data.history ?? []} />;
}
