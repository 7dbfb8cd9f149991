import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppDeps, AppInstance } from '../../app/app-types.ts';
import { principalOf } from '../../platform/http/access.ts';
import { badRequest, ProblemError, type ProblemItem } from '../../platform/http/problem.ts';
import { actorOf, errorResponses, IdParams, Nullable, NullableInput } from '../../platform/http/schemas.ts';
import { JobRunSchema } from '../jobs/jobs.routes.ts';
import { sniffUpload } from '../imports/imports.service.ts';
import {
  ACCOUNT_FILE_DATE_FORMATS, ACCOUNT_FILE_ENCODINGS, ACCOUNT_FILE_FIELDS, ACCOUNT_FILE_KINDS, ACCOUNT_FILE_SEPARATORS,
  type AccountFileSettings,
} from './domain/crous-account-file.ts';
import type { CardFileReport } from './crous-card-file-import.service.ts';

/** Largest pre-encoded card file accepted (a line is about 100 bytes: 100,000 cards is 10 MB). */
export const CARD_FILE_MAX_BYTES = 10 * 1024 * 1024;

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((value) => Type.Literal(value)));

const Kind = literals(ACCOUNT_FILE_KINDS);
const InstitutionQuery = Type.Optional(Type.String({ maxLength: 64, description: 'Institution code (else the focused or only one in the caller\'s scope)' }));

const SettingsSchema = Type.Object({
  columns: Type.Array(Type.Object({
    field: literals(ACCOUNT_FILE_FIELDS),
    label: Type.String({ maxLength: 100, description: 'Header cell text' }),
  }, { additionalProperties: false }), { maxItems: ACCOUNT_FILE_FIELDS.length, description: 'Columns in file order' }),
  separator: literals(ACCOUNT_FILE_SEPARATORS),
  encoding: literals(ACCOUNT_FILE_ENCODINGS),
  header: Type.Boolean(),
  dateFormat: literals(ACCOUNT_FILE_DATE_FORMATS),
  personTypes: NullableInput(Type.Array(Type.String({ maxLength: 64 }), {
    maxItems: 50, description: 'Person types the file draws from; null: student (or staff) types by code and affiliation',
  })),
  ineAsIdentifier: Type.Boolean({ description: 'The identifier column holds the INE when the person has one, else the eppn' }),
  leavingWindowDays: Type.Integer({ minimum: 1, maximum: 366, description: 'Staff leaving: rights ended within this many days' }),
  schedule: NullableInput(Type.String({ maxLength: 100, description: 'Cron (5 fields, UTC); null: on demand only' })),
}, { additionalProperties: false });

const ConfigSchema = Type.Object({
  kind: Kind,
  settings: SettingsSchema,
  saved: Type.Boolean({ description: 'False while the institution keeps the defaults' }),
  effectivePersonTypes: Type.Array(Type.String()),
  nextRunAt: Nullable(Type.String()),
});

const FileSchema = Type.Object({
  id: Type.String(),
  institution: Type.String(),
  kind: Kind,
  fileName: Type.String(),
  byteSize: Type.Integer(),
  lineCount: Type.Integer({ description: 'Person lines (the header not counted)' }),
  settings: SettingsSchema,
  trigger: literals(['manual', 'schedule'] as const),
  jobRunId: Nullable(Type.String()),
  createdBy: Type.String(),
  createdByName: Type.Optional(Nullable(Type.String({ description: 'The account\'s display name or the token\'s name, when known' }))),
  createdAt: Type.String(),
});

const LineErrorSchema = Type.Object({ line: Type.Integer(), field: Type.Optional(Type.String()), code: Type.String(), message: Type.String() });

const CardReportSchema = Type.Object({
  institution: Type.String(),
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
  fileErrors: Type.Array(LineErrorSchema),
  encoding: Type.String(),
  rejected: Type.Boolean(),
  committed: Type.Boolean(),
  importId: Type.Optional(Nullable(Type.String())),
});

const PreEncodedCardSchema = Type.Object({
  csn: Type.String(), idZdc: Type.Integer(), rid: Type.String(), idTransmitter: Type.Integer(), idMapping: Type.Integer(),
  pixSs: Type.String(), pixNn: Type.String(), appl: Type.String(), creationDay: Type.String(),
});

/** The raw body or the multipart `file` of an upload. */
async function readUpload(request: FastifyRequest): Promise<{ bytes: Buffer; fileName: string | null }> {
  if (request.isMultipart()) {
    let upload: { bytes: Buffer; fileName: string | null } | undefined;
    for await (const part of request.parts({ limits: { fileSize: CARD_FILE_MAX_BYTES, files: 1, fields: 10 } })) {
      // Every part is read to its end (an unread file part would stall the body).
      const bytes = part.type === 'file' ? await part.toBuffer() : undefined;
      if (part.fieldname !== 'file' || bytes === undefined) {
        throw badRequest('validation_failed', `unknown field ${JSON.stringify(part.fieldname)}: send the file as "file", options in the query`,
          { field: `/${part.fieldname}`, errors: [{ code: 'unknown_field', field: `/${part.fieldname}`, message: 'unknown field' }] });
      }
      upload = { bytes, fileName: part.type === 'file' && part.filename ? part.filename.slice(0, 255) : null };
    }
    if (!upload) throw badRequest('file_missing', 'The multipart body has no file field "file"', { field: '/file' });
    return upload;
  }
  if (!Buffer.isBuffer(request.body)) throw new ProblemError(415, 'unsupported_media_type', 'Send the file as a text/csv body or as multipart field "file"');
  return { bytes: request.body, fileName: null };
}

/** A refused card file as problem details: every bad line with its number, and the report. */
function refusal(report: CardFileReport): ProblemError {
  const header = report.fileErrors[0];
  const errors: ProblemItem[] = (header ? report.fileErrors : report.errors)
    .map((error) => ({ code: error.code, message: error.message, line: error.line, ...(error.field ? { field: error.field } : {}) }));
  const lines = report.invalid === 1 ? '1 line is' : `${report.invalid} lines are`;
  return new ProblemError(422, header ? 'invalid_card_file' : 'card_file_rejected',
    header ? `The file cannot be imported: ${header.message}` : `${lines} invalid; nothing was written (fix the file, or import with partial to keep the good lines)`,
    { ...(errors[0]?.line !== undefined ? { line: errors[0].line } : {}), errors, extensions: { report } });
}

function contentDisposition(fileName: string): string {
  return `attachment; filename="${fileName.replace(/[^A-Za-z0-9._-]/g, '_')}"`;
}

/**
 * CROUS/Izly through files (admins, within their institutions): account file settings per kind,
 * preview, generation (job, or `wait=true`), history and download; the pre-encoded card file's
 * import, its history and the lookup of one chip. Another institution's files and cards answer
 * 404 like missing ones.
 */
export async function crousFilesRoutes(app: AppInstance, deps: AppDeps): Promise<void> {
  const { crousFiles, crousCards, auth } = deps.services;

  /** Each item with the readable name of who made it (account display name, token name). */
  async function named<T extends { createdBy: string }>(items: T[]): Promise<Array<T & { createdByName: string | null }>> {
    const names = await auth.actorNames([...new Set(items.map((item) => item.createdBy))]);
    return items.map((item) => ({ ...item, createdByName: names.get(item.createdBy) ?? null }));
  }
  const access = { roles: ['admin' as const] };
  const tags = ['crous'];

  app.get('/admin/crous/account-files/configs', {
    config: { access },
    schema: {
      tags, summary: 'The settings of the four account files (new entrants, re-enrolments, staff present, staff leaving) of an institution',
      querystring: Type.Object({ institution: InstitutionQuery }, { additionalProperties: false }),
      response: { 200: Type.Object({ institution: Type.String(), uai: Nullable(Type.String()), items: Type.Array(ConfigSchema) }), ...errorResponses(401, 403, 404, 422) },
    },
  }, async (request) => crousFiles.configs(principalOf(request), request.query.institution));

  app.put('/admin/crous/account-files/configs/:kind', {
    config: { access },
    schema: {
      tags, summary: 'Save the settings of one kind of account file',
      description: 'Codes: 400 `validation_failed` with the field (/columns/2/field unknown_column or duplicate_column, /columns columns_required, '
        + '/columns/0/label invalid_label, /schedule invalid_cron, /personTypes/0 unknown_person_type), 404 `institution_not_found`.',
      params: Type.Object({ kind: Kind }, { additionalProperties: false }),
      querystring: Type.Object({ institution: InstitutionQuery }, { additionalProperties: false }),
      body: SettingsSchema,
      response: { 200: ConfigSchema, ...errorResponses(400, 401, 403, 404, 422) },
    },
  }, async (request) => crousFiles.saveConfig(principalOf(request), request.query.institution, request.params.kind,
    request.body as AccountFileSettings, actorOf(request)));

  app.post('/admin/crous/account-files/preview', {
    config: { access },
    schema: {
      tags, summary: 'The first 10 lines of a file as it would be made now, with the saved settings or with `settings` (checked like a save)',
      body: Type.Object({ kind: Kind, institution: InstitutionQuery, settings: Type.Optional(SettingsSchema) }, { additionalProperties: false }),
      response: {
        200: Type.Object({ institution: Type.String(), kind: Kind, header: Nullable(Type.String()), lines: Type.Array(Type.String()), total: Type.Integer() }),
        ...errorResponses(400, 401, 403, 404, 422),
      },
    },
  }, async (request) => crousFiles.preview(principalOf(request), request.body.institution, request.body.kind, request.body.settings as AccountFileSettings | undefined));

  app.post('/admin/crous/account-files', {
    config: { access },
    schema: {
      tags, summary: 'Make an account file now: 202 + job (follow it at /jobs/{id}; its result names the file), or 201 + the file with wait=true',
      description: 'Codes: 404 `institution_not_found`, 422 `institution_required`, `institution_uai_missing` (the columns hold the UAI and the institution has none).',
      body: Type.Object({ kind: Kind, institution: InstitutionQuery, wait: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
      response: { 201: FileSchema, 202: Type.Object({ job: JobRunSchema }), ...errorResponses(400, 401, 403, 404, 422) },
    },
  }, async (request, reply) => {
    const { kind, institution, wait } = request.body;
    if (wait) return reply.status(201).send(await crousFiles.generateNow(principalOf(request), institution, kind, actorOf(request)));
    const job = await crousFiles.submit(principalOf(request), institution, kind, actorOf(request));
    return reply.status(202).header('location', `/api/v1/jobs/${job.id}`).send({ job });
  });

  app.get('/admin/crous/account-files', {
    config: { access },
    schema: {
      tags, summary: 'The account files produced (who, when, kind, lines), newest first, within the caller\'s institutions',
      querystring: Type.Object({
        institution: InstitutionQuery, kind: Type.Optional(Kind), limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(FileSchema) }), ...errorResponses(401, 403, 404) },
    },
  }, async (request) => {
    const { institution, kind, limit } = request.query;
    return { items: await named(await crousFiles.history(principalOf(request), { ...(institution ? { institution } : {}), ...(kind ? { kind } : {}), limit })) };
  });

  app.get('/admin/crous/account-files/:id/content', {
    config: { access },
    schema: {
      tags, summary: 'Download a file produced, byte for byte as it was made (its encoding in the content type)', params: IdParams,
      response: { 200: Type.Unknown({ description: 'text/csv in the file\'s encoding' }), ...errorResponses(401, 403, 404) },
    },
  }, async (request, reply) => {
    const file = await crousFiles.download(principalOf(request), request.params.id);
    return reply.type(`text/csv; charset=${file.settings.encoding}`).header('content-disposition', contentDisposition(file.fileName))
      .header('cache-control', 'no-store').send(file.content);
  });

  // The card file as a raw text/csv body (or multipart), in this scope only.
  await app.register(async (plugin) => {
    const scope = plugin.withTypeProvider<TypeBoxTypeProvider>();
    for (const type of ['text/csv', 'application/csv', 'text/plain', 'application/octet-stream']) {
      if (scope.hasContentTypeParser(type)) scope.removeContentTypeParser(type);
      scope.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: CARD_FILE_MAX_BYTES }, (_request, body, done) => done(null, body));
    }
    scope.post('/admin/crous/card-files', {
      bodyLimit: CARD_FILE_MAX_BYTES,
      config: { access },
      schema: {
        tags, summary: 'Import the CROUS\'s pre-encoded card file (CSN → CROUS card): 200 with the per-line report, or 422 listing every bad line',
        description: 'By default one bad line refuses the file and nothing is written (422 `card_file_rejected`, each error with its `line` and column); '
          + '`partial=true` writes the good lines and reports the others; `dryRun=true` writes nothing. A wrong header is 422 `invalid_card_file` (line 1). '
          + 'Codes also: 400 `empty_file`, 413, 415 `not_csv`, 404 `institution_not_found`.',
        querystring: Type.Object({
          institution: InstitutionQuery, partial: Type.Optional(Type.Boolean()), dryRun: Type.Optional(Type.Boolean()),
        }, { additionalProperties: false }),
        response: { 200: CardReportSchema, ...errorResponses(400, 401, 403, 404, 413, 415, 422) },
      },
    }, async (request) => {
      const upload = await readUpload(request);
      const sniffed = sniffUpload(upload.bytes);
      if (sniffed) throw sniffed.code === 'empty_file' ? badRequest(sniffed.code, sniffed.message) : new ProblemError(415, sniffed.code, sniffed.message);
      const report = await crousCards.importFile(principalOf(request), request.query.institution, upload.bytes, upload.fileName,
        { partial: request.query.partial === true, dryRun: request.query.dryRun === true }, actorOf(request));
      if (report.rejected) throw refusal(report);
      return report;
    });
  });

  app.get('/admin/crous/card-files', {
    config: { access },
    schema: {
      tags, summary: 'The card file imports and their reports, newest first, within the caller\'s institutions (with `institution`: its card count)',
      querystring: Type.Object({ institution: InstitutionQuery, limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          items: Type.Array(Type.Object({
            id: Type.String(), institution: Type.String(), fileName: Nullable(Type.String()), partial: Type.Boolean(), report: CardReportSchema,
            createdBy: Type.String(), createdByName: Type.Optional(Nullable(Type.String())), createdAt: Type.String(),
          })),
          cardCount: Nullable(Type.Integer()),
        }),
        ...errorResponses(401, 403, 404),
      },
    },
  }, async (request) => {
    const history = await crousCards.history(principalOf(request), {
      ...(request.query.institution ? { institution: request.query.institution } : {}), limit: request.query.limit,
    });
    return { ...history, items: await named(history.items) };
  });

  app.get('/admin/crous/pre-encoded-cards/:csn', {
    config: { access },
    schema: {
      tags, summary: 'The CROUS card the card file links to this chip (CSN in hex), at an institution of the caller',
      params: Type.Object({ csn: Type.String({ minLength: 8, maxLength: 40 }) }, { additionalProperties: false }),
      querystring: Type.Object({ institution: InstitutionQuery }, { additionalProperties: false }),
      response: { 200: PreEncodedCardSchema, ...errorResponses(401, 403, 404, 422) },
    },
  }, async (request) => {
    const { zdcCreationDate: _date, ...card } = await crousCards.lookup(principalOf(request), request.query.institution, request.params.csn);
    return card;
  });
}
