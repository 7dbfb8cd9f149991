-- Accounts, sessions, API tokens and login throttling. Secrets are stored as hashes only.
CREATE TABLE accounts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL,
  display_name text NOT NULL,
  password_hash text,
  role text NOT NULL CHECK (role IN ('admin', 'manager', 'viewer', 'station', 'deliverer', 'cardholder')),
  person_types text[],
  person_id uuid,
  disabled_at timestamptz,
  last_login_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX accounts_email_key ON accounts (lower(email));
CREATE UNIQUE INDEX accounts_person_key ON accounts (person_id) WHERE person_id IS NOT NULL;
SELECT audit_table('accounts', ARRAY['password_hash']);

CREATE TABLE sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  token_hash text NOT NULL UNIQUE,
  account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  ip text,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_account_idx ON sessions (account_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);
SELECT audit_table('sessions', ARRAY['token_hash']);

CREATE TABLE api_tokens (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  token_prefix text NOT NULL,
  token_hash text NOT NULL UNIQUE,
  role text NOT NULL CHECK (role IN ('admin', 'manager', 'viewer', 'station', 'deliverer')),
  person_types text[],
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
SELECT audit_table('api_tokens', ARRAY['token_hash']);

-- Failed logins per (hashed) key within a sliding window; no raw e-mail or address is kept.
CREATE TABLE login_failures (
  id bigserial PRIMARY KEY,
  key_hash text NOT NULL,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_key_idx ON login_failures (key_hash, at);
