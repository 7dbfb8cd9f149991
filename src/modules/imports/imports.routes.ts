import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppDeps, AppInstance } from '../../app/app-types.ts';
import { principalOf } from '../../platform/http/access.ts';
import { badRequest, ProblemError, type ProblemItem } from '../../platform/http/problem.ts';
import { actorOf, errorResponses } from '../../platform/http/schemas.ts';
import { OFFICE_READ_ROLES, OFFICE_WRITE_ROLES } from '../auth/domain/roles.ts';
import { JobRunSchema } from '../jobs/jobs.routes.ts';
import { readerOf, writerOf } from '../people/people.policy.ts';
import { PERSON_CSV_COLUMNS, type PersonCsvColumn } from './domain/csv-person-parser.ts';
import { IMPORT_MAX_BYTES, rejectionMessage, sniffUpload, type ImportOptions, type ImportReport } from './imports.service.ts';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((value) => Type.Literal(value)));

const ENCODINGS = ['auto', 'utf-8', 'iso-8859-1'] as const;
const DELIMITERS = ['auto', ';', ','] as const;
const BOOLEAN_FIELDS = ['wait', 'dryRun', 'partial', 'ignoreUnknownColumns'] as const;
/** Raw bodies accepted besides multipart; spreadsheets and browsers label CSV in all these ways. */
const CSV_MEDIA_TYPES = ['text/csv', 'application/csv', 'text/plain'];

const ImportQuery = Type.Object({
  institution: Type.Optional(Type.String({ maxLength: 100, description: 'Code of the institution the persons are enrolled at (else the focused or only one)' })),
  wait: Type.Optional(Type.Boolean({ description: 'Import during the request and answer with the report (200, or 422 when refused) instead of 202 + job' })),
  dryRun: Type.Optional(Type.Boolean({ description: 'Check and count, write nothing' })),
  partial: Type.Optional(Type.Boolean({ description: 'Write the good lines even when others are refused' })),
  encoding: Type.Optional(literals(ENCODINGS)),
  delimiter: Type.Optional(literals(DELIMITERS)),
  columnMapping: Type.Optional(Type.String({ maxLength: 10_000, description: 'JSON object: header as written → canonical column, or null to ignore it' })),
  ignoreUnknownColumns: Type.Optional(Type.Boolean()),
}, { additionalProperties: false });

type ImportQueryValues = {
  institution?: string | undefined;
  wait?: boolean | undefined;
  dryRun?: boolean | undefined;
  partial?: boolean | undefined;
  encoding?: (typeof ENCODINGS)[number] | undefined;
  delimiter?: (typeof DELIMITERS)[number] | undefined;
  columnMapping?: string | undefined;
  ignoreUnknownColumns?: boolean | undefined;
};

const LineErrorSchema = Type.Object({
  line: Type.Integer(),
  field: Type.Optional(Type.String()),
  code: Type.String(),
  message: Type.String(),
});

const FileErrorSchema = Type.Object({
  code: Type.String(),
  message: Type.String(),
  line: Type.Optional(Type.Integer()),
  column: Type.Optional(Type.String()),
});

export const ImportReportSchema = Type.Object({
  dryRun: Type.Boolean(),
  partial: Type.Boolean(),
  totalLines: Type.Integer(),
  valid: Type.Integer(),
  invalid: Type.Integer(),
  created: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  errors: Type.Array(LineErrorSchema),
  errorsTruncated: Type.Boolean(),
  fileErrors: Type.Array(FileErrorSchema),
  encoding: Type.String(),
  delimiter: Type.String(),
  rejected: Type.Boolean(),
  committed: Type.Boolean(),
});

interface Upload {
  bytes: Buffer;
  fileName: string | null;
  fields: Record<string, string>;
}

function unknownField(name: string): ProblemError {
  return badRequest('validation_failed', `unknown field ${JSON.stringify(name)}`, { field: `/${name}`, errors: [{ code: 'unknown_field', field: `/${name}`, message: 'unknown field' }] });
}

/** The file and form fields of a multipart body, or the raw CSV body. */
async function readUpload(request: FastifyRequest): Promise<Upload> {
  if (request.isMultipart()) {
    let upload: Upload | undefined;
    const fields: Record<string, string> = {};
    for await (const part of request.parts({ limits: { fileSize: IMPORT_MAX_BYTES, files: 1, fields: 20 } })) {
      if (part.type === 'file') {
        const bytes = await part.toBuffer();
        if (part.fieldname !== 'file') throw unknownField(part.fieldname);
        upload = { bytes, fileName: part.filename ? part.filename.slice(0, 255) : null, fields };
      } else {
        fields[part.fieldname] = typeof part.value === 'string' ? part.value : String(part.value);
      }
    }
    if (!upload) throw badRequest('file_missing', 'The multipart body has no file field "file"', { field: '/file' });
    return upload;
  }
  if (!Buffer.isBuffer(request.body)) {
    throw new ProblemError(415, 'unsupported_media_type', 'Send the CSV as multipart/form-data (field "file") or as a text/csv body');
  }
  return { bytes: request.body, fileName: null, fields: {} };
}

function readBooleanField(name: string, value: string): boolean {
  const normalized = value.trim().toLowerCase();
  if (['true', '1', 'on', 'yes'].includes(normalized)) return true;
  if (['false', '0', 'off', 'no', ''].includes(normalized)) return false;
  throw badRequest('validation_failed', `/${name}: must be true or false`, { field: `/${name}`, errors: [{ code: 'invalid_type', field: `/${name}`, message: 'must be true or false' }] });
}

/** Multipart form fields, checked like the query string (which they override). */
function fieldsAsQuery(fields: Record<string, string>): ImportQueryValues {
  const values: ImportQueryValues = {};
  for (const [name, value] of Object.entries(fields)) {
    if ((BOOLEAN_FIELDS as readonly string[]).includes(name)) {
      values[name as (typeof BOOLEAN_FIELDS)[number]] = readBooleanField(name, value);
    } else if (name === 'encoding' || name === 'delimiter') {
      const allowed: readonly string[] = name === 'encoding' ? ENCODINGS : DELIMITERS;
      if (!allowed.includes(value)) {
        throw badRequest('validation_failed', `/${name}: must be one of ${allowed.join(' ')}`,
          { field: `/${name}`, errors: [{ code: 'invalid_enum', field: `/${name}`, message: `must be one of ${allowed.join(' ')}` }] });
      }
      if (name === 'encoding') values.encoding = value as ImportQueryValues['encoding'];
      else values.delimiter = value as ImportQueryValues['delimiter'];
    } else if (name === 'columnMapping') {
      values.columnMapping = value;
    } else if (name === 'institution') {
      values.institution = value;
    } else {
      throw unknownField(name);
    }
  }
  return values;
}

/** `columnMapping` JSON: an object of header → canonical column (or null). */
function parseColumnMapping(text: string): Record<string, PersonCsvColumn | null> {
  const invalid = (message: string) => badRequest('invalid_column_mapping', `columnMapping ${message}`, { field: '/columnMapping' });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalid('is not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalid('must be a JSON object {"header": "column"}');
  const mapping: Record<string, PersonCsvColumn | null> = {};
  for (const [header, column] of Object.entries(parsed as Record<string, unknown>)) {
    if (column !== null && !(typeof column === 'string' && (PERSON_CSV_COLUMNS as readonly string[]).includes(column))) {
      throw invalid(`maps ${JSON.stringify(header)} to ${JSON.stringify(column)}; the columns are ${PERSON_CSV_COLUMNS.join(', ')} (or null to ignore it)`);
    }
    mapping[header] = column as PersonCsvColumn | null;
  }
  return mapping;
}

/** The encoding a raw body announces (`text/csv; charset=…`), when it is one we read. */
function charsetEncoding(contentType: string | undefined): ImportOptions['encoding'] {
  const charset = /;\s*charset="?([^";]+)"?/i.exec(contentType ?? '')?.[1]?.toLowerCase();
  if (charset === 'utf-8' || charset === 'utf8') return 'utf-8';
  if (charset === 'iso-8859-1' || charset === 'latin1' || charset === 'windows-1252' || charset === 'cp1252') return 'iso-8859-1';
  return undefined;
}

function importOptions(values: ImportQueryValues, contentType: string | undefined): ImportOptions {
  const options: ImportOptions = {
    dryRun: values.dryRun === true,
    partial: values.partial === true,
    ignoreUnknownColumns: values.ignoreUnknownColumns === true,
  };
  const encoding = values.encoding ?? charsetEncoding(contentType);
  if (encoding) options.encoding = encoding;
  if (values.delimiter) options.delimiter = values.delimiter;
  if (values.columnMapping !== undefined && values.columnMapping.trim() !== '') options.columnMapping = parseColumnMapping(values.columnMapping);
  return options;
}

/** A refused import as problem details: every error with its line, and the whole report. */
function refusal(report: ImportReport): ProblemError {
  const fileError = report.fileErrors[0];
  if (fileError?.code === 'empty_file') return badRequest('empty_file', fileError.message);
  if (fileError?.code === 'unsupported_encoding') return new ProblemError(415, 'unsupported_encoding', fileError.message);
  const errors: ProblemItem[] = fileError
    ? report.fileErrors.map((error) => ({
      code: error.code, message: error.message,
      ...(error.line !== undefined ? { line: error.line } : {}), ...(error.column !== undefined ? { field: error.column } : {}),
    }))
    : report.errors.map((error) => ({ code: error.code, message: error.message, line: error.line, ...(error.field !== undefined ? { field: error.field } : {}) }));
  const first = errors[0];
  return new ProblemError(422, fileError ? 'invalid_import_file' : 'import_rejected', rejectionMessage(report), {
    ...(first?.line !== undefined ? { line: first.line } : {}),
    errors,
    extensions: { report },
  });
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/**
 * Person import (CSV upload, as a background job or synchronously) and CSV export.
 *
 * `POST /imports/persons` (admin, manager): the file as multipart/form-data field `file` (options
 * as form fields or query parameters) or as a raw `text/csv` body (options as query parameters;
 * a `charset` parameter sets the encoding). At most 50 MB (413). Obvious non-CSV (empty: 400;
 * spreadsheet, PDF, image, binary, UTF-16: 415) is refused at once. Then:
 * - default: the file is stored and a `person-import` job queued; 202 `{ job }` with `Location:
 *   /api/v1/jobs/<id>`. The job run shows progress and ends `succeeded` (report in `result`) or
 *   `failed` (refused file: report in `error.report`);
 * - `wait=true`: the import runs during the request; 200 with the report, or 422 problem+json
 *   (`import_rejected` or `invalid_import_file`) listing every error with its line, plus the
 *   report. Meant for small files and scripts; large files belong in the job.
 * The file is for one institution: `institution` (a code, as a query parameter or form field), else
 * the caller's focused or only one (404 `institution_not_found`, 422 `institution_required`). Its
 * `person_type` cells must be types of that institution (`unknown_person_type`); a person enrolled
 * elsewhere is enrolled there too, the other enrolments untouched. A manager limited to some
 * person types may only import persons of those types.
 *
 * `GET /persons/export.csv` (office read roles): the enrolments the caller may see (one line each;
 * `institution` narrows to one institution), in the import's columns, cells escaped against
 * spreadsheet formula injection.
 */
export async function importsRoutes(app: AppInstance, deps: AppDeps): Promise<void> {
  const { imports } = deps.services;

  // Raw CSV bodies are parsed in this scope only, with the import's own size limit.
  await app.register(async (plugin) => {
    const scope = plugin.withTypeProvider<TypeBoxTypeProvider>();
    for (const type of CSV_MEDIA_TYPES) {
      if (scope.hasContentTypeParser(type)) scope.removeContentTypeParser(type);
      scope.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: IMPORT_MAX_BYTES }, (_request, body, done) => done(null, body));
    }

    scope.post('/imports/persons', {
      bodyLimit: IMPORT_MAX_BYTES,
      config: { access: { roles: OFFICE_WRITE_ROLES } },
      schema: {
        tags: ['imports'],
        summary: 'Import persons from a CSV file (multipart field "file", or a text/csv body); 202 + job, or the report with wait=true',
        querystring: ImportQuery,
        response: {
          200: ImportReportSchema,
          202: Type.Object({ job: JobRunSchema }),
          ...errorResponses(400, 401, 403, 413, 415, 422),
        },
      },
    }, async (request, reply) => {
      const principal = principalOf(request);
      const upload = await readUpload(request);
      const values: ImportQueryValues = { ...request.query, ...fieldsAsQuery(upload.fields) };
      const options = importOptions(values, request.headers['content-type']);
      const sniffed = sniffUpload(upload.bytes);
      if (sniffed) {
        throw sniffed.code === 'empty_file' ? badRequest(sniffed.code, sniffed.message) : new ProblemError(415, sniffed.code, sniffed.message);
      }
      const context = { actor: actorOf(request), writer: writerOf(principal), institution: values.institution };
      if (values.wait) {
        const report = await imports.importPersons(upload.bytes, options, context);
        if (report.rejected) throw refusal(report);
        return reply.status(200).send(report);
      }
      const job = await imports.submit(upload.bytes, upload.fileName, options, context);
      return reply.status(202).header('location', `/api/v1/jobs/${job.id}`).send({ job });
    });
  });

  app.get('/persons/export.csv', {
    config: { access: { roles: OFFICE_READ_ROLES } },
    schema: {
      tags: ['imports'],
      summary: 'Every enrolment the caller may see, one line each, as CSV (the import\'s columns; formula cells escaped)',
      querystring: Type.Object({
        institution: Type.Optional(Type.String({ maxLength: 100, description: 'Only this institution\'s enrolments (a code), to import back into it' })),
      }, { additionalProperties: false }),
      response: { 200: Type.Unknown({ description: 'text/csv; UTF-8 with byte order mark, ";" separated' }), ...errorResponses(400, 401, 403, 404, 422) },
    },
  }, async (request, reply) => {
    const pieces = imports.exportCsv(readerOf(principalOf(request)), request.query.institution);
    // The first page is read before answering, so a failure there is still a problem+json answer.
    const first = await pieces.next();
    async function* rest(): AsyncGenerator<string> {
      if (!first.done) yield first.value;
      yield* pieces;
    }
    void reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="persons-${today()}.csv"`)
      .header('cache-control', 'no-store');
    return reply.send(Readable.from(rest()));
  });
}
