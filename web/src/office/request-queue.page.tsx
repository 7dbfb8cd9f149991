import { Alert, Badge, Button, Chip, Grid, Group, Kbd, Loader, Paper, SimpleGrid, Stack, Text, Textarea, Title } from '@mantine/core';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { cardsApi } from '../api/cards.api.ts';
import type { Card } from '../api/api-types.ts';
import { CardFace, cardFaceOf } from '../shared/card-face.component.tsx';
import { formatDateTime } from '../shared/format.ts';
import { fieldError } from '../shared/problem-messages.ts';
import { ProblemAlert } from '../shared/problem-alert.component.tsx';
import { useBrandings } from '../shared/use-institution.hook.ts';
import { usePageTitle } from '../shared/use-page-title.hook.ts';
import { HolderCards } from './holder-cards.component.tsx';
import { PhotoRetouchModal } from './photo-retouch.modal.tsx';
import { useSession } from '../auth/session.context.tsx';
import { severalInView } from '../shared/institution-scope.ts';
import { REJECT_TEMPLATES } from './reject-templates.ts';

/**
 * Checking requests, one after the other, without leaving the keyboard: A approves, R rejects
 * (then 1-6 pick a reason template, Enter confirms, Escape goes back), N / P move to the next or
 * previous request, E opens the photo retouch.
 */
export function RequestQueuePage() {
  const { t } = useTranslation();
  const several = severalInView(useSession().principal);
  usePageTitle(t('queue.title'));
  const [queue, setQueue] = useState<Card[] | null>(null);
  const [index, setIndex] = useState(0);
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [retouching, setRetouching] = useState(false);
  const [handled, setHandled] = useState(0);
  const reasonRef = useRef<HTMLTextAreaElement>(null);

  const load = useCallback(async () => {
    try {
      const answer = await cardsApi.list({ state: ['NEW', 'RENEWED'], sort: 'requestedAt', order: 'asc', limit: 100, page: 1 });
      setQueue(answer.items);
      setIndex((previous) => Math.min(previous, Math.max(0, answer.items.length - 1)));
    } catch (failure) {
      setError(failure);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const current = queue?.[index];
  const brandingOf = useBrandings([current?.institution], true);

  const decide = useCallback(async (to: 'REQUEST_CHECKED' | 'REJECTED') => {
    if (!current || busy) return;
    if (to === 'REJECTED' && reason.trim() === '') {
      setRejecting(true);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await cardsApi.move(current.id, { to, expectedVersion: current.version, ...(to === 'REJECTED' ? { comment: reason.trim() } : {}) });
      setNotice(t(to === 'REQUEST_CHECKED' ? 'queue.approved' : 'queue.rejected', { name: `${current.holder.firstName} ${current.holder.lastName}` }));
      setHandled((count) => count + 1);
      setQueue((list) => (list ? list.filter((card) => card.id !== current.id) : list));
      setIndex((previous) => Math.max(0, Math.min(previous, (queue?.length ?? 1) - 2)));
      setRejecting(false);
      setReason('');
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }, [current, busy, reason, t, queue]);

  useEffect(() => {
    if (rejecting) reasonRef.current?.focus();
  }, [rejecting]);

  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (event.ctrlKey || event.metaKey || event.altKey || retouching) return;
      const inField = ['INPUT', 'TEXTAREA', 'SELECT'].includes((event.target as HTMLElement | null)?.tagName ?? '');
      if (rejecting) {
        if (event.key === 'Escape') {
          event.preventDefault();
          setRejecting(false);
        } else if (event.key === 'Enter' && !event.shiftKey) {
          event.preventDefault();
          void decide('REJECTED');
        } else if (!inField || /^[1-6]$/.test(event.key) && reason === '') {
          const template = REJECT_TEMPLATES[Number(event.key) - 1];
          if (template) {
            event.preventDefault();
            setReason(t(`rejectTemplates.${template}.text`));
          }
        }
        return;
      }
      if (inField) return;
      const key = event.key.toLowerCase();
      if (key === 'a') { event.preventDefault(); void decide('REQUEST_CHECKED'); }
      else if (key === 'r') { event.preventDefault(); setRejecting(true); }
      else if (key === 'n' || event.key === 'ArrowRight') { event.preventDefault(); setIndex((value) => Math.min(value + 1, (queue?.length ?? 1) - 1)); }
      else if (key === 'p' || event.key === 'ArrowLeft') { event.preventDefault(); setIndex((value) => Math.max(value - 1, 0)); }
      else if (key === 'e' && current?.photoId) { event.preventDefault(); setRetouching(true); }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [rejecting, decide, queue, current, reason, retouching, t]);

  const photoUrl = current ? cardsApi.photoUrl(current) : null;
  return (
    <Stack gap="sm" data-testid="queue">
      <Group justify="space-between">
        <Title order={1} size="h2">{t('queue.title')}</Title>
        <Group gap="xs">
          <Badge size="lg" color="#1d5fa8" data-testid="queue-remaining">{t('queue.remaining', { count: queue?.length ?? 0 })}</Badge>
          {handled > 0 ? <Badge size="lg" color="#1c6e31">{t('queue.handled', { count: handled })}</Badge> : null}
        </Group>
      </Group>
      <Text size="sm" c="dimmed">
        <Kbd>A</Kbd> {t('queue.keys.approve')} · <Kbd>R</Kbd> {t('queue.keys.reject')} · <Kbd>N</Kbd>/<Kbd>P</Kbd> {t('queue.keys.navigate')} · <Kbd>E</Kbd> {t('queue.keys.retouch')}
      </Text>
      {notice ? <Alert color="green" role="status" data-testid="notice">{notice}</Alert> : null}
      {!rejecting ? <ProblemAlert error={error} /> : null}
      {queue === null ? <Loader role="status" aria-label={t('common.loading')} /> : null}
      {queue && queue.length === 0 ? <Alert color="green" data-testid="queue-empty">{t('queue.empty')}</Alert> : null}
      {current ? (
        <Grid gutter="lg" data-testid="queue-current" data-card-id={current.id}>
          <Grid.Col span={{ base: 12, md: 4 }}>
            <Stack>
              {photoUrl ? <img src={photoUrl} alt={t('cardDetail.photoAlt', { name: `${current.holder.firstName} ${current.holder.lastName}` })} className="queue-photo" /> : <Alert color="orange">{t('cardDetail.noPhoto')}</Alert>}
              {photoUrl ? <Button variant="default" size="xs" onClick={() => setRetouching(true)}>{t('retouch.open')} (E)</Button> : null}
            </Stack>
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 8 }}>
            <Stack>
              <Paper withBorder p="md">
                <Group justify="space-between" mb="xs">
                  <Title order={2} size="h3">{current.holder.lastName.toUpperCase()} {current.holder.firstName}</Title>
                  <Text size="sm">{t('queue.position', { index: index + 1, total: queue?.length ?? 0 })}</Text>
                </Group>
                <SimpleGrid cols={{ base: 1, sm: 2 }} spacing={4}>
                  {/* "Label: value" in English, "Label : value" in French. */}
                  <Text size="sm">{t('common.labelValue', { label: t('person.personType'), value: t(`personType.${current.holder.personType}`, { defaultValue: current.holder.personType }) })}</Text>
                  {several && current.institutionName ? <Text size="sm" data-testid="queue-institution">{t('common.labelValue', { label: t('enrolments.institution'), value: current.institutionName })}</Text> : null}
                  <Text size="sm">{t('common.labelValue', { label: t('person.eppn'), value: current.holder.eppn })}</Text>
                  <Text size="sm">{t('common.labelValue', { label: t('person.studentNumber'), value: current.holder.studentNumber ?? '—' })}</Text>
                  <Text size="sm">{t('common.labelValue', { label: t('person.email'), value: current.holder.email ?? '—' })}</Text>
                  <Text size="sm">{t('common.labelValue', { label: t('cardDetail.requestedAt'), value: formatDateTime(current.requestedAt) })}</Text>
                  <Text size="sm">{t(`state.${current.state}`)} · {t(`channel.${current.requestChannel}`)}</Text>
                </SimpleGrid>
                <Button component={Link} to={`/office/cards/${current.id}`} variant="subtle" size="xs" mt="xs" px={0}>{t('queue.openCard')}</Button>
              </Paper>
              {/* Keyed by holder: the previous holder's cards never show under the next request while it loads. */}
              <HolderCards key={current.personId} card={current} />
              <CardFace
                {...cardFaceOf(current, brandingOf(current.institution))}
                photo={photoUrl ? <img src={photoUrl} alt="" /> : null}
              />
              {rejecting ? (
                <Paper withBorder p="md" data-testid="reject-panel">
                  <Stack gap="xs">
                    <Text fw={700}>{t('queue.rejectTitle')}</Text>
                    <Chip.Group onChange={(key) => setReason(t(`rejectTemplates.${String(key)}.text`))}>
                      <Group gap={6}>
                        {REJECT_TEMPLATES.map((key, position) => (
                          <Chip key={key} value={key} size="xs" data-testid={`template-${key}`}>{position + 1}. {t(`rejectTemplates.${key}.label`)}</Chip>
                        ))}
                      </Group>
                    </Chip.Group>
                    <Textarea
                      ref={reasonRef}
                      label={t('move.rejectReason')}
                      description={t('queue.rejectHelp')}
                      value={reason}
                      onChange={(event) => setReason(event.currentTarget.value)}
                      autosize
                      minRows={2}
                      required
                      error={fieldError(t, error, '/comment')}
                      data-testid="reject-reason-input"
                    />
                    {error && !fieldError(t, error, '/comment') ? <ProblemAlert error={error} /> : null}
                    <Group>
                      <Button color="red" onClick={() => void decide('REJECTED')} loading={busy} disabled={reason.trim() === ''} data-testid="reject-confirm">{t('queue.confirmReject')}</Button>
                      <Button variant="default" onClick={() => setRejecting(false)}>{t('common.cancel')} (Esc)</Button>
                    </Group>
                  </Stack>
                </Paper>
              ) : (
                <Group>
                  <Button size="md" onClick={() => void decide('REQUEST_CHECKED')} loading={busy} data-testid="approve">{t('queue.approve')} (A)</Button>
                  <Button size="md" color="red" variant="outline" onClick={() => setRejecting(true)} data-testid="reject">{t('queue.reject')} (R)</Button>
                  <Button size="md" variant="default" onClick={() => setIndex((value) => Math.min(value + 1, (queue?.length ?? 1) - 1))} data-testid="next">{t('queue.next')} (N)</Button>
                </Group>
              )}
            </Stack>
          </Grid.Col>
        </Grid>
      ) : null}
      {retouching && current ? (
        <PhotoRetouchModal card={current} opened onClose={() => setRetouching(false)} onSaved={(updated) => {
          setRetouching(false);
          setQueue((list) => list?.map((card) => (card.id === updated.id ? { ...card, ...updated } : card)) ?? null);
          setNotice(t('retouch.saved'));
        }} />
      ) : null}
    </Stack>
  );
}
