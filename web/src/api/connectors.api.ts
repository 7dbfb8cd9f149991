import { api } from './api-client.ts';
import type { BodyOf, ResponseOf } from './api-types.ts';

/** Every connector at every institution of the admin, with the registered connectors (src/platform/connectors/connector-settings.routes.ts). */
export type ConnectorsOverview = ResponseOf<'/api/v1/admin/connectors', 'get'>;
/** A connector's settings at an institution: settings with defaults, secrets only as hints, pause state. */
export type ConnectorSettings = ResponseOf<'/api/v1/admin/connectors/{connector}/institutions/{institutionCode}/settings', 'get'>;
/** What an admin saves: enabled, the settings, and the secrets to change (write-only). */
export type ConnectorSettingsInput = BodyOf<'/api/v1/admin/connectors/{connector}/institutions/{institutionCode}/settings', 'put'>;
/** The CROUS tariff rules stored for an institution (src/modules/crous/crous-tariff.routes.ts). */
export type CrousTariffRules = ResponseOf<'/api/v1/admin/connectors/crous/institutions/{institutionCode}/tariff-rules', 'get'>;

const path = (connector: string, code: string) => `/admin/connectors/${encodeURIComponent(connector)}/institutions/${encodeURIComponent(code)}`;
const withSignal = (signal?: AbortSignal) => (signal ? { signal } : {});

/** Connector settings per institution, pause and resume, and the CROUS tariff rules (admins). */
export const connectorsApi = {
  overview(signal?: AbortSignal): Promise<ConnectorsOverview> {
    return api<ConnectorsOverview>('/admin/connectors', withSignal(signal));
  },
  settings(connector: string, code: string, signal?: AbortSignal): Promise<ConnectorSettings> {
    return api<ConnectorSettings>(`${path(connector, code)}/settings`, withSignal(signal));
  },
  save(connector: string, code: string, body: ConnectorSettingsInput): Promise<ConnectorSettings> {
    return api<ConnectorSettings>(`${path(connector, code)}/settings`, { method: 'PUT', body });
  },
  pause(connector: string, code: string, reason: string | null): Promise<ConnectorSettings> {
    return api<ConnectorSettings>(`${path(connector, code)}/pause`, { method: 'POST', body: reason ? { reason } : {} });
  },
  resume(connector: string, code: string): Promise<ConnectorSettings> {
    return api<ConnectorSettings>(`${path(connector, code)}/resume`, { method: 'POST' });
  },
  tariffRules(code: string, signal?: AbortSignal): Promise<CrousTariffRules> {
    return api<CrousTariffRules>(`${path('crous', code)}/tariff-rules`, withSignal(signal));
  },
  /** « Actualiser »: fetched from the CROUS now; a failure is in `lastError` (the previous rules are kept). */
  refreshTariffRules(code: string): Promise<CrousTariffRules> {
    return api<CrousTariffRules>(`${path('crous', code)}/tariff-rules/refresh`, { method: 'POST' });
  },
};
