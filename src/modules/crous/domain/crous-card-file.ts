import { parseCsn } from '../../cards/domain/csn.ts';

/**
 * Parser of the pre-encoded card file the CROUS delivers with cards it encoded itself: one line
 * per chip, linking its serial number (CSN) to its CROUS card number. `;`-separated, with the
 * header
 * `PIX.SS;PIX.NN;AAPL;NUM_PROTOCOLAIRE;NUM_APPLICATIF;NFO;CNOUS;CROUS;EMETTEUR;MAPPING;NUM_CARTE;DATE_CREATION`.
 *
 * Column → SmartCard field: NUM_PROTOCOLAIRE → `uid` (the CSN, hex), NUM_APPLICATIF → `rid`,
 * EMETTEUR (hex) → `idTransmitter`, MAPPING → `idMapping`, NUM_CARTE → `idZdc`, DATE_CREATION
 * (`dd/MM/yyyy`) → `zdcCreationDate`, PIX.SS → `pixSs`, PIX.NN → `pixNn`, AAPL → `appl`. NFO,
 * CNOUS and CROUS are kept as read.
 *
 * Pure and total: every line gives either a card or errors carrying the line number (1 is the
 * header), as the person import reports them; one bad line never stops the others.
 */

/** The header, in order. */
export const CROUS_CARD_FILE_COLUMNS = [
  'PIX.SS', 'PIX.NN', 'AAPL', 'NUM_PROTOCOLAIRE', 'NUM_APPLICATIF', 'NFO', 'CNOUS', 'CROUS', 'EMETTEUR', 'MAPPING', 'NUM_CARTE', 'DATE_CREATION',
] as const;

export type CrousCardFileColumn = (typeof CROUS_CARD_FILE_COLUMNS)[number];

/** One card of the file. */
export interface PreEncodedCrousCard {
  line: number;
  /** Canonical CSN: upper-case hex, as the `uid` header and SmartCard field want it. */
  csn: string;
  rid: string;
  idTransmitter: number;
  idMapping: number;
  idZdc: number;
  /** Creation day, `YYYY-MM-DD`. */
  creationDay: string;
  pixSs: string;
  pixNn: string;
  appl: string;
  nfo: string;
  cnous: string;
  crous: string;
}

export type CrousCardFileErrorCode =
  | 'header_invalid'
  | 'column_count'
  | 'required'
  | 'csn_invalid'
  | 'hex_invalid'
  | 'integer_invalid'
  | 'date_invalid'
  | 'duplicate_csn'
  | 'duplicate_card_number';

/** A refused line (or the header), with the column at fault when there is one. */
export interface CrousCardFileError {
  line: number;
  column?: CrousCardFileColumn;
  code: CrousCardFileErrorCode;
  message: string;
}

/** The cards read and the lines refused. */
export interface CrousCardFileResult {
  cards: PreEncodedCrousCard[];
  errors: CrousCardFileError[];
  /** Data lines seen (blank lines not counted). */
  lineCount: number;
}

const INTEGER = /^\d{1,15}$/;
const HEX = /^[0-9A-Fa-f]{1,12}$/;
const DAY = /^(\d{2})\/(\d{2})\/(\d{4})$/;

function unquote(field: string): string {
  const trimmed = field.trim();
  return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"') ? trimmed.slice(1, -1).replaceAll('""', '"').trim() : trimmed;
}

function parseDay(value: string): string | undefined {
  const match = DAY.exec(value);
  if (match === null) return undefined;
  const [, d = '', m = '', y = ''] = match;
  const iso = `${y}-${m}-${d}`;
  const date = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== iso ? undefined : iso;
}

/**
 * Reads the file's text (a leading BOM, CRLF line ends, quoted fields and blank lines are
 * accepted). A wrong header refuses the whole file (line 1); each data line is checked alone;
 * a CSN or card number already seen on an earlier line refuses the later line.
 */
export function parseCrousCardFile(text: string): CrousCardFileResult {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const header = (lines[0] ?? '').split(';').map((name) => unquote(name).toUpperCase());
  if (header.length !== CROUS_CARD_FILE_COLUMNS.length || header.some((name, i) => name !== CROUS_CARD_FILE_COLUMNS[i])) {
    return {
      cards: [],
      errors: [{ line: 1, code: 'header_invalid', message: `the header must be ${CROUS_CARD_FILE_COLUMNS.join(';')}` }],
      lineCount: lines.slice(1).filter((line) => line.trim() !== '').length,
    };
  }
  const cards: PreEncodedCrousCard[] = [];
  const errors: CrousCardFileError[] = [];
  const seenCsn = new Map<string, number>();
  const seenNumber = new Map<number, number>();
  let lineCount = 0;
  lines.slice(1).forEach((raw, offset) => {
    const line = offset + 2;
    if (raw.trim() === '') return;
    lineCount += 1;
    const fields = raw.split(';').map(unquote);
    if (fields.length !== CROUS_CARD_FILE_COLUMNS.length) {
      errors.push({ line, code: 'column_count', message: `expected ${CROUS_CARD_FILE_COLUMNS.length} fields, found ${fields.length}` });
      return;
    }
    const value = (column: CrousCardFileColumn): string => fields[CROUS_CARD_FILE_COLUMNS.indexOf(column)] ?? '';
    const lineErrors: CrousCardFileError[] = [];
    const fail = (column: CrousCardFileColumn, code: CrousCardFileErrorCode, message: string): undefined => {
      lineErrors.push({ line, column, code, message });
      return undefined;
    };
    const required = (column: CrousCardFileColumn): string | undefined =>
      value(column) === '' ? fail(column, 'required', `${column} is empty`) : value(column);
    const integer = (column: CrousCardFileColumn): number | undefined => {
      const text = required(column);
      if (text === undefined) return undefined;
      return INTEGER.test(text) ? Number(text) : fail(column, 'integer_invalid', `${column} must be a whole number, got ${JSON.stringify(text)}`);
    };

    const csnText = required('NUM_PROTOCOLAIRE');
    let csn: string | undefined;
    if (csnText !== undefined) {
      const parsed = parseCsn(csnText, 'hex');
      if (parsed.ok) csn = parsed.hex;
      else fail('NUM_PROTOCOLAIRE', 'csn_invalid', `NUM_PROTOCOLAIRE is not a chip serial number: ${parsed.message}`);
    }
    const rid = required('NUM_APPLICATIF');
    const transmitterText = required('EMETTEUR');
    let idTransmitter: number | undefined;
    if (transmitterText !== undefined) {
      if (HEX.test(transmitterText)) idTransmitter = Number.parseInt(transmitterText, 16);
      else fail('EMETTEUR', 'hex_invalid', `EMETTEUR must be hexadecimal, got ${JSON.stringify(transmitterText)}`);
    }
    const idMapping = integer('MAPPING');
    const idZdc = integer('NUM_CARTE');
    const dayText = required('DATE_CREATION');
    let creationDay: string | undefined;
    if (dayText !== undefined) {
      creationDay = parseDay(dayText);
      if (creationDay === undefined) fail('DATE_CREATION', 'date_invalid', `DATE_CREATION must be a day dd/MM/yyyy, got ${JSON.stringify(dayText)}`);
    }
    if (csn !== undefined && seenCsn.has(csn)) {
      fail('NUM_PROTOCOLAIRE', 'duplicate_csn', `chip ${csn} is already on line ${seenCsn.get(csn)}`);
    }
    if (idZdc !== undefined && seenNumber.has(idZdc)) {
      fail('NUM_CARTE', 'duplicate_card_number', `card number ${idZdc} is already on line ${seenNumber.get(idZdc)}`);
    }
    if (lineErrors.length > 0 || csn === undefined || rid === undefined || idTransmitter === undefined
      || idMapping === undefined || idZdc === undefined || creationDay === undefined) {
      errors.push(...lineErrors);
      return;
    }
    seenCsn.set(csn, line);
    seenNumber.set(idZdc, line);
    cards.push({
      line, csn, rid, idTransmitter, idMapping, idZdc, creationDay,
      pixSs: value('PIX.SS'), pixNn: value('PIX.NN'), appl: value('AAPL'), nfo: value('NFO'), cnous: value('CNOUS'), crous: value('CROUS'),
    });
  });
  return { cards, errors, lineCount };
}
