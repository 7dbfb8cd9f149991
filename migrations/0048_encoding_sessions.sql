-- Issue 13: one-time encoding sessions (src/modules/encoding). An encoding station starts one for
-- a card (office staff or a station token of the card's institution), writes the chip with what
-- the session answered, and closes it by reporting the chip's CSN, which binds it through the
-- cards context's encoding report (today's checks). A session is used once and expires; only the
-- SHA-256 of its secret is stored (the secret is 32 random bytes, shown once at the start).
-- `institution_id` and `holder_person_type` copy the card's, so every look-up is scoped in the query.
CREATE TABLE encoding_sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  card_id uuid NOT NULL REFERENCES cards (id) ON DELETE CASCADE,
  institution_id smallint NOT NULL REFERENCES institutions (id) ON DELETE CASCADE,
  holder_person_type text NOT NULL,
  secret_hash text NOT NULL CHECK (secret_hash ~ '^[0-9a-f]{64}$'),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  closed_at timestamptz,
  closed_by text,
  -- The CSN (hex) bound when the session was closed.
  csn text,
  CHECK ((closed_at IS NULL) = (closed_by IS NULL))
);
CREATE INDEX encoding_sessions_card_idx ON encoding_sessions (card_id);
SELECT audit_table('encoding_sessions', ARRAY['secret_hash']);
