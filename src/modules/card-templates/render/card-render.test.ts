import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import sharp from 'sharp';
import type { CardFaceLayout, CardRenderData, TextElement } from '../domain/card-template.ts';
import { STAFF_TEMPLATE, STUDENT_TEMPLATE } from '../domain/default-templates.ts';
import { renderFacePng, renderFaceSvg } from './card-render.ts';
import { resolveFace, type SceneItem } from './face-scene.ts';
import { sampleRenderData } from './card-render.fixture.ts';

// Reference renders, committed. `UPDATE_CARD_RENDER_FIXTURES=1 npm test -- card-render` writes
// them again (look at them before committing).
const FIXTURES = fileURLToPath(new URL('../../../../test/fixtures/card-render/', import.meta.url));
const UPDATE = process.env.UPDATE_CARD_RENDER_FIXTURES === '1';
/** Share of pixels allowed to differ (by more than 24 levels in a channel) from the reference. */
const MAX_DIFFERING = 0.002;

async function rgbaOf(png: Uint8Array): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

async function assertLooksLikeReference(name: string, png: Uint8Array): Promise<void> {
  const path = `${FIXTURES}${name}.png`;
  if (UPDATE || !existsSync(path)) {
    assert.ok(UPDATE, `missing reference ${path}: run with UPDATE_CARD_RENDER_FIXTURES=1`);
    mkdirSync(FIXTURES, { recursive: true });
    writeFileSync(path, png);
    return;
  }
  const [actual, expected] = await Promise.all([rgbaOf(png), rgbaOf(readFileSync(path))]);
  assert.deepEqual([actual.width, actual.height], [expected.width, expected.height]);
  let differing = 0;
  for (let i = 0; i < actual.data.length; i += 4) {
    for (let channel = 0; channel < 4; channel += 1) {
      if (Math.abs(actual.data[i + channel]! - expected.data[i + channel]!) > 24) {
        differing += 1;
        break;
      }
    }
  }
  const share = differing / (actual.width * actual.height);
  assert.ok(share <= MAX_DIFFERING, `${name}: ${(share * 100).toFixed(3)}% of pixels differ from the reference`);
}

const scriptsFields = {
  lastName: 'محمد بن عبد الله الهاشمي',
  firstName: '李小龍 さくら',
  institutionName: 'Université Grenoble Alpes — Institut polytechnique de Grenoble',
  studentNumber: null,
};

describe('card face render', () => {
  it('matches the reference images (student front and back, staff front, other scripts, missing data in preview)', async () => {
    const data = await sampleRenderData();
    await assertLooksLikeReference('student-front', await renderFacePng(STUDENT_TEMPLATE.front, data, { dpi: 300 }));
    await assertLooksLikeReference('student-back', await renderFacePng(STUDENT_TEMPLATE.back!, data, { dpi: 300 }));
    await assertLooksLikeReference('staff-front', await renderFacePng(STAFF_TEMPLATE.front, { ...data, fields: { ...data.fields, personType: 'Personnel' } }, { dpi: 300 }));
    const scripts = await sampleRenderData(scriptsFields);
    await assertLooksLikeReference('scripts-front', await renderFacePng(STUDENT_TEMPLATE.front, scripts, { dpi: 300 }));
    const missing: CardRenderData = { ...data, photo: null, qrText: null, images: {}, fields: { ...data.fields, escn: null, secondaryId: null } };
    await assertLooksLikeReference('missing-preview-back', await renderFacePng(STUDENT_TEMPLATE.back!, missing, { dpi: 300, preview: true }));
    await assertLooksLikeReference('missing-preview-front', await renderFacePng(STUDENT_TEMPLATE.front, missing, { dpi: 300, preview: true }));
  });

  it('renders 1011 × 638 pixels at 300 dpi and 2022 × 1275 at 600 dpi', async () => {
    const data = await sampleRenderData();
    for (const [dpi, width, height] of [[300, 1011, 638], [600, 2022, 1275]] as const) {
      const meta = await sharp(await renderFacePng(STUDENT_TEMPLATE.front, data, { dpi })).metadata();
      assert.deepEqual([meta.format, meta.width, meta.height], ['png', width, height]);
    }
  });

  it('gives the same bytes for the same card, rendered twice', async () => {
    const [first, second] = [await sampleRenderData(scriptsFields), await sampleRenderData(scriptsFields)];
    const a = await renderFacePng(STUDENT_TEMPLATE.front, first, { dpi: 300 });
    const b = await renderFacePng(STUDENT_TEMPLATE.front, second, { dpi: 300 });
    assert.ok(Buffer.from(a).equals(Buffer.from(b)));
    assert.equal(renderFaceSvg(STUDENT_TEMPLATE.back!, first), renderFaceSvg(STUDENT_TEMPLATE.back!, second));
  });

  it('draws missing data as nothing on the print, and the hologram area only in the preview', async () => {
    const data: CardRenderData = { fields: { lastName: 'Martin' }, photo: null, qrText: null, images: {}, language: 'en' };
    const printed = resolveFace(STUDENT_TEMPLATE.back!, data);
    const kinds = (items: SceneItem[]) => items.map((item) => item.kind).join(',');
    // The stripe only: no barcode without a secondary id, no label without its value, no hologram outline.
    assert.equal(kinds(printed.items), 'rect,text,text');
    assert.ok(!renderFaceSvg(STUDENT_TEMPLATE.back!, data).includes('stroke-dasharray'));
    const preview = resolveFace(STUDENT_TEMPLATE.back!, data, { preview: true });
    assert.ok(preview.items.length > printed.items.length);
    assert.ok(renderFaceSvg(STUDENT_TEMPLATE.back!, data, { preview: true }).includes('stroke-dasharray'));
    const front = resolveFace(STUDENT_TEMPLATE.front, data);
    assert.ok(!front.items.some((item) => item.kind === 'image' || item.kind === 'cells'));
  });

  it('crops the photo to cover its box, centred, with rounded corners', async () => {
    const data = await sampleRenderData();
    const photo = resolveFace(STUDENT_TEMPLATE.front, data).items.find((item) => item.kind === 'image' && 'photo' in item.source);
    assert.ok(photo && photo.kind === 'image');
    // 350 × 450 into 22 × 28 mm: the width fills the box, the height overflows evenly.
    assert.ok(Math.abs(photo.width - 22) < 1e-9 && photo.height > 28);
    assert.ok(Math.abs(photo.y - photo.clip.y + (photo.y + photo.height - photo.clip.y - photo.clip.height)) < 1e-9);
    assert.equal(photo.clip.radius, 1.2);
  });

  it('writes the label before the bound value, in the card language, upper-cased when asked', () => {
    const data: CardRenderData = { fields: { studentNumber: '42', lastName: 'de la Fontaine' }, photo: null, qrText: null, images: {}, language: 'en' };
    const texts = resolveFace(STUDENT_TEMPLATE.front, data).items.flatMap((item) => (item.kind === 'text' ? [item.runs.map((run) => run.text).join('')] : []));
    assert.ok(texts.includes('No.: 42'));
    assert.ok(texts.includes('DE LA FONTAINE'));
    assert.ok(texts.includes('STUDENT CARD'));
  });
});

describe('text fitting with the shipped fonts', () => {
  const element: TextElement = {
    kind: 'text', id: 'name', x: 10, y: 10, width: 36, height: 5.2, field: 'lastName', text: null, font: 'sans',
    fontSize: 11, bold: true, italic: false, uppercase: true, color: '#000000', align: 'end', overflow: 'shrink', minFontSize: 6,
  };
  const face = (overrides: Partial<TextElement>): CardFaceLayout => ({ background: '#ffffff', elements: [{ ...element, ...overrides }] });
  const render = (layout: CardFaceLayout, lastName: string) => resolveFace(layout, { fields: { lastName }, photo: null, qrText: null, images: {}, language: 'fr' })
    .items.filter((item) => item.kind === 'text');

  it('never draws outside its box, for names in any script (property)', () => {
    const pieces = ['Dupont', 'Garcìa', 'Łukasz', '-', ' ', 'Ñúñez', 'Øster', 'Ἀλέξανδρος', 'Жуков', 'محمد', 'عبد الله', '李', '小龍', 'さくら', '김', '민준', '박서연', 'Nguyễn', 'O’Brien', 'ß', 'W'];
    fc.assert(fc.property(fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 12 }), fc.double({ min: 5, max: 80, noNaN: true }),
      fc.constantFrom('sans' as const, 'serif' as const, 'mono' as const), fc.constantFrom('shrink' as const, 'ellipsis' as const), fc.boolean(),
      fc.constantFrom('start' as const, 'middle' as const, 'end' as const),
      (parts, width, font, overflow, bold, align) => {
        for (const item of render(face({ width, font, overflow, bold, align }), parts.join(''))) {
          assert.ok(item.kind === 'text');
          const drawn = item.runs.reduce((sum, run) => sum + run.width, 0);
          assert.ok(item.x >= 10 - 1e-9 && item.x + drawn <= 10 + width + 1e-9, `${parts.join('')}: ${drawn} in ${width}`);
        }
      }), { numRuns: 300 });
  });

  it('shrinks a 40-character name to fit, then cuts it with an ellipsis at the minimum size', () => {
    const name = 'Maximilienne-Charlotte de Saint-Exupéry'; // 39 characters
    const [shrunk] = render(face({ width: 70 }), `${name}s`);
    assert.ok(shrunk?.kind === 'text' && shrunk.size < (11 * 25.4) / 72 && !shrunk.runs.at(-1)!.text.endsWith('…'));
    const [cut] = render(face({ width: 30 }), `${name}s`);
    assert.ok(cut?.kind === 'text' && Math.abs(cut.size - (6 * 25.4) / 72) < 1e-9 && cut.runs.at(-1)!.text.endsWith('…'));
  });

  it('draws Arabic, CJK and Korean names with their fallback fonts, keeping Arabic words one run', () => {
    const [arabic] = render(face({ width: 80, uppercase: false }), 'محمد بن عبد الله');
    assert.ok(arabic?.kind === 'text');
    assert.deepEqual(arabic.runs.map((run) => run.font.family), ['DejaVu Sans']);
    const [serifArabic] = render(face({ width: 80, font: 'serif' }), 'محمد بن عبد الله');
    assert.ok(serifArabic?.kind === 'text');
    assert.deepEqual(serifArabic.runs.map((run) => run.font.family), ['Noto Sans Arabic']);
    const [mixed] = render(face({ width: 80 }), 'Lee 李小龍');
    assert.ok(mixed?.kind === 'text');
    assert.deepEqual(mixed.runs.map((run) => [run.font.family, run.text]), [['DejaVu Sans', 'LEE '], ['Noto Sans SC', '李小龍']]);
    // Hangul syllables by the Korean face; a Hanja in the same name stays with the CJK face.
    const [korean] = render(face({ width: 80 }), 'Kim 김민준 金');
    assert.ok(korean?.kind === 'text');
    assert.deepEqual(korean.runs.map((run) => [run.font.family, run.text]), [['DejaVu Sans', 'KIM '], ['Noto Sans KR', '김민준 '], ['Noto Sans SC', '金']]);
    assert.ok(korean.runs.every((run) => run.width > 0));
  });
});
