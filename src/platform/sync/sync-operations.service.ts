import type { Kysely } from 'kysely';
import { inTransaction, type ActorContext, type Executor } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import type { AccessScope } from '../db/scope-filter.ts';
import { conflict, notFound } from '../http/problem.ts';
import type { SyncOutboxStatus } from './sync.tables.ts';
import * as outbox from './sync-outbox.repository.ts';
import * as repo from './sync-operations.repository.ts';

/**
 * The generic operator surfaces of the connector engine (issue 11): every connector's figures,
 * its entries with their subjects (persons, or what the connector declares: webhook endpoints), one entry, and replays, whatever the connector. Each read and
 * each replay is limited to the caller's {@link AccessScope} (institutions, person types) in the
 * SQL, as the ESC Router's own operator routes are. A connector-specific view (records, reconcile)
 * stays with its connector.
 */

/** A connector the operator surfaces know, with how to wake its workers after a replay. */
export interface SyncConnectorDescriptor {
  /** The outbox's connector key (`esc`, `crous`, …), lower case: the URL segment. */
  id: string;
  labels: { fr: string; en: string };
  /**
   * Wakes the connector's workers for these persons once the transaction commits. Without it,
   * replayed entries (due now) wait for the connector's next sweep.
   */
  wake?(executor: Executor, personIds: readonly string[]): Promise<void>;
  /**
   * What the connector's subjects are when they are not persons: the outbox's person column then
   * holds another id (the webhook connector: an endpoint's). `describe` names those of these ids
   * the caller may see (the others show their id only). Without it, subjects are persons.
   */
  subjects?: SyncSubjectDescriptor;
}

/** A connector's subjects that are webhook endpoints, and how to name them within a scope. */
export interface SyncSubjectDescriptor {
  kind: 'endpoint';
  describe(ids: readonly string[], scope: AccessScope): Promise<ReadonlyMap<string, { url: string; description: string }>>;
}

/**
 * What an entry is about: a person (the connectors' usual subject) or a webhook endpoint; the
 * name part is null once the subject is gone (or, for an endpoint, outside the caller's scope).
 */
export type SyncSubjectView =
  | { kind: 'person'; id: string; person: { firstName: string; lastName: string; eppn: string } | null }
  | { kind: 'endpoint'; id: string; endpoint: { url: string; description: string } | null };

/** One connector as the operator page shows it, within the caller's scope. */
export interface ConnectorSummaryView {
  id: string;
  labels: { fr: string; en: string };
  counts: {
    pending: number;
    /** Pending entries that failed at least once and wait for their next attempt. */
    retrying: number;
    failed: number;
    /** Delivered in the last 24 hours. */
    doneLastDay: number;
  };
  oldestPendingAt: string | null;
  /** Age of the oldest pending entry in seconds (0 when none waits). */
  oldestPendingSeconds: number;
  deliveries: {
    lastMinute: number;
    lastHour: number;
    /** Estimated calls per second: the last minute's deliveries over 60 s. */
    perSecond: number;
  };
  /** Codes of the institutions of the scope where the connector is paused. */
  pausedInstitutions: string[];
}

/** An outbox entry, whatever its connector. */
export interface SyncEntryView {
  id: number;
  connector: string;
  institution: string;
  personId: string;
  operation: string;
  reason: string;
  target: Record<string, string>;
  status: SyncOutboxStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: { code: string; message: string; remoteStatus: number | null } | null;
  result: Record<string, unknown> | null;
  supersededBy: number | null;
  createdBy: string;
  createdAt: string;
  doneAt: string | null;
  replayedBy: string | null;
  replayedAt: string | null;
  /** The person the entry is about; null once the person is gone, and for a subject that is not a person. */
  holder: { personId: string; firstName: string; lastName: string; eppn: string } | null;
  subject: SyncSubjectView;
}

/** A page of entries, newest first; `nextBeforeId` asks for the following page (null: none). */
export interface SyncEntryPage {
  items: SyncEntryView[];
  nextBeforeId: number | null;
}

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

function entryView(row: outbox.OutboxRow, connector: string, subject: SyncSubjectView): SyncEntryView {
  const holder = subject.kind === 'person' ? subject.person : null;
  return {
    id: row.id,
    connector,
    institution: row.institution,
    personId: row.personId,
    operation: row.operation,
    reason: row.reason,
    target: row.target,
    status: row.status,
    attempts: row.attempts,
    // A settled entry has no next attempt, whatever the column still holds.
    nextAttemptAt: row.status === 'pending' ? iso(row.nextAttemptAt) : null,
    lastError: row.lastErrorCode ? { code: row.lastErrorCode, message: row.lastErrorMessage ?? '', remoteStatus: row.remoteStatus } : null,
    result: row.result,
    supersededBy: row.supersededBy,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    doneAt: iso(row.doneAt),
    replayedBy: row.replayedBy,
    replayedAt: iso(row.replayedAt),
    holder: holder ? { personId: row.personId, firstName: holder.firstName, lastName: holder.lastName, eppn: holder.eppn } : null,
    subject,
  };
}

/**
 * Builds the service. `connectors` are the connectors always listed (ESC); `registered` adds those
 * of the settings registry; any other id found in the outbox is listed under its id.
 */
export function createSyncOperationsService(deps: {
  db: Kysely<Database>;
  connectors: readonly SyncConnectorDescriptor[];
  /** Connectors declared to the per-institution settings registry (their labels win over the descriptors'). */
  registered?: () => ReadonlyArray<{ id: string; labels: { fr: string; en: string } }>;
  /** The (connector, institution code) pairs paused within the caller's scope. */
  paused?: (scope: AccessScope) => Promise<Array<{ connector: string; institution: string }>>;
  institutions: { byCode(executor: Executor, code: string): Promise<{ id: number } | undefined> };
}) {
  const { db } = deps;

  /** Every connector known now, by id: the descriptors, then the registry, then the outbox's other ids. */
  async function known(executor: Executor = db): Promise<Map<string, SyncConnectorDescriptor>> {
    const all = new Map<string, SyncConnectorDescriptor>();
    for (const descriptor of deps.connectors) all.set(descriptor.id, descriptor);
    // The settings registry names connectors for operators; a descriptor keeps its wake-up.
    for (const definition of deps.registered?.() ?? []) all.set(definition.id, { ...all.get(definition.id), id: definition.id, labels: definition.labels });
    for (const id of await repo.connectorsWithEntries(executor)) if (!all.has(id)) all.set(id, { id, labels: { fr: id, en: id } });
    return all;
  }

  /** The connector of this id, or the 404 of an unknown one. */
  async function connectorOf(id: string, executor: Executor = db): Promise<SyncConnectorDescriptor> {
    const found = (await known(executor)).get(id);
    if (!found) throw notFound('connector_not_found', 'No such connector');
    return found;
  }

  /** The views of these entries, each with its subject named as its connector declares (persons by default). */
  async function withSubjects(connector: SyncConnectorDescriptor, rows: outbox.OutboxRow[], scope: AccessScope): Promise<SyncEntryView[]> {
    const ids = [...new Set(rows.map((row) => row.personId))];
    if (connector.subjects?.kind === 'endpoint') {
      const endpoints = await connector.subjects.describe(ids, scope);
      return rows.map((row) => entryView(row, connector.id, { kind: 'endpoint', id: row.personId, endpoint: endpoints.get(row.personId) ?? null }));
    }
    const names = await repo.findHolderNames(db, ids);
    const byId = new Map(names.map((name) => [name.id, name]));
    return rows.map((row) => {
      const name = byId.get(row.personId);
      return entryView(row, connector.id, {
        kind: 'person', id: row.personId, person: name ? { firstName: name.firstName, lastName: name.lastName, eppn: name.eppn } : null,
      });
    });
  }

  return {
    /** Every connector known, with its figures within `scope`, ordered by id (ESC first when only the outbox's ids follow). */
    async list(scope: AccessScope): Promise<ConnectorSummaryView[]> {
      const connectors = [...(await known()).values()];
      const figures = await repo.connectorFigures(db, connectors.map((c) => c.id), scope);
      const paused = (await deps.paused?.(scope)) ?? [];
      const now = Date.now();
      return connectors.map((connector) => {
        const row = figures.find((candidate) => candidate.connector === connector.id);
        const oldest = row?.oldestPendingAt ?? null;
        return {
          id: connector.id,
          labels: connector.labels,
          counts: { pending: row?.pending ?? 0, retrying: row?.retrying ?? 0, failed: row?.failed ?? 0, doneLastDay: row?.doneLastDay ?? 0 },
          oldestPendingAt: iso(oldest),
          oldestPendingSeconds: oldest ? Math.max(0, Math.floor((now - oldest.getTime()) / 1000)) : 0,
          deliveries: {
            lastMinute: row?.doneLastMinute ?? 0,
            lastHour: row?.doneLastHour ?? 0,
            perSecond: Math.round(((row?.doneLastMinute ?? 0) / 60) * 1000) / 1000,
          },
          pausedInstitutions: paused.filter((line) => line.connector === connector.id).map((line) => line.institution).sort(),
        };
      });
    },

    /** One connector's summary within `scope`; 404 for an unknown id. */
    async summary(id: string, scope: AccessScope): Promise<ConnectorSummaryView> {
      await connectorOf(id);
      const found = (await this.list(scope)).find((summary) => summary.id === id);
      if (!found) throw notFound('connector_not_found', 'No such connector');
      return found;
    },

    /**
     * A page of a connector's entries within `scope`, newest first, optionally of one status or
     * one subject (a person's id, a webhook endpoint's), each with its subject named. The scope is applied by the database before the limit.
     */
    async entries(id: string, filter: { status?: SyncOutboxStatus; subject?: string; limit?: number; beforeId?: number; scope: AccessScope }): Promise<SyncEntryPage> {
      const connector = await connectorOf(id);
      const limit = Math.min(Math.max(filter.limit ?? 50, 1), 200);
      const rows = await outbox.listEntries(db, connector.id, {
        scope: filter.scope, limit: limit + 1,
        ...(filter.status ? { status: filter.status } : {}),
        ...(filter.subject !== undefined ? { personId: filter.subject } : {}),
        ...(filter.beforeId !== undefined ? { beforeId: filter.beforeId } : {}),
      });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return { items: await withSubjects(connector, page, filter.scope), nextBeforeId: rows.length > limit && last ? last.id : null };
    },

    /** One entry of `scope`, with its subject named; 404 for an unknown connector or an entry outside the scope. */
    async entry(id: string, entryId: number, scope: AccessScope): Promise<SyncEntryView> {
      const connector = await connectorOf(id);
      const row = await outbox.findEntry(db, connector.id, entryId, scope);
      if (!row) throw notFound('sync_entry_not_found', 'No such entry');
      const [view] = await withSubjects(connector, [row], scope);
      return view as SyncEntryView;
    },

    /**
     * Puts a failed (or waiting) entry of `scope` back in the queue, due now, and wakes the
     * connector's workers; 404 outside the scope, 409 for a delivered entry.
     */
    async replay(id: string, entryId: number, context: ActorContext, scope: AccessScope): Promise<SyncEntryView> {
      const connector = await connectorOf(id);
      const row = await inTransaction(db, context, async (trx) => {
        const replayed = await outbox.replayEntry(trx, connector.id, entryId, context.actor, scope);
        if (!replayed) {
          const existing = await outbox.findEntry(trx, connector.id, entryId, scope);
          if (!existing) throw notFound('sync_entry_not_found', 'No such entry');
          throw conflict('sync_entry_not_replayable', 'This entry was delivered already; a reconcile compares everything again');
        }
        await connector.wake?.(trx, [replayed.personId]);
        return replayed;
      });
      const [view] = await withSubjects(connector, [row], scope);
      return view as SyncEntryView;
    },

    /**
     * Puts the failed entries of `scope` back in the queue (optionally of one institution, by
     * code, one error code, or one subject). An institution outside the scope: the same 404 as an
     * unknown one; a subject outside it has no entries in it, so nothing is replayed.
     */
    async replayFailed(id: string, filter: { institution?: string; errorCode?: string; subject?: string }, context: ActorContext, scope: AccessScope): Promise<{ count: number; persons: number }> {
      const connector = await connectorOf(id);
      let institutionId: number | undefined;
      if (filter.institution !== undefined) {
        const found = await deps.institutions.byCode(db, filter.institution);
        if (!found || (scope.institutionIds !== null && !scope.institutionIds.includes(found.id))) {
          throw notFound('institution_not_found', 'No such institution');
        }
        institutionId = found.id;
      }
      return inTransaction(db, context, async (trx) => {
        const replayed = await repo.replayFailedWhere(trx, connector.id, context.actor, scope, {
          ...(institutionId !== undefined ? { institutionId } : {}),
          ...(filter.errorCode !== undefined ? { errorCode: filter.errorCode } : {}),
          ...(filter.subject !== undefined ? { subjectId: filter.subject } : {}),
        });
        if (replayed.personIds.length > 0) await connector.wake?.(trx, replayed.personIds);
        return { count: replayed.entries, persons: replayed.personIds.length };
      });
    },

    /** The backlog of every known connector of the deployment, for the metrics scrape (no scope: operators' metrics). */
    async backlog(): Promise<Array<{ connector: string; pending: number; failed: number; oldestPendingSeconds: number }>> {
      const ids = [...(await known()).keys()];
      const rows = await repo.deploymentBacklog(db);
      return ids.map((connector) => rows.find((row) => row.connector === connector) ?? { connector, pending: 0, failed: 0, oldestPendingSeconds: 0 });
    },
  };
}

export type SyncOperationsService = ReturnType<typeof createSyncOperationsService>;
