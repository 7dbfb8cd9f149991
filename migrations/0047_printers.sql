-- Issue 13: card printers as managed objects, and the jobs their printer clients take.
--
-- A printer belongs to one institution (and a site of it, free text) and is driven by a printer
-- client (`campuscard printer-client`) that authenticates with the printer's own credential: a
-- random `ccp_` secret shown once at creation or rotation, stored as its SHA-256 (token_hash,
-- like API tokens). template_ids are the card templates it takes (no foreign key: the templates
-- module checks them; empty: any).
CREATE TABLE printers (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  institution_id smallint NOT NULL REFERENCES institutions (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  model text NOT NULL CHECK (length(model) BETWEEN 1 AND 100),
  site text NOT NULL DEFAULT '' CHECK (length(site) <= 100),
  duplex boolean NOT NULL DEFAULT true,
  template_ids uuid[] NOT NULL DEFAULT '{}' CHECK (cardinality(template_ids) <= 100),
  enabled boolean NOT NULL DEFAULT true,
  token_hash text NOT NULL UNIQUE,
  token_hint text NOT NULL,
  token_created_at timestamptz NOT NULL DEFAULT now(),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_by text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (institution_id, name)
);
SELECT audit_table('printers', ARRAY['token_hash']);

-- The printer client's last call (heartbeat or any other), which the console turns into online /
-- offline. A table of its own, not audited: a heartbeat every 30 s is not a change to record.
CREATE TABLE printer_presence (
  printer_id uuid PRIMARY KEY REFERENCES printers (id) ON DELETE CASCADE,
  last_seen_at timestamptz NOT NULL,
  client_version text CHECK (length(client_version) <= 100),
  -- What the client last said about its spooler (idle, printing, error) and why.
  client_state text CHECK (length(client_state) <= 32),
  client_message text CHECK (length(client_message) <= 500)
);

-- A print batch (a PDF of selected cards, made by the card templates module) sent to a printer.
-- queued → taken (the client claimed it) → printing (pages going to the spooler) → done | failed;
-- cancelled by the office before the client took it. batch_id is the templates module's print
-- batch (no foreign key: that module owns it); file_path a PDF on this node's disk instead, for
-- jobs not made from a batch (the demo's sample sheet). Exactly one of them is set.
CREATE TABLE printer_jobs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  printer_id uuid NOT NULL REFERENCES printers (id) ON DELETE CASCADE,
  institution_id smallint NOT NULL REFERENCES institutions (id) ON DELETE CASCADE,
  batch_id uuid,
  file_path text,
  title text NOT NULL DEFAULT '' CHECK (length(title) <= 200),
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'taken', 'printing', 'done', 'failed', 'cancelled')),
  cards_total integer CHECK (cards_total >= 0),
  pages_total integer CHECK (pages_total >= 0),
  cards_done integer NOT NULL DEFAULT 0 CHECK (cards_done >= 0),
  pages_done integer NOT NULL DEFAULT 0 CHECK (pages_done >= 0),
  -- The batch was marked taken (cards IN_PRINT) when the client first fetched the file.
  file_fetched_at timestamptz,
  error_code text CHECK (length(error_code) <= 64),
  error_message text CHECK (length(error_message) <= 1000),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  taken_at timestamptz,
  finished_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((batch_id IS NULL) <> (file_path IS NULL))
);
-- The client's poll (its printer's oldest queued job, or the one it holds) and the console's counts.
CREATE INDEX printer_jobs_printer_status_idx ON printer_jobs (printer_id, status, created_at);
-- Not audited: progress reports would fill the log; the cards' moves (IN_PRINT, PRINTED) are
-- audited by the cards, and who sent which batch is the job's created_by.
