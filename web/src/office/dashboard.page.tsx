import { Alert, Anchor, Group, Loader, Paper, SegmentedControl, SimpleGrid, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { lazy, Suspense, useId, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { statsApi, type CardStats } from '../api/stats.api.ts';
import { useSession, type Role, type SessionInstitution } from '../auth/session.context.tsx';
import { CARD_STATES, stateColor } from '../shared/card-state.ts';
import { formatNumber } from '../shared/format.ts';
import { ProblemAlert } from '../shared/problem-alert.component.tsx';
import { useApi } from '../shared/use-api.hook.ts';
import { usePageTitle } from '../shared/use-page-title.hook.ts';
import { ALL_TYPES, countsOf } from './dashboard-counts.ts';
import { institutionOf, institutionsInView } from '../shared/institution-scope.ts';

// The charts (recharts) are a chunk of their own, fetched when the dashboard shows them.
const DashboardCharts = lazy(() => import('./dashboard-charts.component.tsx').then((module) => ({ default: module.DashboardCharts })));

/** Windows the charts offer, in days (today included); 366 is "a year". */
const PERIODS = [7, 30, 90, 366] as const;
const DEFAULT_PERIOD = 30;

/** Where a counter leads: the work page when the role may open it, else the card list filtered the same way. */
function counterLink(role: Role | undefined, states: readonly string[], page?: { path: string; roles: readonly Role[] }): string {
  if (page && role && page.roles.includes(role)) return page.path;
  return `/office/cards?state=${states.join(',')}`;
}

function Counter({ label, value, to, testId }: { label: string; value: number | undefined; to: string; testId: string }) {
  return (
    <Paper withBorder p="md" component={Link} to={to} className="counter-link" data-testid={testId}>
      <Text size="sm" c="dimmed" fw={600}>{label}</Text>
      <Text fz={32} fw={800}>{value === undefined ? '…' : formatNumber(value)}</Text>
    </Paper>
  );
}

/** A labelled group of choices (period, person type) as a segmented control of radio buttons. */
function Choice({ label, value, data, onChange, testId }: {
  label: string; value: string; data: Array<{ value: string; label: string }>; onChange(value: string): void; testId: string;
}) {
  const id = useId();
  return (
    <div role="group" aria-labelledby={id}>
      <Text id={id} size="sm" fw={600} mb={4}>{label}</Text>
      <SegmentedControl value={value} onChange={onChange} data={data} size="xs" data-testid={testId} />
    </div>
  );
}

/** Cards now, per state (rows) and person type (columns), each figure leading to the filtered card list. */
function CurrentCounts({ stats }: { stats: CardStats }) {
  const { t } = useTranslation();
  const all = countsOf(stats.current, ALL_TYPES);
  const max = Math.max(1, ...Object.values(all));
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="current-counts-title">
      <Title order={2} size="h4" mb="sm" id="current-counts-title">{t('dashboard.byStateAndType')}</Title>
      <Table.ScrollContainer minWidth={560}>
        <Table verticalSpacing={2} data-testid="state-counts">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('dashboard.state')}</Table.Th>
              <Table.Th scope="col" w="25%"><VisuallyHidden>{t('dashboard.share')}</VisuallyHidden></Table.Th>
              {stats.personTypes.map((type) => <Table.Th scope="col" key={type} ta="right">{t(`personType.${type}`, { defaultValue: type })}</Table.Th>)}
              <Table.Th scope="col" ta="right">{t('dashboard.total')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {CARD_STATES.map((state) => (
              <Table.Tr key={state}>
                <Table.Th scope="row" fw={400}>
                  <Anchor component={Link} to={`/office/cards?state=${state}`} size="sm">{t(`state.${state}`)}</Anchor>
                </Table.Th>
                <Table.Td>
                  <div className="state-bar" aria-hidden="true" style={{ width: `${((all[state] ?? 0) / max) * 100}%`, background: stateColor(state) }} />
                </Table.Td>
                {stats.personTypes.map((type) => {
                  const count = stats.current[type]?.[state] ?? 0;
                  return (
                    <Table.Td key={type} ta="right" data-testid="state-type-count" data-state={state} data-type={type}>
                      {count > 0 ? <Anchor component={Link} to={`/office/cards?state=${state}&type=${type}`} size="sm">{formatNumber(count)}</Anchor> : formatNumber(0)}
                    </Table.Td>
                  );
                })}
                <Table.Td ta="right" fw={600} data-state={state} data-testid="state-count">{formatNumber(all[state] ?? 0)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}

/**
 * The work queues of each institution in view, side by side, when the dashboard covers several;
 * each name switches the console to that institution.
 */
function QueuesByInstitution({ institutions }: { institutions: readonly SessionInstitution[] }) {
  const { t } = useTranslation();
  const { chooseInstitution } = useSession();
  const codes = institutions.map((institution) => institution.code);
  const figures = useApi((signal) => Promise.all(codes.map((code) => statsApi.cards(1, signal, code).then((stats) => stats.queues))), [codes.join(',')]);
  const columns = [
    ['waitingRequests', 'dashboard.toCheck'], ['toPrint', 'dashboard.toPrint'], ['inPrint', 'dashboard.inPrint'],
    ['toEncode', 'dashboard.toEncode'], ['toDeliver', 'dashboard.toDeliver'],
  ] as const;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="by-institution-title" data-testid="queues-by-institution">
      <Title order={2} size="h4" mb="sm" id="by-institution-title">{t('dashboard.byInstitution')}</Title>
      <ProblemAlert error={figures.error} />
      <Table.ScrollContainer minWidth={640}>
        <Table verticalSpacing={2}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('cards.columns.institution')}</Table.Th>
              {columns.map(([key, label]) => <Table.Th scope="col" key={key} ta="right">{t(label)}</Table.Th>)}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {institutions.map((institution, index) => (
              <Table.Tr key={institution.code} data-testid="institution-queues" data-institution={institution.code}>
                <Table.Th scope="row" fw={400}>
                  <Anchor component="button" type="button" size="sm" onClick={() => void chooseInstitution(institution.code)}>{institution.name}</Anchor>
                </Table.Th>
                {columns.map(([key]) => (
                  <Table.Td key={key} ta="right">{figures.data?.[index] ? formatNumber(figures.data[index][key]) : '…'}</Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}

/** "Label : count" with the count in bold; the colon and its spacing come from the language. */
function EscCount({ label, count }: { label: string; count: number }) {
  return <Trans i18nKey="common.labelStrongValue" values={{ label, value: formatNumber(count) }} components={{ strong: <strong /> }} />;
}

function EscPanel({ esc }: { esc: NonNullable<CardStats['escSync']> }) {
  const { t } = useTranslation();
  return (
    <Paper withBorder p="md" data-testid="dashboard-esc">
      <Group justify="space-between">
        <Title order={2} size="h4">{t('esc.title')}</Title>
        <Anchor component={Link} to="/office/esc">{t('dashboard.details')}</Anchor>
      </Group>
      {!esc.enabled ? <Text size="sm">{t('esc.off')}</Text> : (
        <Group gap="xl" mt="xs">
          <Text data-testid="dashboard-esc-pending"><EscCount label={t('esc.counts.pending')} count={esc.pending} /></Text>
          <Text data-testid="dashboard-esc-retrying"><EscCount label={t('esc.counts.retrying')} count={esc.retrying} /></Text>
          <Text c={esc.failed ? 'red.8' : undefined} data-testid="dashboard-esc-failed"><EscCount label={t('esc.counts.failed')} count={esc.failed} /></Text>
          <Text data-testid="dashboard-esc-done"><EscCount label={t('esc.counts.done')} count={esc.done} /></Text>
        </Group>
      )}
      {esc.failed > 0 ? <Alert color="red" mt="sm">{t('esc.failuresWaiting', { count: esc.failed })}</Alert> : null}
    </Paper>
  );
}

/**
 * The card office at a glance, for the institution the console is switched to or for all those the
 * account covers, from one call to GET /stats/cards: the work queues, ESC Router
 * sync failures, requests per day, cards by state over time (per person type) and now.
 */
export function DashboardPage() {
  const { t } = useTranslation();
  usePageTitle(t('dashboard.title'));
  const { principal } = useSession();
  const [period, setPeriod] = useState<number>(DEFAULT_PERIOD);
  const [chosenType, setChosenType] = useState(ALL_TYPES);
  const stats = useApi((signal) => statsApi.cards(period, signal), [period]);
  const data = stats.data;
  const type = data && chosenType !== ALL_TYPES && !data.personTypes.includes(chosenType) ? ALL_TYPES : chosenType;
  const role = principal?.role;
  const current = institutionOf(principal, principal?.currentInstitution);
  const inView = institutionsInView(principal);
  // Whose figures these are: the institution switched to, or all those the account covers.
  const scope = current
    ? current.kind === 'federation' ? t('dashboard.scopeFederation', { name: current.name, count: inView.length }) : current.name
    : (principal?.institutions.length ?? 0) > 1 ? t('dashboard.scopeAll', { count: inView.length })
      : principal?.institutions[0]?.name;
  const counters = [
    { label: t('dashboard.toCheck'), value: data?.queues.waitingRequests, testId: 'count-to-check',
      to: counterLink(role, ['NEW', 'RENEWED'], { path: '/office/queue', roles: ['admin', 'manager'] }) },
    { label: t('dashboard.toPrint'), value: data?.queues.toPrint, testId: 'count-to-print',
      to: counterLink(role, ['REQUEST_CHECKED'], { path: '/office/print', roles: ['admin', 'manager', 'station'] }) },
    { label: t('dashboard.inPrint'), value: data?.queues.inPrint, testId: 'count-in-print', to: counterLink(role, ['IN_PRINT']) },
    { label: t('dashboard.toEncode'), value: data?.queues.toEncode, testId: 'count-to-encode',
      to: counterLink(role, ['PRINTED', 'IN_ENCODE'], { path: '/office/encode', roles: ['admin', 'manager', 'station'] }) },
    { label: t('dashboard.toDeliver'), value: data?.queues.toDeliver, testId: 'count-to-deliver',
      to: counterLink(role, ['ENCODED'], { path: '/office/delivery', roles: ['admin', 'manager', 'deliverer'] }) },
  ];

  return (
    <Stack>
      <div>
        <Title order={1} size="h2">{t('dashboard.title')}</Title>
        {scope ? <Text c="dimmed" data-testid="dashboard-scope">{scope}</Text> : null}
      </div>
      <ProblemAlert error={stats.error} />
      <SimpleGrid cols={{ base: 2, sm: 3, lg: 5 }}>
        {counters.map((counter) => <Counter key={counter.testId} {...counter} />)}
      </SimpleGrid>
      {inView.length > 1 ? <QueuesByInstitution institutions={inView} /> : null}
      {data?.escSync ? <EscPanel esc={data.escSync} /> : null}
      {!data && stats.loading ? <Loader role="status" aria-label={t('common.loading')} /> : null}
      {data ? (
        <>
          <Group align="flex-end" gap="xl" wrap="wrap">
            <Choice label={t('dashboard.period')} value={String(period)} onChange={(value) => setPeriod(Number(value))} testId="dashboard-period"
              data={PERIODS.map((days) => ({ value: String(days), label: days === 366 ? t('dashboard.oneYear') : t('dashboard.lastDays', { count: days }) }))} />
            <Choice label={t('dashboard.personType')} value={type} onChange={setChosenType} testId="dashboard-type"
              data={[{ value: ALL_TYPES, label: t('dashboard.allTypes') },
                ...data.personTypes.map((personType) => ({ value: personType, label: t(`personType.${personType}`, { defaultValue: personType }) }))]} />
            {stats.loading ? <Loader size="sm" role="status" aria-label={t('common.loading')} /> : null}
          </Group>
          <Suspense fallback={<Loader role="status" aria-label={t('common.loading')} />}>
            <DashboardCharts stats={data} type={type} />
          </Suspense>
          <Text size="xs" c="dimmed" data-testid="dashboard-time-zone">{t('dashboard.timeZone', { zone: zoneCity(data.timeZone) })}</Text>
          <CurrentCounts stats={data} />
        </>
      ) : null}
    </Stack>
  );
}

/** The city of an IANA time zone, as a sentence names it ("Europe/Paris": Paris; "America/Argentina/Buenos_Aires": Buenos Aires). */
function zoneCity(zone: string): string {
  return (zone.split('/').pop() ?? zone).replace(/_/g, ' ');
}
