-- Issue 10 follow-ups: login CSRF and SAML single logout naming only a NameID.
--
-- A pending login is bound to the browser that started it: the hash of a random value kept in a
-- short-lived HttpOnly cookie of that browser. The callback completes only in the same browser.
-- Pending logins begun before this migration have none and can no longer complete (10 minutes).
ALTER TABLE sso_pending_logins ADD COLUMN browser_hash text;

-- What a single-logout message naming the subject only (a SAML LogoutRequest with a NameID and
-- no SessionIndex) matches: a hash of the subject, kept next to the session key.
ALTER TABLE sessions ADD COLUMN sso_subject_key text;
CREATE INDEX sessions_sso_subject_idx ON sessions (sso_method_id, sso_subject_key) WHERE sso_subject_key IS NOT NULL;
-- Like the session key, the subject key (derived from the person's NameID) stays out of the audit log.
DROP TRIGGER audit_ins ON sessions;
DROP TRIGGER audit_upd ON sessions;
DROP TRIGGER audit_del ON sessions;
SELECT audit_table('sessions', ARRAY['token_hash', 'sso_session_key', 'sso_logout_data', 'sso_subject_key']);
