import { Type, type TSchema } from '@sinclair/typebox';
import type { AppDeps, AppInstance } from '../../app/app-types.ts';
import { principalOf } from '../../platform/http/access.ts';
import { forbidden, notFound } from '../../platform/http/problem.ts';
import { actorOf, errorResponses, IdParams, IsoDate, Nullable, Uuid } from '../../platform/http/schemas.ts';
import { OFFICE_READ_ROLES, OFFICE_WRITE_ROLES } from '../auth/domain/roles.ts';
import { FREE_FIELD_KEYS } from './domain/person.ts';
import { PERSONAL_DATA_FIELDS } from './domain/personal-data-fields.ts';
import { consentChannelFor, readerOf, writerOf } from './people.policy.ts';
import { CONSENT_KINDS } from './people.service.ts';

/** Largest JSON batch, in items and bytes (5000 full records fit in well under 16 MiB). */
export const PERSON_BATCH_MAX_ITEMS = 5000;
const PERSON_BATCH_MAX_BYTES = 16 * 1024 * 1024;

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((value) => Type.Literal(value)));
/** A person type code; which ones exist is each institution's choice (`/institutions/{code}/person-types`). */
const PersonTypeSchema = Type.String({ description: 'A person type code of the institution (student, staff…)' });
const ConsentKindSchema = literals(CONSENT_KINDS);
const ChannelSchema = literals(['web', 'api', 'import', 'office', 'paper'] as const);
const LocaleSchema = literals(['fr', 'en'] as const);

/** Input text: only the shape is checked here; the person rules answer 422 with every field at fault. */
const Text = (maxLength = 1000) => Type.String({ maxLength });
const OrNull = <T extends TSchema>(schema: T) => Type.Union([Type.Null(), schema]);

const FreeFieldsInput = Type.Object(
  Object.fromEntries(FREE_FIELD_KEYS.map((key) => [key, Type.Optional(OrNull(Text()))])),
  { additionalProperties: false },
);

const personInputFields = {
  institution: Text(100),
  eppn: Text(),
  lastName: Text(),
  firstName: Text(),
  birthDate: OrNull(Text(100)),
  email: OrNull(Text()),
  personType: Text(100),
  studentNumber: OrNull(Text()),
  ine: OrNull(Text(100)),
  esi: OrNull(Text()),
  academicLevel: OrNull(Type.Union([Type.Integer(), Text(100)])),
  rightsEnd: OrNull(Text(100)),
  affiliation: OrNull(Text()),
  freeFields: OrNull(FreeFieldsInput),
  locale: OrNull(Text(100)),
};

const PersonCreateBody = Type.Object(
  Object.fromEntries(Object.entries(personInputFields).map(([key, schema]) => [key, Type.Optional(schema)])),
  { additionalProperties: false },
);

const PersonPatchBody = Type.Object({
  ...Object.fromEntries(Object.entries(personInputFields).map(([key, schema]) => [key, Type.Optional(schema)])),
  expectedVersion: Type.Optional(Type.Integer({ minimum: 1, description: 'Version read before editing; 409 version_conflict if it changed' })),
}, { additionalProperties: false, minProperties: 1 });

export const EnrolmentSchema = Type.Object({
  institution: Type.String({ description: 'The institution\'s code' }),
  institutionName: Type.String(),
  personType: PersonTypeSchema,
  studentNumber: Nullable(Type.String()),
  rightsEnd: Nullable(Type.String()),
  academicLevel: Nullable(Type.Integer()),
  affiliation: Nullable(Type.String()),
});

export const PersonSchema = Type.Object({
  id: Uuid,
  eppn: Type.String(),
  firstName: Type.String(),
  lastName: Type.String(),
  birthDate: Nullable(Type.String()),
  email: Nullable(Type.String()),
  institution: Type.String({ description: 'The institution of the enrolment shown flat (type, student number, rights end, level, affiliation)' }),
  personType: PersonTypeSchema,
  studentNumber: Nullable(Type.String()),
  ine: Nullable(Type.String()),
  esi: Nullable(Type.String()),
  academicLevel: Nullable(Type.Integer()),
  rightsEnd: Nullable(Type.String()),
  affiliation: Nullable(Type.String()),
  freeFields: Type.Record(Type.String(), Type.String()),
  locale: Nullable(LocaleSchema),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  version: Type.Integer(),
  enrolments: Type.Array(EnrolmentSchema, { description: 'The enrolments the caller may see (a cardholder: all theirs), by institution id' }),
});

const PreferencesSchema = Type.Object({
  locale: Type.Union([LocaleSchema, Type.Null()], { description: 'Language of my mails; null: the institution\'s default (French)' }),
}, { additionalProperties: false });

const ConsentStateSchema = Type.Object({
  kind: ConsentKindSchema,
  granted: Type.Boolean(),
  textVersion: Type.String(),
  channel: ChannelSchema,
  decidedAt: Type.String(),
});

export const ConsentsSchema = Type.Object(
  Object.fromEntries(CONSENT_KINDS.map((kind) => [kind, Nullable(ConsentStateSchema)])),
  { description: 'Current decision per kind; null when never decided' },
);

const ConsentEventSchema = Type.Object({
  id: Uuid,
  kind: ConsentKindSchema,
  granted: Type.Boolean(),
  textVersion: Type.String(),
  locale: LocaleSchema,
  channel: ChannelSchema,
  actor: Type.String(),
  ip: Nullable(Type.String()),
  at: Type.String(),
});

const ConsentTextSchema = Type.Object({
  kind: ConsentKindSchema,
  version: Type.String(),
  locale: LocaleSchema,
  title: Type.String(),
  body: Type.String(),
  publishedAt: Type.String(),
  fields: Type.Array(literals(PERSONAL_DATA_FIELDS), {
    description: 'The personal data this consent lets out, exactly as its connector sends it (generated from the connector\'s definition)',
  }),
});

const AuditEntrySchema = Type.Object({
  id: Type.String(),
  at: Type.String(),
  actor: Type.String(),
  actorName: Nullable(Type.String({ description: 'Who it was, readably (an account\'s display name, a token\'s name); null when unknown' })),
  ip: Nullable(Type.String()),
  table: Type.String(),
  operation: Type.String(),
  rowId: Nullable(Type.String()),
  changes: Type.Record(Type.String(), Type.Unknown()),
});

const ItemErrorSchema = Type.Object({ field: Type.Optional(Type.String()), code: Type.String(), message: Type.String() });

const BatchResultSchema = Type.Object({
  created: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  failed: Type.Integer(),
  items: Type.Array(Type.Object({
    index: Type.Integer(),
    eppn: Nullable(Type.String()),
    id: Type.Optional(Uuid),
    status: literals(['created', 'updated', 'unchanged', 'error'] as const),
    errors: Type.Optional(Type.Array(ItemErrorSchema)),
  })),
});

/**
 * People, their enrolments, and consents.
 *
 * Access: office read roles list and read persons through the enrolments in their scope
 * (institutions, then person types): a person enrolled at two institutions is one row per
 * enrolment the caller may see, and a person with none in their scope does not exist for them.
 * Admins and managers create and change persons within that scope; a write targets one
 * institution (`institution` in the body, else the focused or only one). A cardholder reads only
 * their own record, with all their enrolments. A person the caller may not see answers 404
 * `person_not_found`, exactly like a missing one, so that ids cannot be probed (see
 * people.policy.ts). Role refusals (a viewer writing) are 403.
 */
export async function peopleRoutes(app: AppInstance, deps: AppDeps): Promise<void> {
  const { people } = deps.services;

  app.get('/persons', {
    config: { access: { roles: OFFICE_READ_ROLES } },
    schema: {
      tags: ['persons'],
      summary: 'List and search persons, one row per enrolment in the caller\'s scope (keyset pagination: pass nextCursor back as cursor)',
      querystring: Type.Object({
        personType: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 50 })),
        rightsEndBefore: Type.Optional(IsoDate),
        rightsEndAfter: Type.Optional(IsoDate),
        q: Type.Optional(Type.String({ maxLength: 200, description: 'Words searched in names, eppn, e-mail and INE; or the start of a student number' })),
        sort: Type.Optional(literals(['last_name', 'created_at', 'updated_at'] as const)),
        order: Type.Optional(literals(['asc', 'desc'] as const)),
        limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
        cursor: Type.Optional(Type.String({ maxLength: 2000 })),
        withTotal: Type.Optional(Type.Boolean({ description: 'Also count the matching rows (at most 10000, see totalCapped)' })),
      }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          items: Type.Array(PersonSchema),
          nextCursor: Nullable(Type.String()),
          total: Type.Optional(Type.Integer()),
          totalCapped: Type.Optional(Type.Boolean()),
        }),
        ...errorResponses(400, 401, 403),
      },
    },
  }, async (request) => {
    const query = request.query;
    return people.list({
      personTypes: query.personType,
      reader: readerOf(principalOf(request)),
      rightsEndBefore: query.rightsEndBefore,
      rightsEndAfter: query.rightsEndAfter,
      q: query.q,
      sort: query.sort,
      order: query.order,
      limit: query.limit,
      cursor: query.cursor,
      withTotal: query.withTotal,
    });
  });

  app.post('/persons', {
    config: { access: { roles: OFFICE_WRITE_ROLES } },
    schema: {
      tags: ['persons'],
      summary: 'Create a person, or enrol at this institution a person enrolled elsewhere; 422 invalid_person lists every field at fault, 409 eppn_taken',
      body: PersonCreateBody,
      response: { 201: PersonSchema, ...errorResponses(400, 401, 403, 404, 409, 422) },
    },
  }, async (request, reply) => {
    const person = await people.create(request.body, actorOf(request), { writer: writerOf(principalOf(request)) });
    return reply.status(201).send(person);
  });

  app.post('/persons/batch', {
    bodyLimit: PERSON_BATCH_MAX_BYTES,
    config: { access: { roles: OFFICE_WRITE_ROLES } },
    schema: {
      tags: ['persons'],
      summary: `Create or update up to ${PERSON_BATCH_MAX_ITEMS} persons by eppn`,
      description: 'Each item is validated on its own and may name its institution ("institution", a code; else the focused or only one). '
        + 'Valid items are written together in one transaction; invalid ones (and later duplicates of an eppn) are reported with '
        + 'status "error" and their errors, and do not stop the others. An item identical to the stored person is "unchanged" (no new version).',
      body: Type.Array(Type.Unknown(), { maxItems: PERSON_BATCH_MAX_ITEMS }),
      response: { 200: BatchResultSchema, ...errorResponses(400, 401, 403, 413) },
    },
  }, async (request) => people.batch(request.body, actorOf(request), { writer: writerOf(principalOf(request)) }));

  app.get('/persons/:id', {
    config: { access: { roles: 'authenticated' } },
    schema: { tags: ['persons'], params: IdParams, response: { 200: PersonSchema, ...errorResponses(400, 401, 404) } },
  }, async (request) => people.read(request.params.id, readerOf(principalOf(request))));

  app.patch('/persons/:id', {
    config: { access: { roles: OFFICE_WRITE_ROLES } },
    schema: {
      tags: ['persons'],
      summary: 'Change some fields (null clears an optional one); send expectedVersion to avoid overwriting others',
      description: 'Enrolment fields (personType, studentNumber, rightsEnd, academicLevel, affiliation) change the enrolment at '
        + '"institution" (a code), else at the focused institution, else the person\'s only enrolment the caller may write; '
        + 'for an institution where the person is not enrolled yet, they enrol the person there.',
      params: IdParams,
      body: PersonPatchBody,
      response: { 200: PersonSchema, ...errorResponses(400, 401, 403, 404, 409, 422) },
    },
  }, async (request) => {
    const { expectedVersion, ...patch } = request.body;
    return people.update(request.params.id, patch, actorOf(request), { expectedVersion, writer: writerOf(principalOf(request)) });
  });

  app.delete('/persons/:id/enrolments/:institution', {
    config: { access: { roles: OFFICE_WRITE_ROLES } },
    schema: {
      tags: ['persons'],
      summary: 'End a person\'s enrolment at an institution (code); 409 last_enrolment, 409 enrolment_has_cards',
      params: Type.Object({ id: Uuid, institution: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false }),
      response: { 204: Type.Null(), ...errorResponses(400, 401, 403, 404, 409) },
    },
  }, async (request, reply) => {
    await people.removeEnrolment(request.params.id, request.params.institution, actorOf(request), { writer: writerOf(principalOf(request)) });
    return reply.status(204).send(null);
  });

  app.get('/persons/:id/history', {
    config: { access: { roles: OFFICE_READ_ROLES } },
    schema: {
      tags: ['persons'],
      summary: 'Changes of the person and of the enrolments the caller may see, oldest first',
      params: IdParams,
      response: { 200: Type.Object({ items: Type.Array(AuditEntrySchema) }), ...errorResponses(400, 401, 403, 404) },
    },
  }, async (request) => {
    const items = await people.history(request.params.id, readerOf(principalOf(request)));
    const names = await deps.services.auth.actorNames(items.map((item) => item.actor));
    return { items: items.map((item) => ({ ...item, actorName: names.get(item.actor) ?? null })) };
  });

  app.get('/persons/:id/consents', {
    config: { access: { roles: 'authenticated' } },
    schema: {
      tags: ['consents'],
      params: IdParams,
      response: { 200: Type.Object({ consents: ConsentsSchema, events: Type.Array(ConsentEventSchema) }), ...errorResponses(400, 401, 404) },
    },
  }, async (request) => {
    const person = await people.read(request.params.id, readerOf(principalOf(request)));
    return { consents: await people.consents(person.id), events: await people.consentHistory(person.id) };
  });

  app.put('/persons/:id/consents/:kind', {
    config: { access: { roles: 'authenticated' } },
    schema: {
      tags: ['consents'],
      summary: 'Grant or withdraw a consent: the person themself (web), or the card office (office, or paper form)',
      params: Type.Object({ id: Uuid, kind: ConsentKindSchema }, { additionalProperties: false }),
      body: Type.Object({
        granted: Type.Boolean(),
        textVersion: Type.String({ minLength: 1, maxLength: 50 }),
        locale: LocaleSchema,
        channel: Type.Optional(literals(['office', 'paper'] as const)),
      }, { additionalProperties: false }),
      response: { 200: ConsentStateSchema, ...errorResponses(400, 401, 403, 404, 422) },
    },
  }, async (request) => {
    const principal = principalOf(request);
    const person = await people.read(request.params.id, readerOf(principal));
    const channel = consentChannelFor(principal, person, request.body.channel);
    if (channel === null) throw forbidden('Only the person or the card office may record this consent');
    return people.setConsent(person.id, {
      kind: request.params.kind,
      granted: request.body.granted,
      textVersion: request.body.textVersion,
      locale: request.body.locale,
      channel,
    }, actorOf(request));
  });

  app.get('/consent-texts', {
    config: { access: { public: true } },
    schema: {
      tags: ['consents'],
      summary: 'The current consent texts (public: they are read before consenting)',
      querystring: Type.Object({ locale: Type.Optional(LocaleSchema) }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(ConsentTextSchema) }), ...errorResponses(400) },
    },
  }, async (request) => ({ items: await people.consentTexts(request.query.locale ?? 'fr') }));

  /** The person record of the caller, or 404 when the account is not linked to one. */
  function ownPersonId(principal: ReturnType<typeof principalOf>): string {
    if (!principal.personId) throw notFound('no_person_record', 'This account is not linked to a person');
    return principal.personId;
  }

  app.get('/me', {
    config: { access: { roles: 'authenticated' } },
    schema: {
      tags: ['me'],
      summary: 'My person record (with all my enrolments) and consents',
      response: { 200: Type.Object({ person: PersonSchema, consents: ConsentsSchema }), ...errorResponses(401, 404) },
    },
  }, async (request) => {
    const principal = principalOf(request);
    const id = ownPersonId(principal);
    return { person: await people.read(id, readerOf(principal)), consents: await people.consents(id) };
  });

  app.put('/me/preferences', {
    config: { access: { roles: 'authenticated' } },
    schema: {
      tags: ['me'],
      summary: 'Set my preferences: the language of my mails',
      body: PreferencesSchema,
      response: { 200: PreferencesSchema, ...errorResponses(400, 401, 404) },
    },
  }, async (request) => {
    const person = await people.setLocale(ownPersonId(principalOf(request)), request.body.locale, actorOf(request));
    return { locale: person.locale };
  });

  app.get('/me/export', {
    config: { access: { roles: 'authenticated' } },
    schema: { tags: ['me'], summary: 'Everything held about me, as a JSON download (GDPR right of access)',
      response: { 200: Type.Unknown({ description: 'JSON document (attachment)' }), ...errorResponses(401, 404) } },
  }, async (request, reply) => {
    const data = await people.exportData(ownPersonId(principalOf(request)));
    return reply
      .header('content-disposition', `attachment; filename="campuscard-my-data-${data.exportedAt.slice(0, 10)}.json"`)
      .header('cache-control', 'no-store')
      .type('application/json; charset=utf-8')
      .send(JSON.stringify(data, null, 2));
  });
}
