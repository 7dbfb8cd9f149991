/**
 * IdP metadata kept in memory on each node and refreshed daily. Metadata is public, the same for
 * every node and cheap to read again, so a per-node copy keeps nodes stateless in the sense that
 * matters (nothing a user did lives here). A refresh that fails keeps the last good copy (a
 * federation's server being down must not stop logins) and is logged; a copy past its
 * `validUntil` is never used.
 */
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import { SamlMetadataError, parseIdpMetadata, type IdpMetadata } from './saml-idp-metadata.ts';

/** Where a method's IdP metadata comes from (exactly one of url and file). */
export interface IdpMetadataSource {
  url?: string | undefined;
  file?: string | undefined;
  /** The federation's certificate (PEM text) that must have signed the document. */
  federationCertificate?: string | undefined;
  idpEntityId?: string | undefined;
}

/** Per-node cache of the IdPs' metadata, keyed by login method id. */
export interface SamlMetadataCache {
  /** The method's IdP metadata, loading or refreshing it as needed. Throws {@link SamlMetadataError} when none is usable. */
  get(methodId: string, source: IdpMetadataSource): Promise<IdpMetadata>;
}

/** Federations refresh their aggregates daily or so; signing them for about two weeks. */
export const METADATA_REFRESH_MS = 24 * 60 * 60 * 1000;
/** After a failed refresh, how long the last good copy is served before trying again. */
export const METADATA_RETRY_MS = 10 * 60 * 1000;
/** A federation aggregate with every entity is tens of megabytes; anything far above is not metadata. */
const MAX_METADATA_BYTES = 200 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 60_000;

interface Entry {
  metadata: IdpMetadata;
  /** When the copy should be refreshed (loaded + a day, or the retry after a failure). */
  refreshAt: number;
}

/** Reads the metadata document (URL or file) as text. */
export async function readMetadataSource(source: IdpMetadataSource): Promise<string> {
  if (source.file) return readFile(source.file, 'utf8');
  if (!source.url) throw new SamlMetadataError('no metadata URL or file');
  let response: Response;
  try {
    response = await fetch(source.url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), headers: { accept: 'application/samlmetadata+xml, application/xml, text/xml' } });
  } catch (error) {
    throw new SamlMetadataError(`metadata URL unreachable: ${(error as Error).message}`);
  }
  if (!response.ok) throw new SamlMetadataError(`metadata URL answered HTTP ${response.status}`);
  const length = Number(response.headers.get('content-length') ?? '0');
  if (length > MAX_METADATA_BYTES) throw new SamlMetadataError('metadata document too large');
  const text = await response.text();
  if (text.length > MAX_METADATA_BYTES) throw new SamlMetadataError('metadata document too large');
  return text;
}

/** Builds the cache. `read` is replaceable for tests (defaults to URL or file). */
export function createSamlMetadataCache(options: {
  logger: Pick<Logger, 'warn' | 'info'>;
  now?: () => Date;
  read?: (source: IdpMetadataSource) => Promise<string>;
}): SamlMetadataCache {
  const now = options.now ?? (() => new Date());
  const read = options.read ?? readMetadataSource;
  const entries = new Map<string, Entry>();
  // One load at a time per method: a burst of logins after a restart reads the aggregate once.
  const inFlight = new Map<string, Promise<IdpMetadata>>();

  async function load(methodId: string, source: IdpMetadataSource): Promise<IdpMetadata> {
    const text = await read(source);
    const metadata = await parseIdpMetadata(text, {
      federationCertificate: source.federationCertificate,
      idpEntityId: source.idpEntityId,
      now: now(),
    });
    entries.set(methodId, { metadata, refreshAt: now().getTime() + METADATA_REFRESH_MS });
    options.logger.info({ methodId, idp: metadata.entityId, validUntil: metadata.validUntil?.toISOString() ?? null }, 'saml metadata loaded');
    return metadata;
  }

  function loadOnce(methodId: string, source: IdpMetadataSource): Promise<IdpMetadata> {
    let pending = inFlight.get(methodId);
    if (!pending) {
      pending = load(methodId, source).finally(() => inFlight.delete(methodId));
      inFlight.set(methodId, pending);
    }
    return pending;
  }

  return {
    async get(methodId, source) {
      const entry = entries.get(methodId);
      const at = now();
      const usable = entry && (!entry.metadata.validUntil || entry.metadata.validUntil > at);
      if (entry && usable && entry.refreshAt > at.getTime()) return entry.metadata;
      if (!entry) return loadOnce(methodId, source);
      try {
        return await loadOnce(methodId, source);
      } catch (error) {
        entry.refreshAt = at.getTime() + METADATA_RETRY_MS;
        options.logger.warn({ methodId, reason: (error as Error).message, keptUntil: entry.metadata.validUntil?.toISOString() ?? null },
          'saml metadata refresh failed: keeping the last good copy');
        if (!usable) throw new SamlMetadataError(`the metadata expired and could not be refreshed: ${(error as Error).message}`);
        return entry.metadata;
      }
    },
  };
}
