import type {
  ApiErrorMessage,
  CardLiteView,
  CardStatusView,
  CardUpdateView,
  CardView,
  PageQuery,
  PagedResources,
  PersonLiteView,
  PersonUpdateView,
  PersonView,
  QrOptions,
} from './esc-router.types.ts';
import { ESC_ROUTER_ERROR_CODES } from './esc-router.types.ts';
import { isRetryableHttpStatus } from '../http-kit.ts';

/**
 * Typed client of the ESC Router v2 API over the global `fetch`.
 *
 * Every failure becomes an {@link EscRouterError} whose `kind` tells the caller (the outbox
 * worker) whether to try again later (`retryable`: 5xx, 408, 429, timeouts, connection errors,
 * unreadable success bodies) or to stop and show the router's code and message to an operator
 * (`failed`: other 4xx). The API key lives only in this closure: it is never put in an error,
 * a log event or a property of the returned object.
 */

/** Whether an operation is worth retrying. */
export type EscRouterErrorKind = 'retryable' | 'failed';

/** What went wrong at the transport level. */
export type EscRouterFailure = 'http' | 'timeout' | 'network' | 'invalid-response';

/** Fields of an {@link EscRouterError}. */
export interface EscRouterErrorInit {
  kind: EscRouterErrorKind;
  failure: EscRouterFailure;
  operation: string;
  status?: number;
  code?: string;
  routerMessage?: string;
  retryAfterMs?: number;
  cause?: unknown;
}

/** A failed router call, classified for retry. */
export class EscRouterError extends Error {
  readonly kind: EscRouterErrorKind;
  readonly failure: EscRouterFailure;
  /** Client operation that failed, e.g. `createPerson`. */
  readonly operation: string;
  /** HTTP status, when the router answered. */
  readonly status: number | undefined;
  /** The router's error code (`ER-0002`, `SE-0000`, …), when it sent one. */
  readonly code: string | undefined;
  /** The router's error message, when it sent one. */
  readonly routerMessage: string | undefined;
  /** Delay the router asked for (Retry-After), when it did. */
  readonly retryAfterMs: number | undefined;

  constructor(init: EscRouterErrorInit) {
    super(describe(init), init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'EscRouterError';
    this.kind = init.kind;
    this.failure = init.failure;
    this.operation = init.operation;
    this.status = init.status;
    this.code = init.code;
    this.routerMessage = init.routerMessage;
    this.retryAfterMs = init.retryAfterMs;
  }

  /** Plain form for job records and logs. */
  toJSON(): Record<string, unknown> {
    return {
      kind: this.kind,
      failure: this.failure,
      operation: this.operation,
      status: this.status,
      code: this.code,
      message: this.routerMessage ?? this.message,
    };
  }
}

function describe(init: EscRouterErrorInit): string {
  const head = `ESC router ${init.operation}`;
  switch (init.failure) {
    case 'timeout':
      return `${head}: no answer in time`;
    case 'network':
      return `${head}: connection failed`;
    case 'invalid-response':
      return `${head}: unreadable answer${init.status === undefined ? '' : ` (HTTP ${init.status})`}`;
    case 'http': {
      const code = init.code === undefined ? '' : ` ${init.code}`;
      const message = init.routerMessage === undefined ? '' : `: ${init.routerMessage}`;
      return `${head}: HTTP ${init.status ?? '?'}${code}${message}`;
    }
  }
}

/**
 * True when `error` is an {@link EscRouterError}.
 */
export function isEscRouterError(error: unknown): error is EscRouterError {
  return error instanceof EscRouterError;
}

/**
 * Classifies an HTTP status: server-side and throttling answers are retryable, anything else
 * the router refused is final until someone changes the data.
 */
export function classifyHttpStatus(status: number): EscRouterErrorKind {
  return isRetryableHttpStatus(status) ? 'retryable' : 'failed';
}

/** One finished call, for metrics and logs; carries no header, body or key. */
export interface EscRouterCallEvent {
  operation: string;
  method: string;
  status: number | undefined;
  durationMs: number;
  outcome: 'ok' | EscRouterErrorKind;
}

/** Options of {@link createEscRouterClient}. */
export interface EscRouterClientOptions {
  /** Base URL up to and including the server path, e.g. `https://sandbox.europeanstudentcard.eu/esc-rest`. */
  baseUrl: string;
  /** The institution's API key, sent as `Authorization: Bearer …`. */
  apiKey: string;
  /** Deadline of each call, including reading the answer. Default 15000 ms. */
  timeoutMs?: number;
  /** Called once per HTTP call. */
  onCall?: (event: EscRouterCallEvent) => void;
}

/** Result of an idempotent upsert. */
export interface UpsertResult<T> {
  action: 'created' | 'updated';
  value: T;
}

/** Result of an idempotent delete. */
export interface DeleteResult {
  action: 'deleted' | 'absent';
}

/** Person operations (one HTTP call each). */
export interface EscRouterPersonsApi {
  create(body: PersonUpdateView): Promise<PersonView>;
  update(esi: string, body: PersonUpdateView): Promise<PersonView>;
  /** The person, or undefined when the router answers 404. */
  get(esi: string): Promise<PersonView | undefined>;
  delete(esi: string): Promise<void>;
  list(query?: PageQuery): Promise<PagedResources<PersonLiteView>>;
}

/** Card operations (one HTTP call each). */
export interface EscRouterCardsApi {
  create(body: CardUpdateView): Promise<CardView>;
  update(escn: string, body: CardUpdateView): Promise<CardView>;
  /** The card, or undefined when the router answers 404. */
  get(escn: string): Promise<CardView | undefined>;
  delete(escn: string): Promise<void>;
  list(query?: PageQuery): Promise<PagedResources<CardLiteView>>;
  /** Public status, or undefined when the router does not know the number. */
  status(escn: string): Promise<CardStatusView | undefined>;
  /** SVG markup, or a base64-encoded image with `format: 'base64'`. */
  qr(escn: string, options?: QrOptions): Promise<string>;
  /** ESCNs minted by the router (public endpoint). */
  generateEscn(input: { prefix: number; pic: string; count?: number }): Promise<string[]>;
}

/** The ESC Router v2 client. */
export interface EscRouterClient {
  persons: EscRouterPersonsApi;
  cards: EscRouterCardsApi;
  /** POST the person; if it already exists for this organisation (409 / ER-0019), PUT it. */
  upsertPerson(body: PersonUpdateView): Promise<UpsertResult<PersonView>>;
  /** POST the card; if the number already exists (ER-0002 / 409), PUT it. */
  upsertCard(body: CardUpdateView & { cardNumber: string }): Promise<UpsertResult<CardView>>;
  /** DELETE the person; a 404 means it is already gone. */
  deletePerson(esi: string): Promise<DeleteResult>;
  /** DELETE the card; a 404 or ER-0001 means it is already gone. */
  deleteCard(escn: string): Promise<DeleteResult>;
}

interface CallSpec {
  operation: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  publicEndpoint?: boolean;
  accept?: string;
}

interface RawAnswer {
  status: number;
  text: string;
}

function parseErrorBody(text: string): ApiErrorMessage {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null) {
      const { code, message } = parsed as Record<string, unknown>;
      return {
        ...(typeof code === 'string' ? { code } : {}),
        ...(typeof message === 'string' ? { message } : {}),
      };
    }
  } catch {
    // Not JSON (a proxy's HTML page, say): keep a short excerpt as the message below.
  }
  const excerpt = text.trim().slice(0, 200);
  return excerpt.length > 0 ? { message: excerpt } : {};
}

function parseRetryAfter(value: string | null): number | undefined {
  if (value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

/**
 * Creates a client bound to one router and one institution API key. Calls never retry by
 * themselves: retrying with backoff is the caller's job (an outbox worker), guided by
 * {@link EscRouterError.kind}.
 */
export function createEscRouterClient(options: EscRouterClientOptions): EscRouterClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const { apiKey, onCall } = options;
  const timeoutMs = options.timeoutMs ?? 15000;
  if (apiKey.length === 0) throw new RangeError('ESC router API key is empty');

  async function send(spec: CallSpec): Promise<RawAnswer> {
    const url = new URL(`${baseUrl}/api/v2${spec.path}`);
    for (const [name, value] of Object.entries(spec.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const headers: Record<string, string> = { accept: spec.accept ?? 'application/json' };
    if (!spec.publicEndpoint) headers.authorization = `Bearer ${apiKey}`;
    if (spec.body !== undefined) headers['content-type'] = 'application/json';
    const started = performance.now();
    const report = (status: number | undefined, outcome: EscRouterCallEvent['outcome']): void => {
      onCall?.({
        operation: spec.operation,
        method: spec.method,
        status,
        durationMs: performance.now() - started,
        outcome,
      });
    };
    let status: number | undefined;
    try {
      const response = await fetch(url, {
        method: spec.method,
        headers,
        body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = response.status;
      const text = await response.text();
      if (response.ok) {
        report(status, 'ok');
        return { status, text };
      }
      const { code, message } = parseErrorBody(text);
      const kind = classifyHttpStatus(status);
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
      report(status, kind);
      throw new EscRouterError({
        kind,
        failure: 'http',
        operation: spec.operation,
        status,
        ...(code === undefined ? {} : { code }),
        ...(message === undefined ? {} : { routerMessage: message }),
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      });
    } catch (error) {
      if (error instanceof EscRouterError) throw error;
      report(status, 'retryable');
      throw new EscRouterError({
        kind: 'retryable',
        failure: isTimeout(error) ? 'timeout' : 'network',
        operation: spec.operation,
        ...(status === undefined ? {} : { status }),
        cause: error,
      });
    }
  }

  async function json<T>(spec: CallSpec): Promise<T> {
    const answer = await send(spec);
    try {
      return JSON.parse(answer.text) as T;
    } catch (error) {
      throw new EscRouterError({
        kind: 'retryable',
        failure: 'invalid-response',
        operation: spec.operation,
        status: answer.status,
        cause: error,
      });
    }
  }

  async function orUndefinedOn404<T>(call: Promise<T>): Promise<T | undefined> {
    try {
      return await call;
    } catch (error) {
      if (error instanceof EscRouterError && error.status === 404) return undefined;
      throw error;
    }
  }

  const esiPath = (esi: string): string => `/persons/${encodeURIComponent(esi)}`;
  const escnPath = (escn: string): string => `/cards/${encodeURIComponent(escn)}`;
  const pageQuery = (query: PageQuery = {}): CallSpec['query'] => ({ ...query });

  const persons: EscRouterPersonsApi = {
    create: (body) => json<PersonView>({ operation: 'createPerson', method: 'POST', path: '/persons', body }),
    update: (esi, body) => json<PersonView>({ operation: 'updatePerson', method: 'PUT', path: esiPath(esi), body }),
    get: (esi) => orUndefinedOn404(json<PersonView>({ operation: 'getPerson', method: 'GET', path: esiPath(esi) })),
    delete: async (esi) => {
      await send({ operation: 'deletePerson', method: 'DELETE', path: esiPath(esi) });
    },
    list: (query) =>
      json<PagedResources<PersonLiteView>>({ operation: 'listPersons', method: 'GET', path: '/persons', query: pageQuery(query) }),
  };

  const cards: EscRouterCardsApi = {
    create: (body) => json<CardView>({ operation: 'createCard', method: 'POST', path: '/cards', body }),
    update: (escn, body) => json<CardView>({ operation: 'updateCard', method: 'PUT', path: escnPath(escn), body }),
    get: (escn) => orUndefinedOn404(json<CardView>({ operation: 'getCard', method: 'GET', path: escnPath(escn) })),
    delete: async (escn) => {
      await send({ operation: 'deleteCard', method: 'DELETE', path: escnPath(escn) });
    },
    list: (query) =>
      json<PagedResources<CardLiteView>>({ operation: 'listCards', method: 'GET', path: '/cards', query: pageQuery(query) }),
    status: (escn) =>
      orUndefinedOn404(
        json<CardStatusView>({
          operation: 'cardStatus',
          method: 'GET',
          path: `${escnPath(escn)}/status`,
          publicEndpoint: true,
        }),
      ),
    qr: async (escn, qrOptions = {}) => {
      const answer = await send({
        operation: 'cardQr',
        method: 'GET',
        path: `${escnPath(escn)}/qr`,
        publicEndpoint: true,
        accept: qrOptions.format === 'base64' ? 'text/plain' : 'image/svg+xml',
        query: { orientation: qrOptions.orientation, colours: qrOptions.colours, size: qrOptions.size },
      });
      return answer.text;
    },
    generateEscn: async ({ prefix, pic, count }) => {
      const numbers = await json<unknown>({
        operation: 'generateEscn',
        method: 'GET',
        path: '/cards/generate-escn',
        publicEndpoint: true,
        query: { prefix, pic, numberOfESCN: count },
      });
      if (!Array.isArray(numbers) || !numbers.every((n): n is string => typeof n === 'string')) {
        throw new EscRouterError({ kind: 'retryable', failure: 'invalid-response', operation: 'generateEscn', status: 200 });
      }
      return numbers;
    },
  };

  const isCode = (error: unknown, code: string): boolean => error instanceof EscRouterError && error.code === code;
  const isStatus = (error: unknown, status: number): boolean => error instanceof EscRouterError && error.status === status;

  return {
    persons,
    cards,
    async upsertPerson(body) {
      try {
        return { action: 'created', value: await persons.create(body) };
      } catch (error) {
        if (!isStatus(error, 409) && !isCode(error, ESC_ROUTER_ERROR_CODES.personExistsForOrganisation)) throw error;
      }
      return { action: 'updated', value: await persons.update(body.identifier, body) };
    },
    async upsertCard(body) {
      try {
        return { action: 'created', value: await cards.create(body) };
      } catch (error) {
        if (!isStatus(error, 409) && !isCode(error, ESC_ROUTER_ERROR_CODES.cardExists)) throw error;
      }
      return { action: 'updated', value: await cards.update(body.cardNumber, body) };
    },
    async deletePerson(esi) {
      try {
        await persons.delete(esi);
        return { action: 'deleted' };
      } catch (error) {
        if (isStatus(error, 404)) return { action: 'absent' };
        throw error;
      }
    },
    async deleteCard(escn) {
      try {
        await cards.delete(escn);
        return { action: 'deleted' };
      } catch (error) {
        if (isStatus(error, 404) || isCode(error, ESC_ROUTER_ERROR_CODES.cardNotFound)) return { action: 'absent' };
        throw error;
      }
    },
  };
}
