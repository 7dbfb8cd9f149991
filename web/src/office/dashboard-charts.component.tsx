/**
 * The dashboard's charts, in their own chunk (recharts is large): loaded by the dashboard only,
 * so the other office pages and the cardholder pages never download it.
 */
import '@mantine/charts/styles.css';
import { AreaChart, BarChart } from '@mantine/charts';
import { Group, Paper, SimpleGrid, Switch, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { useId, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { CardStats } from '../api/stats.api.ts';
import { CARD_STATES, type CardState } from '../shared/card-state.ts';
import { formatDate, formatNumber, formatShortDay } from '../shared/format.ts';
import { ALL_TYPES, countsOf, sum } from './dashboard-counts.ts';

/** Beyond this many days the axis labels carry the year: the same day of two years may both show. */
const LONG_PERIOD = 90;

/** Stacked charts need one colour per state (badges share colours between neighbouring states). */
const STATE_CHART_COLORS: Record<CardState, string> = {
  NEW: '#1c7ed6',
  RENEWED: '#74c0fc',
  REQUEST_CHECKED: '#7048e8',
  REJECTED: '#e03131',
  CANCELED: '#adb5bd',
  IN_PRINT: '#fab005',
  PRINTED: '#e8590c',
  IN_ENCODE: '#38d9a9',
  ENCODED: '#0c8599',
  ENABLED: '#2f9e44',
  DISABLED: '#a61e1e',
  CADUC: '#495057',
  DESTROYED: '#212529',
};
const TYPE_COLORS = ['#1c7ed6', '#e8590c', '#2f9e44', '#7048e8', '#c2255c', '#0c8599'];

/**
 * A chart with its text alternatives: the chart is one image described by `summary`, and a
 * switch shows the same figures as a table instead, newest day first (keyboard and screen reader
 * friendly).
 */
function ChartPanel({ title, summary, testId, chart, table }: { title: string; summary: string; testId: string; chart: ReactNode; table: ReactNode }) {
  const { t } = useTranslation();
  const [asTable, setAsTable] = useState(false);
  const id = useId();
  return (
    <Paper withBorder p="md" component="section" aria-labelledby={`${id}-title`} data-testid={testId}>
      <Group justify="space-between" mb="sm" wrap="wrap">
        <Title order={2} size="h4" id={`${id}-title`}>{title}</Title>
        <Switch label={t('dashboard.showTable')} checked={asTable} onChange={(event) => setAsTable(event.currentTarget.checked)}
          aria-controls={`${id}-body`} data-testid={`${testId}-as-table`} />
      </Group>
      <div id={`${id}-body`}>
        {asTable ? (
          // Focusable and named: a keyboard can scroll it, a screen reader says what it holds.
          <Table.ScrollContainer minWidth={400} maxHeight={360} type="native" tabIndex={0} role="region" aria-label={title}>
            <Table striped fz="xs" stickyHeader data-testid={`${testId}-table`}>
              <caption><VisuallyHidden>{title}</VisuallyHidden></caption>
              {table}
            </Table>
          </Table.ScrollContainer>
        ) : <div role="img" aria-label={summary} data-testid={`${testId}-chart`}>{chart}</div>}
      </div>
    </Paper>
  );
}

function RequestsChart({ stats, type }: { stats: CardStats; type: string }) {
  const { t } = useTranslation();
  const long = stats.days > LONG_PERIOD;
  const types = (type === ALL_TYPES ? stats.personTypes : [type])
    .filter((personType) => stats.requestsPerDay.some((point) => (point.byType[personType] ?? 0) > 0));
  const rows = stats.requestsPerDay.map((point) => ({
    day: point.day,
    label: formatShortDay(point.day, long),
    total: type === ALL_TYPES ? point.total : point.byType[type] ?? 0,
    ...Object.fromEntries(types.map((personType) => [personType, point.byType[personType] ?? 0])),
  }));
  const total = rows.reduce((count, row) => count + row.total, 0);
  const typeLabel = (personType: string) => t(`personType.${personType}`, { defaultValue: personType });
  return (
    <ChartPanel
      title={t('dashboard.perDay')}
      summary={t('dashboard.requestsSummary', { count: total, from: formatDate(stats.from), to: formatDate(stats.today) })}
      testId="requests-per-day"
      chart={(
        <BarChart h={260} data={rows} dataKey="label" type="stacked" withLegend={types.length > 1} valueFormatter={formatNumber}
          series={types.map((personType, index) => ({ name: personType, label: typeLabel(personType), color: TYPE_COLORS[index % TYPE_COLORS.length] ?? 'blue' }))}
          barChartProps={{ accessibilityLayer: false }} yAxisProps={{ allowDecimals: false }} />
      )}
      table={(
        <>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('dashboard.day')}</Table.Th>
              {types.map((personType) => <Table.Th scope="col" key={personType} ta="right">{typeLabel(personType)}</Table.Th>)}
              <Table.Th scope="col" ta="right">{t('dashboard.total')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {[...rows].reverse().map((row) => (
              <Table.Tr key={row.day}>
                <Table.Th scope="row" fw={400}>{formatDate(row.day)}</Table.Th>
                {types.map((personType) => <Table.Td key={personType} ta="right">{formatNumber(Number(row[personType as keyof typeof row] ?? 0))}</Table.Td>)}
                <Table.Td ta="right" fw={600}>{formatNumber(row.total)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </>
      )}
    />
  );
}

function StatesChart({ stats, type }: { stats: CardStats; type: string }) {
  const { t } = useTranslation();
  const long = stats.days > LONG_PERIOD;
  const perDay = stats.history.map((point) => ({ day: point.day, counts: countsOf(point.byType, type) }));
  const states = CARD_STATES.filter((state) => perDay.some((point) => (point.counts[state] ?? 0) > 0));
  const rows = perDay.map((point) => ({
    day: point.day,
    label: formatShortDay(point.day, long),
    ...Object.fromEntries(states.map((state) => [state, point.counts[state] ?? 0])),
  }));
  const today = perDay.at(-1)?.counts;
  return (
    <ChartPanel
      title={t('dashboard.overTime')}
      summary={t('dashboard.statesSummary', { from: formatDate(stats.from), to: formatDate(stats.today), count: sum(today) })}
      testId="states-over-time"
      chart={states.length === 0 ? <Text c="dimmed" size="sm">{t('dashboard.noCards')}</Text> : (
        <AreaChart h={260} data={rows} dataKey="label" type="stacked" withLegend withDots={false} curveType="linear" fillOpacity={0.65} valueFormatter={formatNumber}
          series={states.map((state) => ({ name: state, label: t(`state.${state}`), color: STATE_CHART_COLORS[state] }))}
          areaChartProps={{ accessibilityLayer: false }} yAxisProps={{ allowDecimals: false }} />
      )}
      table={(
        <>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('dashboard.day')}</Table.Th>
              {states.map((state) => <Table.Th scope="col" key={state} ta="right">{t(`state.${state}`)}</Table.Th>)}
              <Table.Th scope="col" ta="right">{t('dashboard.total')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {[...perDay].reverse().map((point) => (
              <Table.Tr key={point.day}>
                <Table.Th scope="row" fw={400}>{formatDate(point.day)}</Table.Th>
                {states.map((state) => <Table.Td key={state} ta="right">{formatNumber(point.counts[state] ?? 0)}</Table.Td>)}
                <Table.Td ta="right" fw={600}>{formatNumber(sum(point.counts))}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </>
      )}
    />
  );
}

/** Requests per day and cards by state over time, for one person type or all ({@link ALL_TYPES}). */
export function DashboardCharts({ stats, type }: { stats: CardStats; type: string }) {
  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }}>
      <RequestsChart stats={stats} type={type} />
      <StatesChart stats={stats} type={type} />
    </SimpleGrid>
  );
}
