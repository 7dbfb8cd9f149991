/** Card photo format: 4:5 portrait, the size the server normalises to. */
export const PHOTO_OUTPUT_WIDTH = 480;
export const PHOTO_OUTPUT_HEIGHT = 600;
/** Largest upload the server accepts by default (PHOTO_MAX_BYTES); the rendered photo stays far below. */
export const PHOTO_MAX_BYTES = 5 * 1024 * 1024;
/**
 * Largest original accepted from the device, checked before reading: any phone photo (a
 * 12-megapixel JPEG weighs 3 to 10 MB). It is never uploaded as is: `renderPhoto` sends the
 * framed 480 × 600 JPEG.
 */
export const PHOTO_SOURCE_MAX_BYTES = 30 * 1024 * 1024;
/** Highest zoom the editors offer. */
export const PHOTO_MAX_ZOOM = 3;
/**
 * Short side of the working copy of a large original: the frame at the highest zoom shows at
 * most this many source pixels, so nothing visible is lost, and dragging stays smooth on a phone.
 */
const WORKING_SHORT_SIDE = PHOTO_OUTPUT_HEIGHT * PHOTO_MAX_ZOOM;

/** A decoded photo: a chosen file (a bitmap) or a stored photo loaded for retouching (an image). */
export type PhotoImage = HTMLImageElement | ImageBitmap;

/** The pixel size of a decoded photo. */
export function imageSize(image: PhotoImage): { width: number; height: number } {
  return 'naturalWidth' in image ? { width: image.naturalWidth, height: image.naturalHeight } : { width: image.width, height: image.height };
}
/** Smallest source that still prints sharp enough (the server refuses smaller ones too). */
export const PHOTO_MIN_WIDTH = 150;
export const PHOTO_MIN_HEIGHT = 200;

/** How the person framed their photo. Pan is a fraction of the frame size. */
export interface PhotoTransform {
  zoom: number;
  /** Quarter turns, clockwise. */
  quarterTurns: 0 | 1 | 2 | 3;
  /** Fine straightening, in degrees (-20..20). */
  straighten: number;
  panX: number;
  panY: number;
  /** Brightness factor (0.5..1.5), for the card office retouch. */
  brightness: number;
}

export const NEUTRAL_TRANSFORM: PhotoTransform = { zoom: 1, quarterTurns: 0, straighten: 0, panX: 0, panY: 0, brightness: 1 };

export type PhotoProblem = 'photo_too_large' | 'photo_type_unsupported' | 'photo_unreadable' | 'photo_too_small';

/** What the first bytes say the file is: only JPEG and PNG are accepted, whatever the name. */
export async function sniffImageType(file: Blob): Promise<'jpeg' | 'png' | null> {
  const head = new Uint8Array(await file.slice(0, 8).arrayBuffer());
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (png.every((byte, index) => head[index] === byte)) return 'png';
  return null;
}

/** Loads an image the server already holds (a card photo), for retouching. */
export async function loadPhotoUrl(url: string): Promise<HTMLImageElement> {
  const image = new Image();
  image.src = url;
  await image.decode();
  return image;
}

/**
 * Checks and decodes a chosen file. Refuses, before decoding, files above
 * `PHOTO_SOURCE_MAX_BYTES` and files whose content is not JPEG or PNG; then refuses images too
 * small to print. A large original is decoded once (`createImageBitmap`, which applies the EXIF
 * orientation) and kept as a smaller working copy.
 */
export async function loadPhoto(file: File): Promise<{ ok: true; image: PhotoImage } | { ok: false; problem: PhotoProblem }> {
  if (file.size > PHOTO_SOURCE_MAX_BYTES) return { ok: false, problem: 'photo_too_large' };
  const type = await sniffImageType(file);
  if (!type) return { ok: false, problem: 'photo_type_unsupported' };
  let image: PhotoImage;
  try {
    image = typeof createImageBitmap === 'function' ? await createImageBitmap(file) : await decodeAsImage(file);
  } catch {
    return { ok: false, problem: 'photo_unreadable' };
  }
  const { width, height } = imageSize(image);
  if (width < PHOTO_MIN_WIDTH || height < PHOTO_MIN_HEIGHT) return { ok: false, problem: 'photo_too_small' };
  return { ok: true, image: image instanceof ImageBitmap ? await workingCopy(image) : image };
}

/** Browsers without `createImageBitmap`: decode through an image element. */
async function decodeAsImage(file: File): Promise<HTMLImageElement> {
  const url = URL.createObjectURL(file);
  const image = new Image();
  image.decoding = 'async';
  image.src = url;
  try {
    await image.decode();
    return image;
  } catch (error) {
    URL.revokeObjectURL(url);
    throw error;
  }
}

/** The original itself when it is small enough, else a copy whose short side is `WORKING_SHORT_SIDE`. */
async function workingCopy(original: ImageBitmap): Promise<ImageBitmap> {
  const scale = WORKING_SHORT_SIDE / Math.min(original.width, original.height);
  if (scale >= 1) return original;
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(original.width * scale);
  canvas.height = Math.round(original.height * scale);
  const context = canvas.getContext('2d');
  if (!context) return original;
  context.imageSmoothingQuality = 'high';
  context.drawImage(original, 0, 0, canvas.width, canvas.height);
  original.close();
  return createImageBitmap(canvas);
}

/**
 * Draws the framed photo into a `width` x `height` canvas context: the image covers the frame at
 * zoom 1 whatever its orientation, then is zoomed, turned and moved as the person chose.
 */
export function drawPhoto(context: CanvasRenderingContext2D, image: PhotoImage, transform: PhotoTransform, width: number, height: number): void {
  const { width: sourceWidth, height: sourceHeight } = imageSize(image);
  const sideways = transform.quarterTurns % 2 === 1;
  const turnedWidth = sideways ? sourceHeight : sourceWidth;
  const turnedHeight = sideways ? sourceWidth : sourceHeight;
  const scale = Math.max(width / turnedWidth, height / turnedHeight) * transform.zoom;
  context.save();
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, width, height);
  context.imageSmoothingQuality = 'high';
  if (transform.brightness !== 1) context.filter = `brightness(${transform.brightness})`;
  context.translate(width / 2 + transform.panX * width, height / 2 + transform.panY * height);
  context.rotate(((transform.quarterTurns * 90 + transform.straighten) * Math.PI) / 180);
  context.drawImage(image, (-sourceWidth * scale) / 2, (-sourceHeight * scale) / 2, sourceWidth * scale, sourceHeight * scale);
  context.restore();
}

/**
 * The framed photo as the JPEG that gets uploaded: card format (480 × 600, the size the server
 * normalises to, so more pixels would be thrown away), no metadata, some 50 to 200 kB whatever
 * the original weighed.
 */
export async function renderPhoto(image: PhotoImage, transform: PhotoTransform): Promise<Blob> {
  const canvas = document.createElement('canvas');
  canvas.width = PHOTO_OUTPUT_WIDTH;
  canvas.height = PHOTO_OUTPUT_HEIGHT;
  const context = canvas.getContext('2d');
  if (!context) throw new Error('canvas 2d unavailable');
  drawPhoto(context, image, transform, PHOTO_OUTPUT_WIDTH, PHOTO_OUTPUT_HEIGHT);
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('encoding failed'))), 'image/jpeg', 0.92);
  });
}

/** Keeps the pan within reach of the frame so the photo cannot be dragged away entirely. */
export function clampPan(value: number, zoom: number): number {
  const limit = Math.max(0.1, (zoom - 1) / 2 + 0.1);
  return Math.min(limit, Math.max(-limit, value));
}
