/**
 * The demo's CROUS as `npm start` runs it (issue 11): the serving process embeds the CROUS
 * simulator (CROUS_SIMULATOR, on in demo mode), the demo institutions' CROUS settings point at it
 * (`environment: simulator`, credentials issued by the simulator per UAI) and their tariff rules
 * are fetched from it at start; an admin's later change is never overwritten by a restart.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { prepareServing, startupMessage } from '../../src/cli/serve.command.ts';
import { DEMO_CROUS_NUMBER, DEMO_TARIFF_RULES } from '../../src/modules/crous/crous-demo.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

const UNIVERSITY_UAI = '0751234J';

interface RulesView { rules: unknown[]; fetchedAt: string | null; lastError: string | null; rne: string | null }

describe('the embedded CROUS of the demo', () => {
  let t: TestApp;

  before(async () => {
    t = await startTestApp({ env: { DEMO: 'true' }, embeddedCrous: true });
    await prepareServing(t.runtime);
  });
  after(async () => {
    await t?.close();
  });

  test('right after the demo starts, its consenting persons with enabled cards have CROUS entries, delivered by the workers like any change', async () => {
    // Written by the demo's own changes (consents, card moves) in their transactions, waiting for the workers.
    const pending = await t.runtime.services.crousSync.counts();
    assert.ok(pending.pending > 0, `CROUS entries waiting after the demo seed: ${JSON.stringify(pending)}`);
    const report = await t.runtime.services.crousSync.sweep();
    assert.ok(report.persons > 0, JSON.stringify(report));
    const simulator = t.runtime.embeddedCrous?.simulator;
    assert.ok(simulator);
    // Inès (student, INE) and Sophie (staff, no INE: eppn) have enabled cards at the university and gave their CROUS consent.
    assert.ok(simulator.accounts.has('456789123DE'), `accounts: ${[...simulator.accounts.keys()].join(', ')}`);
    assert.ok(simulator.accounts.has('sophie.lefebvre@univ-demo.fr'), `accounts: ${[...simulator.accounts.keys()].join(', ')}`);
    // Hugo did not consent: nothing of his goes to the CROUS.
    assert.ok(!simulator.accounts.has('345678912CD'));
    const admin = await t.loginAs('admin');
    const connectors = await admin.get<{ items: Array<{ id: string; counts: { doneLastDay: number; failed: number } }> }>('/api/v1/connectors');
    const crous = connectors.body.items.find((item) => item.id === 'crous');
    assert.ok(crous && crous.counts.doneLastDay > 0, connectors.text);
    assert.equal(crous.counts.failed, 0, connectors.text);
  });

  test('a later start reconciles with the embedded CROUS, which starts empty: what it lost is sent again', async () => {
    const simulator = t.runtime.embeddedCrous?.simulator;
    assert.ok(simulator);
    await t.runtime.services.crousSync.sweep();
    simulator.accounts.clear();
    await prepareServing(t.runtime);
    await t.runtime.jobs.drain(['crous-reconcile']);
    const [run] = await t.runtime.services.jobRuns.list({ kind: 'crous-reconcile' });
    assert.equal(run?.status, 'succeeded', JSON.stringify(run));
    assert.ok(Number(run.result?.queued) >= 2, JSON.stringify(run.result));
    await t.runtime.services.crousSync.sweep();
    assert.ok(simulator.accounts.has('456789123DE'), `accounts: ${[...simulator.accounts.keys()].join(', ')}`);
    assert.ok(simulator.accounts.get('sophie.lefebvre@univ-demo.fr')?.cards.size, 'the account and its card');
  });

  test('the demo institutions\' CROUS settings point at the embedded simulator and their tariff rules come from it', async () => {
    assert.ok(t.runtime.embeddedCrous, 'started by the serving process in demo mode');
    assert.match(startupMessage(t.runtime, { url: 'http://localhost:8080', seconds: '1.0', logins: undefined }),
      /CROUS\/Izly: embedded simulator \(demo, in memory\) · CROUS\/Izly\u00a0: simulateur intégré/);
    const admin = await t.loginAs('admin');
    const code = (await t.runtime.services.institution.byId(t.runtime.database.db, 1))?.code ?? '';
    const settings = await admin.get<{ enabled: boolean; settings: Record<string, unknown>; updatedBy: string }>(`/api/v1/admin/connectors/crous/institutions/${code}/settings`);
    assert.equal(settings.status, 200, settings.text);
    assert.equal(settings.body.enabled, true);
    assert.equal(settings.body.settings.environment, 'simulator');
    assert.equal(settings.body.settings.crousNumber, DEMO_CROUS_NUMBER);
    assert.equal(settings.body.updatedBy, 'demo-seed');
    const rules = await admin.get<RulesView>(`/api/v1/admin/connectors/crous/institutions/${code}/tariff-rules`);
    assert.equal(rules.body.lastError, null, rules.text);
    assert.deepEqual(rules.body.rules, DEMO_TARIFF_RULES);
    assert.equal(rules.body.rne, UNIVERSITY_UAI);
    assert.ok(t.runtime.embeddedCrous.simulator.requestLog.some((entry) =>
      entry.path === `/beforeizly/v1/crous/${DEMO_CROUS_NUMBER}/organization/${UNIVERSITY_UAI}` && entry.status === 200 && entry.rne === UNIVERSITY_UAI));

    // An admin's change survives the next start.
    const changed = await admin.put(`/api/v1/admin/connectors/crous/institutions/${code}/settings`, {
      enabled: false, settings: { ...settings.body.settings, identifier: 'eppn' },
    });
    assert.equal(changed.status, 200, changed.text);
    await prepareServing(t.runtime);
    const after = await admin.get<{ enabled: boolean; settings: Record<string, unknown> }>(`/api/v1/admin/connectors/crous/institutions/${code}/settings`);
    assert.equal(after.body.enabled, false);
    assert.equal(after.body.settings.identifier, 'eppn');
  });

  test('without the simulator, an institution set to it says so instead of calling anything', async () => {
    const other = await startTestApp({ env: { DEMO: 'true', CROUS_SIMULATOR: 'false' }, embeddedCrous: true });
    try {
      assert.equal(other.runtime.embeddedCrous, undefined);
      assert.doesNotMatch(startupMessage(other.runtime, { url: 'http://localhost:8080', seconds: '1.0', logins: undefined }), /CROUS/);
      await prepareServing(other.runtime);
      const admin = await other.loginAs('admin');
      const code = (await other.runtime.services.institution.byId(other.runtime.database.db, 1))?.code ?? '';
      const saved = await admin.put(`/api/v1/admin/connectors/crous/institutions/${code}/settings`, {
        enabled: true, settings: { mode: 'api', environment: 'simulator', crousNumber: '75' },
      });
      assert.equal(saved.status, 200, saved.text);
      const refreshed = await admin.post<RulesView>(`/api/v1/admin/connectors/crous/institutions/${code}/tariff-rules/refresh`);
      assert.match(refreshed.body.lastError ?? '', /^crous_simulator_not_running/);
    } finally {
      await other.close();
    }
  });
});
