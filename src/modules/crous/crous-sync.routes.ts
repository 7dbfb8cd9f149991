import { Type } from '@sinclair/typebox';
import type { AppDeps, AppInstance } from '../../app/app-types.ts';
import { principalOf } from '../../platform/http/access.ts';
import { actorOf, errorResponses, IdParams, Nullable, Uuid } from '../../platform/http/schemas.ts';
import { OFFICE_READ_ROLES } from '../auth/domain/roles.ts';
import { JobRunSchema } from '../jobs/jobs.routes.ts';
import { readerOf } from '../people/people.policy.ts';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((value) => Type.Literal(value)));

const LiveErrorSchema = Nullable(Type.Object({
  code: Type.String({ description: 'As in the sync entries: crous_timeout, crous_network, crous_http_503, crous_account_locked (423), crous_priority_elsewhere (406), crous_refused_<code> (422)…' }),
  message: Type.String({ description: 'The CROUS\'s own message, or what went wrong' }),
  remoteStatus: Nullable(Type.Integer({ description: 'The CROUS\'s HTTP status; null when it did not answer' })),
  crousCode: Nullable(Type.String({ description: 'The CROUS\'s error code ("-41"…)' })),
  meaning: Nullable(Type.Object({ fr: Type.String(), en: Type.String() }, { description: 'What a 406, 423 or known 422 means, in French and English' })),
}));

const LiveCardSchema = Type.Object({
  cardId: Uuid,
  idZdc: Type.Integer({ description: 'The card\'s number at the CROUS' }),
  expected: literals(['active', 'cancelled', 'untracked'] as const),
  status: literals(['active', 'cancelled', 'not_found', 'not_read', 'error'] as const),
  cancelReason: Nullable(Type.String({ description: 'DP lost, DV stolen, CD out of order, HS other' })),
  cancelDate: Nullable(Type.String()),
  revalidationDate: Nullable(Type.String()),
  error: LiveErrorSchema,
});

const LiveInstitutionSchema = Type.Object({
  institution: Type.String(),
  institutionName: Type.String(),
  status: literals(['read', 'not_found', 'error', 'not_configured', 'files_mode', 'paused', 'disabled', 'misconfigured', 'no_consent'] as const),
  problem: Nullable(Type.Object({ code: Type.String(), message: Type.String() }, { description: 'Why the CROUS was not asked' })),
  error: LiveErrorSchema,
  identifier: Nullable(Type.String({ description: 'The account identifier asked for (as the sync chooses it)' })),
  account: Nullable(Type.Object({
    identifier: Type.String(),
    accountStatus: Nullable(Type.String({ description: 'NON_CONFIRME, ACTIF, CLOTURE, CLOTURE_EN_COURS' })),
    blockingStatus: Nullable(Type.String({ description: 'NON_BLOQUE, BLOCAGE_PAR_3_MOTS_DE_PASSE_ERRONNES, MIS_EN_OPPOSITION, COMPTE_GELE' })),
    blocked: Type.Boolean(),
    idCompanyRate: Type.Integer(),
    idRate: Type.Integer(),
    dueDate: Type.String(),
    rneOrgCode: Type.String(),
  })),
  cards: Type.Array(LiveCardSchema),
  readAt: Nullable(Type.String({ description: 'When the oldest value shown was read at the CROUS' })),
  cached: Type.Boolean({ description: 'Some value comes from the 30-second cache (refresh=true asks again)' }),
  accountExpected: Type.Boolean({ description: 'campuscard wants an account at the CROUS (a card to send, or one it wrote before): not_found is then a difference' }),
  syncPending: Type.Boolean({ description: 'A sync entry of the person at this institution is pending: the CROUS may not show its change yet' }),
}, { $id: 'CrousLiveInstitution' });

const HistoryEntrySchema = Type.Object({
  id: Type.Integer(),
  institution: Type.String(),
  reason: Type.String(),
  status: literals(['pending', 'done', 'failed'] as const),
  attempts: Type.Integer(),
  createdAt: Type.String(),
  doneAt: Nullable(Type.String()),
  nextAttemptAt: Nullable(Type.String()),
  operations: Type.Array(Type.String()),
  lastError: Nullable(Type.Object({ code: Type.String(), message: Type.String(), remoteStatus: Nullable(Type.Integer()) })),
}, { $id: 'CrousHistoryEntry' });

const RefreshQuery = Type.Object({
  refresh: Type.Boolean({ default: false, description: 'Ask the CROUS again rather than show a read of the last 30 seconds' }),
}, { additionalProperties: false });

const ReconcileReportDoc = 'The run\'s result holds total, checked, skipped, inSync, differing, queued, errors, differences by kind and the first failures';

/**
 * The CROUS as the card and person pages show it (read live, 30 s cache) with the person's sync
 * history, for the card office within its institutions and person types (a person or card it
 * cannot see: the same 404 as a missing one); and the reconcile (admin, its institutions).
 */
export async function crousSyncRoutes(app: AppInstance, deps: AppDeps): Promise<void> {
  const { crousLiveState, crousReconcile, people, cards } = deps.services;
  app.addSchema(LiveInstitutionSchema);
  app.addSchema(HistoryEntrySchema);

  app.get('/persons/:id/crous', {
    config: { access: { roles: OFFICE_READ_ROLES } },
    schema: {
      tags: ['persons', 'crous'],
      summary: 'The person\'s CROUS/Izly account and cards, read live, at each institution the caller sees them at, and their sync entries with the CROUS',
      description: 'Nothing is asked of the CROUS where the connector is not set up, paused or disabled, or without the person\'s CROUS consent (status says so). '
        + 'A CROUS that does not answer or refuses gives status error with the code and meaning, never an error of this request.',
      params: IdParams,
      querystring: RefreshQuery,
      response: {
        200: Type.Object({ personId: Uuid, institutions: Type.Array(Type.Ref('CrousLiveInstitution')), history: Type.Array(Type.Ref('CrousHistoryEntry')) }),
        ...errorResponses(400, 401, 403, 404),
      },
    },
  }, async (request) => {
    const principal = principalOf(request);
    // The person as the caller may see them: only the enrolments of their institutions and person types (404 otherwise).
    const person = await people.read(request.params.id, readerOf(principal));
    const institutions = person.enrolments.map((e) => ({ institutionId: e.institutionId, institution: e.institution, institutionName: e.institutionName }));
    return crousLiveState.person(person.id, institutions, principal, request.query.refresh);
  });

  app.get('/cards/:id/crous', {
    config: { access: { roles: OFFICE_READ_ROLES } },
    schema: {
      tags: ['cards', 'crous'],
      summary: 'The card at the CROUS/Izly and its holder\'s account there (issuing institution), read live, with the holder\'s sync entries with the CROUS',
      params: IdParams,
      querystring: RefreshQuery,
      response: {
        200: Type.Object({ cardId: Uuid, personId: Uuid, crous: Type.Ref('CrousLiveInstitution'), history: Type.Array(Type.Ref('CrousHistoryEntry')) }),
        ...errorResponses(400, 401, 403, 404),
      },
    },
  }, async (request) => {
    const principal = principalOf(request);
    const card = await cards.get(request.params.id, principal);
    return crousLiveState.card({
      id: card.id, personId: card.personId, institutionId: card.institutionId, institution: card.institution, institutionName: card.institutionName,
    }, principal, request.query.refresh);
  });

  app.post('/admin/crous/reconcile', {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags: ['crous'],
      summary: 'Compare campuscard with the CROUS for the caller\'s institutions and queue a sync of every person that differs (a job: follow it at /jobs/{id})',
      description: ReconcileReportDoc,
      response: { 202: JobRunSchema, ...errorResponses(401, 403) },
    },
  }, async (request, reply) => reply.status(202).send(await crousReconcile.start(actorOf(request), principalOf(request))));
}
