import { Badge, Button, Checkbox, Group, Modal, NumberInput, Paper, Stack, Switch, Table, TagsInput, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { institutionsApi, type InstitutionResource, type PersonTypeResource } from '../api/institutions.api.ts';
import { fieldError, isAboutFields } from '../shared/problem-messages.ts';
import { ProblemAlert } from '../shared/problem-alert.component.tsx';
import { invalidateInstitution } from '../shared/use-institution.hook.ts';

const CARD_KINDS = ['physical', 'virtual'] as const;
type CardKind = (typeof CARD_KINDS)[number];

/** A new type's fields before the admin fills them in; its position puts it last. */
const newType = (position: number): PersonTypeResource => ({
  code: '', labelFr: '', labelEn: '', cardKinds: ['physical', 'virtual'], selfRequest: false, deliveryAddress: false, validityMonths: null, affiliations: [],
  position, disabled: false,
});

/** The dialog that writes one person type; the code is chosen once, when the type is created. */
function PersonTypeDialog({ institution, type, onClose, onSaved }: {
  institution: InstitutionResource; type: PersonTypeResource | null; onClose(): void; onSaved(): void;
}) {
  const { t } = useTranslation();
  const [form, setForm] = useState<PersonTypeResource>(type ?? newType(Math.max(0, ...(institution.personTypes.map((candidate) => candidate.position))) + 1));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof PersonTypeResource>(key: K, value: PersonTypeResource[K]) => setForm((previous) => ({ ...previous, [key]: value }));

  async function save(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { code, ...body } = form;
      await institutionsApi.savePersonType(institution.code, code.trim(), { ...body, labelFr: body.labelFr.trim(), labelEn: body.labelEn.trim() });
      invalidateInstitution();
      onSaved();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  const fields = ['/code', '/labelFr', '/labelEn', '/cardKinds', '/validityMonths', '/affiliations'];
  return (
    <Modal opened onClose={onClose} size="lg" title={type ? t('admin.personTypes.editTitle', { code: type.code }) : t('admin.personTypes.newTitle')}>
      <form onSubmit={(event) => void save(event)} noValidate data-testid="person-type-form">
        <Stack>
          {type ? null : (
            <TextInput label={t('admin.personTypes.code')} description={t('admin.personTypes.codeHelp')} value={form.code} required data-autofocus
              onChange={(event) => set('code', event.currentTarget.value.toLowerCase())} error={fieldError(t, error, '/code')} data-testid="person-type-code" />
          )}
          <Group grow>
            <TextInput label={t('admin.personTypes.labelFr')} value={form.labelFr} required onChange={(event) => set('labelFr', event.currentTarget.value)}
              error={fieldError(t, error, '/labelFr')} data-testid="person-type-label-fr" />
            <TextInput label={t('admin.personTypes.labelEn')} value={form.labelEn} required onChange={(event) => set('labelEn', event.currentTarget.value)}
              error={fieldError(t, error, '/labelEn')} data-testid="person-type-label-en" />
          </Group>
          <Checkbox.Group label={t('admin.personTypes.cardKinds')} value={form.cardKinds} error={fieldError(t, error, '/cardKinds')}
            onChange={(value) => set('cardKinds', value.filter((kind): kind is CardKind => (CARD_KINDS as readonly string[]).includes(kind)))}>
            <Group mt={4}>{CARD_KINDS.map((kind) => <Checkbox key={kind} value={kind} label={t(`admin.personTypes.kinds.${kind}`)} />)}</Group>
          </Checkbox.Group>
          <Switch label={t('admin.institution.selfRequest')} checked={form.selfRequest} onChange={(event) => set('selfRequest', event.currentTarget.checked)} data-testid="person-type-self-request" />
          <Switch label={t('admin.institution.askAddress')} checked={form.deliveryAddress} onChange={(event) => set('deliveryAddress', event.currentTarget.checked)} data-testid="person-type-address" />
          <Switch label={t('admin.personTypes.disabled')} description={t('admin.personTypes.disabledHelp')} checked={form.disabled} onChange={(event) => set('disabled', event.currentTarget.checked)} />
          <NumberInput label={t('admin.personTypes.validity')} description={t('admin.personTypes.validityHelp')} min={1} max={120} w={260}
            value={form.validityMonths ?? ''} onChange={(value) => set('validityMonths', typeof value === 'number' ? value : null)} error={fieldError(t, error, '/validityMonths')} />
          <TagsInput label={t('admin.personTypes.affiliations')} description={t('admin.personTypes.affiliationsHelp')} value={form.affiliations}
            onChange={(value) => set('affiliations', value)} error={fieldError(t, error, '/affiliations')} clearable />
          {error && !isAboutFields(error, fields) ? <ProblemAlert error={error} /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>{t('common.cancel')}</Button>
            <Button type="submit" loading={busy} data-testid="person-type-save">{t('common.save')}</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/**
 * The person types of one institution: what each may request (card kinds, online request,
 * delivery address), how long its cards are valid, which directory affiliations make it.
 */
export function PersonTypesEditor({ institution, onChanged }: { institution: InstitutionResource; onChanged(): void }) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState<PersonTypeResource | 'new' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const types = institution.personTypes;

  async function remove(type: PersonTypeResource) {
    if (!window.confirm(t('admin.personTypes.confirmDelete', { label: type.labelFr }))) return;
    setError(null);
    try {
      await institutionsApi.deletePersonType(institution.code, type.code);
      invalidateInstitution();
      onChanged();
    } catch (failure) {
      setError(failure);
    }
  }

  const yes = (value: boolean) => (value ? t('common.yes') : t('common.no'));
  return (
    <Paper withBorder p="md" data-testid="person-types">
      <Group justify="space-between" mb="xs">
        <Title order={3} size="h4">{t('admin.personTypes.title')}</Title>
        <Button size="xs" variant="default" onClick={() => setEditing('new')} data-testid="person-type-add">{t('admin.personTypes.add')}</Button>
      </Group>
      <ProblemAlert error={error} />
      <Table.ScrollContainer minWidth={960}>
        <Table striped fz="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('admin.personTypes.code')}</Table.Th>
              <Table.Th>{t('admin.personTypes.labelFr')}</Table.Th>
              <Table.Th>{t('admin.personTypes.labelEn')}</Table.Th>
              <Table.Th>{t('admin.personTypes.cardKinds')}</Table.Th>
              <Table.Th>{t('admin.institution.selfRequest')}</Table.Th>
              <Table.Th>{t('admin.institution.askAddress')}</Table.Th>
              <Table.Th>{t('admin.personTypes.validityShort')}</Table.Th>
              <Table.Th>{t('admin.personTypes.affiliations')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {types.map((type) => (
              <Table.Tr key={type.code} data-testid="person-type-row" data-code={type.code}>
                <Table.Td ff="monospace">{type.code}{type.disabled ? <Badge ml={4} size="xs" color="gray">{t('admin.institutions.disabled')}</Badge> : null}</Table.Td>
                <Table.Td>{type.labelFr}</Table.Td>
                <Table.Td>{type.labelEn}</Table.Td>
                <Table.Td>{type.cardKinds.map((kind) => t(`admin.personTypes.kinds.${kind}`)).join(', ')}</Table.Td>
                <Table.Td>{yes(type.selfRequest)}</Table.Td>
                <Table.Td>{yes(type.deliveryAddress)}</Table.Td>
                <Table.Td>{type.validityMonths ?? <Text span size="sm" c="dimmed">{t('admin.personTypes.validityDefault')}</Text>}</Table.Td>
                <Table.Td>{type.affiliations.join(', ')}</Table.Td>
                <Table.Td style={{ minWidth: 190 }}>
                  <Group gap={4} wrap="nowrap">
                    <Button size="compact-xs" variant="default" onClick={() => setEditing(type)} aria-label={t('admin.personTypes.editOf', { label: type.labelFr })}>
                      {t('admin.personTypes.edit')}
                    </Button>
                    <Button size="compact-xs" variant="subtle" color="red" onClick={() => void remove(type)} aria-label={t('admin.personTypes.deleteOf', { label: type.labelFr })}>
                      {t('admin.personTypes.delete')}
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {editing ? (
        <PersonTypeDialog institution={institution} type={editing === 'new' ? null : editing} onClose={() => setEditing(null)}
          onSaved={() => { setEditing(null); onChanged(); }} />
      ) : null}
    </Paper>
  );
}
