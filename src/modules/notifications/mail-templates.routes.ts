import { Type } from '@sinclair/typebox';
import type { AppDeps, AppInstance } from '../../app/app-types.ts';
import { actorOf, errorResponses, Nullable } from '../../platform/http/schemas.ts';
import { MAIL_FLAGS, MAIL_LOCALES, MAIL_PLACEHOLDERS, MAIL_TEMPLATES } from './domain/mail-templates.ts';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((value) => Type.Literal(value)));

const TemplateParams = Type.Object({ template: literals(MAIL_TEMPLATES), locale: literals(MAIL_LOCALES) }, { additionalProperties: false });

// Generous shape limits only: the template rules answer `template_too_long` with the field at fault.
const sourceFields = {
  subject: Type.String({ maxLength: 10_000, description: 'One line; placeholders {{name}} and sections {{#name}}…{{/name}}, {{^name}}…{{/name}}' }),
  body: Type.String({ maxLength: 100_000, description: 'Plain text paragraphs separated by blank lines; same placeholders and sections' }),
};
const SourceBody = Type.Object(sourceFields, { additionalProperties: false });
const PreviewBody = Type.Object({
  ...sourceFields,
  cardKind: Type.Optional(literals(['physical', 'virtual'] as const)),
}, { additionalProperties: false });

const SourceSchema = Type.Object({ subject: Type.String(), body: Type.String() });

const MailTemplateSchema = Type.Object({
  template: literals(MAIL_TEMPLATES),
  locale: literals(MAIL_LOCALES),
  placeholders: Type.Array(literals(MAIL_PLACEHOLDERS)),
  flags: Type.Array(literals(MAIL_FLAGS)),
  default: SourceSchema,
  override: Nullable(Type.Object({
    subject: Type.String(), body: Type.String(), updatedAt: Type.String(), updatedBy: Type.String(),
    updatedByName: Type.Optional(Nullable(Type.String({ description: 'Who saved it, readably (the account\'s display name, the token\'s name), in the list; null when unknown' }))),
  })),
});

const RenderedSchema = Type.Object({ subject: Type.String(), text: Type.String(), html: Type.String() });

/** Admins rewrite the mails people receive, per template and locale, and go back to the built-in text. */
export async function mailTemplatesRoutes(app: AppInstance, deps: AppDeps): Promise<void> {
  const { notifications } = deps.services;

  app.get('/mail-templates', {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags: ['mails'],
      summary: 'Every mail template in every locale: built-in text, override if any, allowed placeholders',
      response: { 200: Type.Object({ items: Type.Array(MailTemplateSchema) }), ...errorResponses(401, 403) },
    },
  }, async () => {
    const items = await notifications.templates();
    // People read who saved a template by name, not by the `account:<id>` recorded.
    const names = await deps.services.auth.actorNames(items.flatMap((item) => (item.override ? [item.override.updatedBy] : [])));
    return {
      items: items.map((item) => (item.override
        ? { ...item, override: { ...item.override, updatedByName: names.get(item.override.updatedBy) ?? null } }
        : item)),
    };
  });

  app.put('/mail-templates/:template/:locale', {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags: ['mails'],
      summary: 'Replace the subject and body of a template in a locale (used by the next mails)',
      description: 'A template the rules refuse is 400 with code unknown_placeholder, unbalanced_section, malformed_placeholder, '
        + 'subject_multiline, template_too_long, template_empty or invalid_characters and field /subject or /body.',
      params: TemplateParams,
      body: SourceBody,
      response: { 200: MailTemplateSchema, ...errorResponses(400, 401, 403) },
    },
  }, async (request) => notifications.saveTemplate(request.params.template, request.params.locale, request.body, actorOf(request)));

  app.delete('/mail-templates/:template/:locale', {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags: ['mails'],
      summary: 'Go back to the built-in text of a template in a locale',
      params: TemplateParams,
      response: { 200: MailTemplateSchema, ...errorResponses(400, 401, 403) },
    },
  }, async (request) => notifications.resetTemplate(request.params.template, request.params.locale, actorOf(request)));

  app.post('/mail-templates/:template/:locale/preview', {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags: ['mails'],
      summary: 'Render a subject and body with sample data, without saving (same 400s as saving)',
      params: TemplateParams,
      body: PreviewBody,
      response: { 200: RenderedSchema, ...errorResponses(400, 401, 403) },
    },
  }, async (request) => {
    const { cardKind, ...source } = request.body;
    return notifications.previewTemplate(request.params.template, request.params.locale, source, { cardKind: cardKind ?? 'physical' });
  });
}
