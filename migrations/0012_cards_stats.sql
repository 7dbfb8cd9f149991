-- Card statistics: how many cards were in each state, per holder person type, at the end of each
-- day (in the statistics time zone, see card-stats.service.ts). Written by the daily snapshot job,
-- which also backfills missing past days from card_moves. Derived data, so not audited.
CREATE TABLE card_state_daily (
  day date NOT NULL,
  person_type text NOT NULL,
  state text NOT NULL,
  count integer NOT NULL CHECK (count > 0),
  PRIMARY KEY (day, person_type, state)
);
-- The days whose snapshot is complete: a day without any card has no row above, and must still
-- count as done.
CREATE TABLE card_state_days (
  day date PRIMARY KEY,
  taken_at timestamptz NOT NULL DEFAULT now()
);

-- Counts by person type and state (GET /stats/cards, one GROUP BY): an index-only scan of this
-- index. Its two keys have few distinct values, so B-tree deduplication keeps it to a few MB per
-- million cards, where cards_type_state_idx (which also holds updated_at) is several times larger.
CREATE INDEX cards_stats_type_state_idx ON cards (holder_person_type, state);
-- Requests per day and person type over a window: an index-only range scan instead of reading
-- every card requested in the window from the table.
CREATE INDEX cards_stats_requested_idx ON cards (requested_at, holder_person_type);
