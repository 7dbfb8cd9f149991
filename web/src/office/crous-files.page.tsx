import {
  ActionIcon, Alert, Anchor, Badge, Button, Checkbox, Code, FileInput, Group, MultiSelect, NumberInput, Paper, Progress, ScrollArea, SegmentedControl, Select,
  Stack, Switch, Table, Tabs, Text, TextInput, Title,
} from '@mantine/core';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { adminApi, type JobRun } from '../api/admin.api.ts';
import { ApiError, type ApiProblemItem } from '../api/api-client.ts';
import {
  ACCOUNT_FILE_FIELDS, ACCOUNT_FILE_KINDS, crousFilesApi,
  type AccountFileField, type AccountFileKind, type AccountFilePreview, type AccountFileSettings, type CardFileReport,
} from '../api/crous-files.api.ts';
import { useSession } from '../auth/session.context.tsx';
import { actorLabel } from '../shared/actor-label.ts';
import { formatDateTime, formatNumber } from '../shared/format.ts';
import { fieldError } from '../shared/problem-messages.ts';
import { ProblemAlert } from '../shared/problem-alert.component.tsx';
import { useApi } from '../shared/use-api.hook.ts';
import { usePersonTypesOf } from '../shared/use-institution.hook.ts';
import { usePageTitle } from '../shared/use-page-title.hook.ts';

const SEPARATORS = [';', ',', '|', '\t'] as const;
const ENCODINGS = ['utf-8', 'iso-8859-1', 'windows-1252'] as const;
const DATE_FORMATS = ['YYYY-MM-DD', 'DD/MM/YYYY', 'YYYYMMDD'] as const;
const TABS = ['accounts', 'cards'] as const;

/** The institutions the page may work on: those the console is switched to, else all the account covers. */
function useInstitutionChoice(): { options: Array<{ value: string; label: string }>; value: string | null; setValue: (code: string) => void } {
  const { principal } = useSession();
  const options = useMemo(() => {
    const all = (principal?.institutions ?? []).filter((institution) => institution.kind === 'institution');
    const current = principal?.currentInstitution ?? null;
    const visible = current === null ? all : all.filter((institution) => institution.code === current || institution.parent === current);
    return visible.map((institution) => ({ value: institution.code, label: institution.name }));
  }, [principal]);
  const [chosen, setChosen] = useState<string | null>(null);
  const value = options.find((option) => option.value === chosen)?.value ?? options[0]?.value ?? null;
  return { options, value, setValue: setChosen };
}

/**
 * CROUS / Izly through files (admins): per institution, the four account files with their
 * columns, separator, encoding, header and date format, a preview, « Générer » and the history of
 * the files produced (download again); and the import of the CROUS's pre-encoded card file with
 * its per-line report.
 */
export function CrousFilesPage() {
  const { t } = useTranslation();
  usePageTitle(t('crousFiles.title'));
  const [params, setParams] = useSearchParams();
  const tab = TABS.find((candidate) => candidate === params.get('tab')) ?? 'accounts';
  const institution = useInstitutionChoice();
  return (
    <Stack>
      <Title order={1} size="h2">{t('crousFiles.title')}</Title>
      <Text c="dimmed" size="sm">{t('crousFiles.intro')}</Text>
      {institution.options.length > 1 ? (
        <Select label={t('crousFiles.institution')} data={institution.options} value={institution.value} allowDeselect={false} maw={420}
          onChange={(value) => value && institution.setValue(value)} data-testid="crous-institution" />
      ) : null}
      <Tabs value={tab} onChange={(value) => setParams(value ? { tab: value } : {})} keepMounted={false}>
        <Tabs.List>
          {TABS.map((value) => <Tabs.Tab key={value} value={value} data-testid={`crous-tab-${value}`}>{t(`crousFiles.tabs.${value}`)}</Tabs.Tab>)}
        </Tabs.List>
        <Tabs.Panel value="accounts" pt="md">{institution.value ? <AccountFilesPanel key={institution.value} institution={institution.value} /> : null}</Tabs.Panel>
        <Tabs.Panel value="cards" pt="md">{institution.value ? <CardFilePanel key={institution.value} institution={institution.value} /> : null}</Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

function AccountFilesPanel({ institution }: { institution: string }) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<AccountFileKind>('re_enrolments');
  const [tick, setTick] = useState(0);
  const configs = useApi((signal) => crousFilesApi.configs(institution, signal), [institution, tick]);
  const history = useApi((signal) => crousFilesApi.history(institution, signal), [institution, tick]);
  const config = configs.data?.items.find((item) => item.kind === kind);
  return (
    <Stack>
      <ProblemAlert error={configs.error} />
      {configs.data && configs.data.uai === null ? <Alert color="yellow" variant="light">{t('crousFiles.noUai')}</Alert> : null}
      <SegmentedControl value={kind} onChange={(value) => setKind(value as AccountFileKind)} data-testid="crous-kind"
        data={ACCOUNT_FILE_KINDS.map((value) => ({ value, label: t(`crousFiles.kinds.${value}`) }))} />
      <Text size="sm" c="dimmed">{t(`crousFiles.kindHelp.${kind}`)}</Text>
      {config ? (
        <SettingsEditor key={kind} institution={institution} kind={kind} initial={config.settings} saved={config.saved}
          effectivePersonTypes={config.effectivePersonTypes} nextRunAt={config.nextRunAt} onChanged={() => setTick((value) => value + 1)} />
      ) : null}
      <Title order={2} size="h4">{t('crousFiles.history')}</Title>
      <ProblemAlert error={history.error} />
      {history.data && history.data.items.length === 0 ? <Text c="dimmed">{t('crousFiles.noFiles')}</Text> : null}
      {history.data && history.data.items.length > 0 ? (
        <ScrollArea>
          <Table striped data-testid="crous-history">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('crousFiles.columnsHeader.date')}</Table.Th>
                <Table.Th>{t('crousFiles.columnsHeader.kind')}</Table.Th>
                <Table.Th>{t('crousFiles.columnsHeader.lines')}</Table.Th>
                <Table.Th>{t('crousFiles.columnsHeader.by')}</Table.Th>
                <Table.Th>{t('crousFiles.columnsHeader.file')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {history.data.items.map((file) => (
                <Table.Tr key={file.id} data-testid="crous-history-row">
                  <Table.Td>{formatDateTime(file.createdAt)}</Table.Td>
                  <Table.Td>{t(`crousFiles.kinds.${file.kind}`)}{file.trigger === 'schedule' ? <Badge ml="xs" variant="light">{t('crousFiles.scheduled')}</Badge> : null}</Table.Td>
                  <Table.Td>{formatNumber(file.lineCount)}</Table.Td>
                  <Table.Td>{actorLabel(file.createdBy, file.createdByName, t)}</Table.Td>
                  <Table.Td>
                    <Anchor href={crousFilesApi.contentUrl(file.id)} download={file.fileName} data-testid="crous-download">{t('crousFiles.download', { name: file.fileName })}</Anchor>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollArea>
      ) : null}
    </Stack>
  );
}

interface EditorProps {
  institution: string;
  kind: AccountFileKind;
  initial: AccountFileSettings;
  saved: boolean;
  effectivePersonTypes: string[];
  nextRunAt: string | null;
  onChanged(): void;
}

function SettingsEditor({ institution, kind, initial, saved, effectivePersonTypes, nextRunAt, onChanged }: EditorProps) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<AccountFileSettings>(initial);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [preview, setPreview] = useState<AccountFilePreview | null>(null);
  const [job, setJob] = useState<JobRun | null>(null);
  const types = usePersonTypesOf([institution])?.[0]?.types ?? [];
  const set = <K extends keyof AccountFileSettings>(key: K, value: AccountFileSettings[K]) => setDraft((current) => ({ ...current, [key]: value }));
  const setColumn = (index: number, change: Partial<AccountFileSettings['columns'][number]>) =>
    set('columns', draft.columns.map((column, i) => (i === index ? { ...column, ...change } : column)));
  const move = (index: number, by: number) => {
    const columns = [...draft.columns];
    const [column] = columns.splice(index, 1);
    if (column) columns.splice(index + by, 0, column);
    set('columns', columns);
  };
  const unused = ACCOUNT_FILE_FIELDS.filter((field) => !draft.columns.some((column) => column.field === field));

  async function run(action: 'save' | 'preview' | 'generate') {
    setBusy(action);
    setError(null);
    setNotice(null);
    try {
      if (action === 'save') {
        await crousFilesApi.saveConfig(institution, kind, draft);
        setNotice(t('crousFiles.saved'));
        onChanged();
      } else if (action === 'preview') {
        setPreview(await crousFilesApi.preview(institution, kind, draft));
      } else {
        setJob((await crousFilesApi.generate(institution, kind)).job);
      }
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(null);
    }
  }

  // The generation job: followed every second until it ends, then its outcome is said and the history reloaded.
  useEffect(() => {
    if (!job) return;
    if (job.status === 'succeeded') {
      const result = job.result as { lineCount?: number; fileName?: string } | null;
      setNotice(t('crousFiles.generated', { count: result?.lineCount ?? 0, name: result?.fileName ?? '' }));
      setJob(null);
      onChanged();
      return;
    }
    if (job.status === 'failed') {
      const failure = job.error as { code?: string; message?: string } | null;
      setError(new ApiError(422, failure?.code ?? 'crous_file_failed', failure?.message));
      setJob(null);
      return;
    }
    const timer = window.setTimeout(() => {
      adminApi.job(job.id).then(setJob, setError);
    }, 1000);
    return () => window.clearTimeout(timer);
  }, [job]);

  const errorAt = (pointer: string) => fieldError(t, error, pointer);
  return (
    <Paper withBorder p="md">
      <Stack>
        <Group justify="space-between">
          <Title order={2} size="h4">{t('crousFiles.settings')}</Title>
          {saved ? null : <Badge variant="light" color="gray">{t('crousFiles.defaults')}</Badge>}
        </Group>
        <Stack gap="xs" data-testid="crous-columns">
          <Text fw={500} size="sm">{t('crousFiles.columns')}</Text>
          {draft.columns.map((column, index) => (
            <Group key={`${column.field}-${index}`} gap="xs" wrap="nowrap" align="flex-start">
              <Text size="sm" w={24} pt={6}>{index + 1}</Text>
              <Select size="xs" aria-label={t('crousFiles.columnField', { index: index + 1 })} value={column.field} allowDeselect={false}
                data={[column.field, ...unused].map((field) => ({ value: field, label: t(`crousFiles.fields.${field}`) }))}
                onChange={(value) => value && setColumn(index, { field: value as AccountFileField, label: column.label === column.field ? value : column.label })}
                error={errorAt(`/columns/${index}/field`)} data-testid={`crous-column-field-${index}`} />
              <TextInput size="xs" aria-label={t('crousFiles.columnLabel', { index: index + 1 })} value={column.label}
                onChange={(event) => setColumn(index, { label: event.currentTarget.value })} error={errorAt(`/columns/${index}/label`)}
                data-testid={`crous-column-label-${index}`} />
              <ActionIcon variant="default" aria-label={t('crousFiles.moveUp')} disabled={index === 0} onClick={() => move(index, -1)}>↑</ActionIcon>
              <ActionIcon variant="default" aria-label={t('crousFiles.moveDown')} disabled={index === draft.columns.length - 1} onClick={() => move(index, 1)}>↓</ActionIcon>
              <ActionIcon variant="default" color="red" aria-label={t('crousFiles.removeColumn', { index: index + 1 })}
                onClick={() => set('columns', draft.columns.filter((_, i) => i !== index))} data-testid={`crous-column-remove-${index}`}>×</ActionIcon>
            </Group>
          ))}
          {errorAt('/columns') && !draft.columns.length ? <Text c="red" size="sm">{errorAt('/columns')}</Text> : null}
          <Group>
            <Button size="xs" variant="default" disabled={unused.length === 0} data-testid="crous-column-add"
              onClick={() => { const field = unused[0]; if (field) set('columns', [...draft.columns, { field, label: field }]); }}>{t('crousFiles.addColumn')}</Button>
          </Group>
        </Stack>
        <Group grow align="flex-start">
          <Select label={t('crousFiles.separator')} value={draft.separator} allowDeselect={false} data-testid="crous-separator"
            data={SEPARATORS.map((value) => ({ value, label: t(`crousFiles.separators.${value === '\t' ? 'tab' : value === ';' ? 'semicolon' : value === ',' ? 'comma' : 'pipe'}`) }))}
            onChange={(value) => value && set('separator', value as AccountFileSettings['separator'])} error={errorAt('/separator')} />
          <Select label={t('crousFiles.encoding')} value={draft.encoding} allowDeselect={false} data-testid="crous-encoding"
            data={ENCODINGS.map((value) => ({ value, label: t(`crousFiles.encodings.${value}`) }))}
            onChange={(value) => value && set('encoding', value as AccountFileSettings['encoding'])} error={errorAt('/encoding')} />
          <Select label={t('crousFiles.dateFormat')} value={draft.dateFormat} allowDeselect={false} data-testid="crous-date-format"
            data={DATE_FORMATS.map((value) => ({ value, label: value }))}
            onChange={(value) => value && set('dateFormat', value as AccountFileSettings['dateFormat'])} error={errorAt('/dateFormat')} />
        </Group>
        <Group>
          <Switch label={t('crousFiles.header')} checked={draft.header} onChange={(event) => set('header', event.currentTarget.checked)} data-testid="crous-header" />
          <Switch label={t('crousFiles.ineAsIdentifier')} checked={draft.ineAsIdentifier} onChange={(event) => set('ineAsIdentifier', event.currentTarget.checked)} />
        </Group>
        <Group grow align="flex-start">
          <MultiSelect label={t('crousFiles.personTypes')} description={t('crousFiles.personTypesHelp', { types: effectivePersonTypes.join(', ') || '—' })}
            data={types.map((type) => type.code)}
            value={draft.personTypes ?? []} onChange={(value) => set('personTypes', value.length === 0 ? null : value)} error={errorAt('/personTypes')} />
          {kind === 'staff_leaving' ? (
            <NumberInput label={t('crousFiles.leavingWindow')} min={1} max={366} value={draft.leavingWindowDays}
              onChange={(value) => set('leavingWindowDays', typeof value === 'number' ? value : Number(value) || 1)} error={errorAt('/leavingWindowDays')} />
          ) : null}
          <TextInput label={t('crousFiles.schedule')} description={nextRunAt ? t('crousFiles.nextRun', { at: formatDateTime(nextRunAt) }) : t('crousFiles.scheduleHelp')}
            placeholder="0 6 * * 1" value={draft.schedule ?? ''} onChange={(event) => set('schedule', event.currentTarget.value.trim() === '' ? null : event.currentTarget.value)}
            error={errorAt('/schedule')} data-testid="crous-schedule" />
        </Group>
        {notice ? <Alert color="green" variant="light" data-testid="crous-notice">{notice}</Alert> : null}
        {error && !(error instanceof ApiError && error.field) ? <ProblemAlert error={error} /> : null}
        <Group>
          <Button onClick={() => void run('save')} loading={busy === 'save'} data-testid="crous-save">{t('common.save')}</Button>
          <Button variant="default" onClick={() => void run('preview')} loading={busy === 'preview'} data-testid="crous-preview">{t('crousFiles.preview')}</Button>
          <Button variant="light" onClick={() => void run('generate')} loading={busy === 'generate' || job !== null} data-testid="crous-generate">{t('crousFiles.generate')}</Button>
        </Group>
        {job ? (
          <Stack gap={4} data-testid="crous-job">
            <Text size="sm">{job.message ?? t('crousFiles.generating')}</Text>
            <Progress value={job.progress.percent ?? 0} animated aria-label={t('crousFiles.generate')} />
          </Stack>
        ) : null}
        {preview ? (
          <Stack gap={4} data-testid="crous-preview-lines">
            <Text size="sm">{t('crousFiles.previewTotal', { count: preview.total, shown: preview.lines.length })}</Text>
            <Code block>{[...(preview.header === null ? [] : [preview.header]), ...preview.lines].join('\n') || t('crousFiles.previewEmpty')}</Code>
          </Stack>
        ) : null}
      </Stack>
    </Paper>
  );
}

function CardFilePanel({ institution }: { institution: string }) {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [partial, setPartial] = useState(false);
  const [dryRun, setDryRun] = useState(false);
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<CardFileReport | null>(null);
  const [refused, setRefused] = useState<{ error: ApiError; items: ApiProblemItem[] } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  const imports = useApi((signal) => crousFilesApi.cardImports(institution, signal), [institution, tick]);
  useEffect(() => {
    setReport(null);
    setRefused(null);
  }, [file]);

  async function upload() {
    if (!file) return;
    setBusy(true);
    setError(null);
    setReport(null);
    setRefused(null);
    try {
      setReport(await crousFilesApi.importCards(institution, file, { partial, dryRun }));
    } catch (failure) {
      if (failure instanceof ApiError && failure.items.some((item) => item.line !== undefined)) setRefused({ error: failure, items: failure.items });
      else setError(failure);
    } finally {
      setBusy(false);
      setTick((value) => value + 1);
    }
  }

  const lines = report ? report.errors : refused?.items ?? [];
  return (
    <Stack>
      <Text size="sm" c="dimmed">{t('crousFiles.cardsIntro')}</Text>
      {imports.data?.cardCount !== null && imports.data?.cardCount !== undefined
        ? <Text data-testid="crous-card-count">{t('crousFiles.cardCount', { count: imports.data.cardCount })}</Text> : null}
      <Paper withBorder p="md">
        <Stack>
          <FileInput label={t('crousFiles.cardFile')} accept=".csv,text/csv,text/plain" value={file} onChange={setFile} clearable data-testid="crous-card-file" />
          <Group>
            <Checkbox label={t('crousFiles.partial')} checked={partial} onChange={(event) => setPartial(event.currentTarget.checked)} />
            <Checkbox label={t('crousFiles.dryRun')} checked={dryRun} onChange={(event) => setDryRun(event.currentTarget.checked)} />
          </Group>
          <Group><Button onClick={() => void upload()} disabled={!file} loading={busy} data-testid="crous-card-import">{t('crousFiles.import')}</Button></Group>
          <ProblemAlert error={error} />
          {report ? (
            <Alert color={report.invalid > 0 ? 'yellow' : 'green'} variant="light" data-testid="crous-card-report">
              {t(report.dryRun ? 'crousFiles.reportDry' : 'crousFiles.report', {
                created: report.created, updated: report.updated, unchanged: report.unchanged, invalid: report.invalid,
              })}
            </Alert>
          ) : null}
          {refused ? <Alert color="red" variant="light" data-testid="crous-card-refused">{t('crousFiles.refused', { count: refused.items.length })}</Alert> : null}
          {lines.length > 0 ? (
            <Table data-testid="crous-card-errors">
              <Table.Thead><Table.Tr><Table.Th>{t('crousFiles.line')}</Table.Th><Table.Th>{t('crousFiles.column')}</Table.Th><Table.Th>{t('crousFiles.problem')}</Table.Th></Table.Tr></Table.Thead>
              <Table.Tbody>
                {lines.map((item, index) => (
                  <Table.Tr key={`${item.line}-${index}`}>
                    <Table.Td>{item.line}</Table.Td>
                    <Table.Td>{item.field ?? ''}</Table.Td>
                    <Table.Td>{t(`crousFiles.cardErrors.${item.code}`, { defaultValue: item.message })}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          ) : null}
        </Stack>
      </Paper>
      <Title order={2} size="h4">{t('crousFiles.imports')}</Title>
      <ProblemAlert error={imports.error} />
      {imports.data && imports.data.items.length > 0 ? (
        <Table striped data-testid="crous-card-imports">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('crousFiles.columnsHeader.date')}</Table.Th><Table.Th>{t('crousFiles.columnsHeader.file')}</Table.Th>
              <Table.Th>{t('crousFiles.columnsHeader.outcome')}</Table.Th><Table.Th>{t('crousFiles.columnsHeader.by')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {imports.data.items.map((item) => (
              <Table.Tr key={item.id}>
                <Table.Td>{formatDateTime(item.createdAt)}</Table.Td>
                <Table.Td>{item.fileName ?? '—'}</Table.Td>
                <Table.Td>{item.report.rejected ? t('crousFiles.rejectedOutcome', { count: item.report.invalid })
                  : t('crousFiles.report', { created: item.report.created, updated: item.report.updated, unchanged: item.report.unchanged, invalid: item.report.invalid })}</Table.Td>
                <Table.Td>{actorLabel(item.createdBy, item.createdByName, t)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : <Text c="dimmed">{t('crousFiles.noImports')}</Text>}
    </Stack>
  );
}
