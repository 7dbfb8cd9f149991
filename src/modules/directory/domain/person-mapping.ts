/**
 * From a source's raw attributes to campuscard's person shape: one mapping for every kind of
 * source (LDAP, SQL, REST, CSV), so the admin edits one mapping editor and the preview shows
 * exactly what a sync writes.
 *
 * Invariants: mapping never throws for bad data; a record that cannot be mapped gives errors
 * naming its key and the person field at fault, so a bad record never stops a sync. The same
 * record and context always give the same result (and fingerprint).
 */
import { createHash } from 'node:crypto';
import { validatePersonInput, type PersonInput } from '../../people/domain/person.ts';
import type { SourceRecord } from './person-source.ts';

/** Person fields a source attribute may fill (`freeFields.freeN` for the free fields). */
export const MAPPABLE_FIELDS = [
  'eppn', 'lastName', 'firstName', 'birthDate', 'email', 'studentNumber', 'ine', 'esi', 'academicLevel', 'rightsEnd',
  'affiliation', 'locale',
  'freeFields.free1', 'freeFields.free2', 'freeFields.free3', 'freeFields.free4', 'freeFields.free5', 'freeFields.free6',
  'freeFields.free7',
] as const;

/** One of {@link MAPPABLE_FIELDS}. */
export type MappableField = (typeof MAPPABLE_FIELDS)[number];

/** How a source's attributes become a person (the `person_sources.mapping` jsonb). */
export interface SourceMapping {
  /** Person field → source attribute (the first value of a multi-valued attribute is taken). */
  fields: Partial<Record<MappableField, string>>;
  /**
   * Attributes holding directory affiliations, in priority order (primary affiliation first).
   * The person type is, for the first attribute giving one, the first enabled type of the
   * institution (in its display order) whose `affiliations` hold one of the attribute's values.
   */
  affiliationAttributes: string[];
  /**
   * Attribute holding a person type code directly (a CSV `person_type` column, an SIS view's
   * type column); tried before the affiliations. Null: none.
   */
  personTypeAttribute: string | null;
  /** Person type code used when no affiliation makes one; null: such a record is an error. */
  personType: string | null;
  /**
   * For a source without a fixed institution: the attribute naming the institution (e.g.
   * `supannEtablissement`) and its values → campuscard institution codes. The first value that
   * maps wins. Ignored when the source has a fixed institution.
   */
  institution: { attribute: string; codes: Record<string, string> } | null;
  /** Attribute holding group memberships (`isMemberOf`, `memberOf`); null: none. */
  groupsAttribute: string | null;
}

/** The SupAnn 2021 mapping, the default of a new LDAP source. */
export const SUPANN_MAPPING: SourceMapping = {
  fields: {
    eppn: 'eduPersonPrincipalName',
    lastName: 'sn',
    firstName: 'givenName',
    email: 'mail',
    studentNumber: 'supannEtuId',
    ine: 'supannCodeINE',
    esi: 'schacPersonalUniqueCode',
    rightsEnd: 'schacExpiryDate',
    affiliation: 'eduPersonPrimaryAffiliation',
  },
  affiliationAttributes: ['eduPersonPrimaryAffiliation', 'eduPersonAffiliation'],
  personTypeAttribute: null,
  personType: null,
  institution: null,
  groupsAttribute: 'isMemberOf',
};

/** A problem with the mapping definition itself (reported as 400 with the field). */
export interface MappingDefinitionError {
  /** JSON pointer inside the mapping, e.g. `/fields/eppn`. */
  field: string;
  code: 'required' | 'invalid_type' | 'unknown_field' | 'invalid_value';
  message: string;
}

/** One record that could not be mapped, or one of its fields. */
export interface RecordError {
  /** The record's key; null when the source could not even read it. */
  key: string | null;
  /** The person field at fault (`eppn`, `personType`, `institution`, `freeFields.free2`…). */
  field: string;
  code: string;
  message: string;
}

/** Where a mapped record is enrolled and what it says, or why it cannot be. */
export type MappedRecord =
  | { ok: true; key: string; institutionId: number; person: PersonInput; groups: string[] }
  | { ok: false; key: string; errors: RecordError[] };

/** A person type as the mapping needs it. */
export interface MappingPersonType {
  code: string;
  affiliations: readonly string[];
  disabled: boolean;
}

/** What the mapping needs to know about campuscard. */
export interface MappingContext {
  /** The source's fixed institution; null: from {@link SourceMapping.institution}. */
  fixedInstitutionId: number | null;
  /** Institution code → id (issuing institutions only). */
  institutionIds: ReadonlyMap<string, number>;
  /** Institution id → its person types, in display order. */
  personTypes: ReadonlyMap<number, readonly MappingPersonType[]>;
  /** Today (`YYYY-MM-DD`, UTC), for the birth date plausibility check. */
  today: string;
}

const ATTRIBUTE_NAME = /^[A-Za-z0-9_.;:-]{1,200}$/;
const PERSON_TYPE_CODE = /^[a-z][a-z0-9_-]{0,31}$/;
const MAPPING_KEYS = new Set(['fields', 'affiliationAttributes', 'personTypeAttribute', 'personType', 'institution', 'groupsAttribute']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads a stored or submitted mapping. Missing parts take the defaults of an empty mapping (no
 * affiliation attribute, no fixed type, no institution attribute, no groups); `eppn`,
 * `lastName` and `firstName` must be mapped. Every problem is reported at once.
 */
export function parseSourceMapping(raw: unknown): { ok: true; value: SourceMapping } | { ok: false; errors: MappingDefinitionError[] } {
  const errors: MappingDefinitionError[] = [];
  if (!isObject(raw)) return { ok: false, errors: [{ field: '/', code: 'invalid_type', message: 'the mapping must be an object' }] };
  for (const key of Object.keys(raw)) {
    if (!MAPPING_KEYS.has(key)) errors.push({ field: `/${key}`, code: 'unknown_field', message: `unknown mapping part ${JSON.stringify(key)}` });
  }
  const attribute = (field: string, value: unknown): string | undefined => {
    if (typeof value !== 'string' || !ATTRIBUTE_NAME.test(value)) {
      errors.push({ field, code: 'invalid_value', message: 'an attribute name: 1 to 200 letters, digits, _ . ; : -' });
      return undefined;
    }
    return value;
  };
  const fields: Partial<Record<MappableField, string>> = {};
  if (raw.fields !== undefined && !isObject(raw.fields)) {
    errors.push({ field: '/fields', code: 'invalid_type', message: 'fields must be an object: person field → attribute' });
  } else {
    const given = (raw.fields ?? {}) as Record<string, unknown>;
    for (const [field, value] of Object.entries(given)) {
      if (!(MAPPABLE_FIELDS as readonly string[]).includes(field)) {
        errors.push({ field: `/fields/${field}`, code: 'unknown_field', message: `${field} is not a person field a source can fill` });
        continue;
      }
      if (value === null || value === '') continue;
      const name = attribute(`/fields/${field}`, value);
      if (name) fields[field as MappableField] = name;
    }
    for (const required of ['eppn', 'lastName', 'firstName'] as const) {
      if (!fields[required] && !errors.some((error) => error.field === `/fields/${required}`)) {
        errors.push({ field: `/fields/${required}`, code: 'required', message: `${required} must be mapped to an attribute` });
      }
    }
  }
  const affiliationAttributes: string[] = [];
  if (raw.affiliationAttributes !== undefined) {
    if (!Array.isArray(raw.affiliationAttributes) || raw.affiliationAttributes.length > 10) {
      errors.push({ field: '/affiliationAttributes', code: 'invalid_type', message: 'a list of at most 10 attribute names' });
    } else {
      raw.affiliationAttributes.forEach((value, index) => {
        const name = attribute(`/affiliationAttributes/${index}`, value);
        if (name && !affiliationAttributes.includes(name)) affiliationAttributes.push(name);
      });
    }
  }
  let personType: string | null = null;
  if (raw.personType !== undefined && raw.personType !== null && raw.personType !== '') {
    if (typeof raw.personType !== 'string' || !PERSON_TYPE_CODE.test(raw.personType)) {
      errors.push({ field: '/personType', code: 'invalid_value', message: 'a person type code (lowercase letters, digits, _ -)' });
    } else {
      personType = raw.personType;
    }
  }
  let personTypeAttribute: string | null = null;
  if (raw.personTypeAttribute !== undefined && raw.personTypeAttribute !== null && raw.personTypeAttribute !== '') {
    personTypeAttribute = attribute('/personTypeAttribute', raw.personTypeAttribute) ?? null;
  }
  if (affiliationAttributes.length === 0 && personType === null && personTypeAttribute === null && errors.length === 0) {
    errors.push({ field: '/affiliationAttributes', code: 'required', message: 'map an affiliation attribute, a person type attribute, or give a fixed person type' });
  }
  let institution: SourceMapping['institution'] = null;
  if (raw.institution !== undefined && raw.institution !== null) {
    if (!isObject(raw.institution) || !isObject(raw.institution.codes)) {
      errors.push({ field: '/institution', code: 'invalid_type', message: 'institution must be { attribute, codes: { value: institution code } }' });
    } else {
      const name = attribute('/institution/attribute', raw.institution.attribute);
      const codes: Record<string, string> = {};
      for (const [value, code] of Object.entries(raw.institution.codes)) {
        if (typeof code !== 'string' || code.trim() === '' || code.length > 64 || value.length > 200) {
          errors.push({ field: `/institution/codes/${value}`, code: 'invalid_value', message: 'an institution code' });
        } else {
          codes[value] = code.trim();
        }
      }
      if (name) institution = { attribute: name, codes };
    }
  }
  let groupsAttribute: string | null = null;
  if (raw.groupsAttribute !== undefined && raw.groupsAttribute !== null && raw.groupsAttribute !== '') {
    groupsAttribute = attribute('/groupsAttribute', raw.groupsAttribute) ?? null;
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: { fields, affiliationAttributes, personTypeAttribute, personType, institution, groupsAttribute } };
}

/** A mappable field other than those every record must give (eppn and names). */
export type ProvidedField = Exclude<MappableField, 'eppn' | 'lastName' | 'firstName'>;

/**
 * The optional person fields a mapping provides. A sync compares and writes those only (and the
 * eppn, names and type): a field the source does not map keeps what the office, an import or
 * another source recorded. With `present` (the attributes the source carries at all, e.g. a CSV
 * file's columns), a field mapped to an attribute the source lacks is not provided either.
 */
export function providedFields(mapping: SourceMapping, present?: ReadonlySet<string> | null): Set<ProvidedField> {
  return new Set(Object.entries(mapping.fields)
    .filter(([, attribute]) => present === undefined || present === null || typeof attribute !== 'string' || present.has(attribute))
    .map(([field]) => field)
    .filter((field): field is ProvidedField => !['eppn', 'lastName', 'firstName'].includes(field)));
}

/** Every attribute a mapping reads (so an LDAP source asks for those only). */
export function mappedAttributes(mapping: SourceMapping): string[] {
  const names = new Set<string>([
    ...Object.values(mapping.fields).filter((name): name is string => typeof name === 'string'),
    ...mapping.affiliationAttributes,
    ...(mapping.personTypeAttribute ? [mapping.personTypeAttribute] : []),
    ...(mapping.institution ? [mapping.institution.attribute] : []),
    ...(mapping.groupsAttribute ? [mapping.groupsAttribute] : []),
  ]);
  return [...names];
}

const GENERALIZED_TIME = /^([0-9]{4})([0-9]{2})([0-9]{2})(?:[0-9]{2}(?:[0-9]{2}(?:[0-9]{2})?)?)?(?:[.,][0-9]+)?(?:Z|[+-][0-9]{2}(?:[0-9]{2})?)?$/;
const ISO_DATE_TIME = /^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ].*)?$/;
const FRENCH_DATE = /^([0-9]{2})\/([0-9]{2})\/([0-9]{4})$/;

/**
 * A date as directories write them, to `YYYY-MM-DD`: ISO dates and date-times, LDAP
 * GeneralizedTime (`20270831000000Z`, `20270831`; the calendar date as written, whatever the
 * zone: an expiry date is a day, not an instant) and French `DD/MM/YYYY`. Anything else is
 * returned unchanged, for the person validation to refuse with its own message.
 */
export function directoryDate(value: string): string {
  const text = value.trim();
  const match = ISO_DATE_TIME.exec(text) ?? GENERALIZED_TIME.exec(text);
  if (match) return `${match[1]}-${match[2]}-${match[3]}`;
  const french = FRENCH_DATE.exec(text);
  if (french) return `${french[3]}-${french[2]}-${french[1]}`;
  return text;
}

function first(record: SourceRecord, attribute: string | undefined): string | undefined {
  if (!attribute) return undefined;
  const values = record.attributes[attribute];
  return values?.find((value) => value.trim() !== '');
}

function fieldOf(path: string): string {
  return path === '' ? 'record' : path;
}

/**
 * Maps one record. The person type comes from its affiliations (see
 * {@link SourceMapping.affiliationAttributes}), the institution from the source or the record;
 * every person field then goes through the same validation as the API and the CSV import.
 */
export function mapRecord(record: SourceRecord, mapping: SourceMapping, context: MappingContext): MappedRecord {
  const errors: RecordError[] = [];
  const fail = (field: string, code: string, message: string) => errors.push({ key: record.key, field, code, message });

  let institutionId: number | undefined;
  if (context.fixedInstitutionId !== null) {
    institutionId = context.fixedInstitutionId;
  } else if (mapping.institution) {
    const values = record.attributes[mapping.institution.attribute] ?? [];
    for (const value of values) {
      const code = mapping.institution.codes[value.trim()];
      const id = code === undefined ? undefined : context.institutionIds.get(code);
      if (id !== undefined) {
        institutionId = id;
        break;
      }
    }
    if (institutionId === undefined) {
      fail('institution', 'unknown_institution', values.length === 0
        ? `the record has no ${mapping.institution.attribute}`
        : `none of ${JSON.stringify(values.slice(0, 5))} maps to an institution`);
    }
  } else {
    fail('institution', 'institution_required', 'the source has no institution and its mapping names no institution attribute');
  }

  const raw: Record<string, unknown> = {};
  const freeFields: Record<string, string> = {};
  for (const field of MAPPABLE_FIELDS) {
    const value = first(record, mapping.fields[field]);
    if (value === undefined) continue;
    if (field.startsWith('freeFields.')) freeFields[field.slice('freeFields.'.length)] = value;
    else if (field === 'rightsEnd' || field === 'birthDate') raw[field] = directoryDate(value);
    else raw[field] = value;
  }
  if (Object.keys(freeFields).length > 0) raw.freeFields = freeFields;

  let types: readonly MappingPersonType[] = [];
  if (institutionId !== undefined) {
    types = (context.personTypes.get(institutionId) ?? []).filter((type) => !type.disabled);
    // Attribute by attribute (the primary affiliation first); within one (eduPersonAffiliation
    // is an unordered set, `member` next to `staff`), the first type in the institution's order.
    const valuesOf = (name: string) => (record.attributes[name] ?? []).map((value) => value.trim().toLowerCase()).filter((value) => value !== '');
    const affiliations = [...new Set(mapping.affiliationAttributes.flatMap(valuesOf))];
    const byAffiliation = mapping.affiliationAttributes
      .map((name) => { const values = valuesOf(name); return types.find((type) => type.affiliations.some((affiliation) => values.includes(affiliation))); })
      .find((type) => type !== undefined);
    const direct = first(record, mapping.personTypeAttribute ?? undefined)?.trim().toLowerCase();
    const personType = direct ?? byAffiliation?.code ?? mapping.personType ?? undefined;
    if (personType === undefined) {
      fail('personType', 'no_person_type', affiliations.length === 0
        ? 'the record has no person type or affiliation and the mapping gives no fixed person type'
        : `no person type of the institution takes the affiliations ${affiliations.join(', ')}`);
    } else {
      raw.personType = personType;
    }
  }

  const validated = validatePersonInput(raw, { today: context.today, ...(institutionId !== undefined ? { personTypes: types.map((type) => type.code) } : {}) });
  if (!validated.ok) {
    for (const error of validated.errors) {
      // personType already reported as no_person_type when missing.
      if (error.field === 'personType' && error.code === 'required') continue;
      fail(fieldOf(error.field), error.code, error.message);
    }
  }
  if (errors.length > 0 || !validated.ok || institutionId === undefined) {
    return { ok: false, key: record.key, errors };
  }
  const groups = mapping.groupsAttribute ? [...new Set((record.attributes[mapping.groupsAttribute] ?? []).filter((group) => group.trim() !== ''))].sort() : [];
  return { ok: true, key: record.key, institutionId, person: validated.value, groups };
}

/** Canonical JSON: object keys sorted, so equal values always serialise the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isObject(value)) {
    return `{${Object.keys(value).sort().filter((key) => value[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * A hash of everything mapping depends on besides the record: the mapping itself, the source's
 * institution, the institution codes and the person types with their affiliations. Part of every
 * record fingerprint, so that editing the mapping or a person type's affiliations makes the next
 * sync map every record again.
 */
export function mappingVersion(mapping: SourceMapping, context: MappingContext): string {
  return createHash('sha256').update(canonical({
    mapping,
    fixedInstitutionId: context.fixedInstitutionId,
    institutionIds: [...context.institutionIds].sort(),
    personTypes: [...context.personTypes].sort((a, b) => a[0] - b[0]),
  })).digest('base64url');
}

/** How a gone person's rights end: `today`, `+N days` or a fixed `YYYY-MM-DD`. */
export const GONE_POLICY_PATTERN = /^(today|\+([0-9]{1,4}) days|([0-9]{4})-([0-9]{2})-([0-9]{2}))$/;

/**
 * The rights end date the gone policy gives on `today` (`YYYY-MM-DD`, UTC), or undefined for a
 * policy that is not one. A fixed date already past still applies as written.
 */
export function goneRightsEnd(policy: string, today: string): string | undefined {
  const match = GONE_POLICY_PATTERN.exec(policy);
  if (!match) return undefined;
  if (match[1] === 'today') return today;
  if (match[2] !== undefined) {
    const date = new Date(`${today}T00:00:00Z`);
    date.setUTCDate(date.getUTCDate() + Number(match[2]));
    return date.toISOString().slice(0, 10);
  }
  const fixed = match[1] as string;
  const check = new Date(`${fixed}T00:00:00Z`);
  return Number.isNaN(check.getTime()) || check.toISOString().slice(0, 10) !== fixed ? undefined : fixed;
}
