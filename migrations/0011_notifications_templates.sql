-- Mail templates an admin rewrote: one subject and body (template language, see
-- src/modules/notifications/domain/mail-template-language.ts) per template and locale. No row:
-- the built-in text. The template names are code (validated by the API), like mails.template.
CREATE TABLE mail_template_overrides (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  template text NOT NULL,
  locale text NOT NULL CHECK (locale IN ('fr', 'en')),
  subject text NOT NULL,
  body text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by text NOT NULL,
  UNIQUE (template, locale)
);
SELECT audit_table('mail_template_overrides');

-- The language a person's mails are written in; null: the institution's default (French).
ALTER TABLE persons ADD COLUMN locale text CHECK (locale IN ('fr', 'en'));
