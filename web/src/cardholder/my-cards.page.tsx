import { Accordion, Alert, Anchor, Button, Card as Panel, Group, Loader, Modal, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';
import { cardsApi } from '../api/cards.api.ts';
import { peopleApi } from '../api/people.api.ts';
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
/** States of a card that is being made or works: no other request makes sense beside it. */
const IN_PROGRESS_STATES = ['IN_PRINT', 'PRINTED', 'IN_ENCODE', 'ENCODED', 'ENABLED'];

type Action = 'reenable' | 'renew' | 'cancel';

/** True when the server says the holder may move this card to `to` now (the state machine decides). */
function allows(card: Card, to: string): boolean {
  return card.allowedMoves?.includes(to as NonNullable<Card['allowedMoves']>[number]) ?? false;
}

/**
 * The cardholder's home: every card with its state, the institution that issues it (when the
 * person is enrolled at several), what can be done with it, and its history.
 */
export function MyCardsPage() {
  const { t } = useTranslation();
  usePageTitle(t('myCards.title'));
  const { principal } = useSession();
  const personId = principal?.personId ?? '';
  const institution = useInstitution();
  const cards = useApi((signal) => cardsApi.mine(signal).then((items) => ({ items })), [personId]);
  const me = useApi((signal) => peopleApi.me(signal), [personId]);
  const [disabling, setDisabling] = useState<Card | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<{ card: Card; action: 'renew' | 'cancel' } | null>(null);
  const location = useLocation();
  const arrivedWith = (location.state as { notice?: string } | null)?.notice;
  const [notice, setNotice] = useState<string | null>(null);

  const reasons = institution?.settings?.selfServiceDisableReasons ?? SELF_REASONS;
  const items = cards.data?.items ?? [];
  const enrolments = me.data?.person.enrolments ?? [];
  // Each institution issues its own card: what blocks a new request at one leaves the others free.
  const institutionsOfCards = new Set(items.map((card) => card.institution));
  const groups = enrolments.length > 0 ? enrolments.map((enrolment) => enrolment.institution) : [...institutionsOfCards];
  const cardsOf = (institution: string) => items.filter((card) => card.institution === institution);
  const hasPending = items.some((card) => isPending(card.state));
  const blocked = (institution: string) => cardsOf(institution).some((card) => isPending(card.state) || IN_PROGRESS_STATES.includes(card.state));
  // The newest suspended card of an institution where nothing replaces it yet: its holder is offered a replacement.
  const replaceableIds = new Set(groups.filter((institution) => !blocked(institution))
    .map((institution) => cardsOf(institution).find((card) => card.state === 'DISABLED' && card.disable?.reason !== 'MANAGER')?.id)
    .filter((id): id is string => id !== undefined));
  const canRequest = groups.length === 0 || groups.some((institution) => !blocked(institution) && !cardsOf(institution).some((card) => card.state === 'DISABLED'));
  const showInstitution = enrolments.length > 1 || institutionsOfCards.size > 1;
  // "Your request is sent" stays true only while a request is pending (the notice is kept in the
  // browser history, so it would otherwise come back over a card that works by now).
  const requestNotice = arrivedWith && hasPending ? t(arrivedWith) : null;

  async function act(card: Card, action: Action) {
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
        {canRequest && cards.data ? (
          <Button component={Link} to="/me/request" data-testid="request-card-link">{t('myCards.requestCard')}</Button>
        ) : null}
      </Group>
      {notice ?? requestNotice ? <Alert color="green" role="status" data-testid="notice">{notice ?? requestNotice}</Alert> : null}
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
            {showInstitution ? <Text size="sm" fw={600} data-testid="my-card-institution">{card.institutionName}</Text> : null}
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
              {card.state === 'ENABLED' && allows(card, 'DISABLED') ? (
                <Button color="red" variant="outline" onClick={() => setDisabling(card)} data-testid="declare-lost">{t('myCards.declare')}</Button>
              ) : null}
              {replaceableIds.has(card.id) ? (
                <Button component={Link} to="/me/request" data-testid="request-replacement">{t('myCards.requestReplacement')}</Button>
              ) : null}
              {card.state === 'DISABLED' && allows(card, 'ENABLED') ? (
                <Button variant="outline" loading={busy === `reenable-${card.id}`} onClick={() => void act(card, 'reenable')} data-testid="reenable">
                  {t('myCards.reenable')}
                </Button>
              ) : null}
              {/* The server leaves RENEWED out while a request of the card's own card group is pending. */}
              {allows(card, 'RENEWED') ? (
                <Button variant="default" loading={busy === `renew-${card.id}`} onClick={() => setConfirming({ card, action: 'renew' })} data-testid="renew">
                  {t('myCards.renew')}
                </Button>
              ) : null}
              {allows(card, 'CANCELED') ? (
                <Button variant="default" loading={busy === `cancel-${card.id}`} onClick={() => setConfirming({ card, action: 'cancel' })} data-testid="cancel-request">
                  {t('myCards.cancel')}
                </Button>
              ) : null}
            </Group>
            {card.state === 'DISABLED' && replaceableIds.has(card.id) ? (
              <Text size="sm" c="dimmed" data-testid="replacement-help">
                {t(allows(card, 'ENABLED') ? 'myCards.replacementHelp' : 'myCards.replacementHelpNoReenable')}
              </Text>
            ) : null}
            {card.state === 'DISABLED' && !replaceableIds.has(card.id) && card.disable?.by !== 'manager' && !allows(card, 'ENABLED') ? (
              <Text size="sm" c="dimmed" data-testid="replaced-help">{t('myCards.replacedHelp')}</Text>
            ) : null}
            <Accordion variant="contained" chevronPosition="left">
              <Accordion.Item value="history">
                <Accordion.Control>{t('myCards.history')}</Accordion.Control>
                <Accordion.Panel><CardHistoryLoader card={card} /></Accordion.Panel>
              </Accordion.Item>
            </Accordion>
          </Stack>
        </Panel>
      ))}
      <Modal
        opened={confirming !== null}
        onClose={() => setConfirming(null)}
        title={confirming ? t(`myCards.confirm.${confirming.action}.title`) : ''}
        centered
        data-testid="confirm-dialog"
      >
        <Stack>
          <Text size="sm">{confirming ? t(`myCards.confirm.${confirming.action}.body`) : ''}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(null)} data-testid="confirm-back">{t('myCards.confirm.back')}</Button>
            <Button
              color={confirming?.action === 'cancel' ? 'red' : undefined}
              onClick={() => {
                if (!confirming) return;
                setConfirming(null);
                void act(confirming.card, confirming.action);
              }}
              data-testid="confirm-action"
            >
              {confirming ? t(`myCards.confirm.${confirming.action}.confirm`) : ''}
            </Button>
          </Group>
        </Stack>
      </Modal>
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
