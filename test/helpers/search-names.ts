/**
 * Names for the search property tests: accents, hyphens, apostrophes, particles, capitals,
 * letters outside ASCII, and names sharing prefixes in many ways ("mart" starts, ends and lies
 * inside several), so that random searches meet the edge cases of folding and word cutting.
 */
export const SAMPLE_LAST_NAMES = ['Martin', 'Lamartine', 'Martínez', 'Dupont-Moretti', 'Dupont', 'van der Berg', "D'Alembert", 'Lefèvre', 'Lefebvre',
  'Le Gall', 'Marté', 'Smart', 'Mart', 'Østergård', 'Œuvray', 'Ma', 'de La Fontaine', 'MARTIN', 'martin', 'Bernard', 'Groß', 'Saint-Just', "N'Diaye",
  'Abbé', 'Fabre'];
export const SAMPLE_FIRST_NAMES = ['Jean', 'Jean-Pierre', 'Marie', 'Marie-Hélène', 'Martine', 'Martial', 'Éloïse', 'Zoé', 'Ève', 'Anne-Sophie', 'Léa', 'Marthe'];

/** A name from `pool`, or now and then one made of syllables, drawn with `random`. */
export function sampleName(random: () => number, pool: readonly string[]): string {
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
  if (random() < 0.25) return pick(['Mar', 'Ber', 'Le', 'Du', 'Ma', 'Ré', 'Ab']) + pick(['tin', 'nard', 'mart', 'gall', 'é', 'x', 'bé']);
  return pick(pool);
}

/** Letters a-z only, unaccented and lower case: a name as an e-mail address or eppn spells it. */
export function asciiLetters(value: string): string {
  return value.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z]/g, '');
}
