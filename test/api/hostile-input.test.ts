import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';
import { startTestApp, type TestApp, type TestClient, type TestResponse } from '../helpers/test-app.ts';
import { configureInstitution, createPerson, officeClients, requestCard, type CardsWorld } from './cards.fixtures.ts';
import { installProblemHandlers } from '../../src/platform/http/error-handler.ts';
import { createLogger } from '../../src/platform/observability/logger.ts';

/**
 * Regression tests for the bad input that used to reach PostgreSQL and come back as 500: NUL and
 * lone surrogates, forged or impossible paging cursors, impossible dates, non-array batch bodies;
 * and for error logs that quoted the input that broke them.
 */

let t: TestApp;
let admin: TestClient;
let world: CardsWorld;
let otherAccountId: string;

before(async () => {
  t = await startTestApp();
  admin = await t.loginAs('admin');
  await configureInstitution(t);
  world = await officeClients(t);
  otherAccountId = (await t.loginAs('viewer')).accountId;
  for (let i = 0; i < 3; i++) {
    const person = await createPerson(t, { lastName: `Hostile${i}`, firstName: 'Paging' });
    await requestCard(world, person.id);
  }
});
after(async () => { await t.close(); });

const NUL = '\u0000';
const LONE_HIGH = '\ud800';
const LONE_LOW = '\udc00';

/** A problem+json 4xx with the expected code (and field, when given). */
function assertProblem(response: TestResponse, status: number, code: string, field?: string): void {
  assert.equal(response.status, status, `${response.status} ${response.text}`);
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
  assert.equal(response.body.code, code, response.text);
  if (field !== undefined) assert.equal(response.body.field, field, response.text);
}

/** A JSON body with a lone surrogate escaped: JSON.stringify would escape it too, but say it plainly. */
function rawJson(value: unknown): string {
  return JSON.stringify(value);
}

test('NUL and lone surrogates in JSON bodies are 400 invalid_characters with the field, on every route', async () => {
  for (const bad of [NUL, LONE_HIGH, LONE_LOW, `a${LONE_HIGH}b`]) {
    assertProblem(await t.anonymous.post('/api/v1/auth/login', { email: `x${bad}@example.org`, password: 'whatever' }),
      400, 'invalid_characters', '/email');
    assertProblem(await admin.post('/api/v1/tokens', { name: `token ${bad}`, role: 'viewer' }), 400, 'invalid_characters', '/name');
    assertProblem(await admin.patch(`/api/v1/accounts/${otherAccountId}`, { displayName: `Name ${bad}` }),
      400, 'invalid_characters', '/displayName');
    assertProblem(await admin.post('/api/v1/persons/batch', [{ eppn: 'ok@univ.example.fr' }, { eppn: `x${bad}@univ.example.fr`, lastName: 'L' }]),
      400, 'invalid_characters', '/1/eppn');
  }
  // A key is a string too.
  assertProblem(await admin.request('POST', '/api/v1/persons/batch', {
    payload: rawJson([{ [`e${NUL}ppn`]: 'x' }]), headers: { 'content-type': 'application/json' },
  }), 400, 'invalid_characters', '/0');
  const person = await createPerson(t, { lastName: 'Consent' });
  assertProblem(await admin.put(`/api/v1/persons/${person.id}/consents/photo_publication`, { granted: true, textVersion: `v1${NUL}` }),
    400, 'invalid_characters', '/textVersion');
});

test('NUL in query strings and path parameters, and undecodable percent-encoding, are 400 invalid_characters', async () => {
  assertProblem(await admin.get('/api/v1/persons?q=a%00b'), 400, 'invalid_characters', 'querystring:/q');
  assertProblem(await admin.get('/api/v1/cards?q=%00'), 400, 'invalid_characters', 'querystring:/q');
  // A lone surrogate can only be sent as UTF-8 it does not have: refused, not passed on raw.
  assertProblem(await admin.get('/api/v1/persons?q=%ED%A0%80'), 400, 'invalid_characters', 'querystring:/q');
  assertProblem(await admin.get('/api/v1/cards?q=x%FF'), 400, 'invalid_characters', 'querystring:/q');
  assertProblem(await t.anonymous.get('/v/ab%00cd'), 400, 'invalid_characters', 'params:/escn');
  assertProblem(await t.anonymous.get('/api/v1/verify/%ED%A0%80'), 400, 'invalid_characters', 'params:/');
  // Ordinary searches still work.
  assert.equal((await admin.get('/api/v1/persons?q=Hostile1')).status, 200);
  assert.equal((await admin.get('/api/v1/cards?q=%C3%A9t%C3%A9')).status, 200);
});

test('NUL in a CSV import, past the part sniffed for binary files, is a 4xx naming its line', async () => {
  const lines = ['eppn;last_name;first_name;person_type'];
  for (let i = 0; i < 300; i++) lines.push(`csv${i}@univ.example.fr;Nom${i};Prenom${i};student`);
  lines.push('bad@univ.example.fr;Ba\u0000d;Bad;student');
  const file = Buffer.from(`${lines.join('\r\n')}\r\n`);
  assert.ok(file.indexOf(0) > 8192, 'the NUL lies beyond the binary sniffing window');
  const response = await admin.request('POST', '/api/v1/imports/persons?wait=true', { payload: file, headers: { 'content-type': 'text/csv' } });
  assert.equal(response.status, 422, response.text);
  const errors = response.body.errors as Array<{ line?: number; code: string; field?: string }>;
  assert.deepEqual(errors.map((error) => [error.code, error.line]), [['invalid_characters', lines.length]], response.text);
});

/** A cursor as the server encodes them today (base64url JSON); the server must not trust its content. */
const forge = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

test('paging cursors: impossible dates, NUL, surrogates and garbage are 400 invalid_cursor; real cursors still page', async () => {
  const uuid = '00000000-0000-4000-8000-000000000000';
  const forgedPeople = [
    { s: 'created_at', o: 'asc', k: ['2026-02-30 10:00:00+00'], i: uuid },
    { s: 'created_at', o: 'asc', k: ['2026-99-99 99:99:99+00'], i: uuid },
    { s: 'updated_at', o: 'asc', k: ['0000-01-01 00:00:00+00'], i: uuid },
    { s: 'last_name', o: 'asc', k: [`a${NUL}`, 'b'], i: uuid },
    { s: 'last_name', o: 'asc', k: [LONE_HIGH, 'b'], i: uuid },
  ];
  for (const cursor of forgedPeople) {
    assertProblem(await admin.get(`/api/v1/persons?sort=${cursor.s}&order=asc&cursor=${forge(cursor)}`), 400, 'invalid_cursor', 'querystring:/cursor');
  }
  const forgedCards = [
    ['requestedAt', 'desc', '2026-02-30 10:00:00+00', uuid],
    ['updatedAt', 'desc', '2026-99-99 99:99:99+00', uuid],
    ['lastName', 'asc', `x${NUL}`, 'y', uuid],
    ['lastName', 'asc', 'x', LONE_LOW, uuid],
  ];
  for (const cursor of forgedCards) {
    assertProblem(await admin.get(`/api/v1/cards?sort=${cursor[0]}&order=${cursor[1]}&cursor=${forge(cursor)}`), 400, 'invalid_cursor', 'querystring:/cursor');
  }
  assertProblem(await admin.get('/api/v1/persons?cursor=%00'), 400, 'invalid_characters', 'querystring:/cursor');
  for (const garbage of ['x', 'eyJ', forge(null), forge([1, 2]), 'e30', forge({ s: 'created_at' })]) {
    assertProblem(await admin.get(`/api/v1/persons?cursor=${garbage}`), 400, 'invalid_cursor', 'querystring:/cursor');
    assertProblem(await admin.get(`/api/v1/cards?cursor=${garbage}`), 400, 'invalid_cursor', 'querystring:/cursor');
  }

  // The cursors the server hands out still work, for every sort.
  for (const sort of ['last_name', 'created_at', 'updated_at']) {
    const first = await admin.get<{ items: Array<{ id: string }>; nextCursor: string | null }>(`/api/v1/persons?sort=${sort}&limit=1`);
    assert.equal(first.status, 200, first.text);
    assert.ok(first.body.nextCursor);
    const next = await admin.get<{ items: Array<{ id: string }> }>(`/api/v1/persons?sort=${sort}&limit=1&cursor=${first.body.nextCursor}`);
    assert.equal(next.status, 200, next.text);
    assert.notEqual(next.body.items[0]?.id, first.body.items[0]?.id);
  }
  for (const sort of ['requestedAt', 'updatedAt', 'lastName']) {
    const first = await admin.get<{ items: Array<{ id: string }>; nextCursor: string | null }>(`/api/v1/cards?sort=${sort}&limit=1`);
    assert.equal(first.status, 200, first.text);
    assert.ok(first.body.nextCursor);
    const next = await admin.get<{ items: Array<{ id: string }> }>(`/api/v1/cards?sort=${sort}&limit=1&cursor=${first.body.nextCursor}`);
    assert.equal(next.status, 200, next.text);
    assert.notEqual(next.body.items[0]?.id, first.body.items[0]?.id);
  }
});

test('dates in query strings that are not real or out of range are 400 invalid_date with the field', async () => {
  for (const [name, value] of [
    ['requestedTo', '99999-01-01'], ['requestedFrom', '2026-02-30'], ['updatedTo', '2026-99-99'],
    ['updatedFrom', '0000-01-01'], ['updatedFrom', '0001-01-01'], ['requestedFrom', '2026-02-28T25:00:00Z'],
    ['requestedTo', '+099999-01-01T00:00:00Z'], ['requestedTo', '2026-01-01T10:00:60Z'],
  ]) {
    assertProblem(await admin.get(`/api/v1/cards?${name}=${encodeURIComponent(value ?? '')}`), 400, 'invalid_date', `querystring:/${name}`);
  }
  for (const value of ['2026-02-30', '99999-01-01', '2026-99-99', '0000-12-31', '0099-01-01']) {
    assertProblem(await admin.get(`/api/v1/persons?rightsEndBefore=${value}`), 400, 'invalid_date', 'querystring:/rightsEndBefore');
  }
  // Real dates at the edges of the range still work.
  for (const value of ['2024-02-29', '9999-12-31', '1900-01-01', '2026-01-31T10:00:00Z', '2026-01-31T10:00:00.123+02:00', '9999-12-31T23:00:00-05:00']) {
    for (const name of ['requestedFrom', 'requestedTo']) {
      const response = await admin.get(`/api/v1/cards?${name}=${encodeURIComponent(value)}`);
      assert.equal(response.status, 200, `${name}=${value}: ${response.text}`);
    }
  }
  assert.equal((await admin.get<{ items: unknown[] }>('/api/v1/cards?requestedTo=9999-12-31')).body.items.length, 3, 'the latest day excludes nothing');
  assert.equal((await admin.get('/api/v1/persons?rightsEndAfter=2024-02-29')).status, 200);
});

test('integers beyond what the database holds are 400 with the field', async () => {
  for (const value of ['1e308', '9007199254740993', '2147483648']) {
    assertProblem(await admin.get(`/api/v1/accounts?offset=${value}`), 400, 'validation_failed', 'querystring:/offset');
  }
  assertProblem(await admin.get('/api/v1/esc/sync/entries?beforeId=1e300'), 400, 'validation_failed', 'querystring:/beforeId');
  assert.equal((await admin.get('/api/v1/accounts?offset=2147483647')).status, 200);
});

test('a batch body that is not an array is 400 or 415, never 500', async () => {
  for (const payload of ['null', '1', '"str"', 'true', '{"a":1}', '{}']) {
    const response = await admin.request('POST', '/api/v1/persons/batch', { payload, headers: { 'content-type': 'application/json' } });
    assertProblem(response, 400, 'validation_failed', '/');
  }
  const text = await admin.request('POST', '/api/v1/persons/batch', { payload: 'hello', headers: { 'content-type': 'text/plain' } });
  assert.ok([400, 415].includes(text.status), text.text);
  assert.match(String(text.headers['content-type']), /^application\/problem\+json/);
  const boundary = 'xyz';
  const multipart = await admin.request('POST', '/api/v1/persons/batch', {
    payload: `--${boundary}\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--${boundary}--\r\n`,
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  });
  assert.ok([400, 415].includes(multipart.status), multipart.text);
  assert.match(String(multipart.headers['content-type']), /^application\/problem\+json/);
  const empty = await admin.request('POST', '/api/v1/persons/batch', { headers: { 'content-type': 'application/json' } });
  assert.equal(empty.status, 400, empty.text);
});

test('malformed multipart bodies and over-long path parameters are 4xx problem+json, and so are NUL characters in headers', async () => {
  const truncated = '--x\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\neppn;last_name';
  assertProblem(await admin.request('POST', '/api/v1/imports/persons?wait=true', {
    payload: truncated, headers: { 'content-type': 'multipart/form-data; boundary=x' },
  }), 400, 'malformed_multipart');
  assertProblem(await admin.request('PUT', '/api/v1/institution/logo', {
    payload: '', headers: { 'content-type': 'multipart/form-data' },
  }), 400, 'malformed_multipart');
  const longParameter = await admin.get(`/api/v1/mail-templates/${'a'.repeat(5000)}/fr/preview`);
  assert.ok(longParameter.status >= 400 && longParameter.status < 500, String(longParameter.status));
  assert.match(String(longParameter.headers['content-type']), /^application\/problem\+json/);
  assertProblem(await admin.request('GET', '/api/v1/persons', { headers: { 'accept-language': `fr${NUL}` } }),
    400, 'invalid_characters', 'headers:/accept-language');
});

test('an error log names the error class, its code and the route, never the input in its message', async () => {
  const lines: string[] = [];
  const sink = new Writable({ write(chunk: Buffer, _encoding, done) { lines.push(chunk.toString('utf8')); done(); } });
  const logger = createLogger('info', sink);
  const app = Fastify({ loggerInstance: logger as FastifyBaseLogger });
  installProblemHandlers(app);
  const secret = '2026-99-99 12:34:56+00 SECRET-VALUE';
  app.get('/probe/:id', async () => {
    await sql`SELECT ${secret}::timestamptz AS at`.execute(t.runtime.database.db);
    return {};
  });
  const response = await app.inject({ url: '/probe/42' });
  assert.equal(response.statusCode, 500);
  assert.equal(JSON.parse(response.body).code, 'internal_error');
  // Anything else that logs an error object goes through the same serializer.
  const thrown = new Error(`insert failed for ${secret}\nsecond line ${secret}`);
  logger.error({ err: thrown }, 'background failure');
  await app.close();
  const log = lines.join('');
  assert.ok(!log.includes('SECRET-VALUE'), log);
  assert.ok(!log.includes('2026-99-99'), log);
  const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  const failed = entries.find((entry) => entry.msg === 'request failed') as { err: { type: string; code: string; stack: string }; req?: { route: string }; route?: string } | undefined;
  assert.ok(failed, log);
  assert.match(failed.err.code, /^22\w{3}$/, 'the SQLSTATE of the database error');
  assert.ok(failed.err.type.length > 0);
  assert.equal(failed.route ?? failed.req?.route, '/probe/:id');
  assert.match(failed.err.stack, /^\s+at /, 'stack frames only, no message line');
  const background = entries.find((entry) => entry.msg === 'background failure') as { err: { type: string; stack: string } } | undefined;
  assert.equal(background?.err.type, 'Error');
  assert.match(background?.err.stack ?? '', /^\s+at /);
});
