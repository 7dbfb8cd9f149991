-- Photos: identical bytes are stored once per person, and only the photos still needed are kept:
-- the person's current photo (the one uploaded last) and every photo a card points to.

-- When the photo was last uploaded: sending identical bytes again makes the stored row current.
ALTER TABLE photos ADD COLUMN uploaded_at timestamptz;

-- Bookkeeping of this migration, not a change anybody made: kept out of the audit log, which
-- would otherwise get one entry per stored photo. The hash is recomputed from the stored bytes so
-- that rows are merged only when their bytes really are identical.
ALTER TABLE photos DISABLE TRIGGER audit_upd;
UPDATE photos SET sha256 = encode(sha256(jpeg), 'hex'), uploaded_at = created_at;
-- Of identical photos the oldest row stays, as recent as the latest upload of its group.
UPDATE photos p SET uploaded_at = g.last_upload
FROM (SELECT person_id, sha256, min(created_at) AS first_created, max(uploaded_at) AS last_upload
      FROM photos GROUP BY person_id, sha256 HAVING count(*) > 1) g
WHERE p.person_id = g.person_id AND p.sha256 = g.sha256 AND p.created_at = g.first_created;
ALTER TABLE photos ENABLE TRIGGER audit_upd;
ALTER TABLE photos ALTER COLUMN uploaded_at SET DEFAULT clock_timestamp(), ALTER COLUMN uploaded_at SET NOT NULL;

-- Cards showing a duplicate show the surviving row instead (same bytes), then duplicates go.
CREATE TEMPORARY TABLE photo_duplicates ON COMMIT DROP AS
  SELECT id, keep_id FROM (
    SELECT id, first_value(id) OVER (PARTITION BY person_id, sha256 ORDER BY created_at, id) AS keep_id FROM photos
  ) ranked
  WHERE id <> keep_id;
UPDATE cards c SET photo_id = d.keep_id FROM photo_duplicates d WHERE c.photo_id = d.id;
DELETE FROM photos p USING photo_duplicates d WHERE p.id = d.id;

-- Looked up by every photo deletion (the foreign key) once photos are pruned.
CREATE INDEX cards_photo_idx ON cards (photo_id) WHERE photo_id IS NOT NULL;

-- Photos that are neither their person's current one nor shown by a card.
DELETE FROM photos p
WHERE NOT EXISTS (SELECT 1 FROM cards c WHERE c.photo_id = p.id)
  AND p.id <> (SELECT q.id FROM photos q WHERE q.person_id = p.person_id ORDER BY q.uploaded_at DESC, q.id DESC LIMIT 1);

-- What makes storing identical bytes a reuse (INSERT .. ON CONFLICT), whatever the concurrency.
-- It also serves every lookup by person, so the older index is dropped.
CREATE UNIQUE INDEX photos_person_sha256_key ON photos (person_id, sha256);
DROP INDEX photos_person_idx;

-- Whenever a transaction stored or reused a photo, at its commit (after the caller repointed its
-- card), the person's photos that are neither current nor shown by a card are deleted. Whether a
-- card shows one is the cards' foreign key's to say: a photo it protects makes the deletion fail
-- (foreign_key_violation) and stays. Nothing here reads the cards table.
CREATE FUNCTION photos_prune_unneeded() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  candidate uuid;
BEGIN
  FOR candidate IN
    SELECT p.id FROM photos p
    WHERE p.person_id = NEW.person_id
      AND p.id <> (SELECT q.id FROM photos q WHERE q.person_id = NEW.person_id ORDER BY q.uploaded_at DESC, q.id DESC LIMIT 1)
  LOOP
    BEGIN
      DELETE FROM photos WHERE id = candidate;
    EXCEPTION WHEN foreign_key_violation THEN
      NULL; -- a card still shows it
    END;
  END LOOP;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER photos_prune_unneeded AFTER INSERT OR UPDATE OF uploaded_at ON photos
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION photos_prune_unneeded();
