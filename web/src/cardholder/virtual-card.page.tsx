import { Alert, Anchor, Box, Button, Center, Group, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ApiError } from '../api/api-client.ts';
import { cardsApi } from '../api/cards.api.ts';
import { escApi } from '../api/esc.api.ts';
import type { Card } from '../api/api-types.ts';
import { CardFace, cardFaceOf } from '../shared/card-face.component.tsx';
import { ProblemAlert } from '../shared/problem-alert.component.tsx';
import { StateBadge } from '../shared/state-badge.component.tsx';
import { useApi } from '../shared/use-api.hook.ts';
import { useInstitution } from '../shared/use-institution.hook.ts';
import { usePageTitle } from '../shared/use-page-title.hook.ts';
import { ValidityIndicator } from './validity-indicator.component.tsx';

const LAST_CARD_KEY = 'campuscard.lastCard';

function rememberCard(card: Card): void {
  try {
    localStorage.setItem(LAST_CARD_KEY, JSON.stringify(card));
  } catch {
    // Offline copy is a convenience; the service worker cache is the main one.
  }
}

function rememberedCard(id: string): Card | null {
  try {
    const raw = localStorage.getItem(LAST_CARD_KEY);
    if (!raw) return null;
    const card = JSON.parse(raw) as Card;
    return card.id === id ? card : null;
  } catch {
    return null;
  }
}

/**
 * The virtual card: the card face, its QR code big enough to scan from a phone screen, and a
 * live validity banner. Readable offline once loaded (service worker + a local copy). Only a
 * working card asks to be shown; a suspended one says so and what to do instead.
 */
export function VirtualCardPage() {
  const { t } = useTranslation();
  usePageTitle(t('virtualCard.title'));
  const { id = '' } = useParams();
  const institution = useInstitution();
  const [card, setCard] = useState<Card | null>(() => rememberedCard(id));
  const [error, setError] = useState<unknown>(null);
  const [offline, setOffline] = useState(false);
  const esc = useApi((signal) => escApi.card(id, signal), [id]);

  useEffect(() => {
    const controller = new AbortController();
    cardsApi.get(id, controller.signal)
      .then((loaded) => {
        setCard(loaded);
        setOffline(false);
        rememberCard(loaded);
      })
      .catch((failure: unknown) => {
        if (controller.signal.aborted) return;
        if (failure instanceof ApiError && failure.status === 0) setOffline(true);
        else setError(failure);
      });
    return () => controller.abort();
  }, [id]);

  if (!card) {
    if (error || offline) return <Stack maw={560}><ProblemAlert error={error ?? new ApiError(0, 'network_error')} /></Stack>;
    return <Center mih="40vh"><Loader role="status" aria-label={t('common.loading')} /></Center>;
  }
  const working = card.state === 'ENABLED';
  return (
    <Stack maw={560} mx="auto" w="100%" data-testid="virtual-card">
      <Group justify="space-between">
        <Title order={1} size="h2">{t('virtualCard.title')}</Title>
        <StateBadge state={card.state} size="lg" />
      </Group>
      {offline ? <Alert color="orange" data-testid="offline-notice">{t('virtualCard.offline')}</Alert> : null}
      {card.escn ? <ValidityIndicator escn={card.escn} /> : null}
      {card.state === 'DISABLED' ? (
        <Alert color="red" title={t('virtualCard.suspendedTitle')} data-testid="suspended-notice">
          <Text size="sm">{t('virtualCard.suspended')}</Text>
        </Alert>
      ) : null}
      {!working && card.state !== 'DISABLED' ? <Alert color="orange" data-testid="inactive-notice">{t('virtualCard.notActive')}</Alert> : null}
      <CardFace
        {...cardFaceOf(card, institution)}
        inactive={!working}
        photo={cardsApi.photoUrl(card) ? <img src={cardsApi.photoUrl(card) ?? ''} alt={t('virtualCard.photoAlt')} /> : null}
      />
      {card.escn ? (
        <Paper withBorder p="md" radius="md">
          <Stack align="center" gap="xs">
            <Box className="qr-large" data-testid="qr-code">
              <img src={cardsApi.qrUrl(card)} alt={t('virtualCard.qrAlt', { escn: card.escn })} width={280} height={280} />
            </Box>
            {working ? <Text size="sm" c="dimmed" ta="center">{t('virtualCard.qrHelp')}</Text> : null}
            <Text ff="monospace" size="sm" data-testid="escn">{card.escn}</Text>
            {esc.data?.qrContent ? (
              <Anchor href={esc.data.qrContent} target="_blank" rel="noreferrer" size="sm" data-testid="verify-link">{t('virtualCard.verifyLink')}</Anchor>
            ) : null}
          </Stack>
        </Paper>
      ) : null}
      <Button component={Link} to="/me" variant="default">{t('virtualCard.back')}</Button>
    </Stack>
  );
}
