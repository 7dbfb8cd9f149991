import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { loadConfig } from '../../src/config.ts';
import { openDatabase, type DatabaseHandle } from '../../src/platform/db/database.ts';
import { migrate } from '../../src/platform/db/migrator.ts';
import { createTestDatabase, type TestDatabaseTarget } from '../helpers/test-database.ts';

/**
 * The audit triggers on a multi-row UPDATE (migration 0049 rewrote `audit_updated` so that each row
 * becomes JSON once): whatever rows one statement changes, the log gets exactly one entry per row
 * whose values changed, holding exactly the changed columns with their new values, hidden columns
 * redacted, under the row's institution; rows the statement left as they were get none.
 */
let target: TestDatabaseTarget;
let database: DatabaseHandle;

before(async () => {
  target = await createTestDatabase(loadConfig().databaseUrl);
  database = await openDatabase({ databaseUrl: target.databaseUrl, ...(target.loadDataDir ? { loadDataDir: target.loadDataDir } : {}), dataDir: 'memory://', command: 'test' });
  // A server database starts empty; the PGlite snapshot is already migrated (migrate is then a no-op).
  await migrate(database.pool);
  await database.pool.query(`CREATE TABLE audit_probe (id integer PRIMARY KEY, institution_id smallint, name text, counter integer, secret text)`);
  await database.pool.query(`SELECT audit_table('audit_probe', ARRAY['secret'])`);
});
after(async () => {
  await database.close();
  await target.drop();
});

interface Probe { id: number; institution_id: number | null; name: string | null; counter: number; secret: string | null }

const rowArbitrary = fc.record({
  institution_id: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
  name: fc.option(fc.constantFrom('Lefèvre', 'N\'Diaye', 'van der Berg', ''), { nil: null }),
  counter: fc.integer({ min: 0, max: 3 }),
  secret: fc.option(fc.constantFrom('s1', 's2'), { nil: null }),
});

test('one UPDATE of many rows files one entry per changed row, with exactly its changed columns', async () => {
  let run = 0;
  await fc.assert(fc.asyncProperty(
    fc.array(fc.tuple(rowArbitrary, rowArbitrary), { minLength: 1, maxLength: 40 }),
    async (pairs) => {
      run += 1;
      const base = run * 1000;
      const before: Probe[] = pairs.map(([row], index) => ({ id: base + index, ...row }));
      const afterRows: Probe[] = pairs.map(([, row], index) => ({ id: base + index, ...row }));
      await database.pool.query(
        `INSERT INTO audit_probe SELECT * FROM jsonb_populate_recordset(NULL::audit_probe, $1::jsonb)`, [JSON.stringify(before)]);
      const mark = (await database.pool.query<{ max: string | null }>('SELECT max(id)::text AS max FROM audit_log')).rows[0]?.max ?? '0';
      await database.pool.query(
        `UPDATE audit_probe p SET institution_id = n.institution_id, name = n.name, counter = n.counter, secret = n.secret
         FROM jsonb_populate_recordset(NULL::audit_probe, $1::jsonb) n WHERE n.id = p.id`, [JSON.stringify(afterRows)]);
      const entries = (await database.pool.query<{ row_id: string; operation: string; changes: Record<string, unknown>; institution_id: number | null }>(
        `SELECT row_id, operation, changes, institution_id FROM audit_log WHERE id > $1::bigint AND table_name = 'audit_probe' ORDER BY row_id`, [mark])).rows;
      const expected = afterRows.flatMap((row, index) => {
        const old = before[index] as Probe;
        const changes: Record<string, unknown> = {};
        for (const key of ['institution_id', 'name', 'counter', 'secret'] as const) {
          if (row[key] !== old[key]) changes[key] = key === 'secret' ? '[redacted]' : row[key];
        }
        if (Object.keys(changes).length === 0) return [];
        return [{ row_id: String(row.id), operation: 'UPDATE', changes, institution_id: row.institution_id ?? old.institution_id }];
      }).sort((a, b) => a.row_id.localeCompare(b.row_id));
      assert.deepEqual(entries, expected);
    },
  ), { numRuns: 40 });
});
