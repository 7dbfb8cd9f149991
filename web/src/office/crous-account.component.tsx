import { Alert, Badge, Button, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { crousAccountApi, type CrousHistoryEntry, type CrousLiveInstitution } from '../api/crous-account.api.ts';
import { formatDate, formatDateTime } from '../shared/format.ts';
import { ProblemAlert } from '../shared/problem-alert.component.tsx';
import { useApi } from '../shared/use-api.hook.ts';

type CardAtCrous = CrousLiveInstitution['cards'][number];
type LiveError = NonNullable<CrousLiveInstitution['error']>;

const CARD_COLORS: Record<CardAtCrous['status'], string> = { active: 'green', cancelled: 'gray', not_found: 'orange', not_read: 'gray', error: 'red' };
const ENTRY_COLORS: Record<CrousHistoryEntry['status'], string> = { done: 'green', pending: 'blue', failed: 'red' };

function Field({ label, children, testId }: { label: string; children: React.ReactNode; testId?: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed" fw={700} tt="uppercase">{label}</Text>
      <Text size="sm" component="div" data-testid={testId}>{children}</Text>
    </div>
  );
}

/** A CROUS failure: what it means in the reader's language when the CROUS's code is known, else its own message. */
function CrousError({ error }: { error: LiveError }) {
  const { t, i18n } = useTranslation();
  const meaning = error.meaning ? (i18n.resolvedLanguage === 'en' ? error.meaning.en : error.meaning.fr) : null;
  return (
    <Alert color="red" variant="light" p="xs" data-testid="crous-error" data-code={error.code}>
      <Text size="sm" fw={700}>{t(`crousAccount.errors.${error.code}`, { defaultValue: t('crousAccount.errors.other', { code: error.code }) })}</Text>
      <Text size="sm">{meaning ?? error.message}{error.remoteStatus ? ` (HTTP ${error.remoteStatus}${error.crousCode ? ` ${error.crousCode}` : ''})` : ''}</Text>
    </Alert>
  );
}

/** One institution's view: why the CROUS was not asked, or the account and the cards as it answered, and when. */
function InstitutionAtCrous({ view, showInstitution, cardId }: { view: CrousLiveInstitution; showInstitution: boolean; cardId: string | undefined }) {
  const { t } = useTranslation();
  const { account } = view;
  return (
    <Stack gap="xs" data-testid="crous-institution" data-status={view.status}>
      {showInstitution ? <Text fw={700} size="sm">{view.institutionName}</Text> : null}
      {view.problem ? (
        <Alert color={view.status === 'no_consent' ? 'yellow' : 'gray'} variant="light" p="xs" data-testid="crous-problem">
          {t(`crousAccount.status.${view.status}`)}
        </Alert>
      ) : null}
      {view.syncPending ? <Alert color="blue" variant="light" p="xs" data-testid="crous-sync-pending">{t('crousAccount.syncPending')}</Alert> : null}
      {/* A 404 is a difference only when campuscard wants an account there (a card sent or to send); before that it is just not yet. */}
      {view.status === 'not_found' ? (
        view.accountExpected
          ? <Alert color="orange" variant="light" p="xs" data-testid="crous-not-found">{t('crousAccount.status.not_found')}</Alert>
          : <Text size="sm" c="dimmed" data-testid="crous-account-not-yet">{t('crousAccount.accountNotYet')}</Text>
      ) : null}
      {view.error ? <CrousError error={view.error} /> : null}
      {account ? (
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <Field label={t('crousAccount.accountStatus')} testId="crous-account-status">
            {account.accountStatus ? t(`crousAccount.accountStatuses.${account.accountStatus}`, { defaultValue: account.accountStatus }) : t('common.none')}
          </Field>
          <Field label={t('crousAccount.blocking')} testId="crous-blocking">
            <Badge color={account.blocked ? 'red' : 'green'} variant="light">
              {account.blocked ? t(`crousAccount.blockingStatuses.${account.blockingStatus ?? 'other'}`, { defaultValue: account.blockingStatus ?? '' }) : t('crousAccount.notBlocked')}
            </Badge>
          </Field>
          <Field label={t('crousAccount.tariff')} testId="crous-tariff">
            {t('crousAccount.tariffValue', { company: account.idCompanyRate, rate: account.idRate })}
          </Field>
          <Field label={t('crousAccount.dueDate')} testId="crous-due-date">{formatDate(account.dueDate)}</Field>
          <Field label={t('crousAccount.identifier')} testId="crous-identifier"><Text span ff="monospace" size="sm">{account.identifier}</Text></Field>
        </SimpleGrid>
      ) : null}
      {view.cards.length > 0 ? (
        <Table fz="sm" data-testid="crous-cards">
          <Table.Thead>
            <Table.Tr><Table.Th>{t('crousAccount.idZdc')}</Table.Th><Table.Th>{t('crousAccount.cardStatus')}</Table.Th><Table.Th>{t('crousAccount.cancelled')}</Table.Th></Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {view.cards.map((card) => (
              <Table.Tr key={card.idZdc} fw={card.cardId === cardId ? 700 : undefined} data-testid="crous-card" data-status={card.status}>
                <Table.Td ff="monospace">{card.idZdc}</Table.Td>
                <Table.Td>
                  <Badge color={CARD_COLORS[card.status]} variant="light">{t(`crousAccount.cardStatuses.${card.status}`)}</Badge>
                  {card.expected !== 'untracked' && card.status !== 'not_read' && card.status !== 'error' && (card.expected === 'active') !== (card.status === 'active') ? (
                    <Text span size="xs" c="orange" ml="xs" data-testid="crous-card-drift">{t(`crousAccount.expected.${card.expected}`)}</Text>
                  ) : null}
                  {card.error ? <CrousError error={card.error} /> : null}
                </Table.Td>
                <Table.Td>{card.cancelDate ? `${formatDateTime(card.cancelDate)}${card.cancelReason ? ` · ${t(`crousAccount.reasons.${card.cancelReason}`, { defaultValue: card.cancelReason })}` : ''}` : '—'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
      {cardId !== undefined && view.account && view.cards.length === 0 ? <Text size="sm" c="dimmed" data-testid="crous-card-unsent">{t('crousAccount.cardNotSent')}</Text> : null}
      {view.readAt ? (
        <Text size="xs" c="dimmed" data-testid="crous-read-at" data-cached={view.cached}>
          {t(view.cached ? 'crousAccount.readCached' : 'crousAccount.readLive', { date: formatDateTime(view.readAt) })}
        </Text>
      ) : null}
    </Stack>
  );
}

/** The person's last sync entries with the CROUS: when, what, how it went, and the error's meaning. */
function CrousHistory({ entries }: { entries: CrousHistoryEntry[] }) {
  const { t } = useTranslation();
  if (entries.length === 0) return <Text size="sm" c="dimmed">{t('crousAccount.noHistory')}</Text>;
  return (
    <Table.ScrollContainer minWidth={520}>
      <Table fz="xs" striped data-testid="crous-history">
        <Table.Thead>
          <Table.Tr><Table.Th>{t('crousAccount.at')}</Table.Th><Table.Th>{t('crousAccount.operation')}</Table.Th><Table.Th>{t('crousAccount.entryStatus')}</Table.Th><Table.Th>{t('crousAccount.lastError')}</Table.Th></Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {entries.map((entry) => (
            <Table.Tr key={entry.id} data-testid="crous-history-entry" data-status={entry.status}>
              <Table.Td>{formatDateTime(entry.doneAt ?? entry.createdAt)}</Table.Td>
              <Table.Td>
                {t(`crousAccount.reasonsOfEntries.${entry.reason}`, { defaultValue: entry.reason })}
                {entry.operations.length > 0 ? <Text span size="xs" c="dimmed" ff="monospace"> {entry.operations.join(', ')}</Text> : null}
              </Table.Td>
              <Table.Td><Badge size="xs" color={ENTRY_COLORS[entry.status]} variant="light">{t(`crousAccount.entryStatuses.${entry.status}`)}</Badge></Table.Td>
              <Table.Td>
                {entry.lastError ? (
                  <span title={entry.lastError.message}>
                    <Text span ff="monospace" size="xs">{entry.lastError.code}</Text>
                    {' · '}{t(`crousAccount.errors.${entry.lastError.code}`, { defaultValue: t(`syncs.errorCodes.${entry.lastError.code}`, { defaultValue: entry.lastError.message }) })}
                  </span>
                ) : '—'}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/**
 * The « CROUS / Izly » section of the card office's card and person pages: the account at the
 * CROUS (status, blocking, tariff, due date) and the card(s) there, read live by the server with
 * a 30-second cache (« Relire » asks the CROUS again), then the person's last sync entries.
 * With `cardId`, that card and its institution only; else every institution the reader sees the
 * person at.
 */
export function CrousAccountSection({ personId, cardId }: { personId: string; cardId?: string }) {
  const { t } = useTranslation();
  const [rereads, setRereads] = useState(0);
  const state = useApi(async (signal) => {
    const refresh = rereads > 0;
    if (cardId) {
      const found = await crousAccountApi.card(cardId, refresh, signal);
      return { institutions: [found.crous], history: found.history };
    }
    const found = await crousAccountApi.person(personId, refresh, signal);
    return { institutions: found.institutions, history: found.history };
  }, [personId, cardId, rereads]);
  return (
    <Paper withBorder p="md" data-testid="crous-account">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4">{t('crousAccount.title')}</Title>
        <Button size="xs" variant="default" loading={state.loading} onClick={() => setRereads((n) => n + 1)} data-testid="crous-reread">
          {t('crousAccount.reread')}
        </Button>
      </Group>
      {state.error ? <ProblemAlert error={state.error} /> : null}
      {state.data ? (
        <Stack gap="md">
          {state.data.institutions.length === 0 ? <Text size="sm" c="dimmed">{t('crousAccount.noInstitution')}</Text> : null}
          {state.data.institutions.map((view) => (
            <InstitutionAtCrous key={view.institution} view={view} showInstitution={state.data !== undefined && state.data.institutions.length > 1} cardId={cardId} />
          ))}
          <div>
            <Text size="xs" c="dimmed" fw={700} tt="uppercase" mb={4}>{t('crousAccount.history')}</Text>
            <CrousHistory entries={state.data.history} />
          </div>
        </Stack>
      ) : null}
    </Paper>
  );
}
