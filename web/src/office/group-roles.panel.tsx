import { Alert, Badge, Button, Group, MultiSelect, Paper, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { groupRolesApi, type GroupRoleMapping } from '../api/group-roles.api.ts';
import { usePersonTypeOptions } from '../shared/person-types.ts';
import { formatDateTime } from '../shared/format.ts';
import { fieldError, isAboutFields } from '../shared/problem-messages.ts';
import { ProblemAlert } from '../shared/problem-alert.component.tsx';
import { useApi } from '../shared/use-api.hook.ts';
import { useInstitutionList } from '../shared/use-institution.hook.ts';

type GroupRole = GroupRoleMapping['role'];
/** Strongest first: when several groups of a person match, the first role here wins. */
const GROUP_ROLES: readonly GroupRole[] = ['admin', 'manager', 'station', 'deliverer', 'viewer'];
const TYPED_ROLES: readonly GroupRole[] = ['manager', 'viewer'];

/**
 * Groups and roles: the mappings "directory / IdP group → office role" (person types for managers
 * and viewers, institutions covered), and the accounts that result, with the groups that gave
 * each its role. Applied at each login of a member and by the hourly evaluation.
 */
export function GroupRolesPanel() {
  const { t } = useTranslation();
  const mappings = useApi((signal) => groupRolesApi.mappings(signal).then((answer) => answer.items), []);
  const accounts = useApi((signal) => groupRolesApi.accounts(signal).then((answer) => answer.items), []);
  const [group, setGroup] = useState('');
  const [role, setRole] = useState<GroupRole>('manager');
  const [limits, setLimits] = useState<string[]>([]);
  const typeOptions = usePersonTypeOptions(limits);
  const [granted, setGranted] = useState<string[]>([]);
  const institutions = useInstitutionList() ?? [];
  const institutionOptions = [...institutions]
    .sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'federation' ? -1 : 1))
    .map((institution) => ({ value: institution.code, label: institution.name }));
  const institutionName = (code: string) => institutions.find((institution) => institution.code === code)?.name ?? code;
  const [error, setError] = useState<unknown>(null);
  const [rowError, setRowError] = useState<unknown>(null);
  const [created, setCreated] = useState<string | null>(null);

  async function create(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setCreated(null);
    try {
      const mapping = await groupRolesApi.create({
        group: group.trim(), role,
        personTypes: TYPED_ROLES.includes(role) && limits.length ? limits : null,
        ...(institutionOptions.length > 0 ? { institutions: granted.length ? granted : null } : {}),
      });
      setCreated(mapping.group);
      setGroup('');
      setLimits([]);
      setGranted([]);
      mappings.reload();
    } catch (failure) {
      setError(failure);
    }
  }

  async function change(mapping: GroupRoleMapping, changes: Parameters<typeof groupRolesApi.update>[1]) {
    setRowError(null);
    try {
      await groupRolesApi.update(mapping.id, changes);
      mappings.reload();
    } catch (failure) {
      setRowError(failure);
    }
  }

  async function remove(mapping: GroupRoleMapping) {
    if (!window.confirm(t('admin.groupRoles.confirmRemove', { group: mapping.group }))) return;
    setRowError(null);
    try {
      await groupRolesApi.remove(mapping.id);
      mappings.reload();
    } catch (failure) {
      setRowError(failure);
    }
  }

  const institutionsCell = (codes: readonly string[] | null) => (codes
    ? codes.map((code) => <Badge key={code} variant="outline" mr={4}>{institutionName(code)}</Badge>)
    : <Text size="sm" c="dimmed">{t('admin.accounts.allInstitutions')}</Text>);
  const typesCell = (types: readonly string[] | null, forRole: string) => (!TYPED_ROLES.includes(forRole as GroupRole) ? <Text size="sm" c="dimmed">—</Text>
    : types ? types.map((type) => <Badge key={type} variant="outline" color="gray" mr={4}>{t(`personType.${type}`, { defaultValue: type })}</Badge>)
      : <Text size="sm" c="dimmed">{t('common.all')}</Text>);

  return (
    <Stack>
      <Text size="sm" c="dimmed">{t('admin.groupRoles.intro')}</Text>
      <Paper withBorder p="md">
        <Title order={2} size="h4" mb="sm">{t('admin.groupRoles.create')}</Title>
        <form onSubmit={(event) => void create(event)} noValidate>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label={t('admin.groupRoles.group')} description={t('admin.groupRoles.groupHelp')} value={group}
              onChange={(event) => setGroup(event.currentTarget.value)} error={fieldError(t, error, '/group')} required data-testid="group-role-group" />
            <Select label={t('admin.accounts.role')} description={t('admin.groupRoles.roleHelp')} data={GROUP_ROLES.map((value) => ({ value, label: t(`roles.${value}`) }))}
              value={role} onChange={(value) => value && setRole(value as GroupRole)} allowDeselect={false} data-testid="group-role-role" />
            {TYPED_ROLES.includes(role) ? (
              <MultiSelect label={t('admin.accounts.limits')} description={t('admin.accounts.limitsHelp')} data={typeOptions} value={limits} onChange={setLimits}
                error={fieldError(t, error, '/personTypes')} clearable data-testid="group-role-types" />
            ) : null}
            {institutionOptions.length > 0 ? (
              <MultiSelect label={t('admin.accounts.institutions')} description={t('admin.accounts.institutionsHelp')} data={institutionOptions} value={granted}
                onChange={setGranted} error={fieldError(t, error, '/institutions')} clearable searchable data-testid="group-role-institutions" />
            ) : null}
          </SimpleGrid>
          {error && !isAboutFields(error, ['/group', '/personTypes', '/institutions']) ? <ProblemAlert error={error} /> : null}
          {created ? <Alert color="green" mt="sm">{t('admin.groupRoles.created', { group: created })}</Alert> : null}
          <Button type="submit" mt="sm" disabled={!group.trim()} data-testid="group-role-create">{t('admin.groupRoles.createButton')}</Button>
        </form>
      </Paper>
      <ProblemAlert error={mappings.error ?? rowError} />
      <Title order={2} size="h4">{t('admin.groupRoles.mappings')}</Title>
      <Table.ScrollContainer minWidth={800}>
        <Table striped data-testid="group-roles-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('admin.groupRoles.group')}</Table.Th>
              <Table.Th>{t('admin.accounts.role')}</Table.Th>
              <Table.Th>{t('admin.accounts.limits')}</Table.Th>
              {institutionOptions.length > 0 ? <Table.Th>{t('admin.accounts.institutions')}</Table.Th> : null}
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(mappings.data ?? []).length === 0 && !mappings.loading ? (
              <Table.Tr><Table.Td colSpan={5}><Text size="sm" c="dimmed">{t('admin.groupRoles.none')}</Text></Table.Td></Table.Tr>
            ) : null}
            {(mappings.data ?? []).map((mapping) => (
              <Table.Tr key={mapping.id} data-testid="group-role-row" data-group={mapping.group}>
                <Table.Td><Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }}>{mapping.group}</Text></Table.Td>
                <Table.Td>
                  <Select size="xs" w={190} aria-label={t('admin.groupRoles.roleOf', { group: mapping.group })} data={GROUP_ROLES.map((value) => ({ value, label: t(`roles.${value}`) }))}
                    value={mapping.role} onChange={(value) => value && value !== mapping.role && void change(mapping, { role: value as GroupRole })} allowDeselect={false} />
                </Table.Td>
                <Table.Td>{typesCell(mapping.personTypes, mapping.role)}</Table.Td>
                {institutionOptions.length > 0 ? <Table.Td>{institutionsCell(mapping.institutions)}</Table.Td> : null}
                <Table.Td>
                  <Button size="xs" variant="default" color="red" onClick={() => void remove(mapping)}
                    aria-label={t('admin.groupRoles.removeOf', { group: mapping.group })}>{t('admin.groupRoles.remove')}</Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>

      <Group justify="space-between" mt="md">
        <Title order={2} size="h4">{t('admin.groupRoles.accounts')}</Title>
        <Button size="xs" variant="default" onClick={() => accounts.reload()}>{t('admin.groupRoles.refresh')}</Button>
      </Group>
      <Text size="sm" c="dimmed">{t('admin.groupRoles.accountsHelp')}</Text>
      <ProblemAlert error={accounts.error} />
      {/* Nothing in this table takes the focus: the region does, so that keyboard users can scroll it. */}
      <Table.ScrollContainer minWidth={800} type="native" tabIndex={0} role="region" aria-label={t('admin.groupRoles.accounts')}>
        <Table striped data-testid="group-accounts-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('admin.accounts.displayName')}</Table.Th>
              <Table.Th>{t('admin.accounts.eppn')}</Table.Th>
              <Table.Th>{t('admin.accounts.role')}</Table.Th>
              <Table.Th>{t('admin.groupRoles.givenBy')}</Table.Th>
              <Table.Th>{t('admin.accounts.limits')}</Table.Th>
              {institutionOptions.length > 0 ? <Table.Th>{t('admin.accounts.institutions')}</Table.Th> : null}
              <Table.Th>{t('admin.groupRoles.state')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(accounts.data ?? []).length === 0 && !accounts.loading ? (
              <Table.Tr><Table.Td colSpan={7}><Text size="sm" c="dimmed">{t('admin.groupRoles.noAccounts')}</Text></Table.Td></Table.Tr>
            ) : null}
            {(accounts.data ?? []).map((account) => (
              <Table.Tr key={account.id} data-testid="group-account-row" data-eppn={account.eppn ?? ''}>
                <Table.Td>{account.displayName}</Table.Td>
                <Table.Td><Text size="sm" ff="monospace">{account.eppn ?? '—'}</Text></Table.Td>
                <Table.Td>{t(`roles.${account.role}`)}</Table.Td>
                <Table.Td>
                  {account.groups.map((name) => (
                    <Badge key={name} variant="light" mr={4} style={{ textTransform: 'none' }}>{name}</Badge>
                  ))}
                  <Text size="xs" c="dimmed">{t('admin.groupRoles.origin', { origin: account.origin })}</Text>
                </Table.Td>
                <Table.Td>{typesCell(account.personTypes, account.role)}</Table.Td>
                {institutionOptions.length > 0 ? <Table.Td>{account.revokedAt ? '—' : institutionsCell(account.institutions)}</Table.Td> : null}
                <Table.Td>
                  {account.revokedAt === null
                    ? <Badge color="green">{t('admin.groupRoles.active', { date: formatDateTime(account.grantedAt) })}</Badge>
                    : <Badge color="gray">{account.accountRole === 'cardholder' ? t('admin.groupRoles.backToCardholder') : t('admin.groupRoles.disabled')}</Badge>}
                  {account.revokedAt ? <Text size="xs" c="dimmed">{formatDateTime(account.revokedAt)}</Text> : null}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
