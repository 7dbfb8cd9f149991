-- Issue 13: card templates as managed, versioned objects, the rules choosing them, and batch print files.
--
-- A template belongs to an institution (null: the whole deployment) and points at its current
-- version. Versions are immutable (a trigger refuses UPDATE): a card remembers the version it was
-- printed with (card_prints), so a reprint is identical whatever the template became since.
-- Assets are the images a layout names by id (logo, background), checked and measured on upload.
-- Rules choose a template by institution, person type and card kind; the most specific one wins
-- (see card-templates/domain/template-rules.ts), null standing for "any".
CREATE TABLE card_templates (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  institution_id smallint REFERENCES institutions (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  current_version integer NOT NULL DEFAULT 1 CHECK (current_version >= 1),
  archived_at timestamptz,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_by text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX card_templates_institution_idx ON card_templates (institution_id);
SELECT audit_table('card_templates');

CREATE TABLE card_template_versions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  template_id uuid NOT NULL REFERENCES card_templates (id) ON DELETE CASCADE,
  version integer NOT NULL CHECK (version >= 1),
  layout jsonb NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (template_id, version)
);

CREATE FUNCTION card_template_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'card template versions are immutable' USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
CREATE TRIGGER card_template_versions_no_update BEFORE UPDATE ON card_template_versions
  FOR EACH ROW EXECUTE FUNCTION card_template_versions_immutable();

CREATE TABLE card_template_assets (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  institution_id smallint REFERENCES institutions (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  media_type text NOT NULL CHECK (media_type IN ('image/png', 'image/jpeg')),
  content bytea NOT NULL,
  width integer NOT NULL CHECK (width > 0),
  height integer NOT NULL CHECK (height > 0),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX card_template_assets_institution_idx ON card_template_assets (institution_id);

CREATE TABLE card_template_rules (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  institution_id smallint REFERENCES institutions (id) ON DELETE CASCADE,
  person_type text,
  card_kind text CHECK (card_kind IN ('physical', 'virtual')),
  template_id uuid NOT NULL REFERENCES card_templates (id) ON DELETE CASCADE,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
-- One rule per criteria (null matching null), so resolution never has to choose between equals.
CREATE UNIQUE INDEX card_template_rules_criteria_idx
  ON card_template_rules (coalesce(institution_id, -1), coalesce(person_type, ''), coalesce(card_kind, ''));
SELECT audit_table('card_template_rules');

-- A batch print file: the cards chosen at submission (in file order, each with the template
-- version it is printed with), the PDF written by a job a part at a time, and where the batch is.
CREATE TABLE print_batches (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  institution_id smallint NOT NULL REFERENCES institutions (id) ON DELETE CASCADE,
  job_run_id uuid REFERENCES job_runs (id) ON DELETE SET NULL,
  status text NOT NULL DEFAULT 'preparing' CHECK (status IN ('preparing', 'ready', 'taken', 'printed', 'failed')),
  card_count integer NOT NULL CHECK (card_count >= 0),
  duplex boolean NOT NULL DEFAULT false,
  pages integer,
  bytes bigint,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  taken_by text,
  taken_at timestamptz,
  printed_by text,
  printed_at timestamptz
);
CREATE INDEX print_batches_institution_idx ON print_batches (institution_id, created_at DESC);

CREATE TABLE print_batch_cards (
  batch_id uuid NOT NULL REFERENCES print_batches (id) ON DELETE CASCADE,
  seq integer NOT NULL CHECK (seq >= 0),
  card_id uuid NOT NULL,
  template_version_id uuid NOT NULL REFERENCES card_template_versions (id),
  PRIMARY KEY (batch_id, seq),
  UNIQUE (batch_id, card_id)
);

CREATE TABLE print_batch_parts (
  batch_id uuid NOT NULL REFERENCES print_batches (id) ON DELETE CASCADE,
  seq integer NOT NULL CHECK (seq >= 0),
  content bytea NOT NULL,
  PRIMARY KEY (batch_id, seq)
);

-- Which template version each card was printed with (the cards table belongs to the cards
-- context): the latest row of a card is what its reprint and its face image use.
CREATE TABLE card_prints (
  card_id uuid NOT NULL,
  template_version_id uuid NOT NULL REFERENCES card_template_versions (id),
  batch_id uuid REFERENCES print_batches (id) ON DELETE SET NULL,
  printed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (card_id, printed_at)
);
