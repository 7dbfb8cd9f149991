-- Issue 13: the identifiers a card carries beyond its CSN and ESCN (src/modules/card-identifiers).
--
-- card_identifier_definitions: one row per institution that defines them (none: its cards get
-- none). The access-control id is offset + sequence, left-padded to `access_control_length`
-- digits; the secondary id (library barcode) is prefix + (offset + sequence, padded to
-- `secondary_length` digits when > 0) + check digit. Offsets are decimal text (up to 64 digits,
-- beyond bigint). Every change is audited (`id` is the key the audit log records rows under).
CREATE TABLE card_identifier_definitions (
  institution_id smallint PRIMARY KEY REFERENCES institutions (id) ON DELETE CASCADE,
  id text GENERATED ALWAYS AS ('card-identifiers:' || institution_id::text) STORED,
  access_control_enabled boolean NOT NULL DEFAULT false,
  access_control_offset text NOT NULL DEFAULT '0' CHECK (access_control_offset ~ '^[0-9]{1,64}$'),
  access_control_length smallint NOT NULL DEFAULT 16 CHECK (access_control_length BETWEEN 1 AND 64),
  secondary_enabled boolean NOT NULL DEFAULT false,
  secondary_prefix text NOT NULL DEFAULT '' CHECK (secondary_prefix ~ '^[A-Z0-9]{0,16}$'),
  secondary_offset text NOT NULL DEFAULT '0' CHECK (secondary_offset ~ '^[0-9]{1,32}$'),
  secondary_length smallint NOT NULL DEFAULT 0 CHECK (secondary_length BETWEEN 0 AND 32),
  secondary_check_digit text NOT NULL DEFAULT 'none' CHECK (secondary_check_digit IN ('none', 'luhn', 'mod11')),
  updated_by text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
SELECT audit_table('card_identifier_definitions');

-- The next sequence number of each kind, per institution: the row is updated in the transaction
-- that creates a card, so its lock orders the card creations of one institution and the numbers
-- are gap-free (a rolled-back creation gives its number back), on PostgreSQL and PGlite alike.
-- Apart from the definitions so that each card creation writes no audit row.
CREATE TABLE card_identifier_sequences (
  institution_id smallint PRIMARY KEY REFERENCES institutions (id) ON DELETE CASCADE,
  access_control_next bigint NOT NULL DEFAULT 1 CHECK (access_control_next >= 0),
  secondary_next bigint NOT NULL DEFAULT 1 CHECK (secondary_next >= 0)
);

-- The identifiers of each card, assigned when it is created (or kept from the system a card
-- office migrates from) and never changed: a renewal is a new card with new identifiers. Unique
-- within the issuing institution; the value comes first in each unique index so the card list's
-- exact look-up by identifier reads one index entry whatever the institution.
CREATE TABLE card_identifiers (
  card_id uuid PRIMARY KEY REFERENCES cards (id) ON DELETE CASCADE,
  institution_id smallint NOT NULL REFERENCES institutions (id) ON DELETE CASCADE,
  access_control_id text CHECK (length(access_control_id) BETWEEN 1 AND 64),
  secondary_id text CHECK (length(secondary_id) BETWEEN 1 AND 64),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX card_identifiers_access_control_uq ON card_identifiers (access_control_id, institution_id)
  WHERE access_control_id IS NOT NULL;
CREATE UNIQUE INDEX card_identifiers_secondary_uq ON card_identifiers (secondary_id, institution_id)
  WHERE secondary_id IS NOT NULL;
-- Not audited: written once with the card (whose creation the audit log records).
