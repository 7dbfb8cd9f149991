-- Issue 10 (LDAP sync speed): the audit triggers write the same entries for less work. Measured
-- on 5,000 inserted persons, the audit entries cost about as much as the rows themselves, most of
-- it in two per-row calls that give the same answer for every row of a statement:
-- - `audit_redact` (a SQL function with an aggregate, so never inlined) rebuilt each row's JSON
--   object key by key even for the tables with nothing to hide (persons, enrolments, cards…),
--   where it returns its input unchanged: it now runs only when the table names hidden columns;
-- - the actor, address and request id settings were read once per row: now once per statement
--   (a statement cannot change them).
-- Same columns, same values, same order of entries as 0022's definitions.

CREATE OR REPLACE FUNCTION audit_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  who text := audit_actor();
  address text := nullif(current_setting('campuscard.ip', true), '');
  request text := nullif(current_setting('campuscard.request_id', true), '');
BEGIN
  IF TG_NARGS = 0 THEN
    INSERT INTO audit_log (actor, ip, request_id, table_name, operation, row_id, changes, institution_id)
    SELECT who, address, request, TG_TABLE_NAME, 'INSERT', n.j ->> 'id', n.j, audit_institution(TG_TABLE_NAME, n.j)
    FROM (SELECT to_jsonb(x) AS j FROM new_rows x) n;
  ELSE
    INSERT INTO audit_log (actor, ip, request_id, table_name, operation, row_id, changes, institution_id)
    SELECT who, address, request, TG_TABLE_NAME, 'INSERT', n.j ->> 'id', audit_redact(n.j, TG_ARGV), audit_institution(TG_TABLE_NAME, n.j)
    FROM (SELECT to_jsonb(x) AS j FROM new_rows x) n;
  END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION audit_updated() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  who text := audit_actor();
  address text := nullif(current_setting('campuscard.ip', true), '');
  request text := nullif(current_setting('campuscard.request_id', true), '');
BEGIN
  INSERT INTO audit_log (actor, ip, request_id, table_name, operation, row_id, changes, institution_id)
  SELECT who, address, request, TG_TABLE_NAME, 'UPDATE',
         d.id, CASE WHEN TG_NARGS = 0 THEN d.changes ELSE audit_redact(d.changes, TG_ARGV) END, d.institution_id
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
DECLARE
  who text := audit_actor();
  address text := nullif(current_setting('campuscard.ip', true), '');
  request text := nullif(current_setting('campuscard.request_id', true), '');
BEGIN
  INSERT INTO audit_log (actor, ip, request_id, table_name, operation, row_id, changes, institution_id)
  SELECT who, address, request, TG_TABLE_NAME, 'DELETE',
         o.j ->> 'id', CASE WHEN TG_NARGS = 0 THEN o.j ELSE audit_redact(o.j, TG_ARGV) END, audit_institution(TG_TABLE_NAME, o.j)
  FROM (SELECT to_jsonb(y) AS j FROM old_rows y) o;
  RETURN NULL;
END $$;
