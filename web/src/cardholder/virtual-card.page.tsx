import { Alert, Anchor, Box, Button, Center, Group, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ApiError } from '../api/api-client.ts';
import { cardsApi } from '../api/cards.api.ts';
import { escApi } from '../api/esc.api.ts';
import type { Card } from '../api/api-types.ts';
import { CardFace, cardFaceOf } from '../shared/card-face.component.tsx';
import { formatDate } from '../shared/format.ts';
import { ProblemAlert } from '../shared/problem-alert.component.tsx';
import { StateBadge } from '../shared/state-badge.component.tsx';
import { useApi } from '../shared/use-api.hook.ts';
import { useBrandings } from '../shared/use-institution.hook.ts';
import { isOffice, useSession } from '../auth/session.context.tsx';
import { usePageTitle } from '../shared/use-page-title.hook.ts';
import { TemplateCardFace } from './template-card-face.component.tsx';
import { ValidityIndicator } from './validity-indicator.component.tsx';

const LAST_CARD_KEY = 'campuscard.lastCard';

/**
 * States of a card that was never enabled and is on its way (src/modules/cards/domain/card-state.ts,
 * lifecycle order before ENABLED): it has a number already, but showing its QR code or checking it
 * would only say "suspended" about a card that simply is not made yet.
 */
const BEING_MADE_STATES: readonly string[] = ['NEW', 'RENEWED', 'REQUEST_CHECKED', 'IN_PRINT', 'PRINTED', 'IN_ENCODE', 'ENCODED'];

/** Requests that ended without a card: no card was ever made, so nothing can be shown or checked. */
const NEVER_MADE_STATES: readonly string[] = ['REJECTED', 'CANCELED'];

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
 * What a suspended card's holder can do, told the way "My cards" decides it: re-enable it when the
 * server allows it (`allowedMoves`), wait on the card office when it suspended the card, and
 * nothing at all when a newer card replaces it. A copy read offline without `allowedMoves` keeps
 * the general advice.
 */
function suspendedMessageKey(card: Card): string {
  if (card.allowedMoves === undefined || card.allowedMoves.includes('ENABLED')) return 'virtualCard.suspended';
  return card.disable?.by === 'manager' ? 'virtualCard.suspendedByOffice' : 'virtualCard.replaced';
}

/**
 * The virtual card: the card's front as its template draws it for the printer (else the generic
 * face), its QR code big enough to scan from a phone screen, and a
 * live validity banner. Readable offline once loaded (service worker + a local copy). Only a
 * working card asks to be shown; a suspended one says so and what to do instead; a card not made
 * yet (or never made) shows no QR code, no check and no verification link.
 */
export function VirtualCardPage() {
  const { t } = useTranslation();
  usePageTitle(t('virtualCard.title'));
  const { id = '' } = useParams();
  const [card, setCard] = useState<Card | null>(() => rememberedCard(id));
  const brandingOf = useBrandings([card?.institution], isOffice(useSession().principal));
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
  const beingMade = BEING_MADE_STATES.includes(card.state);
  const neverMade = NEVER_MADE_STATES.includes(card.state);
  const checkable = !beingMade && !neverMade;
  return (
    <Stack maw={560} mx="auto" w="100%" data-testid="virtual-card">
      <Group justify="space-between">
        <Title order={1} size="h2">{t('virtualCard.title')}</Title>
        <StateBadge state={card.state} size="lg" />
      </Group>
      {offline ? <Alert color="orange" data-testid="offline-notice">{t('virtualCard.offline')}</Alert> : null}
      {checkable && card.escn ? <ValidityIndicator escn={card.escn} /> : null}
      {card.state === 'DISABLED' ? (
        <Alert color="red" title={t('virtualCard.suspendedTitle')} data-testid="suspended-notice">
          <Text size="sm">{t(suspendedMessageKey(card))}</Text>
        </Alert>
      ) : null}
      {beingMade ? (
        <Alert color="blue" title={t('virtualCard.beingMadeTitle')} data-testid="being-made-notice">
          <Text size="sm">{t('virtualCard.beingMade')}</Text>
        </Alert>
      ) : null}
      {neverMade ? <Alert color="gray" data-testid="never-made-notice">{t('virtualCard.neverMade')}</Alert> : null}
      {!working && card.state !== 'DISABLED' && !beingMade && !neverMade ? <Alert color="orange" data-testid="inactive-notice">{t('virtualCard.notActive')}</Alert> : null}
      <TemplateCardFace
        cardId={card.id}
        inactive={!working}
        alt={t('virtualCard.faceAlt', {
          name: `${card.holder.firstName} ${card.holder.lastName}`,
          validity: !working ? t('virtualCard.faceNotValid')
            : card.expiresAt ? t('virtualCard.faceValidUntil', { date: formatDate(card.expiresAt) }) : t('virtualCard.faceValid'),
        })}
        fallback={(
          <CardFace
            {...cardFaceOf(card, brandingOf(card.institution))}
            inactive={!working}
            photo={cardsApi.photoUrl(card) ? <img src={cardsApi.photoUrl(card) ?? ''} alt={t('virtualCard.photoAlt')} /> : null}
          />
        )}
      />
      {checkable && card.escn ? (
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
