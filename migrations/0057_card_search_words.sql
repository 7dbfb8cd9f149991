-- Cards found by a common name, newest request first or in name order, fast (issue 12). A term
-- matching more than a thousand cards ("mart", "martin") was tested card by card while walking
-- the request-date index, or gathered whole and sorted by name: at 1M cards a common prefix's
-- first page with its total took 0.7-1.5 s. As for persons (migrations 0050, 0056), the words of
-- each card's search text are kept with the list's sort keys, so a page reads each word's first
-- cards from an index in the list's order and the total reads the index alone.

-- One row per word of a card's search text, with the card's request date, holder names (same
-- collation as `cards`) and scope columns. No foreign key (its check would cost each of the ~8
-- rows a card writes): the triggers below remove a removed card's rows.
CREATE TABLE card_search_words (
  word text COLLATE "C" NOT NULL,
  requested_at timestamptz NOT NULL,
  last_name text NOT NULL,
  first_name text NOT NULL,
  card_id uuid NOT NULL,
  institution_id smallint NOT NULL,
  holder_person_type text NOT NULL
);

-- What the table holds, by definition: the triggers below keep it so, a test compares them.
CREATE VIEW card_search_words_expected AS
  SELECT w.word, c.requested_at, c.holder_last_name, c.holder_first_name, s.card_id, s.institution_id, s.holder_person_type
  FROM card_search AS s JOIN cards AS c ON c.id = s.card_id CROSS JOIN LATERAL search_words(s.search_text) AS w (word);

INSERT INTO card_search_words SELECT * FROM card_search_words_expected;
INSERT INTO search_word_list SELECT DISTINCT word FROM card_search_words ON CONFLICT DO NOTHING;
CREATE INDEX card_search_words_date ON card_search_words (word, requested_at, card_id) INCLUDE (institution_id, holder_person_type);
CREATE INDEX card_search_words_name ON card_search_words (word, last_name, first_name, card_id) INCLUDE (institution_id, holder_person_type);
CREATE INDEX card_search_words_card ON card_search_words (card_id);

-- A card's search row is written when the card is inserted and rewritten when a column of its
-- text, its scope or its holder's names change (0051's triggers): its words follow that row.
CREATE FUNCTION card_search_words_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO card_search_words
  SELECT w.word, c.requested_at, c.holder_last_name, c.holder_first_name, n.card_id, n.institution_id, n.holder_person_type
  FROM new_rows AS n JOIN cards AS c ON c.id = n.card_id CROSS JOIN LATERAL search_words(n.search_text) AS w (word);
  RETURN NULL;
END $$;

CREATE FUNCTION card_search_words_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM card_search_words WHERE card_id = NEW.card_id;
  INSERT INTO card_search_words
  SELECT w.word, c.requested_at, c.holder_last_name, c.holder_first_name, NEW.card_id, NEW.institution_id, NEW.holder_person_type
  FROM cards AS c CROSS JOIN LATERAL search_words(NEW.search_text) AS w (word)
  WHERE c.id = NEW.card_id;
  RETURN NULL;
END $$;

CREATE FUNCTION card_search_words_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM card_search_words AS w USING old_rows AS o WHERE w.card_id = o.card_id;
  RETURN NULL;
END $$;

CREATE TRIGGER card_search_words_ins AFTER INSERT ON card_search REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION card_search_words_inserted();
CREATE TRIGGER card_search_words_upd AFTER UPDATE ON card_search FOR EACH ROW EXECUTE FUNCTION card_search_words_updated();
CREATE TRIGGER card_search_words_del AFTER DELETE ON card_search REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION card_search_words_deleted();
-- New words join the list of every word (shared with the persons' words).
CREATE TRIGGER card_search_word_list_ins AFTER INSERT ON card_search_words REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION search_word_list_grown();
-- The words follow their cards even in a session that turns triggers off (session_replication_role
-- = replica, as bulk loads of tests and benchmarks do), as the search row itself does.
ALTER TABLE card_search ENABLE ALWAYS TRIGGER card_search_words_ins;
ALTER TABLE card_search ENABLE ALWAYS TRIGGER card_search_words_upd;
ALTER TABLE card_search ENABLE ALWAYS TRIGGER card_search_words_del;
ALTER TABLE card_search_words ENABLE ALWAYS TRIGGER card_search_word_list_ins;
