import { Alert, Anchor, Group, Loader, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { cardsApi } from '../api/cards.api.ts';
import { escApi } from '../api/esc.api.ts';
import { useSession, WRITE_ROLES } from '../auth/session.context.tsx';
import { CARD_STATES, stateColor } from '../shared/card-state.ts';
import { formatDate, formatNumber } from '../shared/format.ts';
import { ProblemAlert } from '../shared/problem-alert.component.tsx';
import { useApi } from '../shared/use-api.hook.ts';
import { usePageTitle } from '../shared/use-page-title.hook.ts';

const PERSON_TYPES = ['student', 'staff', 'guest', 'external'];
const DAYS = 14;

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

async function count(query: Parameters<typeof cardsApi.list>[0], signal: AbortSignal): Promise<number> {
  const page = await cardsApi.list({ ...query, limit: 1, page: 1 }, signal);
  return page.total ?? page.items.length;
}

interface Stats {
  byState: Record<string, number>;
  byType: Record<string, number>;
  perDay: Array<{ day: string; count: number }>;
}

async function loadStats(signal: AbortSignal): Promise<Stats> {
  const today = new Date();
  const days = Array.from({ length: DAYS }, (_, index) => {
    const day = new Date(today);
    day.setUTCDate(day.getUTCDate() - (DAYS - 1 - index));
    return isoDay(day);
  });
  const [states, types, perDay] = await Promise.all([
    Promise.all(CARD_STATES.map((state) => count({ state: [state] }, signal))),
    Promise.all(PERSON_TYPES.map((type) => count({ personType: [type] }, signal))),
    Promise.all(days.map((day) => count({ requestedFrom: day, requestedTo: day }, signal))),
  ]);
  return {
    byState: Object.fromEntries(CARD_STATES.map((state, index) => [state, states[index] ?? 0])),
    byType: Object.fromEntries(PERSON_TYPES.map((type, index) => [type, types[index] ?? 0])),
    perDay: days.map((day, index) => ({ day, count: perDay[index] ?? 0 })),
  };
}

function Counter({ label, value, to, testId }: { label: string; value: number | undefined; to: string; testId: string }) {
  return (
    <Paper withBorder p="md" component={Link} to={to} className="counter-link" data-testid={testId}>
      <Text size="sm" c="dimmed" fw={600}>{label}</Text>
      <Text fz={32} fw={800}>{value === undefined ? '…' : formatNumber(value)}</Text>
    </Paper>
  );
}

/** Requests per day as an SVG bar chart, with a table for screen readers. */
function PerDayChart({ data }: { data: Array<{ day: string; count: number }> }) {
  const { t } = useTranslation();
  const max = Math.max(1, ...data.map((point) => point.count));
  const width = 560;
  const height = 160;
  const bar = width / data.length;
  return (
    <figure style={{ margin: 0 }}>
      <svg viewBox={`0 0 ${width} ${height + 20}`} width="100%" role="img" aria-label={t('dashboard.perDay')}>
        {data.map((point, index) => {
          const h = (point.count / max) * height;
          return (
            <g key={point.day}>
              <rect x={index * bar + 4} y={height - h} width={bar - 8} height={h} fill="#1971c2" rx={3}>
                <title>{`${formatDate(point.day)} : ${point.count}`}</title>
              </rect>
              {index % 2 === 0 ? <text x={index * bar + bar / 2} y={height + 14} fontSize="10" textAnchor="middle" fill="#343a40">{point.day.slice(5)}</text> : null}
            </g>
          );
        })}
      </svg>
      <details>
        <summary>{t('dashboard.showData')}</summary>
        <Table fz="xs">
          <Table.Tbody>
            {data.map((point) => <Table.Tr key={point.day}><Table.Td>{formatDate(point.day)}</Table.Td><Table.Td>{point.count}</Table.Td></Table.Tr>)}
          </Table.Tbody>
        </Table>
      </details>
    </figure>
  );
}

/**
 * The card office at a glance: queues waiting for someone, counts per state and person type,
 * requests per day, and ESC Router sync failures.
 */
export function DashboardPage() {
  const { t } = useTranslation();
  usePageTitle(t('dashboard.title'));
  const { principal } = useSession();
  const stats = useApi(loadStats, []);
  const canSeeEsc = !!principal && WRITE_ROLES.includes(principal.role);
  const esc = useApi((signal) => (canSeeEsc ? escApi.status(signal) : Promise.resolve(null)), [canSeeEsc]);
  const byState = stats.data?.byState;
  const maxState = Math.max(1, ...Object.values(byState ?? {}));

  return (
    <Stack>
      <Title order={1} size="h2">{t('dashboard.title')}</Title>
      <ProblemAlert error={stats.error} />
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        <Counter label={t('dashboard.toCheck')} value={byState ? (byState.NEW ?? 0) + (byState.RENEWED ?? 0) : undefined} to="/office/queue" testId="count-to-check" />
        <Counter label={t('dashboard.toPrint')} value={byState?.REQUEST_CHECKED} to="/office/print" testId="count-to-print" />
        <Counter label={t('dashboard.toEncode')} value={byState ? (byState.PRINTED ?? 0) + (byState.IN_ENCODE ?? 0) : undefined} to="/office/encode" testId="count-to-encode" />
        <Counter label={t('dashboard.toDeliver')} value={byState?.ENCODED} to="/office/delivery" testId="count-to-deliver" />
      </SimpleGrid>
      {canSeeEsc && esc.data ? (
        <Paper withBorder p="md" data-testid="dashboard-esc">
          <Group justify="space-between">
            <Title order={2} size="h4">{t('esc.title')}</Title>
            <Anchor component={Link} to="/office/esc">{t('dashboard.details')}</Anchor>
          </Group>
          {!esc.data.enabled ? <Text size="sm">{t('esc.off')}</Text> : (
            <Group gap="xl" mt="xs">
              <Text>{t('esc.counts.pending')} : <strong>{formatNumber(esc.data.counts.pending)}</strong></Text>
              <Text>{t('esc.counts.retrying')} : <strong>{formatNumber(esc.data.counts.retrying)}</strong></Text>
              <Text c={esc.data.counts.failed ? 'red.8' : undefined}>{t('esc.counts.failed')} : <strong data-testid="esc-failed-count">{formatNumber(esc.data.counts.failed)}</strong></Text>
              <Text>{t('esc.counts.done')} : <strong>{formatNumber(esc.data.counts.done)}</strong></Text>
            </Group>
          )}
          {esc.data.counts.failed > 0 ? <Alert color="red" mt="sm">{t('esc.failuresWaiting', { count: esc.data.counts.failed })}</Alert> : null}
        </Paper>
      ) : null}
      {!stats.data && stats.loading ? <Loader role="status" aria-label={t('common.loading')} /> : null}
      {stats.data ? (
        <SimpleGrid cols={{ base: 1, lg: 2 }}>
          <Paper withBorder p="md">
            <Title order={2} size="h4" mb="sm">{t('dashboard.byState')}</Title>
            <Table verticalSpacing={2} data-testid="state-counts">
              <Table.Tbody>
                {CARD_STATES.map((state) => (
                  <Table.Tr key={state}>
                    <Table.Td w="40%"><Anchor component={Link} to={`/office/cards?state=${state}`} size="sm">{t(`state.${state}`)}</Anchor></Table.Td>
                    <Table.Td>
                      <div className="state-bar" style={{ width: `${((byState?.[state] ?? 0) / maxState) * 100}%`, background: stateColor(state) }} />
                    </Table.Td>
                    <Table.Td w={70} ta="right" data-state={state} data-testid="state-count">{formatNumber(byState?.[state] ?? 0)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Paper>
          <Stack>
            <Paper withBorder p="md">
              <Title order={2} size="h4" mb="sm">{t('dashboard.perDay')}</Title>
              <PerDayChart data={stats.data.perDay} />
            </Paper>
            <Paper withBorder p="md">
              <Title order={2} size="h4" mb="sm">{t('dashboard.byType')}</Title>
              <Group>
                {PERSON_TYPES.map((type) => (
                  <Text key={type}>{t(`personType.${type}`)} : <strong>{formatNumber(stats.data?.byType[type] ?? 0)}</strong></Text>
                ))}
              </Group>
            </Paper>
          </Stack>
        </SimpleGrid>
      ) : null}
    </Stack>
  );
}
