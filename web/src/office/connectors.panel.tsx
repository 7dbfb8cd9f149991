import {
  Alert, Badge, Button, Checkbox, Group, MultiSelect, NumberInput, Paper, PasswordInput, Select, SimpleGrid, Stack, Switch, Table, Text,
  TextInput, Title,
} from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { connectorsApi, type ConnectorSettings, type ConnectorSettingsInput, type CrousTariffRules } from '../api/connectors.api.ts';
import { institutionsApi } from '../api/institutions.api.ts';
import { actorLabel } from '../shared/actor-label.ts';
import { formatDateTime } from '../shared/format.ts';
import { fieldError, isAboutFields } from '../shared/problem-messages.ts';
import { ProblemAlert } from '../shared/problem-alert.component.tsx';
import { useApi } from '../shared/use-api.hook.ts';

/** The CROUS settings as the form edits them (strings for the optional text fields: empty means absent). */
interface CrousForm {
  enabled: boolean;
  mode: 'api' | 'files';
  environment: 'production' | 'preproduction' | 'simulator';
  baseUrl: string;
  authMode: 'none' | 'oauth2' | 'legacy';
  accessUrl: string;
  clientId: string;
  appId: string;
  crousNumber: string;
  rneOrgCode: string;
  identifier: 'ine' | 'eppn';
  idZdcOffset: number;
  timeZone: string;
  autoConsentPersonTypes: string[];
  statusCodes: Record<string, string>;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

function formOf(view: ConnectorSettings): CrousForm {
  const settings = view.settings;
  const auth = (settings.auth ?? null) as { mode?: string; accessUrl?: string; clientId?: string; appId?: string } | null;
  return {
    enabled: view.enabled,
    mode: settings.mode === 'files' ? 'files' : 'api',
    environment: settings.environment === 'production' || settings.environment === 'simulator' ? settings.environment : 'preproduction',
    baseUrl: text(settings.baseUrl),
    authMode: auth?.mode === 'oauth2' || auth?.mode === 'legacy' ? auth.mode : 'none',
    accessUrl: text(auth?.accessUrl),
    clientId: text(auth?.clientId),
    appId: text(auth?.appId),
    crousNumber: text(settings.crousNumber),
    rneOrgCode: text(settings.rneOrgCode),
    identifier: settings.identifier === 'eppn' ? 'eppn' : 'ine',
    idZdcOffset: typeof settings.idZdcOffset === 'number' ? settings.idZdcOffset : 99990000,
    timeZone: text(settings.timeZone) || 'Europe/Paris',
    autoConsentPersonTypes: Array.isArray(settings.autoConsentPersonTypes) ? settings.autoConsentPersonTypes.map(String) : [],
    statusCodes: typeof settings.statusCodes === 'object' && settings.statusCodes !== null
      ? Object.fromEntries(Object.entries(settings.statusCodes as Record<string, unknown>).map(([type, code]) => [type, String(code)])) : {},
  };
}

/** The settings body of a form: optional fields left empty are not sent (the defaults apply). */
function settingsOf(form: CrousForm): Record<string, unknown> {
  const optional = (value: string) => (value.trim() === '' ? undefined : value.trim());
  const auth = form.authMode === 'oauth2'
    ? { mode: 'oauth2', clientId: form.clientId.trim(), ...(optional(form.accessUrl) ? { accessUrl: optional(form.accessUrl) } : {}) }
    : form.authMode === 'legacy' ? { mode: 'legacy', appId: form.appId.trim() } : undefined;
  const settings: Record<string, unknown> = {
    mode: form.mode, environment: form.environment, identifier: form.identifier, idZdcOffset: form.idZdcOffset, timeZone: form.timeZone.trim(),
    autoConsentPersonTypes: form.autoConsentPersonTypes,
    statusCodes: Object.fromEntries(Object.entries(form.statusCodes).filter(([, code]) => code.trim() !== '').map(([type, code]) => [type, code.trim()])),
  };
  if (auth) settings.auth = auth;
  for (const key of ['baseUrl', 'crousNumber', 'rneOrgCode'] as const) {
    const value = optional(form[key]);
    if (value !== undefined) settings[key] = value;
  }
  return settings;
}

/** The form's fields, as the API names them (errors about them show next to them). */
const FIELD_PATHS = ['/settings/mode', '/settings/environment', '/settings/baseUrl', '/settings/auth', '/settings/crousNumber', '/settings/rneOrgCode',
  '/settings/identifier', '/settings/idZdcOffset', '/settings/timeZone', '/settings/autoConsentPersonTypes', '/settings/statusCodes', '/secrets/secret'];

/** What is known of the stored secret, in words; never its value. */
function SecretState({ secret }: { secret: ConnectorSettings['secrets'][string] | undefined }) {
  const { t } = useTranslation();
  let message = t('admin.connectors.secret.none');
  if (secret?.configured && !secret.readable) message = t('admin.connectors.secret.unreadable');
  else if (secret?.source === 'environment') message = t('admin.connectors.secret.environment', { env: secret.env ?? '' });
  else if (secret?.configured) message = secret.hint ? t('admin.connectors.secret.database', { hint: secret.hint }) : t('admin.connectors.secret.databaseNoHint');
  return <Text size="sm" c={secret?.configured && !secret.readable ? 'red.8' : 'dimmed'} data-testid="crous-secret-state">{message}</Text>;
}

/** The CROUS connector's settings of one institution. */
function CrousSettingsForm({ view, institution, canStoreSecrets, environmentSecrets, onSaved }: {
  view: ConnectorSettings; institution: string; canStoreSecrets: boolean; environmentSecrets: string[]; onSaved: (saved: ConnectorSettings) => void;
}) {
  const { t } = useTranslation();
  const [form, setForm] = useState<CrousForm>(() => formOf(view));
  const [secretValue, setSecretValue] = useState('');
  const [secretEnv, setSecretEnv] = useState<string | null>(null);
  const [removeSecret, setRemoveSecret] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const personTypes = useApi((signal) => institutionsApi.personTypes(institution, signal), [institution]);
  const types = (personTypes.data ?? []).map((type) => ({ value: type.code, label: type.labelFr }));
  const set = (changes: Partial<CrousForm>) => {
    setSaved(false);
    setForm((previous) => ({ ...previous, ...changes }));
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const secret = secretValue.trim() !== '' ? { value: secretValue } : secretEnv ? { env: secretEnv } : removeSecret ? null : undefined;
    const body: ConnectorSettingsInput = { enabled: form.enabled, settings: settingsOf(form), ...(secret !== undefined ? { secrets: { secret } } : {}) };
    try {
      const answer = await connectorsApi.save('crous', institution, body);
      setSecretValue('');
      setSecretEnv(null);
      setRemoveSecret(false);
      setSaved(true);
      onSaved(answer);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  const secret = view.secrets.secret;
  const apiMode = form.mode === 'api' && form.environment !== 'simulator';
  return (
    <form onSubmit={(event) => void submit(event)} data-testid="crous-settings-form">
      <Stack gap="sm">
        <Switch label={t('admin.connectors.enabledSwitch')} checked={form.enabled} onChange={(event) => set({ enabled: event.currentTarget.checked })}
          data-testid="crous-enabled" />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Select label={t('admin.connectors.crous.mode')} allowDeselect={false} value={form.mode} onChange={(value) => set({ mode: value === 'files' ? 'files' : 'api' })}
            data={[{ value: 'api', label: t('admin.connectors.crous.modeApi') }, { value: 'files', label: t('admin.connectors.crous.modeFiles') }]}
            error={fieldError(t, error, '/settings/mode')} data-testid="crous-mode" />
          <Select label={t('admin.connectors.crous.environment')} allowDeselect={false} value={form.environment}
            onChange={(value) => set({ environment: value === 'production' || value === 'simulator' ? value : 'preproduction' })}
            data={(['production', 'preproduction', 'simulator'] as const).map((value) => ({ value, label: t(`admin.connectors.crous.${value}`) }))}
            error={fieldError(t, error, '/settings/environment')} data-testid="crous-environment" />
        </SimpleGrid>
        <TextInput label={t('admin.connectors.crous.baseUrl')} description={t('admin.connectors.crous.baseUrlHelp')} value={form.baseUrl}
          onChange={(event) => set({ baseUrl: event.currentTarget.value })} error={fieldError(t, error, '/settings/baseUrl')} data-testid="crous-base-url" />
        <Select label={t('admin.connectors.crous.auth')} allowDeselect={false} value={form.authMode}
          description={form.authMode === 'none'
            ? t(form.environment === 'simulator' ? 'admin.connectors.crous.authSimulatorHint' : 'admin.connectors.crous.authNoneHint')
            : undefined}
          onChange={(value) => set({ authMode: value === 'oauth2' || value === 'legacy' ? value : 'none' })}
          data={[{ value: 'none', label: t('admin.connectors.crous.authNone') }, { value: 'oauth2', label: t('admin.connectors.crous.authOauth2') },
            { value: 'legacy', label: t('admin.connectors.crous.authLegacy') }]}
          error={fieldError(t, error, '/settings/auth')} data-testid="crous-auth-mode" />
        {form.authMode === 'oauth2' ? (
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label={t('admin.connectors.crous.clientId')} value={form.clientId} onChange={(event) => set({ clientId: event.currentTarget.value })}
              error={fieldError(t, error, '/settings/auth/clientId')} required data-testid="crous-client-id" />
            <TextInput label={t('admin.connectors.crous.accessUrl')} description={t('admin.connectors.crous.accessUrlHelp')} value={form.accessUrl}
              onChange={(event) => set({ accessUrl: event.currentTarget.value })} error={fieldError(t, error, '/settings/auth/accessUrl')} data-testid="crous-access-url" />
          </SimpleGrid>
        ) : null}
        {form.authMode === 'legacy' ? (
          <TextInput label={t('admin.connectors.crous.appId')} value={form.appId} onChange={(event) => set({ appId: event.currentTarget.value })}
            error={fieldError(t, error, '/settings/auth/appId')} required data-testid="crous-app-id" />
        ) : null}
        {apiMode || secret?.configured ? (
          <Paper withBorder p="sm">
            <Stack gap={6}>
              <Text size="sm" fw={600}>{t('admin.connectors.secret.label')}</Text>
              <SecretState secret={secret} />
              {canStoreSecrets ? (
                <PasswordInput label={t('admin.connectors.secret.newValue')} description={t('admin.connectors.secret.newValueHelp')} value={secretValue}
                  onChange={(event) => setSecretValue(event.currentTarget.value)} autoComplete="new-password"
                  error={fieldError(t, error, '/secrets/secret/value')} data-testid="crous-secret-value" />
              ) : <Text size="sm" c="dimmed">{t('admin.connectors.secret.noKey')}</Text>}
              {environmentSecrets.length > 0 ? (
                <Select label={t('admin.connectors.secret.fromEnvironment')} data={environmentSecrets} value={secretEnv} onChange={setSecretEnv} clearable
                  error={fieldError(t, error, '/secrets/secret/env')} data-testid="crous-secret-env" />
              ) : null}
              {secret?.configured ? (
                <Checkbox label={t('admin.connectors.secret.remove')} checked={removeSecret} onChange={(event) => setRemoveSecret(event.currentTarget.checked)}
                  data-testid="crous-secret-remove" />
              ) : null}
            </Stack>
          </Paper>
        ) : null}
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label={t('admin.connectors.crous.crousNumber')} description={t('admin.connectors.crous.crousNumberHelp')} value={form.crousNumber}
            onChange={(event) => set({ crousNumber: event.currentTarget.value })} error={fieldError(t, error, '/settings/crousNumber')} data-testid="crous-number" />
          <TextInput label={t('admin.connectors.crous.rneOrgCode')} description={t('admin.connectors.crous.rneOrgCodeHelp')} value={form.rneOrgCode}
            onChange={(event) => set({ rneOrgCode: event.currentTarget.value.toUpperCase() })} error={fieldError(t, error, '/settings/rneOrgCode')}
            data-testid="crous-rne" />
          <Select label={t('admin.connectors.crous.identifier')} allowDeselect={false} value={form.identifier}
            onChange={(value) => set({ identifier: value === 'eppn' ? 'eppn' : 'ine' })}
            data={[{ value: 'ine', label: t('admin.connectors.crous.identifierIne') }, { value: 'eppn', label: t('admin.connectors.crous.identifierEppn') }]}
            error={fieldError(t, error, '/settings/identifier')} data-testid="crous-identifier" />
          <NumberInput label={t('admin.connectors.crous.idZdcOffset')} description={t('admin.connectors.crous.idZdcOffsetHelp')} value={form.idZdcOffset}
            onChange={(value) => set({ idZdcOffset: typeof value === 'number' ? value : Number(value) || 0 })} allowDecimal={false} min={0}
            error={fieldError(t, error, '/settings/idZdcOffset')} data-testid="crous-idzdc-offset" />
          <TextInput label={t('admin.connectors.crous.timeZone')} value={form.timeZone} onChange={(event) => set({ timeZone: event.currentTarget.value })}
            error={fieldError(t, error, '/settings/timeZone')} data-testid="crous-time-zone" />
          <MultiSelect label={t('admin.connectors.crous.autoConsent')} description={t('admin.connectors.crous.autoConsentHelp')} data={types}
            value={form.autoConsentPersonTypes} onChange={(value) => set({ autoConsentPersonTypes: value })}
            error={fieldError(t, error, '/settings/autoConsentPersonTypes')} data-testid="crous-auto-consent" />
        </SimpleGrid>
        <Text size="sm" fw={600}>{t('admin.connectors.crous.statusCodes')}</Text>
        <Text size="sm" c="dimmed">{t('admin.connectors.crous.statusCodesHelp')}</Text>
        <SimpleGrid cols={{ base: 2, sm: 4 }}>
          {types.map((type) => (
            <TextInput key={type.value} label={type.label} value={form.statusCodes[type.value] ?? ''} placeholder="—"
              onChange={(event) => set({ statusCodes: { ...form.statusCodes, [type.value]: event.currentTarget.value.toLowerCase() } })}
              error={fieldError(t, error, `/settings/statusCodes/${type.value}`)} data-testid={`crous-status-code-${type.value}`} />
          ))}
        </SimpleGrid>
        <ProblemAlert error={error !== null && !isAboutFields(error, FIELD_PATHS) ? error : null} />
        <Group>
          <Button type="submit" loading={busy} data-testid="crous-save">{t('admin.connectors.save')}</Button>
          {saved ? <Text size="sm" c="green.8" data-testid="crous-saved">{t('admin.saved')}</Text> : null}
        </Group>
      </Stack>
    </form>
  );
}

/**
 * Who paused a connector, readably: the account's or token's name the server resolved, a
 * technical actor's label, and for an account or token deleted since a neutral word, never its id.
 */
function pausedByLabel(view: ConnectorSettings, t: TFunction): string {
  if (view.pausedBy === null) return '';
  if (!view.pausedByName && /^(account|token):/.test(view.pausedBy)) return t('admin.connectors.pause.unknownActor');
  return actorLabel(view.pausedBy, view.pausedByName, t);
}

/** Pause and resume of a connector at an institution, with who paused it, when and why. */
function PauseControl({ view, connector, institution, onChanged }: {
  view: ConnectorSettings; connector: string; institution: string; onChanged: (changed: ConnectorSettings) => void;
}) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const act = async (pause: boolean) => {
    setBusy(true);
    setError(null);
    try {
      onChanged(pause ? await connectorsApi.pause(connector, institution, reason.trim() || null) : await connectorsApi.resume(connector, institution));
      setReason('');
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Paper withBorder p="sm" data-testid="connector-pause">
      <Stack gap={6}>
        <Group gap="xs">
          <Text size="sm" fw={600}>{t('admin.connectors.pause.title')}</Text>
          {view.paused ? <Badge color="orange" data-testid="connector-paused-badge">{t('admin.connectors.paused')}</Badge> : null}
        </Group>
        {view.paused ? (
          <>
            <Text size="sm" data-testid="connector-paused-since">
              {t('admin.connectors.pause.pausedSince', { date: formatDateTime(view.pausedAt), by: pausedByLabel(view, t) })}
            </Text>
            {view.pausedReason ? <Text size="sm">{t('admin.connectors.pause.reason', { reason: view.pausedReason })}</Text> : null}
            <Group><Button color="green" loading={busy} onClick={() => void act(false)} data-testid="connector-resume">{t('admin.connectors.pause.resume')}</Button></Group>
          </>
        ) : (
          <>
            <Text size="sm" c="dimmed">{t('admin.connectors.pause.running')}</Text>
            <Group align="flex-end">
              <TextInput label={t('admin.connectors.pause.reasonLabel')} value={reason} onChange={(event) => setReason(event.currentTarget.value)} maxLength={500}
                w={320} data-testid="connector-pause-reason" />
              <Button color="orange" variant="light" loading={busy} onClick={() => void act(true)} data-testid="connector-pause-button">
                {t('admin.connectors.pause.pause')}
              </Button>
            </Group>
          </>
        )}
        <ProblemAlert error={error} />
      </Stack>
    </Paper>
  );
}

/** The CROUS tariff rules of an institution as last fetched, and « Actualiser ». */
function TariffRules({ institution }: { institution: string }) {
  const { t } = useTranslation();
  const rules = useApi((signal) => connectorsApi.tariffRules(institution, signal), [institution]);
  const [fresh, setFresh] = useState<CrousTariffRules | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const shown = fresh ?? rules.data;
  const refresh = async () => {
    setBusy(true);
    setError(null);
    try {
      setFresh(await connectorsApi.refreshTariffRules(institution));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const bound = (value: number | null) => (value === null ? t('admin.connectors.tariff.open') : String(value));
  return (
    <Paper withBorder p="sm" data-testid="crous-tariff-rules">
      <Stack gap={6}>
        <Group justify="space-between">
          <Title order={3} size="h5">{t('admin.connectors.tariff.title')}</Title>
          <Button size="compact-sm" variant="default" loading={busy} onClick={() => void refresh()} data-testid="crous-tariff-refresh">
            {t('admin.connectors.tariff.refresh')}
          </Button>
        </Group>
        <ProblemAlert error={rules.error ?? error} />
        {shown ? (
          <Text size="sm" data-testid="crous-tariff-fetched">
            {shown.fetchedAt
              ? t('admin.connectors.tariff.fetched', { date: formatDateTime(shown.fetchedAt), crous: shown.crousNumber ?? '', rne: shown.rne ?? '' })
              : t('admin.connectors.tariff.none')}
          </Text>
        ) : null}
        {shown?.lastError && shown.lastAttemptAt ? (
          <Alert color="red" variant="light" data-testid="crous-tariff-error">
            {t(shown.fetchedAt ? 'admin.connectors.tariff.errorKept' : 'admin.connectors.tariff.error', { date: formatDateTime(shown.lastAttemptAt), error: shown.lastError })}
          </Alert>
        ) : null}
        {shown && shown.rules.length > 0 ? (
          <Table striped data-testid="crous-tariff-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('admin.connectors.tariff.statusCode')}</Table.Th>
                <Table.Th>{t('admin.connectors.tariff.indexMin')}</Table.Th>
                <Table.Th>{t('admin.connectors.tariff.indexMax')}</Table.Th>
                <Table.Th>{t('admin.connectors.tariff.idCompanyRate')}</Table.Th>
                <Table.Th>{t('admin.connectors.tariff.idRate')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {shown.rules.map((rule, index) => (
                <Table.Tr key={index}>
                  <Table.Td>{rule.statusCode}</Table.Td>
                  <Table.Td>{bound(rule.indexMin)}</Table.Td>
                  <Table.Td>{bound(rule.indexMax)}</Table.Td>
                  <Table.Td>{rule.idCompanyRate}</Table.Td>
                  <Table.Td>{rule.idRate}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : null}
      </Stack>
    </Paper>
  );
}

/** One connector at one institution: its settings form, pause, and (CROUS) the tariff rules. */
function ConnectorEditor({ connector, institution, canStoreSecrets, environmentSecrets, onChanged }: {
  connector: string; institution: string; canStoreSecrets: boolean; environmentSecrets: string[]; onChanged: () => void;
}) {
  const settings = useApi((signal) => connectorsApi.settings(connector, institution, signal), [connector, institution]);
  const [current, setCurrent] = useState<ConnectorSettings | null>(null);
  const view = current ?? settings.data;
  const changed = (next: ConnectorSettings) => {
    setCurrent(next);
    onChanged();
  };
  return (
    <Stack gap="sm" mt="sm" data-testid={`connector-editor-${connector}-${institution}`}>
      <ProblemAlert error={settings.error} />
      {view ? <PauseControl view={view} connector={connector} institution={institution} onChanged={changed} /> : null}
      {view && connector === 'crous' ? (
        <CrousSettingsForm view={view} institution={institution} canStoreSecrets={canStoreSecrets}
          environmentSecrets={environmentSecrets} onSaved={changed} />
      ) : null}
      {connector === 'crous' ? <TariffRules institution={institution} /> : null}
    </Stack>
  );
}

/**
 * « Connecteurs »: every registered connector at every institution of the admin (on, off, paused),
 * and per institution the connector's settings (secrets write-only, shown by their last four
 * characters), pause and resume, and for the CROUS its tariff rules with « Actualiser ».
 */
export function ConnectorsPanel() {
  const { t, i18n } = useTranslation();
  const overview = useApi((signal) => connectorsApi.overview(signal), []);
  const [open, setOpen] = useState<string | null>(null);
  const language = i18n.language === 'en' ? 'en' : 'fr';
  const labelOf = (id: string) => overview.data?.connectors.find((connector) => connector.id === id)?.labels[language] ?? id;
  const items = overview.data?.items ?? [];
  return (
    <Stack>
      <Text size="sm" c="dimmed">{t('admin.connectors.intro')}</Text>
      <ProblemAlert error={overview.error} />
      {overview.data && items.length === 0 ? <Alert color="gray">{t('admin.connectors.none')}</Alert> : null}
      {items.map((item) => {
        const key = `${item.connector}@${item.institution}`;
        return (
          <Paper key={key} withBorder p="md" data-testid={`connector-${item.connector}-${item.institution}`}>
            <Group justify="space-between">
              <Group gap="xs">
                <Title order={2} size="h4">{t('admin.connectors.settingsOf', { connector: labelOf(item.connector), institution: item.institutionName })}</Title>
                {/* One state: a paused connector is « En pause », whether or not it is enabled underneath. */}
                {item.paused ? <Badge color="orange" data-testid={`connector-state-${item.connector}-${item.institution}`}>{t('admin.connectors.paused')}</Badge> : (
                  <Badge color={item.enabled ? 'green' : 'gray'} data-testid={`connector-state-${item.connector}-${item.institution}`}>
                    {item.enabled ? t('admin.connectors.enabled') : item.configured ? t('admin.connectors.disabled') : t('admin.connectors.notConfigured')}
                  </Badge>
                )}
              </Group>
              <Button size="xs" variant="default" onClick={() => setOpen(open === key ? null : key)} data-testid={`connector-open-${item.connector}-${item.institution}`}>
                {open === key ? t('admin.connectors.close') : t('admin.connectors.configure')}
              </Button>
            </Group>
            {item.configuredBy === 'deployment' ? (
              <Text size="sm" c="dimmed" mt={4} data-testid={`connector-source-${item.connector}-${item.institution}`}>
                {t(item.configured ? 'admin.connectors.deploymentConfigured' : 'admin.connectors.deploymentNotConfigured')}
              </Text>
            ) : null}
            {open === key ? (
              <ConnectorEditor connector={item.connector} institution={item.institution} canStoreSecrets={overview.data?.canStoreSecrets ?? false}
                environmentSecrets={overview.data?.environmentSecrets ?? []} onChanged={() => overview.reload()} />
            ) : null}
          </Paper>
        );
      })}
    </Stack>
  );
}
