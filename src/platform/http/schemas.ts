import { Type, type Static, type TSchema } from '@sinclair/typebox';
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
/** A real calendar day, `YYYY-MM-DD`, year 1900–9999 (the app's `date` format, see date-formats.ts). */
export const IsoDate = Type.String({ format: 'date', description: 'YYYY-MM-DD, year 1900 to 9999' });
/** A real instant as RFC 3339 date-time with its offset (the app's `date-time` format). */
export const IsoDateTime = Type.String({ format: 'date-time', description: 'RFC 3339 date-time with offset' });
/** A day (`YYYY-MM-DD`) or an instant (RFC 3339 date-time with offset), e.g. for range filters. */
export const IsoDateOrDateTime = (description: string) => Type.Union([IsoDate, IsoDateTime], { description });
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
/**
 * A request field of one JSON type (string, integer, array…) that may be null. Not `Nullable`
 * (an anyOf) in request bodies: under Ajv's type coercion its first branch turns null into "" for
 * a string, before the null branch is tried. `nullable` makes null a value of the type itself
 * (OpenAPI 3.0); it needs the schema to have a `type`, so not for unions.
 */
export const NullableInput = <T extends TSchema>(schema: T) => Type.Unsafe<Static<T> | null>({ ...schema, nullable: true });

/** Standard error answers of a route, for the OpenAPI document. */
export function errorResponses(...statuses: number[]): Record<number, typeof ProblemSchema> {
  return Object.fromEntries(statuses.map((status) => [status, ProblemSchema]));
}

/** The actor context of a request, for audited transactions. */
export function actorOf(request: FastifyRequest): ActorContext {
  return { actor: principalOf(request).actor, ip: request.ip, requestId: request.id };
}
