import iconv from 'iconv-lite';
import { chooseCrousIdentifier, NO_SUBSIDY_RATE, type CrousTariff } from './crous-account.ts';

/**
 * The CROUS account files (shared/domain/crous-izly.md, "The files"): CSV files of persons the
 * institution sends the CROUS where no API is set up. Their columns are agreed with each CROUS
 * (no published standard), so everything about the text is a setting per institution and per
 * file kind: the columns and their order (from {@link ACCOUNT_FILE_FIELDS}), the separator, the
 * encoding, a header line or not, and the date format. Pure: the service reads the persons and
 * the settings, this turns them into bytes.
 */

/** The four files: students first enrolled this academic year, students enrolled before, staff, and staff who left. */
export const ACCOUNT_FILE_KINDS = ['new_entrants', 're_enrolments', 'staff_present', 'staff_leaving'] as const;
export type AccountFileKind = (typeof ACCOUNT_FILE_KINDS)[number];

/** Which population a kind draws from: student person types, or staff ones. */
export function populationOf(kind: AccountFileKind): 'student' | 'staff' {
  return kind === 'new_entrants' || kind === 're_enrolments' ? 'student' : 'staff';
}

/**
 * The values a column may hold. `idRate` is "the tariff" of the default layout (99 stops the
 * subsidy: the staff-leaving file always carries it); `idCompanyRate` is the CROUS category.
 */
export const ACCOUNT_FILE_FIELDS = [
  'identifier', 'ine', 'lastName', 'firstName', 'birthDate', 'email', 'uai', 'idCompanyRate', 'idRate', 'dueDate', 'eppn', 'studentNumber',
] as const;
export type AccountFileField = (typeof ACCOUNT_FILE_FIELDS)[number];

export const ACCOUNT_FILE_SEPARATORS = [';', ',', '|', '\t'] as const;
export type AccountFileSeparator = (typeof ACCOUNT_FILE_SEPARATORS)[number];

/** `iso-8859-1` and `windows-1252` differ only in 0x80–0x9F (€, Œ, œ, typographic quotes…). */
export const ACCOUNT_FILE_ENCODINGS = ['utf-8', 'iso-8859-1', 'windows-1252'] as const;
export type AccountFileEncoding = (typeof ACCOUNT_FILE_ENCODINGS)[number];

export const ACCOUNT_FILE_DATE_FORMATS = ['YYYY-MM-DD', 'DD/MM/YYYY', 'YYYYMMDD'] as const;
export type AccountFileDateFormat = (typeof ACCOUNT_FILE_DATE_FORMATS)[number];

/** One column: the value it holds and the text of its header cell. */
export interface AccountFileColumn {
  field: AccountFileField;
  label: string;
}

/** How one institution writes one kind of file. */
export interface AccountFileSettings {
  columns: AccountFileColumn[];
  separator: AccountFileSeparator;
  encoding: AccountFileEncoding;
  header: boolean;
  dateFormat: AccountFileDateFormat;
  /** Person types the file draws from; null: those whose code or directory affiliations say student (or staff). */
  personTypes: string[] | null;
  /** The account identifier is the INE when the person has one (else the eppn). */
  ineAsIdentifier: boolean;
  /** Staff leaving: staff whose rights ended within this many days before the file is made. */
  leavingWindowDays: number;
  /** Cron (5 fields, UTC) of the scheduled generation; null: on demand only. */
  schedule: string | null;
}

/** The default layout (domain file): identifier, INE, names, birth date, e-mail, UAI, tariff, due date. */
export const DEFAULT_ACCOUNT_FILE_COLUMNS: readonly AccountFileField[] = [
  'identifier', 'ine', 'lastName', 'firstName', 'birthDate', 'email', 'uai', 'idRate', 'dueDate',
];

export const DEFAULT_LEAVING_WINDOW_DAYS = 31;

/** The settings of a kind nobody configured yet. */
export function defaultAccountFileSettings(): AccountFileSettings {
  return {
    columns: DEFAULT_ACCOUNT_FILE_COLUMNS.map((field) => ({ field, label: field })),
    separator: ';',
    encoding: 'utf-8',
    header: true,
    dateFormat: 'YYYY-MM-DD',
    personTypes: null,
    ineAsIdentifier: true,
    leavingWindowDays: DEFAULT_LEAVING_WINDOW_DAYS,
    schedule: null,
  };
}

/** A setting refused, with the JSON pointer of the field at fault. */
export interface AccountFileSettingsError {
  field: string;
  code: string;
  message: string;
}

/**
 * Checks settings beyond their JSON shape: at least one column, each field of the catalogue at
 * most once, labels on one line without the separator's trouble (they are quoted when needed),
 * a window of 1 to 366 days. The cron and the person types are checked by the service (they need
 * the parser and the institution).
 */
export function checkAccountFileSettings(settings: AccountFileSettings): AccountFileSettingsError[] {
  const errors: AccountFileSettingsError[] = [];
  if (settings.columns.length === 0) errors.push({ field: '/columns', code: 'columns_required', message: 'a file has at least one column' });
  if (settings.columns.length > ACCOUNT_FILE_FIELDS.length) {
    errors.push({ field: '/columns', code: 'too_many_columns', message: `at most ${ACCOUNT_FILE_FIELDS.length} columns` });
  }
  const seen = new Set<string>();
  settings.columns.forEach((column, index) => {
    if (!(ACCOUNT_FILE_FIELDS as readonly string[]).includes(column.field)) {
      errors.push({ field: `/columns/${index}/field`, code: 'unknown_column', message: `the columns are ${ACCOUNT_FILE_FIELDS.join(', ')}` });
    } else if (seen.has(column.field)) {
      errors.push({ field: `/columns/${index}/field`, code: 'duplicate_column', message: `${column.field} is already column ${[...seen].indexOf(column.field) + 1}` });
    }
    seen.add(column.field);
    if (column.label.trim() === '' || /[\r\n]/.test(column.label) || column.label.length > 100) {
      errors.push({ field: `/columns/${index}/label`, code: 'invalid_label', message: 'a header label is 1 to 100 characters on one line' });
    }
  });
  if (!(ACCOUNT_FILE_SEPARATORS as readonly string[]).includes(settings.separator)) {
    errors.push({ field: '/separator', code: 'invalid_separator', message: 'the separator is ; , | or a tab' });
  }
  if (!(ACCOUNT_FILE_ENCODINGS as readonly string[]).includes(settings.encoding)) {
    errors.push({ field: '/encoding', code: 'invalid_encoding', message: `the encodings are ${ACCOUNT_FILE_ENCODINGS.join(', ')}` });
  }
  if (!(ACCOUNT_FILE_DATE_FORMATS as readonly string[]).includes(settings.dateFormat)) {
    errors.push({ field: '/dateFormat', code: 'invalid_date_format', message: `the date formats are ${ACCOUNT_FILE_DATE_FORMATS.join(', ')}` });
  }
  if (!Number.isInteger(settings.leavingWindowDays) || settings.leavingWindowDays < 1 || settings.leavingWindowDays > 366) {
    errors.push({ field: '/leavingWindowDays', code: 'invalid_window', message: 'the window is 1 to 366 days' });
  }
  return errors;
}

/** The facts of one person a line is made of. `rightsEnd` and `birthDate` are days `YYYY-MM-DD`. */
export interface AccountFilePerson {
  eppn: string;
  firstName: string;
  lastName: string;
  birthDate: string | null;
  email: string | null;
  ine: string | null;
  studentNumber: string | null;
  rightsEnd: string | null;
}

/** What a line needs besides the person. */
export interface AccountLineContext {
  kind: AccountFileKind;
  uai: string;
  tariff: CrousTariff;
  /** The due date when the person's rights have no end: the end of the academic year. */
  defaultDueDate: string;
}

/**
 * The values of one person's line, by field. The due date is the end of the person's rights
 * (else the academic year's end); the staff-leaving file carries rate 99 whatever the rules say,
 * which stops the subsidy.
 */
export function accountLineValues(person: AccountFilePerson, context: AccountLineContext, settings: Pick<AccountFileSettings, 'ineAsIdentifier' | 'dateFormat'>): Record<AccountFileField, string> {
  const { identifier } = chooseCrousIdentifier({ ineAsIdentifier: settings.ineAsIdentifier, ine: person.ine, crousIdentifier: null, eppn: person.eppn });
  const idRate = context.kind === 'staff_leaving' ? NO_SUBSIDY_RATE : context.tariff.idRate;
  return {
    identifier,
    ine: person.ine?.toUpperCase() ?? '',
    lastName: person.lastName,
    firstName: person.firstName,
    birthDate: formatDay(person.birthDate, settings.dateFormat),
    email: person.email ?? '',
    uai: context.uai,
    idCompanyRate: String(context.tariff.idCompanyRate),
    idRate: String(idRate),
    dueDate: formatDay(person.rightsEnd ?? context.defaultDueDate, settings.dateFormat),
    eppn: person.eppn,
    studentNumber: person.studentNumber ?? '',
  };
}

/** A day `YYYY-MM-DD` in the file's format; empty when there is none. */
export function formatDay(day: string | null, format: AccountFileDateFormat): string {
  if (day === null || day === '') return '';
  const [y = '', m = '', d = ''] = day.split('-');
  switch (format) {
    case 'DD/MM/YYYY':
      return `${d}/${m}/${y}`;
    case 'YYYYMMDD':
      return `${y}${m}${d}`;
    default:
      return day;
  }
}

/**
 * One cell: quoted (RFC 4180, quotes doubled) when it holds the separator, a quote or a line
 * break. Values are written as they are: the file goes to the CROUS's import, not to a
 * spreadsheet, so no formula escaping changes them.
 */
export function csvCell(value: string, separator: AccountFileSeparator): string {
  const flat = value.replace(/[\r\n]+/g, ' ');
  return flat.includes(separator) || flat.includes('"') ? `"${flat.replaceAll('"', '""')}"` : flat;
}

/** The text of one line (no terminator). */
export function csvLine(values: readonly string[], separator: AccountFileSeparator): string {
  return values.map((value) => csvCell(value, separator)).join(separator);
}

/** The header line of the settings' columns. */
export function headerLine(settings: Pick<AccountFileSettings, 'columns' | 'separator'>): string {
  return csvLine(settings.columns.map((column) => column.label), settings.separator);
}

/** A person's line in the settings' columns. */
export function personLine(values: Record<AccountFileField, string>, settings: Pick<AccountFileSettings, 'columns' | 'separator'>): string {
  return csvLine(settings.columns.map((column) => values[column.field]), settings.separator);
}

/** Lines end with CRLF (RFC 4180; what the CROUS's Windows tools expect). */
export const LINE_END = '\r\n';

/**
 * Text → bytes in the file's encoding. A character the single-byte encodings lack (ł, ğ, Ș…)
 * loses its accents (NFD without the marks, or the plain letter of a stroked one: Ł → L, and
 * Œ → OE in ISO-8859-1) rather than becoming a `?`; one still missing after that (a CJK name)
 * becomes `?`. UTF-8 writes everything, without a byte order mark.
 */
export function encodeAccountFile(text: string, encoding: AccountFileEncoding): Buffer {
  if (encoding === 'utf-8') return Buffer.from(text, 'utf8');
  const codec = encoding === 'iso-8859-1' ? 'latin1' : 'windows-1252';
  let safe = '';
  for (const char of text) {
    if (encodable(char, codec)) {
      safe += char;
      continue;
    }
    const folded = STROKED_LETTERS[char] ?? char.normalize('NFD').replace(/\p{M}/gu, '');
    safe += [...folded].map((part) => (encodable(part, codec) ? part : '?')).join('');
  }
  return iconv.encode(safe, codec);
}

/** Latin letters that NFD does not split into a base letter and a mark (Polish, Croatian, Turkish…, and Œ outside Latin-1). */
const STROKED_LETTERS: Readonly<Record<string, string>> = {
  Ł: 'L', ł: 'l', Đ: 'D', đ: 'd', Ħ: 'H', ħ: 'h', ı: 'i', Œ: 'OE', œ: 'oe', Ŧ: 'T', ŧ: 't',
};

const encodableCache = new Map<string, boolean>();

function encodable(char: string, codec: 'latin1' | 'windows-1252'): boolean {
  if (char.charCodeAt(0) < 0x80 && char.length === 1) return true;
  const key = `${codec}\0${char}`;
  let known = encodableCache.get(key);
  if (known === undefined) {
    known = iconv.decode(iconv.encode(char, codec), codec) === char;
    if (encodableCache.size > 10_000) encodableCache.clear();
    encodableCache.set(key, known);
  }
  return known;
}

/** The academic year holding `today` (`YYYY-MM-DD`): from 1 September to 31 August. */
export function academicYear(today: string): { start: string; end: string } {
  const year = Number(today.slice(0, 4));
  const startYear = today.slice(5) >= '09-01' ? year : year - 1;
  return { start: `${startYear}-09-01`, end: `${startYear + 1}-08-31` };
}

/** `day` minus `days` days, `YYYY-MM-DD`. */
export function daysBefore(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - days);
  return date.toISOString().slice(0, 10);
}

/** The file's name: `crous-<kind>-<institution code>-<YYYYMMDD-HHmmss>.csv` (UTC). */
export function accountFileName(kind: AccountFileKind, institutionCode: string, at: Date): string {
  const stamp = at.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  return `crous-${kind.replace('_', '-')}-${institutionCode}-${stamp}.csv`;
}
