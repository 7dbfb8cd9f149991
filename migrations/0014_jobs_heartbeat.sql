-- Issue 8, work that a crash interrupts.
--
-- A process running a job run beats every few seconds (heartbeat_at, written for all the runs it
-- holds in one statement). A run still `running` whose heartbeat is old was left by a process
-- that is gone (kill -9, lost machine): a sweeper on every worker node hands its queue job back
-- to pg-boss for a retry, or fails the run with `worker_lost`, within a minute instead of at
-- pg-boss's expiry (an hour for imports).
--   holder         the process holding the run (a random id per process), so a sweeper never
--                  takes back the runs of its own, living process;
--   attempt        times the run was started; the writes of an attempt are fenced by it, so a
--                  process wrongly taken for dead cannot overwrite what a later attempt records;
--   queue_name,
--   queue_job_id   the pg-boss job executing the run, which the sweeper fails so that pg-boss
--                  retries it per its retry limit;
--   recovery       what the sweeper did last ({ reason, at, attempt, attempts, retrying }),
--                  shown on the job page.
ALTER TABLE job_runs
  ADD COLUMN heartbeat_at timestamptz,
  ADD COLUMN holder uuid,
  ADD COLUMN attempt integer NOT NULL DEFAULT 0,
  ADD COLUMN queue_name text,
  ADD COLUMN queue_job_id uuid,
  ADD COLUMN recovery jsonb;

CREATE INDEX job_runs_running_idx ON job_runs (heartbeat_at) WHERE status = 'running';
