-- Person imports: an uploaded file waits here between the request and the job that reads it,
-- and is deleted once the job has handled it. Not audited: the file is transient and holds
-- the same personal data the audited persons rows record; copying it (up to 50 MB) into the
-- audit log would only duplicate that data.
CREATE TABLE import_uploads (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  job_run_id uuid NOT NULL UNIQUE REFERENCES job_runs (id) ON DELETE CASCADE,
  file_name text,
  byte_size integer NOT NULL CHECK (byte_size >= 0),
  content bytea NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX import_uploads_created_idx ON import_uploads (created_at);
