/**
 * The CROUS connector on the connector engine (issue 11, "CROUS/Izly through the API") against
 * the CROUS simulator over HTTP: entries written by the real listeners (card moves, person
 * changes, consent), delivered by the engine with the institution's own settings and OAuth2
 * credentials. Consent gates every call; a second delivery with no change makes no call; an
 * outage loses nothing and applies each operation once; 406 is failed with its meaning and not
 * retried; 423 waits and goes through once unlocked; the due date is extended, never shortened.
 */
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { createInstitution, createPerson, enabledCard, encode, freshCsn, move, officeClients, requestCard, type CardsWorld } from './cards.fixtures.ts';
import { startCrousSimulator, type CrousSimulator } from '../../src/adapters/crous/crous.simulator.ts';
import { parseCrousDateTime } from '../../src/modules/crous/domain/crous-dates.ts';
import { dueDateOf } from '../../src/modules/crous/domain/crous-sync-rules.ts';
import type { CrousSyncService } from '../../src/modules/crous/crous-sync.service.ts';
import * as outbox from '../../src/platform/sync/sync-outbox.repository.ts';
import { CROUS_CARD_FILE_COLUMNS } from '../../src/modules/crous/domain/crous-card-file.ts';

const UAI = '0751234J';
const SECRET = 'oauth-secret-of-the-university-1234';
const OFFSET = 99_990_000;

interface EntryRow { status: string; attempts: number; lastErrorCode: string | null; lastErrorMessage: string | null; remoteStatus: number | null }

describe('CROUS sync through the API', () => {
  let t: TestApp;
  let w: CardsWorld;
  let sim: CrousSimulator;
  let sync: CrousSyncService;
  let institutionId: number;
  let code: string;

  async function consenting(extra: Record<string, unknown> = {}) {
    const ine = `${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}ab`;
    const person = await createPerson(t, { ine, birthDate: '2004-05-06', rightsEnd: '2099-08-31', ...extra });
    await t.runtime.services.people.setConsent(person.id, { kind: 'crous', granted: true, textVersion: '2026-12', locale: 'fr', channel: 'office' }, { actor: 'test' });
    return { ...person, identifier: ine.toUpperCase() };
  }

  async function entries(personId: string): Promise<EntryRow[]> {
    const result = await sql<EntryRow>`SELECT status, attempts, last_error_code AS "lastErrorCode", last_error_message AS "lastErrorMessage",
      remote_status AS "remoteStatus" FROM sync_outbox WHERE connector = 'crous' AND person_id = ${personId} ORDER BY id`.execute(t.runtime.database.db);
    return result.rows.map((row) => ({ ...row, attempts: Number(row.attempts) }));
  }

  async function sequenceOf(cardId: string): Promise<number> {
    const result = await sql<{ seq: string }>`SELECT min(seq) AS seq FROM card_moves WHERE card_id = ${cardId}`.execute(t.runtime.database.db);
    return Number(result.rows[0]?.seq);
  }

  /** Delivers until nothing is due (tests use millisecond backoffs). */
  async function drain(rounds = 200): Promise<void> {
    for (let i = 0; i < rounds; i++) {
      await sync.deliverPending();
      const counts = await sync.counts();
      if (counts.pending === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.fail('entries still pending');
  }

  const calls = (from: number) => sim.requestLog.slice(from).filter((e) => !e.path.includes('oauth'))
    .map((e) => `${e.method} ${e.path.replace(/^\/beforeizly\/v1/, '').replace(/\/rightholders\/[^/]+/, '/rightholders/{id}').replace(/\/smartcard\/\d+/, '/smartcard/{idZdc}')} ${e.status ?? 'reset'}`);

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
    institutionId = Number((await sql<{ id: number }>`SELECT min(id) AS id FROM institutions`.execute(t.runtime.database.db)).rows[0]?.id);
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
    await t?.close();
    await sim?.close();
  });

  test('enabling a card of a consenting student creates the account, then the card; a second delivery makes no call', async () => {
    const person = await consenting();
    const from = sim.requestLog.length;
    const card = await enabledCard(w, person.id);
    assert.equal(sim.requestLog.length, from, 'nothing is sent inside the user request');
    const report = await sync.deliverPending();
    assert.equal(report.done, 1);
    assert.deepEqual(calls(from), ['GET /rightholders/{id} 404', 'POST /rightholders 201', 'GET /rightholders/{id}/smartcard/{idZdc} 404',
      'POST /rightholders/{id}/smartcard 201']);
    const account = sim.accounts.get(person.identifier);
    assert.ok(account, 'account created under the INE');
    assert.equal(account.wire.rneOrgCode, UAI);
    assert.equal(account.wire.simpleBirthDate, '2004-05-06');
    assert.equal(account.wire.idCompanyRate, 10);
    const idZdc = OFFSET + await sequenceOf(card.id);
    const atCrous = account.cards.get(idZdc);
    assert.ok(atCrous, `card added with idZdc = offset + its sequence (${idZdc})`);
    assert.equal(atCrous.uid, card.csn?.hex.toUpperCase());
    assert.equal(atCrous.cancelDate, '');

    // A duplicate entry (as a replay or a second change would write): delivered without a call.
    await outbox.insertEntriesForPersons(t.runtime.database.db, 'crous', [person.id], 'test_duplicate');
    const again = sim.requestLog.length;
    const second = await sync.deliverPending();
    assert.equal(second.done, 1);
    assert.deepEqual(calls(again), [], 'no change, no call');
  });

  test('declaring the card lost cancels it with DP', async () => {
    const person = await consenting();
    const card = await enabledCard(w, person.id);
    await drain();
    const from = sim.requestLog.length;
    await move(w.manager, card.id, 'DISABLED', { reason: 'LOST' });
    await drain();
    assert.deepEqual(calls(from), ['GET /rightholders/{id}/smartcard/{idZdc} 200', 'PATCH /rightholders/{id}/smartcard/{idZdc} 200']);
    const atCrous = sim.accounts.get(person.identifier)?.cards.get(OFFSET + await sequenceOf(card.id));
    assert.equal(atCrous?.reason, 'DP');
    assert.notEqual(atCrous?.cancelDate, '');
  });

  test('without CROUS consent nothing is sent, not even a read', async () => {
    const person = await createPerson(t, { ine: '123456789XY', rightsEnd: '2099-08-31' });
    const from = sim.requestLog.length;
    await enabledCard(w, person.id);
    await drain();
    assert.deepEqual(calls(from), []);
    assert.ok((await entries(person.id)).every((entry) => entry.status === 'done'));
    assert.equal(sim.accounts.has('123456789XY'), false);
  });

  test('CROUS down for a while, then back: nothing lost, each operation applied once', async () => {
    const person = await consenting();
    sim.setFaults({ down: true, downMode: 'unavailable' });
    const card = await enabledCard(w, person.id);
    await sync.deliverPending();
    await sync.deliverPending();
    const waiting = await entries(person.id);
    assert.ok(waiting.some((entry) => entry.status === 'pending' && entry.attempts >= 1 && entry.remoteStatus === 503), JSON.stringify(waiting));
    sim.setFaults({});
    const from = sim.requestLog.length;
    await drain();
    assert.deepEqual(calls(from).filter((c) => c.startsWith('POST')), ['POST /rightholders 201', 'POST /rightholders/{id}/smartcard 201']);
    assert.ok(sim.accounts.get(person.identifier)?.cards.has(OFFSET + await sequenceOf(card.id)));
    assert.ok((await entries(person.id)).every((entry) => entry.status === 'done'));
  });

  test('406 (another institution has priority) is failed with its meaning and not retried; the card still goes', async () => {
    const person = await consenting();
    const first = await enabledCard(w, person.id);
    await drain();
    const account = sim.accounts.get(person.identifier);
    assert.ok(account);
    account.priorityRne = '0999999Z';
    account.wire = { ...account.wire, rneOrgCode: '0999999Z' };
    // A change of the account's data (the account is written again) and a new card, delivered together.
    await t.runtime.services.people.update(person.id, { firstName: 'Renommée' }, { actor: 'test' });
    const second = await enabledCard(w, person.id);
    await drain();
    // The delivery settles both entries (the person change and the card move) with the refusal.
    const failed = (await entries(person.id)).filter((entry) => entry.status === 'failed');
    assert.equal(failed.length, 2);
    for (const entry of failed) {
      assert.equal(entry.lastErrorCode, 'crous_priority_elsewhere');
      assert.equal(entry.remoteStatus, 406);
      assert.match(entry.lastErrorMessage ?? '', /Un autre établissement est prioritaire.*Another institution has priority/);
    }
    assert.equal(account.wire.rneOrgCode, '0999999Z', 'the account is left to the institution with priority');
    assert.ok(account.cards.has(OFFSET + await sequenceOf(second.id)), 'adding the card still works');
    assert.equal(account.cards.get(OFFSET + await sequenceOf(first.id))?.reason, 'HS', 'the replaced card is cancelled (HS)');
    const from = sim.requestLog.length;
    await sync.deliverPending();
    assert.deepEqual(calls(from), [], 'not retried');

    // The other institution gives up its priority; an operator replays the failed entries.
    account.priorityRne = UAI;
    const replayed = await w.admin.post<{ count: number }>('/api/v1/connectors/crous/replay-failed', { errorCode: 'crous_priority_elsewhere' });
    assert.equal(replayed.status, 200, replayed.text);
    assert.equal(replayed.body.count, 2);
    await drain();
    assert.ok((await entries(person.id)).every((entry) => entry.status === 'done'));
    assert.equal(account.wire.rneOrgCode, UAI);
  });

  test('423 (account locked) waits with its meaning, and goes through once the CROUS unlocks it', async () => {
    const person = await consenting();
    const card = await enabledCard(w, person.id);
    await drain();
    await move(w.manager, card.id, 'DISABLED', { reason: 'MANAGER', comment: 'test' });
    await drain();
    sim.setAccountState(person.identifier, { blockingStatus: 'COMPTE_GELE' });
    await move(w.manager, card.id, 'ENABLED');
    await sync.deliverPending();
    const waiting = (await entries(person.id)).find((entry) => entry.status === 'pending');
    assert.equal(waiting?.lastErrorCode, 'crous_account_locked');
    assert.equal(waiting?.remoteStatus, 423);
    assert.match(waiting?.lastErrorMessage ?? '', /verrouillé.*locked/);
    sim.setAccountState(person.identifier, { blockingStatus: 'NON_BLOQUE' });
    await drain();
    const atCrous = sim.accounts.get(person.identifier)?.cards.get(OFFSET + await sequenceOf(card.id));
    assert.equal(atCrous?.cancelDate, '', 'revalidated');
    assert.notEqual(atCrous?.revalidationDate, '');
  });

  test('due date round trip: extended rights extend the account; shortened rights shorten nothing', async () => {
    const person = await consenting({ rightsEnd: '2098-08-31' });
    await enabledCard(w, person.id);
    await drain();
    const dueOf = () => parseCrousDateTime(sim.accounts.get(person.identifier)?.wire.dueDate ?? '')?.getTime();
    assert.equal(dueOf(), dueDateOf('2098-08-31', 'Europe/Paris').getTime());
    await t.runtime.services.people.update(person.id, { rightsEnd: '2099-08-31' }, { actor: 'test' });
    await drain();
    assert.equal(dueOf(), dueDateOf('2099-08-31', 'Europe/Paris').getTime(), 'extended');
    const from = sim.requestLog.length;
    await t.runtime.services.people.update(person.id, { rightsEnd: '2097-08-31' }, { actor: 'test' });
    await drain();
    assert.equal(dueOf(), dueDateOf('2099-08-31', 'Europe/Paris').getTime(), 'never shortened');
    assert.deepEqual(calls(from), ['GET /rightholders/{id} 200'], 'read, nothing written');
  });
  test('a paused connector keeps the entries waiting untouched (not even claimed, no call); resumed, they go', async () => {
    const paused = await w.admin.post(`/api/v1/admin/connectors/crous/institutions/${code}/pause`, { reason: 'maintenance' });
    assert.equal(paused.status, 200, paused.text);
    const person = await consenting();
    const from = sim.requestLog.length;
    await enabledCard(w, person.id);
    await sync.deliverPending();
    assert.deepEqual(calls(from), []);
    const waiting = await entries(person.id);
    // Not claimed at all: no attempt counted, no error, so no backoff delays them after the resume.
    assert.ok(waiting.length > 0 && waiting.every((entry) => entry.status === 'pending' && entry.attempts === 0 && entry.lastErrorCode === null), JSON.stringify(waiting));
    const resumed = await w.admin.post(`/api/v1/admin/connectors/crous/institutions/${code}/resume`, {});
    assert.equal(resumed.status, 200, resumed.text);
    await drain();
    assert.ok(sim.accounts.has(person.identifier));
  });

  test('consent withdrawn after sending: no more account writes, but a lost card is still cancelled', async () => {
    const person = await consenting();
    const card = await enabledCard(w, person.id);
    await drain();
    await t.runtime.services.people.setConsent(person.id, { kind: 'crous', granted: false, textVersion: '2026-12', locale: 'fr', channel: 'office' }, { actor: 'test' });
    await t.runtime.services.people.update(person.id, { lastName: 'Changé', email: 'autre@mail.example.org' }, { actor: 'test' });
    const from = sim.requestLog.length;
    await drain();
    assert.deepEqual(calls(from), [], 'the changed data does not leave');
    await move(w.manager, card.id, 'DISABLED', { reason: 'THEFT' });
    await drain();
    assert.deepEqual(calls(from), ['GET /rightholders/{id}/smartcard/{idZdc} 200', 'PATCH /rightholders/{id}/smartcard/{idZdc} 200']);
    assert.equal(sim.accounts.get(person.identifier)?.cards.get(OFFSET + await sequenceOf(card.id))?.reason, 'DV');
  });
  test('an institution without the CROUS API writes no entry at all', async () => {
    await createInstitution(w, { code: 'ecole-sans-crous', name: 'École sans CROUS', kind: 'institution', uai: '0922468H' });
    const person = await createPerson(t, { institution: 'ecole-sans-crous', ine: '111222333ZZ', rightsEnd: '2099-08-31' });
    await t.runtime.services.people.setConsent(person.id, { kind: 'crous', granted: true, textVersion: '2026-12', locale: 'fr', channel: 'office' }, { actor: 'test' });
    await enabledCard(w, person.id, 'ecole-sans-crous');
    await t.runtime.services.people.update(person.id, { firstName: 'Autre' }, { actor: 'test' });
    assert.deepEqual(await entries(person.id), []);
  });
  test('an INE given later renames the account (PATCH) and the cards follow it', async () => {
    const person = await createPerson(t, { institution: code, rightsEnd: '2099-08-31' });
    await t.runtime.services.people.setConsent(person.id, { kind: 'crous', granted: true, textVersion: '2026-12', locale: 'fr', channel: 'office' }, { actor: 'test' });
    const card = await enabledCard(w, person.id);
    await drain();
    assert.ok(sim.accounts.has(person.eppn), 'no INE: the eppn is the identifier');
    const ine = `${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}CD`;
    await t.runtime.services.people.update(person.id, { ine }, { actor: 'test' });
    const from = sim.requestLog.length;
    await drain();
    assert.deepEqual(calls(from), ['GET /rightholders/{id} 404', 'GET /rightholders/{id} 200', 'PATCH /rightholders/{id} 200', 'PUT /rightholders/{id} 200']);
    assert.equal(sim.accounts.has(person.eppn), false);
    const account = sim.accounts.get(ine);
    assert.ok(account, 'renamed to the INE');
    const records = await sql<{ identifier: string }>`SELECT identifier FROM sync_records WHERE connector = 'crous' AND person_id = ${person.id} AND kind = 'account'`
      .execute(t.runtime.database.db);
    assert.deepEqual(records.rows.map((row) => row.identifier), [ine], 'the old identifier\'s record is gone');
    await move(w.manager, card.id, 'DISABLED', { reason: 'OUT_OF_ORDER' });
    await drain();
    assert.equal(account.cards.get(OFFSET + await sequenceOf(card.id))?.reason, 'CD');
  });
  test('a chip delivered pre-encoded by the CROUS is sent with the CROUS\'s card number and data from its card file', async () => {
    const csn = freshCsn();
    const values: Record<string, string> = {
      'PIX.SS': '0A', 'PIX.NN': '1B', AAPL: '0001', NUM_PROTOCOLAIRE: csn, NUM_APPLICATIF: 'R555123', NFO: '3', CNOUS: '0', CROUS: '12',
      EMETTEUR: '1A2B', MAPPING: '7', NUM_CARTE: '555123', DATE_CREATION: '15/07/2025',
    };
    const body = `${CROUS_CARD_FILE_COLUMNS.join(';')}\r\n${CROUS_CARD_FILE_COLUMNS.map((column) => values[column]).join(';')}\r\n`;
    const imported = await w.admin.request('POST', `/api/v1/admin/crous/card-files?institution=${code}`, { payload: body, headers: { 'content-type': 'text/csv' } });
    assert.equal(imported.status, 200, imported.text);
    const person = await consenting({ institution: code });
    const card = await requestCard(w, person.id, w.manager, code);
    await encode(w, card.id, csn);
    await move(w.manager, card.id, 'ENABLED');
    await drain();
    const atCrous = sim.accounts.get(person.identifier)?.cards.get(555123);
    assert.ok(atCrous, 'added under the CROUS\'s number');
    assert.deepEqual([atCrous.idTransmitter, atCrous.idMapping, atCrous.rid, atCrous.uid], [0x1a2b, 7, 'R555123', csn]);
  });
});
