-- Bulk moves write no search entries (issue 12). The card search text was a generated column of
-- `cards` with a trigram index: every UPDATE of a card computed it again and, the row being new
-- (no HOT update: state and updated_at are indexed), wrote its ~100 trigrams into the GIN index,
-- about half the cost of writing 500 cards in a bulk move, for a text a move never changes. The
-- text now lives in `card_search`, one row per card, written only when a card is inserted or one
-- of the columns it is made of changes (the holder's names and identifiers, the ESCN, the CSN
-- forms), and with the card's scope columns so a search collects what the caller may see
-- without reading the cards. Same text as 0041's column.
CREATE TABLE card_search (
  card_id uuid PRIMARY KEY REFERENCES cards (id) ON DELETE CASCADE,
  institution_id smallint NOT NULL,
  holder_person_type text NOT NULL,
  search_text text NOT NULL
);

-- The text of a card: names by their parts and written together, the rest folded (see 0041).
CREATE FUNCTION card_search_text(c cards) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT search_name(c.holder_last_name) || ' ' || search_name(c.holder_first_name) || ' ' ||
    search_fold(c.holder_eppn || ' ' || coalesce(c.holder_email, '') || ' ' || coalesce(c.holder_student_number, '') || ' ' ||
      coalesce(c.holder_ine, '') || ' ' || coalesce(c.escn, '') || ' ' || coalesce(c.csn, '') || ' ' || coalesce(c.csn_reversed, '') || ' ' ||
      coalesce(c.csn_decimal, '') || ' ' || coalesce(c.csn_decimal_reversed, ''))
$$;

-- Existing cards, indexed once filled (a GIN index built at once is many times faster than one
-- filled row by row).
INSERT INTO card_search (card_id, institution_id, holder_person_type, search_text)
SELECT c.id, c.institution_id, c.holder_person_type, card_search_text(c) FROM cards AS c;
CREATE INDEX card_search_trgm ON card_search USING gin (search_text gin_trgm_ops);

ALTER TABLE cards DROP COLUMN search_text;

-- New cards: one statement for all the rows an INSERT wrote (imports insert thousands at once).
CREATE FUNCTION card_search_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO card_search (card_id, institution_id, holder_person_type, search_text)
  SELECT n.id, n.institution_id, n.holder_person_type, card_search_text(n) FROM new_rows AS n;
  RETURN NULL;
END $$;

-- A changed card: a row trigger, because a trigger naming its columns (UPDATE OF) cannot have
-- transition tables; the WHEN clause is checked as each row is updated, so a bulk move (whose
-- statement sets the CSN columns to their own values) queues nothing.
CREATE FUNCTION card_search_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE card_search SET institution_id = NEW.institution_id, holder_person_type = NEW.holder_person_type,
    search_text = card_search_text(NEW)
  WHERE card_id = NEW.id;
  RETURN NULL;
END $$;

CREATE TRIGGER card_search_ins AFTER INSERT ON cards REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION card_search_inserted();
CREATE TRIGGER card_search_upd AFTER UPDATE OF holder_last_name, holder_first_name, holder_eppn, holder_email,
    holder_student_number, holder_ine, escn, csn, csn_reversed, csn_decimal, csn_decimal_reversed, institution_id, holder_person_type
  ON cards FOR EACH ROW
  WHEN ((OLD.holder_last_name, OLD.holder_first_name, OLD.holder_eppn, OLD.holder_email, OLD.holder_student_number, OLD.holder_ine,
         OLD.escn, OLD.csn, OLD.csn_reversed, OLD.csn_decimal, OLD.csn_decimal_reversed, OLD.institution_id, OLD.holder_person_type)
        IS DISTINCT FROM
        (NEW.holder_last_name, NEW.holder_first_name, NEW.holder_eppn, NEW.holder_email, NEW.holder_student_number, NEW.holder_ine,
         NEW.escn, NEW.csn, NEW.csn_reversed, NEW.csn_decimal, NEW.csn_decimal_reversed, NEW.institution_id, NEW.holder_person_type))
  EXECUTE FUNCTION card_search_updated();
-- The search text follows its card as a generated column did, even in a session that turns
-- triggers off (session_replication_role = replica, as bulk loads of tests and benchmarks do).
ALTER TABLE cards ENABLE ALWAYS TRIGGER card_search_ins;
ALTER TABLE cards ENABLE ALWAYS TRIGGER card_search_upd;

-- The other indexes a move writes (no update of a card is HOT: its state and updated_at are
-- indexed, so every index gets an entry for the new row version, unless it is partial and the new
-- row falls outside it). Two served one query each and are reshaped so that moves write less:
-- The rights-end job reads CADUC cards in (person, institution) order: a partial index holds only
-- those, written when a card becomes CADUC, not by every move as (state, person_id) was.
DROP INDEX cards_state_person_idx;
CREATE INDEX cards_caduc_person_idx ON cards (person_id, institution_id) WHERE state = 'CADUC';
-- The list sorted by request date (either direction: a B-tree is read backwards as well) and the
-- requests-per-day statistics (an index-only range scan reading the institution and person type)
-- share one index instead of two.
DROP INDEX cards_requested_idx;
DROP INDEX cards_stats_requested_idx;
CREATE INDEX cards_requested_idx ON cards (requested_at, id) INCLUDE (institution_id, holder_person_type);
