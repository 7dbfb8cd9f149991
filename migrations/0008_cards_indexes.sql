-- Indexes for the card list (sorts and keyset pagination on a million cards) and the rights-end job.
-- List sorted by holder name: keyset (last name, first name, id) walks this index in either direction.
CREATE INDEX cards_holder_name_idx ON cards (holder_last_name, holder_first_name, id);
-- Lists filtered by state (one index branch per state) and sorted by request date or holder name:
-- the office's work queues (NEW, IN_PRINT, …) are small but their rows are scattered.
CREATE INDEX cards_state_requested_idx ON cards (state, requested_at DESC, id);
CREATE INDEX cards_state_name_idx ON cards (state, holder_last_name, holder_first_name, id);
-- Rights-end job: the holders of cards in one state (CADUC), in person order.
CREATE INDEX cards_state_person_idx ON cards (state, person_id);
