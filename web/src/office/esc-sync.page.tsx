import { Alert, Anchor, Badge, Button, Group, Loader, Paper, Progress, SegmentedControl, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { adminApi, type JobRun } from '../api/admin.api.ts';
import { escApi, type EscSyncEntry } from '../api/esc.api.ts';
import { useSession } from '../auth/session.context.tsx';
import { institutionOf, severalInView } from '../shared/institution-scope.ts';
import { formatDateTime, formatNumber } from '../shared/format.ts';
import { JobRecoveryNotice } from '../shared/job-recovery-notice.component.tsx';
import { ProblemAlert } from '../shared/problem-alert.component.tsx';
import { useApi } from '../shared/use-api.hook.ts';
import { usePageTitle } from '../shared/use-page-title.hook.ts';

const STATUS_COLORS: Record<string, string> = { pending: '#1d5fa8', done: '#1c6e31', failed: '#a61e1e' };
const ENTRY_STATUSES = ['failed', 'pending', 'done'] as const satisfies ReadonlyArray<EscSyncEntry['status']>;

/**
 * ESC Router sync for operators: counts, failures with the router's error, replay one or all,
 * and a full reconciliation with a progress bar. Each entry names its holder (a link to their
 * cards) and its card (a link to the card page). Refreshes itself every few seconds.
 */
export function EscSyncPage() {
  const { t } = useTranslation();
  usePageTitle(t('esc.title'));
  const { principal } = useSession();
  // Entries of several institutions, each sent with its own PIC and key: each row says whose it is.
  const several = severalInView(principal);
  const isAdmin = principal?.role === 'admin';
  const [chosenFilter, setFilter] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const status = useApi((signal) => escApi.status(signal), [tick]);
  // Failures first when there are any; otherwise every delivery, so that one sees the sync at work.
  const filter = chosenFilter ?? (status.data && status.data.counts.failed === 0 ? 'all' : 'failed');
  const entries = useApi((signal) => escApi.entries({ status: ENTRY_STATUSES.find((value) => value === filter), limit: 100 }, signal).then((answer) => answer.items), [filter, tick]);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [job, setJob] = useState<JobRun | null>(null);

  useEffect(() => {
    const timer = window.setInterval(() => setTick((value) => value + 1), 5000);
    return () => window.clearInterval(timer);
  }, []);

  useEffect(() => {
    if (!job || job.finishedAt) return;
    const timer = window.setTimeout(() => {
      adminApi.job(job.id).then(setJob, setError);
    }, 1000);
    return () => window.clearTimeout(timer);
  }, [job]);

  async function run(action: 'replayFailed' | 'reconcile' | number) {
    setBusy(String(action));
    setError(null);
    setNotice(null);
    try {
      if (action === 'replayFailed') setNotice(t('esc.replayedAll', { count: (await escApi.replayFailed()).count }));
      else if (action === 'reconcile') setJob((await escApi.reconcile()) as JobRun);
      else {
        await escApi.replay(action);
        setNotice(t('esc.replayed'));
      }
      setTick((value) => value + 1);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(null);
    }
  }

  const counts = status.data?.counts;
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">{t('esc.title')}</Title>
        {isAdmin && status.data?.enabled ? (
          <Group>
            <Button variant="default" size="xs" onClick={() => void run('replayFailed')} loading={busy === 'replayFailed'} disabled={!counts?.failed} data-testid="replay-all">{t('esc.replayAll')}</Button>
            <Button size="xs" onClick={() => void run('reconcile')} loading={busy === 'reconcile'} data-testid="reconcile">{t('esc.reconcile')}</Button>
          </Group>
        ) : null}
      </Group>
      {notice ? <Alert color="green" role="status">{notice}</Alert> : null}
      <ProblemAlert error={error ?? status.error} />
      {status.data && !status.data.enabled ? <Alert color="gray" data-testid="esc-off">{t('esc.off')}</Alert> : null}
      {status.data?.routerUrl ? <Alert color="gray" data-testid="esc-router-external">{t('esc.routerExternal', { url: status.data.routerUrl })}</Alert> : null}
      {status.data?.router === 'embedded_simulator' ? <Alert color="blue" data-testid="esc-router-embedded">{t('esc.routerEmbedded')}</Alert> : null}
      {job ? (
        <Paper withBorder p="sm" data-testid="reconcile-job">
          <Text size="sm" fw={600}>{t('esc.reconcileJob', { status: job.status })}</Text>
          <Progress value={job.progress.percent ?? (job.finishedAt ? 100 : 0)} animated={!job.finishedAt} aria-label={t('esc.reconcile')} mt={4} />
          {/* Once a worker was lost, the notice says it in the visitor's language instead of the server's message. */}
          {job.message && (!job.recovery || job.status === 'running') ? <Text size="xs" mt={4}>{job.message}</Text> : null}
          <JobRecoveryNotice job={job} />
        </Paper>
      ) : null}
      {counts ? (
        <SimpleGrid cols={{ base: 2, md: 4 }} data-testid="esc-counts">
          {(['pending', 'retrying', 'failed', 'done'] as const).map((key) => (
            <Paper key={key} withBorder p="md">
              <Text size="sm" c="dimmed" fw={600}>{t(`esc.counts.${key}`)}</Text>
              <Text fz={28} fw={800} data-testid={`esc-count-${key}`}>{formatNumber(counts[key])}</Text>
            </Paper>
          ))}
        </SimpleGrid>
      ) : status.loading ? <Loader role="status" aria-label={t('common.loading')} /> : null}
      {status.data?.oldestPendingAt ? <Text size="sm">{t('esc.oldestPending', { date: formatDateTime(status.data.oldestPendingAt) })}</Text> : null}
      <Group justify="space-between">
        <Title order={2} size="h4">{t('esc.entries')}</Title>
        <SegmentedControl
          size="xs"
          value={filter}
          onChange={setFilter}
          aria-label={t('esc.filter')}
          data={[...ENTRY_STATUSES, 'all'].map((value) => ({ value, label: t(`esc.filters.${value}`) }))}
        />
      </Group>
      <ProblemAlert error={entries.error} />
      <Table.ScrollContainer minWidth={960}>
        <Table striped verticalSpacing={4} data-testid="esc-entries">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>#</Table.Th>
              {several ? <Table.Th>{t('cards.columns.institution')}</Table.Th> : null}
              <Table.Th>{t('esc.columns.holder')}</Table.Th>
              <Table.Th>{t('esc.columns.card')}</Table.Th>
              <Table.Th>{t('esc.columns.reason')}</Table.Th>
              <Table.Th>{t('esc.columns.status')}</Table.Th>
              <Table.Th>{t('esc.columns.attempts')}</Table.Th>
              <Table.Th>{t('esc.columns.createdAt')}</Table.Th>
              <Table.Th>{t('esc.columns.error')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(entries.data ?? []).map((entry) => (
              <Table.Tr key={entry.id} data-testid="esc-entry" data-status={entry.status}>
                <Table.Td>{entry.id}</Table.Td>
                {several ? <Table.Td data-testid="esc-entry-institution">{institutionOf(principal, entry.institution)?.name ?? entry.institution}</Table.Td> : null}
                <Table.Td data-testid="esc-entry-holder">
                  {entry.holder ? (
                    <Anchor
                      component={Link}
                      to={`/office/cards?q=${encodeURIComponent(entry.holder.eppn)}`}
                      size="sm"
                      title={t('esc.columns.holderCards', { name: `${entry.holder.firstName} ${entry.holder.lastName}` })}
                    >
                      {entry.holder.lastName.toUpperCase()} {entry.holder.firstName}
                    </Anchor>
                  ) : <Text size="sm" c="dimmed">{t('esc.columns.holderGone')}</Text>}
                </Table.Td>
                <Table.Td data-testid="esc-entry-card">
                  {entry.card ? (
                    <Anchor component={Link} to={`/office/cards/${entry.card.id}`} size="xs" ff="monospace" style={{ overflowWrap: 'anywhere' }}>{entry.card.escn}</Anchor>
                  ) : null}
                </Table.Td>
                <Table.Td>{t(`esc.reasons.${entry.reason}`, { defaultValue: entry.reason })}</Table.Td>
                <Table.Td><Badge color={STATUS_COLORS[entry.status] ?? '#495057'}>{t(`esc.status.${entry.status}`)}</Badge></Table.Td>
                <Table.Td>{entry.attempts}</Table.Td>
                <Table.Td>{formatDateTime(entry.createdAt)}</Table.Td>
                <Table.Td fz="xs">{entry.lastError ? `${entry.lastError.code}${entry.lastError.routerStatus ? ` (${entry.lastError.routerStatus})` : ''}: ${entry.lastError.message}` : ''}</Table.Td>
                <Table.Td>
                  {isAdmin && entry.status === 'failed' ? (
                    <Button size="xs" variant="outline" loading={busy === String(entry.id)} onClick={() => void run(entry.id)}>{t('esc.replay')}</Button>
                  ) : null}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {entries.data && entries.data.length === 0 ? <Text c="dimmed" size="sm">{t(filter === 'failed' ? 'esc.noFailures' : 'esc.noEntries')}</Text> : null}
    </Stack>
  );
}
