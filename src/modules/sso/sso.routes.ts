import { Type } from '@sinclair/typebox';
import type { AppDeps, AppInstance } from '../../app/app-types.ts';
import { principalOf } from '../../platform/http/access.ts';
import { notFound } from '../../platform/http/problem.ts';
import type { SamlMetadataStatus } from './saml-metadata.service.ts';
import { actorOf, errorResponses, Nullable, NullableInput } from '../../platform/http/schemas.ts';
import { SSO_METHOD_ID_PATTERN } from '../../sso-methods.config.ts';
import { SSO_PERSON_FIELDS } from './domain/sso-attributes.ts';

const Protocol = Type.Union([Type.Literal('cas'), Type.Literal('saml'), Type.Literal('oidc')]);
const Label = Type.Object({ fr: Type.String(), en: Type.String() });
const MethodParams = Type.Object({ id: Type.String({ pattern: SSO_METHOD_ID_PATTERN }) }, { additionalProperties: false });
const AttributeName = Type.String({ minLength: 1, maxLength: 200, pattern: '^[^\\u0000-\\u001f\\u007f]+$' });
const PersonField = Type.Union(SSO_PERSON_FIELDS.map((field) => Type.Literal(field)));

const FieldAttributes = Type.Object(Object.fromEntries(SSO_PERSON_FIELDS.map((field) => [field, Type.Optional(AttributeName)])),
  { additionalProperties: false, description: 'Person field → attribute it is read from, where it differs from the default' });

const ButtonSchema = Type.Object({
  id: Type.String(),
  protocol: Protocol,
  label: Label,
  institution: Nullable(Type.String()),
  startUrl: Type.String({ description: 'Where the login button leads (add ?returnTo=<path> to come back to a page of this site)' }),
});

const SettingsProperties = {
  enabled: Type.Boolean(),
  label: Type.Object({
    fr: Type.String({ minLength: 1, maxLength: 120 }),
    en: Type.String({ minLength: 1, maxLength: 120 }),
  }, { additionalProperties: false, description: 'The button\'s wording on the login page' }),
  institution: NullableInput(Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,31}$', description: 'Whose persons the method identifies (code); null: federation-wide' })),
  eppnAttribute: AttributeName,
  fieldAttributes: FieldAttributes,
  trustedFields: Type.Array(PersonField, { uniqueItems: true, description: 'Person fields a login may update from the attributes' }),
  groupsAttribute: NullableInput(AttributeName),
  createUnknown: Type.Boolean({ description: 'Create an unknown person at login when their affiliation maps to a type allowed to request a card' }),
  contact: Type.String({ maxLength: 1000, description: 'Whom refused people should contact' }),
};

const SamlMetadataStatusSchema = Type.Object({
  idpEntityId: Nullable(Type.String({ description: 'The IdP the stored copy describes' })),
  fetchedAt: Nullable(Type.String({ format: 'date-time', description: 'When the stored copy was fetched and verified' })),
  validUntil: Nullable(Type.String({ format: 'date-time', description: 'Past it, the stored copy is not used' })),
  lastAttemptAt: Nullable(Type.String({ format: 'date-time' })),
  lastError: Nullable(Type.String({ description: 'Why the last refresh failed (the previous copy is kept); null after a success' })),
}, { description: 'SAML methods: the stored IdP metadata, refreshed daily by a job' });

const AdminMethodSchema = Type.Object({
  id: Type.String(),
  protocol: Protocol,
  saved: Type.Boolean({ description: 'False while the defaults are shown (never saved)' }),
  enabled: Type.Boolean(),
  label: Label,
  institution: Nullable(Type.String()),
  eppnAttribute: Type.String(),
  fieldAttributes: Type.Record(Type.String(), Type.String()),
  trustedFields: Type.Array(Type.String()),
  groupsAttribute: Nullable(Type.String()),
  createUnknown: Type.Boolean(),
  contact: Type.String(),
  urls: Type.Object({
    login: Type.String(),
    callback: Nullable(Type.String({ description: 'CAS service URL / OIDC redirect URI' })),
    metadata: Nullable(Type.String({ description: 'SAML SP metadata URL' })),
    acs: Nullable(Type.String()),
    singleLogout: Nullable(Type.String()),
    backchannelLogout: Nullable(Type.String({ description: 'OIDC back-channel logout URI' })),
    postLogoutRedirect: Nullable(Type.String({ description: 'OIDC post-logout redirect URI (to register as the client\'s post_logout_redirect_uri)' })),
  }, { description: 'The URLs to give the identity provider\'s admin' }),
  samlMetadata: Type.Optional(SamlMetadataStatusSchema),
});


/** The login page's methods, and the admin's settings of each configured method. */
export async function ssoRoutes(app: AppInstance, deps: AppDeps): Promise<void> {
  const { sso, samlMetadata } = deps.services;

  /** Adds each SAML method's metadata status to its admin view. */
  async function withMetadata<T extends { id: string }>(views: T[]): Promise<Array<T & { samlMetadata?: SamlMetadataStatus }>> {
    const statuses = await samlMetadata.statuses(views.map((view) => view.id));
    return views.map((view) => {
      const status = statuses.get(view.id);
      return status ? { ...view, samlMetadata: status } : view;
    });
  }

  app.get('/auth/sso/methods', {
    config: { access: { public: true } },
    schema: {
      tags: ['auth'],
      summary: 'The single sign-on methods offered on the login page (enabled ones)',
      response: { 200: Type.Object({ items: Type.Array(ButtonSchema) }) },
    },
  }, async () => ({ items: await sso.methods() }));

  app.get('/admin/login-methods', {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags: ['admin'],
      summary: 'Configured login methods (SSO_METHODS) with their settings; an admin limited to institutions sees theirs',
      response: { 200: Type.Object({ items: Type.Array(AdminMethodSchema) }), ...errorResponses(401, 403) },
    },
  }, async (request) => ({ items: await withMetadata(await sso.adminList(principalOf(request).grantedInstitutionIds)) }));

  app.get('/admin/login-methods/:id', {
    config: { access: { roles: ['admin'] } },
    schema: { tags: ['admin'], params: MethodParams, response: { 200: AdminMethodSchema, ...errorResponses(400, 401, 403, 404) } },
  }, async (request) => (await withMetadata([await sso.adminGet(request.params.id, principalOf(request).grantedInstitutionIds)]))[0]);

  app.put('/admin/login-methods/:id', {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags: ['admin'],
      summary: 'Save the settings of a configured login method',
      params: MethodParams,
      body: Type.Object(SettingsProperties, { additionalProperties: false }),
      response: { 200: AdminMethodSchema, ...errorResponses(400, 401, 403, 404, 422) },
    },
  }, async (request) => {
    const body = request.body;
    return (await withMetadata([await sso.save(request.params.id, {
      ...body,
      fieldAttributes: body.fieldAttributes as Partial<Record<(typeof SSO_PERSON_FIELDS)[number], string>>,
    }, principalOf(request).grantedInstitutionIds, actorOf(request))]))[0];
  });

  app.post('/admin/login-methods/:id/saml-metadata/refresh', {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags: ['admin'],
      summary: 'Fetch, verify and store a SAML method\'s IdP metadata now (a failure is recorded and the previous copy kept)',
      params: MethodParams,
      response: { 200: SamlMetadataStatusSchema, ...errorResponses(400, 401, 403, 404) },
    },
  }, async (request) => {
    // The same reach as the method's settings: an admin limited to institutions refreshes only theirs (404 otherwise).
    const method = await sso.adminGet(request.params.id, principalOf(request).grantedInstitutionIds);
    if (method.protocol !== 'saml') throw notFound('sso_method_not_found', 'No such SAML login method');
    return samlMetadata.refresh(method.id);
  });
}
