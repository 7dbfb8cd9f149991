import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { loadConfig } from '../../src/config.ts';
import { openDatabase } from '../../src/platform/db/database.ts';
import { countDistinctUpTo } from '../../src/platform/db/search-words.ts';
import { seededRandom } from '../../src/adapters/http-kit.ts';
import { createTestDatabase } from '../helpers/test-database.ts';

const SEED = 12;

test('a capped distinct count is min(distinct keys, cap) whatever the duplicates, and reads no row past what the cap needs', async () => {
  const target = await createTestDatabase(loadConfig().databaseUrl);
  const database = await openDatabase({ databaseUrl: target.databaseUrl, dataDir: 'memory://', command: 'test', loadDataDir: target.loadDataDir });
  try {
    const random = seededRandom(SEED);
    for (let round = 0; round < 40; round++) {
      const keys = 1 + Math.floor(random() * 3000);
      const copies = 1 + Math.floor(random() * 6);
      const cap = 1 + Math.floor(random() * 4000);
      // Copies of a key side by side (the worst case: few distinct keys among the first rows read)
      // or spread over the whole series.
      const together = random() < 0.5;
      const key = together ? sql`(g - 1) / ${copies}` : sql`g % ${keys}`;
      // A key of one column, or of two (as a person's enrolment: person and institution), neither distinct alone.
      const pair = random() < 0.5;
      const source = pair
        ? sql`SELECT ${key} / 7 AS person, ${key} % 7 AS institution FROM generate_series(1, ${keys * copies}) AS g`
        : sql`SELECT ${key} AS key FROM generate_series(1, ${keys * copies}) AS g`;
      const counted = await countDistinctUpTo(database.db, source, pair ? ['person', 'institution'] : ['key'], cap);
      assert.equal(counted, Math.min(keys, cap), `round ${round}: ${keys} keys${pair ? ' (pairs)' : ''} × ${copies}, ${together ? 'together' : 'spread'}, cap ${cap}`);
    }
    // Distinct keys: a quarter past the cap is read, and the row after it never is (it divides by zero).
    const cap = 800;
    const stops = sql`SELECT CASE WHEN g <= ${cap + cap / 4} THEN g ELSE 1 / (g - g) END AS key FROM generate_series(1, ${cap * 10}) AS g`;
    assert.equal(await countDistinctUpTo(database.db, stops, ['key'], cap), cap);
    // A union of two branches is stopped likewise: the second is never read when the first gives enough.
    const branches = sql`SELECT g AS key FROM generate_series(1, ${cap * 2}) AS g UNION ALL SELECT 1 / (g - g) FROM generate_series(1, 10) AS g`;
    assert.equal(await countDistinctUpTo(database.db, branches, ['key'], cap), cap);
    assert.equal(await countDistinctUpTo(database.db, sql`SELECT 1 AS key WHERE false`, ['key'], cap), 0);
  } finally {
    await database.close();
    await target.drop();
  }
});
