import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppDeps, AppInstance } from '../../app/app-types.ts';
import { principalOf } from '../../platform/http/access.ts';
import { badRequest, ProblemError } from '../../platform/http/problem.ts';
import { IMPORT_MAX_BYTES, sniffUpload } from '../imports/imports.service.ts';
import { SourceSettingsError } from './domain/person-source.ts';
import { actorOf, errorResponses, Nullable, NullableInput, Uuid } from '../../platform/http/schemas.ts';
import { MAPPABLE_FIELDS } from './domain/person-mapping.ts';
import { PERSON_SOURCE_KINDS } from './domain/person-source.ts';

const Kind = Type.Union(PERSON_SOURCE_KINDS.map((kind) => Type.Literal(kind)));
const Json = Type.Record(Type.String(), Type.Unknown());
const SourceParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 63, description: 'The source id or name' }) }, { additionalProperties: false });
const RunParams = Type.Object({ runId: Uuid }, { additionalProperties: false });

const Counts = Type.Object({
  read: Type.Integer(), new: Type.Integer(), changed: Type.Integer(), gone: Type.Integer(), unchanged: Type.Integer(), errors: Type.Integer(),
});
const RecordErrorSchema = Type.Object({
  key: Nullable(Type.String({ description: 'The record\'s key; null when the source could not read it' })), field: Type.String(), code: Type.String(), message: Type.String(),
});
const FieldValue = Nullable(Type.Union([Type.String(), Type.Number()]));
const FieldChangeSchema = Type.Object({ field: Type.String(), before: FieldValue, after: FieldValue });
const RunSchema = Type.Object({
  id: Uuid,
  sourceId: Uuid,
  mode: Type.Union([Type.Literal('full'), Type.Literal('incremental')]),
  dryRun: Type.Boolean(),
  status: Type.Union(['queued', 'running', 'awaiting_confirmation', 'succeeded', 'failed', 'cancelled'].map((status) => Type.Literal(status))),
  trigger: Type.Union([Type.Literal('manual'), Type.Literal('schedule')]),
  counts: Counts,
  unkeyedRecords: Type.Integer({ description: 'Bad records whose key could not be read (among counts.errors)' }),
  goneHeldBack: Type.Boolean({ description: 'A full run took nobody for gone because some records had no readable key: persons no longer returned keep their rights' }),
  sample: Type.Array(Type.Object({
    kind: Type.Union([Type.Literal('new'), Type.Literal('changed'), Type.Literal('gone')]),
    key: Type.String(), eppn: Nullable(Type.String()), institution: Nullable(Type.String()), fields: Type.Array(Type.String()),
    changes: Type.Array(FieldChangeSchema, { description: 'Stored → written value of each field that changes' }),
    enrolledElsewhere: Type.Boolean({ description: 'The person was enrolled at other institutions only: enrolled here, stored values not shown' }),
  }), { description: 'The first changes against the persons as they were (new, changed with the fields that change, gone)' }),
  errors: Type.Array(RecordErrorSchema, { description: 'Records that could not be mapped: key, person field, stable code' }),
  outcome: Nullable(Json),
  jobId: Nullable(Uuid),
  progress: Nullable(Type.Object({ current: Type.Integer(), total: Nullable(Type.Integer()), percent: Nullable(Type.Integer()) })),
  createdBy: Type.String(),
  confirmedBy: Nullable(Type.String()),
  createdAt: Type.String(),
  startedAt: Nullable(Type.String()),
  finishedAt: Nullable(Type.String()),
});

const SourceSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  institution: Nullable(Type.String()),
  kind: Kind,
  settings: Json,
  mapping: Json,
  schedule: Nullable(Type.String()),
  nextRunAt: Nullable(Type.String()),
  incremental: Type.Boolean(),
  gonePolicy: Type.String(),
  minRatio: Type.Number(),
  photosAllowed: Type.Boolean(),
  watermark: Nullable(Type.String()),
  lastFullCount: Nullable(Type.Integer()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  lastRun: Type.Optional(Nullable(RunSchema)),
});

const SourceFields = {
  name: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,62}$', description: 'Short name (CLI: campuscard directory sync <name>)' }),
  institution: NullableInput(Type.String({ maxLength: 64, description: 'Institution code the persons are enrolled at; null: from the mapping\'s institution attribute (admins of every institution only)' })),
  kind: Kind,
  settings: Type.Record(Type.String(), Type.Unknown(), { description: 'Kind-specific connection settings; secrets only by name (secretEnv, from DIRECTORY_SECRETS)' }),
  mapping: Type.Record(Type.String(), Type.Unknown(), {
    description: `{ fields: { <${MAPPABLE_FIELDS.join('|')}>: attribute }, affiliationAttributes: [..], personTypeAttribute, personType, institution: { attribute, codes }, groupsAttribute }`,
  }),
  schedule: NullableInput(Type.String({ maxLength: 100, description: 'Cron (5 fields, UTC); null: on demand only' })),
  incremental: Type.Boolean({ description: 'Scheduled runs read only what changed since the last one' }),
  gonePolicy: Type.String({ maxLength: 20, description: 'When the rights of persons gone from the source end: today, +N days, or YYYY-MM-DD' }),
  minRatio: Type.Number({ minimum: 0, maximum: 1, description: 'A full read under this share of the last full count stops for confirmation (default 0.9)' }),
  photosAllowed: Type.Boolean({ description: 'The source\'s photos may seed the card photo of persons who have none' }),
};

/** Raw bodies the source file upload takes (browsers and spreadsheets label CSV in all these ways). */
const CSV_MEDIA_TYPES = ['text/csv', 'application/csv', 'text/plain', 'application/octet-stream'];

const SYNC_ERRORS = 'Codes: 404 `person_source_not_found` (also outside your institutions), 409 `sync_already_active`.';

/**
 * Person sources (admins; an admin limited to some institutions sees and edits only the sources
 * of those) and their syncs.
 */
export async function directoryRoutes(app: AppInstance, deps: AppDeps): Promise<void> {
  const { sources, sync, files } = deps.services.directory;
  const access = { roles: ['admin' as const] };
  const tags = ['directory'];

  app.get('/admin/person-sources', {
    config: { access },
    schema: { tags, summary: 'Person sources, with their last run and next scheduled run', response: { 200: Type.Object({ items: Type.Array(SourceSchema) }), ...errorResponses(401, 403) } },
  }, async (request) => {
    const items = await sources.list(principalOf(request));
    const last = await sync.lastRuns(items.map((item) => item.id));
    return { items: items.map((item) => ({ ...item, lastRun: last.get(item.id) ?? null })) };
  });

  app.post('/admin/person-sources', {
    config: { access },
    schema: {
      tags, summary: 'Define a person source',
      description: 'Codes: 400 `validation_failed` (field: /settings/…, /mapping/…, /schedule invalid_cron…), 404 `institution_not_found`, 409 `person_source_name_taken`.',
      body: Type.Object({ ...SourceFields, institution: Type.Optional(SourceFields.institution), settings: Type.Optional(SourceFields.settings),
        mapping: Type.Optional(SourceFields.mapping), schedule: Type.Optional(SourceFields.schedule), incremental: Type.Optional(SourceFields.incremental),
        gonePolicy: Type.Optional(SourceFields.gonePolicy), minRatio: Type.Optional(SourceFields.minRatio), photosAllowed: Type.Optional(SourceFields.photosAllowed) },
      { additionalProperties: false }),
      response: { 201: SourceSchema, ...errorResponses(400, 401, 403, 404, 409) },
    },
  }, async (request, reply) => reply.status(201).send(await sources.create(principalOf(request), request.body, actorOf(request))));

  // A CSV source's file uploaded from the console, into PERSON_SOURCE_DIR (raw body, the import's size limit and checks).
  await app.register(async (plugin) => {
    const scope = plugin.withTypeProvider<TypeBoxTypeProvider>();
    for (const type of CSV_MEDIA_TYPES) {
      if (scope.hasContentTypeParser(type)) scope.removeContentTypeParser(type);
      scope.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: IMPORT_MAX_BYTES }, (_request, body, done) => done(null, body));
    }
    scope.put('/admin/person-source-files', {
      bodyLimit: IMPORT_MAX_BYTES,
      config: { access },
      schema: {
        tags, summary: 'Upload the CSV file of a person source into PERSON_SOURCE_DIR (raw text/csv body, at most 50 MB; replaces a file of that name)',
        description: 'The `path` is relative to PERSON_SOURCE_DIR, as a CSV source\'s `settings.path` names it. An admin limited to some institutions '
          + 'uploads only under the folder named after one of their institution codes (`<code>/persons.csv`). Codes: 400 `validation_failed` '
          + '(field /path: path_not_relative, path_outside_directory, path_outside_institution_folder, invalid_path, not_a_file, source_dir_missing), '
          + '400 `empty_file`, 413, 415 `not_csv` / `unsupported_encoding`.',
        querystring: Type.Object({ path: Type.String({ minLength: 1, maxLength: 500, description: 'Relative path of the file, e.g. persons.csv or univ-exemple/persons.csv' }) }, { additionalProperties: false }),
        response: { 201: Type.Object({ path: Type.String(), size: Type.Integer() }), ...errorResponses(400, 401, 403, 413, 415) },
      },
    }, async (request, reply) => {
      const bytes = request.body;
      if (!(bytes instanceof Buffer)) throw new ProblemError(415, 'unsupported_media_type', 'Send the CSV file as a text/csv body');
      const sniffed = sniffUpload(bytes);
      if (sniffed) throw sniffed.code === 'empty_file' ? badRequest(sniffed.code, sniffed.message) : new ProblemError(415, sniffed.code, sniffed.message);
      const principal = principalOf(request);
      try {
        const codes = principal.institutionIds === null ? null : await sources.institutionCodes(principal.institutionIds);
        return reply.status(201).send(await files.save({ institutionCodes: codes }, request.query.path, bytes));
      } catch (error) {
        if (error instanceof SourceSettingsError) {
          throw badRequest('validation_failed', `/path: ${error.message}`, { field: '/path', errors: [{ field: '/path', code: error.code, message: error.message }] });
        }
        throw error;
      }
    });
  });

  app.get('/admin/person-sources/:id', {
    config: { access },
    schema: { tags, summary: 'One person source', params: SourceParams, response: { 200: SourceSchema, ...errorResponses(401, 403, 404) } },
  }, async (request) => sources.get(principalOf(request), request.params.id));

  app.patch('/admin/person-sources/:id', {
    config: { access },
    schema: {
      tags, summary: 'Change a person source (its kind cannot change)', params: SourceParams,
      body: Type.Partial(Type.Object(SourceFields), { additionalProperties: false, minProperties: 1 }),
      response: { 200: SourceSchema, ...errorResponses(400, 401, 403, 404, 409) },
    },
  }, async (request) => sources.update(principalOf(request), request.params.id, request.body, actorOf(request)));

  app.delete('/admin/person-sources/:id', {
    config: { access },
    schema: { tags, summary: 'Delete a person source (the persons it brought stay)', params: SourceParams, response: { 204: Type.Null(), ...errorResponses(401, 403, 404, 409) } },
  }, async (request, reply) => {
    await sources.remove(principalOf(request), request.params.id, actorOf(request));
    return reply.status(204).send(null);
  });

  app.post('/admin/person-sources/:id/test', {
    config: { access },
    schema: {
      tags, summary: 'Check the connection of a source', params: SourceParams,
      response: { 200: Type.Object({ ok: Type.Boolean(), code: Type.Optional(Type.String()), message: Type.String() }), ...errorResponses(400, 401, 403, 404) },
    },
  }, async (request) => sources.test(principalOf(request), request.params.id));

  app.get('/admin/person-sources/:id/preview', {
    config: { access },
    schema: {
      tags, summary: 'The first 10 entries of the source, mapped as a sync would write them (or their errors per field)', params: SourceParams,
      response: {
        200: Type.Object({ items: Type.Array(Type.Object({
          key: Nullable(Type.String()), ok: Type.Boolean(), institution: Nullable(Type.String()), person: Nullable(Json), groups: Type.Array(Type.String()),
          hasPhoto: Type.Boolean(), errors: Type.Array(RecordErrorSchema),
          status: Nullable(Type.Union([Type.Literal('new'), Type.Literal('changed'), Type.Literal('unchanged')], { description: 'Against the persons as they are (null for a bad record)' })),
          changes: Type.Array(FieldChangeSchema), enrolledElsewhere: Type.Boolean(),
        })) }),
        ...errorResponses(400, 401, 403, 404, 409),
      },
    },
  }, async (request) => sources.preview(principalOf(request), request.params.id));

  app.post('/admin/person-sources/:id/sync', {
    config: { access },
    schema: {
      tags, summary: 'Sync a source now (a job; poll the run or GET /jobs/:jobId)', description: SYNC_ERRORS, params: SourceParams,
      body: Type.Optional(Type.Object({
        mode: Type.Optional(Type.Union([Type.Literal('full'), Type.Literal('incremental')], { description: 'Default: the source\'s own' })),
        dryRun: Type.Optional(Type.Boolean({ description: 'Compute and show the diff, write no person' })),
      }, { additionalProperties: false })),
      response: { 202: RunSchema, ...errorResponses(400, 401, 403, 404, 409) },
    },
  }, async (request, reply) => reply.status(202).send(await sync.start(principalOf(request), request.params.id, request.body ?? {}, actorOf(request))));

  app.get('/admin/person-sources/:id/runs', {
    config: { access },
    schema: { tags, summary: 'The last runs of a source, newest first', params: SourceParams, response: { 200: Type.Object({ items: Type.Array(RunSchema) }), ...errorResponses(401, 403, 404) } },
  }, async (request) => ({ items: await sync.runs(principalOf(request), request.params.id) }));

  app.get('/admin/person-sources/runs/:runId', {
    config: { access },
    schema: { tags, summary: 'One sync run', params: RunParams, response: { 200: RunSchema, ...errorResponses(401, 403, 404) } },
  }, async (request) => sync.run(principalOf(request), request.params.runId));

  app.post('/admin/person-sources/runs/:runId/confirm', {
    config: { access },
    schema: {
      tags, summary: 'Confirm a run stopped by the safety stop: it reads the source again and applies it',
      description: 'Codes: 404 `sync_run_not_found`, 409 `sync_not_awaiting_confirmation`.', params: RunParams,
      response: { 200: RunSchema, ...errorResponses(401, 403, 404, 409) },
    },
  }, async (request) => sync.confirm(principalOf(request), request.params.runId, actorOf(request)));

  app.post('/admin/person-sources/runs/:runId/cancel', {
    config: { access },
    schema: {
      tags, summary: 'Cancel a queued run or one waiting for confirmation', description: 'Codes: 404 `sync_run_not_found`, 409 `sync_not_cancellable`.', params: RunParams,
      response: { 200: RunSchema, ...errorResponses(401, 403, 404, 409) },
    },
  }, async (request) => sync.cancel(principalOf(request), request.params.runId, actorOf(request)));
}
