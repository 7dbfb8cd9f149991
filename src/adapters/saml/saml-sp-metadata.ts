/**
 * The service provider's metadata, the document an IdP's administrator (or a federation registry)
 * is given. Built from configuration only, byte-for-byte the same on every node and at every
 * request (no generated ID, no timestamp), so that its URL is stable and can be polled.
 */
import { escapeXml, pemToCertificateBody } from './saml-xml.ts';

/** An attribute the SP asks for, as listed in `AttributeConsumingService`. */
export interface RequestedAttribute {
  /** The SAML name, `urn:oid:…`. */
  name: string;
  friendlyName: string;
  required: boolean;
}

/** What the SP metadata describes. */
export interface SpMetadataSettings {
  entityId: string;
  acsUrl: string;
  sloUrl: string;
  /** The SP certificate (PEM): published for signing (AuthnRequests, LogoutRequests) and encryption. */
  certificate?: string | undefined;
  serviceName: { fr: string; en: string };
  requestedAttributes: readonly RequestedAttribute[];
}

const POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';
const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';

/** The SP's `EntityDescriptor` (XML text). */
export function buildSpMetadata(settings: SpMetadataSettings): string {
  const attr = escapeXml;
  const keys = settings.certificate
    ? ['signing', 'encryption'].map((use) => [
      `    <md:KeyDescriptor use="${use}">`,
      '      <ds:KeyInfo>',
      '        <ds:X509Data>',
      `          <ds:X509Certificate>${pemToCertificateBody(settings.certificate ?? '')}</ds:X509Certificate>`,
      '        </ds:X509Data>',
      '      </ds:KeyInfo>',
      '    </md:KeyDescriptor>',
    ].join('\n'))
    : [];
  const requested = settings.requestedAttributes.map((attribute) =>
    `      <md:RequestedAttribute FriendlyName="${attr(attribute.friendlyName)}" Name="${attr(attribute.name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri" isRequired="${attribute.required}"/>`);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${attr(settings.entityId)}">`,
    // Assertions signed are what the SP asks for (Shibboleth then signs them); a signed response
    // is accepted too, an unsigned one never.
    `  <md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol" AuthnRequestsSigned="${settings.certificate ? 'true' : 'false'}" WantAssertionsSigned="true">`,
    ...keys,
    `    <md:SingleLogoutService Binding="${REDIRECT}" Location="${attr(settings.sloUrl)}"/>`,
    `    <md:SingleLogoutService Binding="${POST}" Location="${attr(settings.sloUrl)}"/>`,
    '    <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:transient</md:NameIDFormat>',
    '    <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>',
    `    <md:AssertionConsumerService Binding="${POST}" Location="${attr(settings.acsUrl)}" index="1" isDefault="true"/>`,
    ...(requested.length > 0
      ? [
        '    <md:AttributeConsumingService index="1" isDefault="true">',
        `      <md:ServiceName xml:lang="fr">${escapeXml(settings.serviceName.fr)}</md:ServiceName>`,
        `      <md:ServiceName xml:lang="en">${escapeXml(settings.serviceName.en)}</md:ServiceName>`,
        ...requested,
        '    </md:AttributeConsumingService>',
      ]
      : []),
    '  </md:SPSSODescriptor>',
    '</md:EntityDescriptor>',
    '',
  ].join('\n');
}
