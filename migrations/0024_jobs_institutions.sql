-- Issue 9: a job run belongs to the institution whose data it works on (an import into one
-- institution, a reconcile of one institution's router records), so that an office of another
-- institution neither lists nor opens it. Null: work on the whole deployment (seen by callers with
-- no institution limit, and by whoever started it).
ALTER TABLE job_runs ADD COLUMN institution_id smallint REFERENCES institutions (id);
CREATE INDEX job_runs_institution_idx ON job_runs (institution_id, created_at DESC);

-- The institutions' ESC Router keys are encrypted, and still no business of the audit log's
-- readers: they appear there as "[redacted]", like the logo's bytes.
DROP TRIGGER audit_ins ON institutions;
DROP TRIGGER audit_upd ON institutions;
DROP TRIGGER audit_del ON institutions;
SELECT audit_table('institutions', ARRAY['logo', 'esc_api_key_encrypted']);
