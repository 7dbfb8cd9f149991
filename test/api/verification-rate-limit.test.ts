import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { pino } from 'pino';
import { loadConfig } from '../../src/config.ts';
import { startRuntime, type Runtime } from '../../src/app/runtime.ts';
import type { AppInstance } from '../../src/app/app-types.ts';
import { createEscnGenerator } from '../../src/modules/esc/domain/escn.ts';
import { createRateLimitStore, leaseSize } from '../../src/platform/http/rate-limit-store.ts';
import { createTestDatabase } from '../helpers/test-database.ts';

/**
 * The public verification limit is kept in the database: it holds across nodes and restarts.
 * On PostgreSQL two nodes share one database; PGlite (one process per data directory) shows the
 * restart on an on-disk data directory and the shared counter under concurrency in one node.
 */
const LIMIT = 12;
const ESCN = createEscnGenerator({ pic: '999999999' }).next();
const serverUrl = loadConfig().databaseUrl;

/** Where the nodes of one test keep their data: a fresh server database, or a PGlite data directory on disk. */
async function sharedDatabase(): Promise<{ env: Record<string, string>; drop: () => Promise<void> }> {
  if (serverUrl) {
    const target = await createTestDatabase(serverUrl);
    return { env: { DATABASE_URL: target.databaseUrl as string }, drop: target.drop };
  }
  const dir = mkdtempSync(join(tmpdir(), 'cc-rate-limit-'));
  return { env: { DATA_DIR: dir }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

async function node(env: Record<string, string>): Promise<Runtime & { app: AppInstance }> {
  const config = loadConfig({ DEMO: 'false', LOG_LEVEL: 'silent', TRUST_PROXY: 'true', VERIFY_RATE_LIMIT_PER_MINUTE: String(LIMIT), ...env });
  const runtime = await startRuntime(config, { command: 'test', http: true, workers: false, logger: pino({ level: 'silent' }) });
  return runtime as Runtime & { app: AppInstance };
}

function verify(app: AppInstance, ip: string, path = `/api/v1/verify/${ESCN}`, headers: Record<string, string> = {}) {
  return app.inject({ method: 'GET', url: path, headers: { 'x-forwarded-for': ip, ...headers } });
}

test('the limit survives a restart: the budget used before it is still used after it', async () => {
  const database = await sharedDatabase();
  try {
    const first = await node(database.env);
    for (let i = 0; i < LIMIT; i += 1) assert.equal((await verify(first.app, '192.0.2.10')).statusCode, 404, `request ${i + 1}`);
    await first.close();
    const second = await node(database.env);
    try {
      const limited = await verify(second.app, '192.0.2.10');
      assert.equal(limited.statusCode, 429, 'a restart must not reset the counter');
      assert.match(String(limited.headers['retry-after']), /^\d+$/);
      assert.ok(Number(limited.headers['retry-after']) >= 1 && Number(limited.headers['retry-after']) <= 60);
      assert.equal((await verify(second.app, '192.0.2.11')).statusCode, 404, 'another address has its own budget');
    } finally {
      await second.close();
    }
  } finally {
    await database.drop();
  }
});

test('concurrent requests through every node allow exactly the limit, not once per node', async () => {
  const database = await sharedDatabase();
  // PGlite cannot be opened by two processes (or runtimes) at once: there the one node takes all the load.
  const nodes = [await node(database.env)];
  try {
    if (serverUrl) nodes.push(await node(database.env));
    const answers = await Promise.all(Array.from({ length: LIMIT * 3 }, (_, i) => {
      const app = (nodes[i % nodes.length] as Runtime & { app: AppInstance }).app;
      return verify(app, '192.0.2.20', i % 2 === 0 ? `/api/v1/verify/${ESCN}` : `/v/${ESCN}`);
    }));
    const statuses = answers.map((answer) => answer.statusCode);
    assert.equal(statuses.filter((status) => status === 404).length, LIMIT, `statuses: ${statuses.join(',')}`);
    assert.equal(statuses.filter((status) => status === 429).length, LIMIT * 2);
  } finally {
    for (const running of nodes) await running.close();
    await database.drop();
  }
});

test('the /v/ page answers its 429 as an HTML page in the visitor\'s language; the API keeps problem+json', async () => {
  const database = await sharedDatabase();
  const running = await node(database.env);
  try {
    for (let i = 0; i < LIMIT; i += 1) await verify(running.app, '192.0.2.30');
    const french = await verify(running.app, '192.0.2.30', `/v/${ESCN}`);
    assert.equal(french.statusCode, 429);
    assert.match(String(french.headers['content-type']), /^text\/html; charset=utf-8/);
    assert.match(String(french.headers['retry-after']), /^\d+$/);
    assert.equal(french.headers['content-language'], 'fr');
    assert.equal(french.headers['cache-control'], 'no-store');
    assert.match(french.body, /<html lang="fr">/);
    assert.match(french.body, /Trop de vérifications/);
    assert.match(french.body, new RegExp(`Nouvel essai possible dans ${String(french.headers['retry-after'])}\u00a0s`));
    assert.match(String(french.headers['content-security-policy']), /frame-ancestors 'none'/);

    const english = await verify(running.app, '192.0.2.30', `/v/${ESCN}`, { 'accept-language': 'en-GB,en;q=0.8' });
    assert.equal(english.statusCode, 429);
    assert.equal(english.headers['content-language'], 'en');
    assert.match(english.body, /Too many verifications/);
    assert.match((await verify(running.app, '192.0.2.30', `/v/${ESCN}?lang=en`)).body, /Too many verifications/);
    assert.match((await verify(running.app, '192.0.2.30', `/v/${ESCN}`, { 'accept-language': 'de-DE' })).body, /Trop de vérifications/,
      'another language falls back to French');

    const api = await verify(running.app, '192.0.2.30');
    assert.equal(api.statusCode, 429);
    assert.match(String(api.headers['content-type']), /^application\/problem\+json/);
    assert.equal(api.json().code, 'rate_limited');
    assert.match(String(api.headers['retry-after']), /^\d+$/);
  } finally {
    await running.close();
    await database.drop();
  }
});

test('the store keeps no client address in clear, opens a new window when one ends, and purges ended windows', async () => {
  const database = await sharedDatabase();
  const running = await node(database.env);
  const store = createRateLimitStore(running.database.db);
  try {
    const limit = { name: 'test', max: 2, windowMs: 300 };
    assert.deepEqual((await store.hit(limit, '192.0.2.40')).allowed, true);
    assert.deepEqual((await store.hit(limit, '192.0.2.40')).allowed, true);
    const refused = await store.hit(limit, '192.0.2.40');
    assert.equal(refused.allowed, false);
    assert.equal(refused.retryAfterSeconds, 1);
    const { rows } = await sql<{ key: Buffer }>`SELECT key FROM rate_limits`.execute(running.database.db);
    assert.equal(rows.length, 1);
    const key = (rows[0] as { key: Buffer }).key;
    assert.equal(key.includes(Buffer.from('192.0.2.40')), false);
    assert.notDeepEqual(key, createHash('sha256').update('test\u0000192.0.2.40').digest().subarray(0, 16),
      'keyed by a per-installation secret, not a plain hash an attacker could recompute for every address');

    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal((await store.hit(limit, '192.0.2.40')).allowed, true, 'a new window');
    await store.hit({ name: 'other', max: 1, windowMs: 50 }, '192.0.2.41');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(await store.purge(), 1, 'only the ended window is deleted');
    const left = await sql<{ n: number }>`SELECT count(*)::int AS n FROM rate_limits`.execute(running.database.db);
    assert.equal(left.rows[0]?.n, 1);
  } finally {
    store.close();
    await running.close();
    await database.drop();
  }
});

test('nodes take budget in leases: a window never allows more than its limit over two stores, with one statement per lease, not per request', async () => {
  const database = await sharedDatabase();
  const running = await node(database.env);
  let statements = 0;
  const counted = running.database.db.withPlugin({
    transformQuery: (args) => {
      statements += 1;
      return args.node;
    },
    transformResult: async (args) => args.result,
  });
  // Two stores on one database behave as two nodes: each holds its own leases.
  const stores = [createRateLimitStore(counted), createRateLimitStore(counted)];
  try {
    const limit = { name: 'lease', max: 200, windowMs: 60_000 };
    assert.equal(leaseSize(limit.max), 10);
    assert.equal(leaseSize(12), 1, 'a small limit leases one request at a time');
    const decisions = await Promise.all(Array.from({ length: 600 }, (_, i) => (stores[i % 2] as ReturnType<typeof createRateLimitStore>).hit(limit, '192.0.2.50')));
    assert.equal(decisions.filter((decision) => decision.allowed).length, limit.max, 'exactly the limit over both nodes');
    assert.ok(decisions.filter((decision) => !decision.allowed).every((decision) => decision.retryAfterSeconds >= 1 && decision.retryAfterSeconds <= 60));
    // 20 leases of 10, the statements that find the window spent (one per store), the secret (once per store).
    assert.ok(statements >= 20 && statements <= 26, `${statements} statements for 600 requests`);
    const { rows } = await sql<{ hits: number }>`SELECT hits FROM rate_limits`.execute(running.database.db);
    assert.deepEqual(rows.map((row) => row.hits), [limit.max]);
    const before = statements;
    assert.equal((await (stores[0] as ReturnType<typeof createRateLimitStore>).hit(limit, '192.0.2.50')).allowed, false);
    assert.equal(statements, before, 'a spent window is refused without asking the database again');
    assert.equal((await (stores[1] as ReturnType<typeof createRateLimitStore>).hit(limit, '192.0.2.51')).allowed, true, 'another address has its own budget');
  } finally {
    for (const store of stores) store.close();
    await running.close();
    await database.drop();
  }
});
