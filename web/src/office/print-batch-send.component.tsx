import { Button, Group, Progress, Select, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PrintBatch } from '../api/card-templates.api.ts';
import { printersApi, type Printer, type PrinterJob } from '../api/printers.api.ts';
import { ProblemAlert } from '../shared/problem-alert.component.tsx';

/** How often the job sent to a printer is read again while it prints. */
const POLL_MS = 2000;

const finished = (job: PrinterJob) => job.status === 'done' || job.status === 'failed' || job.status === 'cancelled';

/**
 * « Envoyer à l'imprimante »: the batch's institution's printers that are online, enabled and,
 * for a batch with backs, two-sided; sending takes the batch for the printer (its cards go
 * IN_PRINT) and queues a job its client prints. A batch already sent (seen again after a reload)
 * shows its newest job. The job's progress is followed until it ends;
 * `onChanged` is called when it is sent and when it ends (the cards moved).
 */
export function PrintBatchSend({ batch, onChanged }: { batch: PrintBatch; onChanged: () => void }) {
  const { t } = useTranslation();
  const [printers, setPrinters] = useState<Printer[] | null>(null);
  const [printerId, setPrinterId] = useState<string | null>(null);
  const [job, setJob] = useState<PrinterJob | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const controller = new AbortController();
    printersApi.list(controller.signal).then(async (answer) => {
      setPrinters(answer.items);
      // A batch taken may have been sent already (before a reload): find its newest job to follow it.
      if (batch.status !== 'taken') return;
      const mine = answer.items.filter((printer) => printer.institution === batch.institution);
      const jobs = (await Promise.all(mine.map((printer) => printersApi.jobs(printer.id, controller.signal))))
        .flatMap((list) => list.items).filter((item) => item.batchId === batch.id);
      const newest = jobs.sort((one, other) => other.createdAt.localeCompare(one.createdAt))[0];
      if (newest) {
        setPrinterId(newest.printerId);
        setJob(newest);
      }
    }).catch((failure: unknown) => {
      if (!controller.signal.aborted) setError(failure);
    });
    return () => controller.abort();
  }, [batch.id, batch.status, batch.institution]);

  const jobId = job?.id;
  const jobDone = job ? finished(job) : true;
  useEffect(() => {
    if (!jobId || jobDone || !printerId) return undefined;
    const controller = new AbortController();
    const timer = window.setTimeout(() => {
      printersApi.jobs(printerId, controller.signal).then((answer) => {
        const now = answer.items.find((item) => item.id === jobId);
        if (!now) return;
        setJob(now);
        if (finished(now)) onChanged();
      }, (failure: unknown) => {
        if (!controller.signal.aborted) setError(failure);
      });
    }, POLL_MS);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [jobId, jobDone, printerId, job, onChanged]);

  if (printers === null) return <ProblemAlert error={error} />;
  const usable = printers.filter((printer) => printer.institution === batch.institution && printer.enabled && printer.online
    && (!batch.duplex || printer.duplex));
  const chosen = usable.find((printer) => printer.id === printerId) ?? null;

  async function send() {
    if (!chosen) return;
    setBusy(true);
    setError(null);
    try {
      setJob(await printersApi.sendBatch(batch.id, chosen.id));
      onChanged();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  const sentTo = job ? printers.find((printer) => printer.id === job.printerId)?.name ?? '' : '';
  return (
    <Stack gap="xs" data-testid="print-batch-send">
      <Text size="sm" fw={500}>{t('print.batch.sendTitle')}</Text>
      {usable.length === 0 ? <Text size="sm" c="dimmed" data-testid="print-batch-no-printer">{t('print.batch.noPrinter')}</Text> : (
        <Group gap="sm" align="end">
          <Select size="xs" label={t('print.batch.printer')} data={usable.map((printer) => ({ value: printer.id, label: printer.site ? `${printer.name} (${printer.site})` : printer.name }))}
            value={chosen?.id ?? null} onChange={setPrinterId} allowDeselect={false} disabled={job !== null} data-testid="print-batch-printer" />
          <Button size="xs" disabled={!chosen || job !== null} loading={busy} onClick={() => void send()} data-testid="print-batch-send-button">
            {t('print.batch.send')}
          </Button>
        </Group>
      )}
      {job ? (
        <Stack gap={4} data-testid="print-batch-job">
          <Text size="sm" data-testid="print-batch-job-status">{t('print.batch.sent', { name: sentTo, status: t(`printers.jobStatus.${job.status}`) })}</Text>
          <Progress value={job.pagesTotal ? Math.round(100 * job.pagesDone / job.pagesTotal) : 0} animated={!finished(job)}
            aria-label={t('printers.progress', { done: job.pagesDone, total: job.pagesTotal ?? 0 })} />
          {job.status === 'failed' && job.error?.message ? <Text size="sm" c="red">{job.error.message}</Text> : null}
          {!finished(job) ? <Text size="sm" c="dimmed">{t('print.batch.sentHelp')}</Text> : null}
        </Stack>
      ) : null}
      <ProblemAlert error={error} />
    </Stack>
  );
}
