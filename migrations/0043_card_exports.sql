-- Issue 12: card exports of any size, made by a job.
--
-- The CSV file of an export is written here a part at a time (a few thousand cards each, in file
-- order) by the job run that makes it, and read back part by part when its author downloads it,
-- so neither the job nor the download holds the whole file in memory, and every node of the
-- deployment serves it. A retried run (its worker lost) deletes its parts and writes them again.
-- Parts older than a week are deleted when another export starts.
-- Not audited: the parts are transient copies of card rows that the audit log already follows;
-- who asked for which export is the job run (its creator, filters and outcome).
CREATE TABLE card_export_parts (
  job_run_id uuid NOT NULL REFERENCES job_runs (id) ON DELETE CASCADE,
  seq integer NOT NULL CHECK (seq >= 0),
  -- Text, not bytea: the file is UTF-8, and text travels as is where bytea doubles in hex.
  content text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (job_run_id, seq)
);
CREATE INDEX card_export_parts_created_idx ON card_export_parts (created_at);
