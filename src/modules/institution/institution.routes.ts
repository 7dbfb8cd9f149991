import { Type, type TOptional, type TSchema } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppDeps, AppInstance } from '../../app/app-types.ts';
import { principalOf } from '../../platform/http/access.ts';
import { notFound, ProblemError, unprocessable } from '../../platform/http/problem.ts';
import { actorOf, errorResponses, Nullable, NullableInput } from '../../platform/http/schemas.ts';
import { OFFICE_READ_ROLES, type Principal } from '../auth/domain/roles.ts';
import { INSTITUTION_HEADER } from '../auth/auth.routes.ts';
import { createInstitutionAdminService, type InstitutionLogo } from './institution-admin.service.ts';
import { LOGO_MAX_BYTES, LOGO_MAX_SIDE } from './logo-processing.ts';

/** Raw body types accepted for an upload; the content decides what the file is, not this label. */
const LOGO_UPLOAD_TYPES = ['image/png', 'image/jpeg', 'image/svg+xml'] as const;
const TAGS = ['institution'];

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((value) => Type.Literal(value)));
const HexColor = Type.String({ pattern: '^#[0-9a-fA-F]{6}$' });
const ColorsSchema = Type.Object({ primary: HexColor, secondary: HexColor }, { additionalProperties: false });
const KindSchema = literals(['institution', 'federation'] as const);
const EsiScopeSchema = literals(['national', 'institution'] as const);
const CardKindsSchema = Type.Array(literals(['physical', 'virtual'] as const), { uniqueItems: true, maxItems: 2 });

const settingsFields = {
  autoEnableAfterEncode: Type.Boolean(),
  enableOnDelivery: Type.Boolean(),
  selfServiceDisableReasons: Type.Array(literals(['LOST', 'THEFT', 'OUT_OF_ORDER'] as const), { uniqueItems: true }),
  cardValidityMonths: Type.Integer({ minimum: 1, maximum: 120 }),
  showHolderOnVerification: Type.Boolean(),
  escDeleteDisabledCards: Type.Boolean(),
  sharedCard: Type.Boolean({
    description: 'On a federation: its members share one card (one ENABLED card per person across the federation). No effect on an institution without members.',
  }),
};

const SettingsSchema = Type.Object(settingsFields);
const SettingsPatchSchema = Type.Object(
  Object.fromEntries(Object.entries(settingsFields).map(([key, schema]) => [key, Type.Optional(schema)])),
  { additionalProperties: false },
);

const publicPersonTypeFields = {
  code: Type.String(),
  labelFr: Type.String(),
  labelEn: Type.String(),
  cardKinds: Type.Array(literals(['physical', 'virtual'] as const)),
  selfRequest: Type.Boolean({ description: 'People of this type may request a card themselves' }),
  deliveryAddress: Type.Boolean({ description: 'Their request for a physical card asks for a delivery address' }),
};
const PublicPersonTypeSchema = Type.Object(publicPersonTypeFields);
const PersonTypeSchema = Type.Object({
  ...publicPersonTypeFields,
  validityMonths: Nullable(Type.Integer({ description: 'Months a new card is valid for; null: the institution setting cardValidityMonths' })),
  affiliations: Type.Array(Type.String(), { description: 'Directory eduPersonAffiliation values that make a person of this type' }),
  position: Type.Integer(),
  disabled: Type.Boolean({ description: 'Kept on existing enrolments, offered for no new one' }),
});

const summaryFields = {
  code: Type.String(),
  name: Type.String(),
  kind: KindSchema,
  parent: Nullable(Type.String({ description: 'Code of the federation (or institution) it belongs to' })),
  parentName: Nullable(Type.String()),
  pic: Nullable(Type.String()),
  disabled: Type.Boolean(),
  hasLogo: Type.Boolean(),
};
const InstitutionSummarySchema = Type.Object(summaryFields);
const InstitutionSchema = Type.Object({
  ...summaryFields,
  uai: Nullable(Type.String()),
  schacHomeOrganization: Nullable(Type.String()),
  country: Type.String(),
  esiScope: EsiScopeSchema,
  colors: ColorsSchema,
  settings: SettingsSchema,
  disabledAt: Nullable(Type.String()),
  personTypes: Type.Array(PersonTypeSchema),
  updatedAt: Type.String(),
});
const PublicInstitutionSchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  kind: KindSchema,
  parent: Nullable(Type.String()),
  parentName: Nullable(Type.String()),
  pic: Nullable(Type.String()),
  colors: ColorsSchema,
  hasLogo: Type.Boolean(),
  personTypes: Type.Array(PublicPersonTypeSchema, { description: 'Enabled person types, with their request rules' }),
});

const identityFields = {
  name: Type.String({ minLength: 1, maxLength: 300 }),
  kind: KindSchema,
  parent: NullableInput(Type.String({ maxLength: 64, description: 'Code of the parent; null: top level (admins granted on every institution only)' })),
  pic: NullableInput(Type.String({ maxLength: 20, description: '9 digits; null until known (the ESC sync waits for it)' })),
  uai: NullableInput(Type.String({ maxLength: 20, description: '7 digits and the check letter' })),
  schacHomeOrganization: NullableInput(Type.String({ maxLength: 253 })),
  country: Type.String({ maxLength: 2, description: 'ISO 3166-1 alpha-2' }),
  esiScope: EsiScopeSchema,
  colors: ColorsSchema,
  settings: SettingsPatchSchema,
};
/** The same fields, each optional. */
const optional = <T extends Record<string, TSchema>>(fields: T) =>
  Object.fromEntries(Object.entries(fields).map(([key, schema]) => [key, Type.Optional(schema)])) as { [K in keyof T]: TOptional<T[K]> };

const InstitutionCreateBody = Type.Object({
  ...optional(identityFields),
  code: Type.String({ minLength: 1, maxLength: 64, description: '1 to 32 lowercase letters, digits or hyphens; fixed once created' }),
  name: identityFields.name,
}, { additionalProperties: false });
const InstitutionUpdateBody = Type.Object(optional(identityFields), { additionalProperties: false });

/** Today's body of `PUT /institution`, plus the deprecated request rules (now held by person types). */
const RequestRuleSchema = Type.Object({ selfRequest: Type.Boolean(), deliveryAddress: Type.Boolean() }, { additionalProperties: false });
const LegacyInstitutionBody = Type.Object({
  name: identityFields.name,
  pic: Type.String({ maxLength: 20 }),
  uai: Type.Optional(NullableInput(Type.String({ maxLength: 20 }))),
  schacHomeOrganization: Type.String({ minLength: 1, maxLength: 253 }),
  country: Type.String({ maxLength: 2 }),
  esiScope: EsiScopeSchema,
  colors: Type.Optional(ColorsSchema),
  settings: Type.Optional(Type.Object({
    ...optional(settingsFields),
    requestRules: Type.Optional(Type.Record(Type.String({ pattern: '^[a-z][a-z0-9_-]{0,31}$' }), RequestRuleSchema, {
      description: 'Deprecated: sets selfRequest and deliveryAddress of these person types (PUT /institutions/{code}/person-types/{type})',
    })),
  }, { additionalProperties: false })),
}, { additionalProperties: false });

const PersonTypeBody = Type.Object({
  labelFr: Type.String({ minLength: 1, maxLength: 80 }),
  labelEn: Type.String({ minLength: 1, maxLength: 80 }),
  cardKinds: Type.Optional(CardKindsSchema),
  selfRequest: Type.Optional(Type.Boolean()),
  deliveryAddress: Type.Optional(Type.Boolean()),
  validityMonths: Type.Optional(NullableInput(Type.Integer({ minimum: 1, maximum: 120 }))),
  affiliations: Type.Optional(Type.Array(Type.String({ pattern: '^[a-z][a-z0-9-]{0,63}$' }), { uniqueItems: true, maxItems: 20 })),
  position: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
  disabled: Type.Optional(Type.Boolean()),
}, { additionalProperties: false });

const CodeParams = Type.Object({ code: Type.String({ maxLength: 64 }) });
const PersonTypeParams = Type.Object({
  code: Type.String({ maxLength: 64 }),
  type: Type.String({ pattern: '^[a-z][a-z0-9_-]{0,31}$', description: 'Person type code: a lowercase letter, then letters, digits, _ or -' }),
});

const SCOPE_NOTE = 'Office roles see the institutions their grants cover (a federation grant covers its members); any other code answers 404 `institution_not_found`.';
const ADMIN_NOTE = 'Admins only, within their grants: a federation admin manages its members; only an admin granted on every institution creates a top-level one. ' +
  'Outside the grants: 404 `institution_not_found`.';
const LEGACY_NOTE = 'Acts on the institution named by the Campuscard-Institution header (or the console\'s switcher), else the only institution the caller reaches.';
const PUBLIC_READ_NOTE = 'Visitors and cardholders may name any institution with the header (404 `institution_not_found` when unknown).';

async function uploadedBytes(request: FastifyRequest): Promise<Buffer> {
  if (request.isMultipart()) {
    const file = await request.file({ limits: { fileSize: LOGO_MAX_BYTES, files: 1 } });
    if (!file) throw unprocessable('logo_missing', 'The multipart body has no file', { field: '/file' });
    return file.toBuffer();
  }
  if (!Buffer.isBuffer(request.body)) {
    throw new ProblemError(415, 'unsupported_media_type', `Send the logo as ${LOGO_UPLOAD_TYPES.join(', ')} or multipart/form-data`);
  }
  return request.body;
}

const isOffice = (principal: Principal | null) => principal !== null && OFFICE_READ_ROLES.includes(principal.role);

/** The institution code of the Campuscard-Institution header, which visitors and cardholders may send to public reads. */
function namedInstitution(request: FastifyRequest): string | undefined {
  const header = request.headers[INSTITUTION_HEADER];
  return typeof header === 'string' && header !== '' ? header : undefined;
}

function sendLogo(reply: FastifyReply, logo: InstitutionLogo | undefined): FastifyReply {
  if (!logo) throw notFound('logo_not_found', 'No logo was uploaded');
  void reply.header('cache-control', 'public, max-age=300')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
  return reply.type(logo.mime).send(logo.bytes);
}

const LOGO_UPLOAD_DESCRIPTION = 'Raw image/png, image/jpeg or image/svg+xml body, or multipart/form-data with one file; the content decides the format, ' +
  `not the label. Every upload is decoded and encoded again (metadata dropped) to fit ${LOGO_MAX_SIDE}x${LOGO_MAX_SIDE} pixels; ` +
  'an SVG is drawn into a PNG without loading anything it links to, and the SVG itself is not kept. ' +
  '413 `logo_too_large`, 415 `logo_unsupported_type`, 422 `logo_corrupt` (cannot be read or drawn within the limits), all with field `/file`.';
const LOGO_DOWNLOAD_DESCRIPTION = `Always image/png or image/jpeg, at most ${LOGO_MAX_SIDE} pixels a side, with X-Content-Type-Options: nosniff. ` +
  'A logo stored as SVG by an older version is drawn into a PNG on first read (or removed when it cannot be drawn).';

/**
 * Institutions and federations (`/institutions`, `/institutions/{code}/…`): office roles read
 * those in their scope, admins create, change, disable them and configure their person types.
 * Today's single-institution routes (`/institution`, `/institution/logo`) stay and act on the
 * institution the call resolves to; `GET /institution` is public for the web app's branding.
 */
export async function institutionRoutes(app: AppInstance, deps: AppDeps): Promise<void> {
  const admin = createInstitutionAdminService(deps.database.db);

  app.get('/institution', {
    config: { access: { public: true } },
    schema: {
      tags: TAGS,
      summary: 'Branding and person types for everybody; identifiers and settings for office roles',
      description: `${LEGACY_NOTE} ${PUBLIC_READ_NOTE} When several are in reach (or for a visitor naming none), the first top-level one: a federation's deployment shows the federation. ` +
        'Everybody gets code, kind, parent, name, PIC, colours, logo presence and the enabled person types with their request rules; ' +
        'office roles also get the identifiers and settings of an institution they reach.',
      response: { 200: Type.Union([InstitutionSchema, PublicInstitutionSchema]), ...errorResponses(404) },
    },
  }, async (request) => {
    const principal = request.principal;
    return admin.legacyView(principal, isOffice(principal), namedInstitution(request));
  });

  app.put('/institution', {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags: TAGS,
      summary: 'Change the institution; settings not sent keep their value',
      description: `${LEGACY_NOTE} Several in reach and none named: 422 \`institution_required\`. Prefer PUT /institutions/{code}.`,
      body: LegacyInstitutionBody,
      response: { 200: InstitutionSchema, ...errorResponses(400, 401, 403, 422) },
    },
  }, async (request) => {
    const { settings, ...fields } = request.body;
    const { requestRules, ...rest } = settings ?? {};
    return admin.legacySave(principalOf(request), { ...fields, settings: rest, ...(requestRules ? { requestRules } : {}) }, actorOf(request));
  });

  app.get('/institution/logo', {
    config: { access: { public: true } },
    schema: {
      tags: TAGS,
      summary: 'The logo of the institution, as a PNG or a JPEG (an uploaded SVG was drawn into a PNG)',
      description: `${LEGACY_NOTE} ${PUBLIC_READ_NOTE} ${LOGO_DOWNLOAD_DESCRIPTION}`,
      response: { 200: Type.Unknown({ description: 'image/png or image/jpeg' }), ...errorResponses(404) },
    },
  }, async (request, reply) => sendLogo(reply, await admin.legacyLogo(request.principal, isOffice(request.principal), namedInstitution(request))));

  app.get('/institutions', {
    config: { access: { roles: OFFICE_READ_ROLES } },
    schema: {
      tags: TAGS,
      summary: 'The institutions and federations in the caller\'s scope (disabled ones included)',
      description: SCOPE_NOTE,
      response: { 200: Type.Object({ items: Type.Array(InstitutionSummarySchema) }), ...errorResponses(401, 403) },
    },
  }, async (request) => ({ items: await admin.list(principalOf(request)) }));

  app.post('/institutions', {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags: TAGS,
      summary: 'Create an institution or a federation',
      description: `${ADMIN_NOTE} A new institution gets the person types student, staff, guest and external, which its admins adapt. ` +
        '409 `institution_code_taken`; 422 `invalid_institution_code`, `invalid_pic`, `invalid_uai`, `invalid_country`, ' +
        '`invalid_schac_home_organization`, `parent_required` (a scoped admin must name a parent); 404 `institution_not_found` (unknown parent).',
      body: InstitutionCreateBody,
      response: { 201: InstitutionSchema, ...errorResponses(400, 401, 403, 404, 409, 422) },
    },
  }, async (request, reply) => reply.status(201).send(await admin.create(principalOf(request), request.body, actorOf(request))));

  app.get('/institutions/:code', {
    config: { access: { roles: OFFICE_READ_ROLES } },
    schema: {
      tags: TAGS,
      summary: 'One institution: identifiers, settings and person types',
      description: SCOPE_NOTE,
      params: CodeParams,
      response: { 200: InstitutionSchema, ...errorResponses(401, 403, 404) },
    },
  }, async (request) => admin.get(principalOf(request), request.params.code));

  app.put('/institutions/:code', {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags: TAGS,
      summary: 'Change an institution; fields and settings not sent keep their value',
      description: `${ADMIN_NOTE} The code and the kind are fixed (422 \`institution_kind_fixed\`). A new parent must be in reach; ` +
        'placing an institution below itself or one of its members is 422 `institution_cycle`.',
      params: CodeParams,
      body: InstitutionUpdateBody,
      response: { 200: InstitutionSchema, ...errorResponses(400, 401, 403, 404, 422) },
    },
  }, async (request) => admin.update(principalOf(request), request.params.code, request.body, actorOf(request)));

  for (const [action, disabled] of [['disable', true], ['enable', false]] as const) {
    app.post(`/institutions/:code/${action}`, {
      config: { access: { roles: ['admin'] } },
      schema: {
        tags: TAGS,
        summary: disabled ? 'Disable an institution: it takes no new enrolment nor card request; its data stays' : 'Enable a disabled institution again',
        description: `${ADMIN_NOTE} People, cards, history and settings of a disabled institution are kept and still shown; existing cards keep their state.`,
        params: CodeParams,
        response: { 200: InstitutionSchema, ...errorResponses(401, 403, 404) },
      },
    }, async (request) => admin.setDisabled(principalOf(request), request.params.code, disabled, actorOf(request)));
  }

  app.get('/institutions/:code/logo', {
    config: { access: { public: true } },
    schema: {
      tags: TAGS,
      summary: 'An institution\'s logo, as a PNG or a JPEG (public, like its name)',
      description: LOGO_DOWNLOAD_DESCRIPTION,
      params: CodeParams,
      response: { 200: Type.Unknown({ description: 'image/png or image/jpeg' }), ...errorResponses(404) },
    },
  }, async (request, reply) => sendLogo(reply, await admin.logo(request.params.code)));

  app.delete('/institutions/:code/logo', {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags: TAGS,
      summary: 'Remove an institution\'s logo',
      description: ADMIN_NOTE,
      params: CodeParams,
      response: { 204: Type.Null(), ...errorResponses(401, 403, 404) },
    },
  }, async (request, reply) => {
    await admin.setLogo(principalOf(request), request.params.code, null, actorOf(request));
    return reply.status(204).send(null);
  });

  app.get('/institutions/:code/person-types', {
    config: { access: { roles: OFFICE_READ_ROLES } },
    schema: {
      tags: TAGS,
      summary: 'The person types an institution defines, in display order (disabled ones included)',
      description: SCOPE_NOTE,
      params: CodeParams,
      response: { 200: Type.Object({ items: Type.Array(PersonTypeSchema) }), ...errorResponses(401, 403, 404) },
    },
  }, async (request) => ({ items: await admin.personTypes(principalOf(request), request.params.code) }));

  app.put('/institutions/:code/person-types/:type', {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags: TAGS,
      summary: 'Create (201) or change (200) a person type: labels, card kinds, request rules, validity, directory affiliations',
      description: `${ADMIN_NOTE} Optional fields not sent keep their value (when new: both card kinds, no self-request, no delivery address, ` +
        'the institution\'s validity, no affiliation, last position). An affiliation makes one type per institution: 422 `affiliation_already_mapped`. ' +
        '`disabled: true` keeps the type on existing enrolments and offers it for no new one.',
      params: PersonTypeParams,
      body: PersonTypeBody,
      response: { 200: PersonTypeSchema, 201: PersonTypeSchema, ...errorResponses(400, 401, 403, 404, 422) },
    },
  }, async (request, reply) => {
    const saved = await admin.savePersonType(principalOf(request), request.params.code, request.params.type, request.body, actorOf(request));
    return reply.status(saved.created ? 201 : 200).send(saved.personType);
  });

  app.delete('/institutions/:code/person-types/:type', {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags: TAGS,
      summary: 'Delete a person type nobody is enrolled as',
      description: `${ADMIN_NOTE} 409 \`person_type_in_use\` while enrolments have the type (disable it instead); 404 \`person_type_not_found\`.`,
      params: PersonTypeParams,
      response: { 204: Type.Null(), ...errorResponses(400, 401, 403, 404, 409) },
    },
  }, async (request, reply) => {
    await admin.deletePersonType(principalOf(request), request.params.code, request.params.type, actorOf(request));
    return reply.status(204).send(null);
  });

  // Raw image bodies are parsed in this scope only, so other contexts may treat them differently.
  await app.register(async (plain) => {
    const scope = plain.withTypeProvider<TypeBoxTypeProvider>();
    for (const type of LOGO_UPLOAD_TYPES) {
      if (scope.hasContentTypeParser(type)) scope.removeContentTypeParser(type);
      scope.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: LOGO_MAX_BYTES }, (_request, body, done) => done(null, body));
    }
    const uploadSummary = `(PNG, JPEG, SVG or SVGZ, at most ${LOGO_MAX_BYTES / 1024} KB): stored re-encoded, an SVG drawn into a PNG`;

    scope.put('/institution/logo', {
      config: { access: { roles: ['admin'] } },
      schema: {
        tags: TAGS,
        summary: `Upload the institution's logo ${uploadSummary}`,
        description: `${LEGACY_NOTE} Several in reach and none named: 422 \`institution_required\`. ${LOGO_UPLOAD_DESCRIPTION}`,
        response: { 204: Type.Null(), ...errorResponses(401, 403, 404, 413, 415, 422) },
      },
    }, async (request, reply) => {
      await admin.legacySetLogo(principalOf(request), await uploadedBytes(request), actorOf(request));
      return reply.status(204).send(null);
    });

    scope.put('/institutions/:code/logo', {
      config: { access: { roles: ['admin'] } },
      schema: {
        tags: TAGS,
        summary: `Upload an institution's logo ${uploadSummary}`,
        description: `${ADMIN_NOTE} ${LOGO_UPLOAD_DESCRIPTION}`,
        params: CodeParams,
        response: { 204: Type.Null(), ...errorResponses(401, 403, 404, 413, 415, 422) },
      },
    }, async (request, reply) => {
      const caller = principalOf(request);
      await admin.setLogo(caller, request.params.code, await uploadedBytes(request), actorOf(request));
      return reply.status(204).send(null);
    });
  });
}
