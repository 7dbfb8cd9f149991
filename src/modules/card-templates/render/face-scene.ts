import QRCode from 'qrcode';
import {
  CARD_HEIGHT_MM, CARD_WIDTH_MM,
  type BarcodeElement, type CardElement, type CardFaceLayout, type CardRenderData, type ImageElement,
  type PhotoElement, type QrElement, type TextElement,
} from '../domain/card-template.ts';
import { encodeBarcode, QUIET_ZONE_MODULES } from '../domain/barcode.ts';
import { fitText } from '../domain/text-fit.ts';
import { imageInfo, type ImageInfo } from './image-info.ts';
import { advanceEm, fallbackChain, fontCovers, verticalMetricsEm, type CardFont, type LatinFamily } from './card-fonts.ts';

/**
 * A card face resolved once into what is drawn, in millimetres from the card's top-left corner:
 * texts already fitted and split into runs of one font, images placed and cropped, QR modules and
 * barcode bars as rectangles. The SVG and the PDF backends draw the same scene, so a card looks
 * the same in both; neither measures or decides anything.
 */
export interface FaceScene {
  width: number;
  height: number;
  background: string;
  items: SceneItem[];
}

export interface TextRun {
  font: CardFont;
  text: string;
  /** Advance width at the run's size, in millimetres. */
  width: number;
}

export type SceneItem =
  | { kind: 'rect'; x: number; y: number; width: number; height: number; radius: number; fill: string | null;
    stroke: { color: string; width: number; dash: number | null } | null }
  | { kind: 'text'; x: number; baseline: number; size: number; color: string; opacity: number; runs: TextRun[] }
  | { kind: 'image'; clip: { x: number; y: number; width: number; height: number; radius: number };
    x: number; y: number; width: number; height: number; image: ImageInfo; bytes: Uint8Array;
    /** Where the bytes come from: the card's photo, or the template's image of that asset id. */
    source: { photo: true } | { assetId: string } }
  /** Dark cells as rectangles (QR modules, merged by row, or barcode bars). */
  | { kind: 'cells'; color: string; cells: Array<[x: number, y: number, width: number, height: number]> };

export interface ResolveOptions {
  /** The editor's preview: outlines the hologram area and shows a neutral placeholder for missing data. */
  preview?: boolean;
}

/** Millimetres in a typographic point. */
export const MM_PER_PT = 25.4 / 72;
const PLACEHOLDER_FILL = '#d9dde3';
const PLACEHOLDER_STROKE = '#8a94a6';
const PLACEHOLDER_TEXT_OPACITY = 0.45;

/** Resolves `face` with `data` into its scene; pure but for reading the shipped fonts' metrics. */
export function resolveFace(face: CardFaceLayout, data: CardRenderData, options: ResolveOptions = {}): FaceScene {
  const scene: FaceScene = { width: CARD_WIDTH_MM, height: CARD_HEIGHT_MM, background: face.background, items: [] };
  for (const element of face.elements) resolveElement(scene, element, data, options.preview === true);
  return scene;
}

function resolveElement(scene: FaceScene, element: CardElement, data: CardRenderData, preview: boolean): void {
  switch (element.kind) {
    case 'text': resolveText(scene, element, data, preview); break;
    case 'photo': resolvePhoto(scene, element, data, preview); break;
    case 'image': resolveImage(scene, element, data, preview); break;
    case 'shape':
      scene.items.push({ kind: 'rect', x: element.x, y: element.y, width: element.width, height: element.height,
        radius: clampRadius(element.cornerRadius, element), fill: element.fill, stroke: null });
      break;
    case 'qr': resolveQr(scene, element, data, preview); break;
    case 'barcode': resolveBarcode(scene, element, data, preview); break;
    case 'hologram':
      // The hologram sticker goes there: the print leaves it empty.
      if (preview) scene.items.push(placeholder(element, 0, true));
      break;
  }
}

function clampRadius(radius: number, box: { width: number; height: number }): number {
  return Math.min(radius, box.width / 2, box.height / 2);
}

function placeholder(box: { x: number; y: number; width: number; height: number }, radius: number, outlineOnly: boolean): SceneItem {
  return { kind: 'rect', x: box.x, y: box.y, width: box.width, height: box.height, radius: clampRadius(radius, box),
    fill: outlineOnly ? null : PLACEHOLDER_FILL, stroke: { color: PLACEHOLDER_STROKE, width: 0.25, dash: outlineOnly ? 1 : null } };
}

function fieldValue(data: CardRenderData, field: TextElement['field']): string | null {
  if (field === null) return null;
  const value = data.fields[field];
  return value === undefined || value === null || value.trim() === '' ? null : value;
}

function resolveText(scene: FaceScene, element: TextElement, data: CardRenderData, preview: boolean): void {
  const label = element.text ? (element.text[data.language] || element.text.fr) : '';
  const value = fieldValue(data, element.field);
  let content: string;
  let opacity = 1;
  if (element.field !== null && value === null) {
    if (!preview) return; // a missing value prints nothing, not even its label
    content = joinLabel(label, `‹${element.field}›`);
    opacity = PLACEHOLDER_TEXT_OPACITY;
  } else {
    content = joinLabel(label, value ?? '');
  }
  // Line breaks and tabs of a value would draw as missing glyphs: a card line is one line.
  content = content.replace(/\s+/gu, (space) => (space === '\u00a0' || space === '\u202f' ? space : ' ')).trim();
  if (element.uppercase) content = content.toLocaleUpperCase(data.language);
  const text = fitLine(content, element);
  if (text) scene.items.push({ ...text, color: element.color, opacity });
}

function joinLabel(label: string, value: string): string {
  if (label === '') return value;
  if (value === '') return label;
  return /\s$/u.test(label) ? `${label}${value}` : `${label} ${value}`;
}

interface FittedLine { kind: 'text'; x: number; baseline: number; size: number; runs: TextRun[] }
type LineBox = Pick<TextElement, 'x' | 'y' | 'width' | 'height' | 'font' | 'bold' | 'italic' | 'fontSize' | 'minFontSize' | 'overflow' | 'align'>;

// A batch prints the same template's labels and common values (dates, the institution) on every
// card: a fitted line is kept per element (the layout object, alive as long as its template) and
// text, up to a bound per element.
const LINES_PER_ELEMENT = 200;
const fittedLines = new WeakMap<object, Map<string, FittedLine | null>>();

function fitLine(content: string, element: LineBox, owner: object = element): FittedLine | null {
  let lines = fittedLines.get(owner);
  if (!lines) {
    lines = new Map();
    fittedLines.set(owner, lines);
  }
  let line = lines.get(content);
  if (line === undefined) {
    line = fitLineUncached(content, element);
    if (lines.size >= LINES_PER_ELEMENT) lines.clear();
    lines.set(content, line);
  }
  return line;
}

/**
 * Fits one line into its element's box (height first: the size is capped so that the primary
 * font's ascent and descent fit) and places it by its alignment and vertically centred.
 */
function fitLineUncached(content: string, element: LineBox): FittedLine | null {
  if (content === '') return null;
  const chain = fallbackChain(element.font as LatinFamily, element.bold, element.italic);
  const primary = verticalMetricsEm(chain[0]!);
  const lineEm = primary.ascent + primary.descent;
  const heightCap = element.height / (lineEm * MM_PER_PT);
  const fitted = fitText({
    text: content, boxWidthMm: element.width, fontSizePt: Math.min(element.fontSize, heightCap),
    minFontSizePt: element.minFontSize, overflow: element.overflow,
  }, (text) => runsOf(text, chain).reduce((sum, run) => sum + run.em, 0) * MM_PER_PT);
  if (fitted.text === '') return null;
  const size = fitted.fontSizePt * MM_PER_PT;
  const runs = runsOf(fitted.text, chain).map((run) => ({ font: run.font, text: run.text, width: run.em * size }));
  const width = runs.reduce((sum, run) => sum + run.width, 0);
  const x = element.align === 'start' ? element.x
    : element.align === 'middle' ? element.x + (element.width - width) / 2
      : element.x + element.width - width;
  const baseline = element.y + (element.height - lineEm * size) / 2 + primary.ascent * size;
  return { kind: 'text', x, baseline, size, runs };
}

// A character with the combining marks that follow it (accents written apart): faster than
// Intl.Segmenter and enough to choose a font.
const CLUSTER = /\P{M}\p{M}*|\p{M}+/gsu;

/**
 * Splits a text into runs of one font: each character (with its combining marks) takes the first
 * font of the chain that has all its code points; spaces and punctuation stay with the run they
 * are in (so an Arabic name's words stay one right-to-left run).
 */
function runsOf(text: string, chain: CardFont[]): Array<{ font: CardFont; text: string; em: number }> {
  const runs: Array<{ font: CardFont; text: string }> = [];
  for (const grapheme of text.match(CLUSTER) ?? []) {
    const last = runs[runs.length - 1];
    const neutral = /^[\s\p{P}\p{S}\d]+$/u.test(grapheme);
    if (last && neutral && fontCovers(last.font, grapheme)) {
      last.text += grapheme;
      continue;
    }
    const font = chain.find((candidate) => fontCovers(candidate, grapheme)) ?? chain[0]!;
    if (last && last.font === font) last.text += grapheme;
    else runs.push({ font, text: grapheme });
  }
  return runs.map((run) => ({ ...run, em: advanceEm(run.font, run.text) }));
}

function resolvePhoto(scene: FaceScene, element: PhotoElement, data: CardRenderData, preview: boolean): void {
  const info = data.photo ? imageInfo(data.photo) : null;
  if (!data.photo || !info) {
    if (preview) scene.items.push(placeholder(element, element.cornerRadius, false));
    return;
  }
  scene.items.push(placedImage(element, clampRadius(element.cornerRadius, element), 'cover', data.photo, info, { photo: true }));
}

function resolveImage(scene: FaceScene, element: ImageElement, data: CardRenderData, preview: boolean): void {
  const bytes = data.images[element.assetId];
  const info = bytes ? imageInfo(bytes) : null;
  if (!bytes || !info) {
    if (preview) scene.items.push(placeholder(element, 0, true));
    return;
  }
  scene.items.push(placedImage(element, 0, element.fit, bytes, info, { assetId: element.assetId }));
}

/** Places an image in its box: `cover` fills it and crops the overflow (centred), `contain` fits it whole. */
function placedImage(box: { x: number; y: number; width: number; height: number }, radius: number,
  fit: ImageElement['fit'], bytes: Uint8Array, image: ImageInfo, source: { photo: true } | { assetId: string }): SceneItem {
  const clip = { x: box.x, y: box.y, width: box.width, height: box.height, radius };
  if (fit === 'stretch') return { kind: 'image', clip, x: box.x, y: box.y, width: box.width, height: box.height, image, bytes, source };
  const scaleX = box.width / image.width;
  const scaleY = box.height / image.height;
  const scale = fit === 'cover' ? Math.max(scaleX, scaleY) : Math.min(scaleX, scaleY);
  const width = image.width * scale;
  const height = image.height * scale;
  return { kind: 'image', clip, x: box.x + (box.width - width) / 2, y: box.y + (box.height - height) / 2, width, height, image, bytes, source };
}

function resolveQr(scene: FaceScene, element: QrElement, data: CardRenderData, preview: boolean): void {
  if (!data.qrText) {
    if (preview) scene.items.push(placeholder(element, 0, false));
    return;
  }
  // Error correction M, as the verification page's QR code; one byte segment (the ESCN's URL):
  // the library's search for the shortest mix of modes was a tenth of a batch's time.
  const matrix = QRCode.create([{ data: Buffer.from(data.qrText, 'utf8'), mode: 'byte' }], { errorCorrectionLevel: 'M' }).modules;
  const count = matrix.size;
  const side = Math.min(element.width, element.height);
  const cell = side / count;
  const left = element.x + (element.width - side) / 2;
  const top = element.y + (element.height - side) / 2;
  const cells: Array<[number, number, number, number]> = [];
  for (let row = 0; row < count; row += 1) {
    let start = -1;
    for (let column = 0; column <= count; column += 1) {
      const dark = column < count && matrix.get(row, column) === 1;
      if (dark && start < 0) start = column;
      if (!dark && start >= 0) {
        cells.push([left + start * cell, top + row * cell, (column - start) * cell, cell]);
        start = -1;
      }
    }
  }
  scene.items.push({ kind: 'cells', color: element.color, cells });
}

/** Room under the bars for the value in clear, as a share of the element's height. */
const BARCODE_TEXT_SHARE = 0.24;

function resolveBarcode(scene: FaceScene, element: BarcodeElement, data: CardRenderData, preview: boolean): void {
  const value = fieldValue(data, element.field);
  const symbol = value === null ? null : encodeBarcode(element.symbology, element.symbology === 'code39' ? value.toUpperCase() : value);
  if (!symbol || value === null) {
    if (preview) scene.items.push(placeholder(element, 0, false));
    return;
  }
  const textHeight = element.showText ? element.height * BARCODE_TEXT_SHARE : 0;
  const barsHeight = element.height - textHeight;
  const module = element.width / (symbol.modules + 2 * QUIET_ZONE_MODULES);
  const cells: Array<[number, number, number, number]> = [];
  let x = element.x + QUIET_ZONE_MODULES * module;
  symbol.widths.forEach((width, index) => {
    if (index % 2 === 0) cells.push([x, element.y, width * module, barsHeight]);
    x += width * module;
  });
  scene.items.push({ kind: 'cells', color: element.color, cells });
  if (element.showText) {
    const text = fitLine(value, {
      x: element.x, y: element.y + barsHeight, width: element.width, height: textHeight, font: 'mono', bold: false,
      italic: false, fontSize: 72, minFontSize: 3, overflow: 'shrink', align: 'middle',
    }, element);
    if (text) scene.items.push({ ...text, color: element.color, opacity: 1 });
  }
}
