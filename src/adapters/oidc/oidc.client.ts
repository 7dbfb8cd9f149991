import { constants, createPublicKey, verify as verifySignature, type JsonWebKey as NodeJsonWebKey } from 'node:crypto';
import * as client from 'openid-client';

/**
 * OpenID Connect relying party on `openid-client` 6 (function API): discovery, authorization code
 * flow with PKCE (S256), state and nonce, ID token checks (openid-client's: signature, iss, aud,
 * exp, nonce), userinfo, RP-initiated logout URL, and back-channel logout tokens (which
 * openid-client 6 does not verify: done here against the provider's published keys).
 */

/** Why an OpenID Connect step was refused; `code` is stable (problem pages, logs, tests). */
export class OidcError extends Error {
  constructor(readonly code: OidcErrorCode, message: string) {
    super(message);
    this.name = 'OidcError';
  }
}

export type OidcErrorCode =
  | 'oidc_insecure_issuer'
  | 'oidc_discovery_failed'
  | 'oidc_provider_error'
  | 'oidc_state_mismatch'
  | 'oidc_nonce_mismatch'
  | 'oidc_id_token_invalid'
  | 'oidc_token_exchange_failed'
  | 'oidc_userinfo_failed'
  | 'oidc_logout_token_invalid'
  | 'oidc_logout_token_replayed';

export interface OidcClientSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Our callback URL, registered at the provider (`<public URL>/auth/sso/<id>/callback`). */
  redirectUri: string;
  /** Accept an `http:` issuer: only tests and the demo may (the configuration decides). */
  allowInsecureIssuer: boolean;
  /** Replaces fetch for every request to the provider (contract tests tamper with answers). */
  fetch?: client.CustomFetch;
  /** Bound on the provider's answers; default 10 s. */
  timeoutSeconds?: number;
}

/** What must survive between the redirect to the provider and the callback (kept by the SSO core, hashed state). */
export interface OidcLoginSecrets {
  codeVerifier: string;
  nonce: string;
}

/**
 * A verified login: the ID token's claims merged with userinfo's. The ID token itself is not
 * returned: logout names the client (`client_id`) instead of the token, so that no copy of it (a
 * signed list of personal claims) is kept for the session's lifetime.
 */
export interface OidcLoginResult {
  sub: string;
  /** Session id at the provider (`sid`), when it sends one: what back-channel logout names. */
  sid: string | undefined;
  claims: Record<string, unknown>;
}

/** A verified back-channel logout token: the session (`sid`) or subject (`sub`) to end. */
export interface OidcLogoutToken {
  sid: string | undefined;
  sub: string | undefined;
  jti: string;
  expiresAt: Date;
}

const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';
/** Asked when the provider supports them; the canonical attributes come from their claims. */
const WANTED_SCOPES = ['openid', 'email', 'profile', 'eduperson', 'groups', 'schac'];
/** A discovery document is re-read after this long even when nothing failed (keys and endpoints rotate). */
const DISCOVERY_TTL_MS = 60 * 60 * 1000;
const CLOCK_TOLERANCE_SECONDS = 60;
/** How long a logout token is remembered when it carries no `exp` (its `iat` bounds its use). */
const LOGOUT_TOKEN_DEFAULT_LIFETIME_SECONDS = 10 * 60;
/** Keys fetched again at most this often when a token names an unknown `kid`. */
const JWKS_REFRESH_MIN_MS = 30 * 1000;

/** Signature algorithms accepted on logout tokens, with node:crypto's parameters. */
const JWS_ALGORITHMS: Record<string, { hash: string | null; kty: string; pss?: boolean; ecdsa?: boolean }> = {
  RS256: { hash: 'sha256', kty: 'RSA' }, RS384: { hash: 'sha384', kty: 'RSA' }, RS512: { hash: 'sha512', kty: 'RSA' },
  PS256: { hash: 'sha256', kty: 'RSA', pss: true }, PS384: { hash: 'sha384', kty: 'RSA', pss: true },
  PS512: { hash: 'sha512', kty: 'RSA', pss: true },
  ES256: { hash: 'sha256', kty: 'EC', ecdsa: true }, ES384: { hash: 'sha384', kty: 'EC', ecdsa: true },
  ES512: { hash: 'sha512', kty: 'EC', ecdsa: true },
  EdDSA: { hash: null, kty: 'OKP' }, Ed25519: { hash: null, kty: 'OKP' },
};

/** The relying party for one configured method; cheap to keep for the life of the process. */
export interface OidcClient {
  /** Fresh PKCE verifier and nonce for a login about to begin. */
  newLoginSecrets(): OidcLoginSecrets;
  /** The provider's authorization URL for this login (`state` from the SSO core's pending login). */
  authorizationUrl(state: string, secrets: OidcLoginSecrets): Promise<string>;
  /**
   * Checks the provider's answer on our callback URL (state, `iss`, error), exchanges the code
   * with the PKCE verifier, validates the ID token (signature, iss, aud, exp, nonce) and merges
   * the userinfo claims. Throws {@link OidcError}.
   */
  completeLogin(callbackUrl: URL, expected: { state: string } & OidcLoginSecrets): Promise<OidcLoginResult>;
  /**
   * The provider's end-session URL, or null when the provider has none. It names the client
   * (`client_id`, RP-Initiated Logout 1.0) rather than an `id_token_hint`: the provider then asks
   * the user to confirm, which oidc-provider, Keycloak and Entra ID do in any case.
   */
  endSessionUrl(postLogoutRedirectUri: string): Promise<string | null>;
  /**
   * Verifies a back-channel logout token: signature by one of the provider's keys, iss, aud,
   * iat/exp, the back-channel logout event, no nonce, a sid or sub, and a jti never seen before
   * (`remember` answers false on a replay). Throws {@link OidcError}.
   */
  verifyLogoutToken(token: string, remember: (jti: string, expiresAt: Date) => Promise<boolean>): Promise<OidcLogoutToken>;
}

function fail(code: OidcErrorCode, message: string): never {
  throw new OidcError(code, message);
}

/**
 * openid-client's errors to ours. It wraps oauth4webapi's (whose message and `cause.claim` say
 * what failed) in a ClientError with a generic message: the whole chain is read.
 */
function translate(error: unknown): OidcError {
  if (error instanceof OidcError) return error;
  const chain: Array<{ code?: unknown; message?: unknown; claim?: unknown; name?: unknown }> = [];
  for (let link: unknown = error; link && typeof link === 'object' && chain.length < 5; link = (link as { cause?: unknown }).cause) {
    chain.push(link as (typeof chain)[number]);
  }
  const codes = chain.map((link) => String(link.code ?? ''));
  const text = chain.map((link) => String(link.message ?? '')).filter(Boolean).join(': ');
  const claims = chain.map((link) => String(link.claim ?? ''));
  const message = text || 'unknown error';
  if (codes.includes('OAUTH_AUTHORIZATION_RESPONSE_ERROR')) return new OidcError('oidc_provider_error', message);
  if (/"state"/.test(text)) return new OidcError('oidc_state_mismatch', message);
  if (claims.includes('nonce') || /"nonce"/.test(text)) return new OidcError('oidc_nonce_mismatch', message);
  if (codes.includes('OAUTH_RESPONSE_BODY_ERROR') || chain.some((link) => link.name === 'ResponseBodyError')) {
    return new OidcError('oidc_token_exchange_failed', message);
  }
  if (codes.some((code) => code.startsWith('OAUTH_JWT') || code === 'OAUTH_KEY_SELECTION_FAILED') || /JWT|JWS|ID Token|signature/i.test(text)) {
    return new OidcError('oidc_id_token_invalid', message);
  }
  return new OidcError('oidc_token_exchange_failed', message);
}

function base64urlJson(part: string | undefined): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Falls through to the refusal below.
  }
  return fail('oidc_logout_token_invalid', 'logout token is not a JWT');
}

/**
 * Builds the relying party. Refuses an `http:` issuer unless the settings allow it. Discovery is
 * done on first use, cached for an hour, and forgotten when it or a later step fails for a reason
 * that is not the user's (so a provider that moved its endpoints or keys is re-read).
 */
export function createOidcClient(settings: OidcClientSettings): OidcClient {
  const issuer = new URL(settings.issuer);
  if (issuer.protocol !== 'https:' && !(issuer.protocol === 'http:' && settings.allowInsecureIssuer)) {
    fail('oidc_insecure_issuer', `issuer must use https: (${issuer.protocol} is allowed only in tests and the demo)`);
  }
  let discovered: { at: number; configuration: Promise<client.Configuration> } | undefined;
  let jwks: { at: number; keys: Array<NodeJsonWebKey & { kid?: string; alg?: string; use?: string }> } | undefined;

  function configuration(): Promise<client.Configuration> {
    if (!discovered || Date.now() - discovered.at > DISCOVERY_TTL_MS) {
      const pending = client.discovery(issuer, settings.clientId, undefined, client.ClientSecretBasic(settings.clientSecret), {
        // Signatures of ID tokens from the token endpoint are checked too (openid-client trusts TLS
        // alone by default): a plain-http demo issuer has no TLS, and a key check costs little.
        execute: settings.allowInsecureIssuer
          ? [client.allowInsecureRequests, client.enableNonRepudiationChecks]
          : [client.enableNonRepudiationChecks],
        ...(settings.fetch ? { [client.customFetch]: settings.fetch } : {}),
        timeout: settings.timeoutSeconds ?? 10,
      });
      discovered = { at: Date.now(), configuration: pending };
      pending.catch(() => { if (discovered?.configuration === pending) discovered = undefined; });
    }
    return discovered.configuration.catch((error: unknown) => {
      fail('oidc_discovery_failed', `discovery of ${settings.issuer} failed: ${(error as Error).message}`);
    });
  }

  /** Drops the cached discovery after a failure that may come from stale metadata or keys. */
  function forgetOn(error: OidcError): void {
    if (error.code === 'oidc_token_exchange_failed' || error.code === 'oidc_id_token_invalid' || error.code === 'oidc_userinfo_failed') {
      discovered = undefined;
      jwks = undefined;
    }
  }

  async function providerKeys(force: boolean) {
    if (jwks && !(force && Date.now() - jwks.at > JWKS_REFRESH_MIN_MS)) return jwks.keys;
    const config = await configuration();
    const uri = config.serverMetadata().jwks_uri;
    if (!uri) fail('oidc_logout_token_invalid', 'the provider publishes no keys (jwks_uri)');
    const response = await (settings.fetch ?? fetch)(uri, {
      method: 'GET', headers: { accept: 'application/json' }, body: undefined, redirect: 'manual',
      signal: AbortSignal.timeout((settings.timeoutSeconds ?? 10) * 1000),
    }).catch(() => fail('oidc_logout_token_invalid', 'the provider\'s keys could not be fetched'));
    const body = (await response.json().catch(() => ({}))) as { keys?: unknown };
    if (!response.ok || !Array.isArray(body.keys)) fail('oidc_logout_token_invalid', 'the provider\'s keys could not be read');
    jwks = { at: Date.now(), keys: body.keys as Array<NodeJsonWebKey & { kid?: string }> };
    return jwks.keys;
  }

  async function verifyJws(token: string): Promise<Record<string, unknown>> {
    const parts = token.split('.');
    if (parts.length !== 3) fail('oidc_logout_token_invalid', 'logout token is not a signed JWT');
    const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
    const header = base64urlJson(headerPart);
    const alg = typeof header.alg === 'string' ? header.alg : '';
    const algorithm = JWS_ALGORITHMS[alg];
    if (!algorithm) fail('oidc_logout_token_invalid', `logout token algorithm "${alg}" is not accepted`);
    if (header.typ !== undefined && !['logout+jwt', 'application/logout+jwt', 'JWT'].includes(String(header.typ))) {
      fail('oidc_logout_token_invalid', 'logout token has a wrong type');
    }
    if (header.crit !== undefined) fail('oidc_logout_token_invalid', 'logout token has critical headers');
    const kid = typeof header.kid === 'string' ? header.kid : undefined;
    const pick = (keys: Awaited<ReturnType<typeof providerKeys>>) => keys.filter((key) =>
      key.kty === algorithm.kty && (kid === undefined || key.kid === kid) && (key.use === undefined || key.use === 'sig')
      && (key.alg === undefined || key.alg === alg));
    let candidates = pick(await providerKeys(false));
    if (candidates.length === 0) candidates = pick(await providerKeys(true));
    if (candidates.length === 0) fail('oidc_logout_token_invalid', 'logout token is signed by an unknown key');
    const data = Buffer.from(`${headerPart}.${payloadPart}`);
    const signature = Buffer.from(signaturePart, 'base64url');
    const valid = candidates.some((jwk) => {
      try {
        const key = createPublicKey({ key: jwk, format: 'jwk' });
        return verifySignature(algorithm.hash, data, {
          key,
          ...(algorithm.pss ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST } : {}),
          ...(algorithm.ecdsa ? { dsaEncoding: 'ieee-p1363' as const } : {}),
        }, signature);
      } catch {
        return false;
      }
    });
    if (!valid) fail('oidc_logout_token_invalid', 'logout token signature is wrong');
    return base64urlJson(payloadPart);
  }

  return {
    newLoginSecrets: () => ({ codeVerifier: client.randomPKCECodeVerifier(), nonce: client.randomNonce() }),

    async authorizationUrl(state, secrets) {
      const config = await configuration();
      const supported = config.serverMetadata().scopes_supported;
      const scope = WANTED_SCOPES.filter((name) => name === 'openid' || (supported ? supported.includes(name) : ['email', 'profile'].includes(name)));
      return client.buildAuthorizationUrl(config, {
        redirect_uri: settings.redirectUri,
        scope: scope.join(' '),
        code_challenge: await client.calculatePKCECodeChallenge(secrets.codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce: secrets.nonce,
      }).href;
    },

    async completeLogin(callbackUrl, expected) {
      const config = await configuration();
      try {
        const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: expected.codeVerifier,
          expectedState: expected.state,
          expectedNonce: expected.nonce,
          idTokenExpected: true,
        }, { redirect_uri: settings.redirectUri });
        const idClaims = tokens.claims();
        if (!idClaims || !tokens.id_token) fail('oidc_id_token_invalid', 'the provider returned no ID token');
        let claims: Record<string, unknown> = { ...idClaims };
        // Many providers (oidc-provider by default, Keycloak per mapper) keep profile claims for userinfo.
        if (config.serverMetadata().userinfo_endpoint) {
          const info = await client.fetchUserInfo(config, tokens.access_token, idClaims.sub)
            .catch((error: unknown) => fail('oidc_userinfo_failed', `userinfo: ${(error as Error).message}`));
          claims = { ...info, ...claims };
        }
        return { sub: idClaims.sub, sid: typeof idClaims.sid === 'string' ? idClaims.sid : undefined, claims };
      } catch (error) {
        const translated = translate(error);
        forgetOn(translated);
        throw translated;
      }
    },

    async endSessionUrl(postLogoutRedirectUri) {
      const config = await configuration();
      if (!config.serverMetadata().end_session_endpoint) return null;
      return client.buildEndSessionUrl(config, {
        post_logout_redirect_uri: postLogoutRedirectUri,
        client_id: settings.clientId,
      }).href;
    },

    async verifyLogoutToken(token, remember) {
      const claims = await verifyJws(token);
      const config = await configuration();
      const now = Math.floor(Date.now() / 1000);
      if (claims.iss !== config.serverMetadata().issuer) fail('oidc_logout_token_invalid', 'logout token has a wrong issuer');
      const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
      if (!audiences.includes(settings.clientId)) fail('oidc_logout_token_invalid', 'logout token is for another client');
      if (typeof claims.iat !== 'number' || claims.iat > now + CLOCK_TOLERANCE_SECONDS) {
        fail('oidc_logout_token_invalid', 'logout token has no valid issue time');
      }
      if (claims.exp !== undefined && (typeof claims.exp !== 'number' || claims.exp < now - CLOCK_TOLERANCE_SECONDS)) {
        fail('oidc_logout_token_invalid', 'logout token has expired');
      }
      if (claims.exp === undefined && claims.iat < now - LOGOUT_TOKEN_DEFAULT_LIFETIME_SECONDS) {
        fail('oidc_logout_token_invalid', 'logout token is too old');
      }
      const events = claims.events as Record<string, unknown> | undefined;
      if (!events || typeof events !== 'object' || typeof events[BACKCHANNEL_LOGOUT_EVENT] !== 'object') {
        fail('oidc_logout_token_invalid', 'logout token lacks the back-channel logout event');
      }
      if (claims.nonce !== undefined) fail('oidc_logout_token_invalid', 'logout token must not carry a nonce');
      const sid = typeof claims.sid === 'string' && claims.sid !== '' ? claims.sid : undefined;
      const sub = typeof claims.sub === 'string' && claims.sub !== '' ? claims.sub : undefined;
      if (!sid && !sub) fail('oidc_logout_token_invalid', 'logout token names no session (sid) nor subject (sub)');
      if (typeof claims.jti !== 'string' || claims.jti === '') fail('oidc_logout_token_invalid', 'logout token has no jti');
      const expiresAt = new Date(1000 * (typeof claims.exp === 'number'
        ? claims.exp + CLOCK_TOLERANCE_SECONDS
        : claims.iat + LOGOUT_TOKEN_DEFAULT_LIFETIME_SECONDS));
      if (!(await remember(claims.jti, expiresAt))) fail('oidc_logout_token_replayed', 'logout token was already used');
      return { sid, sub, jti: claims.jti, expiresAt };
    },
  };
}
