import { readFileSync } from 'node:fs';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { FilterParser } from 'ldapts';
import {
  SourceSettingsError,
  type DigestedRead,
  type KnownRawEntries,
  type PersonSource,
  type PersonSourceContext,
  type PersonSourceFactory,
  type SourceRead,
  type SourceReadOptions,
  type SourceTestResult,
} from '../../modules/directory/domain/person-source.ts';
import type { RecordDigestSpec } from '../../modules/directory/domain/record-digest.ts';
import { DEFAULT_FILTER, LdapReader, LdapSourceError, describeError, toGeneralizedTime, type LdapReaderSpec } from './ldap-reader.ts';
import { readInWorker } from './ldap-worker-read.ts';

export { LdapSourceError, toGeneralizedTime, type LdapFailure } from './ldap-reader.ts';

/**
 * LDAP person source (SupAnn 2021 directories: OpenLDAP, 389-DS, Active Directory). Reads speak
 * LDAP through ldap-wire.ts (ldapts' message classes, our framing), the connection check included.
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
 *
 * A sync reads through {@link PersonSource.digestedRecords}: the connection, paging, each entry's
 * raw digest and, for entries not stored as sent, its record and fingerprint happen in a worker
 * thread (ldap-digest.worker.ts), beside the sync's comparisons on the main thread; checks and
 * previews read on the calling thread.
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

/** Builds an LDAP {@link PersonSource} from a `person_sources` row; throws {@link SourceSettingsError}. */
export const createLdapSource: PersonSourceFactory = (context: PersonSourceContext): PersonSource => {
  const settings = validateSettings(context.settings);
  const password = context.secret(settings.secretEnv);
  return new LdapSource({
    settings, password, attributes: context.attributes, wantPhotos: context.wantPhotos,
    ...(settings.caCertFile ? { ca: readCa(settings.caCertFile) } : {}),
  });
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

class LdapSource implements PersonSource {
  private readonly reader: LdapReader;

  constructor(private readonly spec: LdapReaderSpec) {
    this.reader = new LdapReader(spec);
  }

  records(options: SourceReadOptions): Promise<SourceRead> {
    return this.reader.read(options);
  }

  /**
   * The sync's read: connection, paging, raw digests, and the records and digests of the entries
   * not `known` as sent, in a worker thread (ldap-digest.worker.ts), beside the sync's
   * comparisons on this one.
   */
  digestedRecords(options: SourceReadOptions, digest: RecordDigestSpec, known?: Promise<KnownRawEntries>): Promise<DigestedRead> {
    const since = options.since ? toGeneralizedTime(options.since) : null;
    return readInWorker({ reader: this.spec, digest, since, ...(options.limit !== undefined ? { limit: options.limit } : {}) }, options.signal, known);
  }

  async test(): Promise<SourceTestResult> {
    const { settings } = this.spec;
    try {
      // The sync's own read (bind, paged search), stopped at the first entry.
      const read = await this.reader.rawRead({ limit: 1 });
      let found = false;
      for await (const entries of read.pages) {
        found = entries.length > 0;
        break;
      }
      return found
        ? { ok: true, message: `Connected to ${settings.url} as ${settings.bindDn}; the filter matches entries under ${settings.baseDn}.` }
        : { ok: false, code: 'ldap_no_entries', message: `Connected to ${settings.url}, but no entry under ${settings.baseDn} matches ${this.reader.filter}.` };
    } catch (error) {
      const failure = error instanceof LdapSourceError ? error : describeError(error, settings);
      return { ok: false, code: failure.code, message: failure.message };
    }
  }
}
