-- Issue 11: CROUS/Izly through files.
--
-- Account files (new entrants, re-enrolments, staff present, staff leaving) are made per
-- institution from settings agreed with its CROUS (columns and order, separator, encoding,
-- header, date format), on demand or on a schedule; every file produced is kept, content
-- included, so it can be downloaded again. The CROUS's pre-encoded card file links each chip
-- (CSN) to its CROUS card number; a card later enabled with that chip uses it.

-- How one institution writes one kind of file. Absent: the defaults (see crous-account-file.ts).
CREATE TABLE crous_file_configs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  institution_id smallint NOT NULL REFERENCES institutions (id),
  kind text NOT NULL CHECK (kind IN ('new_entrants', 're_enrolments', 'staff_present', 'staff_leaving')),
  -- [{ "field": "identifier", "label": "identifier" }, …] in file order.
  columns jsonb NOT NULL CHECK (jsonb_typeof(columns) = 'array'),
  separator text NOT NULL DEFAULT ';' CHECK (separator IN (';', ',', '|', E'\t')),
  encoding text NOT NULL DEFAULT 'utf-8' CHECK (encoding IN ('utf-8', 'iso-8859-1', 'windows-1252')),
  header boolean NOT NULL DEFAULT true,
  date_format text NOT NULL DEFAULT 'YYYY-MM-DD' CHECK (date_format IN ('YYYY-MM-DD', 'DD/MM/YYYY', 'YYYYMMDD')),
  -- Person types the file draws from; null: those whose code or affiliations say student (or staff).
  person_types jsonb CHECK (person_types IS NULL OR jsonb_typeof(person_types) = 'array'),
  ine_as_identifier boolean NOT NULL DEFAULT true,
  leaving_window_days smallint NOT NULL DEFAULT 31 CHECK (leaving_window_days BETWEEN 1 AND 366),
  -- Cron (5 fields, UTC); null: on demand only. next_run_at is claimed by the minute tick.
  schedule text CHECK (length(schedule) BETWEEN 1 AND 100),
  next_run_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (institution_id, kind)
);
CREATE INDEX crous_file_configs_due_idx ON crous_file_configs (next_run_at) WHERE next_run_at IS NOT NULL;
SELECT audit_table('crous_file_configs');

-- Every account file produced, with its bytes (download again) and the settings it was made with.
CREATE TABLE crous_files (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  institution_id smallint NOT NULL REFERENCES institutions (id),
  kind text NOT NULL CHECK (kind IN ('new_entrants', 're_enrolments', 'staff_present', 'staff_leaving')),
  file_name text NOT NULL,
  content bytea NOT NULL,
  byte_size integer NOT NULL CHECK (byte_size >= 0),
  -- Person lines (the header not counted).
  line_count integer NOT NULL CHECK (line_count >= 0),
  settings jsonb NOT NULL,
  trigger text NOT NULL CHECK (trigger IN ('manual', 'schedule')),
  job_run_id uuid REFERENCES job_runs (id) ON DELETE SET NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX crous_files_institution_idx ON crous_files (institution_id, created_at DESC);
-- Who produced which file is in the audit log; the bytes (personal data, bulky) are not.
SELECT audit_table('crous_files', ARRAY['content']);

-- Each import of a pre-encoded card file and its report (line errors, counts).
CREATE TABLE crous_card_imports (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  institution_id smallint NOT NULL REFERENCES institutions (id),
  file_name text,
  partial boolean NOT NULL DEFAULT false,
  report jsonb NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX crous_card_imports_institution_idx ON crous_card_imports (institution_id, created_at DESC);

-- Chip → CROUS card, per institution: one card number per chip, one chip per card number.
CREATE TABLE crous_pre_encoded_cards (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  institution_id smallint NOT NULL REFERENCES institutions (id),
  -- Canonical CSN: upper-case hex, as cards store it and the SmartCard `uid` wants it.
  csn text NOT NULL CHECK (csn ~ '^([0-9A-F]{2}){4,10}$'),
  id_zdc bigint NOT NULL CHECK (id_zdc >= 0),
  rid text NOT NULL,
  id_transmitter bigint NOT NULL,
  id_mapping bigint NOT NULL,
  pix_ss text NOT NULL,
  pix_nn text NOT NULL,
  appl text NOT NULL,
  nfo text NOT NULL,
  cnous text NOT NULL,
  crous text NOT NULL,
  creation_day date NOT NULL,
  import_id uuid REFERENCES crous_card_imports (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT crous_pre_encoded_cards_csn_key UNIQUE (institution_id, csn),
  CONSTRAINT crous_pre_encoded_cards_number_key UNIQUE (institution_id, id_zdc)
);
SELECT audit_table('crous_pre_encoded_cards');
