import { generateKeyPairSync, randomBytes, randomUUID, timingSafeEqual, type JsonWebKey, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Adapter, type AdapterPayload, type KoaContext } from 'oidc-provider';

/**
 * The OpenID provider campuscard is tested against, and the one the demo embeds: the certified
 * `oidc-provider` package itself, not a stand-in. This module only supplies what a real deployment
 * of it supplies: accounts (a fixed list), a login page (a plain form instead of the package's
 * development interactions), storage (in memory, per instance) and signing keys (generated at
 * start). Consent is implied: every client is first party here, as a university's own IdP is.
 */

/** A person who can sign in at the provider, with the claims it releases (OpenID names: `email`, `given_name`, `groups`…). */
export interface OidcProviderUser {
  /** Login name typed in the form; also the subject (`sub`). */
  username: string;
  password: string;
  claims: Record<string, string | string[] | boolean>;
}

/** A relying party registered at the provider. */
export interface OidcProviderClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
  /** Where the provider POSTs logout tokens when a session ends (back-channel logout). */
  backchannelLogoutUri?: string;
}

export interface OidcProviderOptions {
  users: OidcProviderUser[];
  clients: OidcProviderClient[];
  /** Lifetimes in seconds (tests shorten them); defaults: code 60, ID token 3600, session 8 h. */
  ttl?: { authorizationCode?: number; idToken?: number; accessToken?: number; session?: number; interaction?: number };
  /**
   * Put the scope's claims in the ID token too (true), or only in the userinfo answer (false, the
   * provider's default when an access token is issued): both shapes exist in the wild.
   */
  claimsInIdToken?: boolean;
  /**
   * List the usernames on the login page (the demo). Never their passwords: a demo listening on a
   * network must not let anybody in; they are printed at the server's start.
   */
  showUsersOnLoginPage?: boolean;
  /** The RSA private key signing the ID tokens (RS256); one is generated when absent. */
  signingKey?: KeyObject;
}

/** A provider answering under its issuer's path, to mount in another HTTP server. */
export interface OidcProviderHandler {
  issuer: string;
  /** The provider's private signing key (JWK), see {@link OidcProviderSimulator.signingKey}. */
  signingKey: JsonWebKey & { kid: string; alg: string };
  /**
   * Answers a request whose URL is the full path the browser asked for (the issuer's path
   * included). Reads the body itself: the host server must leave it unread.
   */
  handle(req: IncomingMessage, res: ServerResponse): void;
}

/** A running provider. */
export interface OidcProviderSimulator {
  /** Issuer URL (`http://127.0.0.1:<port>`), as discovery must find it. */
  issuer: string;
  /**
   * The provider's private signing key (JWK): lets contract tests forge tokens that carry a valid
   * signature but wrong claims, which the client must still refuse.
   */
  signingKey: JsonWebKey & { kid: string; alg: string };
  /** Stops listening and drops every session, code and token. */
  close(): Promise<void>;
}

/** Scopes and the claims each releases; campuscard asks for all of them. */
const CLAIMS_BY_SCOPE: Record<string, string[]> = {
  openid: ['sub'],
  email: ['email', 'email_verified'],
  profile: ['name', 'given_name', 'family_name'],
  // Claims with no standard OpenID name go by their SupAnn / eduPerson name (as SATOSA releases them).
  eduperson: ['eduperson_principal_name', 'eduperson_affiliation', 'eduPersonPrimaryAffiliation', 'schac_personal_unique_code',
    'supannEtuId', 'supannEmpId', 'supannCodeINE', 'supannEtablissement'],
  groups: ['groups'],
};

/** Per-instance storage with the provider's adapter contract, expiring entries as asked. */
function memoryAdapter() {
  const entries = new Map<string, { payload: AdapterPayload; expiresAt: number }>();
  const index = new Map<string, string>();
  const grants = new Map<string, string[]>();
  const read = (key: string): AdapterPayload | undefined => {
    const entry = entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      entries.delete(key);
      return undefined;
    }
    return entry.payload;
  };
  return class MemoryAdapter implements Adapter {
    constructor(private readonly model: string) {}
    private key(id: string) { return `${this.model}:${id}`; }
    async upsert(id: string, payload: AdapterPayload, expiresIn: number) {
      const key = this.key(id);
      entries.set(key, { payload, expiresAt: Date.now() + expiresIn * 1000 });
      if (payload.uid && this.model === 'Session') index.set(`uid:${payload.uid}`, id);
      if (payload.userCode) index.set(`userCode:${payload.userCode}`, id);
      if (payload.grantId) grants.set(payload.grantId, [...(grants.get(payload.grantId) ?? []), key]);
    }
    async find(id: string) { return read(this.key(id)); }
    async findByUid(uid: string) {
      const id = index.get(`uid:${uid}`);
      return id === undefined ? undefined : read(this.key(id));
    }
    async findByUserCode(userCode: string) {
      const id = index.get(`userCode:${userCode}`);
      return id === undefined ? undefined : read(this.key(id));
    }
    async consume(id: string) {
      const payload = read(this.key(id));
      if (payload) payload.consumed = Math.floor(Date.now() / 1000);
    }
    async destroy(id: string) { entries.delete(this.key(id)); }
    async revokeByGrantId(grantId: string) {
      for (const key of grants.get(grantId) ?? []) entries.delete(key);
      grants.delete(grantId);
    }
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">`
    + `<title>${escapeHtml(title)}</title><style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}`
    + `label{display:block;margin:.75rem 0 .25rem}input{width:100%;padding:.5rem;box-sizing:border-box}button{margin-top:1rem;padding:.5rem 1rem}`
    + `.error{color:#b00020}table{margin-top:1.5rem;border-collapse:collapse}td{padding:.2rem .6rem;border-top:1px solid #ddd}</style></head>`
    + `<body>${body}</body></html>`;
}

function loginPage(mountPath: string, uid: string, options: { error?: boolean; users?: OidcProviderUser[] }): string {
  const users = options.users?.length
    ? `<table><caption>Utilisateurs de démonstration (mots de passe affichés au démarrage du serveur) · `
      + `Demo users (passwords printed when the server starts)</caption>${options.users.map((user) =>
        `<tr><td>${escapeHtml(user.username)}</td></tr>`).join('')}</table>`
    : '';
  return page('Connexion · Sign in', `<h1>Connexion · Sign in</h1>`
    + `<p>Fournisseur d’identité OpenID Connect · OpenID Connect identity provider</p>`
    + (options.error ? `<p class="error" role="alert">Identifiant ou mot de passe incorrect · Wrong username or password</p>` : '')
    + `<form method="post" action="${escapeHtml(mountPath)}/interaction/${escapeHtml(uid)}/login" autocomplete="off">`
    + `<label for="username">Identifiant · Username</label><input id="username" name="username" required autofocus>`
    + `<label for="password">Mot de passe · Password</label><input id="password" name="password" type="password" required>`
    + `<button type="submit">Se connecter · Sign in</button></form>${users}`);
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 16 * 1024) throw new Error('form too large');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Starts an OpenID provider on its own HTTP server (127.0.0.1 and a free port unless given), with
 * discovery, the authorization code flow with PKCE, userinfo, RP-initiated logout and
 * back-channel logout. Everything lives in memory and goes with {@link OidcProviderSimulator.close}.
 */
export async function startOidcProvider(options: OidcProviderOptions & { host?: string; port?: number }): Promise<OidcProviderSimulator> {
  const host = options.host ?? '127.0.0.1';
  // The issuer names the port, so the server listens before the provider exists; until then it answers 503.
  const route: { handle?: (req: IncomingMessage, res: ServerResponse) => void } = {};
  const server = createServer((req, res) => {
    if (route.handle) route.handle(req, res);
    else res.writeHead(503).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject).listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const provider = createOidcProvider(`http://${host}:${port}`, options);
  route.handle = provider.handle;
  return {
    issuer: provider.issuer,
    signingKey: provider.signingKey,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

/**
 * The provider for `issuer`, as a request handler (see {@link OidcProviderHandler.handle}): the
 * demo mounts it in campuscard's own server at the issuer's path.
 */
export function createOidcProvider(issuer: string, options: OidcProviderOptions): OidcProviderHandler {
  const users = new Map(options.users.map((user) => [user.username, user]));
  const mountPath = new URL(issuer).pathname.replace(/\/+$/, '');
  const privateKey = options.signingKey ?? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' };
  const ttl = options.ttl ?? {};
  const provider = new Provider(issuer, {
    adapter: memoryAdapter(),
    jwks: { keys: [signingKey] },
    // Lax, not the package's SameSite=None for the session: browsers drop None cookies that are
    // not Secure, and the demo provider speaks plain http on 127.0.0.1.
    cookies: {
      keys: [randomBytes(32).toString('base64url')],
      long: { httpOnly: true, sameSite: 'lax', signed: true },
      short: { httpOnly: true, sameSite: 'lax', signed: true },
    },
    claims: CLAIMS_BY_SCOPE,
    scopes: Object.keys(CLAIMS_BY_SCOPE),
    conformIdTokenClaims: !(options.claimsInIdToken ?? false),
    clients: options.clients.map((client) => ({
      client_id: client.clientId,
      client_secret: client.clientSecret,
      redirect_uris: client.redirectUris,
      post_logout_redirect_uris: client.postLogoutRedirectUris ?? [],
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_basic',
      ...(client.backchannelLogoutUri
        ? { backchannel_logout_uri: client.backchannelLogoutUri, backchannel_logout_session_required: true }
        : {}),
    })),
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx: KoaContext, form: string) => {
          ctx.type = 'html';
          ctx.body = page('Déconnexion · Sign out', `<h1>Déconnexion · Sign out</h1>${form}`
            + `<p>Se déconnecter du fournisseur d’identité ? · Sign out from the identity provider?</p>`
            + `<button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Se déconnecter · Sign out</button> `
            + `<button type="submit" form="op.logoutForm">Rester connecté · Stay signed in</button>`);
        },
        postLogoutSuccessSource: async (ctx: KoaContext) => {
          ctx.type = 'html';
          ctx.body = page('Déconnecté · Signed out', '<h1>Vous êtes déconnecté · You are signed out</h1>');
        },
      },
      userinfo: { enabled: true },
    },
    ttl: {
      AuthorizationCode: ttl.authorizationCode ?? 60,
      IdToken: ttl.idToken ?? 3600,
      AccessToken: ttl.accessToken ?? 3600,
      Session: ttl.session ?? 8 * 3600,
      Interaction: ttl.interaction ?? 600,
      Grant: ttl.session ?? 8 * 3600,
    },
    async findAccount(_ctx, sub) {
      const user = users.get(sub);
      if (!user) return undefined;
      return { accountId: sub, claims: () => ({ sub, ...user.claims }) };
    },
    // Every client is first party: the grant covers all scopes, no consent screen.
    async loadExistingGrant(ctx) {
      const { client, session, result } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const grantId = result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      const existing = grantId ? await ctx.oidc.provider.Grant.find(grantId) : undefined;
      if (existing) return existing;
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope(Object.keys(CLAIMS_BY_SCOPE).join(' '));
      await grant.save();
      return grant;
    },
    interactions: { url: (_ctx, interaction) => `${mountPath}/interaction/${interaction.uid}` },
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = page('Erreur · Error', `<h1>Erreur · Error</h1><p>${escapeHtml(out.error ?? '')}: ${escapeHtml(out.error_description ?? '')}</p>`);
    },
  });
  const callback = provider.callback();
  const showUsers = options.showUsersOnLoginPage ? options.users : undefined;

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const full = req.url ?? '/';
    if (mountPath !== '' && !(full === mountPath || full.startsWith(`${mountPath}/`) || full.startsWith(`${mountPath}?`))) {
      res.writeHead(404).end();
      return;
    }
    // Mounted the way Express mounts it: the provider reads its routes below the mount path, and
    // finds the mount path (for the URLs it builds) in originalUrl.
    Object.assign(req, { originalUrl: full, url: full.slice(mountPath.length) || '/' });
    const path = new URL(req.url ?? '/', 'http://provider.invalid').pathname;
    const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(path);
    if (!match) {
      callback(req, res);
      return;
    }
    void interaction(req, res, match[2] !== undefined).catch(() => {
      if (!res.headersSent) res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page('Erreur · Error', '<h1>Connexion expirée · Sign-in expired</h1><p>Recommencez depuis l’application · Start again from the application.</p>'));
    });
  };

  async function interaction(req: IncomingMessage, res: ServerResponse, submitted: boolean): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    const html = (status: number, body: string) => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(body);
    };
    if (details.prompt.name !== 'login') {
      // Consent never asks (loadExistingGrant): finishing with no result lets the provider carry on.
      await provider.interactionFinished(req, res, {}, { mergeWithLastSubmission: true });
      return;
    }
    if (!submitted || req.method !== 'POST') {
      html(200, loginPage(mountPath, details.uid, showUsers ? { users: showUsers } : {}));
      return;
    }
    const form = await readForm(req);
    const user = users.get(form.get('username') ?? '');
    if (!user || !sameSecret(user.password, form.get('password') ?? '')) {
      html(200, loginPage(mountPath, details.uid, { error: true, ...(showUsers ? { users: showUsers } : {}) }));
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId: user.username } }, { mergeWithLastSubmission: false });
  }

  return { issuer, signingKey, handle };
}
