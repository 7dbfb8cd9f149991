/**
 * Fitting a single line of text into a box, without overflowing it: the text keeps its size if it
 * fits, else (when the element shrinks) the largest size down to its minimum that fits, else it is
 * cut at a grapheme boundary with an ellipsis at that minimum. Pure: the width of a text comes from
 * the caller (the fonts' metrics), linear in the font size.
 */

/** Width of `text` at a font size of 1 pt, in millimetres. */
export type MeasureText = (text: string) => number;

export interface FitRequest {
  text: string;
  boxWidthMm: number;
  /** The size asked for, already capped so that the line's height fits the box. */
  fontSizePt: number;
  minFontSizePt: number;
  overflow: 'shrink' | 'ellipsis';
}

export interface FittedText {
  /** The text drawn: the whole text, or a prefix of it followed by `…` (empty when nothing fits). */
  text: string;
  fontSizePt: number;
  /** Its width at that size, never more than the box's. */
  widthMm: number;
  cut: boolean;
}

export const ELLIPSIS = '…';
// Sizes are rounded down to this step so that a fitted size prints the same in the SVG and the PDF.
const SIZE_STEP = 0.05;

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** The grapheme clusters of a text (a base letter with its accents, a CJK ideograph, an emoji). */
export function graphemes(text: string): string[] {
  return Array.from(segmenter.segment(text), (segment) => segment.segment);
}

/** Fits `request.text` into its box; see the module comment for the rules. */
export function fitText(request: FitRequest, measure: MeasureText): FittedText {
  const { text, boxWidthMm } = request;
  const size = Math.max(0, request.fontSizePt);
  const minSize = Math.min(request.minFontSizePt, size);
  if (text === '' || size === 0) return { text: '', fontSizePt: size, widthMm: 0, cut: text !== '' };
  const unitWidth = measure(text);
  if (unitWidth * size <= boxWidthMm) return { text, fontSizePt: size, widthMm: unitWidth * size, cut: false };
  if (request.overflow === 'shrink') {
    const shrunk = Math.floor(boxWidthMm / unitWidth / SIZE_STEP) * SIZE_STEP;
    if (shrunk >= minSize && unitWidth * shrunk <= boxWidthMm) {
      return { text, fontSizePt: shrunk, widthMm: unitWidth * shrunk, cut: false };
    }
  }
  const cutSize = request.overflow === 'shrink' ? minSize : size;
  return cutWithEllipsis(text, boxWidthMm, cutSize, measure);
}

function cutWithEllipsis(text: string, boxWidthMm: number, size: number, measure: MeasureText): FittedText {
  const parts = graphemes(text);
  const candidate = (count: number) => `${parts.slice(0, count).join('').trimEnd()}${ELLIPSIS}`;
  const fits = (count: number) => measure(candidate(count)) * size <= boxWidthMm;
  // Widths grow with the prefix almost always; shaping (a ligature, an Arabic joining form) can
  // break that by a hair, so the binary search's answer is checked and walked back if needed.
  let low = 0;
  let high = parts.length - 1;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (fits(middle)) low = middle;
    else high = middle - 1;
  }
  let count = low;
  while (count > 0 && !fits(count)) count -= 1;
  if (count === 0 && !fits(0)) return { text: '', fontSizePt: size, widthMm: 0, cut: true };
  const drawn = candidate(count);
  return { text: drawn, fontSizePt: size, widthMm: measure(drawn) * size, cut: true };
}
