import { Anchor, Badge, Button, Group, Loader, Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { institutionsApi, type InstitutionResource } from '../api/institutions.api.ts';
import { useSession } from '../auth/session.context.tsx';
import { ProblemAlert } from '../shared/problem-alert.component.tsx';
import { useApi } from '../shared/use-api.hook.ts';
import { InstitutionEditor } from './institution-editor.component.tsx';

/**
 * Institutions for admins: the list (federations and their members), and one of them to create
 * or edit (`?edit=<code>` or `?edit=new`, so a reload keeps it). A deployment with one
 * institution opens it straight away (`?list` shows the list anyway).
 */
export function InstitutionsPanel() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const { refresh } = useSession();
  const list = useApi((signal) => institutionsApi.list(signal), []);
  const items = list.data;
  const edit = params.get('edit');
  const single = items?.length === 1 ? items[0] : undefined;
  // One institution opens straight away, unless the admin went back to the list (`?list`).
  const editing = edit === 'new' ? null : edit ?? (params.has('list') ? null : single?.code ?? null);
  const detail = useApi((signal) => (editing ? institutionsApi.get(editing, signal) : Promise.resolve(null)), [editing]);

  function open(code: string | null) {
    const next = new URLSearchParams(params);
    next.delete('list');
    next.delete('edit');
    if (code) next.set('edit', code);
    else next.set('list', '');
    setParams(next);
  }

  if (list.error) return <ProblemAlert error={list.error} />;
  if (!items) return <Loader role="status" aria-label={t('common.loading')} />;

  if (edit === 'new' || editing) {
    if (detail.error) return <ProblemAlert error={detail.error} />;
    if (editing && detail.data?.code !== editing) return <Loader role="status" aria-label={t('common.loading')} />;
    return (
      <InstitutionEditor
        key={editing ?? 'new'}
        institution={detail.data ?? undefined}
        all={items}
        onBack={() => open(null)}
        onSaved={(saved: InstitutionResource) => {
          list.reload();
          // The header's switcher lists the institutions as they are now (best effort).
          refresh().catch(() => undefined);
          if (saved.code !== editing) open(saved.code);
          else detail.reload();
        }}
      />
    );
  }

  return (
    <Stack>
      <Group justify="space-between">
        <Text size="sm">{t('admin.institutions.intro')}</Text>
        <Button onClick={() => open('new')} data-testid="institution-new">{t('admin.institutions.new')}</Button>
      </Group>
      <Table.ScrollContainer minWidth={720}>
        <Table striped highlightOnHover data-testid="institutions-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('admin.institution.name')}</Table.Th>
              <Table.Th>{t('admin.institutions.code')}</Table.Th>
              <Table.Th>{t('admin.institutions.kind')}</Table.Th>
              <Table.Th>{t('admin.institutions.parent')}</Table.Th>
              <Table.Th>{t('admin.institution.pic')}</Table.Th>
              <Table.Th>{t('admin.institutions.state')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((item) => (
              <Table.Tr key={item.code} data-testid="institution-row" data-code={item.code}>
                <Table.Td><Anchor component="button" type="button" fw={600} onClick={() => open(item.code)}>{item.name}</Anchor></Table.Td>
                <Table.Td ff="monospace">{item.code}</Table.Td>
                <Table.Td>{t(`admin.institutions.kinds.${item.kind}`)}</Table.Td>
                <Table.Td>{item.parentName ?? item.parent ?? ''}</Table.Td>
                <Table.Td>{item.pic ?? <Text span size="sm" c="dimmed">{t('common.none')}</Text>}</Table.Td>
                <Table.Td>
                  {item.disabled
                    ? <Badge color="gray">{t('admin.institutions.disabled')}</Badge>
                    : <Badge color="green" variant="light">{t('admin.institutions.active')}</Badge>}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
