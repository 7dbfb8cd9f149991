/**
 * The one way the web application talks to the API: same-origin fetch with the session cookie,
 * the CSRF token on writes, JSON in and out, and RFC 9457 problem details turned into
 * {@link ApiError}s that pages can show next to the field at fault. When the console is switched to
 * one institution, every call carries it in the `Campuscard-Institution` header.
 */

/** One problem among several (validation of a whole body). */
export interface ApiProblemItem {
  code: string;
  message: string;
  field?: string;
  line?: number;
}

/** An API failure, with the problem's stable code and the field (JSON pointer) at fault. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  readonly detail: string | undefined;
  readonly items: ApiProblemItem[];

  constructor(status: number, code: string, detail?: string, field?: string, items: ApiProblemItem[] = []) {
    super(detail ?? code);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.detail = detail;
    this.field = field;
    this.items = items;
  }
}

let csrfToken: string | null = null;
let institutionFocus: string | null = null;
const unauthorizedListeners = new Set<() => void>();

/** Name of the request header that narrows a call to one institution (or a federation and its members). */
export const INSTITUTION_HEADER = 'Campuscard-Institution';

/** Remembers the CSRF token of the current session (from login or GET /auth/session). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/**
 * Narrows every following call to the institution of this code (the console's switcher), or to
 * every institution the account covers (null). The server checks the code against the scope.
 */
export function setInstitutionFocus(code: string | null): void {
  institutionFocus = code;
}

/** The institution every call is narrowed to now (null: all those the account covers). */
export function institutionFocusCode(): string | null {
  return institutionFocus;
}

/** Calls `listener` whenever the API answers 401 (the session ended). Returns an unsubscribe. */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Sent as JSON, unless it is FormData (multipart upload) or a Blob (raw upload, with its type). */
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined | null | readonly string[]>;
  signal?: AbortSignal;
  /** Do not broadcast a 401 (the login page and the session probe expect it). */
  quiet401?: boolean;
  /** Bypass the browser's HTTP cache (live status checks). */
  fresh?: boolean;
  /** Narrows this one call to the institution of this code, whatever the console is switched to. */
  institution?: string;
}

/** Builds `/api/v1<path>?query`, dropping empty values and repeating array values. */
export function apiUrl(path: string, query?: RequestOptions['query']): string {
  const url = path.startsWith('/api/') || path.startsWith('/v/') ? path : `/api/v1${path}`;
  if (!query) return url;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) for (const item of value) params.append(key, String(item));
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `${url}?${text}` : url;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Turns a problem+json body (or anything else) into an ApiError. */
export function problemToError(status: number, body: unknown): ApiError {
  if (isRecord(body)) {
    const code = typeof body.code === 'string' ? body.code : `http_${status}`;
    const detail = typeof body.detail === 'string' ? body.detail : undefined;
    const items: ApiProblemItem[] = Array.isArray(body.errors)
      ? body.errors.filter(isRecord).map((item) => ({
        code: typeof item.code === 'string' ? item.code : code,
        message: typeof item.message === 'string' ? item.message : '',
        ...(typeof item.field === 'string' ? { field: item.field } : {}),
        ...(typeof item.line === 'number' ? { line: item.line } : {}),
      }))
      : [];
    const field = typeof body.field === 'string' ? body.field : items.find((item) => item.field)?.field;
    return new ApiError(status, code, detail, field, items);
  }
  return new ApiError(status, `http_${status}`);
}

/** Raw fetch with credentials and CSRF; throws ApiError (code `network_error` when offline). */
export async function apiFetch(path: string, options: RequestOptions = {}): Promise<Response> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  let body: BodyInit | undefined;
  if (options.body instanceof FormData) {
    body = options.body;
  } else if (options.body instanceof Blob) {
    // A file sent as it is (raw upload), with its own media type.
    body = options.body;
    headers['content-type'] = options.body.type || 'application/octet-stream';
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const focus = options.institution ?? institutionFocus;
  if (focus) headers[INSTITUTION_HEADER] = focus;
  let response: Response;
  try {
    response = await fetch(apiUrl(path, options.query), {
      method, headers, credentials: 'same-origin', ...(body !== undefined ? { body } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.fresh ? { cache: 'no-store' as const } : {}),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'network_error');
  }
  if (!response.ok) {
    let parsed: unknown = undefined;
    const type = response.headers.get('content-type') ?? '';
    if (type.includes('json')) parsed = await response.json().catch(() => undefined);
    const error = problemToError(response.status, parsed);
    if (response.status === 401 && !options.quiet401) for (const listener of unauthorizedListeners) listener();
    throw error;
  }
  return response;
}

/** Calls the API and parses the JSON answer (undefined for 204). */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await apiFetch(path, options);
  if (response.status === 204) return undefined as T;
  const type = response.headers.get('content-type') ?? '';
  if (!type.includes('json')) return (await response.text()) as T;
  return (await response.json()) as T;
}
