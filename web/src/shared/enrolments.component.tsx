import { Badge, Paper, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Enrolment } from '../api/api-types.ts';
import { formatDate } from './format.ts';

const ACADEMIC_LEVELS: Record<number, string> = { 6: 'BACHELOR', 7: 'MASTER', 8: 'DOCTORATE' };

/**
 * A person's enrolments, one row per institution: the person type, student number, rights end
 * academic level and directory affiliation there. `highlight` marks the institution the surrounding page is about.
 */
export function Enrolments({ enrolments, title, highlight, testId = 'enrolments' }: {
  enrolments: readonly Enrolment[]; title: string; highlight?: string | undefined; testId?: string;
}) {
  const { t } = useTranslation();
  return (
    <Paper withBorder p="md" data-testid={testId}>
      <Title order={2} size="h4" mb="xs">{title}</Title>
      {enrolments.length === 0 ? <Text size="sm" c="dimmed">{t('enrolments.none')}</Text> : (
        <Table.ScrollContainer minWidth={520}>
          <Table fz="sm" striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('enrolments.institution')}</Table.Th>
                <Table.Th>{t('person.personType')}</Table.Th>
                <Table.Th>{t('person.studentNumber')}</Table.Th>
                <Table.Th>{t('person.rightsEnd')}</Table.Th>
                <Table.Th>{t('person.academicLevel')}</Table.Th>
                <Table.Th>{t('person.affiliation')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {enrolments.map((enrolment) => (
                <Table.Tr key={enrolment.institution} data-testid="enrolment" data-institution={enrolment.institution}>
                  <Table.Td fw={600}>
                    {enrolment.institutionName}
                    {highlight === enrolment.institution ? <Badge ml="xs" size="xs" variant="light">{t('enrolments.thisCard')}</Badge> : null}
                  </Table.Td>
                  <Table.Td>{t(`personType.${enrolment.personType}`, { defaultValue: enrolment.personType })}</Table.Td>
                  <Table.Td>{enrolment.studentNumber ?? ''}</Table.Td>
                  <Table.Td>{formatDate(enrolment.rightsEnd)}</Table.Td>
                  <Table.Td>{enrolment.academicLevel ? t(`academicLevel.${ACADEMIC_LEVELS[enrolment.academicLevel] ?? 'OTHER'}`) : ''}</Table.Td>
                  <Table.Td>{enrolment.affiliation ?? ''}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Paper>
  );
}
