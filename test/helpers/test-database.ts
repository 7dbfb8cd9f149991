import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import { openDatabase, type DatabaseHandle } from '../../src/platform/db/database.ts';
import { listMigrations, MIGRATIONS_DIR, migrate } from '../../src/platform/db/migrator.ts';
import { JobQueue } from '../../src/platform/jobs/job-queue.ts';

/** Where a test database lives: a fresh PostgreSQL database, or an in-memory PGlite from a snapshot. */
export interface TestDatabaseTarget {
  databaseUrl: string | undefined;
  loadDataDir: Blob | undefined;
  drop(): Promise<void>;
}

function snapshotPath(): string {
  const hash = createHash('sha256');
  for (const migration of listMigrations()) hash.update(`${migration.name}\0${migration.checksum}\n`);
  return join(tmpdir(), `campuscard-pglite-${hash.digest('hex').slice(0, 16)}.tar`);
}

let snapshot: Promise<Blob> | undefined;

/**
 * A migrated PGlite data directory (with pg-boss's schema), built once per migration set and
 * shared by test files through a file in the temp folder: each test then starts in under a second.
 */
async function pgliteSnapshot(): Promise<Blob> {
  snapshot ??= (async () => {
    const path = snapshotPath();
    if (existsSync(path)) return new Blob([readFileSync(path)]);
    const database = await openDatabase({ dataDir: 'memory://', command: 'test' });
    await migrate(database.pool);
    const jobs = new JobQueue(database.pool, pino({ level: 'silent' }));
    await jobs.start();
    await jobs.stop();
    const blob = await (database.dump as () => Promise<Blob>)();
    await database.close();
    const temporary = `${path}.${process.pid}`;
    writeFileSync(temporary, Buffer.from(await blob.arrayBuffer()));
    renameSync(temporary, path);
    return blob;
  })();
  return snapshot;
}

/**
 * Prepares an isolated database for one test app. With a server URL (the CI's second pass) a new
 * database is created on that server and dropped afterwards; otherwise embedded PGlite in memory.
 */
export async function createTestDatabase(serverUrl: string | undefined): Promise<TestDatabaseTarget> {
  if (!serverUrl) {
    return { databaseUrl: undefined, loadDataDir: await pgliteSnapshot(), drop: async () => undefined };
  }
  const name = `cc_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    databaseUrl: url.toString(),
    loadDataDir: undefined,
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** A database brought to the state before one migration, for tests of that migration on existing rows. */
export interface DatabaseBeforeMigration {
  database: DatabaseHandle;
  target: TestDatabaseTarget;
  /** Plain SQL on the database: rows as the driver gives them. */
  query(text: string, values?: unknown[]): Promise<Array<Record<string, unknown>>>;
  close(): Promise<void>;
}

/**
 * A fresh database (PGlite in memory, or a new one on the server) with the migrations whose names
 * sort before `before` applied: `migrate(database.pool)` then runs the one under test and the rest.
 */
export async function databaseBeforeMigration(serverUrl: string | undefined, before: string): Promise<DatabaseBeforeMigration> {
  const target = await createTestDatabase(serverUrl);
  const database = await openDatabase({ databaseUrl: target.databaseUrl, dataDir: 'memory://', command: 'test' });
  const dir = mkdtempSync(join(tmpdir(), 'campuscard-migrations-'));
  try {
    for (const file of readdirSync(MIGRATIONS_DIR).filter((name) => name < before)) copyFileSync(join(MIGRATIONS_DIR, file), join(dir, file));
    await migrate(database.pool, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    database,
    target,
    query: async (text, values = []) => (await database.pool.query<Record<string, unknown>>(text, values)).rows,
    async close() {
      await database.close();
      await target.drop();
    },
  };
}
