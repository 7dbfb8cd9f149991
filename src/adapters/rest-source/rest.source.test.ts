import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { SourceSettingsError, type PersonSource } from '../../modules/directory/domain/person-source.ts';
import { createRestSource, flatten } from './rest.source.ts';

// Against a small real HTTP server serving a paged API in each pagination style.
const PEOPLE = Array.from({ length: 23 }, (_, index) => ({
  uid: `u${index}`, identity: { sn: `Nom${index}`, given: 'Ada' }, roles: [{ code: 'student' }, { code: 'member' }],
  modified: `2026-01-${String(index + 1).padStart(2, '0')}T00:00:00Z`,
}));
let server: Server;
let base: string;
const seen: IncomingMessage[] = [];

function authorized(request: IncomingMessage): boolean {
  const auth = request.headers.authorization;
  return auth === 'Bearer tok' || auth === `Basic ${Buffer.from('svc:pw').toString('base64')}` || request.headers['x-api-key'] === 'key';
}

before(async () => {
  server = createServer((request, response) => {
    seen.push(request);
    const url = new URL(request.url ?? '/', base);
    if (!authorized(request)) {
      response.writeHead(401).end();
      return;
    }
    const since = url.searchParams.get('since');
    const list = since ? PEOPLE.filter((person) => person.modified > since) : PEOPLE;
    let body: unknown;
    if (url.pathname === '/page') {
      const page = Number(url.searchParams.get('p')), size = Number(url.searchParams.get('n'));
      body = { data: { rows: list.slice(page * size, (page + 1) * size) } };
    } else if (url.pathname === '/offset') {
      const offset = Number(url.searchParams.get('offset')), limit = Number(url.searchParams.get('limit'));
      body = { rows: list.slice(offset, offset + limit) };
    } else if (url.pathname === '/next') {
      const from = Number(url.searchParams.get('from') ?? '0');
      const next = from + 10 < list.length ? `/next?from=${from + 10}` : null;
      body = { rows: list.slice(from, from + 10), links: { next } };
    } else if (url.pathname === '/cursor') {
      const from = Number(url.searchParams.get('after') ?? '0');
      body = { rows: list.slice(from, from + 7), cursor: from + 7 < list.length ? String(from + 7) : '' };
    } else if (url.pathname === '/elsewhere') {
      body = { rows: list.slice(0, 1), links: { next: 'http://evil.example/steal' } };
    } else {
      body = list;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const SECRETS: Record<string, string> = { TOKEN: 'tok', PASSWORD: 'pw', KEY: 'key' };

function source(settings: Record<string, unknown>): PersonSource {
  return createRestSource({
    settings: { keyPath: 'uid', recordsPath: 'rows', auth: { type: 'bearer', secretEnv: 'TOKEN' }, ...settings },
    attributes: [], wantPhotos: false,
    secret: (name) => {
      const value = SECRETS[name];
      if (value === undefined) throw new SourceSettingsError('secretEnv', 'secret_not_defined', name);
      return value;
    },
  });
}

async function keys(from: PersonSource, since?: string): Promise<{ keys: string[]; watermark: string | null }> {
  const read = await from.records(since ? { since } : {});
  const result: string[] = [];
  for await (const page of read.pages) result.push(...page.records.map((record) => record.key));
  return { keys: result, watermark: read.watermark() };
}

const ALL = PEOPLE.map((person) => person.uid);

test('every pagination style reads every record once', async () => {
  assert.deepEqual((await keys(source({ url: `${base}/page`, recordsPath: 'data.rows', pagination: { style: 'page', pageParam: 'p', sizeParam: 'n', size: 5, firstPage: 0 } }))).keys, ALL);
  assert.deepEqual((await keys(source({ url: `${base}/offset`, pagination: { style: 'offset', size: 10 } }))).keys, ALL);
  assert.deepEqual((await keys(source({ url: `${base}/next`, pagination: { style: 'next', nextPath: 'links.next' } }))).keys, ALL);
  assert.deepEqual((await keys(source({ url: `${base}/cursor`, pagination: { style: 'cursor', cursorParam: 'after', cursorPath: 'cursor' } }))).keys, ALL);
  assert.deepEqual((await keys(source({ url: `${base}/all`, recordsPath: '' }))).keys, ALL);
});

test('records are flattened to dotted paths; incremental reads pass the watermark and return the highest one', async () => {
  const read = await source({ url: `${base}/all`, recordsPath: '', sinceParam: 'since', modifiedPath: 'modified' }).records({ since: '2026-01-20T00:00:00Z' });
  const records = [];
  for await (const page of read.pages) records.push(...page.records);
  assert.deepEqual(records.map((record) => record.key), ['u20', 'u21', 'u22']);
  assert.deepEqual(records[0]?.attributes['identity.sn'], ['Nom20']);
  assert.deepEqual(records[0]?.attributes['roles.code'], ['student', 'member']);
  assert.equal(read.watermark(), '2026-01-23T00:00:00Z');
  assert.deepEqual(flatten({ a: { b: [1, { c: true }], d: null } }), { 'a.b': ['1'], 'a.b.c': ['true'] });
});

test('Bearer, Basic and API key headers carry the secret; a refused one fails the read and the test', async () => {
  const url = `${base}/all`;
  assert.equal((await keys(source({ url, recordsPath: '', auth: { type: 'basic', username: 'svc', secretEnv: 'PASSWORD' } }))).keys.length, 23);
  assert.equal((await keys(source({ url, recordsPath: '', auth: { type: 'apiKey', header: 'X-API-Key', secretEnv: 'KEY' } }))).keys.length, 23);
  await assert.rejects(keys(source({ url, recordsPath: '', auth: { type: 'none' } })), /401/);
  const refused = await source({ url, recordsPath: '', auth: { type: 'none' } }).test();
  assert.deepEqual([refused.ok, !refused.ok && refused.code], [false, 'source_unreachable']);
  assert.equal((await source({ url, recordsPath: '' }).test()).ok, true);
});

test('the credentials never follow a next link to another server, and bad settings are refused', async () => {
  const before = seen.length;
  await assert.rejects(keys(source({ url: `${base}/elsewhere`, pagination: { style: 'next', nextPath: 'links.next' } })), /another server/);
  assert.equal(seen.length, before + 1);
  assert.throws(() => source({ url: 'ftp://x/y' }), (error: SourceSettingsError) => error.field === 'url');
  assert.throws(() => source({ url: 'https://user:pw@x.example/' }), (error: SourceSettingsError) => error.code === 'credentials_in_url');
  assert.throws(() => source({ url: `${base}/all`, pagination: { style: 'sideways' } }), (error: SourceSettingsError) => error.field === 'pagination.style');
  assert.throws(() => source({ url: `${base}/all`, auth: { type: 'bearer' } }), (error: SourceSettingsError) => error.field === 'auth.secretEnv');
});
