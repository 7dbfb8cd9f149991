import { Type } from '@sinclair/typebox';
import type { AppDeps, AppInstance } from '../../app/app-types.ts';
import { principalOf } from '../http/access.ts';
import { actorOf, errorResponses, Nullable } from '../http/schemas.ts';
import type { ConnectorSettingsView } from './connector-settings.service.ts';

const ConnectorParams = Type.Object({
  connector: Type.String({ pattern: '^[a-z][a-z0-9-]{0,31}$', description: 'Connector id (crous, …)' }),
  institutionCode: Type.String({ minLength: 1, maxLength: 64, description: 'Institution code' }),
}, { additionalProperties: false });

const ConfiguredBy = Type.Union([Type.Literal('settings'), Type.Literal('deployment')], {
  description: 'Where the state comes from: the settings saved here, or the deployment (environment, institution PIC and key: the ESC Router)',
});

const SecretViewSchema = Type.Object({
  configured: Type.Boolean(),
  source: Nullable(Type.Union([Type.Literal('database'), Type.Literal('environment')])),
  env: Nullable(Type.String({ description: 'The CONNECTOR_SECRETS entry it comes from' })),
  hint: Nullable(Type.String({ description: 'Last four characters (never more; none for short secrets)' })),
  readable: Type.Boolean({ description: 'False when set but unreadable (CONNECTOR_SECRETS_KEY changed or missing, entry removed)' }),
});

const SettingsViewSchema = Type.Object({
  connector: Type.String(),
  institution: Type.String(),
  configured: Type.Boolean({ description: 'False until saved once (the settings shown are the defaults); for a connector set up by the deployment, whether it is' }),
  enabled: Type.Boolean(),
  configuredBy: ConfiguredBy,
  settings: Type.Record(Type.String(), Type.Unknown(), { description: 'As the connector\'s schema describes them, defaults filled in' }),
  secrets: Type.Record(Type.String(), SecretViewSchema, { description: 'Never the values: whether each is set, where, and its last four characters' }),
  paused: Type.Boolean(),
  pausedBy: Nullable(Type.String()),
  pausedByName: Nullable(Type.String({ description: 'Who paused it, readably (the account\'s display name, the token\'s name); null when unknown' })),
  pausedAt: Nullable(Type.String()),
  pausedReason: Nullable(Type.String()),
  updatedBy: Nullable(Type.String()),
  updatedByName: Nullable(Type.String({ description: 'Who saved it last, readably; null when unknown' })),
  updatedAt: Nullable(Type.String()),
}, { $id: 'ConnectorSettings' });

const SecretInput = Type.Union([
  Type.Null(),
  Type.Object({ value: Type.String({ minLength: 1, maxLength: 4096, description: 'Stored encrypted (CONNECTOR_SECRETS_KEY); write-only' }) }, { additionalProperties: false }),
  Type.Object({ env: Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$', description: 'Name of a CONNECTOR_SECRETS entry' }) }, { additionalProperties: false }),
]);

/**
 * Per-institution connector settings (admins; an admin limited to some institutions reaches only
 * theirs: another institution answers 404 as an unknown one), pause and resume, and the list of
 * every connector at every institution for the operator page.
 */
export async function connectorSettingsRoutes(app: AppInstance, deps: AppDeps): Promise<void> {
  const { connectorSettings, auth } = deps.services;
  const tags = ['connectors'];
  const admin = { roles: ['admin' as const] };
  app.addSchema(SettingsViewSchema);

  /** Each item with the readable names of who paused it and who saved it (never a raw `account:<id>` for people to read). */
  async function named<T extends { pausedBy: string | null; updatedBy?: string | null }>(items: T[]): Promise<Array<T & { pausedByName: string | null; updatedByName: string | null }>> {
    const actors = items.flatMap((item) => [item.pausedBy, item.updatedBy ?? null]).filter((actor): actor is string => actor !== null);
    const names = await auth.actorNames([...new Set(actors)]);
    return items.map((item) => ({
      ...item,
      pausedByName: item.pausedBy === null ? null : names.get(item.pausedBy) ?? null,
      updatedByName: item.updatedBy ? names.get(item.updatedBy) ?? null : null,
    }));
  }
  const namedOne = async (view: ConnectorSettingsView) => (await named([view]))[0] as ConnectorSettingsView & { pausedByName: string | null; updatedByName: string | null };

  app.get('/admin/connectors', {
    config: { access: admin },
    schema: {
      tags, summary: 'The registered connectors, and each one\'s state at every institution of the caller',
      response: {
        200: Type.Object({
          connectors: Type.Array(Type.Object({
            id: Type.String(), labels: Type.Object({ fr: Type.String(), en: Type.String() }), secretNames: Type.Array(Type.String()),
          })),
          canStoreSecrets: Type.Boolean({ description: 'False when CONNECTOR_SECRETS_KEY (or ESC_KEY_ENCRYPTION_KEY) is not set: secrets only by CONNECTOR_SECRETS name' }),
          environmentSecrets: Type.Array(Type.String(), { description: 'Names of the CONNECTOR_SECRETS entries (never their values)' }),
          items: Type.Array(Type.Object({
            connector: Type.String(), institution: Type.String(), institutionName: Type.String(), configured: Type.Boolean(), enabled: Type.Boolean(),
            configuredBy: ConfiguredBy,
            paused: Type.Boolean(), pausedBy: Nullable(Type.String()), pausedByName: Nullable(Type.String()), pausedAt: Nullable(Type.String()),
            pausedReason: Nullable(Type.String()),
            updatedAt: Nullable(Type.String()),
          })),
        }),
        ...errorResponses(401, 403),
      },
    },
  }, async (request) => ({
    connectors: connectorSettings.connectors().map((connector) => ({ ...connector, secretNames: [...connector.secretNames] })),
    canStoreSecrets: connectorSettings.canStoreSecrets,
    environmentSecrets: connectorSettings.environmentSecretNames(),
    items: await named(await connectorSettings.list(principalOf(request))),
  }));

  app.get('/admin/connectors/:connector/institutions/:institutionCode/settings', {
    config: { access: admin },
    schema: {
      tags, summary: 'A connector\'s settings at an institution (secrets never shown: only whether set and their last four characters)',
      description: 'Codes: 404 `connector_not_found`, `institution_not_found` (also outside your institutions), 422 `connector_needs_institution` (a federation).',
      params: ConnectorParams,
      response: { 200: Type.Ref(SettingsViewSchema), ...errorResponses(400, 401, 403, 404, 422) },
    },
  }, async (request) => namedOne(await connectorSettings.get(principalOf(request), request.params.connector, request.params.institutionCode)));

  app.put('/admin/connectors/:connector/institutions/:institutionCode/settings', {
    config: { access: admin },
    schema: {
      tags, summary: 'Save a connector\'s settings at an institution (validated against the connector\'s schema; secrets write-only)',
      description: 'The settings replace the stored ones; secrets absent from the body are kept, null removes one. Codes: 422 `invalid_connector_settings` '
        + '(field /settings/…, every error in `errors`), 422 `invalid_connector_secrets` (field /secrets/<name>…: unknown_secret, secret_not_defined, '
        + 'invalid_secret), 409 `connector_secrets_key_not_configured` (a secret value without CONNECTOR_SECRETS_KEY), 404 as for GET.',
      params: ConnectorParams,
      body: Type.Object({
        enabled: Type.Boolean(),
        settings: Type.Record(Type.String(), Type.Unknown(), { description: 'As the connector\'s schema describes them' }),
        secrets: Type.Optional(Type.Record(Type.String({ pattern: '^[a-zA-Z][a-zA-Z0-9]{0,31}$' }), SecretInput, {
          description: 'Secret name → { value } (stored encrypted), { env } (a CONNECTOR_SECRETS name) or null (removed); absent: kept',
        })),
      }, { additionalProperties: false }),
      response: { 200: Type.Ref(SettingsViewSchema), ...errorResponses(400, 401, 403, 404, 409, 422) },
    },
  }, async (request) => namedOne(await connectorSettings.set(principalOf(request), request.params.connector, request.params.institutionCode, request.body, actorOf(request))));

  app.post('/admin/connectors/:connector/institutions/:institutionCode/pause', {
    config: { access: admin },
    schema: {
      tags, summary: 'Pause a connector at an institution: deliveries stop, changes keep being recorded and drain on resume (audited)',
      params: ConnectorParams,
      body: Type.Optional(Type.Object({ reason: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false })),
      response: { 200: Type.Ref(SettingsViewSchema), ...errorResponses(400, 401, 403, 404, 422) },
    },
  }, async (request) => namedOne(await connectorSettings.pause(principalOf(request), request.params.connector, request.params.institutionCode,
    request.body?.reason ?? null, actorOf(request))));

  app.post('/admin/connectors/:connector/institutions/:institutionCode/resume', {
    config: { access: admin },
    schema: {
      tags, summary: 'Resume a paused connector at an institution: what accumulated is delivered (audited)',
      params: ConnectorParams,
      response: { 200: Type.Ref(SettingsViewSchema), ...errorResponses(400, 401, 403, 404, 422) },
    },
  }, async (request) => namedOne(await connectorSettings.resume(principalOf(request), request.params.connector, request.params.institutionCode, actorOf(request))));
}
