-- Nodes take rate-limit budget in leases (several requests' worth at once, see
-- src/platform/http/rate-limit-store.ts): `granted` is what the last statement on a row handed
-- out, so that one INSERT .. ON CONFLICT DO UPDATE can both debit the window and say how much it
-- gave (RETURNING only sees the new row).
ALTER TABLE rate_limits ADD COLUMN granted integer NOT NULL DEFAULT 0;
