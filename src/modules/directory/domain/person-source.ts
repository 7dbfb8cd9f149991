/**
 * The one contract every person source (LDAP, SQL, REST/JSON, CSV) implements. A source only
 * reads: it turns the external system's entries into {@link SourceRecord}s with raw attribute
 * values. Mapping those attributes to person fields, the institution and the person type is shared
 * code of the directory context (`person-mapping.ts`), never the source's business, so every source
 * maps the same way and the admin edits one mapping editor.
 */
import type { RecordDigestSpec } from './record-digest.ts';

/**
 * One entry of the source, as the source stores it.
 *
 * Invariants: `key` is stable for the life of the entry and unique within the source (the LDAP DN
 * or `entryUUID`, the SQL row key, the REST record id, the CSV eppn); the sync diffs on it.
 * Attribute names are the source's own (e.g. `supannEtuId`, a SQL column, a dotted JSON path as
 * configured); values are always arrays of strings, empty arrays meaning "absent".
 */
export interface SourceRecord {
  /** Stable, unique key of the entry within the source. */
  key: string;
  /** Attribute name → values (multi-valued attributes such as `eduPersonAffiliation`, `isMemberOf`). */
  attributes: Record<string, string[]>;
  /** The entry's photo (e.g. LDAP `jpegPhoto`), raw bytes, when the source has one and was asked for it. */
  photo?: Uint8Array;
  /** When the entry last changed at the source (ISO 8601 or LDAP GeneralizedTime), when known. */
  modifiedAt?: string;
}

/**
 * A page of records. Pages keep memory bounded: the sync maps, diffs and applies page by page
 * (a source should yield pages of a few hundred to a few thousand records).
 */
export interface SourcePage {
  records: SourceRecord[];
  /**
   * Entries the source itself could not read (a malformed CSV line…), ONE item per entry with all
   * its problems, reported as record errors. Optional. `key`: the entry's key when it could still
   * be read (that person is then not taken for gone). One without a `key` cannot be told apart
   * from a person gone from the source, so a full sync whose read had such an entry ends nobody's
   * rights (it says so, with the count).
   */
  rejected?: RejectedEntry[];
}

/** An entry the source could not read: its key when readable, and every problem it has. */
export interface RejectedEntry {
  key?: string;
  errors: Array<{ field: string; code: string; message: string }>;
}

/** What {@link PersonSource.records} is asked for. */
export interface SourceReadOptions {
  /**
   * Incremental read: only entries changed since this watermark (the value a previous read
   * returned in {@link SourceRead.watermark}). Absent (or null): a full read of every entry.
   * A source that cannot read incrementally reads everything (the sync then only applies changes).
   */
  since?: string | null;
  /** Stop after about this many records (the preview asks for 10); absent: no limit. */
  limit?: number;
  /** Cancels the read (a cancelled job, a closed preview request). */
  signal?: AbortSignal;
}

/** The result of {@link PersonSource.records}. */
export interface SourceRead {
  /** The pages, streamed; the source's connection is released when the iteration ends or breaks. */
  pages: AsyncIterable<SourcePage>;
  /**
   * The watermark to store once every page was consumed, for the next incremental read
   * (e.g. the highest LDAP `modifyTimestamp` seen, or the server time when the read began).
   * Known only after the pages are consumed: call it then. Returns null when the source has none.
   */
  watermark(): string | null;
  /**
   * The attributes the source carries at all, once the first page was read (a CSV file's columns):
   * a mapped attribute outside them is not provided, so its field keeps its value instead of being
   * cleared. Absent, or null: every mapped attribute is carried (LDAP, SQL, REST, where a missing
   * attribute on an entry means an empty value).
   */
  presentAttributes?(): ReadonlySet<string> | null;
}

/**
 * A page of a digested read (see {@link PersonSource.digestedRecords}): per entry, in the source's
 * order, its key, fingerprint and identity as parallel arrays (cheap to pass between threads),
 * and the full records of only the entries the caller asks for.
 */
export interface DigestedPage {
  keys: string[];
  /** `recordFingerprint` of each entry under the read's digest spec. */
  fingerprints: string[];
  /** `recordIdentity` of each entry, null when it has none. */
  identities: Array<string | null>;
  /**
   * The source's digest of each entry as it sent it (its bytes, under the read's settings), when
   * it has one: the sync stores it beside the fingerprint, and gives it back next time
   * ({@link KnownRawEntries}) so that the source need not decode an entry sent the same again.
   */
  rawDigests?: string[];
  /** As {@link SourcePage.rejected}. */
  rejected?: RejectedEntry[];
  /**
   * The full records at these positions of the page (ascending), in that order: the entries the
   * caller maps (new or changed ones). Call it at most once per page, before asking for the next
   * page: a page not asked for is dropped when the next one is asked for.
   */
  records(positions: readonly number[]): Promise<SourceRecord[]>;
}

/** What the last sync stored of each entry, by the raw digest it had (see {@link DigestedPage.rawDigests}). */
export type KnownRawEntries = ReadonlyMap<string, { key: string; fingerprint: string; identity: string | null }>;

/** The result of {@link PersonSource.digestedRecords}: as {@link SourceRead}, with digested pages. */
export interface DigestedRead extends Omit<SourceRead, 'pages'> {
  pages: AsyncIterable<DigestedPage>;
}

/** Outcome of {@link PersonSource.test}: a connection check shown to the admin. */
export type SourceTestResult =
  | { ok: true; message: string }
  | { ok: false; code: string; message: string };

/**
 * A person source plug-in. Implementations are built from a `person_sources` row (settings with
 * secrets resolved from the environment by name) by a factory registered in the directory service.
 */
export interface PersonSource {
  /** Reads entries, full or incremental (see {@link SourceReadOptions.since}). */
  records(options: SourceReadOptions): Promise<SourceRead>;
  /**
   * Optional: reads as {@link records} does, but gives each entry's key, fingerprint and identity
   * under `digest` rather than every record, so that the work per entry can happen off the
   * caller's thread (the LDAP source reads, decodes and digests in a worker thread). Its pages
   * must hold what digesting the records of {@link records} gives (`digestRecords`); the sync uses
   * this method when a source has it. `known` (the last sync's entries by raw digest) lets a
   * source that gives raw digests skip the entries sent as they were.
   */
  digestedRecords?(options: SourceReadOptions, digest: RecordDigestSpec, known?: Promise<KnownRawEntries>): Promise<DigestedRead>;
  /** Checks the connection and credentials (and that the query/base answers) without reading everything. */
  test(): Promise<SourceTestResult>;
  /**
   * Optional checks of the settings that need the disk (the CSV file exists inside
   * PERSON_SOURCE_DIR), run when the source is saved; throws {@link SourceSettingsError}.
   */
  check?(): Promise<void>;
}

/** Which kinds of sources exist (`person_sources.kind`). */
export type PersonSourceKind = 'ldap' | 'sql' | 'rest' | 'csv';

/** All source kinds. */
export const PERSON_SOURCE_KINDS: readonly PersonSourceKind[] = ['ldap', 'sql', 'rest', 'csv'];

/**
 * What a source factory receives: the source's kind-specific settings (as stored, validated by
 * the factory) and a way to read secrets by their environment name (`DIRECTORY_SECRETS`), so no
 * adapter reads `process.env` and no secret is stored in the database.
 */
export interface PersonSourceContext {
  /** The source's settings jsonb, kind-specific; the factory validates it. */
  settings: Record<string, unknown>;
  /** Attribute names the mapping reads, so a source can ask only for those (LDAP attribute list). */
  attributes: readonly string[];
  /** Whether photos are wanted (the source allows photo seeding); sources skip photos otherwise. */
  wantPhotos: boolean;
  /** The secret named `name` in `DIRECTORY_SECRETS`; throws `SourceSettingsError` when undefined. */
  secret(name: string): string;
}

/** Builds a source of one kind from its settings. Throws {@link SourceSettingsError} on bad settings. */
export type PersonSourceFactory = (context: PersonSourceContext) => PersonSource;

/** Settings a factory refuses: reported to the admin as a 400 with the field. */
export class SourceSettingsError extends Error {
  /**
   * @param field dotted path in the settings (e.g. `url`, `pagination.style`).
   * @param code stable machine-readable reason.
   */
  constructor(readonly field: string, readonly code: string, message: string) {
    super(message);
    this.name = 'SourceSettingsError';
  }
}
