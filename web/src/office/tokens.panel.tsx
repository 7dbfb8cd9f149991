import { Alert, Button, Code, CopyButton, Group, MultiSelect, Paper, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { adminApi, type ApiToken } from '../api/admin.api.ts';
import { usePersonTypeOptions } from '../shared/person-types.ts';
import { formatDateTime } from '../shared/format.ts';
import { fieldError } from '../shared/problem-messages.ts';
import { ProblemAlert } from '../shared/problem-alert.component.tsx';
import { useApi } from '../shared/use-api.hook.ts';
import { useInstitutionList } from '../shared/use-institution.hook.ts';

const TOKEN_ROLES: ReadonlyArray<ApiToken['role']> = ['admin', 'manager', 'viewer', 'station', 'deliverer'];

/** API tokens for machine clients: create (the secret is shown once), list with the account each acts for, revoke. */
export function TokensPanel() {
  const { t } = useTranslation();
  const tokens = useApi((signal) => adminApi.tokens(signal).then((answer) => answer.items), []);
  const [name, setName] = useState('');
  const [role, setRole] = useState<ApiToken['role']>('station');
  const [limits, setLimits] = useState<string[]>([]);
  const typeOptions = usePersonTypeOptions(limits);
  const [granted, setGranted] = useState<string[]>([]);
  const institutions = useInstitutionList() ?? [];
  const institutionName = (code: string) => institutions.find((institution) => institution.code === code)?.name ?? code;
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function create(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      const created = await adminApi.createToken({ name: name.trim(), role, personTypes: limits.length ? limits : null,
        ...(institutions.length > 0 ? { institutions: granted.length ? granted : null } : {}) });
      setSecret(created.token);
      setName('');
      tokens.reload();
    } catch (failure) {
      setError(failure);
    }
  }

  async function revoke(token: ApiToken) {
    if (!window.confirm(t('admin.tokens.confirmRevoke', { name: token.name }))) return;
    try {
      await adminApi.revokeToken(token.id);
      tokens.reload();
    } catch (failure) {
      setError(failure);
    }
  }

  return (
    <Stack>
      <Paper withBorder p="md">
        <Title order={2} size="h4" mb="sm">{t('admin.tokens.create')}</Title>
        <form onSubmit={(event) => void create(event)}>
          <Group align="flex-end">
            <TextInput label={t('admin.tokens.name')} value={name} onChange={(event) => setName(event.currentTarget.value)} error={fieldError(t, error, '/name')} required data-testid="token-name" />
            <Select label={t('admin.accounts.role')} data={TOKEN_ROLES.map((value) => ({ value, label: t(`roles.${value}`) }))} value={role} onChange={(value) => value && setRole(value as ApiToken['role'])} allowDeselect={false} />
            <MultiSelect label={t('admin.accounts.limits')} data={typeOptions} value={limits} onChange={setLimits} clearable w={240} />
            {institutions.length > 0 ? (
              <MultiSelect label={t('admin.accounts.institutions')} placeholder={granted.length ? undefined : t('admin.accounts.allInstitutions')}
                data={institutions.map((institution) => ({ value: institution.code, label: institution.name }))} value={granted} onChange={setGranted}
                clearable searchable w={260} data-testid="token-institutions" />
            ) : null}
            <Button type="submit" data-testid="token-create">{t('admin.tokens.createButton')}</Button>
          </Group>
        </form>
        <Text size="xs" c="dimmed" mt={4}>{t('admin.tokens.actsForHelp')}</Text>
        {secret ? (
          <Alert color="orange" mt="sm" title={t('admin.tokens.secretTitle')}>
            <Text size="sm">{t('admin.tokens.secretHelp')}</Text>
            <Group mt={4}>
              <Code data-testid="token-secret">{secret}</Code>
              <CopyButton value={secret}>{({ copied, copy }) => <Button size="xs" variant="default" onClick={copy}>{copied ? t('admin.tokens.copied') : t('admin.tokens.copy')}</Button>}</CopyButton>
            </Group>
          </Alert>
        ) : null}
      </Paper>
      <ProblemAlert error={error && !fieldError(t, error, '/name') ? error : tokens.error} />
      <Table striped data-testid="tokens-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('admin.tokens.name')}</Table.Th>
            <Table.Th>{t('admin.tokens.prefix')}</Table.Th>
            <Table.Th>{t('admin.accounts.role')}</Table.Th>
            {institutions.length > 0 ? <Table.Th>{t('admin.accounts.institutions')}</Table.Th> : null}
            <Table.Th>{t('admin.tokens.actsFor')}</Table.Th>
            <Table.Th>{t('admin.tokens.createdAt')}</Table.Th>
            <Table.Th>{t('admin.tokens.lastUsed')}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(tokens.data ?? []).map((token) => (
            <Table.Tr key={token.id}>
              <Table.Td>{token.name}</Table.Td>
              <Table.Td ff="monospace">{token.prefix}…</Table.Td>
              <Table.Td>{t(`roles.${token.role}`)}</Table.Td>
              {institutions.length > 0 ? (
                <Table.Td>{token.institutions ? token.institutions.map(institutionName).join(', ') : <Text size="sm" c="dimmed">{t('admin.accounts.allInstitutions')}</Text>}</Table.Td>
              ) : null}
              <Table.Td data-testid="token-acts-for">
                {token.actsFor ? (
                  <>
                    <Text size="sm">{token.actsFor.displayName}</Text>
                    <Text size="xs" c="dimmed">{token.actsFor.email}</Text>
                  </>
                ) : <Text size="sm" c="dimmed">—</Text>}
              </Table.Td>
              <Table.Td>{formatDateTime(token.createdAt)}</Table.Td>
              <Table.Td>{formatDateTime(token.lastUsedAt)}</Table.Td>
              <Table.Td>
                {token.revoked ? <Text size="sm" c="dimmed">{t('admin.tokens.revoked')}</Text>
                  : <Button size="xs" color="red" variant="outline" onClick={() => void revoke(token)}>{t('admin.tokens.revoke')}</Button>}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}
