/**
 * Reading an LDAP directory into {@link SourceRecord}s: connecting (LDAPS, StartTLS, bind), the
 * paged search (ldap-wire.ts, which gives entries as sent so that a sync's worker decodes only the
 * ones that changed) and the entries' conversion, and the failures as stable codes. Used by the
 * LDAP source on the main thread (connection checks, preview) and by its worker
 * thread (syncs: see ldap-digest.worker.ts), so it loads no settings schema and nothing of the server.
 */
import type { ConnectionOptions } from 'node:tls';
import {
  InsufficientAccessError,
  InvalidCredentialsError,
  NoSuchObjectError,
  ProtocolError,
  SizeLimitExceededError,
  type Entry,
} from 'ldapts';
import {
  SourceSettingsError,
  type SourceRead,
  type SourceReadOptions,
  type SourceRecord,
} from '../../modules/directory/domain/person-source.ts';
import { ProblemError } from '../../platform/http/problem.ts';
import type { LdapSourceSettings } from './ldap.source.ts';
import { LdapWire, rawAttributeValue, type RawEntry, type WireSearch } from './ldap-wire.ts';

/** A read of raw entries (see {@link LdapReader.rawRead}). */
export interface RawRead {
  /** Pages of entries as sent, in the directory's order. */
  pages: AsyncIterable<RawEntry[]>;
  /** The highest `modifyTimestamp` read so far (GeneralizedTime), or the read's `since`. */
  watermark(): string | null;
  /** An entry of this read as a record (decoded now). */
  record(entry: RawEntry): SourceRecord;
}

/** Why an LDAP read or check failed: a stable code for the API (4xx) and the admin UI. */
export type LdapFailure =
  | 'ldap_invalid_credentials'
  | 'ldap_unreachable'
  | 'ldap_tls_failed'
  | 'ldap_base_not_found'
  | 'ldap_bad_filter'
  | 'ldap_access_denied'
  | 'ldap_size_limit'
  | 'ldap_error';

/** The setting an admin would change for each failure (the problem's `field`). */
const FAILURE_FIELDS: Record<LdapFailure, string> = {
  ldap_invalid_credentials: '/settings/secretEnv',
  ldap_unreachable: '/settings/url',
  ldap_tls_failed: '/settings/caCertFile',
  ldap_base_not_found: '/settings/baseDn',
  ldap_bad_filter: '/settings/filter',
  ldap_access_denied: '/settings/bindDn',
  ldap_size_limit: '/settings/pageSize',
  ldap_error: '/settings',
};

/**
 * A failed LDAP operation, as a 409 problem (the source's settings do not work against the
 * directory as it is: the admin fixes one or the other; never a 5xx). `code` is stable, `field`
 * names the setting to look at, and the message is safe to show an admin: it names the server
 * and DNs, never the password. The sync records it as the run's outcome.
 */
export class LdapSourceError extends ProblemError {
  constructor(readonly failure: LdapFailure, message: string, options?: { cause?: unknown }) {
    super(409, failure, message, { field: FAILURE_FIELDS[failure] });
    this.name = 'LdapSourceError';
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

/** The filter of a source that names none. */
export const DEFAULT_FILTER = '(eduPersonPrincipalName=*)';
const DEFAULT_PAGE_SIZE = 500;
const DEFAULT_TIMEOUT_MS = 30_000;
const PHOTO_ATTRIBUTE = 'jpegPhoto';
const TIMESTAMP_ATTRIBUTE = 'modifyTimestamp';
/** `modifyTimestamp` as raw reads compare attribute names. */
export const TIMESTAMP_LOWER = TIMESTAMP_ATTRIBUTE.toLowerCase();

/**
 * What turns an entry's bytes into a record: ldapts' version (its entry decoding) and the version of
 * {@link LdapReader}'s conversion (`toRecord`, `stringValues`). Part of every raw digest's seed:
 * bump the record version with any change to the conversion (a test keeps the ldapts version in
 * step with the installed package), so entries stored under the old code are decoded again.
 */
export const RECORD_DECODER = 'ldapts 8.0.17; records 1';
const GENERALIZED_TIME = /^(\d{14})(?:[.,]\d+)?Z$/;

/** An LDAP timestamp as the watermark format: GeneralizedTime `YYYYMMDDhhmmssZ` (ISO 8601 accepted). */
export function toGeneralizedTime(value: string): string {
  const generalized = GENERALIZED_TIME.exec(value);
  if (generalized) return `${generalized[1]}Z`;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new SourceSettingsError('watermark', 'invalid_watermark', `watermark: not a timestamp (${value})`);
  }
  return `${date.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}

/**
 * What an {@link LdapReader} is built from: plain data (structured-clone friendly), so that a
 * worker thread builds the same reader as the main thread. The password is only passed to `bind`.
 */
export interface LdapReaderSpec {
  settings: LdapSourceSettings;
  password: string;
  /** PEM of the CA that signed the directory's certificate (`caCertFile`, read by the factory). */
  ca?: Uint8Array;
  /** Attribute names the mapping reads (empty: every user attribute). */
  attributes: readonly string[];
  /** Whether to read `jpegPhoto`. */
  wantPhotos: boolean;
}

/** Connects to the directory and reads its entries as records (see the module comment). */
export class LdapReader {
  private readonly settings: LdapSourceSettings;
  private readonly tlsOptions: ConnectionOptions | undefined;
  private readonly wantPhotos: boolean;
  /** The source's filter (the settings' or the default). */
  readonly filter: string;
  private readonly requested: string[];
  /** Lower-cased attribute name → the spelling the mapping asked for (LDAP names are case-insensitive). */
  private readonly names = new Map<string, string>();
  private readonly keyAttribute: string;
  private readonly roles = new Map<string, AttributeRole>();

  constructor(private readonly spec: LdapReaderSpec) {
    const { settings, attributes, wantPhotos } = spec;
    this.settings = settings;
    this.wantPhotos = wantPhotos;
    this.tlsOptions = spec.ca ? { ca: [Buffer.from(spec.ca)] } : undefined;
    this.filter = settings.filter ?? DEFAULT_FILTER;
    this.keyAttribute = settings.keyAttribute ?? 'entryUUID';
    for (const name of attributes) this.names.set(name.toLowerCase(), name);
    // Without a list the directory sends every user attribute (photos included): name them.
    const wanted = attributes.length > 0 ? [...attributes] : ['*'];
    wanted.push(TIMESTAMP_ATTRIBUTE);
    if (this.keyAttribute !== 'dn') wanted.push(this.keyAttribute);
    if (wantPhotos) wanted.push(PHOTO_ATTRIBUTE);
    this.requested = [...new Set(wanted)];
  }

  /** Reads the entries: binds first (a wrong password or a dead server fails this call), then pages. */
  async read(options: SourceReadOptions): Promise<SourceRead> {
    const raw = await this.rawRead(options);
    return {
      pages: (async function* decoded() {
        for await (const entries of raw.pages) yield { records: entries.map((entry) => raw.record(entry)) };
      })(),
      watermark: raw.watermark,
    };
  }

  /**
   * Reads the entries as the directory sent them (see ldap-wire.ts), each decoded into a record
   * only when asked (`record`): binds first, as {@link read}. The watermark is read from every
   * entry's bytes, decoded or not.
   */
  async rawRead(options: SourceReadOptions): Promise<RawRead> {
    const since = options.since ? toGeneralizedTime(options.since) : undefined;
    const filter = since ? `(&${this.filter}(${TIMESTAMP_ATTRIBUTE}>=${since}))` : this.filter;
    const timeoutMs = this.settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    let wire: LdapWire;
    try {
      wire = await LdapWire.open({
        url: this.settings.url, bindDn: this.settings.bindDn, password: this.spec.password, startTls: this.settings.startTls ?? false, timeoutMs,
        ...(this.tlsOptions ? { tlsOptions: this.tlsOptions } : {}),
      });
    } catch (error) {
      throw describeError(error, this.settings);
    }
    const search: WireSearch = {
      baseDn: this.settings.baseDn, scope: this.settings.scope ?? 'sub', filter, attributes: this.requested,
      binaryAttributes: this.wantPhotos ? [PHOTO_ATTRIBUTE] : [],
      pageSize: Math.min(this.settings.pageSize ?? DEFAULT_PAGE_SIZE, options.limit ?? Number.POSITIVE_INFINITY),
    };
    const progress = { watermark: since ?? null };
    return {
      pages: this.rawPages(wire, search, options, progress),
      watermark: () => progress.watermark,
      record: (entry) => this.toRecord(wire.decode(entry, search)),
    };
  }

  private async *rawPages(wire: LdapWire, search: WireSearch, options: SourceReadOptions, progress: { watermark: string | null }): AsyncGenerator<RawEntry[]> {
    let remaining = options.limit ?? Number.POSITIVE_INFINITY;
    try {
      for await (const page of wire.search(search)) {
        options.signal?.throwIfAborted();
        const entries = page.length > remaining ? page.slice(0, remaining) : page;
        remaining -= entries.length;
        for (const entry of entries) {
          const stamp = rawAttributeValue(entry, TIMESTAMP_LOWER);
          if (stamp === undefined) continue;
          const at = toGeneralizedTime(stamp);
          if (progress.watermark === null || at > progress.watermark) progress.watermark = at;
        }
        if (entries.length > 0) yield entries;
        // The page asked ahead is not wanted: closing the connection drops it.
        if (remaining <= 0) break;
      }
    } catch (error) {
      throw error instanceof SourceSettingsError ? error : describeError(error, this.settings);
    } finally {
      wire.close();
    }
  }

  /** What an attribute name returned by the directory is to the record (worked out once per name). */
  private roleOf(name: string): AttributeRole {
    let role = this.roles.get(name);
    if (role === undefined) {
      const lower = name.toLowerCase();
      role = {
        photo: this.wantPhotos && lower === PHOTO_ATTRIBUTE.toLowerCase(),
        timestamp: lower === TIMESTAMP_ATTRIBUTE.toLowerCase(),
        key: lower === this.keyAttribute.toLowerCase(),
        // Without a mapping list every user attribute is kept, under the directory's spelling.
        mapped: this.names.size === 0 ? (name === '*' || name === 'dn' ? undefined : name) : this.names.get(lower),
      };
      this.roles.set(name, role);
    }
    return role;
  }

  // Hot path (100,000 entries a sync): no per-entry allocation beyond the record itself.
  private toRecord(entry: Entry): SourceRecord {
    const attributes: Record<string, string[]> = {};
    let photo: Uint8Array | undefined;
    let modifiedAt: string | undefined;
    let key: string | undefined;
    for (const name in entry) {
      if (name === 'dn') continue;
      const raw = entry[name];
      if (raw === undefined) continue;
      const role = this.roleOf(name);
      if (role.photo) {
        const first = Array.isArray(raw) ? raw[0] : raw;
        if (Buffer.isBuffer(first) && first.length > 0) photo = new Uint8Array(first);
        continue;
      }
      const values = stringValues(raw);
      if (values.length === 0) continue;
      if (role.timestamp) modifiedAt = toGeneralizedTime(values[0] as string);
      if (role.key) key = values[0];
      if (role.mapped !== undefined) attributes[role.mapped] = values;
    }
    const record: SourceRecord = { key: key ?? entry.dn, attributes };
    if (photo) record.photo = photo;
    if (modifiedAt) record.modifiedAt = modifiedAt;
    return record;
  }
}

interface AttributeRole {
  photo: boolean;
  timestamp: boolean;
  key: boolean;
  mapped: string | undefined;
}

/** An entry's values as strings; ldapts gives a fresh string[] per entry, kept as is. */
function stringValues(raw: Entry[string]): string[] {
  if (typeof raw === 'string') return [raw];
  if (Buffer.isBuffer(raw)) return [raw.toString('utf8')];
  if (raw.every((value): value is string => typeof value === 'string')) return raw;
  return raw.map((value) => (typeof value === 'string' ? value : value.toString('utf8')));
}

/** An ldapts (or socket, TLS) failure as the LdapSourceError an admin can act on. */
export function describeError(error: unknown, settings: LdapSourceSettings): LdapSourceError {
  if (error instanceof LdapSourceError) return error;
  const where = settings.url;
  if (error instanceof InvalidCredentialsError) {
    return new LdapSourceError('ldap_invalid_credentials', `${where} refused the bind DN ${settings.bindDn} or its password (secret ${settings.secretEnv}).`, { cause: error });
  }
  if (error instanceof NoSuchObjectError) {
    return new LdapSourceError('ldap_base_not_found', `${where} has no entry ${settings.baseDn} (search base).`, { cause: error });
  }
  if (error instanceof InsufficientAccessError) {
    return new LdapSourceError('ldap_access_denied', `${where} does not let ${settings.bindDn} read ${settings.baseDn}.`, { cause: error });
  }
  if (error instanceof SizeLimitExceededError) {
    return new LdapSourceError('ldap_size_limit', `${where} stopped the search at its size limit: allow the paged results control (1.2.840.113556.1.4.319) for ${settings.bindDn}.`, { cause: error });
  }
  if (error instanceof ProtocolError) {
    return new LdapSourceError('ldap_bad_filter', `${where} refused the search (filter ${settings.filter ?? DEFAULT_FILTER}).`, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO|ERR_TLS/i.test(code) || /certificate|tls|ssl/i.test(message)) {
    return new LdapSourceError('ldap_tls_failed', `TLS with ${where} failed: ${message}`, { cause: error });
  }
  if (typeof code === 'string' && /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ECONNRESET|ETIMEDOUT|EAI_AGAIN/.test(code) || /timeout|timed out|connect/i.test(message)) {
    return new LdapSourceError('ldap_unreachable', `${where} cannot be reached: ${message}`, { cause: error });
  }
  return new LdapSourceError('ldap_error', `${where}: ${message}`, { cause: error });
}
