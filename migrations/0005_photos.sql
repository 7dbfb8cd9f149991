-- Normalised card photos (JPEG, fixed size, metadata stripped).
CREATE TABLE photos (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  person_id uuid NOT NULL,
  jpeg bytea NOT NULL,
  sha256 text NOT NULL,
  width integer NOT NULL,
  height integer NOT NULL,
  source_format text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX photos_person_idx ON photos (person_id);
SELECT audit_table('photos', ARRAY['jpeg']);
