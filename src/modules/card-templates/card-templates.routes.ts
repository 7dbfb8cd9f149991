import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { AppDeps, AppInstance } from '../../app/app-types.ts';
import { principalOf } from '../../platform/http/access.ts';
import { ProblemError } from '../../platform/http/problem.ts';
import { actorOf, errorResponses, IdParams, Nullable, NullableInput, Uuid } from '../../platform/http/schemas.ts';
import { JobRunSchema } from '../jobs/jobs.routes.ts';
import { CARD_FILTER_FIELDS, splitList } from '../cards/cards.routes.ts';
import type { CardTemplateLayout } from './domain/card-template.ts';
import { ASSET_MAX_BYTES, ASSET_MAX_SIDE } from './card-templates.service.ts';
import { PRINT_ROLES, TEMPLATE_READ_ROLES, TEMPLATE_WRITE_ROLES } from './card-templates.policy.ts';
import { MAX_BATCH_CARDS } from './print-batches.service.ts';

const tags = ['card templates'];
const read = { roles: TEMPLATE_READ_ROLES };
const write = { roles: TEMPLATE_WRITE_ROLES };
const print = { roles: PRINT_ROLES };

const LAYOUT_DESCRIPTION = 'A CardTemplateLayout (src/modules/card-templates/domain/card-template.ts): front and back (or null), each a background '
  + 'colour and elements (text, photo, image, shape, qr, barcode, hologram) in millimetres on the ID-1 card (85.60 × 53.98 mm). '
  + 'Checked on save: 422 `invalid_layout` with `field` the JSON pointer of the first element at fault (`/layout/front/elements/3`), '
  + '`elementId`, and every fault in `errors` (schema, duplicate_element_id, element_outside_card, unknown_asset, min_font_above_font).';

/** A layout in a request: checked by the service, which names the element at fault. */
const LayoutInput = Type.Unknown({ description: LAYOUT_DESCRIPTION });
/** A layout in an answer (its schema is the TypeScript type; kept open here so answers stay cheap to write). */
const LayoutOutput = Type.Unsafe<CardTemplateLayout>({ type: 'object', additionalProperties: true, description: LAYOUT_DESCRIPTION });

const TemplateSchema = Type.Object({
  id: Uuid,
  institution: Nullable(Type.String({ description: 'Institution code; null: a template of the whole deployment' })),
  name: Type.String(),
  currentVersion: Type.Integer(),
  archived: Type.Boolean(),
  editable: Type.Boolean({ description: 'Whether you may save new versions of it (managers and admins of its institution; deployment-wide: admins of every institution)' }),
  layout: LayoutOutput,
  versions: Type.Array(Type.Object({ version: Type.Integer(), createdBy: Type.String(), createdAt: Type.String({ format: 'date-time' }) })),
  updatedBy: Type.String(),
  updatedAt: Type.String({ format: 'date-time' }),
}, { $id: 'CardTemplate' });

const AssetSchema = Type.Object({
  id: Uuid,
  institution: Nullable(Type.String()),
  name: Type.String(),
  mediaType: Type.String(),
  width: Type.Integer(),
  height: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
});

const CardKind = Type.Union([Type.Literal('physical'), Type.Literal('virtual')]);
const RuleSchema = Type.Object({
  id: Uuid,
  institution: Nullable(Type.String({ description: 'null: any institution' })),
  personType: Nullable(Type.String({ description: 'null: any person type' })),
  cardKind: Nullable(CardKind),
  templateId: Uuid,
});

const Side = Type.Union([Type.Literal('front'), Type.Literal('back')], { default: 'front' });
const Dpi = Type.Union([Type.Literal(300), Type.Literal(600)], { default: 300 });
const Language = Type.Union([Type.Literal('fr'), Type.Literal('en')]);

const BatchSchema = Type.Object({
  id: Uuid,
  institution: Type.String(),
  status: Type.Union(['preparing', 'ready', 'taken', 'printed', 'failed'].map((status) => Type.Literal(status)), {
    description: 'preparing: the PDF is being made (see job); ready: to download; taken: its cards are IN_PRINT; printed: confirmed, its cards PRINTED',
  }),
  cardCount: Type.Integer(),
  duplex: Type.Boolean({ description: 'Front then back pages (a card whose template has no back gets a blank back page)' }),
  pages: Nullable(Type.Integer()),
  bytes: Nullable(Type.Integer()),
  createdBy: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  takenBy: Nullable(Type.String()),
  takenAt: Nullable(Type.String({ format: 'date-time' })),
  printedBy: Nullable(Type.String()),
  printedAt: Nullable(Type.String({ format: 'date-time' })),
  createdByName: Nullable(Type.String({ description: 'Who made it, readably (an account\'s display name, a token\'s name); null when unknown' })),
  takenByName: Nullable(Type.String({ description: 'Who took it, readably (an account, a token, a printer\'s name)' })),
  printedByName: Nullable(Type.String({ description: 'Who confirmed it, readably (an account, a token, a printer\'s name)' })),
  job: Nullable(JobRunSchema),
  withoutPhoto: Type.Object({
    count: Type.Integer({ description: 'Cards of the batch with no photo: printed with an empty photo box' }),
    cards: Type.Array(Type.Object({ cardId: Uuid, holder: Type.String() }), { description: 'The first 20 of them, in file order' }),
  }),
  leftOutWithoutPhoto: Type.Integer({ description: 'Cards of the queue or filters left out because they had no photo (they stay where they were)' }),
}, { $id: 'PrintBatch' });

const MoveOutcome = Type.Object({
  batch: Type.Ref('PrintBatch'),
  moved: Type.Integer({ description: 'Cards moved by this call' }),
  refused: Type.Array(Type.Object({ cardId: Uuid, code: Type.String(), detail: Type.String() })),
});

const ASSET_TYPES = ['image/png', 'image/jpeg'];

/** Whether an If-None-Match header names `etag` (weak or strong, or `*`). */
function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed.replace(/^W\//, '') === etag;
  });
}

async function uploadedImage(request: FastifyRequest): Promise<Buffer> {
  if (!Buffer.isBuffer(request.body)) {
    throw new ProblemError(415, 'asset_unsupported_type', 'Send the image as image/png or image/jpeg', { field: '/file' });
  }
  return request.body;
}

/**
 * Card templates, their images and rules, card faces, and print batches (issue 13).
 * Reading: office roles, within their institutions (and the deployment's templates); changing:
 * managers and admins of the template's institution (deployment-wide ones: admins of the whole
 * deployment). Print batches: managers, admins and stations of the batch's institution.
 */
export async function cardTemplatesRoutes(app: AppInstance, deps: AppDeps): Promise<void> {
  const { cardTemplates, printBatches } = deps.services;
  app.addSchema(TemplateSchema);
  app.addSchema(BatchSchema);

  app.get('/card-templates', {
    config: { access: read },
    schema: {
      tags, summary: 'Card templates of your institutions and of the whole deployment',
      querystring: Type.Object({ archived: Type.Optional(Type.Boolean({ description: 'Include archived templates' })) }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(Type.Ref('CardTemplate')) }), ...errorResponses(400, 401, 403) },
    },
  }, async (request) => ({ items: await cardTemplates.list(principalOf(request), request.query.archived === true) }));

  app.post('/card-templates', {
    config: { access: write },
    schema: {
      tags, summary: 'Create a template (its version 1)',
      description: '`institution`: a code, null for the whole deployment (admins of every institution), absent: the focused or only one. '
        + '403 `template_edit_forbidden`, 404 `institution_not_found`, 422 `invalid_layout`, `institution_required`.',
      body: Type.Object({
        institution: Type.Optional(NullableInput(Type.String({ maxLength: 64 }))),
        name: Type.String({ minLength: 1, maxLength: 100 }),
        layout: LayoutInput,
      }, { additionalProperties: false }),
      response: { 201: Type.Ref('CardTemplate'), ...errorResponses(400, 401, 403, 404, 422) },
    },
  }, async (request, reply) => reply.status(201).send(await cardTemplates.create(principalOf(request), request.body, actorOf(request))));

  app.get('/card-templates/:id', {
    config: { access: read },
    schema: { tags, summary: 'One template: its current layout and its versions', params: IdParams, response: { 200: Type.Ref('CardTemplate'), ...errorResponses(400, 401, 403, 404) } },
  }, async (request) => cardTemplates.get(request.params.id, principalOf(request)));

  app.put('/card-templates/:id', {
    config: { access: write },
    schema: {
      tags, summary: 'Save a new version of a template (versions are never changed; cards printed keep theirs)',
      description: '409 `template_version_conflict` when `expectedVersion` is not the current one, `template_archived`; 422 `invalid_layout`.',
      params: IdParams,
      body: Type.Object({
        layout: LayoutInput,
        name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
        expectedVersion: Type.Optional(Type.Integer({ minimum: 1, description: 'The version the edit started from' })),
      }, { additionalProperties: false }),
      response: { 200: Type.Ref('CardTemplate'), ...errorResponses(400, 401, 403, 404, 409, 422) },
    },
  }, async (request) => cardTemplates.save(request.params.id, principalOf(request), request.body, actorOf(request)));

  app.get('/card-templates/:id/versions/:version', {
    config: { access: read },
    schema: {
      tags, summary: 'One version of a template',
      params: Type.Object({ id: Uuid, version: Type.Integer({ minimum: 1 }) }),
      response: {
        200: Type.Object({ version: Type.Integer(), layout: LayoutOutput, createdBy: Type.String(), createdAt: Type.String({ format: 'date-time' }) }),
        ...errorResponses(400, 401, 403, 404),
      },
    },
  }, async (request) => cardTemplates.version(request.params.id, request.params.version, principalOf(request)));

  app.post('/card-templates/:id/archive', {
    config: { access: write },
    schema: {
      tags, summary: 'Archive a template (its rules stop applying) or restore it',
      params: IdParams, body: Type.Object({ archived: Type.Boolean() }, { additionalProperties: false }),
      response: { 200: Type.Ref('CardTemplate'), ...errorResponses(400, 401, 403, 404) },
    },
  }, async (request) => cardTemplates.archive(request.params.id, principalOf(request), request.body.archived, actorOf(request)));

  app.post('/card-templates/preview', {
    config: { access: read },
    schema: {
      tags, summary: 'Draw a draft layout, or a saved template version, to PNG with a card\'s data (or sample data)',
      description: 'Send `layout` (checked as on save) or `templateId` (and `version`, default the current one). `cardId` or `personId`: a card or person within your reach (404 otherwise); neither: sample data. '
        + 'Drawn for the editor: the hologram area and missing data (e.g. no photo) are outlined, which the printed card never shows.',
      body: Type.Object({
        layout: Type.Optional(LayoutInput),
        templateId: Type.Optional(Uuid),
        version: Type.Optional(Type.Integer({ minimum: 1 })),
        cardId: Type.Optional(Uuid),
        personId: Type.Optional(Uuid),
        side: Type.Optional(Side),
        dpi: Type.Optional(Dpi),
        language: Type.Optional(Language),
      }, { additionalProperties: false }),
      response: { 200: Type.Unknown({ description: 'image/png' }), ...errorResponses(400, 401, 403, 404, 422) },
    },
  }, async (request, reply) => {
    const { side, dpi, ...rest } = request.body;
    const png = await cardTemplates.preview(principalOf(request), { ...rest, side: side ?? 'front', dpi: dpi ?? 300, editor: true });
    return reply.type('image/png').header('cache-control', 'no-store').send(Buffer.from(png));
  });

  app.get('/card-templates/:id/preview.png', {
    config: { access: read },
    schema: {
      tags, summary: 'A saved template drawn to PNG (for an <img>): sample data, or a card\'s',
      params: IdParams,
      querystring: Type.Object({
        side: Type.Optional(Side), version: Type.Optional(Type.Integer({ minimum: 1 })), cardId: Type.Optional(Uuid), personId: Type.Optional(Uuid),
        language: Type.Optional(Language), dpi: Type.Optional(Dpi),
      }, { additionalProperties: false }),
      response: { 200: Type.Unknown({ description: 'image/png' }), ...errorResponses(400, 401, 403, 404, 422) },
    },
  }, async (request, reply) => {
    const { side, dpi, ...rest } = request.query;
    const png = await cardTemplates.preview(principalOf(request), { ...rest, templateId: request.params.id, side: side ?? 'front', dpi: dpi ?? 300 });
    return reply.type('image/png').header('cache-control', 'no-store').send(Buffer.from(png));
  });

  app.get('/cards/:id/face.png', {
    config: { access: read },
    schema: {
      tags, summary: 'A card\'s face as printed: the template version it was printed with, else its rule\'s current one',
      description: '404 `card_not_found` (also outside your institutions and person types), `no_template` (no rule applies), `no_back`.',
      params: IdParams,
      querystring: Type.Object({ side: Type.Optional(Side), dpi: Type.Optional(Dpi) }, { additionalProperties: false }),
      response: { 200: Type.Unknown({ description: 'image/png' }), ...errorResponses(400, 401, 403, 404) },
    },
  }, async (request, reply) => {
    const png = await cardTemplates.cardFace(request.params.id, request.query.side ?? 'front', principalOf(request), request.query.dpi ?? 300);
    return reply.type('image/png').header('cache-control', 'no-store').send(Buffer.from(png));
  });

  app.get('/cards/:id/face-template', {
    config: { access: read },
    schema: {
      tags, summary: 'Which template version a card is drawn with: the one it was printed with, else its rule\'s current one',
      description: '404 `card_not_found` (also outside your institutions and person types), `no_template` (no rule applies).',
      params: IdParams,
      response: {
        200: Type.Object({
          templateId: Uuid, name: Type.String(), version: Type.Integer({ minimum: 1 }),
          printed: Type.Boolean({ description: 'true: printed with this version; false: not printed yet, drawn with the current version' }),
          hasBack: Type.Boolean(),
        }),
        ...errorResponses(400, 401, 403, 404),
      },
    },
  }, async (request) => cardTemplates.cardFaceTemplate(request.params.id, principalOf(request)));

  app.get('/me/cards/:id/face.svg', {
    config: { access: { roles: 'authenticated' } },
    schema: {
      tags: ['me'], summary: 'My card\'s face for the virtual card: drawn from the template it was (or will be) printed with, as SVG',
      description: 'Only your own cards: another person\'s card is 404 `card_not_found`, as an unknown one; 404 `no_template` (no rule applies), `no_back`. '
        + 'A card never enabled is drawn without its QR code. The ETag names the template version and the card data drawn (If-None-Match: 304).',
      params: IdParams,
      querystring: Type.Object({ side: Type.Optional(Side) }, { additionalProperties: false }),
      response: { 200: Type.String({ description: 'image/svg+xml' }), 304: Type.Null(), ...errorResponses(400, 401, 404) },
    },
  }, async (request, reply) => {
    const face = await cardTemplates.holderCardFace(request.params.id, request.query.side ?? 'front', principalOf(request));
    // private: the face shows a person; no-cache: revalidated each time (cheap with the ETag), so a new template or a changed name shows at once.
    void reply.header('cache-control', 'private, no-cache').header('etag', face.etag);
    if (etagMatches(request.headers['if-none-match'], face.etag)) return reply.status(304).send(null);
    // Opened on its own, the SVG is a document: it runs nothing and loads nothing but its inlined images.
    return reply.type('image/svg+xml').header('content-security-policy', "default-src 'none'; img-src data:; style-src 'unsafe-inline'").send(face.svg());
  });

  app.get('/card-template-assets', {
    config: { access: read },
    schema: { tags, summary: 'Images for layouts (logos, backgrounds) of your institutions and the deployment', response: { 200: Type.Object({ items: Type.Array(AssetSchema) }), ...errorResponses(401, 403) } },
  }, async (request) => ({ items: await cardTemplates.listAssets(principalOf(request)) }));

  app.get('/card-template-assets/:id/content', {
    config: { access: read },
    schema: { tags, summary: 'The bytes of an image', params: IdParams, response: { 200: Type.Unknown({ description: 'image/png or image/jpeg' }), ...errorResponses(400, 401, 403, 404) } },
  }, async (request, reply) => {
    const asset = await cardTemplates.assetContent(request.params.id, principalOf(request));
    return reply.type(asset.mediaType).header('cache-control', 'private, max-age=3600').send(Buffer.from(asset.content));
  });

  // Raw image bodies are parsed in this scope only.
  await app.register(async (plain) => {
    const scope = plain.withTypeProvider<TypeBoxTypeProvider>();
    for (const type of ASSET_TYPES) {
      if (scope.hasContentTypeParser(type)) scope.removeContentTypeParser(type);
      scope.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: ASSET_MAX_BYTES }, (_request, body, done) => done(null, body));
    }
    scope.post('/card-template-assets', {
      config: { access: write },
      schema: {
        tags, summary: `Upload an image for layouts (body: image/png or image/jpeg, at most ${ASSET_MAX_BYTES / 1024} KB and ${ASSET_MAX_SIDE} px a side)`,
        description: '413 `asset_too_large`, 415 `asset_unsupported_type`, 422 `asset_corrupt` (field /file); 403 `template_edit_forbidden`.',
        querystring: Type.Object({
          name: Type.String({ minLength: 1, maxLength: 200 }),
          institution: Type.Optional(Type.String({ maxLength: 64, description: 'Institution code (absent: the focused or only one)' })),
        }, { additionalProperties: false }),
        response: { 201: AssetSchema, ...errorResponses(400, 401, 403, 404, 413, 415, 422) },
      },
    }, async (request, reply) => reply.status(201).send(await cardTemplates.uploadAsset(principalOf(request), {
      name: request.query.name, institution: request.query.institution, bytes: await uploadedImage(request),
    }, actorOf(request))));
  });

  app.get('/card-template-rules', {
    config: { access: read },
    schema: {
      tags, summary: 'Rules choosing a card\'s template (the most specific applies: institution, then person type, then card kind)',
      response: { 200: Type.Object({ items: Type.Array(RuleSchema) }), ...errorResponses(401, 403) },
    },
  }, async (request) => ({ items: await cardTemplates.listRules(principalOf(request)) }));

  app.post('/card-template-rules', {
    config: { access: write },
    schema: {
      tags, summary: 'Add a rule',
      description: '409 `rule_exists` (same criteria), 422 `template_of_other_institution`, 404 `template_not_found`.',
      body: Type.Object({
        institution: Type.Optional(NullableInput(Type.String({ maxLength: 64 }))),
        personType: NullableInput(Type.String({ maxLength: 32 })),
        cardKind: Type.Optional(Nullable(CardKind)),
        templateId: Uuid,
      }, { additionalProperties: false }),
      response: { 201: RuleSchema, ...errorResponses(400, 401, 403, 404, 409, 422) },
    },
  }, async (request, reply) => reply.status(201).send(await cardTemplates.createRule(principalOf(request), {
    ...request.body, cardKind: request.body.cardKind ?? null,
  }, actorOf(request))));

  app.delete('/card-template-rules/:id', {
    config: { access: write },
    schema: { tags, summary: 'Delete a rule', params: IdParams, response: { 204: Type.Null(), ...errorResponses(400, 401, 403, 404) } },
  }, async (request, reply) => {
    await cardTemplates.deleteRule(request.params.id, principalOf(request), actorOf(request));
    return reply.status(204).send(null);
  });

  app.post('/print-batches', {
    config: { access: print },
    schema: {
      tags, summary: 'Make a batch print file (a job): the print queue, the card list\'s filters, or cards',
      description: `One of \`queue: true\` (cards ready to print), \`filters\` (the card list's, limited to cards ready to print or in print) or \`cardIds\`; at most ${MAX_BATCH_CARDS} cards, `
        + 'all of one institution (`institution`, else the focused or only one). Cards without a photo are left out of the queue and filters unless `includeWithoutPhoto` '
        + '(`leftOutWithoutPhoto`); the batch\'s `withoutPhoto` names those it prints. 202 with the batch and its job. '
        + '404 `card_not_found`, 409 `card_not_printable`, 422 `nothing_to_print`, `too_many_cards`, `no_template`, `institution_required`.',
      body: Type.Object({
        institution: Type.Optional(Type.String({ maxLength: 64 })),
        queue: Type.Optional(Type.Boolean()),
        filters: Type.Optional(Type.Object(CARD_FILTER_FIELDS, { additionalProperties: false })),
        cardIds: Type.Optional(Type.Array(Uuid, { minItems: 1, maxItems: MAX_BATCH_CARDS })),
        includeWithoutPhoto: Type.Optional(Type.Boolean({ description: 'Also print the queue\'s or filters\' cards without a photo (left out by default; named cardIds are always printed)' })),
      }, { additionalProperties: false }),
      response: { 202: Type.Ref('PrintBatch'), ...errorResponses(400, 401, 403, 404, 409, 422) },
    },
  }, async (request, reply) => {
    const { filters, ...rest } = request.body;
    const batch = await printBatches.submit({
      ...rest,
      filters: filters ? { ...filters, state: splitList(filters.state), personType: splitList(filters.personType) } : undefined,
    }, principalOf(request), actorOf(request));
    return reply.status(202).header('location', `/api/v1/print-batches/${batch.id}`).send(batch);
  });

  app.get('/print-batches', {
    config: { access: read },
    schema: { tags, summary: 'Recent print batches of your institutions', response: { 200: Type.Object({ items: Type.Array(Type.Ref('PrintBatch')) }), ...errorResponses(401, 403) } },
  }, async (request) => ({ items: await printBatches.list(principalOf(request)) }));

  app.get('/print-batches/:id', {
    config: { access: read },
    schema: { tags, summary: 'One print batch and its job', params: IdParams, response: { 200: Type.Ref('PrintBatch'), ...errorResponses(400, 401, 403, 404) } },
  }, async (request) => printBatches.get(request.params.id, principalOf(request)));

  app.get('/print-batches/:id/file', {
    config: { access: print },
    schema: {
      tags, summary: 'Download the batch PDF; a first download takes the batch (its cards move to IN_PRINT) unless take=false',
      description: '409 `print_batch_not_ready` while it is made or when it failed.',
      params: IdParams,
      querystring: Type.Object({ take: Type.Optional(Type.Boolean({ default: true })) }, { additionalProperties: false }),
      response: { 200: Type.Unknown({ description: 'application/pdf' }), ...errorResponses(400, 401, 403, 404, 409) },
    },
  }, async (request, reply) => {
    const principal = principalOf(request);
    const file = await printBatches.openFile(request.params.id, principal);
    if (request.query.take !== false) await printBatches.markTaken(request.params.id, { principal, context: actorOf(request) });
    void reply.type('application/pdf')
      .header('content-disposition', `attachment; filename="${file.fileName}"`)
      .header('content-length', String(file.bytes))
      .header('cache-control', 'no-store');
    return reply.send(file.content);
  });

  app.post('/print-batches/:id/take', {
    config: { access: print },
    schema: {
      tags, summary: 'Take a batch for printing: its cards ready to print move to IN_PRINT', params: IdParams,
      response: { 200: MoveOutcome, ...errorResponses(400, 401, 403, 404, 409) },
    },
  }, async (request) => printBatches.markTaken(request.params.id, { principal: principalOf(request), context: actorOf(request) }));

  app.post('/print-batches/:id/confirm', {
    config: { access: print },
    schema: {
      tags, summary: 'Confirm the batch printed: its cards in print (all, or cardIds) move to PRINTED and keep the template version they were printed with',
      params: IdParams,
      body: Type.Object({ cardIds: Type.Optional(Type.Array(Uuid, { maxItems: MAX_BATCH_CARDS })) }, { additionalProperties: false }),
      response: { 200: MoveOutcome, ...errorResponses(400, 401, 403, 404, 409) },
    },
  }, async (request) => printBatches.confirmPrinted(request.params.id, { principal: principalOf(request), context: actorOf(request) }, request.body.cardIds));
}
