-- Issue 10: office roles from directory / identity-provider groups.
--
-- An admin maps a group (as the IdP or the directory names it: a DN or a short name, compared
-- case-insensitively, see domain/group-roles.ts) to an office role, with the person types (managers
-- and viewers) and the institutions the grant covers. Several matching mappings give the strongest
-- role; its person types and institutions are united.
CREATE TABLE group_role_mappings (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  group_name text NOT NULL CHECK (length(group_name) BETWEEN 1 AND 1000),
  -- The name normalised for matching (normalizeGroup: lower case, no spaces around DN separators).
  group_key text NOT NULL CHECK (length(group_key) BETWEEN 1 AND 1000),
  role text NOT NULL CHECK (role IN ('admin', 'manager', 'station', 'deliverer', 'viewer')),
  -- Only for managers and viewers; null: every person type.
  person_types text[] CHECK (person_types IS NULL OR role IN ('manager', 'viewer')),
  -- Institutions the grant covers (a federation covers its members); null: all (only an admin of
  -- the whole deployment may make such a mapping).
  institution_ids smallint[],
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX group_role_mappings_group_idx ON group_role_mappings (group_key);
SELECT audit_table('group_role_mappings');

-- The groups last reported for an eppn, per origin: `login:<method id>` (the groups attribute of
-- the last login through that method) or `source:<person source id>` (the last directory sync).
-- A new report of an origin replaces its previous one; an eppn's groups are the union of its
-- origins' last reports. Groups are stored normalised (lower case, DN spacing removed). These are
-- observations, rewritten at every login and sync, so they are not audited row by row: the
-- decisions taken from them (group_role_grants, accounts) are.
CREATE TABLE group_memberships (
  eppn text NOT NULL CHECK (eppn = lower(eppn) AND length(eppn) BETWEEN 3 AND 320),
  origin text NOT NULL CHECK (origin ~ '^(login|source):[A-Za-z0-9._:-]{1,100}$'),
  groups text[] NOT NULL,
  seen_at timestamptz NOT NULL,
  PRIMARY KEY (eppn, origin)
);
CREATE INDEX group_memberships_groups_idx ON group_memberships USING gin (groups);

-- Accounts whose office role comes from groups (id = the account's id). An account without a row
-- here holds a local grant, made by an admin, which groups never change (an admin changing the
-- role of a group-granted account makes it local: the row goes). `mapping_ids` and `groups` say
-- which mappings and groups gave `role` at the last change. `revoked_at` is set when the last
-- matching group is gone: the account then went back to the person's cardholder account or was
-- disabled; the row stays so that the group coming back restores it, and so that it is never
-- mistaken for a local grant. `last_change` describes the last grant, change or removal (action,
-- role, mappings, groups, origin, moment): it differs at every change, so each audit entry of this
-- table names the mapping and the origin of what it records.
CREATE TABLE group_role_grants (
  id uuid PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('admin', 'manager', 'station', 'deliverer', 'viewer')),
  mapping_ids uuid[] NOT NULL,
  groups text[] NOT NULL,
  -- `login:<method id>` or `source:<id>` whose report decided the last change, or `job` (periodic run).
  origin text NOT NULL CHECK (length(origin) BETWEEN 1 AND 110),
  -- True when the account was the person's cardholder account before groups promoted it.
  was_cardholder boolean NOT NULL,
  granted_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  last_change jsonb NOT NULL
);
SELECT audit_table('group_role_grants');
