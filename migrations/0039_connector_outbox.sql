-- Connectors: the ESC Router's outbox, router records and leases become the tables every
-- connector shares (issue 11), keyed by connector. Rows keep their ids and values; the ESC
-- Router's are connector 'esc'. An entry stays about a subject, "institution I's view of person
-- P": every connector so far (ESC Router, CROUS) keeps a remote system in step per person.

ALTER TABLE esc_outbox RENAME TO sync_outbox;
ALTER SEQUENCE esc_outbox_id_seq RENAME TO sync_outbox_id_seq;
ALTER TABLE sync_outbox ADD COLUMN connector text NOT NULL DEFAULT 'esc';
ALTER TABLE sync_outbox ALTER COLUMN connector DROP DEFAULT;
-- The remote system's HTTP status of the last failure (was the router's).
ALTER TABLE sync_outbox RENAME COLUMN router_status TO remote_status;
-- What an entry asks is the connector's business, not a fixed list.
ALTER TABLE sync_outbox DROP CONSTRAINT esc_outbox_operation_check;
ALTER TABLE sync_outbox RENAME CONSTRAINT esc_outbox_institution_fk TO sync_outbox_institution_fk;
ALTER TABLE sync_outbox RENAME CONSTRAINT esc_outbox_status_check TO sync_outbox_status_check;
ALTER INDEX esc_outbox_pkey RENAME TO sync_outbox_pkey;
DROP INDEX esc_outbox_pending_idx;
DROP INDEX esc_outbox_person_idx;
DROP INDEX esc_outbox_failed_idx;
DROP INDEX esc_outbox_done_idx;
DROP INDEX esc_outbox_institution_idx;
-- A connector's due entries, oldest first (its workers' poll).
CREATE INDEX sync_outbox_pending_idx ON sync_outbox (connector, next_attempt_at, id) WHERE status = 'pending';
-- A subject's pending entries (claims, settlements). Without it the planner, seeing a fresh
-- outbox as tiny, walks the connector's whole pending index once per claimed subject.
CREATE INDEX sync_outbox_subject_pending_idx ON sync_outbox (connector, institution_id, person_id, id) WHERE status = 'pending';
-- A person's entries across connectors (the person page, a person's job).
CREATE INDEX sync_outbox_person_idx ON sync_outbox (person_id, connector, institution_id, id);
-- A connector's failed entries, and a subject's (a success resolves the subject's older failures).
CREATE INDEX sync_outbox_failed_idx ON sync_outbox (connector, institution_id, person_id, id) WHERE status = 'failed';
CREATE INDEX sync_outbox_done_idx ON sync_outbox (connector, done_at) WHERE status = 'done';
-- Operators' lists of one connector and institution, newest first.
CREATE INDEX sync_outbox_institution_idx ON sync_outbox (connector, institution_id, id);

-- What may exist at the remote system because campuscard sent it (see 0010): a connector's own kinds.
ALTER TABLE esc_router_records RENAME TO sync_records;
ALTER TABLE sync_records ADD COLUMN connector text NOT NULL DEFAULT 'esc';
ALTER TABLE sync_records ALTER COLUMN connector DROP DEFAULT;
ALTER TABLE sync_records RENAME COLUMN router_status TO remote_status;
ALTER TABLE sync_records DROP CONSTRAINT esc_router_records_kind_check;
ALTER TABLE sync_records RENAME CONSTRAINT esc_router_records_institution_fk TO sync_records_institution_fk;
ALTER TABLE sync_records DROP CONSTRAINT esc_router_records_pkey;
ALTER TABLE sync_records ADD CONSTRAINT sync_records_pkey PRIMARY KEY (connector, institution_id, person_id, kind, identifier);
DROP INDEX esc_router_records_identifier_idx;
DROP INDEX esc_router_records_person_idx;
CREATE INDEX sync_records_identifier_idx ON sync_records (connector, kind, identifier);
CREATE INDEX sync_records_person_idx ON sync_records (person_id, connector, institution_id);

-- One worker at a time per connector, institution and person.
ALTER TABLE esc_sync_leases RENAME TO sync_leases;
ALTER TABLE sync_leases ADD COLUMN connector text NOT NULL DEFAULT 'esc';
ALTER TABLE sync_leases ALTER COLUMN connector DROP DEFAULT;
ALTER TABLE sync_leases DROP CONSTRAINT esc_sync_leases_pkey;
-- The subject first: the due-entries poll looks leases up per entry, by institution and person.
ALTER TABLE sync_leases ADD CONSTRAINT sync_leases_pkey PRIMARY KEY (institution_id, person_id, connector);
