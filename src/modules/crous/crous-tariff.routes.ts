import { Type } from '@sinclair/typebox';
import type { AppDeps, AppInstance } from '../../app/app-types.ts';
import { principalOf } from '../../platform/http/access.ts';
import { errorResponses, Nullable } from '../../platform/http/schemas.ts';

const Params = Type.Object({ institutionCode: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });
const RuleSchema = Type.Object({
  statusCode: Type.String(), indexMin: Nullable(Type.Number()), indexMax: Nullable(Type.Number()), idCompanyRate: Type.Integer(), idRate: Type.Integer(),
});
const RulesSchema = Type.Object({
  institution: Type.String(),
  crousNumber: Nullable(Type.String()),
  rne: Nullable(Type.String()),
  rules: Type.Array(RuleSchema, { description: 'In the CROUS\'s order: the first matching rule wins' }),
  fetchedAt: Nullable(Type.String()),
  lastAttemptAt: Nullable(Type.String()),
  lastError: Nullable(Type.String({ description: 'Why the last refresh failed (the rules shown are the previous ones); null after a success' })),
});

/**
 * The CROUS tariff rules of an institution (admins and managers of it; another institution
 * answers 404): the stored copy, « Actualiser » (fetch now), and the tariff a person would get.
 */
export async function crousTariffRoutes(app: AppInstance, deps: AppDeps): Promise<void> {
  const { crousTariff } = deps.services;
  const tags = ['connectors', 'crous'];
  const base = '/admin/connectors/crous/institutions/:institutionCode/tariff-rules';

  app.get(base, {
    config: { access: { roles: ['admin', 'manager'] } },
    schema: {
      tags, summary: 'The CROUS tariff rules stored for the institution (refreshed daily), with the last attempt\'s error',
      params: Params, response: { 200: RulesSchema, ...errorResponses(400, 401, 403, 404) },
    },
  }, async (request) => crousTariff.rules(principalOf(request), request.params.institutionCode));

  app.post(`${base}/refresh`, {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags, summary: 'Fetch the institution\'s tariff rules from the CROUS now; a failure keeps the previous rules and is in lastError',
      params: Params, response: { 200: RulesSchema, ...errorResponses(400, 401, 403, 404) },
    },
  }, async (request) => crousTariff.refresh(principalOf(request), request.params.institutionCode));

  app.get(`${base}/tariff`, {
    config: { access: { roles: ['admin', 'manager'] } },
    schema: {
      tags, summary: 'The CROUS tariff a person would get: from the person type (mapped by the settings) or a status code, and the salary index',
      params: Params,
      querystring: Type.Object({
        personType: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_-]{0,31}$' })),
        statusCode: Type.Optional(Type.String({ pattern: '^[a-z0-9]{2,4}$' })),
        index: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000 })),
      }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          idCompanyRate: Type.Integer(), idRate: Type.Integer(),
          source: Type.Union([Type.Literal('rule'), Type.Literal('student_default'), Type.Literal('default')]),
          ruleIndex: Type.Optional(Type.Integer()), statusCode: Nullable(Type.String()), rulesFetchedAt: Nullable(Type.String()),
        }),
        ...errorResponses(400, 401, 403, 404),
      },
    },
  }, async (request) => {
    const { personType, statusCode, index } = request.query;
    return crousTariff.tariffPreview(principalOf(request), request.params.institutionCode, {
      ...(personType !== undefined ? { personType } : {}), ...(statusCode !== undefined ? { statusCode } : {}), index: index ?? null,
    });
  });
}
