/**
 * The demo's CROUS: when `serve` embeds the CROUS simulator (CROUS_SIMULATOR, demo mode), every
 * institution with a UAI gets CROUS settings pointing at it (`environment: simulator`, written
 * only when the institution has none, never over an admin's), the simulator publishes tariff
 * rules for it, and the rules are fetched at once so the « Connecteurs » page shows them.
 */
import type { CrousSimulator } from '../../adapters/crous/crous.simulator.ts';
import type { ConnectorSettingsService } from '../../platform/connectors/connector-settings.service.ts';
import type { CrousTariffService } from './crous-tariff.service.ts';
import type { CrousTariffRule } from './domain/crous-account.ts';
import { CROUS_CONNECTOR_ID } from './crous-connector-settings.ts';

/** The demo institutions' CROUS number (Paris). */
export const DEMO_CROUS_NUMBER = '75';

/** Rules in the CROUS's shape: students, and staff by salary index (the lower the index, the larger the subsidy). */
export const DEMO_TARIFF_RULES: readonly CrousTariffRule[] = [
  { statusCode: 'etd', indexMin: null, indexMax: null, idCompanyRate: 10, idRate: 1 },
  { statusCode: 'prs', indexMin: 0, indexMax: 466, idCompanyRate: 21, idRate: 3 },
  { statusCode: 'prs', indexMin: 467, indexMax: 700, idCompanyRate: 21, idRate: 4 },
  { statusCode: 'prs', indexMin: 701, indexMax: null, idCompanyRate: 21, idRate: 5 },
  { statusCode: 'hbg', indexMin: null, indexMax: null, idCompanyRate: 30, idRate: 7 },
];

/** Seeds the demo institutions' CROUS settings and tariff rules against the embedded simulator. Idempotent. */
export async function seedEmbeddedCrous(deps: {
  simulator: Pick<CrousSimulator, 'setTariffRules'>;
  institutions: Array<{ id: number; code: string; kind: 'institution' | 'federation'; disabled: boolean; uai: string | null }>;
  connectorSettings: Pick<ConnectorSettingsService, 'seed'>;
  crousTariff: Pick<CrousTariffService, 'refresh'>;
}): Promise<void> {
  for (const institution of deps.institutions) {
    if (institution.kind !== 'institution' || institution.disabled || institution.uai === null) continue;
    deps.simulator.setTariffRules(DEMO_CROUS_NUMBER, institution.uai, DEMO_TARIFF_RULES.map((rule) => ({ ...rule })));
    await deps.connectorSettings.seed(institution.id, CROUS_CONNECTOR_ID, {
      enabled: true,
      settings: { mode: 'api', environment: 'simulator', crousNumber: DEMO_CROUS_NUMBER, autoConsentPersonTypes: [] },
    }, { actor: 'demo-seed' });
    // The simulator starts empty each time: fetched again at every start, as the ESC reconcile does.
    await deps.crousTariff.refresh({ institutionIds: null }, institution.code);
  }
}
