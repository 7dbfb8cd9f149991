/**
 * Migration 0032 on rows written before it: a group mapping with no institution (NULL, which
 * the API used to make when institutions were left out) becomes the institution of a
 * single-institution deployment, and OIDC sessions lose the ID token they kept for logout. The
 * migration's statements are run again on such rows (the test database is already migrated).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

const MIGRATION = readFileSync(new URL('../../migrations/0032_group_mappings_institutions.sql', import.meta.url), 'utf8');

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t?.close();
});

test('0032: a mapping without institutions gets the only institution; a session\'s kept ID token is dropped', async () => {
  const db = t.runtime.database.db;
  const institutions = await t.runtime.services.institution.list(db);
  assert.equal(institutions.length, 1);
  const mapping = await t.runtime.services.groupRoles.createMapping({ group: 'old-mapping', role: 'manager', everyInstitution: true }, { actor: 'test' });
  assert.equal(mapping.institutions, null);
  await t.loginAs('manager');
  await sql`UPDATE sessions SET sso_logout_data = ${JSON.stringify({ idTokenHint: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln' })}::jsonb`.execute(db);
  await sql`INSERT INTO sessions (token_hash, account_id, expires_at, sso_logout_data)
    SELECT md5(random()::text), account_id, expires_at, ${JSON.stringify({ nameId: 'kept' })}::jsonb FROM sessions LIMIT 1`.execute(db);

  // One statement at a time (the PGlite driver runs prepared statements).
  const statements = MIGRATION.split(/;\s*\n/).map((text) => text.replace(/^--.*$/gm, '').trim()).filter((text) => text.length > 0);
  assert.equal(statements.length, 2);
  for (const statement of statements) await sql.raw(statement).execute(db);

  const [after] = await t.runtime.services.groupRoles.listMappings();
  assert.deepEqual(after?.institutions, [institutions[0]?.code]);
  const kept = await sql<{ ssoLogoutData: Record<string, string> | null }>`SELECT sso_logout_data FROM sessions`.execute(db);
  assert.ok(kept.rows.length >= 2);
  assert.ok(kept.rows.every((row) => !JSON.stringify(row.ssoLogoutData ?? {}).includes('idTokenHint')));
  assert.ok(kept.rows.some((row) => row.ssoLogoutData?.nameId === 'kept'), 'other protocols\' logout data stays');
});
