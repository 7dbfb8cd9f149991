/**
 * CROUS tariff rules per institution (issue 11) against the CROUS simulator over HTTP, with each
 * institution's own settings and credentials (OAuth2 for one, the legacy token for the other):
 * fetched on demand and by the daily job (enabled and unpaused institutions only), stored with
 * when they were fetched, kept when a refresh fails (the error shown), and used to compute a
 * person's tariff from the person type mapping and the salary index, with the domain defaults
 * before any rule is stored. Scoped by institution like the settings.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp, type TestClient } from '../helpers/test-app.ts';
import { createInstitution, officeClients, type CardsWorld } from './cards.fixtures.ts';
import { startCrousSimulator, type CrousSimulator } from '../../src/adapters/crous/crous.simulator.ts';
import { CROUS_TARIFF_CRON, CROUS_TARIFF_QUEUE } from '../../src/modules/crous/crous-tariff.service.ts';
import type { CrousTariffRule } from '../../src/modules/crous/domain/crous-account.ts';

const UNIVERSITY_UAI = '0751234J';
const SCHOOL = { code: 'ecole-tarifs', uai: '0922468H' };
const UNIVERSITY_SECRET = 'oauth-secret-of-the-university-1234';
const SCHOOL_SECRET = 'legacy-secret-of-the-school-5678';

const UNIVERSITY_RULES: CrousTariffRule[] = [
  { statusCode: 'etd', indexMin: null, indexMax: null, idCompanyRate: 10, idRate: 1 },
  { statusCode: 'prs', indexMin: 0, indexMax: 466, idCompanyRate: 21, idRate: 3 },
  { statusCode: 'prs', indexMin: 467, indexMax: 700, idCompanyRate: 21, idRate: 4 },
  { statusCode: 'prs', indexMin: 701, indexMax: null, idCompanyRate: 21, idRate: 5 },
  { statusCode: 'hbg', indexMin: null, indexMax: null, idCompanyRate: 30, idRate: 7 },
];
const SCHOOL_RULES: CrousTariffRule[] = [{ statusCode: 'prs', indexMin: null, indexMax: null, idCompanyRate: 22, idRate: 6 }];

interface RulesView { institution: string; crousNumber: string | null; rne: string | null; rules: CrousTariffRule[]; fetchedAt: string | null; lastAttemptAt: string | null; lastError: string | null }
interface Tariff { idCompanyRate: number; idRate: number; source: string; statusCode: string | null; rulesFetchedAt: string | null }

describe('CROUS tariff rules', () => {
  let t: TestApp;
  let w: CardsWorld;
  let sim: CrousSimulator;
  let university: string;
  let universityAdmin: TestClient;
  let schoolAdmin: TestClient;
  let universityManager: TestClient;

  const rulesUrl = (code: string) => `/api/v1/admin/connectors/crous/institutions/${code}/tariff-rules`;
  const settingsUrl = (code: string) => `/api/v1/admin/connectors/crous/institutions/${code}/settings`;

  async function universitySettings(extra: Record<string, unknown> = {}) {
    const saved = await universityAdmin.put(settingsUrl(university), {
      enabled: true,
      settings: {
        mode: 'api', environment: 'preproduction', baseUrl: sim.url, auth: { mode: 'oauth2', accessUrl: sim.url, clientId: 'univ-client' },
        crousNumber: '12', ...extra,
      },
      secrets: { secret: { value: UNIVERSITY_SECRET } },
    });
    assert.equal(saved.status, 200, saved.text);
  }

  async function tariff(client: TestClient, code: string, query: string): Promise<Tariff> {
    const response = await client.get<Tariff>(`${rulesUrl(code)}/tariff?${query}`);
    assert.equal(response.status, 200, response.text);
    return response.body;
  }

  before(async () => {
    sim = await startCrousSimulator({
      host: '127.0.0.1', port: 0, environment: 'preproduction',
      credentials: [
        { mode: 'oauth2', id: 'univ-client', secret: UNIVERSITY_SECRET, rne: UNIVERSITY_UAI },
        { mode: 'legacy', id: 'school-app', secret: SCHOOL_SECRET, rne: SCHOOL.uai },
      ],
    });
    sim.setTariffRules('12', UNIVERSITY_UAI, UNIVERSITY_RULES);
    sim.setTariffRules('13', SCHOOL.uai, SCHOOL_RULES);
    t = await startTestApp({ env: { CONNECTOR_SECRETS_KEY: 'c'.repeat(40) } });
    await t.runtime.services.institution.save({
      name: 'Université Exemple', pic: '999999999', uai: UNIVERSITY_UAI, schacHomeOrganization: 'univ.example.fr', country: 'FR', esiScope: 'national', settings: {},
    }, { actor: 'test' });
    w = await officeClients(t);
    university = (await t.runtime.services.institution.byId(t.runtime.database.db, 1))?.code ?? '';
    await createInstitution(w, { code: SCHOOL.code, name: 'École Tarifs', kind: 'institution', uai: SCHOOL.uai });
    universityAdmin = await t.loginAs('admin', { institutions: [university] });
    schoolAdmin = await t.loginAs('admin', { institutions: [SCHOOL.code] });
    universityManager = await t.loginAs('manager', { institutions: [university] });
  });
  after(async () => {
    await t?.close();
    await sim?.close();
  });

  test('before any fetch: no rules, and the domain defaults (students 10/1, others 78/99)', async () => {
    await universitySettings();
    const rules = await universityAdmin.get<RulesView>(rulesUrl(university));
    assert.equal(rules.status, 200, rules.text);
    assert.deepEqual(rules.body.rules, []);
    assert.equal(rules.body.fetchedAt, null);
    assert.deepEqual(await tariff(universityAdmin, university, 'personType=student'),
      { idCompanyRate: 10, idRate: 1, source: 'student_default', statusCode: 'etd', rulesFetchedAt: null });
    assert.deepEqual(await tariff(universityAdmin, university, 'personType=staff&index=500'),
      { idCompanyRate: 78, idRate: 99, source: 'default', statusCode: 'prs', rulesFetchedAt: null });
  });

  test('« Actualiser » fetches the rules over HTTP with the institution\'s OAuth2 client and stores them in the CROUS\'s order', async () => {
    const refreshed = await universityAdmin.post<RulesView>(`${rulesUrl(university)}/refresh`);
    assert.equal(refreshed.status, 200, refreshed.text);
    assert.equal(refreshed.body.lastError, null);
    assert.deepEqual(refreshed.body.rules, UNIVERSITY_RULES);
    assert.equal(refreshed.body.crousNumber, '12');
    assert.equal(refreshed.body.rne, UNIVERSITY_UAI, 'the institution\'s UAI by default');
    assert.ok(refreshed.body.fetchedAt);
    const calls = sim.requestLog.filter((entry) => entry.path === `/beforeizly/v1/crous/12/organization/${UNIVERSITY_UAI}`);
    assert.equal(calls.length, 1);
    assert.equal(calls[0]?.authorization, 'bearer');
    assert.equal(calls[0]?.rne, UNIVERSITY_UAI, 'with a token of the university\'s credentials');
    const read = await universityManager.get<RulesView>(rulesUrl(university));
    assert.deepEqual(read.body, refreshed.body, 'managers read them too');
  });

  test('a person\'s tariff: person type → status code (settings), index → rule; unmapped types get the default', async () => {
    const fetchedAt = (await universityAdmin.get<RulesView>(rulesUrl(university))).body.fetchedAt;
    assert.deepEqual(await tariff(universityAdmin, university, 'personType=student'),
      { idCompanyRate: 10, idRate: 1, source: 'rule', ruleIndex: 0, statusCode: 'etd', rulesFetchedAt: fetchedAt });
    assert.equal((await tariff(universityAdmin, university, 'personType=staff&index=300')).idRate, 3);
    assert.equal((await tariff(universityAdmin, university, 'personType=staff&index=467')).idRate, 4);
    assert.equal((await tariff(universityAdmin, university, 'personType=staff&index=900')).idRate, 5);
    const noIndex = await tariff(universityAdmin, university, 'personType=staff');
    assert.deepEqual([noIndex.idCompanyRate, noIndex.idRate, noIndex.source], [78, 99, 'default'], 'staff rules have index bounds: no index, no match');
    const guest = await tariff(universityAdmin, university, 'personType=guest');
    assert.deepEqual([guest.idCompanyRate, guest.idRate, guest.statusCode], [78, 99, null]);
    assert.equal((await tariff(universityAdmin, university, 'statusCode=hbg')).idRate, 7);
    // The mapping is a setting: guests lodged (hbg) from now on.
    await universitySettings({ statusCodes: { student: 'etd', staff: 'prs', guest: 'hbg' } });
    const lodged = await t.runtime.services.crousTariff.tariffFor(t.runtime.database.db, 1, { personType: 'guest' });
    assert.deepEqual([lodged.idCompanyRate, lodged.idRate, lodged.statusCode, lodged.source], [30, 7, 'hbg', 'rule']);
  });

  test('a failed refresh keeps the previous rules and shows why; the next success clears it', async () => {
    sim.setFaults({ down: true, downMode: 'unavailable' });
    const failed = await universityAdmin.post<RulesView>(`${rulesUrl(university)}/refresh`);
    sim.setFaults({});
    assert.equal(failed.status, 200, failed.text);
    assert.match(failed.body.lastError ?? '', /HTTP 503/);
    assert.deepEqual(failed.body.rules, UNIVERSITY_RULES, 'the previous rules are kept');
    assert.notEqual(failed.body.lastAttemptAt, failed.body.fetchedAt);
    sim.setTariffRules('12', UNIVERSITY_UAI, UNIVERSITY_RULES.slice(0, 2));
    const back = await universityAdmin.post<RulesView>(`${rulesUrl(university)}/refresh`);
    assert.equal(back.body.lastError, null);
    assert.equal(back.body.rules.length, 2);
    sim.setTariffRules('12', UNIVERSITY_UAI, UNIVERSITY_RULES);
  });

  test('a school with the legacy token, and a misconfiguration shown as the error', async () => {
    const saved = await schoolAdmin.put(settingsUrl(SCHOOL.code), {
      enabled: true,
      settings: { mode: 'api', environment: 'preproduction', baseUrl: sim.url, auth: { mode: 'legacy', appId: 'school-app' } },
      secrets: { secret: { value: SCHOOL_SECRET } },
    });
    assert.equal(saved.status, 200, saved.text);
    const missing = await schoolAdmin.post<RulesView>(`${rulesUrl(SCHOOL.code)}/refresh`);
    assert.match(missing.body.lastError ?? '', /^crous_number_missing/);
    assert.deepEqual(missing.body.rules, []);
    const fixed = await schoolAdmin.put(settingsUrl(SCHOOL.code), {
      enabled: true,
      settings: { mode: 'api', environment: 'preproduction', baseUrl: sim.url, auth: { mode: 'legacy', appId: 'school-app' }, crousNumber: '13' },
    });
    assert.equal(fixed.status, 200, fixed.text);
    const fetched = await schoolAdmin.post<RulesView>(`${rulesUrl(SCHOOL.code)}/refresh`);
    assert.equal(fetched.body.lastError, null);
    assert.deepEqual(fetched.body.rules, SCHOOL_RULES);
    assert.ok(sim.requestLog.some((entry) => entry.path === '/v1/token' && entry.authorization === 'legacy'), 'the legacy token was used');
  });

  test('the daily job refreshes every enabled, unpaused institution in API mode', async () => {
    assert.ok(t.runtime.schedules.some((schedule) => schedule.queue === CROUS_TARIFF_QUEUE && schedule.cron === CROUS_TARIFF_CRON));
    const paused = await schoolAdmin.post(`/api/v1/admin/connectors/crous/institutions/${SCHOOL.code}/pause`, { reason: 'test' });
    assert.equal(paused.status, 200, paused.text);
    sim.setTariffRules('12', UNIVERSITY_UAI, UNIVERSITY_RULES.slice(0, 1));
    sim.setTariffRules('13', SCHOOL.uai, []);
    const before = sim.requestLog.length;
    await t.runtime.services.crousTariff.refreshAll();
    const fetched = sim.requestLog.slice(before).filter((entry) => entry.path.includes('/organization/')).map((entry) => entry.path);
    assert.deepEqual(fetched, [`/beforeizly/v1/crous/12/organization/${UNIVERSITY_UAI}`], 'the paused school is left alone');
    assert.equal((await universityAdmin.get<RulesView>(rulesUrl(university))).body.rules.length, 1);
    assert.deepEqual((await schoolAdmin.get<RulesView>(rulesUrl(SCHOOL.code))).body.rules, SCHOOL_RULES);
  });

  test('another institution\'s rules can neither be read nor refreshed; managers do not refresh', async () => {
    for (const response of [
      await schoolAdmin.get<{ code: string }>(rulesUrl(university)),
      await schoolAdmin.post<{ code: string }>(`${rulesUrl(university)}/refresh`),
      await schoolAdmin.get<{ code: string }>(`${rulesUrl(university)}/tariff?personType=student`),
      await universityManager.get<{ code: string }>(rulesUrl(SCHOOL.code)),
    ]) {
      assert.equal(response.status, 404, response.text);
      assert.equal(response.body.code, 'institution_not_found');
    }
    assert.equal((await universityManager.post(`${rulesUrl(university)}/refresh`)).status, 403);
    const bad = await universityAdmin.get<{ code: string }>(`${rulesUrl(university)}/tariff?index=-3`);
    assert.equal(bad.status, 400, bad.text);
  });
});

describe('CROUS tariff rules at worker start', () => {
  let t: TestApp;
  let sim: CrousSimulator;

  before(async () => {
    sim = await startCrousSimulator({
      host: '127.0.0.1', port: 0, environment: 'preproduction',
      credentials: [{ mode: 'oauth2', id: 'univ-client', secret: UNIVERSITY_SECRET, rne: UNIVERSITY_UAI }],
    });
    sim.setTariffRules('12', UNIVERSITY_UAI, UNIVERSITY_RULES);
    t = await startTestApp({ env: { CONNECTOR_SECRETS_KEY: 'c'.repeat(40) } });
  });
  after(async () => {
    await t?.close();
    await sim?.close();
  });

  test('an enabled institution without rules gets them through pg-boss as soon as workers start', async () => {
    await t.runtime.services.institution.save({
      name: 'Université Exemple', pic: '999999999', uai: UNIVERSITY_UAI, schacHomeOrganization: 'univ.example.fr', country: 'FR', esiScope: 'national', settings: {},
    }, { actor: 'test' });
    const admin = await t.loginAs('admin');
    const code = (await t.runtime.services.institution.byId(t.runtime.database.db, 1))?.code ?? '';
    assert.equal(await t.runtime.services.crousTariff.queueIfMissing(), false, 'nothing enabled: nothing to queue');
    const saved = await admin.put(`/api/v1/admin/connectors/crous/institutions/${code}/settings`, {
      enabled: true,
      settings: { mode: 'api', environment: 'preproduction', baseUrl: sim.url, auth: { mode: 'oauth2', accessUrl: sim.url, clientId: 'univ-client' }, crousNumber: '12' },
      secrets: { secret: { value: UNIVERSITY_SECRET } },
    });
    assert.equal(saved.status, 200, saved.text);
    await t.runtime.startWorkers();
    const deadline = Date.now() + 30_000;
    let rules: RulesView | undefined;
    while (Date.now() < deadline) {
      rules = (await admin.get<RulesView>(`/api/v1/admin/connectors/crous/institutions/${code}/tariff-rules`)).body;
      if (rules.fetchedAt) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.deepEqual(rules?.rules, UNIVERSITY_RULES, 'fetched by the job queued at start');
    assert.equal(await t.runtime.services.crousTariff.queueIfMissing(), false, 'rules stored: nothing more to queue');
  });
});
