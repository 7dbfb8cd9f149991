import { Alert, Button, Group, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { peopleApi } from '../api/people.api.ts';
import type { ConsentKind } from '../api/api-types.ts';
import { useSession } from '../auth/session.context.tsx';
import { currentLanguage } from '../i18n/i18n.ts';
import { formatDateTime } from '../shared/format.ts';
import { ProblemAlert } from '../shared/problem-alert.component.tsx';
import { useApi } from '../shared/use-api.hook.ts';
import { usePageTitle } from '../shared/use-page-title.hook.ts';
import { ConsentDetails } from './consent-choice.component.tsx';

const KINDS: readonly ConsentKind[] = ['esc', 'photo_publication', 'crous'];

/**
 * Give or withdraw each consent, with what it lets out and to whom (generated from what the
 * connectors send), what withdrawing changes, the full text, and the text version recorded.
 */
export function ConsentsPage() {
  const { t, i18n } = useTranslation();
  usePageTitle(t('consents.title'));
  const { principal } = useSession();
  const personId = principal?.personId ?? '';
  const locale = i18n.language === 'en' ? 'en' : currentLanguage();
  const consents = useApi((signal) => peopleApi.consents(personId, signal).then((answer) => answer.consents), [personId]);
  const texts = useApi((signal) => peopleApi.consentTexts(locale, signal), [locale]);
  const [busy, setBusy] = useState<ConsentKind | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);

  async function decide(kind: ConsentKind, granted: boolean) {
    const text = texts.data?.find((candidate) => candidate.kind === kind);
    if (!text) return;
    setBusy(kind);
    setError(null);
    setNotice(null);
    try {
      await peopleApi.setConsent(personId, { kind, granted, textVersion: text.version, locale: text.locale });
      setNotice(t(granted ? 'consents.given' : 'consents.withdrawn', { title: text.title }));
      consents.reload();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(null);
    }
  }

  return (
    <Stack maw={720}>
      <Title order={1} size="h2">{t('consents.title')}</Title>
      <Text>{t('consents.intro')}</Text>
      {notice ? <Alert color="green" role="status" data-testid="notice">{notice}</Alert> : null}
      <ProblemAlert error={error ?? consents.error ?? texts.error} />
      {!consents.data && consents.loading ? <Loader role="status" aria-label={t('common.loading')} /> : null}
      {KINDS.map((kind) => {
        const text = texts.data?.find((candidate) => candidate.kind === kind);
        const state = consents.data?.[kind] ?? null;
        const granted = state?.granted ?? false;
        return (
          <Paper key={kind} withBorder p="md" radius="md" data-testid={`consent-panel-${kind}`} data-granted={String(granted)}>
            <Stack gap="xs">
              <Group justify="space-between">
                <Text fw={700}>{text?.title ?? t(`consents.${kind}.title`)}</Text>
                <Text size="sm" fw={700} c={granted ? 'green.8' : 'dimmed'}>
                  {state ? t(granted ? 'consents.stateGiven' : 'consents.stateWithdrawn') : t('consents.stateNone')}
                </Text>
              </Group>
              <ConsentDetails kind={kind} text={text} />
              <Text size="sm"><strong>{t('consents.ifWithdrawn')}</strong> {t(`consents.${kind}.withdrawEffect`)}</Text>
              {state ? <Text size="xs" c="dimmed">{t('consents.decidedAt', { date: formatDateTime(state.decidedAt), version: state.textVersion })}</Text> : null}
              <Group>
                {granted ? (
                  <Button variant="outline" color="red" loading={busy === kind} onClick={() => void decide(kind, false)} data-testid={`withdraw-${kind}`} disabled={!text}>
                    {t('consents.withdraw')}
                  </Button>
                ) : (
                  <Button loading={busy === kind} onClick={() => void decide(kind, true)} data-testid={`give-${kind}`} disabled={!text}>
                    {t('consents.give')}
                  </Button>
                )}
              </Group>
            </Stack>
          </Paper>
        );
      })}
    </Stack>
  );
}
