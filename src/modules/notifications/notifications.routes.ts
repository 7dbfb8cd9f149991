import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { AppDeps, AppInstance } from '../../app/app-types.ts';
import { principalOf } from '../../platform/http/access.ts';
import { WHOLE_DEPLOYMENT } from '../../platform/db/scope-filter.ts';
import { forbidden } from '../../platform/http/problem.ts';
import { errorResponses, IdParams, Nullable, Uuid } from '../../platform/http/schemas.ts';
import type { Principal } from '../auth/domain/roles.ts';
import { MAIL_TEMPLATES } from './domain/mail-templates.ts';
import type { MailView } from './notifications.service.ts';

const MailStatusSchema = Type.Union([Type.Literal('queued'), Type.Literal('sent'), Type.Literal('stored'), Type.Literal('failed')]);

const MailSchema = Type.Object({
  id: Uuid,
  personId: Nullable(Uuid),
  institution: Nullable(Type.String({ description: 'Code of the institution whose card or enrolment caused the mail; null: about no institution' })),
  to: Type.String(),
  locale: Type.Union([Type.Literal('fr'), Type.Literal('en')]),
  template: Type.String(),
  subject: Type.String(),
  text: Type.String(),
  html: Type.String(),
  status: MailStatusSchema,
  attempts: Type.Integer(),
  lastError: Nullable(Type.String()),
  createdAt: Type.String(),
  sentAt: Nullable(Type.String()),
});

/** What a person sees of their own mails: no delivery internals (attempts, relay errors). */
const OwnMailSchema = Type.Omit(MailSchema, ['attempts', 'lastError']);

const Paging = {
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  offset: Type.Integer({ minimum: 0, maximum: 100_000, default: 0 }),
};

/**
 * The mails table does not say which person type a mail is about, so a manager limited to some
 * person types could not be kept to them: mails are for admins and unrestricted managers.
 */
function requireUnrestricted(request: FastifyRequest): void {
  const principal = principalOf(request);
  if (principal.personTypes !== null) {
    throw forbidden('Managers limited to some person types cannot read the mail log', 'mail_access_limited');
  }
}

function personOf(request: FastifyRequest): string {
  const principal: Principal = principalOf(request);
  if (principal.personId === null) throw forbidden('This account is not linked to a person', 'no_person');
  return principal.personId;
}

/** A mail as the API shows it: the institution by its code. */
type MailResource = Omit<MailView, 'institutionId'> & { institution: string | null };

function own(mail: MailResource): Omit<MailResource, 'attempts' | 'lastError'> {
  const { attempts: _attempts, lastError: _lastError, ...rest } = mail;
  return rest;
}

/** The mail log (office) and each person's own mails (self-service). */
export async function notificationsRoutes(app: AppInstance, deps: AppDeps): Promise<void> {
  const { notifications, institution } = deps.services;

  /** Mails with their institution's code instead of its id. */
  async function resources(mails: MailView[]): Promise<MailResource[]> {
    const codes = new Map((await institution.list()).map((ref) => [ref.id, ref.code]));
    return mails.map(({ institutionId, ...mail }) => ({ ...mail, institution: institutionId === null ? null : codes.get(institutionId) ?? null }));
  }

  app.get('/mails', {
    config: { access: { roles: ['admin', 'manager'] } },
    schema: {
      tags: ['mails'],
      summary: 'Mails sent or kept for people, newest first (admins and managers not limited to person types)',
      description: 'Only the mails of the institutions in the caller\'s scope (narrowed by the Campuscard-Institution header); '
        + 'mails about no institution only for callers with no institution limit.',
      querystring: Type.Object({
        personId: Type.Optional(Uuid),
        status: Type.Optional(MailStatusSchema),
        template: Type.Optional(Type.Union(MAIL_TEMPLATES.map((template) => Type.Literal(template)))),
        ...Paging,
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(MailSchema) }), ...errorResponses(400, 401, 403) },
    },
  }, async (request) => {
    requireUnrestricted(request);
    const { personId, status, template, limit, offset } = request.query;
    return {
      items: await resources(await notifications.list({
        scope: principalOf(request),
        ...(personId ? { personId } : {}),
        ...(status ? { status } : {}),
        ...(template ? { template } : {}),
        limit,
        offset,
      })),
    };
  });

  app.get('/mails/:id', {
    config: { access: { roles: ['admin', 'manager'] } },
    schema: { tags: ['mails'], params: IdParams, response: { 200: MailSchema, ...errorResponses(401, 403, 404) } },
  }, async (request) => {
    requireUnrestricted(request);
    const [mail] = await resources([await notifications.get(request.params.id, { scope: principalOf(request) })]);
    return mail as MailResource;
  });

  app.get('/me/mails', {
    config: { access: { roles: 'authenticated' } },
    schema: {
      tags: ['mails'],
      summary: 'Mails sent to me, newest first',
      querystring: Type.Object(Paging, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(OwnMailSchema) }), ...errorResponses(400, 401, 403) },
    },
  }, async (request) => {
    const personId = personOf(request);
    // A person reads every mail sent to them, whichever institution it is about.
    const mails = await notifications.list({ scope: WHOLE_DEPLOYMENT, personId, limit: request.query.limit, offset: request.query.offset });
    return { items: (await resources(mails)).map(own) };
  });

  app.get('/me/mails/:id', {
    config: { access: { roles: 'authenticated' } },
    schema: { tags: ['mails'], params: IdParams, response: { 200: OwnMailSchema, ...errorResponses(401, 403, 404) } },
  }, async (request) => {
    const [mail] = await resources([await notifications.get(request.params.id, { personId: personOf(request) })]);
    return own(mail as MailResource);
  });
}
