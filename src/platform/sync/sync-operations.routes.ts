import { Type } from '@sinclair/typebox';
import type { AppDeps, AppInstance } from '../../app/app-types.ts';
import { principalOf } from '../http/access.ts';
import { actorOf, errorResponses, Nullable, Uuid } from '../http/schemas.ts';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((value) => Type.Literal(value)));
const EntryStatus = literals(['pending', 'done', 'failed'] as const);
const Labels = Type.Object({ fr: Type.String(), en: Type.String() });

const ConnectorSchema = Type.Object({
  id: Type.String({ description: 'The connector key of the outbox (esc, crous, …): the URL segment' }),
  labels: Labels,
  counts: Type.Object({
    pending: Type.Integer(),
    retrying: Type.Integer({ description: 'Pending entries that failed at least once and wait for their next attempt' }),
    failed: Type.Integer({ description: 'Refused until the data changes or an operator replays them' }),
    doneLastDay: Type.Integer({ description: 'Delivered in the last 24 hours' }),
  }),
  oldestPendingAt: Nullable(Type.String()),
  oldestPendingSeconds: Type.Integer({ description: 'Age of the oldest pending entry (0 when none waits)' }),
  deliveries: Type.Object({
    lastMinute: Type.Integer(),
    lastHour: Type.Integer(),
    perSecond: Type.Number({ description: 'Estimated calls per second: the last minute\'s deliveries over 60 s' }),
  }),
  pausedInstitutions: Type.Array(Type.String(), { description: 'Institutions of the caller\'s scope where the connector is paused' }),
}, { $id: 'ConnectorSummary' });

const EntrySchema = Type.Object({
  id: Type.Integer(),
  connector: Type.String(),
  institution: Type.String({ description: 'Code of the institution whose view of the person the entry brings to the remote system' }),
  personId: Uuid,
  operation: Type.String(),
  reason: Type.String({ description: 'What triggered it (card_enabled, person_changed, …)' }),
  target: Type.Record(Type.String(), Type.String()),
  status: EntryStatus,
  attempts: Type.Integer(),
  nextAttemptAt: Nullable(Type.String()),
  lastError: Nullable(Type.Object({ code: Type.String(), message: Type.String(), remoteStatus: Nullable(Type.Integer()) })),
  result: Nullable(Type.Record(Type.String(), Type.Unknown())),
  supersededBy: Nullable(Type.Integer({ description: 'A later successful delivery of the same subject resolved this failure' })),
  createdBy: Type.String(),
  createdAt: Type.String(),
  doneAt: Nullable(Type.String()),
  replayedBy: Nullable(Type.String()),
  replayedByName: Type.Optional(Nullable(Type.String({ description: 'Who replayed it, readably (account display name, token name), on the single entry; null when unknown' }))),
  replayedAt: Nullable(Type.String()),
  holder: Nullable(Type.Object({ personId: Uuid, firstName: Type.String(), lastName: Type.String(), eppn: Type.String() }, {
    description: 'The person the entry is about; null once the person is gone, and for a subject that is not a person (webhooks)',
  })),
  subject: Type.Union([
    Type.Object({
      kind: Type.Literal('person'),
      id: Uuid,
      person: Nullable(Type.Object({ firstName: Type.String(), lastName: Type.String(), eppn: Type.String() }, { description: 'null once the person is gone' })),
    }),
    Type.Object({
      kind: Type.Literal('endpoint'),
      id: Uuid,
      endpoint: Nullable(Type.Object({ url: Type.String(), description: Type.String() }, {
        description: 'null once the endpoint is deleted, or for an endpoint outside the caller\'s institutions (of the whole deployment, of a federation above them)',
      })),
    }),
  ], { description: 'What the entry is about: a person, or for the webhooks connector the receiving endpoint (personId is then the endpoint\'s id)' }),
}, { $id: 'ConnectorEntry' });

const ConnectorParams = Type.Object({ connector: Type.String({ pattern: '^[a-z][a-z0-9-]{0,31}$' }) }, { additionalProperties: false });
const EntryParams = Type.Object({
  connector: Type.String({ pattern: '^[a-z][a-z0-9-]{0,31}$' }),
  entryId: Type.Integer({ minimum: 1, maximum: 9007199254740991 }),
}, { additionalProperties: false });

/**
 * The generic operator surfaces of every connector (issue 11): figures, entries, replays.
 * Admins and managers read, admins replay; each within their institutions and person types (the
 * database filters), as the ESC Router's own routes. An entry, an institution or a connector the
 * caller cannot see answers 404.
 */
export async function syncOperationsRoutes(app: AppInstance, deps: AppDeps): Promise<void> {
  const { syncOperations, auth } = deps.services;
  app.addSchema(ConnectorSchema);
  app.addSchema(EntrySchema);

  app.get('/connectors', {
    config: { access: { roles: ['admin', 'manager'] } },
    schema: {
      tags: ['connectors'],
      summary: 'Every connector (ESC Router, CROUS, …) with its backlog, failures, deliveries and paused institutions, within the caller\'s institutions and person types',
      response: { 200: Type.Object({ items: Type.Array(Type.Ref('ConnectorSummary')) }), ...errorResponses(401, 403) },
    },
  }, async (request) => ({ items: await syncOperations.list(principalOf(request)) }));

  app.get('/connectors/:connector/status', {
    config: { access: { roles: ['admin', 'manager'] } },
    schema: {
      tags: ['connectors'],
      summary: 'One connector\'s figures within the caller\'s scope',
      params: ConnectorParams,
      response: { 200: Type.Ref('ConnectorSummary'), ...errorResponses(400, 401, 403, 404) },
    },
  }, async (request) => syncOperations.summary(request.params.connector, principalOf(request)));

  app.get('/connectors/:connector/entries', {
    config: { access: { roles: ['admin', 'manager'] } },
    schema: {
      tags: ['connectors'],
      summary: 'A connector\'s outbox entries, newest first, with their subject (person or webhook endpoint), optionally of one subject, within the caller\'s scope (next page: before = nextBeforeId)',
      params: ConnectorParams,
      querystring: Type.Object({
        status: Type.Optional(EntryStatus),
        subject: Type.Optional(Type.String({ format: 'uuid', description: 'Only the entries of this subject: a person\'s id, or a webhook endpoint\'s for the webhooks connector' })),
        limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
        before: Type.Optional(Type.Integer({ minimum: 1, maximum: 9007199254740991 })),
      }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          items: Type.Array(Type.Ref('ConnectorEntry')),
          nextBeforeId: Nullable(Type.Integer({ description: 'Pass it as before for the next page; null on the last page' })),
        }),
        ...errorResponses(400, 401, 403, 404),
      },
    },
  }, async (request) => {
    const { status, subject, limit, before } = request.query;
    return syncOperations.entries(request.params.connector, {
      ...(status ? { status } : {}), ...(subject ? { subject } : {}), limit, ...(before ? { beforeId: before } : {}), scope: principalOf(request),
    });
  });

  app.get('/connectors/:connector/entries/:entryId', {
    config: { access: { roles: ['admin', 'manager'] } },
    schema: {
      tags: ['connectors'],
      summary: 'One entry with its last error (an entry outside the caller\'s scope: 404)',
      params: EntryParams,
      response: { 200: Type.Ref('ConnectorEntry'), ...errorResponses(400, 401, 403, 404) },
    },
  }, async (request) => {
    const entry = await syncOperations.entry(request.params.connector, request.params.entryId, principalOf(request));
    const names = await auth.actorNames(entry.replayedBy ? [entry.replayedBy] : []);
    return { ...entry, replayedByName: entry.replayedBy ? names.get(entry.replayedBy) ?? null : null };
  });

  app.post('/connectors/:connector/entries/:entryId/replay', {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags: ['connectors'],
      summary: 'Put a failed (or waiting) entry back in the queue now (outside the caller\'s scope: 404; delivered: 409)',
      params: EntryParams,
      response: { 200: Type.Ref('ConnectorEntry'), ...errorResponses(400, 401, 403, 404, 409) },
    },
  }, async (request) => syncOperations.replay(request.params.connector, request.params.entryId, actorOf(request), principalOf(request)));

  app.post('/connectors/:connector/replay-failed', {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags: ['connectors'],
      summary: 'Put every failed entry of the caller\'s scope back in the queue now, optionally of one institution, one error code or one subject',
      params: ConnectorParams,
      body: Type.Optional(Type.Object({
        institution: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,31}$', description: 'Only this institution\'s entries (its code)' })),
        errorCode: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Only the entries whose last error has this code' })),
        subject: Type.Optional(Type.String({ format: 'uuid', description: 'Only the entries of this subject: a person\'s id, or a webhook endpoint\'s for the webhooks connector' })),
      }, { additionalProperties: false })),
      response: {
        200: Type.Object({ count: Type.Integer({ description: 'Entries queued again' }), persons: Type.Integer({ description: 'Persons concerned' }) }),
        ...errorResponses(400, 401, 403, 404),
      },
    },
  }, async (request) => syncOperations.replayFailed(request.params.connector, {
    ...(request.body?.institution !== undefined ? { institution: request.body.institution } : {}),
    ...(request.body?.errorCode !== undefined ? { errorCode: request.body.errorCode } : {}),
    ...(request.body?.subject !== undefined ? { subject: request.body.subject } : {}),
  }, actorOf(request), principalOf(request)));
}
