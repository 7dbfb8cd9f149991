-- Issue 11: per-institution configuration of the connectors (CROUS/Izly first), and the CROUS's
-- tariff rules as last fetched for each institution.
--
-- One row per connector and institution. `settings` holds what the connector's registered schema
-- describes (validated by the application, src/platform/connectors/); `secrets` holds, per secret
-- name, either the value encrypted with a key derived from CONNECTOR_SECRETS_KEY
-- ({"encrypted": "v1.…"}, bound to the connector, institution and name) or the name of a
-- CONNECTOR_SECRETS entry ({"env": "NAME"}): never a clear value. `paused` stops deliveries while
-- entries keep accumulating (the outbox drains them on resume).
CREATE TABLE connector_settings (
  -- `<connector>:<institution id>`, the key the audit log records rows under.
  id text GENERATED ALWAYS AS (connector_id || ':' || institution_id::text) STORED,
  connector_id text NOT NULL CHECK (connector_id ~ '^[a-z][a-z0-9-]{0,31}$'),
  institution_id smallint NOT NULL REFERENCES institutions (id),
  enabled boolean NOT NULL DEFAULT false,
  settings jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(settings) = 'object'),
  secrets jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(secrets) = 'object'),
  paused boolean NOT NULL DEFAULT false,
  paused_by text,
  paused_at timestamptz,
  paused_reason text CHECK (length(paused_reason) <= 500),
  updated_by text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connector_id, institution_id),
  CHECK (paused OR (paused_by IS NULL AND paused_at IS NULL AND paused_reason IS NULL))
);
-- Every change is audited (enabling, settings, pause and resume), the secrets column redacted.
SELECT audit_table('connector_settings', ARRAY['secrets']);

-- The tariff rules the CROUS publishes for an institution (GET /crous/{crousNumber}/organization/{rne}),
-- refreshed daily by a job (crous-tariff-rules-refresh) and on demand. `rules` is the CROUS's
-- answer as received (its order matters: the first matching rule wins). A failed refresh keeps
-- the previous rules and records the attempt and its error (the CROUS's code and message).
-- Not audited: data of the CROUS's, written by a job.
CREATE TABLE crous_tariff_rules (
  institution_id smallint PRIMARY KEY REFERENCES institutions (id),
  crous_number text,
  rne text,
  rules jsonb CHECK (rules IS NULL OR jsonb_typeof(rules) = 'array'),
  fetched_at timestamptz,
  last_attempt_at timestamptz NOT NULL,
  last_error text CHECK (length(last_error) <= 1000),
  CHECK ((rules IS NULL) = (fetched_at IS NULL))
);
