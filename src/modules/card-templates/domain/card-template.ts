import { Type, type Static } from '@sinclair/typebox';

/**
 * The design of a card: a front and an optional back, each a list of elements placed on the ID-1
 * format (85.60 × 53.98 mm). Positions and sizes are in millimetres from the top-left corner of
 * the card, font sizes in points. The same layout is rendered to the printed card (PNG, PDF), the
 * console's preview and the virtual card, so that they look alike.
 *
 * Invariants kept by the schema: every element has an id unique on its face (checked by
 * `layoutProblems`, not by the schema), every length is finite and non-negative, colours are
 * `#rrggbb`. Elements are drawn in their order: the first is at the back.
 */

/** ID-1 (ISO/IEC 7810) width in millimetres. */
export const CARD_WIDTH_MM = 85.6;
/** ID-1 (ISO/IEC 7810) height in millimetres. */
export const CARD_HEIGHT_MM = 53.98;

/** The data a text or barcode element can show, read from the card and its holder when rendered. */
export const BOUND_FIELDS = [
  'lastName', 'firstName', 'fullName', 'studentNumber', 'personType', 'institutionName',
  'expiresAt', 'enabledAt', 'escn', 'csn', 'secondaryId', 'accessControlId', 'crousCardNumber',
  'academicYear',
] as const;
export type BoundField = (typeof BOUND_FIELDS)[number];

const Colour = Type.String({ pattern: '^#[0-9a-fA-F]{6}$' });
const Millimetres = Type.Number({ minimum: 0, maximum: 200 });

const Box = {
  /** Unique on its face; the editor's handle on the element. */
  id: Type.String({ minLength: 1, maxLength: 40, pattern: '^[A-Za-z0-9_-]+$' }),
  x: Millimetres,
  y: Millimetres,
  width: Type.Number({ exclusiveMinimum: 0, maximum: 200 }),
  height: Type.Number({ exclusiveMinimum: 0, maximum: 200 }),
};

/** A text in French and English; the card's language picks one, French when the other is empty. */
export const LocalizedText = Type.Object({
  fr: Type.String({ maxLength: 200 }),
  en: Type.String({ maxLength: 200 }),
}, { additionalProperties: false });

export const TextElement = Type.Object({
  kind: Type.Literal('text'),
  ...Box,
  /** The data shown; null for a free text. */
  field: Type.Union([Type.Union(BOUND_FIELDS.map((field) => Type.Literal(field))), Type.Null()]),
  /** The free text, or a label put before the bound value (e.g. « N° étudiant : »). */
  text: Type.Union([LocalizedText, Type.Null()]),
  font: Type.Union([Type.Literal('sans'), Type.Literal('serif'), Type.Literal('mono')]),
  fontSize: Type.Number({ minimum: 3, maximum: 72 }),
  bold: Type.Boolean(),
  italic: Type.Boolean(),
  uppercase: Type.Boolean(),
  color: Colour,
  align: Type.Union([Type.Literal('start'), Type.Literal('middle'), Type.Literal('end')]),
  /** What a text too wide for its box does: shrink down to `minFontSize`, then cut with an ellipsis. */
  overflow: Type.Union([Type.Literal('shrink'), Type.Literal('ellipsis')]),
  minFontSize: Type.Number({ minimum: 3, maximum: 72 }),
}, { additionalProperties: false });

export const PhotoElement = Type.Object({
  kind: Type.Literal('photo'),
  ...Box,
  cornerRadius: Millimetres,
}, { additionalProperties: false });

/** An uploaded image (logo, background, signature), by its asset id. */
export const ImageElement = Type.Object({
  kind: Type.Literal('image'),
  ...Box,
  assetId: Type.String({ minLength: 1, maxLength: 80 }),
  fit: Type.Union([Type.Literal('contain'), Type.Literal('cover'), Type.Literal('stretch')]),
}, { additionalProperties: false });

/** A filled rectangle (a band of colour behind a title). */
export const ShapeElement = Type.Object({
  kind: Type.Literal('shape'),
  ...Box,
  fill: Colour,
  cornerRadius: Millimetres,
}, { additionalProperties: false });

/** The ESC QR code: the card's ESCN, as the European Student Card's verification reads it. */
export const QrElement = Type.Object({
  kind: Type.Literal('qr'),
  ...Box,
  color: Colour,
}, { additionalProperties: false });

export const BarcodeElement = Type.Object({
  kind: Type.Literal('barcode'),
  ...Box,
  symbology: Type.Union([Type.Literal('code39'), Type.Literal('code128')]),
  field: Type.Union(BOUND_FIELDS.map((field) => Type.Literal(field))),
  /** The value written in clear under the bars. */
  showText: Type.Boolean(),
  color: Colour,
}, { additionalProperties: false });

/** The place of the ESC hologram sticker: left empty on the print, outlined in the preview. */
export const HologramAreaElement = Type.Object({
  kind: Type.Literal('hologram'),
  ...Box,
}, { additionalProperties: false });

export const CardElement = Type.Union([TextElement, PhotoElement, ImageElement, ShapeElement, QrElement, BarcodeElement, HologramAreaElement]);

export const CardFaceLayout = Type.Object({
  /** The card's background colour, under every element. */
  background: Colour,
  elements: Type.Array(CardElement, { maxItems: 60 }),
}, { additionalProperties: false });

export const CardTemplateLayout = Type.Object({
  front: CardFaceLayout,
  back: Type.Union([CardFaceLayout, Type.Null()]),
}, { additionalProperties: false });

export type TextElement = Static<typeof TextElement>;
export type PhotoElement = Static<typeof PhotoElement>;
export type ImageElement = Static<typeof ImageElement>;
export type ShapeElement = Static<typeof ShapeElement>;
export type QrElement = Static<typeof QrElement>;
export type BarcodeElement = Static<typeof BarcodeElement>;
export type HologramAreaElement = Static<typeof HologramAreaElement>;
export type CardElement = Static<typeof CardElement>;
export type CardFaceLayout = Static<typeof CardFaceLayout>;
export type CardTemplateLayout = Static<typeof CardTemplateLayout>;

/**
 * What one card brings to its template when rendered: the bound fields' values (already
 * formatted, e.g. dates as the card's language writes them; null when the card has none), the
 * photo (JPEG or PNG bytes), the text the QR code carries, the images of the template by asset id,
 * and the language of free texts.
 */
export interface CardRenderData {
  fields: Partial<Record<BoundField, string | null>>;
  photo: Uint8Array | null;
  qrText: string | null;
  images: Readonly<Record<string, Uint8Array>>;
  language: 'fr' | 'en';
}
