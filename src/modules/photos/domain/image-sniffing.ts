/**
 * Content sniffing for uploaded card photos. The bytes decide what a file is: a file name or a
 * declared MIME type is only a claim made by the uploader's browser or operating system, and it
 * is routinely wrong (a PNG saved as `.jpg`) or hostile (a script renamed `.jpg`).
 */

/** The image formats the photo pipeline accepts. */
export type SniffedImageType = 'jpeg' | 'png';

/**
 * What a rejected upload looks like, for the problem detail shown to the card office. Only
 * `jpeg` and `png` are accepted; the other labels exist to say why something was refused.
 */
export type ContentKind =
  | 'jpeg'
  | 'png'
  | 'GIF'
  | 'WebP'
  | 'HEIF/AVIF'
  | 'TIFF'
  | 'BMP'
  | 'PDF'
  | 'SVG/XML'
  | 'text'
  | 'empty'
  | 'unknown';

/** What the uploader claimed: either may be missing. */
export interface DeclaredImageType {
  fileName?: string | undefined;
  mimeType?: string | undefined;
}

/** How a claim compares with the content. `accepted` depends on the content only. */
export interface DeclaredTypeCheck {
  sniffed: SniffedImageType | null;
  accepted: boolean;
  /** The image type each claim names, `other` for anything that is not JPEG or PNG. */
  declaredByFileName: SniffedImageType | 'other' | undefined;
  declaredByMimeType: SniffedImageType | 'other' | undefined;
  /** True when every claim present agrees with the content (vacuously true with no claims). */
  declaredMatches: boolean;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;
/** SOI followed by the first byte of the next marker; every JPEG variant (JFIF, Exif, raw) starts so. */
const JPEG_SIGNATURE = [0xff, 0xd8, 0xff] as const;
/** How much of the head is inspected to tell text from binary. */
const TEXT_PROBE_BYTES = 512;
/** Control characters that plain text does contain: tab, line feed, form feed, carriage return. */
const TEXT_CONTROLS = new Set([0x09, 0x0a, 0x0c, 0x0d]);

const JPEG_EXTENSIONS = new Set(['jpg', 'jpeg', 'jpe', 'jfif']);
const PNG_EXTENSIONS = new Set(['png']);
const JPEG_MIME_TYPES = new Set(['image/jpeg', 'image/jpg', 'image/pjpeg']);
const PNG_MIME_TYPES = new Set(['image/png', 'image/x-png']);

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + signature.length) return false;
  return signature.every((value, index) => bytes[offset + index] === value);
}

function startsWithAscii(bytes: Uint8Array, text: string, offset = 0): boolean {
  return startsWith(bytes, Array.from(text, (char) => char.charCodeAt(0)), offset);
}

/**
 * The accepted image type of `bytes` judged by its magic bytes alone, or null when the content is
 * neither a JPEG nor a PNG. Never throws, whatever the input.
 */
export function sniffImageType(bytes: Uint8Array): SniffedImageType | null {
  if (startsWith(bytes, JPEG_SIGNATURE)) return 'jpeg';
  if (startsWith(bytes, PNG_SIGNATURE)) return 'png';
  return null;
}

function looksLikeText(bytes: Uint8Array): boolean {
  const probe = bytes.subarray(0, TEXT_PROBE_BYTES);
  if (probe.length === 0) return false;
  try {
    // Streaming mode leaves a multi-byte character cut by the probe boundary pending instead of
    // calling it invalid; anything else that is not UTF-8 still throws.
    const text = new TextDecoder('utf-8', { fatal: true }).decode(probe, { stream: true });
    // Control characters other than tab, line feed, form feed and carriage return mean binary.
    for (const char of text) {
      const code = char.codePointAt(0) ?? 0;
      if ((code < 0x20 && !TEXT_CONTROLS.has(code)) || code === 0x7f) return false;
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * A label for what `bytes` contains, precise for the accepted formats and for the usual wrong
 * uploads (GIF, WebP, HEIC from phones, PDF scans, text). Meant for problem details, not for
 * deciding acceptance: use {@link sniffImageType} for that.
 */
export function identifyContent(bytes: Uint8Array): ContentKind {
  const sniffed = sniffImageType(bytes);
  if (sniffed !== null) return sniffed;
  if (bytes.length === 0) return 'empty';
  if (startsWithAscii(bytes, 'GIF87a') || startsWithAscii(bytes, 'GIF89a')) return 'GIF';
  if (startsWithAscii(bytes, 'RIFF') && startsWithAscii(bytes, 'WEBP', 8)) return 'WebP';
  if (startsWithAscii(bytes, 'ftyp', 4)) return 'HEIF/AVIF';
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return 'TIFF';
  if (startsWithAscii(bytes, 'BM')) return 'BMP';
  if (startsWithAscii(bytes, '%PDF-')) return 'PDF';
  if (looksLikeText(bytes)) {
    const head = new TextDecoder('utf-8').decode(bytes.subarray(0, TEXT_PROBE_BYTES)).trimStart().toLowerCase();
    return head.startsWith('<?xml') || head.startsWith('<svg') ? 'SVG/XML' : 'text';
  }
  return 'unknown';
}

/** The image type a file name's extension claims, `other` for any other extension. */
function typeFromFileName(fileName: string): SniffedImageType | 'other' {
  const dot = fileName.lastIndexOf('.');
  const extension = dot === -1 ? '' : fileName.slice(dot + 1).trim().toLowerCase();
  if (JPEG_EXTENSIONS.has(extension)) return 'jpeg';
  if (PNG_EXTENSIONS.has(extension)) return 'png';
  return 'other';
}

/** The image type a MIME type claims; parameters (`; charset=…`) and case are ignored. */
function typeFromMimeType(mimeType: string): SniffedImageType | 'other' {
  const essence = (mimeType.split(';')[0] ?? '').trim().toLowerCase();
  if (JPEG_MIME_TYPES.has(essence)) return 'jpeg';
  if (PNG_MIME_TYPES.has(essence)) return 'png';
  return 'other';
}

/**
 * Compares what the uploader claimed with what the content is. The content decides: a PNG named
 * `photo.jpg` is accepted as a PNG, a text file named `photo.jpg` is refused. The mismatch is
 * reported so callers can log or count it, never to reject an image whose bytes are fine.
 */
export function checkDeclaredType(bytes: Uint8Array, declared: DeclaredImageType = {}): DeclaredTypeCheck {
  const sniffed = sniffImageType(bytes);
  const declaredByFileName = declared.fileName ? typeFromFileName(declared.fileName) : undefined;
  const declaredByMimeType = declared.mimeType ? typeFromMimeType(declared.mimeType) : undefined;
  const agrees = (claim: SniffedImageType | 'other' | undefined) => claim === undefined || claim === sniffed;
  return {
    sniffed,
    accepted: sniffed !== null,
    declaredByFileName,
    declaredByMimeType,
    declaredMatches: agrees(declaredByFileName) && agrees(declaredByMimeType),
  };
}

/** Markers that stand alone, without a length: SOI, EOI, TEM and the restart markers RST0-7. */
function isStandaloneMarker(marker: number): boolean {
  return marker === 0xd8 || marker === 0xd9 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7);
}

/**
 * True when a JPEG's compressed data is followed by its end-of-image marker. The header segments
 * are walked by their lengths (an EXIF thumbnail holds its own end marker), then the scans are
 * searched: inside them a 0xFF byte is always followed by 0x00, a restart marker or another
 * segment, so 0xFF 0xD9 there is the end of the image. Without it the file was cut, even where
 * the decoder, which may stop reading once it has every pixel row, would not notice. Never throws.
 */
export function jpegHasEndMarker(bytes: Uint8Array): boolean {
  let offset = 2;
  while (offset + 1 < bytes.length) {
    if (bytes[offset] !== 0xff) return false;
    const marker = bytes[offset + 1] as number;
    if (marker === 0xff) {
      offset += 1;
      continue;
    }
    if (marker === 0xd9) return true;
    if (isStandaloneMarker(marker)) {
      offset += 2;
      continue;
    }
    if (offset + 3 >= bytes.length) return false;
    const length = ((bytes[offset + 2] as number) << 8) | (bytes[offset + 3] as number);
    if (length < 2) return false;
    offset += 2 + length;
    if (marker === 0xda) {
      for (let index = offset; index + 1 < bytes.length; index++) {
        if (bytes[index] === 0xff && bytes[index + 1] === 0xd9) return true;
      }
      return false;
    }
  }
  return false;
}
