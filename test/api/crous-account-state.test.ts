/**
 * The CROUS account and cards as the card and person pages read them (issue 11: "read live with a
 * short cache, and the sync history of that person"), and the CROUS reconcile ("a reconcile job
 * comparing campuscard with the remote side"), against the CROUS simulator over HTTP.
 * Consent gates every read; the cache answers for 30 s unless asked to refresh; a CROUS down or
 * refusing is an error state of a 200 answer; the routes answer 404 for a person or card outside
 * the caller's institutions or person types; the reconcile finds a card cancelled behind
 * campuscard's back and the normal delivery adds it back.
 */
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { sql } from 'kysely';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { createInstitution, createPerson, enabledCard, move, officeClients, type CardsWorld } from './cards.fixtures.ts';
import { startCrousSimulator, type CrousSimulator } from '../../src/adapters/crous/crous.simulator.ts';
import type { CrousSyncService } from '../../src/modules/crous/crous-sync.service.ts';
import type { CrousLiveInstitutionView, CrousHistoryEntry } from '../../src/modules/crous/crous-live-state.service.ts';
import type { CrousReconcileReport } from '../../src/modules/crous/crous-reconcile.service.ts';
import { registerCrousCommands } from '../../src/modules/crous/crous.cli.ts';
import type { Runtime } from '../../src/app/runtime.ts';

const UAI = '0751234J';
const SECRET = 'oauth-secret-of-the-university-1234';
const OFFSET = 99_990_000;

interface PersonCrous { personId: string; institutions: CrousLiveInstitutionView[]; history: CrousHistoryEntry[] }
interface CardCrous { cardId: string; personId: string; crous: CrousLiveInstitutionView; history: CrousHistoryEntry[] }

const silentReporter = { start: async () => {}, advance: async () => {}, succeed: async () => {}, fail: async () => {} };

describe('CROUS account state and reconcile', () => {
  let t: TestApp;
  let w: CardsWorld;
  let sim: CrousSimulator;
  let sync: CrousSyncService;
  let code: string;

  async function consenting(extra: Record<string, unknown> = {}) {
    const ine = `${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}ab`;
    const person = await createPerson(t, { ine, birthDate: '2004-05-06', rightsEnd: '2099-08-31', institution: code, ...extra });
    await t.runtime.services.people.setConsent(person.id, { kind: 'crous', granted: true, textVersion: '2026-12', locale: 'fr', channel: 'office' }, { actor: 'test' });
    return { ...person, identifier: ine.toUpperCase() };
  }

  async function idZdcOf(cardId: string): Promise<number> {
    const result = await sql<{ seq: string }>`SELECT min(seq) AS seq FROM card_moves WHERE card_id = ${cardId}`.execute(t.runtime.database.db);
    return OFFSET + Number(result.rows[0]?.seq);
  }

  async function drain(): Promise<void> {
    for (let i = 0; i < 200; i++) {
      await sync.deliverPending();
      if ((await sync.counts()).pending === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.fail('entries still pending');
  }

  async function personState(personId: string, refresh = false): Promise<PersonCrous> {
    const response = await w.manager.get<PersonCrous>(`/api/v1/persons/${personId}/crous${refresh ? '?refresh=true' : ''}`);
    assert.equal(response.status, 200, response.text);
    return response.body;
  }

  const apiCalls = (from: number) => sim.requestLog.slice(from).filter((e) => !e.path.includes('oauth'));

  before(async () => {
    sim = await startCrousSimulator({
      host: '127.0.0.1', port: 0, environment: 'preproduction',
      credentials: [{ mode: 'oauth2', id: 'univ-client', secret: SECRET, rne: UAI }],
    });
    t = await startTestApp({ env: { CONNECTOR_SECRETS_KEY: 'c'.repeat(40) } });
    await t.runtime.services.institution.save({
      name: 'Université Exemple', pic: '999999999', uai: UAI, schacHomeOrganization: 'univ.example.fr', country: 'FR', esiScope: 'national', settings: {},
    }, { actor: 'test' });
    w = await officeClients(t);
    const institutionId = Number((await sql<{ id: number }>`SELECT min(id) AS id FROM institutions`.execute(t.runtime.database.db)).rows[0]?.id);
    code = (await t.runtime.services.institution.byId(t.runtime.database.db, institutionId))?.code ?? '';
    const saved = await w.admin.put(`/api/v1/admin/connectors/crous/institutions/${code}/settings`, {
      enabled: true,
      settings: { mode: 'api', environment: 'preproduction', baseUrl: sim.url, auth: { mode: 'oauth2', accessUrl: sim.url, clientId: 'univ-client' } },
      secrets: { secret: { value: SECRET } },
    });
    assert.equal(saved.status, 200, saved.text);
    sync = t.runtime.services.crousSync.withOptions({ backoff: { baseMs: 1, maxMs: 5 }, random: () => 0 });
  });
  after(async () => {
    sync?.close();
    t?.runtime.services.crousLiveState.close();
    await t?.close();
    await sim?.close();
  });

  test('a consenting student\'s account and card, read live, then from the cache; the sync history; refresh asks again', async () => {
    const person = await consenting();
    const card = await enabledCard(w, person.id);
    await drain();
    const from = sim.requestLog.length;
    const first = await personState(person.id);
    const [view] = first.institutions;
    assert.ok(view);
    assert.equal(view.status, 'read', JSON.stringify(view));
    assert.equal(view.identifier, person.identifier);
    assert.equal(view.account?.accountStatus, 'NON_CONFIRME');
    assert.equal(view.account?.blockingStatus, 'NON_BLOQUE');
    assert.equal(view.account?.blocked, false);
    assert.equal(view.account?.idCompanyRate, 10);
    assert.ok(view.account?.dueDate.startsWith('2099-08-31'), view.account?.dueDate);
    assert.equal(view.cached, false);
    assert.deepEqual(view.cards.map((c) => [c.cardId, c.idZdc, c.status, c.expected]), [[card.id, await idZdcOf(card.id), 'active', 'active']]);
    assert.equal(apiCalls(from).length, 2, 'the account and the card');
    assert.ok(first.history.length >= 1);
    assert.ok(first.history.some((entry) => entry.status === 'done' && entry.operations.includes('ensureAccount')), JSON.stringify(first.history));

    const again = sim.requestLog.length;
    const cached = await personState(person.id);
    assert.equal(cached.institutions[0]?.cached, true);
    assert.equal(cached.institutions[0]?.readAt, view.readAt);
    assert.equal(apiCalls(again).length, 0, 'served from the cache');

    const refreshed = await personState(person.id, true);
    assert.equal(refreshed.institutions[0]?.cached, false);
    assert.equal(apiCalls(again).length, 2, 'refresh asks the CROUS again');

    // The card page: that card only, and the holder's history at the card's institution.
    const byCard = await w.manager.get<CardCrous>(`/api/v1/cards/${card.id}/crous`);
    assert.equal(byCard.status, 200, byCard.text);
    assert.equal(byCard.body.crous.status, 'read');
    assert.deepEqual(byCard.body.crous.cards.map((c) => c.status), ['active']);
    assert.ok(byCard.body.history.length >= 1);
  });

  test('a card declared lost shows cancelled with DP once delivered', async () => {
    const person = await consenting();
    const card = await enabledCard(w, person.id);
    await drain();
    await move(w.manager, card.id, 'DISABLED', { reason: 'LOST' });
    await drain();
    const response = await w.viewer.get<CardCrous>(`/api/v1/cards/${card.id}/crous?refresh=true`);
    assert.equal(response.status, 200, response.text);
    const [atCrous] = response.body.crous.cards;
    assert.equal(atCrous?.status, 'cancelled');
    assert.equal(atCrous?.expected, 'cancelled');
    assert.equal(atCrous?.cancelReason, 'DP');
    assert.ok(atCrous?.cancelDate);
  });

  test('a cached read older than a sync entry settled since is read again, without refresh; a pending entry says so', async () => {
    const person = await consenting();
    await drain();
    const before = (await personState(person.id)).institutions[0];
    assert.equal(before?.status, 'not_found', 'no card sent yet');
    assert.equal(before?.syncPending, false);
    assert.equal(before?.accountExpected, false, 'no card to send: no account wanted yet');
    const card = await enabledCard(w, person.id);
    const pending = (await personState(person.id)).institutions[0];
    assert.equal(pending?.syncPending, true, 'the activation is not delivered yet');
    await drain();
    const activated = await w.manager.get<CardCrous>(`/api/v1/cards/${card.id}/crous`);
    assert.equal(activated.body.crous.status, 'read', 'not the 404 kept from before the activation');
    assert.equal(activated.body.crous.cached, false);
    assert.equal(activated.body.crous.syncPending, false);
    assert.equal(activated.body.crous.accountExpected, true);
    assert.deepEqual(activated.body.crous.cards.map((c) => c.status), ['active']);
    assert.equal((await w.manager.get<CardCrous>(`/api/v1/cards/${card.id}/crous`)).body.crous.cached, true, 'nothing settled since: the cache answers');

    await move(w.manager, card.id, 'DISABLED', { reason: 'LOST' });
    await drain();
    const lost = await w.manager.get<CardCrous>(`/api/v1/cards/${card.id}/crous`);
    assert.equal(lost.body.crous.cached, false);
    assert.deepEqual(lost.body.crous.cards.map((c) => [c.status, c.cancelReason]), [['cancelled', 'DP']], 'not the VALIDE kept from before the loss');
  });

  test('without the CROUS consent nothing is asked, not even a read', async () => {
    const person = await createPerson(t, { ine: '223456789XY', rightsEnd: '2099-08-31' });
    await enabledCard(w, person.id);
    await drain();
    const from = sim.requestLog.length;
    const state = await personState(person.id, true);
    assert.equal(state.institutions[0]?.status, 'no_consent');
    assert.equal(state.institutions[0]?.problem?.code, 'crous_no_consent');
    assert.equal(state.institutions[0]?.account, null);
    assert.equal(sim.requestLog.length, from, 'no call at all');
  });

  test('an account the CROUS does not hold is not_found; a frozen one (423) an error with its meaning; the CROUS down an error, never a 5xx', async () => {
    const unsent = await consenting();
    const notFound = await personState(unsent.id, true);
    assert.equal(notFound.institutions[0]?.status, 'not_found', JSON.stringify(notFound.institutions[0]?.error));
    assert.equal(notFound.institutions[0]?.account, null);

    const person = await consenting();
    const card = await enabledCard(w, person.id);
    await drain();
    sim.setAccountState(person.identifier, { blockingStatus: 'COMPTE_GELE' });
    const locked = (await personState(person.id, true)).institutions[0];
    assert.equal(locked?.status, 'error');
    assert.equal(locked?.error?.code, 'crous_account_locked');
    assert.equal(locked?.error?.remoteStatus, 423);
    assert.match(locked?.error?.meaning?.fr ?? '', /verrouillé/);
    assert.match(locked?.error?.meaning?.en ?? '', /locked/);
    assert.deepEqual(locked?.cards.map((c) => [c.cardId, c.status]), [[card.id, 'not_read']]);
    sim.setAccountState(person.identifier, { blockingStatus: 'NON_BLOQUE' });

    sim.setFaults({ down: true, downMode: 'unavailable' });
    try {
      const down = await w.manager.get<CardCrous>(`/api/v1/cards/${card.id}/crous?refresh=true`);
      assert.equal(down.status, 200, down.text);
      assert.equal(down.body.crous.status, 'error');
      assert.equal(down.body.crous.error?.code, 'crous_http_503');
      assert.equal(down.body.crous.error?.remoteStatus, 503);
    } finally {
      sim.setFaults({});
    }
  });

  test('a paused connector and an institution without one say so, and ask nothing', async () => {
    const person = await consenting();
    await enabledCard(w, person.id);
    await drain();
    const paused = await w.admin.post(`/api/v1/admin/connectors/crous/institutions/${code}/pause`, { reason: 'maintenance' });
    assert.equal(paused.status, 200, paused.text);
    try {
      const from = sim.requestLog.length;
      const state = await personState(person.id, true);
      assert.equal(state.institutions[0]?.status, 'paused');
      assert.equal(sim.requestLog.length, from);
    } finally {
      assert.equal((await w.admin.post(`/api/v1/admin/connectors/crous/institutions/${code}/resume`)).status, 200);
    }
    await createInstitution(w, { code: 'ecole-sans-crous', name: 'École sans CROUS' });
    const elsewhere = await createPerson(t, { institution: 'ecole-sans-crous' });
    const state = await personState(elsewhere.id);
    assert.deepEqual(state.institutions.map((i) => [i.institution, i.status]), [['ecole-sans-crous', 'not_configured']]);
  });

  test('a manager of another institution, or of another person type, gets 404 for the person and the card', async () => {
    const person = await consenting();
    const card = await enabledCard(w, person.id);
    await createInstitution(w, { code: 'autre-ecole', name: 'Autre école' });
    const otherInstitution = await t.loginAs('manager', { institutions: ['autre-ecole'] });
    const staffOnly = await t.loginAs('manager', { personTypes: ['staff'] });
    const holder = await t.loginAs('cardholder', { personId: person.id });
    for (const client of [otherInstitution, staffOnly]) {
      const byPerson = await client.get<{ code: string }>(`/api/v1/persons/${person.id}/crous`);
      assert.equal(byPerson.status, 404, byPerson.text);
      assert.equal(byPerson.body.code, 'person_not_found');
      const byCard = await client.get(`/api/v1/cards/${card.id}/crous`);
      assert.equal(byCard.status, 404, byCard.text);
    }
    assert.equal((await holder.get(`/api/v1/persons/${person.id}/crous`)).status, 403, 'the office\'s page, not the holder\'s');
    assert.equal((await t.anonymous.get(`/api/v1/cards/${card.id}/crous`)).status, 401);
    assert.equal((await w.manager.post('/api/v1/admin/crous/reconcile')).status, 403);
  });

  test('reconcile: a card cancelled at the CROUS behind campuscard\'s back is found, queued and added back by the delivery', async () => {
    const drifted = await consenting();
    const card = await enabledCard(w, drifted.id);
    const steady = await consenting();
    await enabledCard(w, steady.id);
    const lapsed = await consenting();
    await enabledCard(w, lapsed.id);
    await drain();
    const idZdc = await idZdcOf(card.id);
    const atCrous = sim.accounts.get(drifted.identifier)?.cards.get(idZdc);
    assert.ok(atCrous);
    atCrous.cancelDate = '2026-11-01T10:00:00.000Z';
    atCrous.reason = 'HS';
    // An account deleted at the CROUS: created again, with its card.
    sim.accounts.delete(lapsed.identifier);
    await sync.deliverPending();
    assert.notEqual(sim.accounts.get(drifted.identifier)?.cards.get(idZdc)?.cancelDate, '', 'deliveries trust their records; only the reconcile looks');

    const report: CrousReconcileReport = await t.runtime.services.crousReconcile.reconcile(silentReporter);
    assert.equal(report.errors, 0, JSON.stringify(report.failures));
    assert.ok(report.checked >= 3, JSON.stringify(report));
    assert.equal(report.differing, 2, JSON.stringify(report));
    assert.equal(report.queued, 2);
    assert.equal(report.differences.card_cancelled, 1);
    assert.equal(report.differences.account_missing, 1);
    assert.equal(report.differences.card_missing, 1);
    const from = sim.requestLog.length;
    await drain();
    assert.equal(sim.accounts.get(drifted.identifier)?.cards.get(idZdc)?.cancelDate, '', 'revalidated');
    assert.ok(sim.accounts.get(lapsed.identifier)?.cards.size === 1, 'account and card created again');
    assert.ok(apiCalls(from).some((e) => e.method === 'PATCH'), 'the revalidation went through the normal delivery');
    const history = await personState(drifted.id, true);
    assert.ok(history.history.some((entry) => entry.reason === 'reconcile' && entry.status === 'done'), JSON.stringify(history.history));

    const second = await t.runtime.services.crousReconcile.reconcile(silentReporter);
    assert.equal(second.differing, 0, JSON.stringify(second));
    assert.equal(second.queued, 0);
  });

  test('reconcile from the command line: the same comparison, recorded as a job run', async () => {
    const person = await consenting();
    const card = await enabledCard(w, person.id);
    await drain();
    sim.accounts.get(person.identifier)?.cards.delete(await idZdcOf(card.id));
    let out = '';
    let code = 0;
    const program = new Command('campuscard').exitOverride();
    const withRuntime = <T>(_command: string, work: (runtime: Runtime) => Promise<T>) => work(t.runtime);
    registerCrousCommands(program, withRuntime, { out: (text) => { out += text; }, err: process.stderr, setExitCode: (c) => { code = c; } });
    await program.parseAsync(['node', 'campuscard', 'crous', 'reconcile']);
    assert.equal(code, 0, out);
    assert.match(out, / 1 differing, 1 queued for a sync, 0 error\(s\)/);
    const runs = await t.runtime.services.jobRuns.list({ kind: 'crous-reconcile' });
    assert.ok(runs.some((run) => run.status === 'succeeded' && run.createdBy === 'cli'), JSON.stringify(runs));
    await drain();
    assert.ok(sim.accounts.get(person.identifier)?.cards.has(await idZdcOf(card.id)), 'the card is added back');
  });

  test('reconcile with the CROUS down: each person an error with its code, nothing queued, and the run stops early', async () => {
    sim.setFaults({ down: true, downMode: 'unavailable' });
    try {
      const report = await t.runtime.services.crousReconcile.reconcile(silentReporter);
      assert.equal(report.stoppedEarly, true, JSON.stringify(report));
      assert.ok(report.errors >= 5, JSON.stringify(report));
      assert.ok(report.checked + report.skipped + report.errors < report.total, 'not every person was tried');
      assert.equal(report.queued, 0);
      assert.equal(report.failures[0]?.code, 'crous_http_503');
    } finally {
      sim.setFaults({});
    }
  });

  test('reconcile as a job started by an admin, recorded with its report', async () => {
    const started = await w.admin.post<{ id: string }>('/api/v1/admin/crous/reconcile');
    assert.equal(started.status, 202, started.text);
    await t.runtime.jobs.drain(['crous-reconcile']);
    const run = await w.admin.get<{ status: string; kind: string; result: CrousReconcileReport }>(`/api/v1/jobs/${started.body.id}`);
    assert.equal(run.status, 200, run.text);
    assert.equal(run.body.status, 'succeeded', JSON.stringify(run.body));
    assert.equal(run.body.kind, 'crous-reconcile');
    assert.equal(run.body.result.errors, 0);
    assert.ok(run.body.result.checked > 0);
  });
});
