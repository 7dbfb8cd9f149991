-- Issue 8, credentials and sessions.

-- An API token acts for an account: it dies with it (ON DELETE CASCADE) and, at use, is never
-- worth more than that account's current role and person-type limits (checked when the token is
-- resolved). Existing tokens act for the account that created them, or for the account behind the
-- token that created them; tokens created outside any account (CLI, tests) are revoked here, since
-- nobody's rights can bound them.
ALTER TABLE api_tokens ADD COLUMN account_id uuid REFERENCES accounts (id) ON DELETE CASCADE;

WITH RECURSIVE chain (token_id, origin) AS (
  SELECT id, created_by FROM api_tokens
  UNION ALL
  SELECT chain.token_id, parent.created_by
  FROM chain JOIN api_tokens parent ON chain.origin = 'token:' || parent.id::text
)
UPDATE api_tokens SET account_id = accounts.id
FROM chain JOIN accounts ON chain.origin = 'account:' || accounts.id::text
WHERE api_tokens.id = chain.token_id;

UPDATE api_tokens SET revoked_at = now() WHERE account_id IS NULL AND revoked_at IS NULL;

ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_live_has_account CHECK (account_id IS NOT NULL OR revoked_at IS NOT NULL);
CREATE INDEX api_tokens_account_idx ON api_tokens (account_id);

-- Login throttling: one row per hashed key (e-mail or client address) holding the moments of the
-- attempts still inside the window (at most the limit). An attempt is reserved by one upsert
-- that takes the row's lock, so concurrent attempts on any number of nodes never pass the limit.
DROP TABLE login_failures;
CREATE TABLE login_throttle (
  key_hash text PRIMARY KEY,
  attempts timestamptz[] NOT NULL,
  admitted boolean NOT NULL
);
