/** Card photo format: 4:5 portrait, the size the server normalises to. */
export const PHOTO_OUTPUT_WIDTH = 480;
export const PHOTO_OUTPUT_HEIGHT = 600;
/** Largest upload accepted (the server's default PHOTO_MAX_BYTES); checked before reading. */
export const PHOTO_MAX_BYTES = 5 * 1024 * 1024;
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
 * Checks and decodes a chosen file. Refuses, before decoding, files above the size limit and
 * files whose content is not JPEG or PNG; then refuses images too small to print.
 */
export async function loadPhoto(file: File): Promise<{ ok: true; image: HTMLImageElement } | { ok: false; problem: PhotoProblem }> {
  if (file.size > PHOTO_MAX_BYTES) return { ok: false, problem: 'photo_too_large' };
  const type = await sniffImageType(file);
  if (!type) return { ok: false, problem: 'photo_type_unsupported' };
  const url = URL.createObjectURL(file);
  try {
    const image = new Image();
    image.decoding = 'async';
    image.src = url;
    await image.decode();
    if (image.naturalWidth < PHOTO_MIN_WIDTH || image.naturalHeight < PHOTO_MIN_HEIGHT) return { ok: false, problem: 'photo_too_small' };
    return { ok: true, image };
  } catch {
    URL.revokeObjectURL(url);
    return { ok: false, problem: 'photo_unreadable' };
  }
}

/**
 * Draws the framed photo into a `width` x `height` canvas context: the image covers the frame at
 * zoom 1 whatever its orientation, then is zoomed, turned and moved as the person chose.
 */
export function drawPhoto(context: CanvasRenderingContext2D, image: HTMLImageElement, transform: PhotoTransform, width: number, height: number): void {
  const sourceWidth = image.naturalWidth;
  const sourceHeight = image.naturalHeight;
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

/** The framed photo as the JPEG that gets uploaded (card format, no metadata). */
export async function renderPhoto(image: HTMLImageElement, transform: PhotoTransform): Promise<Blob> {
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
