import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as fontkit from 'fontkit';

/**
 * The fonts a card is drawn with, read only from npm packages of TrueType files (never the
 * system's), so that a render is the same on every machine: DejaVu Sans, Serif and Sans Mono for
 * Latin, Greek, Cyrillic (and Arabic in DejaVu Sans), Noto Sans Arabic, Noto Sans SC (Chinese,
 * with Japanese kana) and Noto Sans KR (Hangul) for the characters a DejaVu face lacks. The same files are
 * measured and shaped here (fontkit), outlined into the SVG and embedded in the PDF.
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

/** Where a font file is: an npm package and the file's path in it. */
interface FontSpec extends Omit<CardFont, 'path'> {
  packageName: string;
  file: string;
}

/** The three families a text element may ask for. */
export type LatinFamily = 'sans' | 'serif' | 'mono';

const dejavu = (key: string, family: string, bold: boolean, italic: boolean, file: string): FontSpec =>
  ({ key, family, bold, italic, packageName: 'dejavu-fonts-ttf', file: `ttf/${file}` });
const expo = (key: string, family: string, bold: boolean, pkg: string, file: string): FontSpec =>
  ({ key, family, bold, italic: false, packageName: `@expo-google-fonts/${pkg}`, file });

const SPECS: readonly FontSpec[] = [
  dejavu('sans', 'DejaVu Sans', false, false, 'DejaVuSans.ttf'),
  dejavu('sans-bold', 'DejaVu Sans', true, false, 'DejaVuSans-Bold.ttf'),
  dejavu('sans-italic', 'DejaVu Sans', false, true, 'DejaVuSans-Oblique.ttf'),
  dejavu('sans-bold-italic', 'DejaVu Sans', true, true, 'DejaVuSans-BoldOblique.ttf'),
  dejavu('serif', 'DejaVu Serif', false, false, 'DejaVuSerif.ttf'),
  dejavu('serif-bold', 'DejaVu Serif', true, false, 'DejaVuSerif-Bold.ttf'),
  dejavu('serif-italic', 'DejaVu Serif', false, true, 'DejaVuSerif-Italic.ttf'),
  dejavu('serif-bold-italic', 'DejaVu Serif', true, true, 'DejaVuSerif-BoldItalic.ttf'),
  dejavu('mono', 'DejaVu Sans Mono', false, false, 'DejaVuSansMono.ttf'),
  dejavu('mono-bold', 'DejaVu Sans Mono', true, false, 'DejaVuSansMono-Bold.ttf'),
  dejavu('mono-italic', 'DejaVu Sans Mono', false, true, 'DejaVuSansMono-Oblique.ttf'),
  dejavu('mono-bold-italic', 'DejaVu Sans Mono', true, true, 'DejaVuSansMono-BoldOblique.ttf'),
  expo('arabic', 'Noto Sans Arabic', false, 'noto-sans-arabic', '400Regular/NotoSansArabic_400Regular.ttf'),
  expo('arabic-bold', 'Noto Sans Arabic', true, 'noto-sans-arabic', '700Bold/NotoSansArabic_700Bold.ttf'),
  // One weight only: the CJK file is 10 MB; a bold CJK name is drawn regular.
  expo('cjk', 'Noto Sans SC', false, 'noto-sans-sc', '400Regular/NotoSansSC_400Regular.ttf'),
  // After SC: Hanja in a Korean name are drawn by SC like any Han character, Hangul by KR.
  expo('hangul', 'Noto Sans KR', false, 'noto-sans-kr', '400Regular/NotoSansKR_400Regular.ttf'),
];

let fonts: readonly CardFont[] | null = null;

/** Every font a card may use, in a fixed order, with the path of its file. */
export function cardFonts(): readonly CardFont[] {
  if (!fonts) {
    // Resolved on first use: a worker thread (bundled, without import.meta) is given the paths.
    const require = createRequire(import.meta.url);
    fonts = SPECS.map(({ packageName, file, ...font }) => ({ ...font, path: join(dirname(require.resolve(`${packageName}/package.json`)), file) }));
  }
  return fonts;
}

/** Sets the font files' paths (by key) in a worker thread, as the main thread resolved them. */
export function useFontFiles(paths: Readonly<Record<string, string>>): void {
  fonts = SPECS.map(({ packageName: _packageName, file: _file, ...font }) => {
    const path = paths[font.key];
    if (!path) throw new Error(`no path for card font ${font.key}`);
    return { ...font, path };
  });
  fontByKeyCache = null;
}

let fontByKeyCache: Map<string, CardFont> | null = null;
function fontByKey(key: string): CardFont | undefined {
  fontByKeyCache ??= new Map(cardFonts().map((font) => [font.key, font]));
  return fontByKeyCache.get(key);
}


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
 * Arabic, CJK and Hangul fallbacks (bold when available).
 */
export function fallbackChain(family: LatinFamily, bold: boolean, italic: boolean): CardFont[] {
  const style = `${bold ? '-bold' : ''}${italic ? '-italic' : ''}`;
  const chain = [fontByKey(`${family}${style}`)!, fontByKey(bold ? 'arabic-bold' : 'arabic')!, fontByKey('cjk')!, fontByKey('hangul')!];
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
  const font = fontByKey(key);
  if (!font) throw new Error(`unknown card font ${key}`);
  return font;
}
