import { CARD_HEIGHT_MM, CARD_WIDTH_MM, type CardFaceLayout, type CardTemplateLayout } from './card-template.ts';

/** One thing wrong with a layout the schema cannot see, named by face and element. */
export interface LayoutProblem {
  code: 'duplicate_element_id' | 'element_outside_card' | 'unknown_asset' | 'min_font_above_font';
  /** JSON pointer of the element (`/front/elements/3`), for the problem's `field`. */
  field: string;
  elementId: string;
  message: string;
}

/** Elements may reach this far past the edge: the printer's bleed, for a background printed edge to edge. */
export const BLEED_MM = 1;

/** Rounding room, so that a box exactly on the edge is never refused for a float's last digit. */
const EPSILON = 1e-6;

function faceProblems(face: CardFaceLayout, side: 'front' | 'back', assetIds: ReadonlySet<string>): LayoutProblem[] {
  const problems: LayoutProblem[] = [];
  const seen = new Set<string>();
  face.elements.forEach((element, index) => {
    const field = `/${side}/elements/${index}`;
    const named = (code: LayoutProblem['code'], message: string) => problems.push({ code, field, elementId: element.id, message });
    if (seen.has(element.id)) named('duplicate_element_id', `Element id ${element.id} is used twice on the ${side}`);
    seen.add(element.id);
    if (element.x + element.width > CARD_WIDTH_MM + BLEED_MM + EPSILON || element.y + element.height > CARD_HEIGHT_MM + BLEED_MM + EPSILON) {
      named('element_outside_card', `Element ${element.id} goes past the card's edge (${CARD_WIDTH_MM} × ${CARD_HEIGHT_MM} mm)`);
    }
    if (element.kind === 'image' && !assetIds.has(element.assetId)) {
      named('unknown_asset', `Element ${element.id} shows image ${element.assetId}, which is not an uploaded asset of this template's institution`);
    }
    if (element.kind === 'text' && element.minFontSize > element.fontSize) {
      named('min_font_above_font', `Element ${element.id} has a minimum font size above its font size`);
    }
  });
  return problems;
}

/**
 * What is wrong with a layout beyond its schema: element ids unique on each face, every element
 * inside the card (bleed allowed), every image naming an asset of `assetIds`, a text's minimum
 * size not above its size. Empty when the layout can be saved. Pure.
 */
export function layoutProblems(layout: CardTemplateLayout, assetIds: ReadonlySet<string>): LayoutProblem[] {
  return [
    ...faceProblems(layout.front, 'front', assetIds),
    ...(layout.back ? faceProblems(layout.back, 'back', assetIds) : []),
  ];
}

/** The asset ids a layout shows (to load their bytes for a render). */
export function assetIdsOf(layout: CardTemplateLayout): string[] {
  const faces = layout.back ? [layout.front, layout.back] : [layout.front];
  return [...new Set(faces.flatMap((face) => face.elements.flatMap((element) => (element.kind === 'image' ? [element.assetId] : []))))];
}
