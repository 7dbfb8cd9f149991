-- Issue 9, cards: statistics per institution and the indexes that keep scoped card reads fast.
--
-- Daily card statistics are kept per institution, so that a manager of one institution (or the
-- console focused on one) sees only its cards' history. Existing snapshots were taken when the
-- deployment had a single institution: they become that (the first) institution's.
ALTER TABLE card_state_daily ADD COLUMN institution_id smallint;
UPDATE card_state_daily SET institution_id = (SELECT min(id) FROM institutions);
ALTER TABLE card_state_daily ALTER COLUMN institution_id SET NOT NULL;
ALTER TABLE card_state_daily ADD CONSTRAINT card_state_daily_institution_fk
  FOREIGN KEY (institution_id) REFERENCES institutions (id) ON DELETE CASCADE;
ALTER TABLE card_state_daily DROP CONSTRAINT card_state_daily_pkey;
ALTER TABLE card_state_daily ADD PRIMARY KEY (day, institution_id, person_type, state);

-- Counts by institution, person type and state (GET /stats/cards): an index-only scan for one
-- institution or all of them, replacing the index without the institution.
DROP INDEX cards_stats_type_state_idx;
CREATE INDEX cards_stats_institution_type_state_idx ON cards (institution_id, holder_person_type, state);
-- Requests per day over a window, now also by institution: still an index-only range scan.
DROP INDEX cards_stats_requested_idx;
CREATE INDEX cards_stats_requested_idx ON cards (requested_at, institution_id, holder_person_type);

-- Lists of one institution's cards by state sorted by request date, and by holder name (with and
-- without a state): the keyset walks these as it walks the deployment-wide ones.
CREATE INDEX cards_institution_state_requested_idx ON cards (institution_id, state, requested_at DESC, id);
CREATE INDEX cards_institution_name_idx ON cards (institution_id, holder_last_name, holder_first_name, id);
CREATE INDEX cards_institution_state_name_idx ON cards (institution_id, state, holder_last_name, holder_first_name, id);
