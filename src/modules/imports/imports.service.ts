/**
 * Person import and export: a CSV file of persons is checked line by line (outside any
 * transaction: parsing is CPU work and PGlite has one connection), then written in ONE audited
 * transaction through the people service's set-based upsert, a chunk at a time, with progress.
 *
 * Outcome rules:
 * - a file error (encoding, missing or unknown column, unbalanced quote…) refuses the file;
 * - by default a single bad line refuses the whole file (nothing is written);
 * - `partial` writes the good lines and reports the bad ones;
 * - `dryRun` does everything, writes included, inside a transaction that is rolled back, so its
 *   created/updated/unchanged counts are exactly those the real run would give.
 * Either way the report lists every line error with its line number, field and stable code.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../../platform/db/schema.ts';
import { inTransaction, type ActorContext, type Executor } from '../../platform/db/database.ts';
import { ProblemError } from '../../platform/http/problem.ts';
import { QUEUES, type JobQueue, type QueueJobRef } from '../../platform/jobs/job-queue.ts';
import type { JobRunsService, JobRunView, ProgressReporter } from '../jobs/jobs.service.ts';
import type { PersonInput } from '../people/domain/person.ts';
import type { PersonReader, PersonWriter } from '../people/people.policy.ts';
import { UPSERT_CHUNK_SIZE, type PeopleService, type PersonView, type UpsertField } from '../people/people.service.ts';
import {
  PERSON_CSV_COLUMNS,
  parsePersonCsvStream,
  personToCsvRecord,
  type CsvDelimiter,
  type CsvEncoding,
  type CsvEncodingOption,
  type PersonCsvColumn,
  type PersonCsvFileError,
  type PersonCsvRow,
} from './domain/csv-person-parser.ts';
import { toCsv } from './domain/csv-safety.ts';
import * as repo from './imports.repository.ts';

/** Largest file accepted, in bytes (HTTP answers 413 above it). */
export const IMPORT_MAX_BYTES = 50 * 1024 * 1024;

/** `kind` of the job runs of person imports. */
export const PERSON_IMPORT_JOB_KIND = 'person-import';

/** Line errors kept in a report; the counts stay exact beyond it. */
export const MAX_REPORTED_ERRORS = 1000;

// Small enough that a chunk parses in a few milliseconds. A request served by the same thread
// waits for one chunk at each of its awaits (a card read makes several round trips to the
// database), so the wait multiplies: with 64 KB chunks a card read's p99 during a 20,000-person
// import on PostgreSQL was 250-680 ms, all of it while the file was checked, against 64-80 ms
// with 8 KB (bench/embedded-limits.bench.ts). 4 KB was no better and checked 60% slower.
const PARSE_CHUNK_BYTES = 8 * 1024;
// Share of the progress bar given to checking the file; writing takes the rest. Measured with
// bench/import.bench.ts: parsing is about 15 µs a line, writing 10 to 50 times that.
const CHECK_SHARE = 0.1;
const EXPORT_PAGE_SIZE = 200;

/** How to read and apply a file. Every field is optional; defaults are all-or-nothing, auto-detection. */
export interface ImportOptions {
  /** Check and count, write nothing. */
  dryRun?: boolean;
  /** Write the good lines even when others are refused. */
  partial?: boolean;
  encoding?: CsvEncodingOption;
  delimiter?: CsvDelimiter | 'auto';
  /** Header as written → canonical column (`null` ignores the column). */
  columnMapping?: Record<string, PersonCsvColumn | null>;
  /** Skip columns that are neither canonical nor mapped instead of refusing the file. */
  ignoreUnknownColumns?: boolean;
}

/**
 * Who imports and where: the audit actor, what they may write (institutions, person types,
 * focus) and the institution the file is for (a code; absent: the writer's focused or only one).
 */
export interface ImportContext {
  actor: ActorContext;
  writer: PersonWriter;
  institution?: string | undefined;
}

/** A refused line. `field` is the canonical column at fault (`birth_date`), when one is. */
export interface ImportLineError {
  line: number;
  field?: string;
  code: string;
  message: string;
}

/** What an import did (or, for a dry run, would do). */
export interface ImportReport {
  dryRun: boolean;
  partial: boolean;
  /** Data lines read (valid + invalid); blank lines and the header are not counted. */
  totalLines: number;
  valid: number;
  invalid: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Line errors in line order, at most {@link MAX_REPORTED_ERRORS}. */
  errors: ImportLineError[];
  /** True when `errors` was cut at {@link MAX_REPORTED_ERRORS}. */
  errorsTruncated: boolean;
  /** Problems that make the whole file unusable. */
  fileErrors: PersonCsvFileError[];
  encoding: CsvEncoding;
  delimiter: CsvDelimiter;
  /** The file was refused as a whole (for a dry run: would be). */
  rejected: boolean;
  /** Changes were written and committed. */
  committed: boolean;
}

/**
 * Receives progress (the job run reporter, or the CLI's progress bar). `usesDatabase`: the
 * reporter writes through the database pool, so on a single-connection database (PGlite) it is
 * not called while the import transaction holds that connection.
 */
export interface ImportProgress {
  start(total: number | null, message?: string): Promise<void>;
  advance(current: number, message?: string): Promise<void>;
  usesDatabase?: boolean;
}

export interface ImportsServiceDeps {
  db: Kysely<Database>;
  people: Pick<PeopleService, 'upsertMany' | 'notWritableEppns' | 'list' | 'institutionFor' | 'personTypeCodes'>;
  jobRuns: Pick<JobRunsService, 'create' | 'get' | 'reporter'>;
  jobs: Pick<JobQueue, 'send'>;
  /** True on embedded PGlite: one connection, so no progress writes inside the transaction. */
  singleConnection: boolean;
  logger?: Logger;
  now?: () => Date;
}

/** Data of a `person-import` job. */
export interface PersonImportJobData {
  runId: string;
}

/** Thrown inside the import transaction to roll it back while keeping the outcome. */
class Rollback extends Error {
  constructor(readonly counts: Counts) {
    super('rollback');
  }
}

interface Counts {
  created: number;
  updated: number;
  unchanged: number;
}

/** Where an import writes: the institution (resolved once, when the import is asked for) and the writer. */
interface ImportTarget {
  actor: ActorContext;
  writer: PersonWriter;
  institutionId: number;
}

interface Checked {
  rows: PersonCsvRow[];
  errors: ImportLineError[];
  fileErrors: PersonCsvFileError[];
  encoding: CsvEncoding;
  delimiter: CsvDelimiter;
  /** The person fields the file's header holds: the only ones the import writes. */
  fields: Set<UpsertField>;
}

/** The optional person field each column gives (null: always written, or not a person field of its own). */
const PERSON_CSV_FIELDS: Readonly<Record<PersonCsvColumn, UpsertField | null>> = {
  eppn: null, last_name: null, first_name: null, person_type: null,
  email: 'email', birth_date: 'birthDate', student_number: 'studentNumber', ine: 'ine', academic_level: 'academicLevel',
  rights_end: 'rightsEnd', esi: 'esi', affiliation: 'affiliation', locale: 'locale',
  free1: 'freeFields.free1', free2: 'freeFields.free2', free3: 'freeFields.free3', free4: 'freeFields.free4',
  free5: 'freeFields.free5', free6: 'freeFields.free6', free7: 'freeFields.free7',
};

/**
 * The person fields a file's columns provide. A column the file lacks leaves that field as it
 * is (the office or a person source may have recorded it); an empty cell of a column the file
 * has clears it.
 */
function importedFields(columns: readonly PersonCsvColumn[]): Set<UpsertField> {
  const fields = new Set<UpsertField>();
  for (const column of columns) {
    const field = PERSON_CSV_FIELDS[column];
    if (field !== null) fields.add(field);
  }
  return fields;
}

/**
 * Number of physical lines after the header, from the line breaks (LF, CRLF or CR): the
 * denominator of the progress bar, known before parsing. Blank lines and line breaks inside
 * quoted fields make it a slight overestimate of the records, never an underestimate.
 */
export function countDataLines(bytes: Uint8Array): number {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let breaks = 0;
  for (let i = buffer.indexOf(0x0a); i !== -1; i = buffer.indexOf(0x0a, i + 1)) breaks += 1;
  if (breaks === 0) for (let i = buffer.indexOf(0x0d); i !== -1; i = buffer.indexOf(0x0d, i + 1)) breaks += 1;
  const last = buffer[buffer.length - 1];
  const lines = breaks + (buffer.length > 0 && last !== 0x0a && last !== 0x0d ? 1 : 0);
  return Math.max(0, lines - 1);
}

const BINARY_SIGNATURES: readonly number[][] = [
  [0x50, 0x4b, 0x03, 0x04], // zip: .xlsx, .ods
  [0xd0, 0xcf, 0x11, 0xe0], // OLE: .xls
  [0x25, 0x50, 0x44, 0x46], // %PDF
  [0x89, 0x50, 0x4e, 0x47], // PNG
  [0xff, 0xd8, 0xff], // JPEG
];

/**
 * Cheap checks before a file is stored or parsed: the reason it is clearly not a CSV text file,
 * or undefined. `empty_file`: no bytes (or only whitespace); `unsupported_encoding`: UTF-16
 * (byte order mark or NUL bytes in alternation); `not_csv`: a spreadsheet, PDF or image, or NUL
 * bytes, which no CSV text holds.
 */
export function sniffUpload(bytes: Uint8Array): { code: 'empty_file' | 'unsupported_encoding' | 'not_csv'; message: string } | undefined {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 8192));
  if (bytes.byteLength === 0 || (bytes.byteLength <= head.length && head.toString('latin1').trim() === '')) {
    return { code: 'empty_file', message: 'The file is empty' };
  }
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    return { code: 'unsupported_encoding', message: 'The file is UTF-16; save it as CSV UTF-8 or as CSV (Latin-1)' };
  }
  if (BINARY_SIGNATURES.some((signature) => signature.every((byte, i) => head[i] === byte))) {
    return { code: 'not_csv', message: 'This is a spreadsheet, PDF or image file, not CSV; export the sheet as CSV first' };
  }
  if (head.includes(0)) {
    return { code: 'not_csv', message: 'The file holds binary data (NUL bytes); a CSV file is text' };
  }
  return undefined;
}

function inputOfView(person: PersonView): PersonInput {
  const input: PersonInput = { eppn: person.eppn, lastName: person.lastName, firstName: person.firstName, personType: person.personType };
  if (person.birthDate !== null) input.birthDate = person.birthDate;
  if (person.email !== null) input.email = person.email;
  if (person.studentNumber !== null) input.studentNumber = person.studentNumber;
  if (person.ine !== null) input.ine = person.ine;
  if (person.esi !== null) input.esi = person.esi;
  if (person.academicLevel !== null) input.academicLevel = person.academicLevel;
  if (person.rightsEnd !== null) input.rightsEnd = person.rightsEnd;
  if (person.affiliation !== null) input.affiliation = person.affiliation;
  if (Object.keys(person.freeFields).length > 0) input.freeFields = person.freeFields;
  if (person.locale !== null) input.locale = person.locale;
  return input;
}

function isNotFound(error: unknown): boolean {
  return error instanceof ProblemError && error.status === 404;
}

function readBoolean(value: unknown): boolean {
  return value === true;
}

/** Import options as stored in a job run's params (written by {@link createImportsService}'s submit). */
function optionsFromParams(params: Record<string, unknown>): ImportOptions {
  const options: ImportOptions = { dryRun: readBoolean(params.dryRun), partial: readBoolean(params.partial), ignoreUnknownColumns: readBoolean(params.ignoreUnknownColumns) };
  if (params.encoding === 'utf-8' || params.encoding === 'iso-8859-1' || params.encoding === 'auto') options.encoding = params.encoding;
  if (params.delimiter === ';' || params.delimiter === ',' || params.delimiter === 'auto') options.delimiter = params.delimiter;
  if (params.columnMapping !== null && typeof params.columnMapping === 'object' && !Array.isArray(params.columnMapping)) {
    options.columnMapping = params.columnMapping as Record<string, PersonCsvColumn | null>;
  }
  return options;
}

/**
 * The writer recorded at submission: person types in `scope`, institutions in `institutionIds`
 * (jobs queued before institutions existed have no such field: the whole deployment).
 */
function writerFromParams(params: Record<string, unknown>): PersonWriter {
  const { scope, institutionIds } = params;
  return {
    personTypes: Array.isArray(scope) && scope.every((type) => typeof type === 'string') ? scope : null,
    institutionIds: Array.isArray(institutionIds) && institutionIds.every((id) => Number.isInteger(id)) ? institutionIds as number[] : null,
    focusInstitutionId: null,
  };
}

/** The institution recorded at submission, when there is one. */
function institutionFromParams(params: Record<string, unknown>): number | undefined {
  return Number.isInteger(params.institutionId) ? params.institutionId as number : undefined;
}

/** The one-line summary of a refused import, for job errors and problem details. */
export function rejectionMessage(report: ImportReport): string {
  if (report.fileErrors.length > 0) return `The file cannot be imported: ${report.fileErrors.map((error) => error.message).join('; ')}`;
  const lines = report.invalid === 1 ? '1 line is' : `${report.invalid} lines are`;
  return `${lines} invalid; nothing was written (fix the file, or import with partial to keep the good lines)`;
}

/**
 * Person import use cases: {@link importPersons} in process (CLI, synchronous API), `submit` +
 * `runJob` for the background job, and `exportCsv` for the CSV export.
 */
export function createImportsService(deps: ImportsServiceDeps) {
  const { db, people, jobRuns, jobs } = deps;
  const now = deps.now ?? (() => new Date());

  /** Parses the file chunk by chunk, letting the event loop breathe between chunks. */
  async function check(bytes: Uint8Array, options: ImportOptions, personTypes: readonly string[],
    progress: (checkedBytes: number) => Promise<void>): Promise<Checked> {
    async function* chunks(): AsyncGenerator<Uint8Array> {
      for (let offset = 0; offset < bytes.byteLength; offset += PARSE_CHUNK_BYTES) {
        const end = Math.min(offset + PARSE_CHUNK_BYTES, bytes.byteLength);
        yield bytes.subarray(offset, end);
        await progress(end);
        await nextTurn();
      }
    }
    const checked: Checked = { rows: [], errors: [], fileErrors: [], encoding: 'utf-8', delimiter: ';', fields: new Set() };
    const events = parsePersonCsvStream(chunks(), {
      ...(options.encoding ? { encoding: options.encoding } : {}),
      ...(options.delimiter ? { delimiter: options.delimiter } : {}),
      ...(options.columnMapping ? { columnMapping: options.columnMapping } : {}),
      ...(options.ignoreUnknownColumns ? { ignoreUnknownColumns: true } : {}),
      today: now().toISOString().slice(0, 10),
      personTypes,
    });
    for await (const event of events) {
      if (event.type === 'row') {
        checked.rows.push(event.row);
      } else if (event.type === 'error') {
        // The report names lines, not eppns (what a person source's errors need).
        const { eppn: _eppn, ...error } = event.error;
        checked.errors.push(error);
      } else if (event.type === 'file_error') {
        checked.fileErrors.push(event.error);
      } else {
        checked.encoding = event.encoding;
        checked.delimiter = event.delimiter;
        checked.fields = importedFields(event.columns);
      }
    }
    if (checked.fileErrors.length > 0) checked.rows = [];
    return checked;
  }

  /**
   * Refuses rows the caller may not manage: a type outside their limits, or a person enrolled at
   * the institution with such a type (whom the row would overwrite). Both get the same error, so
   * that a limited manager does not learn who holds an eppn they may not see. A person enrolled
   * elsewhere only is enrolled here by the row. Reads inside the writing transaction, so the
   * check and the write see the same enrolments.
   */
  async function outsideScope(executor: Executor, rows: readonly PersonCsvRow[], target: ImportTarget): Promise<ImportLineError[]> {
    const refused = await people.notWritableEppns(executor, rows.map((row) => row.value), target.writer, target.institutionId);
    return rows.filter((row) => refused.has(row.value.eppn)).map((row) => ({
      line: row.line, field: 'person_type', code: 'person_type_not_allowed', message: 'you may not manage this person: its type is outside your limits',
    }));
  }

  async function run(bytes: Uint8Array, options: ImportOptions, target: ImportTarget, reporter: ImportProgress | undefined): Promise<{ report: ImportReport; total: number }> {
    const dryRun = options.dryRun === true;
    const partial = options.partial === true;
    const total = Math.max(1, countDataLines(bytes));
    const checkedUnits = Math.floor(total * CHECK_SHARE);
    await reporter?.start(total, 'checking the file');
    const personTypes = await people.personTypeCodes(target.institutionId);
    const checked = await check(bytes, options, personTypes, async (done) => {
      await reporter?.advance(Math.floor((checkedUnits * done) / Math.max(1, bytes.byteLength)), 'checking the file');
    });

    const errors = [...checked.errors];
    let rows = checked.rows;
    let counts: Counts = { created: 0, updated: 0, unchanged: 0 };
    let committed = false;
    const refused = () => checked.fileErrors.length > 0 || (errors.length > 0 && !partial);

    if (!refused()) {
      // On PGlite a reporter writing through the pool would wait for this very transaction.
      const live = reporter && !(reporter.usesDatabase && deps.singleConnection) ? reporter : undefined;
      try {
        counts = await inTransaction(db, target.actor, async (trx) => {
          const scopeErrors = await outsideScope(trx, rows, target);
          if (scopeErrors.length > 0) {
            errors.push(...scopeErrors);
            const refusedLines = new Set(scopeErrors.map((error) => error.line));
            rows = rows.filter((row) => !refusedLines.has(row.line));
            if (!partial) throw new Rollback({ created: 0, updated: 0, unchanged: 0 });
          }
          const sum: Counts = { created: 0, updated: 0, unchanged: 0 };
          for (let start = 0; start < rows.length; start += UPSERT_CHUNK_SIZE) {
            const chunk = rows.slice(start, start + UPSERT_CHUNK_SIZE).map((row) => row.value);
            const result = await people.upsertMany(trx, chunk, target.actor, { channel: 'import', institutionId: target.institutionId, fields: checked.fields });
            sum.created += result.created;
            sum.updated += result.updated;
            sum.unchanged += result.unchanged;
            const written = start + chunk.length;
            await live?.advance(checkedUnits + Math.floor(((total - checkedUnits) * written) / rows.length), `writing ${written} of ${rows.length} persons`);
          }
          if (dryRun) throw new Rollback(sum);
          return sum;
        });
        committed = true;
      } catch (error) {
        if (!(error instanceof Rollback)) throw error;
        counts = error.counts;
      }
    }

    errors.sort((a, b) => a.line - b.line);
    const invalid = new Set(errors.map((error) => error.line)).size;
    const report: ImportReport = {
      dryRun,
      partial,
      totalLines: checked.rows.length + new Set(checked.errors.map((error) => error.line)).size,
      valid: rows.length,
      invalid,
      ...counts,
      errors: errors.slice(0, MAX_REPORTED_ERRORS),
      errorsTruncated: errors.length > MAX_REPORTED_ERRORS,
      fileErrors: checked.fileErrors,
      encoding: checked.encoding,
      delimiter: checked.delimiter,
      rejected: refused(),
      committed,
    };
    return { report, total };
  }

  return {
    /**
     * Imports a person CSV held in memory, in this process. Checks every line first, then (unless
     * refused) writes all valid rows in one transaction, {@link UPSERT_CHUNK_SIZE} rows per
     * upsert, advancing `reporter` per chunk. Re-importing the same file changes nothing
     * (every row `unchanged`). Never throws for bad input: the report says what was refused.
     */
    async importPersons(bytes: Uint8Array, options: ImportOptions, context: ImportContext, reporter?: ImportProgress): Promise<ImportReport> {
      const target = await people.institutionFor(context.writer, context.institution);
      return (await run(bytes, options, { actor: context.actor, writer: context.writer, institutionId: target.id }, reporter)).report;
    },

    /**
     * Stores an upload and queues its import job, atomically: the job run, the file and the
     * queued job exist together or not at all. The institution is resolved now (404
     * `institution_not_found`, 422 `institution_required`) and recorded with the writer's limits.
     * Returns the queued run (poll `GET /jobs/:id`).
     */
    async submit(bytes: Uint8Array, fileName: string | null, options: ImportOptions, context: ImportContext): Promise<JobRunView> {
      const target = await people.institutionFor(context.writer, context.institution);
      return inTransaction(db, context.actor, async (trx) => {
        const run = await jobRuns.create(trx, PERSON_IMPORT_JOB_KIND, {
          fileName,
          byteSize: bytes.byteLength,
          dryRun: options.dryRun === true,
          partial: options.partial === true,
          encoding: options.encoding ?? 'auto',
          delimiter: options.delimiter ?? 'auto',
          columnMapping: options.columnMapping ?? null,
          ignoreUnknownColumns: options.ignoreUnknownColumns === true,
          institution: target.code,
          institutionId: target.id,
          institutionIds: context.writer.institutionIds,
          scope: context.writer.personTypes,
        }, context.actor.actor, target.id);
        await repo.insertUpload(trx, { jobRunId: run.id, fileName, content: bytes, createdBy: context.actor.actor });
        await jobs.send(QUEUES.personImport, { runId: run.id } satisfies PersonImportJobData, { trx });
        return run;
      });
    },

    /**
     * Runs a queued import job: reads the stored upload, imports it with the options and scope
     * recorded at submission, records the report, and deletes the upload whatever happens.
     * Result: `succeeded` with the report in `result` (plus `total`, the progress denominator),
     * or `failed` with `error.report` when the file is refused (dry run included) and with only
     * a code when something unexpected broke (nothing is then written). Safe to run twice.
     *
     * When the process dies mid-run, the sweeper has `job` retried: the upload is still there
     * (deleted only once a run ends here), nothing of the dead attempt was committed (the writes
     * are one transaction, partial mode included), and the rows are upserted by eppn, so the
     * retry ends with exactly the file's rows.
     */
    async runJob(runId: string, job?: QueueJobRef): Promise<void> {
      let jobRun: JobRunView;
      try {
        jobRun = await jobRuns.get(runId);
      } catch (error) {
        if (isNotFound(error)) return;
        throw error;
      }
      const reporter: ImportProgress & ProgressReporter = { ...jobRuns.reporter(runId, job), usesDatabase: true };
      try {
        if (jobRun.status === 'succeeded' || jobRun.status === 'failed') return;
        const upload = await repo.findUploadByRun(db, runId);
        if (!upload) {
          await reporter.fail({ code: 'upload_missing', message: 'The uploaded file is gone; upload it again' });
          return;
        }
        const writer = writerFromParams(jobRun.params);
        const institutionId = institutionFromParams(jobRun.params) ?? (await people.institutionFor(writer)).id;
        const { report, total } = await run(upload.content, optionsFromParams(jobRun.params),
          { actor: { actor: jobRun.createdBy }, writer, institutionId }, reporter);
        if (report.rejected) {
          await reporter.fail({ code: report.fileErrors.length > 0 ? 'invalid_import_file' : 'import_rejected', message: rejectionMessage(report), report });
        } else {
          await reporter.succeed({ ...report, total });
        }
      } catch (error) {
        deps.logger?.error({ runId, err: { type: (error as Error).name, stack: (error as Error).stack } }, 'person import failed');
        await reporter.fail({ code: 'import_failed', message: 'The import stopped on an unexpected error; nothing was written' });
      } finally {
        reporter.release();
        await inTransaction(db, { actor: 'system' }, (trx) => repo.deleteUploadByRun(trx, runId));
      }
    },

    /**
     * Deletes the upload of a run that will not run again (its worker was lost with no attempt
     * left): the file holds personal data and nobody will read it.
     */
    async discardUpload(runId: string): Promise<void> {
      await inTransaction(db, { actor: 'system' }, (trx) => repo.deleteUploadByRun(trx, runId));
    },

    /**
     * The enrolments the reader may see, one line each (a person enrolled at two institutions in
     * the reader's scope is two lines), as CSV text pieces (header first), in the columns the
     * import reads, so an export of one institution can be edited and imported back into it.
     * `;`-separated, CRLF, UTF-8 with a byte order mark (Excel), every cell escaped against
     * formula injection by `toCsv`. With `institution` (a code), that institution's enrolments
     * only. Pages through the people service (keyset), so memory stays flat whatever the number
     * of persons.
     */
    async *exportCsv(reader: PersonReader, institution?: string): AsyncGenerator<string> {
      if (institution !== undefined) {
        // One institution only: the reader's scope narrowed to it (404 when outside the scope).
        const target = await people.institutionFor({ ...reader.scope, focusInstitutionId: reader.focusInstitutionId }, institution);
        reader = { scope: { institutionIds: [target.id], personTypes: reader.scope.personTypes }, focusInstitutionId: target.id, personId: null };
      }
      let cursor: string | null = null;
      let first = true;
      do {
        const page = await people.list({ reader, sort: 'last_name', order: 'asc', limit: EXPORT_PAGE_SIZE, ...(cursor ? { cursor } : {}) });
        yield toCsv(page.items.map((person) => personToCsvRecord(inputOfView(person))), PERSON_CSV_COLUMNS, { header: first, bom: first });
        first = false;
        cursor = page.nextCursor;
      } while (cursor !== null);
    },
  };
}

export type ImportsService = ReturnType<typeof createImportsService>;
