import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import pg from 'pg';
import { createTestDatabase } from '../test/helpers/test-database.ts';
import { pino } from 'pino';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { loadConfig } from '../src/config.ts';
import { startRuntime, type Runtime } from '../src/app/runtime.ts';
import { migrate } from '../src/platform/db/migrator.ts';
import { PglitePool, PGLITE_PARSERS } from '../src/platform/db/pglite-pool.ts';
import { SYSTEM_WRITER } from '../src/modules/people/people.policy.ts';
import type { BenchRow } from './bench-report.ts';

/** Options of {@link runImportBench}. */
export interface ImportBenchOptions {
  /** Persons in the generated file (default 100 000). */
  rows?: number;
  /** PostgreSQL server to create the two fresh databases on; default DATABASE_URL, else embedded PGlite. */
  databaseUrl?: string | undefined;
  /** Import rate / COPY rate to reach (default 0.5, issue 12's goal). */
  goalRatio?: number;
}

// Canonical columns with ISO dates, so that COPY (FORMAT csv) reads the very same bytes.
const COLUMNS = ['eppn', 'last_name', 'first_name', 'email', 'birth_date', 'person_type', 'student_number', 'academic_level', 'rights_end', 'affiliation'];
const LAST_NAMES = ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Lefèvre', 'Nguyễn', 'Müller', 'García'];
const FIRST_NAMES = ['Léa', 'Hugo', 'Chloé', 'Louis', 'Inès', 'Gabriel', 'Zoé', 'Noé', 'Maëlys', 'Raphaël', 'Anaïs', 'Jérôme'];
const TYPES = ['student', 'student', 'student', 'student', 'staff', 'guest', 'external'];

/** A deterministic person CSV of `count` rows (`;`, LF, UTF-8), like an SIS export. */
export function generatePersonCsv(count: number, changedEvery = 0): Buffer {
  const lines = [COLUMNS.join(';')];
  for (let i = 0; i < count; i++) {
    // The yearly re-import: every `changedEvery`-th person moved up a year (rights end, and level below 8).
    const changed = changedEvery > 0 && i % changedEvery === 0;
    const type = TYPES[i % TYPES.length] as string;
    const student = type === 'student';
    const day = String((i % 28) + 1).padStart(2, '0');
    const month = String((i % 12) + 1).padStart(2, '0');
    lines.push([
      `user${i}@univ-bench.fr`,
      LAST_NAMES[i % LAST_NAMES.length],
      FIRST_NAMES[(i * 7) % FIRST_NAMES.length],
      `prenom.nom${i}@etu.univ-bench.fr`,
      `${1960 + (i % 45)}-${month}-${day}`,
      type,
      student ? String(21_000_000 + i) : '',
      // ISCED 6–8: a year later a bachelor may be a master, a master a doctoral student; level 8 stays.
      student ? String(Math.min(8, 6 + (i % 3) + (changed ? 1 : 0))) : '',
      student ? (changed ? '2028-08-31' : '2027-08-31') : '',
      student ? 'Faculté des sciences' : 'Services centraux',
    ].join(';'));
  }
  return Buffer.from(`${lines.join('\n')}\n`, 'utf8');
}

// The baseline lands the same rows with the least SQL that can: COPY into a staging table of the
// file's shape, then one INSERT of the identities into persons and one of their enrolments at the
// institution (persons and enrolments being two tables since several institutions share a deployment).
const STAGING_SQL = `CREATE UNLOGGED TABLE copy_rows (eppn text, last_name text, first_name text, email text, birth_date date,
  person_type text, student_number text, academic_level smallint, rights_end date, affiliation text)`;
const COPY_SQL = `COPY copy_rows (${COLUMNS.join(', ')}) FROM STDIN WITH (FORMAT csv, DELIMITER ';', HEADER true)`;
const LAND_SQL = [
  `INSERT INTO persons (eppn, last_name, first_name, email, birth_date) SELECT eppn, last_name, first_name, email, birth_date FROM copy_rows`,
  `INSERT INTO enrolments (person_id, institution_id, person_type, student_number, academic_level, rights_end, affiliation)
   SELECT p.id, 1, c.person_type, nullif(c.student_number, ''), c.academic_level, c.rights_end, nullif(c.affiliation, '')
   FROM copy_rows c JOIN persons p ON p.eppn = c.eppn`,
];

/** A new empty database on the server, or nothing (PGlite in memory) without a server. */
async function freshDatabase(serverUrl: string | undefined): Promise<{ url: string | undefined; drop(): Promise<void> }> {
  const target = await createTestDatabase(serverUrl);
  return { url: target.databaseUrl, drop: target.drop };
}

async function startApp(databaseUrl: string | undefined): Promise<Runtime> {
  const config = loadConfig({ DEMO: 'false', LOG_LEVEL: 'silent', DATA_DIR: 'memory://', ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) });
  config.dataDir = 'memory://';
  if (!databaseUrl) config.databaseUrl = undefined;
  return startRuntime(config, { command: 'bench', http: false, workers: false, logger: pino({ level: 'silent' }) });
}

/** Loads the file with COPY into a migrated PGlite in memory (same schema, indexes, audit triggers). */
async function copyPglite(bytes: Buffer): Promise<number> {
  const pglite = await PGlite.create({ extensions: { pg_trgm }, parsers: PGLITE_PARSERS });
  try {
    await migrate(new PglitePool(pglite));
    await pglite.exec(STAGING_SQL);
    const started = performance.now();
    await pglite.query(COPY_SQL.replace('FROM STDIN', "FROM '/dev/blob'"), [], { blob: new Blob([bytes]) });
    for (const statement of LAND_SQL) await pglite.exec(statement);
    const elapsed = performance.now() - started;
    const { rows } = await pglite.query<{ count: number }>('SELECT count(*)::int AS count FROM persons');
    if (rows[0]?.count === undefined || rows[0].count <= 0) throw new Error('COPY loaded nothing');
    return elapsed;
  } finally {
    await pglite.close();
  }
}

type CopyFrom = (text: string) => Writable;

/** pg-copy-streams' `from`, when the package is installed (it is optional). */
async function loadCopyFrom(): Promise<CopyFrom | undefined> {
  const name = 'pg-copy-streams';
  try {
    const module: unknown = await import(name);
    const candidate = (module as { from?: unknown; default?: { from?: unknown } }).from ?? (module as { default?: { from?: unknown } }).default?.from;
    return typeof candidate === 'function' ? (candidate as CopyFrom) : undefined;
  } catch {
    return undefined;
  }
}

/** Loads the file with COPY FROM STDIN into a migrated PostgreSQL database; returns ms and the client used. */
async function copyPostgres(url: string, bytes: Buffer): Promise<{ ms: number; via: string }> {
  const migrator = new pg.Pool({ connectionString: url, max: 1 });
  await migrate(migrator as never);
  await migrator.query(STAGING_SQL);
  await migrator.end();
  const land = async (): Promise<number> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const started = performance.now();
      for (const statement of LAND_SQL) await client.query(statement);
      return performance.now() - started;
    } finally {
      await client.end();
    }
  };
  const copyFrom = await loadCopyFrom();
  if (copyFrom) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const started = performance.now();
      const stream = client.query(copyFrom(COPY_SQL) as never) as unknown as Writable;
      const finished = once(stream, 'finish');
      stream.end(bytes);
      await finished;
      const copied = performance.now() - started;
      return { ms: copied + await land(), via: 'pg-copy-streams' };
    } finally {
      await client.end();
    }
  }
  // Without pg-copy-streams: psql's \copy streams the same bytes through the same COPY FROM STDIN.
  const started = performance.now();
  const child = spawn('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', url, '-c', `\\${COPY_SQL.replace('COPY', 'copy')}`], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  child.stdin.end(bytes);
  const [code] = await once(child, 'exit') as [number | null];
  if (code !== 0) throw new Error(`psql \\copy failed (${code}): ${stderr.trim()}`);
  const copied = performance.now() - started;
  return { ms: copied + await land(), via: 'psql \\copy (pg-copy-streams not installed)' };
}

/**
 * Person import throughput: a generated file of `rows` persons imported through the real import
 * service (parse + validate + one transaction of set-based upserts, audit triggers included) into
 * a fresh database, then imported again (every row unchanged), against COPY … FROM STDIN of the
 * same bytes into another fresh database with the same schema, in the same run.
 * PostgreSQL when `databaseUrl` (or DATABASE_URL) is set, else embedded PGlite in memory.
 */
export async function runImportBench(options: ImportBenchOptions = {}): Promise<BenchRow[]> {
  const count = options.rows ?? 100_000;
  const goal = options.goalRatio ?? 0.5;
  const serverUrl = options.databaseUrl ?? (process.env.DATABASE_URL || undefined);
  const bytes = generatePersonCsv(count);

  const importDb = await freshDatabase(serverUrl);
  let importMs: number;
  let reimportMs: number;
  let changedMs: number;
  let changedCount: number;
  try {
    const runtime = await startApp(importDb.url);
    try {
      const context = { actor: { actor: 'bench' }, writer: SYSTEM_WRITER };
      let started = performance.now();
      const first = await runtime.services.imports.importPersons(bytes, {}, context);
      importMs = performance.now() - started;
      if (first.created !== count) throw new Error(`import created ${first.created} of ${count}: ${JSON.stringify(first.errors.slice(0, 3))}`);
      started = performance.now();
      const second = await runtime.services.imports.importPersons(bytes, {}, context);
      reimportMs = performance.now() - started;
      if (second.unchanged !== count) throw new Error(`re-import left ${second.unchanged} of ${count} unchanged`);
      // One student in ten moved up a year (students are 4 rows in 7, so about 5.7% of the file).
      const yearLater = generatePersonCsv(count, 10);
      started = performance.now();
      const third = await runtime.services.imports.importPersons(yearLater, {}, context);
      changedMs = performance.now() - started;
      changedCount = third.updated;
      if (third.updated === 0 || third.updated + third.unchanged !== count) throw new Error(`yearly re-import: ${JSON.stringify({ updated: third.updated, unchanged: third.unchanged })}`);
    } finally {
      await runtime.close();
    }
  } finally {
    await importDb.drop();
  }

  const copyDb = await freshDatabase(serverUrl);
  let copyMs: number;
  let via = "PGlite COPY FROM '/dev/blob'";
  try {
    if (copyDb.url) ({ ms: copyMs, via } = await copyPostgres(copyDb.url, bytes));
    else copyMs = await copyPglite(bytes);
  } finally {
    await copyDb.drop();
  }

  const database = serverUrl ? 'PostgreSQL' : 'PGlite';
  const rate = (ms: number) => count / (ms / 1000);
  const copyRate = rate(copyMs);
  const baseline = { name: `COPY FROM STDIN into staging + INSERT persons, enrolments (${via})`, value: copyRate };
  return [
    { metric: `import ${count} persons, parse + upsert (${database})`, value: rate(importMs), unit: 'rows/s', baseline,
      ratio: rate(importMs) / copyRate, goal: `>= ${goal * 100}% of COPY`, pass: rate(importMs) / copyRate >= goal },
    // A run that writes nothing is no ratio to COPY: its rate is reported alone.
    { metric: `re-import, all unchanged, nothing written (${database})`, value: rate(reimportMs), unit: 'rows/s', goal: 'reported', pass: true },
    { metric: `yearly re-import, ${changedCount} of ${count} persons changed (${database})`, value: rate(changedMs), unit: 'rows/s', baseline,
      ratio: rate(changedMs) / copyRate, goal: `>= ${goal * 100}% of COPY`, pass: rate(changedMs) / copyRate >= goal },
  ];
}
