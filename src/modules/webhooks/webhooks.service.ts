/**
 * Webhook endpoints: outside systems registered to receive events, signed following Standard
 * Webhooks. Admins manage them within their institutions (an endpoint of one institution, of a
 * federation with its members, or of the whole deployment for admins without an institution
 * limit); secrets are generated here, shown once (at creation and rotation), stored encrypted
 * and never shown again but by a hint. The webhook connector (webhook-sync.service.ts) asks which
 * endpoints events go to ({@link WebhooksService.subscribersOf}, ids only) in the transaction that
 * writes them, then reads each endpoint's secrets at delivery time ({@link WebhooksService.targetById})
 * and delivers with webhook-delivery.ts.
 *
 * Invariants: an endpoint outside the caller's scope answers 404 like one that does not exist;
 * a secret never leaves this service but in the answer of create and rotate, and to the delivery
 * call; nothing about an endpoint's secrets or an event's data is logged.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';
import { inTransaction, type ActorContext, type Executor } from '../../platform/db/database.ts';
import { createSecretCipher, secretHint, type SecretCipher } from '../../platform/crypto/secret-cipher.ts';
import { badRequest, conflict, forbidden, notFound, unprocessable } from '../../platform/http/problem.ts';
import type { GrantedPart } from '../../platform/events/event-catalogue.ts';
import { newWebhookSecret } from '../../platform/events/webhook-signature.ts';
import type { InstitutionService } from '../institution/institution.service.ts';
import {
  checkEndpointUrl, checkGrants, checkSubscriptions, subscribesTo, type EndpointInputError,
} from './domain/webhook-endpoint.ts';
import {
  DEFAULT_DELIVERY_TIMEOUT_MS, deliverWebhook, type WebhookDeliveryOutcome, type WebhookEvent, type WebhookTarget,
} from './webhook-delivery.ts';
import { subjectFigures } from '../../platform/sync/sync-operations.repository.ts';
import * as repo from './webhooks.repository.ts';
import { WEBHOOK_CONNECTOR } from './webhook-sync.service.ts';
import type { WebhookEndpointStatus } from './webhooks.tables.ts';

/** Who manages endpoints: their institutions (null: all) and person types (null: all). */
export interface WebhookManager {
  institutionIds: readonly number[] | null;
  personTypes: readonly string[] | null;
  focusInstitutionId: number | null;
}

/** An endpoint as the API shows it: never a secret, only hints. */
export interface WebhookEndpointView {
  id: string;
  /** Institution code; null: the whole deployment. */
  institution: string | null;
  url: string;
  description: string;
  events: string[];
  grants: GrantedPart[];
  status: WebhookEndpointStatus;
  statusReason: string | null;
  /** The last four characters of the current secret. */
  secretHint: string;
  secretCreatedAt: string;
  /** The previous secret while it still signs (after a rotation), else null. */
  previousSecret: { hint: string; expiresAt: string } | null;
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
  /** Its deliveries (connector outbox entries) within the caller's institutions. */
  deliveries: WebhookDeliveryFigures;
}

/** An endpoint's deliveries as its admins see them: what waits, what failed, when one last arrived, whether it is retrying. */
export interface WebhookDeliveryFigures {
  pending: number;
  failed: number;
  lastDeliveredAt: string | null;
  /** Its oldest waiting delivery when the receiver already failed it (the ones after it wait): its last error and next attempt. */
  retry: { attempts: number; nextAttemptAt: string; lastError: { code: string | null; message: string | null; remoteStatus: number | null } } | null;
}

/** How the operator surfaces name an endpoint, the subject of webhook deliveries. */
export interface WebhookEndpointName {
  url: string;
  description: string;
}

/** What an admin writes; on update, absent fields keep their value. */
export interface WebhookEndpointInput {
  institution?: string | null;
  url?: string;
  description?: string;
  events?: string[];
  grants?: string[];
  status?: WebhookEndpointStatus;
}

/**
 * An endpoint an event goes to, as the outbox files it in the transaction of the change: no
 * secret (an outbox entry must never hold one; the delivery asks {@link WebhooksService.targetById}).
 */
export interface WebhookSubscriber {
  id: string;
  institutionId: number | null;
  /** paused: file the entry, deliver it on resume. */
  status: Exclude<WebhookEndpointStatus, 'disabled'>;
}

/** An endpoint the outbox delivers to, with its secrets decrypted and whether it is paused. */
export interface WebhookEndpointTarget extends WebhookTarget {
  institutionId: number | null;
  status: Exclude<WebhookEndpointStatus, 'disabled'>;
}

export interface WebhooksServiceDeps {
  db: Kysely<Database>;
  institution: Pick<InstitutionService, 'list'>;
  /** The deployment secret the secrets' encryption key derives from (CONNECTOR_SECRETS_KEY); none: endpoints cannot be created. */
  secretsKey: string | undefined;
  /** Accept `http://` loopback URLs (tests, demos). */
  allowHttpLoopback: boolean;
  /** For the test delivery (tests inject theirs). */
  fetch?: typeof globalThis.fetch;
  testTimeoutMs?: number;
  now?: () => Date;
  /**
   * Told, in the transaction, that an endpoint became active again (resumed or re-enabled): the
   * deliveries waiting for it may go now rather than at their backoff's end.
   */
  onActivated?: (executor: Executor, endpointId: string) => Promise<void>;
}

/** Hours the previous secret keeps signing after a rotation, unless the admin says otherwise. */
export const DEFAULT_ROTATION_GRACE_HOURS = 24;
/** The longest grace a rotation may give (a week). */
export const MAX_ROTATION_GRACE_HOURS = 24 * 7;
/** The `type` of the event a test delivery sends. */
export const TEST_EVENT_TYPE = 'webhook.test';

const secretContext = (endpointId: string) => `campuscard:webhook-endpoint:${endpointId}:secret`;

function invalid(error: EndpointInputError): Error {
  return badRequest('validation_failed', error.message, { field: error.field, errors: [{ code: error.code, message: error.message, field: error.field }] });
}

function endpointNotFound(): Error {
  return notFound('webhook_endpoint_not_found', 'No such webhook endpoint');
}

/** Creates the webhook endpoints service. */
export function createWebhooksService(deps: WebhooksServiceDeps) {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());
  const cipher: SecretCipher | undefined = deps.secretsKey ? createSecretCipher(deps.secretsKey, 'webhook-secret/v1') : undefined;

  function requireCipher(): SecretCipher {
    if (!cipher) {
      throw conflict('secret_encryption_not_configured',
        'Webhook secrets cannot be stored: CONNECTOR_SECRETS_KEY (or ESC_KEY_ENCRYPTION_KEY) is not set on this deployment');
    }
    return cipher;
  }

  /** Endpoints get every person type of their institutions: a caller limited to some types manages none. */
  function checkManager(manager: WebhookManager): void {
    if (manager.personTypes !== null) {
      throw forbidden('Webhook endpoints receive the events of every person type: callers limited to some person types cannot manage them',
        'webhooks_need_all_person_types');
    }
  }

  async function codes(executor: Executor): Promise<Map<number, string>> {
    return new Map((await deps.institution.list(executor)).map((ref) => [ref.id, ref.code]));
  }

  /** The views of these rows, with their institutions' codes and their deliveries within the manager's institutions. */
  async function views(executor: Executor, manager: WebhookManager, rows: readonly repo.WebhookEndpointRow[]): Promise<WebhookEndpointView[]> {
    const names = await codes(executor);
    const figures = new Map((await subjectFigures(executor, WEBHOOK_CONNECTOR, rows.map((row) => row.id),
      { institutionIds: manager.institutionIds, personTypes: null })).map((line) => [line.subjectId, line]));
    return rows.map((row) => {
      const line = figures.get(row.id);
      return view(row, names, {
        pending: line?.pending ?? 0, failed: line?.failed ?? 0, lastDeliveredAt: line?.lastDoneAt ? line.lastDoneAt.toISOString() : null,
        retry: line?.retry ? {
          attempts: line.retry.attempts, nextAttemptAt: line.retry.nextAttemptAt.toISOString(),
          lastError: { code: line.retry.errorCode, message: line.retry.errorMessage, remoteStatus: line.retry.remoteStatus },
        } : null,
      });
    });
  }

  async function oneView(executor: Executor, manager: WebhookManager, row: repo.WebhookEndpointRow): Promise<WebhookEndpointView> {
    const [only] = await views(executor, manager, [row]);
    return only as WebhookEndpointView;
  }

  function view(row: repo.WebhookEndpointRow, names: Map<number, string>, deliveries: WebhookDeliveryFigures): WebhookEndpointView {
    const previousLive = row.previousSecretExpiresAt !== null && row.previousSecretExpiresAt > now();
    return {
      id: row.id,
      institution: row.institutionId === null ? null : names.get(row.institutionId) ?? String(row.institutionId),
      url: row.url,
      description: row.description,
      events: row.eventNames,
      grants: row.grants as GrantedPart[],
      status: row.status,
      statusReason: row.statusReason,
      secretHint: row.secretHint,
      secretCreatedAt: row.secretCreatedAt.toISOString(),
      previousSecret: previousLive && row.previousSecretHint !== null && row.previousSecretExpiresAt !== null
        ? { hint: row.previousSecretHint, expiresAt: row.previousSecretExpiresAt.toISOString() } : null,
      createdBy: row.createdBy,
      createdAt: row.createdAt.toISOString(),
      updatedBy: row.updatedBy,
      updatedAt: row.updatedAt.toISOString(),
      deliveries,
    };
  }

  /**
   * The institution an endpoint is created in: the code named (within the caller's scope,
   * federations included: their members' events come too), explicit null for the whole
   * deployment (callers without an institution limit only), else the focused institution, else
   * the caller's only institution, else (unlimited callers) the whole deployment.
   */
  async function institutionFor(executor: Executor, manager: WebhookManager, code: string | null | undefined): Promise<number | null> {
    const refs = await deps.institution.list(executor);
    const reachable = (id: number) => manager.institutionIds === null || manager.institutionIds.includes(id);
    if (code) {
      const ref = refs.find((candidate) => candidate.code === code && reachable(candidate.id));
      if (!ref) throw notFound('institution_not_found', 'No such institution');
      return ref.id;
    }
    if (code === null) {
      if (manager.institutionIds !== null) {
        throw unprocessable('institution_required', 'Only admins of every institution register endpoints for the whole deployment: name an institution',
          { field: '/institution' });
      }
      return null;
    }
    if (manager.focusInstitutionId !== null) return manager.focusInstitutionId;
    if (manager.institutionIds === null) return null;
    const [only, ...others] = manager.institutionIds;
    if (only === undefined || others.length > 0) throw unprocessable('institution_required', 'Say which institution this endpoint is for', { field: '/institution' });
    return only;
  }

  function checked<T>(result: T | { error: EndpointInputError }): T {
    if (typeof result === 'object' && result !== null && 'error' in result) throw invalid(result.error);
    return result;
  }

  async function loadForManager(executor: Executor, manager: WebhookManager, id: string, forUpdate = false): Promise<repo.WebhookEndpointRow> {
    checkManager(manager);
    const row = await repo.findEndpoint(executor, id, manager, { forUpdate });
    if (!row) throw endpointNotFound();
    return row;
  }

  /** The signing secrets of a row: the current one, then the previous one while its grace lasts. */
  function secretsOf(row: repo.WebhookEndpointRow): string[] | undefined {
    const key = requireCipher();
    const current = key.decrypt(secretContext(row.id), row.secretEncrypted);
    if (current === undefined) return undefined;
    const secrets = [current];
    if (row.previousSecretEncrypted !== null && row.previousSecretExpiresAt !== null && row.previousSecretExpiresAt > now()) {
      const previous = key.decrypt(secretContext(row.id), row.previousSecretEncrypted);
      if (previous !== undefined) secrets.push(previous);
    }
    return secrets;
  }

  /**
   * For each event, in order, the endpoints that receive it: not disabled, subscribed to its name
   * (or its group), of the whole deployment, of its institution or of a federation above it. One
   * read of the live endpoints, and of the institutions' parents only when an endpoint belongs to one.
   */
  async function receiversOf(executor: Executor, events: ReadonlyArray<{ name: string; institutionId: number }>): Promise<repo.LiveEndpoint[][]> {
    if (events.length === 0) return [];
    const endpoints = await repo.liveEndpoints(executor);
    if (endpoints.length === 0) return events.map(() => []);
    const parents = endpoints.some((endpoint) => endpoint.institutionId !== null) ? await repo.institutionParents(executor) : new Map<number, number>();
    const chains = new Map<number, Set<number>>();
    /** The institution and every federation above it (each visited once, so even a cycle ends). */
    const heard = (institutionId: number): Set<number> => {
      let chain = chains.get(institutionId);
      if (!chain) {
        chain = new Set<number>();
        for (let id: number | undefined = institutionId; id !== undefined && !chain.has(id); id = parents.get(id)) chain.add(id);
        chains.set(institutionId, chain);
      }
      return chain;
    };
    return events.map((event) => {
      const reached = heard(event.institutionId);
      return endpoints.filter((endpoint) => (endpoint.institutionId === null || reached.has(endpoint.institutionId)) && subscribesTo(endpoint.eventNames, event.name));
    });
  }

  function targetOf(row: repo.WebhookEndpointRow): WebhookEndpointTarget | undefined {
    if (row.status === 'disabled') return undefined;
    const secrets = secretsOf(row);
    // A secret that no longer decrypts (the deployment key changed) cannot sign: the endpoint is skipped until an admin rotates it.
    if (!secrets) return undefined;
    return { id: row.id, url: row.url, secrets, grants: row.grants as GrantedPart[], institutionId: row.institutionId, status: row.status };
  }

  return {
    /** Whether this deployment can store secrets (CONNECTOR_SECRETS_KEY set): without it no endpoint can be registered. */
    canStoreSecrets: (): boolean => cipher !== undefined,

    /** The endpoints within the caller's institutions. */
    async list(manager: WebhookManager): Promise<WebhookEndpointView[]> {
      checkManager(manager);
      return views(db, manager, await repo.listEndpoints(db, manager));
    },

    /** One endpoint within the caller's institutions; 404 `webhook_endpoint_not_found` otherwise. */
    async get(manager: WebhookManager, id: string): Promise<WebhookEndpointView> {
      const row = await loadForManager(db, manager, id);
      return oneView(db, manager, row);
    },

    /**
     * Registers an endpoint with a new secret, returned here and never again. 400
     * `validation_failed` with the field (`/url`: https_required, url_credentials, invalid_url;
     * `/events/<i>`: unknown_event; `/grants/<i>`: unknown_grant), 404 `institution_not_found`,
     * 422 `institution_required`, 409 `secret_encryption_not_configured`.
     */
    async create(manager: WebhookManager, input: WebhookEndpointInput & { url: string; events: string[] }, context: ActorContext)
      : Promise<{ endpoint: WebhookEndpointView; secret: string }> {
      checkManager(manager);
      const { url } = checked(checkEndpointUrl(input.url, { allowHttpLoopback: deps.allowHttpLoopback }));
      const { events } = checked(checkSubscriptions(input.events));
      const { grants } = checked(checkGrants(input.grants ?? []));
      const key = requireCipher();
      return inTransaction(db, context, async (trx) => {
        const institutionId = await institutionFor(trx, manager, input.institution);
        const id = randomUUID();
        const secret = newWebhookSecret();
        let row = await repo.insertEndpoint(trx, {
          id, institutionId, url, description: (input.description ?? '').trim(), eventNames: events, grants,
          secretEncrypted: key.encrypt(secretContext(id), secret), secretHint: secretHint(secret), createdBy: context.actor,
        });
        if (input.status !== undefined && input.status !== 'active') {
          row = await repo.updateEndpoint(trx, id, { status: input.status, updatedBy: context.actor });
        }
        return { endpoint: await oneView(trx, manager, row), secret };
      });
    },

    /** Changes an endpoint (fields not sent keep their value); its institution and secrets stay. Errors as {@link create}. */
    async update(manager: WebhookManager, id: string, input: Omit<WebhookEndpointInput, 'institution'>, context: ActorContext): Promise<WebhookEndpointView> {
      checkManager(manager);
      const url = input.url === undefined ? undefined : checked(checkEndpointUrl(input.url, { allowHttpLoopback: deps.allowHttpLoopback })).url;
      const events = input.events === undefined ? undefined : checked(checkSubscriptions(input.events)).events;
      const grants = input.grants === undefined ? undefined : checked(checkGrants(input.grants)).grants;
      return inTransaction(db, context, async (trx) => {
        const current = await loadForManager(trx, manager, id, true);
        const statusChanged = input.status !== undefined && input.status !== current.status;
        const row = await repo.updateEndpoint(trx, id, {
          ...(url !== undefined ? { url } : {}),
          ...(input.description !== undefined ? { description: input.description.trim() } : {}),
          ...(events !== undefined ? { eventNames: events } : {}),
          ...(grants !== undefined ? { grants } : {}),
          // An admin's status change clears the reason the system gave (a 410 Gone).
          ...(statusChanged ? { status: input.status, statusReason: null } : {}),
          updatedBy: context.actor,
        });
        if (statusChanged && row.status === 'active') await deps.onActivated?.(trx, id);
        return await oneView(trx, manager, row);
      });
    },

    /** Deletes an endpoint (404 outside the caller's scope). */
    async remove(manager: WebhookManager, id: string, context: ActorContext): Promise<void> {
      checkManager(manager);
      await inTransaction(db, context, async (trx) => {
        await loadForManager(trx, manager, id, true);
        await repo.deleteEndpoint(trx, id);
      });
    },

    /**
     * Gives an endpoint a new secret, returned here and never again. The previous one keeps
     * signing beside it for `graceHours` (default 24; 0: stops at once, for a leaked secret),
     * replacing any earlier previous secret still in its grace.
     */
    async rotateSecret(manager: WebhookManager, id: string, input: { graceHours?: number }, context: ActorContext)
      : Promise<{ endpoint: WebhookEndpointView; secret: string }> {
      const graceHours = input.graceHours ?? DEFAULT_ROTATION_GRACE_HOURS;
      if (!Number.isInteger(graceHours) || graceHours < 0 || graceHours > MAX_ROTATION_GRACE_HOURS) {
        throw badRequest('validation_failed', `graceHours is 0 to ${MAX_ROTATION_GRACE_HOURS}`, { field: '/graceHours' });
      }
      return inTransaction(db, context, async (trx) => {
        // Found first: an endpoint outside the caller's scope is 404 whatever the deployment's configuration.
        const current = await loadForManager(trx, manager, id, true);
        const key = requireCipher();
        const secret = newWebhookSecret();
        const keepPrevious = graceHours > 0;
        const row = await repo.updateEndpoint(trx, id, {
          secretEncrypted: key.encrypt(secretContext(id), secret),
          secretHint: secretHint(secret),
          secretCreatedAt: now(),
          previousSecretEncrypted: keepPrevious ? current.secretEncrypted : null,
          previousSecretHint: keepPrevious ? current.secretHint : null,
          previousSecretExpiresAt: keepPrevious ? new Date(now().getTime() + graceHours * 3600_000) : null,
          updatedBy: context.actor,
        });
        return { endpoint: await oneView(trx, manager, row), secret };
      });
    },

    /**
     * Sends a test event (`webhook.test`, signed like any delivery) to the endpoint now, whatever
     * its status, and says how the receiver answered. Not stored, not retried.
     */
    async sendTest(manager: WebhookManager, id: string): Promise<WebhookDeliveryOutcome> {
      const row = await loadForManager(db, manager, id);
      const secrets = secretsOf(row);
      if (!secrets) {
        throw conflict('webhook_secret_unreadable', 'The endpoint\'s secret cannot be decrypted (the deployment key changed): rotate it');
      }
      const names = await codes(db);
      const event: WebhookEvent = {
        id: `test_${randomUUID()}`,
        type: TEST_EVENT_TYPE,
        occurredAt: now(),
        institution: row.institutionId === null ? '*' : names.get(row.institutionId) ?? String(row.institutionId),
        personType: '*',
        payload: { endpointId: row.id, message: 'Test delivery from campuscard' },
        granted: null,
      };
      return deliverWebhook({ id: row.id, url: row.url, secrets, grants: [] }, event, {
        timeoutMs: deps.testTimeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS, now,
        ...(deps.fetch ? { fetch: deps.fetch } : {}),
      });
    },

    /**
     * The endpoints an event goes to: not disabled, subscribed to its name, of the whole
     * deployment, of its institution or of a federation above it. Paused ones are included
     * (`status: 'paused'`) so their entries accumulate and drain on resume. Ids only, no secret
     * and no decryption: it runs in the transaction of the change (the outbox files its entries
     * there), and the delivery reads the secrets as they are then ({@link targetById}).
     */
    async endpointsFor(executor: Executor, event: { name: string; institutionId: number }): Promise<WebhookSubscriber[]> {
      const [receivers] = await receiversOf(executor, [event]);
      return (receivers ?? []).map((row) => ({ id: row.id, institutionId: row.institutionId, status: row.status as WebhookSubscriber['status'] }));
    },

    /**
     * The deliveries these events make, in event order: for each event, every endpoint not
     * disabled that subscribes to its name and hears its institution (the rule of
     * {@link endpointsFor}). One small read of the endpoints per call whatever the number of
     * events (a bulk import's chunk), and none of the institutions unless an endpoint belongs to one.
     */
    async subscribersOf(executor: Executor, events: ReadonlyArray<{ id: string; name: string; institutionId: number }>): Promise<Array<{ eventId: string; endpointId: string }>> {
      const receivers = await receiversOf(executor, events);
      return events.flatMap((event, index) => (receivers[index] ?? []).map((endpoint) => ({ eventId: event.id, endpointId: endpoint.id })));
    },

    /**
     * One endpoint as the outbox delivers to it, secrets decrypted as of now (a rotation applies
     * to retries of older entries), or undefined when it was deleted or disabled, or when its
     * secret no longer decrypts (CONNECTOR_SECRETS_KEY changed or unset: an admin rotates it).
     */
    async targetById(executor: Executor, id: string): Promise<WebhookEndpointTarget | undefined> {
      if (!cipher) return undefined;
      const row = await repo.findEndpoint(executor, id, null);
      return row ? targetOf(row) : undefined;
    },

    /**
     * The URL and description of these endpoints, for the operator surfaces of their deliveries
     * (the connector outbox names an endpoint by id). Only endpoints within `scope` are named, as
     * the endpoint list shows them: a deleted one, or one of the whole deployment or a federation
     * above a caller's institutions, is left out (the caller sees its id only).
     */
    async describeEndpoints(ids: readonly string[], scope: Pick<WebhookManager, 'institutionIds'>): Promise<Map<string, WebhookEndpointName>> {
      const rows = await repo.findEndpoints(db, ids, scope);
      return new Map(rows.map((row) => [row.id, { url: row.url, description: row.description }]));
    },

    /**
     * Disables an endpoint on the system's decision (the receiver answered 410 Gone), recording
     * why; an admin re-enables it by setting its status. No-op for a deleted endpoint.
     */
    async disable(id: string, reason: string, context: ActorContext): Promise<void> {
      await inTransaction(db, context, async (trx) => {
        const row = await repo.findEndpoint(trx, id, null, { forUpdate: true });
        if (!row || row.status === 'disabled') return;
        await repo.updateEndpoint(trx, id, { status: 'disabled', statusReason: reason.slice(0, 500), updatedBy: context.actor });
      });
    },
  };
}

export type WebhooksService = ReturnType<typeof createWebhooksService>;
