import { Type } from '@sinclair/typebox';
import type { AppDeps, AppInstance } from '../../app/app-types.ts';
import { principalOf } from '../../platform/http/access.ts';
import { ProblemError, unauthorized } from '../../platform/http/problem.ts';
import { actorOf, errorResponses, IdParams, Nullable, NullableInput, Uuid } from '../../platform/http/schemas.ts';
import { csrfTokenFor } from './auth.service.ts';
import { PASSWORD_MIN_LENGTH } from './domain/password-rule.ts';
import { ROLES, TOKEN_ROLES } from './domain/roles.ts';

export const SESSION_COOKIE = 'cc_session';

/** Extracts the secret of an `Authorization: Bearer` header. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1];
}

const Eppn = Type.String({ minLength: 3, maxLength: 320, pattern: '^[^@\\s]+@[^@\\s]+$', description: 'eduPersonPrincipalName (login@domain), any case' });
const PersonTypes = Type.Array(Type.String({ pattern: '^[a-z][a-z0-9_-]{0,31}$' }), { uniqueItems: true, maxItems: 50 });
const InstitutionCodes = Type.Array(Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,31}$' }), {
  uniqueItems: true, maxItems: 200, description: 'Institution codes the role is granted in (a federation covers its members); null: all',
});

/** The header with which an API client narrows a call to one institution (or a federation and its members). */
export const INSTITUTION_HEADER = 'campuscard-institution';

const AccountSchema = Type.Object({
  id: Uuid,
  email: Type.String(),
  displayName: Type.String(),
  role: Type.Union(ROLES.map((role) => Type.Literal(role))),
  personTypes: Nullable(Type.Array(Type.String())),
  institutions: Nullable(Type.Array(Type.String())),
  personId: Nullable(Uuid),
  eppn: Nullable(Type.String({ description: 'The eppn the account logs in with by single sign-on (an office role granted before the person ever logs in)' })),
  disabled: Type.Boolean(),
  lastLoginAt: Nullable(Type.String()),
  createdAt: Type.String(),
});

const TokenSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  prefix: Type.String(),
  role: Type.Union(TOKEN_ROLES.map((role) => Type.Literal(role))),
  personTypes: Nullable(Type.Array(Type.String())),
  institutions: Nullable(Type.Array(Type.String())),
  createdBy: Type.String(),
  actsFor: Nullable(Type.Object({ id: Uuid, displayName: Type.String(), email: Type.String() }, {
    description: 'The account the token acts for: the token stops with it and never does more than it may (null: revoked, had none)',
  })),
  createdAt: Type.String(),
  lastUsedAt: Nullable(Type.String()),
  revoked: Type.Boolean(),
});

const PASSWORD_RULE = `At least ${PASSWORD_MIN_LENGTH} characters (after NFKC normalisation), no control characters, `
  + 'not containing the e-mail\'s local part, and not guessable (zxcvbn score 3 or more)';

const SessionSchema = Type.Object({
  authenticated: Type.Boolean({ description: 'False for a visitor who is not logged in: asking is not an error' }),
  principal: Nullable(Type.Object({
    kind: Type.Union([Type.Literal('session'), Type.Literal('token')]),
    id: Type.String(),
    displayName: Type.String(),
    role: Type.String(),
    personTypes: Nullable(Type.Array(Type.String())),
    personId: Nullable(Type.String()),
    institutions: Type.Array(Type.Object({
      code: Type.String(),
      name: Type.String(),
      kind: Type.Union([Type.Literal('institution'), Type.Literal('federation')]),
      parent: Nullable(Type.String()),
    }), { description: 'The institutions the caller covers (what the console\'s switcher offers); empty for a cardholder' }),
    currentInstitution: Nullable(Type.String({ description: 'The institution this call is focused on (header, or the remembered switch)' })),
  })),
  csrfToken: Nullable(Type.String()),
});

/** Login, logout, the current session, accounts and API tokens. */
export async function authRoutes(app: AppInstance, deps: AppDeps): Promise<void> {
  const { auth, institution } = deps.services;

  app.post('/auth/login', {
    config: { access: { public: true } },
    schema: {
      tags: ['auth'],
      summary: 'Log in with e-mail and password; sets an HttpOnly session cookie',
      body: Type.Object({ email: Type.String({ minLength: 3, maxLength: 320 }), password: Type.String({ minLength: 1, maxLength: 1024 }) },
        { additionalProperties: false }),
      response: { 200: Type.Object({ account: AccountSchema, csrfToken: Type.String(), expiresAt: Type.String() }), ...errorResponses(400, 401, 429) },
    },
  }, async (request, reply) => {
    const result = await auth.login(request.body.email, request.body.password, request.ip).catch((error: unknown) => {
      if (error instanceof ProblemError && typeof error.extensions.retryAfterSeconds === 'number') {
        void reply.header('retry-after', String(error.extensions.retryAfterSeconds));
      }
      throw error;
    });
    void reply.setCookie(SESSION_COOKIE, result.sessionToken, {
      httpOnly: true,
      secure: deps.config.cookieSecure,
      sameSite: 'lax',
      path: '/',
      expires: result.expiresAt,
    });
    return { account: result.account, csrfToken: result.csrfToken, expiresAt: result.expiresAt.toISOString() };
  });

  app.post('/auth/logout', {
    config: { access: { roles: 'authenticated' } },
    schema: {
      tags: ['auth'],
      summary: 'End the current session; `next` is where the browser goes to end the single sign-on session too (null: nowhere)',
      response: { 200: Type.Object({ next: Nullable(Type.String()) }), ...errorResponses(401, 403) },
    },
  }, async (request, reply) => {
    const principal = principalOf(request);
    const ended = principal.sessionId ? await auth.logout(principal.sessionId, actorOf(request)) : null;
    void reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { next: ended ? await deps.services.sso.logoutUrl(ended) : null };
  });

  // Public so that the first question a page asks ("is anyone logged in?") is not an error for a
  // visitor. A bearer token that does not authenticate is still a 401: an API client must learn
  // that its credential is wrong, whereas a browser's expired session cookie is just cleared.
  app.get('/auth/session', {
    config: { access: { public: true } },
    schema: {
      tags: ['auth'],
      summary: 'Who am I (authenticated: false for a visitor); the CSRF token to send as X-CSRF-Token on writes',
      response: { 200: SessionSchema, ...errorResponses(401) },
    },
  }, async (request, reply) => {
    const principal = request.principal;
    if (!principal) {
      if (request.headers.authorization) throw unauthorized();
      if (request.cookies[SESSION_COOKIE]) void reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { authenticated: false, principal: null, csrfToken: null };
    }
    const cookieValue = request.cookies[SESSION_COOKIE];
    const all = await institution.list();
    const covered = principal.role === 'cardholder' ? []
      : all.filter((ref) => principal.grantedInstitutionIds === null || principal.grantedInstitutionIds.includes(ref.id));
    const codeOf = (id: number | null) => all.find((ref) => ref.id === id)?.code ?? null;
    return {
      authenticated: true,
      principal: {
        kind: principal.kind,
        id: principal.id,
        displayName: principal.displayName,
        role: principal.role,
        personTypes: principal.personTypes,
        personId: principal.personId,
        institutions: covered.map((ref) => ({ code: ref.code, name: ref.name, kind: ref.kind, parent: codeOf(ref.parentId) })),
        currentInstitution: codeOf(principal.focusInstitutionId),
      },
      csrfToken: principal.kind === 'session' && cookieValue ? csrfTokenFor(cookieValue) : null,
    };
  });

  app.put('/auth/session/institution', {
    config: { access: { roles: ['admin', 'manager', 'viewer', 'station', 'deliverer'] } },
    schema: {
      tags: ['auth'],
      summary: 'Remember the institution the console is switched to (null: every institution the account covers)',
      body: Type.Object({ institution: NullableInput(Type.String({ maxLength: 32 })) }, { additionalProperties: false }),
      response: { 204: Type.Null(), ...errorResponses(400, 401, 403, 404) },
    },
  }, async (request, reply) => {
    await auth.rememberInstitution(principalOf(request), request.body.institution, actorOf(request));
    return reply.status(204).send(null);
  });

  app.get('/accounts', {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags: ['accounts'],
      querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }), offset: Type.Integer({ minimum: 0, default: 0 }) },
        { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(AccountSchema) }), ...errorResponses(401, 403) },
    },
  }, async (request) => ({ items: await auth.listAccounts(request.query.limit, request.query.offset, principalOf(request).grantedInstitutionIds) }));

  app.post('/accounts', {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags: ['accounts'],
      body: Type.Object({
        email: Type.String({ format: 'email', maxLength: 320 }),
        password: Type.Optional(Type.String({ maxLength: 1024, description: PASSWORD_RULE })),
        displayName: Type.String({ minLength: 1, maxLength: 200 }),
        role: Type.Union(ROLES.map((role) => Type.Literal(role))),
        personTypes: Type.Optional(Nullable(PersonTypes)),
        institutions: Type.Optional(NullableInput(InstitutionCodes)),
        personId: Type.Optional(Nullable(Uuid)),
        eppn: Type.Optional(NullableInput(Eppn)),
      }, { additionalProperties: false }),
      response: { 201: AccountSchema, ...errorResponses(400, 401, 403, 409, 422) },
    },
  }, async (request, reply) => reply.status(201).send(await auth.createAccount(request.body, actorOf(request), principalOf(request).grantedInstitutionIds)));

  app.get('/accounts/:id', {
    config: { access: { roles: ['admin'] } },
    schema: { tags: ['accounts'], params: IdParams, response: { 200: AccountSchema, ...errorResponses(401, 403, 404) } },
  }, async (request) => auth.getAccount(request.params.id, principalOf(request).grantedInstitutionIds));

  app.patch('/accounts/:id', {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags: ['accounts'],
      params: IdParams,
      body: Type.Object({
        displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
        role: Type.Optional(Type.Union(ROLES.map((role) => Type.Literal(role)))),
        personTypes: Type.Optional(Nullable(PersonTypes)),
        institutions: Type.Optional(NullableInput(InstitutionCodes)),
        password: Type.Optional(Type.String({ maxLength: 1024, description: PASSWORD_RULE })),
        disabled: Type.Optional(Type.Boolean()),
        eppn: Type.Optional(NullableInput(Eppn)),
      }, { additionalProperties: false, minProperties: 1 }),
      response: { 200: AccountSchema, ...errorResponses(400, 401, 403, 404, 409, 422) },
    },
  }, async (request) => auth.updateAccount(request.params.id, request.body, actorOf(request), principalOf(request).grantedInstitutionIds));

  app.get('/tokens', {
    config: { access: { roles: ['admin'] } },
    schema: { tags: ['tokens'], response: { 200: Type.Object({ items: Type.Array(TokenSchema) }), ...errorResponses(401, 403) } },
  }, async (request) => ({ items: await auth.listApiTokens(principalOf(request).grantedInstitutionIds) }));

  app.post('/tokens', {
    config: { access: { roles: ['admin'] } },
    schema: {
      tags: ['tokens'],
      summary: 'Create an API token; its secret is shown only in this answer',
      body: Type.Object({
        name: Type.String({ minLength: 1, maxLength: 200 }),
        role: Type.Union(TOKEN_ROLES.map((role) => Type.Literal(role))),
        personTypes: Type.Optional(Nullable(PersonTypes)),
        institutions: Type.Optional(NullableInput(InstitutionCodes)),
      }, { additionalProperties: false }),
      response: { 201: Type.Object({ token: Type.String(), info: TokenSchema }), ...errorResponses(400, 401, 403, 422) },
    },
  }, async (request, reply) => {
    // The new token acts for the caller's account: the session's own, or the one behind the calling token.
    const principal = principalOf(request);
    const accountId = principal.kind === 'token' ? principal.accountId : principal.id;
    if (!accountId) throw unauthorized();
    const created = await auth.createApiToken(request.body, { accountId, personTypes: principal.personTypes, institutionIds: principal.grantedInstitutionIds }, actorOf(request));
    return reply.status(201).send({ token: created.token, info: created.view });
  });

  app.delete('/tokens/:id', {
    config: { access: { roles: ['admin'] } },
    schema: { tags: ['tokens'], params: IdParams, response: { 200: TokenSchema, ...errorResponses(401, 403, 404) } },
  }, async (request) => auth.revokeApiToken(request.params.id, actorOf(request), principalOf(request).grantedInstitutionIds));
}
