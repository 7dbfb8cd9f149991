import { Type } from '@sinclair/typebox';
import type { AppDeps, AppInstance } from '../../app/app-types.ts';
import { principalOf } from '../../platform/http/access.ts';
import { errorResponses, IdParams, Nullable } from '../../platform/http/schemas.ts';
import { OFFICE_READ_ROLES, type Principal } from '../auth/domain/roles.ts';
import type { RunVisibility } from './jobs.repository.ts';

export const JobRunSchema = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  status: Type.String(),
  progress: Type.Object({ current: Type.Integer(), total: Nullable(Type.Integer()), percent: Nullable(Type.Integer()) }),
  message: Nullable(Type.String()),
  params: Type.Record(Type.String(), Type.Unknown()),
  result: Nullable(Type.Record(Type.String(), Type.Unknown())),
  error: Nullable(Type.Record(Type.String(), Type.Unknown())),
  createdBy: Type.String(),
  createdAt: Type.String(),
  startedAt: Nullable(Type.String()),
  finishedAt: Nullable(Type.String()),
  attempt: Type.Integer({ description: 'Times the run was started, retries included (0 while waiting for its first start)' }),
  recovery: Nullable(Type.Object({
    reason: Type.Literal('worker_lost'),
    at: Type.String(),
    retrying: Type.Boolean(),
    attempt: Type.Integer({ description: 'The attempt that comes next when retrying, else the one that was lost' }),
    attempts: Nullable(Type.Integer({ description: 'Attempts allowed in all, when known' })),
  }, { description: 'Set when the process running the job stopped (killed, lost) and the job was retried or failed' })),
});

/** What runs a caller may see: their own, and office staff those of the institutions in their scope. */
function visibilityOf(principal: Principal): RunVisibility {
  return { actor: principal.actor, scope: OFFICE_READ_ROLES.includes(principal.role) ? principal : null };
}

/** Progress of long-running jobs: office roles see those of their institutions, others only their own. */
export async function jobsRoutes(app: AppInstance, deps: AppDeps): Promise<void> {
  const { jobRuns } = deps.services;

  app.get('/jobs', {
    config: { access: { roles: 'authenticated' } },
    schema: {
      tags: ['jobs'],
      querystring: Type.Object({ kind: Type.Optional(Type.String({ maxLength: 50 })), limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }) },
        { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(JobRunSchema) }), ...errorResponses(401) },
    },
  }, async (request) => {
    return {
      items: await jobRuns.list({
        visibility: visibilityOf(principalOf(request)),
        ...(request.query.kind ? { kind: request.query.kind } : {}),
        limit: request.query.limit,
      }),
    };
  });

  app.get('/jobs/:id', {
    config: { access: { roles: 'authenticated' } },
    schema: { tags: ['jobs'], params: IdParams, response: { 200: JobRunSchema, ...errorResponses(401, 404) } },
  }, async (request) => jobRuns.get(request.params.id, visibilityOf(principalOf(request))));
}
