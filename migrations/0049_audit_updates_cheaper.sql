-- Issue 12 (bulk moves): an UPDATE of 500 cards spent 1.2 s of its 1.3 s in the audit trigger.
-- The changed-columns subquery read `o.j`, an expression (`to_jsonb(old row)`) that the planner
-- inlined: the whole old row was turned into JSON again for each of its ~40 keys, and the subquery
-- ran twice per row (in the join's filter and in the output). Here each row becomes JSON once
-- (materialized CTEs) and its changes are computed once. Same columns, values and order of
-- entries as 0031's definition.
CREATE OR REPLACE FUNCTION audit_updated() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  who text := audit_actor();
  address text := nullif(current_setting('campuscard.ip', true), '');
  request text := nullif(current_setting('campuscard.request_id', true), '');
BEGIN
  WITH n AS MATERIALIZED (SELECT to_jsonb(x) AS j FROM new_rows x),
       o AS MATERIALIZED (SELECT to_jsonb(y) AS j FROM old_rows y),
       d AS MATERIALIZED (
         SELECT n.j ->> 'id' AS id,
                (SELECT jsonb_object_agg(key, value) FROM jsonb_each(n.j) WHERE o.j -> key IS DISTINCT FROM value) AS changes,
                coalesce(audit_institution(TG_TABLE_NAME, n.j), audit_institution(TG_TABLE_NAME, o.j)) AS institution_id
         FROM n JOIN o ON o.j ->> 'id' = n.j ->> 'id'
       )
  INSERT INTO audit_log (actor, ip, request_id, table_name, operation, row_id, changes, institution_id)
  SELECT who, address, request, TG_TABLE_NAME, 'UPDATE',
         d.id, CASE WHEN TG_NARGS = 0 THEN d.changes ELSE audit_redact(d.changes, TG_ARGV) END, d.institution_id
  FROM d
  WHERE d.changes IS NOT NULL;
  RETURN NULL;
END $$;
