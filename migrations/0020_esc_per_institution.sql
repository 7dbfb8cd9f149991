-- Issue 9: the ESC Router sync per institution. Each institution registers its own view of a
-- person (identity, its enrolment's level and e-mail, the cards it issued) with its own PIC and
-- API key; the router keeps one institution's records apart from another's. An outbox entry now
-- means "bring institution I's view of person P to the router"; what was sent and the delivery
-- leases are kept per institution and person too. Existing rows belong to the first institution,
-- the only one there was.

-- Outbox --------------------------------------------------------------------------------------
ALTER TABLE esc_outbox ADD COLUMN institution_id smallint;
UPDATE esc_outbox SET institution_id = (SELECT min(id) FROM institutions);
ALTER TABLE esc_outbox ALTER COLUMN institution_id SET NOT NULL;
ALTER TABLE esc_outbox ADD CONSTRAINT esc_outbox_institution_fk FOREIGN KEY (institution_id) REFERENCES institutions (id);
-- A delivery claims the pending entries of one institution and person; a person's page lists
-- theirs across institutions (the person prefix).
DROP INDEX esc_outbox_person_idx;
CREATE INDEX esc_outbox_person_idx ON esc_outbox (person_id, institution_id, id);
-- Operators' lists of one institution, newest first.
CREATE INDEX esc_outbox_institution_idx ON esc_outbox (institution_id, id);

-- What may be at the router, per institution ---------------------------------------------------
ALTER TABLE esc_router_records ADD COLUMN institution_id smallint;
UPDATE esc_router_records SET institution_id = (SELECT min(id) FROM institutions);
ALTER TABLE esc_router_records ALTER COLUMN institution_id SET NOT NULL;
ALTER TABLE esc_router_records ADD CONSTRAINT esc_router_records_institution_fk FOREIGN KEY (institution_id) REFERENCES institutions (id);
ALTER TABLE esc_router_records DROP CONSTRAINT esc_router_records_pkey;
ALTER TABLE esc_router_records ADD PRIMARY KEY (institution_id, person_id, kind, identifier);
-- A person's records across institutions (person page, entries written for every institution
-- that holds something about them).
CREATE INDEX esc_router_records_person_idx ON esc_router_records (person_id, institution_id);

-- One worker at a time per institution and person -----------------------------------------------
ALTER TABLE esc_sync_leases ADD COLUMN institution_id smallint;
UPDATE esc_sync_leases SET institution_id = (SELECT min(id) FROM institutions);
ALTER TABLE esc_sync_leases ALTER COLUMN institution_id SET NOT NULL;
ALTER TABLE esc_sync_leases DROP CONSTRAINT esc_sync_leases_pkey;
ALTER TABLE esc_sync_leases ADD PRIMARY KEY (institution_id, person_id);
