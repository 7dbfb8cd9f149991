/**
 * The webhook endpoints' SQL (table `webhook_endpoints`, migration 0037). Lists and look-ups
 * filter by the caller's institutions in the query (`inScope`; an endpoint of the whole
 * deployment, institution null, matches only an unlimited scope).
 */
import { sql, type Selectable, type Updateable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import { inScope, type AccessScope } from '../../platform/db/scope-filter.ts';
import type { WebhookEndpointsTable } from './webhooks.tables.ts';

export type WebhookEndpointRow = Selectable<WebhookEndpointsTable>;

/** What an endpoint is created with. */
export interface NewWebhookEndpoint {
  id: string;
  institutionId: number | null;
  url: string;
  description: string;
  eventNames: string[];
  grants: string[];
  secretEncrypted: string;
  secretHint: string;
  createdBy: string;
}

/** The endpoints within `scope`, oldest first. */
export async function listEndpoints(executor: Executor, scope: Pick<AccessScope, 'institutionIds'>): Promise<WebhookEndpointRow[]> {
  return executor.selectFrom('webhookEndpoints').selectAll()
    .where(() => inScope({ institutionIds: scope.institutionIds, personTypes: null }, { institution: 'webhook_endpoints.institution_id' }))
    .orderBy('createdAt').orderBy('id')
    .execute();
}

/** One endpoint, if it exists within `scope` (null scope: whatever its institution). */
export async function findEndpoint(executor: Executor, id: string, scope: Pick<AccessScope, 'institutionIds'> | null,
  options: { forUpdate?: boolean } = {}): Promise<WebhookEndpointRow | undefined> {
  let query = executor.selectFrom('webhookEndpoints').selectAll().where('id', '=', id);
  if (scope) query = query.where(() => inScope({ institutionIds: scope.institutionIds, personTypes: null }, { institution: 'webhook_endpoints.institution_id' }));
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

/** The endpoints of these ids that exist within `scope` (the others are left out). */
export async function findEndpoints(executor: Executor, ids: readonly string[], scope: Pick<AccessScope, 'institutionIds'>): Promise<WebhookEndpointRow[]> {
  if (ids.length === 0) return [];
  return executor.selectFrom('webhookEndpoints').selectAll().where('id', 'in', [...ids])
    .where(() => inScope({ institutionIds: scope.institutionIds, personTypes: null }, { institution: 'webhook_endpoints.institution_id' }))
    .execute();
}

/** Inserts an endpoint (its id chosen by the caller: the secret's encryption is bound to it). */
export async function insertEndpoint(executor: Executor, row: NewWebhookEndpoint): Promise<WebhookEndpointRow> {
  return executor.insertInto('webhookEndpoints').values({
    id: row.id, institutionId: row.institutionId, url: row.url, description: row.description,
    eventNames: row.eventNames, grants: row.grants,
    secretEncrypted: row.secretEncrypted, secretHint: row.secretHint, createdBy: row.createdBy, updatedBy: row.createdBy,
  }).returningAll().executeTakeFirstOrThrow();
}

/** Changes an endpoint; returns it as written. */
export async function updateEndpoint(executor: Executor, id: string,
  changes: Updateable<WebhookEndpointsTable> & { updatedBy: string }): Promise<WebhookEndpointRow> {
  return executor.updateTable('webhookEndpoints').set({ ...changes, updatedAt: sql<Date>`now()` }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

/** Deletes an endpoint; false when there was none. */
export async function deleteEndpoint(executor: Executor, id: string): Promise<boolean> {
  const result = await executor.deleteFrom('webhookEndpoints').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** An endpoint not disabled, with what deciding its subscriptions needs. */
export type LiveEndpoint = Pick<WebhookEndpointRow, 'id' | 'institutionId' | 'eventNames' | 'status'>;

/** The endpoints not disabled, with what deciding their subscriptions needs (a handful of rows). */
export async function liveEndpoints(executor: Executor): Promise<LiveEndpoint[]> {
  return executor.selectFrom('webhookEndpoints').select(['id', 'institutionId', 'eventNames', 'status'])
    .where('status', '<>', 'disabled').orderBy('createdAt').orderBy('id').execute();
}

/** Each institution's parent (federation), for the institutions that have one. */
export async function institutionParents(executor: Executor): Promise<Map<number, number>> {
  const rows = await executor.selectFrom('institutions').select(['id', 'parentId']).where('parentId', 'is not', null).execute();
  return new Map(rows.map((row) => [Number(row.id), Number(row.parentId)]));
}
