import { Button, Group, Loader, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { peopleApi } from '../api/people.api.ts';
import type { Person } from '../api/api-types.ts';
import { Enrolments } from '../shared/enrolments.component.tsx';
import { formatDate } from '../shared/format.ts';
import { ProblemAlert } from '../shared/problem-alert.component.tsx';
import { useApi } from '../shared/use-api.hook.ts';
import { usePageTitle } from '../shared/use-page-title.hook.ts';

const ACADEMIC_LEVELS: Record<number, string> = { 6: 'BACHELOR', 7: 'MASTER', 8: 'DOCTORATE' };

/**
 * The rows of the identity table. With enrolments listed apart, what depends on the institution
 * (type, student number, level, rights end, affiliation) is shown there, once per institution.
 */
function rows(person: Person, t: (key: string, options?: Record<string, unknown>) => string, withEnrolments: boolean): Array<[string, string]> {
  const enrolled: Array<[string, string]> = withEnrolments ? [] : [
    [t('person.personType'), t(`personType.${person.personType}`, { defaultValue: person.personType })],
    [t('person.studentNumber'), person.studentNumber ?? ''],
    [t('person.academicLevel'), person.academicLevel ? t(`academicLevel.${ACADEMIC_LEVELS[person.academicLevel] ?? 'OTHER'}`) : ''],
    [t('person.rightsEnd'), formatDate(person.rightsEnd)],
    [t('person.affiliation'), person.affiliation ?? ''],
  ];
  const list: Array<[string, string]> = [
    [t('person.lastName'), person.lastName],
    [t('person.firstName'), person.firstName],
    [t('person.birthDate'), formatDate(person.birthDate)],
    [t('person.email'), person.email ?? ''],
    [t('person.eppn'), person.eppn],
    [t('person.ine'), person.ine ?? ''],
    [t('person.esi'), person.esi ?? ''],
    ...enrolled,
    [t('person.locale'), person.locale ? t(`language.${person.locale}`) : t('person.localeDefault')],
  ];
  for (const [key, value] of Object.entries(person.freeFields ?? {})) list.push([key, value]);
  return list;
}

/** What the institution holds about the person (read-only), and a JSON download of all of it. */
export function MyDataPage() {
  const { t } = useTranslation();
  usePageTitle(t('myData.title'));
  const person = useApi((signal) => peopleApi.me(signal).then((answer) => answer.person), []);
  const enrolments = person.data?.enrolments ?? [];
  const [exportError, setExportError] = useState<unknown>(null);
  const [exporting, setExporting] = useState(false);

  async function download() {
    setExporting(true);
    setExportError(null);
    try {
      const data = await peopleApi.exportMine();
      const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = `campuscard-${new Date().toISOString().slice(0, 10)}.json`;
      document.body.append(link);
      link.click();
      link.remove();
      window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (failure) {
      setExportError(failure);
    } finally {
      setExporting(false);
    }
  }

  return (
    <Stack maw={720}>
      <Group justify="space-between">
        <Title order={1} size="h2">{t('myData.title')}</Title>
        <Button variant="default" onClick={() => void download()} loading={exporting} data-testid="download-data">{t('myData.download')}</Button>
      </Group>
      <Text size="sm">{t('myData.intro')}</Text>
      <ProblemAlert error={person.error ?? exportError} />
      {person.loading && !person.data ? <Loader role="status" aria-label={t('common.loading')} /> : null}
      {person.data ? (
        <Paper withBorder radius="md">
          <Table data-testid="my-data" variant="vertical" layout="fixed">
            <Table.Tbody>
              {rows(person.data, t, enrolments.length > 0).map(([label, value]) => (
                <Table.Tr key={label}>
                  <Table.Th w="40%" scope="row">{label}</Table.Th>
                  <Table.Td>{value || <Text span c="dimmed" size="sm">{t('common.none')}</Text>}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      ) : null}
      {enrolments.length > 0 ? <Enrolments enrolments={enrolments} title={t('myData.enrolments', { count: enrolments.length })} testId="my-enrolments" /> : null}
      <Text size="xs" c="dimmed">{t('myData.localeHelp')}</Text>
      <Text size="xs" c="dimmed">{t('myData.correction')}</Text>
    </Stack>
  );
}
