import { Alert, Badge, Button, Checkbox, Group, Modal, MultiSelect, Paper, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { Fragment, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { directoryApi } from '../api/directory.api.ts';
import { groupRolesApi, type GroupAccount, type GroupRoleMapping } from '../api/group-roles.api.ts';
import { ssoApi } from '../api/sso.api.ts';
import { useSession } from '../auth/session.context.tsx';
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

/** A role change waiting for the admin's confirmation, with the accounts it affects now. */
interface PendingRoleChange {
  mapping: GroupRoleMapping;
  to: GroupRole;
  affected: number;
}

const PROTOCOL_NAMES: Record<string, string> = { cas: 'CAS', saml: 'SAML', oidc: 'OpenID Connect' };

/**
 * A group's name with line breaks allowed only between its parts (after the commas of a DN, the
 * colons and slashes of a URN or path): a long DN wraps at its components, never inside a word.
 */
function GroupName({ name }: { name: string }) {
  const parts = name.split(/(?<=[,:/])/);
  return <>{parts.map((part, index) => <Fragment key={index}>{part}{index < parts.length - 1 ? <wbr /> : null}</Fragment>)}</>;
}

/**
 * Who reported the groups that decided a grant, in words: `login:<method>` a login through that
 * method (its protocol named), `source:<id>` a person source (its name), `job` the hourly
 * re-evaluation; anything else as the server wrote it.
 */
export function originLabel(t: TFunction, origin: string, methods: ReadonlyArray<{ id: string; protocol: string }>, sources: ReadonlyArray<{ id: string; name: string }>): string {
  if (origin === 'job') return t('admin.groupRoles.origins.job');
  const [kind, ...rest] = origin.split(':');
  const id = rest.join(':');
  if (kind === 'login' && id) {
    const protocol = methods.find((method) => method.id === id)?.protocol;
    return protocol ? t('admin.groupRoles.origins.login', { protocol: PROTOCOL_NAMES[protocol] ?? protocol, id }) : t('admin.groupRoles.origins.loginUnknown', { id });
  }
  if (kind === 'source' && id) {
    const name = sources.find((source) => source.id === id)?.name;
    return name ? t('admin.groupRoles.origins.source', { name }) : t('admin.groupRoles.origins.sourceGone');
  }
  return origin;
}

/** Accounts whose active grant comes (at least partly) from this mapping. */
function affectedBy(mapping: GroupRoleMapping, accounts: readonly GroupAccount[] | undefined): number {
  return (accounts ?? []).filter((account) => account.revokedAt === null && account.mappingIds.includes(mapping.id)).length;
}

/**
 * Groups and roles: the mappings "directory / IdP group → office role" (person types for managers
 * and viewers, institutions covered), and the accounts that result, with the groups that gave
 * each its role. Applied at each login of a member and by the hourly evaluation. A mapping names
 * its institutions: the form starts from the login methods' institutions (else the one the admin
 * works in), and "every institution" is an explicit box that only an admin of the whole
 * deployment is offered. Changing a mapping's role asks for confirmation first.
 */
export function GroupRolesPanel() {
  const { t } = useTranslation();
  const { principal } = useSession();
  const mappingList = useApi((signal) => groupRolesApi.mappings(signal), []);
  const mappings = { ...mappingList, data: mappingList.data?.items };
  const mayMapAll = mappingList.data?.mayMapAll === true;
  const accounts = useApi((signal) => groupRolesApi.accounts(signal).then((answer) => answer.items), []);
  const methods = useApi((signal) => ssoApi.loginMethods(signal).then((answer) => answer.items).catch(() => []), []);
  // To name the person source an origin `source:<id>` points at.
  const sources = useApi((signal) => directoryApi.list(signal).then((answer) => answer.items).catch(() => []), []);
  const [group, setGroup] = useState('');
  const [role, setRole] = useState<GroupRole>('manager');
  const [limits, setLimits] = useState<string[]>([]);
  const typeOptions = usePersonTypeOptions(limits);
  // Null until the admin touches the field: the defaults below apply.
  const [chosen, setChosen] = useState<string[] | null>(null);
  const [everyInstitution, setEveryInstitution] = useState(false);
  const institutions = useInstitutionList() ?? [];
  const institutionOptions = [...institutions]
    .sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'federation' ? -1 : 1))
    .map((institution) => ({ value: institution.code, label: institution.name }));
  const institutionName = (code: string) => institutions.find((institution) => institution.code === code)?.name ?? code;
  const offered = new Set(institutionOptions.map((option) => option.value));
  const fromMethods = [...new Set((methods.data ?? []).map((method) => method.institution))]
    .filter((code): code is string => code !== null && offered.has(code));
  const current = principal?.currentInstitution ?? null;
  const defaults = fromMethods.length > 0 ? fromMethods
    : current !== null && offered.has(current) ? [current]
      : institutionOptions.length === 1 ? institutionOptions.map((option) => option.value) : [];
  const granted = chosen ?? defaults;
  const [error, setError] = useState<unknown>(null);
  const [rowError, setRowError] = useState<unknown>(null);
  const [created, setCreated] = useState<string | null>(null);
  const [pending, setPending] = useState<PendingRoleChange | null>(null);
  // What the last change in the list did, said once it is saved.
  const [done, setDone] = useState<string | null>(null);

  async function create(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setCreated(null);
    try {
      const mapping = await groupRolesApi.create({
        group: group.trim(), role,
        personTypes: TYPED_ROLES.includes(role) && limits.length ? limits : null,
        ...(everyInstitution && mayMapAll ? { everyInstitution: true } : { institutions: granted }),
      });
      setCreated(mapping.group);
      setGroup('');
      setLimits([]);
      setChosen(null);
      setEveryInstitution(false);
      mappings.reload();
    } catch (failure) {
      setError(failure);
    }
  }

  async function change(mapping: GroupRoleMapping, changes: Parameters<typeof groupRolesApi.update>[1]): Promise<boolean> {
    setRowError(null);
    setDone(null);
    try {
      await groupRolesApi.update(mapping.id, changes);
      mappings.reload();
      return true;
    } catch (failure) {
      setRowError(failure);
      return false;
    }
  }

  async function confirmRoleChange() {
    if (!pending) return;
    const { mapping, to } = pending;
    setPending(null);
    if (await change(mapping, { role: to })) setDone(t('admin.groupRoles.roleChanged', { group: mapping.group, role: t(`roles.${to}`) }));
    accounts.reload();
  }

  async function remove(mapping: GroupRoleMapping) {
    if (!window.confirm(t('admin.groupRoles.confirmRemove', { group: mapping.group }))) return;
    setRowError(null);
    setDone(null);
    try {
      await groupRolesApi.remove(mapping.id);
      setDone(t('admin.groupRoles.removed', { group: mapping.group }));
      mappings.reload();
    } catch (failure) {
      setRowError(failure);
    }
  }

  const institutionsCell = (codes: readonly string[] | null) => (codes
    ? codes.map((code) => <Badge key={code} variant="outline" mr={4}>{institutionName(code)}</Badge>)
    : <Badge color="orange" variant="light" style={{ textTransform: 'none' }}>{t('admin.groupRoles.everywhere')}</Badge>);
  const typesCell = (types: readonly string[] | null, forRole: string) => (!TYPED_ROLES.includes(forRole as GroupRole) ? <Text size="sm" c="dimmed">—</Text>
    : types ? types.map((type) => <Badge key={type} variant="outline" color="gray" mr={4}>{t(`personType.${type}`, { defaultValue: type })}</Badge>)
      : <Text size="sm" c="dimmed">{t('admin.groupRoles.allPersonTypes')}</Text>);

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
            <Stack gap={6}>
              <MultiSelect label={t('admin.accounts.institutions')} description={t('admin.groupRoles.institutionsHelp')} data={institutionOptions}
                value={everyInstitution ? [] : granted} onChange={setChosen} disabled={everyInstitution} required
                error={fieldError(t, error, '/institutions') ?? fieldError(t, error, '/everyInstitution')} clearable searchable data-testid="group-role-institutions" />
              {mayMapAll ? (
                <Checkbox label={t('admin.groupRoles.everyInstitution')} description={t('admin.groupRoles.everyInstitutionHelp')}
                  checked={everyInstitution} onChange={(event) => setEveryInstitution(event.currentTarget.checked)} data-testid="group-role-every-institution" />
              ) : null}
            </Stack>
          </SimpleGrid>
          {error && !isAboutFields(error, ['/group', '/personTypes', '/institutions', '/everyInstitution']) ? <ProblemAlert error={error} /> : null}
          {created ? <Alert color="green" mt="sm">{t('admin.groupRoles.created', { group: created })}</Alert> : null}
          <Button type="submit" mt="sm" disabled={!group.trim()} data-testid="group-role-create">{t('admin.groupRoles.createButton')}</Button>
        </form>
      </Paper>
      <ProblemAlert error={mappings.error ?? rowError} />
      {done ? <Alert color="green" role="status" withCloseButton onClose={() => setDone(null)} data-testid="group-role-done">{done}</Alert> : null}
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
                <Table.Td miw={160}><Text size="sm" ff="monospace" data-testid="group-role-name"><GroupName name={mapping.group} /></Text></Table.Td>
                <Table.Td>
                  <Select size="xs" w={190} aria-label={t('admin.groupRoles.roleOf', { group: mapping.group })} data={GROUP_ROLES.map((value) => ({ value, label: t(`roles.${value}`) }))}
                    value={mapping.role} allowDeselect={false} data-testid="group-role-row-role"
                    onChange={(value) => value && value !== mapping.role && setPending({ mapping, to: value as GroupRole, affected: affectedBy(mapping, accounts.data) })} />
                </Table.Td>
                <Table.Td>{typesCell(mapping.personTypes, mapping.role)}</Table.Td>
                {institutionOptions.length > 0 ? <Table.Td>{institutionsCell(mapping.institutions)}</Table.Td> : null}
                <Table.Td>
                  <Button size="xs" variant="default" color="red" onClick={() => void remove(mapping)} data-testid="group-role-remove"
                    aria-label={t('admin.groupRoles.removeOf', { group: mapping.group })}>{t('admin.groupRoles.remove')}</Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>

      <Modal opened={pending !== null} onClose={() => setPending(null)} title={t('admin.groupRoles.confirmRoleTitle')}>
        {pending ? (
          <Stack data-testid="group-role-confirm">
            <Text size="sm">{t('admin.groupRoles.confirmRole', { group: pending.mapping.group, from: t(`roles.${pending.mapping.role}`), to: t(`roles.${pending.to}`) })}</Text>
            <Text size="sm" data-testid="group-role-confirm-affected">{t('admin.groupRoles.confirmAffected', { count: pending.affected })}</Text>
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setPending(null)}>{t('common.cancel')}</Button>
              <Button onClick={() => void confirmRoleChange()} data-testid="group-role-confirm-button">{t('admin.groupRoles.confirmRoleButton')}</Button>
            </Group>
          </Stack>
        ) : null}
      </Modal>

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
                    <Badge key={name} variant="light" mr={4} style={{ textTransform: 'none' }}><GroupName name={name} /></Badge>
                  ))}
                  <Text size="xs" c="dimmed" data-testid="group-account-origin">
                    {t('admin.groupRoles.origin', { origin: originLabel(t, account.origin, methods.data ?? [], sources.data ?? []) })}
                  </Text>
                </Table.Td>
                <Table.Td>{typesCell(account.personTypes, account.role)}</Table.Td>
                {institutionOptions.length > 0 ? <Table.Td>{account.revokedAt ? '—' : institutionsCell(account.institutions)}</Table.Td> : null}
                <Table.Td>
                  {account.revokedAt === null
                    ? <Badge color="green" tt="none" data-testid="group-account-state">{t('admin.groupRoles.active', { date: formatDateTime(account.grantedAt) })}</Badge>
                    : <Badge color="gray" tt="none" data-testid="group-account-state">{account.accountRole === 'cardholder' ? t('admin.groupRoles.backToCardholder') : t('admin.groupRoles.disabled')}</Badge>}
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
