/**
 * The person as the API and the CSV import receive it, and the one validation both use, so a
 * record accepted on one path is accepted on the other.
 */
import { parseEsi } from '../../esc/domain/esi.ts';
import { EPPN_MAX_LENGTH, isValidEppn, isValidIne, normalizeEppn, normalizeIne } from './french-identifiers.ts';

/**
 * Who the person is to an institution: a code the institution defines (`person_types`), such as
 * `student` or `staff`. Which codes exist is the institution's business; here only the spelling.
 */
export type PersonType = string;

/** How a person type code is spelt (as the `person_types.code` CHECK constraint says). */
export const PERSON_TYPE_CODE_PATTERN = /^[a-z][a-z0-9_-]{0,31}$/;

/** ISCED 2011 level of a student: 6 = bachelor, 7 = master, 8 = doctorate. */
export type AcademicLevelIsced = 6 | 7 | 8;

/** The languages a person's mails can be written in. */
export type PersonLocale = 'fr' | 'en';

/** All person locales. */
export const PERSON_LOCALES: readonly PersonLocale[] = ['fr', 'en'];

/** Keys of the institution-defined free fields. */
export type FreeFieldKey = 'free1' | 'free2' | 'free3' | 'free4' | 'free5' | 'free6' | 'free7';

/** All free field keys, in order. */
export const FREE_FIELD_KEYS: readonly FreeFieldKey[] = ['free1', 'free2', 'free3', 'free4', 'free5', 'free6', 'free7'];

/** Length limits, in characters (Unicode code points), after normalization. */
export const PERSON_LIMITS = {
  eppn: EPPN_MAX_LENGTH,
  name: 100,
  email: 254,
  studentNumber: 64,
  affiliation: 255,
  freeField: 255,
} as const;

/** Earliest birth date accepted as plausible. */
export const EARLIEST_BIRTH_DATE = '1900-01-01';

/**
 * A validated, normalized person. Optional fields are absent (never empty strings or null) when
 * not given. Dates are ISO calendar dates `YYYY-MM-DD`.
 */
export interface PersonInput {
  eppn: string;
  lastName: string;
  firstName: string;
  birthDate?: string;
  email?: string;
  personType: PersonType;
  studentNumber?: string;
  ine?: string;
  esi?: string;
  academicLevel?: AcademicLevelIsced;
  rightsEnd?: string;
  affiliation?: string;
  freeFields?: Partial<Record<FreeFieldKey, string>>;
  /** Language of the person's mails; absent: the institution's default (French). */
  locale?: PersonLocale;
}

/** Stable machine-readable reasons a person field is rejected. */
export type PersonErrorCode =
  | 'invalid_type'
  | 'unknown_field'
  | 'required'
  | 'too_long'
  | 'invalid_characters'
  | 'invalid_eppn'
  | 'invalid_email'
  | 'invalid_date'
  | 'date_out_of_range'
  | 'invalid_person_type'
  | 'unknown_person_type'
  | 'invalid_ine'
  | 'invalid_esi'
  | 'invalid_academic_level'
  | 'invalid_locale';

/** One problem with one field. `field` is the PersonInput property (`freeFields.free3` for free fields). */
export interface PersonFieldError {
  field: string;
  code: PersonErrorCode;
  message: string;
}

/** Outcome of {@link validatePersonInput}. */
export type PersonValidationResult =
  | { ok: true; value: PersonInput }
  | { ok: false; errors: PersonFieldError[] };

/** Options of {@link validatePersonInput}. */
export interface PersonValidationOptions {
  /** Today's date (`YYYY-MM-DD`, UTC) for the birth date plausibility check; defaults to the clock. */
  today?: string;
  /**
   * The person type codes the target institution accepts. Given, a well-formed code that is not
   * among them is `unknown_person_type`; absent, only the spelling of the code is checked.
   */
  personTypes?: readonly string[];
}

const KNOWN_FIELDS: ReadonlySet<string> = new Set([
  'eppn', 'lastName', 'firstName', 'birthDate', 'email', 'personType', 'studentNumber', 'ine', 'esi',
  'academicLevel', 'rightsEnd', 'affiliation', 'freeFields', 'locale',
]);

const ISO_DATE_PATTERN = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;
// Dot-atom local part (RFC 5322 atext, no leading, trailing or doubled dot), an ASCII DNS
// domain of two labels or more, and an alphabetic (or punycode) top-level label.
const EMAIL_PATTERN =
  /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;
// Single-line text never holds control characters (C0, DEL, C1); free fields may hold line
// breaks and tabs (comments typed in a spreadsheet cell) but nothing else.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_CHARACTERS_EXCEPT_BREAKS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const ACADEMIC_LEVEL_WORDS: Readonly<Record<string, AcademicLevelIsced>> = { BACHELOR: 6, MASTER: 7, DOCTORATE: 8 };

function codePointLength(value: string): number {
  return value.length - (value.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g)?.length ?? 0);
}

/**
 * True when `value` is an ISO calendar date `YYYY-MM-DD` that exists (no 2023-02-29, no
 * 2024-04-31). Years 0001..9999.
 */
export function isIsoCalendarDate(value: string): boolean {
  const match = ISO_DATE_PATTERN.exec(value);
  if (!match) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  return day <= days;
}

/**
 * True when `value` (already trimmed and lowercased) passes a simple, sane email check: one
 * `@`, a dot-atom local part of at most 64 characters, a DNS domain with a top-level label,
 * at most 254 characters in all. Quoted local parts and IP-literal domains are refused.
 */
export function isValidEmail(value: string): boolean {
  if (value.length > PERSON_LIMITS.email) return false;
  const at = value.lastIndexOf('@');
  if (at < 1 || at > 64) return false;
  return EMAIL_PATTERN.test(value);
}

class FieldCollector {
  readonly errors: PersonFieldError[] = [];

  add(field: string, code: PersonErrorCode, message: string): undefined {
    this.errors.push({ field, code, message });
    return undefined;
  }

  /**
   * Reads an optional-or-required string field: null, undefined and blank mean absent.
   * Returns the trimmed value, or undefined (absent or wrong type, the latter recorded).
   */
  text(field: string, value: unknown, required: boolean): string | undefined {
    if (value === undefined || value === null) {
      return required ? this.add(field, 'required', `${field} is required`) : undefined;
    }
    if (typeof value !== 'string') return this.add(field, 'invalid_type', `${field} must be a string`);
    const trimmed = value.trim();
    if (trimmed === '') return required ? this.add(field, 'required', `${field} is required`) : undefined;
    return trimmed;
  }

  /** Free text: Unicode NFC, length limit, control characters refused. */
  freeText(field: string, value: unknown, required: boolean, maxLength: number, allowBreaks = false): string | undefined {
    const text = this.text(field, value, required);
    if (text === undefined) return undefined;
    const normalized = text.normalize('NFC');
    const length = codePointLength(normalized);
    if (length > maxLength) {
      return this.add(field, 'too_long', `${field} has ${length} characters, at most ${maxLength} are allowed`);
    }
    const forbidden = allowBreaks ? CONTROL_CHARACTERS_EXCEPT_BREAKS : CONTROL_CHARACTERS;
    if (forbidden.test(normalized)) {
      return this.add(field, 'invalid_characters', `${field} contains control characters`);
    }
    return normalized;
  }

  date(field: string, value: unknown): string | undefined {
    const text = this.text(field, value, false);
    if (text === undefined) return undefined;
    if (!isIsoCalendarDate(text)) {
      return this.add(field, 'invalid_date', `${field} must be an existing date written YYYY-MM-DD, got ${JSON.stringify(text)}`);
    }
    return text;
  }
}

function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

function readAcademicLevel(collector: FieldCollector, value: unknown): AcademicLevelIsced | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  let level: number | undefined;
  if (typeof value === 'number') {
    level = value;
  } else if (typeof value === 'string') {
    const trimmed = value.trim();
    if (trimmed === '') return undefined;
    level = /^[0-9]$/.test(trimmed) ? Number(trimmed) : ACADEMIC_LEVEL_WORDS[trimmed.toUpperCase()];
  }
  if (level === 6 || level === 7 || level === 8) return level;
  return collector.add(
    'academicLevel',
    'invalid_academic_level',
    'academicLevel must be an ISCED level 6, 7 or 8 (or BACHELOR, MASTER, DOCTORATE)',
  );
}

/** `fr` or `en`, any case, also as a language tag (`en-GB`, `fr_FR`) as information systems write it. */
function readLocale(collector: FieldCollector, value: unknown): PersonLocale | undefined {
  const text = collector.text('locale', value, false);
  if (text === undefined) return undefined;
  const language = text.toLowerCase().split(/[-_]/)[0];
  const locale = PERSON_LOCALES.find((candidate) => candidate === language);
  if (locale !== undefined && /^[a-z]{2}([-_][a-z0-9]{1,8})*$/i.test(text)) return locale;
  return collector.add('locale', 'invalid_locale', `locale must be fr or en, got ${JSON.stringify(text)}`);
}

function readFreeFields(collector: FieldCollector, value: unknown): Partial<Record<FreeFieldKey, string>> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    return collector.add('freeFields', 'invalid_type', 'freeFields must be an object with keys free1..free7');
  }
  const source = value as Record<string, unknown>;
  const result: Partial<Record<FreeFieldKey, string>> = {};
  let any = false;
  for (const key of Object.keys(source)) {
    if (!(FREE_FIELD_KEYS as readonly string[]).includes(key)) {
      collector.add(`freeFields.${key}`, 'unknown_field', `freeFields only has keys free1..free7, not ${JSON.stringify(key)}`);
    }
  }
  for (const key of FREE_FIELD_KEYS) {
    const text = collector.freeText(`freeFields.${key}`, source[key], false, PERSON_LIMITS.freeField, true);
    if (text !== undefined) {
      result[key] = text;
      any = true;
    }
  }
  return any ? result : undefined;
}

/**
 * Validates and normalizes a person record coming from the API body or a CSV line.
 *
 * Every string is trimmed; blank, null or undefined optional fields are dropped. eppn and email
 * are lowercased, INE uppercased, names and free text put in Unicode NFC. All problems are
 * reported at once, each with a stable `code`. Unknown properties are errors (`unknown_field`),
 * so a misspelt field name is not silently ignored. `academicLevel` accepts 6/7/8 as number or
 * string, or the router words BACHELOR/MASTER/DOCTORATE, and always yields the number. `locale`
 * is `fr` or `en` (a tag such as `en-GB` is reduced to its language).
 * Birth dates must lie between 1900-01-01 and today (`date_out_of_range` otherwise).
 * `personType` is a code, lowercased (`invalid_person_type` when it cannot be one); with
 * `options.personTypes`, a code the institution does not define is `unknown_person_type`.
 */
export function validatePersonInput(raw: unknown, options: PersonValidationOptions = {}): PersonValidationResult {
  const collector = new FieldCollector();
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    collector.add('', 'invalid_type', 'a person must be an object');
    return { ok: false, errors: collector.errors };
  }
  const source = raw as Record<string, unknown>;
  for (const key of Object.keys(source)) {
    if (!KNOWN_FIELDS.has(key)) collector.add(key, 'unknown_field', `unknown field ${JSON.stringify(key)}`);
  }

  let eppn = collector.text('eppn', source.eppn, true);
  if (eppn !== undefined) {
    eppn = normalizeEppn(eppn);
    if (eppn.length > PERSON_LIMITS.eppn) {
      eppn = collector.add('eppn', 'too_long', `eppn has ${eppn.length} characters, at most ${PERSON_LIMITS.eppn} are allowed`);
    } else if (!isValidEppn(eppn)) {
      eppn = collector.add('eppn', 'invalid_eppn', `eppn must look like login@institution-domain, got ${JSON.stringify(eppn)}`);
    }
  }

  const lastName = collector.freeText('lastName', source.lastName, true, PERSON_LIMITS.name);
  const firstName = collector.freeText('firstName', source.firstName, true, PERSON_LIMITS.name);

  const birthDate = collector.date('birthDate', source.birthDate);
  if (birthDate !== undefined) {
    const today = options.today ?? todayUtc();
    if (birthDate < EARLIEST_BIRTH_DATE || birthDate > today) {
      collector.add('birthDate', 'date_out_of_range', `birthDate must lie between ${EARLIEST_BIRTH_DATE} and ${today}`);
    }
  }

  let email = collector.text('email', source.email, false);
  if (email !== undefined) {
    email = email.toLowerCase();
    if (!isValidEmail(email)) {
      email = collector.add('email', 'invalid_email', `not a valid email address: ${JSON.stringify(email)}`);
    }
  }

  let personType: PersonType | undefined;
  const personTypeText = collector.text('personType', source.personType, true);
  if (personTypeText !== undefined) {
    const lower = personTypeText.toLowerCase();
    if (!PERSON_TYPE_CODE_PATTERN.test(lower)) {
      collector.add('personType', 'invalid_person_type', `personType must be a type code (a letter, then letters, digits, - or _), got ${JSON.stringify(personTypeText)}`);
    } else if (options.personTypes !== undefined && !options.personTypes.includes(lower)) {
      const known = options.personTypes.length > 0 ? options.personTypes.join(', ') : 'none';
      collector.add('personType', 'unknown_person_type', `the institution has no person type ${JSON.stringify(lower)} (it has ${known})`);
    } else {
      personType = lower;
    }
  }

  const studentNumber = collector.freeText('studentNumber', source.studentNumber, false, PERSON_LIMITS.studentNumber);

  let ine = collector.text('ine', source.ine, false);
  if (ine !== undefined) {
    ine = normalizeIne(ine);
    if (!isValidIne(ine)) {
      ine = collector.add('ine', 'invalid_ine', `INE must be 11 characters (9 digits + 2 letters, or 10 letters/digits + 1 letter), got ${JSON.stringify(ine)}`);
    }
  }

  let esi = collector.text('esi', source.esi, false);
  if (esi !== undefined) {
    const parsed = parseEsi(esi);
    esi = parsed.valid ? parsed.esi : collector.add('esi', 'invalid_esi', parsed.reason);
  }

  const academicLevel = readAcademicLevel(collector, source.academicLevel);
  const rightsEnd = collector.date('rightsEnd', source.rightsEnd);
  const affiliation = collector.freeText('affiliation', source.affiliation, false, PERSON_LIMITS.affiliation);
  const freeFields = readFreeFields(collector, source.freeFields);
  const locale = readLocale(collector, source.locale);

  if (collector.errors.length > 0 || eppn === undefined || lastName === undefined || firstName === undefined || personType === undefined) {
    return { ok: false, errors: collector.errors };
  }
  const value: PersonInput = { eppn, lastName, firstName, personType };
  if (birthDate !== undefined) value.birthDate = birthDate;
  if (email !== undefined) value.email = email;
  if (studentNumber !== undefined) value.studentNumber = studentNumber;
  if (ine !== undefined) value.ine = ine;
  if (esi !== undefined) value.esi = esi;
  if (academicLevel !== undefined) value.academicLevel = academicLevel;
  if (rightsEnd !== undefined) value.rightsEnd = rightsEnd;
  if (affiliation !== undefined) value.affiliation = affiliation;
  if (freeFields !== undefined) value.freeFields = freeFields;
  if (locale !== undefined) value.locale = locale;
  return { ok: true, value };
}
