import { Alert, Button, Checkbox, Grid, Group, Loader, Paper, Radio, Stack, Text, Textarea, Title } from '@mantine/core';
import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { ApiError } from '../api/api-client.ts';
import { apiUrl } from '../api/api-client.ts';
import { cardsApi } from '../api/cards.api.ts';
import { institutionApi } from '../api/institution.api.ts';
import { institutionsApi, type PersonTypeResource } from '../api/institutions.api.ts';
import { peopleApi } from '../api/people.api.ts';
import type { ConsentKind } from '../api/api-types.ts';
import { isOffice, useSession } from '../auth/session.context.tsx';
import { currentLanguage } from '../i18n/i18n.ts';
import { CardFace } from '../shared/card-face.component.tsx';
import { isPending } from '../shared/card-state.ts';
import { fieldError, problemMessage } from '../shared/problem-messages.ts';
import { ProblemAlert } from '../shared/problem-alert.component.tsx';
import { useApi } from '../shared/use-api.hook.ts';
import { useInstitution } from '../shared/use-institution.hook.ts';
import { usePageTitle } from '../shared/use-page-title.hook.ts';
import { CardRulesLink } from './card-rules.component.tsx';
import { ConsentChoice } from './consent-choice.component.tsx';
import { PhotoCanvas } from './photo-canvas.component.tsx';
import { EMPTY_PHOTO, PhotoEditor, type PhotoEditorValue } from './photo-editor.component.tsx';
import { renderPhoto } from './photo-transform.ts';

const CONSENT_KINDS: readonly ConsentKind[] = ['esc', 'photo_publication', 'crous'];

/** What a cardholder reads of an institution (GET /institution): its code and the rules of its person types. */
interface PublicBranding {
  code?: string;
  name: string;
  colors?: { primary: string; secondary: string };
  hasLogo?: boolean;
  personTypes?: Array<Pick<PersonTypeResource, 'code' | 'selfRequest' | 'deliveryAddress' | 'cardKinds'>>;
}

interface LocalErrors {
  institution?: string;
  photo?: string;
  rules?: string;
  deliveryAddress?: string;
}

/**
 * Request a card: for a person enrolled at several institutions, first which institution the
 * card is for (its person type rules then apply); photo (file or camera) framed with a live
 * preview of the card face, consents with the exact text version, delivery address when the
 * person type asks for one, and the rules. On failure everything typed and chosen stays, and the
 * error sits next to its field.
 */
export function RequestCardPage() {
  const { t, i18n } = useTranslation();
  usePageTitle(t('request.title'));
  const navigate = useNavigate();
  const { principal } = useSession();
  const personId = principal?.personId ?? '';
  const institution = useInstitution();
  const me = useApi((signal) => peopleApi.me(signal), []);
  const person = { data: me.data?.person, loading: me.loading, error: me.error };
  const cards = useApi((signal) => cardsApi.mine(signal), [personId]);
  const consents = { data: me.data?.consents, reload: me.reload };
  const locale = i18n.language === 'en' ? 'en' : currentLanguage();
  const texts = useApi((signal) => peopleApi.consentTexts(locale, signal), [locale]);

  const [photo, setPhoto] = useState<PhotoEditorValue>(EMPTY_PHOTO);
  const [choices, setChoices] = useState<Partial<Record<ConsentKind, boolean>>>({});
  const [rules, setRules] = useState(false);
  const [deliveryAddress, setDeliveryAddress] = useState('');
  const [localErrors, setLocalErrors] = useState<LocalErrors>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const enrolments = person.data?.enrolments ?? [];
  const [chosenInstitution, setChosenInstitution] = useState<string | null>(null);
  // One enrolment needs no choice; several need the person's.
  const target = enrolments.length === 1 ? enrolments[0]?.institution ?? null : chosenInstitution;
  const enrolment = enrolments.find((candidate) => candidate.institution === target);
  // Office roles read the chosen institution; a cardholder reads its public branding (the header
  // names it), which lists its person types and their request rules.
  const office = isOffice(principal);
  const targetInstitution = useApi((signal): Promise<PublicBranding | null> => {
    if (!target) return Promise.resolve(null);
    return office ? institutionsApi.get(target, signal) : institutionApi.branding(target, signal);
  }, [target, office]);
  const branding: PublicBranding | null | undefined = institution;
  const source = targetInstitution.data ?? (branding && (!target || branding.code === target) ? branding : undefined);
  const personType = enrolment?.personType ?? person.data?.personType ?? 'student';
  const rule = source?.personTypes?.find((type) => type.code === personType);
  const [addressAsked, setAddressAsked] = useState(false);
  // The person type's rules say when an address is needed; else the server does, on submit.
  const asksAddress = rule?.deliveryAddress ?? addressAsked;
  // A request in progress at the chosen institution (before the choice: at any).
  const pending = cards.data?.find((card) => isPending(card.state) && (!target || card.institution === target));
  // An active card of the chosen institution: a new card would replace it (the holder is told before sending).
  const active = !pending && target ? cards.data?.find((card) => card.state === 'ENABLED' && card.institution === target) : undefined;
  // Enrolled at several and not chosen yet: the preview names no institution rather than the wrong one.
  const undecided = enrolments.length > 1 && !target;
  const face = undecided
    ? { name: t('request.previewNoInstitution'), colors: undefined, logo: null }
    : source?.code && source.name
      ? { name: source.name, colors: source.colors, logo: source.hasLogo ? apiUrl(`/institutions/${encodeURIComponent(source.code)}/logo`) : null }
      : {
        // The chosen institution's branding is still loading: its name, without another institution's logo.
        name: enrolment?.institutionName ?? institution?.name ?? 'campuscard', colors: target ? undefined : institution?.colors,
        logo: !target && institution?.hasLogo ? '/api/v1/institution/logo' : null,
      };
  // A request whose photo may still change: this form then (re)sends its photo.
  const mode: 'new' | 'complete' | 'replace' = !pending ? 'new' : pending.photoId ? 'replace' : 'complete';
  const textOf = useMemo(() => new Map((texts.data ?? []).map((text) => [text.kind, text])), [texts.data]);
  const checked = (kind: ConsentKind) => choices[kind] ?? consents.data?.[kind]?.granted ?? false;

  async function submit(event: FormEvent) {
    event.preventDefault();
    const problems: LocalErrors = {};
    if (enrolments.length > 1 && !target) problems.institution = t('request.errors.institutionMissing');
    if (!photo.image) problems.photo = t('request.errors.photoMissing');
    if (!rules) problems.rules = t('request.errors.rulesMissing');
    if (asksAddress && mode === 'new' && deliveryAddress.trim() === '') problems.deliveryAddress = t('request.errors.addressMissing');
    setLocalErrors(problems);
    setError(null);
    if (Object.keys(problems).length > 0 || !photo.image) return;
    setBusy(true);
    try {
      for (const kind of CONSENT_KINDS) {
        const wanted = checked(kind);
        const current = consents.data?.[kind]?.granted;
        const text = textOf.get(kind);
        if (current === wanted || !text) continue;
        if (current === undefined && !wanted) continue;
        try {
          await peopleApi.setConsent(personId, { kind, granted: wanted, textVersion: text.version, locale: text.locale });
        } catch (failure) {
          throw failure instanceof ApiError && !failure.field ? new ApiError(failure.status, failure.code, failure.detail, `/consents/${kind}`) : failure;
        }
      }
      consents.reload();
      const blob = await renderPhoto(photo.image, photo.transform);
      const card = pending ?? await cardsApi.request({
        personId,
        cardKind: 'physical',
        ...(target ? { institution: target } : {}),
        ...(asksAddress ? { deliveryAddress: deliveryAddress.trim() } : {}),
      });
      try {
        await cardsApi.setPhoto(card.id, blob);
      } catch (failure) {
        // The request exists now: the page switches to "complete my request" and keeps the photo.
        cards.reload();
        throw failure instanceof ApiError && !failure.field ? new ApiError(failure.status, failure.code, failure.detail, '/photo') : failure;
      }
      navigate('/me', { state: { notice: mode === 'new' ? 'request.sent' : 'request.photoSent' } });
    } catch (failure) {
      if (failure instanceof ApiError && failure.code === 'delivery_address_required') setAddressAsked(true);
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  if (person.loading && !person.data) return <Loader role="status" aria-label={t('common.loading')} />;
  const serverFieldErrors = ['/institution', '/photo', '/photoId', '/deliveryAddress', ...CONSENT_KINDS.map((kind) => `/consents/${kind}`)];
  const generalError = error && !serverFieldErrors.some((pointer) => fieldError(t, error, pointer)) ? error : null;

  return (
    <Stack maw={960}>
      <Title order={1} size="h2">{t('request.title')}</Title>
      {enrolments.length > 1 ? (
        <Paper withBorder p="md" data-testid="request-institution">
          <Radio.Group
            label={t('request.institution')}
            description={t('request.institutionHelp')}
            value={chosenInstitution ?? ''}
            onChange={(value) => {
              setChosenInstitution(value);
              setAddressAsked(false);
              setLocalErrors((previous) => ({ ...previous, institution: undefined }) as LocalErrors);
            }}
            error={localErrors.institution ?? fieldError(t, error, '/institution')}
            required
          >
            <Group mt="xs">
              {enrolments.map((candidate) => (
                <Radio key={candidate.institution} value={candidate.institution} data-testid="request-institution-choice"
                  label={`${candidate.institutionName} (${t(`personType.${candidate.personType}`, { defaultValue: candidate.personType })})`} />
              ))}
            </Group>
          </Radio.Group>
        </Paper>
      ) : null}
      {rule && !rule.selfRequest ? <Alert color="orange" data-testid="request-not-allowed">{t('request.notAllowed')}</Alert> : null}
      {pending ? (
        <Alert color="blue" data-testid="request-pending">
          {t(mode === 'complete' ? 'request.completePending' : 'request.alreadyPending', { state: t(`state.${pending.state}`) })}
        </Alert>
      ) : null}
      {active ? (
        <Alert color="orange" title={t('request.activeCardTitle', { institution: active.institutionName })} data-testid="request-active-card">
          {t('request.activeCard')}
        </Alert>
      ) : null}
      <ProblemAlert error={person.error} />
      <form onSubmit={(event) => void submit(event)} noValidate data-testid="request-form">
        <Grid gutter="xl">
          <Grid.Col span={{ base: 12, md: 7 }}>
            <Stack>
              <PhotoEditor
                value={photo}
                onChange={(next) => {
                  setPhoto(next);
                  setLocalErrors((previous) => ({ ...previous, photo: undefined }) as LocalErrors);
                }}
                error={localErrors.photo ?? fieldError(t, error, '/photo') ?? fieldError(t, error, '/photoId')}
              />
              <Title order={2} size="h4">{t('request.consentsTitle')}</Title>
              <Text size="sm">{t('request.consentsHelp')}</Text>
              <ProblemAlert error={texts.error} />
              {CONSENT_KINDS.map((kind) => (
                <ConsentChoice
                  key={kind}
                  kind={kind}
                  text={textOf.get(kind)}
                  checked={checked(kind)}
                  onChange={(value) => setChoices((previous) => ({ ...previous, [kind]: value }))}
                  error={fieldError(t, error, `/consents/${kind}`)}
                />
              ))}
              {asksAddress && mode === 'new' ? (
                <Textarea
                  label={t('request.deliveryAddress')}
                  value={deliveryAddress}
                  onChange={(event) => setDeliveryAddress(event.currentTarget.value)}
                  autosize
                  minRows={3}
                  required
                  error={localErrors.deliveryAddress ?? fieldError(t, error, '/deliveryAddress')}
                  data-testid="delivery-address"
                />
              ) : null}
              <Checkbox
                checked={rules}
                onChange={(event) => setRules(event.currentTarget.checked)}
                label={t('request.rules')}
                description={<CardRulesLink />}
                error={localErrors.rules}
                data-testid="accept-rules"
              />
              {generalError ? <Alert color="red" role="alert" data-testid="request-error">{problemMessage(t, generalError)}</Alert> : null}
              <Button type="submit" loading={busy} size="md" data-testid="request-submit">{t(mode === 'new' ? 'request.submit' : 'request.sendPhoto')}</Button>
            </Stack>
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 5 }}>
            <Stack gap="xs" pos="sticky" top={72}>
              <Title order={2} size="h4">{t('request.preview')}</Title>
              <CardFace
                testId="card-preview"
                institutionName={face.name}
                colors={face.colors}
                logoUrl={face.logo}
                firstName={person.data?.firstName ?? ''}
                lastName={person.data?.lastName ?? ''}
                personType={personType}
                photo={<PhotoCanvas image={photo.image} transform={photo.transform} width={240} height={300} label={t('request.photo.previewLabel')} />}
              />
              <Text size="xs" c="dimmed">{t('request.previewHelp')}</Text>
            </Stack>
          </Grid.Col>
        </Grid>
      </form>
    </Stack>
  );
}
