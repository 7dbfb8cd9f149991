import {
  Alert, Button, Checkbox, ColorInput, Group, NumberInput, SegmentedControl, Select, SimpleGrid, Stack, Text, TextInput, Title,
} from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { CardTemplateAsset } from '../api/card-templates.api.ts';
import { BOUND_FIELDS, type BoundField, type CardElement, type TextElement } from './card-template-editing.ts';

/** The shipped fonts (the renderer's DejaVu families), by the layout's names. */
const FONTS: ReadonlyArray<{ value: TextElement['font']; label: string }> = [
  { value: 'sans', label: 'DejaVu Sans' }, { value: 'serif', label: 'DejaVu Serif' }, { value: 'mono', label: 'DejaVu Sans Mono' },
];
const FREE_TEXT = '';

/**
 * The selected element's properties: its box in millimetres (typed values are kept as typed, even
 * outside the card: the save then names the element, rather than the editor moving it silently),
 * and what its kind has (text: bound field, label or free text in French and English, font, size,
 * minimum size, weight, colour, alignment; barcode: symbology and identifier; image: which upload;
 * colours and corner radii). `problem`: the server's message about this element.
 */
export function ElementInspector({ element, label, assets, editable, problem, onChange, onRemove }: {
  element: CardElement;
  /** The element's name for a person (see `elementLabels`); its id is shown after it, as secondary text. */
  label: string;
  assets: readonly CardTemplateAsset[];
  editable: boolean;
  problem: string | null;
  onChange(element: CardElement): void;
  onRemove(): void;
}) {
  const { t } = useTranslation();
  const fieldOptions = BOUND_FIELDS.map((field) => ({ value: field, label: t(`templateEditor.fields.${field}`) }));
  const mm = (key: 'x' | 'y' | 'width' | 'height') => (
    <NumberInput key={`${element.id}-${key}`} label={t(`templateEditor.box.${key}`)} data-testid={`inspector-${key}`} value={element[key]} suffix=" mm"
      decimalScale={2} step={0.5} min={0} max={200} size="xs" disabled={!editable}
      onChange={(value) => { if (typeof value === 'number') onChange({ ...element, [key]: value }); }} />
  );
  const colour = (value: string, change: (colour: string) => void, label = t('templateEditor.colour')) => (
    <ColorInput size="xs" withEyeDropper={false} label={label} value={value} format="hex" disabled={!editable} data-testid="inspector-colour"
      onChange={(next) => { if (/^#[0-9a-fA-F]{6}$/.test(next)) change(next.toLowerCase()); }} />
  );
  const radius = (value: number, change: (radius: number) => void) => (
    <NumberInput size="xs" label={t('templateEditor.cornerRadius')} value={value} suffix=" mm" decimalScale={2} step={0.2} min={0} max={20} disabled={!editable}
      onChange={(next) => { if (typeof next === 'number') change(next); }} />
  );

  return (
    <Stack gap="xs" data-testid="element-inspector" data-element-id={element.id}>
      <Group justify="space-between" wrap="nowrap">
        <Title order={3} size="h6" data-testid="inspector-title">{label} <Text span c="dimmed" size="xs" ff="monospace">{element.id}</Text></Title>
        {editable ? <Button size="compact-xs" color="red" variant="light" onClick={onRemove} data-testid="inspector-remove">{t('templateEditor.remove')}</Button> : null}
      </Group>
      {problem ? <Alert color="red" variant="light" p="xs" data-testid="inspector-problem">{problem}</Alert> : null}
      <SimpleGrid cols={2} spacing="xs">{mm('x')}{mm('y')}{mm('width')}{mm('height')}</SimpleGrid>
      {element.kind === 'text' ? (
        <>
          <Select size="xs" label={t('templateEditor.boundField')} data-testid="inspector-field" disabled={!editable} allowDeselect={false}
            data={[{ value: FREE_TEXT, label: t('templateEditor.freeText') }, ...fieldOptions]} value={element.field ?? FREE_TEXT}
            onChange={(value) => onChange({ ...element, field: value ? value as BoundField : null })} />
          <SimpleGrid cols={2} spacing="xs">
            {(['fr', 'en'] as const).map((language) => (
              <TextInput key={language} size="xs" disabled={!editable} data-testid={`inspector-text-${language}`}
                label={t(element.field ? 'templateEditor.labelText' : 'templateEditor.freeTextIn', { language: language.toUpperCase() })}
                value={element.text?.[language] ?? ''} maxLength={200}
                onChange={(event) => {
                  const text = { fr: element.text?.fr ?? '', en: element.text?.en ?? '', [language]: event.currentTarget.value };
                  onChange({ ...element, text: text.fr || text.en ? text : null });
                }} />
            ))}
          </SimpleGrid>
          <SimpleGrid cols={2} spacing="xs">
            <Select size="xs" label={t('templateEditor.font')} data={FONTS.map((font) => ({ ...font }))} value={element.font} allowDeselect={false} disabled={!editable}
              onChange={(value) => { const font = FONTS.find((candidate) => candidate.value === value); if (font) onChange({ ...element, font: font.value }); }} />
            {colour(element.color, (color) => onChange({ ...element, color }))}
            <NumberInput size="xs" label={t('templateEditor.fontSize')} data-testid="inspector-font-size" value={element.fontSize} suffix=" pt" decimalScale={1} step={0.5}
              min={3} max={72} disabled={!editable} onChange={(value) => { if (typeof value === 'number') onChange({ ...element, fontSize: value }); }} />
            <NumberInput size="xs" label={t('templateEditor.minFontSize')} data-testid="inspector-min-font-size" value={element.minFontSize} suffix=" pt" decimalScale={1}
              step={0.5} min={3} max={72} disabled={!editable} onChange={(value) => { if (typeof value === 'number') onChange({ ...element, minFontSize: value }); }} />
          </SimpleGrid>
          <Group gap="sm">
            <Checkbox size="xs" label={t('templateEditor.bold')} checked={element.bold} disabled={!editable} onChange={(event) => onChange({ ...element, bold: event.currentTarget.checked })} />
            <Checkbox size="xs" label={t('templateEditor.italic')} checked={element.italic} disabled={!editable} onChange={(event) => onChange({ ...element, italic: event.currentTarget.checked })} />
            <Checkbox size="xs" label={t('templateEditor.uppercase')} checked={element.uppercase} disabled={!editable}
              onChange={(event) => onChange({ ...element, uppercase: event.currentTarget.checked })} />
          </Group>
          <SegmentedControl size="xs" disabled={!editable} value={element.align} aria-label={t('templateEditor.align')}
            data={(['start', 'middle', 'end'] as const).map((value) => ({ value, label: t(`templateEditor.aligns.${value}`) }))}
            onChange={(value) => onChange({ ...element, align: value === 'middle' ? 'middle' : value === 'end' ? 'end' : 'start' })} />
          <Select size="xs" label={t('templateEditor.overflow')} allowDeselect={false} disabled={!editable} value={element.overflow}
            data={[{ value: 'shrink', label: t('templateEditor.overflows.shrink') }, { value: 'ellipsis', label: t('templateEditor.overflows.ellipsis') }]}
            onChange={(value) => onChange({ ...element, overflow: value === 'ellipsis' ? 'ellipsis' : 'shrink' })} />
        </>
      ) : null}
      {element.kind === 'barcode' ? (
        <>
          <Select size="xs" label={t('templateEditor.symbology')} data-testid="inspector-symbology" allowDeselect={false} disabled={!editable} value={element.symbology}
            data={[{ value: 'code128', label: 'Code 128' }, { value: 'code39', label: 'Code 39' }]}
            onChange={(value) => onChange({ ...element, symbology: value === 'code39' ? 'code39' : 'code128' })} />
          <Select size="xs" label={t('templateEditor.barcodeField')} data-testid="inspector-barcode-field" allowDeselect={false} disabled={!editable}
            data={fieldOptions} value={element.field} onChange={(value) => { if (value) onChange({ ...element, field: value as BoundField }); }} />
          <Checkbox size="xs" label={t('templateEditor.showText')} checked={element.showText} disabled={!editable}
            onChange={(event) => onChange({ ...element, showText: event.currentTarget.checked })} />
          {colour(element.color, (color) => onChange({ ...element, color }))}
        </>
      ) : null}
      {element.kind === 'image' ? (
        <>
          <Select size="xs" label={t('templateEditor.image')} allowDeselect={false} disabled={!editable} value={element.assetId}
            data={[{ value: 'institution-logo', label: t('templateEditor.logo') }, ...assets.map((asset) => ({ value: asset.id, label: asset.name }))]}
            onChange={(value) => { if (value) onChange({ ...element, assetId: value }); }} />
          <Select size="xs" label={t('templateEditor.fit')} allowDeselect={false} disabled={!editable} value={element.fit}
            data={(['contain', 'cover', 'stretch'] as const).map((value) => ({ value, label: t(`templateEditor.fits.${value}`) }))}
            onChange={(value) => onChange({ ...element, fit: value === 'cover' ? 'cover' : value === 'stretch' ? 'stretch' : 'contain' })} />
        </>
      ) : null}
      {element.kind === 'shape' ? (
        <SimpleGrid cols={2} spacing="xs">
          {colour(element.fill, (fill) => onChange({ ...element, fill }), t('templateEditor.fill'))}
          {radius(element.cornerRadius, (cornerRadius) => onChange({ ...element, cornerRadius }))}
        </SimpleGrid>
      ) : null}
      {element.kind === 'photo' ? radius(element.cornerRadius, (cornerRadius) => onChange({ ...element, cornerRadius })) : null}
      {element.kind === 'qr' ? colour(element.color, (color) => onChange({ ...element, color })) : null}
      {element.kind === 'hologram' ? <Text size="xs" c="dimmed">{t('templateEditor.hologramHelp')}</Text> : null}
    </Stack>
  );
}
