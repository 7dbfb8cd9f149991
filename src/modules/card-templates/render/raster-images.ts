import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { FaceScene, SceneItem } from './face-scene.ts';
import { imageInfo } from './image-info.ts';

/**
 * Images of a scene made ready for one raster size: each is scaled, cropped and rounded by sharp
 * to exactly the pixels of its box on the card, aligned to the pixel grid, so that resvg copies it
 * as it is instead of resampling the whole photo through a clip path as large as the card (the
 * photo was 15 of the face's 39 ms). The rounded corners become the image's transparency; the box
 * moves by less than half a pixel. Vector outputs (the SVG of the virtual card, the PDF) keep the
 * original images.
 */

type ImageItem = Extract<SceneItem, { kind: 'image' }>;

/** Prepared images kept, by content, box and size: the logo of every card, a card drawn again. */
const CACHE_ENTRIES = 32;
const prepared = new Map<string, Promise<Uint8Array | null>>();

/**
 * The scene with its images replaced by ones of their box's pixel size for a raster of
 * `width` × `height` pixels (images entirely outside the card are left out).
 */
export async function scaleImagesFor(scene: FaceScene, width: number, height: number): Promise<FaceScene> {
  if (!scene.items.some((item) => item.kind === 'image')) return scene;
  const kx = width / scene.width;
  const ky = height / scene.height;
  const items = await Promise.all(scene.items.map((item) => (item.kind === 'image' ? fitToPixels(item, kx, ky) : item)));
  return { ...scene, items: items.filter((item): item is SceneItem => item !== null) };
}

async function fitToPixels(item: ImageItem, kx: number, ky: number): Promise<ImageItem | null> {
  const { clip } = item;
  // The clip box grown to whole pixels: the canvas the image is drawn into. Its exact edges
  // (and rounded corners) become the canvas's transparency, anti-aliased as resvg's clip was.
  const left = Math.floor(clip.x * kx);
  const top = Math.floor(clip.y * ky);
  const canvasWidth = Math.ceil((clip.x + clip.width) * kx) - left;
  const canvasHeight = Math.ceil((clip.y + clip.height) * ky) - top;
  const edges = { x: clip.x * kx - left, y: clip.y * ky - top, width: clip.width * kx, height: clip.height * ky };
  // The placed image (larger than its box when it covers it), in the canvas's pixels: its
  // content moves by less than half a pixel.
  const scaledWidth = Math.max(1, Math.round(item.width * kx));
  const scaledHeight = Math.max(1, Math.round(item.height * ky));
  const offsetX = Math.round(item.x * kx) - left;
  const offsetY = Math.round(item.y * ky) - top;
  const visible = {
    left: Math.max(0, -offsetX), top: Math.max(0, -offsetY),
    right: Math.min(scaledWidth, canvasWidth - offsetX), bottom: Math.min(scaledHeight, canvasHeight - offsetY),
  };
  if (canvasWidth <= 0 || canvasHeight <= 0 || visible.right <= visible.left || visible.bottom <= visible.top) return null;
  const radius = Math.min(clip.radius * kx, edges.width / 2, edges.height / 2);
  const key = [createHash('sha1').update(item.bytes).digest('base64'), scaledWidth, scaledHeight, offsetX, offsetY,
    canvasWidth, canvasHeight, edges.x.toFixed(3), edges.y.toFixed(3), edges.width.toFixed(3), edges.height.toFixed(3), radius.toFixed(3)].join('|');
  let bytes = prepared.get(key);
  if (bytes) {
    prepared.delete(key); // most recently used last
  } else {
    bytes = scaled(item.bytes, { scaledWidth, scaledHeight, offsetX, offsetY, canvasWidth, canvasHeight, edges, radius, visible }).catch(() => null);
    if (prepared.size >= CACHE_ENTRIES) prepared.delete(prepared.keys().next().value!);
  }
  prepared.set(key, bytes);
  const png = await bytes;
  const info = png ? imageInfo(png) : null;
  // An image sharp cannot read is drawn as resvg would have drawn it (resvg skips it too).
  if (!png || !info) return item;
  const box = { x: left / kx, y: top / ky, width: canvasWidth / kx, height: canvasHeight / ky };
  return { ...item, ...box, clip: { ...box, radius: 0 }, bytes: png, image: info };
}

async function scaled(source: Uint8Array, geometry: {
  scaledWidth: number; scaledHeight: number; offsetX: number; offsetY: number; canvasWidth: number; canvasHeight: number;
  edges: { x: number; y: number; width: number; height: number }; radius: number;
  visible: { left: number; top: number; right: number; bottom: number };
}): Promise<Uint8Array> {
  const { visible, canvasWidth, canvasHeight, edges, radius } = geometry;
  const placedLeft = Math.max(0, geometry.offsetX);
  const placedTop = Math.max(0, geometry.offsetY);
  const crop = await sharp(source, { failOn: 'error' })
    .ensureAlpha()
    .resize(geometry.scaledWidth, geometry.scaledHeight, { fit: 'fill', kernel: 'lanczos3' })
    .extract({ left: visible.left, top: visible.top, width: visible.right - visible.left, height: visible.bottom - visible.top })
    .raw()
    .toBuffer({ resolveWithObject: true });
  // Placed on a transparent canvas and cut to the box by its coverage, here: two sharp
  // operations less, and sharp's SVG input (for a mask) would need librsvg's font configuration.
  const canvas = Buffer.alloc(canvasWidth * canvasHeight * 4);
  const rowBytes = crop.info.width * 4;
  for (let row = 0; row < crop.info.height; row += 1) {
    crop.data.copy(canvas, ((placedTop + row) * canvasWidth + placedLeft) * 4, row * rowBytes, (row + 1) * rowBytes);
  }
  applyBoxCoverage(canvas, canvasWidth, canvasHeight, edges, radius);
  // Fast to write and to read back: resvg inflates it again at once.
  const png = await sharp(canvas, { raw: { width: canvasWidth, height: canvasHeight, channels: 4 } })
    .png({ compressionLevel: 1, adaptiveFiltering: false })
    .toBuffer();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}

/** Samples a side of a pixel is cut into where the box's edge crosses it (16 samples: 17 levels of coverage). */
const SAMPLES = 4;

/**
 * Multiplies the alpha of an RGBA `width` × `height` image by its pixels' coverage by the box
 * (with its rounded corners), sampled where the edge crosses a pixel, as a rasteriser
 * anti-aliases a clip.
 */
function applyBoxCoverage(image: Buffer, width: number, height: number, box: { x: number; y: number; width: number; height: number }, radius: number): void {
  const right = box.x + box.width;
  const bottom = box.y + box.height;
  const inside = (x: number, y: number): boolean => {
    if (x < box.x || x > right || y < box.y || y > bottom) return false;
    const cx = x < box.x + radius ? box.x + radius : x > right - radius ? right - radius : x;
    const cy = y < box.y + radius ? box.y + radius : y > bottom - radius ? bottom - radius : y;
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
  };
  for (let py = 0; py < height; py += 1) {
    for (let px = 0; px < width; px += 1) {
      // A pixel wholly inside the box (and away from a rounded corner) is fully covered.
      const nearCorner = (px < box.x + radius || px + 1 > right - radius) && (py < box.y + radius || py + 1 > bottom - radius);
      if (!nearCorner && px >= box.x && px + 1 <= right && py >= box.y && py + 1 <= bottom) continue;
      let covered = 0;
      for (let sy = 0; sy < SAMPLES; sy += 1) {
        for (let sx = 0; sx < SAMPLES; sx += 1) {
          if (inside(px + (sx + 0.5) / SAMPLES, py + (sy + 0.5) / SAMPLES)) covered += 1;
        }
      }
      const alpha = (py * width + px) * 4 + 3;
      image[alpha] = Math.round((image[alpha]! * covered) / (SAMPLES * SAMPLES));
    }
  }
}
