-- Outgoing mails: queued, then sent by a job (SMTP) or kept for reading (embedded/demo mode).
CREATE TABLE mails (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  person_id uuid,
  to_address text NOT NULL,
  locale text NOT NULL CHECK (locale IN ('fr', 'en')),
  template text NOT NULL,
  subject text NOT NULL,
  body_text text NOT NULL,
  body_html text NOT NULL,
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'stored', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz
);
CREATE INDEX mails_person_idx ON mails (person_id, created_at DESC);
CREATE INDEX mails_status_idx ON mails (status, created_at);
SELECT audit_table('mails');
