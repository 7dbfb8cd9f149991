import {
  Alert, Button, Checkbox, FileInput, Group, Paper, Progress, Select, SimpleGrid, Stack, Table, Text, TextInput, Title,
} from '@mantine/core';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { cardMigrationApi, reportOf, type MigrationReport, type MigrationRun } from '../api/card-migration.api.ts';
import { useSession } from '../auth/session.context.tsx';
import { ProblemAlert } from '../shared/problem-alert.component.tsx';
import { usePageTitle } from '../shared/use-page-title.hook.ts';

/** How often a running migration is read again. */
const POLL_MS = 1000;

const isFinished = (run: MigrationRun) => run.status === 'succeeded' || run.status === 'failed';

/** The institutions the caller may migrate into: those of the console's current scope. */
function useInstitutionOptions(): Array<{ value: string; label: string }> {
  const { principal } = useSession();
  return useMemo(() => {
    const all = (principal?.institutions ?? []).filter((institution) => institution.kind === 'institution');
    const current = principal?.currentInstitution ?? null;
    const visible = current === null ? all : all.filter((institution) => institution.code === current || institution.parent === current);
    return visible.map((institution) => ({ value: institution.code, label: institution.name }));
  }, [principal]);
}

/**
 * Migration from another card office system (admins, and managers of the institution): upload
 * an ESUP-SGC export or the generic CSV/ZIP, check it with a dry run (its report: counts per
 * state, conflicts by line, invalid photos), then run it for real as a job with a progress bar.
 * A run that stopped keeps the batches it wrote; running the same file again continues after
 * them (« Reprendre »). The run followed is in the URL (`?run=`), so a reload shows it again.
 */
export function CardMigrationPage() {
  const { t } = useTranslation();
  usePageTitle(t('migration.title'));
  const institutions = useInstitutionOptions();
  const [institution, setInstitution] = useState<string | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [partial, setPartial] = useState(false);
  const [timeZone, setTimeZone] = useState('Europe/Paris');
  const [csnForm, setCsnForm] = useState<'hex' | 'hex_reversed'>('hex');
  const [params, setParams] = useSearchParams();
  const runId = params.get('run');
  const [run, setRun] = useState<MigrationRun | null>(null);
  // The dry run that cleared this file with these options: the real run is offered after it.
  const [checked, setChecked] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const target = institutions.find((option) => option.value === institution)?.value ?? institutions[0]?.value;
  const settings = `${file?.name ?? ''}|${file?.size ?? 0}|${file?.lastModified ?? 0}|${target ?? ''}|${partial}|${timeZone}|${csnForm}`;

  // Follows the run in the URL until it ends; leaving the page stops following (the job goes on).
  const finished = run !== null && run.id === runId && isFinished(run);
  useEffect(() => {
    if (!runId || finished) return undefined;
    const controller = new AbortController();
    const timer = window.setTimeout(() => {
      cardMigrationApi.run(runId, controller.signal).then((next) => {
        setRun(next);
        const report = reportOf(next);
        if (next.status === 'succeeded' && report?.dryRun) setChecked(settings);
      }, (failure: unknown) => {
        if (!controller.signal.aborted) setError(failure);
      });
    }, run?.id === runId ? POLL_MS : 0);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [runId, finished, run, settings]);

  async function start(dryRun: boolean) {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      const started = await cardMigrationApi.start(file, {
        dryRun, partial, timeZone: timeZone.trim() || undefined, csnForm, ...(target ? { institution: target } : {}),
      });
      setRun(started);
      setParams({ run: started.id }, { replace: true });
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  const shown = run !== null && run.id === runId ? run : null;
  const report = shown ? reportOf(shown) : null;
  const running = shown !== null && !isFinished(shown);
  const realRunStopped = shown?.status === 'failed' && shown.params.dryRun !== true && (report === null || !report.rejected);
  const cleared = checked === settings && file !== null;
  return (
    <Stack>
      <Title order={1} size="h2">{t('migration.title')}</Title>
      <Text size="sm">{t('migration.intro')}</Text>
      <Paper withBorder p="sm">
        <Stack gap="sm" maw={640}>
          {institutions.length > 1 ? (
            <Select label={t('migration.institution')} data={institutions} value={target ?? null} allowDeselect={false}
              onChange={setInstitution} disabled={running} data-testid="migration-institution" />
          ) : null}
          <FileInput label={t('migration.file')} accept=".zip,.csv,application/zip,text/csv" value={file} onChange={setFile} clearable
            clearButtonProps={{ 'aria-label': t('migration.clearFile') }} disabled={running} data-testid="migration-file" />
          <Checkbox label={t('migration.partial')} checked={partial} onChange={(event) => setPartial(event.currentTarget.checked)}
            disabled={running} data-testid="migration-partial" />
          <Group grow>
            <TextInput label={t('migration.timeZone')} value={timeZone} onChange={(event) => setTimeZone(event.currentTarget.value)} disabled={running} />
            <Select label={t('migration.csnForm')} value={csnForm} allowDeselect={false} disabled={running}
              data={[{ value: 'hex', label: t('migration.csnHex') }, { value: 'hex_reversed', label: t('migration.csnHexReversed') }]}
              onChange={(value) => setCsnForm(value === 'hex_reversed' ? 'hex_reversed' : 'hex')} />
          </Group>
          <Group gap="sm">
            <Button variant="light" disabled={!file || running} loading={busy} onClick={() => void start(true)} data-testid="migration-dry-run">
              {t('migration.dryRun')}
            </Button>
            <Button disabled={!cleared || running} loading={busy} onClick={() => void start(false)} data-testid="migration-run">
              {t('migration.run')}
            </Button>
            {realRunStopped ? (
              <Button color="orange" disabled={!file || running} loading={busy} onClick={() => void start(false)} data-testid="migration-resume">
                {t('migration.resume')}
              </Button>
            ) : null}
          </Group>
          {realRunStopped && !file ? <Text size="sm" c="dimmed">{t('migration.fileLost')}</Text> : null}
        </Stack>
      </Paper>
      <ProblemAlert error={error} />
      {shown && running ? <RunProgress run={shown} /> : null}
      {realRunStopped ? (
        <Alert color="red" data-testid="migration-stopped">
          <Text size="sm">{t('migration.failed')}</Text>
          {typeof shown.error?.message === 'string' ? <Text size="sm" c="dimmed">{shown.error.message}</Text> : null}
        </Alert>
      ) : null}
      {report ? <MigrationReportView report={report} /> : null}
      {report?.dryRun && !report.rejected ? <Alert color="green" data-testid="migration-ready">{t('migration.readyToRun')}</Alert> : null}
      {report?.rejected && report.fileErrors.length === 0 ? <Alert color="orange">{t('migration.conflictsBlock')}</Alert> : null}
      {report?.dryRun && report.conflicts.some((conflict) => conflict.code === 'unknown_person')
        ? <Alert color="blue" data-testid="migration-unknown-persons">{t('migration.unknownPersonsHint')}</Alert> : null}
    </Stack>
  );
}

function RunProgress({ run }: { run: MigrationRun }) {
  const { t } = useTranslation();
  const dryRun = run.params.dryRun === true;
  const { current, total, percent } = run.progress;
  return (
    <Paper withBorder p="sm" data-testid="migration-progress">
      <Stack gap={4}>
        <Text size="sm">{run.status === 'queued' ? t('migration.waiting')
          : t(dryRun ? 'migration.checking' : 'migration.running', { current, total: total ?? '…' })}</Text>
        <Progress value={percent ?? 0} animated aria-label={t('migration.progress')} />
      </Stack>
    </Paper>
  );
}

/**
 * A dry run's or a run's report: totals, cards per state, conflicts by line. A conflict reads in
 * the interface's language by its code; the server's (English) message is kept for a code this
 * page does not know yet.
 */
function MigrationReportView({ report }: { report: MigrationReport }) {
  const { t } = useTranslation();
  const title = report.rejected ? t('migration.refusedTitle') : report.dryRun ? t('migration.dryRunTitle') : t('migration.doneTitle');
  const photoFaults = report.conflicts.filter((conflict) => conflict.code.startsWith('photo_')).length;
  const figures: Array<[string, string | number]> = [
    [t('migration.format'), report.format === 'esup-sgc' ? t('migration.formatEsup') : report.format === 'generic' ? t('migration.formatGeneric') : '—'],
    [t('migration.totalLines'), report.totalLines],
    [report.dryRun ? t('migration.valid') : t('migration.imported'), report.dryRun ? report.valid : report.imported],
    [t('migration.alreadyMigrated'), report.alreadyMigrated],
    [t('migration.invalid'), report.invalid],
    [t('migration.persons'), `${report.persons.matched} / ${report.persons.created}`],
    [t('migration.photos'), report.photos],
    [t('migration.invalidPhotos'), photoFaults],
  ];
  const errors = report.fileErrors.length > 0 ? report.fileErrors : report.conflicts;
  return (
    <Paper withBorder p="sm" data-testid="migration-report">
      <Stack gap="sm">
        <Title order={2} size="h4">{title}</Title>
        <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="xs">
          {figures.map(([label, value]) => (
            <div key={label}>
              <Text size="xs" c="dimmed">{label}</Text>
              <Text fw={600}>{value}</Text>
            </div>
          ))}
        </SimpleGrid>
        <Table withTableBorder maw={420} data-testid="migration-by-state">
          <Table.Caption>{t('migration.byState')}</Table.Caption>
          <Table.Thead><Table.Tr><Table.Th>{t('migration.state')}</Table.Th><Table.Th>{t('migration.count')}</Table.Th></Table.Tr></Table.Thead>
          <Table.Tbody>
            {Object.entries(report.byState).map(([state, count]) => (
              <Table.Tr key={state}><Table.Td>{t(`state.${state}`, { defaultValue: state })}</Table.Td><Table.Td>{count}</Table.Td></Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Title order={3} size="h5">{report.fileErrors.length > 0 ? t('migration.fileErrors') : t('migration.conflicts')}</Title>
        {errors.length === 0 ? <Text size="sm" data-testid="migration-no-conflict">{t('migration.noConflict')}</Text> : (
          <Table withTableBorder striped data-testid="migration-conflicts">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('migration.line')}</Table.Th><Table.Th>{t('migration.field')}</Table.Th>
                <Table.Th>{t('migration.code')}</Table.Th><Table.Th>{t('migration.detail')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {errors.map((conflict, index) => (
                <Table.Tr key={`${conflict.line}-${conflict.code}-${index}`}>
                  <Table.Td>{conflict.line}</Table.Td><Table.Td>{conflict.field ?? ''}</Table.Td>
                  <Table.Td>{conflict.code}</Table.Td>
                  <Table.Td data-testid="migration-conflict-detail">{t(`migration.conflictCodes.${conflict.code}`, { defaultValue: conflict.message })}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        {report.conflictsTruncated ? <Text size="sm" c="dimmed">{t('migration.truncated')}</Text> : null}
        {!report.dryRun ? <Text size="sm" c="dimmed">{t('migration.rerunHelp')}</Text> : null}
      </Stack>
    </Paper>
  );
}
