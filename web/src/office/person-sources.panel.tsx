import { Alert, Badge, Button, Checkbox, Collapse, FileButton, Group, Modal, NumberInput, Paper, Progress, Select, SimpleGrid, Stack, Switch, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import { CronExpressionParser } from 'cron-parser';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { directoryApi, type PersonSource, type PreviewEntry, type SourceRun, type SourceTest } from '../api/directory.api.ts';
import { formatDateTime } from '../shared/format.ts';
import { isAboutFields } from '../shared/problem-messages.ts';
import { ProblemAlert } from '../shared/problem-alert.component.tsx';
import { recordErrorMessage, recordFieldLabel, sourceFieldError, sourceMessage, sourceProblemMessage } from './person-source-messages.ts';
import { useApi } from '../shared/use-api.hook.ts';
import { useInstitutionList } from '../shared/use-institution.hook.ts';

type Kind = PersonSource['kind'];
const KINDS: readonly Kind[] = ['ldap', 'sql', 'rest', 'csv'];

/** What a new source of each kind starts from (secrets by name only: DIRECTORY_SECRETS). */
const SETTINGS_TEMPLATES: Record<Kind, Record<string, unknown>> = {
  ldap: { url: 'ldaps://ldap.univ.fr', bindDn: 'cn=campuscard,ou=services,dc=univ,dc=fr', secretEnv: 'LDAP_PASSWORD', baseDn: 'ou=people,dc=univ,dc=fr', filter: '(objectClass=supannPerson)' },
  sql: { secretEnv: 'SIS_DATABASE_URL', query: 'SELECT * FROM campuscard_persons', keyColumn: 'id', modifiedColumn: 'updated_at' },
  rest: { url: 'https://api.univ.fr/persons', auth: { type: 'bearer', secretEnv: 'API_TOKEN' }, pagination: { style: 'page', size: 100 }, recordsPath: 'items', keyPath: 'id' },
  csv: { path: 'persons.csv', encoding: 'auto', delimiter: 'auto' },
};
const MAPPING_TEMPLATES: Record<Kind, Record<string, unknown>> = {
  ldap: {
    fields: { eppn: 'eduPersonPrincipalName', lastName: 'sn', firstName: 'givenName', email: 'mail', studentNumber: 'supannEtuId', ine: 'supannCodeINE', esi: 'schacPersonalUniqueCode', rightsEnd: 'schacExpiryDate', affiliation: 'eduPersonPrimaryAffiliation' },
    affiliationAttributes: ['eduPersonPrimaryAffiliation', 'eduPersonAffiliation'], groupsAttribute: 'isMemberOf',
  },
  sql: { fields: { eppn: 'eppn', lastName: 'last_name', firstName: 'first_name', email: 'email', studentNumber: 'student_number' }, personTypeAttribute: 'person_type' },
  rest: { fields: { eppn: 'eppn', lastName: 'name.last', firstName: 'name.first', email: 'mail' }, affiliationAttributes: ['affiliations'] },
  // Every column of the import format (as the server's CSV_MAPPING): a column left unmapped would be written empty.
  csv: {
    fields: {
      eppn: 'eppn', lastName: 'last_name', firstName: 'first_name', email: 'email', birthDate: 'birth_date', studentNumber: 'student_number',
      ine: 'ine', academicLevel: 'academic_level', rightsEnd: 'rights_end', esi: 'esi', affiliation: 'affiliation', locale: 'locale',
      'freeFields.free1': 'free1', 'freeFields.free2': 'free2', 'freeFields.free3': 'free3', 'freeFields.free4': 'free4',
      'freeFields.free5': 'free5', 'freeFields.free6': 'free6', 'freeFields.free7': 'free7',
    },
    personTypeAttribute: 'person_type',
  },
};
const ACTIVE = ['queued', 'running', 'awaiting_confirmation'];
/** The person fields a source attribute may fill (as the server's mapping knows them). */
const MAPPABLE_FIELDS = ['eppn', 'lastName', 'firstName', 'email', 'birthDate', 'studentNumber', 'ine', 'esi', 'academicLevel', 'rightsEnd', 'affiliation', 'locale',
  'freeFields.free1', 'freeFields.free2', 'freeFields.free3', 'freeFields.free4', 'freeFields.free5', 'freeFields.free6', 'freeFields.free7'] as const;
const REQUIRED_FIELDS = new Set(['eppn', 'lastName', 'firstName']);

/** The main settings of each kind, by dotted path (the rest stays editable in the JSON). */
const SETTINGS_FIELDS: Record<Kind, ReadonlyArray<{ path: string; choices?: readonly string[]; fallback?: string; number?: boolean; multiline?: boolean }>> = {
  ldap: [{ path: 'url' }, { path: 'bindDn' }, { path: 'secretEnv' }, { path: 'baseDn' }, { path: 'filter' }, { path: 'caCertFile' }],
  sql: [{ path: 'secretEnv' }, { path: 'keyColumn' }, { path: 'modifiedColumn' }, { path: 'query', multiline: true }],
  rest: [{ path: 'url' }, { path: 'auth.type', choices: ['none', 'bearer', 'basic', 'apiKey'] }, { path: 'auth.secretEnv' }, { path: 'auth.username' }, { path: 'auth.header' },
    { path: 'pagination.style', choices: ['none', 'page', 'offset', 'next', 'cursor'] }, { path: 'pagination.size', number: true }, { path: 'recordsPath' }, { path: 'keyPath' },
    { path: 'sinceParam' }, { path: 'modifiedPath' }],
  // Absent, encoding and delimiter are detected (the server's default): the select shows so.
  csv: [{ path: 'path' }, { path: 'encoding', choices: ['auto', 'utf-8', 'iso-8859-1'], fallback: 'auto' }, { path: 'delimiter', choices: ['auto', ';', ','], fallback: 'auto' }],
};

function valueAt(settings: Record<string, unknown>, path: string): unknown {
  let current: unknown = settings;
  for (const part of path.split('.')) current = typeof current === 'object' && current !== null ? (current as Record<string, unknown>)[part] : undefined;
  return current;
}

function withValue(settings: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const [head = '', ...rest] = path.split('.');
  const next = { ...settings };
  if (rest.length > 0) {
    const child = typeof next[head] === 'object' && next[head] !== null ? next[head] as Record<string, unknown> : {};
    next[head] = withValue(child, rest.join('.'), value);
  } else if (value === '' || value === undefined) {
    delete next[head];
  } else {
    next[head] = value;
  }
  return next;
}

/** The main connection settings of a kind as fields, editing the same JSON as the text area. */
function SettingsForm({ kind, settings, onChange, fieldError }: {
  kind: Kind;
  settings: Record<string, unknown>;
  /** The new settings, and the pointer of the setting edited (its error, now stale, is no longer shown). */
  onChange: (next: Record<string, unknown>, pointer: string) => void;
  fieldError: (pointer: string) => string | undefined;
}) {
  const { t } = useTranslation();
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs" data-testid="source-settings-form">
      {SETTINGS_FIELDS[kind].map(({ path, choices, fallback, number, multiline }) => {
        const label = t(`admin.sources.setting.${path.replace('.', '_')}`, { defaultValue: path });
        const value = valueAt(settings, path);
        const pointer = `/settings/${path.replace('.', '/')}`;
        const problem = fieldError(pointer);
        if (choices) {
          return <Select key={path} size="xs" label={label} data={[...choices]} value={typeof value === 'string' ? value : fallback ?? null} clearable={fallback === undefined}
            allowDeselect={fallback === undefined} onChange={(choice) => onChange(withValue(settings, path, choice ?? ''), pointer)} error={problem} data-testid={`source-setting-${path}`} />;
        }
        if (number) {
          return <NumberInput key={path} size="xs" label={label} value={typeof value === 'number' ? value : ''} min={1}
            onChange={(next) => onChange(withValue(settings, path, typeof next === 'number' ? next : ''), pointer)} />;
        }
        const Input = multiline ? Textarea : TextInput;
        return <Input key={path} size="xs" label={label} value={typeof value === 'string' ? value : ''} data-testid={`source-setting-${path}`} error={problem}
          description={kind === 'csv' && path === 'path' ? t('admin.sources.pathHelp') : undefined}
          onChange={(event: { currentTarget: { value: string } }) => onChange(withValue(settings, path, event.currentTarget.value), pointer)} />;
      })}
    </SimpleGrid>
  );
}

/**
 * The mapping as a form: one attribute per person field, the affiliation attributes, the person
 * type attribute or fixed type, the groups attribute and, for a source without an institution,
 * the institution attribute and its values. Edits the same JSON as the text area below it.
 */
function MappingForm({ mapping, onChange, withInstitution }: { mapping: Record<string, unknown>; onChange: (next: Record<string, unknown>) => void; withInstitution: boolean }) {
  const { t } = useTranslation();
  const fields = (typeof mapping.fields === 'object' && mapping.fields !== null ? mapping.fields : {}) as Record<string, string>;
  const text = (key: string) => (typeof mapping[key] === 'string' ? mapping[key] as string : '');
  const list = (key: string) => (Array.isArray(mapping[key]) ? (mapping[key] as string[]).join(', ') : '');
  const institution = (typeof mapping.institution === 'object' && mapping.institution !== null ? mapping.institution : null) as { attribute?: string; codes?: Record<string, string> } | null;
  const set = (key: string, value: unknown) => {
    const next = { ...mapping };
    if (value === '' || value === null || (Array.isArray(value) && value.length === 0)) delete next[key];
    else next[key] = value;
    onChange(next);
  };
  const setField = (field: string, attribute: string) => {
    const next = { ...fields };
    if (attribute.trim() === '') delete next[field];
    else next[field] = attribute.trim();
    set('fields', next);
  };
  const codesText = Object.entries(institution?.codes ?? {}).map(([value, code]) => `${value}=${code}`).join('\n');
  const setInstitution = (attribute: string, codes: string) => {
    const parsed: Record<string, string> = {};
    for (const line of codes.split('\n')) {
      const at = line.lastIndexOf('=');
      if (at > 0) parsed[line.slice(0, at).trim()] = line.slice(at + 1).trim();
    }
    set('institution', attribute.trim() === '' ? null : { attribute: attribute.trim(), codes: parsed });
  };
  return (
    <Stack gap="xs" data-testid="source-mapping-form">
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="xs">
        {MAPPABLE_FIELDS.map((field) => (
          <TextInput key={field} size="xs" label={t(`person.${field}`, { defaultValue: field })} value={fields[field] ?? ''} required={REQUIRED_FIELDS.has(field)}
            placeholder={t('admin.sources.attribute')} onChange={(event) => setField(field, event.currentTarget.value)} data-testid={`source-map-${field}`} />
        ))}
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
        <TextInput size="xs" label={t('admin.sources.affiliationAttributes')} description={t('admin.sources.affiliationAttributesHelp')} value={list('affiliationAttributes')}
          onChange={(event) => set('affiliationAttributes', event.currentTarget.value.split(',').map((name) => name.trim()).filter((name) => name !== ''))} />
        <TextInput size="xs" label={t('admin.sources.personTypeAttribute')} value={text('personTypeAttribute')} onChange={(event) => set('personTypeAttribute', event.currentTarget.value.trim())} />
        <TextInput size="xs" label={t('admin.sources.fixedPersonType')} value={text('personType')} onChange={(event) => set('personType', event.currentTarget.value.trim())} />
        <TextInput size="xs" label={t('admin.sources.groupsAttribute')} value={text('groupsAttribute')} onChange={(event) => set('groupsAttribute', event.currentTarget.value.trim())} />
        {withInstitution ? (
          <>
            <TextInput size="xs" label={t('admin.sources.institutionAttribute')} value={institution?.attribute ?? ''} placeholder="supannEtablissement"
              onChange={(event) => setInstitution(event.currentTarget.value, codesText)} />
            <Textarea size="xs" label={t('admin.sources.institutionCodes')} description={t('admin.sources.institutionCodesHelp')} value={codesText} autosize minRows={2} ff="monospace"
              onChange={(event) => setInstitution(institution?.attribute ?? '', event.currentTarget.value)} />
          </>
        ) : null}
      </SimpleGrid>
    </Stack>
  );
}
const STATUS_COLORS: Record<string, string> = { succeeded: 'green', failed: 'red', awaiting_confirmation: 'orange', cancelled: 'gray', queued: 'blue', running: 'blue' };

type GoneChoice = 'today' | 'days' | 'date';

/** A gone policy as the server writes it (`today`, `+N days`, `YYYY-MM-DD`) taken apart for the form. */
function parseGonePolicy(policy: string): { choice: GoneChoice; days: number; date: string } {
  const days = /^\+(\d{1,4}) days$/.exec(policy.trim())?.[1];
  if (days !== undefined) return { choice: 'days', days: Number(days), date: '' };
  if (/^\d{4}-\d{2}-\d{2}$/.test(policy.trim())) return { choice: 'date', days: 30, date: policy.trim() };
  return { choice: 'today', days: 30, date: '' };
}

/**
 * When the rights of the persons gone from the source end: the day of the sync, a number of days
 * later, or a fixed date; writes the server's `today`, `+N days` or `YYYY-MM-DD`.
 */
function GonePolicyInput({ value, onChange, error }: { value: string; onChange: (policy: string) => void; error: string | undefined }) {
  const { t } = useTranslation();
  const [initial] = useState(() => parseGonePolicy(value));
  // The choice, the number of days and the date are the form's own: a date not yet typed is still "a date".
  const [choice, setChoice] = useState<GoneChoice>(initial.choice);
  const [days, setDays] = useState(initial.days);
  const [date, setDate] = useState(initial.date);
  const choose = (next: GoneChoice) => {
    setChoice(next);
    onChange(next === 'today' ? 'today' : next === 'days' ? `+${days} days` : date);
  };
  return (
    <Stack gap={4}>
      <Select label={t('admin.sources.gonePolicy')} description={t('admin.sources.gonePolicyHelp')} allowDeselect={false}
        data={(['today', 'days', 'date'] as const).map((option) => ({ value: option, label: t(`admin.sources.goneChoices.${option}`) }))}
        value={choice} onChange={(next) => next && choose(next as GoneChoice)} error={choice === 'today' ? error : undefined} data-testid="source-gone-policy" />
      {choice === 'days' ? (
        <NumberInput aria-label={t('admin.sources.goneDays')} value={days} min={0} max={9999} allowDecimal={false} allowNegative={false}
          suffix={` ${t('admin.sources.goneDaysUnit')}`} error={error} data-testid="source-gone-days"
          onChange={(next) => {
            const count = typeof next === 'number' ? next : 0;
            setDays(count);
            onChange(`+${count} days`);
          }} />
      ) : null}
      {choice === 'date' ? (
        <TextInput type="date" aria-label={t('admin.sources.goneDate')} value={date} error={error} data-testid="source-gone-date"
          onChange={(event) => {
            setDate(event.currentTarget.value);
            onChange(event.currentTarget.value);
          }} />
      ) : null}
    </Stack>
  );
}

/** The next runs of a cron expression (UTC), or the reason it is not one. */
function nextRuns(expression: string): { ok: true; dates: Date[] } | { ok: false } {
  if (expression.trim().split(/\s+/).length !== 5) return { ok: false };
  try {
    const cron = CronExpressionParser.parse(expression, { tz: 'UTC' });
    return { ok: true, dates: [cron.next().toDate(), cron.next().toDate(), cron.next().toDate()] };
  } catch {
    return { ok: false };
  }
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}

interface Draft {
  name: string;
  kind: Kind;
  institution: string | null;
  settings: string;
  mapping: string;
  schedule: string;
  incremental: boolean;
  gonePolicy: string;
  minRatio: number;
  photosAllowed: boolean;
}

function draftOf(source: PersonSource | null, kind: Kind = 'ldap'): Draft {
  if (!source) {
    return { name: '', kind, institution: null, settings: JSON.stringify(SETTINGS_TEMPLATES[kind], null, 2), mapping: JSON.stringify(MAPPING_TEMPLATES[kind], null, 2),
      schedule: '', incremental: false, gonePolicy: 'today', minRatio: 0.9, photosAllowed: false };
  }
  return { name: source.name, kind: source.kind, institution: source.institution, settings: JSON.stringify(source.settings, null, 2),
    mapping: JSON.stringify(source.mapping, null, 2), schedule: source.schedule ?? '', incremental: source.incremental, gonePolicy: source.gonePolicy,
    minRatio: source.minRatio, photosAllowed: source.photosAllowed };
}

/** A previewed person's fields as [field, text], free fields one by one (`freeFields.free1`). */
function personFields(person: Record<string, unknown>): Array<[string, string]> {
  const fields: Array<[string, string]> = [];
  for (const [field, value] of Object.entries(person)) {
    if (field === 'freeFields' && typeof value === 'object' && value !== null) {
      for (const [free, text] of Object.entries(value as Record<string, unknown>)) fields.push([`freeFields.${free}`, String(text)]);
    } else if (value !== null && value !== undefined) {
      fields.push([field, String(value)]);
    }
  }
  return fields;
}

/**
 * Uploads a CSV source's file to the server's sources folder at the path of the settings, so a
 * card office without shell access on the server can use a CSV source.
 */
function SourceFileUpload({ path }: { path: string }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<{ path: string; size: number } | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  async function send(file: File | null) {
    if (!file) return;
    setBusy(true);
    setFailure(null);
    setDone(null);
    try {
      setDone(await directoryApi.uploadFile(path, file));
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  }
  return (
    <Stack gap={4} mt="xs">
      <Group gap="xs">
        <FileButton onChange={(file) => void send(file)} accept=".csv,text/csv,text/plain">
          {(props) => <Button {...props} size="xs" variant="default" loading={busy} disabled={path.trim() === ''} data-testid="source-upload">{t('admin.sources.upload')}</Button>}
        </FileButton>
        <Text size="xs" c="dimmed">{t('admin.sources.uploadHelp')}</Text>
      </Group>
      {done ? <Text size="sm" c="green" data-testid="source-upload-done">{t('admin.sources.uploaded', { path: done.path, size: done.size })}</Text> : null}
      {failure ? <Text size="sm" c="red" role="alert" data-testid="source-upload-error">{sourceProblemMessage(t, failure)}</Text> : null}
    </Stack>
  );
}

/** Counts of a run on one line. */
function RunCounts({ run }: { run: SourceRun }) {
  const { t } = useTranslation();
  const c = run.counts;
  const parts = (['read', 'new', 'changed', 'gone', 'unchanged', 'errors'] as const).map((key) => t(`admin.sources.countParts.${key}`, { count: c[key] }));
  return <Text size="sm">{parts.join(' · ')}</Text>;
}

/** A field's value in a change (`(empty)` for none). */
function changeValue(t: TFunction, value: string | number | null): string {
  return value === null ? t('admin.sources.emptyValue') : String(value);
}

/** The changes of a person field by field, stored → written (for a person enrolled elsewhere only, the written values and why). */
function FieldChanges({ changes, enrolledElsewhere }: { changes: ReadonlyArray<{ field: string; before: string | number | null; after: string | number | null }>; enrolledElsewhere: boolean }) {
  const { t } = useTranslation();
  return (
    <Stack gap={0} data-testid="source-field-changes">
      {changes.map((change) => (
        <Text key={change.field} size="xs">{t('admin.sources.changeValue', {
          field: t(`person.${change.field}`, { defaultValue: change.field }), before: changeValue(t, change.before), after: changeValue(t, change.after),
        })}</Text>
      ))}
      {enrolledElsewhere ? <Text size="xs" c="dimmed">{t('admin.sources.enrolledElsewhere')}</Text> : null}
    </Stack>
  );
}

/** Why a run ended as it did (its outcome's code in words, else the server's message), if it says. */
function RunOutcome({ run }: { run: SourceRun }) {
  const { t } = useTranslation();
  const message = run.outcome?.message;
  if (typeof message !== 'string') return null;
  const code = typeof run.outcome?.code === 'string' ? run.outcome.code : undefined;
  return <Text size="sm" c="dimmed" data-testid="source-run-outcome">{recordErrorMessage(t, { code, message })}</Text>;
}

/** The diff of a run: counts, the first changes with their fields, the record errors. */
function RunDetail({ run }: { run: SourceRun }) {
  const { t } = useTranslation();
  return (
    <Stack gap="xs" data-testid="source-run-detail">
      <RunCounts run={run} />
      <RunOutcome run={run} />
      {run.goneHeldBack ? <Alert color="orange" data-testid="source-run-gone-held-back">{t('admin.sources.goneHeldBack', { count: run.unkeyedRecords })}</Alert> : null}
      {run.sample.length > 0 ? (
        <Table withTableBorder data-testid="source-run-sample">
          <Table.Thead><Table.Tr><Table.Th>{t('admin.sources.change')}</Table.Th><Table.Th>{t('admin.sources.key')}</Table.Th><Table.Th>eppn</Table.Th><Table.Th>{t('admin.sources.fields')}</Table.Th></Table.Tr></Table.Thead>
          <Table.Tbody>
            {run.sample.map((item) => (
              <Table.Tr key={`${item.kind}-${item.key}`}>
                <Table.Td><Badge variant="light" color={item.kind === 'gone' ? 'red' : item.kind === 'new' ? 'green' : 'blue'}>{t(`admin.sources.kinds.${item.kind}`)}</Badge></Table.Td>
                <Table.Td><Text size="xs" ff="monospace">{item.key}</Text></Table.Td>
                <Table.Td><Text size="xs" ff="monospace">{item.eppn ?? '—'}</Text></Table.Td>
                <Table.Td>{item.changes.length > 0
                  ? <FieldChanges changes={item.changes} enrolledElsewhere={item.enrolledElsewhere} />
                  : <Text size="xs">{item.fields.map((field) => t(`person.${field}`, { defaultValue: field })).join(', ')}</Text>}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
      {run.errors.length > 0 ? (
        <Stack gap={2} data-testid="source-run-errors">
          <Text size="sm" fw={600}>{t('admin.sources.errors')}</Text>
          {run.errors.slice(0, 20).map((error, index) => (
            <Text key={index} size="xs" ff="monospace">{[error.key || '—', recordFieldLabel(t, error.field), recordErrorMessage(t, error)].filter((part) => part !== null).join(' · ')}</Text>
          ))}
        </Stack>
      ) : null}
    </Stack>
  );
}

/** What the editor of a source last showed (test, preview, dry run): kept by the page while it is closed. */
interface KeptResults {
  tested: SourceTest | null;
  preview: PreviewEntry[] | null;
  dryRun: SourceRun | null;
}

/** One source: editor, connection test, preview, run now (dry run first), history and confirmation. */
function SourceEditor({ source, kept, onKeep, onSaved, onClose }: {
  source: PersonSource | null;
  /** The results of this source the page kept from the last time its editor was open. */
  kept: KeptResults | undefined;
  onKeep: (sourceId: string, results: KeptResults) => void;
  onSaved: (saved: PersonSource) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const institutions = useInstitutionList() ?? [];
  const [draft, setDraft] = useState<Draft>(() => draftOf(source));
  const [error, setErrorState] = useState<unknown>(null);
  // The fields edited since the last error: what it said about them is stale and no longer shown.
  const [edited, setEdited] = useState<readonly string[]>([]);
  const setError = (failure: unknown) => {
    setErrorState(failure);
    setEdited([]);
  };
  const touch = (pointer: string) => setEdited((current) => (current.includes(pointer) ? current : [...current, pointer]));
  const isEdited = (pointer: string) => edited.some((done) => pointer === done || pointer.startsWith(`${done}/`) || done.startsWith(`${pointer}/`));
  const fieldError = (pointer: string) => (isEdited(pointer) ? undefined : sourceFieldError(t, error, pointer));
  const [saved, setSaved] = useState(false);
  const [tested, setTested] = useState<SourceTest | null>(kept?.tested ?? null);
  const [preview, setPreview] = useState<PreviewEntry[] | null>(kept?.preview ?? null);
  const [busy, setBusy] = useState(false);
  const [dryRun, setDryRun] = useState<SourceRun | null>(kept?.dryRun ?? null);
  // Applying the dry run, or confirming a run the safety stop held: asked before anything is written.
  const [confirming, setConfirming] = useState<'apply' | 'confirm' | null>(null);
  // The JSON of the settings and mapping, for what the forms do not cover: shown on demand.
  const [advanced, setAdvanced] = useState(false);
  const runs = useApi((signal) => (source ? directoryApi.runs(source.id, signal).then((answer) => answer.items) : Promise.resolve([])), [source?.id]);
  const active = (runs.data ?? []).find((run) => ACTIVE.includes(run.status));
  const waiting = (runs.data ?? []).find((run) => run.status === 'awaiting_confirmation');

  // A run in progress: the history refreshes every two seconds until it ends.
  useEffect(() => {
    if (!active || active.status === 'awaiting_confirmation') return undefined;
    const timer = setInterval(() => runs.reload(), 2000);
    return () => clearInterval(timer);
  }, [active?.id, active?.status]);
  // Closing the editor (or opening another source) loses nothing: the page keeps the last results.
  useEffect(() => {
    if (source) onKeep(source.id, { tested, preview, dryRun });
  }, [source?.id, tested, preview, dryRun]);
  // The dry run ends: its diff is shown, with "apply".
  useEffect(() => {
    if (!dryRun) return;
    const done = (runs.data ?? []).find((run) => run.id === dryRun.id);
    if (done && done.status !== dryRun.status) setDryRun(done);
  }, [runs.data]);

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    touch(`/${key}`);
    setDraft((current) => ({ ...current, [key]: value }));
  };
  const settings = parseJson(draft.settings);
  const mapping = parseJson(draft.mapping);
  const schedule = draft.schedule.trim() === '' ? null : nextRuns(draft.schedule);

  async function save(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setSaved(false);
    if (!settings || !mapping) return;
    const body = {
      name: draft.name.trim(), institution: draft.institution, settings, mapping, schedule: draft.schedule.trim() || null,
      incremental: draft.incremental, gonePolicy: draft.gonePolicy.trim(), minRatio: draft.minRatio, photosAllowed: draft.photosAllowed,
    };
    try {
      const result = source ? await directoryApi.update(source.id, body) : await directoryApi.create({ ...body, kind: draft.kind });
      setSaved(true);
      onSaved(result);
    } catch (failure) {
      setError(failure);
    }
  }

  async function act(work: () => Promise<void>) {
    setError(null);
    setBusy(true);
    try {
      await work();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  const institutionOptions = [{ value: '', label: t('admin.sources.fromAttribute') },
    ...institutions.filter((institution) => institution.kind !== 'federation').map((institution) => ({ value: institution.code, label: institution.name }))];

  return (
    <Paper withBorder p="md" data-testid="source-editor">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4">{source ? source.name : t('admin.sources.create')}</Title>
        <Button variant="subtle" size="xs" onClick={onClose}>{t('admin.sources.close')}</Button>
      </Group>
      <form onSubmit={(event) => void save(event)} noValidate>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label={t('admin.sources.name')} description={t('admin.sources.nameHelp')} value={draft.name} onChange={(event) => set('name', event.currentTarget.value)}
            error={fieldError('/name')} required data-testid="source-name" />
          <Select label={t('admin.sources.kind')} data={KINDS.map((value) => ({ value, label: t(`admin.sources.kindNames.${value}`) }))} value={draft.kind} disabled={source !== null}
            onChange={(value) => value && setDraft((current) => ({ ...draftOf(null, value as Kind), name: current.name, institution: current.institution }))}
            allowDeselect={false} data-testid="source-kind" />
          <Select label={t('admin.sources.institution')} description={t('admin.sources.institutionHelp')} data={institutionOptions} value={draft.institution ?? ''}
            onChange={(value) => set('institution', value ? value : null)} allowDeselect={false} error={fieldError('/institution')} data-testid="source-institution" />
          <TextInput label={t('admin.sources.schedule')} description={t('admin.sources.scheduleHelp')} value={draft.schedule} placeholder="0 3 * * *"
            onChange={(event) => set('schedule', event.currentTarget.value)} data-testid="source-schedule"
            error={fieldError('/schedule') ?? (schedule && !schedule.ok ? t('admin.sources.badCron') : undefined)} />
          <GonePolicyInput key={draft.kind} value={draft.gonePolicy} onChange={(policy) => set('gonePolicy', policy)} error={fieldError('/gonePolicy')} />
          <NumberInput label={t('admin.sources.minRatio')} description={t('admin.sources.minRatioHelp')} value={Math.round(draft.minRatio * 100)} min={0} max={100} suffix=" %"
            onChange={(value) => set('minRatio', typeof value === 'number' ? value / 100 : 0.9)} data-testid="source-min-ratio" />
        </SimpleGrid>
        {schedule?.ok ? (
          <Text size="sm" c="dimmed" mt={4} data-testid="source-next-runs">
            {t('admin.sources.nextRuns', { dates: schedule.dates.map((date) => formatDateTime(date)).join(' · ') })}
          </Text>
        ) : null}
        <Group mt="sm">
          <Checkbox label={t('admin.sources.incremental')} checked={draft.incremental} onChange={(event) => set('incremental', event.currentTarget.checked)} />
          <Checkbox label={t('admin.sources.photosAllowed')} checked={draft.photosAllowed} onChange={(event) => set('photosAllowed', event.currentTarget.checked)} />
        </Group>
        {settings ? (
          <Paper withBorder p="sm" mt="sm">
            <Title order={3} size="h5" mb="xs">{t('admin.sources.settings')}</Title>
            <SettingsForm kind={draft.kind} settings={settings} fieldError={fieldError}
              onChange={(next, pointer) => { touch(pointer); setDraft((current) => ({ ...current, settings: JSON.stringify(next, null, 2) })); }} />
            {draft.kind === 'csv' ? <SourceFileUpload path={typeof settings.path === 'string' ? settings.path : ''} /> : null}
          </Paper>
        ) : null}
        {mapping ? (
          <Paper withBorder p="sm" mt="sm">
            <Title order={3} size="h5" mb="xs">{t('admin.sources.mapping')}</Title>
            <MappingForm mapping={mapping} withInstitution={draft.institution === null} onChange={(next) => set('mapping', JSON.stringify(next, null, 2))} />
          </Paper>
        ) : null}
        <Switch mt="sm" label={t('admin.sources.advanced')} description={t('admin.sources.advancedHelp')} checked={advanced || !settings || !mapping}
          disabled={!settings || !mapping} onChange={(event) => setAdvanced(event.currentTarget.checked)} data-testid="source-advanced" />
        {/* The JSON stays open while it does not parse: the forms above cannot show it. */}
        <Collapse in={advanced || !settings || !mapping}>
          <SimpleGrid cols={{ base: 1, md: 2 }} mt="sm">
            <Textarea label={t('admin.sources.settingsJson')} description={t('admin.sources.settingsHelp')} value={draft.settings} autosize minRows={6} ff="monospace"
              onChange={(event) => set('settings', event.currentTarget.value)} data-testid="source-settings"
              error={!settings ? t('admin.sources.badJson') : fieldError('/settings')} />
            <Textarea label={t('admin.sources.mappingJson')} description={t('admin.sources.mappingHelp')} value={draft.mapping} autosize minRows={6} ff="monospace"
              onChange={(event) => set('mapping', event.currentTarget.value)} data-testid="source-mapping"
              error={!mapping ? t('admin.sources.badJson') : fieldError('/mapping')} />
          </SimpleGrid>
        </Collapse>
        {error && !isAboutFields(error, ['/name', '/institution', '/schedule', '/gonePolicy']) && !(edited.length > 0 && isAboutFields(error, edited))
          ? <Alert color="red" variant="light" mt="sm" title={t('common.errorTitle')} role="alert" data-testid="problem-alert">{sourceProblemMessage(t, error)}</Alert> : null}
        {saved ? <Alert color="green" mt="sm">{t('admin.sources.saved')}</Alert> : null}
        <Group mt="sm">
          <Button type="submit" disabled={!settings || !mapping || !draft.name.trim()} data-testid="source-save">{t('admin.sources.save')}</Button>
          {source ? (
            <>
              <Button variant="default" loading={busy} onClick={() => void act(async () => setTested(await directoryApi.test(source.id)))} data-testid="source-test">{t('admin.sources.test')}</Button>
              <Button variant="default" loading={busy} onClick={() => void act(async () => setPreview((await directoryApi.preview(source.id)).items))} data-testid="source-preview">{t('admin.sources.preview')}</Button>
              <Button variant="light" loading={busy} disabled={active !== undefined} data-testid="source-dry-run"
                onClick={() => void act(async () => { setDryRun(await directoryApi.sync(source.id, { dryRun: true })); runs.reload(); })}>{t('admin.sources.dryRun')}</Button>
            </>
          ) : null}
        </Group>
      </form>

      {tested ? <Alert mt="sm" color={tested.ok ? 'green' : 'red'} data-testid="source-test-result">{tested.ok ? t('admin.sources.testOk') : sourceMessage(t, tested.code, tested.message)}</Alert> : null}
      {preview ? (
        <Table.ScrollContainer minWidth={700} mt="sm">
          <Table withTableBorder data-testid="source-preview-table">
            <Table.Thead><Table.Tr><Table.Th>{t('admin.sources.key')}</Table.Th><Table.Th>{t('admin.sources.person')}</Table.Th><Table.Th>{t('admin.sources.errors')}</Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>
              {preview.map((entry, index) => (
                <Table.Tr key={`${index}-${entry.key ?? ''}`} data-testid="source-preview-row" data-ok={String(entry.ok)} data-status={entry.status ?? 'error'}>
                  <Table.Td>
                    <Text size="xs" ff="monospace">{entry.key ?? '—'}</Text>
                    {entry.status ? <Badge size="xs" variant="light" color={entry.status === 'new' ? 'green' : entry.status === 'changed' ? 'blue' : 'gray'}>{t(`admin.sources.kinds.${entry.status}`)}</Badge> : null}
                  </Table.Td>
                  <Table.Td>
                    {entry.person ? <Text size="xs">{personFields(entry.person).map(([field, value]) => t('admin.sources.personField', { field: t(`person.${field}`, { defaultValue: field }), value })).join(' · ')}</Text> : '—'}
                    {entry.institution ? <Badge size="xs" variant="outline" ml={4}>{entry.institution}</Badge> : null}
                    {entry.status === 'changed' ? <FieldChanges changes={entry.changes} enrolledElsewhere={entry.enrolledElsewhere} /> : null}
                  </Table.Td>
                  <Table.Td>{entry.errors.map((problem, index) => <Text key={index} size="xs" c="red" data-testid="source-preview-error">{[recordFieldLabel(t, problem.field), recordErrorMessage(t, problem)].filter((part) => part !== null).join(' · ')}</Text>)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : null}

      {source && dryRun ? (
        <Paper withBorder p="sm" mt="sm" data-testid="source-dry-run-result">
          <Title order={3} size="h5">{t('admin.sources.dryRunResult')}</Title>
          {dryRun.status === 'succeeded' ? (
            <>
              <RunDetail run={dryRun} />
              <Button mt="sm" loading={busy} disabled={active !== undefined} data-testid="source-apply" onClick={() => setConfirming('apply')}>{t('admin.sources.apply')}</Button>
            </>
          ) : (
            <>
              <Text size="sm" c="dimmed">{t(`admin.sources.status.${dryRun.status}`)}</Text>
              {dryRun.status === 'failed' ? <RunOutcome run={dryRun} /> : null}
            </>
          )}
        </Paper>
      ) : null}

      {source && waiting ? (
        <Alert color="orange" mt="sm" title={t('admin.sources.stoppedTitle')} data-testid="source-confirmation">
          <Text size="sm">{t('admin.sources.stopped', { count: waiting.counts.read, last: typeof waiting.outcome?.lastFullCount === 'number' ? waiting.outcome.lastFullCount : source.lastFullCount ?? 0, gone: waiting.counts.gone })}</Text>
          <Group mt="xs">
            <Button color="orange" size="xs" loading={busy} data-testid="source-confirm" onClick={() => setConfirming('confirm')}>{t('admin.sources.confirm')}</Button>
            <Button variant="default" size="xs" loading={busy} data-testid="source-cancel" onClick={() => void act(async () => { await directoryApi.cancel(waiting.id); runs.reload(); })}>{t('admin.sources.cancel')}</Button>
          </Group>
        </Alert>
      ) : null}

      <Modal opened={source !== null && confirming !== null} onClose={() => setConfirming(null)}
        title={confirming === 'confirm' ? t('admin.sources.confirmStoppedTitle') : t('admin.sources.applyTitle')}>
        {source && confirming === 'apply' && dryRun ? (
          <Stack data-testid="source-apply-modal">
            <Text size="sm">{t('admin.sources.applyText')}</Text>
            <RunCounts run={dryRun} />
            {dryRun.counts.gone > 0 ? <Text size="sm" c="orange.9">{t('admin.sources.applyGone', { count: dryRun.counts.gone })}</Text> : null}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setConfirming(null)}>{t('common.cancel')}</Button>
              <Button loading={busy} data-testid="source-apply-confirm"
                onClick={() => void act(async () => { setConfirming(null); await directoryApi.sync(source.id, {}); setDryRun(null); runs.reload(); })}>{t('admin.sources.apply')}</Button>
            </Group>
          </Stack>
        ) : null}
        {source && confirming === 'confirm' && waiting ? (
          <Stack data-testid="source-confirm-modal">
            <Text size="sm">{t('admin.sources.confirmStoppedText', { count: waiting.counts.gone })}</Text>
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setConfirming(null)}>{t('common.cancel')}</Button>
              <Button color="orange" loading={busy} data-testid="source-confirm-apply"
                onClick={() => void act(async () => { setConfirming(null); await directoryApi.confirm(waiting.id); runs.reload(); })}>{t('admin.sources.confirm')}</Button>
            </Group>
          </Stack>
        ) : null}
      </Modal>

      {source ? (
        <Stack mt="md" gap="xs">
          <Group justify="space-between">
            <Title order={3} size="h5">{t('admin.sources.runs')}</Title>
            <Button size="xs" variant="default" onClick={() => runs.reload()}>{t('admin.sources.refresh')}</Button>
          </Group>
          <ProblemAlert error={runs.error} />
          <Table striped data-testid="source-runs">
            <Table.Thead><Table.Tr><Table.Th>{t('admin.sources.when')}</Table.Th><Table.Th>{t('admin.sources.mode')}</Table.Th><Table.Th>{t('admin.sources.state')}</Table.Th><Table.Th>{t('admin.sources.result')}</Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>
              {(runs.data ?? []).length === 0 && !runs.loading ? <Table.Tr><Table.Td colSpan={4}><Text size="sm" c="dimmed">{t('admin.sources.noRuns')}</Text></Table.Td></Table.Tr> : null}
              {(runs.data ?? []).map((run) => (
                <Table.Tr key={run.id} data-testid="source-run-row" data-status={run.status}>
                  <Table.Td><Text size="sm">{formatDateTime(run.createdAt)}</Text><Text size="xs" c="dimmed">{t(`admin.sources.triggers.${run.trigger}`)}</Text></Table.Td>
                  <Table.Td>{t(`admin.sources.modes.${run.mode}`)}{run.dryRun ? ` · ${t('admin.sources.dry')}` : ''}</Table.Td>
                  <Table.Td>
                    <Badge color={STATUS_COLORS[run.status] ?? 'gray'}>{t(`admin.sources.status.${run.status}`)}</Badge>
                    {run.status === 'running' && run.progress ? <Progress mt={4} value={run.progress.percent ?? 100} animated={run.progress.percent === null} aria-label={t('admin.sources.progress')} /> : null}
                  </Table.Td>
                  <Table.Td><RunCounts run={run} />{run.status === 'failed' ? <RunOutcome run={run} /> : null}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Stack>
      ) : null}
    </Paper>
  );
}

/**
 * Person sources (directories, information systems): the list with each one's last run and next
 * scheduled run, and the editor of one (settings, mapping with a preview of the first entries,
 * schedule, dry run then apply, runs history, confirmation of a run stopped by the safety stop).
 */
export function PersonSourcesPanel() {
  const { t } = useTranslation();
  const sources = useApi((signal) => directoryApi.list(signal).then((answer) => answer.items), []);
  const institutions = useInstitutionList() ?? [];
  const institutionName = (code: string) => institutions.find((institution) => institution.code === code)?.name ?? code;
  const [editing, setEditing] = useState<PersonSource | 'new' | null>(null);
  // The editor keeps its state (the "saved" notice, a preview) when a new source is saved.
  const [editorKey, setEditorKey] = useState(0);
  // Per source, the last test, preview and dry run shown: reopening a source shows them again.
  const [kept, setKept] = useState<Record<string, KeptResults>>({});
  const keep = useCallback((sourceId: string, results: KeptResults) => setKept((current) => ({ ...current, [sourceId]: results })), []);
  const open = (source: PersonSource | 'new') => {
    setEditing(source);
    setEditorKey((key) => key + 1);
  };

  return (
    <Stack>
      <Text size="sm" c="dimmed">{t('admin.sources.intro')}</Text>
      <Group>
        <Button onClick={() => open('new')} data-testid="source-new">{t('admin.sources.create')}</Button>
      </Group>
      {editing ? (
        <SourceEditor key={editorKey} source={editing === 'new' ? null : editing} kept={editing === 'new' ? undefined : kept[editing.id]} onKeep={keep}
          onSaved={(saved) => { setEditing(saved); sources.reload(); }} onClose={() => { setEditing(null); sources.reload(); }} />
      ) : null}
      <ProblemAlert error={sources.error} />
      <Table.ScrollContainer minWidth={800}>
        <Table striped data-testid="sources-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('admin.sources.name')}</Table.Th>
              <Table.Th>{t('admin.sources.kind')}</Table.Th>
              <Table.Th>{t('admin.sources.institution')}</Table.Th>
              <Table.Th>{t('admin.sources.lastRun')}</Table.Th>
              <Table.Th>{t('admin.sources.nextRun')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(sources.data ?? []).length === 0 && !sources.loading ? <Table.Tr><Table.Td colSpan={6}><Text size="sm" c="dimmed">{t('admin.sources.none')}</Text></Table.Td></Table.Tr> : null}
            {(sources.data ?? []).map((source) => (
              <Table.Tr key={source.id} data-testid="source-row" data-name={source.name}>
                <Table.Td><Text size="sm" ff="monospace">{source.name}</Text></Table.Td>
                <Table.Td>{t(`admin.sources.kindNames.${source.kind}`)}</Table.Td>
                <Table.Td>{source.institution ? institutionName(source.institution) : t('admin.sources.fromAttribute')}</Table.Td>
                <Table.Td>
                  {source.lastRun ? (
                    <>
                      <Badge color={STATUS_COLORS[source.lastRun.status] ?? 'gray'}>{t(`admin.sources.status.${source.lastRun.status}`)}</Badge>
                      <Text size="xs" c="dimmed">{formatDateTime(source.lastRun.createdAt)}</Text>
                    </>
                  ) : <Text size="sm" c="dimmed">—</Text>}
                </Table.Td>
                <Table.Td>{source.nextRunAt ? formatDateTime(source.nextRunAt) : <Text size="sm" c="dimmed">{t('admin.sources.onDemand')}</Text>}</Table.Td>
                <Table.Td><Button size="xs" variant="default" onClick={() => open(source)} data-testid="source-open">{t('admin.sources.open')}</Button></Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
