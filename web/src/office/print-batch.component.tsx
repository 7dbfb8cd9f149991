import { Alert, Anchor, Button, Group, Paper, Progress, Stack, Text } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { cardTemplatesApi, type PrintBatch } from '../api/card-templates.api.ts';
import { useSession } from '../auth/session.context.tsx';
import { ProblemAlert } from '../shared/problem-alert.component.tsx';
import { PrintBatchSend } from './print-batch-send.component.tsx';

/** How often a batch being made is read again. */
const POLL_MS = 1000;

/**
 * The print queue as one PDF for the card printer: a batch made by a job (progress bar), a
 * download link (downloading takes the batch: its cards go IN_PRINT), then « Confirmer
 * l'impression » once the cards came out (they go PRINTED and keep the template they were
 * printed with); or, for admins and managers, « Envoyer à l'imprimante » to one of the
 * institution's online card printers, whose client prints it and moves the cards to PRINTED.
 */
export function PrintBatchPanel({ onChanged }: { onChanged: () => void }) {
  const { t } = useTranslation();
  const { principal } = useSession();
  const managesPrinters = principal?.role === 'admin' || principal?.role === 'manager';
  const [batch, setBatch] = useState<PrintBatch | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const preparing = batch?.status === 'preparing';
  const batchId = batch?.id;

  // Follows the batch while its PDF is made; leaving the page stops following (the job goes on).
  useEffect(() => {
    if (!preparing || !batchId) return undefined;
    const controller = new AbortController();
    const timer = window.setTimeout(() => {
      cardTemplatesApi.batch(batchId, controller.signal).then(setBatch, (failure: unknown) => {
        if (!controller.signal.aborted) setError(failure);
      });
    }, POLL_MS);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [preparing, batchId, batch]);

  async function run(action: () => Promise<PrintBatch>) {
    setBusy(true);
    setError(null);
    try {
      setBatch(await action());
      onChanged();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  // Read again after the batch went to a printer (taken) or its job ended (printed).
  const refresh = useCallback(() => {
    if (batchId) void cardTemplatesApi.batch(batchId).then(setBatch).then(onChanged, setError);
  }, [batchId, onChanged]);

  function downloaded() {
    // The download took the batch on the server: read it again once the browser asked for it.
    if (batchId) window.setTimeout(() => void cardTemplatesApi.batch(batchId).then(setBatch).then(onChanged, setError), POLL_MS);
  }

  const percent = batch?.job?.progress.percent ?? 0;
  return (
    <Paper withBorder p="sm" data-testid="print-batch">
      <Stack gap="xs">
        <Text size="sm">{t('print.batch.intro')}</Text>
        <Group gap="sm">
          <Button size="xs" loading={busy && !batch} disabled={preparing} onClick={() => void run(() => cardTemplatesApi.printQueue())} data-testid="print-queue-pdf">
            {t('print.batch.printQueue')}
          </Button>
          {batch && (batch.status === 'ready' || batch.status === 'taken') ? (
            <Anchor href={cardTemplatesApi.fileUrl(batch.id)} download onClick={downloaded} data-testid="print-batch-download">
              {t('print.batch.download', { count: batch.cardCount, pages: batch.pages ?? 0 })}
            </Anchor>
          ) : null}
          {batch && batch.status === 'taken' ? (
            <Button size="xs" variant="light" loading={busy} onClick={() => void run(async () => (await cardTemplatesApi.confirm(batch.id)).batch)}
              data-testid="print-batch-confirm">
              {t('print.batch.confirm')}
            </Button>
          ) : null}
        </Group>
        {preparing ? (
          <Group gap="sm">
            <Text size="sm">{t('print.batch.preparing', { current: batch.job?.progress.current ?? 0, total: batch.cardCount })}</Text>
            <Progress value={percent} animated style={{ flex: 1 }} aria-label={t('print.batch.progress')} data-testid="print-batch-progress" />
          </Group>
        ) : null}
        {batch?.status === 'ready' ? <Text size="sm" c="dimmed">{t('print.batch.readyHelp')}</Text> : null}
        {batch && managesPrinters && (batch.status === 'ready' || batch.status === 'taken') ? <PrintBatchSend batch={batch} onChanged={refresh} /> : null}
        {batch?.status === 'printed' ? <Alert color="green" data-testid="print-batch-printed">{t('print.batch.printed', { count: batch.cardCount })}</Alert> : null}
        {batch?.status === 'failed' ? <Alert color="red">{t('print.batch.failed')}</Alert> : null}
        <ProblemAlert error={error} />
      </Stack>
    </Paper>
  );
}
