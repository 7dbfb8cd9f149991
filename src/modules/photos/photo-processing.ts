/**
 * The card photo pipeline: an uploaded JPEG or PNG becomes one normalised card photo, a
 * metadata-free sRGB JPEG of a fixed size. Everything that can be refused cheaply (byte size,
 * content type, header dimensions, edits) is refused before a single pixel is decoded.
 */
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { Metadata, Sharp, SharpOptions } from 'sharp';
import { ProblemError, unprocessable } from '../../platform/http/problem.ts';
import { checkDeclaredType, identifyContent, jpegHasEndMarker } from './domain/image-sniffing.ts';
import type { DeclaredImageType, SniffedImageType } from './domain/image-sniffing.ts';
import { editedSize, resolvePhotoEdits, rotateRect } from './domain/photo-edit-rules.ts';
import type { ImageSize, PhotoEdits } from './domain/photo-edit-rules.ts';
import { createGate } from '../../platform/concurrency/gate.ts';

/** Card photo size in pixels: 4:5 portrait, enough for a 300 dpi print on a CR80 card. */
export const PHOTO_WIDTH = 480;
export const PHOTO_HEIGHT = 600;
export const PHOTO_JPEG_QUALITY = 85;
/** Below this the photo would be enlarged more than about 3x and print visibly blurred. */
export const PHOTO_MIN_WIDTH = 150;
export const PHOTO_MIN_HEIGHT = 200;
/**
 * Photo pipelines decoding at the same time in this process. Each decode of a large upload uses
 * a full core and tens of megabytes; the rest wait their turn rather than starve the API.
 */
export const PHOTO_PIPELINE_CONCURRENCY = 2;

export interface PhotoLimits {
  /** Largest accepted upload, in bytes. */
  maxBytes: number;
  /** Largest accepted width * height, read from the header. */
  maxPixels: number;
  /** Largest accepted width or height, read from the header. */
  maxDimension: number;
}

export const DEFAULT_PHOTO_LIMITS: Readonly<PhotoLimits> = Object.freeze({
  maxBytes: 5 * 1024 * 1024,
  maxPixels: 40_000_000,
  maxDimension: 8000,
});

export interface ProcessPhotoOptions {
  /** Card office retouch, applied before the photo is fitted to the card format. */
  edits?: PhotoEdits | undefined;
  /** The uploader's file name and MIME type: reported against the content, never trusted. */
  declared?: DeclaredImageType | undefined;
}

export interface ProcessedPhoto {
  /** Baseline sRGB JPEG of exactly PHOTO_WIDTH x PHOTO_HEIGHT, without EXIF, GPS, XMP or ICC. */
  jpeg: Buffer;
  width: number;
  height: number;
  /** Lower-case hex SHA-256 of `jpeg`. */
  sha256: string;
  /** The format of the upload as its content says, whatever its name or MIME type claimed. */
  sourceFormat: SniffedImageType;
  /** False when the declared file name or MIME type named another format than the content. */
  declaredTypeMatches: boolean;
}

/** Options shared by every sharp call: stream the input once, and treat truncation as fatal. */
const BASE_SHARP_OPTIONS: SharpOptions = { sequentialRead: true, failOn: 'error' };

const runGated = createGate(PHOTO_PIPELINE_CONCURRENCY);

function corrupt(detail: string, cause?: unknown): ProblemError {
  const error = unprocessable('photo_corrupt', detail);
  if (cause !== undefined) error.cause = cause;
  return error;
}

function dimensionsTooLarge(size: ImageSize, limits: PhotoLimits): ProblemError {
  return unprocessable(
    'photo_dimensions_too_large',
    `The photo is ${size.width}x${size.height} pixels; at most ${limits.maxDimension} pixels a side ` +
      `and ${limits.maxPixels} pixels in all are accepted`,
    { extensions: { width: size.width, height: size.height, maxPixels: limits.maxPixels, maxDimension: limits.maxDimension } },
  );
}

/** Header-only read: no pixel is decoded, so this is safe on a decompression bomb. */
async function readHeader(input: Buffer, expected: SniffedImageType): Promise<Metadata> {
  let metadata: Metadata;
  try {
    // The pixel limit is enforced by our own check on the header just after, with a precise error.
    metadata = await sharp(input, { ...BASE_SHARP_OPTIONS, limitInputPixels: false }).metadata();
  } catch (error) {
    throw corrupt(`The ${expected.toUpperCase()} header cannot be read`, error);
  }
  if (metadata.format !== expected || !(metadata.width > 0) || !(metadata.height > 0)) {
    throw corrupt(`The ${expected.toUpperCase()} header is not valid`);
  }
  return metadata;
}

/**
 * Turns an uploaded photo into the card photo.
 *
 * Checks, in this order and each before any decoding: byte size (413 `photo_too_large`), content
 * type by magic bytes (415 `photo_unsupported_type`, the detail names what was found), a readable
 * header (422 `photo_corrupt`), header dimensions against `limits` (422
 * `photo_dimensions_too_large`), the edits (422 `photo_edit_invalid`, `photo_crop_out_of_bounds`)
 * and the size left after them (422 `photo_too_small`). Decoding then fails on a truncated or
 * corrupt image (422 `photo_corrupt`); sharp's own pixel limit guards it a second time.
 *
 * The photo is oriented by EXIF, cropped (source pixels of the upright photo), turned,
 * brightened, cover-fitted to PHOTO_WIDTH x PHOTO_HEIGHT, flattened on white, converted to sRGB
 * and written as a baseline JPEG with all metadata removed. At most PHOTO_PIPELINE_CONCURRENCY
 * decodes run at once in the process; the others queue.
 */
export async function processPhoto(
  input: Buffer,
  limits: PhotoLimits = DEFAULT_PHOTO_LIMITS,
  options: ProcessPhotoOptions = {},
): Promise<ProcessedPhoto> {
  if (input.length > limits.maxBytes) {
    throw new ProblemError(
      413,
      'photo_too_large',
      `The photo is ${input.length} bytes; at most ${limits.maxBytes} bytes are accepted`,
      { extensions: { size: input.length, maxBytes: limits.maxBytes } },
    );
  }

  const declared = checkDeclaredType(input, options.declared);
  const sourceFormat = declared.sniffed;
  if (sourceFormat === null) {
    const detected = identifyContent(input);
    throw new ProblemError(
      415,
      'photo_unsupported_type',
      `Only JPEG and PNG photos are accepted; the content of this file is ${detected}`,
      { extensions: { detected } },
    );
  }

  // As displayed: EXIF orientations 5 to 8 swap the sides.
  const upright: ImageSize = { ...(await readHeader(input, sourceFormat)).autoOrient };
  if (
    upright.width * upright.height > limits.maxPixels ||
    Math.max(upright.width, upright.height) > limits.maxDimension
  ) {
    throw dimensionsTooLarge(upright, limits);
  }

  const edits = resolvePhotoEdits(options.edits, upright);
  const edited = editedSize(upright, edits);
  if (edited.width < PHOTO_MIN_WIDTH || edited.height < PHOTO_MIN_HEIGHT) {
    throw unprocessable(
      'photo_too_small',
      `The photo is ${edited.width}x${edited.height} pixels${edits.crop ? ' after cropping' : ''}; ` +
        `at least ${PHOTO_MIN_WIDTH}x${PHOTO_MIN_HEIGHT} is needed`,
      { extensions: { width: edited.width, height: edited.height, minWidth: PHOTO_MIN_WIDTH, minHeight: PHOTO_MIN_HEIGHT } },
    );
  }

  // sharp performs turn-then-extract in one pass when called in this order, so the crop chosen
  // in upright source pixels is mapped into the turned frame rather than decoding twice.
  let pipeline: Sharp = sharp(input, { ...BASE_SHARP_OPTIONS, limitInputPixels: limits.maxPixels }).autoOrient();
  if (edits.rotate !== 0) pipeline = pipeline.rotate(edits.rotate);
  if (edits.crop) pipeline = pipeline.extract(rotateRect(edits.crop, upright, edits.rotate));
  pipeline = pipeline.resize({ width: PHOTO_WIDTH, height: PHOTO_HEIGHT, fit: 'cover', position: 'centre' });
  if (edits.brightness !== 1) pipeline = pipeline.modulate({ brightness: edits.brightness });
  // Without keepMetadata/withMetadata sharp writes no EXIF, GPS, XMP, IPTC or ICC and converts
  // any embedded profile (Display P3, Adobe RGB, CMYK) to sRGB.
  pipeline = pipeline
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb')
    .jpeg({ quality: PHOTO_JPEG_QUALITY, mozjpeg: false, progressive: false, chromaSubsampling: '4:2:0' });

  if (sourceFormat === 'jpeg' && !jpegHasEndMarker(input)) throw corrupt('The JPEG image is truncated (it has no end-of-image marker)');
  const { data, info } = await runGated(async () => {
    try {
      return await pipeline.toBuffer({ resolveWithObject: true });
    } catch (error) {
      if (error instanceof Error && /pixel limit/i.test(error.message)) throw dimensionsTooLarge(upright, limits);
      throw corrupt(`The ${sourceFormat.toUpperCase()} image is truncated or corrupt`, error);
    }
  });

  return {
    jpeg: data,
    width: info.width,
    height: info.height,
    sha256: createHash('sha256').update(data).digest('hex'),
    sourceFormat,
    declaredTypeMatches: declared.declaredMatches,
  };
}
