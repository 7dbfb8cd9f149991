import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { AppDeps, AppInstance } from '../../app/app-types.ts';
import { principalOf } from '../../platform/http/access.ts';
import { actorOf, errorResponses, IdParams } from '../../platform/http/schemas.ts';
import { OFFICE_READ_ROLES } from '../auth/domain/roles.ts';
import { JobRunSchema } from '../jobs/jobs.routes.ts';
import { CARD_FILTER_FIELDS, CARD_ORDER_FIELDS, splitList } from './cards.routes.ts';
import { CARD_EXPORT_COLUMNS } from './card-export.service.ts';

const ColumnSchema = Type.Union(CARD_EXPORT_COLUMNS.map((column) => Type.Literal(column)));

const ExportBody = Type.Object({
  ...CARD_FILTER_FIELDS,
  ...CARD_ORDER_FIELDS,
  columns: Type.Optional(Type.Array(ColumnSchema, {
    maxItems: CARD_EXPORT_COLUMNS.length * 2,
    description: `Columns in file order (default: all of ${CARD_EXPORT_COLUMNS.join(', ')})`,
  })),
  labels: Type.Optional(Type.Object(Object.fromEntries(CARD_EXPORT_COLUMNS.map((column) => [column, Type.Optional(Type.String({ maxLength: 100 }))])), {
    additionalProperties: false, description: 'Header line titles by column (default: the column keys)',
  })),
}, { additionalProperties: false });

/**
 * Card export (CSV, any size, as a job), office read roles:
 * - `POST /cards/exports`: the card list's filters, order and optionally columns (JSON body, the
 *   same fields as GET /cards' query): 202 `{ job }` with `Location: /api/v1/cards/exports/{id}`.
 *   Bad filters are 400 problem+json (`unknown_state`, `invalid_date`, `validation_failed`).
 *   The export covers the caller's institutions and person types (in its query), as the list.
 * - `GET /cards/exports/{id}`: the run (status, progress, result: rows, bytes, fileName);
 * - `GET /cards/exports/{id}/file`: the CSV (UTF-8 with byte order mark, `;` separated, formula
 *   cells escaped), 409 `export_not_ready` until the run succeeded.
 * Both GETs answer only the caller who asked for the export: anyone else gets 404 `export_not_found`.
 */
export async function cardExportRoutes(app: AppInstance, deps: AppDeps): Promise<void> {
  const { cardExport } = deps.services;

  app.post('/cards/exports', {
    config: { access: { roles: OFFICE_READ_ROLES } },
    schema: {
      tags: ['cards'],
      summary: 'Export the cards of the list\'s filters as CSV (a job): 202 + the job; follow it, then download its file',
      body: ExportBody,
      response: { 202: Type.Object({ job: JobRunSchema }), ...errorResponses(400, 401, 403) },
    },
  }, async (request, reply) => {
    const { columns, labels, sort, order, ...filters } = request.body;
    const job = await cardExport.submit({
      filters: { ...filters, state: splitList(filters.state), personType: splitList(filters.personType) },
      sort, order, columns, labels,
    }, principalOf(request), actorOf(request));
    return reply.status(202).header('location', `/api/v1/cards/exports/${job.id}`).send({ job });
  });

  app.get('/cards/exports/:id', {
    config: { access: { roles: OFFICE_READ_ROLES } },
    schema: {
      tags: ['cards'],
      summary: 'A card export of mine: status, progress and, once done, rows and bytes',
      params: IdParams,
      response: { 200: Type.Object({ job: JobRunSchema }), ...errorResponses(400, 401, 403, 404) },
    },
  }, async (request) => ({ job: await cardExport.status(request.params.id, principalOf(request)) }));

  app.get('/cards/exports/:id/file', {
    config: { access: { roles: OFFICE_READ_ROLES } },
    schema: {
      tags: ['cards'],
      summary: 'The CSV file of a finished card export of mine',
      params: IdParams,
      response: { 200: Type.Unknown({ description: 'text/csv; UTF-8 with byte order mark, ";" separated' }), ...errorResponses(400, 401, 403, 404, 409) },
    },
  }, async (request, reply) => {
    const file = await cardExport.file(request.params.id, principalOf(request));
    void reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${file.fileName}"`)
      .header('content-length', String(file.bytes))
      .header('cache-control', 'no-store');
    return reply.send(Readable.from(file.content));
  });
}
