-- European Student Card: the transactional outbox of ESC Router sync, a record of what campuscard
-- may have put at the router, and per-person delivery leases.

-- One row per change that may alter what the router should hold about a person. Rows are written
-- in the transaction of the change; a worker later brings the router to the person's CURRENT
-- state (state-based delivery), so duplicates and reordering are harmless.
-- Not audited: it is operational (three writes per change); replays record who asked.
CREATE TABLE esc_outbox (
  id bigserial PRIMARY KEY,
  person_id uuid NOT NULL,
  operation text NOT NULL DEFAULT 'sync_person' CHECK (operation IN ('sync_person')),
  reason text NOT NULL,
  target jsonb NOT NULL DEFAULT '{}',
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error_code text,
  last_error_message text,
  router_status integer,
  result jsonb,
  superseded_by bigint,
  created_by text NOT NULL DEFAULT audit_actor(),
  created_at timestamptz NOT NULL DEFAULT now(),
  done_at timestamptz,
  replayed_by text,
  replayed_at timestamptz
);
CREATE INDEX esc_outbox_pending_idx ON esc_outbox (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX esc_outbox_person_idx ON esc_outbox (person_id, id);
CREATE INDEX esc_outbox_failed_idx ON esc_outbox (id) WHERE status = 'failed';
CREATE INDEX esc_outbox_done_idx ON esc_outbox (done_at) WHERE status = 'done';

-- Everything that may exist at the router because campuscard sent it. A row is written (with a
-- NULL body_hash: "uncertain") before any upsert and removed only after a confirmed delete, so a
-- crash or timeout between the call and its bookkeeping never makes campuscard forget something
-- it has to delete later (consent withdrawn, rights ended).
CREATE TABLE esc_router_records (
  person_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('person', 'card')),
  identifier text NOT NULL,
  body_hash text,
  router_status text,
  confirmed_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (person_id, kind, identifier)
);
CREATE INDEX esc_router_records_identifier_idx ON esc_router_records (kind, identifier);

-- One worker at a time per person, across processes, without holding a transaction open during
-- router calls (PGlite has a single connection). A lease whose time has passed may be taken over.
CREATE TABLE esc_sync_leases (
  person_id uuid PRIMARY KEY,
  owner text NOT NULL,
  expires_at timestamptz NOT NULL
);
