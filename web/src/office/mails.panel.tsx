import { Badge, Button, Group, Modal, SegmentedControl, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { adminApi, type Mail } from '../api/admin.api.ts';
import { formatDateTime } from '../shared/format.ts';
import { ProblemAlert } from '../shared/problem-alert.component.tsx';
import { useApi } from '../shared/use-api.hook.ts';

const COLORS: Record<string, string> = { queued: '#1d5fa8', sent: '#1c6e31', stored: '#495057', failed: '#a61e1e' };

const MAIL_STATUSES = ['queued', 'sent', 'stored', 'failed'] as const satisfies ReadonlyArray<Mail['status']>;

/** The mails sent (or kept, in demo mode) to people, newest first, with their text. */
export function MailsPanel() {
  const { t } = useTranslation();
  const [status, setStatus] = useState('all');
  const [offset, setOffset] = useState(0);
  const [open, setOpen] = useState<Mail | null>(null);
  const mails = useApi((signal) => adminApi.mails({ status: MAIL_STATUSES.find((value) => value === status), limit: 50, offset }, signal).then((answer) => answer.items), [status, offset]);

  return (
    <Stack>
      <SegmentedControl value={status} onChange={(value) => { setStatus(value); setOffset(0); }} aria-label={t('admin.mails.filter')}
        data={['all', ...MAIL_STATUSES].map((value) => ({ value, label: t(`admin.mails.status.${value}`) }))} w="fit-content" />
      <ProblemAlert error={mails.error} />
      <Table striped data-testid="mails-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('admin.mails.createdAt')}</Table.Th>
            <Table.Th>{t('admin.mails.to')}</Table.Th>
            <Table.Th>{t('admin.mails.subject')}</Table.Th>
            <Table.Th>{t('admin.mails.template')}</Table.Th>
            <Table.Th>{t('admin.mails.statusLabel')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(mails.data ?? []).map((mail) => (
            <Table.Tr key={mail.id}>
              <Table.Td>{formatDateTime(mail.createdAt)}</Table.Td>
              <Table.Td>{mail.to}</Table.Td>
              <Table.Td><Button variant="subtle" size="compact-sm" onClick={() => setOpen(mail)}>{mail.subject}</Button></Table.Td>
              <Table.Td>{mail.template} ({mail.locale})</Table.Td>
              <Table.Td><Badge color={COLORS[mail.status] ?? '#495057'}>{t(`admin.mails.status.${mail.status}`)}</Badge></Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group>
        <Button variant="default" size="xs" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - 50))}>{t('admin.mails.newer')}</Button>
        <Button variant="default" size="xs" disabled={(mails.data?.length ?? 0) < 50} onClick={() => setOffset(offset + 50)}>{t('admin.mails.older')}</Button>
      </Group>
      <Modal opened={open !== null} onClose={() => setOpen(null)} title={open?.subject ?? ''} size="lg">
        {open ? (
          <Stack gap="xs">
            <Text size="sm">{t('common.labelValue', { label: t('admin.mails.to'), value: open.to })}</Text>
            {open.lastError ? <Text size="sm" c="red.8">{open.lastError}</Text> : null}
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>{open.text}</Text>
          </Stack>
        ) : null}
      </Modal>
    </Stack>
  );
}
