-- Persons found by a common prefix, in name order, fast (issue 12). A term matching thousands of
-- persons ("mart") was gathered through the trigram index and sorted, since no index yields the
-- matches in name order, then counted again: 3 s at 1M persons.
--
-- A search term holds no space, hyphen or apostrophe (the application splits there). Cut the
-- search text at every ASCII character other than a-z (spaces, digits, punctuation: '.', '@'…)
-- into words: a term made of letters only then occurs in the search text exactly when it starts
-- one of these words or occurs in one of them after its first letter. `person_search_words` holds
-- one row per word and enrolment, in the list's order (word, then last and first name, person,
-- institution), and `search_word_list` every distinct word, with a trigram index: the words a
-- term starts (one index range) and those holding it further in ("mart" in "lamartine", a few,
-- found in the small list) each give their first persons in name order from the index, and
-- merged they give a page; the count reads the index alone. Terms with other characters
-- (numbers, e-mails) keep the former ways.

-- The words of a search text: runs of a-z and non-ASCII characters (the text is folded: lower case).
CREATE FUNCTION search_words(search_text text) RETURNS SETOF text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT DISTINCT word FROM regexp_split_to_table(search_text, '[\x01-\x60\x7b-\x7f]+') AS word WHERE word <> ''
$$;

-- One row per word of a person's search text and enrolment, with the list's sort keys (same
-- collation as `persons`) and the enrolment's scope columns: a page and its count read no person
-- and no enrolment. Words compare as bytes, so that a prefix is one index range. No foreign key:
-- its check on each of the ~6 rows an enrolment writes would slow imports; the triggers below
-- remove the rows of a removed enrolment.
CREATE TABLE person_search_words (
  word text COLLATE "C" NOT NULL,
  last_name text NOT NULL,
  first_name text NOT NULL,
  person_id uuid NOT NULL,
  institution_id smallint NOT NULL,
  person_type text NOT NULL
);

-- What the table holds, by definition: the triggers below keep it so, a test compares them.
CREATE VIEW person_search_words_expected AS
  SELECT w.word, p.last_name, p.first_name, e.person_id, e.institution_id, e.person_type
  FROM enrolments AS e JOIN persons AS p ON p.id = e.person_id CROSS JOIN LATERAL search_words(p.search_text) AS w (word);

-- Every word ever written (a word nobody holds any more finds nobody: it stays, harmless).
CREATE TABLE search_word_list (word text COLLATE "C" PRIMARY KEY);

INSERT INTO person_search_words SELECT * FROM person_search_words_expected;
INSERT INTO search_word_list SELECT DISTINCT word FROM person_search_words;
CREATE INDEX search_word_list_trgm ON search_word_list USING gin (word gin_trgm_ops);
CREATE INDEX person_search_words_order ON person_search_words (word, last_name, first_name, person_id, institution_id) INCLUDE (person_type);
CREATE INDEX person_search_words_enrolment ON person_search_words (person_id, institution_id);

-- New enrolments: one statement for all the rows an INSERT wrote (imports write thousands at once).
CREATE FUNCTION person_search_words_enrolled() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO person_search_words
  SELECT w.word, p.last_name, p.first_name, n.person_id, n.institution_id, n.person_type
  FROM new_rows AS n JOIN persons AS p ON p.id = n.person_id CROSS JOIN LATERAL search_words(p.search_text) AS w (word);
  RETURN NULL;
END $$;

-- An enrolment of another type (a type's code renamed cascades here too), or moved.
CREATE FUNCTION person_search_words_retyped() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE person_search_words SET person_type = NEW.person_type, person_id = NEW.person_id, institution_id = NEW.institution_id
  WHERE person_id = OLD.person_id AND institution_id = OLD.institution_id;
  RETURN NULL;
END $$;

-- Enrolments removed (a person's deletion removes theirs): one statement for all of them.
CREATE FUNCTION person_search_words_unenrolled() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM person_search_words AS w USING old_rows AS o
  WHERE w.person_id = o.person_id AND w.institution_id = o.institution_id;
  RETURN NULL;
END $$;

-- A person renamed or given another eppn, e-mail or INE: their words are written again. A row
-- trigger, because a trigger naming its columns cannot have transition tables; the WHEN clause
-- leaves out the rows an upsert rewrote with the same values.
CREATE FUNCTION person_search_words_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM person_search_words WHERE person_id = NEW.id;
  INSERT INTO person_search_words
  SELECT w.word, NEW.last_name, NEW.first_name, e.person_id, e.institution_id, e.person_type
  FROM enrolments AS e CROSS JOIN LATERAL search_words(NEW.search_text) AS w (word)
  WHERE e.person_id = NEW.id;
  RETURN NULL;
END $$;

-- New words join the list.
CREATE FUNCTION search_word_list_grown() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO search_word_list SELECT DISTINCT word FROM new_rows ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;

CREATE TRIGGER search_word_list_ins AFTER INSERT ON person_search_words REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION search_word_list_grown();
CREATE TRIGGER person_search_words_ins AFTER INSERT ON enrolments REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION person_search_words_enrolled();
CREATE TRIGGER person_search_words_del AFTER DELETE ON enrolments REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION person_search_words_unenrolled();
CREATE TRIGGER person_search_words_type AFTER UPDATE OF person_type, person_id, institution_id ON enrolments FOR EACH ROW
  WHEN ((OLD.person_type, OLD.person_id, OLD.institution_id) IS DISTINCT FROM (NEW.person_type, NEW.person_id, NEW.institution_id))
  EXECUTE FUNCTION person_search_words_retyped();
CREATE TRIGGER person_search_words_names AFTER UPDATE OF last_name, first_name, eppn, email, ine ON persons FOR EACH ROW
  WHEN ((OLD.last_name, OLD.first_name, OLD.search_text) IS DISTINCT FROM (NEW.last_name, NEW.first_name, NEW.search_text))
  EXECUTE FUNCTION person_search_words_renamed();
-- The words follow their persons even in a session that turns triggers off (session_replication_role
-- = replica, as bulk loads of tests and benchmarks do), as a generated column would.
ALTER TABLE person_search_words ENABLE ALWAYS TRIGGER search_word_list_ins;
ALTER TABLE enrolments ENABLE ALWAYS TRIGGER person_search_words_ins;
ALTER TABLE enrolments ENABLE ALWAYS TRIGGER person_search_words_type;
ALTER TABLE enrolments ENABLE ALWAYS TRIGGER person_search_words_del;
ALTER TABLE persons ENABLE ALWAYS TRIGGER person_search_words_names;
