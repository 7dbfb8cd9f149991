import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config.ts';
import { migrate } from '../../src/platform/db/migrator.ts';
import { databaseBeforeMigration } from '../helpers/test-database.ts';

/*
 * Migration 0051 moves the card search text from a generated column of `cards` to `card_search`,
 * written by triggers. Existing cards keep exactly the text 0041's column held; afterwards the
 * text follows every change of a column it is made of (in any session, triggers off included),
 * and a change of anything else (a move) leaves the search row as it was: not rewritten at all.
 */

type Row = Record<string, unknown>;

/** Persons with accents, compound names and particles; cards with and without identifiers. */
const HOLDERS = [
  { eppn: 'jp.lefevre@univ.example', first: 'Jean-Pierre', last: 'Lefèvre', email: 'JP.Lefevre@univ.example', number: '22400001A', ine: '123456789AB' },
  { eppn: 'vdb@univ.example', first: 'Anne-Sophie', last: 'van der Berg', email: null, number: null, ine: null },
  { eppn: 'ndiaye@univ.example', first: 'Aïcha', last: "N'Diaye", email: 'aicha@univ.example', number: '22400003C', ine: null },
];


test('0051: existing cards keep their search text; it follows identity changes, not moves, with triggers on or off', async () => {
  const { database, query, close } = await databaseBeforeMigration(loadConfig().databaseUrl, '0051');
  try {
    await query(`INSERT INTO institutions (id, code, name, country) VALUES (2, 'other', 'Autre', 'FR')`);
    await query(`INSERT INTO person_types (institution_id, code, label_fr, label_en, card_kinds, self_request, delivery_address, affiliations, position)
      SELECT 2, code, label_fr, label_en, card_kinds, self_request, delivery_address, affiliations, position FROM person_types WHERE institution_id = 1`);
    for (const [index, holder] of HOLDERS.entries()) {
      const [person] = await query(`INSERT INTO persons (eppn, first_name, last_name, email, ine) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [holder.eppn, holder.first, holder.last, holder.email, holder.ine]);
      const institution = 1 + (index % 2);
      await query(`INSERT INTO enrolments (person_id, institution_id, person_type, student_number) VALUES ($1, $2, $3, $4)`,
        [person?.id, institution, index === 2 ? 'staff' : 'student', holder.number]);
      await query(`INSERT INTO cards (person_id, institution_id, card_group, state, request_channel, requested_by, escn, csn, csn_reversed,
          csn_decimal, csn_decimal_reversed, holder_eppn, holder_first_name, holder_last_name, holder_email, holder_student_number, holder_ine,
          holder_person_type)
        VALUES ($1, $2, $2, 'NEW', 'office', 'test', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [person?.id, institution, index === 0 ? '3c5b4a10-2b8e-1f4c-8a3d-0123456789ab' : null, index === 0 ? '04D15E2F3A7B80' : null,
        index === 0 ? '807B3A2F5ED104' : null, index === 0 ? '1356920134285184' : null, index === 0 ? '36155480520708356' : null,
        holder.eppn, holder.first, holder.last, holder.email, holder.number, holder.ine, index === 2 ? 'staff' : 'student']);
    }
    const before = await query(`SELECT id, institution_id, holder_person_type, search_text FROM cards ORDER BY id`);
    assert.equal(before.length, HOLDERS.length);

    await migrate(database.pool);

    const columns = await query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'cards' AND column_name = 'search_text'`);
    assert.deepEqual(columns, [], 'the search text is no longer a column of cards');
    const migrated = await query(`SELECT card_id AS id, institution_id, holder_person_type, search_text FROM card_search ORDER BY card_id`);
    assert.deepEqual(migrated, before, 'every card has its search row with the text 0041 computed and its scope columns');
    assert.match(String(migrated.find((row) => String(row.search_text).startsWith('lefevre'))?.search_text),
      /^lefevre jean pierre jeanpierre jp\.lefevre@univ\.example jp\.lefevre@univ\.example 22400001a 123456789ab 3c5b4a10-.* 04d15e2f3a7b80 807b3a2f5ed104 /);

    const searchRow = async (id: unknown) => (await query(`SELECT xmin::text AS xmin, ctid::text AS ctid, * FROM card_search WHERE card_id = $1`, [id]))[0];
    const lefevre = migrated.find((row) => String(row.search_text).startsWith('lefevre'))?.id;
    const untouched = await searchRow(lefevre);
    // A move as a bulk move writes it: the state, and the CSN columns set to their own values.
    await query(`UPDATE cards SET state = 'REQUEST_CHECKED', csn = csn, csn_reversed = csn_reversed, version = version + 1, updated_at = now()
      WHERE id = $1`, [lefevre]);
    assert.deepEqual(await searchRow(lefevre), untouched, 'a move leaves the search row as it was (same version of the row)');

    // A new chip is found by its number at once.
    await query(`UPDATE cards SET csn = 'AABBCCDD', csn_reversed = 'DDCCBBAA', csn_decimal = NULL, csn_decimal_reversed = NULL WHERE id = $1`, [lefevre]);
    assert.match(String((await searchRow(lefevre))?.search_text), / aabbccdd ddccbbaa\s*$/);

    // The holder's identity and type change, in a session with triggers off: the search row follows as the column did.
    const client = await database.pool.connect();
    try {
      await client.query('SET session_replication_role = replica');
      await client.query(`UPDATE cards SET holder_last_name = 'Lefèbvre-Dupont', holder_person_type = 'staff' WHERE id = $1`, [lefevre]);
      const [person] = (await client.query<Row>(`SELECT person_id, institution_id FROM cards WHERE id = $1`, [lefevre])).rows;
      await client.query(`INSERT INTO cards (person_id, institution_id, card_group, state, request_channel, requested_by,
          holder_eppn, holder_first_name, holder_last_name, holder_person_type)
        VALUES ($1, $2, $2, 'NEW', 'import', 'test', 'copy@univ.example', 'Zoë', 'Œnone', 'student')`, [person?.person_id, person?.institution_id]);
      await client.query('SET session_replication_role = origin');
    } finally {
      client.release();
    }
    const changed = await searchRow(lefevre);
    assert.equal(changed?.holder_person_type, 'staff');
    assert.match(String(changed?.search_text), /^lefebvre dupont lefebvredupont jean pierre jeanpierre /);
    const [inserted] = await query(`SELECT s.search_text FROM card_search AS s JOIN cards AS c ON c.id = s.card_id
      WHERE c.holder_eppn = 'copy@univ.example'`);
    assert.match(String(inserted?.search_text), /^oenone zoe copy@univ\.example /);

    // Every card has exactly one search row, and a deleted card takes its row along.
    const [counts] = await query(`SELECT (SELECT count(*) FROM cards)::int AS cards, (SELECT count(*) FROM card_search)::int AS searched`);
    assert.deepEqual(counts, { cards: HOLDERS.length + 1, searched: HOLDERS.length + 1 });
    await query(`DELETE FROM cards WHERE holder_eppn = 'copy@univ.example'`);
    const [left] = await query(`SELECT count(*)::int AS searched FROM card_search`);
    assert.equal(left?.searched, HOLDERS.length);
  } finally {
    await close();
  }
});
