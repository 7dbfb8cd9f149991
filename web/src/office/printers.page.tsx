import {
  Alert, Autocomplete, Badge, Button, Checkbox, Code, CopyButton, Group, Paper, Progress, Stack, Table, Text, TextInput, Title,
} from '@mantine/core';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { printersApi, type Printer, type PrinterWithToken } from '../api/printers.api.ts';
import { formatDateTime } from '../shared/format.ts';
import { fieldError } from '../shared/problem-messages.ts';
import { ProblemAlert } from '../shared/problem-alert.component.tsx';
import { useApi } from '../shared/use-api.hook.ts';
import { usePageTitle } from '../shared/use-page-title.hook.ts';

/** How often the page reads the printers' state again (online, current job's progress). */
const REFRESH_MS = 10_000;

interface Draft { name: string; model: string; site: string; duplex: boolean; enabled: boolean }
const EMPTY: Draft = { name: '', model: '', site: '', duplex: true, enabled: true };

/**
 * Card printers: each printer's state (online when its client called within two minutes, last
 * seen, jobs waiting, the current job's progress), registering and editing printers, and their
 * client credential, shown once at creation and at each rotation.
 */
export function PrintersPage() {
  const { t } = useTranslation();
  usePageTitle(t('printers.title'));
  const printers = useApi((signal) => printersApi.list(signal).then((answer) => answer.items), []);
  const models = useApi((signal) => printersApi.models(signal).then((answer) => answer.items), []);
  const [editing, setEditing] = useState<Printer | null>(null);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [credential, setCredential] = useState<PrinterWithToken | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const timer = setInterval(() => printers.reload(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [printers.reload]);

  function edit(printer: Printer | null) {
    setEditing(printer);
    setError(null);
    setDraft(printer ? { name: printer.name, model: printer.model, site: printer.site, duplex: printer.duplex, enabled: printer.enabled } : EMPTY);
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      const body = { name: draft.name.trim(), model: draft.model.trim(), site: draft.site.trim(), duplex: draft.duplex, enabled: draft.enabled };
      if (editing) {
        await printersApi.update(editing.id, body);
      } else {
        setCredential(await printersApi.create(body));
      }
      edit(null);
      printers.reload();
    } catch (failure) {
      setError(failure);
    }
  }

  async function rotate(printer: Printer) {
    if (!window.confirm(t('printers.confirmRotate', { name: printer.name }))) return;
    try {
      setCredential(await printersApi.rotateToken(printer.id));
      printers.reload();
    } catch (failure) {
      setError(failure);
    }
  }

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((current) => ({ ...current, [key]: value }));

  return (
    <Stack>
      <Title order={1} size="h2">{t('printers.title')}</Title>
      <Text size="sm">{t('printers.intro')}</Text>
      {credential ? (
        <Alert color="orange" title={t('printers.tokenTitle', { name: credential.printer.name })} withCloseButton onClose={() => setCredential(null)}>
          <Text size="sm">{t('printers.tokenHelp')}</Text>
          <Group mt={4}>
            <Code data-testid="printer-token">{credential.token}</Code>
            <CopyButton value={credential.token}>{({ copied, copy }) => <Button size="xs" variant="default" onClick={copy}>{copied ? t('printers.copied') : t('printers.copy')}</Button>}</CopyButton>
          </Group>
          <Text size="xs" mt="xs">{t('printers.clientHelp')}</Text>
          <Code block mt={4}>{`PRINTER_CLIENT_URL=${window.location.origin} PRINTER_CLIENT_TOKEN=… npx campuscard printer-client --queue <file>`}</Code>
        </Alert>
      ) : null}
      <Paper withBorder p="md">
        <Title order={2} size="h4" mb="sm">{editing ? t('printers.editTitle', { name: editing.name }) : t('printers.create')}</Title>
        <form onSubmit={(event) => void save(event)}>
          <Group align="flex-end">
            <TextInput label={t('printers.name')} value={draft.name} onChange={(event) => set('name', event.currentTarget.value)} error={fieldError(t, error, '/name')} required data-testid="printer-name" />
            <Autocomplete label={t('printers.model')} data={models.data ?? []} value={draft.model} onChange={(value) => set('model', value)} error={fieldError(t, error, '/model')} required data-testid="printer-model" />
            <TextInput label={t('printers.site')} value={draft.site} onChange={(event) => set('site', event.currentTarget.value)} data-testid="printer-site" />
            <Checkbox label={t('printers.duplex')} checked={draft.duplex} onChange={(event) => set('duplex', event.currentTarget.checked)} mb={8} />
            <Checkbox label={t('printers.enabled')} checked={draft.enabled} onChange={(event) => set('enabled', event.currentTarget.checked)} mb={8} />
            <Button type="submit" data-testid="printer-save">{editing ? t('printers.save') : t('printers.createButton')}</Button>
            {editing ? <Button variant="default" onClick={() => edit(null)}>{t('printers.cancel')}</Button> : null}
          </Group>
        </form>
      </Paper>
      <ProblemAlert error={error && !fieldError(t, error, '/name') && !fieldError(t, error, '/model') ? error : printers.error} />
      {printers.data && printers.data.length === 0 ? <Text c="dimmed">{t('printers.empty')}</Text> : null}
      {printers.data && printers.data.length > 0 ? (
        <Table striped data-testid="printers-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('printers.name')}</Table.Th>
              <Table.Th>{t('printers.model')}</Table.Th>
              <Table.Th>{t('printers.site')}</Table.Th>
              <Table.Th>{t('printers.state')}</Table.Th>
              <Table.Th>{t('printers.lastSeen')}</Table.Th>
              <Table.Th>{t('printers.waiting')}</Table.Th>
              <Table.Th>{t('printers.current')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {printers.data.map((printer) => (
              <Table.Tr key={printer.id} data-testid="printer-row">
                <Table.Td>
                  <Text size="sm">{printer.name}</Text>
                  <Text size="xs" c="dimmed">{printer.duplex ? t('printers.duplex') : t('printers.simplex')} · {printer.institution}</Text>
                </Table.Td>
                <Table.Td>{printer.model}</Table.Td>
                <Table.Td>{printer.site || '—'}</Table.Td>
                <Table.Td>
                  {!printer.enabled ? <Badge color="gray">{t('printers.disabled')}</Badge>
                    : printer.online ? <Badge color={printer.client.state === 'error' ? 'red' : 'green'} data-testid="printer-online">{t('printers.online')}</Badge>
                      : <Badge color="orange" data-testid="printer-offline">{t('printers.offline')}</Badge>}
                  {printer.client.state === 'error' && printer.client.message ? <Text size="xs" c="red">{printer.client.message}</Text> : null}
                </Table.Td>
                <Table.Td>{printer.lastSeenAt ? formatDateTime(printer.lastSeenAt) : t('printers.never')}</Table.Td>
                <Table.Td data-testid="printer-waiting">{printer.jobsWaiting}</Table.Td>
                <Table.Td w={200}>
                  {printer.currentJob ? (
                    <>
                      <Text size="xs">{printer.currentJob.title} · {t(`printers.jobStatus.${printer.currentJob.status}`)}</Text>
                      {printer.currentJob.pagesTotal ? (
                        <Progress value={(100 * printer.currentJob.pagesDone) / printer.currentJob.pagesTotal} size="sm"
                          aria-label={t('printers.progress', { done: printer.currentJob.pagesDone, total: printer.currentJob.pagesTotal })} />
                      ) : null}
                    </>
                  ) : <Text size="sm" c="dimmed">—</Text>}
                </Table.Td>
                <Table.Td>
                  <Group gap="xs" wrap="nowrap">
                    <Button size="xs" variant="default" onClick={() => edit(printer)}>{t('printers.edit')}</Button>
                    <Button size="xs" variant="outline" color="orange" onClick={() => void rotate(printer)} data-testid="printer-rotate">{t('printers.rotate')}</Button>
                  </Group>
                  <Text size="xs" c="dimmed" ff="monospace">…{printer.tokenHint}</Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
    </Stack>
  );
}
