import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppDeps, AppInstance } from '../../app/app-types.ts';
import { principalOf } from '../../platform/http/access.ts';
import { badRequest, ProblemError, type ProblemItem } from '../../platform/http/problem.ts';
import { actorOf, errorResponses, IdParams } from '../../platform/http/schemas.ts';
import type { Principal } from '../auth/domain/roles.ts';
import { OFFICE_WRITE_ROLES } from '../auth/domain/roles.ts';
import { JobRunSchema } from '../jobs/jobs.routes.ts';
import { MIGRATION_MAX_BYTES, type MigrationCaller, type MigrationReport } from './card-migration.service.ts';

/** Raw bodies accepted besides multipart: a ZIP or a CSV. */
const MEDIA_TYPES = ['application/zip', 'application/x-zip-compressed', 'application/octet-stream', 'text/csv', 'application/csv'];

const MigrationQuery = Type.Object({
  institution: Type.Optional(Type.String({ maxLength: 100, description: 'Code of the institution the cards were issued by (else the focused or only one)' })),
  dryRun: Type.Optional(Type.Boolean({ description: 'Check and report, write nothing' })),
  partial: Type.Optional(Type.Boolean({ description: 'Write the lines without conflicts even when others have some' })),
  wait: Type.Optional(Type.Boolean({ description: 'Run during the request: 200 with the report, or 422 problem+json listing the conflicts by line' })),
  timeZone: Type.Optional(Type.String({ maxLength: 64, description: 'Time zone of dates without offset (default Europe/Paris)' })),
  csnForm: Type.Optional(Type.Union([Type.Literal('hex'), Type.Literal('hex_reversed')], { description: 'Form of ESUP-SGC CSNs (default hex)' })),
}, { additionalProperties: false });

const LineErrorSchema = Type.Object({ line: Type.Integer(), field: Type.Optional(Type.String()), code: Type.String(), message: Type.String() });
const Counts = Type.Record(Type.String(), Type.Integer());

export const MigrationReportSchema = Type.Object({
  format: Type.Union([Type.Literal('esup-sgc'), Type.Literal('generic'), Type.Null()]),
  institution: Type.String(),
  dryRun: Type.Boolean(),
  partial: Type.Boolean(),
  totalLines: Type.Integer(),
  valid: Type.Integer(),
  alreadyMigrated: Type.Integer(),
  invalid: Type.Integer(),
  byState: Counts,
  byInstitution: Counts,
  persons: Type.Object({ matched: Type.Integer(), created: Type.Integer(), enrolled: Type.Integer() }),
  photos: Type.Integer(),
  consents: Type.Integer(),
  identifiers: Type.Integer(),
  conflicts: Type.Array(LineErrorSchema),
  conflictsTruncated: Type.Boolean(),
  fileErrors: Type.Array(LineErrorSchema),
  crousCards: Type.Union([Type.Object({ lines: Type.Integer(), created: Type.Integer(), updated: Type.Integer(), unchanged: Type.Integer(), invalid: Type.Integer() }), Type.Null()]),
  imported: Type.Integer(),
  batches: Type.Object({ total: Type.Integer(), done: Type.Integer(), skipped: Type.Integer() }),
  rejected: Type.Boolean(),
  committed: Type.Boolean(),
});

/** The multipart `file` or the raw body. */
async function readUpload(request: FastifyRequest): Promise<{ bytes: Buffer; fileName: string | null }> {
  if (request.isMultipart()) {
    for await (const part of request.parts({ limits: { fileSize: MIGRATION_MAX_BYTES, files: 1, fields: 10 } })) {
      if (part.type === 'file' && part.fieldname === 'file') return { bytes: await part.toBuffer(), fileName: part.filename ? part.filename.slice(0, 255) : null };
    }
    throw badRequest('file_missing', 'The multipart body has no file field "file"', { field: '/file' });
  }
  if (!Buffer.isBuffer(request.body)) {
    throw new ProblemError(415, 'unsupported_media_type', 'Send the export as multipart/form-data (field "file"), or as an application/zip or text/csv body');
  }
  return { bytes: request.body, fileName: null };
}

function callerOf(principal: Principal, request: FastifyRequest, institution: string | undefined): MigrationCaller {
  return {
    actor: actorOf(request),
    scope: { institutionIds: principal.institutionIds, personTypes: principal.personTypes },
    focusInstitutionId: principal.focusInstitutionId,
    institution,
  };
}

/** A refused migration as problem+json: the first line at fault, every conflict, the report. */
function refusal(report: MigrationReport): ProblemError {
  const fileError = report.fileErrors[0];
  const items: ProblemItem[] = (fileError ? report.fileErrors : report.conflicts)
    .map((error) => ({ code: error.code, message: error.message, line: error.line, ...(error.field !== undefined ? { field: error.field } : {}) }));
  const message = fileError ? `The file cannot be migrated: ${fileError.message}`
    : `${report.invalid} line(s) have conflicts; nothing was written (fix the file, or run with partial)`;
  return new ProblemError(422, fileError ? 'invalid_migration_file' : 'migration_conflicts', message, {
    ...(items[0]?.line !== undefined ? { line: items[0].line } : {}), errors: items, extensions: { report },
  });
}

/**
 * Card migration from another card office system (admin, or a manager of the target institution):
 * - `POST /card-migrations`: the export (ESUP-SGC `export.zip` or `cards.csv`, or the generic CSV
 *   or ZIP) as multipart field `file` or a raw body; 202 `{ job }` (`Location: /api/v1/card-migrations/{id}`),
 *   or with `wait=true` the report (200) or 422 problem+json listing every conflict with its line.
 *   `dryRun=true` writes nothing. The institution is `institution` (a code in the caller's scope:
 *   404 otherwise), else the caller's focused or only one.
 * - `GET /card-migrations/{id}`: the run (progress; report in `result`, or in `error.report`), for
 *   its author and whoever manages its institution; 404 `migration_not_found` for anyone else.
 */
export async function cardMigrationRoutes(app: AppInstance, deps: AppDeps): Promise<void> {
  const { cardMigration } = deps.services;

  await app.register(async (plugin) => {
    const scope = plugin.withTypeProvider<TypeBoxTypeProvider>();
    for (const type of MEDIA_TYPES) {
      if (scope.hasContentTypeParser(type)) scope.removeContentTypeParser(type);
      scope.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: MIGRATION_MAX_BYTES }, (_request, body, done) => done(null, body));
    }
    scope.post('/card-migrations', {
      bodyLimit: MIGRATION_MAX_BYTES,
      config: { access: { roles: OFFICE_WRITE_ROLES } },
      schema: {
        tags: ['card-migration'],
        summary: 'Migrate the cards of another card office system (ESUP-SGC export or the generic CSV/ZIP): 202 + job, or the report with wait=true',
        querystring: MigrationQuery,
        response: { 200: MigrationReportSchema, 202: Type.Object({ job: JobRunSchema }), ...errorResponses(400, 401, 403, 404, 413, 415, 422) },
      },
    }, async (request, reply) => {
      const principal = principalOf(request);
      const upload = await readUpload(request);
      if (upload.bytes.byteLength === 0) throw badRequest('empty_file', 'The file is empty');
      const { institution, wait, ...rest } = request.query;
      const options = { ...rest };
      const caller = callerOf(principal, request, institution);
      if (wait) {
        const report = await cardMigration.migrate(upload.bytes, options, caller);
        if (report.rejected) throw refusal(report);
        return reply.status(200).send(report);
      }
      const job = await cardMigration.submit(upload.bytes, upload.fileName, options, caller);
      return reply.status(202).header('location', `/api/v1/card-migrations/${job.id}`).send({ job });
    });
  });

  app.get('/card-migrations/:id', {
    config: { access: { roles: OFFICE_WRITE_ROLES } },
    schema: {
      tags: ['card-migration'],
      summary: 'A card migration: status, progress and its report',
      params: IdParams,
      response: { 200: Type.Object({ job: JobRunSchema }), ...errorResponses(400, 401, 403, 404) },
    },
  }, async (request) => {
    const principal = principalOf(request);
    return { job: await cardMigration.status(request.params.id, principal.actor, { institutionIds: principal.institutionIds, personTypes: principal.personTypes }) };
  });
}
