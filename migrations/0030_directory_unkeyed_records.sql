-- Issue 10 follow-up: a sync run counts the bad records whose key could not be read. While any
-- such record exists, a full run takes nobody for gone (that record might be anyone) and says so.
ALTER TABLE person_source_runs ADD COLUMN unkeyed_count integer NOT NULL DEFAULT 0;
