import { Type } from '@sinclair/typebox';
import type { AppDeps, AppInstance } from '../../app/app-types.ts';
import { principalOf } from '../../platform/http/access.ts';
import { actorOf, errorResponses, Nullable } from '../../platform/http/schemas.ts';
import { CHECK_DIGIT_SCHEMES } from './domain/check-digits.ts';
import { MAX_ACCESS_CONTROL_LENGTH, MAX_SECONDARY_LENGTH, MAX_SECONDARY_PREFIX_LENGTH } from './domain/identifier-definitions.ts';

const CodeParams = Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });

const CheckDigit = Type.Union(CHECK_DIGIT_SCHEMES.map((scheme) => Type.Literal(scheme)), {
  description: 'luhn: Luhn (mod 10); mod11: weights 2–7 repeating from the right, 10 written X; none',
});
const Next = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'The next sequence number (ids already carried are skipped)' });

const AccessControlFields = {
  enabled: Type.Boolean(),
  offset: Type.String({ pattern: '^[0-9]{1,64}$', description: 'Added to the sequence number (decimal, up to 64 digits)' }),
  length: Type.Integer({ minimum: 1, maximum: MAX_ACCESS_CONTROL_LENGTH, description: 'Digits of every id, left-padded with zeros' }),
};
const SecondaryFields = {
  enabled: Type.Boolean(),
  prefix: Type.String({ maxLength: MAX_SECONDARY_PREFIX_LENGTH, description: 'Capital letters or digits before the number (not part of the check digit)' }),
  offset: Type.String({ pattern: '^[0-9]{1,32}$', description: 'Added to the sequence number' }),
  length: Type.Integer({ minimum: 0, maximum: MAX_SECONDARY_LENGTH, description: 'Digits the number is padded to before its check digit; 0: no padding' }),
  checkDigit: CheckDigit,
};

const DefinitionsSchema = Type.Object({
  institution: Type.String(),
  accessControl: Type.Object({ ...AccessControlFields, next: Type.Integer(), nextValue: Nullable(Type.String({ description: 'The id the next card will get; null when disabled or out of range' })) }),
  secondary: Type.Object({ ...SecondaryFields, next: Type.Integer(), nextValue: Nullable(Type.String()) }),
  updatedBy: Nullable(Type.String()),
  updatedAt: Nullable(Type.String({ format: 'date-time' })),
});

const DefinitionsBody = Type.Object({
  accessControl: Type.Object({ ...AccessControlFields, next: Type.Optional(Next) }, { additionalProperties: false }),
  secondary: Type.Object({ ...SecondaryFields, next: Type.Optional(Next) }, { additionalProperties: false }),
}, { additionalProperties: false });

const DESCRIPTION = 'Each card created afterwards gets an access-control id (offset + sequence, left-padded to the length) and a '
  + 'secondary id (prefix + offset + sequence, padded when length > 0, + check digit), kept for its life; a renewal gets new ones. '
  + 'Admins and managers of the institution (404 `institution_not_found` outside their institutions).';

/** An institution's card identifier definitions (admins and managers of it). */
export async function cardIdentifiersRoutes(app: AppInstance, deps: AppDeps): Promise<void> {
  const { cardIdentifiers } = deps.services;

  app.get('/institutions/:code/card-identifiers', {
    config: { access: { roles: ['admin', 'manager'] } },
    schema: {
      tags: ['institutions'],
      summary: 'The identifiers an institution\'s cards carry (access-control id, secondary id): definitions and next values',
      description: DESCRIPTION,
      params: CodeParams,
      response: { 200: DefinitionsSchema, ...errorResponses(401, 403, 404) },
    },
  }, async (request) => cardIdentifiers.definitions(request.params.code, principalOf(request)));

  app.put('/institutions/:code/card-identifiers', {
    config: { access: { roles: ['admin', 'manager'] } },
    schema: {
      tags: ['institutions'],
      summary: 'Define the identifiers an institution\'s new cards get',
      description: `${DESCRIPTION} 422 \`validation_failed\` (errors per field: invalid_length, invalid_offset, offset_too_long, invalid_prefix); `
        + '403 `identifiers_need_all_person_types` for a manager limited to some person types.',
      params: CodeParams,
      body: DefinitionsBody,
      response: { 200: DefinitionsSchema, ...errorResponses(400, 401, 403, 404, 422) },
    },
  }, async (request) => cardIdentifiers.saveDefinitions(request.params.code, request.body, principalOf(request), actorOf(request)));
}
