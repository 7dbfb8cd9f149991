import { Alert, Button, Grid, Group, Paper, Radio, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError } from '../api/api-client.ts';
import { cardsApi } from '../api/cards.api.ts';
import { peopleApi } from '../api/people.api.ts';
import type { Card, Person } from '../api/api-types.ts';
import { PhotoCanvas } from '../cardholder/photo-canvas.component.tsx';
import { EMPTY_PHOTO, PhotoEditor, type PhotoEditorValue } from '../cardholder/photo-editor.component.tsx';
import { renderPhoto } from '../cardholder/photo-transform.ts';
import { CardFace } from '../shared/card-face.component.tsx';
import { formatDate } from '../shared/format.ts';
import { fieldError, problemMessage } from '../shared/problem-messages.ts';
import { ProblemAlert } from '../shared/problem-alert.component.tsx';
import { useInstitution } from '../shared/use-institution.hook.ts';
import { usePageTitle } from '../shared/use-page-title.hook.ts';
import { useSession } from '../auth/session.context.tsx';
import { severalInView } from '../shared/institution-scope.ts';

/** A search row: one per person and enrolment, so a person enrolled twice is chosen with the institution. */
const rowKey = (person: Person) => `${person.id}:${person.institution}`;
/** The name of the institution of the enrolment a search row shows. */
const institutionNameOf = (person: Person) => person.enrolments.find((enrolment) => enrolment.institution === person.institution)?.institutionName ?? person.institution;

/** The card office requests a card for a person found by name, with a photo taken at the desk. */
export function RequestForPage() {
  const { t } = useTranslation();
  usePageTitle(t('requestFor.title'));
  const institution = useInstitution();
  const { principal } = useSession();
  const several = severalInView(principal);
  const [q, setQ] = useState('');
  const [results, setResults] = useState<Person[] | null>(null);
  // More people match than the page shows: the search must be refined (no paging here).
  const [more, setMore] = useState(false);
  const [searchError, setSearchError] = useState<unknown>(null);
  const [person, setPerson] = useState<Person | null>(null);
  const [photo, setPhoto] = useState<PhotoEditorValue>(EMPTY_PHOTO);
  const [cardKind, setCardKind] = useState<'physical' | 'virtual'>('physical');
  const [deliveryAddress, setDeliveryAddress] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<Card | null>(null);

  async function search(event: FormEvent) {
    event.preventDefault();
    setSearchError(null);
    try {
      const page = await peopleApi.search({ q: q.trim(), limit: 20 });
      setResults(page.items);
      setMore(page.nextCursor !== null);
    } catch (failure) {
      setSearchError(failure);
    }
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!person) return;
    setBusy(true);
    setError(null);
    try {
      let card = await cardsApi.request({
        personId: person.id, cardKind, institution: person.institution,
        ...(deliveryAddress.trim() ? { deliveryAddress: deliveryAddress.trim() } : {}),
      });
      if (photo.image) {
        try {
          card = await cardsApi.setPhoto(card.id, await renderPhoto(photo.image, photo.transform));
        } catch (failure) {
          setCreated(card);
          throw failure instanceof ApiError && !failure.field ? new ApiError(failure.status, failure.code, failure.detail, '/photo') : failure;
        }
      }
      setCreated(card);
      setPhoto(EMPTY_PHOTO);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Stack maw={1100}>
      <Title order={1} size="h2">{t('requestFor.title')}</Title>
      <Paper withBorder p="md">
        <form onSubmit={(event) => void search(event)} role="search">
          <Group align="flex-end">
            <TextInput label={t('requestFor.search')} description={t('requestFor.searchHelp')} value={q} onChange={(event) => setQ(event.currentTarget.value)} style={{ flex: 1 }} data-testid="person-search" />
            <Button type="submit" data-testid="person-search-submit">{t('common.search')}</Button>
          </Group>
        </form>
        <ProblemAlert error={searchError} />
        {results ? (
          results.length === 0 ? <Text mt="sm" c="dimmed">{t('requestFor.noResults')}</Text> : (
            <Radio.Group value={person ? rowKey(person) : ''} onChange={(key) => { setPerson(results.find((candidate) => rowKey(candidate) === key) ?? null); setCreated(null); }} name="person" label={t('requestFor.choose')} mt="sm">
              <Table striped mt="xs" data-testid="person-results">
                <Table.Tbody>
                  {results.map((candidate) => (
                    <Table.Tr key={rowKey(candidate)} data-institution={candidate.institution}>
                      <Table.Td w={40}>
                        <Radio value={rowKey(candidate)} data-testid="person-choice"
                          aria-label={several ? `${candidate.firstName} ${candidate.lastName}, ${institutionNameOf(candidate)}` : `${candidate.firstName} ${candidate.lastName}`} />
                      </Table.Td>
                      <Table.Td fw={600}>{candidate.lastName.toUpperCase()} {candidate.firstName}</Table.Td>
                      {several ? <Table.Td data-testid="person-institution">{institutionNameOf(candidate)}</Table.Td> : null}
                      <Table.Td>{t(`personType.${candidate.personType}`, { defaultValue: candidate.personType })}</Table.Td>
                      <Table.Td>{candidate.eppn}</Table.Td>
                      <Table.Td>{candidate.studentNumber ?? ''}</Table.Td>
                      <Table.Td>{candidate.rightsEnd ? t('requestFor.rightsEnd', { date: formatDate(candidate.rightsEnd) }) : ''}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              {more ? <Text mt="xs" size="sm" c="dimmed" data-testid="person-results-more">{t('requestFor.more')}</Text> : null}
            </Radio.Group>
          )
        ) : null}
      </Paper>
      {created ? (
        <Alert color="green" data-testid="request-created">
          {t('requestFor.created')} <Link to={`/office/cards/${created.id}`}>{t('requestFor.openCard')}</Link>
        </Alert>
      ) : null}
      {person ? (
        <form onSubmit={(event) => void submit(event)} noValidate>
          <Grid gutter="xl">
            <Grid.Col span={{ base: 12, md: 7 }}>
              <Stack>
                <PhotoEditor value={photo} onChange={setPhoto} error={fieldError(t, error, '/photo')} />
                <Radio.Group label={t('requestFor.kind')} value={cardKind} onChange={(value) => setCardKind(value === 'virtual' ? 'virtual' : 'physical')}>
                  <Group mt="xs">
                    <Radio value="physical" label={t('requestFor.physical')} />
                    <Radio value="virtual" label={t('requestFor.virtual')} />
                  </Group>
                </Radio.Group>
                <Textarea label={t('request.deliveryAddress')} value={deliveryAddress} onChange={(event) => setDeliveryAddress(event.currentTarget.value)} autosize minRows={2} error={fieldError(t, error, '/deliveryAddress')} />
                {error && !fieldError(t, error, '/photo') && !fieldError(t, error, '/deliveryAddress') ? <Alert color="red" role="alert">{problemMessage(t, error)}</Alert> : null}
                {several ? <Text size="sm" data-testid="request-for-institution">{t('common.labelValue', { label: t('enrolments.institution'), value: institutionNameOf(person) })}</Text> : null}
                <Button type="submit" loading={busy} data-testid="request-for-submit">{t('requestFor.submit', { name: `${person.firstName} ${person.lastName}` })}</Button>
              </Stack>
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: 5 }}>
              <CardFace
                institutionName={institution?.name ?? 'campuscard'}
                colors={institution?.colors}
                logoUrl={institution?.hasLogo ? '/api/v1/institution/logo' : null}
                firstName={person.firstName}
                lastName={person.lastName}
                personType={person.personType}
                photo={<PhotoCanvas image={photo.image} transform={photo.transform} width={240} height={300} label={t('request.photo.previewLabel')} />}
              />
            </Grid.Col>
          </Grid>
        </form>
      ) : null}
    </Stack>
  );
}
