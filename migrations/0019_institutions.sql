-- Issue 9: several institutions in one campuscard.
--
-- The single `institution` row becomes the first of any number of `institutions`, each with a
-- short code and an optional parent (the federation, COMUE or alliance that runs the system). A
-- person is an identity (eppn, INE, names); what depends on the institution (person type, student
-- number, rights end, academic level, affiliation) moves to `enrolments`, one per person and
-- institution. Person types become rows an institution configures. Cards, accounts and tokens get
-- the institution they belong to or are granted. Nothing is lost: every existing person gets one
-- enrolment at the first institution carrying exactly the values the person row had.

-- Institutions ---------------------------------------------------------------------------------
ALTER TABLE institution RENAME TO institutions;
ALTER TABLE institutions DROP CONSTRAINT institution_id_check;
ALTER TABLE institutions ALTER COLUMN id DROP DEFAULT;
CREATE SEQUENCE institutions_id_seq AS smallint OWNED BY institutions.id;
ALTER TABLE institutions ALTER COLUMN id SET DEFAULT nextval('institutions_id_seq');

ALTER TABLE institutions
  ADD COLUMN code text,
  ADD COLUMN kind text NOT NULL DEFAULT 'institution' CHECK (kind IN ('institution', 'federation')),
  ADD COLUMN parent_id smallint REFERENCES institutions (id),
  ADD COLUMN disabled_at timestamptz,
  -- The institution's own ESC Router API key, encrypted (AES-256-GCM) with a key derived from the
  -- deployment's secret; never returned by the API. Null: the deployment's ESC_ROUTER_API_KEY.
  ADD COLUMN esc_api_key_encrypted text,
  ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();

ALTER TABLE institutions ALTER COLUMN pic DROP NOT NULL;
ALTER TABLE institutions ALTER COLUMN schac_home_organization DROP NOT NULL;
-- A deployment always has at least one institution to enrol people at. One that was never set up
-- gets a placeholder without a PIC, which the admin completes (the ESC sync waits for the PIC).
INSERT INTO institutions (id, name, pic, schac_home_organization, country)
SELECT 1, 'Établissement', NULL, NULL, 'FR'
WHERE NOT EXISTS (SELECT 1 FROM institutions);

-- The existing institution's code comes from its SCHAC home organisation ("univ-demo.fr" gives
-- "univ-demo"), or "main" when there is none.
UPDATE institutions SET code = coalesce(
  nullif(left(regexp_replace(lower(split_part(coalesce(schac_home_organization, ''), '.', 1)), '[^a-z0-9-]', '', 'g'), 32), ''),
  'main');
ALTER TABLE institutions ALTER COLUMN code SET NOT NULL;
ALTER TABLE institutions ADD CONSTRAINT institutions_code_format CHECK (code ~ '^[a-z0-9][a-z0-9-]{0,31}$');
CREATE UNIQUE INDEX institutions_code_key ON institutions (code);
CREATE INDEX institutions_parent_idx ON institutions (parent_id);
ALTER TABLE institutions ADD CONSTRAINT institutions_not_own_parent CHECK (parent_id IS NULL OR parent_id <> id);
SELECT setval('institutions_id_seq', greatest((SELECT max(id) FROM institutions), 1), (SELECT count(*) > 0 FROM institutions));

-- Person types, per institution --------------------------------------------------------------
CREATE TABLE person_types (
  institution_id smallint NOT NULL REFERENCES institutions (id) ON DELETE CASCADE,
  code text NOT NULL CHECK (code ~ '^[a-z][a-z0-9_-]{0,31}$'),
  label_fr text NOT NULL CHECK (length(label_fr) BETWEEN 1 AND 80),
  label_en text NOT NULL CHECK (length(label_en) BETWEEN 1 AND 80),
  -- Card kinds this type may hold; which of them the person may request alone.
  card_kinds text[] NOT NULL DEFAULT '{physical,virtual}' CHECK (card_kinds <@ '{physical,virtual}'),
  self_request boolean NOT NULL DEFAULT false,
  delivery_address boolean NOT NULL DEFAULT false,
  -- Months a new card is valid for (capped by the rights end); null: the institution's setting.
  validity_months smallint CHECK (validity_months BETWEEN 1 AND 120),
  -- eduPersonAffiliation values of the directory that make a person of this type.
  affiliations text[] NOT NULL DEFAULT '{}',
  position smallint NOT NULL DEFAULT 0,
  disabled_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (institution_id, code)
);
SELECT audit_table('person_types');

-- Today's four types for every existing institution, with the request rules its settings held.
INSERT INTO person_types (institution_id, code, label_fr, label_en, self_request, delivery_address, affiliations, position)
SELECT i.id, t.code, t.label_fr, t.label_en,
       coalesce((i.settings -> 'requestRules' -> t.code ->> 'selfRequest')::boolean, t.self_request),
       coalesce((i.settings -> 'requestRules' -> t.code ->> 'deliveryAddress')::boolean, t.delivery_address),
       t.affiliations, t.position
FROM institutions i
CROSS JOIN (VALUES
  ('student', 'Étudiant', 'Student', true, false, '{student}'::text[], 1),
  ('staff', 'Personnel', 'Staff', true, true, '{staff,faculty,employee,researcher,teacher}'::text[], 2),
  ('guest', 'Invité', 'Guest', false, false, '{affiliate}'::text[], 3),
  ('external', 'Extérieur', 'External', false, false, '{member,library-walk-in}'::text[], 4)
) AS t (code, label_fr, label_en, self_request, delivery_address, affiliations, position);
UPDATE institutions SET settings = settings - 'requestRules';

-- Enrolments: person × institution ----------------------------------------------------------
CREATE TABLE enrolments (
  person_id uuid NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
  institution_id smallint NOT NULL REFERENCES institutions (id),
  person_type text NOT NULL,
  student_number text,
  rights_end date,
  academic_level smallint CHECK (academic_level IN (6, 7, 8)),
  affiliation text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (person_id, institution_id),
  FOREIGN KEY (institution_id, person_type) REFERENCES person_types (institution_id, code) ON UPDATE CASCADE
);
CREATE INDEX enrolments_institution_type_idx ON enrolments (institution_id, person_type, person_id);
CREATE INDEX enrolments_rights_end_idx ON enrolments (rights_end);
CREATE INDEX enrolments_student_number_idx ON enrolments (student_number text_pattern_ops) WHERE student_number IS NOT NULL;
-- The audit trigger keys rows by `id`; an enrolment's is its person and institution together.
ALTER TABLE enrolments ADD COLUMN id text GENERATED ALWAYS AS (person_id::text || ':' || institution_id::text) STORED;

-- Moving data is not a change anybody made: the existing rows are copied before the audit
-- triggers exist (the person's own audit entries already hold these values), so a million persons
-- do not become a million audit entries.
INSERT INTO enrolments (person_id, institution_id, person_type, student_number, rights_end, academic_level, affiliation, created_at, updated_at)
SELECT p.id, (SELECT min(id) FROM institutions), p.person_type, p.student_number, p.rights_end, p.academic_level, p.affiliation,
       p.created_at, p.updated_at
FROM persons p;
SELECT audit_table('enrolments');

-- What moved leaves the person row; its search text keeps the identity only.
DROP INDEX persons_search_trgm;
ALTER TABLE persons DROP COLUMN search_text;
ALTER TABLE persons DROP COLUMN person_type, DROP COLUMN student_number, DROP COLUMN rights_end,
  DROP COLUMN academic_level, DROP COLUMN affiliation;
ALTER TABLE persons ADD COLUMN search_text text GENERATED ALWAYS AS (lower(
  last_name || ' ' || first_name || ' ' || eppn || ' ' || coalesce(email, '') || ' ' || coalesce(ine, ''))) STORED;
CREATE INDEX persons_search_trgm ON persons USING gin (search_text gin_trgm_ops);

-- Cards: issued by one institution for one enrolment ------------------------------------------
ALTER TABLE cards ADD COLUMN institution_id smallint;
-- The rule "one ENABLED card" holds within this group: the issuing institution, or the
-- federation when its members share one card.
ALTER TABLE cards ADD COLUMN card_group smallint;
ALTER TABLE cards DISABLE TRIGGER audit_upd;
UPDATE cards SET institution_id = (SELECT min(id) FROM institutions), card_group = (SELECT min(id) FROM institutions);
ALTER TABLE cards ENABLE TRIGGER audit_upd;
ALTER TABLE cards ALTER COLUMN institution_id SET NOT NULL, ALTER COLUMN card_group SET NOT NULL;
ALTER TABLE cards ADD CONSTRAINT cards_enrolment_fk FOREIGN KEY (person_id, institution_id) REFERENCES enrolments (person_id, institution_id);
ALTER TABLE cards ADD CONSTRAINT cards_card_group_fk FOREIGN KEY (card_group) REFERENCES institutions (id);
DROP INDEX cards_one_enabled_per_person;
CREATE UNIQUE INDEX cards_one_enabled_per_group ON cards (person_id, card_group) WHERE state = 'ENABLED';
CREATE INDEX cards_institution_state_idx ON cards (institution_id, state, updated_at DESC, id);
CREATE INDEX cards_institution_requested_idx ON cards (institution_id, requested_at DESC, id);
CREATE INDEX cards_institution_updated_idx ON cards (institution_id, updated_at DESC, id);

-- Accounts and tokens: granted within a set of institutions (null: all of them) -------------
ALTER TABLE accounts ADD COLUMN institution_ids smallint[];
-- The institution the console was last switched to (null: every institution the account covers).
ALTER TABLE accounts ADD COLUMN current_institution_id smallint REFERENCES institutions (id) ON DELETE SET NULL;
ALTER TABLE api_tokens ADD COLUMN institution_ids smallint[];

-- The institutions a grant covers: the granted ones and, below a federation, all its members (at
-- any depth). Used when a caller is resolved, so a new member is covered by its federation's
-- managers at once.
CREATE FUNCTION institutions_covered(granted smallint[]) RETURNS smallint[] LANGUAGE sql STABLE AS $$
  WITH RECURSIVE covered (id) AS (
    SELECT id FROM institutions WHERE id = ANY (granted)
    UNION
    SELECT i.id FROM institutions i JOIN covered c ON i.parent_id = c.id
  )
  SELECT coalesce(array_agg(id ORDER BY id), '{}') FROM covered
$$;
