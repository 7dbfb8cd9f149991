-- Card migration from another card office system (issue 13): the uploaded export waiting for its
-- job, the batches a run has committed (a restarted run skips them), and which source card each
-- migrated card came from (a second run of the same export creates nothing twice).
CREATE TABLE card_migration_uploads (
  job_run_id uuid PRIMARY KEY REFERENCES job_runs (id) ON DELETE CASCADE,
  file_name text,
  content bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE card_migration_batches (
  job_run_id uuid NOT NULL REFERENCES job_runs (id) ON DELETE CASCADE,
  seq integer NOT NULL CHECK (seq >= 0),
  cards integer NOT NULL CHECK (cards >= 0),
  done_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (job_run_id, seq)
);

CREATE TABLE migrated_cards (
  institution_id smallint NOT NULL REFERENCES institutions (id),
  -- The card's id in the system it came from (ESUP-SGC's card id, the generic file's card_id).
  source_id text NOT NULL CHECK (length(source_id) BETWEEN 1 AND 100),
  card_id uuid NOT NULL REFERENCES cards (id) ON DELETE CASCADE,
  job_run_id uuid REFERENCES job_runs (id) ON DELETE SET NULL,
  migrated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (institution_id, source_id)
);
CREATE INDEX migrated_cards_card_idx ON migrated_cards (card_id);
