import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { escapeXml } from './cas-xml.parser.ts';

/**
 * A CAS 3.0 server simulator speaking the real protocol over HTTP, for tests and the demo.
 *
 * - `GET /login?service=…`: the login form (user choice and password); with a live SSO session
 *   (cookie `CASTGC`) and no `renew=true`, a ticket straight away, as real CAS does.
 * - `POST /login` (form `username`, `password`, `service`): checks the password, opens the SSO
 *   session, issues a service ticket `ST-…` and redirects (303) to the service with `ticket`.
 * - `GET /p3/serviceValidate?service=…&ticket=…` (and `/serviceValidate`, CAS 2, no attributes):
 *   XML success with the user's attributes, or failure `INVALID_REQUEST` (a parameter missing),
 *   `INVALID_TICKET_SPEC` (not a service ticket), `INVALID_TICKET` (unknown, already used or
 *   expired), `INVALID_SERVICE` (issued for another service URL, compared exactly). A ticket is
 *   consumed by its first validation attempt whatever the outcome (specification 3.1.1, 2.5.3).
 * - `GET /logout?service=…`: ends the SSO session, sends single-logout `logoutRequest` POSTs to
 *   every service a ticket of the session was validated for, then follows `service` when it is
 *   an allowed service (else shows a "logged out" page).
 * Services: `allowService` plays the CAS service registry (default: any http(s) URL); a refused
 * service gets an error page, never a ticket or a redirect, so the simulator is no open redirect.
 * The core ({@link CasSimulator.respond}) is a function from request to response, so the same
 * simulator can run on its own port ({@link startCasSimulator}) or be mounted in another server.
 */

/** A user the simulator knows. */
export interface CasSimulatorUser {
  /** Login name, answered as `cas:user`. */
  username: string;
  password: string;
  /** Shown in the form's user list. */
  label?: string;
  /** Released attributes (several values per name allowed). */
  attributes: Record<string, string[]>;
}

/** Options of {@link createCasSimulator}. */
export interface CasSimulatorOptions {
  users: readonly CasSimulatorUser[];
  /** How long a service ticket may wait for validation; default 10 s, as Apereo CAS. */
  ticketTtlMs?: number;
  /** How long an SSO session lasts without use; default 8 hours. */
  sessionTtlMs?: number;
  /** The path the simulator is mounted at (`''` on its own server, `/demo-idp/cas` in the app). */
  basePath?: string;
  /** The service registry: which service URLs may get tickets and logout redirects; default any http(s) URL. */
  allowService?: (service: string) => boolean;
  /**
   * Where single-logout messages for a service go, as a service registry's `logoutUrl`;
   * default: the service URL itself (Apereo's default). Undefined: that service gets none.
   */
  logoutCallback?: (service: string) => string | undefined;
  /** Clock, for expiry tests. */
  now?: () => number;
  /** Outbound HTTP for single logout; default global fetch. */
  fetch?: typeof fetch;
}

/** A request as the simulator reads it. */
export interface CasSimRequest {
  method: string;
  /** Path below the mount point, e.g. `/login`. */
  path: string;
  query: URLSearchParams;
  /** Raw `Cookie` header. */
  cookie?: string | undefined;
  /** Form body (`application/x-www-form-urlencoded`) of a POST. */
  form?: URLSearchParams;
}

/** A response the simulator gives. */
export interface CasSimResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One single-logout message sent (or attempted). */
export interface CasSloDelivery {
  url: string;
  ticket: string;
  /** HTTP status, or 0 when the service could not be reached. */
  status: number;
}

export interface CasSimulator {
  respond(request: CasSimRequest): Promise<CasSimResponse>;
  /** Issues a ticket without the form, as if `username` had just logged in for `service` (tests). */
  issueTicket(username: string, service: string): string;
  /** Ends every SSO session of `username`, with single logout (tests; the browser path is `/logout`). */
  logoutUser(username: string): Promise<CasSloDelivery[]>;
  /** Every single-logout message sent so far. */
  readonly sloDeliveries: readonly CasSloDelivery[];
}

interface Ticket {
  service: string;
  username: string;
  expiresAt: number;
  session: string | undefined;
}

interface SsoSession {
  username: string;
  expiresAt: number;
  /** Service tickets validated under this session, with their service (for single logout). */
  validated: Array<{ ticket: string; service: string }>;
}

const TGC = 'CASTGC';
/** Attribute names usable as element names (others are not released). */
const XML_NAME = /^[A-Za-z_][\w.-]{0,127}$/;

function randomId(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

function escapeHtml(value: string): string {
  return value.replace(/[<>&"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}

/** `url` with `name=value` added to its query, as CAS appends the ticket to the service URL. */
function withParameter(url: string, name: string, value: string): string {
  const hash = url.indexOf('#');
  const base = hash >= 0 ? url.slice(0, hash) : url;
  return `${base}${base.includes('?') ? '&' : '?'}${name}=${encodeURIComponent(value)}`;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

const XML_HEADERS = { 'content-type': 'application/xml; charset=utf-8', 'cache-control': 'no-store' };

function serviceResponse(inner: string): CasSimResponse {
  return {
    status: 200,
    headers: XML_HEADERS,
    body: `<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">\n${inner}\n</cas:serviceResponse>\n`,
  };
}

function failure(code: string, message: string): CasSimResponse {
  return serviceResponse(`  <cas:authenticationFailure code="${code}">\n    ${escapeXml(message)}\n  </cas:authenticationFailure>`);
}

/** The SAML LogoutRequest CAS POSTs to a service (form field `logoutRequest`). */
export function logoutRequestXml(ticket: string, at: Date): string {
  return `<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" `
    + `ID="LR-${randomId(12)}" Version="2.0" IssueInstant="${at.toISOString()}">`
    + `<saml:NameID>@NOT_USED@</saml:NameID><samlp:SessionIndex>${escapeXml(ticket)}</samlp:SessionIndex></samlp:LogoutRequest>`;
}

/** Creates a simulator (not listening: see {@link startCasSimulator}, or mount {@link CasSimulator.respond}). */
export function createCasSimulator(options: CasSimulatorOptions): CasSimulator {
  const now = options.now ?? Date.now;
  const ticketTtlMs = options.ticketTtlMs ?? 10_000;
  const sessionTtlMs = options.sessionTtlMs ?? 8 * 3600_000;
  const basePath = options.basePath ?? '';
  const allowService = options.allowService ?? isHttpUrl;
  const logoutCallback = options.logoutCallback ?? ((service: string) => service);
  const fetcher = options.fetch ?? fetch;
  const users = new Map(options.users.map((user) => [user.username, user]));
  const tickets = new Map<string, Ticket>();
  const sessions = new Map<string, SsoSession>();
  const sloDeliveries: CasSloDelivery[] = [];
  let counter = 0;

  const purge = () => {
    const at = now();
    for (const [id, ticket] of tickets) if (ticket.expiresAt <= at) tickets.delete(id);
    for (const [id, session] of sessions) if (session.expiresAt <= at) sessions.delete(id);
  };

  const issue = (username: string, service: string, session: string | undefined): string => {
    purge();
    const ticket = `ST-${++counter}-${randomId(20)}-sim`;
    tickets.set(ticket, { service, username, expiresAt: now() + ticketTtlMs, session });
    return ticket;
  };

  const liveSession = (cookie: string | undefined): [string, SsoSession] | undefined => {
    const id = cookieValue(cookie, TGC);
    const session = id === undefined ? undefined : sessions.get(id);
    if (id === undefined || session === undefined || session.expiresAt <= now()) return undefined;
    session.expiresAt = now() + sessionTtlMs;
    return [id, session];
  };

  const sessionCookie = (id: string, maxAge: number) =>
    `${TGC}=${id}; Path=${basePath || '/'}; HttpOnly; SameSite=Lax${maxAge >= 0 ? `; Max-Age=${maxAge}` : ''}`;

  const page = (status: number, title: string, content: string, formTarget?: string, cookie?: string): CasSimResponse => {
    // The form posts here, then the browser follows the redirect to the service: both allowed.
    const formAction = formTarget ? `'self' ${new URL(formTarget).origin}` : "'self'";
    return {
      status,
      headers: {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; form-action ${formAction}; base-uri 'none'; frame-ancestors 'none'`,
        ...(cookie ? { 'set-cookie': cookie } : {}),
      },
      body: `<!doctype html>\n<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">`
        + `<title>${escapeHtml(title)}</title><style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#1e293b}`
        + `label{display:block;margin:1rem 0 .25rem}select,input{font:inherit;padding:.4rem;width:100%;box-sizing:border-box}`
        + `button{font:inherit;margin-top:1.25rem;padding:.5rem 1.25rem}.error{color:#b91c1c}.note{color:#475569;font-size:.9rem}</style></head>`
        + `<body><h1>${escapeHtml(title)}</h1>${content}</body></html>\n`,
    };
  };

  const loginForm = (service: string | undefined, error?: string, username?: string): CasSimResponse => {
    const options = [...users.values()].map((user) =>
      `<option value="${escapeHtml(user.username)}"${user.username === username ? ' selected' : ''}>${escapeHtml(user.label ?? user.username)}</option>`).join('');
    const serviceField = service ? `<input type="hidden" name="service" value="${escapeHtml(service)}">` : '';
    return page(error ? 401 : 200, 'CAS — simulateur · simulator',
      `<p class="note">Serveur CAS de démonstration\u00a0: choisissez une personne et saisissez son mot de passe.<br>`
      + `<span lang="en">Demo CAS server: choose a person and type their password.</span></p>`
      + (error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : '')
      + `<form method="post" action="${escapeHtml(`${basePath}/login`)}">${serviceField}`
      + `<label for="username">Personne · Person</label><select id="username" name="username">${options}</select>`
      + `<label for="password">Mot de passe · Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>`
      + `<button type="submit">Se connecter · Log in</button></form>`, service);
  };

  const redirect = (location: string, cookie?: string): CasSimResponse => ({
    status: 303,
    headers: { location, 'cache-control': 'no-store', ...(cookie ? { 'set-cookie': cookie } : {}) },
    body: '',
  });

  const refusedService = () => page(403, 'Application non autorisée · Application not authorized',
    '<p>Cette application n’est pas autorisée à utiliser ce serveur CAS.</p><p lang="en">This application is not allowed to use this CAS server.</p>');

  const singleLogout = async (session: SsoSession): Promise<CasSloDelivery[]> => {
    const sent = await Promise.all(session.validated.map(async ({ ticket, service }) => {
      const url = logoutCallback(service);
      if (url === undefined) return undefined;
      let status = 0;
      try {
        const response = await fetcher(url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ logoutRequest: logoutRequestXml(ticket, new Date(now())) }).toString(),
          redirect: 'manual',
          signal: AbortSignal.timeout(5_000),
        });
        status = response.status;
        await response.body?.cancel();
      } catch {
        // Real CAS does not retry by default: a service it cannot reach keeps its session.
      }
      return { url, ticket, status };
    }));
    const delivered = sent.filter((delivery): delivery is CasSloDelivery => delivery !== undefined);
    sloDeliveries.push(...delivered);
    return delivered;
  };

  const validate = (query: URLSearchParams, withAttributes: boolean): CasSimResponse => {
    const service = query.get('service');
    const ticketId = query.get('ticket');
    if (!service || !ticketId) return failure('INVALID_REQUEST', 'Both the service and the ticket parameters are required');
    if (!ticketId.startsWith('ST-')) return failure('INVALID_TICKET_SPEC', `Ticket ${ticketId.slice(0, 64)} is not a service ticket`);
    const ticket = tickets.get(ticketId);
    // Consumed by this attempt, whatever its outcome.
    tickets.delete(ticketId);
    if (!ticket || ticket.expiresAt <= now()) return failure('INVALID_TICKET', `Ticket ${ticketId.slice(0, 64)} not recognized`);
    if (ticket.service !== service) return failure('INVALID_SERVICE', `Ticket ${ticketId.slice(0, 64)} does not match supplied service`);
    const user = users.get(ticket.username);
    if (!user) return failure('INVALID_TICKET', `Ticket ${ticketId.slice(0, 64)} not recognized`);
    const session = ticket.session === undefined ? undefined : sessions.get(ticket.session);
    session?.validated.push({ ticket: ticketId, service });
    const attributes = withAttributes
      ? `\n    <cas:attributes>\n${Object.entries(user.attributes).filter(([name]) => XML_NAME.test(name)).flatMap(([name, values]) =>
        values.map((value) => `      <cas:${name}>${escapeXml(value)}</cas:${name}>`)).join('\n')}\n    </cas:attributes>`
      : '';
    return serviceResponse(`  <cas:authenticationSuccess>\n    <cas:user>${escapeXml(user.username)}</cas:user>${attributes}\n  </cas:authenticationSuccess>`);
  };

  const simulator: CasSimulator = {
    sloDeliveries,
    issueTicket(username, service) {
      if (!users.has(username)) throw new Error(`unknown simulator user ${username}`);
      return issue(username, service, undefined);
    },
    async logoutUser(username) {
      const ended = [...sessions.entries()].filter(([, session]) => session.username === username);
      for (const [id] of ended) sessions.delete(id);
      return (await Promise.all(ended.map(([, session]) => singleLogout(session)))).flat();
    },
    async respond(request) {
      const { method, path, query } = request;
      if (path === '/login' && (method === 'GET' || method === 'HEAD')) {
        const service = query.get('service') ?? undefined;
        if (service !== undefined && !allowService(service)) return refusedService();
        const live = liveSession(request.cookie);
        if (live && service !== undefined && query.get('renew') !== 'true') {
          return redirect(withParameter(service, 'ticket', issue(live[1].username, service, live[0])));
        }
        return loginForm(service);
      }
      if (path === '/login' && method === 'POST') {
        const form = request.form ?? new URLSearchParams();
        const service = form.get('service') || undefined;
        if (service !== undefined && !allowService(service)) return refusedService();
        const username = form.get('username') ?? '';
        const user = users.get(username);
        if (!user || !sameSecret(form.get('password') ?? '', user.password)) {
          return loginForm(service, 'Identifiant ou mot de passe incorrect · Wrong user or password', username);
        }
        const id = `TGT-${++counter}-${randomId(24)}-sim`;
        sessions.set(id, { username, expiresAt: now() + sessionTtlMs, validated: [] });
        if (service === undefined) {
          return page(200, 'Connecté · Logged in', `<p>Vous êtes connecté au CAS en tant que ${escapeHtml(username)}.</p>`
            + `<p lang="en">You are logged in to CAS as ${escapeHtml(username)}.</p>`, undefined, sessionCookie(id, -1));
        }
        return redirect(withParameter(service, 'ticket', issue(username, service, id)), sessionCookie(id, -1));
      }
      if ((path === '/p3/serviceValidate' || path === '/serviceValidate') && (method === 'GET' || method === 'HEAD')) {
        return validate(query, path === '/p3/serviceValidate');
      }
      if (path === '/logout' && (method === 'GET' || method === 'HEAD')) {
        const id = cookieValue(request.cookie, TGC);
        const session = id === undefined ? undefined : sessions.get(id);
        if (id !== undefined) sessions.delete(id);
        if (session) await singleLogout(session);
        const cleared = sessionCookie('', 0);
        const service = query.get('service') ?? undefined;
        if (service !== undefined && allowService(service)) return redirect(service, cleared);
        return page(200, 'Déconnecté · Logged out', '<p>Vous êtes déconnecté du CAS.</p><p lang="en">You are logged out of CAS.</p>', undefined, cleared);
      }
      return { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'Not found\n' };
    },
  };
  return simulator;
}

/** A simulator on its own HTTP server. */
export interface RunningCasSimulator extends CasSimulator {
  /** Base URL (`http://127.0.0.1:<port>`), the `casUrl` of a client. */
  url: string;
  close(): Promise<void>;
}

const MAX_FORM_BYTES = 64 * 1024;

async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) throw new Error('form too large');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** Starts a simulator on its own HTTP server (port 0: a free one). */
export async function startCasSimulator(options: CasSimulatorOptions & { host?: string; port?: number }): Promise<RunningCasSimulator> {
  const simulator = createCasSimulator(options);
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    void (async () => {
      try {
        const url = new URL(request.url ?? '/', 'http://simulator.invalid');
        const basePath = options.basePath ?? '';
        const path = url.pathname.startsWith(basePath) ? url.pathname.slice(basePath.length) : url.pathname;
        const form = request.method === 'POST' ? await readForm(request) : undefined;
        const answer = await simulator.respond({
          method: request.method ?? 'GET', path, query: url.searchParams, cookie: request.headers.cookie, ...(form ? { form } : {}),
        });
        response.writeHead(answer.status, answer.headers);
        response.end(request.method === 'HEAD' ? undefined : answer.body);
      } catch {
        if (!response.headersSent) response.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
        response.end('Bad request\n');
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return Object.assign(simulator, {
    url: `http://${address.address}:${address.port}${options.basePath ?? ''}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  });
}
