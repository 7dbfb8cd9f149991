import {
  Alert, Badge, Button, Checkbox, ColorInput, FileButton, Group, Image, NumberInput, Paper, PasswordInput, Select, SimpleGrid, Stack, Switch,
  Text, TextInput, Title,
} from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { apiUrl } from '../api/api-client.ts';
import { institutionsApi, type InstitutionCreateInput, type InstitutionResource, type InstitutionSummary } from '../api/institutions.api.ts';
import { fieldError, isAboutFields } from '../shared/problem-messages.ts';
import { ProblemAlert } from '../shared/problem-alert.component.tsx';
import { useApi } from '../shared/use-api.hook.ts';
import { invalidateInstitution } from '../shared/use-institution.hook.ts';
import { PersonTypesEditor } from './person-types-editor.component.tsx';
import { CardIdentifiersPanel } from './card-identifiers.panel.tsx';

const SELF_REASONS = ['LOST', 'THEFT', 'OUT_OF_ORDER'] as const;
type SelfReason = (typeof SELF_REASONS)[number];

type Settings = InstitutionResource['settings'];

/** The editor's fields: every identity field and setting, the code only while creating. */
interface InstitutionForm {
  code: string;
  name: string;
  kind: 'institution' | 'federation';
  parent: string | null;
  pic: string | null;
  uai: string | null;
  schacHomeOrganization: string | null;
  country: string;
  esiScope: 'national' | 'institution';
  colors: { primary: string; secondary: string };
  settings: Settings;
}

/** What a new institution starts with: the defaults of a fresh deployment. */
const NEW_INSTITUTION: InstitutionForm = {
  code: '',
  name: '',
  kind: 'institution',
  parent: null,
  pic: null,
  uai: null,
  schacHomeOrganization: null,
  country: 'FR',
  esiScope: 'national',
  colors: { primary: '#1d4f91', secondary: '#eef3fa' },
  settings: {
    autoEnableAfterEncode: false,
    enableOnDelivery: false,
    selfServiceDisableReasons: [...SELF_REASONS],
    cardValidityMonths: 12,
    showHolderOnVerification: false,
    escDeleteDisabledCards: false,
    sharedCard: false,
  },
};

function formOf(institution: InstitutionResource): InstitutionForm {
  return {
    code: institution.code,
    name: institution.name,
    kind: institution.kind,
    parent: institution.parent,
    pic: institution.pic,
    uai: institution.uai,
    schacHomeOrganization: institution.schacHomeOrganization,
    country: institution.country,
    esiScope: institution.esiScope,
    colors: institution.colors,
    settings: { ...NEW_INSTITUTION.settings, ...institution.settings },
  };
}

/** Empty text fields are sent as null: "not known yet", not an empty identifier. */
function cleaned(form: InstitutionForm): InstitutionCreateInput & { code: string } {
  const text = (value: string | null) => (value && value.trim() ? value.trim() : null);
  return {
    ...form,
    code: form.code.trim(),
    name: form.name.trim(),
    pic: text(form.pic),
    uai: text(form.uai)?.toUpperCase() ?? null,
    schacHomeOrganization: text(form.schacHomeOrganization),
  };
}

interface EditorProps {
  /** The institution edited, or undefined to create one. */
  institution?: InstitutionResource;
  /** Every institution (for the parent choice). */
  all: readonly InstitutionSummary[];
  /** Shows a "back to the list" button (not when the deployment has one institution). */
  onBack?: () => void;
  onSaved(institution: InstitutionResource): void;
}

/**
 * One institution or federation for admins: identity (name, code, kind, parent, PIC, UAI, SCHAC,
 * country, ESI scope), logo and colours, card office settings (and, for a federation, whether its
 * members share one card), its own ESC Router API key (write-only), disable and enable, and its
 * person types.
 */
export function InstitutionEditor({ institution, all, onBack, onSaved }: EditorProps) {
  const { t } = useTranslation();
  const creating = institution === undefined;
  const [form, setForm] = useState<InstitutionForm>(() => (institution ? formOf(institution) : { ...NEW_INSTITUTION }));
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [escKey, setEscKey] = useState('');
  const [logoVersion, setLogoVersion] = useState(0);
  const escKeyStatus = useApi((signal) => (institution ? institutionsApi.escApiKey(institution.code, signal) : Promise.resolve(null)), [institution?.code]);

  const set = <K extends keyof InstitutionForm>(key: K, value: InstitutionForm[K]) => {
    setForm((previous) => ({ ...previous, [key]: value }));
    setSaved(null);
  };
  const setSetting = <K extends keyof Settings>(key: K, value: Settings[K]) =>
    set('settings', { ...form.settings, [key]: value });
  const federations = all.filter((candidate) => candidate.kind === 'federation' && candidate.code !== institution?.code);

  async function run(what: string, action: () => Promise<InstitutionResource | void>, message: string) {
    setBusy(what);
    setError(null);
    setSaved(null);
    try {
      const result = await action();
      invalidateInstitution();
      setSaved(message);
      if (result) onSaved(result);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(null);
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const body = cleaned(form);
    // The code and the kind are fixed once the institution exists.
    const { code, kind, ...change } = body;
    void run('save', () => (institution ? institutionsApi.save(institution.code, change) : institutionsApi.create({ ...change, code, kind })), t('admin.saved'));
  }

  function saveEscKey(apiKey: string | null) {
    if (!institution) return;
    void run('esc', async () => {
      await institutionsApi.setEscApiKey(institution.code, apiKey);
      setEscKey('');
      escKeyStatus.reload();
    }, t(apiKey ? 'admin.institutions.escKeySaved' : 'admin.institutions.escKeyRemoved'));
  }

  function uploadLogo(file: File | null) {
    if (!file || !institution) return;
    void run('logo', async () => {
      await institutionsApi.uploadLogo(institution.code, file);
      setLogoVersion((value) => value + 1);
      return institutionsApi.get(institution.code);
    }, t('admin.saved'));
  }

  const fields = ['/code', '/name', '/kind', '/parent', '/pic', '/uai', '/schacHomeOrganization', '/country', '/esiScope', '/colors', '/settings'];
  const disabled = institution?.disabled ?? false;
  const escKeyState = escKeyStatus.data;
  return (
    <Stack data-testid="institution-editor" data-code={institution?.code ?? ''}>
      <Group justify="space-between">
        <Group gap="xs">
          <Title order={2} size="h3">{creating ? t('admin.institutions.new') : institution.name}</Title>
          {disabled ? <Badge color="gray" data-testid="institution-disabled">{t('admin.institutions.disabled')}</Badge> : null}
        </Group>
        {onBack ? <Button variant="default" size="xs" onClick={onBack} data-testid="institution-back">{t('admin.institutions.backToList')}</Button> : null}
      </Group>
      {saved ? <Alert color="green" role="status" data-testid="institution-saved">{saved}</Alert> : null}
      {error && !isAboutFields(error, [...fields, '/apiKey']) ? <ProblemAlert error={error} /> : null}
      <form onSubmit={submit} noValidate data-testid="institution-form">
        <Stack>
          <Paper withBorder p="md">
            <Title order={3} size="h4" mb="sm">{t('admin.institution.identity')}</Title>
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TextInput label={t('admin.institution.name')} value={form.name} onChange={(event) => set('name', event.currentTarget.value)}
                error={fieldError(t, error, '/name')} required data-testid="institution-name" />
              {creating ? (
                <TextInput label={t('admin.institutions.code')} description={t('admin.institutions.codeHelp')} value={form.code ?? ''}
                  onChange={(event) => set('code', event.currentTarget.value.toLowerCase())} error={fieldError(t, error, '/code')} required data-testid="institution-code" />
              ) : (
                <TextInput label={t('admin.institutions.code')} description={t('admin.institutions.codeFixed')} value={institution.code} readOnly />
              )}
              <Select label={t('admin.institutions.kind')} value={form.kind} allowDeselect={false} data-testid="institution-kind" disabled={!creating}
                data={[{ value: 'institution', label: t('admin.institutions.kinds.institution') }, { value: 'federation', label: t('admin.institutions.kinds.federation') }]}
                onChange={(value) => set('kind', value === 'federation' ? 'federation' : 'institution')} error={fieldError(t, error, '/kind')} />
              <Select label={t('admin.institutions.parent')} description={t('admin.institutions.parentHelp')} value={form.parent ?? ''} data-testid="institution-parent"
                data={[{ value: '', label: t('admin.institutions.noParent') }, ...federations.map((federation) => ({ value: federation.code, label: federation.name }))]}
                onChange={(value) => set('parent', value ? value : null)} allowDeselect={false} error={fieldError(t, error, '/parent')} />
              <TextInput label={t('admin.institution.pic')} description={t('admin.institution.picHelp')} value={form.pic ?? ''}
                onChange={(event) => set('pic', event.currentTarget.value)} error={fieldError(t, error, '/pic')} data-testid="institution-pic" />
              <TextInput label={t('admin.institution.uai')} description={t('admin.institution.uaiHelp')} value={form.uai ?? ''}
                onChange={(event) => set('uai', event.currentTarget.value)} error={fieldError(t, error, '/uai')} />
              <TextInput label={t('admin.institution.schac')} value={form.schacHomeOrganization ?? ''}
                onChange={(event) => set('schacHomeOrganization', event.currentTarget.value)} error={fieldError(t, error, '/schacHomeOrganization')} data-testid="institution-schac" />
              <TextInput label={t('admin.institution.country')} value={form.country} maxLength={2}
                onChange={(event) => set('country', event.currentTarget.value.toUpperCase())} error={fieldError(t, error, '/country')} required />
              <Select label={t('admin.institution.esiScope')} value={form.esiScope} allowDeselect={false}
                data={[{ value: 'national', label: t('admin.institution.esiNational') }, { value: 'institution', label: t('admin.institution.esiInstitution') }]}
                onChange={(value) => set('esiScope', value === 'institution' ? 'institution' : 'national')} />
            </SimpleGrid>
          </Paper>
          <Paper withBorder p="md">
            <Title order={3} size="h4" mb="sm">{t('admin.institution.look')}</Title>
            <Group align="flex-start">
              <ColorInput label={t('admin.institution.primary')} value={form.colors.primary} onChange={(value) => set('colors', { ...form.colors, primary: value })}
                format="hex" withEyeDropper={false} error={fieldError(t, error, '/colors/primary')} />
              <ColorInput label={t('admin.institution.secondary')} value={form.colors.secondary} onChange={(value) => set('colors', { ...form.colors, secondary: value })}
                format="hex" withEyeDropper={false} error={fieldError(t, error, '/colors/secondary')} />
              {institution ? (
                <Stack gap={4}>
                  <Text size="sm" fw={500}>{t('admin.institution.logo')}</Text>
                  {institution.hasLogo ? (
                    <Image src={apiUrl(`/institutions/${encodeURIComponent(institution.code)}/logo`, { v: logoVersion })} alt={t('admin.institution.logoAlt')} h={48} w="auto" fit="contain" />
                  ) : <Text size="sm" c="dimmed">{t('admin.institution.noLogo')}</Text>}
                  <FileButton onChange={uploadLogo} accept="image/png,image/jpeg,image/svg+xml">
                    {(props) => <Button {...props} variant="default" size="xs" loading={busy === 'logo'}>{t('admin.institution.uploadLogo')}</Button>}
                  </FileButton>
                </Stack>
              ) : null}
            </Group>
          </Paper>
          <Paper withBorder p="md">
            <Title order={3} size="h4" mb="sm">{t('admin.institution.rules')}</Title>
            <Stack gap="xs">
              {form.kind === 'federation' ? (
                <Switch label={t('admin.institutions.sharedCard')} description={t('admin.institutions.sharedCardHelp')} checked={form.settings.sharedCard ?? false}
                  onChange={(event) => setSetting('sharedCard', event.currentTarget.checked)} data-testid="institution-shared-card" />
              ) : null}
              <Switch label={t('admin.institution.autoEnable')} checked={form.settings.autoEnableAfterEncode ?? false} onChange={(event) => setSetting('autoEnableAfterEncode', event.currentTarget.checked)} />
              <Switch label={t('admin.institution.enableOnDelivery')} checked={form.settings.enableOnDelivery ?? false} onChange={(event) => setSetting('enableOnDelivery', event.currentTarget.checked)} />
              <Switch label={t('admin.institution.showHolder')} checked={form.settings.showHolderOnVerification ?? false} onChange={(event) => setSetting('showHolderOnVerification', event.currentTarget.checked)} />
              <Switch label={t('admin.institution.escDelete')} checked={form.settings.escDeleteDisabledCards ?? false} onChange={(event) => setSetting('escDeleteDisabledCards', event.currentTarget.checked)} />
              <NumberInput label={t('admin.institution.validity')} min={1} max={120} w={220} value={form.settings.cardValidityMonths ?? 12}
                onChange={(value) => setSetting('cardValidityMonths', typeof value === 'number' ? value : 12)} error={fieldError(t, error, '/settings/cardValidityMonths')} />
              <Checkbox.Group label={t('admin.institution.selfReasons')} value={form.settings.selfServiceDisableReasons ?? []}
                onChange={(value) => setSetting('selfServiceDisableReasons', value.filter((reason): reason is SelfReason => (SELF_REASONS as readonly string[]).includes(reason)))}>
                <Group mt={4}>{SELF_REASONS.map((reason) => <Checkbox key={reason} value={reason} label={t(`disableReason.${reason}`)} />)}</Group>
              </Checkbox.Group>
            </Stack>
          </Paper>
          <Group>
            <Button type="submit" loading={busy === 'save'} data-testid="institution-save">{creating ? t('admin.institutions.createButton') : t('common.save')}</Button>
          </Group>
        </Stack>
      </form>
      {institution ? (
        <>
          <Paper withBorder p="md" data-testid="institution-esc-key">
            <Title order={3} size="h4" mb="xs">{t('admin.institutions.escKey')}</Title>
            {escKeyStatus.error ? <ProblemAlert error={escKeyStatus.error} /> : null}
            {escKeyState ? (
              <Text size="sm" mb="xs" data-testid="institution-esc-key-state">
                {escKeyState.configured
                  ? t('admin.institutions.escKeyConfigured', { last: escKeyState.last4 ?? '' })
                  : t(escKeyState.source === 'deployment' ? 'admin.institutions.escKeyDeployment' : 'admin.institutions.escKeyNone')}
              </Text>
            ) : null}
            <Group align="flex-end">
              <PasswordInput label={t('admin.institutions.escKeyNew')} description={t('admin.institutions.escKeyHelp')} value={escKey} autoComplete="off"
                onChange={(event) => setEscKey(event.currentTarget.value)} error={fieldError(t, error, '/apiKey')} w={360} data-testid="institution-esc-key-input" />
              <Button variant="default" disabled={!escKey.trim()} loading={busy === 'esc'} onClick={() => saveEscKey(escKey.trim())} data-testid="institution-esc-key-save">
                {t('admin.institutions.escKeySave')}
              </Button>
              {escKeyState?.configured ? (
                <Button variant="subtle" color="red" onClick={() => saveEscKey(null)} data-testid="institution-esc-key-remove">{t('admin.institutions.escKeyRemove')}</Button>
              ) : null}
            </Group>
          </Paper>
          {institution.kind === 'institution' ? <PersonTypesEditor institution={institution} onChanged={() => void institutionsApi.get(institution.code).then(onSaved)} /> : null}
          {institution.kind === 'institution' ? <CardIdentifiersPanel code={institution.code} /> : null}
          <Paper withBorder p="md">
            <Title order={3} size="h4" mb="xs">{disabled ? t('admin.institutions.enableTitle') : t('admin.institutions.disableTitle')}</Title>
            <Text size="sm" mb="xs">{disabled ? t('admin.institutions.enableHelp') : t('admin.institutions.disableHelp')}</Text>
            {disabled ? (
              <Button variant="default" loading={busy === 'enable'} data-testid="institution-enable"
                onClick={() => void run('enable', () => institutionsApi.enable(institution.code), t('admin.institutions.enabled'))}>{t('admin.institutions.enable')}</Button>
            ) : (
              <Button color="red" variant="outline" loading={busy === 'disable'} data-testid="institution-disable"
                onClick={() => {
                  if (window.confirm(t('admin.institutions.confirmDisable', { name: institution.name }))) {
                    void run('disable', () => institutionsApi.disable(institution.code), t('admin.institutions.disabledDone'));
                  }
                }}>{t('admin.institutions.disable')}</Button>
            )}
          </Paper>
        </>
      ) : null}
    </Stack>
  );
}
