-- Cards, their lifecycle moves, and a snapshot of the holder used for listing and search.
CREATE TABLE cards (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  person_id uuid NOT NULL REFERENCES persons (id),
  state text NOT NULL CHECK (state IN ('NEW', 'RENEWED', 'REQUEST_CHECKED', 'REJECTED', 'CANCELED', 'IN_PRINT',
    'PRINTED', 'IN_ENCODE', 'ENCODED', 'ENABLED', 'DISABLED', 'CADUC', 'DESTROYED')),
  card_kind text NOT NULL DEFAULT 'physical' CHECK (card_kind IN ('physical', 'virtual')),
  request_channel text NOT NULL CHECK (request_channel IN ('web', 'api', 'office', 'import', 'renewal')),
  requested_at timestamptz NOT NULL DEFAULT now(),
  requested_by text NOT NULL,
  photo_id uuid REFERENCES photos (id),
  printed_lines jsonb,
  csn text,
  csn_reversed text,
  csn_decimal text,
  csn_decimal_reversed text,
  escn text UNIQUE,
  disable_reason text CHECK (disable_reason IN ('LOST', 'THEFT', 'OUT_OF_ORDER', 'MANAGER', 'REPLACED', 'RIGHTS_ENDED')),
  disable_comment text,
  disabled_by text CHECK (disabled_by IN ('self', 'manager', 'system')),
  reject_reason text,
  delivery_address text,
  delivered_at timestamptz,
  due_date date,
  locked_by text,
  locked_at timestamptz,
  enabled_at timestamptz,
  expires_at date,
  renewal_of uuid REFERENCES cards (id),
  holder_eppn text NOT NULL,
  holder_first_name text NOT NULL,
  holder_last_name text NOT NULL,
  holder_email text,
  holder_student_number text,
  holder_ine text,
  holder_person_type text NOT NULL,
  search_text text GENERATED ALWAYS AS (lower(
    holder_last_name || ' ' || holder_first_name || ' ' || holder_eppn || ' ' || coalesce(holder_email, '') || ' ' ||
    coalesce(holder_student_number, '') || ' ' || coalesce(holder_ine, '') || ' ' || coalesce(escn, '') || ' ' ||
    coalesce(csn, '') || ' ' || coalesce(csn_reversed, '') || ' ' || coalesce(csn_decimal, '') || ' ' ||
    coalesce(csn_decimal_reversed, ''))) STORED,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- Rules of the lifecycle that the database itself guarantees, whatever races the nodes run:
-- one ENABLED card per person, and a chip belongs to at most one card that is not DESTROYED.
CREATE UNIQUE INDEX cards_one_enabled_per_person ON cards (person_id) WHERE state = 'ENABLED';
CREATE UNIQUE INDEX cards_csn_live ON cards (csn) WHERE csn IS NOT NULL AND state <> 'DESTROYED';
CREATE INDEX cards_person_idx ON cards (person_id, created_at);
CREATE INDEX cards_state_idx ON cards (state, updated_at DESC, id);
CREATE INDEX cards_type_state_idx ON cards (holder_person_type, state, updated_at DESC);
CREATE INDEX cards_requested_idx ON cards (requested_at DESC, id);
CREATE INDEX cards_updated_idx ON cards (updated_at DESC, id);
CREATE INDEX cards_search_trgm ON cards USING gin (search_text gin_trgm_ops);
SELECT audit_table('cards');

CREATE TABLE card_moves (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  card_id uuid NOT NULL REFERENCES cards (id),
  seq bigserial,
  at timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor text NOT NULL,
  actor_kind text NOT NULL,
  from_state text,
  to_state text NOT NULL,
  reason text,
  comment text,
  remote_address text
);
CREATE INDEX card_moves_card_idx ON card_moves (card_id, seq);
CREATE INDEX card_moves_day_idx ON card_moves (at, to_state);
SELECT audit_table('card_moves');
