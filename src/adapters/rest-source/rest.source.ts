/**
 * The REST/JSON person source (Pégase, a home-made API…): GETs pages of JSON, takes the records
 * at a dotted path of each answer, and gives each record's values as attributes named by their
 * dotted path (`name.last`, `affiliations` with one value per array item), so the mapping names
 * fields by path. Pagination styles: page/size, offset/limit, a next link in the body, or a
 * cursor. Authentication: Bearer token, Basic, or an API key header, the secret always read from
 * DIRECTORY_SECRETS by name.
 */
import {
  SourceSettingsError,
  type PersonSource, type PersonSourceContext, type PersonSourceFactory, type SourcePage, type SourceRecord,
} from '../../modules/directory/domain/person-source.ts';

/** How the API is paged. */
export type RestPagination =
  | { style: 'none' }
  | { style: 'page'; pageParam: string; sizeParam: string; size: number; firstPage: number }
  | { style: 'offset'; offsetParam: string; limitParam: string; size: number }
  | { style: 'next'; nextPath: string }
  | { style: 'cursor'; cursorParam: string; cursorPath: string };

/** How the source authenticates. */
export type RestAuth =
  | { type: 'none' }
  | { type: 'bearer'; secretEnv: string }
  | { type: 'basic'; username: string; secretEnv: string }
  | { type: 'apiKey'; header: string; secretEnv: string };

/** Settings of a REST source. */
export interface RestSourceSettings {
  url: string;
  auth: RestAuth;
  pagination: RestPagination;
  /** Dotted path of the records array in each answer; '' when the answer is the array. */
  recordsPath: string;
  /** Dotted path of the record's stable key. */
  keyPath: string;
  /** Query parameter receiving the watermark for incremental reads; null: always full. */
  sinceParam: string | null;
  /** Dotted path of the record's last change (the next watermark is the highest one). */
  modifiedPath: string | null;
  timeoutMs: number;
}

const PATH = /^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/;
const PARAM = /^[A-Za-z0-9_.[\]-]{1,64}$/;
const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const HEADER = /^[A-Za-z0-9-]{1,64}$/;
/** A runaway API (a next link pointing to itself) stops here. */
const MAX_PAGES = 100_000;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function settingString(raw: Record<string, unknown>, field: string, pattern: RegExp, fallback?: string, prefix = ''): string {
  const value = raw[field] ?? fallback;
  if (typeof value !== 'string' || !pattern.test(value)) throw new SourceSettingsError(`${prefix}${field}`, 'invalid_value', `${prefix}${field} is not valid`);
  return value;
}

function settingSize(raw: Record<string, unknown>, field: string, fallback: number, prefix: string): number {
  const value = raw[field] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 10_000) {
    throw new SourceSettingsError(`${prefix}${field}`, 'invalid_value', 'an integer between 1 and 10,000');
  }
  return value;
}

/** Checks the settings of a REST source (throws {@link SourceSettingsError}). */
export function restSourceSettings(raw: Record<string, unknown>): RestSourceSettings {
  const allowed = ['url', 'auth', 'pagination', 'recordsPath', 'keyPath', 'sinceParam', 'modifiedPath', 'timeoutMs'];
  for (const key of Object.keys(raw)) if (!allowed.includes(key)) throw new SourceSettingsError(key, 'unknown_setting', `unknown setting ${key}`);
  let url: URL;
  try {
    url = new URL(String(raw.url));
  } catch {
    throw new SourceSettingsError('url', 'invalid_url', 'an http(s) URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new SourceSettingsError('url', 'invalid_url', 'an http(s) URL');
  if (url.username || url.password) throw new SourceSettingsError('url', 'credentials_in_url', 'no credentials in the URL: use auth with a secret');
  const rawAuth = isObject(raw.auth) ? raw.auth : { type: 'none' };
  let auth: RestAuth;
  switch (rawAuth.type) {
    case 'none': auth = { type: 'none' }; break;
    case 'bearer': auth = { type: 'bearer', secretEnv: settingString(rawAuth, 'secretEnv', SECRET_NAME, undefined, 'auth.') }; break;
    case 'basic': auth = { type: 'basic', username: settingString(rawAuth, 'username', /^[^:\r\n]{1,200}$/, undefined, 'auth.'), secretEnv: settingString(rawAuth, 'secretEnv', SECRET_NAME, undefined, 'auth.') }; break;
    case 'apiKey': auth = { type: 'apiKey', header: settingString(rawAuth, 'header', HEADER, 'X-API-Key', 'auth.'), secretEnv: settingString(rawAuth, 'secretEnv', SECRET_NAME, undefined, 'auth.') }; break;
    default: throw new SourceSettingsError('auth.type', 'invalid_auth', 'none, bearer, basic or apiKey');
  }
  const rawPaging = isObject(raw.pagination) ? raw.pagination : { style: 'none' };
  const p = 'pagination.';
  let pagination: RestPagination;
  switch (rawPaging.style) {
    case 'none': pagination = { style: 'none' }; break;
    case 'page': {
      const firstPage = rawPaging.firstPage ?? 1;
      if (firstPage !== 0 && firstPage !== 1) throw new SourceSettingsError(`${p}firstPage`, 'invalid_value', '0 or 1');
      pagination = { style: 'page', pageParam: settingString(rawPaging, 'pageParam', PARAM, 'page', p), sizeParam: settingString(rawPaging, 'sizeParam', PARAM, 'size', p), size: settingSize(rawPaging, 'size', 100, p), firstPage };
      break;
    }
    case 'offset': pagination = { style: 'offset', offsetParam: settingString(rawPaging, 'offsetParam', PARAM, 'offset', p), limitParam: settingString(rawPaging, 'limitParam', PARAM, 'limit', p), size: settingSize(rawPaging, 'size', 100, p) }; break;
    case 'next': pagination = { style: 'next', nextPath: settingString(rawPaging, 'nextPath', PATH, 'next', p) }; break;
    case 'cursor': pagination = { style: 'cursor', cursorParam: settingString(rawPaging, 'cursorParam', PARAM, 'cursor', p), cursorPath: settingString(rawPaging, 'cursorPath', PATH, 'nextCursor', p) }; break;
    default: throw new SourceSettingsError(`${p}style`, 'invalid_pagination', 'none, page, offset, next or cursor');
  }
  const recordsPath = raw.recordsPath ?? '';
  if (typeof recordsPath !== 'string' || (recordsPath !== '' && !PATH.test(recordsPath))) throw new SourceSettingsError('recordsPath', 'invalid_path', 'a dotted path, or empty for an array answer');
  const optional = (field: string, pattern: RegExp): string | null => {
    const value = raw[field];
    if (value === undefined || value === null || value === '') return null;
    if (typeof value !== 'string' || !pattern.test(value)) throw new SourceSettingsError(field, 'invalid_value', `${field} is not valid`);
    return value;
  };
  const timeoutMs = raw.timeoutMs ?? 30_000;
  if (typeof timeoutMs !== 'number' || !Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 600_000) {
    throw new SourceSettingsError('timeoutMs', 'invalid_timeout', 'milliseconds between 100 and 600,000');
  }
  return {
    url: url.toString(), auth, pagination, recordsPath, keyPath: settingString(raw, 'keyPath', PATH),
    sinceParam: optional('sinceParam', PARAM), modifiedPath: optional('modifiedPath', PATH), timeoutMs,
  };
}

/** The value at a dotted path. */
export function atPath(value: unknown, path: string): unknown {
  if (path === '') return value;
  let current = value;
  for (const part of path.split('.')) {
    if (!isObject(current)) return undefined;
    current = current[part];
  }
  return current;
}

/** Flattens a JSON record into dotted-path attributes (arrays give several values). */
export function flatten(value: unknown, prefix = '', into: Record<string, string[]> = {}): Record<string, string[]> {
  if (value === null || value === undefined) return into;
  if (Array.isArray(value)) {
    for (const item of value) flatten(item, prefix, into);
  } else if (isObject(value)) {
    for (const [key, child] of Object.entries(value)) flatten(child, prefix === '' ? key : `${prefix}.${key}`, into);
  } else if (prefix !== '') {
    (into[prefix] ??= []).push(String(value));
  }
  return into;
}

/** Builds a REST source. */
export const createRestSource: PersonSourceFactory = (context: PersonSourceContext): PersonSource => {
  const settings = restSourceSettings(context.settings);

  function headers(): Record<string, string> {
    const auth = settings.auth;
    const result: Record<string, string> = { accept: 'application/json' };
    if (auth.type === 'bearer') result.authorization = `Bearer ${context.secret(auth.secretEnv)}`;
    if (auth.type === 'basic') result.authorization = `Basic ${Buffer.from(`${auth.username}:${context.secret(auth.secretEnv)}`).toString('base64')}`;
    if (auth.type === 'apiKey') result[auth.header.toLowerCase()] = context.secret(auth.secretEnv);
    return result;
  }

  async function get(url: string, signal?: AbortSignal): Promise<unknown> {
    const timeout = AbortSignal.timeout(settings.timeoutMs);
    const response = await fetch(url, { headers: headers(), signal: signal ? AbortSignal.any([signal, timeout]) : timeout, redirect: 'error' });
    if (!response.ok) throw new Error(`GET ${new URL(url).pathname} answered ${response.status}`);
    return response.json() as Promise<unknown>;
  }

  function withParams(base: string, params: Record<string, string>): string {
    const url = new URL(base);
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    return url.toString();
  }

  function recordsOf(body: unknown): unknown[] {
    const records = atPath(body, settings.recordsPath);
    if (!Array.isArray(records)) throw new Error(`the answer has no array at ${settings.recordsPath === '' ? 'its root' : settings.recordsPath}`);
    return records;
  }

  return {
    async test() {
      try {
        const body = await get(withParams(settings.url, settings.pagination.style === 'page' ? { [settings.pagination.sizeParam]: '1', [settings.pagination.pageParam]: String(settings.pagination.firstPage) } : {}));
        return { ok: true, message: `Connected; the first answer holds ${recordsOf(body).length} records` };
      } catch (error) {
        if (error instanceof SourceSettingsError) return { ok: false, code: error.code, message: error.message };
        return { ok: false, code: 'source_unreachable', message: (error as Error).message };
      }
    },

    async records(options) {
      const since = options.since && settings.sinceParam ? { [settings.sinceParam]: options.since } : {};
      let watermark: string | null = options.since ?? null;
      const paging = settings.pagination;
      async function* pages(): AsyncGenerator<SourcePage> {
        let url: string | null = withParams(settings.url, since);
        let index = 0;
        let count = 0;
        for (let fetched = 0; url !== null && fetched < MAX_PAGES; fetched += 1) {
          if (options.signal?.aborted) return;
          let target: string = url;
          if (paging.style === 'page') target = withParams(url, { [paging.pageParam]: String(paging.firstPage + index), [paging.sizeParam]: String(paging.size) });
          if (paging.style === 'offset') target = withParams(url, { [paging.offsetParam]: String(index * paging.size), [paging.limitParam]: String(paging.size) });
          const body = await get(target, options.signal);
          const items = recordsOf(body);
          const page: SourcePage = { records: [], rejected: [] };
          for (const item of items) {
            const key = atPath(item, settings.keyPath);
            if (key === undefined || key === null || key === '' || typeof key === 'object') {
              page.rejected?.push({ errors: [{ field: settings.keyPath, code: 'key_missing', message: `a record has no ${settings.keyPath}` }] });
              continue;
            }
            const record: SourceRecord = { key: String(key), attributes: flatten(item) };
            const modified = settings.modifiedPath ? atPath(item, settings.modifiedPath) : undefined;
            if (typeof modified === 'string' && modified !== '') {
              record.modifiedAt = modified;
              if (watermark === null || modified > watermark) watermark = modified;
            }
            page.records.push(record);
          }
          count += items.length;
          if (page.records.length > 0 || (page.rejected?.length ?? 0) > 0) yield page;
          if (options.limit !== undefined && count >= options.limit) return;
          index += 1;
          if (paging.style === 'none') url = null;
          else if (paging.style === 'page' || paging.style === 'offset') url = items.length < paging.size ? null : url;
          else if (paging.style === 'next') {
            const next = atPath(body, paging.nextPath);
            url = typeof next === 'string' && next !== '' ? new URL(next, target).toString() : null;
            // The credentials go to the configured server only, never to a host a body names.
            if (url !== null && new URL(url).origin !== new URL(settings.url).origin) throw new Error('the next link points to another server');
          } else {
            const cursor = atPath(body, paging.cursorPath);
            url = typeof cursor === 'string' && cursor !== '' ? withParams(settings.url, { ...since, [paging.cursorParam]: cursor }) : null;
          }
        }
      }
      return { pages: pages(), watermark: () => (settings.modifiedPath === null ? null : watermark) };
    },
  };
};
