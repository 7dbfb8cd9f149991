import { join, parse, resolve } from 'node:path';
import { SsoConfigError, ssoMethodsFromEnv, type SsoMethodConfig } from './sso-methods.config.ts';

/** Validated runtime configuration. Built once at boot by {@link loadConfig}; nothing else reads the environment. */
export interface Config {
  port: number;
  host: string;
  /** Base URL people reach the server at (links in mails, QR codes). */
  publicUrl: string;
  /** PostgreSQL server URL; absent means embedded PGlite in {@link Config.dataDir}. */
  databaseUrl: string | undefined;
  dataDir: string;
  demo: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Run job workers inside the web process (true), or leave them to `campuscard worker` (false). */
  runWorkers: boolean;
  /** Mark session cookies Secure; defaults to true when PUBLIC_URL is https. */
  cookieSecure: boolean;
  sessionTtlHours: number;
  /** Trust X-Forwarded-* from a reverse proxy (needed for real client addresses behind a load balancer). */
  trustProxy: boolean;
  bodyLimitBytes: number;
  photoMaxBytes: number;
  photoMaxPixels: number;
  loginMaxAttempts: number;
  loginWindowMinutes: number;
  smtpUrl: string | undefined;
  mailFrom: string;
  /** Daily schedule (cron, server time zone UTC) of the rights-end job. */
  rightsEndCron: string;
  escRouterUrl: string | undefined;
  /** The deployment's router API key: used by every institution that has no key of its own. */
  escRouterApiKey: string | undefined;
  /**
   * Secret from which the key encrypting the institutions' own ESC Router API keys is derived
   * (ESC_KEY_ENCRYPTION_KEY, at least 32 characters). Without it, institutions cannot be given
   * keys of their own and all use ESC_ROUTER_API_KEY. Changing it makes stored keys unreadable.
   */
  escKeyEncryptionKey: string | undefined;
  /**
   * `serve` starts an in-process ESC Router simulator and syncs to it, so that a demo shows the
   * ESC sync without a real router. On by default only in demo mode without ESC_ROUTER_URL;
   * refused together with a real router URL.
   */
  escRouterSimulator: boolean;
  /**
   * Secret from which the key encrypting the connectors' secrets stored in the database (a CROUS
   * client secret…) is derived (CONNECTOR_SECRETS_KEY, at least 32 characters; when unset,
   * ESC_KEY_ENCRYPTION_KEY: one secret may serve both, each use derives its own key). Without
   * either, connector secrets can only come from CONNECTOR_SECRETS. Changing it makes stored
   * connector secrets unreadable (they must be entered again).
   */
  connectorSecretsKey: string | undefined;
  /**
   * Connector secrets by name (CONNECTOR_SECRETS, a JSON object name → value), for deployments
   * that keep secrets out of the database: a connector's settings then name the secret.
   */
  connectorSecrets: Readonly<Record<string, string>>;
  /**
   * `serve` starts an in-process CROUS API simulator (CROUS_SIMULATOR; on by default in demo
   * mode) that institutions whose CROUS settings say `environment: simulator` are connected to.
   */
  crousSimulator: boolean;
  escEscnPrefix: number;
  escCardType: string;
  escVirtualCardType: string;
  /** Verifier prefix put in front of the ESCN in QR codes. */
  qrPrefix: string;
  verifyRateLimitPerMinute: number;
  /** Single sign-on login starts and callbacks per client address and minute (SSO_RATE_LIMIT_PER_MINUTE, default 300). */
  ssoRateLimitPerMinute: number;
  /**
   * Secrets of the person sources (bind passwords, database URLs, API keys), by name
   * (DIRECTORY_SECRETS, a JSON object name → value). A source's settings name the secret
   * (`secretEnv`), so no secret is stored in the database or shown back by the API.
   */
  directorySecrets: Readonly<Record<string, string>>;
  /**
   * The only directory CSV person sources read from (PERSON_SOURCE_DIR, absolute; default
   * `<DATA_DIR>/sources`): a source names a file relative to it, and the console uploads there.
   * Nothing outside it is ever read for a source, so a source definition cannot expose a server file.
   */
  personSourceDir: string;
  /**
   * Single sign-on methods (SSO_METHODS JSON, or SSO_METHODS_FILE): how to reach each identity
   * provider; in demo mode also `cas-demo` and `oidc-demo` (embedded by `serve`). See sso-methods.config.ts.
   */
  ssoMethods: SsoMethodConfig[];
  /** Days the event log keeps an event for pull consumers (EVENT_RETENTION_DAYS, 1 to 3650, default 30); a daily job deletes older ones. */
  eventRetentionDays: number;
  /**
   * Accept webhook endpoints at `http://` loopback URLs (127.0.0.1, localhost, [::1]) besides
   * https (WEBHOOK_ALLOW_HTTP_LOOPBACK; default true only for a demo on the embedded database):
   * for tests and for trying webhooks with a receiver on one's own machine.
   */
  webhookAllowHttpLoopback: boolean;
  /**
   * How many subjects (institution × person) each connector's pass delivers at once: calls in
   * flight to the remote system, a person's own calls staying one at a time and in order (their
   * lease). Neither the ESC Router's published OpenAPI (v2 and v3 list no 429 and state no rate or
   * concurrency limit) nor what is documented of the CROUS API states a limit, so the defaults are
   * ours: ESC_SYNC_CONCURRENCY 64 (a person costs the router two sequential calls, so at 100 ms a
   * call 64 in flight allow 640 calls/s where 8 allowed 80: the ≥ 500 calls/s of issue 12),
   * CROUS_SYNC_CONCURRENCY 8 (one national API shared by every university: kept at the engine's
   * former default until the CROUS states what it accepts), WEBHOOK_SYNC_CONCURRENCY 8 (distinct
   * receivers; one receiver and institution gets one call at a time whatever the setting). 1 to
   * 256 each. A remote system that throttles (429, Retry-After honoured) or fails is retried with
   * backoff, and five such answers in a row stop the pass (circuit breaker).
   */
  syncConcurrency: { esc: number; crous: number; webhooks: number };
  /**
   * `serve` registers a demo printer and runs its printer client in process, printing to the
   * folder `<DATA_DIR>/demo-printer` (DEMO_PRINTER; on by default in demo mode).
   */
  demoPrinter: boolean;
}

/** The printer client's settings (`campuscard printer-client`): its own, it needs no database. */
export interface PrinterClientConfig {
  /** The campuscard server's base URL (PRINTER_CLIENT_URL). */
  url: string;
  /** The printer's credential (PRINTER_CLIENT_TOKEN, ccp_…); never logged. */
  token: string;
  /**
   * The spooler command (PRINTER_CLIENT_COMMAND), split on spaces, run without a shell; `{file}`
   * is the job's PDF, `{queue}` the spooler queue, `{sides}` two-sided-long-edge or one-sided.
   */
  command: string[];
  /** The spooler queue (PRINTER_CLIENT_QUEUE), for `{queue}`. */
  queue: string;
  /** Print to this folder instead (PRINTER_CLIENT_FOLDER): each job's PDF is copied there (demo, tests). */
  folder: string | undefined;
  /** Longest wait of one poll, seconds (PRINTER_CLIENT_POLL_WAIT, 0 to 30, default 25). */
  pollWaitSeconds: number;
  /** Heartbeat period, seconds (PRINTER_CLIENT_HEARTBEAT, 5 to 600, default 30). */
  heartbeatSeconds: number;
  /** Where the client remembers the jobs it handed to the spooler (PRINTER_CLIENT_STATE_DIR), so a restart never prints one twice. */
  stateDir: string | undefined;
}

/** The Linux default: CUPS `lp` on the named queue, duplex along the long edge when the printer is duplex. */
export const DEFAULT_PRINTER_COMMAND = 'lp -d {queue} -o sides={sides} {file}';

/**
 * Reads and validates the printer client's settings: the environment, with `overrides` (the
 * command line's options) taking precedence. Throws {@link ConfigError} naming the bad setting.
 */
export function loadPrinterClientConfig(env: Env = process.env, overrides: Partial<Record<'url' | 'token' | 'command' | 'queue' | 'folder' | 'stateDir', string>> = {}): PrinterClientConfig {
  const merged: Env = {
    ...env,
    ...(overrides.url !== undefined ? { PRINTER_CLIENT_URL: overrides.url } : {}),
    ...(overrides.token !== undefined ? { PRINTER_CLIENT_TOKEN: overrides.token } : {}),
    ...(overrides.command !== undefined ? { PRINTER_CLIENT_COMMAND: overrides.command } : {}),
    ...(overrides.queue !== undefined ? { PRINTER_CLIENT_QUEUE: overrides.queue } : {}),
    ...(overrides.folder !== undefined ? { PRINTER_CLIENT_FOLDER: overrides.folder } : {}),
    ...(overrides.stateDir !== undefined ? { PRINTER_CLIENT_STATE_DIR: overrides.stateDir } : {}),
  };
  const serverUrl = url(merged, 'PRINTER_CLIENT_URL', ['http:', 'https:']);
  if (!serverUrl) throw new ConfigError('PRINTER_CLIENT_URL (or --url) is required: the campuscard server\'s address');
  const token = merged.PRINTER_CLIENT_TOKEN?.trim();
  if (!token) throw new ConfigError('PRINTER_CLIENT_TOKEN (or --token) is required: the printer\'s credential shown when it was registered');
  if (!/^ccp_[A-Za-z0-9_-]{20,200}$/.test(token)) throw new ConfigError('PRINTER_CLIENT_TOKEN is not a printer credential (ccp_…)');
  const command = (merged.PRINTER_CLIENT_COMMAND?.trim() || DEFAULT_PRINTER_COMMAND).split(/\s+/);
  if (!command.includes('{file}')) throw new ConfigError('PRINTER_CLIENT_COMMAND must contain {file}, where the job\'s PDF goes');
  const folder = merged.PRINTER_CLIENT_FOLDER?.trim();
  const stateDir = merged.PRINTER_CLIENT_STATE_DIR?.trim();
  return {
    url: serverUrl,
    token,
    command,
    queue: merged.PRINTER_CLIENT_QUEUE?.trim() || 'campuscard',
    folder: folder ? resolve(folder) : undefined,
    pollWaitSeconds: integer(merged, 'PRINTER_CLIENT_POLL_WAIT', 25, 0, 30),
    heartbeatSeconds: integer(merged, 'PRINTER_CLIENT_HEARTBEAT', 30, 5, 600),
    stateDir: stateDir ? resolve(stateDir) : undefined,
  };
}

/** Raised at boot when the environment is invalid; the message names the variable. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const ESC_CARD_TYPES = ['UNKNOWN', 'PASSIVE', 'SMART_NO_CDZ', 'SMART_CDZ', 'SMART_MAY_SP', 'SMART_PASSIVE', 'SMART_PASSIVE_EMULATION'];

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^-?\d+$/.test(raw.trim())) throw new ConfigError(`${name} must be an integer, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${env[name]}"`);
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a valid URL`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name} must use ${protocols.join(' or ')}, got ${parsed.protocol}`);
  }
  return raw.replace(/\/+$/, '');
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

/** DIRECTORY_SECRETS, CONNECTOR_SECRETS: a JSON object of secret name → non-empty string value. */
function namedSecrets(env: Env, variable: 'DIRECTORY_SECRETS' | 'CONNECTOR_SECRETS'): Record<string, string> {
  const raw = env[variable]?.trim();
  if (!raw) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError(`${variable} must be a JSON object of secret name → value`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`${variable} must be a JSON object of secret name → value`);
  }
  const secrets: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) throw new ConfigError(`${variable}: "${name}" is not a valid secret name (letters, digits, _)`);
    if (typeof value !== 'string' || value === '') throw new ConfigError(`${variable}: the secret ${name} must be a non-empty string`);
    secrets[name] = value;
  }
  return secrets;
}

/** PERSON_SOURCE_DIR: a folder of its own, never the file system's root (every file would be readable). */
function personSourceDir(env: Env, dataDir: string): string {
  const dir = resolve(env.PERSON_SOURCE_DIR?.trim() || join(dataDir, 'sources'));
  if (dir === parse(dir).root) throw new ConfigError('PERSON_SOURCE_DIR must be a folder of its own, not the root of the file system');
  return dir;
}

/**
 * Reads and validates the environment. Throws {@link ConfigError} naming the first bad variable,
 * so that a misconfigured node fails at boot rather than at the first request.
 */
export function loadConfig(env: Env = process.env): Config {
  const port = integer(env, 'PORT', 8080, 0, 65535);
  const publicUrl = url(env, 'PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port}`;
  const databaseUrl = url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  const escRouterUrl = url(env, 'ESC_ROUTER_URL', ['http:', 'https:']);
  const escRouterApiKey = env.ESC_ROUTER_API_KEY?.trim() || undefined;
  if (escRouterUrl && !escRouterApiKey) throw new ConfigError('ESC_ROUTER_API_KEY is required when ESC_ROUTER_URL is set');
  const escKeyEncryptionKey = env.ESC_KEY_ENCRYPTION_KEY?.trim() || undefined;
  if (escKeyEncryptionKey !== undefined && escKeyEncryptionKey.length < 32) {
    throw new ConfigError('ESC_KEY_ENCRYPTION_KEY must be at least 32 characters (e.g. openssl rand -base64 32)');
  }
  const connectorSecretsKey = env.CONNECTOR_SECRETS_KEY?.trim() || escKeyEncryptionKey;
  if (connectorSecretsKey !== undefined && connectorSecretsKey.length < 32) {
    throw new ConfigError('CONNECTOR_SECRETS_KEY must be at least 32 characters (e.g. openssl rand -base64 32)');
  }
  const demo = boolean(env, 'DEMO', true);
  const escRouterSimulator = boolean(env, 'ESC_ROUTER_SIMULATOR', demo && !escRouterUrl);
  // Both at once would leave it unclear where the cards go: a real router must never be shadowed by the demo one.
  if (escRouterSimulator && escRouterUrl) throw new ConfigError('ESC_ROUTER_SIMULATOR cannot be true when ESC_ROUTER_URL is set');
  const loginWindowMinutes = integer(env, 'LOGIN_WINDOW_MINUTES', 15, 1, 1440);
  let ssoMethods: SsoMethodConfig[];
  try {
    ssoMethods = ssoMethodsFromEnv(env, { demo, publicUrl });
  } catch (error) {
    if (error instanceof SsoConfigError) throw new ConfigError(error.message);
    throw error;
  }
  const dataDir = resolve(env.DATA_DIR?.trim() || './data');
  return {
    port,
    host: env.HOST?.trim() || '0.0.0.0',
    publicUrl,
    databaseUrl,
    dataDir,
    demo,
    // A demo on the embedded database (`npm start` to try it) runs in a terminal where the demo
    // logins were just printed: two request lines per request at info would scroll them away at
    // the first page load. A deployment on PostgreSQL keeps info whatever DEMO says.
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, demo && !databaseUrl ? 'warn' : 'info'),
    runWorkers: boolean(env, 'RUN_WORKERS', true),
    cookieSecure: boolean(env, 'COOKIE_SECURE', publicUrl.startsWith('https:')),
    sessionTtlHours: integer(env, 'SESSION_TTL_HOURS', 12, 1, 24 * 30),
    trustProxy: boolean(env, 'TRUST_PROXY', false),
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 1024 * 1024, 1024, 100 * 1024 * 1024),
    photoMaxBytes: integer(env, 'PHOTO_MAX_BYTES', 5 * 1024 * 1024, 10 * 1024, 50 * 1024 * 1024),
    photoMaxPixels: integer(env, 'PHOTO_MAX_PIXELS', 40_000_000, 100_000, 200_000_000),
    loginMaxAttempts: integer(env, 'LOGIN_MAX_ATTEMPTS', 10, 1, 1000),
    loginWindowMinutes,
    smtpUrl: url(env, 'SMTP_URL', ['smtp:', 'smtps:']),
    mailFrom: env.MAIL_FROM?.trim() || 'campuscard <no-reply@localhost>',
    rightsEndCron: env.RIGHTS_END_CRON?.trim() || '15 2 * * *',
    escRouterUrl,
    escRouterApiKey,
    escKeyEncryptionKey,
    escRouterSimulator,
    connectorSecretsKey,
    connectorSecrets: namedSecrets(env, 'CONNECTOR_SECRETS'),
    crousSimulator: boolean(env, 'CROUS_SIMULATOR', demo),
    escEscnPrefix: integer(env, 'ESC_ESCN_PREFIX', 1, 0, 999),
    escCardType: oneOf(env, 'ESC_CARD_TYPE', ESC_CARD_TYPES, 'SMART_NO_CDZ'),
    escVirtualCardType: oneOf(env, 'ESC_VIRTUAL_CARD_TYPE', ESC_CARD_TYPES, 'SMART_PASSIVE'),
    qrPrefix: env.QR_PREFIX?.trim() || `${publicUrl}/v/`,
    verifyRateLimitPerMinute: integer(env, 'VERIFY_RATE_LIMIT_PER_MINUTE', 120, 1, 1_000_000),
    ssoRateLimitPerMinute: integer(env, 'SSO_RATE_LIMIT_PER_MINUTE', 300, 1, 1_000_000),
    directorySecrets: namedSecrets(env, 'DIRECTORY_SECRETS'),
    personSourceDir: personSourceDir(env, dataDir),
    ssoMethods,
    eventRetentionDays: integer(env, 'EVENT_RETENTION_DAYS', 30, 1, 3650),
    webhookAllowHttpLoopback: boolean(env, 'WEBHOOK_ALLOW_HTTP_LOOPBACK', demo && !databaseUrl),
    syncConcurrency: {
      esc: integer(env, 'ESC_SYNC_CONCURRENCY', 64, 1, 256),
      crous: integer(env, 'CROUS_SYNC_CONCURRENCY', 8, 1, 256),
      webhooks: integer(env, 'WEBHOOK_SYNC_CONCURRENCY', 8, 1, 256),
    },
    demoPrinter: boolean(env, 'DEMO_PRINTER', demo),
  };
}
