import pg from 'pg';
import { Kysely, PostgresDialect, CamelCasePlugin, sql, type Transaction } from 'kysely';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { Database } from './schema.ts';
import { acquireDataDirLock } from './lock-file.ts';
import { PglitePool, PGLITE_PARSERS, type SqlPool } from './pglite-pool.ts';

// Dates stay 'YYYY-MM-DD' strings (a birth date has no time zone); bigint counts fit in a number.
pg.types.setTypeParser(1082, (value: string) => value);
pg.types.setTypeParser(20, (value: string) => Number(value));

/** Either the database or a transaction: repositories take one of these explicitly. */
export type Executor = Kysely<Database> | Transaction<Database>;

export interface DatabaseHandle {
  db: Kysely<Database>;
  /** The pool under Kysely (node-postgres, or one PGlite session); pg-boss and the migrator share it. */
  pool: SqlPool;
  kind: 'pglite' | 'postgres';
  /** Embedded only: a dump of the data directory (tests start from a migrated snapshot). */
  dump?: () => Promise<Blob>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  databaseUrl?: string | undefined;
  /** Embedded data directory; `memory://` keeps everything in memory (tests). */
  dataDir: string;
  /** Name of the command holding the embedded lock, shown to a second process. */
  command: string;
  /** Load a PGlite data directory dump (tests start from a migrated snapshot). */
  loadDataDir?: Blob;
  poolSize?: number;
}

/**
 * Opens the database: a PostgreSQL server when a URL is given, else embedded PGlite behind the
 * same pool interface, so that every query takes one code path (Kysely's PostgreSQL dialect).
 * PGlite has one session, so its pool has size 1: a transaction holds it, everything else waits.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    // JIT off: the application's statements are short, and one planned on statistics a long
    // transaction has outgrown (an import, a sync) was estimated expensive enough to be compiled,
    // which cost more than running it (about 0.1 s per 1,000-person lookup during an import).
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10, options: '-c jit=off' });
    pool.on('error', () => undefined);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [new CamelCasePlugin()] });
    return { db, pool: pool as unknown as SqlPool, kind: 'postgres', close: () => db.destroy() };
  }
  const inMemory = options.dataDir.startsWith('memory://');
  const release = inMemory ? () => undefined : acquireDataDirLock(options.dataDir, options.command);
  try {
    const pglite = await PGlite.create({
      ...(inMemory ? {} : { dataDir: options.dataDir }),
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
      extensions: { pg_trgm },
      parsers: PGLITE_PARSERS,
    });
    const pool = new PglitePool(pglite);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: pool as never }), plugins: [new CamelCasePlugin()] });
    return {
      db,
      pool,
      kind: 'pglite',
      dump: () => pglite.dumpDataDir('none') as Promise<Blob>,
      close: async () => {
        await db.destroy();
        await pool.end();
        await pglite.close();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

/** Who is acting, recorded by the audit triggers for every row the transaction writes. */
export interface ActorContext {
  actor: string;
  ip?: string | undefined;
  requestId?: string | undefined;
}

/**
 * Runs `work` in a transaction whose writes the audit log attributes to `context`.
 * The setting is transaction-local, so pooled connections never leak one actor to another request.
 */
export async function inTransaction<T>(
  db: Kysely<Database>,
  context: ActorContext,
  work: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`SELECT set_config('campuscard.actor', ${context.actor}, true),
                     set_config('campuscard.ip', ${context.ip ?? ''}, true),
                     set_config('campuscard.request_id', ${context.requestId ?? ''}, true)`.execute(trx);
    return work(trx);
  });
}

/** True for a unique-constraint violation, optionally of one named constraint. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const e = error as { code?: string; constraint?: string };
  return e?.code === '23505' && (constraint === undefined || e.constraint === constraint);
}
