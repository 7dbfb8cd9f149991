/**
 * Reading an uploaded person CSV: bytes → text (UTF-8 or Latin-1) → records (csv-parse) →
 * validated persons, each tied to the physical line it came from so the office can fix the
 * file. Pure: no I/O beyond the bytes handed in. Values are kept as given (trimmed and
 * normalized by the person rules only); formula escaping is an export concern (csv-safety.ts).
 *
 * Two entry points share every rule: {@link parsePersonCsv} for a Buffer held in memory
 * (upload preview, API), and {@link parsePersonCsvStream} for the job runner, which reads a
 * file of any size chunk by chunk and yields rows as it goes. Work is linear in the file size.
 */
import { parse as parseCsvStream, type Options as CsvParseOptions } from 'csv-parse';
import { parse as parseCsvSync } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { isValidEppn, normalizeEppn } from '../../people/domain/french-identifiers.ts';
import {
  validatePersonInput,
  type PersonErrorCode,
  type PersonFieldError,
  type PersonInput,
} from '../../people/domain/person.ts';

/** Encoding of the file as requested: forced, or detected (`auto`). */
export type CsvEncodingOption = 'utf-8' | 'iso-8859-1' | 'auto';

/** Encoding the file was read with. */
export type CsvEncoding = 'utf-8' | 'iso-8859-1';

/** Field separators recognized. */
export type CsvDelimiter = ';' | ',';

/** Canonical column names of a person CSV, in export order. */
export const PERSON_CSV_COLUMNS = [
  'eppn', 'last_name', 'first_name', 'email', 'birth_date', 'person_type', 'student_number', 'ine',
  'academic_level', 'rights_end', 'esi', 'affiliation', 'locale',
  'free1', 'free2', 'free3', 'free4', 'free5', 'free6', 'free7',
] as const;

/** One canonical column. */
export type PersonCsvColumn = (typeof PERSON_CSV_COLUMNS)[number];

/** Columns a person CSV must have. */
export const REQUIRED_PERSON_CSV_COLUMNS: readonly PersonCsvColumn[] = ['eppn', 'last_name', 'first_name', 'person_type'];

/** Options of {@link parsePersonCsv} and {@link parsePersonCsvStream}. */
export interface PersonCsvOptions {
  /** `auto` (default): UTF-8 when the bytes are UTF-8, Latin-1 otherwise (see {@link parsePersonCsv}). */
  encoding?: CsvEncodingOption;
  /** `auto` (default): the one of `;` and `,` that occurs more often in the header line (`;` on a tie). */
  delimiter?: CsvDelimiter | 'auto';
  /**
   * Header → canonical column, for files with other headers (`{ Nom: 'last_name' }`); `null`
   * ignores that column. Keys match like default headers (case, spaces, accents, punctuation
   * ignored) and take precedence over them.
   */
  columnMapping?: Readonly<Record<string, PersonCsvColumn | null>>;
  /** Skip columns that are neither canonical nor mapped instead of rejecting the file. */
  ignoreUnknownColumns?: boolean;
  /** Today (`YYYY-MM-DD`) for the birth date plausibility check; the clock by default. */
  today?: string;
  /**
   * The person type codes of the institution the file is imported into: a line of another type
   * is refused (`unknown_person_type`). Absent: only the spelling of the code is checked.
   */
  personTypes?: readonly string[];
  /**
   * Called once the header is read, with the canonical columns it holds, before any line: a
   * reader that acts on lines as they come (a person source writing behind its read) learns which
   * fields the file carries at all — a column the file lacks is left alone, not cleared.
   */
  onHeader?: (columns: readonly PersonCsvColumn[]) => void;
}

/** Why a whole file is refused. */
export type PersonCsvFileErrorCode =
  | 'empty_file'
  | 'invalid_encoding'
  | 'unsupported_encoding'
  | 'malformed_csv'
  | 'missing_column'
  | 'unknown_column'
  | 'duplicate_column'
  | 'invalid_column_mapping';

/** Why one line is refused: a person rule, or a CSV-level problem of that line. */
export type PersonCsvLineErrorCode = PersonErrorCode | 'wrong_field_count' | 'duplicate_eppn';

/** A problem that makes the whole file unusable. `column`: the header at fault as written, or the missing column. */
export interface PersonCsvFileError {
  code: PersonCsvFileErrorCode;
  message: string;
  line?: number;
  column?: string;
}

/** A problem with one line. `field` is the canonical column (`birth_date`) when one is at fault. */
export interface PersonCsvLineError {
  line: number;
  /** The line's eppn when it is one (a person source keys CSV records by it); absent otherwise. */
  eppn?: string;
  field?: string;
  code: PersonCsvLineErrorCode;
  message: string;
}

/** One valid person and the 1-based physical line where its record starts (the header is line 1). */
export interface PersonCsvRow {
  line: number;
  value: PersonInput;
}

/**
 * Outcome of {@link parsePersonCsv}. When `fileErrors` is non-empty the file must be refused as a
 * whole and `rows` is empty; `errors` may still list line problems found before the fatal one.
 */
export interface PersonCsvResult {
  rows: PersonCsvRow[];
  errors: PersonCsvLineError[];
  fileErrors: PersonCsvFileError[];
  encoding: CsvEncoding;
  delimiter: CsvDelimiter;
}

/** What {@link parsePersonCsvStream} yields, in file order; `end` always comes last. */
export type PersonCsvEvent =
  | { type: 'row'; row: PersonCsvRow }
  | { type: 'error'; error: PersonCsvLineError }
  | { type: 'file_error'; error: PersonCsvFileError }
  /** `columns`: the canonical columns the header holds (a column it lacks is left alone by an import). */
  | { type: 'end'; encoding: CsvEncoding; delimiter: CsvDelimiter; columns: PersonCsvColumn[] };

const COLUMN_TO_FIELD: Readonly<Record<PersonCsvColumn, string>> = {
  eppn: 'eppn',
  last_name: 'lastName',
  first_name: 'firstName',
  email: 'email',
  birth_date: 'birthDate',
  person_type: 'personType',
  student_number: 'studentNumber',
  ine: 'ine',
  academic_level: 'academicLevel',
  rights_end: 'rightsEnd',
  esi: 'esi',
  affiliation: 'affiliation',
  locale: 'locale',
  free1: 'freeFields.free1',
  free2: 'freeFields.free2',
  free3: 'freeFields.free3',
  free4: 'freeFields.free4',
  free5: 'freeFields.free5',
  free6: 'freeFields.free6',
  free7: 'freeFields.free7',
};

const FIELD_TO_COLUMN: ReadonlyMap<string, PersonCsvColumn> = new Map(
  PERSON_CSV_COLUMNS.map((column) => [COLUMN_TO_FIELD[column], column]),
);

const DATE_COLUMNS: ReadonlySet<PersonCsvColumn> = new Set(['birth_date', 'rights_end']);
/** Other headers information systems use for a column (matched like the canonical names). */
const COLUMN_ALIASES: Readonly<Record<string, PersonCsvColumn>> = { language: 'locale', langue: 'locale' };
const FRENCH_DATE_PATTERN = /^([0-9]{1,2})\/([0-9]{1,2})\/([0-9]{4})$/;
// csv-parse keeps a record in memory until it ends; a runaway quote stops here, not at EOF.
const MAX_RECORD_SIZE = 1_000_000;
// Longest header line the stream version waits for before sniffing the delimiter anyway.
const MAX_SNIFF_LENGTH = 1_000_000;

/**
 * The key a header is matched by: accents, case and everything but letters and digits removed,
 * so `Last Name`, `LAST_NAME` and `last-name` are one column, and `Prénom` matches `prenom`.
 */
export function headerKey(header: string): string {
  return header.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z0-9]/g, '');
}

/**
 * A date cell as ISO `YYYY-MM-DD`: `DD/MM/YYYY` (also `D/M/YYYY`) is rewritten, anything else is
 * returned trimmed and unchanged for the person rules to accept or refuse. No calendar check
 * here, so 31/02/2024 becomes 2024-02-31 and is refused there.
 */
export function csvDateToIso(value: string): string {
  const trimmed = value.trim();
  const match = FRENCH_DATE_PATTERN.exec(trimmed);
  if (!match) return trimmed;
  const [, day = '', month = '', year = ''] = match;
  return `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
}

/**
 * The canonical CSV cells of a person, for export: the inverse of what the parser reads (ISO
 * dates, the ISCED number, empty cells for absent fields). Combine with `toCsv` from
 * csv-safety.ts, which escapes formula characters.
 */
export function personToCsvRecord(person: PersonInput): Record<PersonCsvColumn, string> {
  const free = person.freeFields ?? {};
  return {
    eppn: person.eppn,
    last_name: person.lastName,
    first_name: person.firstName,
    email: person.email ?? '',
    birth_date: person.birthDate ?? '',
    person_type: person.personType,
    student_number: person.studentNumber ?? '',
    ine: person.ine ?? '',
    academic_level: person.academicLevel === undefined ? '' : String(person.academicLevel),
    rights_end: person.rightsEnd ?? '',
    esi: person.esi ?? '',
    affiliation: person.affiliation ?? '',
    locale: person.locale ?? '',
    free1: free.free1 ?? '',
    free2: free.free2 ?? '',
    free3: free.free3 ?? '',
    free4: free.free4 ?? '',
    free5: free.free5 ?? '',
    free6: free.free6 ?? '',
    free7: free.free7 ?? '',
  };
}

// ---------------------------------------------------------------------------------------------
// Bytes → text

interface DecodeStep {
  text: string;
  error?: PersonCsvFileError;
}

const EMPTY = Buffer.alloc(0);
const LF = 0x0a;
const CR = 0x0d;

/**
 * Length of the valid UTF-8 sequence starting at `i` (a byte ≥ 0x80), 0 when the buffer ends
 * before the sequence does, -1 when the bytes are not UTF-8 (overlong forms, surrogates and
 * code points above U+10FFFF included).
 */
function utf8SequenceLength(bytes: Buffer, i: number): number {
  const lead = bytes[i] ?? 0;
  let continuation: number;
  let low = 0x80;
  let high = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) continuation = 1;
  else if (lead === 0xe0) [continuation, low] = [2, 0xa0];
  else if (lead === 0xed) [continuation, high] = [2, 0x9f];
  else if (lead >= 0xe1 && lead <= 0xef) continuation = 2;
  else if (lead === 0xf0) [continuation, low] = [3, 0x90];
  else if (lead === 0xf4) [continuation, high] = [3, 0x8f];
  else if (lead >= 0xf1 && lead <= 0xf3) continuation = 3;
  else return -1;
  for (let k = 1; k <= continuation; k += 1) {
    if (i + k >= bytes.length) return 0;
    const byte = bytes[i + k] ?? 0;
    if (k === 1 ? byte < low || byte > high : byte < 0x80 || byte > 0xbf) return -1;
  }
  return continuation + 1;
}

/**
 * Incremental decoder. `auto` stays undecided while the bytes are ASCII (identical in both
 * encodings); the first non-ASCII sequence decides: valid UTF-8 → UTF-8, otherwise Latin-1.
 * A UTF-8 byte order mark also means UTF-8 (it is dropped). Once UTF-8 is chosen, an invalid
 * byte later on is an `invalid_encoding` error naming its line: such a file mixes encodings,
 * and reading it as Latin-1 would silently garble its UTF-8 lines.
 *
 * Latin-1 is decoded as Windows-1252, as browsers do for the label iso-8859-1: the two agree on
 * every printable character, and 0x80–0x9F hold characters (€, œ, ’) that French spreadsheets
 * write, where ISO-8859-1 has control codes.
 */
class ByteDecoder {
  private mode: CsvEncoding | 'undecided';
  private pending: Buffer = EMPTY;
  private started = false;
  private failed = false;
  private lineBreaks = 0;
  private lastWasCr = false;

  constructor(option: CsvEncodingOption) {
    this.mode = option === 'auto' ? 'undecided' : option;
  }

  get encoding(): CsvEncoding {
    return this.mode === 'iso-8859-1' ? 'iso-8859-1' : 'utf-8';
  }

  write(chunk: Uint8Array, final: boolean): DecodeStep {
    if (this.failed) return { text: '' };
    const incoming = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let bytes = this.pending.length > 0 ? Buffer.concat([this.pending, incoming]) : incoming;
    this.pending = EMPTY;
    if (!this.started) {
      if (bytes.length < 3 && !final) {
        this.pending = bytes;
        return { text: '' };
      }
      this.started = true;
      if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
        this.failed = true;
        return { text: '', error: { code: 'unsupported_encoding', line: 1, message: 'the file is UTF-16; save it as CSV UTF-8 or as CSV (Latin-1)' } };
      }
      if (this.mode !== 'iso-8859-1' && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
        this.mode = 'utf-8';
        bytes = bytes.subarray(3);
      }
    }
    let text = '';
    let start = 0;
    if (this.mode === 'undecided') {
      let i = 0;
      while (i < bytes.length && (bytes[i] ?? 0) < 0x80) i += 1;
      if (i === bytes.length) return { text: this.take(bytes, 0, i, 'latin1') };
      const sequence = utf8SequenceLength(bytes, i);
      if (sequence === 0 && !final) {
        this.pending = bytes.subarray(i);
        return { text: this.take(bytes, 0, i, 'latin1') };
      }
      this.mode = sequence > 0 ? 'utf-8' : 'iso-8859-1';
      text = this.take(bytes, 0, i, 'latin1');
      start = i;
    }
    if (this.mode === 'iso-8859-1') {
      this.countLineBreaks(bytes, start, bytes.length);
      return { text: text + iconv.decode(bytes.subarray(start), 'windows-1252') };
    }
    let i = start;
    while (i < bytes.length) {
      if ((bytes[i] ?? 0) < 0x80) {
        i += 1;
        continue;
      }
      const sequence = utf8SequenceLength(bytes, i);
      if (sequence > 0) {
        i += sequence;
      } else if (sequence === 0 && !final) {
        this.pending = bytes.subarray(i);
        break;
      } else {
        return this.fail(text, bytes, start, i);
      }
    }
    return { text: text + this.take(bytes, start, i, 'utf8') };
  }

  end(): DecodeStep {
    return this.write(EMPTY, true);
  }

  /** Decodes bytes[from, to) (already validated) and counts their line breaks. */
  private take(bytes: Buffer, from: number, to: number, encoding: 'latin1' | 'utf8'): string {
    this.countLineBreaks(bytes, from, to);
    return bytes.toString(encoding, from, to);
  }

  /** Stops at an invalid byte: hands out the text of the complete lines before it, and the error. */
  private fail(text: string, bytes: Buffer, from: number, invalidAt: number): DecodeStep {
    this.failed = true;
    let cut = invalidAt;
    while (cut > from && bytes[cut - 1] !== LF && bytes[cut - 1] !== CR) cut -= 1;
    const before = text + this.take(bytes, from, cut, 'utf8');
    this.countLineBreaks(bytes, cut, invalidAt);
    const line = this.lineBreaks + 1;
    return {
      text: before,
      error: {
        code: 'invalid_encoding',
        line,
        message: `line ${line} is not valid UTF-8 (byte 0x${(bytes[invalidAt] ?? 0).toString(16).padStart(2, '0')}); save the file as CSV UTF-8, or import it as ISO-8859-1`,
      },
    };
  }

  /** Line breaks as the CSV reader sees them: LF, CRLF and a lone CR each end one line. */
  private countLineBreaks(bytes: Buffer, from: number, to: number): void {
    for (let i = from; i < to; i += 1) {
      const byte = bytes[i];
      if (byte === LF) {
        if (!this.lastWasCr) this.lineBreaks += 1;
        this.lastWasCr = false;
      } else if (byte === CR) {
        this.lineBreaks += 1;
        this.lastWasCr = true;
      } else {
        this.lastWasCr = false;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Text → records

/** The first line holding anything but whitespace, or undefined when `text` has no complete one yet. */
function firstContentLine(text: string, complete: boolean): string | undefined {
  let from = 0;
  while (from <= text.length) {
    const lf = text.indexOf('\n', from);
    const cr = text.indexOf('\r', from);
    const end = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
    if (end === -1) {
      const last = text.slice(from);
      return complete && last.trim() !== '' ? last : undefined;
    }
    const line = text.slice(from, end);
    if (line.trim() !== '') return line;
    from = end + 1;
  }
  return undefined;
}

/** `;` or `,`, whichever occurs more often outside quotes in the header line; `;` on a tie. */
function sniffDelimiter(headerLine: string): CsvDelimiter {
  let semicolons = 0;
  let commas = 0;
  let quoted = false;
  for (const character of headerLine) {
    if (character === '"') quoted = !quoted;
    else if (!quoted && character === ';') semicolons += 1;
    else if (!quoted && character === ',') commas += 1;
  }
  return commas > semicolons ? ',' : ';';
}

function resolveDelimiter(option: PersonCsvOptions['delimiter'], text: string): CsvDelimiter {
  if (option === ';' || option === ',') return option;
  return sniffDelimiter(firstContentLine(text, true) ?? '');
}

function csvParseOptions(delimiter: CsvDelimiter): CsvParseOptions {
  return {
    delimiter,
    record_delimiter: ['\r\n', '\n', '\r'],
    quote: '"',
    escape: '"',
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    max_record_size: MAX_RECORD_SIZE,
  };
}

function lineBreaksIn(value: string): number {
  let count = 0;
  for (let i = value.indexOf('\n'); i !== -1; i = value.indexOf('\n', i + 1)) count += 1;
  for (let i = value.indexOf('\r'); i !== -1; i = value.indexOf('\r', i + 1)) {
    if (value.charCodeAt(i + 1) !== LF) count += 1;
  }
  return count;
}

interface CsvErrorLike {
  code: string;
  message: string;
  empty_lines?: number;
}

function isCsvError(error: unknown): error is CsvErrorLike {
  if (!(error instanceof Error)) return false;
  const code: unknown = (error as Error & { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('CSV_');
}

// ---------------------------------------------------------------------------------------------
// Records → persons

/**
 * The rules from the header on, fed one csv-parse record at a time by either entry point.
 * Physical lines are reconstructed from what csv-parse reports reliably: the running count of
 * skipped empty lines, plus the line breaks inside each record's (quoted) fields. Its `lines`
 * counter is not used: csv-parse 5.6 counts a CRLF inside quotes as two lines.
 */
class PersonCsvSession {
  private readonly options: PersonCsvOptions;
  private readonly events: PersonCsvEvent[] = [];
  private readonly seenEppns = new Map<string, number>();
  private readonly mapping = new Map<string, PersonCsvColumn | null>();
  private columns: (PersonCsvColumn | null)[] | undefined;
  private linesConsumed = 0;
  private emptyLinesSeen = 0;
  failed = false;

  constructor(options: PersonCsvOptions) {
    this.options = options;
    for (const [header, column] of Object.entries(options.columnMapping ?? {})) {
      if (column !== null && !(PERSON_CSV_COLUMNS as readonly string[]).includes(column)) {
        this.fileError({
          code: 'invalid_column_mapping',
          column: header,
          message: `column mapping sends ${JSON.stringify(header)} to ${JSON.stringify(column)}, which is not one of ${PERSON_CSV_COLUMNS.join(', ')}`,
        });
      } else {
        this.mapping.set(headerKey(header), column);
      }
    }
  }

  /** Events produced since the last call, in order. */
  drain(): PersonCsvEvent[] {
    return this.events.splice(0, this.events.length);
  }

  fileError(error: PersonCsvFileError): void {
    this.failed = true;
    this.events.push({ type: 'file_error', error });
  }

  /**
   * One record from csv-parse; `emptyLines` is its running count of skipped empty lines.
   * Records starting at or after `cutLine` are ignored: the decoder stopped on that line, so
   * what csv-parse makes of it is a truncated record.
   */
  accept(fields: string[], emptyLines: number, cutLine = Infinity): void {
    this.emptyLinesSeen = emptyLines;
    const line = 1 + this.linesConsumed + emptyLines;
    for (const field of fields) this.linesConsumed += lineBreaksIn(field);
    this.linesConsumed += 1;
    if (this.failed || line >= cutLine || fields.every((field) => field.trim() === '')) return;
    if (this.columns === undefined) this.readHeader(fields, line);
    else this.readPerson(fields, line);
  }

  /** csv-parse gave up (unbalanced quote, oversized record): the file cannot be trusted past here. */
  malformed(error: CsvErrorLike): void {
    if (this.failed) return;
    const line = 1 + this.linesConsumed + (error.empty_lines ?? this.emptyLinesSeen);
    const reason = error.code === 'CSV_QUOTE_NOT_CLOSED'
      ? 'a quoted field opened here is never closed'
      : error.code === 'CSV_MAX_RECORD_SIZE'
        ? `a record starting here is longer than ${MAX_RECORD_SIZE} characters (unbalanced quote?)`
        : error.message;
    this.fileError({ code: 'malformed_csv', line, message: `line ${line}: ${reason}` });
  }

  /** End of input: a file without a header line is refused. */
  finish(): void {
    if (!this.failed && this.columns === undefined) {
      this.fileError({ code: 'empty_file', message: 'the file has no header line' });
    }
  }

  private readHeader(fields: string[], line: number): void {
    const columns: (PersonCsvColumn | null)[] = [];
    const canonical = new Map<string, PersonCsvColumn>([
      ...Object.entries(COLUMN_ALIASES).map(([alias, column]): [string, PersonCsvColumn] => [headerKey(alias), column]),
      ...PERSON_CSV_COLUMNS.map((column): [string, PersonCsvColumn] => [headerKey(column), column]),
    ]);
    const seen = new Map<PersonCsvColumn, string>();
    for (const header of fields) {
      const key = headerKey(header);
      let column: PersonCsvColumn | null | undefined = this.mapping.has(key) ? this.mapping.get(key) : canonical.get(key);
      if (column === undefined) {
        if (!this.options.ignoreUnknownColumns) {
          this.fileError({
            code: 'unknown_column',
            line,
            column: header,
            message: header.trim() === ''
              ? `column ${columns.length + 1} has no header`
              : `unknown column ${JSON.stringify(header)}; expected ${PERSON_CSV_COLUMNS.join(', ')} (or map it)`,
          });
        }
        column = null;
      }
      if (column !== null) {
        const previous = seen.get(column);
        if (previous !== undefined) {
          this.fileError({
            code: 'duplicate_column',
            line,
            column: header,
            message: `columns ${JSON.stringify(previous)} and ${JSON.stringify(header)} both give ${column}`,
          });
        }
        seen.set(column, header);
      }
      columns.push(column);
    }
    for (const required of REQUIRED_PERSON_CSV_COLUMNS) {
      if (!seen.has(required)) {
        this.fileError({ code: 'missing_column', line, column: required, message: `required column ${required} is missing` });
      }
    }
    this.columns = columns;
    if (!this.failed) this.options.onHeader?.(this.headerColumns());
  }

  /** The canonical columns of the header (none before it is read). */
  headerColumns(): PersonCsvColumn[] {
    return (this.columns ?? []).filter((column): column is PersonCsvColumn => column !== null);
  }

  private readPerson(fields: string[], line: number): void {
    const columns = this.columns ?? [];
    if (fields.length !== columns.length) {
      this.lineError({
        line,
        code: 'wrong_field_count',
        message: `line ${line} has ${fields.length} fields, the header has ${columns.length}`,
      });
      return;
    }
    const raw: Record<string, unknown> = {};
    const free: Record<string, string> = {};
    const cells = new Map<PersonCsvColumn, string>();
    columns.forEach((column, index) => {
      if (column === null) return;
      const cell = fields[index] ?? '';
      cells.set(column, cell);
      const field = COLUMN_TO_FIELD[column];
      const value = DATE_COLUMNS.has(column) ? csvDateToIso(cell) : cell;
      if (field.startsWith('freeFields.')) free[field.slice('freeFields.'.length)] = value;
      else raw[field] = value;
    });
    raw.freeFields = free;

    const result = validatePersonInput(raw, {
      ...(this.options.today === undefined ? {} : { today: this.options.today }),
      ...(this.options.personTypes === undefined ? {} : { personTypes: this.options.personTypes }),
    });
    const eppnCell = cells.get('eppn');
    const eppn = eppnCell === undefined ? '' : normalizeEppn(eppnCell);
    let duplicate = false;
    if (isValidEppn(eppn)) {
      const firstLine = this.seenEppns.get(eppn);
      if (firstLine === undefined) {
        this.seenEppns.set(eppn, line);
      } else {
        duplicate = true;
        this.lineError({ line, eppn, field: 'eppn', code: 'duplicate_eppn', message: `eppn ${eppn} already appears on line ${firstLine}` });
      }
    }
    if (!result.ok) {
      for (const error of result.errors) {
        this.lineError({ ...this.toLineError(error, line, cells), ...(isValidEppn(eppn) ? { eppn } : {}) });
      }
    } else if (!duplicate) {
      this.events.push({ type: 'row', row: { line, value: result.value } });
    }
  }

  private toLineError(error: PersonFieldError, line: number, cells: ReadonlyMap<PersonCsvColumn, string>): PersonCsvLineError {
    const column = FIELD_TO_COLUMN.get(error.field);
    if (column === undefined) return { line, code: error.code, message: error.message };
    const message = error.code === 'invalid_date'
      ? `${column} must be an existing date written YYYY-MM-DD or DD/MM/YYYY, got ${JSON.stringify(cells.get(column) ?? '')}`
      : error.message.startsWith(error.field) ? column + error.message.slice(error.field.length) : error.message;
    return { line, field: column, code: error.code, message };
  }

  private lineError(error: PersonCsvLineError): void {
    this.events.push({ type: 'error', error });
  }
}

// ---------------------------------------------------------------------------------------------
// Entry points

/**
 * Parses a whole person CSV held in memory.
 *
 * Encoding (`options.encoding`, `auto` by default): a UTF-8 byte order mark, or a first
 * non-ASCII sequence that is valid UTF-8, means UTF-8; any other non-ASCII byte means Latin-1
 * (read as Windows-1252); all-ASCII files report `utf-8`. Every file that is entirely valid
 * UTF-8 is read as UTF-8 and every file whose first non-ASCII byte is not UTF-8 as Latin-1;
 * a file that starts as UTF-8 and later holds non-UTF-8 bytes mixes encodings and is refused
 * (`invalid_encoding`, naming that line), as is any non-UTF-8 byte when UTF-8 is forced.
 * UTF-16 files are refused (`unsupported_encoding`).
 *
 * Layout: the first non-empty line is the header; the delimiter is `;` or `,` (sniffed from it,
 * or forced); RFC 4180 quoting (doubled quotes, delimiters and line breaks inside quotes); LF,
 * CRLF or CR line ends; empty and blank lines (only spaces or delimiters) are skipped.
 * Headers match the canonical columns ignoring case, spaces, punctuation and accents (`language`
 * and `langue` also give `locale`), or through `columnMapping`. File errors: `empty_file`, `invalid_encoding`,
 * `unsupported_encoding`, `malformed_csv` (unbalanced quote), `unknown_column`,
 * `duplicate_column`, `missing_column`, `invalid_column_mapping`.
 *
 * Each data line is turned into a {@link PersonInput} by `validatePersonInput` (dates may be
 * `DD/MM/YYYY`); a line is either a row or one or more errors: the person rule codes, plus
 * `wrong_field_count` and `duplicate_eppn` (on every line after the first one with that eppn).
 * Line numbers are physical, 1-based, and point at the line where the record starts.
 */
export function parsePersonCsv(input: Uint8Array, options: PersonCsvOptions = {}): PersonCsvResult {
  const decoder = new ByteDecoder(options.encoding ?? 'auto');
  const decoded = decoder.write(input, true);
  const delimiter = resolveDelimiter(options.delimiter, decoded.text);
  const result: PersonCsvResult = { rows: [], errors: [], fileErrors: [], encoding: decoder.encoding, delimiter };
  const session = new PersonCsvSession(options);
  if (decoded.error) {
    session.fileError(decoded.error);
  } else if (!session.failed) {
    try {
      parseCsvSync(decoded.text, {
        ...csvParseOptions(delimiter),
        on_record: (record: string[], context: { empty_lines: number }) => {
          session.accept(record, context.empty_lines);
          return null;
        },
      });
    } catch (error) {
      if (!isCsvError(error)) throw error;
      session.malformed(error);
    }
    session.finish();
  }
  for (const event of session.drain()) {
    if (event.type === 'row') result.rows.push(event.row);
    else if (event.type === 'error') result.errors.push(event.error);
    else if (event.type === 'file_error') result.fileErrors.push(event.error);
  }
  if (result.fileErrors.length > 0) result.rows = [];
  return result;
}

async function* prepend(head: string, rest: AsyncIterator<string> | undefined): AsyncGenerator<string> {
  try {
    if (head !== '') yield head;
    if (rest === undefined) return;
    for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
  } finally {
    await rest?.return?.(undefined);
  }
}

/**
 * Streaming twin of {@link parsePersonCsv} for the job runner: reads `source` (a Node Readable
 * or any async iterable of byte chunks) and yields each row and line error as soon as its
 * record is complete, then `end`. Same rules, same line numbers, memory bounded by the
 * largest record plus the set of eppns seen.
 *
 * A `file_error` event means the file must be refused as a whole; rows yielded before it
 * (an encoding error or an unbalanced quote can be found far into the file) must be discarded,
 * so a consumer applies rows inside a transaction or after a first validation pass.
 * Leaving the loop early stops reading the source.
 */
export async function* parsePersonCsvStream(
  source: AsyncIterable<Uint8Array>,
  options: PersonCsvOptions = {},
): AsyncGenerator<PersonCsvEvent, void, undefined> {
  const decoder = new ByteDecoder(options.encoding ?? 'auto');
  let decodeError: PersonCsvFileError | undefined;
  const texts = (async function* decode(): AsyncGenerator<string> {
    for await (const chunk of source) {
      const step = decoder.write(chunk, false);
      if (step.text !== '') yield step.text;
      if (step.error) {
        decodeError = step.error;
        return;
      }
    }
    const last = decoder.end();
    if (last.text !== '') yield last.text;
    decodeError = last.error;
  })();

  let head = '';
  let exhausted = false;
  while (head.length < MAX_SNIFF_LENGTH && firstContentLine(head, false) === undefined) {
    const next = await texts.next();
    if (next.done) {
      exhausted = true;
      break;
    }
    head += next.value;
  }
  const delimiter = resolveDelimiter(options.delimiter, head);
  const session = new PersonCsvSession(options);
  yield* session.drain();

  // Records are handled in csv-parse's on_record, while it parses a chunk, so a parse error
  // leaves the session exactly after the last good record (its line count stays right).
  let parserError: unknown;
  const settle = (error: Error | null | undefined): void => {
    if (error && parserError === undefined) parserError = error;
  };
  if (!session.failed) {
    const parser = parseCsvStream({
      ...csvParseOptions(delimiter),
      on_record: (record: string[], context: { empty_lines: number }) => {
        session.accept(record, context.empty_lines, decodeError?.line);
        return null;
      },
    });
    parser.on('error', settle);
    parser.resume();
    try {
      for await (const text of prepend(head, exhausted ? undefined : texts)) {
        await new Promise<void>((resolve) => parser.write(text, (error) => {
          settle(error);
          resolve();
        }));
        yield* session.drain();
        if (session.failed || parserError !== undefined) break;
      }
      if (!session.failed && parserError === undefined) {
        await new Promise<void>((resolve) => parser.end((error?: Error | null) => {
          settle(error);
          resolve();
        }));
        yield* session.drain();
      }
    } finally {
      parser.destroy();
    }
  } else {
    await texts.return(undefined);
  }
  if (parserError !== undefined && !isCsvError(parserError)) throw parserError;

  if (decodeError) session.fileError(decodeError);
  else if (parserError !== undefined) session.malformed(parserError);
  else session.finish();
  yield* session.drain();
  yield { type: 'end', encoding: decoder.encoding, delimiter, columns: session.headerColumns() };
}
