/**
 * The webhook connector: delivers events to the registered endpoints through the connector
 * outbox (src/platform/sync), entry by entry.
 *
 * In the transaction that appends events (the event log's listener), one outbox entry is filed
 * per event and endpoint that receives it, so a delivery exists exactly when its event does. The
 * entry's subject is "institution I, endpoint E" (the event's institution; the endpoint's id in
 * the subject's person column): each endpoint gets its events of one institution in order, under
 * its own lease, and one endpoint's outage never holds another's back (no breaker across
 * endpoints: each one backs off on its own). A delivery reads the endpoint's secrets and the
 * event as they are then (a rotation signs retries too; an event past the retention fails
 * `event_expired`). The body and signature are webhook-delivery.ts's.
 *
 * Outcomes: 2xx done; 408, 429 (its Retry-After honoured), 5xx, timeouts and network errors
 * retried with the engine's backoff, the endpoint's later events waiting behind; other answers
 * fail that delivery only (replayable); 410 Gone disables the endpoint. A paused endpoint's
 * deliveries wait and go when it is resumed.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { Executor } from '../../platform/db/database.ts';
import type { Database } from '../../platform/db/schema.ts';
import type { JobQueue } from '../../platform/jobs/job-queue.ts';
import type { EventsService, StoredEvent } from '../../platform/events/events.service.ts';
import type { WrittenEvent } from '../../platform/events/events.repository.ts';
import * as outbox from '../../platform/sync/sync-outbox.repository.ts';
import { subjectKey, type Claim, type Subject } from '../../platform/sync/sync-outbox.repository.ts';
import {
  createSyncEngine, DEFAULT_SYNC_OPTIONS, type Connector, type DeliveryReport, type SyncEngineOptions, type SyncFailure,
} from '../../platform/sync/sync-engine.ts';
import { deliverWebhook, DEFAULT_DELIVERY_TIMEOUT_MS, type WebhookEvent } from './webhook-delivery.ts';
import type { WebhookEndpointTarget, WebhooksService } from './webhooks.service.ts';

/** The connector's name in the outbox. */
export const WEBHOOK_CONNECTOR = 'webhooks';

/** pg-boss queue of the deliveries: woken when entries are filed, and every minute for retries. */
export const WEBHOOK_QUEUES = { sweep: 'webhooks-sweep' } as const;

/** Entries of one endpoint a claim takes at once (the rest follow under the same lease). */
export const WEBHOOK_CLAIM_BATCH = 100;

/** What a delivery of one subject reads: the endpoint as it is now, and the events its entries name. */
interface WebhookFacts {
  endpoint: WebhookEndpointTarget | undefined;
  events: ReadonlyMap<string, StoredEvent>;
}

/** One delivery of one entry, or its refusal (the endpoint or the event is gone). */
type WebhookOperation =
  | { entryId: number; kind: 'deliver'; endpoint: WebhookEndpointTarget; event: WebhookEvent; batch: { gone: boolean } }
  | { entryId: number; kind: 'refuse'; code: 'endpoint_unavailable' | 'event_expired'; message: string };

/** What an institution's deliveries need: its code (events name their institution by code). */
interface WebhookInstitution {
  code: string;
}

/** A delivery's failure as the engine handles it. */
class WebhookDeliveryFailure extends Error {
  constructor(readonly failure: SyncFailure) {
    super(failure.error.message);
    this.name = 'WebhookDeliveryFailure';
  }
}

export interface WebhookSyncDeps {
  db: Kysely<Database>;
  logger: Logger;
  jobs: Pick<JobQueue, 'send'>;
  webhooks: Pick<WebhooksService, 'subscribersOf' | 'targetById' | 'disable'>;
  events: Pick<EventsService, 'byIds'>;
  institutionCode(executor: Executor, institutionId: number): Promise<string | undefined>;
  /** Tests inject a fetch and shorter times. */
  fetch?: typeof globalThis.fetch;
  deliveryTimeoutMs?: number;
  options?: Partial<SyncEngineOptions>;
  now?: () => Date;
}

/** Creates the webhook connector. */
export function createWebhookSyncService(deps: WebhookSyncDeps) {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());
  const timeoutMs = deps.deliveryTimeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS;

  async function sweepSoon(executor: Executor): Promise<void> {
    await deps.jobs.send(WEBHOOK_QUEUES.sweep, {}, { singletonKey: 'sweep', ...(executor.isTransaction ? { trx: executor as Transaction<Database> } : {}) });
  }

  async function loadFacts(subjects: readonly Subject[], claims: ReadonlyMap<string, Claim>): Promise<Map<string, WebhookFacts>> {
    const endpoints = new Map<string, WebhookEndpointTarget | undefined>();
    for (const endpointId of new Set(subjects.map((subject) => subject.personId))) {
      endpoints.set(endpointId, await deps.webhooks.targetById(db, endpointId));
    }
    const eventIds = [...claims.values()].flatMap((claim) => claim.entries.map((entry) => entry.target.eventId ?? ''));
    const events = await deps.events.byIds(eventIds.filter((id) => /^\d{1,18}$/.test(id)));
    return new Map(subjects.map((subject) => [subjectKey(subject), { endpoint: endpoints.get(subject.personId), events }]));
  }

  function failure(code: string, message: string, remoteStatus: number | null, retryable: boolean, retryAfterMs?: number): WebhookDeliveryFailure {
    return new WebhookDeliveryFailure({ error: { code, message, remoteStatus }, retryable, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
  }

  const connector: Connector<WebhookFacts, WebhookOperation, WebhookInstitution> = {
    id: WEBHOOK_CONNECTOR,
    loadFacts,
    async resolveTarget(institutionId) {
      return { code: (await deps.institutionCode(db, institutionId)) ?? String(institutionId) };
    },
    plan(facts, _records, institution, entries) {
      const { endpoint } = facts;
      if (endpoint?.status === 'paused') {
        // Waits, and goes when an admin resumes the endpoint (onActivated makes it due).
        return { operations: [], failure: { error: { code: 'endpoint_paused', message: 'The endpoint is paused', remoteStatus: null }, retryable: true } };
      }
      // Shared by the batch's deliveries: after a 410 Gone, the rest are not sent.
      const batch = { gone: false };
      return {
        operations: entries.map((entry): WebhookOperation => {
          if (!endpoint) {
            return { entryId: entry.id, kind: 'refuse', code: 'endpoint_unavailable', message: 'The endpoint was deleted or disabled, or its secret no longer decrypts' };
          }
          const event = facts.events.get(entry.target.eventId ?? '');
          if (!event) return { entryId: entry.id, kind: 'refuse', code: 'event_expired', message: 'The event is no longer kept (retention)' };
          return {
            entryId: entry.id, kind: 'deliver', endpoint, batch,
            event: {
              id: event.id, type: event.name, occurredAt: new Date(event.occurredAt), institution: institution.code,
              personType: event.personType, payload: event.payload, granted: event.granted,
            },
          };
        }),
      };
    },
    uncertain: () => [],
    async apply(operation) {
      if (operation.kind === 'refuse') throw failure(operation.code, operation.message, null, false);
      if (operation.batch.gone) throw failure('endpoint_unavailable', 'The endpoint was disabled: its receiver answered 410 Gone', null, false);
      const outcome = await deliverWebhook(operation.endpoint, operation.event, { timeoutMs, now, ...(deps.fetch ? { fetch: deps.fetch } : {}) });
      if (outcome.result === 'ok') return undefined;
      if (outcome.disableEndpoint) {
        operation.batch.gone = true;
        await deps.webhooks.disable(operation.endpoint.id, `The receiver answered 410 Gone on ${now().toISOString()}`, { actor: 'system:webhooks' });
        throw failure('endpoint_gone', outcome.message, outcome.status, false);
      }
      if (outcome.result === 'failed') throw failure('receiver_refused', outcome.message, outcome.status, false);
      const wait = outcome.retryAfterSeconds === undefined ? undefined : outcome.retryAfterSeconds * 1000;
      throw failure(outcome.status === null ? 'receiver_unreachable' : 'receiver_unavailable', outcome.message, outcome.status, true, wait);
    },
    describe: (operation) => (operation.kind === 'deliver' ? `deliver ${operation.event.type}` : operation.code),
    classify: (error) => (error instanceof WebhookDeliveryFailure ? error.failure : undefined),
    entryByEntry: { batch: WEBHOOK_CLAIM_BATCH, entryOf: (operation) => operation.entryId },
  };

  const engine = createSyncEngine({ db, logger: deps.logger, connector, enabled: true }, {
    ...DEFAULT_SYNC_OPTIONS, timeoutMs, ...deps.options,
  });

  return {
    /**
     * Listener of the event log: files one entry per event and endpoint receiving it, in the
     * transaction that appends the events, and wakes the sweep once it commits.
     */
    async onEventsWritten(executor: Executor, events: readonly WrittenEvent[]): Promise<void> {
      const deliveries = await deps.webhooks.subscribersOf(executor, events);
      if (deliveries.length === 0) return;
      const byId = new Map(events.map((event) => [event.id, event]));
      await outbox.insertEntries(executor, WEBHOOK_CONNECTOR, deliveries.map(({ eventId, endpointId }) => {
        const event = byId.get(eventId) as WrittenEvent;
        return { institutionId: event.institutionId, personId: endpointId, operation: 'deliver', reason: event.name, target: { eventId } };
      }));
      await sweepSoon(executor);
    },

    /** An endpoint is active again: what waited for it is due now, and the sweep is woken. */
    async onEndpointActivated(executor: Executor, endpointId: string): Promise<void> {
      await outbox.makeDueNowFor(executor, WEBHOOK_CONNECTOR, endpointId);
      await sweepSoon(executor);
    },

    /** Delivers what is due; `report.persons` counts endpoint × institution batches. */
    deliverPending: engine.deliverPending,

    /** The sweep job: deliver what is due, then forget old done entries. */
    async sweep(budgetMs = 50_000): Promise<DeliveryReport> {
      const report = await engine.deliverPending({ budgetMs });
      await engine.purge();
      return report;
    },
  };
}

export type WebhookSyncService = ReturnType<typeof createWebhookSyncService>;
