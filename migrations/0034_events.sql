-- The event log (issue 11): every change a connector can see, as a catalogued event
-- (src/platform/events/event-catalogue.ts), written in the transaction of the change and read by
-- outside systems through GET /api/v1/events?after=<cursor>. Kept EVENT_RETENTION_DAYS days.
--
-- Order and cursor: readers page by (tx_id, id), and only over transactions older than every
-- transaction still running (tx_id < pg_snapshot_xmin(pg_current_snapshot())). An id alone would
-- not do: ids are taken when a row is inserted, not when its transaction commits, so a reader
-- could pass id 11 while id 10 was still uncommitted and never see it. With the transaction's id
-- first, nothing can commit later at a position a reader already passed.
--
-- Not audited: it is itself a log of audited changes, and one bulk import writes a row per person.
CREATE TABLE events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tx_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
  name text NOT NULL CHECK (name ~ '^[a-z_]+\.[a-z_]+$'),
  institution_id smallint NOT NULL REFERENCES institutions (id) ON DELETE CASCADE,
  person_type text NOT NULL,
  person_id uuid NOT NULL,
  card_id uuid,
  -- The event's data without its granted parts: ids and states only.
  payload jsonb NOT NULL,
  -- Names, eppn, CSN: given only to consumers granted them; null when the event has none.
  granted jsonb,
  occurred_at timestamptz NOT NULL DEFAULT now()
);
-- Readers covering every institution, and readers of one institution (the common token), walk
-- these in order; readers of a few institutions filter the first.
CREATE INDEX events_order_idx ON events (tx_id, id);
CREATE INDEX events_institution_order_idx ON events (institution_id, tx_id, id);
-- The retention purge deletes from the oldest.
CREATE INDEX events_occurred_idx ON events (occurred_at);
