import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { openDatabase } from '../../src/platform/db/database.ts';
import { MIGRATIONS_DIR, migrate } from '../../src/platform/db/migrator.ts';
import { createTestDatabase } from '../helpers/test-database.ts';

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

test('migration 0016: identical photos of a person merged (cards repointed), photos neither current nor shown by a card deleted, uploads deduplicated after it', async () => {
  const target = await createTestDatabase(loadConfig().databaseUrl);
  // A fresh database (PGlite in memory, or a new one on the server) brought to the state before 0016.
  const database = await openDatabase({ databaseUrl: target.databaseUrl, dataDir: 'memory://', command: 'test' });
  const before = mkdtempSync(join(tmpdir(), 'campuscard-migrations-'));
  try {
    for (const file of readdirSync(MIGRATIONS_DIR).filter((name) => name < '0016')) copyFileSync(join(MIGRATIONS_DIR, file), join(before, file));
    await migrate(database.pool, before);
    const query = async (text: string, values: unknown[] = []) => (await database.pool.query<Record<string, unknown>>(text, values)).rows;
    const person = async (eppn: string) => String((await query(
      "INSERT INTO persons (eppn, first_name, last_name, person_type) VALUES ($1, 'P', 'Photo', 'student') RETURNING id", [eppn]))[0]?.id);
    const X = Buffer.from('bytes X');
    const Y = Buffer.from('bytes Y');
    const Z = Buffer.from('bytes Z');
    const W = Buffer.from('bytes W');
    /** A photo stored at `minute` minutes past a fixed hour, with the hash the application wrote (or a stale one). */
    const photo = async (personId: string, bytes: Buffer, minute: number, hash = sha(bytes)) => String((await query(
      `INSERT INTO photos (person_id, jpeg, sha256, width, height, source_format, created_at)
       VALUES ($1, $2, $3, 480, 600, 'jpeg', timestamptz '2026-01-01 10:00:00+00' + make_interval(mins => $4)) RETURNING id`,
      [personId, bytes, hash, minute]))[0]?.id);
    const card = async (personId: string, photoId: string) => String((await query(
      `INSERT INTO cards (person_id, state, request_channel, requested_by, photo_id, holder_eppn, holder_first_name, holder_last_name, holder_person_type)
       VALUES ($1, 'DISABLED', 'office', 'test', $2, 'x', 'P', 'Photo', 'student') RETURNING id`, [personId, photoId]))[0]?.id);

    const ada = await person('ada@univ.example.fr');
    const shownOldest = await photo(ada, W, 0);
    const x1 = await photo(ada, X, 1, 'stale hash written by hand');
    const x2 = await photo(ada, X, 2); // a renewal's copy of x1
    const orphan = await photo(ada, Y, 3);
    const current = await photo(ada, Z, 4);
    const oldCard = await card(ada, shownOldest);
    const renewalCard = await card(ada, x2);

    const bob = await person('bob@univ.example.fr');
    const bobOld = await photo(bob, Y, 0);
    const bobCurrent = await photo(bob, X, 1); // same bytes as Ada's: photos are merged per person only

    // Cleo uploaded X, then Y, then X again: the X photo is current, Y goes.
    const cleo = await person('cleo@univ.example.fr');
    const cleoFirst = await photo(cleo, X, 0);
    const cleoBetween = await photo(cleo, Y, 1);
    const cleoAgain = await photo(cleo, X, 2);

    await migrate(database.pool);

    const idsOf = async (personId: string) => (await query('SELECT id FROM photos WHERE person_id = $1 ORDER BY id', [personId])).map((row) => String(row.id));
    assert.deepEqual(await idsOf(ada), [shownOldest, x1, current].sort(), 'the cards\' photos and the current one');
    const cards = new Map((await query('SELECT id, photo_id FROM cards')).map((row) => [String(row.id), String(row.photo_id)]));
    assert.equal(cards.get(oldCard), shownOldest);
    assert.equal(cards.get(renewalCard), x1, 'the card showing a duplicate shows the surviving row');
    assert.equal((await query('SELECT sha256 FROM photos WHERE id = $1', [x1]))[0]?.sha256, sha(X), 'hashes recomputed from the bytes');
    assert.deepEqual(await idsOf(bob), [bobCurrent]);
    assert.deepEqual(await idsOf(cleo), [cleoFirst]);

    const deleted = (await query("SELECT row_id FROM audit_log WHERE table_name = 'photos' AND operation = 'DELETE'")).map((row) => String(row.row_id));
    assert.deepEqual(deleted.sort(), [x2, orphan, bobOld, cleoBetween, cleoAgain].sort(), 'every deletion is in the audit log');
    assert.equal((await query("SELECT count(*)::int AS n FROM audit_log WHERE table_name = 'photos' AND operation = 'UPDATE'"))[0]?.n, 0,
      'the backfill of bookkeeping columns is not audited');

    // After the migration an identical upload reuses the row and makes it current; the others not shown by a card go at commit.
    const reused = await query(
      `INSERT INTO photos (person_id, jpeg, sha256, width, height, source_format) VALUES ($1, $2, $3, 480, 600, 'jpeg')
       ON CONFLICT (person_id, sha256) DO UPDATE SET uploaded_at = clock_timestamp() RETURNING id`, [bob, Y, sha(Y)]);
    assert.deepEqual(await idsOf(bob), [String(reused[0]?.id)]);
    await assert.rejects(query(
      "INSERT INTO photos (person_id, jpeg, sha256, width, height, source_format) VALUES ($1, $2, $3, 480, 600, 'jpeg')", [bob, Y, sha(Y)]),
    (error: { code?: string }) => error.code === '23505');
  } finally {
    rmSync(before, { recursive: true, force: true });
    await database.close();
    await target.drop();
  }
});
