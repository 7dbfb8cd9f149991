import { Alert, Anchor, Badge, Button, Checkbox, Group, List, Paper, Progress, Stack, Text } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError } from '../api/api-client.ts';
import { cardTemplatesApi, type PrintBatch } from '../api/card-templates.api.ts';
import { useSession } from '../auth/session.context.tsx';
import { actorLabel } from '../shared/actor-label.ts';
import { formatDateTime } from '../shared/format.ts';
import { ProblemAlert } from '../shared/problem-alert.component.tsx';
import { PrintBatchSend } from './print-batch-send.component.tsx';

/** How often a batch being made is read again. */
const POLL_MS = 1000;

const STATUS_COLOR: Record<PrintBatch['status'], string> = { preparing: 'blue', ready: 'teal', taken: 'orange', printed: 'green', failed: 'red' };

/**
 * The print queue as one PDF for the card printer, and the institution's recent batches, read
 * from the server (GET /print-batches) so that they survive a reload: each with its state, card
 * count, who made, took and printed it, and the actions valid in its state (download, send to a
 * printer, confirm). Cards without a photo are left out of the queue's batch unless the operator
 * ticks « Inclure les cartes sans photo »; a batch printing some names them before its file is
 * downloaded or sent.
 */
export function PrintBatchPanel({ onChanged }: { onChanged: () => void }) {
  const { t } = useTranslation();
  const [batches, setBatches] = useState<PrintBatch[] | null>(null);
  const [includeWithoutPhoto, setIncludeWithoutPhoto] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    cardTemplatesApi.batches(controller.signal).then(setBatches, (failure: unknown) => {
      if (!controller.signal.aborted) setError(failure);
    });
    return () => controller.abort();
  }, [reload]);

  const changed = useCallback(() => {
    setReload((value) => value + 1);
    onChanged();
  }, [onChanged]);

  async function printQueue() {
    setBusy(true);
    setError(null);
    try {
      await cardTemplatesApi.printQueue(includeWithoutPhoto);
      changed();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  // Every card of the queue lacks a photo: say so plainly, the checkbox is the way on.
  const onlyWithoutPhoto = error instanceof ApiError && error.code === 'nothing_to_print' && error.field === '/includeWithoutPhoto';
  const making = batches?.some((batch) => batch.status === 'preparing') ?? false;
  return (
    <Paper withBorder p="sm" data-testid="print-batches">
      <Stack gap="xs">
        <Text size="sm">{t('print.batch.intro')}</Text>
        <Group gap="sm">
          <Button size="xs" loading={busy} disabled={making} onClick={() => void printQueue()} data-testid="print-queue-pdf">
            {t('print.batch.printQueue')}
          </Button>
          <Checkbox size="xs" label={t('print.batch.includeWithoutPhoto')} checked={includeWithoutPhoto}
            onChange={(event) => setIncludeWithoutPhoto(event.currentTarget.checked)} data-testid="print-include-without-photo" />
        </Group>
        {onlyWithoutPhoto ? <Alert color="orange" data-testid="print-only-without-photo">{t('print.batch.onlyWithoutPhoto')}</Alert> : <ProblemAlert error={error} />}
        {batches && batches.length > 0 ? <Text size="sm" fw={500}>{t('print.batch.recent')}</Text> : null}
        {batches?.map((batch) => <PrintBatchItem key={batch.id} initial={batch} onChanged={changed} />)}
      </Stack>
    </Paper>
  );
}

/** One batch: its state and the actions valid in it; a batch being made is followed until its PDF is ready. */
function PrintBatchItem({ initial, onChanged }: { initial: PrintBatch; onChanged: () => void }) {
  const { t } = useTranslation();
  const { principal } = useSession();
  const managesPrinters = principal?.role === 'admin' || principal?.role === 'manager';
  const [batch, setBatch] = useState(initial);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const preparing = batch.status === 'preparing';

  useEffect(() => setBatch(initial), [initial]);

  // Follows the batch while its PDF is made; leaving the page stops following (the job goes on).
  useEffect(() => {
    if (!preparing) return undefined;
    const controller = new AbortController();
    const timer = window.setTimeout(() => {
      cardTemplatesApi.batch(batch.id, controller.signal).then(setBatch, (failure: unknown) => {
        if (!controller.signal.aborted) setError(failure);
      });
    }, POLL_MS);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [preparing, batch]);

  const refresh = useCallback(() => {
    void cardTemplatesApi.batch(batch.id).then(setBatch).then(onChanged, setError);
  }, [batch.id, onChanged]);

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      setBatch((await cardTemplatesApi.confirm(batch.id)).batch);
      onChanged();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  function downloaded() {
    // The download took the batch on the server: read it again once the browser asked for it.
    window.setTimeout(refresh, POLL_MS);
  }

  const usable = batch.status === 'ready' || batch.status === 'taken';
  const who = [
    t('print.batch.madeBy', { who: actorLabel(batch.createdBy, batch.createdByName, t), when: formatDateTime(batch.createdAt) }),
    batch.takenBy ? t('print.batch.takenBy', { who: actorLabel(batch.takenBy, batch.takenByName, t), when: formatDateTime(batch.takenAt) }) : null,
    batch.printedBy ? t('print.batch.printedBy', { who: actorLabel(batch.printedBy, batch.printedByName, t), when: formatDateTime(batch.printedAt) }) : null,
  ].filter((line) => line !== null).join(' · ');
  return (
    <Paper withBorder p="xs" data-testid="print-batch" data-batch-id={batch.id} data-status={batch.status}>
      <Stack gap="xs">
        <Group gap="sm">
          <Badge color={STATUS_COLOR[batch.status]} variant="light" data-testid="print-batch-status">{t(`print.batch.status.${batch.status}`)}</Badge>
          <Text size="sm">{t('print.batch.cards', { count: batch.cardCount })}</Text>
          <Text size="xs" c="dimmed">{who}</Text>
        </Group>
        {batch.leftOutWithoutPhoto > 0 ? (
          <Text size="sm" c="orange.8" data-testid="print-batch-left-out">{t('print.batch.leftOut', { count: batch.leftOutWithoutPhoto })}</Text>
        ) : null}
        {batch.withoutPhoto.count > 0 && batch.status !== 'printed' ? (
          <Alert color="orange" title={t('print.batch.withoutPhoto', { count: batch.withoutPhoto.count })} data-testid="print-batch-without-photo">
            <Text size="sm">{t('print.batch.withoutPhotoHelp')}</Text>
            <List size="sm">
              {batch.withoutPhoto.cards.map((card) => (
                <List.Item key={card.cardId}><Anchor component={Link} to={`/office/cards/${card.cardId}`} size="sm">{card.holder}</Anchor></List.Item>
              ))}
            </List>
            {batch.withoutPhoto.count > batch.withoutPhoto.cards.length
              ? <Text size="sm">{t('print.batch.andMore', { count: batch.withoutPhoto.count - batch.withoutPhoto.cards.length })}</Text> : null}
          </Alert>
        ) : null}
        {preparing ? (
          <Group gap="sm">
            <Text size="sm">{t('print.batch.preparing', { current: batch.job?.progress.current ?? 0, total: batch.cardCount })}</Text>
            <Progress value={batch.job?.progress.percent ?? 0} animated style={{ flex: 1 }} aria-label={t('print.batch.progress')} data-testid="print-batch-progress" />
          </Group>
        ) : null}
        {usable ? (
          <Group gap="sm">
            <Anchor href={cardTemplatesApi.fileUrl(batch.id)} download onClick={downloaded} data-testid="print-batch-download">
              {t('print.batch.download', { count: batch.cardCount, pages: batch.pages ?? 0 })}
            </Anchor>
            {batch.status === 'taken' ? (
              <Button size="xs" variant="light" loading={busy} onClick={() => void confirm()} data-testid="print-batch-confirm">
                {t('print.batch.confirm')}
              </Button>
            ) : null}
          </Group>
        ) : null}
        {batch.status === 'ready' ? <Text size="sm" c="dimmed">{t('print.batch.readyHelp')}</Text> : null}
        {managesPrinters && usable ? <PrintBatchSend batch={batch} onChanged={refresh} /> : null}
        {batch.status === 'printed' ? <Text size="sm" c="green.8" data-testid="print-batch-printed">{t('print.batch.printed', { count: batch.cardCount })}</Text> : null}
        {batch.status === 'failed' ? <Text size="sm" c="red">{t('print.batch.failed')}</Text> : null}
        <ProblemAlert error={error} />
      </Stack>
    </Paper>
  );
}
