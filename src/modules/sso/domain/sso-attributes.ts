import { isValidEppn, normalizeEppn } from '../../people/domain/french-identifiers.ts';

/**
 * Attributes of single sign-on, independent of the protocol: the canonical names campuscard reads
 * (SupAnn / eduPerson vocabulary), the aliases under which SAML (OIDs) and OpenID Connect (claims)
 * carry them, and the mapping from attributes to person fields. Pure.
 */

/** Canonical attribute names. Protocol adapters give these keys where a standard mapping exists. */
export const CANONICAL_ATTRIBUTES = [
  'eduPersonPrincipalName', 'mail', 'givenName', 'sn', 'displayName', 'supannEtuId', 'supannEmpId', 'supannCodeINE',
  'eduPersonAffiliation', 'eduPersonPrimaryAffiliation', 'schacPersonalUniqueCode', 'supannEtablissement', 'isMemberOf',
] as const;
export type CanonicalAttribute = (typeof CANONICAL_ATTRIBUTES)[number];

/** SAML attribute names (OIDs, `urn:oid:` form) → canonical name. */
export const SAML_OIDS: Readonly<Record<string, CanonicalAttribute>> = {
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.6': 'eduPersonPrincipalName',
  'urn:oid:0.9.2342.19200300.100.1.3': 'mail',
  'urn:oid:2.5.4.42': 'givenName',
  'urn:oid:2.5.4.4': 'sn',
  'urn:oid:2.16.840.1.113730.3.1.241': 'displayName',
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.1': 'eduPersonAffiliation',
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.5': 'eduPersonPrimaryAffiliation',
  // SupAnn (RENATER) OIDs, as in src/adapters/ldap/schema/supann-eduperson.schema: .1.14 is
  // supannEtablissement and .1.26 supannEtuCursusAnnee, not a student number or an INE.
  'urn:oid:1.3.6.1.4.1.7135.1.2.1.9': 'supannCodeINE',
  'urn:oid:1.3.6.1.4.1.7135.1.2.1.10': 'supannEtuId',
  'urn:oid:1.3.6.1.4.1.7135.1.2.1.11': 'supannEmpId',
  'urn:oid:1.3.6.1.4.1.7135.1.2.1.14': 'supannEtablissement',
  'urn:oid:1.3.6.1.4.1.25178.1.2.14': 'schacPersonalUniqueCode',
  'urn:oid:1.3.6.1.4.1.5923.1.5.1.1': 'isMemberOf',
};

/** OpenID Connect claims → canonical name. */
export const OIDC_CLAIMS: Readonly<Record<string, CanonicalAttribute>> = {
  eduperson_principal_name: 'eduPersonPrincipalName',
  eppn: 'eduPersonPrincipalName',
  email: 'mail',
  given_name: 'givenName',
  family_name: 'sn',
  name: 'displayName',
  eduperson_affiliation: 'eduPersonAffiliation',
  schac_personal_unique_code: 'schacPersonalUniqueCode',
  groups: 'isMemberOf',
};

/** Person fields a login can fill, and that an admin can choose to trust. */
export const SSO_PERSON_FIELDS = ['firstName', 'lastName', 'email', 'ine', 'studentNumber', 'affiliation', 'esi'] as const;
export type SsoPersonField = (typeof SSO_PERSON_FIELDS)[number];

/** The attribute each person field is read from, unless a method overrides it. */
export const DEFAULT_FIELD_ATTRIBUTES: Readonly<Record<SsoPersonField, string>> = {
  firstName: 'givenName',
  lastName: 'sn',
  email: 'mail',
  ine: 'supannCodeINE',
  studentNumber: 'supannEtuId',
  affiliation: 'eduPersonPrimaryAffiliation',
  esi: 'schacPersonalUniqueCode',
};

/** Attributes that carry group memberships, tried in order when a method names none. */
export const DEFAULT_GROUPS_ATTRIBUTES = ['isMemberOf', 'memberOf', 'groups'] as const;

/** The attribute carrying the eppn by default. */
export const DEFAULT_EPPN_ATTRIBUTE = 'eduPersonPrincipalName';

/** Attributes as protocols deliver them: every name (raw and canonical) to its values. */
export type SsoAttributes = Record<string, string[]>;

const ALIASES: ReadonlyMap<string, CanonicalAttribute> = new Map<string, CanonicalAttribute>([
  ...Object.entries(SAML_OIDS),
  // Bare OIDs (some IdPs omit the urn:oid: prefix) and the canonical names themselves in any case.
  ...Object.entries(SAML_OIDS).map(([oid, name]): [string, CanonicalAttribute] => [oid.slice('urn:oid:'.length), name]),
  ...Object.entries(OIDC_CLAIMS),
  ...CANONICAL_ATTRIBUTES.map((name): [string, CanonicalAttribute] => [name.toLowerCase(), name]),
]);

/** The canonical name of an attribute name (OID, claim, friendly name in any case), if it has one. */
export function canonicalName(name: string): CanonicalAttribute | undefined {
  return ALIASES.get(name) ?? ALIASES.get(name.toLowerCase());
}

/**
 * Adds the canonical names to attributes as an IdP sent them, keeping the raw names too: values
 * arriving under several aliases of one canonical name are merged (first seen first, no
 * duplicates). Empty values are dropped.
 */
export function canonicalizeAttributes(raw: Readonly<Record<string, readonly string[]>>): SsoAttributes {
  const result: SsoAttributes = {};
  const add = (name: string, values: readonly string[]) => {
    const list = result[name] ?? [];
    for (const value of values) if (value !== '' && !list.includes(value)) list.push(value);
    result[name] = list;
  };
  for (const [name, values] of Object.entries(raw)) {
    add(name, values);
    const canonical = canonicalName(name);
    if (canonical !== undefined && canonical !== name) add(canonical, values);
  }
  return result;
}

/**
 * OpenID Connect claims (ID token or userinfo) as attributes: strings, numbers and booleans
 * become one value, arrays of them several; objects are skipped. Canonical names are added.
 */
export function claimsToAttributes(claims: Readonly<Record<string, unknown>>): SsoAttributes {
  const raw: Record<string, string[]> = {};
  const scalar = (value: unknown): string | undefined =>
    typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
  for (const [name, value] of Object.entries(claims)) {
    const values = (Array.isArray(value) ? value : [value]).map(scalar).filter((item): item is string => item !== undefined);
    if (values.length > 0) raw[name] = values;
  }
  return canonicalizeAttributes(raw);
}

/**
 * The values of an attribute, looked up by its name, else under any alias of its canonical name
 * (so that `eduPersonPrincipalName` finds a raw OID an adapter did not canonicalise).
 */
export function valuesOf(attributes: SsoAttributes, name: string): string[] {
  const direct = attributes[name];
  if (direct && direct.length > 0) return direct;
  const canonical = canonicalName(name);
  if (canonical === undefined) return [];
  const found = attributes[canonical];
  if (found && found.length > 0) return found;
  for (const [other, values] of Object.entries(attributes)) {
    if (values.length > 0 && canonicalName(other) === canonical) return values;
  }
  return [];
}

/** The first non-blank value of an attribute, trimmed. */
export function firstValue(attributes: SsoAttributes, name: string): string | undefined {
  return valuesOf(attributes, name).map((value) => value.trim()).find((value) => value !== '');
}

/**
 * The eppn of a login, lower-cased, from the method's eppn attribute; undefined when missing or
 * not shaped like an eppn (login@domain), so that a misconfigured IdP never matches anybody.
 */
export function eppnOf(attributes: SsoAttributes, eppnAttribute: string): string | undefined {
  const value = firstValue(attributes, eppnAttribute);
  if (value === undefined) return undefined;
  const eppn = normalizeEppn(value);
  return isValidEppn(eppn) ? eppn : undefined;
}

/** Group memberships: from the method's groups attribute, else the first default one present. */
export function groupsOf(attributes: SsoAttributes, groupsAttribute: string | null): string[] {
  const names = groupsAttribute ? [groupsAttribute] : DEFAULT_GROUPS_ATTRIBUTES;
  for (const name of names) {
    const values = valuesOf(attributes, name).map((value) => value.trim()).filter((value) => value !== '');
    if (values.length > 0) return [...new Set(values)];
  }
  return [];
}

/**
 * The affiliations of a login, most significant first: the primary affiliation, then every
 * eduPersonAffiliation (or the method's affiliation attribute), lower-cased, without duplicates,
 * with any `@scope` dropped (scoped affiliations, e.g. `student@univ.fr`).
 */
export function affiliationsOf(attributes: SsoAttributes, overrides: Partial<Record<SsoPersonField, string>> = {}): string[] {
  const primary = valuesOf(attributes, overrides.affiliation ?? DEFAULT_FIELD_ATTRIBUTES.affiliation);
  const all = valuesOf(attributes, 'eduPersonAffiliation');
  const cleaned = [...primary, ...all].map((value) => value.trim().toLowerCase().replace(/@.*$/, '')).filter((value) => value !== '');
  return [...new Set(cleaned)];
}

/**
 * Person field values a login carries, read through the method's overrides then the defaults.
 * Only fields with a value appear. `affiliation` is the most significant affiliation.
 */
export function personFieldsOf(
  attributes: SsoAttributes,
  overrides: Partial<Record<SsoPersonField, string>> = {},
): Partial<Record<SsoPersonField, string>> {
  const fields: Partial<Record<SsoPersonField, string>> = {};
  for (const field of SSO_PERSON_FIELDS) {
    if (field === 'affiliation') {
      const [first] = affiliationsOf(attributes, overrides);
      if (first !== undefined) fields.affiliation = first;
      continue;
    }
    const value = firstValue(attributes, overrides[field] ?? DEFAULT_FIELD_ATTRIBUTES[field]);
    if (value !== undefined) fields[field] = value;
  }
  if (fields.firstName === undefined || fields.lastName === undefined) {
    // Some IdPs send only a display name: "First Last" splits at the last space as a fallback.
    const display = firstValue(attributes, 'displayName');
    const split = display?.lastIndexOf(' ') ?? -1;
    if (display !== undefined && split > 0) {
      fields.firstName ??= display.slice(0, split).trim();
      fields.lastName ??= display.slice(split + 1).trim();
    }
  }
  return fields;
}

/**
 * The person type an affiliation list maps to: the first type (in the given order, the
 * institution's display order) listing one of the affiliations, trying the affiliations most
 * significant first. Undefined when none maps.
 */
export function personTypeFor<T extends { code: string; affiliations: readonly string[] }>(
  affiliations: readonly string[],
  types: readonly T[],
): T | undefined {
  for (const affiliation of affiliations) {
    const found = types.find((type) => type.affiliations.some((listed) => listed.toLowerCase() === affiliation));
    if (found) return found;
  }
  return undefined;
}
