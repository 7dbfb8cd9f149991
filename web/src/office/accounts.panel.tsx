import { Alert, Badge, Button, Group, Modal, MultiSelect, Paper, PasswordInput, Select, SimpleGrid, Stack, Switch, Table, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { adminApi, type Account } from '../api/admin.api.ts';
import { groupRolesApi } from '../api/group-roles.api.ts';
import { usePersonTypeOptions } from '../shared/person-types.ts';
import { useSession, type Role } from '../auth/session.context.tsx';
import { formatDateTime } from '../shared/format.ts';
import { fieldError, isAboutFields } from '../shared/problem-messages.ts';
import { ProblemAlert } from '../shared/problem-alert.component.tsx';
import { useApi } from '../shared/use-api.hook.ts';
import { useInstitutionList } from '../shared/use-institution.hook.ts';

const ROLES: readonly Role[] = ['admin', 'manager', 'viewer', 'station', 'deliverer', 'cardholder'];

/**
 * An admin's new password for an account, in a dialog that states the rule before anything is
 * typed and shows the server's verdict next to the field.
 */
function PasswordDialog({ account, onClose, onSaved }: { account: Account; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);

  async function save(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      await adminApi.updateAccount(account.id, { password });
      onSaved();
    } catch (failure) {
      setError(failure);
    }
  }

  return (
    <Modal opened onClose={onClose} title={t('admin.accounts.setPasswordOf', { name: account.displayName })}>
      <form onSubmit={(event) => void save(event)} noValidate>
        <PasswordInput label={t('admin.accounts.password')} description={t('admin.accounts.passwordHelp')} value={password}
          onChange={(event) => setPassword(event.currentTarget.value)} error={fieldError(t, error, '/password')} autoComplete="new-password" data-autofocus
          data-testid="account-new-password" />
        {error && !isAboutFields(error, ['/password']) ? <ProblemAlert error={error} /> : null}
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="submit" disabled={!password} data-testid="account-save-password">{t('common.save')}</Button>
        </Group>
      </form>
    </Modal>
  );
}

/**
 * Accounts and their roles: create (with a password, or SSO-only by eppn: an office role granted
 * before the person ever logs in), change the role, the institutions granted, type limits or
 * password, disable. Each row says whether its role is local (given here) or comes from groups.
 */
export function AccountsPanel() {
  const { t } = useTranslation();
  const { principal } = useSession();
  const [passwordFor, setPasswordFor] = useState<Account | null>(null);
  const [passwordSaved, setPasswordSaved] = useState<string | null>(null);
  const [changed, setChanged] = useState<string | null>(null);
  const accounts = useApi((signal) => adminApi.accounts(signal).then((answer) => answer.items), []);
  // Accounts whose role comes from groups (active grants): the others hold a local grant.
  const groupGrants = useApi((signal) => groupRolesApi.accounts(signal)
    .then((answer) => new Map(answer.items.filter((item) => item.revokedAt === null).map((item) => [item.id, item.groups]))), []);
  const [eppn, setEppn] = useState('');
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<Role>('manager');
  const [password, setPassword] = useState('');
  const [limits, setLimits] = useState<string[]>([]);
  const typeOptions = usePersonTypeOptions(limits);
  const [granted, setGranted] = useState<string[]>([]);
  const institutions = useInstitutionList();
  // Federations first: granting one grants its members.
  const institutionOptions = [...(institutions ?? [])]
    .sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'federation' ? -1 : 1))
    .map((institution) => ({ value: institution.code, label: institution.name }));
  const [error, setError] = useState<unknown>(null);
  const [rowError, setRowError] = useState<unknown>(null);
  const [created, setCreated] = useState<string | null>(null);

  async function create(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setCreated(null);
    try {
      const account = await adminApi.createAccount({ email: email.trim(), displayName: displayName.trim(), role, ...(password ? { password } : {}), ...(eppn.trim() ? { eppn: eppn.trim() } : {}), personTypes: limits.length ? limits : null,
        ...(institutionOptions.length > 0 ? { institutions: granted.length ? granted : null } : {}) });
      setCreated(account.email);
      setEmail('');
      setDisplayName('');
      setPassword('');
      setEppn('');
      setLimits([]);
      setGranted([]);
      accounts.reload();
    } catch (failure) {
      setError(failure);
    }
  }

  async function change(account: Account, changes: Parameters<typeof adminApi.updateAccount>[1]) {
    // Demoting or disabling oneself locks oneself out of this page: ask first.
    if (principal?.id === account.id) {
      if (changes.disabled === true && !window.confirm(t('admin.accounts.confirmSelfDisable'))) return;
      if (account.role === 'admin' && changes.role !== undefined && changes.role !== 'admin' && !window.confirm(t('admin.accounts.confirmSelfDemote'))) return;
    }
    setRowError(null);
    setPasswordSaved(null);
    setChanged(null);
    try {
      await adminApi.updateAccount(account.id, changes);
      // Said once saved: the list changing under the select is easy to miss.
      setChanged(changes.role !== undefined
        ? t('admin.accounts.roleChanged', { name: account.displayName, role: t(`roles.${changes.role}`) })
        : t('admin.accounts.changed', { name: account.displayName }));
      accounts.reload();
      // A hand change makes a group grant local.
      groupGrants.reload();
    } catch (failure) {
      setRowError(failure);
    }
  }

  return (
    <Stack>
      <Paper withBorder p="md">
        <Title order={2} size="h4" mb="sm">{t('admin.accounts.create')}</Title>
        <form onSubmit={(event) => void create(event)} noValidate>
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
            <TextInput label={t('admin.accounts.email')} type="email" value={email} onChange={(event) => setEmail(event.currentTarget.value)} error={fieldError(t, error, '/email')} required />
            <TextInput label={t('admin.accounts.displayName')} value={displayName} onChange={(event) => setDisplayName(event.currentTarget.value)} error={fieldError(t, error, '/displayName')} required />
            <Select label={t('admin.accounts.role')} data={ROLES.map((value) => ({ value, label: t(`roles.${value}`) }))} value={role} onChange={(value) => value && setRole(value as Role)} allowDeselect={false} />
            <PasswordInput label={t('admin.accounts.password')} description={t('admin.accounts.passwordHelp')} value={password} onChange={(event) => setPassword(event.currentTarget.value)} error={fieldError(t, error, '/password')} autoComplete="new-password" />
            <TextInput label={t('admin.accounts.eppn')} description={t('admin.accounts.eppnHelp')} value={eppn} onChange={(event) => setEppn(event.currentTarget.value)}
              error={fieldError(t, error, '/eppn')} placeholder="prenom.nom@univ.fr" data-testid="account-eppn" />
            <MultiSelect label={t('admin.accounts.limits')} description={t('admin.accounts.limitsHelp')} data={typeOptions} value={limits} onChange={setLimits} clearable />
            {institutionOptions.length > 0 ? (
              <MultiSelect label={t('admin.accounts.institutions')} description={t('admin.accounts.institutionsHelp')} data={institutionOptions} value={granted}
                onChange={setGranted} error={fieldError(t, error, '/institutions')} clearable searchable data-testid="account-institutions" />
            ) : null}
          </SimpleGrid>
          {error && !isAboutFields(error, ['/email', '/displayName', '/password', '/eppn']) ? <ProblemAlert error={error} /> : null}
          {created ? <Alert color="green" mt="sm">{t('admin.accounts.created', { email: created })}</Alert> : null}
          <Button type="submit" mt="sm">{t('admin.accounts.createButton')}</Button>
        </form>
      </Paper>
      <ProblemAlert error={accounts.error ?? rowError} />
      {passwordSaved ? <Alert color="green">{t('admin.accounts.passwordSaved', { name: passwordSaved })}</Alert> : null}
      {changed ? <Alert color="green" role="status" withCloseButton onClose={() => setChanged(null)} data-testid="account-changed">{changed}</Alert> : null}
      {passwordFor ? (
        <PasswordDialog account={passwordFor} onClose={() => setPasswordFor(null)}
          onSaved={() => { setPasswordSaved(passwordFor.displayName); setPasswordFor(null); accounts.reload(); }} />
      ) : null}
      <Table.ScrollContainer minWidth={800}>
        <Table striped data-testid="accounts-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('admin.accounts.displayName')}</Table.Th>
              <Table.Th>{t('admin.accounts.email')}</Table.Th>
              <Table.Th>{t('admin.accounts.role')}</Table.Th>
              <Table.Th>{t('admin.accounts.grant')}</Table.Th>
              <Table.Th>{t('admin.accounts.limits')}</Table.Th>
              {institutionOptions.length > 0 ? <Table.Th>{t('admin.accounts.institutions')}</Table.Th> : null}
              <Table.Th>{t('admin.accounts.lastLogin')}</Table.Th>
              <Table.Th>{t('admin.accounts.active')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(accounts.data ?? []).map((account) => (
              <Table.Tr key={account.id} data-testid="account-row" data-email={account.email}>
                <Table.Td>{account.displayName}</Table.Td>
                <Table.Td>
                  {account.email}
                  {account.eppn ? <Text size="xs" c="dimmed" ff="monospace">{t('admin.accounts.eppnShort', { eppn: account.eppn })}</Text> : null}
                </Table.Td>
                <Table.Td>
                  <Select size="xs" aria-label={t('admin.accounts.roleOf', { name: account.displayName })} data={ROLES.map((value) => ({ value, label: t(`roles.${value}`) }))}
                    value={account.role} onChange={(value) => value && value !== account.role && void change(account, { role: value as Role })} allowDeselect={false} w={150} />
                </Table.Td>
                <Table.Td data-testid="account-grant">
                  {account.role === 'cardholder' ? <Text size="sm" c="dimmed">—</Text>
                    : groupGrants.data?.has(account.id)
                      ? <Badge variant="light" style={{ textTransform: 'none' }}>{t('admin.accounts.grantGroup', { groups: groupGrants.data.get(account.id)?.join(', ') })}</Badge>
                      : <Badge variant="outline" color="gray">{t('admin.accounts.grantLocal')}</Badge>}
                </Table.Td>
                <Table.Td>{account.personTypes ? account.personTypes.map((type) => <Badge key={type} variant="outline" color="gray" mr={4}>{t(`personType.${type}`, { defaultValue: type })}</Badge>) : <Text size="sm" c="dimmed">{t('common.all')}</Text>}</Table.Td>
                {institutionOptions.length > 0 ? (
                  <Table.Td>
                    <MultiSelect size="xs" w={240} data={institutionOptions} value={account.institutions ?? []} placeholder={account.institutions ? undefined : t('admin.accounts.allInstitutions')}
                      aria-label={t('admin.accounts.institutionsOf', { name: account.displayName })} clearable searchable
                      onChange={(value) => void change(account, { institutions: value.length ? value : null })} data-testid="account-row-institutions" />
                  </Table.Td>
                ) : null}
                <Table.Td>{formatDateTime(account.lastLoginAt)}</Table.Td>
                <Table.Td>
                  <Switch aria-label={t('admin.accounts.activeOf', { name: account.displayName })} checked={!account.disabled} onChange={(event) => void change(account, { disabled: !event.currentTarget.checked })} />
                </Table.Td>
                <Table.Td>
                  <Button size="xs" variant="default" onClick={() => { setPasswordSaved(null); setPasswordFor(account); }}>{t('admin.accounts.setPassword')}</Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
