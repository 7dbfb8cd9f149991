-- People from the institution's information system, their consents and the consent texts.
CREATE TABLE persons (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  eppn text NOT NULL UNIQUE,
  first_name text NOT NULL,
  last_name text NOT NULL,
  birth_date date,
  email text,
  person_type text NOT NULL CHECK (person_type IN ('student', 'staff', 'guest', 'external')),
  student_number text,
  ine text,
  esi text,
  academic_level smallint CHECK (academic_level IN (6, 7, 8)),
  rights_end date,
  affiliation text,
  free_fields jsonb NOT NULL DEFAULT '{}',
  search_text text GENERATED ALWAYS AS (lower(
    last_name || ' ' || first_name || ' ' || eppn || ' ' || coalesce(email, '') || ' ' ||
    coalesce(student_number, '') || ' ' || coalesce(ine, ''))) STORED,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1
);
CREATE INDEX persons_search_trgm ON persons USING gin (search_text gin_trgm_ops);
CREATE INDEX persons_type_idx ON persons (person_type, last_name, first_name);
CREATE INDEX persons_rights_end_idx ON persons (rights_end);
CREATE INDEX persons_name_idx ON persons (last_name, first_name, id);
SELECT audit_table('persons');

CREATE TABLE consent_texts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind text NOT NULL CHECK (kind IN ('esc', 'photo_publication', 'crous')),
  version text NOT NULL,
  locale text NOT NULL CHECK (locale IN ('fr', 'en')),
  title text NOT NULL,
  body text NOT NULL,
  published_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (kind, version, locale)
);
SELECT audit_table('consent_texts');

-- Current state per person and kind; consent_events keeps every grant and withdrawal as proof.
CREATE TABLE person_consents (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  person_id uuid NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('esc', 'photo_publication', 'crous')),
  granted boolean NOT NULL,
  text_version text NOT NULL,
  channel text NOT NULL,
  decided_at timestamptz NOT NULL,
  UNIQUE (person_id, kind)
);
SELECT audit_table('person_consents');

CREATE TABLE consent_events (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  person_id uuid NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
  kind text NOT NULL,
  granted boolean NOT NULL,
  text_version text NOT NULL,
  locale text NOT NULL,
  channel text NOT NULL CHECK (channel IN ('web', 'api', 'import', 'office', 'paper')),
  actor text NOT NULL,
  ip text,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX consent_events_person_idx ON consent_events (person_id, at);
SELECT audit_table('consent_events');

INSERT INTO consent_texts (kind, version, locale, title, body) VALUES
 ('esc', '2026-01', 'fr', 'Carte étudiante européenne',
  'J''accepte que mon établissement enregistre ma carte auprès du routeur de la Carte étudiante européenne (ESC Router, géré pour la Commission européenne) : mon identifiant étudiant européen (ESI), mon nom, mon adresse électronique, mon niveau d''études et le numéro de ma carte (ESCN). Tout service européen pourra vérifier que ma carte est valide en scannant son QR code. Je peux retirer ce consentement à tout moment : ma carte et mes données seront alors supprimées du routeur.'),
 ('esc', '2026-01', 'en', 'European Student Card',
  'I agree that my institution registers my card at the European Student Card Router (run for the European Commission): my European Student Identifier (ESI), my name, e-mail address, level of study and card number (ESCN). Any service in Europe can then check that my card is valid by scanning its QR code. I may withdraw this consent at any time: my card and data are then deleted from the router.'),
 ('photo_publication', '2026-01', 'fr', 'Publication de la photo',
  'J''accepte que ma photo et mon nom soient affichés sur la page publique de vérification de ma carte, si mon établissement l''a activé.'),
 ('photo_publication', '2026-01', 'en', 'Photo publication',
  'I agree that my photo and name are shown on my card''s public verification page, when my institution enables it.'),
 ('crous', '2026-01', 'fr', 'CROUS / Izly',
  'J''accepte que mes données (nom, date de naissance, adresse électronique, identifiant de carte) soient transmises au CROUS pour le paiement Izly et la restauration universitaire.'),
 ('crous', '2026-01', 'en', 'CROUS / Izly',
  'I agree that my data (name, birth date, e-mail address, card identifier) is sent to the CROUS for Izly payment and university catering.');
