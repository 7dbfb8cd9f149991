/**
 * campuscard as a SAML 2.0 service provider, on @node-saml/node-saml: AuthnRequests (HTTP-Redirect
 * binding), responses (HTTP-POST binding) and single logout. node-saml checks signatures,
 * timestamps and the audience; this module adds what it leaves to its caller: the response must
 * answer the one AuthnRequest the pending login sent (no unsolicited responses), the assertion
 * must come from the configured IdP and be meant for our ACS, and attributes are read from the
 * signed assertion with their friendly names.
 *
 * Nothing here remembers anything between requests: the pending login (request id) and the seen
 * assertion ids live in PostgreSQL, held by the SSO core.
 */
import { randomBytes } from 'node:crypto';
import { SAML, SamlStatusError, ValidateInResponseTo, type CacheProvider, type Profile, type SamlConfig } from '@node-saml/node-saml';
import type { IdpMetadata } from './saml-idp-metadata.ts';
import { SAML_NS, parseXml, selectElements, type XmlElement } from './saml-xml.ts';

/**
 * How far the IdP's clock may be from ours. 180 s is what Shibboleth's SP allows by default
 * (`clockSkew`), so an IdP that works with Shibboleth SPs works here; more would widen the window
 * in which a stolen response can still be used.
 */
export const SAML_CLOCK_SKEW_MS = 180_000;

/** How long an AuthnRequest may wait for its response (the SSO core keeps pending logins 10 minutes). */
export const SAML_REQUEST_LIFETIME_MS = 10 * 60 * 1000;

/** Our side of the SAML relationship for one login method. */
export interface SamlSpSettings {
  entityId: string;
  acsUrl: string;
  sloUrl: string;
  /** SP private key (PEM): signs AuthnRequests and LogoutRequests, decrypts encrypted assertions. */
  privateKey?: string | undefined;
  /** SP certificate (PEM), published in the SP metadata. */
  certificate?: string | undefined;
}

/** A checked assertion: who logged in and what the IdP said about them. */
export interface SamlAssertion {
  assertionId: string;
  /** Until when the assertion could be presented (plus the clock skew): how long to remember its id. */
  usableUntil: Date;
  nameId: string;
  nameIdFormat: string | null;
  nameQualifier: string | null;
  spNameQualifier: string | null;
  sessionIndex: string | null;
  /**
   * Every attribute under its SAML name (`urn:oid:…`) and, when it has one, its friendly name,
   * values as strings (a NameID-valued attribute such as eduPersonTargetedID gives its text).
   */
  attributes: Record<string, string[]>;
}

/** A LogoutRequest the IdP sent, checked. */
export interface SamlLogoutRequest {
  id: string;
  nameId: string;
  nameIdFormat: string | null;
  sessionIndex: string | null;
}

/** Why a SAML message was refused; `code` is stable (pages and logs), `message` has no personal data. */
export type SamlRefusal =
  | 'saml_unsolicited' | 'saml_in_response_to' | 'saml_signature' | 'saml_audience' | 'saml_expired'
  | 'saml_issuer' | 'saml_recipient' | 'saml_replay' | 'saml_idp_status' | 'saml_invalid';

/** A refused SAML message. */
export class SamlMessageError extends Error {
  constructor(readonly code: SamlRefusal, message: string) {
    super(message);
    this.name = 'SamlMessageError';
  }
}

/** The pending login a response must answer. */
export interface ExpectedRequest {
  requestId: string;
  /** When the AuthnRequest was made. */
  issuedAt: Date;
}

/** A fresh AuthnRequest id (an XML NCName: must not start with a digit). */
export function newSamlRequestId(): string {
  return `_${randomBytes(20).toString('hex')}`;
}

/** node-saml's request-id cache, reduced to the one id this response may answer. */
function singleRequestCache(expected: ExpectedRequest | null): CacheProvider {
  return {
    async saveAsync() { return null; },
    async getAsync(key) { return expected && key === expected.requestId ? expected.issuedAt.toISOString() : null; },
    async removeAsync() { return null; },
  };
}

function classify(error: unknown): SamlMessageError {
  if (error instanceof SamlMessageError) return error;
  if (error instanceof SamlStatusError) return new SamlMessageError('saml_idp_status', error.message);
  const message = error instanceof Error ? error.message : String(error);
  const code: SamlRefusal =
    /InResponseTo/i.test(message) ? 'saml_in_response_to'
      : /signature/i.test(message) ? 'saml_signature'
        : /audience/i.test(message) ? 'saml_audience'
          : /expired|not yet valid|No valid subject confirmation/i.test(message) ? 'saml_expired'
            : 'saml_invalid';
  // node-saml's audience message quotes the received audience: an entity id, not personal data.
  return new SamlMessageError(code, message.slice(0, 300));
}

function text(element: XmlElement | undefined): string | null {
  const value = element?.textContent?.trim();
  return value ? value : null;
}

const byName = (name: string, namespace: string) => `*[local-name()='${name}' and namespace-uri()='${namespace}']`;

/** Reads what node-saml's profile does not keep from the verified assertion XML. */
async function readAssertion(assertionXml: string) {
  const root = (await parseXml(assertionXml)).documentElement;
  if (root.localName !== 'Assertion' || root.namespaceURI !== SAML_NS.assertion) throw new SamlMessageError('saml_invalid', 'no assertion');
  const a = SAML_NS.assertion;
  const attributes: Record<string, string[]> = {};
  for (const attribute of selectElements(root, `./${byName('AttributeStatement', a)}/${byName('Attribute', a)}`)) {
    const values = selectElements(attribute, `./${byName('AttributeValue', a)}`).map((value) => {
      // eduPersonTargetedID and the like carry a NameID element: its text is the value.
      const nameId = selectElements(value, `./${byName('NameID', a)}`)[0];
      return (nameId ?? value).textContent?.trim() ?? '';
    }).filter((value) => value !== '');
    for (const name of [attribute.getAttribute('Name'), attribute.getAttribute('FriendlyName')]) {
      if (!name) continue;
      const list = attributes[name] ?? [];
      for (const value of values) if (!list.includes(value)) list.push(value);
      attributes[name] = list;
    }
  }
  const confirmations = selectElements(root, `./${byName('Subject', a)}/${byName('SubjectConfirmation', a)}/${byName('SubjectConfirmationData', a)}`);
  const conditions = selectElements(root, `./${byName('Conditions', a)}`)[0];
  const times = [...confirmations.map((data) => data.getAttribute('NotOnOrAfter')), conditions?.getAttribute('NotOnOrAfter') ?? null]
    .filter((value): value is string => !!value)
    .map((value) => new Date(value).getTime())
    .filter((value) => !Number.isNaN(value));
  return {
    id: root.getAttribute('ID') ?? '',
    issuer: text(selectElements(root, `./${byName('Issuer', a)}`)[0]),
    recipients: confirmations.map((data) => data.getAttribute('Recipient')).filter((value): value is string => !!value),
    latestUse: times.length > 0 ? Math.max(...times) : null,
    attributes,
  };
}

/** The SP of one login method, facing one IdP (its metadata as currently cached). */
export interface SamlServiceProvider {
  /** The IdP URL carrying an AuthnRequest with this id (signed when the SP has a key) and RelayState. */
  loginUrl(requestId: string, relayState: string): Promise<string>;
  /**
   * Checks a POSTed SAMLResponse (base64) against the pending login it must answer (null when
   * there is none: every response is then refused as unsolicited). Throws {@link SamlMessageError}.
   */
  acceptResponse(samlResponse: string, expected: ExpectedRequest | null): Promise<SamlAssertion>;
  /** Checks a LogoutRequest (redirect binding: query and raw query string; POST binding: form body). Must be signed. */
  acceptLogoutRequest(message: { query: Record<string, string>; rawQuery: string } | { body: Record<string, string> }): Promise<SamlLogoutRequest>;
  /** The IdP URL carrying our LogoutResponse, or null when the IdP has no SLO endpoint. */
  logoutResponseUrl(request: SamlLogoutRequest, relayState: string | undefined): Promise<string | null>;
  /** The IdP URL carrying a LogoutRequest for a session, or null when the IdP has no SLO endpoint. */
  logoutRequestUrl(session: { nameId: string; nameIdFormat: string | null; nameQualifier?: string | null; spNameQualifier?: string | null; sessionIndex: string | null }): Promise<string | null>;
}

/** Builds the SP for `settings` facing `idp`. Cheap: build one per request with the cached metadata. */
export function createSamlServiceProvider(settings: SamlSpSettings, idp: IdpMetadata): SamlServiceProvider {
  function saml(extra: Partial<SamlConfig> = {}): SAML {
    return new SAML({
      issuer: settings.entityId,
      callbackUrl: settings.acsUrl,
      audience: settings.entityId,
      idpCert: idp.signingCertificates,
      idpIssuer: idp.entityId,
      entryPoint: idp.singleSignOnUrl,
      logoutUrl: idp.singleLogoutUrl ?? idp.singleSignOnUrl,
      ...(settings.privateKey ? { privateKey: settings.privateKey, decryptionPvk: settings.privateKey } : {}),
      ...(settings.certificate ? { publicCert: settings.certificate } : {}),
      signatureAlgorithm: 'sha256',
      digestAlgorithm: 'sha256',
      // Either signature is enough (Shibboleth signs assertions, others the response); with both
      // false node-saml still requires the assertion's signature whenever the response has none.
      wantAssertionsSigned: false,
      wantAuthnResponseSigned: false,
      acceptedClockSkewMs: SAML_CLOCK_SKEW_MS,
      validateInResponseTo: ValidateInResponseTo.always,
      requestIdExpirationPeriodMs: SAML_REQUEST_LIFETIME_MS,
      // The IdP chooses the NameID format (Renater IdPs give transient or persistent ones) and the
      // authentication method: asking for "exactly password" breaks IdPs that use MFA.
      identifierFormat: null,
      disableRequestedAuthnContext: true,
      ...extra,
    });
  }

  return {
    async loginUrl(requestId, relayState) {
      return saml({ generateUniqueId: () => requestId }).getAuthorizeUrlAsync(relayState, undefined, {});
    },

    async acceptResponse(samlResponse, expected) {
      if (!expected) throw new SamlMessageError('saml_unsolicited', 'no pending login for this response');
      if (!/^[A-Za-z0-9+/=\s]+$/.test(samlResponse)) throw new SamlMessageError('saml_invalid', 'SAMLResponse is not base64');
      let profile: Profile | null;
      try {
        ({ profile } = await saml({ cacheProvider: singleRequestCache(expected) }).validatePostResponseAsync({ SAMLResponse: samlResponse }));
      } catch (error) {
        throw classify(error);
      }
      if (!profile || typeof profile.getAssertionXml !== 'function') throw new SamlMessageError('saml_invalid', 'no assertion in the response');
      if (profile.inResponseTo !== expected.requestId) throw new SamlMessageError('saml_in_response_to', 'the response answers another request');
      const assertion = await readAssertion(profile.getAssertionXml());
      if (assertion.issuer !== idp.entityId) throw new SamlMessageError('saml_issuer', 'the assertion comes from another identity provider');
      if (assertion.recipients.some((recipient) => recipient !== settings.acsUrl)) {
        throw new SamlMessageError('saml_recipient', 'the assertion is meant for another service');
      }
      if (!assertion.id) throw new SamlMessageError('saml_invalid', 'the assertion has no ID');
      const latestUse = assertion.latestUse ?? Date.now() + SAML_REQUEST_LIFETIME_MS;
      const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);
      return {
        assertionId: assertion.id,
        usableUntil: new Date(latestUse + SAML_CLOCK_SKEW_MS),
        nameId: profile.nameID,
        nameIdFormat: text(profile.nameIDFormat),
        nameQualifier: text(profile.nameQualifier),
        spNameQualifier: text(profile.spNameQualifier),
        sessionIndex: text(profile.sessionIndex),
        attributes: assertion.attributes,
      };
    },

    async acceptLogoutRequest(message) {
      let profile: Profile | null;
      try {
        if ('query' in message) {
          // node-saml accepts an unsigned redirect message; a logout anybody could forge is refused here.
          if (!message.query.Signature || !message.query.SigAlg) throw new SamlMessageError('saml_signature', 'unsigned LogoutRequest');
          if (!message.query.SAMLRequest) throw new SamlMessageError('saml_invalid', 'no SAMLRequest');
          ({ profile } = await saml({ validateInResponseTo: ValidateInResponseTo.never }).validateRedirectAsync(message.query, message.rawQuery));
        } else {
          if (!message.body.SAMLRequest) throw new SamlMessageError('saml_invalid', 'no SAMLRequest');
          ({ profile } = await saml({ validateInResponseTo: ValidateInResponseTo.never }).validatePostRequestAsync({ SAMLRequest: message.body.SAMLRequest }));
        }
      } catch (error) {
        throw classify(error);
      }
      if (!profile || typeof profile.ID !== 'string' || !profile.nameID) throw new SamlMessageError('saml_invalid', 'not a LogoutRequest');
      return {
        id: profile.ID,
        nameId: profile.nameID,
        nameIdFormat: typeof profile.nameIDFormat === 'string' ? profile.nameIDFormat : null,
        sessionIndex: typeof profile.sessionIndex === 'string' ? profile.sessionIndex : null,
      };
    },

    async logoutResponseUrl(request, relayState) {
      if (!idp.singleLogoutUrl) return null;
      const profile: Profile = { issuer: idp.entityId, nameID: request.nameId, nameIDFormat: request.nameIdFormat ?? '', ID: request.id };
      return saml().getLogoutResponseUrlAsync(profile, relayState ?? '', {}, true);
    },

    async logoutRequestUrl(session) {
      if (!idp.singleLogoutUrl) return null;
      const profile: Profile = {
        issuer: settings.entityId,
        nameID: session.nameId,
        nameIDFormat: session.nameIdFormat ?? 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
        ...(session.nameQualifier ? { nameQualifier: session.nameQualifier } : {}),
        ...(session.spNameQualifier ? { spNameQualifier: session.spNameQualifier } : {}),
        ...(session.sessionIndex ? { sessionIndex: session.sessionIndex } : {}),
      };
      return saml().getLogoutUrlAsync(profile, '', {});
    },
  };
}
