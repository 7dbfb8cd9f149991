import {
  Alert, Anchor, Badge, Button, ColorInput, Grid, Group, Paper, SegmentedControl, Stack, Text, Title, UnstyledButton,
} from '@mantine/core';
import { useCallback, useEffect, useMemo, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ApiError } from '../api/api-client.ts';
import { cardTemplatesApi, type CardTemplate } from '../api/card-templates.api.ts';
import { ProblemAlert } from '../shared/problem-alert.component.tsx';
import { useApi } from '../shared/use-api.hook.ts';
import { usePageTitle } from '../shared/use-page-title.hook.ts';
import {
  ELEMENT_KINDS, elementLabels, elementProblems, faceOf, GRID_STEPS, newElement, removeElement, updateElement, withFace,
  type CardElement, type CardTemplateLayout, type ElementKind, type ElementProblem, type GridStep, type Side,
} from './card-template-editing.ts';
import { ElementInspector } from './element-inspector.component.tsx';
import { TemplateCanvas } from './template-canvas.component.tsx';
import { TemplatePreview } from './template-preview.component.tsx';

/** Undo steps kept: enough for an afternoon's slips, bounded so a long session does not grow. */
const UNDO_DEPTH = 50;
/** Asset id of the institution's logo, which the renderer knows without an upload (the server's INSTITUTION_LOGO_ASSET). */
const LOGO_ASSET = 'institution-logo';

/**
 * The card template editor (Administration › Modèles de cartes › a template): the front and back
 * drawn at scale with the bleed and safe area, a palette of elements, dragging and resizing on a
 * grid, the selected element's inspector, the server's render of the draft with sample or real
 * card data, undo, and saving a new version (409: someone saved in between, reload; 422: the
 * element at fault is outlined and named). Those who may not edit the template (`editable` false,
 * or archived) see the same page read-only.
 */
export function CardTemplateEditorPage() {
  const { t, i18n } = useTranslation();
  const { id = '' } = useParams();
  const resource = useApi((signal) => cardTemplatesApi.get(id, signal), [id]);
  const assets = useApi((signal) => cardTemplatesApi.assets(signal), []);
  const [template, setTemplate] = useState<CardTemplate | null>(null);
  const [layout, setLayout] = useState<CardTemplateLayout | null>(null);
  const [history, setHistory] = useState<CardTemplateLayout[]>([]);
  const [side, setSide] = useState<Side>('front');
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [grid, setGrid] = useState<GridStep>(0.5);
  const [saveProblems, setSaveProblems] = useState<ElementProblem[]>([]);
  const [previewProblems, setPreviewProblems] = useState<ElementProblem[]>([]);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [conflict, setConflict] = useState(false);
  const [saved, setSaved] = useState<number | null>(null);
  const [saving, setSaving] = useState(false);
  usePageTitle(template ? t('templateEditor.title', { name: template.name }) : t('templateEditor.loading'));

  // A (re)load starts the draft again from the template's current version.
  useEffect(() => {
    const loaded = resource.data;
    if (!loaded) return;
    setTemplate(loaded);
    setLayout(loaded.layout);
    setHistory([]);
    setSaveProblems([]);
    setSaveError(null);
    setConflict(false);
  }, [resource.data]);

  const editable = !!template && template.editable && !template.archived;
  const face = layout ? faceOf(layout, side) : null;
  const selected = face?.elements.find((element) => element.id === selectedId) ?? null;
  const labels = face ? elementLabels(face.elements, t, i18n.language.startsWith('en') ? 'en' : 'fr') : new Map<string, string>();
  const dirty = !!template && !!layout && JSON.stringify(layout) !== JSON.stringify(template.layout);
  const problems = saveProblems.length > 0 ? saveProblems : previewProblems;
  const problemIds = useMemo(() => new Set(problems.filter((problem) => problem.side === side && problem.elementId !== null)
    .map((problem) => problem.elementId ?? '')), [problems, side]);

  /** Remembers the layout as it is before a change (one undo step). */
  const checkpoint = useCallback(() => {
    if (layout) setHistory((steps) => [...steps.slice(-(UNDO_DEPTH - 1)), layout]);
  }, [layout]);

  function change(next: CardTemplateLayout) {
    setLayout(next);
    setSaved(null);
    setSaveProblems([]);
  }

  function changeElement(element: CardElement) {
    if (!layout) return;
    change(updateElement(layout, side, element.id, () => element));
  }

  function undo() {
    const previous = history.at(-1);
    if (!previous) return;
    setHistory((steps) => steps.slice(0, -1));
    change(previous);
  }

  function add(kind: ElementKind) {
    if (!layout || !face) return;
    checkpoint();
    const element = newElement(face, kind, LOGO_ASSET);
    change(withFace(layout, side, { ...face, elements: [...face.elements, element] }));
    setSelectedId(element.id);
  }

  function remove(elementId: string) {
    if (!layout) return;
    checkpoint();
    change(removeElement(layout, side, elementId));
    setSelectedId(null);
  }

  async function save() {
    if (!template || !layout) return;
    setSaving(true);
    setSaveError(null);
    setConflict(false);
    try {
      const answer = await cardTemplatesApi.save(template.id, layout, template.currentVersion);
      setTemplate(answer);
      setLayout(answer.layout);
      setSaved(answer.currentVersion);
      setSaveProblems([]);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'template_version_conflict') {
        setConflict(true);
      } else if (error instanceof ApiError && error.code === 'invalid_layout') {
        const found = elementProblems(error, layout);
        setSaveProblems(found);
        const first = found[0];
        if (first) {
          setSide(first.side);
          setSelectedId(first.elementId);
        }
        setSaveError(error);
      } else {
        setSaveError(error);
      }
    } finally {
      setSaving(false);
    }
  }

  function keys(event: KeyboardEvent) {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'z' && editable) {
      event.preventDefault();
      undo();
    }
  }

  if (resource.error) return <ProblemAlert error={resource.error} />;
  if (!template || !layout) return <Text c="dimmed">{t('templateEditor.loading')}</Text>;

  const problemText = (problem: ElementProblem) => t(`templateEditor.problems.${problem.code}`, { id: problem.elementId ?? '?', defaultValue: problem.message });
  const selectedProblem = problems.find((problem) => problem.side === side && problem.elementId === selectedId) ?? null;

  return (
    <Stack gap="sm" data-testid="template-editor" data-version={template.currentVersion} data-editable={editable ? 'true' : 'false'} onKeyDown={keys}>
      <Anchor component={Link} to="/office/card-templates" size="sm">{t('templateEditor.back')}</Anchor>
      <Group justify="space-between">
        <Group gap="xs">
          <Title order={1} size="h2">{template.name}</Title>
          <Badge variant="outline" data-testid="template-version">{t('cardTemplates.version', { version: template.currentVersion })}</Badge>
          <Badge variant="light">{template.institution ?? t('cardTemplates.wholeDeployment')}</Badge>
          {dirty ? <Badge color="orange" data-testid="template-dirty">{t('templateEditor.unsaved')}</Badge> : null}
          {!editable ? <Badge color="gray" data-testid="template-read-only">{t('templateEditor.readOnly')}</Badge> : null}
        </Group>
        {editable ? (
          <Group gap="xs">
            <Button variant="default" onClick={undo} disabled={history.length === 0} data-testid="template-undo">{t('templateEditor.undo')}</Button>
            <Button onClick={() => { void save(); }} loading={saving} disabled={!dirty} data-testid="template-save">
              {t('templateEditor.save', { version: template.currentVersion + 1 })}
            </Button>
          </Group>
        ) : null}
      </Group>
      {saved !== null ? <Alert color="green" variant="light" data-testid="template-saved">{t('templateEditor.saved', { version: saved })}</Alert> : null}
      {conflict ? (
        <Alert color="yellow" variant="light" title={t('templateEditor.conflictTitle')} data-testid="template-conflict">
          <Stack gap="xs" align="flex-start">
            <Text size="sm">{t('templateEditor.conflict')}</Text>
            <Button size="xs" variant="light" onClick={resource.reload} data-testid="template-reload">{t('templateEditor.reload')}</Button>
          </Stack>
        </Alert>
      ) : null}
      {saveProblems.length > 0 ? (
        <Alert color="red" variant="light" title={t('templateEditor.refused')} data-testid="template-problems" role="alert">
          <Stack gap={2}>
            {saveProblems.map((problem) => (
              <UnstyledButton key={`${problem.side}-${problem.index}-${problem.code}`} onClick={() => { setSide(problem.side); setSelectedId(problem.elementId); }}>
                <Text size="sm">{t(`templateEditor.${problem.side}`)} · {problemText(problem)}</Text>
              </UnstyledButton>
            ))}
          </Stack>
        </Alert>
      ) : <ProblemAlert error={saveError} />}
      {template.archived ? <Alert color="gray" variant="light">{t('templateEditor.archived')}</Alert> : null}

      <Grid gutter="md">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Paper withBorder p="sm">
            <Stack gap="xs">
              <Group justify="space-between">
                <SegmentedControl value={side} data-testid="template-side" aria-label={t('templateEditor.side')}
                  onChange={(value) => { setSide(value === 'back' ? 'back' : 'front'); setSelectedId(null); }}
                  data={[{ value: 'front', label: t('templateEditor.front') }, { value: 'back', label: t('templateEditor.back_side') }]} />
                <Group gap="xs">
                  <Text size="xs" c="dimmed">{t('templateEditor.grid')}</Text>
                  <SegmentedControl size="xs" value={String(grid)} data-testid="template-grid" aria-label={t('templateEditor.grid')}
                    onChange={(value) => setGrid(GRID_STEPS.find((step) => String(step) === value) ?? 0)}
                    data={GRID_STEPS.map((step) => ({ value: String(step), label: step === 0 ? t('templateEditor.noGrid') : t('templateEditor.gridStep', { step: String(step).replace('.', ',') }) }))} />
                </Group>
              </Group>
              {face ? (
                <>
                  {editable ? (
                    <Group gap={6} data-testid="template-palette">
                      <Text size="xs" c="dimmed">{t('templateEditor.add')}</Text>
                      {ELEMENT_KINDS.map((kind) => (
                        <Button key={kind} size="compact-xs" variant="light" onClick={() => add(kind)} data-testid={`palette-${kind}`}>{t(`templateEditor.kinds.${kind}`)}</Button>
                      ))}
                    </Group>
                  ) : null}
                  <TemplateCanvas face={face} selectedId={selectedId} problemIds={problemIds} grid={grid} editable={editable}
                    onSelect={setSelectedId} onChange={changeElement} onGestureStart={checkpoint} onRemove={remove} />
                  <Text size="xs" c="dimmed">{t(editable ? 'templateEditor.canvasHelp' : 'templateEditor.canvasHelpReadOnly')}</Text>
                  <Group gap="xs" align="flex-end">
                    <ColorInput size="xs" w={160} withEyeDropper={false} label={t('templateEditor.background')} value={face.background} format="hex" disabled={!editable}
                      onChange={(value) => { if (/^#[0-9a-fA-F]{6}$/.test(value)) { checkpoint(); change(withFace(layout, side, { ...face, background: value.toLowerCase() })); } }} />
                    {editable && side === 'back' ? (
                      <Button size="xs" variant="subtle" color="red" data-testid="remove-back" onClick={() => { checkpoint(); change({ ...layout, back: null }); }}>
                        {t('templateEditor.removeBack')}
                      </Button>
                    ) : null}
                  </Group>
                  <Group gap={4} data-testid="template-layers">
                    <Text size="xs" c="dimmed">{t('templateEditor.layers')}</Text>
                    {face.elements.map((element) => (
                      <Button key={element.id} size="compact-xs" variant={element.id === selectedId ? 'filled' : 'default'}
                        color={problemIds.has(element.id) ? 'red' : undefined} onClick={() => setSelectedId(element.id)}
                        title={element.id} data-testid="template-layer" data-element-id={element.id}>
                        {labels.get(element.id) ?? element.id}
                      </Button>
                    ))}
                  </Group>
                </>
              ) : (
                <Stack align="flex-start" gap="xs" data-testid="no-back">
                  <Text size="sm" c="dimmed">{t('cardTemplates.noBack')}</Text>
                  {editable ? (
                    <Button size="xs" variant="light" data-testid="add-back" onClick={() => { checkpoint(); change({ ...layout, back: { background: '#ffffff', elements: [] } }); }}>
                      {t('templateEditor.addBack')}
                    </Button>
                  ) : null}
                </Stack>
              )}
            </Stack>
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Stack gap="md">
            <Paper withBorder p="sm">
              {face ? (
                <TemplatePreview layout={layout} side={side}
                  onRefused={(error) => setPreviewProblems(elementProblems(error, layout))} onAccepted={() => setPreviewProblems([])} />
              ) : <Text size="sm" c="dimmed">{t('cardTemplates.noBack')}</Text>}
            </Paper>
            <Paper withBorder p="sm">
              {selected ? (
                <ElementInspector element={selected} label={labels.get(selected.id) ?? selected.id} assets={assets.data ?? []} editable={editable}
                  problem={selectedProblem ? problemText(selectedProblem) : null}
                  onChange={(element) => { checkpoint(); changeElement(element); }} onRemove={() => remove(selected.id)} />
              ) : <Text size="sm" c="dimmed">{t('templateEditor.nothingSelected')}</Text>}
            </Paper>
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
