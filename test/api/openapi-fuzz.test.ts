import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { configureInstitution, createPerson, officeClients, requestCard } from './cards.fixtures.ts';

/**
 * Property-based fuzzing of the whole API, generated from its own OpenAPI document: every
 * operation, called with path parameters, query parameters and bodies drawn from the declared
 * schemas and, mixed in, hostile values (wrong types, NUL, lone surrogates, 100k-character
 * strings, deep nesting, impossible and out-of-range dates and numbers, unknown fields, other
 * content types). As an admin session (with its CSRF token) and as an admin token, no answer may
 * be a 5xx, and every 4xx must be problem+json with a `code`.
 *
 * Fixed seeds and a bounded number of cases per operation keep it deterministic and quick; a
 * failure prints the seed, path and the shrunk request to replay.
 */

interface JsonSchema {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
  $ref?: string;
}

interface Parameter {
  in: 'path' | 'query' | 'header' | 'cookie';
  name: string;
  required?: boolean;
  schema: JsonSchema;
}

interface Operation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

/** One generated request. */
interface FuzzRequest {
  path: Record<string, string>;
  query: Array<[string, string]>;
  body: { kind: 'none' } | { kind: 'json'; value: unknown } | { kind: 'raw'; contentType: string | undefined; payload: string | Buffer };
  /** A header the server reads, with a hostile value. */
  header: [string, string] | undefined;
}

/** Cases per operation and caller: enough to hit every parameter with hostile values, quick on PGlite. */
const RUNS_PER_OPERATION = 14;
const SEED = 20261205;
/** Would end the session the fuzzer calls with: the rest of the run would only see 401s. */
const SELF_DESTRUCTIVE = new Set(['POST /api/v1/auth/logout']);

const NUL = '\u0000';
const HUGE = 'x'.repeat(100_000);
const DEEP_ARRAY = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
const MULTIPART_FILE = '--x\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\neppn;last_name\r\na\0b;c\r\n--x--\r\n';
const MULTIPART_NUL_FIELD = '--x\r\nContent-Disposition: form-data; name="encoding"\r\n\r\nutf\0-8\r\n--x\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\neppn\r\n--x--\r\n';
const MULTIPART_NUL_NAME = '--x\r\nContent-Disposition: form-data; name="file"; filename="a\0\ud800.csv"\r\nContent-Type: text/csv\r\n\r\neppn;last_name;first_name;person_type\r\nz@u.fr;L;F;student\r\n--x--\r\n';
const MULTIPART_TRUNCATED = '--x\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n\x89PNG';
const CSV_FILE = 'eppn;last_name;first_name;person_type\r\nfuzz@univ.example.fr;L\u00e9;F;student\r\n';
const SVG_FILE = '<svg xmlns="http://www.w3.org/2000/svg"><a xlink:href="&#106;avascript:alert(1)"><text>\u0000</text></a></svg>';
const DEEP_OBJECT = `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`;

const hostileString = fc.oneof(
  fc.constantFrom(NUL, `a${NUL}b`, '\ud800', '\udfff', `x\ud83dy`, HUGE, '', ' ', '%00', '../../etc/passwd',
    '2026-02-30', '99999-01-01', '2026-99-99 99:99:99+00', '0000-00-00', '-1', '1e308', 'NaN', 'null', 'true',
    '00000000-0000-0000-0000-000000000000', '<script>alert(1)</script>', "' OR 1=1 --", '\u202e\ufeff', '😀'),
  fc.string({ maxLength: 30, unit: 'binary' }),
);
const hostileNumber = fc.constantFrom(-1, 0, 2 ** 31, 2 ** 53 + 1, -(2 ** 63), 1e308, -1e308, 0.5, Number.MAX_SAFE_INTEGER);
/** Any JSON value of a wrong shape, nesting moderately (deep nesting comes as a raw body). */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  hostileNumber,
  fc.constantFrom(null, true, false, [], {}, [[[[[[[[[[[]]]]]]]]]]], JSON.parse('{"__proto__":{"polluted":true}}') as unknown, { constructor: { prototype: {} } }),
  fc.array(hostileString, { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), hostileString, { maxKeys: 3 }),
);

/** A query or path value: percent-encodes what it can, and sends a lone surrogate as the UTF-8 it would have (WTF-8). */
function encodeLoose(value: string): string {
  let out = '';
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (char.length === 1 && code >= 0xd800 && code <= 0xdfff) {
      out += `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 0x3f)).toString(16)}%${(0x80 | (code & 0x3f)).toString(16)}`.toUpperCase();
    } else {
      out += encodeURIComponent(char);
    }
  }
  return out;
}

function textOf(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value) ?? '';
}

let t: TestApp;
let document: OpenApiDocument;
/** Real ids, so that handlers are reached and not only their 404. */
const known: { ids: string[]; escns: string[] } = { ids: [], escns: [] };
const callers: Array<{ name: string; headers: Record<string, string> }> = [];

before(async () => {
  t = await startTestApp();
  await configureInstitution(t);
  const world = await officeClients(t);
  const person = await createPerson(t);
  const card = await requestCard(world, person.id);
  const spare = await t.loginAs('viewer');
  const token = await t.runtime.services.auth.createApiToken({ name: 'spare', role: 'viewer', personTypes: null },
    { accountId: spare.accountId, personTypes: null, institutionIds: null }, { actor: 'test' });
  known.ids.push(person.id, card.id, spare.accountId, token.view.id);
  if (card.escn) known.escns.push(card.escn);

  const session = await t.loginAs('admin');
  callers.push({ name: 'admin session', headers: { cookie: session.credentials.cookie ?? '', 'x-csrf-token': session.credentials.csrfToken ?? '' } });
  const adminToken = await t.tokenClient('admin');
  callers.push({ name: 'admin token', headers: { authorization: `Bearer ${adminToken.credentials.bearer ?? ''}` } });

  const answer = await t.anonymous.get<OpenApiDocument>('/api/v1/openapi.json');
  assert.equal(answer.status, 200);
  document = answer.body;
});
after(async () => { await t.close(); });

function resolve(schema: JsonSchema): JsonSchema {
  if (schema.$ref) {
    const name = schema.$ref.split('/').pop() ?? '';
    return resolve(document.components?.schemas?.[name] ?? {});
  }
  return schema;
}

/** Values that fit `schema` (as far as generating them simply goes), so requests get past validation. */
function fitting(raw: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolve(raw);
  const options = schema.anyOf ?? schema.oneOf;
  if (options && options.length > 0) return fc.oneof(...options.map((option) => fitting(option, depth)));
  if (schema.allOf && schema.allOf.length > 0) return fitting(schema.allOf[0] as JsonSchema, depth);
  if (schema.enum && schema.enum.length > 0) return fc.constantFrom(...schema.enum);
  if (schema.const !== undefined) return fc.constant(schema.const);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      if (schema.format === 'uuid') return fc.oneof(fc.constantFrom(...known.ids), fc.uuid());
      if (schema.format === 'date') return fc.constantFrom('2026-01-31', '2024-02-29', '1900-01-01', '9999-12-31');
      if (schema.format === 'date-time') return fc.constantFrom('2026-01-31T10:00:00Z', '2026-01-31T10:00:00.5+02:00');
      if (schema.format === 'email') return fc.constantFrom('someone@example.org', 'a@b.fr');
      return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 20, 20) });
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1000, max: Math.min(schema.maximum ?? 100_000, 100_000) });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1000, max: schema.maximum ?? 100_000, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return depth > 4 ? fc.constant([]) : fc.array(fitting(schema.items ?? {}, depth + 1), { maxLength: Math.min(schema.maxItems ?? 3, 3) });
    case 'object': {
      if (depth > 4) return fc.constant({});
      const properties = schema.properties ?? {};
      const model = Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, fuzzed(value, depth + 1)]));
      return fc.record(model, { requiredKeys: (schema.required ?? []).filter((key) => key in properties) });
    }
    default:
      return hostileValue;
  }
}

/** Mostly fitting values, often hostile ones. */
function fuzzed(schema: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  return fc.oneof({ arbitrary: fitting(schema, depth), weight: 3 }, { arbitrary: hostileValue, weight: 2 });
}

/** The body of an operation: JSON after its schema (with unknown fields at times), or something else entirely. */
function bodyArbitrary(operation: Operation): fc.Arbitrary<FuzzRequest['body']> {
  const content = operation.requestBody?.content ?? {};
  const jsonSchema = content['application/json']?.schema;
  const others: Array<fc.Arbitrary<FuzzRequest['body']>> = [
    fc.constant({ kind: 'none' as const }),
    fc.record({
      kind: fc.constant('raw' as const),
      contentType: fc.constantFrom('application/json', 'text/plain', 'text/csv', 'multipart/form-data', 'multipart/form-data; boundary=x',
        'application/x-www-form-urlencoded', 'image/png', 'image/jpeg', 'image/svg+xml', 'application/xml', undefined),
      payload: fc.oneof(
        fc.constantFrom('null', '1', '"str"', 'true', '[]', '{}', '{"a":', 'not json', DEEP_ARRAY, DEEP_OBJECT,
          `{"x":"${'\\u0000'}"}`, '{"x":"\\ud800"}', MULTIPART_FILE, MULTIPART_NUL_FIELD, MULTIPART_NUL_NAME, MULTIPART_TRUNCATED, CSV_FILE),
        fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
      ),
    }),
    fc.record({ kind: fc.constant('json' as const), value: hostileValue }),
    // Well-formed envelopes with hostile contents, so that upload handlers parse them.
    fc.constantFrom<[string, string]>(
      ['multipart/form-data; boundary=x', MULTIPART_FILE], ['multipart/form-data; boundary=x', MULTIPART_NUL_FIELD],
      ['multipart/form-data; boundary=x', MULTIPART_NUL_NAME], ['multipart/form-data; boundary=x', MULTIPART_TRUNCATED],
      ['text/csv', CSV_FILE], ['text/csv; charset=utf-16', CSV_FILE], ['text/csv; charset=nonsense\u0000', CSV_FILE],
      ['image/svg+xml', SVG_FILE], ['image/png', '\x89PNG\r\n\x1a\n\0\0\0\rIHDR'],
    ).map(([contentType, payload]) => ({ kind: 'raw' as const, contentType, payload })),
  ];
  if (!jsonSchema) return fc.oneof(...others);
  const shaped = fitting(jsonSchema).chain((value) =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? fc.option(fc.tuple(fc.constantFrom('unknownField', '__proto__', 'constructor', NUL), hostileValue), { nil: undefined })
        .map((extra) => (extra ? { ...value, [extra[0]]: extra[1] } : value))
      : fc.constant(value));
  return fc.oneof(
    { arbitrary: shaped.map((value) => ({ kind: 'json' as const, value })), weight: 5 },
    { arbitrary: fc.oneof(...others), weight: 2 },
  );
}

function requestArbitrary(operation: Operation): fc.Arbitrary<FuzzRequest> {
  const parameters = operation.parameters ?? [];
  const pathParameters = parameters.filter((parameter) => parameter.in === 'path');
  const queryParameters = parameters.filter((parameter) => parameter.in === 'query');
  const path = fc.record(Object.fromEntries(pathParameters.map((parameter) => [parameter.name,
    fc.oneof({ arbitrary: fitting(parameter.schema), weight: 3 }, { arbitrary: hostileString, weight: 2 },
      { arbitrary: fc.constantFrom(...known.ids, ...known.escns, 'x'), weight: 1 }).map(textOf)])));
  const query = fc.tuple(...queryParameters.map((parameter) =>
    fc.option(fuzzed(parameter.schema), { nil: undefined, freq: 2 }).map((value): Array<[string, string]> => {
      if (value === undefined) return [];
      return Array.isArray(value) ? value.map((item) => [parameter.name, textOf(item)]) : [[parameter.name, textOf(value)]];
    })))
    .chain((pairs) => fc.option(fc.tuple(fc.constantFrom('unknown', 'q', 'cursor', `a${NUL}`, 'limit'), hostileString), { nil: undefined, freq: 3 })
      .map((extra) => [...pairs.flat(), ...(extra ? [extra] : [])]));
  const header = fc.option(fc.tuple(fc.constantFrom('accept-language', 'x-request-id', 'x-forwarded-for', 'if-none-match', 'cookie'), hostileString),
    { nil: undefined, freq: 4 });
  return fc.record({ path, query, body: bodyArbitrary(operation), header });
}

function urlOf(template: string, request: FuzzRequest): string {
  const path = template.replace(/\{(\w+)\}/g, (_whole, name: string) => encodeLoose(request.path[name] ?? 'x') || 'x');
  const query = request.query.map(([key, value]) => `${encodeLoose(key)}=${encodeLoose(value)}`).join('&');
  return query ? `${path}?${query}` : path;
}

/** What was sent, short enough to read in a failure message. */
function describe(method: string, url: string, request: FuzzRequest): string {
  const body = request.body.kind === 'json' ? (JSON.stringify(request.body.value) ?? '')
    : request.body.kind === 'raw' ? `${request.body.contentType ?? '(no type)'} ${textOf(request.body.payload.toString())}` : '';
  return `${method} ${url.slice(0, 300)} ${body.slice(0, 300)}`;
}

test('every operation of the OpenAPI document, fuzzed: never a 5xx, every 4xx is problem+json with a code', async () => {
  const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ path, method: method.toUpperCase(), operation })));
  assert.ok(operations.length >= 50, `the document lists ${operations.length} operations`);
  let requests = 0;
  const statuses = new Map<number, number>();
  for (const [index, { path, method, operation }] of operations.entries()) {
    for (const caller of callers) {
      if (caller.name === 'admin session' && SELF_DESTRUCTIVE.has(`${method} ${path}`)) continue;
      await fc.assert(fc.asyncProperty(requestArbitrary(operation), async (request) => {
        const url = urlOf(path, request);
        const headers: Record<string, string> = { ...caller.headers };
        if (request.header) headers[request.header[0]] = `${headers[request.header[0]] ?? ''}${request.header[1]}`;
        let payload: string | Buffer | undefined;
        if (request.body.kind === 'json') {
          payload = JSON.stringify(request.body.value) ?? 'null';
          headers['content-type'] = 'application/json';
        } else if (request.body.kind === 'raw') {
          payload = request.body.payload;
          if (request.body.contentType !== undefined) headers['content-type'] = request.body.contentType;
        }
        const response = await t.app.inject({ method: method as 'GET', url, headers, ...(payload !== undefined ? { payload } : {}) });
        requests += 1;
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        const what = `${caller.name}: ${describe(method, url, request)} → ${response.statusCode} ${response.body.slice(0, 300)}`;
        assert.ok(response.statusCode < 500, what);
        if (response.statusCode >= 400) {
          assert.match(String(response.headers['content-type']), /^application\/problem\+json/, what);
          const problem = JSON.parse(response.body) as { code?: unknown };
          assert.equal(typeof problem.code, 'string', what);
        }
      }), { seed: SEED + index, numRuns: RUNS_PER_OPERATION, endOnFailure: true });
    }
  }
  // The fuzzer must reach handlers, not only be refused at the door.
  const successes = [...statuses].filter(([status]) => status < 300).reduce((sum, [, count]) => sum + count, 0);
  assert.ok(successes > requests / 20, `only ${successes} of ${requests} requests succeeded: ${JSON.stringify([...statuses])}`);
});
