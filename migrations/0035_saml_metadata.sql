-- Issue 10: the IdP metadata of each SAML login method, refreshed by a scheduled job
-- (sso.saml-metadata-refresh, daily and at start when a method has no copy) and shared by every
-- node: logins read the stored copy and never wait for a federation aggregate's download.
--
-- `metadata` is what was read from the verified document (entity id, signing certificates,
-- endpoints), not the document: an aggregate is tens of MB, the IdP's part a few KB. A failed
-- refresh leaves metadata, fetched_at and valid_until alone and only records the attempt and its
-- error (no personal data in it: it says what was wrong with a public document).
-- One row per method id of SSO_METHODS; not audited (public data written by a job).
CREATE TABLE saml_metadata (
  method_id text PRIMARY KEY CHECK (method_id ~ '^[a-z0-9][a-z0-9-]{0,31}$'),
  metadata jsonb CHECK (metadata IS NULL OR jsonb_typeof(metadata) = 'object'),
  -- When the stored metadata was fetched and verified.
  fetched_at timestamptz,
  -- The earliest validUntil of the document: past it, the copy is not used.
  valid_until timestamptz,
  last_attempt_at timestamptz NOT NULL,
  -- Why the last attempt failed; null after a success.
  last_error text CHECK (length(last_error) <= 1000),
  CHECK ((metadata IS NULL) = (fetched_at IS NULL))
);
