import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { AppDeps, AppInstance } from '../../app/app-types.ts';
import { notFound, ProblemError, unprocessable } from '../../platform/http/problem.ts';
import { actorOf, errorResponses, Nullable } from '../../platform/http/schemas.ts';
import { OFFICE_READ_ROLES } from '../auth/domain/roles.ts';
import { LOGO_MAX_BYTES, LOGO_MAX_SIDE } from './logo-processing.ts';

/** Raw body types accepted for an upload; the content decides what the file is, not this label. */
const LOGO_UPLOAD_TYPES = ['image/png', 'image/jpeg', 'image/svg+xml'] as const;

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((value) => Type.Literal(value)));
const HexColor = Type.String({ pattern: '^#[0-9a-fA-F]{6}$' });
const ColorsSchema = Type.Object({ primary: HexColor, secondary: HexColor }, { additionalProperties: false });
const RequestRuleSchema = Type.Object({ selfRequest: Type.Boolean(), deliveryAddress: Type.Boolean() }, { additionalProperties: false });
const RequestRulesSchema = Type.Object({
  student: Type.Optional(RequestRuleSchema),
  staff: Type.Optional(RequestRuleSchema),
  guest: Type.Optional(RequestRuleSchema),
  external: Type.Optional(RequestRuleSchema),
}, { additionalProperties: false });

const settingsFields = {
  autoEnableAfterEncode: Type.Boolean(),
  enableOnDelivery: Type.Boolean(),
  selfServiceDisableReasons: Type.Array(literals(['LOST', 'THEFT', 'OUT_OF_ORDER'] as const), { uniqueItems: true }),
  requestRules: RequestRulesSchema,
  cardValidityMonths: Type.Integer({ minimum: 1, maximum: 120 }),
  showHolderOnVerification: Type.Boolean(),
  escDeleteDisabledCards: Type.Boolean(),
};

const SettingsSchema = Type.Object(settingsFields);
const SettingsPatchSchema = Type.Object(
  Object.fromEntries(Object.entries(settingsFields).map(([key, schema]) => [key, Type.Optional(schema)])),
  { additionalProperties: false },
);

const PublicInstitutionSchema = Type.Object({
  name: Type.String(),
  pic: Type.String(),
  colors: ColorsSchema,
  hasLogo: Type.Boolean(),
});

const InstitutionSchema = Type.Object({
  name: Type.String(),
  pic: Type.String(),
  uai: Nullable(Type.String()),
  schacHomeOrganization: Type.String(),
  country: Type.String(),
  esiScope: literals(['national', 'institution'] as const),
  colors: ColorsSchema,
  settings: SettingsSchema,
  hasLogo: Type.Boolean(),
  updatedAt: Type.String(),
});

const InstitutionBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 300 }),
  pic: Type.String({ maxLength: 20 }),
  uai: Type.Optional(Nullable(Type.String({ maxLength: 20 }))),
  schacHomeOrganization: Type.String({ minLength: 1, maxLength: 253 }),
  country: Type.String({ maxLength: 2 }),
  esiScope: literals(['national', 'institution'] as const),
  colors: Type.Optional(ColorsSchema),
  settings: Type.Optional(SettingsPatchSchema),
}, { additionalProperties: false });

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

/**
 * The institution: public identity (name, PIC, colours, logo) for every page, full settings for
 * the card office, changes by admins only.
 */
export async function institutionRoutes(app: AppInstance, deps: AppDeps): Promise<void> {
  const { institution } = deps.services;

  app.get('/institution', {
    config: { access: { public: true } },
    schema: {
      tags: ['institution'],
      summary: 'Name, PIC, colours and logo presence for everybody; identifiers and settings for office roles',
      response: { 200: Type.Union([InstitutionSchema, PublicInstitutionSchema]), ...errorResponses(404) },
    },
  }, async (request) => {
    const view = await institution.get();
    if (request.principal && OFFICE_READ_ROLES.includes(request.principal.role)) return view;
    return { name: view.name, pic: view.pic, colors: view.colors, hasLogo: view.hasLogo };
  });

  app.put('/institution', {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags: ['institution'],
      summary: 'Set up or change the institution; settings not sent keep their value',
      body: InstitutionBody,
      response: { 200: InstitutionSchema, ...errorResponses(400, 401, 403, 422) },
    },
  }, async (request) => institution.save(request.body, actorOf(request)));

  app.get('/institution/logo', {
    config: { access: { public: true } },
    schema: {
      tags: ['institution'],
      summary: 'The logo, as a PNG or a JPEG (an uploaded SVG was drawn into a PNG)',
      description: `Always image/png or image/jpeg, at most ${LOGO_MAX_SIDE} pixels a side, with X-Content-Type-Options: nosniff. ` +
        'A logo stored as SVG by an older version is drawn into a PNG on first read (or removed when it cannot be drawn).',
      response: { 200: Type.Unknown({ description: 'image/png or image/jpeg' }), ...errorResponses(404) },
    },
  }, async (_request, reply) => {
    const logo = await institution.logo();
    if (!logo) throw notFound('logo_not_found', 'No logo was uploaded');
    void reply.header('cache-control', 'public, max-age=300')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    return reply.type(logo.mime).send(logo.bytes);
  });

  // Raw image bodies are parsed in this scope only, so other contexts may treat them differently.
  await app.register(async (scope) => {
    for (const type of LOGO_UPLOAD_TYPES) {
      if (scope.hasContentTypeParser(type)) scope.removeContentTypeParser(type);
      scope.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: LOGO_MAX_BYTES }, (_request, body, done) => done(null, body));
    }

    scope.put('/institution/logo', {
      config: { access: { roles: ['admin'] } },
      schema: {
        tags: ['institution'],
        summary: `Upload the logo (PNG, JPEG, SVG or SVGZ, at most ${LOGO_MAX_BYTES / 1024} KB): stored re-encoded, an SVG drawn into a PNG`,
        description: 'Raw image/png, image/jpeg or image/svg+xml body, or multipart/form-data with one file; the content decides the format, ' +
          `not the label. Every upload is decoded and encoded again (metadata dropped) to fit ${LOGO_MAX_SIDE}x${LOGO_MAX_SIDE} pixels; ` +
          'an SVG is drawn into a PNG without loading anything it links to, and the SVG itself is not kept. ' +
          '413 `logo_too_large`, 415 `logo_unsupported_type`, 422 `logo_corrupt` (cannot be read or drawn within the limits), all with field `/file`.',
        response: { 204: Type.Null(), ...errorResponses(401, 403, 404, 413, 415, 422) },
      },
    }, async (request, reply) => {
      await institution.setLogo(await uploadedBytes(request), actorOf(request));
      return reply.status(204).send(null);
    });
  });
}
