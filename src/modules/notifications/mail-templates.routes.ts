import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { AppDeps, AppInstance } from '../../app/app-types.ts';
import { principalOf } from '../../platform/http/access.ts';
import { unprocessable } from '../../platform/http/problem.ts';
import { actorOf, errorResponses, Nullable } from '../../platform/http/schemas.ts';
import { MAIL_FLAGS, MAIL_LOCALES, MAIL_PLACEHOLDERS, MAIL_TEMPLATES } from './domain/mail-templates.ts';
import type { MailTemplateView, OverrideLevel, OverrideView } from './notifications.service.ts';

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

const OverrideSchema = Type.Object({
  subject: Type.String(), body: Type.String(), updatedAt: Type.String(), updatedBy: Type.String(),
  updatedByName: Type.Optional(Nullable(Type.String({ description: 'Who saved it, readably (the account\'s display name, the token\'s name), in the list; null when unknown' }))),
});

const MailTemplateSchema = Type.Object({
  template: literals(MAIL_TEMPLATES),
  locale: literals(MAIL_LOCALES),
  institution: Nullable(Type.String({ description: 'Code of the institution whose mails the override is for; null: the deployment-wide override' })),
  placeholders: Type.Array(literals(MAIL_PLACEHOLDERS)),
  flags: Type.Array(literals(MAIL_FLAGS)),
  default: SourceSchema,
  override: Nullable(OverrideSchema),
  deploymentOverride: Nullable(Type.Composite([OverrideSchema], {
    description: 'For an institution: the deployment-wide override its mails use while it has none of its own',
  })),
});

const RenderedSchema = Type.Object({ subject: Type.String(), text: Type.String(), html: Type.String() });

/**
 * Admins rewrite the mails people receive, per template and locale, and go back to the built-in
 * text. An override belongs to the institution the caller focuses on (Campuscard-Institution
 * header, console switcher), or, with no focus, to the whole deployment (only callers with no
 * institution limit; one limited to a single institution acts on it). A mail uses its
 * institution's override, else its federation's, else the deployment-wide one, else the built-in text.
 */
export async function mailTemplatesRoutes(app: AppInstance, deps: AppDeps): Promise<void> {
  const { notifications, institution } = deps.services;

  /** The level the caller's request acts on (see the file comment); 422 `institution_required` when it cannot tell. */
  function levelOf(request: FastifyRequest): OverrideLevel {
    const principal = principalOf(request);
    if (principal.focusInstitutionId !== null) return principal.focusInstitutionId;
    if (principal.grantedInstitutionIds === null) return null;
    const [only, ...others] = principal.grantedInstitutionIds;
    if (only !== undefined && others.length === 0) return only;
    throw unprocessable('institution_required', 'Say which institution\'s templates these are (Campuscard-Institution header)', { field: '/institution' });
  }

  /** The view as the API shows it: the level by its institution's code, the savers' names when asked. */
  async function resource(item: MailTemplateView, names?: Map<string, string | null>) {
    const { institutionId, ...rest } = item;
    const code = institutionId === null ? null : (await institution.list()).find((ref) => ref.id === institutionId)?.code ?? null;
    const named = (override: OverrideView | null) => (override && names ? { ...override, updatedByName: names.get(override.updatedBy) ?? null } : override);
    return { ...rest, institution: code, override: named(rest.override), deploymentOverride: named(rest.deploymentOverride) };
  }

  app.get('/mail-templates', {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags: ['mails'],
      summary: 'Every mail template in every locale: built-in text, override if any, allowed placeholders',
      response: { 200: Type.Object({ items: Type.Array(MailTemplateSchema) }), ...errorResponses(401, 403, 422) },
    },
  }, async (request) => {
    const items = await notifications.templates(levelOf(request));
    // People read who saved a template by name, not by the `account:<id>` recorded.
    const names = await deps.services.auth.actorNames(items.flatMap((item) =>
      [item.override, item.deploymentOverride].flatMap((override) => (override ? [override.updatedBy] : []))));
    return { items: await Promise.all(items.map((item) => resource(item, names))) };
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
      response: { 200: MailTemplateSchema, ...errorResponses(400, 401, 403, 422) },
    },
  }, async (request) => resource(await notifications.saveTemplate(levelOf(request), request.params.template, request.params.locale, request.body, actorOf(request))));

  app.delete('/mail-templates/:template/:locale', {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags: ['mails'],
      summary: 'Go back to the built-in text of a template in a locale',
      params: TemplateParams,
      response: { 200: MailTemplateSchema, ...errorResponses(400, 401, 403, 422) },
    },
  }, async (request) => resource(await notifications.resetTemplate(levelOf(request), request.params.template, request.params.locale, actorOf(request))));

  app.post('/mail-templates/:template/:locale/preview', {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags: ['mails'],
      summary: 'Render a subject and body with sample data, without saving (same 400s as saving)',
      params: TemplateParams,
      body: PreviewBody,
      response: { 200: RenderedSchema, ...errorResponses(400, 401, 403, 422) },
    },
  }, async (request) => {
    const { cardKind, ...source } = request.body;
    return notifications.previewTemplate(levelOf(request), request.params.template, request.params.locale, source, { cardKind: cardKind ?? 'physical' });
  });
}
