/**
 * The files of a migration upload: a bare CSV, or a ZIP holding the card CSV (ESUP-SGC's
 * `cards.csv`, or one `.csv` of the generic format), optionally the CROUS pre-encoded card file
 * `crous_cards.csv`, and a `photos/` folder. Photos are inflated only when asked for, a batch at a
 * time (the ZIP's directory is read again for each batch, which costs little), so memory holds the
 * upload plus one batch of photos, never every photo at once.
 */
import { unzipSync } from 'fflate';

const ZIP_SIGNATURE = [0x50, 0x4b, 0x03, 0x04];

/** Largest photo accepted inside an archive, before decoding (the photo checks apply after). */
export const MAX_ARCHIVE_PHOTO_BYTES = 10 * 1024 * 1024;

export interface MigrationArchive {
  /** The card CSV's bytes and its name in the archive (null for a bare CSV). */
  csv: Uint8Array;
  csvName: string | null;
  /** ESUP-SGC's `crous_cards.csv` (the CROUS pre-encoded card file), when present. */
  crousCards: Uint8Array | null;
  /** Names of the files under `photos/`. */
  photoNames: Set<string>;
  /** The photos of these names that exist (inflated now). */
  photos(names: readonly string[]): Map<string, Uint8Array>;
}

export type ArchiveResult = { ok: true; archive: MigrationArchive } | { ok: false; code: string; message: string };

/** True when the bytes start like a ZIP file. */
export function isZip(bytes: Uint8Array): boolean {
  return ZIP_SIGNATURE.every((byte, index) => bytes[index] === byte);
}

/** Lists the archive's entries without inflating any (the filter refuses them all). */
function entryNames(bytes: Uint8Array): string[] {
  const names: string[] = [];
  unzipSync(bytes, { filter: (file) => { names.push(file.name); return false; } });
  return names;
}

/** Opens an upload (ZIP or bare CSV). Never throws: a broken ZIP or one with no card CSV is a file error. */
export function openMigrationUpload(bytes: Uint8Array): ArchiveResult {
  if (!isZip(bytes)) {
    return { ok: true, archive: { csv: bytes, csvName: null, crousCards: null, photoNames: new Set(), photos: () => new Map() } };
  }
  let names: string[];
  try {
    names = entryNames(bytes);
  } catch (error) {
    return { ok: false, code: 'zip_invalid', message: `The ZIP file cannot be read: ${(error as Error).message}` };
  }
  const csvs = names.filter((name) => !name.includes('/') && name.toLowerCase().endsWith('.csv') && name !== 'crous_cards.csv');
  const csvName = csvs.includes('cards.csv') ? 'cards.csv' : csvs.length === 1 ? csvs[0] as string : undefined;
  if (csvName === undefined) {
    return { ok: false, code: 'zip_without_csv', message: 'The ZIP must hold one card CSV at its root (cards.csv for ESUP-SGC), beside a photos/ folder' };
  }
  const wanted = new Set([csvName, 'crous_cards.csv']);
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, { filter: (file) => wanted.has(file.name) });
  } catch (error) {
    return { ok: false, code: 'zip_invalid', message: `The ZIP file cannot be read: ${(error as Error).message}` };
  }
  const photoNames = new Set(names.filter((name) => name.startsWith('photos/') && !name.endsWith('/')));
  return {
    ok: true,
    archive: {
      csv: files[csvName] as Uint8Array,
      csvName,
      crousCards: files['crous_cards.csv'] ?? null,
      photoNames,
      photos(requested) {
        const asked = new Set(requested.filter((name) => photoNames.has(name)));
        if (asked.size === 0) return new Map();
        const found = unzipSync(bytes, { filter: (file) => asked.has(file.name) && file.originalSize <= MAX_ARCHIVE_PHOTO_BYTES });
        return new Map(Object.entries(found));
      },
    },
  };
}
