/**
 * The card office retouch: a quarter-turn, a crop and a brightness factor applied to a photo
 * before it is normalised to the card format. Pure rules and geometry; no pixels are touched here.
 *
 * Coordinates: a crop is given in source pixels of the upright source, that is after the EXIF
 * orientation was applied (what every browser shows the operator), and before the manual turn.
 * The manual turn is applied to the cropped region.
 */
import { unprocessable } from '../../../platform/http/problem.ts';

/** Clockwise rotation in degrees. */
export type QuarterTurn = 0 | 90 | 180 | 270;

export interface ImageSize {
  width: number;
  height: number;
}

/** A rectangle in whole pixels; `left`/`top` are zero-based offsets. */
export interface PhotoCrop {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Edits as requested by the card office; every field is optional. */
export interface PhotoEdits {
  rotate?: QuarterTurn;
  crop?: PhotoCrop;
  brightness?: number;
}

/** Edits after validation, with the neutral value filled in for what was not requested. */
export interface ResolvedPhotoEdits {
  rotate: QuarterTurn;
  crop: PhotoCrop | undefined;
  brightness: number;
}

export const QUARTER_TURNS: readonly QuarterTurn[] = [0, 90, 180, 270];
export const MIN_BRIGHTNESS = 0.5;
export const MAX_BRIGHTNESS = 1.5;

function isQuarterTurn(value: unknown): value is QuarterTurn {
  return QUARTER_TURNS.some((turn) => turn === value);
}

/**
 * Checks the requested edits against the upright source size and fills in neutral values.
 * Throws 422 `photo_edit_invalid` for a malformed value and 422 `photo_crop_out_of_bounds` for a
 * crop that leaves the source. Values are re-checked at run time because they arrive from
 * untyped JSON through the routes.
 */
export function resolvePhotoEdits(edits: PhotoEdits | undefined, source: ImageSize): ResolvedPhotoEdits {
  const rotate: unknown = edits?.rotate ?? 0;
  if (!isQuarterTurn(rotate)) {
    throw unprocessable('photo_edit_invalid', 'rotate must be 0, 90, 180 or 270 degrees', { field: '/rotate' });
  }

  const brightness: unknown = edits?.brightness ?? 1;
  if (typeof brightness !== 'number' || !Number.isFinite(brightness) || brightness < MIN_BRIGHTNESS || brightness > MAX_BRIGHTNESS) {
    throw unprocessable(
      'photo_edit_invalid',
      `brightness must be a number from ${MIN_BRIGHTNESS} to ${MAX_BRIGHTNESS}`,
      { field: '/brightness' },
    );
  }

  const crop = edits?.crop;
  if (crop !== undefined) checkCrop(crop, source);
  return { rotate, crop: crop === undefined ? undefined : { ...crop }, brightness };
}

function checkCrop(crop: PhotoCrop, source: ImageSize): void {
  for (const key of ['left', 'top', 'width', 'height'] as const) {
    const value: unknown = crop[key];
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
      throw unprocessable('photo_edit_invalid', `crop.${key} must be a whole number of pixels`, { field: `/crop/${key}` });
    }
  }
  if (crop.width < 1 || crop.height < 1) {
    throw unprocessable('photo_edit_invalid', 'crop width and height must be at least 1 pixel', { field: '/crop' });
  }
  if (crop.left < 0 || crop.top < 0 || crop.left + crop.width > source.width || crop.top + crop.height > source.height) {
    throw unprocessable(
      'photo_crop_out_of_bounds',
      `crop ${crop.width}x${crop.height}+${crop.left}+${crop.top} does not fit in the ${source.width}x${source.height} photo`,
      { field: '/crop', extensions: { sourceWidth: source.width, sourceHeight: source.height } },
    );
  }
}

/** The size of a frame after turning it clockwise by `turn`. */
export function rotateSize(size: ImageSize, turn: QuarterTurn): ImageSize {
  return turn === 90 || turn === 270 ? { width: size.height, height: size.width } : { ...size };
}

/**
 * Where `rect`, given in `frame`, lies once the whole frame is turned clockwise by `turn`.
 * Lets a crop chosen in source coordinates be applied after the turn, which is the order the
 * image library performs them in, without decoding twice. Preserves size (swapped for 90/270)
 * and containment in the turned frame.
 */
export function rotateRect(rect: PhotoCrop, frame: ImageSize, turn: QuarterTurn): PhotoCrop {
  switch (turn) {
    case 0:
      return { ...rect };
    case 90:
      return { left: frame.height - rect.top - rect.height, top: rect.left, width: rect.height, height: rect.width };
    case 180:
      return {
        left: frame.width - rect.left - rect.width,
        top: frame.height - rect.top - rect.height,
        width: rect.width,
        height: rect.height,
      };
    case 270:
      return { left: rect.top, top: frame.width - rect.left - rect.width, width: rect.height, height: rect.width };
  }
}

/** The size of the picture the edits leave, before it is fitted to the card format. */
export function editedSize(source: ImageSize, edits: ResolvedPhotoEdits): ImageSize {
  const cropped = edits.crop ? { width: edits.crop.width, height: edits.crop.height } : source;
  return rotateSize(cropped, edits.rotate);
}
