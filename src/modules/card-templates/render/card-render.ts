import { renderAsync } from '@resvg/resvg-js';
import sharp from 'sharp';
import type { CardFaceLayout, CardRenderData } from '../domain/card-template.ts';
import { glyphPath, shapeRun, unitsPerEm } from './card-fonts.ts';
import { resolveFace, type FaceScene, type ResolveOptions, type SceneItem } from './face-scene.ts';

/**
 * A card face as SVG and PNG, drawn in process (no browser): the face is resolved once into its
 * scene (`resolveFace`) and written as SVG in millimetres, its texts as the outlines of the
 * shipped fonts' glyphs where fontkit placed them. The SVG is thus self-contained (a browser shows
 * it as printed, without the fonts) and resvg rasterises it without loading any font, system or
 * other, so that the same card gives the same pixels on every machine.
 */

/** Pixel size of a card face at a print resolution: the ID-1 size in inches times the dpi, rounded. */
export function facePixels(dpi: number, scene: Pick<FaceScene, 'width' | 'height'>): { width: number; height: number } {
  return { width: Math.round((scene.width / 25.4) * dpi), height: Math.round((scene.height / 25.4) * dpi) };
}

/** The face as an SVG document sized in millimetres (the console's preview, the rasteriser's input). */
export function renderFaceSvg(face: CardFaceLayout, data: CardRenderData, options: ResolveOptions = {}): string {
  const scene = resolveFace(face, data, options);
  return sceneSvg(scene, `${scene.width}mm`, `${scene.height}mm`);
}

/**
 * The face as a PNG at 300 dpi (1011 × 638 pixels) or 600 dpi (2022 × 1275), rasterised off the
 * main thread (resvg's asynchronous render runs in libuv's pool, so two cards render at once on
 * two cores).
 */
export async function renderFacePng(face: CardFaceLayout, data: CardRenderData, options: { dpi: 300 | 600 } & ResolveOptions): Promise<Uint8Array> {
  return rasteriseSvg(rasterSvg(resolveFace(face, data, options), options.dpi));
}

/**
 * The SVG that `renderFacePng` rasterises: sized in pixels, its images as they are (resvg scales
 * and clips the photo itself: scaling it beforehand with sharp, to spare resvg its clip, cost more
 * than it saved, 4–6 ms a face at two at a time on this machine).
 */
export function rasterSvg(scene: FaceScene, dpi: number): string {
  const pixels = facePixels(dpi, scene);
  return sceneSvg(scene, String(pixels.width), String(pixels.height));
}

/**
 * Rasterises an SVG of `sceneSvg` (no font is loaded: its texts are outlines) and encodes the
 * PNG with sharp, both off the main thread. sharp's encoder, unfiltered, is about three times
 * faster than resvg's for the same pixels; zlib level 3 instead of 6 takes 4 ms instead of 7 for
 * a 300 dpi face, for a file a fifth larger (74 KB instead of 62 for the sample student front).
 */
export async function rasteriseSvg(svg: string): Promise<Uint8Array> {
  const rendered = await renderAsync(svg, {
    font: { loadSystemFonts: false },
    shapeRendering: 2,
    imageRendering: 0,
    logLevel: 'off',
  });
  const png = await sharp(rendered.pixels, { raw: { width: rendered.width, height: rendered.height, channels: 4 } })
    .png({ compressionLevel: 3, adaptiveFiltering: false })
    .toBuffer();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}

/**
 * Writes a scene as SVG: the viewBox is the card in millimetres, stretched to `width` × `height`
 * (the rounded pixel size differs from the exact ratio by less than a tenth of a percent).
 */
export function sceneSvg(scene: FaceScene, width: string, height: string): string {
  const defs: string[] = [];
  const body = scene.items.map((item, index) => itemSvg(item, index, defs)).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}" `
    + `viewBox="0 0 ${scene.width} ${scene.height}" preserveAspectRatio="none">`
    + (defs.length > 0 ? `<defs>${defs.join('')}</defs>` : '')
    + `<rect x="0" y="0" width="${scene.width}" height="${scene.height}" fill="${scene.background}"/>${body}</svg>`;
}

function itemSvg(item: SceneItem, index: number, defs: string[]): string {
  switch (item.kind) {
    case 'rect': {
      const fill = item.fill ?? 'none';
      const stroke = item.stroke
        ? ` stroke="${item.stroke.color}" stroke-width="${n(item.stroke.width)}"${item.stroke.dash ? ` stroke-dasharray="${n(item.stroke.dash)}"` : ''}`
        : '';
      return `<rect x="${n(item.x)}" y="${n(item.y)}" width="${n(item.width)}" height="${n(item.height)}"${item.radius > 0 ? ` rx="${n(item.radius)}"` : ''} fill="${fill}"${stroke}/>`;
    }
    case 'text': {
      // Each glyph is its outline in font units (y up), scaled to the size and flipped.
      let pen = item.x;
      const glyphs: string[] = [];
      for (const run of item.runs) {
        const shaped = shapeRun(run.font, run.text);
        const scale = item.size / unitsPerEm(run.font);
        for (const glyph of shaped.glyphs) {
          const x = pen + glyph.x * item.size;
          const y = item.baseline - glyph.y * item.size;
          glyphs.push(`<path transform="matrix(${n6(scale)} 0 0 ${n6(-scale)} ${n(x)} ${n(y)})" d="${glyphPath(glyph.path)}"/>`);
        }
        pen += run.width;
      }
      const label = escapeXml(item.runs.map((run) => run.text).join(''));
      return `<g fill="${item.color}"${item.opacity < 1 ? ` fill-opacity="${item.opacity}"` : ''} aria-label="${label}">${glyphs.join('')}</g>`;
    }
    case 'image': {
      const { clip } = item;
      const href = `data:${item.image.mime};base64,${Buffer.from(item.bytes.buffer, item.bytes.byteOffset, item.bytes.byteLength).toString('base64')}`;
      // Exact (not rounded to a micrometre): a raster's image then falls on whole pixels.
      const image = `<image x="${item.x}" y="${item.y}" width="${item.width}" height="${item.height}" preserveAspectRatio="none" xlink:href="${href}"/>`;
      // A square clip holding the whole image clips nothing; resvg would still draw it through a card-sized mask.
      const inside = clip.radius === 0 && item.x >= clip.x && item.y >= clip.y
        && item.x + item.width <= clip.x + clip.width && item.y + item.height <= clip.y + clip.height;
      if (inside) return image;
      const clipId = `c${index}`;
      defs.push(`<clipPath id="${clipId}"><rect x="${n(clip.x)}" y="${n(clip.y)}" width="${n(clip.width)}" height="${n(clip.height)}"${clip.radius > 0 ? ` rx="${n(clip.radius)}"` : ''}/></clipPath>`);
      return `<g clip-path="url(#${clipId})">${image}</g>`;
    }
    case 'cells': {
      const path = item.cells.map(([x, y, width, height]) => `M${n(x)} ${n(y)}h${n(width)}v${n(height)}h${n(-width)}z`).join('');
      return `<path d="${path}" fill="${item.color}" shape-rendering="crispEdges"/>`;
    }
  }
}

/** A length rounded to a micrometre: enough at 600 dpi (42 µm a pixel), and stable text. */
function n(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}

function n6(value: number): string {
  return String(Math.round(value * 1e6) / 1e6);
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
