import {
  Alert, Anchor, Badge, Button, Checkbox, Code, CopyButton, Group, Paper, Select, SimpleGrid, Stack, Table, Text, TextInput, Title,
} from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import {
  webhooksApi, type WebhookCatalogue, type WebhookEndpoint, type WebhookTestOutcome,
} from '../api/webhooks.api.ts';
import { BreakableUrl } from '../shared/breakable-url.component.tsx';
import { formatDateTime } from '../shared/format.ts';
import { fieldError, isAboutFields } from '../shared/problem-messages.ts';
import { ProblemAlert } from '../shared/problem-alert.component.tsx';
import { useApi } from '../shared/use-api.hook.ts';
import { useInstitutionList } from '../shared/use-institution.hook.ts';

type Status = WebhookEndpoint['status'];
const STATUSES: readonly Status[] = ['active', 'paused', 'disabled'];
const STATUS_COLORS: Record<Status, string> = { active: 'green', paused: 'yellow', disabled: 'gray' };
/** The select's value for "the whole deployment" (the API's null). */
const WHOLE_DEPLOYMENT = '*';
const FORM_FIELDS = ['/url', '/events', '/grants', '/institution', '/description'];

/** i18n key of an event name (`card.enabled` → `card_enabled`: i18next reads dots as nesting). */
const eventKey = (name: string) => name.replace('.', '_');

interface Draft {
  institution: string;
  url: string;
  description: string;
  events: string[];
  grants: string[];
  status: Status;
}

const EMPTY: Draft = { institution: '', url: '', description: '', events: [], grants: [], status: 'active' };

/**
 * Webhook endpoints: the systems that receive campuscard's events, signed (Standard Webhooks).
 * Lists them with their events, granted personal data and state; registers and edits them (events
 * by group, a group's wildcard ticking every event of it, today's and future ones); shows a new
 * secret once (at creation and rotation) with a copy button; sends a test event and shows how
 * the receiver answered. Each endpoint shows its deliveries (waiting, failed, the last one
 * received) with a link to them on the « Synchronisations » page.
 */
export function WebhooksPanel() {
  const { t } = useTranslation();
  const endpoints = useApi((signal) => webhooksApi.list(signal).then((answer) => answer.items), []);
  const catalogue = useApi((signal) => webhooksApi.catalogue(signal), []);
  const institutions = useInstitutionList() ?? [];
  const [editing, setEditing] = useState<WebhookEndpoint | 'new' | null>(null);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [error, setError] = useState<unknown>(null);
  const [secret, setSecret] = useState<{ url: string; value: string } | null>(null);
  const [tests, setTests] = useState<Record<string, WebhookTestOutcome | 'pending'>>({});
  const [institutionMissing, setInstitutionMissing] = useState(false);

  const institutionName = (code: string | null) => (code === null ? t('admin.webhooks.wholeDeployment')
    : institutions.find((institution) => institution.code === code)?.name ?? code);

  function open(endpoint: WebhookEndpoint | 'new') {
    setError(null);
    setInstitutionMissing(false);
    setEditing(endpoint);
    setDraft(endpoint === 'new' ? EMPTY : {
      institution: endpoint.institution ?? WHOLE_DEPLOYMENT, url: endpoint.url, description: endpoint.description,
      events: endpoint.events, grants: endpoint.grants, status: endpoint.status,
    });
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    if (editing === null) return;
    setError(null);
    // The API would default to the focused institution or the whole deployment: the console asks, so nobody is surprised.
    const mustChoose = editing === 'new' && institutions.length > 0 && !draft.institution;
    setInstitutionMissing(mustChoose);
    if (mustChoose) return;
    try {
      if (editing === 'new') {
        const created = await webhooksApi.create({
          url: draft.url.trim(), description: draft.description, events: draft.events, grants: draft.grants, status: draft.status,
          ...(draft.institution ? { institution: draft.institution === WHOLE_DEPLOYMENT ? null : draft.institution } : {}),
        });
        setSecret({ url: created.endpoint.url, value: created.secret });
      } else {
        await webhooksApi.update(editing.id, { url: draft.url.trim(), description: draft.description, events: draft.events, grants: draft.grants, status: draft.status });
      }
      setEditing(null);
      endpoints.reload();
    } catch (failure) {
      setError(failure);
    }
  }

  async function rotate(endpoint: WebhookEndpoint) {
    if (!window.confirm(t('admin.webhooks.confirmRotate', { url: endpoint.url }))) return;
    setError(null);
    try {
      const rotated = await webhooksApi.rotateSecret(endpoint.id);
      setSecret({ url: rotated.endpoint.url, value: rotated.secret });
      endpoints.reload();
    } catch (failure) {
      setError(failure);
    }
  }

  async function remove(endpoint: WebhookEndpoint) {
    if (!window.confirm(t('admin.webhooks.confirmDelete', { url: endpoint.url }))) return;
    setError(null);
    try {
      await webhooksApi.remove(endpoint.id);
      if (editing !== null && editing !== 'new' && editing.id === endpoint.id) setEditing(null);
      endpoints.reload();
    } catch (failure) {
      setError(failure);
    }
  }

  async function test(endpoint: WebhookEndpoint) {
    setTests((current) => ({ ...current, [endpoint.id]: 'pending' }));
    try {
      const outcome = await webhooksApi.test(endpoint.id);
      setTests((current) => ({ ...current, [endpoint.id]: outcome }));
    } catch (failure) {
      setTests((current) => Object.fromEntries(Object.entries(current).filter(([id]) => id !== endpoint.id)));
      setError(failure);
    }
  }

  return (
    <Stack>
      <Group justify="space-between">
        <Text size="sm" c="dimmed" maw={720}>{t('admin.webhooks.intro')}</Text>
        <Button onClick={() => open('new')} disabled={catalogue.data?.canStoreSecrets === false} data-testid="webhook-new">{t('admin.webhooks.create')}</Button>
      </Group>
      {catalogue.data?.canStoreSecrets === false ? (
        <Alert color="yellow" data-testid="webhooks-no-key">{t('admin.webhooks.noKey')}</Alert>
      ) : null}
      {secret ? (
        <Alert color="orange" title={t('admin.webhooks.secretTitle')} withCloseButton onClose={() => setSecret(null)} data-testid="webhook-secret-alert">
          <Text size="sm">{t('admin.webhooks.secretHelp', { url: secret.url })}</Text>
          <Group mt={4}>
            <Code data-testid="webhook-secret">{secret.value}</Code>
            <CopyButton value={secret.value}>
              {({ copied, copy }) => <Button size="xs" variant="default" onClick={copy}>{copied ? t('admin.webhooks.copied') : t('admin.webhooks.copy')}</Button>}
            </CopyButton>
          </Group>
        </Alert>
      ) : null}
      {editing !== null ? (
        <Paper withBorder p="md" data-testid="webhook-form">
          <Title order={2} size="h4" mb="sm">{editing === 'new' ? t('admin.webhooks.create') : t('admin.webhooks.edit')}</Title>
          <form onSubmit={(event) => void save(event)}>
            <Stack>
              <SimpleGrid cols={{ base: 1, sm: 2 }}>
                <TextInput label={t('admin.webhooks.url')} description={t('admin.webhooks.urlHelp')} value={draft.url} required
                  onChange={(event) => { const url = event.currentTarget.value; setDraft((current) => ({ ...current, url })); }}
                  error={fieldError(t, error, '/url')} data-testid="webhook-url" />
                <TextInput label={t('admin.webhooks.description')} value={draft.description} maxLength={500}
                  onChange={(event) => { const description = event.currentTarget.value; setDraft((current) => ({ ...current, description })); }}
                  error={fieldError(t, error, '/description')} />
                {editing === 'new' && institutions.length > 0 ? (
                  <Select label={t('admin.webhooks.institution')} description={t('admin.webhooks.institutionHelp')} required
                    placeholder={t('admin.webhooks.institutionChoose')} value={draft.institution || null}
                    data={[...institutions.map((institution) => ({ value: institution.code, label: institution.name })),
                      { value: WHOLE_DEPLOYMENT, label: t('admin.webhooks.wholeDeployment') }]}
                    onChange={(value) => setDraft((current) => ({ ...current, institution: value ?? '' }))}
                    error={institutionMissing ? t('admin.webhooks.institutionRequired') : fieldError(t, error, '/institution')} data-testid="webhook-institution" />
                ) : null}
                <Select label={t('admin.webhooks.status')} allowDeselect={false} value={draft.status}
                  data={STATUSES.map((value) => ({ value, label: t(`admin.webhooks.statuses.${value}`) }))}
                  onChange={(value) => value && setDraft((current) => ({ ...current, status: value as Status }))} data-testid="webhook-status" />
              </SimpleGrid>
              <EventChoice catalogue={catalogue.data} value={draft.events} onChange={(events) => setDraft((current) => ({ ...current, events }))}
                error={fieldError(t, error, '/events')} />
              <Checkbox.Group label={t('admin.webhooks.grants')} description={t('admin.webhooks.grantsHelp')} value={draft.grants}
                onChange={(grants) => setDraft((current) => ({ ...current, grants }))} error={fieldError(t, error, '/grants')}>
                <Group mt={4}>
                  {(catalogue.data?.grants ?? []).map((grant) => (
                    <Checkbox key={grant} value={grant} label={t(`admin.webhooks.grantLabels.${grant}`, { defaultValue: grant })} data-testid={`webhook-grant-${grant}`} />
                  ))}
                </Group>
              </Checkbox.Group>
              {error && !isAboutFields(error, FORM_FIELDS) ? <ProblemAlert error={error} /> : null}
              <Group>
                <Button type="submit" data-testid="webhook-save">{editing === 'new' ? t('admin.webhooks.createButton') : t('admin.webhooks.save')}</Button>
                <Button variant="default" onClick={() => { setEditing(null); setError(null); }}>{t('admin.webhooks.cancel')}</Button>
              </Group>
            </Stack>
          </form>
        </Paper>
      ) : null}
      {editing === null ? <ProblemAlert error={error ?? endpoints.error ?? catalogue.error} /> : null}
      {endpoints.data && endpoints.data.length === 0 ? <Text c="dimmed" data-testid="webhooks-empty">{t('admin.webhooks.empty')}</Text> : null}
      {endpoints.data && endpoints.data.length > 0 ? (
        <Table striped data-testid="webhooks-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th style={{ minWidth: '12rem' }}>{t('admin.webhooks.url')}</Table.Th>
              {institutions.length > 0 ? <Table.Th>{t('admin.webhooks.institution')}</Table.Th> : null}
              <Table.Th>{t('admin.webhooks.events')}</Table.Th>
              <Table.Th>{t('admin.webhooks.grants')}</Table.Th>
              <Table.Th>{t('admin.webhooks.status')}</Table.Th>
              <Table.Th style={{ minWidth: '15rem' }}>{t('admin.webhooks.deliveries')}</Table.Th>
              <Table.Th>{t('admin.webhooks.secret')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {endpoints.data.map((endpoint) => {
              const outcome = tests[endpoint.id];
              return (
                <Table.Tr key={endpoint.id} data-testid="webhook-row">
                  <Table.Td>
                    <BreakableUrl url={endpoint.url} testId="webhook-url-text" />
                    {endpoint.description ? <Text size="xs" c="dimmed">{endpoint.description}</Text> : null}
                  </Table.Td>
                  {institutions.length > 0 ? <Table.Td>{institutionName(endpoint.institution)}</Table.Td> : null}
                  <Table.Td>
                    <Group gap={4}>
                      {endpoint.events.map((name) => (
                        <Badge key={name} variant="light" size="sm" tt="none">
                          {name.endsWith('.*') ? t('admin.webhooks.groupAll', { group: t(`admin.webhooks.groups.${name.slice(0, -2)}`, { defaultValue: name }) })
                            : t(`admin.webhooks.eventLabels.${eventKey(name)}`, { defaultValue: name })}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    {endpoint.grants.length === 0 ? <Text size="sm" c="dimmed">{t('admin.webhooks.noGrants')}</Text>
                      : endpoint.grants.map((grant) => t(`admin.webhooks.grantLabels.${grant}`, { defaultValue: grant })).join(', ')}
                  </Table.Td>
                  <Table.Td>
                    <Badge color={STATUS_COLORS[endpoint.status]} data-testid="webhook-status-badge">{t(`admin.webhooks.statuses.${endpoint.status}`)}</Badge>
                    {endpoint.statusReason ? <Text size="xs" c="dimmed">{endpoint.statusReason}</Text> : null}
                  </Table.Td>
                  <Table.Td data-testid="webhook-deliveries">
                    <Text size="sm" data-testid="webhook-deliveries-pending">{t('admin.webhooks.deliveriesPending', { count: endpoint.deliveries.pending })}</Text>
                    <Text size="sm" c={endpoint.deliveries.failed > 0 ? '#a61e1e' : undefined} fw={endpoint.deliveries.failed > 0 ? 700 : undefined}
                      data-testid="webhook-deliveries-failed">{t('admin.webhooks.deliveriesFailed', { count: endpoint.deliveries.failed })}</Text>
                    {endpoint.deliveries.retry ? <RetryFigures retry={endpoint.deliveries.retry} /> : null}
                    <Text size="xs" c="dimmed" data-testid="webhook-deliveries-last">
                      {endpoint.deliveries.lastDeliveredAt
                        ? t('admin.webhooks.lastDelivered', { date: formatDateTime(endpoint.deliveries.lastDeliveredAt) }) : t('admin.webhooks.neverDelivered')}
                    </Text>
                    <Anchor component={Link} to={`/office/syncs/webhooks?subject=${encodeURIComponent(endpoint.id)}`} size="xs"
                      data-testid="webhook-deliveries-link">{t('admin.webhooks.deliveriesLink')}</Anchor>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" ff="monospace" data-testid="webhook-secret-hint">…{endpoint.secretHint}</Text>
                    {endpoint.previousSecret ? (
                      <Text size="xs" c="dimmed">{t('admin.webhooks.previousSecret', { hint: endpoint.previousSecret.hint, until: formatDateTime(endpoint.previousSecret.expiresAt) })}</Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      <Button size="xs" variant="default" onClick={() => open(endpoint)} data-testid="webhook-edit">{t('admin.webhooks.edit')}</Button>
                      <Button size="xs" variant="default" loading={outcome === 'pending'} onClick={() => void test(endpoint)} data-testid="webhook-test">{t('admin.webhooks.test')}</Button>
                      <Button size="xs" variant="default" onClick={() => void rotate(endpoint)} data-testid="webhook-rotate">{t('admin.webhooks.rotate')}</Button>
                      <Button size="xs" color="red" variant="outline" onClick={() => void remove(endpoint)} data-testid="webhook-delete">{t('admin.webhooks.delete')}</Button>
                    </Group>
                    {outcome && outcome !== 'pending' ? <TestResult outcome={outcome} /> : null}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      ) : null}
    </Stack>
  );
}

/** How the receiver answered the test event. */
function TestResult({ outcome }: { outcome: WebhookTestOutcome }) {
  const { t } = useTranslation();
  const color = outcome.result === 'ok' ? 'green' : outcome.result === 'retryable' ? 'orange' : 'red';
  return (
    <Text size="xs" c={color} mt={4} data-testid="webhook-test-result">
      {outcome.status === null
        ? t('admin.webhooks.testNoAnswer', { message: outcome.message })
        : t(`admin.webhooks.testResult.${outcome.result}`, { status: outcome.status, ms: outcome.durationMs })}
    </Text>
  );
}

/**
 * The events, by group: ticking a group's « every event » subscribes to its wildcard (`card.*`,
 * so events added to the catalogue later come too) and stands for each of its events.
 */
function EventChoice({ catalogue, value, onChange, error }: {
  catalogue: WebhookCatalogue | undefined; value: string[]; onChange: (events: string[]) => void; error: string | undefined;
}) {
  const { t } = useTranslation();
  if (!catalogue) return null;
  const toggle = (name: string, on: boolean) => onChange(on ? [...value.filter((item) => item !== name), name] : value.filter((item) => item !== name));
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500}>{t('admin.webhooks.events')}</Text>
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        {catalogue.groups.map(({ group, events }) => {
          const wildcard = `${group}.*`;
          const all = value.includes(wildcard);
          return (
            <Paper key={group} withBorder p="xs" data-testid={`webhook-group-${group}`}>
              <Text size="sm" fw={600}>{t(`admin.webhooks.groups.${group}`, { defaultValue: group })}</Text>
              <Checkbox mt={4} label={t('admin.webhooks.everyEvent')} checked={all}
                onChange={(event) => {
                  const on = event.currentTarget.checked;
                  // The wildcard replaces the group's single events (it covers them).
                  const others = value.filter((item) => item !== wildcard && !item.startsWith(`${group}.`));
                  onChange(on ? [...others, wildcard] : others);
                }} data-testid={`webhook-event-${wildcard}`} />
              {events.map((event) => (
                <Checkbox key={event.name} mt={4} ml="md" disabled={all} checked={all || value.includes(event.name)}
                  label={t(`admin.webhooks.eventLabels.${eventKey(event.name)}`, { defaultValue: event.name })} title={event.description}
                  onChange={(change) => toggle(event.name, change.currentTarget.checked)} data-testid={`webhook-event-${event.name}`} />
              ))}
            </Paper>
          );
        })}
      </SimpleGrid>
      {error ? <Text size="xs" c="red">{error}</Text> : null}
    </Stack>
  );
}

/**
 * A receiver failing the oldest waiting delivery (the later ones wait behind it): its last error in
 * words with the HTTP status, and when it is tried again, so that a receiver answering 500 does not look healthy.
 */
function RetryFigures({ retry }: { retry: NonNullable<WebhookEndpoint['deliveries']['retry']> }) {
  const { t } = useTranslation();
  const { code, message, remoteStatus } = retry.lastError;
  const meaning = code ? t(`syncs.errorCodes.${code}`, { defaultValue: message ?? code }) : message ?? '';
  return (
    <div data-testid="webhook-deliveries-retry">
      <Text size="xs" c="#b35900" fw={700} data-testid="webhook-deliveries-next">
        {t('admin.webhooks.retrying', { date: formatDateTime(retry.nextAttemptAt), count: retry.attempts })}
      </Text>
      <Text size="xs" c="#b35900" data-testid="webhook-deliveries-error">
        {remoteStatus === null ? t('admin.webhooks.lastError', { meaning }) : t('admin.webhooks.lastErrorStatus', { meaning, status: remoteStatus })}
      </Text>
    </div>
  );
}
