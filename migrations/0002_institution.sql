-- The institution this deployment serves (one per deployment), with its card office settings.
CREATE TABLE institution (
  id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  name text NOT NULL,
  pic text NOT NULL CHECK (pic ~ '^[0-9]{9}$'),
  uai text CHECK (uai ~ '^[0-9]{7}[A-Z]$'),
  schac_home_organization text NOT NULL,
  country text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
  esi_scope text NOT NULL DEFAULT 'national' CHECK (esi_scope IN ('national', 'institution')),
  logo bytea,
  logo_mime text,
  colors jsonb NOT NULL DEFAULT '{"primary": "#1d4ed8", "secondary": "#0f172a"}',
  settings jsonb NOT NULL DEFAULT '{}',
  demo_seeded_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);
SELECT audit_table('institution', ARRAY['logo']);
