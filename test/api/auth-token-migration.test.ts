import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { openDatabase } from '../../src/platform/db/database.ts';
import { MIGRATIONS_DIR, migrate } from '../../src/platform/db/migrator.ts';
import { createTestDatabase } from '../helpers/test-database.ts';

test('migration 0013: existing tokens act for the account behind them (directly or through a token); tokens of no account are revoked', async () => {
  const target = await createTestDatabase(loadConfig().databaseUrl);
  // A fresh database (PGlite in memory, or a new one on the server) brought to the state before 0013.
  const database = await openDatabase({ databaseUrl: target.databaseUrl, dataDir: 'memory://', command: 'test' });
  const before = mkdtempSync(join(tmpdir(), 'campuscard-migrations-'));
  try {
    for (const file of readdirSync(MIGRATIONS_DIR).filter((name) => name < '0013')) copyFileSync(join(MIGRATIONS_DIR, file), join(before, file));
    await migrate(database.pool, before);
    const query = async (text: string, values: unknown[] = []) => (await database.pool.query<Record<string, unknown>>(text, values)).rows;
    const [account] = await query("INSERT INTO accounts (email, display_name, role) VALUES ('owner@test.example', 'Owner', 'admin') RETURNING id");
    const accountId = String(account?.id);
    const insert = async (name: string, createdBy: string) => String((await query(
      "INSERT INTO api_tokens (name, token_prefix, token_hash, role, created_by) VALUES ($1, 'cc_xxxx', $1, 'admin', $2) RETURNING id",
      [name, createdBy]))[0]?.id);
    const direct = await insert('direct', `account:${accountId}`);
    const child = await insert('child', `token:${direct}`);
    const grandchild = await insert('grandchild', `token:${child}`);
    const cli = await insert('cli', 'cli');
    const orphan = await insert('orphan', 'account:00000000-0000-0000-0000-000000000000');

    await migrate(database.pool);

    const rows = await query('SELECT id, account_id, revoked_at FROM api_tokens');
    const byId = new Map(rows.map((row) => [String(row.id), row]));
    for (const id of [direct, child, grandchild]) {
      assert.equal(byId.get(id)?.account_id, accountId);
      assert.equal(byId.get(id)?.revoked_at, null);
    }
    for (const id of [cli, orphan]) {
      assert.equal(byId.get(id)?.account_id, null);
      assert.notEqual(byId.get(id)?.revoked_at, null);
    }
  } finally {
    rmSync(before, { recursive: true, force: true });
    await database.close();
    await target.drop();
  }
});
