import { pino } from 'pino';
import { loadConfig, type Config } from '../../src/config.ts';
import { startRuntime, type Runtime } from '../../src/app/runtime.ts';
import type { AppInstance } from '../../src/app/app-types.ts';
import type { Role } from '../../src/modules/auth/domain/roles.ts';
import { createTestDatabase } from './test-database.ts';

export interface TestResponse<T = Record<string, unknown>> {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: T;
  text: string;
}

/** An HTTP caller with its own credentials (cookie + CSRF, bearer token, or none). */
export class TestClient {
  constructor(
    private readonly app: AppInstance,
    readonly credentials: { cookie?: string; csrfToken?: string; bearer?: string } = {},
  ) {}

  async request<T = Record<string, unknown>>(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    options: { body?: unknown; headers?: Record<string, string>; payload?: string | Buffer } = {},
  ): Promise<TestResponse<T>> {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (this.credentials.cookie) headers.cookie = this.credentials.cookie;
    if (this.credentials.csrfToken && method !== 'GET') headers['x-csrf-token'] = this.credentials.csrfToken;
    if (this.credentials.bearer) headers.authorization = `Bearer ${this.credentials.bearer}`;
    let payload: string | Buffer | undefined = options.payload;
    if (options.body !== undefined) {
      payload = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await this.app.inject({ method, url, headers, ...(payload !== undefined ? { payload } : {}) });
    let body: unknown = undefined;
    const type = String(response.headers['content-type'] ?? '');
    if (type.includes('json') && response.body) body = JSON.parse(response.body);
    return { status: response.statusCode, headers: response.headers, body: body as T, text: response.body };
  }

  get<T = Record<string, unknown>>(url: string) { return this.request<T>('GET', url); }
  post<T = Record<string, unknown>>(url: string, body?: unknown) { return this.request<T>('POST', url, body === undefined ? {} : { body }); }
  patch<T = Record<string, unknown>>(url: string, body?: unknown) { return this.request<T>('PATCH', url, { body }); }
  put<T = Record<string, unknown>>(url: string, body?: unknown) { return this.request<T>('PUT', url, { body }); }
  delete<T = Record<string, unknown>>(url: string) { return this.request<T>('DELETE', url); }
}

export interface TestApp {
  runtime: Runtime;
  app: AppInstance;
  config: Config;
  anonymous: TestClient;
  /** Creates an account of the role (and person link or type limits) and returns a logged-in client. */
  loginAs(role: Role, options?: { personId?: string; personTypes?: string[]; institutions?: string[]; email?: string }): Promise<TestClient & { accountId: string }>;
  /** A client using a fresh API token of the role (its account granted `institutions`, codes; default all). */
  tokenClient(role: Exclude<Role, 'cardholder'>, options?: { personTypes?: string[]; institutions?: string[] }): Promise<TestClient>;
  close(): Promise<void>;
}

let counter = 0;
const PASSWORD = 'correct horse battery staple';

/**
 * Starts the whole application on an isolated database (PGlite in memory, or a new database on
 * the PostgreSQL server given by DATABASE_URL) with jobs, without listening on a port.
 * `env` overrides configuration variables.
 */
export async function startTestApp(options: {
  env?: Record<string, string>;
  workers?: boolean;
  now?: () => Date;
  /** Start the embedded ESC Router simulator as `serve` does (needs ESC_ROUTER_SIMULATOR, e.g. DEMO: 'true' in `env`). */
  embeddedEscRouter?: boolean;
  /** Start the embedded CROUS simulator as `serve` does (needs CROUS_SIMULATOR, on with DEMO: 'true'). */
  embeddedCrous?: boolean;
} = {}): Promise<TestApp> {
  const base = loadConfig();
  const target = await createTestDatabase(base.databaseUrl);
  const config = loadConfig({
    DEMO: 'false',
    LOG_LEVEL: 'silent',
    DATA_DIR: 'memory://',
    ...(target.databaseUrl ? { DATABASE_URL: target.databaseUrl } : {}),
    ...(options.env ?? {}),
  });
  config.dataDir = 'memory://';
  const runtime = await startRuntime(config, {
    command: 'test',
    http: true,
    workers: options.workers ?? false,
    logger: pino({ level: 'silent' }),
    ...(target.loadDataDir ? { loadDataDir: target.loadDataDir } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.embeddedEscRouter ? { embeddedEscRouter: true } : {}),
    ...(options.embeddedCrous ? { embeddedCrous: true } : {}),
  });
  const app = runtime.app as AppInstance;
  const anonymous = new TestClient(app);
  return {
    runtime,
    app,
    config,
    anonymous,
    async loginAs(role, extra = {}) {
      const email = extra.email ?? `${role}${++counter}-${process.pid}@test.example`;
      const account = await runtime.services.auth.createAccount({
        email, password: PASSWORD, role, displayName: `${role} ${counter}`,
        personTypes: extra.personTypes ?? null, institutions: extra.institutions ?? null, personId: extra.personId ?? null,
      }, { actor: 'test' });
      const response = await anonymous.post<{ csrfToken: string }>('/api/v1/auth/login', { email, password: PASSWORD });
      if (response.status !== 200) throw new Error(`login failed: ${response.status} ${response.text}`);
      const setCookie = response.headers['set-cookie'];
      const cookie = String(Array.isArray(setCookie) ? setCookie[0] : setCookie).split(';')[0] ?? '';
      return Object.assign(new TestClient(app, { cookie, csrfToken: response.body.csrfToken }), { accountId: account.id });
    },
    async tokenClient(role, extra = {}) {
      // A token acts for an account: each gets an account of its own role to act for.
      const account = await runtime.services.auth.createAccount({
        email: `${role}-token${++counter}-${process.pid}@test.example`, role, displayName: `${role} token owner ${counter}`,
        personTypes: extra.personTypes ?? null, institutions: extra.institutions ?? null, personId: null,
      }, { actor: 'test' });
      const created = await runtime.services.auth.createApiToken({ name: `test ${role}`, role, personTypes: extra.personTypes ?? null },
        { accountId: account.id, personTypes: null, institutionIds: null }, { actor: 'test' });
      return new TestClient(app, { bearer: created.token });
    },
    async close() {
      await runtime.close();
      await target.drop();
    },
  };
}
