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

/**
 * Last names, most frequent first (rank 1 is the commonest): French and European, with accents,
 * particles ("de", "van der", "Le", "D'") and compound names, as an office meets them. Ranks past
 * the list are made up from syllables (see `syntheticName` in SQL), so the data has about 10,000
 * distinct last names with a long tail.
 */
export const LAST_NAMES = ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau',
  'Simon', 'Laurent', 'Lefèvre', 'Michel', 'García', 'David', 'Bertrand', 'Roux', 'Vincent', 'Fournier', 'Morel', 'Girard',
  'André', 'Lefebvre', 'Mercier', 'Dupont', 'Lambert', 'Bonnet', 'François', 'Martínez', 'Legrand', 'Garnier', 'Faure', 'Rousseau',
  'Blanc', 'Guérin', 'Muller', 'Henry', 'Roussel', 'Nicolas', 'Perrin', 'Morin', 'Mathieu', 'Clément', 'Gauthier', 'Dumont',
  'Lopez', 'Fontaine', 'Chevalier', 'Robin', 'Masson', 'Sánchez', 'Gérard', 'Nguyen', 'Boyer', 'Denis', 'Lemaire', 'Duval',
  'Joly', 'Gautier', 'Roger', 'Roche', 'Roy', 'Noël', 'Meyer', 'Lucas', 'Meunier', 'Jean', 'Pérez', 'Marchand', 'Dufour',
  'Blanchard', 'Marie', 'Barbier', 'Brun', 'Dumas', 'Brunet', 'Schmitt', 'Leroux', 'Colin', 'Fernández', 'Pierre', 'Renard',
  'Arnaud', 'Rolland', 'Caron', 'Aubert', 'Giraud', 'Leclerc', 'Vidal', 'Bourgeois', 'Renaud', 'Lemoine', 'Picard', 'Gaillard',
  'Philippe', 'Leclercq', 'Lacroix', 'Fabre', 'Dupuis', 'Olivier', 'Rodríguez', 'Da Silva', 'Hubert', 'Louis', 'Charles',
  'Guillot', 'Rivière', 'Le Gall', 'Guillaume', 'Adam', 'Rey', 'Moulin', 'Gonzalez', 'Berger', 'Lecomte', 'Ménard', 'Fleury',
  'Deschamps', 'Carpentier', 'Julien', 'Benoît', 'Paris', 'Maillard', 'Marchal', 'Aubry', 'Vasseur', 'Le Roux', 'Renault',
  'Jacquet', 'Collet', 'Prévost', 'Poirier', 'Charpentier', 'Royer', 'Huet', 'Baron', 'Dupuy', 'Pons', 'Paul', 'Laine', 'Carré',
  'Bréton', 'Rémy', 'Schneider', 'Pereira', 'Aubin', 'Dos Santos', 'Le Goff', 'Hoarau', 'Weber', 'Kieffer', 'Müller',
  'Lefèbvre', 'Dupont-Moretti', 'de La Fontaine', 'van der Berg', "D'Alembert", 'Le Bihan', 'Saint-Just', "D'Almeida",
  'de Sousa', 'Van Damme', 'Kowalski', 'Nowak', 'Wiśniewski', 'Dvořák', 'Łukaszewicz', 'Jørgensen', 'Åberg', 'Özdemir',
  'Yılmaz', 'Şahin', 'Ferreira', 'Gonçalves', 'Núñez', 'Peña', 'Ibáñez', 'Schäfer', 'Groß', 'Kœnig', 'Lætitia-Bonnaire',
  'Bérénger', 'Thérèse-Marchal', 'Delacroix', 'Desjardins', 'Le Meur', "N'Diaye", 'Diallo', 'Traoré', 'Cissé', 'Konaté'];

/** First names, most frequent first; some are compound ("Jean-Pierre", "Marie-Hélène"). */
export const FIRST_NAMES = ['Marie', 'Jean', 'Pierre', 'Camille', 'Léa', 'Louis', 'Emma', 'Hugo', 'Chloé', 'Lucas', 'Manon',
  'Nathan', 'Inès', 'Théo', 'Sarah', 'Enzo', 'Jade', 'Mathéo', 'Zoé', 'Raphaël', 'Anaïs', 'Noël', 'Hélène', 'Jérôme', 'François',
  'Françoise', 'Gaëlle', 'Joël', 'Maëlle', 'Océane', 'Célia', 'Clément', 'Éloïse', 'Émilie', 'Étienne', 'Benoît', 'Loïc',
  'Agnès', 'Béatrice', 'Cécile', 'Valérie', 'Stéphane', 'Frédéric', 'Sébastien', 'Jean-Pierre', 'Jean-Baptiste', 'Marie-Hélène',
  'Marie-Claire', 'Anne-Sophie', 'Pierre-Yves', 'Jean-François', 'Marie-Ève', 'Åsa', 'Björn', 'Søren', 'Łucja', 'Małgorzata',
  'Jiří', 'Zoë', 'Ignacio', 'Íñigo', 'Núria', 'João', 'Çağla', 'Jürgen', 'Œnone', 'Ève', 'Maël', 'Aïcha', 'Fatoumata', 'Mamadou',
  'Thi Thu', 'Van Anh', 'Pauline', 'Julie', 'Thomas', 'Nicolas', 'Julien', 'Martine', 'Martial', 'Marthe', 'Bernadette'];

/** How many institutions the synthetic data is spread over (a federation like the Léocarte's 8). */
export const BENCH_INSTITUTIONS = 8;

/** How many distinct last names the data has: the listed ones, then made-up ones. */
const DISTINCT_LAST_NAMES = 10_000;

/** Academic years the persons were enrolled in (their student numbers and rights end by year). */
const ACADEMIC_YEARS = 5;

/**
 * Loads `total` synthetic persons with one enrolment and one card each, spread evenly over
 * `institutions` member institutions of one federation (ids 1..n; the federation is n + 1),
 * set-based, with triggers off (session_replication_role: the data is synthetic, and the audit log
 * is not what is measured).
 *
 * Realistic for search: last names drawn with a Zipf-like skew (rank r with probability about
 * proportional to 1 / (r + 20): the commonest is 0.6 % of persons, like Martin in France) from
 * {@link LAST_NAMES} then a made-up long tail (about {@link DISTINCT_LAST_NAMES} names); 4 % of
 * last names are compound (two names joined by a hyphen); first names skewed likewise from
 * {@link FIRST_NAMES}, 8 % joined into a compound first name; persons enrolled over
 * {@link ACADEMIC_YEARS} academic years (creation date, student number starting with the year,
 * rights ending on 31 August after it); 75 % students, then staff, guests, externals. The draw is
 * seeded: the same total gives the same data.
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
    // The draws: a Zipf-like rank is exp(uniform over [ln(K + 1), ln(N + K)]) - K, K = 20 for last
    // names, 3 for first names; a rank past the list names a made-up name of three syllables.
    await client.query(`CREATE FUNCTION pg_temp.bench_name(rank int, names text[]) RETURNS text LANGUAGE sql IMMUTABLE AS $$
      SELECT CASE WHEN rank <= cardinality(names) THEN names[rank] ELSE
        (ARRAY['Ber','Mar','Lou','Gar','Bou','Fer','Ro','Char','Vi','Mo','Da','Le','Gi','Pa','Tho','Ché','Ré','Bé','Fa','Jo'])[1 + rank % 20]
        || (ARRAY['','an','el','o','er','i','ou','é','a','è','in','on','al','ar','is','ul','ot','ag','ev','ill','und','ess','im','ac','ol'])[1 + (rank / 20) % 25]
        || (ARRAY['nard','tin','chet','det','lin','ron','quet','mond','zet','rat','vel','ger','nier','lard','caud','gnon','ault','ès','oux','ier'])[1 + (rank / 500) % 20]
      END $$`);
    // Indexed once loaded (as a bulk load would): a million rows inserted into the trigram
    // indexes one by one take many times longer. The cards' search rows are written by their
    // trigger, which fires even with triggers off (migration 0051).
    await client.query('DROP INDEX persons_search_trgm, card_search_trgm');
    // The search words' indexes too (migrations 0050, 0056, 0057), rebuilt from their own definitions.
    const { rows: wordIndexes } = await client.query<{ name: string; definition: string }>(`SELECT indexname AS name, indexdef AS definition
      FROM pg_indexes WHERE tablename IN ('person_search_words', 'card_search_words')`);
    for (const index of wordIndexes) await client.query(`DROP INDEX ${index.name}`);
    await client.query('SELECT setseed(0.12)');
    await client.query(`CREATE TEMPORARY TABLE bench_draws ON COMMIT PRESERVE ROWS AS
      SELECT g, random() AS u1, random() AS u2, random() AS u3, random() AS u4, random() AS u5, random() AS u6, random() AS u7
      FROM generate_series(1, ${Math.trunc(total)}) g`);
    await client.query(`INSERT INTO persons (eppn, first_name, last_name, ine, email, created_at, updated_at)
      SELECT 'p' || g || '@univ.example', first_name, last_name, lpad(g::text, 9, '0') || 'AB',
             lower(translate(search_fold(first_name), ' ''-', '')) || '.' || lower(translate(search_fold(last_name), ' ''-', '')) || g % 100 || '@univ.example',
             created_at, created_at
      FROM (
        SELECT d.g, (now() - interval '1 day' * floor(d.u5 * 365 * $3::int)) AS created_at,
          CASE WHEN d.u3 < 0.04 THEN last1 || '-' || last2 ELSE last1 END AS last_name,
          CASE WHEN d.u4 < 0.08 AND first1 NOT LIKE '%-%' AND first2 NOT LIKE '%-%' AND first1 <> first2 THEN first1 || '-' || first2 ELSE first1 END AS first_name
        FROM bench_draws d
        CROSS JOIN LATERAL (SELECT
          pg_temp.bench_name(floor(exp(ln(21) + d.u1 * (ln($1::float8 + 20) - ln(21))))::int - 20, $2::text[]) AS last1,
          pg_temp.bench_name(floor(exp(ln(21) + d.u6 * (ln($1::float8 + 20) - ln(21))))::int - 20, $2::text[]) AS last2,
          ($4::text[])[1 + least(cardinality($4::text[]) - 1, floor(exp(ln(4) + d.u2 * (ln(cardinality($4::text[]) + 3.0) - ln(4))))::int - 4)] AS first1,
          ($4::text[])[1 + floor(d.u7 * cardinality($4::text[]))::int] AS first2) AS names
      ) AS drawn`, [DISTINCT_LAST_NAMES, LAST_NAMES, ACADEMIC_YEARS, FIRST_NAMES]);
    await client.query(`INSERT INTO enrolments (person_id, institution_id, person_type, student_number, rights_end)
      SELECT p.id, 1 + (n % $1), t.type,
             CASE WHEN t.type = 'student' THEN extract(year FROM p.created_at)::int || lpad((n % 100000)::text, 5, '0') || chr(65 + n % 26) END,
             make_date(extract(year FROM p.created_at + interval '4 months')::int, 8, 31)
      FROM (SELECT p.*, substr(p.eppn, 2, position('@' in p.eppn) - 2)::int AS n FROM persons p) AS p
      CROSS JOIN LATERAL (SELECT (ARRAY['student','student','student','student','student','student','staff','staff','guest','external'])[1 + (p.n * 7) % 10] AS type) AS t`,
    [institutions]);
    // ESCNs of the valid shape (version 1, variant 8, 12-digit node) so verification accepts them;
    // a 7-byte CSN in its four stored forms.
    await client.query(`INSERT INTO cards (person_id, institution_id, card_group, state, request_channel, requested_by, requested_at, updated_at, escn,
        csn, csn_reversed, csn_decimal, csn_decimal_reversed, expires_at,
        holder_eppn, holder_first_name, holder_last_name, holder_email, holder_student_number, holder_ine, holder_person_type)
      SELECT person_id, institution_id, institution_id, state, 'import', 'bench', requested_at, updated_at, escn,
             csn, reversed, (('x' || lpad(csn, 16, '0'))::bit(64)::bigint)::text, (('x' || lpad(reversed, 16, '0'))::bit(64)::bigint)::text, expires_at,
             eppn, first_name, last_name, email, student_number, ine, person_type
      FROM (
        SELECT p.id AS person_id, e.institution_id, n,
               (ARRAY['ENABLED','ENABLED','ENABLED','ENABLED','DISABLED','CADUC','NEW','REQUEST_CHECKED','PRINTED','DESTROYED'])[1 + n % 10] AS state,
               least(now(), p.created_at + (n % 30) * interval '1 day') AS requested_at, least(now(), p.created_at + (n % 30) * interval '1 day' + (n % 997) * interval '1 hour') AS updated_at,
               substr(md5(p.id::text), 1, 8) || '-' || substr(md5(p.id::text), 9, 4) || '-1' || substr(md5(p.id::text), 13, 3) || '-8'
                 || substr(md5(p.id::text), 16, 3) || '-' || lpad(n::text, 12, '0') AS escn,
               upper(substr(md5(p.eppn), 1, 14)) AS csn,
               (SELECT string_agg(substr(upper(substr(md5(p.eppn), 1, 14)), i, 2), '' ORDER BY i DESC) FROM generate_series(1, 13, 2) AS i) AS reversed,
               (e.rights_end + 30) AS expires_at, p.eppn, p.first_name, p.last_name, p.email, e.student_number, p.ine, e.person_type
        FROM (SELECT p.*, row_number() OVER (ORDER BY p.created_at, p.id) AS n FROM persons p) AS p JOIN enrolments e ON e.person_id = p.id
      ) AS c`);
    await client.query('DROP TABLE bench_draws');
    await client.query('CREATE INDEX persons_search_trgm ON persons USING gin (search_text gin_trgm_ops)');
    await client.query('CREATE INDEX card_search_trgm ON card_search USING gin (search_text gin_trgm_ops)');
    for (const index of wordIndexes) await client.query(index.definition);
    await client.query('SET session_replication_role = origin');
    await client.query('ANALYZE persons');
    await client.query('ANALYZE enrolments');
    await client.query('ANALYZE cards');
    await client.query('ANALYZE card_search');
    // The words of the persons' and cards' search texts, written by their triggers (migrations 0050, 0057): their
    // counts read the index alone once the visibility map exists, as autovacuum soon makes it.
    await client.query('VACUUM (ANALYZE) person_search_words');
    await client.query('VACUUM (ANALYZE) card_search_words');
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
