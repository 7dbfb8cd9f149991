import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, generateKeyPairSync, randomUUID, sign, type JsonWebKey } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createOidcClient, OidcError, type OidcClient, type OidcErrorCode } from './oidc.client.ts';
import { startOidcProvider, type OidcProviderSimulator } from './oidc.provider.ts';
import { CookieJar, providerLoginPage, signInAtProvider, signOutAtProvider } from '../../../test/helpers/oidc-browser.ts';

// The relying party against the real, certified oidc-provider: every check the client makes is
// exercised by an answer the provider really gives, or by a token signed with the provider's own
// key but carrying claims the client must refuse.

const REDIRECT_URI = 'http://127.0.0.1:9/auth/sso/oidc-test/callback';
const POST_LOGOUT_URI = 'http://127.0.0.1:9/';
const CLIENT = { clientId: 'campuscard', clientSecret: 'a-client-secret-of-some-length' };
const USER = {
  username: 'cmartin',
  password: 'pw-cmartin',
  claims: {
    email: 'camille.martin@univ-demo.fr', given_name: 'Camille', family_name: 'Martin', name: 'Camille Martin',
    eduperson_principal_name: 'camille.martin@univ-demo.fr', eduperson_affiliation: ['student', 'member'],
    supannEtuId: '22400101', groups: ['univ-demo:etudiants'],
  },
};

let provider: OidcProviderSimulator;
let logoutReceiver: Server;
const logoutTokens: string[] = [];
let rp: OidcClient;

/** A JWT signed with `key` (the provider's by default): valid signature, claims of the test's choosing. */
function forge(claims: Record<string, unknown>, options: { key?: JsonWebKey; kid?: string; alg?: string; typ?: string } = {}): string {
  const alg = options.alg ?? 'RS256';
  const header = { alg, kid: options.kid ?? provider.signingKey.kid, typ: options.typ ?? 'logout+jwt' };
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode(header)}.${encode(claims)}`;
  if (alg === 'none') return `${input}.`;
  const key = createPrivateKey({ key: options.key ?? provider.signingKey, format: 'jwk' });
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

function logoutClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: provider.issuer, aud: CLIENT.clientId, iat: now, exp: now + 120, jti: randomUUID(), sid: 'a-session',
    events: { 'http://schemas.openid.net/event/backchannel-logout': {} },
    ...overrides,
  };
}

async function refused(promise: Promise<unknown>, code: OidcErrorCode): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof OidcError, `expected an OidcError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return true;
  });
}

/** A fresh login up to the provider's answer on our callback URL. */
async function signIn(client: OidcClient = rp, jar: CookieJar = new CookieJar()) {
  const state = randomUUID();
  const secrets = client.newLoginSecrets();
  const callback = await signInAtProvider(await client.authorizationUrl(state, secrets), USER, jar);
  return { state, secrets, callback, jar };
}

const seen = new Set<string>();
const remember = async (jti: string) => {
  if (seen.has(jti)) return false;
  seen.add(jti);
  return true;
};

before(async () => {
  logoutReceiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => { body += chunk.toString('utf8'); });
    req.on('end', () => {
      const token = new URLSearchParams(body).get('logout_token');
      if (token) logoutTokens.push(token);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => logoutReceiver.listen(0, '127.0.0.1', resolve));
  const receiverUrl = `http://127.0.0.1:${(logoutReceiver.address() as AddressInfo).port}/backchannel-logout`;
  provider = await startOidcProvider({
    users: [USER],
    clients: [{ ...CLIENT, redirectUris: [REDIRECT_URI], postLogoutRedirectUris: [POST_LOGOUT_URI], backchannelLogoutUri: receiverUrl }],
  });
  rp = createOidcClient({ issuer: provider.issuer, ...CLIENT, redirectUri: REDIRECT_URI, allowInsecureIssuer: true });
});

after(async () => {
  await provider.close();
  await new Promise<void>((resolve) => logoutReceiver.close(() => resolve()));
});

describe('OpenID Connect client against oidc-provider', () => {
  test('an http issuer is refused unless the configuration allows it', () => {
    assert.throws(() => createOidcClient({ issuer: provider.issuer, ...CLIENT, redirectUri: REDIRECT_URI, allowInsecureIssuer: false }),
      (error: unknown) => error instanceof OidcError && error.code === 'oidc_insecure_issuer');
  });

  test('discovery gives an authorization URL with PKCE S256, state, nonce and the supported scopes', async () => {
    const secrets = rp.newLoginSecrets();
    const url = new URL(await rp.authorizationUrl('the-state', secrets));
    assert.equal(url.origin, provider.issuer);
    assert.equal(url.searchParams.get('response_type'), 'code');
    assert.equal(url.searchParams.get('client_id'), CLIENT.clientId);
    assert.equal(url.searchParams.get('redirect_uri'), REDIRECT_URI);
    assert.equal(url.searchParams.get('state'), 'the-state');
    assert.equal(url.searchParams.get('nonce'), secrets.nonce);
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.notEqual(url.searchParams.get('code_challenge'), secrets.codeVerifier);
    assert.deepEqual(url.searchParams.get('scope')?.split(' ').sort(), ['eduperson', 'email', 'groups', 'openid', 'profile']);
  });

  test('an unreachable issuer is a discovery failure, and the next call discovers again', async () => {
    const broken = createOidcClient({ issuer: 'http://127.0.0.1:9', ...CLIENT, redirectUri: REDIRECT_URI, allowInsecureIssuer: true });
    await refused(broken.authorizationUrl('s', broken.newLoginSecrets()), 'oidc_discovery_failed');
    await refused(broken.authorizationUrl('s', broken.newLoginSecrets()), 'oidc_discovery_failed');
  });

  test('code flow: the ID token is checked and userinfo fills the claims it lacks', async () => {
    const { state, secrets, callback } = await signIn();
    assert.equal(callback.origin + callback.pathname, REDIRECT_URI);
    assert.ok(callback.searchParams.get('code'));
    const result = await rp.completeLogin(callback, { state, ...secrets });
    assert.equal(result.sub, USER.username);
    assert.ok(result.sid, 'the provider names its session');
    // oidc-provider keeps profile claims out of the ID token when an access token is issued: they come from userinfo.
    assert.equal(result.claims.email, USER.claims.email);
    assert.equal(result.claims.given_name, 'Camille');
    assert.deepEqual(result.claims.groups, ['univ-demo:etudiants']);
    assert.deepEqual(result.claims.eduperson_affiliation, ['student', 'member']);
    assert.equal(result.claims.supannEtuId, '22400101');
    assert.deepEqual(Object.keys(result).sort(), ['claims', 'sid', 'sub'], 'the ID token itself is not handed on');
  });

  test('a callback with another state is refused', async () => {
    const { secrets, callback } = await signIn();
    await refused(rp.completeLogin(callback, { state: 'not-the-state', ...secrets }), 'oidc_state_mismatch');
  });

  test('an ID token with another nonce is refused', async () => {
    const { state, secrets, callback } = await signIn();
    await refused(rp.completeLogin(callback, { state, codeVerifier: secrets.codeVerifier, nonce: 'another-nonce' }), 'oidc_nonce_mismatch');
  });

  test('a wrong PKCE verifier is refused by the provider', async () => {
    const { state, secrets, callback } = await signIn();
    await refused(rp.completeLogin(callback, { state, nonce: secrets.nonce, codeVerifier: rp.newLoginSecrets().codeVerifier }),
      'oidc_token_exchange_failed');
  });

  test('an authorization code works once', async () => {
    const { state, secrets, callback } = await signIn();
    await rp.completeLogin(callback, { state, ...secrets });
    await refused(rp.completeLogin(callback, { state, ...secrets }), 'oidc_token_exchange_failed');
  });

  test('a provider error on the callback (access denied) is refused as such', async () => {
    const callback = new URL(REDIRECT_URI);
    callback.searchParams.set('error', 'access_denied');
    callback.searchParams.set('state', 's');
    callback.searchParams.set('iss', provider.issuer);
    await refused(rp.completeLogin(callback, { state: 's', ...rp.newLoginSecrets() }), 'oidc_provider_error');
  });

  /** A client whose token answers pass through `edit` (the ID token as the network delivers it). */
  function tamperingClient(edit: (idToken: string) => string): OidcClient {
    return createOidcClient({
      issuer: provider.issuer, ...CLIENT, redirectUri: REDIRECT_URI, allowInsecureIssuer: true,
      fetch: async (url, options) => {
        const response = await fetch(url, options);
        if (!String(url).endsWith('/token')) return response;
        const body = (await response.json()) as Record<string, unknown>;
        if (typeof body.id_token === 'string') body.id_token = edit(body.id_token);
        return new Response(JSON.stringify(body), { status: response.status, headers: { 'content-type': 'application/json' } });
      },
    });
  }

  test('a tampered ID token (claims changed, signature kept) is refused', async () => {
    const client = tamperingClient((token) => {
      const [header, payload, signature] = token.split('.') as [string, string, string];
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
      claims.sub = 'someone-else';
      return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    });
    const { state, secrets, callback } = await signIn(client);
    await refused(client.completeLogin(callback, { state, ...secrets }), 'oidc_id_token_invalid');
  });

  test('an expired ID token, though signed by the provider, is refused', async () => {
    const client = tamperingClient((token) => {
      const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
      const past = Math.floor(Date.now() / 1000) - 3600;
      return forge({ ...claims, iat: past - 60, exp: past }, { typ: 'JWT' });
    });
    const { state, secrets, callback } = await signIn(client);
    await refused(client.completeLogin(callback, { state, ...secrets }), 'oidc_id_token_invalid');
  });

  test('an ID token for another client, though signed by the provider, is refused', async () => {
    const client = tamperingClient((token) => {
      const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
      return forge({ ...claims, aud: 'another-client' }, { typ: 'JWT' });
    });
    const { state, secrets, callback } = await signIn(client);
    await refused(client.completeLogin(callback, { state, ...secrets }), 'oidc_id_token_invalid');
  });

  test('the end-session URL names the client (no ID token hint) and where to come back', async () => {
    const url = new URL(await rp.endSessionUrl(POST_LOGOUT_URI) ?? '');
    assert.equal(url.origin, provider.issuer);
    assert.equal(url.searchParams.get('id_token_hint'), null);
    assert.equal(url.searchParams.get('client_id'), CLIENT.clientId);
    assert.equal(url.searchParams.get('post_logout_redirect_uri'), POST_LOGOUT_URI);
  });

  test('back-channel logout: the provider\'s token names the session; a replay is refused', async () => {
    const { state, secrets, callback, jar } = await signIn();
    const login = await rp.completeLogin(callback, { state, ...secrets });
    const before = logoutTokens.length;
    const back = await signOutAtProvider(await rp.endSessionUrl(POST_LOGOUT_URI) ?? '', jar);
    assert.equal(back?.href, POST_LOGOUT_URI);
    assert.equal(logoutTokens.length, before + 1, 'the provider sent one logout token');
    const token = logoutTokens.at(-1) ?? '';
    const verified = await rp.verifyLogoutToken(token, remember);
    assert.equal(verified.sid, login.sid);
    assert.ok(verified.expiresAt.getTime() > Date.now());
    await refused(rp.verifyLogoutToken(token, remember), 'oidc_logout_token_replayed');
  });

  test('forged logout tokens are refused', async () => {
    const { privateKey: otherKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const cases: Array<[string, string]> = [
      ['another audience', forge(logoutClaims({ aud: 'another-client' }))],
      ['another issuer', forge(logoutClaims({ iss: 'https://evil.example' }))],
      ['a nonce', forge(logoutClaims({ nonce: 'n' }))],
      ['no logout event', forge(logoutClaims({ events: {} }))],
      ['neither sid nor sub', forge(logoutClaims({ sid: undefined }))],
      ['no jti', forge(logoutClaims({ jti: undefined }))],
      ['expired', forge(logoutClaims({ iat: 1_000_000, exp: 1_000_100 }))],
      ['issued in the future', forge(logoutClaims({ iat: Math.floor(Date.now() / 1000) + 3600 }))],
      ['another key', forge(logoutClaims(), { key: otherKey.export({ format: 'jwk' }) })],
      ['alg none', forge(logoutClaims(), { alg: 'none' })],
      ['an ID token type', forge(logoutClaims(), { typ: 'at+jwt' })],
      ['garbage', 'not-a-jwt'],
    ];
    for (const [what, token] of cases) {
      await refused(rp.verifyLogoutToken(token, remember), 'oidc_logout_token_invalid').catch((error: Error) => {
        throw new Error(`${what}: ${error.message}`);
      });
    }
    // The same forging with honest claims passes: the refusals above come from the claim each changes.
    const honest = await rp.verifyLogoutToken(forge(logoutClaims({ sid: undefined, sub: 'cmartin' })), remember);
    assert.equal(honest.sub, 'cmartin');
  });

  test('the demo login page lists the users but never their passwords', async () => {
    const demo = await startOidcProvider({
      users: [USER], showUsersOnLoginPage: true,
      clients: [{ ...CLIENT, redirectUris: [REDIRECT_URI], postLogoutRedirectUris: [POST_LOGOUT_URI] }],
    });
    try {
      const client = createOidcClient({ issuer: demo.issuer, ...CLIENT, redirectUri: REDIRECT_URI, allowInsecureIssuer: true });
      const html = await providerLoginPage(await client.authorizationUrl(randomUUID(), client.newLoginSecrets()));
      assert.match(html, /name="password"/);
      assert.ok(html.includes(`<td>${USER.username}</td>`), 'the demo users are listed');
      assert.ok(!html.includes(USER.password), 'a password is shown on the login page');
    } finally {
      await demo.close();
    }
  });
});
