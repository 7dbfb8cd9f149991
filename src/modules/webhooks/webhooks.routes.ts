import { Type } from '@sinclair/typebox';
import type { AppDeps, AppInstance } from '../../app/app-types.ts';
import { principalOf } from '../../platform/http/access.ts';
import { actorOf, errorResponses, IdParams, Nullable, NullableInput, Uuid } from '../../platform/http/schemas.ts';
import { EVENT_CATALOGUE, EVENT_NAMES, GRANTED_PARTS } from '../../platform/events/event-catalogue.ts';
import { EVENT_GROUPS, MAX_URL_LENGTH } from './domain/webhook-endpoint.ts';
import { DEFAULT_ROTATION_GRACE_HOURS, MAX_ROTATION_GRACE_HOURS } from './webhooks.service.ts';

const Status = Type.Union([Type.Literal('active'), Type.Literal('paused'), Type.Literal('disabled')], {
  description: 'active: delivered; paused: deliveries wait (they accumulate and are sent on resume); disabled: nothing is queued for it',
});

const EndpointSchema = Type.Object({
  id: Uuid,
  institution: Nullable(Type.String({ description: 'Institution code (a federation: its members\' events too); null: the whole deployment' })),
  url: Type.String(),
  description: Type.String(),
  events: Type.Array(Type.String(), { description: 'Event names of the catalogue, or group wildcards (card.*)' }),
  grants: Type.Array(Type.String(), { description: `Granted parts the endpoint receives in each event's data (${GRANTED_PARTS.join(', ')})` }),
  status: Status,
  statusReason: Nullable(Type.String({ description: 'Why the system changed the status (e.g. the receiver answered 410 Gone)' })),
  secretHint: Type.String({ description: 'The last four characters of the current secret (the secret itself is shown only once)' }),
  secretCreatedAt: Type.String({ format: 'date-time' }),
  previousSecret: Nullable(Type.Object({
    hint: Type.String(),
    expiresAt: Type.String({ format: 'date-time', description: 'Until then deliveries carry a signature with it too' }),
  })),
  createdBy: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedBy: Type.String(),
  updatedAt: Type.String({ format: 'date-time' }),
  deliveries: Type.Object({
    pending: Type.Integer({ description: 'Deliveries waiting (first try, retries, or the endpoint paused)' }),
    failed: Type.Integer({ description: 'Deliveries that failed (replayable on the connectors\' operator routes, connector webhooks)' }),
    lastDeliveredAt: Nullable(Type.String({ format: 'date-time', description: 'When the receiver last accepted a delivery; null: never' })),
    retry: Nullable(Type.Object({
      attempts: Type.Integer({ description: 'Attempts made so far' }),
      nextAttemptAt: Type.String({ format: 'date-time', description: 'When it is tried again' }),
      lastError: Type.Object({
        code: Nullable(Type.String({ description: 'Stable error code (receiver_unavailable, receiver_unreachable, …)' })),
        message: Nullable(Type.String()),
        remoteStatus: Nullable(Type.Integer({ description: 'The receiver\'s HTTP status, when it answered' })),
      }),
    }, { description: 'The oldest waiting delivery when the receiver already failed it (the later ones wait behind it); null: not retrying' })),
  }, { description: 'Its deliveries within your institutions (connector outbox, connector webhooks)' }),
}, { $id: 'WebhookEndpoint' });

const WithSecret = Type.Object({
  endpoint: Type.Ref('WebhookEndpoint'),
  secret: Type.String({ description: 'The signing secret (whsec_…): shown this once, store it in the receiver now' }),
});

const Fields = {
  url: Type.String({ minLength: 1, maxLength: MAX_URL_LENGTH, description: 'https URL of the receiver' }),
  description: Type.String({ maxLength: 500 }),
  events: Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 100, description: `Event names (${EVENT_NAMES.join(', ')}) or group wildcards (${EVENT_GROUPS.map((group) => `${group}.*`).join(', ')})` }),
  grants: Type.Array(Type.String({ maxLength: 32 }), { maxItems: 10, description: `Granted parts (${GRANTED_PARTS.join(': names and eppn, ')}: the chip number); none: ids and states only` }),
  status: Status,
};

const ERRORS = 'Codes: 400 `validation_failed` (field /url: https_required, url_credentials, invalid_url; /events/<i>: unknown_event; /grants/<i>: unknown_grant), '
  + '403 `webhooks_need_all_person_types`, 404 `webhook_endpoint_not_found` (also outside your institutions) or `institution_not_found`, '
  + '409 `secret_encryption_not_configured`, 422 `institution_required`.';

const OutcomeSchema = Type.Object({
  result: Type.Union([Type.Literal('ok'), Type.Literal('retryable'), Type.Literal('failed')]),
  status: Nullable(Type.Integer({ description: 'The receiver\'s HTTP status; null without an answer' })),
  message: Type.String(),
  durationMs: Type.Integer(),
  retryAfterSeconds: Type.Optional(Type.Integer()),
  disableEndpoint: Type.Boolean({ description: 'The receiver answered 410 Gone' }),
});

/**
 * Webhook endpoints (admins; an admin limited to some institutions sees and manages only the
 * endpoints of those, and an endpoint of the whole deployment belongs to admins of every
 * institution). Secrets are shown once, at creation and at rotation.
 */
export async function webhooksRoutes(app: AppInstance, deps: AppDeps): Promise<void> {
  const { webhooks } = deps.services;
  const access = { roles: ['admin' as const] };
  const tags = ['webhooks'];
  app.addSchema(EndpointSchema);

  app.get('/admin/webhook-events', {
    config: { access },
    schema: {
      tags, summary: 'The events an endpoint may subscribe to, by group, the granted parts it may receive, and whether secrets can be stored',
      response: {
        200: Type.Object({
          groups: Type.Array(Type.Object({ group: Type.String(), events: Type.Array(Type.Object({ name: Type.String(), description: Type.String() })) })),
          grants: Type.Array(Type.String()),
          canStoreSecrets: Type.Boolean({ description: 'False when CONNECTOR_SECRETS_KEY is not set: endpoints cannot be registered (409 secret_encryption_not_configured)' }),
        }),
        ...errorResponses(401, 403),
      },
    },
  }, async () => ({
    groups: EVENT_GROUPS.map((group) => ({
      group,
      events: EVENT_NAMES.filter((name) => name.startsWith(`${group}.`)).map((name) => ({ name, description: EVENT_CATALOGUE[name].description })),
    })),
    grants: [...GRANTED_PARTS],
    canStoreSecrets: webhooks.canStoreSecrets(),
  }));

  app.get('/admin/webhook-endpoints', {
    config: { access },
    schema: { tags, summary: 'Webhook endpoints of your institutions (never their secrets)', response: { 200: Type.Object({ items: Type.Array(Type.Ref('WebhookEndpoint')) }), ...errorResponses(401, 403) } },
  }, async (request) => ({ items: await webhooks.list(principalOf(request)) }));

  app.post('/admin/webhook-endpoints', {
    config: { access },
    schema: {
      tags, summary: 'Register a webhook endpoint; answers its signing secret, this once',
      description: `\`institution\`: a code (a federation receives its members' events), null for the whole deployment (admins of every institution), absent: the focused institution, else your only one, else the whole deployment. ${ERRORS}`,
      body: Type.Object({
        url: Fields.url, events: Fields.events,
        institution: Type.Optional(NullableInput(Type.String({ maxLength: 64 }))),
        description: Type.Optional(Fields.description), grants: Type.Optional(Fields.grants), status: Type.Optional(Fields.status),
      }, { additionalProperties: false }),
      response: { 201: WithSecret, ...errorResponses(400, 401, 403, 404, 409, 422) },
    },
  }, async (request, reply) => reply.status(201).send(await webhooks.create(principalOf(request), request.body, actorOf(request))));

  app.get('/admin/webhook-endpoints/:id', {
    config: { access },
    schema: { tags, summary: 'One webhook endpoint', params: IdParams, response: { 200: Type.Ref('WebhookEndpoint'), ...errorResponses(400, 401, 403, 404) } },
  }, async (request) => webhooks.get(principalOf(request), request.params.id));

  app.put('/admin/webhook-endpoints/:id', {
    config: { access },
    schema: {
      tags, summary: 'Change a webhook endpoint (fields not sent keep their value; its institution and secret stay)', description: ERRORS, params: IdParams,
      body: Type.Object({
        url: Type.Optional(Fields.url), description: Type.Optional(Fields.description), events: Type.Optional(Fields.events),
        grants: Type.Optional(Fields.grants), status: Type.Optional(Fields.status),
      }, { additionalProperties: false }),
      response: { 200: Type.Ref('WebhookEndpoint'), ...errorResponses(400, 401, 403, 404) },
    },
  }, async (request) => webhooks.update(principalOf(request), request.params.id, request.body, actorOf(request)));

  app.delete('/admin/webhook-endpoints/:id', {
    config: { access },
    schema: { tags, summary: 'Delete a webhook endpoint', params: IdParams, response: { 204: Type.Null(), ...errorResponses(400, 401, 403, 404) } },
  }, async (request, reply) => {
    await webhooks.remove(principalOf(request), request.params.id, actorOf(request));
    return reply.status(204).send(null);
  });

  app.post('/admin/webhook-endpoints/:id/rotate-secret', {
    config: { access },
    schema: {
      tags, summary: 'Give the endpoint a new secret, answered this once; the previous one keeps signing beside it for graceHours',
      description: `Deliveries carry one signature per secret (space-separated) during the grace. graceHours: default ${DEFAULT_ROTATION_GRACE_HOURS}, 0 stops the previous secret at once (leaked). ${ERRORS}`,
      params: IdParams,
      body: Type.Optional(Type.Object({ graceHours: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_ROTATION_GRACE_HOURS })) }, { additionalProperties: false })),
      response: { 200: WithSecret, ...errorResponses(400, 401, 403, 404, 409) },
    },
  }, async (request) => webhooks.rotateSecret(principalOf(request), request.params.id, request.body ?? {}, actorOf(request)));

  app.post('/admin/webhook-endpoints/:id/test', {
    config: { access },
    schema: {
      tags, summary: 'Send a signed test event (type webhook.test) to the endpoint now and say how the receiver answered (not stored, not retried)',
      params: IdParams,
      response: { 200: OutcomeSchema, ...errorResponses(400, 401, 403, 404, 409) },
    },
  }, async (request) => webhooks.sendTest(principalOf(request), request.params.id));
}
