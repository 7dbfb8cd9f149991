-- Issue 9: mails, mail templates and the audit log per institution.

-- Mails -------------------------------------------------------------------------------------
-- The institution whose card or enrolment caused the mail; the mail log of a manager shows only
-- the mails of the institutions in their scope. Null: a mail about no institution (an account's
-- own mail), shown only to callers with no institution limit. Every existing mail was about a
-- card of the one institution there was.
ALTER TABLE mails ADD COLUMN institution_id smallint REFERENCES institutions (id);
-- Bookkeeping of this migration, not a change anybody made: kept out of the audit log.
ALTER TABLE mails DISABLE TRIGGER audit_upd;
UPDATE mails SET institution_id = (SELECT min(id) FROM institutions);
ALTER TABLE mails ENABLE TRIGGER audit_upd;
-- The mail log of some institutions, newest first.
CREATE INDEX mails_institution_idx ON mails (institution_id, created_at DESC, id DESC);

-- Mail template overrides ---------------------------------------------------------------------
-- An override belongs to one institution, or (null) to the whole deployment: a mail uses its
-- institution's override, else the deployment-wide one, else the built-in text. Existing
-- overrides become deployment-wide, which is what they were.
ALTER TABLE mail_template_overrides ADD COLUMN institution_id smallint REFERENCES institutions (id) ON DELETE CASCADE;
ALTER TABLE mail_template_overrides DROP CONSTRAINT mail_template_overrides_template_locale_key;
CREATE UNIQUE INDEX mail_template_overrides_key ON mail_template_overrides (institution_id, template, locale) NULLS NOT DISTINCT;

-- Audit log -----------------------------------------------------------------------------------
-- The institution an audited row belongs to, taken from the row itself (its `institution_id`;
-- an institution's own row: its id) by the triggers. Null: a row of no single institution (a
-- person's identity, an account, a consent), which whoever may read the row may read. Reads of
-- the log filter on it with the caller's scope (src/modules/audit/audit.repository.ts).
--
-- The row, not a per-transaction setting, says the institution: one transaction may write rows of
-- several institutions (an import, a federation manager's batch, the jobs), and a setting that a
-- code path forgot would silently file entries under no institution.
ALTER TABLE audit_log ADD COLUMN institution_id smallint;

CREATE FUNCTION audit_institution(table_name text, row_data jsonb) RETURNS smallint LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN table_name = 'institutions' THEN (row_data ->> 'id')::smallint ELSE (row_data ->> 'institution_id')::smallint END
$$;

CREATE OR REPLACE FUNCTION audit_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO audit_log (actor, ip, request_id, table_name, operation, row_id, changes, institution_id)
  SELECT audit_actor(), nullif(current_setting('campuscard.ip', true), ''),
         nullif(current_setting('campuscard.request_id', true), ''), TG_TABLE_NAME, 'INSERT',
         n.j ->> 'id', audit_redact(n.j, TG_ARGV), audit_institution(TG_TABLE_NAME, n.j)
  FROM (SELECT to_jsonb(x) AS j FROM new_rows x) n;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION audit_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO audit_log (actor, ip, request_id, table_name, operation, row_id, changes, institution_id)
  SELECT audit_actor(), nullif(current_setting('campuscard.ip', true), ''),
         nullif(current_setting('campuscard.request_id', true), ''), TG_TABLE_NAME, 'UPDATE',
         d.id, audit_redact(d.changes, TG_ARGV), d.institution_id
  FROM (
    SELECT n.j ->> 'id' AS id,
           (SELECT jsonb_object_agg(key, value) FROM jsonb_each(n.j) WHERE o.j -> key IS DISTINCT FROM value) AS changes,
           coalesce(audit_institution(TG_TABLE_NAME, n.j), audit_institution(TG_TABLE_NAME, o.j)) AS institution_id
    FROM (SELECT to_jsonb(x) AS j FROM new_rows x) n
    JOIN (SELECT to_jsonb(y) AS j FROM old_rows y) o ON o.j ->> 'id' = n.j ->> 'id'
  ) d
  WHERE d.changes IS NOT NULL;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION audit_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO audit_log (actor, ip, request_id, table_name, operation, row_id, changes, institution_id)
  SELECT audit_actor(), nullif(current_setting('campuscard.ip', true), ''),
         nullif(current_setting('campuscard.request_id', true), ''), TG_TABLE_NAME, 'DELETE',
         o.j ->> 'id', audit_redact(o.j, TG_ARGV), audit_institution(TG_TABLE_NAME, o.j)
  FROM (SELECT to_jsonb(y) AS j FROM old_rows y) o;
  RETURN NULL;
END $$;

-- Entries written before this migration get the institution they are about, so that a manager
-- of another institution never reads them: what carries an institution (enrolments, person types,
-- cards since 0019), the institution's own row, and what was written when the deployment had one
-- institution about a card, a mail or a person's enrolment data (type, student number, rights
-- end, level, affiliation: those entries of `persons` predate 0019). A person's identity changes
-- stay with no institution. This fills a derived column and changes nothing that was recorded;
-- the append-only guard is lifted for this statement only.
ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update;
UPDATE audit_log SET institution_id = coalesce(CASE
    WHEN table_name IN ('institution', 'institutions') THEN row_id::smallint
    WHEN changes ? 'institution_id' THEN (changes ->> 'institution_id')::smallint
    WHEN table_name = 'enrolments' THEN split_part(row_id, ':', 2)::smallint
    WHEN table_name = 'cards' THEN (SELECT c.institution_id FROM cards c WHERE c.id = audit_log.row_id::uuid)
    WHEN table_name = 'card_moves' THEN (SELECT c.institution_id FROM cards c WHERE c.id = (audit_log.changes ->> 'card_id')::uuid)
    WHEN table_name = 'mails' THEN (SELECT m.institution_id FROM mails m WHERE m.id = audit_log.row_id::uuid)
  END, (SELECT min(id) FROM institutions))
WHERE table_name IN ('institution', 'institutions', 'enrolments', 'person_types', 'cards', 'card_moves', 'mails')
   OR (table_name = 'persons' AND changes ?| ARRAY['person_type', 'student_number', 'rights_end', 'academic_level', 'affiliation']);
ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update;
