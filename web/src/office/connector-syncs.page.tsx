import { Alert, Anchor, Badge, Button, Card, Code, Drawer, Group, List, Loader, SegmentedControl, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { syncOperationsApi, type ConnectorEntry, type ConnectorSummary } from '../api/sync-operations.api.ts';
import { useSession } from '../auth/session.context.tsx';
import { institutionOf, severalInView } from '../shared/institution-scope.ts';
import { actorLabel } from '../shared/actor-label.ts';
import { formatDateTime, formatNumber } from '../shared/format.ts';
import { BreakableUrl } from '../shared/breakable-url.component.tsx';
import { ProblemAlert } from '../shared/problem-alert.component.tsx';
import { useApi } from '../shared/use-api.hook.ts';
import { usePageTitle } from '../shared/use-page-title.hook.ts';

const STATUS_COLORS: Record<string, string> = { pending: '#1d5fa8', done: '#1c6e31', failed: '#a61e1e' };
const ENTRY_STATUSES = ['failed', 'pending', 'done'] as const satisfies ReadonlyArray<ConnectorEntry['status']>;
const PAGE = 50;

/** i18n key of a webhook event name (`card.enabled` → `card_enabled`), as the Webhooks tab labels them. */
const eventKey = (name: string) => name.replace('.', '_');

/** What an operator may do with an entry: replay a failure, retry now one being retried, nothing for one never tried yet or delivered. */
function replayAction(entry: Pick<ConnectorEntry, 'status' | 'attempts'>): 'replay' | 'retryNow' | null {
  if (entry.status === 'failed') return 'replay';
  return entry.status === 'pending' && entry.attempts > 0 ? 'retryNow' : null;
}

/** An entry's operation in words (its code as a hint): `sync_person`, `deliver`, or a code this version does not know. */
function OperationLabel({ operation }: { operation: string }) {
  const { t } = useTranslation();
  const label = t(`syncs.operations.${operation}`, { defaultValue: '' });
  return (
    <span data-testid="entry-operation">
      {label ? <Text span size="sm">{label} </Text> : null}
      <Text span size="xs" c="dimmed" ff="monospace">{operation}</Text>
    </span>
  );
}

/**
 * The calls an entry made to the remote system, one line each in words (`upsertCard:<key>:<state>`
 * → « Carte … envoyée au routeur ESC (état …) »); a call this version does not know stays as sent.
 */
function callLines(t: (key: string, options?: Record<string, unknown>) => string, result: Record<string, unknown>): string[] | null {
  const operations = result.operations;
  if (!Array.isArray(operations) || !operations.every((item): item is string => typeof item === 'string')) return null;
  return operations.map((call) => {
    const [name = '', key = '', ...extra] = call.split(':');
    return t(`syncs.calls.${name}`, { key, extra: extra.join(':'), defaultValue: call });
  });
}

/** A duration in the visitor's words: seconds, minutes, hours or days. */
function ageText(t: (key: string, options?: Record<string, unknown>) => string, seconds: number): string {
  if (seconds < 120) return t('syncs.age.seconds', { count: seconds });
  if (seconds < 7200) return t('syncs.age.minutes', { count: Math.floor(seconds / 60) });
  if (seconds < 172800) return t('syncs.age.hours', { count: Math.floor(seconds / 3600) });
  return t('syncs.age.days', { count: Math.floor(seconds / 86400) });
}

/**
 * « Synchronisations »: every connector (ESC Router, CROUS, …) as a card with its backlog,
 * failures, age of the oldest waiting entry, deliveries and paused institutions, within the
 * operator's institutions; choosing one (/office/syncs/:connector) lists its entries with a
 * status filter (and `?subject=`: one subject's, as the Webhooks tab links an endpoint's
 * deliveries), the remote system's error, and replay (admins). An entry shows its subject: a
 * person, or the receiving endpoint of a webhook delivery with its event. Refreshes itself every few seconds.
 */
export function ConnectorSyncsPage() {
  const { t, i18n } = useTranslation();
  usePageTitle(t('syncs.title'));
  const { connector: chosen } = useParams<{ connector?: string }>();
  const [search] = useSearchParams();
  const subject = search.get('subject') ?? undefined;
  const navigate = useNavigate();
  const { principal } = useSession();
  const isAdmin = principal?.role === 'admin';
  const [tick, setTick] = useState(0);
  const connectors = useApi((signal) => syncOperationsApi.list(signal).then((answer) => answer.items), [tick]);
  const label = (connector: ConnectorSummary) => (i18n.language.startsWith('en') ? connector.labels.en : connector.labels.fr);

  useEffect(() => {
    const timer = window.setInterval(() => setTick((value) => value + 1), 5000);
    return () => window.clearInterval(timer);
  }, []);

  const selected = connectors.data?.find((connector) => connector.id === chosen);
  return (
    <Stack>
      <Title order={1} size="h2">{t('syncs.title')}</Title>
      <Text size="sm" c="dimmed">{t('syncs.intro')}</Text>
      <ProblemAlert error={connectors.error} />
      {connectors.data ? (
        <SimpleGrid cols={{ base: 1, md: 2, lg: 3 }} data-testid="connector-cards">
          {connectors.data.map((connector) => (
            <Card key={connector.id} withBorder padding="md" data-testid="connector-card" data-connector={connector.id}
              style={connector.id === chosen ? { outline: '2px solid #1d5fa8' } : undefined}>
              <Group justify="space-between" align="flex-start">
                <Title order={2} size="h4">{label(connector)}</Title>
                {/* Green only when nothing failed and nothing waiting is being retried: a receiver answering 500 is not healthy. */}
                {connector.counts.failed > 0
                  ? <Badge color="#a61e1e" data-testid="connector-badge" data-state="failed">{t('syncs.failedBadge', { count: connector.counts.failed })}</Badge>
                  : connector.counts.retrying > 0
                    ? <Badge color="#b35900" data-testid="connector-badge" data-state="retrying">{t('syncs.retryingBadge')}</Badge>
                    : <Badge color="#1c6e31" data-testid="connector-badge" data-state="ok">{t('syncs.okBadge')}</Badge>}
              </Group>
              <SimpleGrid cols={2} spacing={4} mt="xs">
                {(['pending', 'retrying', 'failed', 'doneLastDay'] as const).map((key) => (
                  <div key={key}>
                    <Text size="xs" c="dimmed" fw={600}>{t(`syncs.counts.${key}`)}</Text>
                    <Text fw={800} fz={22} data-testid={`connector-count-${key}`}>{formatNumber(connector.counts[key])}</Text>
                  </div>
                ))}
              </SimpleGrid>
              <Text size="sm" mt="xs" data-testid="connector-oldest">
                {connector.counts.pending > 0 ? t('syncs.oldestPending', { age: ageText(t, connector.oldestPendingSeconds) }) : t('syncs.nothingWaiting')}
              </Text>
              <Text size="sm" data-testid="connector-deliveries">
                {t('syncs.deliveries', { minute: formatNumber(connector.deliveries.lastMinute), hour: formatNumber(connector.deliveries.lastHour),
                  rate: connector.deliveries.perSecond.toLocaleString(i18n.language) })}
              </Text>
              {connector.pausedInstitutions.length > 0 ? (
                <Alert color="orange" p="xs" mt="xs" data-testid="connector-paused">
                  {t('syncs.paused', { institutions: connector.pausedInstitutions.map((code) => institutionOf(principal, code)?.name ?? code).join(', ') })}
                </Alert>
              ) : null}
              <Button mt="sm" size="xs" variant={connector.id === chosen ? 'filled' : 'default'}
                onClick={() => void navigate(`/office/syncs/${encodeURIComponent(connector.id)}`)} data-testid="connector-open">
                {t('syncs.open')}
              </Button>
            </Card>
          ))}
        </SimpleGrid>
      ) : connectors.loading ? <Loader role="status" aria-label={t('common.loading')} /> : null}
      {chosen && connectors.data && !selected ? <Alert color="gray">{t('syncs.unknown', { id: chosen })}</Alert> : null}
      {selected ? <ConnectorEntries key={`${selected.id}/${subject ?? ''}`} connector={selected} label={label(selected)} isAdmin={isAdmin} tick={tick}
        {...(subject ? { subject } : {})}
        onChanged={() => setTick((value) => value + 1)} /> : null}
    </Stack>
  );
}

/** Who or what an entry is about: a person (a link to their cards) or a webhook endpoint (its URL, a link to the Webhooks tab for admins). */
function EntrySubject({ entry, isAdmin }: { entry: ConnectorEntry; isAdmin: boolean }) {
  const { t } = useTranslation();
  const { subject } = entry;
  if (subject.kind === 'endpoint') {
    if (!subject.endpoint) return <Text size="sm" c="dimmed">{t('syncs.columns.endpointGone')}</Text>;
    const url = <BreakableUrl url={subject.endpoint.url} />;
    return (
      <div data-testid="entry-endpoint">
        {isAdmin ? <Anchor component={Link} to="/office/admin?tab=webhooks" title={t('syncs.columns.endpointLink')}>{url}</Anchor> : url}
        {subject.endpoint.description ? <Text size="xs" c="dimmed">{subject.endpoint.description}</Text> : null}
      </div>
    );
  }
  if (!subject.person) return <Text size="sm" c="dimmed">{t('syncs.columns.holderGone')}</Text>;
  const { firstName, lastName, eppn } = subject.person;
  return (
    <Anchor component={Link} to={`/office/cards?q=${encodeURIComponent(eppn)}`} size="sm" title={t('syncs.columns.holderCards', { name: `${firstName} ${lastName}` })}>
      {lastName.toUpperCase()} {firstName}
    </Anchor>
  );
}

/** Why an entry exists: a connector's reason, or a webhook delivery's event (its label and name as sent). */
function EntryReason({ entry }: { entry: ConnectorEntry }) {
  const { t } = useTranslation();
  if (entry.subject.kind !== 'endpoint') return <>{t(`esc.reasons.${entry.reason}`, { defaultValue: entry.reason })}</>;
  const label = t(`admin.webhooks.eventLabels.${eventKey(entry.reason)}`, { defaultValue: '' });
  return (
    <span data-testid="entry-event">
      {label ? <Text span size="sm">{label} </Text> : null}
      <Code>{entry.reason}</Code>
    </span>
  );
}

/** One connector's entries (optionally of one subject): status filter, newest first, more on demand, replays for admins. */
function ConnectorEntries(props: { connector: ConnectorSummary; label: string; isAdmin: boolean; tick: number; subject?: string; onChanged: () => void }) {
  const { connector, isAdmin, subject } = props;
  const { t } = useTranslation();
  const { principal } = useSession();
  const several = severalInView(principal);
  // Failures first when there are any; otherwise every delivery, so that one sees the connector at
  // work. Chosen once: a replay that empties the failures does not switch the list under the operator.
  const [filter, setFilter] = useState<string>(() => (connector.counts.failed === 0 ? 'all' : 'failed'));
  const status = ENTRY_STATUSES.find((value) => value === filter);
  const [pages, setPages] = useState(1);
  const entries = useApi(async (signal) => {
    // The shown pages are read again on each refresh, so that a replayed entry changes in place.
    const items: ConnectorEntry[] = [];
    let before: number | null | undefined;
    for (let page = 0; page < pages; page++) {
      const answer = await syncOperationsApi.entries(connector.id, {
        limit: PAGE, ...(status ? { status } : {}), ...(subject ? { subject } : {}), ...(before ? { before } : {}),
      }, signal);
      items.push(...answer.items);
      before = answer.nextBeforeId;
      if (before === null) break;
    }
    return { items, more: before !== null && before !== undefined };
  }, [connector.id, filter, subject, pages, props.tick]);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [detailId, setDetailId] = useState<number | null>(null);
  const endpointSubjects = (entries.data?.items ?? []).some((entry) => entry.subject.kind === 'endpoint');
  const firstSubject = entries.data?.items[0]?.subject;
  const subjectName = firstSubject?.kind === 'endpoint' ? firstSubject.endpoint?.url
    : firstSubject?.person ? `${firstSubject.person.lastName.toUpperCase()} ${firstSubject.person.firstName}` : undefined;

  async function run(action: 'replayFailed' | number) {
    setBusy(String(action));
    setError(null);
    setNotice(null);
    try {
      if (action === 'replayFailed') {
        // Filtered on one subject: only its failures, as the button says.
        setNotice(t('syncs.replayedAll', { count: (await syncOperationsApi.replayFailed(connector.id, subject ? { subject } : {})).count }));
      }
      else {
        await syncOperationsApi.replay(connector.id, action);
        setNotice(t('syncs.replayed', { id: action }));
      }
      props.onChanged();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(null);
    }
  }

  return (
    <Stack gap="sm" data-testid="connector-entries-section">
      <Group justify="space-between">
        <Title order={2} size="h3">{t('syncs.entriesOf', { name: props.label })}</Title>
        <Group>
          <SegmentedControl
            size="xs"
            value={filter}
            onChange={(value) => { setFilter(value); setPages(1); }}
            aria-label={t('syncs.filter')}
            data={[...ENTRY_STATUSES, 'all'].map((value) => ({ value, label: t(`syncs.filters.${value}`) }))}
          />
          {isAdmin ? (
            <Button variant="default" size="xs" onClick={() => void run('replayFailed')} loading={busy === 'replayFailed'}
              disabled={connector.counts.failed === 0} data-testid="connector-replay-all" data-subject={subject ?? ''}>
              {t(!subject ? 'syncs.replayAll' : firstSubject?.kind === 'person' ? 'syncs.replaySubjectPerson' : 'syncs.replaySubject')}
            </Button>
          ) : null}
        </Group>
      </Group>
      {subject ? (
        <Alert color="blue" p="xs" data-testid="connector-subject-filter">
          <Group justify="space-between">
            <Text size="sm">{t('syncs.subjectFilter', { name: subjectName ?? subject })}</Text>
            <Anchor component={Link} to={`/office/syncs/${encodeURIComponent(connector.id)}`} size="sm">{t('syncs.subjectFilterClear')}</Anchor>
          </Group>
        </Alert>
      ) : null}
      {notice ? <Alert color="green" role="status">{notice}</Alert> : null}
      <ProblemAlert error={error ?? entries.error} />
      <Table.ScrollContainer minWidth={900}>
        <Table striped verticalSpacing={4} data-testid="connector-entries">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>#</Table.Th>
              {several ? <Table.Th>{t('cards.columns.institution')}</Table.Th> : null}
              <Table.Th>{t(endpointSubjects ? 'syncs.columns.endpoint' : 'syncs.columns.holder')}</Table.Th>
              <Table.Th>{t('syncs.columns.reason')}</Table.Th>
              <Table.Th>{t('syncs.columns.status')}</Table.Th>
              <Table.Th>{t('syncs.columns.attempts')}</Table.Th>
              <Table.Th>{t('syncs.columns.createdAt')}</Table.Th>
              <Table.Th>{t('syncs.columns.errorCode')}</Table.Th>
              <Table.Th>{t('syncs.columns.errorMessage')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(entries.data?.items ?? []).map((entry) => (
              <Table.Tr key={entry.id} data-testid="connector-entry" data-status={entry.status} data-entry-id={entry.id} style={{ cursor: 'pointer' }}
                onClick={(event) => {
                  // The holder link and the replay button keep their own action.
                  if (!(event.target as HTMLElement).closest('a, button')) setDetailId(entry.id);
                }}>
                <Table.Td>
                  <Anchor component="button" type="button" size="sm" onClick={() => setDetailId(entry.id)} aria-label={t('syncs.detail.open', { id: entry.id })}
                    data-testid="connector-entry-open">{entry.id}</Anchor>
                </Table.Td>
                {several ? <Table.Td>{institutionOf(principal, entry.institution)?.name ?? entry.institution}</Table.Td> : null}
                <Table.Td data-testid="connector-entry-holder"><EntrySubject entry={entry} isAdmin={isAdmin} /></Table.Td>
                <Table.Td>
                  <EntryReason entry={entry} />
                  {entry.subject.kind === 'endpoint' && entry.target.eventId
                    ? <Text size="xs" c="dimmed" data-testid="connector-entry-event-id">{t('syncs.eventId', { id: entry.target.eventId })}</Text> : null}
                </Table.Td>
                <Table.Td><Badge color={STATUS_COLORS[entry.status] ?? '#495057'}>{t(`syncs.status.${entry.status}`)}</Badge></Table.Td>
                <Table.Td>{entry.attempts}</Table.Td>
                <Table.Td>{formatDateTime(entry.createdAt)}</Table.Td>
                <Table.Td fz="xs" ff="monospace" data-testid="connector-entry-error-code">
                  {entry.lastError ? `${entry.lastError.code}${entry.lastError.remoteStatus ? ` (HTTP ${entry.lastError.remoteStatus})` : ''}` : ''}
                </Table.Td>
                <Table.Td fz="xs" data-testid="connector-entry-error-message">{entry.lastError && !statusOnly(entry.lastError) ? entry.lastError.message : ''}</Table.Td>
                <Table.Td>
                  {isAdmin && replayAction(entry) ? (
                    <Button size="xs" variant="outline" loading={busy === String(entry.id)} onClick={() => void run(entry.id)}
                      aria-label={t(replayAction(entry) === 'replay' ? 'syncs.replayEntry' : 'syncs.retryNowEntry', { id: entry.id })}
                      data-testid="connector-entry-replay" data-action={replayAction(entry)}>{t(replayAction(entry) === 'replay' ? 'syncs.replay' : 'syncs.retryNow')}</Button>
                  ) : null}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {entries.data && entries.data.items.length === 0 ? <Text c="dimmed" size="sm">{t(filter === 'failed' ? 'syncs.noFailures' : 'syncs.noEntries')}</Text> : null}
      <Drawer opened={detailId !== null} onClose={() => setDetailId(null)} position="right" size="lg" closeButtonProps={{ 'aria-label': t('common.close') }}
        title={detailId !== null ? t('syncs.detail.title', { id: detailId }) : ''}>
        {detailId !== null ? (
          <EntryDetail connector={connector.id} label={props.label} entryId={detailId} tick={props.tick} isAdmin={isAdmin}
            replaying={busy === String(detailId)} onReplay={() => void run(detailId)} />
        ) : null}
      </Drawer>
      {entries.data?.more ? (
        <Button variant="subtle" size="xs" onClick={() => setPages((value) => value + 1)} data-testid="connector-more">{t('syncs.more')}</Button>
      ) : null}
    </Stack>
  );
}

/** A label and its value, one line of the entry's detail. */
function Field({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed" fw={600}>{label}</Text>
      <Text size="sm" component="div" data-testid={testId}>{children}</Text>
    </div>
  );
}

/**
 * One entry in full (the drawer of a row): who and what it is about, its delivery (attempts, next
 * attempt), the remote system's last error with its meaning and HTTP status, what the remote side
 * answered, its replay, and « Rejouer » for an admin when it failed (« Réessayer maintenant » when it
 * is being retried). Read again on every refresh.
 */
function EntryDetail({ connector, label, entryId, tick, isAdmin, replaying, onReplay }: {
  connector: string; label: string; entryId: number; tick: number; isAdmin: boolean; replaying: boolean; onReplay: () => void;
}) {
  const { t } = useTranslation();
  const { principal } = useSession();
  const entry = useApi((signal) => syncOperationsApi.entry(connector, entryId, signal), [connector, entryId, tick]);
  if (entry.error) return <ProblemAlert error={entry.error} />;
  const data = entry.data;
  if (!data) return <Loader role="status" aria-label={t('common.loading')} />;
  const none = t('syncs.detail.none');
  return (
    <Stack gap="sm" data-testid="connector-entry-detail" data-entry-id={data.id}>
      <SimpleGrid cols={2} spacing="sm">
        <Field label={t('syncs.detail.connector')} testId="detail-connector">{label}</Field>
        <Field label={t('syncs.detail.institution')} testId="detail-institution">{institutionOf(principal, data.institution)?.name ?? data.institution}</Field>
        {data.subject.kind === 'endpoint' ? (
          <Field label={t('syncs.detail.endpoint')} testId="detail-endpoint"><EntrySubject entry={data} isAdmin={isAdmin} /></Field>
        ) : (
          <Field label={t('syncs.detail.person')} testId="detail-person"><EntrySubject entry={data} isAdmin={isAdmin} /></Field>
        )}
        <Field label={t('syncs.detail.operation')} testId="detail-operation"><OperationLabel operation={data.operation} /></Field>
        <Field label={t('syncs.detail.reason')} testId="detail-reason"><EntryReason entry={data} /></Field>
        {data.subject.kind === 'endpoint' && data.target.eventId ? (
          <Field label={t('syncs.detail.event')} testId="detail-event-id">{t('syncs.eventId', { id: data.target.eventId })}</Field>
        ) : null}
        <Field label={t('syncs.detail.status')} testId="detail-status">
          <Badge color={STATUS_COLORS[data.status] ?? '#495057'}>{t(`syncs.status.${data.status}`)}</Badge>
        </Field>
        <Field label={t('syncs.detail.attempts')} testId="detail-attempts">{data.attempts}</Field>
        <Field label={t('syncs.detail.nextAttempt')} testId="detail-next-attempt">
          {data.status === 'pending' && data.nextAttemptAt ? formatDateTime(data.nextAttemptAt) : none}
        </Field>
        <Field label={t('syncs.detail.createdAt')}>{formatDateTime(data.createdAt)}</Field>
        <Field label={t('syncs.detail.doneAt')}>{data.doneAt ? formatDateTime(data.doneAt) : none}</Field>
      </SimpleGrid>
      {data.lastError ? (
        <Alert color={data.status === 'failed' ? 'red' : 'orange'} title={t('syncs.detail.lastError')} data-testid="detail-error">
          <Stack gap={4}>
            <Text size="sm" ff="monospace" data-testid="detail-error-code">{data.lastError.code}</Text>
            <Field label={t('syncs.detail.errorMeaning')} testId="detail-error-meaning">
              {t(`syncs.errorCodes.${data.lastError.code}`, { defaultValue: data.lastError.message })}
            </Field>
            {/* The remote system's own words too, when the meaning above is ours and they say more than the status below. */}
            {t(`syncs.errorCodes.${data.lastError.code}`, { defaultValue: '' }) && !statusOnly(data.lastError)
              ? <Text size="xs" c="dimmed" data-testid="detail-error-message">{data.lastError.message}</Text> : null}
            <Field label={t('syncs.detail.remoteStatus')} testId="detail-remote-status">
              {data.lastError.remoteStatus === null ? none : `HTTP ${data.lastError.remoteStatus}`}
            </Field>
          </Stack>
        </Alert>
      ) : null}
      {data.supersededBy !== null ? <Text size="sm">{t('syncs.detail.supersededBy', { id: data.supersededBy })}</Text> : null}
      <Field label={t('syncs.detail.result')} testId="detail-result">
        {data.result ? <EntryResult result={data.result} /> : none}
      </Field>
      <Field label={t('syncs.detail.replay')} testId="detail-replay">
        {data.replayedAt && data.replayedBy
          ? t('syncs.detail.replayed', { date: formatDateTime(data.replayedAt), by: actorLabel(data.replayedBy, data.replayedByName, t) })
          : t('syncs.detail.notReplayed')}
      </Field>
      {isAdmin && replayAction(data) ? (
        <Group>
          <Button loading={replaying} onClick={onReplay} data-testid="detail-replay-button" data-action={replayAction(data)}>
            {t(replayAction(data) === 'replay' ? 'syncs.replay' : 'syncs.retryNow')}
          </Button>
        </Group>
      ) : null}
    </Stack>
  );
}

/** Whether an error's message is only its HTTP status (« HTTP 500 »), which the status field shows already. */
function statusOnly(error: { message: string; remoteStatus: number | null }): boolean {
  return error.remoteStatus !== null && error.message.trim() === `HTTP ${error.remoteStatus}`;
}

/** What the remote side was asked, as readable lines; the raw JSON behind « Détails techniques ». */
function EntryResult({ result }: { result: Record<string, unknown> }) {
  const { t } = useTranslation();
  const [raw, setRaw] = useState(false);
  const lines = callLines(t, result);
  return (
    <Stack gap={4}>
      {lines === null ? null : lines.length === 0 ? <Text size="sm" c="dimmed">{t('syncs.detail.noCall')}</Text> : (
        <List size="sm" data-testid="detail-result-calls">
          {lines.map((line, index) => <List.Item key={index}>{line}</List.Item>)}
        </List>
      )}
      <Anchor component="button" type="button" size="xs" onClick={() => setRaw((value) => !value)} aria-expanded={raw} data-testid="detail-result-toggle">
        {t('syncs.detail.technical')}
      </Anchor>
      {raw || lines === null ? <Code block data-testid="detail-result-raw">{JSON.stringify(result, null, 2)}</Code> : null}
    </Stack>
  );
}
