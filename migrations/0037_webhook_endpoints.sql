-- Issue 11: the webhook endpoints outside systems register to receive events
-- (src/platform/events/event-catalogue.ts), signed following Standard Webhooks. Deliveries go
-- through the connector outbox; this table says where to, what and with which secrets.
--
-- An endpoint belongs to one institution (a federation: its members' events too) or, with
-- institution_id null, to the whole deployment (only callers without an institution limit see
-- or manage those). `event_names` holds catalogue names or `<prefix>.*` wildcards (`card.*`);
-- `grants` the granted parts of an event the endpoint may receive (holder: names and eppn; csn:
-- the chip number): events carry ids and states otherwise.
--
-- Secrets are `whsec_` secrets encrypted with a key derived from CONNECTOR_SECRETS_KEY and bound
-- to the endpoint (never stored clear, redacted in the audit log). A rotation keeps the previous
-- secret signing beside the new one until previous_secret_expires_at, so receivers can switch at
-- their pace; a second rotation within that grace replaces it.
--
-- status: active (delivered), paused (entries accumulate and drain on resume), disabled (no
-- entry written; e.g. after the receiver answered 410 Gone).
CREATE TABLE webhook_endpoints (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  institution_id smallint REFERENCES institutions (id) ON DELETE CASCADE,
  url text NOT NULL CHECK (length(url) BETWEEN 1 AND 2000),
  description text NOT NULL DEFAULT '' CHECK (length(description) <= 500),
  event_names text[] NOT NULL CHECK (cardinality(event_names) BETWEEN 1 AND 100),
  grants text[] NOT NULL DEFAULT '{}' CHECK (grants <@ ARRAY['holder', 'csn']::text[]),
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'disabled')),
  status_reason text CHECK (length(status_reason) <= 500),
  secret_encrypted text NOT NULL,
  secret_hint text NOT NULL,
  secret_created_at timestamptz NOT NULL DEFAULT now(),
  previous_secret_encrypted text,
  previous_secret_hint text,
  previous_secret_expires_at timestamptz,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_by text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((previous_secret_encrypted IS NULL) = (previous_secret_expires_at IS NULL)
     AND (previous_secret_encrypted IS NULL) = (previous_secret_hint IS NULL))
);
-- Lists per institution, and the fan-out looking up the endpoints of an event's institution.
CREATE INDEX webhook_endpoints_institution_idx ON webhook_endpoints (institution_id);
SELECT audit_table('webhook_endpoints', ARRAY['secret_encrypted', 'previous_secret_encrypted']);
