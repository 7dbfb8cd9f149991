-- Issue 10: persons pulled from directories (LDAP, SQL, REST/JSON, CSV) on a schedule.
--
-- A source's definition: how to reach it (settings, with secrets only by the name of an
-- environment variable, never their value), how its attributes become person fields (mapping),
-- when it runs, and what happens to persons it no longer returns (their rights end; nobody is
-- ever deleted).
CREATE TABLE person_sources (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- Short name, used by the CLI (`campuscard directory sync <name>`) and in the audit actor.
  name text NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
  -- The institution every record is enrolled at; null: from an attribute of the record
  -- (e.g. supannEtablissement), mapped to institution codes in the mapping.
  institution_id smallint REFERENCES institutions (id),
  kind text NOT NULL CHECK (kind IN ('ldap', 'sql', 'rest', 'csv')),
  settings jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(settings) = 'object'),
  mapping jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(mapping) = 'object'),
  -- Cron expression (5 fields, UTC); null: on demand only.
  schedule text CHECK (length(schedule) BETWEEN 1 AND 100),
  -- Scheduled runs read only what changed since the watermark (a full run still detects gone persons).
  incremental boolean NOT NULL DEFAULT false,
  -- When the rights of a person the source no longer returns end: 'today', '+N days' or a date.
  gone_policy text NOT NULL DEFAULT 'today'
    CHECK (gone_policy ~ '^(today|\+[0-9]{1,4} days|[0-9]{4}-[0-9]{2}-[0-9]{2})$'),
  -- A full read returning fewer than this share of the last full count stops for confirmation.
  min_ratio real NOT NULL DEFAULT 0.9 CHECK (min_ratio >= 0 AND min_ratio <= 1),
  -- Whether the source's photos may seed the card-request photo of persons who have none.
  photos_allowed boolean NOT NULL DEFAULT false,
  watermark text,
  last_full_count integer CHECK (last_full_count >= 0),
  -- When the scheduler runs it next (computed from `schedule`); claimed by the minute tick.
  next_run_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX person_sources_due_idx ON person_sources (next_run_at) WHERE next_run_at IS NOT NULL;
-- Changes to a source's definition are audited (settings hold no secret values).
SELECT audit_table('person_sources');

-- What each source gave last time, to diff the next read against: one row per source record.
-- Not audited: it mirrors the source, and the persons it leads to are audited themselves.
CREATE TABLE person_source_entries (
  source_id uuid NOT NULL REFERENCES person_sources (id) ON DELETE CASCADE,
  key text NOT NULL,
  person_id uuid REFERENCES persons (id) ON DELETE SET NULL,
  institution_id smallint REFERENCES institutions (id),
  -- Hash of the mapped record (person fields, institution, groups, photo): equal means unchanged.
  fingerprint text NOT NULL,
  -- The run that last wrote this entry (new, changed, gone or back); unchanged entries are not written.
  last_seen_run uuid,
  -- Set when a full read no longer returned the entry (its rights were ended then).
  gone_at timestamptz,
  PRIMARY KEY (source_id, key)
);
CREATE INDEX person_source_entries_person_idx ON person_source_entries (person_id);

-- Every sync of a source, with its diff counts and a sample of its first changes.
CREATE TABLE person_source_runs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  source_id uuid NOT NULL REFERENCES person_sources (id) ON DELETE CASCADE,
  mode text NOT NULL CHECK (mode IN ('full', 'incremental')),
  dry_run boolean NOT NULL DEFAULT false,
  status text NOT NULL DEFAULT 'queued'
    CHECK (status IN ('queued', 'running', 'awaiting_confirmation', 'succeeded', 'failed', 'cancelled')),
  -- Records read from the source (valid or not).
  read_count integer NOT NULL DEFAULT 0,
  new_count integer NOT NULL DEFAULT 0,
  changed_count integer NOT NULL DEFAULT 0,
  gone_count integer NOT NULL DEFAULT 0,
  unchanged_count integer NOT NULL DEFAULT 0,
  error_count integer NOT NULL DEFAULT 0,
  -- The first changes ({ kind, key, eppn, fields }) and record errors ({ key, field, code, message }).
  sample jsonb NOT NULL DEFAULT '[]',
  errors jsonb NOT NULL DEFAULT '[]',
  -- Why the run stopped or failed ({ code, message, ... }).
  outcome jsonb,
  job_run_id uuid REFERENCES job_runs (id) ON DELETE SET NULL,
  trigger text NOT NULL DEFAULT 'manual' CHECK (trigger IN ('manual', 'schedule')),
  created_by text NOT NULL,
  confirmed_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz
);
CREATE INDEX person_source_runs_source_idx ON person_source_runs (source_id, created_at DESC);
-- One active run per source at a time: a second one (a click while the schedule runs it) is refused.
CREATE UNIQUE INDEX person_source_runs_active_idx ON person_source_runs (source_id)
  WHERE status IN ('queued', 'running', 'awaiting_confirmation');
