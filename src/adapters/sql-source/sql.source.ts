/**
 * The SQL person source: a read-only query against another PostgreSQL database (a student
 * information system's replica, a view prepared by its DBA). The query runs in a READ ONLY
 * transaction with a statement timeout, through a server-side cursor fetched a page at a time,
 * so neither a wrong query can write nor a large result fill memory. The database URL (with its
 * password) is a secret named in the settings, read from DIRECTORY_SECRETS.
 *
 * Each row is a record: its key from `keyColumn`, every non-null column an attribute (dates as
 * ISO 8601, arrays as several values). Incremental reads keep the rows whose `modifiedColumn` is
 * later than the watermark, the highest value seen last time.
 */
import pg from 'pg';
import {
  SourceSettingsError,
  type PersonSource, type PersonSourceContext, type PersonSourceFactory, type SourcePage, type SourceRecord,
} from '../../modules/directory/domain/person-source.ts';

/** Settings of a SQL source. */
export interface SqlSourceSettings {
  /** Name of the secret (DIRECTORY_SECRETS) holding the `postgres://` URL. */
  secretEnv: string;
  /** A SELECT (or WITH … SELECT) returning one row per person. */
  query: string;
  /** The column whose value is the record's stable key. */
  keyColumn: string;
  /** Column of the last change of a row, for incremental reads; absent: always a full read. */
  modifiedColumn: string | null;
  /** Rows fetched per round trip. */
  pageSize: number;
  /** Longest a statement may run, in milliseconds. */
  statementTimeoutMs: number;
}

const COLUMN = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const CONNECT_TIMEOUT_MS = 10_000;

/** Checks the settings of a SQL source (throws {@link SourceSettingsError}). */
export function sqlSourceSettings(raw: Record<string, unknown>): SqlSourceSettings {
  const allowed = ['secretEnv', 'query', 'keyColumn', 'modifiedColumn', 'pageSize', 'statementTimeoutMs'];
  for (const key of Object.keys(raw)) if (!allowed.includes(key)) throw new SourceSettingsError(key, 'unknown_setting', `unknown setting ${key}`);
  if (typeof raw.secretEnv !== 'string' || !SECRET_NAME.test(raw.secretEnv)) {
    throw new SourceSettingsError('secretEnv', 'invalid_secret_name', 'the name of the DIRECTORY_SECRETS entry holding the database URL');
  }
  if (typeof raw.query !== 'string' || raw.query.length > 20_000 || !/^\s*(select|with)\b/i.test(raw.query)) {
    throw new SourceSettingsError('query', 'invalid_query', 'a SELECT (or WITH … SELECT) query, at most 20,000 characters');
  }
  if (/;\s*\S/.test(raw.query)) throw new SourceSettingsError('query', 'invalid_query', 'one statement only');
  if (typeof raw.keyColumn !== 'string' || !COLUMN.test(raw.keyColumn)) throw new SourceSettingsError('keyColumn', 'invalid_column', 'a column name of the query');
  const modifiedColumn = raw.modifiedColumn ?? null;
  if (modifiedColumn !== null && (typeof modifiedColumn !== 'string' || !COLUMN.test(modifiedColumn))) {
    throw new SourceSettingsError('modifiedColumn', 'invalid_column', 'a column name of the query');
  }
  const pageSize = raw.pageSize ?? 1000;
  if (typeof pageSize !== 'number' || !Number.isInteger(pageSize) || pageSize < 10 || pageSize > 10_000) {
    throw new SourceSettingsError('pageSize', 'invalid_page_size', 'an integer between 10 and 10,000');
  }
  const statementTimeoutMs = raw.statementTimeoutMs ?? 300_000;
  if (typeof statementTimeoutMs !== 'number' || !Number.isInteger(statementTimeoutMs) || statementTimeoutMs < 100 || statementTimeoutMs > 3_600_000) {
    throw new SourceSettingsError('statementTimeoutMs', 'invalid_timeout', 'milliseconds between 100 and 3,600,000');
  }
  return { secretEnv: raw.secretEnv, query: raw.query.replace(/;\s*$/, ''), keyColumn: raw.keyColumn, modifiedColumn: modifiedColumn as string | null, pageSize, statementTimeoutMs };
}

function text(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  if (value instanceof Date) return [value.toISOString()];
  if (Array.isArray(value)) return value.flatMap(text);
  if (Buffer.isBuffer(value)) return [value.toString('base64')];
  return [String(value)];
}

/** Builds a SQL source. */
export const createSqlSource: PersonSourceFactory = (context: PersonSourceContext): PersonSource => {
  const settings = sqlSourceSettings(context.settings);

  async function connect(): Promise<pg.Client> {
    const url = context.secret(settings.secretEnv);
    if (!/^postgres(ql)?:\/\//.test(url)) throw new SourceSettingsError('secretEnv', 'invalid_database_url', `the secret ${settings.secretEnv} is not a postgres:// URL`);
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, application_name: 'campuscard directory sync' });
    client.on('error', () => undefined);
    await client.connect();
    await client.query('BEGIN TRANSACTION READ ONLY');
    await client.query(`SET LOCAL statement_timeout = ${settings.statementTimeoutMs}`);
    return client;
  }

  async function close(client: pg.Client): Promise<void> {
    await client.query('ROLLBACK').catch(() => undefined);
    await client.end().catch(() => undefined);
  }

  return {
    async test() {
      let client: pg.Client | undefined;
      try {
        client = await connect();
        const result = await client.query(`SELECT * FROM (${settings.query}) AS source LIMIT 1`);
        if (!result.fields.some((field) => field.name === settings.keyColumn)) {
          return { ok: false, code: 'key_column_missing', message: `The query returns no column ${settings.keyColumn}` };
        }
        return { ok: true, message: `Connected; the query answers (columns: ${result.fields.map((field) => field.name).join(', ')})` };
      } catch (error) {
        if (error instanceof SourceSettingsError) return { ok: false, code: error.code, message: error.message };
        return { ok: false, code: 'source_unreachable', message: (error as Error).message };
      } finally {
        if (client) await close(client);
      }
    },

    async records(options) {
      const client = await connect();
      let watermark: string | null = options.since ?? null;
      const incremental = options.since !== undefined && options.since !== null && settings.modifiedColumn !== null;
      const filter = incremental ? ` WHERE source.${settings.modifiedColumn} > ${client.escapeLiteral(options.since as string)}` : '';
      try {
        await client.query(`DECLARE person_source NO SCROLL CURSOR FOR SELECT * FROM (${settings.query}) AS source${filter}`);
      } catch (error) {
        await close(client);
        throw error;
      }
      async function* pages(): AsyncGenerator<SourcePage> {
        let count = 0;
        try {
          for (;;) {
            if (options.signal?.aborted) return;
            const size = options.limit === undefined ? settings.pageSize : Math.min(settings.pageSize, options.limit - count);
            if (size <= 0) return;
            const result = await client.query(`FETCH ${size} FROM person_source`);
            if (result.rows.length === 0) return;
            const page: SourcePage = { records: [], rejected: [] };
            for (const row of result.rows as Array<Record<string, unknown>>) {
              const key = text(row[settings.keyColumn])[0];
              if (key === undefined || key === '') {
                page.rejected?.push({ errors: [{ field: settings.keyColumn, code: 'key_missing', message: `a row has no ${settings.keyColumn}` }] });
                continue;
              }
              const record: SourceRecord = { key, attributes: {} };
              for (const [column, value] of Object.entries(row)) {
                const values = text(value);
                if (values.length > 0) record.attributes[column] = values;
              }
              if (settings.modifiedColumn !== null) {
                const modified = row[settings.modifiedColumn];
                const stamp = modified instanceof Date ? modified.toISOString() : text(modified)[0];
                if (stamp !== undefined) {
                  record.modifiedAt = stamp;
                  if (watermark === null || stamp > watermark) watermark = stamp;
                }
              }
              page.records.push(record);
            }
            count += result.rows.length;
            yield page;
          }
        } finally {
          await close(client);
        }
      }
      return { pages: pages(), watermark: () => (settings.modifiedColumn === null ? null : watermark) };
    },
  };
};
