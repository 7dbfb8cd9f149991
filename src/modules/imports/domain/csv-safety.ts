/**
 * CSV export that spreadsheet software cannot turn into a formula (CSV injection, OWASP).
 * Imports keep data exactly as given; the escaping happens here, on the way out, and only here.
 */
import { stringify } from 'csv-stringify/sync';

/**
 * Leading characters that make Excel, LibreOffice or Google Sheets evaluate a cell as a formula
 * (`=`, `+`, `-`, `@`) or that they skip before looking for one (tab, carriage return).
 */
export const FORMULA_TRIGGER_CHARACTERS: readonly string[] = ['=', '+', '-', '@', '\t', '\r'];

/** A value that can be written to a CSV cell. null and undefined become an empty cell. */
export type CsvCellValue = string | number | boolean | null | undefined;

/** A column of {@link toCsv}: the row property to read, and the header to print (the key by default). */
export type CsvColumn = string | { key: string; header: string };

/** Options of {@link toCsv}. */
export interface ToCsvOptions {
  /** Field separator; `;` (what French spreadsheet locales expect) by default. */
  delimiter?: ';' | ',';
  /** Print the header line (default true). */
  header?: boolean;
  /** Line terminator; CRLF (RFC 4180) by default. */
  recordDelimiter?: '\r\n' | '\n';
  /** Start with a UTF-8 byte order mark so Excel reads the file as UTF-8 (default false). */
  bom?: boolean;
}

/**
 * Makes one cell value safe to open in a spreadsheet: when it starts with `=`, `+`, `-`, `@`,
 * a tab or a carriage return, a single quote `'` is put in front, which spreadsheets display as
 * text and never evaluate. Any other value is returned unchanged.
 *
 * Invariants: the result never starts with a trigger character; escaping is idempotent
 * (`'=1` starts with `'`, so it is left alone); the only change is one leading `'`.
 * Re-importing an exported file therefore yields the escaped value (`'-Dupont`), not the
 * original: the import never strips quotes, because it cannot tell them from real data.
 */
export function escapeCsvCell(value: string): string {
  const first = value.charAt(0);
  return FORMULA_TRIGGER_CHARACTERS.includes(first) ? `'${value}` : value;
}

function cellText(value: CsvCellValue): string {
  if (value === null || value === undefined) return '';
  return String(value);
}

/**
 * Writes rows as CSV text, every cell (header included) passed through {@link escapeCsvCell}.
 * Cells holding the delimiter, a quote, or any line break (CR or LF, whatever the record
 * delimiter) are quoted, with inner quotes doubled, so the parser reads the same cells back.
 * Properties of a row that are not listed in `columns` are not written.
 */
export function toCsv(
  rows: readonly Readonly<Record<string, CsvCellValue>>[],
  columns: readonly CsvColumn[],
  options: ToCsvOptions = {},
): string {
  const keys = columns.map((column) => (typeof column === 'string' ? column : column.key));
  const records: string[][] = [];
  if (options.header ?? true) {
    records.push(columns.map((column) => escapeCsvCell(typeof column === 'string' ? column : column.header)));
  }
  for (const row of rows) {
    records.push(keys.map((key) => escapeCsvCell(cellText(row[key]))));
  }
  const text = stringify(records, {
    delimiter: options.delimiter ?? ';',
    record_delimiter: options.recordDelimiter ?? '\r\n',
    quoted_match: /[\r\n]/,
    eof: true,
  });
  return options.bom ? `\uFEFF${text}` : text;
}

const NEEDS_QUOTES = { ';': /[;"\r\n]/, ',': /[,"\r\n]/ } as const;

/**
 * One CSV record (cells and the CRLF line end), under exactly the rules of {@link toCsv}: each
 * cell passed through {@link escapeCsvCell}, and quoted (inner quotes doubled) when it holds the
 * delimiter, a quote or a line break. Written by hand for exports of 100,000 lines and more,
 * where a general CSV writer costs seconds; the two are held equal by a property test.
 */
export function csvRecord(cells: readonly CsvCellValue[], delimiter: ';' | ',' = ';'): string {
  const needsQuotes = NEEDS_QUOTES[delimiter];
  let line = '';
  for (let i = 0; i < cells.length; i++) {
    const text = escapeCsvCell(cellText(cells[i]));
    if (i > 0) line += delimiter;
    line += needsQuotes.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  }
  return `${line}\r\n`;
}
