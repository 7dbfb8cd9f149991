import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { AppDeps, AppInstance } from '../../app/app-types.ts';
import { principalOf } from '../../platform/http/access.ts';
import { forbidden } from '../../platform/http/problem.ts';
import { errorResponses, IdParams, Nullable, Uuid } from '../../platform/http/schemas.ts';
import type { Principal } from '../auth/domain/roles.ts';
import { MAIL_TEMPLATES } from './domain/mail-templates.ts';
import type { MailView } from './notifications.service.ts';

const MailStatusSchema = Type.Union([Type.Literal('queued'), Type.Literal('sent'), Type.Literal('stored'), Type.Literal('failed')]);

const MailSchema = Type.Object({
  id: Uuid,
  personId: Nullable(Uuid),
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

function own(mail: MailView): Omit<MailView, 'attempts' | 'lastError'> {
  const { attempts: _attempts, lastError: _lastError, ...rest } = mail;
  return rest;
}

/** The mail log (office) and each person's own mails (self-service). */
export async function notificationsRoutes(app: AppInstance, deps: AppDeps): Promise<void> {
  const { notifications } = deps.services;

  app.get('/mails', {
    config: { access: { roles: ['admin', 'manager'] } },
    schema: {
      tags: ['mails'],
      summary: 'Mails sent or kept for people, newest first (admins and managers not limited to person types)',
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
      items: await notifications.list({
        ...(personId ? { personId } : {}),
        ...(status ? { status } : {}),
        ...(template ? { template } : {}),
        limit,
        offset,
      }),
    };
  });

  app.get('/mails/:id', {
    config: { access: { roles: ['admin', 'manager'] } },
    schema: { tags: ['mails'], params: IdParams, response: { 200: MailSchema, ...errorResponses(401, 403, 404) } },
  }, async (request) => {
    requireUnrestricted(request);
    return notifications.get(request.params.id);
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
    const mails = await notifications.list({ personId, limit: request.query.limit, offset: request.query.offset });
    return { items: mails.map(own) };
  });

  app.get('/me/mails/:id', {
    config: { access: { roles: 'authenticated' } },
    schema: { tags: ['mails'], params: IdParams, response: { 200: OwnMailSchema, ...errorResponses(401, 403, 404) } },
  }, async (request) => own(await notifications.get(request.params.id, { personId: personOf(request) })));
}
