import { existsSync } from 'node:fs';
import { join } from 'node:path';
import PgBoss from 'pg-boss';
import { badRequest, conflict, notFound } from '../http/problem.ts';
import { openDatabase, type DatabaseHandle } from './database.ts';
import { migrate } from './migrator.ts';
import type { SqlClient } from './pglite-pool.ts';
import {
  appliedMigrations, bossVersion, closeCursor, countRows, countUserTables, createBossQueue, dropBossSchema, fetchRows, fillDerived,
  hasBossSchema, insertRows, listBossQueues, listSequences, listTables, openRowCursor, setSelfReferences, setSequence,
  disableUserTriggers, truncate, type CopiedTable,
} from './export-embedded.repository.ts';

/** About this many bytes of rows per INSERT: few round trips, bounded memory whatever the row size (photos). */
const BATCH_BYTES = 4 * 1024 * 1024;
const FIRST_BATCH_ROWS = 500;
const MAX_BATCH_ROWS = 10_000;
const CURSOR = 'export_rows';

export interface ExportEmbeddedOptions {
  /** The embedded data directory (DATA_DIR). */
  dataDir: string;
  /** The PostgreSQL server database to fill. */
  targetUrl: string;
  /** Replace what campuscard data the target holds (else a target with any table is refused). */
  force: boolean;
  /** Called as rows are copied: rows done, rows in all, and the table being copied. */
  onProgress?: (done: number, total: number, table: string) => void;
}

/** One table's rows on each side after the copy. */
export interface ExportedTable {
  table: string;
  source: number;
  target: number;
}

export interface ExportEmbeddedSummary {
  tables: ExportedTable[];
  rows: number;
  sequences: number;
  jobQueues: number;
  seconds: number;
  /** Every table holds as many rows on the target as on the source. */
  verified: boolean;
}

/**
 * `campuscard export-embedded`: moves the embedded PGlite database to a PostgreSQL server, without
 * pg_dump. The target is brought to the schema the app would create there (the migrations, then
 * pg-boss's schema and the source's queues through pg-boss's own functions), emptied of the rows
 * the migrations seed, and filled with every row of every table of the application, in
 * foreign-key order, in one transaction (a failed export leaves no half-copied data); the
 * sequences then continue where the source's stopped. Rows travel in batches of a few megabytes
 * (a cursor on PGlite, one INSERT from a JSON array on the server), so memory stays flat for
 * 100,000 cards. Row counts are compared per table at the end.
 *
 * Invariants: the source is opened under the data directory's lock (the app must be stopped);
 * a target that has any table is refused unless `force`; both sides end with the same migrations.
 */
export async function exportEmbedded(options: ExportEmbeddedOptions): Promise<ExportEmbeddedSummary> {
  const started = performance.now();
  if (!/^postgres(ql)?:\/\//.test(options.targetUrl)) {
    throw badRequest('invalid_target_url', 'The target must be a PostgreSQL URL: postgres://user[:password]@host[:port]/database');
  }
  if (options.dataDir.startsWith('memory://') || !existsSync(join(options.dataDir, 'PG_VERSION'))) {
    throw notFound('embedded_database_missing', `There is no embedded database in ${options.dataDir} (DATA_DIR)`);
  }
  const source = await openDatabase({ dataDir: options.dataDir, command: 'export-embedded' });
  let target: DatabaseHandle | undefined;
  try {
    target = await openDatabase({ databaseUrl: options.targetUrl, dataDir: options.dataDir, command: 'export-embedded', poolSize: 2 });
    await checkTarget(target, options.force);
    // Both sides run this version's schema: what a start would apply to the embedded database, and
    // what the app would create on the server.
    await migrate(source.pool);
    await migrate(target.pool);
    const copied = await copy(source, target, options);
    const tables = await verify(target, copied);
    return {
      tables,
      rows: tables.reduce((sum, table) => sum + table.source, 0),
      sequences: copied.sequences,
      jobQueues: copied.jobQueues,
      seconds: (performance.now() - started) / 1000,
      verified: tables.every((table) => table.source === table.target),
    };
  } finally {
    await target?.close();
    await source.close();
  }
}

async function checkTarget(target: DatabaseHandle, force: boolean): Promise<void> {
  const client = await target.pool.connect();
  try {
    const tables = await countUserTables(client);
    if (tables > 0 && !force) {
      throw conflict('export_target_not_empty',
        `The target database already has ${tables} table(s): export into a new, empty database (CREATE DATABASE …), or add --force to replace its campuscard data`);
    }
    // pg-boss's schema is made again from the source's queues; its jobs are the source's.
    if (force) await dropBossSchema(client);
  } finally {
    client.release();
  }
}

interface Copied {
  order: CopiedTable[];
  counts: Map<string, number>;
  sequences: number;
  jobQueues: number;
}

async function copy(source: DatabaseHandle, target: DatabaseHandle, options: ExportEmbeddedOptions): Promise<Copied> {
  const from = await source.pool.connect();
  const to = await target.pool.connect();
  try {
    // One snapshot of the source (the app is stopped, but a second reader changes nothing either).
    await from.query('BEGIN ISOLATION LEVEL REPEATABLE READ', []);
    const sourceMigrations = await appliedMigrations(from);
    const targetMigrations = await appliedMigrations(to);
    const differing = [...new Set([...sourceMigrations.keys(), ...targetMigrations.keys()])]
      .filter((version) => sourceMigrations.get(version) !== targetMigrations.get(version)).sort();
    if (differing.length > 0) {
      throw conflict('export_schema_mismatch', `The embedded database and the target differ in migrations ${differing.join(', ')}: `
        + 'one of them was made by another campuscard version; export with the version that last ran the embedded database, into a new database');
    }
    const withJobs = await hasBossSchema(from);
    if (withJobs) await createBossSchema(from, to);
    const tables = await listTables(from);
    const order = foreignKeyOrder(tables);
    const counts = new Map<string, number>();
    for (const table of order) counts.set(table.qualified, await countRows(from, table.qualified));
    const sequences = await listSequences(from);
    const queues = withJobs ? await listBossQueues(from) : [];
    const targetTables = new Map((await listTables(to)).map((table) => [table.qualified, table]));
    for (const table of order) {
      const there = targetTables.get(table.qualified);
      if (!there || there.columns.join() !== table.columns.join()) {
        throw conflict('export_schema_mismatch', `The table ${table.qualified} differs between the embedded database and the target`);
      }
    }
    const total = [...counts.values()].reduce((sum, count) => sum + count, 0);
    let done = 0;
    options.onProgress?.(0, total, '');

    await to.query('BEGIN', []);
    try {
      const enableTriggers = await disableUserTriggers(to, order);
      await truncate(to, order);
      for (const queue of queues) await createBossQueue(to, queue);
      for (const table of order.filter((t) => t.derivedFrom === null)) {
        await eachBatch(from, table, false, async (json, rows) => {
          await insertRows(to, table, json, table.selfReferences.length > 0);
          done += rows;
          options.onProgress?.(done, total, `${table.schema}.${table.name}`);
        });
      }
      // Every row is there: the references between rows of one table can be set in any order.
      for (const table of order.filter((t) => t.selfReferences.length > 0)) {
        await eachBatch(from, table, true, (json) => setSelfReferences(to, table, json));
      }
      // Derived tables last, from their sources now on the target (the row counts are compared below).
      for (const table of order) {
        if (table.derivedFrom === null) continue;
        done += await fillDerived(to, { ...table, derivedFrom: table.derivedFrom });
        options.onProgress?.(done, total, `${table.schema}.${table.name}`);
      }
      for (const sequence of sequences) await setSequence(to, sequence);
      await enableTriggers();
      await to.query('COMMIT', []);
    } catch (error) {
      await to.query('ROLLBACK', []);
      throw error;
    }
    await from.query('COMMIT', []);
    return { order, counts, sequences: sequences.length, jobQueues: queues.length };
  } catch (error) {
    await from.query('ROLLBACK', []).catch(() => undefined);
    throw error;
  } finally {
    to.release();
    from.release();
  }
}

/**
 * Creates pg-boss's schema on the target with pg-boss's own construction script (what its first
 * start runs), after checking that it is the schema version the source has.
 */
async function createBossSchema(from: SqlClient, to: SqlClient): Promise<void> {
  const sourceVersion = await bossVersion(from);
  await to.query(PgBoss.getConstructionPlans('pgboss'));
  const targetVersion = await bossVersion(to);
  if (sourceVersion !== targetVersion) {
    throw conflict('export_jobs_schema_mismatch',
      `The embedded database's job schema is version ${sourceVersion}, this campuscard's is ${targetVersion}: start the app once on the embedded database, stop it, and export again`);
  }
}

/** Calls `work` with the table's rows in JSON batches of about {@link BATCH_BYTES}. */
async function eachBatch(from: SqlClient, table: CopiedTable, onlySelfReferencing: boolean,
  work: (json: string, rows: number) => Promise<void>): Promise<void> {
  await openRowCursor(from, CURSOR, table, onlySelfReferencing);
  try {
    let size = FIRST_BATCH_ROWS;
    for (;;) {
      const rows = await fetchRows(from, CURSOR, size);
      if (rows.length === 0) return;
      const json = `[${rows.join(',')}]`;
      await work(json, rows.length);
      size = Math.max(1, Math.min(MAX_BATCH_ROWS, Math.floor(BATCH_BYTES / (json.length / rows.length))));
    }
  } finally {
    await closeCursor(from, CURSOR);
  }
}

/**
 * The tables in an order where each comes after those it references (Kahn's algorithm; a table's
 * references to itself are handled by a second pass). A cycle between tables cannot be copied
 * with the constraints on: it is an error, naming the tables.
 */
export function foreignKeyOrder(tables: readonly CopiedTable[]): CopiedTable[] {
  const byName = new Map(tables.map((table) => [table.qualified, table]));
  const waiting = new Map(tables.map((table) => [table.qualified, new Set(table.references.filter((name) => byName.has(name)))]));
  const order: CopiedTable[] = [];
  while (waiting.size > 0) {
    const ready = [...waiting].filter(([, references]) => references.size === 0).map(([name]) => name);
    if (ready.length === 0) throw new Error(`Foreign keys form a cycle between ${[...waiting.keys()].join(', ')}`);
    for (const name of ready) {
      waiting.delete(name);
      order.push(byName.get(name) as CopiedTable);
      for (const references of waiting.values()) references.delete(name);
    }
  }
  return order;
}

async function verify(target: DatabaseHandle, copied: Copied): Promise<ExportedTable[]> {
  const client = await target.pool.connect();
  try {
    const tables: ExportedTable[] = [];
    for (const table of copied.order) {
      tables.push({ table: table.qualified.replace(/"/g, ''), source: copied.counts.get(table.qualified) ?? 0, target: await countRows(client, table.qualified) });
    }
    return tables;
  } finally {
    client.release();
  }
}
