/**
 * The few XML operations the SAML adapter needs, on top of the XML stack node-saml already ships
 * (@xmldom/xmldom for parsing, xpath, xml-crypto for signatures), reached through node-saml's own
 * helpers so that campuscard depends on one SAML library and its pinned versions.
 *
 * node-saml's helper declarations name the DOM types of `lib.dom`, which the server program does
 * not load (it is not a browser); the minimal interfaces below are what this adapter reads from a
 * node, so that the rest of the adapter stays typed.
 */
import { getVerifiedXml, parseDomFromString, xpath } from '@node-saml/node-saml/lib/xml.js';

/** An XML element as this adapter reads it (a subset of the DOM `Element`). */
export interface XmlElement {
  readonly localName: string;
  readonly namespaceURI: string | null;
  readonly textContent: string | null;
  getAttribute(name: string): string | null;
  hasAttribute(name: string): boolean;
}

/** A parsed document: its root element. */
export interface XmlDocument {
  readonly documentElement: XmlElement;
}

/** Namespaces the adapter reads. */
export const SAML_NS = {
  metadata: 'urn:oasis:names:tc:SAML:2.0:metadata',
  assertion: 'urn:oasis:names:tc:SAML:2.0:assertion',
  protocol: 'urn:oasis:names:tc:SAML:2.0:protocol',
  dsig: 'http://www.w3.org/2000/09/xmldsig#',
} as const;

/** Raised when a document is not well-formed XML or is refused before parsing. */
export class XmlParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlParseError';
  }
}

/**
 * Parses an XML document. A document type declaration is refused outright: nothing in SAML needs
 * one, and entity declarations are the classic way to blow up or leak through an XML parser.
 */
export async function parseXml(xml: string): Promise<XmlDocument> {
  if (/<!DOCTYPE/i.test(xml)) throw new XmlParseError('XML with a document type declaration is refused');
  try {
    const document: XmlDocument = await parseDomFromString(xml);
    if (!document.documentElement) throw new XmlParseError('XML without a root element');
    return document;
  } catch (error) {
    if (error instanceof XmlParseError) throw error;
    throw new XmlParseError(`not well-formed XML: ${(error as Error).message}`);
  }
}

/** Elements selected by an XPath expression from `node` (an element or a document). */
export function selectElements(node: XmlElement | XmlDocument, expression: string): XmlElement[] {
  return xpath.selectElements(node as never, expression) as XmlElement[];
}

/**
 * The exact bytes covered by the one enveloped signature that is a direct child of `element` and
 * references it, verified against one of `certificates` (PEM); null when there is no such
 * signature or it does not verify. Callers must read only what this returns, never the original
 * document, so that content added around a signed element (signature wrapping) is never trusted.
 */
export function verifiedXml(fullXml: string, element: XmlElement, certificates: string[]): string | null {
  try {
    return getVerifiedXml(fullXml, element as never, certificates);
  } catch {
    // node-saml throws on ambiguous references (several elements with the ID, foreign parent):
    // for the caller, that is a signature that does not verify.
    return null;
  }
}

/** Wraps base64 certificate text (as found in metadata) into PEM. */
export function certificateToPem(base64: string): string {
  const body = base64.replace(/\s+/g, '');
  const lines = body.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** The base64 body of a PEM certificate (as metadata wants it), without armour or line breaks. */
export function pemToCertificateBody(pem: string): string {
  return pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
}

/** Escapes text for an XML attribute or element body. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
