import type { SqlPool } from '../../src/platform/db/pglite-pool.ts';

/**
 * Rows of a table kept by triggers (`person_search_words`, `card_search_words`) that its
 * definition (`<table>_expected` view) does not give, plus the reverse: 0 when the triggers kept it exactly.
 */
export async function derivedTableDrift(pool: SqlPool, table: 'person_search_words' | 'card_search_words'): Promise<number> {
  const { rows: [row] } = await pool.query<{ drift: string }>(`SELECT
    (SELECT count(*) FROM (SELECT * FROM ${table} EXCEPT ALL SELECT * FROM ${table}_expected) a)
    + (SELECT count(*) FROM (SELECT * FROM ${table}_expected EXCEPT ALL SELECT * FROM ${table}) b) AS drift`);
  return Number(row?.drift);
}

/** A second institution with the first one's person types, for tests of scopes: its id. */
export async function addSecondInstitution(pool: SqlPool, code: string, name: string, pic: string): Promise<number> {
  await pool.query(`INSERT INTO institutions (code, name, pic, country) VALUES ($1, $2, $3, 'FR')`, [code, name, pic]);
  const id = (await pool.query<{ id: number }>('SELECT id FROM institutions WHERE code = $1', [code])).rows[0]?.id as number;
  await pool.query(`INSERT INTO person_types (institution_id, code, label_fr, label_en)
    SELECT $1, code, label_fr, label_en FROM person_types WHERE institution_id = 1`, [id]);
  return id;
}
