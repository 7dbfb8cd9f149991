-- Issue 10: single sign-on (core shared by CAS, SAML and OpenID Connect).
--
-- How to reach an identity provider (URLs, client secrets, metadata) comes from the environment
-- (SSO_METHODS); what an admin decides about a method lives here, one row per configured method
-- (same id). A configured method without a row is disabled with default settings.
CREATE TABLE login_methods (
  id text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,31}$'),
  enabled boolean NOT NULL DEFAULT false,
  -- The button's wording on the login page, per language.
  label_fr text NOT NULL CHECK (length(label_fr) BETWEEN 1 AND 120),
  label_en text NOT NULL CHECK (length(label_en) BETWEEN 1 AND 120),
  -- Whose persons the method identifies; null for a federation-wide IdP (institution from enrolments).
  institution_id smallint REFERENCES institutions (id),
  -- The attribute carrying the eppn (canonical name, or the raw name the IdP sends).
  eppn_attribute text NOT NULL DEFAULT 'eduPersonPrincipalName' CHECK (length(eppn_attribute) BETWEEN 1 AND 200),
  -- Person field → attribute, overriding the defaults of sso-attributes.ts.
  field_attributes jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(field_attributes) = 'object'),
  -- Person fields a login may update from the IdP's attributes.
  trusted_fields text[] NOT NULL DEFAULT '{}',
  -- The attribute carrying group memberships; null: isMemberOf, memberOf or groups.
  groups_attribute text CHECK (length(groups_attribute) BETWEEN 1 AND 200),
  -- Whether an unknown person may be created at login (only with an affiliation that maps to a
  -- person type allowing self-request at the method's institution).
  create_unknown boolean NOT NULL DEFAULT false,
  -- Shown to people who are refused (whom to contact).
  contact text NOT NULL DEFAULT '' CHECK (length(contact) <= 1000),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
SELECT audit_table('login_methods');

-- A login begun and not yet come back from the IdP: only the hash of its state is kept; single
-- use (deleted when taken), 10 minutes. In PostgreSQL so that any node can finish it.
CREATE TABLE sso_pending_logins (
  state_hash text PRIMARY KEY,
  method_id text NOT NULL,
  return_to text,
  -- Protocol data (SAML AuthnRequest id, OIDC code_verifier and nonce).
  payload jsonb NOT NULL DEFAULT '{}',
  expires_at timestamptz NOT NULL
);
CREATE INDEX sso_pending_logins_expires_idx ON sso_pending_logins (expires_at);

-- Ids seen once (SAML assertion ids, OIDC logout-token jti), hashed, until they expire: replays are refused.
CREATE TABLE sso_seen_ids (
  method_id text NOT NULL,
  id_hash text NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (method_id, id_hash)
);
CREATE INDEX sso_seen_ids_expires_idx ON sso_seen_ids (expires_at);

-- Sessions opened by single sign-on: the method, what a single-logout message names (CAS ticket,
-- SAML NameID + SessionIndex, OIDC sid or sub), and what ending the IdP session needs.
ALTER TABLE sessions
  ADD COLUMN sso_method_id text,
  ADD COLUMN sso_session_key text,
  ADD COLUMN sso_logout_data jsonb;
CREATE INDEX sessions_sso_key_idx ON sessions (sso_method_id, sso_session_key) WHERE sso_session_key IS NOT NULL;
-- The logout data holds an ID token hint: like the token hash, it never reaches the audit log.
DROP TRIGGER audit_ins ON sessions;
DROP TRIGGER audit_upd ON sessions;
DROP TRIGGER audit_del ON sessions;
SELECT audit_table('sessions', ARRAY['token_hash', 'sso_session_key', 'sso_logout_data']);

-- The eppn an account logs in with by single sign-on: an office role can be granted to an eppn
-- before its person ever logged in. Case-insensitive, unique.
ALTER TABLE accounts ADD COLUMN eppn text CHECK (length(eppn) BETWEEN 3 AND 320);
CREATE UNIQUE INDEX accounts_eppn_key ON accounts (lower(eppn)) WHERE eppn IS NOT NULL;
