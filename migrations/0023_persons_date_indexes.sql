-- Issue 9: the persons list, one row per enrolment, sorted by a person's creation or last change
-- walks these indexes (it used to sort every enrolment in scope: about 2 s at 1M persons).
CREATE INDEX persons_created_idx ON persons (created_at, id);
CREATE INDEX persons_updated_idx ON persons (updated_at, id);
