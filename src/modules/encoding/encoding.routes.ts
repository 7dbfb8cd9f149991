import { Type } from '@sinclair/typebox';
import type { AppDeps, AppInstance } from '../../app/app-types.ts';
import { principalOf } from '../../platform/http/access.ts';
import { actorOf, errorResponses, IdParams, Nullable, Uuid } from '../../platform/http/schemas.ts';
import { OFFICE_READ_ROLES } from '../auth/domain/roles.ts';
import { CSN_FORMS, CSN_MAX_BYTES, CSN_MIN_BYTES } from '../cards/domain/csn.ts';
import { CardSchema } from '../cards/cards.routes.ts';
import { SESSION_MINUTES } from './encoding.service.ts';

const DesfireFileSchema = Type.Object({
  fileNo: Type.Integer(),
  type: Type.Literal('standard'),
  size: Type.Integer({ description: 'Bytes' }),
  communication: Type.Union([Type.Literal('plain'), Type.Literal('maced'), Type.Literal('enciphered')]),
  accessRights: Type.String({ description: 'Hex nibbles read, write, read-write, change (key numbers; E free, F never)' }),
  content: Type.String({ description: 'The field of `write` the file holds' }),
  encoding: Type.String(),
});

const DesfireLayoutSchema = Type.Object({
  version: Type.Integer(),
  applications: Type.Array(Type.Object({
    id: Type.String(),
    name: Type.String(),
    aid: Nullable(Type.String({ description: '3-byte AID as 6 hex digits; null when another party (the CROUS) assigns it' })),
    aidSource: Type.String(),
    keyType: Nullable(Type.Literal('AES')),
    keys: Type.Array(Type.Object({ keyNo: Type.Integer(), role: Type.String() }), { description: 'Key references only: never key values' }),
    keySettings: Nullable(Type.String()),
    files: Type.Array(DesfireFileSchema),
  })),
}, { $id: 'DesfireLayout', description: 'The DESFire layout campuscard expects a station to write (data; campuscard drives no chip)' });

const StartedSchema = Type.Object({
  session: Type.Object({
    id: Uuid,
    secret: Type.String({ description: 'Shown once: the station sends it back with the CSN' }),
    expiresAt: Type.String({ format: 'date-time' }),
  }),
  card: Type.Object({
    id: Uuid, state: Type.String(), institution: Type.String(),
    holder: Type.Object({ firstName: Type.String(), lastName: Type.String() }),
  }),
  write: Type.Object({
    esc: Nullable(Type.Object({
      escn: Type.String(),
      bytesHex: Type.String({ description: 'The ESC application\'s 16 bytes: the ESCN\'s hex digits without hyphens' }),
    }, { description: 'null: the card has no ESCN (its institution has no PIC yet)' })),
    accessControlId: Nullable(Type.String()),
    secondaryId: Nullable(Type.String()),
    crousCardNumber: Nullable(Type.Integer({ description: 'The CROUS card number (idZdc) when the institution\'s CROUS connector works through the API' })),
  }),
  layout: Type.Ref('DesfireLayout'),
});

/**
 * Encoding stations: a one-time session per card (what to write), closed by the CSN report; the
 * DESFire layout as data. Office staff and station tokens of the card's institution and holder type.
 */
export async function encodingRoutes(app: AppInstance, deps: AppDeps): Promise<void> {
  const { encoding } = deps.services;
  app.addSchema(DesfireLayoutSchema);

  app.get('/encoding/desfire-layout', {
    config: { access: { roles: OFFICE_READ_ROLES } },
    schema: {
      tags: ['encoding'],
      summary: 'The DESFire layout campuscard expects: AIDs, files, sizes, access rights, key references',
      response: { 200: Type.Ref('DesfireLayout'), ...errorResponses(401, 403) },
    },
  }, async () => encoding.layout());

  app.post('/encoding/sessions', {
    config: { access: { roles: ['admin', 'manager', 'station'] } },
    schema: {
      tags: ['encoding'],
      summary: 'Start a one-time encoding session for a card: what to write on its chip',
      description: `The session lasts ${SESSION_MINUTES} minutes and is closed once, by POST /encoding/sessions/{id}/csn with its secret. `
        + '404 `card_not_found` (also outside your institutions and person types), 409 `not_encodable` (the card must be IN_PRINT, PRINTED or IN_ENCODE).',
      body: Type.Object({ cardId: Uuid }, { additionalProperties: false }),
      response: { 201: StartedSchema, ...errorResponses(400, 401, 403, 404, 409) },
    },
  }, async (request, reply) => reply.status(201).send(await encoding.start(request.body.cardId, principalOf(request), actorOf(request))));

  app.post('/encoding/sessions/:id/csn', {
    config: { access: { roles: ['admin', 'manager', 'station'] } },
    schema: {
      tags: ['encoding'],
      summary: 'Close an encoding session with the chip\'s CSN: binds it and moves the card to ENCODED',
      description: '404 `encoding_session_not_found` (also another institution\'s), 403 `encoding_secret_invalid`, 409 `encoding_session_used` or '
        + '`encoding_session_expired`; the encoding report\'s problems (400 `csn_form_unknown`, 422 `csn_invalid`, 409 `csn_taken`, state conflicts) leave the session open.',
      params: IdParams,
      body: Type.Object({
        secret: Type.String({ minLength: 1, maxLength: 100 }),
        csn: Type.String({ minLength: 1, maxLength: 64 }),
        form: Type.String({ maxLength: 40, description: `One of ${CSN_FORMS.join(', ')}` }),
        byteLength: Type.Optional(Type.Integer({ minimum: CSN_MIN_BYTES, maximum: CSN_MAX_BYTES, description: 'UID size, for decimal forms' })),
      }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          card: CardSchema,
          session: Type.Object({ id: Uuid, closedAt: Type.String({ format: 'date-time' }), csn: Type.String({ description: 'The bound CSN, hex' }) }),
        }),
        ...errorResponses(400, 401, 403, 404, 409, 422, 423),
      },
    },
  }, async (request) => encoding.report(request.params.id, request.body, principalOf(request), actorOf(request)));
}
