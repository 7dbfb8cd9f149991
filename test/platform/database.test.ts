import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir, hostname } from 'node:os';
import { spawnSync } from 'node:child_process';
import { loadConfig } from '../../src/config.ts';
import { openDatabase } from '../../src/platform/db/database.ts';
import { acquireDataDirLock, DataDirLockedError } from '../../src/platform/db/lock-file.ts';
import { migrate, listMigrations } from '../../src/platform/db/migrator.ts';
import { createTestDatabase } from '../helpers/test-database.ts';

test('a second process cannot open a locked data directory, and is told who holds it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cc-lock-'));
  const release = acquireDataDirLock(dir, 'serve');
  try {
    const child = spawnSync(process.execPath, ['--import', 'tsx', '-e',
      `import('./src/platform/db/lock-file.ts').then(m => { try { m.acquireDataDirLock(${JSON.stringify(dir)}, 'migrate'); console.log('LOCKED-OK') } catch (e) { console.log(e.message) } })`],
      { encoding: 'utf8' });
    assert.match(child.stdout, /in use by process \d+ .*campuscard serve/);
    assert.doesNotMatch(child.stdout, /LOCKED-OK/);
  } finally {
    release();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a stale lock left by a dead process is taken over', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cc-lock-'));
  writeFileSync(join(dir, 'campuscard.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), command: 'serve', since: 'x' }));
  const release = acquireDataDirLock(dir, 'serve');
  release();
  rmSync(dir, { recursive: true, force: true });
});

test('the same process cannot take the lock twice either', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cc-lock-'));
  const release = acquireDataDirLock(dir, 'serve');
  assert.throws(() => acquireDataDirLock(dir, 'worker'), DataDirLockedError);
  release();
  rmSync(dir, { recursive: true, force: true });
});

test('migrations run concurrently from several nodes apply each file exactly once', async () => {
  const target = await createTestDatabase(loadConfig().databaseUrl);
  const open = () => openDatabase({
    databaseUrl: target.databaseUrl,
    dataDir: 'memory://',
    command: 'test',
  });
  const nodes = await Promise.all([open(), open(), open()]);
  try {
    const reports = await Promise.all(nodes.map((node) => migrate(node.pool)));
    const applied = reports.flatMap((report) => report.applied);
    if (target.databaseUrl) {
      // One shared server: the files are split between nodes, never applied twice.
      assert.equal(applied.length, listMigrations().length);
      assert.equal(new Set(applied).size, applied.length);
    } else {
      // Three separate in-memory databases: each applies everything.
      assert.equal(applied.length, listMigrations().length * 3);
    }
    const rows = await nodes[0]!.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
    assert.equal(rows.rows[0]?.n, listMigrations().length);
    const again = await migrate(nodes[0]!.pool);
    assert.deepEqual(again.applied, []);
  } finally {
    await Promise.all(nodes.map((node) => node.close()));
    await target.drop();
  }
});

test('an edited migration is refused (checksum mismatch)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cc-mig-'));
  const database = await openDatabase({ dataDir: 'memory://', command: 'test' });
  try {
    writeFileSync(join(dir, '0001_first.sql'), 'CREATE TABLE t1 (id int);');
    assert.deepEqual((await migrate(database.pool, dir)).applied, ['0001_first']);
    writeFileSync(join(dir, '0001_first.sql'), 'CREATE TABLE t1 (id bigint);');
    await assert.rejects(migrate(database.pool, dir), /changed after it was applied/);
    writeFileSync(join(dir, '0001_first.sql'), 'CREATE TABLE t1 (id int);');
    writeFileSync(join(dir, '0002_broken.sql'), 'CREATE TABLE t2 (id int); SELECT no_such_function();');
    await assert.rejects(migrate(database.pool, dir), /0002_broken failed/);
    const exists = await database.pool.query<{ t: string | null }>("SELECT to_regclass('t2')::text AS t");
    assert.equal(exists.rows[0]?.t, null, 'a failed migration leaves nothing behind');
  } finally {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
