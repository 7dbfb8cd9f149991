/**
 * `campuscard export-embedded`: an embedded database filled through the app (persons, cards and
 * their moves, the audit log, outbox entries, an encrypted ESC Router key, an account) is copied
 * into a fresh PostgreSQL database by the CLI, and the app started there finds it all and keeps
 * working: the account logs in, a card moves, new rows take new keys, the key still decrypts.
 * Needs the PostgreSQL server (DATABASE_URL's, else 127.0.0.1:5432) in both test passes.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { pino } from 'pino';
import { loadConfig } from '../../src/config.ts';
import { startRuntime, type Runtime } from '../../src/app/runtime.ts';
import type { AppInstance } from '../../src/app/app-types.ts';
import { createEscApiKeyCipher } from '../../src/modules/esc/esc-api-key.cipher.ts';
import { TestClient } from '../helpers/test-app.ts';
import { insertOutboxRow } from '../helpers/outbox-rows.ts';
import { runCampuscard } from '../helpers/processes.ts';
import { createTestDatabase, type TestDatabaseTarget } from '../helpers/test-database.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SERVER = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ENCRYPTION_KEY = 'export-embedded-test-key-0123456789abcdef';
const ESC_KEY = 'esc-router-key-4242';
const EMAIL = 'export-admin@test.example';
const PASSWORD = 'correct horse battery staple';
const COUNTED = ['persons', 'enrolments', 'cards', 'card_moves', 'audit_log', 'sync_outbox', 'accounts', 'institutions'] as const;

async function start(env: Record<string, string>): Promise<Runtime> {
  const config = loadConfig({ DEMO: 'false', LOG_LEVEL: 'silent', ESC_KEY_ENCRYPTION_KEY: ENCRYPTION_KEY, ...env });
  return startRuntime(config, { command: 'test', http: true, workers: false, logger: pino({ level: 'silent' }) });
}

async function login(runtime: Runtime): Promise<TestClient> {
  const anonymous = new TestClient(runtime.app as AppInstance);
  const response = await anonymous.post<{ csrfToken: string }>('/api/v1/auth/login', { email: EMAIL, password: PASSWORD });
  assert.equal(response.status, 200, response.text);
  const setCookie = response.headers['set-cookie'];
  const cookie = String(Array.isArray(setCookie) ? setCookie[0] : setCookie).split(';')[0] ?? '';
  return new TestClient(runtime.app as AppInstance, { cookie, csrfToken: response.body.csrfToken });
}

async function counts(runtime: Runtime): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const table of COUNTED) {
    const { rows } = await sql<{ count: number }>`SELECT count(*)::int AS count FROM ${sql.table(table)}`.execute(runtime.database.db);
    result[table] = Number(rows[0]?.count);
  }
  return result;
}

async function requestCard(client: TestClient, personId: string): Promise<string> {
  const response = await client.post<{ id: string }>('/api/v1/cards', { personId, cardKind: 'physical' });
  assert.equal(response.status, 201, response.text);
  return response.body.id;
}

describe('campuscard export-embedded', () => {
  let dir = '';
  let target: TestDatabaseTarget | undefined;
  const before_: { counts?: Record<string, number>; cardId?: string; pgbossJobs?: number } = {};

  const exportEnv = () => {
    const env: NodeJS.ProcessEnv = { ...process.env, DEMO: 'false', LOG_LEVEL: 'silent', DATA_DIR: join(dir, 'data') };
    delete env.DATABASE_URL;
    return env;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cc-export-embedded-'));
    const runtime = await start({ DATA_DIR: join(dir, 'data') });
    try {
      const { services } = runtime;
      await services.institution.save({ name: 'Université Exemple', pic: '999999999', schacHomeOrganization: 'univ.example.fr', country: 'FR', esiScope: 'national', settings: {} }, { actor: 'test' });
      await services.auth.createAccount({ email: EMAIL, password: PASSWORD, role: 'admin', displayName: 'Admin', personTypes: null, institutions: null, personId: null }, { actor: 'test' });
      const admin = await login(runtime);
      const persons = [];
      for (let i = 0; i < 3; i++) {
        persons.push(await services.people.create({ eppn: `p${i}@univ.example.fr`, lastName: `Nom${i}`, firstName: 'Prénom', personType: 'student', email: `p${i}@mail.example.org` }, { actor: 'test' }));
      }
      before_.cardId = await requestCard(admin, (persons[0] as { id: string }).id);
      await requestCard(admin, (persons[1] as { id: string }).id);
      await insertOutboxRow(runtime.database.db, { connector: 'esc', subject: (persons[2] as { id: string }).id, operation: 'upsert-person', reason: 'test', status: 'pending', attempts: 1 });
      await services.escSync.setApiKey(1, ESC_KEY, { actor: 'test' });
      before_.counts = await counts(runtime);
      const { rows } = await sql<{ count: number }>`SELECT count(*)::int AS count FROM pgboss.job`.execute(runtime.database.db);
      before_.pgbossJobs = Number(rows[0]?.count);
    } finally {
      await runtime.close();
    }
    target = await createTestDatabase(SERVER);
  });

  after(async () => {
    await target?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies every table into an empty PostgreSQL database and verifies the counts', async () => {
    const run = await runCampuscard(ROOT, ['export-embedded', '--to', target?.databaseUrl as string], exportEnv());
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Verified: every table has as many rows/);
    assert.match(run.stdout, /public\.cards\s+2\b/);
  });

  it('refuses a target that already holds tables, unless --force', async () => {
    const refused = await runCampuscard(ROOT, ['export-embedded', '--to', target?.databaseUrl as string], exportEnv());
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /export_target_not_empty/);
    const forced = await runCampuscard(ROOT, ['export-embedded', '--to', target?.databaseUrl as string, '--force'], exportEnv());
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stdout, /Verified/);
  });

  it('leaves a database the app runs on: same rows, logins, moves, new keys and the encrypted key', async () => {
    const runtime = await start({ DATABASE_URL: target?.databaseUrl as string });
    try {
      assert.equal(runtime.database.kind, 'postgres');
      assert.deepEqual(await counts(runtime), before_.counts);
      const { rows: jobs } = await sql<{ count: number }>`SELECT count(*)::int AS count FROM pgboss.job`.execute(runtime.database.db);
      assert.equal(Number(jobs[0]?.count), before_.pgbossJobs);
      // Triggers the migrations made ALWAYS (search texts kept even in replica sessions) stay so.
      const { rows: modes } = await sql<{ name: string; mode: string }>`SELECT tgname AS name, tgenabled AS mode FROM pg_trigger
        WHERE tgname IN ('card_search_ins', 'card_search_upd')`.execute(runtime.database.db);
      assert.deepEqual(modes.map((row) => `${row.name}:${row.mode}`).sort(), ['card_search_ins:A', 'card_search_upd:A']);

      const admin = await login(runtime);
      const moved = await admin.post<{ state: string }>(`/api/v1/cards/${before_.cardId}/moves`, { to: 'REQUEST_CHECKED' });
      assert.equal(moved.status, 200, moved.text);
      assert.equal(moved.body.state, 'REQUEST_CHECKED');
      // Serial keys continue after the copied ones (the move, its audit rows, a new outbox entry).
      const person = await runtime.services.people.create({ eppn: 'new@univ.example.fr', lastName: 'Nouveau', firstName: 'Prénom', personType: 'student', email: 'new@mail.example.org' }, { actor: 'test' });
      await requestCard(admin, person.id);
      await insertOutboxRow(runtime.database.db, { connector: 'esc', subject: person.id, operation: 'upsert-person', reason: 'test', status: 'pending', attempts: 0 });
      const after_ = await counts(runtime);
      const was = before_.counts as Record<string, number>;
      assert.ok(after_.card_moves as number > (was.card_moves as number));
      assert.ok(after_.audit_log as number > (was.audit_log as number));
      assert.equal(after_.cards, (was.cards as number) + 1);

      const { rows } = await sql<{ stored: string }>`SELECT esc_api_key_encrypted AS stored FROM institutions WHERE id = 1`.execute(runtime.database.db);
      assert.equal(createEscApiKeyCipher(ENCRYPTION_KEY).decrypt(1, rows[0]?.stored as string), ESC_KEY);
      const status = await runtime.services.escSync.apiKeyStatus(1);
      assert.equal(status.configured, true);
    } finally {
      await runtime.close();
    }
  });
});
