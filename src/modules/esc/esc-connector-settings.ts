import { Type } from '@sinclair/typebox';
import type { ConnectorDefinition } from '../../platform/connectors/connector-registry.ts';
import { ESC_CONNECTOR } from './esc-sync.service.ts';

/**
 * The ESC Router in the connector registry: nothing to set per institution there (its PIC is the
 * institution's, its API key has its own endpoint, its card types are deployment settings), but
 * registered so that an operator can pause and resume it per institution like any connector.
 * Whether it runs at an institution is the sync's answer (`configuredInstitutions`: router
 * configured, PIC and key known), never its empty settings row.
 */
export function escConnectorDefinition(sync: { configuredInstitutions: NonNullable<ConnectorDefinition['deploymentConfigured']> }): ConnectorDefinition {
  return {
    id: ESC_CONNECTOR,
    labels: { fr: 'Routeur ESC (carte étudiante européenne)', en: 'ESC Router (European Student Card)' },
    settingsSchema: Type.Object({}, { additionalProperties: false }),
    secretNames: [],
    deploymentConfigured: (executor, institutionIds) => sync.configuredInstitutions(executor, institutionIds),
  };
}
