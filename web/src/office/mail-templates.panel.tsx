import {
  Alert, Badge, Box, Button, Code, Grid, Group, Loader, Modal, Paper, SegmentedControl, Select, Stack, Text, Textarea, TextInput, Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  mailTemplatesApi, type MailLocale, type MailTemplate, type MailTemplateName, type RenderedMail, type TemplateSource,
} from '../api/mail-templates.api.ts';
import { formatDateTime } from '../shared/format.ts';
import { fieldError, isAboutFields } from '../shared/problem-messages.ts';
import { ProblemAlert } from '../shared/problem-alert.component.tsx';
import { useApi } from '../shared/use-api.hook.ts';

const TEMPLATES: readonly MailTemplateName[] = ['request_checked', 'request_rejected', 'card_ready', 'card_disabled', 'card_enabled'];
const LOCALES: readonly MailLocale[] = ['fr', 'en'];
/** Values that are never empty: a section on them would always show, so no section button for them. */
const ALWAYS_SET = new Set(['link', 'advice']);
const PREVIEW_DELAY_MS = 400;

type Target = 'subject' | 'body';

/** What is being edited, tagged with the template and language it belongs to. */
interface Draft extends TemplateSource {
  key: string;
}

function current(item: MailTemplate): TemplateSource {
  return item.override ? { subject: item.override.subject, body: item.override.body } : item.default;
}

/**
 * The mails people receive, rewritten by an admin: one subject and body per template and language,
 * with buttons inserting placeholders where the cursor is, a live preview (sample data, text and
 * HTML) and a way back to the built-in text.
 */
export function MailTemplatesPanel() {
  const { t } = useTranslation();
  const templates = useApi((signal) => mailTemplatesApi.list(signal), []);
  const [template, setTemplate] = useState<MailTemplateName>('request_checked');
  const [locale, setLocale] = useState<MailLocale>('fr');
  const item = templates.data?.find((candidate) => candidate.template === template && candidate.locale === locale);
  const key = `${template}/${locale}`;
  const stored = item ? `${key}/${item.override?.updatedAt ?? 'default'}` : null;
  const [draft, setDraft] = useState<Draft | null>(null);
  const [target, setTarget] = useState<Target>('body');
  const [cardKind, setCardKind] = useState<'physical' | 'virtual'>('physical');
  const [saveError, setSaveError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const [confirmReset, setConfirmReset] = useState(false);
  const [preview, setPreview] = useState<RenderedMail | null>(null);
  const [previewError, setPreviewError] = useState<unknown>(null);
  const subjectRef = useRef<HTMLInputElement>(null);
  const bodyRef = useRef<HTMLTextAreaElement>(null);

  // A new template, language or stored text starts a fresh draft from what mails use now.
  useEffect(() => {
    if (item) setDraft({ key, ...current(item) });
    setSaveError(null);
    setPreviewError(null);
  }, [stored]);

  const [debounced] = useDebouncedValue(draft, PREVIEW_DELAY_MS);
  useEffect(() => {
    // Right after a switch the debounced draft is still the previous template's: wait for this one's.
    if (!debounced || debounced.key !== key) return undefined;
    const controller = new AbortController();
    mailTemplatesApi.preview(template, locale, { subject: debounced.subject, body: debounced.body, cardKind }, controller.signal)
      .then((rendered) => {
        setPreview(rendered);
        setPreviewError(null);
      })
      .catch((failure: unknown) => {
        if (!controller.signal.aborted) setPreviewError(failure);
      });
    return () => controller.abort();
  }, [debounced, cardKind, key]);

  const dirty = !!item && draft?.key === key && (draft.subject !== current(item).subject || draft.body !== current(item).body);
  const problem = saveError ?? previewError;

  function edit(field: Target, value: string) {
    setDraft((previous) => (previous ? { ...previous, [field]: value } : previous));
    setSaved(false);
    setSaveError(null);
  }

  /** Puts `open` (and `close` after the selection) where the cursor of the last edited field is. */
  function insert(open: string, close = '') {
    if (!draft) return;
    const element = target === 'subject' ? subjectRef.current : bodyRef.current;
    const value = draft[target];
    const start = element?.selectionStart ?? value.length;
    const end = element?.selectionEnd ?? value.length;
    edit(target, value.slice(0, start) + open + value.slice(start, end) + close + value.slice(end));
    const cursor = end + open.length;
    window.requestAnimationFrame(() => {
      element?.focus();
      element?.setSelectionRange(cursor, cursor);
    });
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!draft) return;
    setSaving(true);
    setSaveError(null);
    try {
      await mailTemplatesApi.save(template, locale, { subject: draft.subject, body: draft.body });
      setSaved(true);
      templates.reload();
    } catch (failure) {
      setSaveError(failure);
    } finally {
      setSaving(false);
    }
  }

  async function reset() {
    setConfirmReset(false);
    setSaveError(null);
    try {
      await mailTemplatesApi.reset(template, locale);
      setSaved(false);
      templates.reload();
    } catch (failure) {
      setSaveError(failure);
    }
  }

  const sections = item ? [...item.flags, ...item.placeholders.filter((name) => !ALWAYS_SET.has(name))] : [];

  return (
    <Stack>
      <Text size="sm">{t('admin.templates.intro')}</Text>
      <ProblemAlert error={templates.error ?? (problem && !isAboutFields(problem, ['/subject', '/body']) ? problem : null)} />
      <Group align="flex-end">
        <Select label={t('admin.templates.template')} data={TEMPLATES.map((value) => ({ value, label: t(`admin.templates.names.${value}`) }))}
          value={template} onChange={(value) => value && setTemplate(value as MailTemplateName)} allowDeselect={false} w={320} data-testid="template-select" />
        <SegmentedControl aria-label={t('admin.templates.language')} value={locale} onChange={(value) => setLocale(value as MailLocale)}
          data={LOCALES.map((value) => ({ value, label: t(`language.${value}`) }))} data-testid="template-locale" />
        {item ? (
          <Badge color={item.override ? '#1d5fa8' : '#495057'} data-testid="template-state">
            {item.override ? t('admin.templates.customised') : t('admin.templates.builtIn')}
          </Badge>
        ) : null}
      </Group>
      {item?.override ? (
        <Text size="xs" c="dimmed">{t('admin.templates.updated', { at: formatDateTime(item.override.updatedAt), by: item.override.updatedBy })}</Text>
      ) : null}
      {!draft || !item ? <Loader role="status" aria-label={t('common.loading')} /> : (
        <Grid gutter="lg">
          <Grid.Col span={{ base: 12, lg: 6 }}>
            <form onSubmit={(event) => void save(event)}>
              <Stack gap="sm">
                <TextInput ref={subjectRef} label={t('admin.templates.subject')} value={draft.subject} onFocus={() => setTarget('subject')}
                  onChange={(event) => edit('subject', event.currentTarget.value)} error={fieldError(t, problem, '/subject')} data-testid="template-subject" />
                <Textarea ref={bodyRef} label={t('admin.templates.body')} description={t('admin.templates.bodyHelp')} value={draft.body}
                  onFocus={() => setTarget('body')} onChange={(event) => edit('body', event.currentTarget.value)} autosize minRows={10} maxRows={24}
                  error={fieldError(t, problem, '/body')} data-testid="template-body" styles={{ input: { fontFamily: 'monospace' } }} />
                <Box>
                  <Text size="sm" fw={500} id="template-insert-label">{t('admin.templates.insert', { field: t(`admin.templates.${target}`) })}</Text>
                  <Group gap={6} mt={4} role="group" aria-labelledby="template-insert-label" data-testid="template-placeholders">
                    {item.placeholders.map((name) => (
                      <Button key={name} size="compact-sm" variant="light" color="#1d5fa8" onMouseDown={(event) => event.preventDefault()}
                        onClick={() => insert(`{{${name}}}`)} title={t(`admin.templates.placeholders.${name}`)} data-testid={`insert-${name}`}>
                        {`{{${name}}}`}
                      </Button>
                    ))}
                  </Group>
                  <Group gap={6} mt={6} role="group" aria-labelledby="template-insert-label">
                    {sections.flatMap((name) => [
                      <Button key={`#${name}`} size="compact-sm" variant="default" onMouseDown={(event) => event.preventDefault()}
                        onClick={() => insert(`{{#${name}}}`, `{{/${name}}}`)} title={t('admin.templates.sectionShown', { name })} data-testid={`insert-section-${name}`}>
                        {`{{#${name}}}…`}
                      </Button>,
                      <Button key={`^${name}`} size="compact-sm" variant="default" onMouseDown={(event) => event.preventDefault()}
                        onClick={() => insert(`{{^${name}}}`, `{{/${name}}}`)} title={t('admin.templates.sectionHidden', { name })}>
                        {`{{^${name}}}…`}
                      </Button>,
                    ])}
                  </Group>
                </Box>
                <Text size="xs" c="dimmed">
                  <Code>{'{{#virtual}}…{{/virtual}}'}</Code> {t('admin.templates.helpSection')} <Code>{'{{^virtual}}…{{/virtual}}'}</Code> {t('admin.templates.helpInverted')}
                </Text>
                {saved ? <Alert color="green" role="status" data-testid="template-saved">{t('admin.saved')}</Alert> : null}
                <Group>
                  <Button type="submit" loading={saving} disabled={!dirty} data-testid="template-save">{t('common.save')}</Button>
                  <Button variant="outline" color="red" disabled={!item.override} onClick={() => setConfirmReset(true)} data-testid="template-reset">
                    {t('admin.templates.reset')}
                  </Button>
                </Group>
              </Stack>
            </form>
          </Grid.Col>
          <Grid.Col span={{ base: 12, lg: 6 }}>
            <Paper withBorder p="md" data-testid="template-preview">
              <Group justify="space-between" mb="xs">
                <Title order={2} size="h4">{t('admin.templates.preview')}</Title>
                <SegmentedControl size="xs" aria-label={t('admin.templates.cardKind')} value={cardKind} onChange={(value) => setCardKind(value as 'physical' | 'virtual')}
                  data={[{ value: 'physical', label: t('admin.templates.physical') }, { value: 'virtual', label: t('admin.templates.virtual') }]} />
              </Group>
              <Text size="xs" c="dimmed" mb="sm">{t('admin.templates.previewHelp')}</Text>
              {preview ? (
                <Stack gap="xs">
                  <Text size="sm"><Text span fw={600}>{t('admin.templates.subjectLabel')} </Text><span data-testid="template-preview-subject">{preview.subject}</span></Text>
                  <Title order={3} size="h6">{t('admin.templates.htmlVersion')}</Title>
                  <iframe title={t('admin.templates.htmlVersion')} sandbox="" srcDoc={preview.html} data-testid="template-preview-html"
                    style={{ width: '100%', height: 320, border: '1px solid #ced4da', borderRadius: 4, background: '#fff' }} />
                  <Title order={3} size="h6">{t('admin.templates.textVersion')}</Title>
                  <Text component="pre" size="xs" data-testid="template-preview-text" style={{ whiteSpace: 'pre-wrap', fontFamily: 'monospace', margin: 0 }}>{preview.text}</Text>
                </Stack>
              ) : <Loader size="sm" role="status" aria-label={t('common.loading')} />}
            </Paper>
          </Grid.Col>
        </Grid>
      )}
      <Modal opened={confirmReset} onClose={() => setConfirmReset(false)} title={t('admin.templates.resetTitle')}>
        <Stack>
          <Text size="sm">{t('admin.templates.resetConfirm', { template: t(`admin.templates.names.${template}`), language: t(`language.${locale}`) })}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirmReset(false)}>{t('common.cancel')}</Button>
            <Button color="red" onClick={() => void reset()} data-testid="template-reset-confirm">{t('admin.templates.reset')}</Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
