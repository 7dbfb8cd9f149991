import { api } from './api-client.ts';
import type { QueryOf, ResponseOf } from './api-types.ts';

/** One connector's figures within the caller's scope (src/platform/sync/sync-operations.routes.ts). */
export type ConnectorSummary = ResponseOf<'/api/v1/connectors/{connector}/status', 'get'>;
/** One outbox entry of a connector, with its holder. */
export type ConnectorEntry = ResponseOf<'/api/v1/connectors/{connector}/entries/{entryId}', 'get'>;
/** A page of entries, newest first. */
export type ConnectorEntryPage = ResponseOf<'/api/v1/connectors/{connector}/entries', 'get'>;
/** The entry filters; the server defaults the limit. */
export type ConnectorEntryQuery = Partial<QueryOf<'/api/v1/connectors/{connector}/entries', 'get'>>;

const base = (connector: string) => `/connectors/${encodeURIComponent(connector)}`;
const withSignal = (signal?: AbortSignal) => (signal ? { signal } : {});

/** The generic operator surfaces of every connector: figures, entries, replays. */
export const syncOperationsApi = {
  list(signal?: AbortSignal): Promise<ResponseOf<'/api/v1/connectors', 'get'>> {
    return api<ResponseOf<'/api/v1/connectors', 'get'>>('/connectors', withSignal(signal));
  },
  entries(connector: string, query: ConnectorEntryQuery, signal?: AbortSignal): Promise<ConnectorEntryPage> {
    return api<ConnectorEntryPage>(`${base(connector)}/entries`, { query: { ...query }, ...withSignal(signal) });
  },
  /** One entry, with who replayed it by name. */
  entry(connector: string, entryId: number, signal?: AbortSignal): Promise<ConnectorEntry> {
    return api<ConnectorEntry>(`${base(connector)}/entries/${entryId}`, withSignal(signal));
  },
  replay(connector: string, entryId: number): Promise<ConnectorEntry> {
    return api<ConnectorEntry>(`${base(connector)}/entries/${entryId}/replay`, { method: 'POST' });
  },
  replayFailed(connector: string, filter: { institution?: string; errorCode?: string; subject?: string } = {}): Promise<ResponseOf<'/api/v1/connectors/{connector}/replay-failed', 'post'>> {
    return api<ResponseOf<'/api/v1/connectors/{connector}/replay-failed', 'post'>>(`${base(connector)}/replay-failed`, { method: 'POST', body: filter });
  },
};
