-- Request rate limits shared by every node (public verification): one row per client key and
-- limit, a fixed window counted by one INSERT .. ON CONFLICT DO UPDATE per request.
--
-- UNLOGGED: a counter is worth less than the WAL write it would cost on the hottest public route;
-- after a crash PostgreSQL empties the table (limits restart from zero), a clean restart keeps it.
-- fillfactor leaves room in each page so that the per-request update stays a HOT update (only the
-- primary key is indexed, and it never changes).
CREATE UNLOGGED TABLE rate_limits (
  -- HMAC of the limit's name and the client address (never the address in clear).
  key bytea PRIMARY KEY,
  hits integer NOT NULL,
  resets_at timestamptz NOT NULL
) WITH (fillfactor = 50);

-- The HMAC key: random per installation, so that a stored key cannot be reversed by hashing every
-- IPv4 address. Read once per process; shared by every node.
CREATE TABLE rate_limit_secret (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  secret text NOT NULL
);
INSERT INTO rate_limit_secret (secret) VALUES (gen_random_uuid()::text || gen_random_uuid()::text);
