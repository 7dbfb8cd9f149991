import type { SqlClient } from './pglite-pool.ts';

/**
 * The catalog reads and copy statements of `campuscard export-embedded` (see
 * export-embedded.service.ts): the same SQL runs on PGlite (the source) and on the PostgreSQL
 * server (the target), each through the connection the service holds.
 */

/** Schemas the application writes: its migrations' tables, and pg-boss's jobs in the same database. */
export const COPIED_SCHEMAS = ['public', 'pgboss'] as const;

/** A table to copy, with what its INSERT needs to know. */
export interface CopiedTable {
  /** Schema-qualified and quoted, ready for SQL. */
  qualified: string;
  schema: string;
  name: string;
  /** Columns a row is written with: the generated ones are computed again by the target. */
  columns: string[];
  /**
   * The json and jsonb columns: a JSON null in them is not an SQL NULL (a NOT NULL column may hold
   * it), which a row's JSON cannot tell apart, so they travel as their text.
   */
  jsonColumns: Map<string, 'json' | 'jsonb'>;
  /** An identity column GENERATED ALWAYS takes the copied value only with OVERRIDING SYSTEM VALUE. */
  hasIdentity: boolean;
  primaryKey: string[];
  /** Columns referencing this same table (a parent institution, a replaced card). */
  selfReferences: string[];
  /** Tables (qualified) this one references, which must be filled first. */
  references: string[];
  /**
   * The view stating what this table holds (`<table>_expected`, qualified), for a table kept by
   * triggers from others (the search words): it is filled from that view on the target once its
   * sources are copied, which is faster than reading its many rows out of the embedded database.
   */
  derivedFrom: string | null;
}

/** A sequence and the value it last handed out (null: never used). */
export interface SequenceValue {
  qualified: string;
  lastValue: number | null;
}

/** pg-boss's queue row: what `pgboss.create_queue` needs to create the same queue and its partition. */
export interface BossQueue {
  name: string;
  options: Record<string, unknown>;
  createdOn: string;
  updatedOn: string;
}

/** Double-quotes an identifier for SQL. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * The application's tables: every ordinary or partitioned table of {@link COPIED_SCHEMAS} (a
 * partition is filled through its parent), except the migrator's bookkeeping and pg-boss's
 * version and queues, which the target gets by running the migrations and pg-boss's own functions.
 */
export async function listTables(client: SqlClient): Promise<CopiedTable[]> {
  const { rows } = await client.query<{ schema: string; name: string; columns: string[]; json: string[]; identity: boolean; pk: string[] | null;
    derived: string | null }>(`
    SELECT n.nspname AS schema, c.relname AS name,
           array(SELECT a.attname::text FROM pg_attribute a
                 WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
                 ORDER BY a.attnum) AS columns,
           array(SELECT a.atttypid::regtype::text || ' ' || a.attname FROM pg_attribute a
                 WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
                   AND a.atttypid IN ('json'::regtype, 'jsonb'::regtype)
                 ORDER BY a.attnum) AS json,
           EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND a.attidentity <> '') AS identity,
           (SELECT array_agg(a.attname::text ORDER BY k.ordinality)
              FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY k(attnum, ordinality)
              JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
             WHERE i.indrelid = c.oid AND i.indisprimary) AS pk,
           (SELECT quote_ident(n.nspname) || '.' || quote_ident(v.relname) FROM pg_class v
             WHERE v.relnamespace = n.oid AND v.relkind = 'v' AND v.relname = c.relname || '_expected') AS derived
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = ANY($1::text[]) AND c.relkind IN ('r', 'p') AND NOT c.relispartition
       AND NOT (n.nspname = 'public' AND c.relname = 'schema_migrations')
       AND NOT (n.nspname = 'pgboss' AND c.relname IN ('version', 'queue'))
     ORDER BY n.nspname DESC, c.relname`, [COPIED_SCHEMAS]);
  const { rows: keys } = await client.query<{ table: string; schema: string; referenced: string; referencedSchema: string; columns: string[] }>(`
    SELECT tc.relname AS "table", tn.nspname AS schema, rn.nspname AS "referencedSchema",
           rc.relname AS referenced,
           array(SELECT a.attname::text FROM unnest(c.conkey) k(attnum)
                 JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum) AS columns
      FROM pg_constraint c
      JOIN pg_class tc ON tc.oid = c.conrelid JOIN pg_namespace tn ON tn.oid = tc.relnamespace
      JOIN pg_class rc ON rc.oid = c.confrelid JOIN pg_namespace rn ON rn.oid = rc.relnamespace
     WHERE c.contype = 'f' AND tn.nspname = ANY($1::text[]) AND NOT tc.relispartition`, [COPIED_SCHEMAS]);
  return rows.map((row) => {
    const qualified = `${quoteIdent(row.schema)}.${quoteIdent(row.name)}`;
    const own = keys.filter((key) => key.schema === row.schema && key.table === row.name);
    const self = own.filter((key) => key.referencedSchema === row.schema && key.referenced === row.name);
    return {
      qualified,
      schema: row.schema,
      name: row.name,
      columns: row.columns,
      jsonColumns: new Map(row.json.map((typed) => {
        const space = typed.indexOf(' ');
        return [typed.slice(space + 1), typed.slice(0, space) as 'json' | 'jsonb'];
      })),
      hasIdentity: row.identity,
      primaryKey: row.pk ?? [],
      selfReferences: self.flatMap((key) => key.columns),
      references: own.filter((key) => !self.includes(key))
        .map((key) => `${quoteIdent(key.referencedSchema)}.${quoteIdent(key.referenced)}`),
      derivedFrom: row.derived,
    };
  });
}

/**
 * Fills a derived table from the view stating what it holds (same columns, in order): the rows
 * its triggers would have written, in one statement. Returns how many.
 */
export async function fillDerived(client: SqlClient, table: CopiedTable & { derivedFrom: string }): Promise<number> {
  const result = await client.query(`INSERT INTO ${table.qualified} SELECT * FROM ${table.derivedFrom}`, []);
  return result.rowCount ?? 0;
}

/** How many rows a table holds. */
export async function countRows(client: SqlClient, qualified: string): Promise<number> {
  const { rows } = await client.query<{ count: number }>(`SELECT count(*)::int AS count FROM ${qualified}`, []);
  return Number(rows[0]?.count ?? 0);
}

/** Tables of any schema but the system's: a database that has some is not a fresh one. */
export async function countUserTables(client: SqlClient): Promise<number> {
  const { rows } = await client.query<{ count: number }>(`
    SELECT count(*)::int AS count FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'`, []);
  return Number(rows[0]?.count ?? 0);
}

/** The sequences of the copied schemas with their last value (serials, identities, pg-boss's). */
export async function listSequences(client: SqlClient): Promise<SequenceValue[]> {
  const { rows } = await client.query<{ schema: string; name: string; lastValue: string | number | null }>(`
    SELECT schemaname AS schema, sequencename AS name, last_value AS "lastValue"
      FROM pg_sequences WHERE schemaname = ANY($1::text[]) ORDER BY 1, 2`, [COPIED_SCHEMAS]);
  return rows.map((row) => ({
    qualified: `${quoteIdent(row.schema)}.${quoteIdent(row.name)}`,
    lastValue: row.lastValue === null ? null : Number(row.lastValue),
  }));
}

/** Makes the sequence hand out `lastValue + 1` next, as on the source; a never used one starts again. */
export async function setSequence(client: SqlClient, sequence: SequenceValue): Promise<void> {
  if (sequence.lastValue === null) {
    await client.query(`ALTER SEQUENCE ${sequence.qualified} RESTART`, []);
  } else {
    await client.query('SELECT setval($1::regclass, $2::bigint, true)', [sequence.qualified, sequence.lastValue]);
  }
}

/** Whether pg-boss's schema exists (the app created it at its first start). */
export async function hasBossSchema(client: SqlClient): Promise<boolean> {
  const { rows } = await client.query<{ present: boolean }>(`SELECT to_regclass('pgboss.version') IS NOT NULL AS present`, []);
  return rows[0]?.present === true;
}

/** The pg-boss schema version recorded by pg-boss. */
export async function bossVersion(client: SqlClient): Promise<number | null> {
  const { rows } = await client.query<{ version: number }>('SELECT version FROM pgboss.version', []);
  return rows[0]?.version ?? null;
}

/** pg-boss's queues, the ones they dead-letter to first (their foreign key). */
export async function listBossQueues(client: SqlClient): Promise<BossQueue[]> {
  const { rows } = await client.query<{ name: string; options: Record<string, unknown>; createdOn: string; updatedOn: string }>(`
    SELECT name, json_build_object('policy', policy, 'retryLimit', retry_limit, 'retryDelay', retry_delay,
             'retryBackoff', retry_backoff, 'expireInSeconds', expire_seconds, 'retentionMinutes', retention_minutes,
             'deadLetter', dead_letter) AS options,
           created_on::text AS "createdOn", updated_on::text AS "updatedOn"
      FROM pgboss.queue ORDER BY (dead_letter IS NOT NULL), name`, []);
  return rows;
}

/** Creates a queue (and its job partition) through pg-boss's own function, dated as on the source. */
export async function createBossQueue(client: SqlClient, queue: BossQueue): Promise<void> {
  await client.query('SELECT pgboss.create_queue($1, $2::json)', [queue.name, JSON.stringify(queue.options)]);
  await client.query('UPDATE pgboss.queue SET created_on = $2::timestamptz, updated_on = $3::timestamptz WHERE name = $1',
    [queue.name, queue.createdOn, queue.updatedOn]);
}

/** Removes pg-boss's schema (`--force` over a target that had one: it is created again from the source's). */
export async function dropBossSchema(client: SqlClient): Promise<void> {
  await client.query('DROP SCHEMA IF EXISTS pgboss CASCADE', []);
}

/**
 * Turns the tables' own triggers off for the copy and answers how to turn them on again: the rows
 * already carry their audit trail and dates, which the audit and pruning triggers would otherwise
 * write a second time (and the audit log's no-truncate guard would refuse the emptying).
 * Constraint triggers (foreign keys) stay on: the order of the copy satisfies them. Turning them
 * on again restores each trigger's mode as the migrations set it: `ENABLE TRIGGER USER` alone
 * would make an ALWAYS trigger (the card search text's) an ordinary one. Needs only the tables'
 * ownership.
 */
export async function disableUserTriggers(client: SqlClient, tables: readonly CopiedTable[]): Promise<() => Promise<void>> {
  const { rows } = await client.query<{ schema: string; table: string; name: string; mode: string }>(
    `SELECT n.nspname AS schema, c.relname AS table, t.tgname AS name, t.tgenabled AS mode
       FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE NOT t.tgisinternal AND t.tgenabled <> 'O'`, []);
  const special = rows.map((row) => ({ qualified: `${quoteIdent(row.schema)}.${quoteIdent(row.table)}`, name: quoteIdent(row.name), mode: row.mode }));
  const copied = new Set(tables.map((table) => table.qualified));
  for (const table of tables) await client.query(`ALTER TABLE ${table.qualified} DISABLE TRIGGER USER`, []);
  return async () => {
    for (const table of tables) await client.query(`ALTER TABLE ${table.qualified} ENABLE TRIGGER USER`, []);
    for (const trigger of special.filter((row) => copied.has(row.qualified))) {
      const mode = TRIGGER_MODES[trigger.mode];
      if (mode) await client.query(`ALTER TABLE ${trigger.qualified} ${mode} TRIGGER ${trigger.name}`, []);
    }
  };
}

/** `pg_trigger.tgenabled` codes other than 'O' (origin: what ENABLE gives) as ALTER TABLE spells them. */
const TRIGGER_MODES: Record<string, string> = { A: 'ENABLE ALWAYS', R: 'ENABLE REPLICA', D: 'DISABLE' };

/** Empties the tables (the rows the migrations seed) and restarts their sequences. */
export async function truncate(client: SqlClient, tables: readonly CopiedTable[]): Promise<void> {
  if (tables.length === 0) return;
  await client.query(`TRUNCATE ${tables.map((table) => table.qualified).join(', ')} RESTART IDENTITY CASCADE`, []);
}

/**
 * Opens a cursor over a table's rows, each as its JSON text (to_jsonb keeps every value's exact
 * text: timestamps to the microsecond, numerics, bytea in hex, arrays). With `onlySelfReferencing`,
 * only the rows whose self-referencing columns are set (the second pass).
 */
export async function openRowCursor(client: SqlClient, cursor: string, table: CopiedTable, onlySelfReferencing = false): Promise<void> {
  const where = onlySelfReferencing
    ? ` WHERE ${table.selfReferences.map((column) => `t.${quoteIdent(column)} IS NOT NULL`).join(' OR ')}`
    : '';
  const asText = table.jsonColumns.size === 0
    ? ''
    : ` || jsonb_build_object(${[...table.jsonColumns.keys()].map((column) => `'${column.replace(/'/g, "''")}', t.${quoteIdent(column)}::text`).join(', ')})`;
  await client.query(`DECLARE ${quoteIdent(cursor)} NO SCROLL CURSOR FOR SELECT (to_jsonb(t)${asText})::text AS row FROM ${table.qualified} t${where}`, []);
}

/** The next `count` rows of a cursor, as JSON texts; fewer (or none) at the end. */
export async function fetchRows(client: SqlClient, cursor: string, count: number): Promise<string[]> {
  const { rows } = await client.query<{ row: string }>(`FETCH ${Math.max(1, Math.floor(count))} FROM ${quoteIdent(cursor)}`, []);
  return rows.map((row) => row.row);
}

/** Closes a cursor. */
export async function closeCursor(client: SqlClient, cursor: string): Promise<void> {
  await client.query(`CLOSE ${quoteIdent(cursor)}`, []);
}

/**
 * Inserts rows given as a JSON array of objects (one statement per batch, however many rows),
 * typed by the table's own row type. The self-referencing columns are left null when
 * `withoutSelfReferences` (set by {@link setSelfReferences} once every row is there).
 */
export async function insertRows(client: SqlClient, table: CopiedTable, json: string, withoutSelfReferences: boolean): Promise<number> {
  const columns = table.columns.map(quoteIdent).join(', ');
  const values = table.columns.map((column) => {
    if (withoutSelfReferences && table.selfReferences.includes(column)) return 'NULL';
    // A json(b) value came as its text (a JSON string): parsed again, a JSON null stays one.
    const json = table.jsonColumns.get(column);
    if (json) return `(r.${quoteIdent(column)} #>> '{}')::${json}`;
    return `r.${quoteIdent(column)}`;
  }).join(', ');
  const result = await client.query(`INSERT INTO ${table.qualified} (${columns}) ${table.hasIdentity ? 'OVERRIDING SYSTEM VALUE ' : ''}`
    + `SELECT ${values} FROM jsonb_populate_recordset(NULL::${table.qualified}, $1::jsonb) r`, [json]);
  return result.rowCount ?? 0;
}

/** Sets the self-referencing columns of rows already copied, matched by primary key. */
export async function setSelfReferences(client: SqlClient, table: CopiedTable, json: string): Promise<void> {
  const set = table.selfReferences.map((column) => `${quoteIdent(column)} = r.${quoteIdent(column)}`).join(', ');
  const match = table.primaryKey.map((column) => `t.${quoteIdent(column)} = r.${quoteIdent(column)}`).join(' AND ');
  await client.query(`UPDATE ${table.qualified} t SET ${set} FROM jsonb_populate_recordset(NULL::${table.qualified}, $1::jsonb) r WHERE ${match}`, [json]);
}

/** The migrations applied (version → checksum), to check both sides run the same schema. */
export async function appliedMigrations(client: SqlClient): Promise<Map<string, string>> {
  const { rows } = await client.query<{ version: string; checksum: string }>('SELECT version, checksum FROM schema_migrations', []);
  return new Map(rows.map((row) => [row.version, row.checksum]));
}
