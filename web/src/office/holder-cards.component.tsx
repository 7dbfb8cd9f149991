import { Alert, Anchor, Group, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { cardsApi } from '../api/cards.api.ts';
import type { Card } from '../api/api-types.ts';
import { isPending } from '../shared/card-state.ts';
import { formatDate } from '../shared/format.ts';
import { ProblemAlert } from '../shared/problem-alert.component.tsx';
import { StateBadge } from '../shared/state-badge.component.tsx';
import { useApi } from '../shared/use-api.hook.ts';

/** More cards than one person ever has; beyond it the card list (searched by eppn) shows them all. */
const HOLDER_CARDS_LIMIT = 50;
/** States of a card still being made for its holder (after the request was checked). */
const IN_PRODUCTION = ['IN_PRINT', 'PRINTED', 'IN_ENCODE', 'ENCODED'];

type Warning = 'active' | 'lost' | 'pending';

/** What a manager deciding on `card` must know at once about the holder's other cards. */
function warningsOf(card: Card, others: readonly Card[]): Warning[] {
  const warnings: Warning[] = [];
  // The card a renewal replaces is active by design: it is shown, not warned about.
  if (others.some((other) => other.state === 'ENABLED' && other.id !== card.renewalOf)) warnings.push('active');
  if (others.some((other) => other.state === 'DISABLED' && (other.disable?.reason === 'LOST' || other.disable?.reason === 'THEFT'))) warnings.push('lost');
  if (others.some((other) => isPending(other.state) || IN_PRODUCTION.includes(other.state))) warnings.push('pending');
  return warnings;
}

function OtherCard({ other, card }: { other: Card; card: Card }) {
  const { t } = useTranslation();
  const dates = [
    t('holderCards.requestedOn', { date: formatDate(other.requestedAt) }),
    other.enabledAt ? t('holderCards.enabledOn', { date: formatDate(other.enabledAt) }) : null,
    other.expiresAt ? t('holderCards.expiresOn', { date: formatDate(other.expiresAt) }) : null,
  ].filter((text): text is string => text !== null);
  return (
    <Paper withBorder p="xs" data-testid="holder-card" data-card-id={other.id} data-state={other.state}>
      <Group gap="xs" wrap="wrap" align="center">
        <StateBadge state={other.state} size="sm" />
        <Anchor component={Link} to={`/office/cards/${other.id}`} size="sm" ff={other.escn ? 'monospace' : undefined} style={{ overflowWrap: 'anywhere' }}>
          {other.escn ?? t('holderCards.noEscn')}
        </Anchor>
        <Text size="xs" c="dimmed">{t(`holderCards.kind.${other.cardKind}`)}</Text>
        {other.institution !== card.institution ? (
          <Text size="xs" fw={600} data-testid="holder-card-institution">{other.institutionName}</Text>
        ) : null}
        {other.id === card.renewalOf ? <Text size="xs" fw={700}>{t('holderCards.renewedByThis')}</Text> : null}
      </Group>
      <Text size="xs" mt={4}>{dates.join(' · ')}</Text>
      {other.disable ? (
        <Text size="xs" mt={2}>{t('holderCards.disabled', { reason: t(`disableReason.${other.disable.reason}`) })}</Text>
      ) : null}
    </Paper>
  );
}

/**
 * The holder's other cards (state, ESCN, dates, link), newest first, with a warning when one of
 * them is active, lost or stolen, or still being made: what a manager checks before approving a
 * request. The list is the server's, so it only holds what the caller may see.
 */
export function HolderCards({ card }: { card: Card }) {
  const { t } = useTranslation();
  const list = useApi(
    (signal) => cardsApi.list({ personId: card.personId, sort: 'requestedAt', order: 'desc', limit: HOLDER_CARDS_LIMIT }, signal),
    [card.personId, card.id, card.version],
  );
  const others = (list.data?.items ?? []).filter((other) => other.id !== card.id);
  const warnings = warningsOf(card, others);
  return (
    <Paper withBorder p="md" data-testid="holder-cards">
      <Title order={2} size="h4" mb="xs">{t('holderCards.title')}</Title>
      <ProblemAlert error={list.error} />
      {list.loading && !list.data ? <Loader size="sm" role="status" aria-label={t('common.loading')} /> : null}
      {list.data ? (
        <Stack gap="xs">
          {warnings.map((warning) => (
            <Alert key={warning} color={warning === 'pending' ? 'blue' : 'orange'} p="xs" data-testid="holder-cards-warning" data-kind={warning}>
              {t(`holderCards.warnings.${warning}`)}
            </Alert>
          ))}
          {others.length === 0 ? <Text size="sm" c="dimmed" data-testid="holder-cards-none">{t('holderCards.none')}</Text> : null}
          {others.map((other) => <OtherCard key={other.id} other={other} card={card} />)}
          {list.data.nextCursor ? (
            <Anchor component={Link} to={`/office/cards?q=${encodeURIComponent(card.holder.eppn)}`} size="sm">{t('holderCards.more')}</Anchor>
          ) : null}
        </Stack>
      ) : null}
    </Paper>
  );
}
