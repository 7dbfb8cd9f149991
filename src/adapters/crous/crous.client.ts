import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { CrousCancelReason, CrousRightHolder, CrousTariffRule } from '../../modules/crous/domain/crous-account.ts';
import { CROUS_ACCOUNT_STATUSES, CROUS_BLOCKING_STATUSES } from '../../modules/crous/domain/crous-account.ts';
import {
  DEFAULT_CROUS_TIME_ZONE,
  formatCrousLocalDateTime,
  formatZdcCreationDate,
  isValidTimeZone,
  parseCrousDateTime,
} from '../../modules/crous/domain/crous-dates.ts';
import { crousErrorMeaning } from '../../modules/crous/domain/crous-error-meanings.ts';
import type { CrousErrorMeaning } from '../../modules/crous/domain/crous-error-meanings.ts';
import type {
  CrousEnvironment,
  OAuthTokenWire,
  PatchIdentifierWire,
  RightHolderWire,
  SmartCardPatchWire,
  SmartCardReadWire,
  SmartCardWire,
  TariffRuleWire,
} from './crous.types.ts';
import { CROUS_API_PREFIX, CROUS_LEGACY_ENV, CROUS_TOKEN_PATHS } from './crous.types.ts';
import { isRecord, isRetryableHttpStatus } from '../http-kit.ts';

/**
 * Typed client of the API CROUS (`/beforeizly/v1`, shared/domain/crous-izly.md).
 *
 * - Authentication: OAuth2 client credentials (`Authorization: Basic`, token path per platform)
 *   or the legacy `/v1/token` (`Authorization` without the word Basic, token in the
 *   `authorization` answer header). The token is cached until shortly before it expires (OAuth2
 *   `expires_in`; the legacy token until refused) and fetched once for concurrent callers. A 401
 *   or 403 makes the client authenticate again and retry the call once.
 * - Dates: `dueDate`, `cancelDate`, `revalidationDate` are written as wall-clock time of the
 *   configured zone (default Europe/Paris) with a literal Z, and read with any offset or
 *   precision (crous-dates.ts); the caller only handles instants.
 * - Errors: every failure is a {@link CrousApiError}: HTTP status, the first error's code and
 *   message, whether retrying later can help (`retryable`: 5xx, 408, 429, timeouts, connection
 *   errors, unreadable answers) and, for 406/423/422, the meaning to show.
 * - Efficiency: one keep-alive agent per client (connections reused across calls); calls never
 *   retry by themselves beyond the one re-authentication, backoff is the outbox's job.
 * Secrets live only in this closure: never in an error, a call event or a property.
 */

/** Whether an operation is worth retrying. */
export type CrousErrorKind = 'retryable' | 'failed';

/** What went wrong at the transport level (`auth`: the token endpoint refused or answered nonsense). */
export type CrousFailure = 'http' | 'timeout' | 'network' | 'invalid-response' | 'auth';

/** Fields of a {@link CrousApiError}. */
export interface CrousApiErrorInit {
  kind: CrousErrorKind;
  failure: CrousFailure;
  operation: string;
  status?: number;
  code?: string;
  crousMessage?: string;
  field?: string;
  cause?: unknown;
}

/** A failed CROUS call, classified for retry, with the CROUS's own code and message. */
export class CrousApiError extends Error {
  readonly kind: CrousErrorKind;
  readonly failure: CrousFailure;
  /** Client operation that failed, e.g. `updateRightHolder`. */
  readonly operation: string;
  readonly status: number | undefined;
  /** First error's code ("-11", "-31", …), when the CROUS sent one. */
  readonly code: string | undefined;
  /** First error's message, when the CROUS sent one. */
  readonly crousMessage: string | undefined;
  /** First error's field, when the CROUS named one. */
  readonly field: string | undefined;
  /** French and English meaning of a 406, 423, known 422 code or card 404, to show to operators. */
  readonly meaning: CrousErrorMeaning | undefined;

  constructor(init: CrousApiErrorInit) {
    super(describe(init), init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'CrousApiError';
    this.kind = init.kind;
    this.failure = init.failure;
    this.operation = init.operation;
    this.status = init.status;
    this.code = init.code;
    this.crousMessage = init.crousMessage;
    this.field = init.field;
    this.meaning = init.status === undefined ? undefined : crousErrorMeaning(init.status, init.code, init.operation);
  }

  /** Plain form for outbox entries and logs (no request data). */
  toJSON(): Record<string, unknown> {
    return {
      kind: this.kind,
      failure: this.failure,
      operation: this.operation,
      status: this.status,
      code: this.code,
      message: this.crousMessage ?? this.message,
      field: this.field,
    };
  }
}

function describe(init: CrousApiErrorInit): string {
  const head = `CROUS ${init.operation}`;
  switch (init.failure) {
    case 'timeout':
      return `${head}: no answer in time`;
    case 'network':
      return `${head}: connection failed`;
    case 'invalid-response':
      return `${head}: unreadable answer${init.status === undefined ? '' : ` (HTTP ${init.status})`}`;
    case 'auth':
    case 'http': {
      const code = init.code === undefined ? '' : ` ${init.code}`;
      const message = init.crousMessage === undefined ? '' : `: ${init.crousMessage}`;
      return `${head}: HTTP ${init.status ?? '?'}${code}${message}`;
    }
  }
}

/** True when `error` is a {@link CrousApiError}. */
export function isCrousApiError(error: unknown): error is CrousApiError {
  return error instanceof CrousApiError;
}

/** Server-side and throttling answers are retryable; anything else the CROUS refused is final until something changes. */
export function classifyCrousStatus(status: number): CrousErrorKind {
  return isRetryableHttpStatus(status) ? 'retryable' : 'failed';
}

/** One finished HTTP call, for metrics; carries no header, body, identifier or secret. */
export interface CrousCallEvent {
  operation: string;
  method: string;
  status: number | undefined;
  durationMs: number;
  outcome: 'ok' | CrousErrorKind;
}

/** How the client authenticates. */
export type CrousAuthOptions =
  | {
    mode: 'oauth2';
    /** Host of the token endpoint (e.g. `https://acces-pp.nuonet.fr` in pre-production). */
    accessUrl: string;
    clientId: string;
    clientSecret: string;
  }
  | {
    /** `POST {baseUrl}/v1/token`, token in the `authorization` answer header. */
    mode: 'legacy';
    appId: string;
    appSecret: string;
  };

/** Options of {@link createCrousClient}. */
export interface CrousClientOptions {
  /** API host, without the `/beforeizly/v1` prefix: `https://api.lescrous.fr` or `https://api-pp.nuonet.fr`. */
  baseUrl: string;
  environment: CrousEnvironment;
  auth: CrousAuthOptions;
  /** IANA zone whose wall-clock time the quirky dates hold; default Europe/Paris. */
  timeZone?: string;
  /** Sent on every call; default `campuscard`. */
  userAgent?: string;
  /** Deadline of each HTTP exchange, answer included; default 15000 ms. */
  timeoutMs?: number;
  /** Connections kept per host; default 16. */
  maxSockets?: number;
  /** Seconds before expiry at which a cached OAuth2 token is renewed; default 30. */
  tokenRenewalMarginSeconds?: number;
  /** Clock of cancel and revalidation dates and token expiry; default the system clock. */
  now?: () => Date;
  /** Called once per HTTP call (token calls included). */
  onCall?: (event: CrousCallEvent) => void;
}

/** A SmartCard as campuscard sends it, with its creation instant. */
export interface CrousSmartCard {
  idTransmitter: number;
  idMapping: number;
  idZdc: number;
  zdcCreationDate: Date;
  pixSs: string;
  pixNn: string;
  appl: string;
  /** CSN; sent upper-case. */
  uid: string;
  rid: string;
}

/** A SmartCard as read back, with its cancellation state. */
export interface CrousSmartCardState extends Omit<CrousSmartCard, 'zdcCreationDate'> {
  zdcCreationDate: Date | null;
  cancelDate: Date | null;
  revalidationDate: Date | null;
  reason: string | null;
}

/** The API CROUS client: one method per call of the domain file's table. */
export interface CrousClient {
  /** GET /rightholders/{id}; undefined on 404. */
  getRightHolder(identifier: string): Promise<CrousRightHolder | undefined>;
  /** POST /rightholders. */
  createRightHolder(account: CrousRightHolder): Promise<void>;
  /** PUT /rightholders/{id} (406 when another institution has priority). */
  updateRightHolder(identifier: string, account: CrousRightHolder): Promise<void>;
  /** PATCH /rightholders/{currentIdentifier}: change the account's identifier. */
  changeIdentifier(change: PatchIdentifierWire): Promise<void>;
  /** DELETE /closed-rightholders/{id}: reopen a closed account. */
  reopenClosedRightHolder(identifier: string): Promise<void>;
  /** GET /rightholders/{id}/smartcard/{idZdc}; undefined on 404. */
  getSmartCard(identifier: string, idZdc: number): Promise<CrousSmartCardState | undefined>;
  /** POST /rightholders/{id}/smartcard. */
  addSmartCard(identifier: string, card: CrousSmartCard): Promise<void>;
  /** PATCH …/smartcard/{idZdc} with `uid`: cancel now (or at `at`) with a reason. */
  cancelSmartCard(identifier: string, idZdc: number, input: { uid: string; reason: CrousCancelReason; at?: Date }): Promise<void>;
  /** PATCH …/smartcard/{idZdc} with `uid`: revalidate now (or at `at`). */
  revalidateSmartCard(identifier: string, idZdc: number, input: { uid: string; at?: Date }): Promise<void>;
  /** GET /crous/{crousNumber}/organization/{rne}: the institution's tariff rules. */
  tariffRules(crousNumber: string | number, rne: string): Promise<CrousTariffRule[]>;
  /** Drops the cached token (the next call authenticates). */
  forgetToken(): void;
  /** Closes the kept-alive connections. */
  close(): void;
}

interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

interface Exchange {
  operation: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: URL;
  headers: OutgoingHttpHeaders;
  body?: string;
}

interface CachedToken {
  header: string;
  /** Epoch ms after which it is renewed before use; Infinity for the legacy token. */
  renewAt: number;
}

interface ApiCall {
  operation: string;
  method: Exchange['method'];
  path: string;
  body?: unknown;
  extraHeaders?: Record<string, string>;
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

function firstError(text: string): { code?: string; message?: string; field?: string } {
  try {
    const parsed: unknown = JSON.parse(text);
    if (isRecord(parsed) && Array.isArray(parsed.errors) && isRecord(parsed.errors[0])) {
      const { code, message, field } = parsed.errors[0];
      return {
        ...(typeof code === 'string' || typeof code === 'number' ? { code: String(code) } : {}),
        ...(typeof message === 'string' ? { message } : {}),
        ...(typeof field === 'string' ? { field } : {}),
      };
    }
    if (isRecord(parsed)) {
      // OAuth2 servers answer { error, error_description }.
      const { error, error_description: description } = parsed;
      return {
        ...(typeof error === 'string' ? { code: error } : {}),
        ...(typeof description === 'string' ? { message: description } : {}),
      };
    }
  } catch {
    // Not JSON (a gateway's HTML page): keep a short excerpt below.
  }
  const excerpt = text.trim().slice(0, 200);
  return excerpt.length > 0 ? { message: excerpt } : {};
}

/**
 * Creates a client bound to one CROUS platform and one institution's credentials. Nothing is
 * sent until the first call.
 */
export function createCrousClient(options: CrousClientOptions): CrousClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const timeZone = options.timeZone ?? DEFAULT_CROUS_TIME_ZONE;
  if (!isValidTimeZone(timeZone)) throw new RangeError(`unknown time zone ${JSON.stringify(timeZone)}`);
  const userAgent = options.userAgent ?? 'campuscard';
  const timeoutMs = options.timeoutMs ?? 15000;
  const marginMs = (options.tokenRenewalMarginSeconds ?? 30) * 1000;
  const now = options.now ?? (() => new Date());
  const { auth, environment, onCall } = options;
  const secret = auth.mode === 'oauth2' ? auth.clientSecret : auth.appSecret;
  if (secret.length === 0) throw new RangeError('CROUS secret is empty');
  const credentials = Buffer.from(auth.mode === 'oauth2' ? `${auth.clientId}:${auth.clientSecret}` : `${auth.appId}:${auth.appSecret}`).toString('base64');
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 16 };
  const agents = { http: new HttpAgent(agentOptions), https: new HttpsAgent(agentOptions) };

  function exchange(spec: Exchange, retriedStaleSocket = false): Promise<RawAnswer> {
    const secure = spec.url.protocol === 'https:';
    const send = secure ? httpsRequest : httpRequest;
    const headers: OutgoingHttpHeaders = { 'user-agent': userAgent, ...spec.headers };
    if (spec.body !== undefined) headers['content-length'] = Buffer.byteLength(spec.body);
    return new Promise<RawAnswer>((resolve, reject) => {
      const req = send(spec.url, {
        method: spec.method,
        headers,
        agent: secure ? agents.https : agents.http,
        signal: AbortSignal.timeout(timeoutMs),
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        // A kept-alive connection the server closed as it sat idle (its keep-alive timeout) is reset
        // when reused: the request never reached the server, so it is sent once more on a new one.
        if (!retriedStaleSocket && req.reusedSocket && error.code === 'ECONNRESET') resolve(exchange(spec, true));
        else reject(error);
      });
      req.end(spec.body);
    });
  }

  /** One HTTP exchange with its call event; transport failures become CrousApiError. */
  async function timed(spec: Exchange): Promise<RawAnswer> {
    const started = performance.now();
    const report = (status: number | undefined, outcome: CrousCallEvent['outcome']): void => {
      onCall?.({ operation: spec.operation, method: spec.method, status, durationMs: performance.now() - started, outcome });
    };
    let answer: RawAnswer;
    try {
      answer = await exchange(spec);
    } catch (error) {
      report(undefined, 'retryable');
      throw new CrousApiError({ kind: 'retryable', failure: isTimeout(error) ? 'timeout' : 'network', operation: spec.operation, cause: error });
    }
    report(answer.status, answer.status >= 200 && answer.status < 300 ? 'ok' : classifyCrousStatus(answer.status));
    return answer;
  }

  function httpError(operation: string, answer: RawAnswer, failure: CrousFailure = 'http'): CrousApiError {
    const { code, message, field } = firstError(answer.text);
    return new CrousApiError({
      kind: classifyCrousStatus(answer.status),
      failure,
      operation,
      status: answer.status,
      ...(code === undefined ? {} : { code }),
      ...(message === undefined ? {} : { crousMessage: message }),
      ...(field === undefined ? {} : { field }),
    });
  }

  async function fetchToken(): Promise<CachedToken> {
    if (auth.mode === 'oauth2') {
      const url = new URL(`${auth.accessUrl.replace(/\/+$/, '')}${CROUS_TOKEN_PATHS[environment]}`);
      url.searchParams.set('grant_type', 'client_credentials');
      const answer = await timed({
        operation: 'authenticate',
        method: 'POST',
        url,
        headers: { authorization: `Basic ${credentials}`, accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
        body: '',
      });
      if (answer.status < 200 || answer.status >= 300) throw httpError('authenticate', answer, 'auth');
      let token: OAuthTokenWire | undefined;
      try {
        const parsed: unknown = JSON.parse(answer.text);
        if (isRecord(parsed) && typeof parsed.access_token === 'string' && parsed.access_token.length > 0) token = parsed as unknown as OAuthTokenWire;
      } catch {
        token = undefined;
      }
      if (token === undefined) throw new CrousApiError({ kind: 'retryable', failure: 'invalid-response', operation: 'authenticate', status: answer.status });
      const lifetimeMs = typeof token.expires_in === 'number' && token.expires_in > 0 ? token.expires_in * 1000 : Number.POSITIVE_INFINITY;
      return { header: `Bearer ${token.access_token}`, renewAt: now().getTime() + lifetimeMs - Math.min(marginMs, lifetimeMs / 2) };
    }
    const answer = await timed({
      operation: 'authenticate',
      method: 'POST',
      url: new URL(`${baseUrl}/v1/token`),
      // The legacy endpoint wants the credentials without the word "Basic".
      headers: { authorization: credentials, accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', env: CROUS_LEGACY_ENV[environment] }).toString(),
    });
    if (answer.status < 200 || answer.status >= 300) throw httpError('authenticate', answer, 'auth');
    const header = answer.headers.authorization;
    if (typeof header !== 'string' || header.trim() === '') {
      throw new CrousApiError({ kind: 'retryable', failure: 'invalid-response', operation: 'authenticate', status: answer.status });
    }
    const value = header.trim();
    return { header: /^bearer\s/i.test(value) ? value : `Bearer ${value}`, renewAt: Number.POSITIVE_INFINITY };
  }

  let cached: CachedToken | undefined;
  let pending: Promise<CachedToken> | undefined;

  /** The current token, fetched once for all concurrent callers when missing or about to expire. */
  async function token(): Promise<CachedToken> {
    if (cached !== undefined && now().getTime() < cached.renewAt) return cached;
    if (pending === undefined) {
      pending = fetchToken().then(
        (fresh) => {
          cached = fresh;
          pending = undefined;
          return fresh;
        },
        (error: unknown) => {
          pending = undefined;
          throw error;
        },
      );
    }
    return pending;
  }

  async function call(spec: ApiCall): Promise<RawAnswer> {
    const url = new URL(`${baseUrl}${CROUS_API_PREFIX}${spec.path}`);
    const body = spec.body === undefined ? undefined : JSON.stringify(spec.body);
    const attempt = async (used: CachedToken): Promise<RawAnswer> => timed({
      operation: spec.operation,
      method: spec.method,
      url,
      headers: {
        accept: 'application/json',
        'content-type': 'application/json',
        authorization: used.header,
        ...spec.extraHeaders,
      },
      ...(body === undefined ? {} : { body }),
    });
    const first = await token();
    let answer = await attempt(first);
    if (answer.status === 401 || answer.status === 403) {
      // Drop the refused token unless a concurrent call already replaced it, then retry once.
      if (cached === first) cached = undefined;
      answer = await attempt(await token());
    }
    if (answer.status >= 200 && answer.status < 300) return answer;
    throw httpError(spec.operation, answer);
  }

  async function json(spec: ApiCall): Promise<unknown> {
    const answer = await call(spec);
    try {
      return JSON.parse(answer.text) as unknown;
    } catch (error) {
      throw new CrousApiError({ kind: 'retryable', failure: 'invalid-response', operation: spec.operation, status: answer.status, cause: error });
    }
  }

  async function orUndefinedOn404<T>(promise: Promise<T>): Promise<T | undefined> {
    try {
      return await promise;
    } catch (error) {
      if (error instanceof CrousApiError && error.failure === 'http' && error.status === 404) return undefined;
      throw error;
    }
  }

  const invalid = (operation: string, status: number, what: string): CrousApiError =>
    new CrousApiError({ kind: 'retryable', failure: 'invalid-response', operation, status, crousMessage: what });

  function toWire(account: CrousRightHolder): RightHolderWire {
    return {
      identifier: account.identifier,
      firstName: account.firstName,
      lastName: account.lastName,
      email: account.email,
      dueDate: formatCrousLocalDateTime(account.dueDate, timeZone),
      idCompanyRate: account.idCompanyRate,
      idRate: account.idRate,
      simpleBirthDate: account.simpleBirthDate,
      ine: account.ine === null || account.ine === '' ? null : account.ine,
      rneOrgCode: account.rneOrgCode,
    };
  }

  function fromWire(value: unknown, operation: string): CrousRightHolder {
    if (!isRecord(value) || typeof value.identifier !== 'string') throw invalid(operation, 200, 'not an account');
    const text = (field: string): string => (typeof value[field] === 'string' ? value[field] : '');
    const number = (field: string): number => {
      const raw = value[field];
      const parsed = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : Number.NaN;
      if (!Number.isInteger(parsed)) throw invalid(operation, 200, `${field} is not an integer`);
      return parsed;
    };
    const dueDate = typeof value.dueDate === 'string' ? parseCrousDateTime(value.dueDate, timeZone) : undefined;
    if (dueDate === undefined) throw invalid(operation, 200, 'dueDate is not a date');
    const accountStatus = CROUS_ACCOUNT_STATUSES.find((s) => s === value.accountStatus);
    const blockingStatus = CROUS_BLOCKING_STATUSES.find((s) => s === value.blockingStatus);
    return {
      identifier: value.identifier,
      firstName: text('firstName'),
      lastName: text('lastName'),
      email: text('email'),
      dueDate,
      idCompanyRate: number('idCompanyRate'),
      idRate: number('idRate'),
      simpleBirthDate: text('simpleBirthDate'),
      ine: text('ine') === '' ? null : text('ine'),
      rneOrgCode: text('rneOrgCode'),
      ...(accountStatus === undefined ? {} : { accountStatus }),
      ...(blockingStatus === undefined ? {} : { blockingStatus }),
    };
  }

  function cardFromWire(value: unknown, operation: string): CrousSmartCardState {
    if (!isRecord(value)) throw invalid(operation, 200, 'not a card');
    const wire = value as Partial<SmartCardReadWire>;
    const integer = (raw: unknown, field: string): number => {
      const parsed = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : Number.NaN;
      if (!Number.isSafeInteger(parsed)) throw invalid(operation, 200, `${field} is not an integer`);
      return parsed;
    };
    const date = (raw: unknown, zone = timeZone): Date | null => (typeof raw === 'string' && raw !== '' ? parseCrousDateTime(raw, zone) ?? null : null);
    const text = (raw: unknown): string => (typeof raw === 'string' ? raw : '');
    return {
      idTransmitter: integer(wire.idTransmitter, 'idTransmitter'),
      idMapping: integer(wire.idMapping, 'idMapping'),
      idZdc: integer(wire.idZdc, 'idZdc'),
      // A real offset (pattern X): its Z is UTC, unlike the quirky dates.
      zdcCreationDate: date(wire.zdcCreationDate, 'UTC'),
      pixSs: text(wire.pixSs),
      pixNn: text(wire.pixNn),
      appl: text(wire.appl),
      uid: text(wire.uid),
      rid: text(wire.rid),
      cancelDate: date(wire.cancelDate),
      revalidationDate: date(wire.revalidationDate),
      reason: typeof wire.reason === 'string' && wire.reason !== '' ? wire.reason : null,
    };
  }

  const accountPath = (identifier: string): string => `/rightholders/${encodeURIComponent(identifier)}`;
  const cardPath = (identifier: string, idZdc: number): string => `${accountPath(identifier)}/smartcard/${encodeURIComponent(String(idZdc))}`;

  function patchCard(operation: string, identifier: string, idZdc: number, uid: string, body: SmartCardPatchWire): Promise<void> {
    return call({ operation, method: 'PATCH', path: cardPath(identifier, idZdc), body, extraHeaders: { uid: uid.toUpperCase() } }).then(() => undefined);
  }

  return {
    getRightHolder: (identifier) =>
      orUndefinedOn404(json({ operation: 'getRightHolder', method: 'GET', path: accountPath(identifier) }).then((value) => fromWire(value, 'getRightHolder'))),
    createRightHolder: async (account) => {
      await call({ operation: 'createRightHolder', method: 'POST', path: '/rightholders', body: toWire(account) });
    },
    updateRightHolder: async (identifier, account) => {
      await call({ operation: 'updateRightHolder', method: 'PUT', path: accountPath(identifier), body: toWire(account) });
    },
    changeIdentifier: async (change) => {
      const body: PatchIdentifierWire = { currentIdentifier: change.currentIdentifier, email: change.email, newIdentifier: change.newIdentifier };
      await call({ operation: 'changeIdentifier', method: 'PATCH', path: accountPath(change.currentIdentifier), body });
    },
    reopenClosedRightHolder: async (identifier) => {
      await call({ operation: 'reopenClosedRightHolder', method: 'DELETE', path: `/closed-rightholders/${encodeURIComponent(identifier)}` });
    },
    getSmartCard: (identifier, idZdc) =>
      orUndefinedOn404(json({ operation: 'getSmartCard', method: 'GET', path: cardPath(identifier, idZdc) }).then((value) => cardFromWire(value, 'getSmartCard'))),
    addSmartCard: async (identifier, card) => {
      const body: SmartCardWire = {
        idTransmitter: card.idTransmitter,
        idMapping: card.idMapping,
        idZdc: card.idZdc,
        zdcCreationDate: formatZdcCreationDate(card.zdcCreationDate),
        pixSs: card.pixSs,
        pixNn: card.pixNn,
        appl: card.appl,
        uid: card.uid.toUpperCase(),
        rid: card.rid,
      };
      await call({ operation: 'addSmartCard', method: 'POST', path: `${accountPath(identifier)}/smartcard`, body });
    },
    cancelSmartCard: (identifier, idZdc, input) =>
      patchCard('cancelSmartCard', identifier, idZdc, input.uid, {
        cancelDate: formatCrousLocalDateTime(input.at ?? now(), timeZone),
        reason: input.reason,
        revalidationDate: '',
      }),
    revalidateSmartCard: (identifier, idZdc, input) =>
      patchCard('revalidateSmartCard', identifier, idZdc, input.uid, {
        revalidationDate: formatCrousLocalDateTime(input.at ?? now(), timeZone),
        cancelDate: '',
        reason: '',
      }),
    tariffRules: async (crousNumber, rne) => {
      const value = await json({
        operation: 'tariffRules',
        method: 'GET',
        path: `/crous/${encodeURIComponent(String(crousNumber))}/organization/${encodeURIComponent(rne)}`,
      });
      if (!Array.isArray(value)) throw invalid('tariffRules', 200, 'not a list of rules');
      return value.map((item: unknown): CrousTariffRule => {
        if (!isRecord(item)) throw invalid('tariffRules', 200, 'not a rule');
        const rule = item as Partial<TariffRuleWire>;
        const bound = (raw: unknown): number | null => (typeof raw === 'number' && Number.isFinite(raw) ? raw : null);
        if (typeof rule.statusCode !== 'string' || typeof rule.idCompanyRate !== 'number' || typeof rule.idRate !== 'number') {
          throw invalid('tariffRules', 200, 'a rule lacks statusCode, idCompanyRate or idRate');
        }
        return {
          statusCode: rule.statusCode,
          indexMin: bound(rule.indexMin),
          indexMax: bound(rule.indexMax),
          idCompanyRate: rule.idCompanyRate,
          idRate: rule.idRate,
        };
      });
    },
    forgetToken: () => {
      cached = undefined;
    },
    close: () => {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}
