import type {
  BoundField, CardElement, CardFaceLayout, CardTemplateLayout, TextElement,
} from '../../../src/modules/card-templates/domain/card-template.ts';

/**
 * The card template editor's pure part: the layout model (types from the server's domain, so the
 * editor cannot drift from what the API checks), moving and resizing on a grid, new elements, and
 * reading the server's 422 pointers back to the element at fault. No React, no DOM.
 */

export type { BoundField, CardElement, CardFaceLayout, CardTemplateLayout, TextElement };

/** A face of the card. */
export type Side = 'front' | 'back';
/** What the palette adds. */
export type ElementKind = CardElement['kind'];

/** ID-1 size in millimetres (the server's CARD_WIDTH_MM / CARD_HEIGHT_MM: a value import would bring TypeBox into the bundle). */
export const CARD_WIDTH_MM = 85.6;
export const CARD_HEIGHT_MM = 53.98;
/** How far past the edge the server accepts an element (its BLEED_MM): a background printed edge to edge. */
export const BLEED_MM = 1;
/**
 * Where texts and codes should stay: printers shift the card by up to about 1 mm and cut edges
 * unevenly, so the usual print shops' safe margin is 3 mm. Shown only; the server does not check it.
 */
export const SAFE_MARGIN_MM = 3;

/** Every field a text or barcode can show; the Record keeps this list complete when the server adds one. */
const FIELD_SET: Record<BoundField, true> = {
  lastName: true, firstName: true, fullName: true, studentNumber: true, personType: true, institutionName: true,
  expiresAt: true, enabledAt: true, escn: true, csn: true, secondaryId: true, accessControlId: true, crousCardNumber: true,
  academicYear: true,
};
export const BOUND_FIELDS = Object.keys(FIELD_SET) as BoundField[];

/** The palette, in the order shown. */
export const ELEMENT_KINDS: readonly ElementKind[] = ['photo', 'text', 'image', 'shape', 'qr', 'barcode', 'hologram'];

/** The grid choices, in millimetres (0: no snapping). */
export const GRID_STEPS = [0, 0.5, 1] as const;
export type GridStep = (typeof GRID_STEPS)[number];

/** Rounds to 0.01 mm: what an inspector shows, and no float noise (12.000000001) in saved layouts. */
export function roundMm(value: number): number {
  return Math.round(value * 100) / 100;
}

/** `value` on the grid (unchanged without one), rounded to 0.01 mm. */
export function snap(value: number, grid: GridStep): number {
  return roundMm(grid > 0 ? Math.round(value / grid) * grid : value);
}

/** The smallest box the mouse can make: a handle must stay grabbable. */
export const MIN_SIZE_MM = 1;

/**
 * The element moved to (x, y) snapped, kept where the server accepts it (inside the card and its
 * bleed, never negative), so a drag cannot make a layout the save would refuse.
 */
export function moveTo<E extends CardElement>(element: E, x: number, y: number, grid: GridStep): E {
  const maxX = CARD_WIDTH_MM + BLEED_MM - element.width;
  const maxY = CARD_HEIGHT_MM + BLEED_MM - element.height;
  return { ...element, x: clamp(snap(x, grid), 0, Math.max(0, maxX)), y: clamp(snap(y, grid), 0, Math.max(0, maxY)) };
}

/** The element with its bottom-right corner dragged to (right, bottom), snapped and kept inside the bleed. */
export function resizeTo<E extends CardElement>(element: E, right: number, bottom: number, grid: GridStep): E {
  const width = clamp(snap(right, grid) - element.x, MIN_SIZE_MM, CARD_WIDTH_MM + BLEED_MM - element.x);
  const height = clamp(snap(bottom, grid) - element.y, MIN_SIZE_MM, CARD_HEIGHT_MM + BLEED_MM - element.y);
  return { ...element, width: roundMm(width), height: roundMm(height) };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}

/** A new id for an element of `kind` on `face`: `kind`, else `kind-2`, `kind-3`… (ids are unique per face). */
export function freshId(face: CardFaceLayout, kind: ElementKind): string {
  const taken = new Set(face.elements.map((element) => element.id));
  if (!taken.has(kind)) return kind;
  let n = 2;
  while (taken.has(`${kind}-${n}`)) n += 1;
  return `${kind}-${n}`;
}

/**
 * A new element of `kind` for `face`, near the middle of the card with a size that suits it
 * (a photo at passport proportions, a square QR code, a wide barcode). `assetId`: the image shown
 * by a new image element (the institution's logo when there is no upload).
 */
export function newElement(face: CardFaceLayout, kind: ElementKind, assetId: string): CardElement {
  const id = freshId(face, kind);
  const at = (width: number, height: number) => ({ id, x: snap((CARD_WIDTH_MM - width) / 2, 0.5), y: snap((CARD_HEIGHT_MM - height) / 2, 0.5), width, height });
  switch (kind) {
    case 'photo': return { kind, ...at(22, 28), cornerRadius: 1 };
    case 'text': return {
      kind, ...at(40, 5), field: null, text: { fr: 'Texte', en: 'Text' }, font: 'sans', fontSize: 8, bold: false, italic: false,
      uppercase: false, color: '#1b2430', align: 'start', overflow: 'shrink', minFontSize: 5,
    };
    case 'image': return { kind, ...at(12, 12), assetId, fit: 'contain' };
    case 'shape': return { kind, ...at(30, 8), fill: '#1d4f91', cornerRadius: 0 };
    case 'qr': return { kind, ...at(15, 15), color: '#000000' };
    case 'barcode': return { kind, ...at(45, 12), symbology: 'code128', field: 'studentNumber', showText: true, color: '#000000' };
    case 'hologram': return { kind, ...at(15, 15) };
  }
}

/** The face of `side` (the back may be absent). */
export function faceOf(layout: CardTemplateLayout, side: Side): CardFaceLayout | null {
  return side === 'front' ? layout.front : layout.back;
}

/** The layout with the face of `side` replaced. */
export function withFace(layout: CardTemplateLayout, side: Side, face: CardFaceLayout): CardTemplateLayout {
  return side === 'front' ? { ...layout, front: face } : { ...layout, back: face };
}

/** The layout with the element `id` of `side` replaced by `change(element)`. */
export function updateElement(layout: CardTemplateLayout, side: Side, id: string, change: (element: CardElement) => CardElement): CardTemplateLayout {
  const face = faceOf(layout, side);
  if (!face) return layout;
  return withFace(layout, side, { ...face, elements: face.elements.map((element) => (element.id === id ? change(element) : element)) });
}

/** The layout without the element `id` of `side`. */
export function removeElement(layout: CardTemplateLayout, side: Side, id: string): CardTemplateLayout {
  const face = faceOf(layout, side);
  if (!face) return layout;
  return withFace(layout, side, { ...face, elements: face.elements.filter((element) => element.id !== id) });
}

/** A problem of the server read back onto one element: its face, index and id, and the message. */
export interface ElementProblem {
  side: Side;
  index: number;
  elementId: string | null;
  code: string;
  message: string;
}

/** What `elementProblems` reads of an API refusal (an ApiError has it). */
export interface LayoutRefusal {
  code: string;
  detail: string | undefined;
  field: string | undefined;
  items: ReadonlyArray<{ code: string; message: string; field?: string }>;
}

const ELEMENT_POINTER = /^\/layout\/(front|back)\/elements\/(\d+)(?:\/|$)/;

/**
 * The faults of a 422 `invalid_layout` answer that name an element (`/layout/front/elements/3`,
 * or a property under it for a schema fault), read against `layout` (the one sent) to find its id.
 */
export function elementProblems(error: LayoutRefusal, layout: CardTemplateLayout): ElementProblem[] {
  const items = error.items.length > 0 ? error.items : [{ code: error.code, message: error.detail ?? error.code, field: error.field }];
  return items.flatMap((item) => {
    const match = item.field ? ELEMENT_POINTER.exec(item.field) : null;
    if (!match) return [];
    const side: Side = match[1] === 'back' ? 'back' : 'front';
    const index = Number(match[2]);
    const element = faceOf(layout, side)?.elements[index];
    return [{ side, index, elementId: element?.id ?? null, code: item.code, message: item.message }];
  });
}

/** The institution's logo, an image the renderer knows without an upload (the server's INSTITUTION_LOGO_ASSET). */
const LOGO_ASSET_ID = 'institution-logo';
/** How much of a free text names its element before it is cut. */
const LABEL_TEXT_CHARS = 24;

/**
 * A name a person reads for each element of a face, by element id, for the layer chips and the
 * inspector's title (ids such as `qr-ground` are the layout's, not the manager's words): the
 * element's kind with the data it shows (a bound field), its free text, or « logo »; elements
 * that would read alike (several shapes) are numbered in the face's order.
 * `translate` is i18next's `t` over the `templateEditor` keys.
 */
export function elementLabels(elements: readonly CardElement[], translate: (key: string) => string, language: 'fr' | 'en'): Map<string, string> {
  const base = elements.map((element) => {
    const kind = translate(`templateEditor.kinds.${element.kind}`);
    if (element.kind === 'barcode') return `${kind} · ${translate(`templateEditor.fields.${element.field}`)}`;
    if (element.kind === 'image' && element.assetId === LOGO_ASSET_ID) return `${kind} · ${translate('templateEditor.logo')}`;
    if (element.kind !== 'text') return kind;
    if (element.field !== null) return `${kind} · ${translate(`templateEditor.fields.${element.field}`)}`;
    const words = (element.text?.[language] || element.text?.fr || '').trim();
    if (words === '') return kind;
    if (words.length <= LABEL_TEXT_CHARS) return `${kind} · ${words}`;
    // Cut at a word's end when there is one: « Cette carte est… » rather than « personn… ».
    const cut = words.slice(0, LABEL_TEXT_CHARS - 1);
    const space = cut.lastIndexOf(' ');
    return `${kind} · ${(space > 0 ? cut.slice(0, space) : cut).trimEnd()}…`;
  });
  const counts = new Map<string, number>();
  for (const label of base) counts.set(label, (counts.get(label) ?? 0) + 1);
  const seen = new Map<string, number>();
  return new Map(elements.map((element, index) => {
    const label = base[index] ?? element.id;
    if ((counts.get(label) ?? 0) < 2) return [element.id, label];
    const rank = (seen.get(label) ?? 0) + 1;
    seen.set(label, rank);
    return [element.id, `${label} ${rank}`];
  }));
}
