import { Type } from '@sinclair/typebox';
import type { AppDeps, AppInstance } from '../../app/app-types.ts';
import { principalOf } from '../../platform/http/access.ts';
import { notFound } from '../../platform/http/problem.ts';
import { actorOf, errorResponses, IdParams, Nullable, Uuid } from '../../platform/http/schemas.ts';
import { coversInstitution } from '../auth/domain/roles.ts';
import { JobRunSchema } from '../jobs/jobs.routes.ts';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((value) => Type.Literal(value)));
const EntryStatus = literals(['pending', 'done', 'failed'] as const);
const ErrorSchema = Nullable(Type.Object({ code: Type.String(), message: Type.String(), routerStatus: Nullable(Type.Integer()) }));

const EntrySchema = Type.Object({
  id: Type.Integer(),
  institution: Type.String({ description: 'Code of the institution whose view of the person the entry brings to the router, with its PIC and key' }),
  personId: Uuid,
  operation: Type.Literal('sync_person'),
  reason: Type.String({ description: 'What triggered it: card_enabled, card_disabled, card_caduc, consent_withdrawn, person_changed…' }),
  target: Type.Record(Type.String(), Type.String()),
  status: EntryStatus,
  attempts: Type.Integer(),
  nextAttemptAt: Nullable(Type.String()),
  lastError: ErrorSchema,
  result: Nullable(Type.Record(Type.String(), Type.Unknown())),
  supersededBy: Nullable(Type.Integer({ description: 'A later successful delivery of the same person resolved this failure' })),
  createdBy: Type.String(),
  createdAt: Type.String(),
  doneAt: Nullable(Type.String()),
  replayedBy: Nullable(Type.String()),
  replayedAt: Nullable(Type.String()),
}, { $id: 'EscSyncEntry' });

const ListedEntrySchema = Type.Composite([EntrySchema, Type.Object({
  holder: Nullable(Type.Object({
    personId: Uuid,
    firstName: Type.String(),
    lastName: Type.String(),
    eppn: Type.String({ description: 'Finds the holder\'s cards in the card list' }),
  }, { description: 'The person the entry is about; null once the person is gone' })),
  card: Nullable(Type.Object({ id: Uuid, escn: Type.String() }, {
    description: 'The card whose move wrote the entry; for an entry about the person, their ENABLED card, else the newest numbered one; null when they hold none',
  })),
})], { $id: 'EscSyncListedEntry' });

const StatusSchema = Type.Object({
  enabled: Type.Boolean({ description: 'False when no ESC Router is configured (ESC_ROUTER_URL): nothing is written or sent' }),
  router: Type.Union([literals(['external', 'embedded_simulator'] as const), Type.Null()], {
    description: 'external: the router of ESC_ROUTER_URL; embedded_simulator: the demo simulator inside the server (ESC_ROUTER_SIMULATOR), which forgets everything when it stops; null: sync off',
  }),
  routerUrl: Nullable(Type.String({ description: 'The base URL of the external router (ESC_ROUTER_URL); its API key is never shown' })),
  counts: Type.Object({ pending: Type.Integer(), failed: Type.Integer(), done: Type.Integer(), retrying: Type.Integer() }),
  oldestPendingAt: Nullable(Type.String()),
  recentFailures: Type.Array(Type.Ref('EscSyncEntry')),
});

const PersonSyncState = literals(['disabled', 'in_sync', 'pending', 'failed', 'not_registered'] as const);
const RouterRecordsSchema = Type.Object({
  person: Nullable(Type.Object({ esi: Type.String(), confirmed: Type.Boolean(), confirmedAt: Nullable(Type.String()) })),
  cards: Type.Array(Type.Object({ escn: Type.String(), status: Nullable(Type.String()), confirmed: Type.Boolean(), confirmedAt: Nullable(Type.String()) })),
});

const PersonSyncSchema = Type.Object({
  enabled: Type.Boolean(),
  personId: Uuid,
  state: Type.Union(PersonSyncState.anyOf, { description: 'The least happy state over the institutions below' }),
  router: Type.Composite([RouterRecordsSchema], { description: 'The person record of the first institution, and the cards of all' }),
  lastError: ErrorSchema,
  entries: Type.Array(Type.Ref('EscSyncEntry')),
  institutions: Type.Array(Type.Object({
    institution: Type.String(),
    state: PersonSyncState,
    router: RouterRecordsSchema,
    lastError: ErrorSchema,
  }), { description: 'Each institution of the caller\'s scope that registers the person with its own PIC and key' }),
});

const ApiKeyStatusSchema = Type.Object({
  configured: Type.Boolean({ description: 'The institution has an ESC Router API key of its own' }),
  last4: Nullable(Type.String({ description: 'Its last four characters; the key itself is never shown' })),
  source: Type.Union([literals(['institution', 'deployment'] as const), Type.Null()], {
    description: 'Which key its sync uses: its own, the deployment\'s (ESC_ROUTER_API_KEY), or none',
  }),
});

const InstitutionParams = Type.Object({ code: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,31}$' }) }, { additionalProperties: false });

/** The ESC data of a card, shared with the card pages. */
export const CardEscSchema = Type.Object({
  cardId: Uuid,
  escn: Nullable(Type.String()),
  qrContent: Nullable(Type.String({ description: 'What the card\'s QR code encodes: the verifier URL prefix and the ESCN' })),
  sync: Type.Object({
    enabled: Type.Boolean(),
    state: literals(['disabled', 'registered', 'pending', 'failed', 'not_registered'] as const),
    // With not_registered: why, when known (EscNotRegisteredReason).
    reason: Nullable(literals(['no_escn', 'institution_no_pic', 'institution_no_key', 'not_enrolled', 'no_consent', 'card_state',
      'disabled_deleted', 'missing_esi', 'invalid_esi', 'missing_expiry'] as const)),
    routerStatus: Nullable(Type.String()),
    confirmedAt: Nullable(Type.String()),
    lastError: ErrorSchema,
  }),
});

const EntryParams = Type.Object({ entryId: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });

/**
 * ESC Router sync for operators: overall state, per-person state, replays and reconcile (admin;
 * managers read, within their person types), and the ESC data of a card (its holder or office).
 */
export async function escSyncRoutes(app: AppInstance, deps: AppDeps): Promise<void> {
  const { escSync, cards, institution } = deps.services;
  const { db } = deps.database;

  /** The institution of this code if the caller's scope covers it; else the same 404 as an unknown code. */
  async function institutionInScope(code: string, principal: ReturnType<typeof principalOf>): Promise<{ id: number }> {
    const found = await institution.byCode(db, code);
    if (!found || !coversInstitution(principal, found.id)) throw notFound('institution_not_found', 'No such institution');
    return found;
  }
  app.addSchema(EntrySchema);
  app.addSchema(ListedEntrySchema);

  app.get('/esc/sync/status', {
    config: { access: { roles: ['admin', 'manager'] } },
    schema: {
      tags: ['esc'],
      summary: 'ESC Router sync: counts of pending, failed and done entries, and the most recent failures, within the caller\'s institutions and person types',
      response: { 200: StatusSchema, ...errorResponses(401, 403) },
    },
  }, async (request) => escSync.status(principalOf(request)));

  app.get('/esc/sync/entries', {
    config: { access: { roles: ['admin', 'manager'] } },
    schema: {
      tags: ['esc'],
      summary: 'Outbox entries, newest first, with their holder and card; a caller limited to some institutions or person types gets theirs only (next page: beforeId = nextBeforeId)',
      querystring: Type.Object({
        status: Type.Optional(EntryStatus),
        limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
        beforeId: Type.Optional(Type.Integer({ minimum: 1 })),
      }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          items: Type.Array(Type.Ref('EscSyncListedEntry')),
          nextBeforeId: Nullable(Type.Integer({ description: 'Pass it as beforeId for the next page; null on the last page' })),
        }),
        ...errorResponses(400, 401, 403),
      },
    },
  }, async (request) => {
    const { status, limit, beforeId } = request.query;
    return escSync.entries({ ...(status ? { status } : {}), limit, ...(beforeId ? { beforeId } : {}), scope: principalOf(request) });
  });

  app.get('/persons/:id/esc-sync', {
    config: { access: { roles: ['admin', 'manager'] } },
    schema: {
      tags: ['esc'],
      summary: 'Where one person stands with the ESC Router at each institution of the caller\'s scope: what was sent, what waits, what failed',
      params: IdParams,
      response: { 200: PersonSyncSchema, ...errorResponses(400, 401, 403, 404) },
    },
  }, async (request) => {
    const principal = principalOf(request);
    // Same answer as for a missing person when the caller's institutions and person types do not cover this one.
    if (!(await escSync.personVisible(request.params.id, principal))) throw notFound('person_not_found', 'No such person');
    return escSync.personSync(request.params.id, principal);
  });

  app.post('/esc/sync/replay/:entryId', {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags: ['esc'],
      summary: 'Put a failed (or waiting) entry back in the queue now (an entry of an institution outside the caller\'s scope: 404)',
      params: EntryParams,
      response: { 200: Type.Ref('EscSyncEntry'), ...errorResponses(400, 401, 403, 404, 409) },
    },
  }, async (request) => escSync.replay(request.params.entryId, actorOf(request), principalOf(request)));

  app.post('/esc/sync/replay-failed', {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags: ['esc'],
      summary: 'Put every failed entry of the caller\'s institutions back in the queue now',
      response: { 200: Type.Object({ count: Type.Integer() }), ...errorResponses(401, 403, 409) },
    },
  }, async (request) => escSync.replayFailed(actorOf(request), principalOf(request)));

  app.post('/esc/sync/reconcile', {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags: ['esc'],
      summary: 'Compare campuscard with the ESC Router for the caller\'s institutions, each with its own key, and fix every difference (a job: follow it at /jobs/{id})',
      response: { 202: JobRunSchema, ...errorResponses(401, 403, 409) },
    },
  }, async (request, reply) => reply.status(202).send(await escSync.startReconcile(actorOf(request), principalOf(request))));

  app.get('/institutions/:code/esc-api-key', {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags: ['esc', 'institutions'],
      summary: 'Whether the institution has its own ESC Router API key (never the key, only its last four characters)',
      params: InstitutionParams,
      response: { 200: ApiKeyStatusSchema, ...errorResponses(400, 401, 403, 404) },
    },
  }, async (request) => {
    const found = await institutionInScope(request.params.code, principalOf(request));
    return escSync.apiKeyStatus(found.id);
  });

  app.put('/institutions/:code/esc-api-key', {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags: ['esc', 'institutions'],
      summary: 'Give the institution its own ESC Router API key, stored encrypted (null: use the deployment\'s key again); waiting entries are retried with it',
      params: InstitutionParams,
      body: Type.Object({
        // Null first: under Ajv's type coercion a string branch tried first would turn null into ''.
        apiKey: Type.Union([Type.Null(), Type.String({ maxLength: 1024 })], {
          description: 'The key the router issued for the institution\'s PIC (write-only); null: use the deployment\'s key again',
        }),
      }, { additionalProperties: false }),
      response: { 200: ApiKeyStatusSchema, ...errorResponses(400, 401, 403, 404, 409, 422) },
    },
  }, async (request) => {
    const found = await institutionInScope(request.params.code, principalOf(request));
    return escSync.setApiKey(found.id, request.body.apiKey, actorOf(request));
  });

  app.get('/cards/:id/esc', {
    config: { access: { roles: 'authenticated' } },
    schema: {
      tags: ['cards', 'esc'],
      summary: 'The card\'s ESCN, QR content and ESC Router sync state (its holder, or the card office)',
      params: IdParams,
      response: { 200: CardEscSchema, ...errorResponses(400, 401, 404) },
    },
  }, async (request) => {
    const card = await cards.get(request.params.id, principalOf(request));
    return escSync.cardEsc(card, deps.config.qrPrefix);
  });
}
