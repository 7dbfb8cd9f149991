/**
 * The IdP metadata of the SAML login methods, refreshed by a scheduled job and stored in
 * PostgreSQL so that every node shares one verified copy. A login reads the stored copy and never
 * waits for a download (a federation aggregate is tens of MB); it fetches only when no copy has
 * ever been stored (first login after the method is configured, before the job ran).
 *
 * A refresh that fails (network, bad signature, expired validUntil) keeps the previous copy,
 * records the error on the method's row and logs a warning naming the method and the reason (the
 * reason says what was wrong with a public document: no personal data). A copy past its
 * validUntil is never used.
 */
import { readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../../platform/db/schema.ts';
import type { JobQueue } from '../../platform/jobs/job-queue.ts';
import { notFound } from '../../platform/http/problem.ts';
import type { SamlMethodConfig, SsoMethodConfig } from '../../sso-methods.config.ts';
import { SamlMetadataError, parseIdpMetadata, type IdpMetadata } from '../../adapters/saml/saml-idp-metadata.ts';
import { readMetadataSource, type IdpMetadataSource } from '../../adapters/saml/saml-metadata.source.ts';
import * as repo from './saml-metadata.repository.ts';

/** The refresh job's queue, and its daily schedule (UTC; federations re-sign their aggregates daily or so). */
export const SAML_METADATA_QUEUE = 'sso-saml-metadata-refresh';
export const SAML_METADATA_CRON = '23 4 * * *';

/** What the admin sees of a method's stored metadata (ISO dates; nulls until the first attempt or success). */
export interface SamlMetadataStatus {
  /** The IdP the stored copy describes. */
  idpEntityId: string | null;
  fetchedAt: string | null;
  validUntil: string | null;
  lastAttemptAt: string | null;
  /** Why the last attempt failed; null when it succeeded (or none was made). */
  lastError: string | null;
}

/** Shared SAML IdP metadata: logins read it, the job and admins refresh it. */
export interface SamlMetadataService {
  /** The configured SAML method ids. */
  readonly methodIds: readonly string[];
  /** The method's usable IdP metadata (stored copy; fetched only if none was ever stored). Throws {@link SamlMetadataError} when none is usable. */
  get(methodId: string): Promise<IdpMetadata>;
  /** Fetches, verifies and stores one method's metadata now; a failure is recorded, never thrown. 404 for a method that is not SAML. */
  refresh(methodId: string): Promise<SamlMetadataStatus>;
  /** The job: refreshes every SAML method, one after the other. */
  refreshAll(): Promise<void>;
  /** The status of these methods (only SAML ones are in the map). */
  statuses(methodIds: readonly string[]): Promise<Map<string, SamlMetadataStatus>>;
  /** Queues a refresh when some method has no stored copy (at worker start). True when queued. */
  queueIfMissing(): Promise<boolean>;
}

/** The stored form of {@link IdpMetadata} (JSON: the date as ISO text). */
interface StoredIdpMetadata {
  entityId: string;
  signingCertificates: string[];
  singleSignOnUrl: string;
  singleLogoutUrl: string | null;
}

const MAX_ERROR_LENGTH = 1000;

function readPem(path: string | undefined): string | undefined {
  return path === undefined ? undefined : readFileSync(path, 'utf8');
}

function statusOf(row: repo.SamlMetadataRow | undefined): SamlMetadataStatus {
  const stored = row?.metadata as Partial<StoredIdpMetadata> | null | undefined;
  return {
    idpEntityId: stored?.entityId ?? null,
    fetchedAt: row?.fetchedAt?.toISOString() ?? null,
    validUntil: row?.validUntil?.toISOString() ?? null,
    lastAttemptAt: row?.lastAttemptAt.toISOString() ?? null,
    lastError: row?.lastError ?? null,
  };
}

/** Builds the service. `read` is replaceable for tests (defaults to the method's URL or file). */
export function createSamlMetadataService(options: {
  db: Kysely<Database>;
  ssoMethods: readonly SsoMethodConfig[];
  jobs: JobQueue;
  logger: Pick<Logger, 'warn' | 'info'>;
  now?: () => Date;
  read?: (source: IdpMetadataSource) => Promise<string>;
}): SamlMetadataService {
  const { db, logger } = options;
  const now = options.now ?? (() => new Date());
  const read = options.read ?? readMetadataSource;
  // Sources are read once at boot, as the SP keys are: a federation certificate changes with a redeploy.
  const sources = new Map<string, IdpMetadataSource>();
  for (const config of options.ssoMethods) {
    if (config.protocol !== 'saml') continue;
    const saml = config as SamlMethodConfig;
    sources.set(saml.id, {
      url: saml.idpMetadataUrl, file: saml.idpMetadataFile,
      federationCertificate: readPem(saml.idpMetadataCertFile), idpEntityId: saml.idpEntityId,
    });
  }
  // One refresh at a time per method on this node: a burst of first logins reads the document once.
  const inFlight = new Map<string, Promise<{ metadata: IdpMetadata | null; error: string | null }>>();
  // The last refresh finished per method, numbered: a login that found nothing stored because it
  // read the table while another login's refresh was storing the copy uses that copy instead of
  // reading the document again.
  let refreshes = 0;
  const lastRefresh = new Map<string, { number: number; metadata: IdpMetadata | null }>();

  async function fetchAndStore(methodId: string, source: IdpMetadataSource): Promise<{ metadata: IdpMetadata | null; error: string | null }> {
    const at = now();
    try {
      const metadata = await parseIdpMetadata(await read(source), {
        federationCertificate: source.federationCertificate, idpEntityId: source.idpEntityId, now: at,
      });
      const stored: StoredIdpMetadata = {
        entityId: metadata.entityId, signingCertificates: metadata.signingCertificates,
        singleSignOnUrl: metadata.singleSignOnUrl, singleLogoutUrl: metadata.singleLogoutUrl,
      };
      await repo.storeSamlMetadata(db, methodId, { metadata: { ...stored }, validUntil: metadata.validUntil, at });
      logger.info({ methodId, idp: metadata.entityId, validUntil: metadata.validUntil?.toISOString() ?? null }, 'saml metadata refreshed');
      return { metadata, error: null };
    } catch (error) {
      // Only our own reasons are kept (they describe the document); anything else is named by its type.
      const reason = (error instanceof SamlMetadataError ? error.message : `unexpected ${(error as Error).name}`).slice(0, MAX_ERROR_LENGTH);
      await repo.recordSamlMetadataFailure(db, methodId, at, reason);
      logger.warn({ methodId, reason }, 'saml metadata refresh failed: keeping the previous copy');
      return { metadata: null, error: reason };
    }
  }

  function refreshOnce(methodId: string, source: IdpMetadataSource) {
    let pending = inFlight.get(methodId);
    if (!pending) {
      pending = fetchAndStore(methodId, source).then((result) => {
        lastRefresh.set(methodId, { number: ++refreshes, metadata: result.metadata });
        return result;
      }).finally(() => inFlight.delete(methodId));
      inFlight.set(methodId, pending);
    }
    return pending;
  }

  function sourceOf(methodId: string): IdpMetadataSource {
    const source = sources.get(methodId);
    if (!source) throw notFound('sso_method_not_found', 'No such SAML login method');
    return source;
  }

  /** The stored copy if it describes the configured IdP (a changed idpEntityId makes it another's). */
  function usableStored(row: repo.SamlMetadataRow | undefined, source: IdpMetadataSource): StoredIdpMetadata | null {
    const stored = row?.metadata as StoredIdpMetadata | null | undefined;
    if (!stored) return null;
    if (source.idpEntityId !== undefined && stored.entityId !== source.idpEntityId) return null;
    return stored;
  }

  return {
    methodIds: [...sources.keys()],

    async get(methodId) {
      const source = sourceOf(methodId);
      const before = refreshes;
      const [row] = await repo.findSamlMetadata(db, [methodId]);
      const stored = usableStored(row, source);
      if (stored && row) {
        if (row.validUntil && row.validUntil <= now()) {
          throw new SamlMetadataError(`the stored metadata expired on ${row.validUntil.toISOString()}${row.lastError ? ` (last refresh: ${row.lastError})` : ''}`);
        }
        return { ...stored, validUntil: row.validUntil };
      }
      const meanwhile = lastRefresh.get(methodId);
      if (meanwhile && meanwhile.number > before && meanwhile.metadata) return meanwhile.metadata;
      const { metadata, error } = await refreshOnce(methodId, source);
      if (!metadata) throw new SamlMetadataError(error ?? 'no metadata');
      return metadata;
    },

    async refresh(methodId) {
      await refreshOnce(methodId, sourceOf(methodId));
      const [row] = await repo.findSamlMetadata(db, [methodId]);
      return statusOf(row);
    },

    async refreshAll() {
      for (const [methodId, source] of sources) await refreshOnce(methodId, source);
    },

    async statuses(methodIds) {
      const ids = methodIds.filter((id) => sources.has(id));
      const rows = new Map((await repo.findSamlMetadata(db, ids)).map((row) => [row.methodId, row]));
      return new Map(ids.map((id) => [id, statusOf(rows.get(id))]));
    },

    async queueIfMissing() {
      if (sources.size === 0) return false;
      const rows = await repo.findSamlMetadata(db, [...sources.keys()]);
      const stored = new Set(rows.filter((row) => usableStored(row, sources.get(row.methodId) ?? {})).map((row) => row.methodId));
      if ([...sources.keys()].every((id) => stored.has(id))) return false;
      await options.jobs.send(SAML_METADATA_QUEUE, {}, { singletonKey: 'startup' });
      return true;
    },
  };
}
