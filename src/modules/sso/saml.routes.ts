import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import formbody from '@fastify/formbody';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { AppDeps, AppInstance } from '../../app/app-types.ts';
import { SamlMetadataError, type IdpMetadata } from '../../adapters/saml/saml-idp-metadata.ts';
import { buildSpMetadata } from '../../adapters/saml/saml-sp-metadata.ts';
import {
  createSamlServiceProvider, newSamlRequestId, SamlMessageError, type SamlAssertion, type SamlRefusal, type SamlServiceProvider,
  type SamlSpSettings,
} from '../../adapters/saml/saml-sp.client.ts';
import type { SamlMethodConfig } from '../../sso-methods.config.ts';
import { SSO_METHOD_ID_PATTERN } from '../../sso-methods.config.ts';
import { canonicalizeAttributes, CANONICAL_ATTRIBUTES, SAML_OIDS } from './domain/sso-attributes.ts';
import { replyWithOutcome, requestLocale, type SsoLocale } from './sso-outcome.reply.ts';
import { bindBrowser, browserBindingOf, clearBrowserBinding, replyBrowserMismatch } from './sso-browser.binding.ts';

/**
 * SAML 2.0 service provider routes, one SP per `saml` login method, under `/auth/sso/<id>/`:
 * `login` (AuthnRequest, HTTP-Redirect), `acs` (Response, HTTP-POST), `metadata` (our SP
 * metadata), `slo` (single logout both ways). Browser-facing: answers are redirects and HTML
 * pages, never JSON problems. The protocol checks live in src/adapters/saml/; the login itself
 * (person, account, session) is the SSO core's.
 */

/** Attributes asked for in the SP metadata: those campuscard reads, the eppn required. */
const REQUESTED_ATTRIBUTES = Object.entries(SAML_OIDS).map(([name, friendlyName]) => ({
  name, friendlyName, required: friendlyName === 'eduPersonPrincipalName',
}));

/**
 * What a single logout message names, for the sessions table: the NameID and SessionIndex of the
 * assertion, hashed (a fixed length, and the NameID is an identifier of the person).
 */
export function samlSessionKey(nameId: string, sessionIndex: string | null): string {
  return createHash('sha256').update(`${nameId}\n${sessionIndex ?? ''}`).digest('hex');
}

/**
 * What a LogoutRequest naming the NameID only (no SessionIndex) matches: every session of that
 * subject at this method. Hashed like the session key, and prefixed so it can never equal one.
 */
export function samlSubjectKey(nameId: string): string {
  return createHash('sha256').update(`subject\n${nameId}`).digest('hex');
}

/** What a SAML page says: a refusal of the response, a method problem, or a finished logout. */
export type SamlPageCode = SamlRefusal | 'method_not_found' | 'method_disabled' | 'idp_unavailable' | 'logged_out';

const PAGE_TEXTS: Record<SsoLocale, { titles: { error: string; done: string }; messages: Record<SamlPageCode, string>; back: string; code: string }> = {
  fr: {
    titles: { error: 'Connexion refusée', done: 'Déconnexion' },
    messages: {
      saml_unsolicited: 'Cette réponse du fournisseur d’identité ne correspond à aucune connexion en cours (délai de 10 minutes dépassé, ou page rechargée). Recommencez la connexion.',
      saml_in_response_to: 'Cette réponse du fournisseur d’identité répond à une autre demande de connexion. Recommencez la connexion.',
      saml_signature: 'La signature de la réponse du fournisseur d’identité est absente ou invalide.',
      saml_audience: 'La réponse du fournisseur d’identité est destinée à un autre service.',
      saml_expired: 'La réponse du fournisseur d’identité a expiré (ou les horloges sont trop décalées). Recommencez la connexion.',
      saml_issuer: 'La réponse vient d’un autre fournisseur d’identité que celui de ce mode de connexion.',
      saml_recipient: 'La réponse du fournisseur d’identité est destinée à une autre adresse.',
      saml_replay: 'Cette réponse du fournisseur d’identité a déjà été utilisée.',
      saml_idp_status: 'Le fournisseur d’identité n’a pas authentifié la connexion.',
      saml_invalid: 'La réponse du fournisseur d’identité est illisible ou incomplète.',
      method_not_found: 'Ce mode de connexion n’existe pas.',
      method_disabled: 'Ce mode de connexion n’est pas ouvert pour le moment.',
      idp_unavailable: 'Le fournisseur d’identité est momentanément injoignable. Réessayez dans quelques minutes.',
      logged_out: 'Votre session campuscard est terminée.',
    },
    back: 'Retour à la page de connexion',
    code: 'Code\u00a0:',
  },
  en: {
    titles: { error: 'Sign-in refused', done: 'Signed out' },
    messages: {
      saml_unsolicited: 'This answer from the identity provider matches no sign-in in progress (more than 10 minutes, or a reloaded page). Please sign in again.',
      saml_in_response_to: 'This answer from the identity provider answers another sign-in request. Please sign in again.',
      saml_signature: 'The signature of the identity provider’s answer is missing or invalid.',
      saml_audience: 'The identity provider’s answer is meant for another service.',
      saml_expired: 'The identity provider’s answer has expired (or the clocks are too far apart). Please sign in again.',
      saml_issuer: 'The answer comes from another identity provider than this sign-in method’s.',
      saml_recipient: 'The identity provider’s answer is meant for another address.',
      saml_replay: 'This answer from the identity provider was already used.',
      saml_idp_status: 'The identity provider did not authenticate the sign-in.',
      saml_invalid: 'The identity provider’s answer is unreadable or incomplete.',
      method_not_found: 'This sign-in method does not exist.',
      method_disabled: 'This sign-in method is not open at the moment.',
      idp_unavailable: 'The identity provider cannot be reached at the moment. Please try again in a few minutes.',
      logged_out: 'You are signed out of campuscard.',
    },
    back: 'Back to the login page',
    code: 'Code:',
  },
};

/** The page of a refused SAML message (or of a finished logout), in both languages, the code stated. */
export function samlPage(code: SamlPageCode, locale: SsoLocale): string {
  const kind = code === 'logged_out' ? 'done' : 'error';
  const section = (lang: SsoLocale, primary: boolean) => {
    const text = PAGE_TEXTS[lang];
    const heading = primary ? `<h1>${text.titles[kind]}</h1>` : `<h2>${text.titles[kind]}</h2>`;
    return `<section lang="${lang}" class="${primary ? 'primary' : 'secondary'}">${heading}
<p data-testid="saml-message">${text.messages[code]}</p>
${kind === 'error' ? `<p class="code">${text.code} <code data-code="${code}">${code}</code></p>` : ''}
<p><a href="/login">${text.back}</a></p></section>`;
  };
  const other: SsoLocale = locale === 'fr' ? 'en' : 'fr';
  return `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>campuscard — ${PAGE_TEXTS[locale].titles[kind]}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1a1b1e}
.brand{font-weight:800;color:#1864ab}.code{color:#495057;font-size:.9em}
.secondary{margin-top:2.5rem;border-top:1px solid #dee2e6;color:#495057}a{color:#1864ab}</style></head>
<body><main><p class="brand">campuscard</p>${section(locale, true)}${section(other, false)}</main></body></html>`;
}

/** Every code a SAML page may show. */
export function samlPageCodes(): SamlPageCode[] {
  return Object.keys(PAGE_TEXTS.fr.messages) as SamlPageCode[];
}

function page(reply: FastifyReply, status: number, code: SamlPageCode, locale: SsoLocale): FastifyReply {
  return reply.status(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(samlPage(code, locale));
}

const Params = Type.Object({ id: Type.String({ pattern: SSO_METHOD_ID_PATTERN }) }, { additionalProperties: false });
const LoginQuery = Type.Object({ returnTo: Type.Optional(Type.String({ maxLength: 2000 })), lang: Type.Optional(Type.String()) });
// Several megabytes would be no SAML response any IdP sends; the app's body limit applies anyway.
const AcsBody = Type.Object({
  SAMLResponse: Type.String({ minLength: 1, maxLength: 2_000_000 }),
  RelayState: Type.Optional(Type.String({ maxLength: 500 })),
});
const SloMessage = Type.Object({
  SAMLRequest: Type.Optional(Type.String({ maxLength: 2_000_000 })),
  SAMLResponse: Type.Optional(Type.String({ maxLength: 2_000_000 })),
  RelayState: Type.Optional(Type.String({ maxLength: 500 })),
  SigAlg: Type.Optional(Type.String({ maxLength: 200 })),
  Signature: Type.Optional(Type.String({ maxLength: 2000 })),
  lang: Type.Optional(Type.String()),
});

/** One configured SAML method: its SP settings (keys read once at boot); its IdP metadata is the stored copy (saml-metadata.service.ts). */
interface SamlMethod {
  sp: SamlSpSettings;
}

function readPem(path: string | undefined): string | undefined {
  return path === undefined ? undefined : readFileSync(path, 'utf8');
}

/** The SAML routes and the `saml` logout handler. Registers nothing when no SAML method is configured. */
export async function samlRoutes(app: AppInstance, deps: AppDeps): Promise<void> {
  const { sso, samlMetadata } = deps.services;
  const methods = new Map<string, SamlMethod>();
  for (const config of deps.config.ssoMethods) {
    if (config.protocol !== 'saml') continue;
    const saml = config as SamlMethodConfig;
    const base = `${deps.config.publicUrl}/auth/sso/${saml.id}`;
    methods.set(saml.id, {
      sp: {
        entityId: `${base}/metadata`, acsUrl: `${base}/acs`, sloUrl: `${base}/slo`,
        privateKey: readPem(saml.spPrivateKeyFile), certificate: readPem(saml.spCertFile),
      },
    });
  }
  if (methods.size === 0) return;

  /** The method's SP facing its IdP as the metadata currently says; SamlMetadataError when it cannot be had. */
  async function serviceProvider(id: string, method: SamlMethod): Promise<{ sp: SamlServiceProvider; idp: IdpMetadata }> {
    const idp = await samlMetadata.get(id);
    return { sp: createSamlServiceProvider(method.sp, idp), idp };
  }

  sso.registerProtocol('saml', {
    async logoutUrl(method, session) {
      const found = methods.get(method.id);
      const data = session.logoutData;
      if (!found || !data?.nameId) return null;
      const { sp } = await serviceProvider(method.id, found);
      return sp.logoutRequestUrl({
        nameId: data.nameId, nameIdFormat: data.nameIdFormat ?? null, sessionIndex: data.sessionIndex ?? null,
        nameQualifier: data.nameQualifier ?? null, spNameQualifier: data.spNameQualifier ?? null,
      });
    },
  });

  // The POST binding posts a form; the parser is needed here only, not by the JSON API.
  await app.register(formbody, { bodyLimit: 2_100_000 });

  // The IdP comes back with a cross-site POST: see sso-browser.binding.ts for the cookie (None
  // and Secure over https; over plain http only a same-site IdP can bring it back).
  const binding = { crossSitePost: true, secure: deps.config.cookieSecure };

  const unavailable = (request: FastifyRequest, reply: FastifyReply, id: string, error: unknown) => {
    if (!(error instanceof SamlMetadataError)) throw error;
    request.log.warn({ method: id, reason: error.message }, 'saml: identity provider metadata unavailable');
    return page(reply, 503, 'idp_unavailable', requestLocale(request));
  };

  app.get('/auth/sso/:id/login', {
    config: { access: { public: true } },
    schema: { hide: true, params: Params, querystring: LoginQuery },
    attachValidation: true,
  }, async (request, reply) => {
    const locale = requestLocale(request);
    const method = methods.get(request.params.id);
    if (!method) return page(reply, 404, 'method_not_found', locale);
    if (request.validationError) return page(reply, 400, 'saml_invalid', locale);
    const settings = await sso.method(request.params.id);
    if (!settings.settings.enabled) return page(reply, 403, 'method_disabled', locale);
    let sp: SamlServiceProvider;
    try {
      ({ sp } = await serviceProvider(request.params.id, method));
    } catch (error) {
      return unavailable(request, reply, request.params.id, error);
    }
    const requestId = newSamlRequestId();
    const browser = bindBrowser(request, reply, binding);
    const { state } = await sso.beginLogin(request.params.id, {
      browser, returnTo: request.query.returnTo, payload: { requestId, issuedAt: new Date().toISOString() },
    });
    return reply.header('cache-control', 'no-store').redirect(await sp.loginUrl(requestId, state), 303);
  });

  app.post('/auth/sso/:id/acs', {
    config: { access: { public: true } },
    schema: { hide: true, params: Params, body: AcsBody },
    // A malformed form is a refused answer like any other: the browser gets the page, not JSON.
    attachValidation: true,
  }, async (request, reply) => {
    const locale = requestLocale(request);
    const id = request.params.id;
    const method = methods.get(id);
    if (!method) return page(reply, 404, 'method_not_found', locale);
    if (request.validationError) return page(reply, 400, 'saml_invalid', locale);
    const pending = await sso.takeLogin(id, request.body.RelayState, browserBindingOf(request, binding));
    // Somebody else's login brought to this browser (login CSRF): refused before the response is
    // even checked (its assertion id is not burnt either).
    if (pending && !pending.sameBrowser) {
      request.log.warn({ method: id }, 'saml: response posted from another browser than the login');
      return replyBrowserMismatch(reply, locale);
    }
    let assertion: SamlAssertion;
    try {
      const { sp } = await serviceProvider(id, method);
      const requestId = pending?.payload.requestId;
      const issuedAt = new Date(pending?.payload.issuedAt ?? '');
      assertion = await sp.acceptResponse(request.body.SAMLResponse,
        requestId && !Number.isNaN(issuedAt.getTime()) ? { requestId, issuedAt } : null);
      // Remembered only once it verified: a forged response cannot burn a real assertion's id.
      if (!(await sso.rememberOnce(id, assertion.assertionId, assertion.usableUntil))) {
        throw new SamlMessageError('saml_replay', 'assertion already used');
      }
    } catch (error) {
      if (error instanceof SamlMessageError) {
        request.log.warn({ method: id, code: error.code, reason: error.message }, 'saml: response refused');
        return page(reply, 400, error.code, locale);
      }
      return unavailable(request, reply, id, error);
    }
    const logoutData: Record<string, string> = { nameId: assertion.nameId };
    if (assertion.nameIdFormat) logoutData.nameIdFormat = assertion.nameIdFormat;
    if (assertion.sessionIndex) logoutData.sessionIndex = assertion.sessionIndex;
    if (assertion.nameQualifier) logoutData.nameQualifier = assertion.nameQualifier;
    if (assertion.spNameQualifier) logoutData.spNameQualifier = assertion.spNameQualifier;
    const outcome = await sso.completeLogin({
      methodId: id,
      attributes: canonicalizeAttributes(assertion.attributes),
      sessionKey: samlSessionKey(assertion.nameId, assertion.sessionIndex),
      subjectKey: samlSubjectKey(assertion.nameId),
      logoutData,
    }, { ip: request.ip, returnTo: pending?.returnTo ?? null });
    // Done with: other logins begun in this browser still complete (the cookie is not cleared on a failure).
    if (outcome.kind === 'session') clearBrowserBinding(reply, binding);
    return replyWithOutcome(reply, outcome, locale);
  });

  app.get('/auth/sso/:id/metadata', {
    config: { access: { public: true } },
    schema: { hide: true, params: Params },
  }, async (request, reply) => {
    const method = methods.get(request.params.id);
    if (!method) return page(reply, 404, 'method_not_found', requestLocale(request));
    return reply.type('application/samlmetadata+xml; charset=utf-8').send(buildSpMetadata({
      entityId: method.sp.entityId, acsUrl: method.sp.acsUrl, sloUrl: method.sp.sloUrl, certificate: method.sp.certificate,
      serviceName: { fr: 'campuscard — carte multiservice', en: 'campuscard — campus card' },
      requestedAttributes: REQUESTED_ATTRIBUTES.filter((attribute) => (CANONICAL_ATTRIBUTES as readonly string[]).includes(attribute.friendlyName)),
    }));
  });

  async function singleLogout(request: FastifyRequest, id: string, reply: FastifyReply, message: Record<string, string | undefined>) {
    const locale = requestLocale(request);
    const method = methods.get(id);
    if (!method) return page(reply, 404, 'method_not_found', locale);
    // The IdP's answer to a logout we asked for: the local session is already over.
    if (message.SAMLResponse && !message.SAMLRequest) return reply.redirect('/login', 303);
    if (!message.SAMLRequest) return page(reply, 400, 'saml_invalid', locale);
    try {
      const { sp } = await serviceProvider(id, method);
      const strings = Object.fromEntries(Object.entries(message).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
      const logout = await sp.acceptLogoutRequest(request.method === 'GET'
        ? { query: strings, rawQuery: request.url.slice(request.url.indexOf('?') + 1) }
        : { body: strings });
      // Without SessionIndex the IdP ends the subject's every session (SAML core 3.7.1), not the one
      // whose key happens to hash an empty index.
      const ended = logout.sessionIndex
        ? await sso.endSsoSessions(id, samlSessionKey(logout.nameId, logout.sessionIndex))
        : await sso.endSsoSubjectSessions(id, samlSubjectKey(logout.nameId));
      request.log.info({ method: id, ended }, 'saml: single logout');
      const next = await sp.logoutResponseUrl(logout, message.RelayState);
      return next ? reply.header('cache-control', 'no-store').redirect(next, 303) : page(reply, 200, 'logged_out', locale);
    } catch (error) {
      if (error instanceof SamlMessageError) {
        request.log.warn({ method: id, code: error.code, reason: error.message }, 'saml: logout request refused');
        return page(reply, 400, error.code, locale);
      }
      return unavailable(request, reply, id, error);
    }
  }

  app.get('/auth/sso/:id/slo', {
    config: { access: { public: true } },
    schema: { hide: true, params: Params, querystring: SloMessage },
    attachValidation: true,
  }, async (request, reply) => singleLogout(request, request.params.id, reply, request.validationError ? {} : request.query));

  app.post('/auth/sso/:id/slo', {
    config: { access: { public: true } },
    schema: { hide: true, params: Params, body: SloMessage },
    attachValidation: true,
  }, async (request, reply) => singleLogout(request, request.params.id, reply, request.validationError ? {} : request.body));
}
