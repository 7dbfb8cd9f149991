/**
 * Where a SAML method's IdP metadata comes from, and reading it (URL or file) as text. Storing and
 * refreshing the verified copy is the SSO module's (saml-metadata.service.ts).
 */
import { readFile } from 'node:fs/promises';
import { SamlMetadataError } from './saml-idp-metadata.ts';

/** Where a method's IdP metadata comes from (exactly one of url and file). */
export interface IdpMetadataSource {
  url?: string | undefined;
  file?: string | undefined;
  /** The federation's certificate (PEM text) that must have signed the document. */
  federationCertificate?: string | undefined;
  idpEntityId?: string | undefined;
}

/** A federation aggregate with every entity is tens of megabytes; anything far above is not metadata. */
const MAX_METADATA_BYTES = 200 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 60_000;

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
