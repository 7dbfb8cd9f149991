import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import {
  Client,
  FilterParser,
  InsufficientAccessError,
  InvalidCredentialsError,
  NoSuchObjectError,
  ProtocolError,
  SizeLimitExceededError,
  type Entry,
  type SearchResult,
} from 'ldapts';
import {
  SourceSettingsError,
  type PersonSource,
  type PersonSourceContext,
  type PersonSourceFactory,
  type SourcePage,
  type SourceRead,
  type SourceReadOptions,
  type SourceRecord,
  type SourceTestResult,
} from '../../modules/directory/domain/person-source.ts';
import { ProblemError } from '../../platform/http/problem.ts';

/**
 * LDAP person source (SupAnn 2021 directories: OpenLDAP, 389-DS, Active Directory) over ldapts.
 *
 * Reads with the paged results control (RFC 2696), so a directory's size limit (often 500 or 1000
 * for unpaged searches) never truncates a sync; incremental reads add `(modifyTimestamp>=W)` to the
 * filter, W being the highest `modifyTimestamp` of the previous read (>=, not >: GeneralizedTime has
 * one-second resolution, so an entry changed in the same second as W is read again rather than
 * missed; the sync's fingerprints make that re-read free). Deleted entries are invisible to an
 * incremental read: only full reads let the sync see who is gone.
 *
 * The bind password comes from `DIRECTORY_SECRETS` by name (`secretEnv`); it is only passed to
 * `bind` and never put in an error message or a returned object.
 */

/** The source's settings (`person_sources.settings` for kind `ldap`). */
export const LdapSourceSettings = Type.Object({
  /** `ldap://host:389` or `ldaps://host:636`. */
  url: Type.String({ pattern: '^ldaps?://[^/\\s]+/?$' }),
  /** Upgrade an `ldap://` connection with StartTLS before binding. */
  startTls: Type.Optional(Type.Boolean()),
  /** PEM file of the CA that signed the directory's certificate (default: the system's CAs). */
  caCertFile: Type.Optional(Type.String({ minLength: 1 })),
  /** DN of the read-only service account. */
  bindDn: Type.String({ minLength: 1 }),
  /** Name of its password in DIRECTORY_SECRETS. */
  secretEnv: Type.String({ minLength: 1 }),
  /** Search base, e.g. `ou=people,dc=univ,dc=fr`. */
  baseDn: Type.String({ minLength: 1 }),
  /** RFC 4515 filter of the persons to read (default `(eduPersonPrincipalName=*)`). */
  filter: Type.Optional(Type.String({ minLength: 3 })),
  /** `sub` (default) or `one`. */
  scope: Type.Optional(Type.Union([Type.Literal('sub'), Type.Literal('one')])),
  /** Entries per page (default 500; most directories cap pages at their size limit). */
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
  /** Attribute whose value keys an entry (default `entryUUID`, stable across renames; the DN if absent). */
  keyAttribute: Type.Optional(Type.String({ pattern: '^(dn|[A-Za-z][A-Za-z0-9-]*)$' })),
  /** Milliseconds before a connection attempt or an operation is given up (default 30,000). */
  timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 600_000 })),
}, { additionalProperties: false });

/** Validated LDAP source settings. */
export type LdapSourceSettings = Static<typeof LdapSourceSettings>;

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

const DEFAULT_FILTER = '(eduPersonPrincipalName=*)';
const DEFAULT_PAGE_SIZE = 500;
const DEFAULT_TIMEOUT_MS = 30_000;
const PHOTO_ATTRIBUTE = 'jpegPhoto';
const TIMESTAMP_ATTRIBUTE = 'modifyTimestamp';
const GENERALIZED_TIME = /^(\d{14})(?:[.,]\d+)?Z$/;

/** Builds an LDAP {@link PersonSource} from a `person_sources` row; throws {@link SourceSettingsError}. */
export const createLdapSource: PersonSourceFactory = (context: PersonSourceContext): PersonSource => {
  const settings = validateSettings(context.settings);
  const password = context.secret(settings.secretEnv);
  const tlsOptions = settings.caCertFile ? { ca: [readCa(settings.caCertFile)] } : undefined;
  return new LdapSource(settings, password, tlsOptions, context.attributes, context.wantPhotos);
};

/** Checks settings as the factory does (the API validates a source before saving it). */
export function validateSettings(raw: Record<string, unknown>): LdapSourceSettings {
  const error = Value.Errors(LdapSourceSettings, raw).First();
  if (error) {
    const field = error.path.replace(/^\//, '').replace(/\//g, '.') || 'settings';
    throw new SourceSettingsError(field, 'invalid_ldap_settings', `${field}: ${error.message}`);
  }
  const settings = raw as LdapSourceSettings;
  if (settings.startTls && settings.url.startsWith('ldaps:')) {
    throw new SourceSettingsError('startTls', 'invalid_ldap_settings', 'startTls: StartTLS is for ldap:// URLs; ldaps:// is already encrypted');
  }
  checkFilter(settings.filter ?? DEFAULT_FILTER);
  return settings;
}

function checkFilter(filter: string): void {
  // ldapts' parser closes a missing final parenthesis by itself; a directory admin's typo must
  // not silently become another filter, so the parentheses are counted here first.
  const open = filter.split('(').length - 1;
  const close = filter.split(')').length - 1;
  let problem = filter.startsWith('(') && open === close ? undefined : 'unbalanced parentheses';
  if (!problem) {
    try {
      FilterParser.parseString(filter);
    } catch (error) {
      problem = (error as Error).message;
    }
  }
  if (problem) throw new SourceSettingsError('filter', 'ldap_bad_filter', `filter: not an LDAP filter (${problem})`);
}

function readCa(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch {
    throw new SourceSettingsError('caCertFile', 'invalid_ldap_settings', `caCertFile: cannot read ${file}`);
  }
}

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

class LdapSource implements PersonSource {
  private readonly filter: string;
  private readonly requested: string[];
  /** Lower-cased attribute name → the spelling the mapping asked for (LDAP names are case-insensitive). */
  private readonly names = new Map<string, string>();
  private readonly keyAttribute: string;
  private readonly roles = new Map<string, AttributeRole>();

  constructor(
    private readonly settings: LdapSourceSettings,
    private readonly password: string,
    private readonly tlsOptions: ConnectionOptions | undefined,
    attributes: readonly string[],
    private readonly wantPhotos: boolean,
  ) {
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

  async records(options: SourceReadOptions): Promise<SourceRead> {
    const since = options.since ? toGeneralizedTime(options.since) : undefined;
    const filter = since ? `(&${this.filter}(${TIMESTAMP_ATTRIBUTE}>=${since}))` : this.filter;
    // Bind now, so a wrong password or a dead server fails the call rather than the first page.
    const client = await this.connect();
    const progress = { watermark: since ?? null };
    return { pages: this.pages(client, filter, options, progress), watermark: () => progress.watermark };
  }

  private async *pages(client: Client, filter: string, options: SourceReadOptions, progress: { watermark: string | null }): AsyncGenerator<SourcePage> {
    let remaining = options.limit ?? Number.POSITIVE_INFINITY;
    const search = client.searchPaginated(this.settings.baseDn, {
      scope: this.settings.scope ?? 'sub',
      filter,
      attributes: this.requested,
      explicitBufferAttributes: this.wantPhotos ? [PHOTO_ATTRIBUTE] : [],
      paged: { pageSize: Math.min(this.settings.pageSize ?? DEFAULT_PAGE_SIZE, remaining) },
    })[Symbol.asyncIterator]();
    try {
      // One page ahead: the directory sends page n + 1 while the sync diffs and writes page n,
      // so a sync costs about the slower of the two rather than their sum.
      let next = this.nextPage(search);
      for (;;) {
        const page = await next;
        if (page.done) break;
        options.signal?.throwIfAborted();
        next = this.nextPage(search);
        const records: SourceRecord[] = [];
        for (const entry of page.value.searchEntries) {
          if (remaining <= 0) break;
          remaining--;
          const record = this.toRecord(entry);
          if (record.modifiedAt && (progress.watermark === null || record.modifiedAt > progress.watermark)) progress.watermark = record.modifiedAt;
          records.push(record);
        }
        if (records.length > 0) yield { records };
        if (remaining <= 0) {
          // The page asked ahead is not wanted: let it settle before the connection closes.
          await next.catch(() => undefined);
          break;
        }
      }
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }

  /** The next page of the search, its failure as an LdapSourceError (never left unhandled). */
  private nextPage(search: AsyncIterator<SearchResult>): Promise<IteratorResult<SearchResult>> {
    const next = search.next().catch((error: unknown) => {
      throw describeError(error, this.settings);
    });
    // A page asked ahead may fail while the consumer is busy or gone: it is awaited (and thrown) when used.
    next.catch(() => undefined);
    return next;
  }

  async test(): Promise<SourceTestResult> {
    let client: Client | undefined;
    try {
      client = await this.connect();
      const found = await client.search(this.settings.baseDn, {
        scope: this.settings.scope ?? 'sub', filter: this.filter, attributes: ['1.1'], sizeLimit: 1,
      }).catch((error: unknown) => {
        // One entry asked for, more exist: the server says so with sizeLimitExceeded.
        if (error instanceof SizeLimitExceededError) return { searchEntries: [{ dn: '' }] };
        throw describeError(error, this.settings);
      });
      return found.searchEntries.length > 0
        ? { ok: true, message: `Connected to ${this.settings.url} as ${this.settings.bindDn}; the filter matches entries under ${this.settings.baseDn}.` }
        : { ok: false, code: 'ldap_no_entries', message: `Connected to ${this.settings.url}, but no entry under ${this.settings.baseDn} matches ${this.filter}.` };
    } catch (error) {
      const failure = error instanceof LdapSourceError ? error : describeError(error, this.settings);
      return { ok: false, code: failure.code, message: failure.message };
    } finally {
      await client?.unbind().catch(() => undefined);
    }
  }

  /** A bound client (StartTLS first when asked); LdapSourceError on failure. */
  private async connect(): Promise<Client> {
    const timeout = this.settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const client = new Client({
      url: this.settings.url, timeout, connectTimeout: timeout,
      ...(this.tlsOptions && this.settings.url.startsWith('ldaps:') ? { tlsOptions: this.tlsOptions } : {}),
    });
    try {
      if (this.settings.startTls) await client.startTLS(this.tlsOptions ?? {});
      await client.bind(this.settings.bindDn, this.password);
      return client;
    } catch (error) {
      await client.unbind().catch(() => undefined);
      throw describeError(error, this.settings);
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

function describeError(error: unknown, settings: LdapSourceSettings): LdapSourceError {
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
