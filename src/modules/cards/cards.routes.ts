import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppDeps, AppInstance } from '../../app/app-types.ts';
import { principalOf } from '../../platform/http/access.ts';
import { ProblemError, unprocessable } from '../../platform/http/problem.ts';
import { actorOf, errorResponses, IdParams, IsoDateOrDateTime, Nullable, Uuid } from '../../platform/http/schemas.ts';
import { OFFICE_READ_ROLES } from '../auth/domain/roles.ts';
import type { PreparedPhoto } from '../photos/photos.service.ts';
import { CARD_STATES, DISABLE_REASONS } from './domain/card-state.ts';
import { CSN_FORMS, CSN_MAX_BYTES, CSN_MIN_BYTES } from './domain/csn.ts';
import { requestChannelOf } from './cards.policy.ts';
import { MAX_LIST_LIMIT, DEFAULT_LIST_LIMIT } from './card-list.service.ts';
import { MAX_BULK_MOVES } from './card-bulk-moves.service.ts';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((value) => Type.Literal(value)));
const OrNull = <T extends TSchema>(schema: T) => Type.Union([Type.Null(), schema]);

const CardStateSchema = literals(CARD_STATES);
const CardKindSchema = literals(['physical', 'virtual'] as const);

const HolderSchema = Type.Object({
  firstName: Type.String(),
  lastName: Type.String(),
  eppn: Type.String(),
  email: Nullable(Type.String()),
  studentNumber: Nullable(Type.String()),
  ine: Nullable(Type.String()),
  personType: Type.String(),
});

const CsnFormsSchema = Type.Object({
  hex: Type.String(),
  hexReversed: Type.String(),
  decimal: Type.String(),
  decimalReversed: Type.String(),
}, { description: 'The chip serial number in its four usual forms' });

export const CardSchema = Type.Object({
  id: Uuid,
  personId: Uuid,
  institution: Type.String({ description: 'Code of the institution that issued the card (for the holder\'s enrolment there)' }),
  institutionName: Type.String(),
  state: CardStateSchema,
  cardKind: CardKindSchema,
  requestChannel: literals(['web', 'api', 'office', 'import', 'renewal'] as const),
  requestedAt: Type.String(),
  requestedBy: Type.String(),
  holder: HolderSchema,
  photoId: Nullable(Uuid),
  photoUrl: Nullable(Type.String()),
  printedLines: Nullable(Type.Record(Type.String(), Type.String())),
  csn: Nullable(CsnFormsSchema),
  escn: Nullable(Type.String()),
  identifiers: Type.Optional(Type.Object({
    accessControlId: Nullable(Type.String({ description: 'Access-control id (offset + sequence, padded), for door systems and the chip\'s access-control file' })),
    secondaryId: Nullable(Type.String({ description: 'Secondary id (library barcode, with its check digit)' })),
  }, { description: 'The identifiers the card carries beyond its CSN and ESCN, kept for its life; on GET /cards/{id}' })),
  disable: Nullable(Type.Object({
    reason: literals(DISABLE_REASONS),
    by: literals(['self', 'manager', 'system'] as const),
    comment: Nullable(Type.String()),
  })),
  rejectReason: Nullable(Type.String()),
  deliveryAddress: Nullable(Type.String()),
  deliveredAt: Nullable(Type.String()),
  dueDate: Nullable(Type.String()),
  lock: Nullable(Type.Object({
    owner: Type.String(),
    at: Nullable(Type.String()),
    ownerName: Type.Optional(Nullable(Type.String({ description: 'The account or token holding the card, by name (a card read by the office); null: no longer known' }))),
  })),
  enabledAt: Nullable(Type.String()),
  expiresAt: Nullable(Type.String()),
  renewalOf: Nullable(Uuid),
  version: Type.Integer(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  allowedMoves: Type.Optional(Type.Array(CardStateSchema, {
    description: 'States the caller may move this card to now (the state machine\'s decision; RENEWED asks for a renewal). On GET /cards/{id} and GET /me/cards',
  })),
});

const CardMoveSchema = Type.Object({
  seq: Type.Integer(),
  at: Type.String(),
  actor: Type.String(),
  actorKind: Type.String(),
  actorName: Type.Optional(Nullable(Type.String({ description: 'Who it was, readably (an account\'s display name, a token\'s name), for the card office; null when unknown' }))),
  from: Nullable(Type.String()),
  to: Type.String(),
  reason: Nullable(Type.String()),
  comment: Nullable(Type.String()),
  remoteAddress: Nullable(Type.String()),
});

const CardDetailSchema = Type.Composite([CardSchema, Type.Object({ history: Type.Array(CardMoveSchema) })]);

const MoveFields = {
  to: Type.String({ maxLength: 40, description: `Target state: ${CARD_STATES.join(', ')}` }),
  reason: Type.Optional(OrNull(Type.String({ maxLength: 40, description: 'Disable reason: LOST, THEFT, OUT_OF_ORDER or MANAGER' }))),
  comment: Type.Optional(OrNull(Type.String({ maxLength: 2000 }))),
  expectedVersion: Type.Optional(Type.Integer({ minimum: 1, description: 'Version read before deciding; 409 state_conflict if the card changed' })),
};

const BulkResultSchema = Type.Object({
  cardId: Type.String(),
  status: Type.Integer(),
  card: Type.Optional(Type.Object({ id: Uuid, state: CardStateSchema, version: Type.Integer() })),
  problem: Type.Optional(Type.Object({ code: Type.String(), detail: Type.String(), field: Type.Optional(Type.String()) })),
});

const PHOTO_TYPES = ['image/jpeg', 'image/png'];

/**
 * The card list's filters (GET /cards query), also those of a card export (POST /cards/exports
 * body): one schema, read by one function (`cardListFilter`), so both select the same cards.
 */
export const CARD_FILTER_FIELDS = {
  state: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: CARD_STATES.length })),
  personType: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 10 })),
  requestedFrom: Type.Optional(IsoDateOrDateTime('YYYY-MM-DD or date-time, inclusive')),
  requestedTo: Type.Optional(IsoDateOrDateTime('YYYY-MM-DD (inclusive day) or date-time (exclusive)')),
  updatedFrom: Type.Optional(IsoDateOrDateTime('YYYY-MM-DD or date-time, inclusive')),
  updatedTo: Type.Optional(IsoDateOrDateTime('YYYY-MM-DD (inclusive day) or date-time (exclusive)')),
  hasPendingRequest: Type.Optional(Type.Boolean({ description: 'The holder has (or has not) a request being handled' })),
  personId: Type.Optional(Uuid),
  q: Type.Optional(Type.String({ maxLength: 200 })),
};

/** The card list's order, also that of a card export. */
export const CARD_ORDER_FIELDS = {
  sort: Type.Optional(literals(['requestedAt', 'updatedAt', 'lastName'] as const)),
  order: Type.Optional(literals(['asc', 'desc'] as const)),
};

/** Splits `a,b` values so both `state=A&state=B` and `state=A,B` work. */
export function splitList(values: readonly string[] | undefined): string[] | undefined {
  if (!values) return undefined;
  return values.flatMap((value) => value.split(',')).map((value) => value.trim()).filter((value) => value !== '');
}

/**
 * The photo of a request: raw `image/jpeg` / `image/png` body, or the `photo` file of a
 * multipart body. The photos service checks the content itself (415 for anything but JPEG or
 * PNG, whatever was declared; 413 above the configured size).
 */
async function uploadedPhoto(request: FastifyRequest, maxBytes: number): Promise<{ bytes: Buffer; fileName?: string; mimeType?: string }> {
  if (request.isMultipart()) {
    const file = await request.file({ limits: { fileSize: maxBytes, files: 1 } });
    if (!file) throw unprocessable('photo_missing', 'The multipart body has no photo file', { field: '/photo' });
    if (file.fieldname !== 'photo') throw unprocessable('photo_missing', 'Send the image in the "photo" field', { field: '/photo' });
    return { bytes: await file.toBuffer(), fileName: file.filename, mimeType: file.mimetype };
  }
  if (!Buffer.isBuffer(request.body)) {
    throw new ProblemError(415, 'unsupported_media_type', 'Send the photo as image/jpeg, image/png or multipart/form-data');
  }
  const mimeType = request.headers['content-type']?.split(';')[0]?.trim();
  return { bytes: request.body, ...(mimeType ? { mimeType } : {}) };
}

/**
 * Card requests and the card lifecycle. Access, per route:
 * - request (`POST /cards`), renew, photo: admin and manager for the institutions and types they
 *   cover, the holder for themself (self-requests only when the issuing institution opens them
 *   to their type there);
 * - list: office read roles, within their institution and type limits (the focused institution
 *   with `Campuscard-Institution`); read one: the same, or the holder (at every institution);
 * - moves: admin, manager, station, deliverer and the holder, each as far as the state machine
 *   lets their actor kind; bulk moves: admin, manager, station;
 * - CSN (encoding report): station, admin, manager; delivery: deliverer, admin, manager;
 * - `/me/cards`: anyone logged in, their own cards.
 * A card one may not see answers 404 `card_not_found`, never 403.
 *
 * HTTP answers of the lifecycle (problem+json `code`): a move the table does not have, or that
 * the institution's settings close, is 409 (`move_not_allowed`, `disabled_by_settings`); a
 * card that changed meanwhile is 409 `state_conflict` (stale `expectedVersion`, a concurrent
 * move, or the one-ENABLED-card index firing); an actor kind that may not make the move is 403
 * (`forbidden_for_actor`, `reenable_forbidden`); an IN_PRINT/IN_ENCODE card locked by someone
 * else is 423 `not_your_lock` (Locked: the card is fine, it is being worked on elsewhere);
 * missing or refused reason, comment or CSN is 422 with `field` (`/reason`, `/comment`, `/csn`).
 */
export async function cardsRoutes(app: AppInstance, deps: AppDeps): Promise<void> {
  const { cards, photos } = deps.services;
  const photoMaxBytes = deps.config.photoMaxBytes;

  app.post('/cards', {
    config: { access: { roles: ['admin', 'manager', 'cardholder'] } },
    schema: {
      tags: ['cards'],
      summary: 'Request a card (for oneself, or for someone as the card office); add the photo with PUT /cards/{id}/photo',
      body: Type.Object({
        personId: Type.Optional(Uuid),
        institution: Type.Optional(Type.String({
          maxLength: 32,
          description: 'Code of the issuing institution (the person must be enrolled there); else the Campuscard-Institution focus, else the person\'s only enrolment the caller reaches',
        })),
        cardKind: Type.Optional(CardKindSchema),
        deliveryAddress: Type.Optional(OrNull(Type.String({ maxLength: 500 }))),
        photoId: Type.Optional(Uuid),
      }, { additionalProperties: false }),
      response: { 201: CardDetailSchema, ...errorResponses(400, 401, 403, 404, 409, 422) },
    },
  }, async (request, reply) => {
    const principal = principalOf(request);
    const body = request.body;
    const personId = body.personId ?? principal.personId;
    if (!personId) throw unprocessable('person_required', 'Say for whom the card is', { field: '/personId' });
    const card = await cards.request(personId, {
      institution: body.institution,
      channel: requestChannelOf(principal),
      cardKind: body.cardKind ?? 'physical',
      deliveryAddress: body.deliveryAddress,
      ...(body.photoId ? { photo: { existingPhotoId: body.photoId } } : {}),
    }, principal, actorOf(request));
    return reply.status(201).send(card);
  });

  app.get('/cards', {
    config: { access: { roles: OFFICE_READ_ROLES } },
    schema: {
      tags: ['cards'],
      summary: 'List cards: filters, search (names, eppn, e-mail, student number, INE, ESCN, CSN in any form), sort, cursor or page',
      querystring: Type.Object({
        ...CARD_FILTER_FIELDS,
        ...CARD_ORDER_FIELDS,
        limit: Type.Integer({ minimum: 1, maximum: MAX_LIST_LIMIT, default: DEFAULT_LIST_LIMIT }),
        cursor: Type.Optional(Type.String({ maxLength: 2000 })),
        page: Type.Optional(Type.Integer({ minimum: 1, description: 'Page number (offset mode, first 10000 cards); not with cursor' })),
      }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          items: Type.Array(CardSchema),
          nextCursor: Nullable(Type.String()),
          total: Type.Optional(Type.Integer()),
          totalCapped: Type.Optional(Type.Boolean()),
        }),
        ...errorResponses(400, 401, 403),
      },
    },
  }, async (request) => {
    const query = request.query;
    return cards.list({ ...query, state: splitList(query.state), personType: splitList(query.personType) }, principalOf(request));
  });

  app.get('/cards/:id', {
    config: { access: { roles: 'authenticated' } },
    schema: {
      tags: ['cards'],
      summary: 'A card and its history',
      params: IdParams,
      response: { 200: CardDetailSchema, ...errorResponses(400, 401, 404) },
    },
  }, async (request) => {
    const principal = principalOf(request);
    const card = await cards.get(request.params.id, principal);
    // The office reads who did what; a holder is not told the names of the staff.
    if (principal.role === 'cardholder') return card;
    // The lock's owner is a bare account or token id (lockOwnerOf): named like the actors of the history.
    const lockActors = card.lock ? [`account:${card.lock.owner}`, `token:${card.lock.owner}`] : [];
    const names = await deps.services.auth.actorNames([...card.history.map((move) => move.actor), ...lockActors]);
    const lock = card.lock ? { ...card.lock, ownerName: lockActors.map((actor) => names.get(actor)).find((name) => name !== undefined) ?? null } : null;
    return { ...card, lock, history: card.history.map((move) => ({ ...move, actorName: names.get(move.actor) ?? null })) };
  });

  app.get('/me/cards', {
    config: { access: { roles: 'authenticated' } },
    schema: {
      tags: ['me'],
      summary: 'My cards, newest first',
      response: { 200: Type.Object({ items: Type.Array(CardSchema) }), ...errorResponses(401) },
    },
  }, async (request) => ({ items: await cards.listOwn(principalOf(request)) }));

  app.post('/cards/:id/moves', {
    config: { access: { roles: ['admin', 'manager', 'station', 'deliverer', 'cardholder'] } },
    schema: {
      tags: ['cards'],
      summary: 'Move a card to another state (a move to RENEWED answers the new renewal card)',
      params: IdParams,
      body: Type.Object(MoveFields, { additionalProperties: false }),
      response: { 200: CardSchema, ...errorResponses(400, 401, 403, 404, 409, 422, 423) },
    },
  }, async (request) => cards.move(request.params.id, request.body, principalOf(request), actorOf(request)));

  app.post('/cards/moves', {
    config: { access: { roles: ['admin', 'manager', 'station'] } },
    schema: {
      tags: ['cards'],
      summary: `Move many cards (at most ${MAX_BULK_MOVES}), each on its own: per-card status and problem`,
      body: Type.Object({
        items: Type.Array(Type.Object({ cardId: Type.String({ maxLength: 100 }), ...MoveFields }, { additionalProperties: false }),
          { minItems: 1, maxItems: MAX_BULK_MOVES }),
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ results: Type.Array(BulkResultSchema) }), ...errorResponses(400, 401, 403, 422) },
    },
  }, async (request) => ({ results: await cards.moveMany(request.body.items, principalOf(request), actorOf(request)) }));

  app.post('/cards/:id/renew', {
    config: { access: { roles: ['admin', 'manager', 'cardholder'] } },
    schema: {
      tags: ['cards'],
      summary: 'Ask for a renewal of an ENABLED or DESTROYED card: answers the new RENEWED card',
      params: IdParams,
      response: { 201: CardSchema, ...errorResponses(400, 401, 403, 404, 409, 422, 423) },
    },
  }, async (request, reply) => reply.status(201).send(await cards.renew(request.params.id, principalOf(request), actorOf(request))));

  app.post('/cards/:id/csn', {
    config: { access: { roles: ['admin', 'manager', 'station'] } },
    schema: {
      tags: ['cards'],
      summary: 'Encoding report: bind the chip serial number (IN_ENCODE or one-pass IN_PRINT → ENCODED)',
      params: IdParams,
      body: Type.Object({
        csn: Type.String({ minLength: 1, maxLength: 64 }),
        form: Type.String({ maxLength: 40, description: `One of ${CSN_FORMS.join(', ')}` }),
        byteLength: Type.Optional(Type.Integer({ minimum: CSN_MIN_BYTES, maximum: CSN_MAX_BYTES, description: 'UID size, for decimal forms' })),
      }, { additionalProperties: false }),
      response: { 200: CardSchema, ...errorResponses(400, 401, 403, 404, 409, 422, 423) },
    },
  }, async (request) => cards.bindCsn(request.params.id, request.body, principalOf(request), actorOf(request)));

  app.post('/cards/:id/deliver', {
    config: { access: { roles: ['admin', 'manager', 'deliverer'] } },
    schema: {
      tags: ['cards'],
      summary: 'Record that the card was handed over (enables it when the institution enables on delivery)',
      params: IdParams,
      response: { 200: CardSchema, ...errorResponses(400, 401, 403, 404, 409) },
    },
  }, async (request) => cards.deliver(request.params.id, principalOf(request), actorOf(request)));

  // Raw image bodies are parsed in this scope only, so other contexts may treat them differently.
  await app.register(async (plugin) => {
    const scope = plugin.withTypeProvider<TypeBoxTypeProvider>();
    for (const type of PHOTO_TYPES) {
      if (scope.hasContentTypeParser(type)) scope.removeContentTypeParser(type);
      scope.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: photoMaxBytes }, (_request, body, done) => done(null, body));
    }

    scope.put('/cards/:id/photo', {
      config: { access: { roles: ['admin', 'manager', 'cardholder'] } },
      schema: {
        tags: ['cards'],
        summary: 'Set the photo of a card not yet printed: raw image/jpeg or image/png body, or multipart/form-data field "photo"',
        params: IdParams,
        response: { 200: CardSchema, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422) },
      },
    }, async (request) => {
      const principal = principalOf(request);
      // Refuse before decoding anything when the caller may not touch this card.
      await cards.get(request.params.id, principal);
      const upload = await uploadedPhoto(request, photoMaxBytes);
      const prepared: PreparedPhoto = await photos.prepare(upload.bytes, {
        declared: { fileName: upload.fileName, mimeType: upload.mimeType },
      });
      return cards.setPhoto(request.params.id, prepared, principal, actorOf(request));
    });
  });
}
