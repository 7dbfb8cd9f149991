-- Search that staff can lean on (issue 12): the search text of cards and persons is folded to
-- lower case without accents ("lefevre" finds "Lefèvre", "LEFÈVRE" finds "Lefevre"), and names are
-- stored by their parts (hyphens and apostrophes separate them) and written together, so that
-- "jean", "pierre" and "jeanpierre" find "Jean-Pierre", "dupont" finds "Dupont-Moretti" and
-- "vanderberg" finds "van der Berg". The application folds the typed words the same way
-- (src/modules/people/domain/search-text.ts, checked against these functions by a test).
--
-- Not the unaccent extension: unaccent() is STABLE (it reads a dictionary that can change), which
-- a generated column cannot use, and it would need the extension on every server and in PGlite;
-- these functions are IMMUTABLE and built from core functions only.

-- Decomposed (NFD), combining marks removed (so every accented letter keeps its base letter),
-- lower(), the letters without a decomposition (ø, ł, đ…; capitals of ligatures to their small
-- form) translated, ligatures spelled out. Decomposing costs a few microseconds per value; a
-- translate() of every accented letter (500 of them) cost 50 times more on every write.
CREATE FUNCTION search_fold(value text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT replace(replace(replace(replace(replace(
    translate(lower(regexp_replace(normalize(value, NFD), '[\u0300-\u036f]', '', 'g')), 'ØøŁłĐđĦħıŦŧÐðſŀĿƒÆŒẞÞĲ', 'oollddhhittddsllfæœßþĳ'),
    'æ', 'ae'), 'œ', 'oe'), 'ß', 'ss'), 'þ', 'th'), 'ĳ', 'ij')
$$;

-- A name folded, its parts separated by single spaces, and, when it has several, written together.
-- PL/pgSQL to fold once (an SQL function would repeat the expression or run a sub-select per row).
CREATE FUNCTION search_name(value text) RETURNS text LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  words text := btrim(regexp_replace(translate(search_fold(value), '-‐‑‒–—―''‘’ʼ`´', '             '), '\s+', ' ', 'g'));
BEGIN
  RETURN CASE WHEN position(' ' IN words) > 0 THEN words || ' ' || replace(words, ' ', '') ELSE words END;
END
$$;

-- The columns are rewritten for the existing rows (a generated column's expression cannot be
-- altered in place); dropping a column drops its trigram index, made again on the new text.
ALTER TABLE persons DROP COLUMN search_text;
ALTER TABLE persons ADD COLUMN search_text text GENERATED ALWAYS AS (
  search_name(last_name) || ' ' || search_name(first_name) || ' ' ||
  search_fold(eppn || ' ' || coalesce(email, '') || ' ' || coalesce(ine, ''))) STORED;
CREATE INDEX persons_search_trgm ON persons USING gin (search_text gin_trgm_ops);

ALTER TABLE cards DROP COLUMN search_text;
ALTER TABLE cards ADD COLUMN search_text text GENERATED ALWAYS AS (
  search_name(holder_last_name) || ' ' || search_name(holder_first_name) || ' ' ||
  search_fold(holder_eppn || ' ' || coalesce(holder_email, '') || ' ' || coalesce(holder_student_number, '') || ' ' ||
    coalesce(holder_ine, '') || ' ' || coalesce(escn, '') || ' ' || coalesce(csn, '') || ' ' || coalesce(csn_reversed, '') || ' ' ||
    coalesce(csn_decimal, '') || ' ' || coalesce(csn_decimal_reversed, ''))) STORED;
CREATE INDEX cards_search_trgm ON cards USING gin (search_text gin_trgm_ops);
