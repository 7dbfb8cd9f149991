import { before, after } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCampuscard, type ProcessRun } from './processes.ts';
import { createTestDatabase, type TestDatabaseTarget } from './test-database.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A temporary folder and a fresh database for tests that spawn the CLI as a user would. */
export interface CliWorkspace {
  /** The temporary folder (the embedded database lives in its `data` subfolder). */
  readonly dir: string;
  /** The test database's URL; undefined on embedded PGlite. */
  readonly databaseUrl: string | undefined;
  /** Runs `campuscard …args` against this workspace's database, without demo data or logs. */
  campuscard(args: string[]): Promise<ProcessRun>;
}

/**
 * Registers the hooks that make and remove a CLI workspace in the calling `describe` (so call it
 * there): a temporary folder named after `prefix` and a fresh database (`DATABASE_URL` when set).
 */
export function useCliWorkspace(prefix: string): CliWorkspace {
  let dir = '';
  let target: TestDatabaseTarget | undefined;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), prefix));
    target = await createTestDatabase(process.env.DATABASE_URL);
  });
  after(async () => {
    await target?.drop();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    get dir() { return dir; },
    get databaseUrl() { return target?.databaseUrl; },
    campuscard(args) {
      const env: NodeJS.ProcessEnv = { ...process.env, DEMO: 'false', LOG_LEVEL: 'silent', DATA_DIR: join(dir, 'data') };
      delete env.DATABASE_URL;
      if (target?.databaseUrl) env.DATABASE_URL = target.databaseUrl;
      return runCampuscard(ROOT, args, env);
    },
  };
}
