import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { AppDeps, AppInstance } from '../../app/app-types.ts';
import { principalOf } from '../../platform/http/access.ts';
import { actorOf, errorResponses, IdParams, Nullable, Uuid } from '../../platform/http/schemas.ts';
import { bearerToken } from '../auth/auth.routes.ts';
import { CSN_FORMS, CSN_MAX_BYTES, CSN_MIN_BYTES } from '../cards/domain/csn.ts';
import { KNOWN_PRINTER_MODELS, PRINTER_ONLINE_WINDOW_MS } from './domain/printer-models.ts';
import { PRINTER_JOB_STATUSES } from './domain/printer-job.ts';
import { MAX_POLL_WAIT_SECONDS, printerPrincipal, type PrinterCaller } from './printers.service.ts';

const JobSchema = Type.Object({
  id: Uuid,
  printerId: Uuid,
  batchId: Nullable(Uuid),
  title: Type.String(),
  status: Type.Union(PRINTER_JOB_STATUSES.map((status) => Type.Literal(status)), {
    description: 'queued → taken (the client claimed it) → printing → done | failed; cancelled by the office before it was taken',
  }),
  cardsTotal: Nullable(Type.Integer()),
  pagesTotal: Nullable(Type.Integer()),
  cardsDone: Type.Integer(),
  pagesDone: Type.Integer(),
  error: Nullable(Type.Object({ code: Nullable(Type.String()), message: Nullable(Type.String()) })),
  createdBy: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  takenAt: Nullable(Type.String({ format: 'date-time' })),
  finishedAt: Nullable(Type.String({ format: 'date-time' })),
}, { $id: 'PrinterJob' });

const PrinterSchema = Type.Object({
  id: Uuid,
  institution: Type.String({ description: 'Institution code' }),
  name: Type.String(),
  model: Type.String(),
  site: Type.String(),
  duplex: Type.Boolean(),
  templateIds: Type.Array(Uuid, { description: 'Card templates it takes (empty: any)' }),
  enabled: Type.Boolean(),
  tokenHint: Type.String({ description: 'The last four characters of the client credential (the credential itself is shown only once)' }),
  tokenCreatedAt: Type.String({ format: 'date-time' }),
  online: Type.Boolean({ description: `Its client called within the last ${PRINTER_ONLINE_WINDOW_MS / 60_000} minutes (and the printer is enabled)` }),
  lastSeenAt: Nullable(Type.String({ format: 'date-time', description: 'The client\'s last call; null: never' })),
  client: Type.Object({
    version: Nullable(Type.String()),
    state: Nullable(Type.String({ description: 'idle, printing or error, as the client last said' })),
    message: Nullable(Type.String()),
  }),
  jobsWaiting: Type.Integer({ description: 'Jobs queued for it' }),
  currentJob: Nullable(Type.Ref('PrinterJob')),
  createdBy: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedBy: Type.String(),
  updatedAt: Type.String({ format: 'date-time' }),
}, { $id: 'Printer' });

const WithToken = Type.Object({
  printer: Type.Ref('Printer'),
  token: Type.String({ description: 'The client credential (ccp_…): shown this once, give it to the printer client now' }),
});

const Fields = {
  name: Type.String({ minLength: 1, maxLength: 100 }),
  model: Type.String({ minLength: 1, maxLength: 100, description: `Free text; known models: ${KNOWN_PRINTER_MODELS.join(', ')}` }),
  site: Type.String({ maxLength: 100 }),
  duplex: Type.Boolean(),
  templateIds: Type.Array(Uuid, { maxItems: 100, uniqueItems: true }),
  enabled: Type.Boolean(),
};

const JobParams = Type.Object({ id: Uuid, jobId: Uuid }, { additionalProperties: false });
const ClientJobParams = Type.Object({ jobId: Uuid }, { additionalProperties: false });

const ERRORS = 'Codes: 404 `printer_not_found` (also outside your institutions), `institution_not_found`; 409 `printer_name_taken`; '
  + '422 `institution_required`, `blank`.';

/**
 * Card printers: the office's API (admins and managers, within their institutions) and the
 * printer client's API under /printer-client (authenticated by the printer's own credential,
 * `Authorization: Bearer ccp_…`, not by an account).
 */
export async function printersRoutes(app: AppInstance, deps: AppDeps): Promise<void> {
  const { printers, cards } = deps.services;
  const access = { roles: ['admin' as const, 'manager' as const] };
  const tags = ['printers'];
  app.addSchema(JobSchema);
  app.addSchema(PrinterSchema);

  app.get('/printer-models', {
    config: { access },
    schema: { tags, summary: 'Card printer models the console offers (any other model may be typed)', response: { 200: Type.Object({ items: Type.Array(Type.String()) }), ...errorResponses(401, 403) } },
  }, async () => ({ items: [...KNOWN_PRINTER_MODELS] }));

  app.get('/printers', {
    config: { access },
    schema: { tags, summary: 'Printers of your institutions, with their state (online, last seen, jobs waiting, current job)', response: { 200: Type.Object({ items: Type.Array(Type.Ref('Printer')) }), ...errorResponses(401, 403) } },
  }, async (request) => ({ items: await printers.list(principalOf(request)) }));

  app.post('/printers', {
    config: { access },
    schema: {
      tags, summary: 'Register a printer; answers its client credential, this once',
      description: `\`institution\`: a code; absent: the focused institution, else your only one. ${ERRORS}`,
      body: Type.Object({
        name: Fields.name, model: Fields.model,
        institution: Type.Optional(Type.String({ maxLength: 64 })),
        site: Type.Optional(Fields.site), duplex: Type.Optional(Fields.duplex), templateIds: Type.Optional(Fields.templateIds), enabled: Type.Optional(Fields.enabled),
      }, { additionalProperties: false }),
      response: { 201: WithToken, ...errorResponses(400, 401, 403, 404, 409, 422) },
    },
  }, async (request, reply) => reply.status(201).send(await printers.create(principalOf(request), request.body, actorOf(request))));

  app.get('/printers/:id', {
    config: { access },
    schema: { tags, summary: 'One printer', params: IdParams, response: { 200: Type.Ref('Printer'), ...errorResponses(400, 401, 403, 404) } },
  }, async (request) => printers.get(principalOf(request), request.params.id));

  app.put('/printers/:id', {
    config: { access },
    schema: {
      tags, summary: 'Change a printer (fields not sent keep their value; its institution and credential stay)', description: ERRORS, params: IdParams,
      body: Type.Object({
        name: Type.Optional(Fields.name), model: Type.Optional(Fields.model), site: Type.Optional(Fields.site),
        duplex: Type.Optional(Fields.duplex), templateIds: Type.Optional(Fields.templateIds), enabled: Type.Optional(Fields.enabled),
      }, { additionalProperties: false }),
      response: { 200: Type.Ref('Printer'), ...errorResponses(400, 401, 403, 404, 409, 422) },
    },
  }, async (request) => printers.update(principalOf(request), request.params.id, request.body, actorOf(request)));

  app.delete('/printers/:id', {
    config: { access },
    schema: { tags, summary: 'Delete a printer and its jobs (409 `printer_busy` while it prints one)', params: IdParams, response: { 204: Type.Null(), ...errorResponses(400, 401, 403, 404, 409) } },
  }, async (request, reply) => {
    await printers.remove(principalOf(request), request.params.id, actorOf(request));
    return reply.status(204).send(null);
  });

  app.post('/printers/:id/token', {
    config: { access },
    schema: {
      tags, summary: 'Replace the printer\'s client credential (the old one stops at once); answers it, this once',
      params: IdParams, response: { 200: WithToken, ...errorResponses(400, 401, 403, 404) },
    },
  }, async (request) => printers.rotateToken(principalOf(request), request.params.id, actorOf(request)));

  app.get('/printers/:id/jobs', {
    config: { access },
    schema: { tags, summary: 'The printer\'s latest 50 jobs, newest first', params: IdParams, response: { 200: Type.Object({ items: Type.Array(Type.Ref('PrinterJob')) }), ...errorResponses(400, 401, 403, 404) } },
  }, async (request) => ({ items: await printers.jobs(principalOf(request), request.params.id) }));

  app.post('/printers/:id/jobs', {
    config: { access },
    schema: {
      tags, summary: 'Send a print batch to the printer (a job its client takes)',
      description: 'Codes: 404 `printer_not_found`, `print_batch_not_found` (also of another institution than the printer\'s); 409 `printer_disabled`, `print_batch_not_ready`, `print_batches_unavailable`.',
      params: IdParams,
      body: Type.Object({ batchId: Uuid }, { additionalProperties: false }),
      response: { 201: Type.Ref('PrinterJob'), ...errorResponses(400, 401, 403, 404, 409) },
    },
  }, async (request, reply) => reply.status(201).send(await printers.send(principalOf(request), request.params.id, request.body, actorOf(request))));

  app.post('/print-batches/:id/send', {
    config: { access },
    schema: {
      tags, summary: 'Send a print batch to one of its institution\'s printers: takes the batch for the printer (its cards move to IN_PRINT) and queues a job its client prints',
      description: 'The printer\'s client reports the job done and the cards move to PRINTED; the office may also confirm the batch (the batch passes its cards\' lock to whoever confirms it). '
        + 'Codes: 404 `printer_not_found`, `print_batch_not_found` (also of another institution than the printer\'s, or outside yours); '
        + '409 `printer_disabled`, `printer_not_duplex` (the batch has backs), `print_batch_not_ready`, `print_batches_unavailable`.',
      params: IdParams,
      body: Type.Object({ printerId: Uuid }, { additionalProperties: false }),
      response: { 201: Type.Ref('PrinterJob'), ...errorResponses(400, 401, 403, 404, 409) },
    },
  }, async (request, reply) => reply.status(201).send(
    await printers.send(principalOf(request), request.body.printerId, { batchId: request.params.id }, actorOf(request))));

  app.post('/printers/:id/jobs/:jobId/cancel', {
    config: { access },
    schema: { tags, summary: 'Cancel a job its client has not taken yet (409 `job_status` otherwise)', params: JobParams, response: { 200: Type.Ref('PrinterJob'), ...errorResponses(400, 401, 403, 404, 409) } },
  }, async (request) => printers.cancel(principalOf(request), request.params.id, request.params.jobId, actorOf(request)));

  // The printer client's API: public to the access rules (no account), each call authenticated by
  // the printer's credential here; answers 401 `printer_token_invalid`, 403 `printer_disabled`.
  const clientTags = ['printer client'];
  const clientAccess = { public: true as const };
  const caller = (request: FastifyRequest): Promise<PrinterCaller> => printers.authenticate(bearerToken(request.headers.authorization));
  const clientErrors = (...statuses: number[]) => errorResponses(401, 403, ...statuses);
  // Long polls end when the server closes, so a restart is not held up by waiting clients.
  const closing = new AbortController();
  app.addHook('onClose', async () => closing.abort());

  app.post('/printer-client/heartbeat', {
    config: { access: clientAccess },
    schema: {
      tags: clientTags, summary: 'The client is alive: its version and spooler state; answers the printer\'s settings',
      body: Type.Object({
        version: Type.Optional(Type.String({ maxLength: 100 })),
        state: Type.Optional(Type.Union([Type.Literal('idle'), Type.Literal('printing'), Type.Literal('error')])),
        message: Type.Optional(Type.String({ maxLength: 500 })),
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ name: Type.String(), duplex: Type.Boolean(), jobsWaiting: Type.Integer() }), ...clientErrors(400) },
    },
  }, async (request) => printers.heartbeat(await caller(request), request.body));

  app.get('/printer-client/jobs/next', {
    config: { access: clientAccess },
    schema: {
      tags: clientTags, summary: 'The next job (long poll): the one the client holds, else the oldest queued one, now taken; 204 when none came in `wait` seconds',
      querystring: Type.Object({ wait: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_POLL_WAIT_SECONDS, default: 0 })) }, { additionalProperties: false }),
      response: { 200: Type.Ref('PrinterJob'), 204: Type.Null(), ...clientErrors(400) },
    },
  }, async (request, reply) => {
    const printer = await caller(request);
    const job = await printers.nextJob(printer, request.query.wait ?? 0, closing.signal);
    return job ? job : reply.status(204).send(null);
  });

  app.get('/printer-client/jobs/:jobId/file', {
    config: { access: clientAccess },
    schema: {
      tags: clientTags, summary: 'The job\'s PDF (one page per card face at CR80 size); the first download takes the batch (cards IN_PRINT)',
      params: ClientJobParams,
      response: { 200: Type.Unknown({ description: 'application/pdf' }), ...clientErrors(400, 404, 409) },
    },
  }, async (request, reply) => {
    const file = await printers.openJobFile(await caller(request), request.params.jobId);
    void reply.type('application/pdf').header('cache-control', 'no-store');
    if (file.size !== null) void reply.header('content-length', String(file.size));
    return reply.send(file.stream);
  });

  app.post('/printer-client/jobs/:jobId/progress', {
    config: { access: clientAccess },
    schema: {
      tags: clientTags, summary: 'Progress: pages (and cards) handed to the printer so far (422 `progress_exceeds_total`)',
      params: ClientJobParams,
      body: Type.Object({ pagesDone: Type.Integer({ minimum: 0 }), cardsDone: Type.Optional(Type.Integer({ minimum: 0 })) }, { additionalProperties: false }),
      response: { 200: Type.Ref('PrinterJob'), ...clientErrors(400, 404, 409, 422) },
    },
  }, async (request) => printers.progress(await caller(request), request.params.jobId, request.body));

  app.post('/printer-client/jobs/:jobId/done', {
    config: { access: clientAccess },
    schema: {
      tags: clientTags, summary: 'The job is printed: its cards move to PRINTED (a repeated report answers the same)',
      params: ClientJobParams, response: { 200: Type.Ref('PrinterJob'), ...clientErrors(400, 404, 409) },
    },
  }, async (request) => printers.done(await caller(request), request.params.jobId));

  app.post('/printer-client/jobs/:jobId/failed', {
    config: { access: clientAccess },
    schema: {
      tags: clientTags, summary: 'The job could not be printed (its cards stay IN_PRINT for the office)',
      params: ClientJobParams,
      body: Type.Object({
        code: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9_]+$' })),
        message: Type.String({ minLength: 1, maxLength: 1000 }),
      }, { additionalProperties: false }),
      response: { 200: Type.Ref('PrinterJob'), ...clientErrors(400, 404, 409) },
    },
  }, async (request) => printers.failed(await caller(request), request.params.jobId, request.body));

  app.post('/printer-client/cards/:id/csn', {
    config: { access: clientAccess },
    schema: {
      tags: clientTags,
      summary: 'Print-and-encode: the chip the printer\'s encoder read on a card of the printer\'s institution (as POST /cards/{id}/csn by an encoding station)',
      params: IdParams,
      body: Type.Object({
        csn: Type.String({ minLength: 1, maxLength: 64 }),
        form: Type.String({ maxLength: 40, description: `One of ${CSN_FORMS.join(', ')}` }),
        byteLength: Type.Optional(Type.Integer({ minimum: CSN_MIN_BYTES, maximum: CSN_MAX_BYTES })),
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ cardId: Uuid, state: Type.String() }), ...clientErrors(400, 404, 409, 422, 423) },
    },
  }, async (request) => {
    const printer = await caller(request);
    const card = await cards.bindCsn(request.params.id, request.body, printerPrincipal(printer),
      { actor: printer.actor, ip: request.ip, requestId: request.id });
    return { cardId: card.id, state: card.state };
  });
}
