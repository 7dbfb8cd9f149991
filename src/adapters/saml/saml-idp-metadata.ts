/**
 * Reading an identity provider's SAML metadata: one `EntityDescriptor`, or a federation aggregate
 * (`EntitiesDescriptor`, as Renater publishes) from which one IdP is picked by entity id. When the
 * federation's certificate is given, the document must carry a valid enveloped signature over its
 * root, and only the signed bytes are read.
 */
import { SAML_NS, XmlParseError, certificateToPem, parseXml, selectElements, verifiedXml, type XmlElement } from './saml-xml.ts';

const REDIRECT_BINDING = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
const SAML2_PROTOCOL = 'urn:oasis:names:tc:SAML:2.0:protocol';

/** What the SP needs to know about its IdP. */
export interface IdpMetadata {
  entityId: string;
  /** Certificates (PEM) whose keys may sign responses and assertions. */
  signingCertificates: string[];
  /** Where AuthnRequests go (HTTP-Redirect binding). */
  singleSignOnUrl: string;
  /** Where LogoutRequests and LogoutResponses go (HTTP-Redirect binding), if the IdP has one. */
  singleLogoutUrl: string | null;
  /** The earliest `validUntil` met on the way to the entity: past it, the copy must not be used. */
  validUntil: Date | null;
}

/** Metadata that cannot be used; the message says why (no personal data in it). */
export class SamlMetadataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SamlMetadataError';
  }
}

/** How to read a metadata document. */
export interface ParseIdpMetadataOptions {
  /** The federation's certificate (PEM): when given, the document must be signed with its key. */
  federationCertificate?: string | undefined;
  /** The IdP to pick; required when the document describes several IdPs. */
  idpEntityId?: string | undefined;
  now?: Date;
}

function byLocalName(name: string, namespace: string): string {
  return `*[local-name()='${name}' and namespace-uri()='${namespace}']`;
}

function earliest(a: Date | null, b: Date | null): Date | null {
  if (!a) return b;
  if (!b) return a;
  return a < b ? a : b;
}

function validUntilOf(element: XmlElement): Date | null {
  const raw = element.getAttribute('validUntil');
  if (!raw) return null;
  const date = new Date(raw);
  if (Number.isNaN(date.getTime())) throw new SamlMetadataError(`invalid validUntil "${raw}"`);
  return date;
}

/**
 * Parses IdP metadata (XML text) into {@link IdpMetadata}. Throws {@link SamlMetadataError} when the
 * document is not metadata, the signature is missing or wrong (with a federation certificate), the
 * document has expired, the IdP is not found (or ambiguous), or it has no redirect SSO endpoint
 * or no signing certificate.
 */
export async function parseIdpMetadata(xml: string, options: ParseIdpMetadataOptions = {}): Promise<IdpMetadata> {
  const now = options.now ?? new Date();
  let document;
  try {
    document = await parseXml(xml);
  } catch (error) {
    if (error instanceof XmlParseError) throw new SamlMetadataError(error.message);
    throw error;
  }
  let root = document.documentElement;
  if (root.namespaceURI !== SAML_NS.metadata || !['EntityDescriptor', 'EntitiesDescriptor'].includes(root.localName)) {
    throw new SamlMetadataError('not SAML metadata (EntityDescriptor or EntitiesDescriptor expected)');
  }
  if (options.federationCertificate !== undefined) {
    const signed = verifiedXml(xml, root, [options.federationCertificate]);
    if (signed === null) throw new SamlMetadataError('the metadata signature is missing or does not verify with the federation certificate');
    // From here on, only the bytes the federation signed are read.
    root = (await parseXml(signed)).documentElement;
  }
  let validUntil = validUntilOf(root);
  const candidates = root.localName === 'EntityDescriptor'
    ? [root]
    : selectElements(root, `.//${byLocalName('EntityDescriptor', SAML_NS.metadata)}`);
  const idps = candidates.filter((entity) => idpDescriptorOf(entity) !== undefined);
  let entity: XmlElement | undefined;
  if (options.idpEntityId !== undefined) {
    entity = idps.find((candidate) => candidate.getAttribute('entityID') === options.idpEntityId);
    if (!entity) throw new SamlMetadataError(`no identity provider "${options.idpEntityId}" in the metadata`);
  } else {
    if (idps.length !== 1) {
      throw new SamlMetadataError(`the metadata describes ${idps.length} identity providers: idpEntityId must name one`);
    }
    entity = idps[0];
  }
  if (!entity) throw new SamlMetadataError('no identity provider in the metadata');
  // An entity nested in an aggregate inherits the aggregate's (and any intermediate) validity.
  if (entity !== root) {
    const path = selectElements(entity, `ancestor::${byLocalName('EntitiesDescriptor', SAML_NS.metadata)} | self::*`);
    for (const element of path) validUntil = earliest(validUntil, validUntilOf(element));
  }
  if (validUntil && validUntil <= now) throw new SamlMetadataError(`the metadata expired on ${validUntil.toISOString()}`);

  const entityId = entity.getAttribute('entityID') ?? '';
  if (!entityId) throw new SamlMetadataError('the identity provider has no entityID');
  const descriptor = idpDescriptorOf(entity);
  if (!descriptor) throw new SamlMetadataError('no IDPSSODescriptor');
  const signingCertificates = selectElements(descriptor, `./${byLocalName('KeyDescriptor', SAML_NS.metadata)}`)
    .filter((key) => !key.hasAttribute('use') || key.getAttribute('use') === 'signing')
    .flatMap((key) => selectElements(key, `.//${byLocalName('X509Certificate', SAML_NS.dsig)}`))
    .map((certificate) => certificateToPem(certificate.textContent ?? ''))
    .filter((pem, index, all) => all.indexOf(pem) === index);
  if (signingCertificates.length === 0) throw new SamlMetadataError('the identity provider publishes no signing certificate');
  const endpoint = (name: string) => selectElements(descriptor, `./${byLocalName(name, SAML_NS.metadata)}`)
    .find((service) => service.getAttribute('Binding') === REDIRECT_BINDING)?.getAttribute('Location') ?? null;
  const singleSignOnUrl = endpoint('SingleSignOnService');
  if (!singleSignOnUrl) throw new SamlMetadataError('the identity provider has no SingleSignOnService with the HTTP-Redirect binding');
  return { entityId, signingCertificates, singleSignOnUrl, singleLogoutUrl: endpoint('SingleLogoutService'), validUntil };
}

function idpDescriptorOf(entity: XmlElement): XmlElement | undefined {
  return selectElements(entity, `./${byLocalName('IDPSSODescriptor', SAML_NS.metadata)}`)
    .find((descriptor) => (descriptor.getAttribute('protocolSupportEnumeration') ?? '').split(/\s+/).includes(SAML2_PROTOCOL));
}
