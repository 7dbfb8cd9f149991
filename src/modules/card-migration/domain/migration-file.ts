/**
 * Reading an export of another card office system into campuscard's terms, line by line, with no
 * database: the file's format, each card's state, dates, chip serial number (CSN), ESCN, ids,
 * consents and photo name, or the line's problems (line numbers count the header as line 1).
 *
 * Two formats:
 * - `esup-sgc`: the `cards.csv` of ESUP-SGC's export (`/admin/import/export.zip`), read from its
 *   public source (github.com/EsupPortail/esup-sgc, files read: web/admin/ImportExportController.java,
 *   services/ie/ImportExportService.java, services/ie/ImportExportCardService.java, domain/Card.java,
 *   services/ac/AccessControlService.java, services/crous/CrousSmartCardEntryService.java).
 *   Facts used: `;` separated, no quoting, header
 *   `encodedDate;lastEncodedDate;csn;crous;access-control-id;eppn;difPhoto;id;etat;generatedIds;qrcode`,
 *   dates `dd/MM/yyyy HH:mm:ss` in the server's local time, `crous` `Autorisée`/`Interdite`/empty,
 *   `difPhoto` `Oui`/`Non`/empty, `etat` one of ESUP-SGC's states (the same names as campuscard's),
 *   `generatedIds` `app=value|app=value` (the access-control id under `access-control`), photos
 *   as `photos/<id>.jpg` and the CROUS pre-encoded card file as `crous_cards.csv` in the ZIP.
 *   That file names no person: its eppns must be known to campuscard (directory or person import first).
 * - `generic`: campuscard's documented CSV (UTF-8, header, `;` or `,`), see {@link GENERIC_COLUMNS}.
 */
import { parse } from 'csv-parse/sync';
import { CARD_STATES, isCardState, isDisableReason, type CardState, type DisableReason } from '../../cards/domain/card-state.ts';
import { parseCsn } from '../../cards/domain/csn.ts';
import { parseScannedEscn, validateEscn } from '../../esc/domain/escn.ts';

export type MigrationFormat = 'esup-sgc' | 'generic';

/** The header ESUP-SGC writes at the top of the `cards.csv` of its export. */
export const ESUP_SGC_HEADER = ['encodedDate', 'lastEncodedDate', 'csn', 'crous', 'access-control-id', 'eppn', 'difPhoto', 'id', 'etat',
  'generatedIds', 'qrcode'] as const;

/** ESUP-SGC's application name of the access-control id among a card's generated ids. */
export const ESUP_ACCESS_CONTROL_APP = 'access-control';

/** Generated-id application names taken as the secondary id (library barcode), first found wins. */
export const ESUP_SECONDARY_ID_APPS: readonly string[] = ['secondary-id', 'library', 'bu'];

/** Columns of the generic format; `card_id`, `eppn` and `state` are required. */
export const GENERIC_COLUMNS = [
  'card_id', 'eppn', 'institution', 'last_name', 'first_name', 'person_type', 'email', 'student_number', 'birth_date',
  'state', 'card_kind', 'requested_at', 'enabled_at', 'delivered_at', 'state_changed_at', 'expires_at', 'disable_reason',
  'csn', 'csn_form', 'escn', 'access_control_id', 'secondary_id',
  'esc_consent', 'esc_consent_at', 'crous_consent', 'crous_consent_at', 'photo_publication_consent', 'photo_publication_consent_at',
  'photo',
] as const;
export type GenericColumn = (typeof GENERIC_COLUMNS)[number];

const GENERIC_REQUIRED: readonly GenericColumn[] = ['card_id', 'eppn', 'state'];

/** The person a line names: only `eppn` when the file carries no identity (ESUP-SGC). */
export interface MigrationPerson {
  eppn: string;
  lastName: string | null;
  firstName: string | null;
  personType: string | null;
  email: string | null;
  studentNumber: string | null;
  birthDate: string | null;
}

export type MigrationConsentKind = 'esc' | 'crous' | 'photo_publication';

/** A consent decision with its original date (null: unknown, the migration's time is used). */
export interface MigrationConsent {
  kind: MigrationConsentKind;
  granted: boolean;
  at: Date | null;
}

/** One card of the export, read and checked on its own. */
export interface MigrationCard {
  line: number;
  sourceId: string;
  /** Institution code the line names (generic `institution`); null: the migration's institution. */
  institution: string | null;
  person: MigrationPerson;
  state: CardState;
  cardKind: 'physical' | 'virtual';
  requestedAt: Date | null;
  enabledAt: Date | null;
  deliveredAt: Date | null;
  /** When the card reached its current state (its history's one move). */
  stateChangedAt: Date | null;
  expiresAt: string | null;
  disableReason: DisableReason | null;
  /** Canonical hex (upper case, chip order). */
  csn: string | null;
  /** Lower-case ESCN, its PIC in `escnPic`. */
  escn: string | null;
  escnPic: string | null;
  accessControlId: string | null;
  secondaryId: string | null;
  consents: MigrationConsent[];
  /** Path of the photo inside the ZIP (`photos/…`), when the line names one. */
  photo: string | null;
}

/** A refused line or cell: line number (1 is the header), column, stable code. */
export interface MigrationLineError {
  line: number;
  field?: string;
  code: string;
  message: string;
}

export interface ParsedMigrationFile {
  format: MigrationFormat;
  delimiter: ';' | ',';
  cards: MigrationCard[];
  errors: MigrationLineError[];
  /** Problems that make the whole file unusable (header, encoding). */
  fileErrors: MigrationLineError[];
}

export interface ParseOptions {
  /** Time zone of dates written without an offset (ESUP-SGC's are all so). Default Europe/Paris. */
  timeZone?: string;
  /** The form ESUP-SGC's CSNs are in (its import's `inverseCsn` option is `hex_reversed`). Default hex. */
  csnForm?: 'hex' | 'hex_reversed';
}

const DEFAULT_TIME_ZONE = 'Europe/Paris';

/** Offset of `timeZone` from UTC at `utcMillis`, in milliseconds. */
function zoneOffset(utcMillis: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(new Date(utcMillis));
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - Math.floor(utcMillis / 1000) * 1000;
}

/**
 * The instant a wall-clock time of `timeZone` names: the earlier one when clocks go back (the
 * hour is repeated), and for a time skipped when clocks go forward, the offset before the change.
 */
export function zonedInstant(fields: [number, number, number, number, number, number], timeZone: string): Date {
  const [y, mo, d, h, mi, s] = fields;
  const guess = Date.UTC(y, mo - 1, d, h, mi, s);
  // The offsets a day before and after cover both sides of any change of offset near this time.
  const offsets = [zoneOffset(guess - 86_400_000, timeZone), zoneOffset(guess + 86_400_000, timeZone)];
  const matching = offsets.map((offset) => guess - offset).filter((candidate) => zoneOffset(candidate, timeZone) === guess - candidate);
  return new Date(matching.length > 0 ? Math.min(...matching) : guess - (offsets[0] as number));
}

function validDay(y: number, mo: number, d: number): boolean {
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && y >= 1970 && y <= 2100;
}

const ESUP_DATE = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2}):(\d{2})$/;
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?)?$/;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** ESUP-SGC's `dd/MM/yyyy HH:mm:ss` (local time) → instant; undefined when malformed. */
export function parseEsupDate(text: string, timeZone: string): Date | undefined {
  const m = ESUP_DATE.exec(text);
  if (!m) return undefined;
  const [d, mo, y, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (!validDay(y, mo, d) || h > 23 || mi > 59 || s > 59) return undefined;
  return zonedInstant([y, mo, d, h, mi, s], timeZone);
}

/** ISO 8601 day or date-time, with or without offset (without: `timeZone`) → instant; undefined when malformed. */
export function parseIsoDate(text: string, timeZone: string): Date | undefined {
  const m = ISO_DATE_TIME.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [h, mi, s] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (!validDay(y, mo, d) || h > 23 || mi > 59 || s > 59) return undefined;
  if (m[7] !== undefined) {
    const parsed = new Date(text.replace(' ', 'T'));
    return Number.isNaN(parsed.getTime()) ? undefined : parsed;
  }
  return zonedInstant([y, mo, d, h, mi, s], timeZone);
}

/** Strips a UTF-8 byte order mark; refuses bytes that are not UTF-8. */
function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** States in which a card has been enabled at least once (its enabling date is known or implied). */
const ONCE_ENABLED: readonly CardState[] = ['ENABLED', 'DISABLED', 'CADUC', 'DESTROYED'];
/** States reached after the card left the printer. */
const PRODUCED: readonly CardState[] = ['PRINTED', 'IN_ENCODE', 'ENCODED', 'ENABLED', 'DISABLED', 'CADUC', 'DESTROYED'];

interface LineCollector {
  line: number;
  errors: MigrationLineError[];
}

function fail(collector: LineCollector, field: string, code: string, message: string): void {
  collector.errors.push({ line: collector.line, field, code, message });
}

function csnOf(collector: LineCollector, field: string, value: string, form: string): string | null {
  if (value === '') return null;
  const parsed = parseCsn(value, form);
  if (!parsed.ok) {
    fail(collector, field, parsed.code, parsed.message);
    return null;
  }
  return parsed.hex;
}

function escnOf(collector: LineCollector, field: string, value: string, scanned: boolean): { escn: string; pic: string } | null {
  if (value === '') return null;
  const checked = scanned ? parseScannedEscn(value) : validateEscn(value.toLowerCase());
  if (!checked.valid) {
    if (!scanned) fail(collector, field, 'escn_invalid', checked.reason);
    return null;
  }
  return { escn: checked.escn, pic: checked.pic };
}

function idOf(collector: LineCollector, field: string, value: string): string | null {
  if (value === '') return null;
  if (value.length > 64 || !/^[\x21-\x7e]+$/.test(value)) {
    fail(collector, field, 'identifier_invalid', 'an identifier is 1 to 64 printable ASCII characters without spaces');
    return null;
  }
  return value;
}

function photoPath(name: string): string {
  return name.startsWith('photos/') ? name : `photos/${name}`;
}

/** Checks the facts every format shares: dates in order, states that need a CSN or a date. */
function checkCoherence(collector: LineCollector, card: MigrationCard): void {
  if (card.disableReason !== null && card.state !== 'DISABLED' && card.state !== 'CADUC') {
    fail(collector, 'disable_reason', 'disable_reason_without_disable', `a ${card.state} card has no disable reason`);
  }
  if (card.requestedAt && card.enabledAt && card.enabledAt < card.requestedAt) {
    fail(collector, 'enabled_at', 'date_order', 'the card is enabled before it was requested');
  }
}

function esupLine(record: string[], collector: LineCollector, options: Required<ParseOptions>): MigrationCard | undefined {
  const cell = (index: number) => (record[index] ?? '').trim();
  const date = (index: number): Date | null => {
    const text = cell(index);
    if (text === '') return null;
    const parsed = parseEsupDate(text, options.timeZone);
    if (!parsed) fail(collector, ESUP_SGC_HEADER[index] ?? String(index), 'date_invalid', `"${text}" is not a dd/MM/yyyy HH:mm:ss date`);
    return parsed ?? null;
  };
  const encodedAt = date(0);
  const lastEncodedAt = date(1);
  const csn = csnOf(collector, 'csn', cell(2), options.csnForm);
  const eppn = cell(5).toLowerCase();
  if (eppn === '') fail(collector, 'eppn', 'required', 'the eppn is empty');
  const sourceId = cell(7);
  if (sourceId === '') fail(collector, 'id', 'required', 'the card id is empty');
  const stateText = cell(8);
  if (!isCardState(stateText)) fail(collector, 'etat', 'unknown_state', `"${stateText}" is not one of ${CARD_STATES.join(', ')}`);
  const generated = new Map<string, string>();
  for (const pair of cell(9).split('|')) {
    const [app, value, ...rest] = pair.split('=');
    if (app && value !== undefined && rest.length === 0 && value !== '') generated.set(app, value);
  }
  const accessControlId = idOf(collector, 'access-control-id', cell(4) || (generated.get(ESUP_ACCESS_CONTROL_APP) ?? ''));
  const secondaryApp = ESUP_SECONDARY_ID_APPS.find((app) => generated.has(app));
  const secondaryId = idOf(collector, 'generatedIds', secondaryApp ? generated.get(secondaryApp) ?? '' : '');
  // ESUP-SGC's qrcode may hold the card's ESC verification URL; anything else is not an ESCN.
  const escn = escnOf(collector, 'qrcode', cell(10), true);
  const consents: MigrationConsent[] = [];
  const crous = cell(3);
  if (crous === 'Autorisée' || crous === 'Interdite') consents.push({ kind: 'crous', granted: crous === 'Autorisée', at: encodedAt });
  else if (crous !== '') fail(collector, 'crous', 'consent_invalid', 'crous is Autorisée, Interdite or empty');
  const difPhoto = cell(6);
  if (difPhoto === 'Oui' || difPhoto === 'Non') consents.push({ kind: 'photo_publication', granted: difPhoto === 'Oui', at: encodedAt });
  else if (difPhoto !== '') fail(collector, 'difPhoto', 'consent_invalid', 'difPhoto is Oui, Non or empty');
  if (collector.errors.length > 0 || !isCardState(stateText)) return undefined;
  const state = stateText;
  // ESUP-SGC exports one date of production (printing/encoding) and the last encoding: its own
  // import sets the request, enabling and delivery dates from the first; so does this one.
  const card: MigrationCard = {
    line: collector.line, sourceId, institution: null,
    person: { eppn, lastName: null, firstName: null, personType: null, email: null, studentNumber: null, birthDate: null },
    state, cardKind: 'physical',
    requestedAt: encodedAt,
    enabledAt: ONCE_ENABLED.includes(state) ? encodedAt : null,
    deliveredAt: PRODUCED.includes(state) ? encodedAt : null,
    stateChangedAt: lastEncodedAt ?? encodedAt,
    expiresAt: null, disableReason: null,
    csn, escn: escn?.escn ?? null, escnPic: escn?.pic ?? null, accessControlId, secondaryId, consents,
    photo: `photos/${sourceId}.jpg`,
  };
  checkCoherence(collector, card);
  return collector.errors.length > 0 ? undefined : card;
}

const YES = new Set(['yes', 'oui', 'true', '1', 'y', 'o']);
const NO = new Set(['no', 'non', 'false', '0', 'n']);

function genericLine(row: Partial<Record<GenericColumn, string>>, collector: LineCollector, options: Required<ParseOptions>): MigrationCard | undefined {
  const cell = (column: GenericColumn) => (row[column] ?? '').trim();
  const optional = (column: GenericColumn) => cell(column) || null;
  const instant = (column: GenericColumn): Date | null => {
    const text = cell(column);
    if (text === '') return null;
    const parsed = parseIsoDate(text, options.timeZone);
    if (!parsed) fail(collector, column, 'date_invalid', `"${text}" is not an ISO 8601 date (YYYY-MM-DD or YYYY-MM-DDTHH:mm:ss, offset optional)`);
    return parsed ?? null;
  };
  const day = (column: GenericColumn): string | null => {
    const text = cell(column);
    if (text === '') return null;
    const m = ISO_DAY.exec(text);
    if (!m || !validDay(Number(m[1]), Number(m[2]), Number(m[3]))) {
      fail(collector, column, 'date_invalid', `"${text}" is not a day (YYYY-MM-DD)`);
      return null;
    }
    return text;
  };
  const sourceId = cell('card_id');
  if (sourceId === '' || sourceId.length > 100) fail(collector, 'card_id', sourceId === '' ? 'required' : 'too_long', 'card_id is 1 to 100 characters');
  const eppn = cell('eppn').toLowerCase();
  if (eppn === '') fail(collector, 'eppn', 'required', 'the eppn is empty');
  const stateText = cell('state').toUpperCase();
  if (!isCardState(stateText)) fail(collector, 'state', 'unknown_state', `"${cell('state')}" is not one of ${CARD_STATES.join(', ')}`);
  const kind = cell('card_kind') || 'physical';
  if (kind !== 'physical' && kind !== 'virtual') fail(collector, 'card_kind', 'card_kind_invalid', 'card_kind is physical or virtual');
  const reasonText = cell('disable_reason').toUpperCase();
  if (reasonText !== '' && !isDisableReason(reasonText)) fail(collector, 'disable_reason', 'reason_invalid', `"${reasonText}" is not a disable reason`);
  const birthDate = day('birth_date');
  const consents: MigrationConsent[] = [];
  for (const kindName of ['esc', 'crous', 'photo_publication'] as const) {
    const column = `${kindName}_consent` as GenericColumn;
    const answer = cell(column).toLowerCase();
    const at = instant(`${kindName}_consent_at` as GenericColumn);
    if (answer === '') continue;
    if (!YES.has(answer) && !NO.has(answer)) fail(collector, column, 'consent_invalid', `${column} is yes or no`);
    else consents.push({ kind: kindName, granted: YES.has(answer), at });
  }
  const csnForm = cell('csn_form') || 'hex';
  const card: MigrationCard = {
    line: collector.line, sourceId, institution: optional('institution'),
    person: {
      eppn, lastName: optional('last_name'), firstName: optional('first_name'), personType: optional('person_type'),
      email: optional('email'), studentNumber: optional('student_number'), birthDate,
    },
    state: isCardState(stateText) ? stateText : 'NEW',
    cardKind: kind === 'virtual' ? 'virtual' : 'physical',
    requestedAt: instant('requested_at'), enabledAt: instant('enabled_at'), deliveredAt: instant('delivered_at'),
    stateChangedAt: instant('state_changed_at'), expiresAt: day('expires_at'),
    disableReason: isDisableReason(reasonText) ? reasonText : null,
    csn: csnOf(collector, 'csn', cell('csn'), csnForm),
    escn: null, escnPic: null,
    accessControlId: idOf(collector, 'access_control_id', cell('access_control_id')),
    secondaryId: idOf(collector, 'secondary_id', cell('secondary_id')),
    consents,
    photo: cell('photo') ? photoPath(cell('photo')) : null,
  };
  const escn = escnOf(collector, 'escn', cell('escn'), false);
  card.escn = escn?.escn ?? null;
  card.escnPic = escn?.pic ?? null;
  checkCoherence(collector, card);
  return collector.errors.length > 0 ? undefined : card;
}

/** Detects the delimiter from the header line: the one it holds most of. */
function delimiterOf(headerLine: string): ';' | ',' {
  const count = (char: string) => headerLine.split(char).length - 1;
  return count(',') > count(';') ? ',' : ';';
}

/**
 * Reads a migration CSV (the ESUP-SGC `cards.csv` or the generic file; the format is recognised
 * by its header). Never throws for bad content: file errors (encoding, header) and line errors
 * say what is wrong, with line numbers.
 */
export function parseMigrationCsv(bytes: Uint8Array, options: ParseOptions = {}): ParsedMigrationFile {
  const settings: Required<ParseOptions> = { timeZone: options.timeZone ?? DEFAULT_TIME_ZONE, csnForm: options.csnForm ?? 'hex' };
  const result: ParsedMigrationFile = { format: 'generic', delimiter: ';', cards: [], errors: [], fileErrors: [] };
  const text = decodeUtf8(bytes);
  if (text === undefined) {
    result.fileErrors.push({ line: 1, code: 'unsupported_encoding', message: 'The file is not UTF-8 text' });
    return result;
  }
  const body = text.replace(/^\uFEFF/, '');
  const headerLine = body.split(/\r?\n/, 1)[0] ?? '';
  result.delimiter = delimiterOf(headerLine);
  const header = headerLine.split(result.delimiter).map((name) => name.trim().replace(/^"|"$/g, ''));
  const isEsup = ESUP_SGC_HEADER.every((name, index) => header[index] === name);
  result.format = isEsup ? 'esup-sgc' : 'generic';
  if (!isEsup) {
    const unknown = header.filter((name) => !(GENERIC_COLUMNS as readonly string[]).includes(name));
    const missing = GENERIC_REQUIRED.filter((name) => !header.includes(name));
    if (unknown.length > 0 || missing.length > 0) {
      const parts = [
        ...(missing.length > 0 ? [`missing column(s) ${missing.join(', ')}`] : []),
        ...(unknown.length > 0 ? [`unknown column(s) ${unknown.join(', ')}`] : []),
      ];
      result.fileErrors.push({ line: 1, code: 'header_invalid', message: `The header is neither ESUP-SGC's nor the generic format's: ${parts.join('; ')}` });
      return result;
    }
  }
  let records: Array<{ record: string[]; line: number }>;
  try {
    // ESUP-SGC writes no quotes (a quote is data there); the generic format is RFC 4180.
    const rows = parse(body, {
      delimiter: result.delimiter, relax_column_count: true, skip_empty_lines: true, quote: isEsup ? false : '"', info: true, from_line: 2,
    }) as Array<{ record: string[]; info: { lines: number } }>;
    records = rows.map((row) => ({ record: row.record, line: row.info.lines }));
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    result.fileErrors.push({ line, code: 'csv_invalid', message: `The CSV cannot be read: ${(error as Error).message}` });
    return result;
  }
  for (const { record, line } of records) {
    const collector: LineCollector = { line, errors: [] };
    const card = isEsup
      ? esupLine(record, collector, settings)
      : genericLine(Object.fromEntries(header.map((name, index) => [name, record[index] ?? ''])) as Partial<Record<GenericColumn, string>>, collector, settings);
    if (card) result.cards.push(card);
    result.errors.push(...collector.errors);
  }
  return result;
}
