/**
 * A SAML identity provider for tests, on `samlify` (a maintained SAML library, used here on the
 * IdP side only): it reads the AuthnRequests campuscard sends and answers with responses whose
 * every part a test may bend (audience, times, InResponseTo, signatures, attributes), and it sends
 * signed LogoutRequests. Keys and certificates are generated per run with the `openssl` CLI.
 *
 * samlify is loaded untyped on purpose: its declarations pull the browser DOM library into the
 * whole TypeScript program (server code included); the small interface below is what tests use.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { signXml } from '@node-saml/node-saml/lib/xml.js';
import { parseXml, selectElements } from '../../src/adapters/saml/saml-xml.ts';

/** A key pair: private key and self-signed certificate, both PEM. */
export interface TestKeyPair {
  privateKey: string;
  certificate: string;
}

/** Generates an RSA 2048 key and a self-signed certificate valid two days (openssl CLI). */
export function generateKeyPair(commonName: string): TestKeyPair {
  const dir = mkdtempSync(join(tmpdir(), 'campuscard-saml-key-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '2',
      '-subj', `/CN=${commonName}`, '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    return { privateKey: readFileSync(join(dir, 'key.pem'), 'utf8'), certificate: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface SamlifyRequestInfo {
  extract: { request?: { id?: string }; issuer?: string };
  samlContent: string;
}
interface SamlifyIdp {
  getMetadata(): string;
  parseLoginRequest(sp: SamlifySp, binding: 'redirect', request: { query: Record<string, string>; octetString?: string }): Promise<SamlifyRequestInfo>;
  createLoginResponse(sp: SamlifySp, requestInfo: SamlifyRequestInfo | Record<string, never>, binding: 'post', user: Record<string, string>,
    options: { relayState?: string; customTagReplacement?: (template: string) => { id: string; context: string } }): Promise<{ context: string }>;
  createLogoutRequest(sp: SamlifySp, binding: 'redirect', user: { logoutNameID: string; sessionIndex: string }, options: { relayState?: string }): { context: string; id: string };
}
type SamlifySp = object;
interface Samlify {
  IdentityProvider(settings: Record<string, unknown>): SamlifyIdp;
  ServiceProvider(settings: Record<string, unknown>): SamlifySp;
  setSchemaValidator(validator: { validate(xml: string): Promise<unknown> }): void;
}

const samlify = createRequire(import.meta.url)('samlify') as Samlify;

const PROTOCOL_MESSAGES = new Set(['AuthnRequest', 'LogoutRequest', 'LogoutResponse', 'Response']);
const NCNAME = /^[A-Za-z_][\w.-]*$/;

/**
 * samlify refuses to parse anything until a schema validator is set. This one is written here and
 * deliberately narrow, for the messages campuscard sends: well-formed XML without a DOCTYPE, a
 * SAML 2.0 protocol message as root (right namespace and name), Version 2.0, an NCName ID, an
 * xs:dateTime IssueInstant and an Issuer in the assertion namespace. It is not the full XSD.
 */
samlify.setSchemaValidator({
  async validate(xml: string) {
    const root = (await parseXml(xml)).documentElement;
    const problems: string[] = [];
    if (root.namespaceURI !== 'urn:oasis:names:tc:SAML:2.0:protocol' || !PROTOCOL_MESSAGES.has(root.localName)) problems.push(`unexpected root ${root.localName}`);
    if (root.getAttribute('Version') !== '2.0') problems.push('Version must be 2.0');
    if (!NCNAME.test(root.getAttribute('ID') ?? '')) problems.push('ID must be an NCName');
    const instant = root.getAttribute('IssueInstant') ?? '';
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(instant) || Number.isNaN(Date.parse(instant))) problems.push('IssueInstant must be an xs:dateTime in UTC');
    const issuers = selectElements(root, "./*[local-name()='Issuer' and namespace-uri()='urn:oasis:names:tc:SAML:2.0:assertion']");
    if (issuers.length !== 1 || !issuers[0]?.textContent?.trim()) problems.push('exactly one Issuer expected');
    if (problems.length > 0) throw new Error(`schema validation failed: ${problems.join('; ')}`);
    return 'SUCCESS_VALIDATE_XML';
  },
});

const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
const POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';
const TRANSIENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient';

/** An attribute in a test response. */
export interface TestAttribute {
  name: string;
  friendlyName?: string;
  values: string[];
}

/** Which parts of the response the IdP signs. */
export type TestSigning = 'assertion' | 'response' | 'both' | 'none';

/** Everything a test may set in a login response; defaults make a valid one. */
export interface TestResponseOptions {
  signing?: TestSigning;
  nameId?: string;
  sessionIndex?: string;
  attributes?: TestAttribute[];
  audience?: string;
  /** null: no InResponseTo at all (an unsolicited response). */
  inResponseTo?: string | null;
  assertionId?: string;
  /** When the response claims to have been issued (default now). */
  issuedAt?: Date;
  /** Validity of the assertion from `issuedAt` (default 5 minutes). */
  lifetimeMs?: number;
  recipient?: string;
  issuer?: string;
  /** Encrypt the assertion for the SP's certificate (as Shibboleth does when the SP publishes one). */
  encrypt?: boolean;
}

/** The SP as the IdP knows it. */
export interface TestSpSettings {
  entityId: string;
  acsUrl: string;
  sloUrl: string;
  /** The SP's certificate (PEM), to encrypt assertions for it. */
  certificate?: string;
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const newId = () => `_${randomUUID().replace(/-/g, '')}`;

/** The IdP. */
export interface TestIdp {
  entityId: string;
  keys: TestKeyPair;
  metadataXml: string;
  /** Reads the AuthnRequest carried by an SP's redirect URL: its id and RelayState. */
  readLoginRequest(redirectUrl: string): Promise<{ requestId: string; relayState: string; destination: string; xml: string }>;
  /** A base64 SAMLResponse for the SP. */
  loginResponse(sp: TestSpSettings, options?: TestResponseOptions): Promise<string>;
  /** A redirect URL carrying a signed LogoutRequest to the SP's SLO endpoint (path and query). */
  /** A signed LogoutRequest (redirect binding); without `sessionIndex`, it names the NameID only (all its sessions). */
  logoutRequest(sp: TestSpSettings, nameId: string, sessionIndex?: string): string;
}

/** Starts nothing: a samlify IdP whose endpoints live under `baseUrl` (never called over HTTP). */
export function createTestIdp(options: { entityId?: string; baseUrl?: string; keys?: TestKeyPair; singleLogout?: boolean } = {}): TestIdp {
  const baseUrl = options.baseUrl ?? 'https://idp.test.example/idp';
  const entityId = options.entityId ?? `${baseUrl}/shibboleth`;
  const keys = options.keys ?? generateKeyPair('test-idp');
  const settings = {
    entityID: entityId,
    privateKey: keys.privateKey,
    signingCert: keys.certificate,
    nameIDFormat: [TRANSIENT],
    singleSignOnService: [{ Binding: REDIRECT, Location: `${baseUrl}/profile/SAML2/Redirect/SSO` }],
    ...(options.singleLogout === false ? {} : { singleLogoutService: [{ Binding: REDIRECT, Location: `${baseUrl}/profile/SAML2/Redirect/SLO` }] }),
    requestSignatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  };
  const idp = samlify.IdentityProvider(settings);
  const encryptingIdp = samlify.IdentityProvider({
    ...settings,
    isAssertionEncrypted: true,
    dataEncryptionAlgorithm: 'http://www.w3.org/2009/xmlenc11#aes256-gcm',
    keyEncryptionAlgorithm: 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p',
  });
  const spFor = (sp: TestSpSettings, signing: TestSigning) => samlify.ServiceProvider({
    entityID: sp.entityId,
    assertionConsumerService: [{ Binding: POST, Location: sp.acsUrl }],
    singleLogoutService: [{ Binding: REDIRECT, Location: sp.sloUrl }],
    wantAssertionsSigned: signing === 'assertion' || signing === 'both',
    wantMessageSigned: signing === 'response' || signing === 'both',
    wantLogoutRequestSigned: true,
    ...(sp.certificate ? { encryptCert: sp.certificate } : {}),
  });

  return {
    entityId,
    keys,
    metadataXml: idp.getMetadata(),

    async readLoginRequest(redirectUrl) {
      const url = new URL(redirectUrl);
      // samlify decodes the parameters itself: give them as they were sent.
      const raw = Object.fromEntries(url.search.slice(1).split('&').map((pair) => {
        const [key = '', value = ''] = pair.split('=');
        return [key, value];
      }));
      const info = await idp.parseLoginRequest(spFor({ entityId: 'unused', acsUrl: 'https://unused.example/', sloUrl: 'https://unused.example/' }, 'assertion'),
        'redirect', { query: raw });
      const xml = inflateRawSync(Buffer.from(url.searchParams.get('SAMLRequest') ?? '', 'base64')).toString('utf8');
      return {
        requestId: info.extract.request?.id ?? '',
        relayState: url.searchParams.get('RelayState') ?? '',
        destination: `${url.origin}${url.pathname}`,
        xml,
      };
    },

    async loginResponse(sp, responseOptions = {}) {
      const signing = responseOptions.signing ?? 'assertion';
      const issuedAt = responseOptions.issuedAt ?? new Date();
      const until = new Date(issuedAt.getTime() + (responseOptions.lifetimeMs ?? 5 * 60 * 1000));
      const issuer = escape(responseOptions.issuer ?? entityId);
      const inResponseTo = responseOptions.inResponseTo === undefined ? '' : responseOptions.inResponseTo;
      const irt = inResponseTo === null ? '' : ` InResponseTo="${escape(inResponseTo)}"`;
      const attributes = (responseOptions.attributes ?? []).map((attribute) =>
        `<saml:Attribute Name="${escape(attribute.name)}"${attribute.friendlyName ? ` FriendlyName="${escape(attribute.friendlyName)}"` : ''} NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri">${
          attribute.values.map((value) => `<saml:AttributeValue xsi:type="xs:string">${escape(value)}</saml:AttributeValue>`).join('')}</saml:Attribute>`).join('');
      const xml = `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${newId()}" Version="2.0" IssueInstant="${issuedAt.toISOString()}" Destination="${escape(sp.acsUrl)}"${irt}>`
        + `<saml:Issuer>${issuer}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>`
        + `<saml:Assertion xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xs="http://www.w3.org/2001/XMLSchema" ID="${escape(responseOptions.assertionId ?? newId())}" Version="2.0" IssueInstant="${issuedAt.toISOString()}">`
        + `<saml:Issuer>${issuer}</saml:Issuer>`
        + `<saml:Subject><saml:NameID Format="${TRANSIENT}" SPNameQualifier="${escape(sp.entityId)}">${escape(responseOptions.nameId ?? newId())}</saml:NameID>`
        + `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="${until.toISOString()}" Recipient="${escape(responseOptions.recipient ?? sp.acsUrl)}"${irt}/></saml:SubjectConfirmation></saml:Subject>`
        + `<saml:Conditions NotBefore="${new Date(issuedAt.getTime() - 1000).toISOString()}" NotOnOrAfter="${until.toISOString()}"><saml:AudienceRestriction><saml:Audience>${escape(responseOptions.audience ?? sp.entityId)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>`
        + `<saml:AuthnStatement AuthnInstant="${issuedAt.toISOString()}" SessionIndex="${escape(responseOptions.sessionIndex ?? newId())}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>`
        + (attributes ? `<saml:AttributeStatement>${attributes}</saml:AttributeStatement>` : '')
        + '</saml:Assertion></samlp:Response>';
      if (signing === 'none') return Buffer.from(xml, 'utf8').toString('base64');
      const response = await (responseOptions.encrypt ? encryptingIdp : idp).createLoginResponse(spFor(sp, signing), {}, 'post', {}, {
        customTagReplacement: () => ({ id: '', context: xml }),
      });
      return response.context;
    },

    logoutRequest(sp, nameId, sessionIndex) {
      const { context } = idp.createLogoutRequest(spFor(sp, 'assertion'), 'redirect',
        // samlify's type wants a SessionIndex; left undefined, it leaves the optional element out (saml-core 3.7.1).
        { logoutNameID: nameId, sessionIndex: sessionIndex as string }, {});
      const url = new URL(context);
      return `${url.pathname}${url.search}`;
    },
  };
}

/** Replaces text inside a base64 SAML message (to tamper with a signed part). */
export function tamper(samlResponse: string, from: string, to: string): string {
  const xml = Buffer.from(samlResponse, 'base64').toString('utf8');
  if (!xml.includes(from)) throw new Error(`"${from}" is not in the message`);
  return Buffer.from(xml.replace(from, to), 'utf8').toString('base64');
}

/**
 * A federation aggregate (`EntitiesDescriptor`) holding the given entity descriptors, signed with
 * the federation's key as Renater signs its aggregates (enveloped signature over the root).
 */
export function signedAggregate(entityDescriptors: string[], federation: TestKeyPair, validUntil = new Date(Date.now() + 14 * 86_400_000)): string {
  const body = entityDescriptors.map((xml) => xml.replace(/^<\?xml[^>]*\?>\s*/, '')).join('\n');
  const unsigned = `<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" ID="${newId()}" Name="https://federation.test.example" validUntil="${validUntil.toISOString()}">\n${body}\n</md:EntitiesDescriptor>`;
  return signXml(unsigned, "/*[local-name(.)='EntitiesDescriptor']", { reference: '/*', action: 'prepend' },
    { privateKey: federation.privateKey, publicCert: federation.certificate, signatureAlgorithm: 'sha256', digestAlgorithm: 'sha256' });
}
