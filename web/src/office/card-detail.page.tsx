import { Accordion, Alert, Anchor, Badge, Button, Grid, Group, Image, Loader, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api, ApiError } from '../api/api-client.ts';
import { cardsApi } from '../api/cards.api.ts';
import { escApi } from '../api/esc.api.ts';
import type { Card } from '../api/api-types.ts';
import { useSession, WRITE_ROLES } from '../auth/session.context.tsx';
import { actorLabel } from '../shared/actor-label.ts';
import { CardFace, cardFaceOf } from '../shared/card-face.component.tsx';
import { CardHistory } from '../shared/card-history.component.tsx';
import { formatDate, formatDateTime } from '../shared/format.ts';
import { ProblemAlert } from '../shared/problem-alert.component.tsx';
import { StateBadge } from '../shared/state-badge.component.tsx';
import { useApi } from '../shared/use-api.hook.ts';
import { useBrandings } from '../shared/use-institution.hook.ts';
import { usePageTitle } from '../shared/use-page-title.hook.ts';
import { CSN_STATES, isBackward, needsDialog, officeWordedKey, PHOTO_STATES, targetsOf } from './card-moves.ts';
import { CsnForm } from './csn-form.component.tsx';
import { MoveCardModal } from './move-card.modal.tsx';
import { OfficeCardFace } from './office-card-face.component.tsx';
import { PersonLanguageField } from './person-language.component.tsx';
import { PhotoRetouchModal } from './photo-retouch.modal.tsx';
import { EscStateBadge } from './esc-state-badge.component.tsx';
import { HolderCards } from './holder-cards.component.tsx';
import { CrousAccountSection } from './crous-account.component.tsx';
import { peopleApi } from '../api/people.api.ts';
import { Enrolments } from '../shared/enrolments.component.tsx';

interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  actorName: string | null;
  table: string;
  operation: string;
  changes: Record<string, unknown>;
}

function Field({ label, value, mono = false, testId }: { label: string; value: string | null | undefined; mono?: boolean; testId?: string }) {
  const { t } = useTranslation();
  return (
    <div>
      <Text size="xs" c="dimmed" fw={700} tt="uppercase">{label}</Text>
      <Text size="sm" ff={mono ? 'monospace' : undefined} data-testid={testId} style={{ overflowWrap: 'anywhere' }}>
        {value || <Text span c="dimmed" size="sm">{t('common.none')}</Text>}
      </Text>
    </div>
  );
}

const ESC_POLL_MS = 3000;

/** Every enrolment of the holder the caller may see: a person may be enrolled at several institutions. */
function HolderEnrolments({ personId, institution }: { personId: string; institution: string | undefined }) {
  const { t } = useTranslation();
  const person = useApi((signal) => peopleApi.get(personId, signal), [personId]);
  if (person.error) return <ProblemAlert error={person.error} />;
  const enrolments = person.data?.enrolments;
  if (!enrolments) return null;
  return <Enrolments enrolments={enrolments} title={t('enrolments.title')} highlight={institution} testId="holder-enrolments" />;
}

/** A failure in the office's words: a few shared messages speak to the card holder ("your card"). */
function OfficeProblemAlert({ error }: { error: unknown }) {
  const { t } = useTranslation();
  const key = error instanceof ApiError ? officeWordedKey(error.code) : null;
  if (key === null) return <ProblemAlert error={error} />;
  return <Alert color="red" variant="light" title={t('common.errorTitle')} role="alert" data-testid="problem-alert">{t(key)}</Alert>;
}

/**
 * One card for the card office: photo (with retouch before printing), holder, ESCN and QR, the
 * chip number in its four forms, every move, the holder's audit entries, ESC Router sync with a
 * replay, the card and its holder's account at the CROUS (read live) with their CROUS sync entries,
 * and the moves that can be made from here.
 */
export function CardDetailPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const { principal } = useSession();
  const canWrite = !!principal && WRITE_ROLES.includes(principal.role);
  const isAdmin = principal?.role === 'admin';
  const card = useApi((signal) => cardsApi.get(id, signal), [id]);
  const brandingOf = useBrandings([card.data?.institution], true);
  const esc = useApi((signal) => escApi.card(id, signal), [id, card.data?.version]);
  const personSync = useApi((signal) => (card.data && canWrite ? escApi.person(card.data.personId, signal) : Promise.resolve(null)), [card.data?.personId, card.data?.version]);
  const escPending = esc.data?.sync.state === 'pending';
  const { reload: reloadEsc } = esc;
  const { reload: reloadPersonSync } = personSync;
  // A delivery to the ESC Router takes a few seconds: follow it rather than leave "pending" on screen.
  useEffect(() => {
    if (!escPending) return;
    const timer = window.setInterval(() => {
      reloadEsc();
      reloadPersonSync();
    }, ESC_POLL_MS);
    return () => window.clearInterval(timer);
  }, [escPending, reloadEsc, reloadPersonSync]);
  const [moving, setMoving] = useState<string | null>(null);
  const [retouching, setRetouching] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [audit, setAudit] = useState<AuditEntry[] | null>(null);
  usePageTitle(card.data ? `${card.data.holder.firstName} ${card.data.holder.lastName}` : t('cardDetail.title'));

  if (card.error) return <ProblemAlert error={card.error} />;
  if (!card.data) return <Loader role="status" aria-label={t('common.loading')} />;
  const current = card.data;

  function done(updated: Card, message?: string) {
    setMoving(null);
    setRetouching(false);
    setNotice(message ?? t('cardDetail.moved', { state: t(`state.${updated.state}`) }));
    if (updated.id !== current.id) navigate(`/office/cards/${updated.id}`);
    else card.reload();
  }

  async function quickMove(to: string) {
    setBusy(to);
    setError(null);
    setNotice(null);
    try {
      const updated = to === 'RENEWED' ? await cardsApi.renew(current.id) : await cardsApi.move(current.id, { to, expectedVersion: current.version });
      done(updated, to === 'RENEWED' ? t('cardDetail.renewed') : undefined);
    } catch (failure) {
      setError(failure);
      // The card changed under us (a newer card, another station): show the moves open now.
      if (failure instanceof ApiError && failure.status === 409) card.reload();
    } finally {
      setBusy(null);
    }
  }

  async function deliver() {
    setBusy('deliver');
    setError(null);
    try {
      done(await cardsApi.deliver(current.id), t('cardDetail.delivered'));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(null);
    }
  }

  async function replay(entryId: number) {
    setBusy(`replay-${entryId}`);
    setError(null);
    try {
      await escApi.replay(entryId);
      setNotice(t('esc.replayed'));
      personSync.reload();
      esc.reload();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(null);
    }
  }

  async function loadAudit() {
    if (audit) return;
    try {
      setAudit((await api<{ items: AuditEntry[] }>(`/persons/${current.personId}/history`)).items);
    } catch (failure) {
      setError(failure);
    }
  }

  const photoUrl = cardsApi.photoUrl(current);
  const failedEntries = (personSync.data?.entries ?? []).filter((entry) => entry.status === 'failed' && entry.supersededBy === null);
  const mayAct = canWrite || principal?.role === 'station' || principal?.role === 'deliverer';
  const targets = canWrite ? targetsOf(current) : [];
  // The first forward move is the page's main action; going back reads as such, in a quieter style.
  const primary = targets.find((to) => !isBackward(current.state, to) && !needsDialog(to));
  // The bar is shown only when it holds something: a PRINTED card waits for its chip in the form below.
  const actions = mayAct ? [
    ...targets.map((to) => {
      const backward = isBackward(current.state, to);
      const destructive = to === 'REJECTED' || to === 'DISABLED' || to === 'DESTROYED';
      return (
        <Button
          key={to}
          size="xs"
          variant={to === primary ? 'filled' : backward ? 'default' : needsDialog(to) ? 'outline' : 'light'}
          color={destructive ? 'red' : undefined}
          loading={busy === to}
          onClick={() => (needsDialog(to) ? setMoving(to) : void quickMove(to))}
          data-testid={`move-${to}`}
          data-primary={to === primary}
        >
          {backward ? t('cardDetail.backTo', { state: t(`state.${to}`) }) : t(`actions.${to}`, { defaultValue: t(`state.${to}`) })}
        </Button>
      );
    }),
    canWrite && PHOTO_STATES.includes(current.state) && photoUrl
      ? <Button key="retouch" size="xs" variant="default" onClick={() => setRetouching(true)} data-testid="retouch-open">{t('retouch.open')}</Button> : null,
    (current.state === 'ENCODED' || current.state === 'ENABLED') && !current.deliveredAt
      ? <Button key="deliver" size="xs" variant="default" loading={busy === 'deliver'} onClick={() => void deliver()} data-testid="deliver">{t('delivery.markDelivered')}</Button> : null,
    current.state === 'IN_PRINT' || current.state === 'REQUEST_CHECKED'
      ? <Button key="print" size="xs" variant="default" component={Link} to={`/office/print/sheet?ids=${current.id}`}>{t('print.printView')}</Button> : null,
    current.deliveredAt || current.state === 'ENCODED' || current.state === 'ENABLED'
      ? <Button key="slip" size="xs" variant="default" component={Link} to={`/office/delivery/slip?ids=${current.id}`}>{t('delivery.slip')}</Button> : null,
  ].filter((action) => action !== null) : [];
  return (
    <Stack gap="md" data-testid="card-detail" data-state={current.state}>
      <Group justify="space-between" wrap="wrap">
        <Group gap="sm">
          <Title order={1} size="h2">{current.holder.lastName.toUpperCase()} {current.holder.firstName}</Title>
          <StateBadge state={current.state} size="lg" />
        </Group>
        <Anchor component={Link} to="/office/cards">{t('cardDetail.backToList')}</Anchor>
      </Group>
      {notice ? <Alert color="green" role="status" data-testid="notice">{notice}</Alert> : null}
      <OfficeProblemAlert error={error} />
      {actions.length > 0 ? (
        <Paper withBorder p="sm" data-testid="card-actions">
          <Group gap="xs" wrap="wrap">
            {actions}
          </Group>
        </Paper>
      ) : null}
      {CSN_STATES.includes(current.state) && (canWrite || principal?.role === 'station') ? (
        <Paper withBorder p="sm">
          <Title order={2} size="h4" mb="xs">{t('encode.title')}</Title>
          <CsnForm card={current} autoFocus={false} onBound={(updated) => done(updated, t('encode.bound'))} />
        </Paper>
      ) : null}
      <Grid gutter="lg">
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack>
            <OfficeCardFace
              cardId={current.id}
              version={current.version}
              holderName={`${current.holder.firstName} ${current.holder.lastName}`}
              fallback={(
                <CardFace
                  {...cardFaceOf(current, brandingOf(current.institution))}
                  photo={photoUrl ? <img src={photoUrl} alt="" /> : null}
                  qrUrl={current.escn ? cardsApi.qrUrl(current) : null}
                />
              )}
            />
            {photoUrl ? (
              <Image src={photoUrl} alt={t('cardDetail.photoAlt', { name: `${current.holder.firstName} ${current.holder.lastName}` })} w={200} radius="sm" data-testid="card-photo" />
            ) : <Alert color="orange">{t('cardDetail.noPhoto')}</Alert>}
            {current.escn ? (
              <Paper withBorder p="sm" w={200}>
                <img src={cardsApi.qrUrl(current)} alt={t('virtualCard.qrAlt', { escn: current.escn })} width={176} height={176} />
              </Paper>
            ) : null}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack>
            <Paper withBorder p="md">
              <Title order={2} size="h4" mb="sm">{t('cardDetail.holder')}</Title>
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
                <Field label={t('person.lastName')} value={current.holder.lastName} />
                <Field label={t('person.firstName')} value={current.holder.firstName} />
                <Field label={t('person.eppn')} value={current.holder.eppn} />
                <Field label={t('enrolments.institution')} value={current.institutionName} testId="holder-institution" />
                <Field label={t('person.personType')} value={t(`personType.${current.holder.personType}`, { defaultValue: current.holder.personType })} />
                <Field label={t('person.email')} value={current.holder.email} />
                <Field label={t('person.studentNumber')} value={current.holder.studentNumber} />
                <Field label={t('person.ine')} value={current.holder.ine} />
                <PersonLanguageField personId={current.personId} canWrite={canWrite} />
              </SimpleGrid>
            </Paper>
            <HolderEnrolments personId={current.personId} institution={current.institution} />
            <HolderCards card={current} />
            <Paper withBorder p="md">
              <Title order={2} size="h4" mb="sm">{t('cardDetail.card')}</Title>
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
                <Field label={t('cardDetail.institution')} value={current.institutionName} testId="detail-institution" />
                <Field label="ESCN" value={current.escn} mono testId="detail-escn" />
                <Field label={t('cardIdentifiers.accessControlId')} value={current.identifiers?.accessControlId ?? null} mono testId="detail-access-control-id" />
                <Field label={t('cardIdentifiers.secondaryId')} value={current.identifiers?.secondaryId ?? null} mono testId="detail-secondary-id" />
                <Field label={t('cardDetail.qrContent')} value={esc.data?.qrContent} mono testId="detail-qr" />
                <Field label={t('cardDetail.requestedAt')} value={`${formatDateTime(current.requestedAt)} · ${t(`channel.${current.requestChannel}`)}`} />
                <Field label={t('cardDetail.expiresAt')} value={formatDate(current.expiresAt)} />
                <Field label={t('cardDetail.enabledAt')} value={formatDateTime(current.enabledAt)} />
                <Field label={t('cardDetail.deliveredAt')} value={formatDateTime(current.deliveredAt)} />
                <Field label={t('cardDetail.deliveryAddress')} value={current.deliveryAddress} />
                <Field label={t('cardDetail.lock')} value={current.lock ? `${current.lock.ownerName ?? t('cardDetail.lockOwnerUnknown')}${current.lock.at ? ` · ${formatDateTime(current.lock.at)}` : ''}` : null} testId="card-lock" />
                {current.disable ? <Field label={t('cardDetail.disable')} value={`${t(`disableReason.${current.disable.reason}`)} (${t(`disabledBy.${current.disable.by}`)})${current.disable.comment ? ` — ${current.disable.comment}` : ''}`} /> : null}
                {current.rejectReason ? <Field label={t('cardDetail.rejectReason')} value={current.rejectReason} /> : null}
              </SimpleGrid>
            </Paper>
            <Paper withBorder p="md">
              <Title order={2} size="h4" mb="sm">{t('cardDetail.csn')}</Title>
              {current.csn ? (
                <Table variant="vertical" data-testid="csn-forms">
                  <Table.Tbody>
                    {(['hex', 'hexReversed', 'decimal', 'decimalReversed'] as const).map((form) => (
                      <Table.Tr key={form}>
                        <Table.Th scope="row" w="45%">{t(`cardDetail.csnForms.${form}`)}</Table.Th>
                        <Table.Td ff="monospace">{current.csn?.[form]}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              ) : <Text size="sm" c="dimmed">{t('cardDetail.noCsn')}</Text>}
            </Paper>
            <Paper withBorder p="md" data-testid="esc-sync">
              <Group justify="space-between" mb="sm">
                <Title order={2} size="h4">{t('esc.cardTitle')}</Title>
                {esc.data ? <EscStateBadge state={esc.data.sync.state} /> : null}
              </Group>
              {esc.error ? <ProblemAlert error={esc.error} /> : null}
              {esc.data ? (
                <Stack gap={4}>
                  {!esc.data.sync.enabled ? <Text size="sm">{t('esc.off')}</Text> : null}
                  {esc.data.sync.state === 'not_registered' && esc.data.sync.reason ? (
                    <Text size="sm" data-testid="esc-not-registered-reason" data-reason={esc.data.sync.reason}>{t(`esc.notRegisteredReasons.${esc.data.sync.reason}`)}</Text>
                  ) : null}
                  {esc.data.sync.routerStatus ? (
                    <Text size="sm" data-testid="esc-router-status">
                      {t('esc.routerStatus', { status: t(`esc.routerStates.${esc.data.sync.routerStatus}`, { defaultValue: esc.data.sync.routerStatus }) })}
                    </Text>
                  ) : null}
                  {esc.data.sync.confirmedAt ? <Text size="sm">{t('esc.confirmedAt', { date: formatDateTime(esc.data.sync.confirmedAt) })}</Text> : null}
                  {esc.data.sync.lastError ? <Alert color="red" p="xs">{esc.data.sync.lastError.code}: {esc.data.sync.lastError.message}</Alert> : null}
                </Stack>
              ) : null}
              {failedEntries.length > 0 ? (
                <Stack gap={4} mt="sm">
                  {failedEntries.map((entry) => (
                    <Group key={entry.id} justify="space-between">
                      <Text size="sm">{t(`esc.reasons.${entry.reason}`, { defaultValue: entry.reason })} · {entry.lastError?.message ?? ''}</Text>
                      {isAdmin ? (
                        <Button size="xs" variant="outline" loading={busy === `replay-${entry.id}`} onClick={() => void replay(entry.id)} data-testid="esc-replay">
                          {t('esc.replay')}
                        </Button>
                      ) : null}
                    </Group>
                  ))}
                </Stack>
              ) : null}
            </Paper>
            <CrousAccountSection personId={current.personId} cardId={current.id} />
          </Stack>
        </Grid.Col>
      </Grid>
      <Accordion variant="separated" multiple defaultValue={['history']} onChange={(values) => { if (values.includes('audit')) void loadAudit(); }}>
        <Accordion.Item value="history">
          <Accordion.Control>{t('cardDetail.history')}</Accordion.Control>
          <Accordion.Panel><CardHistory moves={current.history ?? []} showActor /></Accordion.Panel>
        </Accordion.Item>
        <Accordion.Item value="audit">
          <Accordion.Control>{t('cardDetail.audit')}</Accordion.Control>
          <Accordion.Panel>
            {audit === null ? <Loader size="sm" role="status" aria-label={t('common.loading')} /> : (
              <Table.ScrollContainer minWidth={600}>
                <Table striped fz="xs">
                  <Table.Thead>
                    <Table.Tr><Table.Th>{t('audit.at')}</Table.Th><Table.Th>{t('audit.actor')}</Table.Th><Table.Th>{t('audit.what')}</Table.Th><Table.Th>{t('audit.changes')}</Table.Th></Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {audit.map((entry) => (
                      <Table.Tr key={entry.id}>
                        <Table.Td>{formatDateTime(entry.at)}</Table.Td>
                        <Table.Td>{actorLabel(entry.actor, entry.actorName, t)}</Table.Td>
                        <Table.Td><Badge variant="outline" color="gray" size="xs">{entry.table} {entry.operation}</Badge></Table.Td>
                        <Table.Td ff="monospace" style={{ overflowWrap: 'anywhere' }}>{Object.keys(entry.changes).join(', ')}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
          </Accordion.Panel>
        </Accordion.Item>
      </Accordion>
      {moving ? <MoveCardModal card={current} to={moving} opened onClose={() => setMoving(null)} onDone={(updated) => done(updated)} /> : null}
      {retouching ? <PhotoRetouchModal card={current} opened onClose={() => setRetouching(false)} onSaved={(updated) => done(updated, t('retouch.saved'))} /> : null}
    </Stack>
  );
}
