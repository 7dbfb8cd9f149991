import { createTestDatabase } from '../test/helpers/test-database.ts';
import type { SqlPool } from '../src/platform/db/pglite-pool.ts';
import { loadConfig } from '../src/config.ts';

/** The PostgreSQL server benchmarks run on (DATABASE_URL, else the local server). */
export function benchServerUrl(): string {
  return loadConfig().databaseUrl ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

/** Creates a fresh database on the server for one benchmark; returns its URL and a drop function. */
export async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const target = await createTestDatabase(benchServerUrl());
  return { url: target.databaseUrl as string, drop: target.drop };
}

/** p-th percentile (0..100) of samples, nearest rank. */
export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}

/** Synthetic French-looking last names (with a numeric suffix, so a search matches a few hundred cards per million). */
export const LAST_NAMES = ['martin', 'bernard', 'dubois', 'thomas', 'robert', 'richard', 'petit', 'durand', 'leroy', 'moreau',
  'simon', 'laurent', 'lefebvre', 'michel', 'garcia', 'david', 'bertrand', 'roux', 'vincent', 'fournier', 'morel',
  'girard', 'andre', 'lefevre', 'mercier', 'dupont', 'lambert', 'bonnet', 'francois', 'martinez'];

/** How many institutions the synthetic data is spread over (a federation like the Léocarte's 8). */
export const BENCH_INSTITUTIONS = 8;

/**
 * Loads `total` synthetic persons with one enrolment and one card each, spread evenly over
 * `institutions` member institutions of one federation (ids 1..n; the federation is n + 1),
 * set-based, with triggers off (session_replication_role: the data is synthetic, and the audit log
 * is not what is measured).
 */
export async function loadSyntheticCards(pool: SqlPool, total: number, institutions = BENCH_INSTITUTIONS): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SET session_replication_role = replica');
    await client.query(`INSERT INTO institutions (id, code, kind, name, country) VALUES ($1, 'federation', 'federation', 'Fédération', 'FR')
      ON CONFLICT (id) DO NOTHING`, [institutions + 1]);
    await client.query(`UPDATE institutions SET pic = '999999999', schac_home_organization = 'univ1.example', parent_id = $1 WHERE id = 1`, [institutions + 1]);
    await client.query(`INSERT INTO institutions (id, code, name, pic, schac_home_organization, country, parent_id)
      SELECT g, 'member-' || g, 'Établissement ' || g, lpad((999999000 + g)::text, 9, '0'), 'univ' || g || '.example', 'FR', $2
      FROM generate_series(2, $1::int) g ON CONFLICT (id) DO NOTHING`, [institutions, institutions + 1]);
    await client.query(`SELECT setval('institutions_id_seq', $1)`, [institutions + 1]);
    await client.query(`INSERT INTO person_types (institution_id, code, label_fr, label_en, card_kinds, self_request, delivery_address, affiliations, position)
      SELECT i.id, t.code, t.label_fr, t.label_en, t.card_kinds, t.self_request, t.delivery_address, t.affiliations, t.position
      FROM institutions i CROSS JOIN person_types t WHERE t.institution_id = 1 AND i.id <> 1 AND i.kind = 'institution'
      ON CONFLICT DO NOTHING`);
    await client.query(`INSERT INTO persons (eppn, first_name, last_name, ine, email)
      SELECT 'p' || g || '@univ.example', 'Prenom' || (g % 997), (ARRAY[${LAST_NAMES.map((n) => `'${n}'`).join(',')}])[1 + g % ${LAST_NAMES.length}] || (g % 53),
             lpad(g::text, 9, '0') || 'AB', 'p' || g || '@univ.example'
      FROM generate_series(1, $1::int) g`, [total]);
    await client.query(`INSERT INTO enrolments (person_id, institution_id, person_type, student_number)
      SELECT p.id, 1 + (substr(p.eppn, 2, position('@' in p.eppn) - 2)::int % $1),
             (ARRAY['student','student','student','staff','guest'])[1 + substr(p.eppn, 2, position('@' in p.eppn) - 2)::int % 5],
             lpad(substr(p.eppn, 2, position('@' in p.eppn) - 2), 8, '0')
      FROM persons p`, [institutions]);
    // ESCNs of the valid shape (version 1, variant 8, 12-digit node) so verification accepts them.
    await client.query(`INSERT INTO cards (person_id, institution_id, card_group, state, request_channel, requested_by, requested_at, updated_at, escn, csn, expires_at,
        holder_eppn, holder_first_name, holder_last_name, holder_email, holder_student_number, holder_ine, holder_person_type)
      SELECT p.id, e.institution_id, e.institution_id,
             (ARRAY['ENABLED','ENABLED','ENABLED','ENABLED','DISABLED','CADUC','NEW','REQUEST_CHECKED','PRINTED','DESTROYED'])[1 + (row_number() OVER ()) % 10],
             'import', 'bench', now() - ((row_number() OVER ()) % 1000) * interval '1 day', now() - ((row_number() OVER ()) % 997) * interval '1 hour',
             substr(md5(p.id::text), 1, 8) || '-' || substr(md5(p.id::text), 9, 4) || '-1' || substr(md5(p.id::text), 13, 3) || '-8'
               || substr(md5(p.id::text), 16, 3) || '-' || lpad((row_number() OVER ())::text, 12, '0'),
             upper(substr(md5(p.eppn), 1, 14)), current_date + 365,
             p.eppn, p.first_name, p.last_name, p.email, e.student_number, p.ine, e.person_type
      FROM persons p JOIN enrolments e ON e.person_id = p.id`);
    await client.query('SET session_replication_role = origin');
    await client.query('ANALYZE persons');
    await client.query('ANALYZE enrolments');
    await client.query('ANALYZE cards');
  } finally {
    client.release();
  }
}

/**
 * Gives every synthetic card a history, set-based with triggers off: the move that created it (NEW,
 * at its request date) and, for a card in another state, one move to that state 1 to 32 days
 * later (never in the future). About 1.9 moves per card, spread like the requests.
 */
export async function loadSyntheticMoves(pool: SqlPool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SET session_replication_role = replica');
    await client.query(`INSERT INTO card_moves (card_id, at, actor, actor_kind, from_state, to_state)
      SELECT id, requested_at, 'bench', 'system', NULL, 'NEW' FROM cards`);
    await client.query(`INSERT INTO card_moves (card_id, at, actor, actor_kind, from_state, to_state)
      SELECT id, least(now(), requested_at + (1 + (hashtext(id::text) & 31)) * interval '1 day'), 'bench', 'system', 'NEW', state
      FROM cards WHERE state <> 'NEW'`);
    await client.query('SET session_replication_role = origin');
    // What autovacuum does soon after a bulk load: the statistics' index-only scans need the
    // visibility map, which a freshly loaded table does not have yet.
    await client.query('VACUUM (ANALYZE) cards, card_moves');
  } finally {
    client.release();
  }
}
