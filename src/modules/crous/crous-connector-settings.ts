/**
 * The CROUS/Izly connector's per-institution settings (registered in the connector registry,
 * edited on the « Connecteurs » page), and how they become a CROUS API client's options.
 *
 * - `mode`: `api` (the API CROUS, per person and card) or `files` (account files only).
 * - `environment`: `production` (https://api.lescrous.fr) or `preproduction`
 *   (https://api-pp.nuonet.fr), the hosts of shared/domain/crous-izly.md; `baseUrl` overrides the
 *   host. `simulator`: the CROUS simulator `serve` embeds in demo mode (CROUS_SIMULATOR), with
 *   credentials it issues itself; refused by the client resolution when it does not run.
 * - `auth`: OAuth2 client credentials (`accessUrl` of the token host, default the API host;
 *   `clientId`) or the legacy token (`appId`); the secret of either is the `secret` secret.
 * - `crousNumber` and `rneOrgCode` (UAI; default the institution's): what tariff rules are asked for.
 * - `identifier`: `ine` (the INE when the person has one, else the eppn) or `eppn`.
 * - `idZdcOffset`: added to the institution's sequence for cards it encodes itself.
 * - `timeZone`: the zone whose wall-clock time the CROUS's quirky dates hold.
 * - `autoConsentPersonTypes`: person types whose CROUS consent is given automatically.
 * - `statusCodes`: person type → CROUS status code of the tariff rules (default student → etd,
 *   staff → prs, whose rule is then chosen by the person's salary index); a type not listed gets
 *   the default tariff (78 / 99).
 */
import { Type, type Static } from '@sinclair/typebox';
import type { ConnectorDefinition, ConnectorSettingsContext } from '../../platform/connectors/connector-registry.ts';
import type { EffectiveConnectorSettings } from '../../platform/connectors/connector-settings.service.ts';
import type { ProblemItem } from '../../platform/http/problem.ts';
import type { CrousClientOptions } from '../../adapters/crous/crous.client.ts';
import { DEFAULT_CROUS_TIME_ZONE, isValidTimeZone } from './domain/crous-dates.ts';
import { STUDENT_STATUS_CODE } from './domain/crous-account.ts';

/** The connector's id: URL segment, registry key, outbox connector. */
export const CROUS_CONNECTOR_ID = 'crous';

/** The API hosts per platform (shared/domain/crous-izly.md); never hard-coded elsewhere. */
export const CROUS_HOSTS = {
  production: 'https://api.lescrous.fr',
  preproduction: 'https://api-pp.nuonet.fr',
} as const;

/** The only secret: the OAuth2 client secret or the legacy application secret. */
export const CROUS_SECRET = 'secret';

/** Default added to the institution's sequence for the idZdc of cards it encodes itself. */
export const DEFAULT_ID_ZDC_OFFSET = 99_990_000;

/** Default person type → CROUS status code mapping. */
export const DEFAULT_CROUS_STATUS_CODES: Readonly<Record<string, string>> = { student: STUDENT_STATUS_CODE, staff: 'prs' };

const PersonTypeCode = Type.String({ pattern: '^[a-z][a-z0-9_-]{0,31}$' });
const HttpUrl = Type.String({ pattern: '^https?://[^\\s/?#]+(/[^\\s?#]*)?$', maxLength: 300 });

/** The settings schema (TypeBox); unknown properties are refused. */
export const CrousSettingsSchema = Type.Object({
  mode: Type.Union([Type.Literal('api'), Type.Literal('files')], { default: 'api' }),
  environment: Type.Union([Type.Literal('production'), Type.Literal('preproduction'), Type.Literal('simulator')], { default: 'preproduction' }),
  baseUrl: Type.Optional(HttpUrl),
  auth: Type.Optional(Type.Union([
    Type.Object({
      mode: Type.Literal('oauth2'),
      accessUrl: Type.Optional(HttpUrl),
      clientId: Type.String({ minLength: 1, maxLength: 200 }),
    }, { additionalProperties: false }),
    Type.Object({
      mode: Type.Literal('legacy'),
      appId: Type.String({ minLength: 1, maxLength: 200 }),
    }, { additionalProperties: false }),
  ])),
  crousNumber: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$' })),
  rneOrgCode: Type.Optional(Type.String({ pattern: '^[0-9]{7}[A-Z]$' })),
  identifier: Type.Union([Type.Literal('ine'), Type.Literal('eppn')], { default: 'ine' }),
  idZdcOffset: Type.Integer({ minimum: 0, maximum: 2_000_000_000, default: DEFAULT_ID_ZDC_OFFSET }),
  timeZone: Type.String({ minLength: 1, maxLength: 64, default: DEFAULT_CROUS_TIME_ZONE }),
  autoConsentPersonTypes: Type.Array(PersonTypeCode, { maxItems: 50, uniqueItems: true, default: [] }),
  statusCodes: Type.Record(PersonTypeCode, Type.String({ pattern: '^[a-z0-9]{2,4}$' }), { default: { ...DEFAULT_CROUS_STATUS_CODES } }),
}, { additionalProperties: false });

/** Validated CROUS settings, defaults filled in. */
export type CrousSettings = Static<typeof CrousSettingsSchema>;

/** Rules the schema cannot say. */
function check(raw: Record<string, unknown>, context: ConnectorSettingsContext): ProblemItem[] {
  const settings = raw as CrousSettings;
  const problems: ProblemItem[] = [];
  if (!isValidTimeZone(settings.timeZone)) {
    problems.push({ field: '/settings/timeZone', code: 'invalid_time_zone', message: 'Not an IANA time zone (e.g. Europe/Paris)' });
  }
  if (settings.mode === 'api' && settings.environment !== 'simulator' && settings.auth === undefined) {
    problems.push({ field: '/settings/auth', code: 'auth_required', message: 'The API mode needs credentials (OAuth2 client or legacy application)' });
  }
  if (settings.rneOrgCode === undefined && context.institutionUai === null) {
    problems.push({ field: '/settings/rneOrgCode', code: 'uai_required', message: 'The institution has no UAI: give the CROUS the UAI (rneOrgCode) here' });
  }
  return problems;
}

/** The registry entry of the CROUS connector. */
export const crousConnectorDefinition: ConnectorDefinition = {
  id: CROUS_CONNECTOR_ID,
  labels: { fr: 'CROUS / Izly', en: 'CROUS / Izly' },
  settingsSchema: CrousSettingsSchema,
  secretNames: [CROUS_SECRET],
  check,
};

/** The part of the embedded simulator the resolution needs (see crous.embedded.ts). */
export interface EmbeddedCrousEndpoint {
  url: string;
  credentialsFor(rne: string): { clientId: string; clientSecret: string };
}

/** Why an institution's CROUS API cannot be called (shown to operators; stable codes). */
export type CrousConnectionProblem =
  | { code: 'crous_not_configured' | 'crous_files_mode' | 'crous_simulator_not_running' | 'crous_auth_missing'
    | 'crous_secret_missing' | 'crous_uai_missing' | 'crous_number_missing'; message: string };

/** What the API calls of one institution need. */
export interface CrousConnection {
  settings: CrousSettings;
  client: CrousClientOptions;
  /** The UAI sent as rneOrgCode and asked tariff rules for. */
  rne: string;
  crousNumber: string | undefined;
}

/**
 * Client options for an institution from its effective settings: the platform's host (or the
 * override), the credentials (the secret from the database or CONNECTOR_SECRETS; from the
 * embedded simulator for `simulator`), the zone. Answers a problem instead when something is missing.
 */
export function crousConnection(effective: EffectiveConnectorSettings | undefined, institutionUai: string | null,
  embedded: EmbeddedCrousEndpoint | undefined): CrousConnection | CrousConnectionProblem {
  if (!effective) return { code: 'crous_not_configured', message: 'The CROUS connector is not configured for this institution' };
  const settings = effective.settings as CrousSettings;
  if (settings.mode !== 'api') return { code: 'crous_files_mode', message: 'The institution exchanges files with the CROUS, not through the API' };
  const rne = settings.rneOrgCode ?? institutionUai;
  if (!rne) return { code: 'crous_uai_missing', message: 'No UAI: set the institution\'s UAI or rneOrgCode' };
  const base = { timeZone: settings.timeZone, userAgent: 'campuscard' };
  if (settings.environment === 'simulator') {
    if (!embedded) return { code: 'crous_simulator_not_running', message: 'The embedded CROUS simulator runs only in `serve` with CROUS_SIMULATOR (demo mode)' };
    const credentials = embedded.credentialsFor(rne);
    return {
      settings, rne, crousNumber: settings.crousNumber,
      client: {
        ...base, baseUrl: embedded.url, environment: 'preproduction',
        auth: { mode: 'oauth2', accessUrl: embedded.url, clientId: credentials.clientId, clientSecret: credentials.clientSecret },
      },
    };
  }
  if (!settings.auth) return { code: 'crous_auth_missing', message: 'No CROUS credentials are configured' };
  const secret = effective.secrets[CROUS_SECRET];
  if (secret === undefined) return { code: 'crous_secret_missing', message: 'The CROUS secret is not set or cannot be read (CONNECTOR_SECRETS_KEY changed?)' };
  const baseUrl = settings.baseUrl ?? CROUS_HOSTS[settings.environment];
  return {
    settings, rne, crousNumber: settings.crousNumber,
    client: {
      ...base, baseUrl, environment: settings.environment,
      auth: settings.auth.mode === 'oauth2'
        ? { mode: 'oauth2', accessUrl: settings.auth.accessUrl ?? baseUrl, clientId: settings.auth.clientId, clientSecret: secret }
        : { mode: 'legacy', appId: settings.auth.appId, appSecret: secret },
    },
  };
}

/** True when `value` is a {@link CrousConnectionProblem}. */
export function isCrousConnectionProblem(value: CrousConnection | CrousConnectionProblem): value is CrousConnectionProblem {
  return 'code' in value;
}
