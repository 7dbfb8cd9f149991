import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '../../config.ts';
import { SourceSettingsError, type PersonSource, type SourceRecord } from '../../modules/directory/domain/person-source.ts';
import { createSqlSource } from './sql.source.ts';

// Against a real PostgreSQL server: a second database on the server of DATABASE_URL when the
// tests run on PostgreSQL, else the local server at 127.0.0.1:5432 that CI always runs.
const serverUrl = loadConfig().databaseUrl ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const name = `campuscard_sql_source_${process.pid}_${randomBytes(4).toString('hex')}`;
let sourceUrl: string;

async function admin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

before(async () => {
  await admin(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  sourceUrl = url.toString();
  await admin(sourceUrl, async (client) => {
    await client.query(`CREATE TABLE students (
      id integer PRIMARY KEY, eppn text, last_name text, first_name text, kinds text[], expiry date, updated_at timestamptz NOT NULL)`);
    await client.query(`INSERT INTO students
      SELECT i, 'etu' || i || '@univ.fr', 'Nom' || i, 'Prénom', ARRAY['student', 'member'], DATE '2027-08-31', TIMESTAMPTZ '2026-01-01T00:00:00Z' + i * interval '1 minute'
      FROM generate_series(1, 25) AS i`);
    // What a careless (or hostile) query could call: it writes.
    await client.query(`CREATE FUNCTION wipe() RETURNS integer LANGUAGE sql AS 'DELETE FROM students; SELECT 0'`);
  });
});
after(async () => {
  await admin(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
});

function source(settings: Record<string, unknown>, secrets: Record<string, string> = { SIS_URL: sourceUrl }): PersonSource {
  return createSqlSource({
    settings: { secretEnv: 'SIS_URL', keyColumn: 'id', query: 'SELECT * FROM students', pageSize: 10, ...settings },
    attributes: [], wantPhotos: false,
    secret: (secret) => {
      const value = secrets[secret];
      if (value === undefined) throw new SourceSettingsError('secretEnv', 'secret_not_defined', 'undefined');
      return value;
    },
  });
}

async function readAll(from: PersonSource, since?: string | null): Promise<{ records: SourceRecord[]; pages: number; watermark: string | null }> {
  const read = await from.records(since === undefined ? {} : { since });
  const records: SourceRecord[] = [];
  let pages = 0;
  for await (const page of read.pages) {
    pages += 1;
    records.push(...page.records);
  }
  return { records, pages, watermark: read.watermark() };
}

test('reads every row through a cursor, a page at a time, with columns as attributes', async () => {
  const { records, pages, watermark } = await readAll(source({ modifiedColumn: 'updated_at' }));
  assert.equal(records.length, 25);
  assert.equal(pages, 3);
  const first = records.find((record) => record.key === '1');
  assert.deepEqual(first?.attributes.eppn, ['etu1@univ.fr']);
  assert.deepEqual(first?.attributes.kinds, ['student', 'member']);
  assert.equal(first?.attributes.expiry?.length, 1);
  assert.equal(watermark, '2026-01-01T00:25:00.000Z');
});

test('an incremental read returns the rows changed since the watermark only', async () => {
  await admin(sourceUrl, (client) => client.query(`UPDATE students SET last_name = 'Changé', updated_at = TIMESTAMPTZ '2026-02-01T00:00:00Z' WHERE id = 7`));
  const { records, watermark } = await readAll(source({ modifiedColumn: 'updated_at' }), '2026-01-01T00:25:00.000Z');
  assert.deepEqual(records.map((record) => [record.key, record.attributes.last_name?.[0]]), [['7', 'Changé']]);
  assert.equal(watermark, '2026-02-01T00:00:00.000Z');
  // A hostile watermark is a quoted literal, never SQL.
  await assert.rejects(readAll(source({ modifiedColumn: 'updated_at' }), "x'; DROP TABLE students; --"));
  assert.equal((await readAll(source({}))).records.length, 25);
});

test('the query runs read only and under its statement timeout', async () => {
  await assert.rejects(readAll(source({ query: 'SELECT id, wipe() FROM students' })), /read-only transaction/);
  assert.equal((await readAll(source({}))).records.length, 25, 'nothing was deleted');
  await assert.rejects(readAll(source({ query: 'SELECT id, pg_sleep(2) FROM students', statementTimeoutMs: 200 })), /statement timeout/);
});

test('the connection test says what is wrong, and settings are checked', async () => {
  assert.equal((await source({}).test()).ok, true);
  const missing = await source({ keyColumn: 'nope' }).test();
  assert.deepEqual([missing.ok, !missing.ok && missing.code], [false, 'key_column_missing']);
  const unreachable = await source({}, { SIS_URL: 'postgres://postgres@127.0.0.1:1/none' }).test();
  assert.deepEqual([unreachable.ok, !unreachable.ok && unreachable.code], [false, 'source_unreachable']);
  const secretless = await source({}, {}).test();
  assert.deepEqual([secretless.ok, !secretless.ok && secretless.code], [false, 'secret_not_defined']);
  assert.throws(() => source({ query: 'DELETE FROM students' }), (error: SourceSettingsError) => error.field === 'query');
  assert.throws(() => source({ query: 'SELECT 1; SELECT 2' }), (error: SourceSettingsError) => error.field === 'query');
  assert.throws(() => source({ keyColumn: 'id; drop' }), (error: SourceSettingsError) => error.field === 'keyColumn');
});

test('a row without a key is rejected, not taken for a person', async () => {
  const read = await source({ query: 'SELECT NULL::int AS id, 1 AS x UNION ALL SELECT 1, 2' }).records({});
  const pages = [];
  for await (const page of read.pages) pages.push(page);
  assert.deepEqual(pages.flatMap((page) => page.records.map((record) => record.key)), ['1']);
  assert.equal(pages.flatMap((page) => page.rejected ?? []).length, 1);
});
