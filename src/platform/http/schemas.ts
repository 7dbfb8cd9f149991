import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { ActorContext } from '../db/database.ts';
import { principalOf } from './access.ts';

/** problem+json body, for the OpenAPI document. */
export const ProblemSchema = Type.Object({
  type: Type.String(),
  title: Type.String(),
  status: Type.Integer(),
  code: Type.String(),
  detail: Type.Optional(Type.String()),
  field: Type.Optional(Type.String()),
  line: Type.Optional(Type.Integer()),
  errors: Type.Optional(Type.Array(Type.Object({
    code: Type.String(),
    message: Type.String(),
    field: Type.Optional(Type.String()),
    line: Type.Optional(Type.Integer()),
  }))),
}, { additionalProperties: true, $id: 'Problem' });

export const Uuid = Type.String({ format: 'uuid' });
export const IdParams = Type.Object({ id: Uuid }, { additionalProperties: false });
export const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** Standard error answers of a route, for the OpenAPI document. */
export function errorResponses(...statuses: number[]): Record<number, typeof ProblemSchema> {
  return Object.fromEntries(statuses.map((status) => [status, ProblemSchema]));
}

/** The actor context of a request, for audited transactions. */
export function actorOf(request: FastifyRequest): ActorContext {
  return { actor: principalOf(request).actor, ip: request.ip, requestId: request.id };
}
