-- A no-change directory resync decodes nothing (issue 10's benchmark): beside each entry's
-- fingerprint, the source's digest of the entry as it sent it (LDAP: the bytes of its search
-- result entry, under the source's settings) and the entry's identity (institution and eppn, to
-- find duplicate eppns without decoding). Null for entries stored before, and for sources that
-- give no raw digest (CSV, SQL, REST): those entries are decoded as before.
ALTER TABLE person_source_entries ADD COLUMN raw_digest text, ADD COLUMN identity text;
