import { Alert, Button, Checkbox, ColorInput, FileButton, Group, Image, NumberInput, Paper, Select, SimpleGrid, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { institutionApi, type InstitutionInput } from '../api/institution.api.ts';
import type { Institution, InstitutionSettings } from '../api/api-types.ts';
import { fieldError, isAboutFields } from '../shared/problem-messages.ts';
import { ProblemAlert } from '../shared/problem-alert.component.tsx';
import { invalidateInstitution } from '../shared/use-institution.hook.ts';

const SELF_REASONS = ['LOST', 'THEFT', 'OUT_OF_ORDER'] as const;

const DEFAULT_SETTINGS: InstitutionSettings = {
  autoEnableAfterEncode: false,
  enableOnDelivery: false,
  selfServiceDisableReasons: ['LOST', 'THEFT', 'OUT_OF_ORDER'],
  requestRules: {},
  cardValidityMonths: 12,
  showHolderOnVerification: false,
  escDeleteDisabledCards: false,
};

/**
 * The single institution's identity (PIC, UAI, SCHAC, country, ESI scope), logo, colours and card
 * office settings, through `/institution`: what admins get from a server without the institutions
 * routes (person types are edited per institution in the institutions panel).
 */
export function InstitutionSettingsPanel() {
  const { t } = useTranslation();
  const [form, setForm] = useState<InstitutionInput & { settings: InstitutionSettings; colors: { primary: string; secondary: string } } | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const [logoVersion, setLogoVersion] = useState(0);
  const [hasLogo, setHasLogo] = useState(false);

  useEffect(() => {
    institutionApi.get().then((institution: Institution) => {
      setHasLogo(institution.hasLogo);
      setForm({
        name: institution.name,
        pic: institution.pic,
        uai: institution.uai ?? '',
        schacHomeOrganization: institution.schacHomeOrganization ?? '',
        country: institution.country ?? 'FR',
        esiScope: institution.esiScope ?? 'national',
        colors: institution.colors,
        settings: { ...DEFAULT_SETTINGS, ...(institution.settings ?? {}) },
      });
    }, setLoadError);
  }, []);

  if (loadError) return <ProblemAlert error={loadError} />;
  if (!form) return null;
  const set = <K extends keyof typeof form>(key: K, value: (typeof form)[K]) => { setForm({ ...form, [key]: value }); setSaved(false); };
  const setSetting = <K extends keyof InstitutionSettings>(key: K, value: InstitutionSettings[K]) => set('settings', { ...form.settings, [key]: value });

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!form) return;
    setBusy(true);
    setError(null);
    try {
      await institutionApi.save({ ...form, uai: form.uai ? form.uai : null });
      invalidateInstitution();
      setSaved(true);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  async function uploadLogo(file: File | null) {
    if (!file) return;
    setError(null);
    try {
      await institutionApi.uploadLogo(file);
      invalidateInstitution();
      setHasLogo(true);
      setLogoVersion((value) => value + 1);
    } catch (failure) {
      setError(failure);
    }
  }

  const fields = ['/name', '/pic', '/uai', '/schacHomeOrganization', '/country', '/esiScope', '/colors', '/settings'];
  return (
    <form onSubmit={(event) => void submit(event)} noValidate data-testid="institution-form">
      <Stack>
        {saved ? <Alert color="green" role="status">{t('admin.saved')}</Alert> : null}
        {error && !isAboutFields(error, fields) ? <ProblemAlert error={error} /> : null}
        <Paper withBorder p="md">
          <Title order={2} size="h4" mb="sm">{t('admin.institution.identity')}</Title>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label={t('admin.institution.name')} value={form.name} onChange={(event) => set('name', event.currentTarget.value)} error={fieldError(t, error, '/name')} required />
            <TextInput label={t('admin.institution.pic')} description={t('admin.institution.picHelp')} value={form.pic} onChange={(event) => set('pic', event.currentTarget.value)} error={fieldError(t, error, '/pic')} required />
            <TextInput label={t('admin.institution.uai')} description={t('admin.institution.uaiHelp')} value={form.uai ?? ''} onChange={(event) => set('uai', event.currentTarget.value)} error={fieldError(t, error, '/uai')} />
            <TextInput label={t('admin.institution.schac')} value={form.schacHomeOrganization} onChange={(event) => set('schacHomeOrganization', event.currentTarget.value)} error={fieldError(t, error, '/schacHomeOrganization')} required />
            <TextInput label={t('admin.institution.country')} value={form.country} maxLength={2} onChange={(event) => set('country', event.currentTarget.value.toUpperCase())} error={fieldError(t, error, '/country')} required />
            <Select label={t('admin.institution.esiScope')} value={form.esiScope} allowDeselect={false}
              data={[{ value: 'national', label: t('admin.institution.esiNational') }, { value: 'institution', label: t('admin.institution.esiInstitution') }]}
              onChange={(value) => set('esiScope', value === 'institution' ? 'institution' : 'national')} />
          </SimpleGrid>
        </Paper>
        <Paper withBorder p="md">
          <Title order={2} size="h4" mb="sm">{t('admin.institution.look')}</Title>
          <Group align="flex-start">
            <ColorInput label={t('admin.institution.primary')} value={form.colors.primary} onChange={(value) => set('colors', { ...form.colors, primary: value })} format="hex" withEyeDropper={false} error={fieldError(t, error, '/colors/primary')} />
            <ColorInput label={t('admin.institution.secondary')} value={form.colors.secondary} onChange={(value) => set('colors', { ...form.colors, secondary: value })} format="hex" withEyeDropper={false} error={fieldError(t, error, '/colors/secondary')} />
            <Stack gap={4}>
              <Text size="sm" fw={500}>{t('admin.institution.logo')}</Text>
              {hasLogo ? <Image src={`/api/v1/institution/logo?v=${logoVersion}`} alt={t('admin.institution.logoAlt')} h={48} w="auto" fit="contain" /> : <Text size="sm" c="dimmed">{t('admin.institution.noLogo')}</Text>}
              <FileButton onChange={(file) => void uploadLogo(file)} accept="image/png,image/jpeg,image/svg+xml">
                {(props) => <Button {...props} variant="default" size="xs">{t('admin.institution.uploadLogo')}</Button>}
              </FileButton>
            </Stack>
          </Group>
        </Paper>
        <Paper withBorder p="md">
          <Title order={2} size="h4" mb="sm">{t('admin.institution.rules')}</Title>
          <Stack gap="xs">
            <Switch label={t('admin.institution.autoEnable')} checked={form.settings.autoEnableAfterEncode} onChange={(event) => setSetting('autoEnableAfterEncode', event.currentTarget.checked)} />
            <Switch label={t('admin.institution.enableOnDelivery')} checked={form.settings.enableOnDelivery} onChange={(event) => setSetting('enableOnDelivery', event.currentTarget.checked)} />
            <Switch label={t('admin.institution.showHolder')} checked={form.settings.showHolderOnVerification} onChange={(event) => setSetting('showHolderOnVerification', event.currentTarget.checked)} />
            <Switch label={t('admin.institution.escDelete')} checked={form.settings.escDeleteDisabledCards} onChange={(event) => setSetting('escDeleteDisabledCards', event.currentTarget.checked)} />
            <NumberInput label={t('admin.institution.validity')} min={1} max={120} w={220} value={form.settings.cardValidityMonths}
              onChange={(value) => setSetting('cardValidityMonths', typeof value === 'number' ? value : 12)} error={fieldError(t, error, '/settings/cardValidityMonths')} />
            <Checkbox.Group label={t('admin.institution.selfReasons')} value={form.settings.selfServiceDisableReasons}
              onChange={(value) => setSetting('selfServiceDisableReasons', value.filter((reason): reason is (typeof SELF_REASONS)[number] => (SELF_REASONS as readonly string[]).includes(reason)))}>
              <Group mt={4}>{SELF_REASONS.map((reason) => <Checkbox key={reason} value={reason} label={t(`disableReason.${reason}`)} />)}</Group>
            </Checkbox.Group>
          </Stack>
        </Paper>
        <Group><Button type="submit" loading={busy} data-testid="institution-save">{t('common.save')}</Button></Group>
      </Stack>
    </form>
  );
}
