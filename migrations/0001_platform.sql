-- Platform: extensions, the append-only audit log and its triggers, long-running job progress.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor text NOT NULL,
  ip text,
  request_id text,
  table_name text NOT NULL,
  operation text NOT NULL CHECK (operation IN ('INSERT', 'UPDATE', 'DELETE')),
  row_id text,
  changes jsonb NOT NULL
);
CREATE INDEX audit_log_row_idx ON audit_log (table_name, row_id, id);
CREATE INDEX audit_log_at_idx ON audit_log (at);

-- The application may only append: updates, deletes and truncation of the audit log fail.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- Replaces secret or bulky columns (password hashes, photos) by a marker, keeping the fact they changed.
CREATE FUNCTION audit_redact(data jsonb, hidden text[]) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(jsonb_object_agg(key, CASE WHEN key = ANY(hidden) THEN to_jsonb('[redacted]'::text) ELSE value END), '{}'::jsonb)
  FROM jsonb_each(data)
$$;

CREATE FUNCTION audit_actor() RETURNS text LANGUAGE sql STABLE AS $$
  SELECT coalesce(nullif(current_setting('campuscard.actor', true), ''), 'system')
$$;

-- Statement-level triggers with transition tables: one INSERT .. SELECT per statement, so bulk
-- imports pay a set-based cost instead of one trigger call per row.
CREATE FUNCTION audit_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO audit_log (actor, ip, request_id, table_name, operation, row_id, changes)
  SELECT audit_actor(), nullif(current_setting('campuscard.ip', true), ''),
         nullif(current_setting('campuscard.request_id', true), ''), TG_TABLE_NAME, 'INSERT',
         to_jsonb(n) ->> 'id', audit_redact(to_jsonb(n), TG_ARGV)
  FROM new_rows n;
  RETURN NULL;
END $$;

CREATE FUNCTION audit_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO audit_log (actor, ip, request_id, table_name, operation, row_id, changes)
  SELECT audit_actor(), nullif(current_setting('campuscard.ip', true), ''),
         nullif(current_setting('campuscard.request_id', true), ''), TG_TABLE_NAME, 'UPDATE',
         d.id, audit_redact(d.changes, TG_ARGV)
  FROM (
    SELECT n.j ->> 'id' AS id,
           (SELECT jsonb_object_agg(key, value) FROM jsonb_each(n.j) WHERE o.j -> key IS DISTINCT FROM value) AS changes
    FROM (SELECT to_jsonb(x) AS j FROM new_rows x) n
    JOIN (SELECT to_jsonb(y) AS j FROM old_rows y) o ON o.j ->> 'id' = n.j ->> 'id'
  ) d
  WHERE d.changes IS NOT NULL;
  RETURN NULL;
END $$;

CREATE FUNCTION audit_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO audit_log (actor, ip, request_id, table_name, operation, row_id, changes)
  SELECT audit_actor(), nullif(current_setting('campuscard.ip', true), ''),
         nullif(current_setting('campuscard.request_id', true), ''), TG_TABLE_NAME, 'DELETE',
         to_jsonb(o) ->> 'id', audit_redact(to_jsonb(o), TG_ARGV)
  FROM old_rows o;
  RETURN NULL;
END $$;

-- Puts a table under audit. `hidden` lists columns whose values never reach the log.
CREATE FUNCTION audit_table(target regclass, hidden text[] DEFAULT '{}') RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  args text := (SELECT coalesce(string_agg(quote_literal(h), ', '), '') FROM unnest(hidden) h);
BEGIN
  EXECUTE format('CREATE TRIGGER audit_ins AFTER INSERT ON %s REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION audit_inserted(%s)', target, args);
  EXECUTE format('CREATE TRIGGER audit_upd AFTER UPDATE ON %s REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION audit_updated(%s)', target, args);
  EXECUTE format('CREATE TRIGGER audit_del AFTER DELETE ON %s REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION audit_deleted(%s)', target, args);
END $$;

-- Progress of long-running work (imports, print batches, resyncs) that people watch.
CREATE TABLE job_runs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind text NOT NULL,
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
  progress_current integer NOT NULL DEFAULT 0,
  progress_total integer,
  message text,
  params jsonb NOT NULL DEFAULT '{}',
  result jsonb,
  error jsonb,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz
);
CREATE INDEX job_runs_created_idx ON job_runs (created_at DESC);
