import {
  ActionIcon, Alert, Badge, Box, Button, Code, Grid, Group, Loader, Modal, Paper, SegmentedControl, Select, Stack, Text, Textarea, TextInput, Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  mailTemplatesApi, type MailLocale, type MailTemplate, type MailTemplateName, type RenderedMail, type TemplateSource,
} from '../api/mail-templates.api.ts';
import { actorLabel } from '../shared/actor-label.ts';
import { formatDateTime } from '../shared/format.ts';
import { fieldError, isAboutFields } from '../shared/problem-messages.ts';
import { ProblemAlert } from '../shared/problem-alert.component.tsx';
import { useApi } from '../shared/use-api.hook.ts';
import { fromBlocks, toBlocks, type TemplateBlock } from './mail-template-blocks.ts';

const TEMPLATES: readonly MailTemplateName[] = ['request_checked', 'request_rejected', 'card_ready', 'card_disabled', 'card_enabled'];
const LOCALES: readonly MailLocale[] = ['fr', 'en'];
/** Values that are never empty: a section on them would always show, so no section button for them. */
const ALWAYS_SET = new Set(['link', 'advice']);
const PREVIEW_DELAY_MS = 400;

type Target = 'subject' | 'body';
type Mode = 'blocks' | 'raw';

/** What is being edited, tagged with the template and language it belongs to. */
interface Draft extends TemplateSource {
  key: string;
}

function current(item: MailTemplate): TemplateSource {
  return item.override ? { subject: item.override.subject, body: item.override.body } : item.default;
}

/** A section's condition as one value of the condition select: `#name` (shown when set) or `^name` (when not). */
function conditionOf(block: TemplateBlock): string {
  return block.kind === 'section' ? `${block.inverted ? '^' : '#'}${block.name}` : '';
}

/**
 * The mails people receive, rewritten by an admin: one subject and body per template and language,
 * with buttons inserting placeholders where the cursor is, a live preview (sample data, text and
 * HTML) and a way back to the built-in text. The body is edited as blocks by default: paragraphs
 * and sections labelled by their condition ("Si la carte est virtuelle"), written back in the
 * template syntax; the raw text stays one click away ("Texte brut (avancé)").
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
  const [mode, setMode] = useState<Mode>('blocks');
  const [blockIndex, setBlockIndex] = useState(0);
  const blockRefs = useRef<Array<HTMLTextAreaElement | null>>([]);
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

  const blocks = draft ? toBlocks(draft.body) : null;
  const showBlocks = mode === 'blocks' && blocks !== null;

  function editBlocks(next: TemplateBlock[]) {
    edit('body', fromBlocks(next));
  }

  /** Puts `open` (and `close` after the selection) where the cursor of the last edited field is. */
  function insert(open: string, close = '') {
    if (!draft) return;
    if (target === 'body' && showBlocks && blocks) {
      const index = Math.min(blockIndex, blocks.length - 1);
      const element = blockRefs.current[index];
      const block = blocks[index];
      if (!block) return;
      const start = element?.selectionStart ?? block.text.length;
      const end = element?.selectionEnd ?? block.text.length;
      editBlocks(blocks.map((candidate, at) => (at === index
        ? { ...candidate, text: candidate.text.slice(0, start) + open + candidate.text.slice(start, end) + close + candidate.text.slice(end) }
        : candidate)));
      const cursor = end + open.length;
      window.requestAnimationFrame(() => {
        element?.focus();
        element?.setSelectionRange(cursor, cursor);
      });
      return;
    }
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
  /** How a condition reads: "Si la carte est virtuelle", "Si « Motif » est vide"… */
  const conditionLabel = (condition: string): string => {
    const inverted = condition.startsWith('^');
    const name = condition.slice(1);
    if (name === 'virtual') return t(inverted ? 'admin.templates.ifNotVirtual' : 'admin.templates.ifVirtual');
    const label = t(`admin.templates.placeholders.${name}`, { defaultValue: name });
    return t(inverted ? 'admin.templates.ifNoValue' : 'admin.templates.ifValue', { name: label });
  };
  const conditions = sections.flatMap((name) => [`#${name}`, `^${name}`]).map((value) => ({ value, label: conditionLabel(value) }));
  const [newCondition, setNewCondition] = useState<string | null>(null);

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
        <Text size="xs" c="dimmed" data-testid="template-updated">{t('admin.templates.updated', { at: formatDateTime(item.override.updatedAt), by: actorLabel(item.override.updatedBy, item.override.updatedByName, t) })}</Text>
      ) : null}
      {!draft || !item ? <Loader role="status" aria-label={t('common.loading')} /> : (
        <Grid gutter="lg">
          <Grid.Col span={{ base: 12, lg: 6 }}>
            <form onSubmit={(event) => void save(event)}>
              <Stack gap="sm">
                <TextInput ref={subjectRef} label={t('admin.templates.subject')} value={draft.subject} onFocus={() => setTarget('subject')}
                  onChange={(event) => edit('subject', event.currentTarget.value)} error={fieldError(t, problem, '/subject')} data-testid="template-subject" />
                <SegmentedControl aria-label={t('admin.templates.mode')} value={mode} onChange={(value) => setMode(value as Mode)} data-testid="template-mode"
                  data={[{ value: 'blocks', label: t('admin.templates.modeBlocks') }, { value: 'raw', label: t('admin.templates.modeRaw') }]} />
                {mode === 'blocks' && !blocks ? <Alert color="orange" data-testid="template-blocks-unavailable">{t('admin.templates.blocksUnavailable')}</Alert> : null}
                {showBlocks && blocks ? (
                  <Stack gap="xs" data-testid="template-blocks" role="group" aria-label={t('admin.templates.body')}>
                    <Text size="sm" fw={500}>{t('admin.templates.body')}</Text>
                    <Text size="xs" c="dimmed">{t('admin.templates.blocksHelp')}</Text>
                    {blocks.map((block, index) => (
                      <Paper key={index} withBorder p="xs" data-testid="template-block" data-condition={conditionOf(block)}
                        style={block.kind === 'section' ? { borderLeft: '4px solid #1d5fa8' } : undefined}>
                        <Group justify="space-between" gap="xs" mb={4} wrap="nowrap">
                          {block.kind === 'section' ? (
                            <Select size="xs" aria-label={t('admin.templates.condition')} data={conditions} allowDeselect={false} value={conditionOf(block)} w={300}
                              onChange={(value) => value && editBlocks(blocks.map((candidate, at) => (at === index
                                ? { kind: 'section', name: value.slice(1), inverted: value.startsWith('^'), text: candidate.text } : candidate)))}
                              data-testid="template-block-condition" />
                          ) : <Text size="xs" c="dimmed">{t('admin.templates.always')}</Text>}
                          <ActionIcon variant="subtle" color="red" aria-label={t('admin.templates.removeBlock')} disabled={blocks.length === 1}
                            onClick={() => editBlocks(blocks.filter((_candidate, at) => at !== index))} data-testid="template-block-remove">×</ActionIcon>
                        </Group>
                        <Textarea ref={(element) => { blockRefs.current[index] = element; }} aria-label={t('admin.templates.blockText', { n: index + 1 })}
                          value={block.text} autosize minRows={2} maxRows={12} data-testid="template-block-text"
                          onFocus={() => { setTarget('body'); setBlockIndex(index); }}
                          onChange={(event) => {
                            const text = event.currentTarget.value;
                            editBlocks(blocks.map((candidate, at) => (at === index ? { ...candidate, text } : candidate)));
                          }} />
                      </Paper>
                    ))}
                    {fieldError(t, problem, '/body') ? <Text size="sm" c="red" role="alert">{fieldError(t, problem, '/body')}</Text> : null}
                    <Group gap="xs" align="flex-end">
                      <Button size="compact-sm" variant="default" onClick={() => editBlocks([...blocks, { kind: 'text', text: '' }])} data-testid="template-add-text">
                        {t('admin.templates.addText')}
                      </Button>
                      {conditions.length > 0 ? (
                        <>
                          <Select size="xs" aria-label={t('admin.templates.newSectionCondition')} placeholder={t('admin.templates.newSectionCondition')} data={conditions}
                            value={newCondition} onChange={setNewCondition} w={280} data-testid="template-new-condition" />
                          <Button size="compact-sm" variant="default" disabled={!newCondition} data-testid="template-add-section"
                            onClick={() => newCondition && editBlocks([...blocks, { kind: 'section', name: newCondition.slice(1), inverted: newCondition.startsWith('^'), text: '' }])}>
                            {t('admin.templates.addSection')}
                          </Button>
                        </>
                      ) : null}
                    </Group>
                  </Stack>
                ) : (
                  <Textarea ref={bodyRef} label={t('admin.templates.body')} description={t('admin.templates.bodyHelp')} value={draft.body}
                    onFocus={() => setTarget('body')} onChange={(event) => edit('body', event.currentTarget.value)} autosize minRows={10} maxRows={24}
                    error={fieldError(t, problem, '/body')} data-testid="template-body" styles={{ input: { fontFamily: 'monospace' } }} />
                )}
                <Box>
                  <Text size="sm" fw={500} id="template-insert-label">{t('admin.templates.insert', { field: t(`admin.templates.${target}`) })}</Text>
                  <Group gap={6} mt={4} role="group" aria-labelledby="template-insert-label" data-testid="template-placeholders">
                    {item.placeholders.map((name) => (
                      <Button key={name} size="compact-sm" variant="light" color="#1d5fa8" onMouseDown={(event) => event.preventDefault()}
                        onClick={() => insert(`{{${name}}}`)} title={`{{${name}}}`} data-testid={`insert-${name}`}>
                        {`+ ${t(`admin.templates.placeholders.${name}`)}`}
                      </Button>
                    ))}
                  </Group>
                  {showBlocks ? null : <Group gap={6} mt={6} role="group" aria-labelledby="template-insert-label">
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
                  </Group>}
                </Box>
                {showBlocks ? null : (
                  <Text size="xs" c="dimmed">
                    <Code>{'{{#virtual}}…{{/virtual}}'}</Code> {t('admin.templates.helpSection')} <Code>{'{{^virtual}}…{{/virtual}}'}</Code> {t('admin.templates.helpInverted')}
                  </Text>
                )}
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
