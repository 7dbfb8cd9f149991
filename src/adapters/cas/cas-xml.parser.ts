import { XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * A small, defensive reading of the XML documents CAS exchanges (serviceResponse, SAML
 * logoutRequest), shared by the client and the simulator.
 *
 * - No DTD at all: a document with `<!DOCTYPE` or `<!ENTITY` is refused before parsing, so no
 *   entity (external or internal, XXE or "billion laughs") is ever resolved. CAS never sends one.
 * - Namespace prefixes are dropped (`cas:user`, `user` and `x:user` read the same): servers use
 *   whatever prefix they like, and some a default namespace.
 * - Text is the in-order concatenation of character data (the five predefined entities and
 *   numeric character references decoded here) and CDATA sections (taken literally), trimmed.
 * - Values stay strings (no number guessing: a student number `0042` stays `0042`).
 */
export interface XmlElement {
  /** Local name, without namespace prefix. */
  name: string;
  /** Attributes by local name. */
  attributes: Record<string, string>;
  children: XmlElement[];
  /** Character data and CDATA of this element only (not of its children), in order, trimmed. */
  text: string;
}

/** Raised when a document is not well-formed, carries a DTD, or is too big or too deep. */
export class XmlRejectedError extends Error {}

/** Documents bigger than this are refused unread: a CAS answer is a few kilobytes. */
export const MAX_XML_CHARS = 1_000_000;

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Characters XML 1.0 allows (a reference to anything else is replaced, never produced). */
function isXmlChar(code: number): boolean {
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff)
    || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
}

/** Decodes the predefined entities and character references; an unknown entity stays as written. */
export function decodeXmlText(raw: string): string {
  return raw.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z][A-Za-z0-9]{0,31});/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
      return isXmlChar(code) ? String.fromCodePoint(code) : '\uFFFD';
    }
    return PREDEFINED[ref] ?? whole;
  });
}

/** Escapes text for an XML element or attribute value. */
export function escapeXml(value: string): string {
  return value.replace(/[<>&"']/g, (char) => `&${({ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": 'apos' } as const)[char as '<']};`);
}

const parser = new XMLParser({
  preserveOrder: true,
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  // Entities are decoded here (decodeXmlText), after the DTD check, never by the parser.
  processEntities: false,
  htmlEntities: false,
  cdataPropName: '#cdata',
  commentPropName: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: 32,
});

type OrderedNode = Record<string, unknown>;

function toElement(node: OrderedNode): XmlElement | undefined {
  const name = Object.keys(node).find((key) => key !== ':@');
  if (name === undefined || name === '#text' || name === '#cdata') return undefined;
  const rawAttributes = (node[':@'] ?? {}) as Record<string, unknown>;
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(rawAttributes)) {
    // Namespace declarations are not attributes of the document's content.
    if (key === 'xmlns' || key.startsWith('xmlns:')) continue;
    attributes[key] = decodeXmlText(String(value));
  }
  const children: XmlElement[] = [];
  let text = '';
  for (const child of (node[name] ?? []) as OrderedNode[]) {
    if ('#text' in child) text += decodeXmlText(String(child['#text']));
    else if ('#cdata' in child) {
      for (const part of child['#cdata'] as OrderedNode[]) text += String(part['#text'] ?? '');
    } else {
      const element = toElement(child);
      if (element) children.push(element);
    }
  }
  return { name, attributes, children, text: text.trim() };
}

/**
 * Parses a document into its root element. Throws {@link XmlRejectedError} when it is not
 * well-formed XML, has a DTD, is over {@link MAX_XML_CHARS} or nests too deep.
 */
export function parseXml(document: string): XmlElement {
  if (document.length > MAX_XML_CHARS) throw new XmlRejectedError('document too large');
  if (/<!DOCTYPE|<!ENTITY/i.test(document)) throw new XmlRejectedError('document type declarations are refused');
  const valid = XMLValidator.validate(document);
  if (valid !== true) throw new XmlRejectedError(`not well-formed XML (line ${valid.err.line}: ${valid.err.msg})`);
  let nodes: OrderedNode[];
  try {
    nodes = parser.parse(document) as OrderedNode[];
  } catch (error) {
    throw new XmlRejectedError(`not readable XML: ${(error as Error).message}`);
  }
  const roots = nodes.map(toElement).filter((element): element is XmlElement => element !== undefined);
  if (roots.length !== 1) throw new XmlRejectedError('a document has exactly one root element');
  return roots[0] as XmlElement;
}

/** The first child of that local name. */
export function child(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((candidate) => candidate.name === name);
}
