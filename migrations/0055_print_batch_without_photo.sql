-- Issue 13: a card office does not print a card without a photo by mistake.
--
-- A batch of the print queue leaves out the cards whose holder has no photo yet (unless the
-- operator asked for them); left_out_without_photo is how many were left out, so the Printing page
-- says so after a reload too. The cards stay in the queue. 0 for batches made before this.
ALTER TABLE print_batches ADD COLUMN left_out_without_photo integer NOT NULL DEFAULT 0
  CHECK (left_out_without_photo >= 0);
