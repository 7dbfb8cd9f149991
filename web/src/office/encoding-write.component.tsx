import { Code, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { encodingApi } from '../api/encoding.api.ts';
import { ProblemAlert } from '../shared/problem-alert.component.tsx';
import { useApi } from '../shared/use-api.hook.ts';

/**
 * What the station writes on a card's chip, per application of the DESFire layout: the office
 * desk starts an encoding session for the card when it is picked (the server answers the values;
 * campuscard drives no chip). Key references only, never key values.
 */
export function EncodingWrite({ cardId }: { cardId: string }) {
  const { t } = useTranslation();
  const session = useApi(() => encodingApi.start(cardId), [cardId]);
  if (session.error) return <ProblemAlert error={session.error} />;
  const data = session.data;
  if (!data) return null;
  const values: Record<string, string | null> = {
    escn: data.write.esc?.bytesHex ?? null,
    escSignature: null,
    accessControlId: data.write.accessControlId,
    secondaryId: data.write.secondaryId,
    crousCardNumber: data.write.crousCardNumber === null ? null : String(data.write.crousCardNumber),
  };
  return (
    <Stack gap="xs" mb="md" data-testid="encoding-write">
      <Title order={2} size="h5">{t('encodingSession.title')}</Title>
      <Text size="sm">{t('encodingSession.intro')}</Text>
      <Table withTableBorder striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('encodingSession.application')}</Table.Th>
            <Table.Th>{t('encodingSession.aid')}</Table.Th>
            <Table.Th>{t('encodingSession.file')}</Table.Th>
            <Table.Th>{t('encodingSession.value')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {data.layout.applications.flatMap((application) => application.files.map((file) => (
            <Table.Tr key={`${application.id}-${file.fileNo}`} data-testid={`encoding-write-${application.id}-${file.fileNo}`}>
              <Table.Td>{t(`encodingSession.applications.${application.id}`)}</Table.Td>
              <Table.Td ff="monospace">{application.aid ?? t('encodingSession.aidByCrous')}</Table.Td>
              <Table.Td>{t('encodingSession.fileShape', { no: file.fileNo, size: file.size, rights: file.accessRights })}</Table.Td>
              <Table.Td>{values[file.content] ? <Code>{values[file.content]}</Code> : <Text size="sm" c="dimmed">{t('encodingSession.nothing')}</Text>}</Table.Td>
            </Table.Tr>
          )))}
        </Table.Tbody>
      </Table>
      <Text size="xs" c="dimmed">{t('encodingSession.expires', { at: new Date(data.session.expiresAt).toLocaleTimeString() })}</Text>
    </Stack>
  );
}
