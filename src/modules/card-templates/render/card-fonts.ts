import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as fontkit from 'fontkit';

/**
 * The fonts a card is drawn with, read only from npm packages of TrueType files (never the
 * system's), so that a render is byte-identical on every machine: DejaVu Sans, Serif and Sans
 * Mono for Latin, Greek and Cyrillic text, Noto Sans Arabic and Noto Sans SC (Chinese, with
 * Japanese kana) for the characters DejaVu lacks. The same files are measured here, rasterised
 * by resvg and embedded in the PDF.
 */

/** A face of one of the card's fonts: the family name resvg matches and its style. */
export interface CardFont {
  /** Stable key, e.g. `sans-bold`; also the name the PDF registers the font under. */
  key: string;
  family: string;
  bold: boolean;
  italic: boolean;
  path: string;
}

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));
const dejavu = (file: string) => join(packageDir('dejavu-fonts-ttf'), 'ttf', file);
const expo = (pkg: string, file: string) => join(packageDir(`@expo-google-fonts/${pkg}`), file);

/** The three families a text element may ask for. */
export type LatinFamily = 'sans' | 'serif' | 'mono';

const FONTS: readonly CardFont[] = [
  { key: 'sans', family: 'DejaVu Sans', bold: false, italic: false, path: dejavu('DejaVuSans.ttf') },
  { key: 'sans-bold', family: 'DejaVu Sans', bold: true, italic: false, path: dejavu('DejaVuSans-Bold.ttf') },
  { key: 'sans-italic', family: 'DejaVu Sans', bold: false, italic: true, path: dejavu('DejaVuSans-Oblique.ttf') },
  { key: 'sans-bold-italic', family: 'DejaVu Sans', bold: true, italic: true, path: dejavu('DejaVuSans-BoldOblique.ttf') },
  { key: 'serif', family: 'DejaVu Serif', bold: false, italic: false, path: dejavu('DejaVuSerif.ttf') },
  { key: 'serif-bold', family: 'DejaVu Serif', bold: true, italic: false, path: dejavu('DejaVuSerif-Bold.ttf') },
  { key: 'serif-italic', family: 'DejaVu Serif', bold: false, italic: true, path: dejavu('DejaVuSerif-Italic.ttf') },
  { key: 'serif-bold-italic', family: 'DejaVu Serif', bold: true, italic: true, path: dejavu('DejaVuSerif-BoldItalic.ttf') },
  { key: 'mono', family: 'DejaVu Sans Mono', bold: false, italic: false, path: dejavu('DejaVuSansMono.ttf') },
  { key: 'mono-bold', family: 'DejaVu Sans Mono', bold: true, italic: false, path: dejavu('DejaVuSansMono-Bold.ttf') },
  { key: 'mono-italic', family: 'DejaVu Sans Mono', bold: false, italic: true, path: dejavu('DejaVuSansMono-Oblique.ttf') },
  { key: 'mono-bold-italic', family: 'DejaVu Sans Mono', bold: true, italic: true, path: dejavu('DejaVuSansMono-BoldOblique.ttf') },
  { key: 'arabic', family: 'Noto Sans Arabic', bold: false, italic: false, path: expo('noto-sans-arabic', '400Regular/NotoSansArabic_400Regular.ttf') },
  { key: 'arabic-bold', family: 'Noto Sans Arabic', bold: true, italic: false, path: expo('noto-sans-arabic', '700Bold/NotoSansArabic_700Bold.ttf') },
  // One weight only: the CJK file is 10 MB; a bold CJK name is drawn regular.
  { key: 'cjk', family: 'Noto Sans SC', bold: false, italic: false, path: expo('noto-sans-sc', '400Regular/NotoSansSC_400Regular.ttf') },
];

/** Every font a card may use, in a fixed order. */
export function cardFonts(): readonly CardFont[] {
  return FONTS;
}

const fontByKey = new Map(FONTS.map((font) => [font.key, font]));

/** A font file's bytes, read once per process. */
const bytesCache = new Map<string, Buffer>();
export function fontBytes(font: CardFont): Buffer {
  let bytes = bytesCache.get(font.key);
  if (!bytes) {
    bytes = readFileSync(font.path);
    bytesCache.set(font.key, bytes);
  }
  return bytes;
}

const parsedCache = new Map<string, fontkit.Font>();
function parsed(font: CardFont): fontkit.Font {
  let face = parsedCache.get(font.key);
  if (!face) {
    const created = fontkit.create(fontBytes(font));
    if (!('layout' in created)) throw new Error(`${font.path} is a font collection, not a font`);
    face = created;
    parsedCache.set(font.key, face);
  }
  return face;
}

/**
 * The fonts tried in order for a character of a text in `family`: the asked face, then the
 * Arabic and CJK fallbacks (bold when available).
 */
export function fallbackChain(family: LatinFamily, bold: boolean, italic: boolean): CardFont[] {
  const style = `${bold ? '-bold' : ''}${italic ? '-italic' : ''}`;
  const chain = [fontByKey.get(`${family}${style}`)!, fontByKey.get(bold ? 'arabic-bold' : 'arabic')!, fontByKey.get('cjk')!];
  return chain;
}

const coverage = new Map<string, Map<number, boolean>>();

/** Whether `font` has a glyph for every code point of `text` (a grapheme). */
export function fontCovers(font: CardFont, text: string): boolean {
  let known = coverage.get(font.key);
  if (!known) {
    known = new Map();
    coverage.set(font.key, known);
  }
  for (const char of text) {
    const codePoint = char.codePointAt(0)!;
    // Joiners and variation selectors have no glyph of their own.
    if (codePoint === 0x200c || codePoint === 0x200d || (codePoint >= 0xfe00 && codePoint <= 0xfe0f)) continue;
    let has = known.get(codePoint);
    if (has === undefined) {
      has = parsed(font).hasGlyphForCodePoint(codePoint);
      known.set(codePoint, has);
    }
    if (!has) return false;
  }
  return true;
}

/** A run of text shaped in one font: its glyphs' outlines and positions, in ems. */
export interface ShapedRun {
  advance: number;
  /** Right-to-left (Arabic): the glyphs are in visual order, the text's first word on the right. */
  rtl: boolean;
  glyphs: Array<{ path: string; x: number; y: number }>;
}

// Shaping is the costly part of a render and card texts repeat (labels, institution names, the
// fitting's trials), so shaped runs are kept, up to a bound.
const SHAPED_CACHE_SIZE = 20_000;
const shapedCache = new Map<string, ShapedRun>();
const glyphPaths = new Map<string, string>();

/**
 * `text` shaped in `font` by fontkit (as pdfkit shapes it: ligatures, kerning, Arabic joining,
 * right-to-left runs in visual order): advance and glyph outlines as SVG path data in font units
 * (y up) with their origins in ems.
 */
export function shapeRun(font: CardFont, text: string): ShapedRun {
  const cacheKey = `${font.key}\u0000${text}`;
  const cached = shapedCache.get(cacheKey);
  if (cached) return cached;
  const face = parsed(font);
  const run = face.layout(text);
  const unit = face.unitsPerEm;
  let pen = 0;
  const glyphs: ShapedRun['glyphs'] = [];
  run.glyphs.forEach((glyph, index) => {
    const position = run.positions[index]!;
    const pathKey = `${font.key}:${glyph.id}`;
    let path = glyphPaths.get(pathKey);
    if (path === undefined) {
      path = glyph.path.toSVG();
      glyphPaths.set(pathKey, path);
    }
    if (path !== '') glyphs.push({ path: pathKey, x: (pen + position.xOffset) / unit, y: position.yOffset / unit });
    pen += position.xAdvance;
  });
  const shaped = { advance: pen / unit, rtl: run.direction === 'rtl', glyphs };
  if (shapedCache.size >= SHAPED_CACHE_SIZE) shapedCache.clear();
  shapedCache.set(cacheKey, shaped);
  return shaped;
}

/** The outline (SVG path data, font units, y up) of a glyph named in a `ShapedRun`. */
export function glyphPath(pathKey: string): string {
  return glyphPaths.get(pathKey) ?? '';
}

/** Units per em of a font, to scale its outlines. */
export function unitsPerEm(font: CardFont): number {
  return parsed(font).unitsPerEm;
}

/** Advance width of `text` shaped in `font`, in ems (fontkit's shaping, as pdfkit's). */
export function advanceEm(font: CardFont, text: string): number {
  return shapeRun(font, text).advance;
}

/** Ascent and descent (positive, below the baseline) of `font`, in ems. */
export function verticalMetricsEm(font: CardFont): { ascent: number; descent: number } {
  const face = parsed(font);
  return { ascent: face.ascent / face.unitsPerEm, descent: -face.descent / face.unitsPerEm };
}

/** The font of a key returned in a resolved face (`CardFont.key`). */
export function fontOfKey(key: string): CardFont {
  const font = fontByKey.get(key);
  if (!font) throw new Error(`unknown card font ${key}`);
  return font;
}
