-- Issue 13: a print batch owns the lock of the cards it took, and old production data is purged.
--
-- lock_owner is the lock key (an account, token or printer id) the batch's cards were locked to
-- when it was taken (IN_PRINT). Whoever may act on the batch (the office of its institution, the
-- printer it was sent to) takes that lock over when confirming it, so a batch downloaded by a
-- manager and printed by a printer client, or taken by the client and confirmed by the manager,
-- can be confirmed by either. NULL for a batch not taken yet (and for those taken before this).
ALTER TABLE print_batches ADD COLUMN lock_owner text CHECK (length(lock_owner) <= 200);

-- The production purge (a daily job) deletes the PDF parts of batches made more than 30 days ago
-- and encoding sessions closed or expired more than 7 days ago: it looks them up by age.
CREATE INDEX print_batches_created_idx ON print_batches (created_at);
CREATE INDEX encoding_sessions_expires_idx ON encoding_sessions (expires_at);
