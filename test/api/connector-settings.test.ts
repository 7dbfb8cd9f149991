/**
 * Per-institution connector settings (issue 11), with the CROUS connector as the registered one:
 * settings validated against its schema (422 with the field), secrets stored encrypted (or named
 * in CONNECTOR_SECRETS) and never shown back beyond their last four characters, pause and resume
 * audited, and an admin of one institution unable to read or change another's.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { startTestApp, type TestApp, type TestClient } from '../helpers/test-app.ts';
import { createInstitution, createPerson, officeClients, type CardsWorld } from './cards.fixtures.ts';
import { CROUS_CONNECTOR_ID } from '../../src/modules/crous/crous-connector-settings.ts';

const SCHOOL = { code: 'ecole-crous', uai: '0922468H' };
const UNIVERSITY_UAI = '0751234J';
const SECRET = 'crous-client-secret-value-Zk42';
const ENV_SECRET = 'secret-from-the-environment-9876';

interface SettingsView {
  connector: string; institution: string; configured: boolean; enabled: boolean; settings: Record<string, unknown>;
  secrets: Record<string, { configured: boolean; source: string | null; env: string | null; hint: string | null; readable: boolean }>;
  paused: boolean; pausedBy: string | null; pausedByName: string | null; pausedAt: string | null; pausedReason: string | null; updatedBy: string | null;
}
interface Problem { status: number; code: string; field?: string; errors?: Array<{ field: string; code: string }> }

const url = (institution: string, tail = 'settings') => `/api/v1/admin/connectors/crous/institutions/${institution}/${tail}`;

function goodSettings(extra: Record<string, unknown> = {}) {
  return {
    mode: 'api', environment: 'preproduction',
    auth: { mode: 'oauth2', clientId: 'campuscard-univ' },
    crousNumber: '75', identifier: 'ine', statusCodes: { student: 'etd', staff: 'prs' },
    ...extra,
  };
}

describe('connector settings', () => {
  let t: TestApp;
  let w: CardsWorld;
  let university: string;
  let universityAdmin: TestClient;
  let schoolAdmin: TestClient;

  before(async () => {
    t = await startTestApp({
      env: { CONNECTOR_SECRETS_KEY: 'k'.repeat(40), CONNECTOR_SECRETS: JSON.stringify({ CROUS_SCHOOL: ENV_SECRET }) },
    });
    await t.runtime.services.institution.save({
      name: 'Université Exemple', pic: '999999999', uai: UNIVERSITY_UAI, schacHomeOrganization: 'univ.example.fr', country: 'FR', esiScope: 'national', settings: {},
    }, { actor: 'test' });
    w = await officeClients(t);
    university = (await t.runtime.services.institution.byId(t.runtime.database.db, 1))?.code ?? '';
    await createInstitution(w, { code: SCHOOL.code, name: 'École CROUS', kind: 'institution', uai: SCHOOL.uai });
    universityAdmin = await t.loginAs('admin', { institutions: [university] });
    schoolAdmin = await t.loginAs('admin', { institutions: [SCHOOL.code] });
  });
  after(async () => {
    await t?.close();
  });

  test('never saved: the defaults of the CROUS schema, not configured, no secret', async () => {
    const response = await universityAdmin.get<SettingsView>(url(university));
    assert.equal(response.status, 200, response.text);
    assert.equal(response.body.configured, false);
    assert.equal(response.body.enabled, false);
    assert.equal(response.body.settings.mode, 'api');
    assert.equal(response.body.settings.environment, 'preproduction');
    assert.equal(response.body.settings.idZdcOffset, 99990000);
    assert.equal(response.body.settings.timeZone, 'Europe/Paris');
    assert.deepEqual(response.body.settings.statusCodes, { student: 'etd', staff: 'prs' });
    assert.deepEqual(response.body.secrets.secret, { configured: false, source: null, env: null, hint: null, readable: false });
  });

  test('bad settings are refused with the field at fault, and nothing is stored', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [goodSettings({ environment: 'staging' }), '/settings/environment'],
      [goodSettings({ unknownSetting: 1 }), '/settings/unknownSetting'],
      [goodSettings({ rneOrgCode: 'not-a-uai' }), '/settings/rneOrgCode'],
      [goodSettings({ timeZone: 'Mars/Olympus' }), '/settings/timeZone'],
      [goodSettings({ idZdcOffset: -1 }), '/settings/idZdcOffset'],
      [goodSettings({ auth: undefined }), '/settings/auth'],
      [goodSettings({ statusCodes: { student: 'ÉTUDIANT' } }), '/settings/statusCodes/student'],
    ];
    for (const [settings, field] of cases) {
      const response = await universityAdmin.put<Problem>(url(university), { enabled: true, settings });
      assert.equal(response.status, 422, `${field}: ${response.text}`);
      assert.match(String(response.headers['content-type']), /application\/problem\+json/);
      assert.equal(response.body.code, 'invalid_connector_settings');
      assert.equal(response.body.field, field, response.text);
    }
    const malformed = await universityAdmin.put<Problem>(url(university), { enabled: 'yes please', settings: {} });
    assert.equal(malformed.status, 400, malformed.text);
    const unknownSecret = await universityAdmin.put<Problem>(url(university), { enabled: true, settings: goodSettings(), secrets: { password: { value: 'x'.repeat(20) } } });
    assert.equal(unknownSecret.status, 422, unknownSecret.text);
    assert.equal(unknownSecret.body.field, '/secrets/password');
    const undefinedEnv = await universityAdmin.put<Problem>(url(university), { enabled: true, settings: goodSettings(), secrets: { secret: { env: 'NOT_DEFINED' } } });
    assert.equal(undefinedEnv.status, 422, undefinedEnv.text);
    assert.equal(undefinedEnv.body.field, '/secrets/secret/env');
    assert.equal((await universityAdmin.get<SettingsView>(url(university))).body.configured, false);
  });

  test('a secret is stored encrypted, shown only by its last four characters, kept when absent, removed by null', async () => {
    const saved = await universityAdmin.put<SettingsView>(url(university), { enabled: true, settings: goodSettings(), secrets: { secret: { value: SECRET } } });
    assert.equal(saved.status, 200, saved.text);
    assert.ok(!saved.text.includes(SECRET), 'the secret is never sent back');
    assert.equal(saved.body.configured, true);
    assert.equal(saved.body.enabled, true);
    assert.deepEqual(saved.body.secrets.secret, { configured: true, source: 'database', env: null, hint: 'Zk42', readable: true });
    assert.equal(saved.body.settings.idZdcOffset, 99990000, 'defaults filled in');

    const stored = await sql<{ secrets: Record<string, { encrypted: string }>; settings: Record<string, unknown> }>`
      SELECT secrets, settings FROM connector_settings WHERE connector_id = 'crous' AND institution_id = 1`.execute(t.runtime.database.db);
    const row = stored.rows[0];
    assert.ok(row);
    assert.match(row.secrets.secret?.encrypted ?? '', /^v1\./);
    assert.ok(!JSON.stringify(row).includes(SECRET), 'no clear secret in the row');
    const audit = await sql<{ changes: Record<string, unknown> }>`
      SELECT changes FROM audit_log WHERE table_name = 'connector_settings' AND row_id = 'crous:1'`.execute(t.runtime.database.db);
    assert.ok(audit.rows.length > 0, 'the change is audited');
    assert.ok(audit.rows.every((entry) => !JSON.stringify(entry.changes).includes(SECRET) && !JSON.stringify(entry.changes).includes(row.secrets.secret?.encrypted ?? '?')),
      'the audit log holds neither the secret nor its ciphertext');

    // The engine's view: the secret decrypted for this connector and institution.
    const effective = await t.runtime.services.connectorSettings.effective(t.runtime.database.db, CROUS_CONNECTOR_ID, 1);
    assert.equal(effective?.secrets.secret, SECRET);
    // Copied onto another institution's row, the ciphertext does not decrypt.
    const schoolId = Number((await t.runtime.services.institution.byCode(t.runtime.database.db, SCHOOL.code))?.id);
    await sql`INSERT INTO connector_settings (connector_id, institution_id, settings, secrets, updated_by)
      VALUES ('crous', ${schoolId}, ${JSON.stringify(goodSettings())}::jsonb, ${JSON.stringify(row.secrets)}::jsonb, 'test')`.execute(t.runtime.database.db);
    assert.equal((await t.runtime.services.connectorSettings.effective(t.runtime.database.db, CROUS_CONNECTOR_ID, schoolId))?.secrets.secret, undefined);
    assert.equal((await schoolAdmin.get<SettingsView>(url(SCHOOL.code))).body.secrets.secret?.readable, false);

    const kept = await universityAdmin.put<SettingsView>(url(university), { enabled: false, settings: goodSettings({ identifier: 'eppn' }) });
    assert.equal(kept.status, 200, kept.text);
    assert.equal(kept.body.secrets.secret?.hint, 'Zk42', 'absent from the body: kept');
    assert.equal(kept.body.settings.identifier, 'eppn');
    assert.equal(kept.body.enabled, false);
    const removed = await universityAdmin.put<SettingsView>(url(university), { enabled: false, settings: goodSettings(), secrets: { secret: null } });
    assert.equal(removed.body.secrets.secret?.configured, false);
  });

  test('a secret may come from CONNECTOR_SECRETS by name', async () => {
    const saved = await schoolAdmin.put<SettingsView>(url(SCHOOL.code), { enabled: true, settings: goodSettings(), secrets: { secret: { env: 'CROUS_SCHOOL' } } });
    assert.equal(saved.status, 200, saved.text);
    assert.deepEqual(saved.body.secrets.secret, { configured: true, source: 'environment', env: 'CROUS_SCHOOL', hint: '9876', readable: true });
    assert.ok(!saved.text.includes(ENV_SECRET));
    const schoolId = Number((await t.runtime.services.institution.byCode(t.runtime.database.db, SCHOOL.code))?.id);
    assert.equal((await t.runtime.services.connectorSettings.effective(t.runtime.database.db, CROUS_CONNECTOR_ID, schoolId))?.secrets.secret, ENV_SECRET);
    const list = await w.admin.get<{ environmentSecrets: string[]; canStoreSecrets: boolean }>('/api/v1/admin/connectors');
    assert.deepEqual(list.body.environmentSecrets, ['CROUS_SCHOOL']);
    assert.equal(list.body.canStoreSecrets, true);
    assert.ok(!list.text.includes(ENV_SECRET));
  });

  test('pause and resume: who, when, why; audited; pausing twice keeps the first pause', async () => {
    const paused = await universityAdmin.post<SettingsView>(url(university, 'pause'), { reason: 'CROUS en maintenance' });
    assert.equal(paused.status, 200, paused.text);
    assert.equal(paused.body.paused, true);
    assert.equal(paused.body.pausedReason, 'CROUS en maintenance');
    assert.match(paused.body.pausedBy ?? '', /^account:/);
    // People read who paused it by name (the account's display name), never the raw id.
    assert.match(paused.body.pausedByName ?? '', /^admin \d+$/);
    const overview = await universityAdmin.get<{ items: Array<{ connector: string; institution: string; pausedByName: string | null; configuredBy: string }> }>('/api/v1/admin/connectors');
    const line = overview.body.items.find((item) => item.connector === 'crous' && item.institution === university);
    assert.equal(line?.pausedByName, paused.body.pausedByName, overview.text);
    assert.equal(line?.configuredBy, 'settings');
    assert.equal(await t.runtime.services.connectorSettings.isPaused(t.runtime.database.db, CROUS_CONNECTOR_ID, 1), true);
    const again = await universityAdmin.post<SettingsView>(url(university, 'pause'), { reason: 'autre' });
    assert.equal(again.body.pausedReason, 'CROUS en maintenance');
    assert.equal(again.body.pausedAt, paused.body.pausedAt);
    const resumed = await universityAdmin.post<SettingsView>(url(university, 'resume'));
    assert.equal(resumed.status, 200, resumed.text);
    assert.equal(resumed.body.paused, false);
    assert.equal(resumed.body.pausedBy, null);
    assert.equal(await t.runtime.services.connectorSettings.isPaused(t.runtime.database.db, CROUS_CONNECTOR_ID, 1), false);
    const audit = await sql<{ changes: Record<string, unknown>; actor: string }>`
      SELECT changes, actor FROM audit_log WHERE table_name = 'connector_settings' AND row_id = 'crous:1' AND operation = 'UPDATE' AND changes ? 'paused' ORDER BY id`.execute(t.runtime.database.db);
    assert.deepEqual(audit.rows.map((entry) => entry.changes.paused), [true, false]);
    assert.ok(audit.rows.every((entry) => entry.actor.startsWith('account:')));
  });

  test('saving the settings makes the entries that waited for them due at once', async () => {
    const person = await createPerson(t, { institution: SCHOOL.code });
    const db = t.runtime.database.db;
    const schoolId = (await t.runtime.services.institution.list(db)).find((ref) => ref.code === SCHOOL.code)?.id as number;
    // As a delivery leaves an entry while the connector was not set up: retried in an hour.
    await sql`INSERT INTO sync_outbox (connector, institution_id, person_id, reason, attempts, next_attempt_at, last_error_code)
      VALUES ('crous', ${schoolId}, ${person.id}, 'test', 3, now() + interval '1 hour', 'crous_not_configured')`.execute(db);
    const saved = await schoolAdmin.put<SettingsView>(url(SCHOOL.code), { enabled: true, settings: goodSettings(), secrets: { secret: { value: SECRET } } });
    assert.equal(saved.status, 200, saved.text);
    const due = await sql<{ due: boolean }>`SELECT next_attempt_at <= now() AS due FROM sync_outbox WHERE connector = 'crous' AND person_id = ${person.id}`.execute(db);
    assert.deepEqual(due.rows.map((row) => row.due), [true]);
  });

  test('an admin of one institution can neither read nor change another\'s settings, nor pause them', async () => {
    for (const response of [
      await schoolAdmin.get<Problem>(url(university)),
      await schoolAdmin.put<Problem>(url(university), { enabled: true, settings: goodSettings() }),
      await schoolAdmin.post<Problem>(url(university, 'pause'), {}),
      await schoolAdmin.post<Problem>(url(university, 'resume')),
      await universityAdmin.get<Problem>(url(SCHOOL.code)),
    ]) {
      assert.equal(response.status, 404, response.text);
      assert.equal(response.body.code, 'institution_not_found');
    }
    assert.equal((await universityAdmin.get<SettingsView>(url(university))).body.paused, false, 'not paused by the other admin');
    const list = await schoolAdmin.get<{ items: Array<{ connector: string; institution: string }> }>('/api/v1/admin/connectors');
    assert.equal(list.status, 200, list.text);
    // Every registered connector (the ESC Router, CROUS), at the school only.
    assert.deepEqual(list.body.items.map((item) => `${item.connector}@${item.institution}`).sort(), [`crous@${SCHOOL.code}`, `esc@${SCHOOL.code}`]);
    const manager = await w.manager.get<Problem>(url(university));
    assert.equal(manager.status, 403, 'managers do not configure connectors');
    const unknown = await w.admin.get<Problem>('/api/v1/admin/connectors/doors/institutions/x/settings');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, 'connector_not_found');
  });
});

describe('connector settings without CONNECTOR_SECRETS_KEY', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => {
    await t?.close();
  });

  test('a secret value is refused with 409 (a CONNECTOR_SECRETS name would be accepted)', async () => {
    await t.runtime.services.institution.save({
      name: 'Université Exemple', pic: '999999999', uai: UNIVERSITY_UAI, schacHomeOrganization: 'univ.example.fr', country: 'FR', esiScope: 'national', settings: {},
    }, { actor: 'test' });
    const admin = await t.loginAs('admin');
    const code = (await t.runtime.services.institution.byId(t.runtime.database.db, 1))?.code ?? '';
    const response = await admin.put<Problem>(url(code), { enabled: true, settings: goodSettings(), secrets: { secret: { value: SECRET } } });
    assert.equal(response.status, 409, response.text);
    assert.equal(response.body.code, 'connector_secrets_key_not_configured');
    assert.equal(response.body.field, '/secrets/secret/value');
    assert.equal((await admin.get<{ canStoreSecrets: boolean }>('/api/v1/admin/connectors')).body.canStoreSecrets, false);
  });
});
