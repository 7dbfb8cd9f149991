/**
 * The ESC Router sync with two institutions: each registers its own view of its persons and the
 * cards it issued, with its own PIC and its own API key, against the simulator (which, like the
 * router, keeps one key's institution's records apart from another's). Operators see and act on
 * the entries of their institutions only.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createEscRouterClient, EscRouterError, type EscRouterClient } from '../../src/adapters/esc-router/esc-router.client.ts';
import { esiKey } from '../../src/modules/esc/domain/esi.ts';
import type { EntryPage } from '../../src/modules/esc/esc-sync.service.ts';
import { createInstitution, createPerson, encode, institutionCode, move, requestCard } from './cards.fixtures.ts';
import { assertRouterMatches, firstInstitution, PIC, ROUTER_KEY, setEscConsent, startEscWorld, type EscWorld } from './esc-sync.fixtures.ts';

const SCHOOL = { code: 'ecole-esc', name: 'École ESC', pic: '999888777' };
const SCHOOL_KEY = 'school-router-key-0042';

let w: EscWorld;
let university: { id: number; code: string };
let schoolId: number;
let universityRouter: EscRouterClient;
let schoolRouter: EscRouterClient;

before(async () => {
  w = await startEscWorld();
  const first = await firstInstitution(w.t);
  university = { id: first.id, code: await institutionCode(w.t, first.id) };
  schoolId = await createInstitution(w, { code: SCHOOL.code, name: SCHOOL.name, kind: 'institution', pic: SCHOOL.pic });
  // The router's onboarding gave the school a key bound to its PIC; the admin stores it.
  w.sim.registerApiKey(SCHOOL_KEY, { pic: SCHOOL.pic, name: SCHOOL.name });
  const stored = await w.admin.put<{ configured: boolean; last4: string; source: string }>(`/api/v1/institutions/${SCHOOL.code}/esc-api-key`, { apiKey: SCHOOL_KEY });
  assert.equal(stored.status, 200, stored.text);
  assert.deepEqual(stored.body, { configured: true, last4: '0042', source: 'institution' });
  universityRouter = createEscRouterClient({ baseUrl: w.sim.url, apiKey: ROUTER_KEY });
  schoolRouter = createEscRouterClient({ baseUrl: w.sim.url, apiKey: SCHOOL_KEY });
});
after(async () => {
  await w.close();
});

function ine(): string {
  return `${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}AB`;
}

/** A card of this institution walked to ENABLED by the manager. */
async function enabledAt(personId: string, institution: string) {
  const card = await requestCard(w, personId, w.manager, institution);
  await encode(w, card.id);
  return move(w.manager, card.id, 'ENABLED');
}

/** The router's HTTP status for a call, or 'ok'. */
async function statusOf(call: Promise<unknown>): Promise<number | 'ok'> {
  try {
    await call;
    return 'ok';
  } catch (error) {
    assert.ok(error instanceof EscRouterError, String(error));
    return error.status ?? 0;
  }
}

test('a person enrolled at both is registered by each with its own key; neither institution can see or change the other\'s records', async () => {
  w.sim.requestLog.length = 0;
  const person = await createPerson(w.t, { ine: ine(), academicLevel: 7, institution: university.code });
  await w.t.runtime.services.people.update(person.id, { institution: SCHOOL.code, personType: 'student', academicLevel: 8 }, { actor: 'test' });
  await setEscConsent(w.t, person.id, true);
  const onlySchool = await createPerson(w.t, { ine: ine(), institution: SCHOOL.code });
  await setEscConsent(w.t, onlySchool.id, true);
  const universityCard = await enabledAt(person.id, university.code);
  const schoolCard = await enabledAt(person.id, SCHOOL.code);
  const otherSchoolCard = await enabledAt(onlySchool.id, SCHOOL.code);

  const report = await w.escSync.deliverPending();
  assert.deepEqual([report.done, report.failed, report.retry], [3, 0, 0], JSON.stringify(report));
  const esi = esiKey(person.esi as string);
  const atRouter = w.sim.state.persons.get(esi);
  assert.ok(atRouter);
  assert.deepEqual(Object.fromEntries(atRouter.organisations), {
    [PIC]: { academicLevel: 'MASTER', email: person.email },
    [SCHOOL.pic]: { academicLevel: 'DOCTORATE', email: person.email },
  }, 'one link per institution, each with its own enrolment\'s level');
  assert.equal(w.sim.state.cards.get(universityCard.escn as string)?.issuerIdentifier, PIC);
  assert.equal(w.sim.state.cards.get(schoolCard.escn as string)?.issuerIdentifier, SCHOOL.pic);
  // Every call was made with the key of the institution whose data it carried.
  for (const entry of w.sim.requestLog) {
    const body = entry.requestBody as { issuerIdentifier?: string; personOrganisationUpdateViews?: Array<{ organisationIdentifier: string }> } | undefined;
    const pic = body?.issuerIdentifier ?? body?.personOrganisationUpdateViews?.[0]?.organisationIdentifier;
    if (pic !== undefined) assert.equal(entry.pic, pic, `${entry.method} ${entry.path}`);
  }
  assert.ok(w.sim.requestLog.some((entry) => entry.pic === SCHOOL.pic) && w.sim.requestLog.some((entry) => entry.pic === PIC));
  await assertRouterMatches(w.t, w.sim);

  // Reading: each key sees its own cards and its own link to the shared person, nothing else.
  assert.equal(await statusOf(universityRouter.cards.get(schoolCard.escn as string)), 403);
  assert.equal(await statusOf(schoolRouter.cards.get(universityCard.escn as string)), 403);
  const seenByUniversity = await universityRouter.persons.get(person.esi as string);
  assert.deepEqual(seenByUniversity?.organisations?.map((o) => o.organisation?.identifier), [PIC]);
  assert.equal(await universityRouter.persons.get(onlySchool.esi as string), undefined, 'a person only the school registered: 404');
  const listed = await universityRouter.cards.list({ size: 1000 });
  const content = listed.content ?? [];
  assert.ok(content.length > 0 && content.every((card) => card.issuer?.identifier === PIC));
  assert.ok(!content.some((card) => card.cardNumber === otherSchoolCard.escn));

  // Changing: refused, and the school's records stay as they were.
  const schoolCardAtRouter = { ...w.sim.state.cards.get(schoolCard.escn as string) };
  assert.equal(await statusOf(universityRouter.cards.update(schoolCard.escn as string, {
    cardNumber: schoolCard.escn as string, cardStatusType: 'INACTIVE', cardType: 'SMART_NO_CDZ', expiresAt: '2099-01-01', issuedAt: '2020-01-01',
    issuerIdentifier: SCHOOL.pic, personIdentifier: person.esi as string,
  })), 403);
  assert.equal(await statusOf(universityRouter.deleteCard(schoolCard.escn as string)), 403);
  assert.equal(await statusOf(universityRouter.persons.update(onlySchool.esi as string, {
    identifier: onlySchool.esi as string, identifierCode: 'ESI', fullName: 'Pirate', personOrganisationUpdateViews: [{ organisationIdentifier: SCHOOL.pic }],
  })), 403);
  assert.equal((await universityRouter.deletePerson(onlySchool.esi as string)).action, 'absent', 'not the university\'s person: 404, nothing deleted');
  assert.deepEqual(w.sim.state.cards.get(schoolCard.escn as string), schoolCardAtRouter);
  assert.equal(w.sim.state.persons.get(esiKey(onlySchool.esi as string))?.fullName, `${onlySchool.firstName} ${onlySchool.lastName}`);
  await assertRouterMatches(w.t, w.sim);

  // The school's card suspended: only the school's view changes, with the school's key.
  const before = w.sim.requestLog.length;
  await move(w.manager, schoolCard.id, 'DISABLED', { reason: 'LOST' });
  await w.escSync.deliverPending();
  assert.equal(w.sim.state.cards.get(schoolCard.escn as string)?.cardStatusType, 'INACTIVE');
  assert.equal(w.sim.state.cards.get(universityCard.escn as string)?.cardStatusType, 'ACTIVE');
  assert.ok(w.sim.requestLog.slice(before).every((entry) => entry.pic === SCHOOL.pic), 'only the school called');

  // Consent withdrawn: each institution takes back what it sent, with its own key.
  await setEscConsent(w.t, person.id, false);
  await w.escSync.deliverPending();
  assert.equal(w.sim.state.persons.has(esi), false);
  assert.equal(w.sim.state.cards.has(universityCard.escn as string), false);
  assert.equal(w.sim.state.cards.has(schoolCard.escn as string), false);
  await assertRouterMatches(w.t, w.sim);
});

test('a manager of the university sees none of the school\'s entries, persons or failures, and cannot replay them', async () => {
  const student = await createPerson(w.t, { ine: ine(), institution: SCHOOL.code });
  await setEscConsent(w.t, student.id, true);
  await enabledAt(student.id, SCHOOL.code);
  // A refusal at the school: an e-mail our validation accepts but the router does not.
  await w.t.runtime.database.db.updateTable('persons').set({ email: 'not-an-address' }).where('id', '=', student.id).execute();
  await w.escSync.deliverPending();
  const { rows } = await sql<{ id: string; institutionId: number; status: string }>`SELECT id, institution_id AS "institutionId", status FROM sync_outbox
    WHERE person_id = ${student.id} ORDER BY id DESC`.execute(w.t.runtime.database.db);
  // The newest failure: its delivery, once replayed, resolves the older ones.
  const failed = rows.find((row) => row.status === 'failed');
  assert.ok(failed, JSON.stringify(rows));
  assert.ok(rows.every((row) => Number(row.institutionId) === schoolId));

  const universityManager = await w.t.loginAs('manager', { institutions: [university.code] });
  const universityAdmin = await w.t.loginAs('admin', { institutions: [university.code] });
  const schoolManager = await w.t.loginAs('manager', { institutions: [SCHOOL.code] });

  const page = await universityManager.get<EntryPage>('/api/v1/esc/sync/entries?limit=200');
  assert.equal(page.status, 200, page.text);
  assert.ok(page.body.items.length > 0);
  assert.ok(page.body.items.every((item) => item.institution === university.code), 'only the university\'s entries');
  const schoolPage = await schoolManager.get<EntryPage>('/api/v1/esc/sync/entries?limit=200');
  assert.ok(schoolPage.body.items.some((item) => item.personId === student.id));
  assert.ok(schoolPage.body.items.every((item) => item.institution === SCHOOL.code));

  const counts = await sql<{ institutionId: number; n: number }>`SELECT institution_id AS "institutionId", count(*) AS n FROM sync_outbox GROUP BY 1`
    .execute(w.t.runtime.database.db);
  const countOf = (id: number) => Number(counts.rows.find((row) => Number(row.institutionId) === id)?.n ?? 0);
  const status = await universityManager.get<{ counts: { pending: number; failed: number; done: number }; recentFailures: Array<{ id: number }> }>('/api/v1/esc/sync/status');
  assert.equal(status.body.counts.pending + status.body.counts.failed + status.body.counts.done, countOf(university.id));
  assert.ok(!status.body.recentFailures.some((entry) => entry.id === Number(failed.id)));
  const schoolStatus = await schoolManager.get<{ counts: { pending: number; failed: number; done: number }; recentFailures: Array<{ id: number }> }>('/api/v1/esc/sync/status');
  assert.equal(schoolStatus.body.counts.pending + schoolStatus.body.counts.failed + schoolStatus.body.counts.done, countOf(schoolId));
  assert.ok(schoolStatus.body.recentFailures.some((entry) => entry.id === Number(failed.id)));

  const hidden = await universityManager.get(`/api/v1/persons/${student.id}/esc-sync`);
  assert.equal(hidden.status, 404);
  assert.equal(hidden.body.code, 'person_not_found');
  const shown = await schoolManager.get<{ state: string; institutions: Array<{ institution: string; state: string }> }>(`/api/v1/persons/${student.id}/esc-sync`);
  assert.equal(shown.status, 200, shown.text);
  assert.deepEqual(shown.body.institutions.map((i) => [i.institution, i.state]), [[SCHOOL.code, 'failed']]);

  const replay = await universityAdmin.post(`/api/v1/esc/sync/replay/${failed.id}`);
  assert.equal(replay.status, 404, 'another institution\'s entry does not exist for this admin');
  assert.equal(replay.body.code, 'esc_entry_not_found');
  const replayAll = await universityAdmin.post<{ count: number }>('/api/v1/esc/sync/replay-failed');
  assert.equal(replayAll.status, 200, replayAll.text);
  const still = await sql<{ status: string }>`SELECT status FROM sync_outbox WHERE id = ${failed.id}`.execute(w.t.runtime.database.db);
  assert.equal(still.rows[0]?.status, 'failed', 'replay-failed of the university leaves the school\'s failures');

  await w.t.runtime.database.db.updateTable('persons').set({ email: 'fixed@mail.example.org' }).where('id', '=', student.id).execute();
  const schoolAdmin = await w.t.loginAs('admin', { institutions: [SCHOOL.code] });
  assert.equal((await schoolAdmin.post(`/api/v1/esc/sync/replay/${failed.id}`)).status, 200);
  await w.escSync.deliverPending();
  assert.equal((await schoolManager.get<{ state: string }>(`/api/v1/persons/${student.id}/esc-sync`)).body.state, 'in_sync');
});

test('a reconcile started by the university\'s admin compares the university\'s records only, with its key', async () => {
  const person = await createPerson(w.t, { ine: ine(), institution: SCHOOL.code });
  await setEscConsent(w.t, person.id, true);
  const card = await enabledAt(person.id, SCHOOL.code);
  await w.escSync.deliverPending();
  const atRouter = w.sim.state.cards.get(card.escn as string);
  assert.ok(atRouter);
  atRouter.cardStatusType = 'INACTIVE';
  w.sim.requestLog.length = 0;
  const universityAdmin = await w.t.loginAs('admin', { institutions: [university.code] });
  const started = await universityAdmin.post<{ id: string }>('/api/v1/esc/sync/reconcile');
  assert.equal(started.status, 202, started.text);
  await w.t.runtime.jobs.drain(['esc-reconcile']);
  const run = await universityAdmin.get<{ status: string }>(`/api/v1/jobs/${started.body.id}`);
  assert.equal(run.body.status, 'succeeded', JSON.stringify(run.body));
  assert.equal((await (await w.t.loginAs('manager', { institutions: [university.code] })).get(`/api/v1/jobs/${started.body.id}`)).status, 200,
    'the run belongs to the university: its office follows it');
  assert.equal((await (await w.t.loginAs('manager', { institutions: [SCHOOL.code] })).get(`/api/v1/jobs/${started.body.id}`)).status, 404);
  assert.equal(w.sim.state.cards.get(card.escn as string)?.cardStatusType, 'INACTIVE', 'the school\'s drift is not the university\'s to fix');
  assert.ok(w.sim.requestLog.every((entry) => entry.pic === PIC), 'only the university\'s key was used');

  const schoolAdmin = await w.t.loginAs('admin', { institutions: [SCHOOL.code] });
  const fixed = await schoolAdmin.post<{ id: string }>('/api/v1/esc/sync/reconcile');
  assert.equal(fixed.status, 202, fixed.text);
  await w.t.runtime.jobs.drain(['esc-reconcile']);
  assert.equal(w.sim.state.cards.get(card.escn as string)?.cardStatusType, 'ACTIVE');
});

test('API keys: stored encrypted, shown by their last four characters, within the admin\'s scope, checked', async () => {
  const row = await sql<{ encrypted: string }>`SELECT esc_api_key_encrypted AS encrypted FROM institutions WHERE id = ${schoolId}`.execute(w.t.runtime.database.db);
  assert.ok(row.rows[0]?.encrypted.startsWith('v1.'));
  assert.ok(!row.rows[0]?.encrypted.includes(SCHOOL_KEY));
  const audited = await sql<{ value: string | null }>`SELECT changes ->> 'esc_api_key_encrypted' AS value FROM audit_log
    WHERE table_name = 'institutions' AND row_id = ${String(schoolId)} AND changes ? 'esc_api_key_encrypted'`.execute(w.t.runtime.database.db);
  assert.ok(audited.rows.length > 0, 'setting the key is audited');
  assert.deepEqual([...new Set(audited.rows.map((entry) => entry.value))], ['[redacted]'], 'but never its value, even encrypted');
  const status = await w.admin.get<Record<string, unknown>>(`/api/v1/institutions/${SCHOOL.code}/esc-api-key`);
  assert.equal(status.status, 200, status.text);
  assert.deepEqual(status.body, { configured: true, last4: '0042', source: 'institution' });
  assert.ok(!status.text.includes(SCHOOL_KEY));
  assert.deepEqual((await w.admin.get(`/api/v1/institutions/${university.code}/esc-api-key`)).body,
    { configured: false, last4: null, source: 'deployment' }, 'the university uses the deployment\'s key');

  const universityAdmin = await w.t.loginAs('admin', { institutions: [university.code] });
  const foreign = await universityAdmin.put(`/api/v1/institutions/${SCHOOL.code}/esc-api-key`, { apiKey: 'stolen-key-0000' });
  assert.equal(foreign.status, 404);
  assert.equal(foreign.body.code, 'institution_not_found');
  assert.equal((await universityAdmin.get(`/api/v1/institutions/${SCHOOL.code}/esc-api-key`)).status, 404);
  assert.equal((await w.manager.get(`/api/v1/institutions/${SCHOOL.code}/esc-api-key`)).status, 403);
  const bad = await w.admin.put(`/api/v1/institutions/${SCHOOL.code}/esc-api-key`, { apiKey: 'with space' });
  assert.equal(bad.status, 422);
  assert.deepEqual([bad.body.code, bad.body.field], ['invalid_esc_api_key', '/apiKey']);
  assert.equal((await w.admin.put('/api/v1/institutions/nowhere/esc-api-key', { apiKey: 'valid-key-1234' })).status, 404);

  // A wrong key makes the router refuse the school's deliveries (visible as failed), not the university's.
  assert.equal((await w.admin.put(`/api/v1/institutions/${SCHOOL.code}/esc-api-key`, { apiKey: 'revoked-key-9999' })).status, 200);
  const person = await createPerson(w.t, { ine: ine(), institution: SCHOOL.code });
  await setEscConsent(w.t, person.id, true);
  await enabledAt(person.id, SCHOOL.code);
  const outcome = await w.escSync.deliverPerson(person.id);
  assert.equal(outcome.outcome, 'failed');
  assert.equal(outcome.error?.remoteStatus, 401);
  const back = await w.admin.put<{ last4: string }>(`/api/v1/institutions/${SCHOOL.code}/esc-api-key`, { apiKey: SCHOOL_KEY });
  assert.equal(back.body.last4, '0042');
  const failed = await sql<{ id: string }>`SELECT id FROM sync_outbox WHERE person_id = ${person.id} AND status = 'failed'`.execute(w.t.runtime.database.db);
  for (const entry of failed.rows) assert.equal((await w.admin.post(`/api/v1/esc/sync/replay/${entry.id}`)).status, 200);
  assert.equal((await w.escSync.deliverPerson(person.id)).outcome, 'done');
  await assertRouterMatches(w.t, w.sim);

  // Removed: the school falls back to the deployment's key (bound to the university's PIC, so the router would refuse it).
  const removed = await w.admin.put(`/api/v1/institutions/${SCHOOL.code}/esc-api-key`, { apiKey: null });
  assert.deepEqual(removed.body, { configured: false, last4: null, source: 'deployment' });
  assert.equal((await w.admin.put(`/api/v1/institutions/${SCHOOL.code}/esc-api-key`, { apiKey: SCHOOL_KEY })).status, 200);
});

test('an institution without a PIC waits (institution_not_configured) without holding the others back', async () => {
  const noPic = await createInstitution(w, { code: 'sans-pic', name: 'Sans PIC', kind: 'institution' });
  const person = await createPerson(w.t, { ine: ine(), institution: university.code });
  await setEscConsent(w.t, person.id, true);
  const card = await enabledAt(person.id, university.code);
  // An entry of the PIC-less institution about someone (as after a data change there).
  await w.t.runtime.database.db.insertInto('syncOutbox').values({ connector: 'esc', institutionId: noPic, personId: person.id, reason: 'person_changed' }).execute();
  const report = await w.escSync.withOptions({ breakerThreshold: 1 }).deliverPending();
  assert.equal(report.stoppedEarly, false, 'a local wait does not trip the circuit breaker');
  assert.equal(w.sim.state.cards.get(card.escn as string)?.cardStatusType, 'ACTIVE');
  const waiting = await sql<{ status: string; code: string }>`SELECT status, last_error_code AS code FROM sync_outbox
    WHERE institution_id = ${noPic}`.execute(w.t.runtime.database.db);
  assert.deepEqual(waiting.rows, [{ status: 'pending', code: 'institution_not_configured' }]);
});

test('a card shared by a federation\'s members is registered by its issuing member only, with that member\'s key', async () => {
  await createInstitution(w, { code: 'fed-esc', name: 'Fédération ESC', kind: 'federation', settings: { sharedCard: true } });
  const members = [{ code: 'membre-a', pic: '999777001', key: 'member-a-router-key' }, { code: 'membre-b', pic: '999777002', key: 'member-b-router-key' }];
  for (const member of members) {
    await createInstitution(w, { code: member.code, name: member.code, parent: 'fed-esc', pic: member.pic });
    w.sim.registerApiKey(member.key, { pic: member.pic });
    assert.equal((await w.admin.put(`/api/v1/institutions/${member.code}/esc-api-key`, { apiKey: member.key })).status, 200);
  }
  const person = await createPerson(w.t, { ine: ine(), institution: 'membre-a' });
  await w.t.runtime.services.people.create({
    eppn: person.eppn, lastName: person.lastName, firstName: person.firstName, personType: 'student', institution: 'membre-b',
  }, { actor: 'test' });
  await setEscConsent(w.t, person.id, true);
  const card = await enabledAt(person.id, 'membre-a');
  const second = await w.manager.post('/api/v1/cards', { personId: person.id, cardKind: 'physical', institution: 'membre-b' });
  assert.deepEqual([second.status, second.body.code], [409, 'shared_card_exists'], 'the federation shares one card, issued by member A');
  w.sim.requestLog.length = 0;
  await w.escSync.deliverPending();
  assert.equal(w.sim.state.cards.get(card.escn as string)?.issuerIdentifier, members[0]?.pic);
  assert.deepEqual([...(w.sim.state.persons.get(esiKey(person.esi as string))?.organisations.keys() ?? [])], [members[0]?.pic],
    'member B registers nothing: it issued no card');
  assert.ok(w.sim.requestLog.length > 0 && w.sim.requestLog.every((entry) => entry.pic === members[0]?.pic));
  const entries = await sql<{ institutionId: number; status: string }>`SELECT institution_id AS "institutionId", status FROM sync_outbox
    WHERE person_id = ${person.id}`.execute(w.t.runtime.database.db);
  assert.ok(entries.rows.every((row) => row.status === 'done'), JSON.stringify(entries.rows));
  await assertRouterMatches(w.t, w.sim);
});

test('the « Connecteurs » overview shows the ESC Router as the deployment configures it: on where the institution has its PIC and key, not configured where it has no PIC', async () => {
  const overview = await w.admin.get<{ items: Array<{ connector: string; institution: string; configured: boolean; enabled: boolean; configuredBy: string }> }>('/api/v1/admin/connectors');
  assert.equal(overview.status, 200, overview.text);
  const esc = (code: string) => overview.body.items.find((item) => item.connector === 'esc' && item.institution === code);
  const school = esc(SCHOOL.code);
  assert.deepEqual(school && [school.configured, school.enabled, school.configuredBy], [true, true, 'deployment'], overview.text);
  assert.equal(esc(university.code)?.enabled, true, overview.text);
  const withoutPic = overview.body.items.filter((item) => item.connector === 'esc' && item.configured === false);
  assert.ok(withoutPic.length > 0 && withoutPic.every((item) => item.enabled === false && item.configuredBy === 'deployment'), overview.text);
  const settings = await w.admin.get<{ configured: boolean; enabled: boolean; configuredBy: string }>(`/api/v1/admin/connectors/esc/institutions/${SCHOOL.code}/settings`);
  assert.deepEqual([settings.body.configured, settings.body.enabled, settings.body.configuredBy], [true, true, 'deployment'], settings.text);
});

test('paused at the school, the ESC connector leaves the school\'s entries waiting untouched while the university\'s go; resumed, they drain', async () => {
  const paused = await w.admin.post<{ paused: boolean }>(`/api/v1/admin/connectors/esc/institutions/${SCHOOL.code}/pause`, { reason: 'router maintenance' });
  assert.equal(paused.status, 200, paused.text);
  assert.equal(paused.body.paused, true);
  const atSchool = await createPerson(w.t, { ine: ine(), institution: SCHOOL.code });
  await setEscConsent(w.t, atSchool.id, true);
  const schoolCard = await enabledAt(atSchool.id, SCHOOL.code);
  const atUniversity = await createPerson(w.t, { ine: ine(), institution: university.code });
  await setEscConsent(w.t, atUniversity.id, true);
  const universityCard = await enabledAt(atUniversity.id, university.code);

  await w.escSync.deliverPending();
  assert.equal(w.sim.state.cards.get(universityCard.escn as string)?.cardStatusType, 'ACTIVE', 'the university is not held back');
  assert.equal(w.sim.state.cards.get(schoolCard.escn as string), undefined, 'nothing of the paused school was sent');
  assert.equal((await w.escSync.deliverPerson(atSchool.id)).outcome, 'idle', 'a person\'s own job does not deliver it either');
  const waiting = await sql<{ status: string; attempts: number }>`SELECT status, attempts FROM sync_outbox
    WHERE connector = 'esc' AND person_id = ${atSchool.id}`.execute(w.t.runtime.database.db);
  assert.ok(waiting.rows.length > 0);
  assert.ok(waiting.rows.every((row) => row.status === 'pending' && Number(row.attempts) === 0), JSON.stringify(waiting.rows));

  assert.equal((await w.admin.post(`/api/v1/admin/connectors/esc/institutions/${SCHOOL.code}/resume`, {})).status, 200);
  await w.escSync.deliverPending();
  assert.equal(w.sim.state.cards.get(schoolCard.escn as string)?.cardStatusType, 'ACTIVE', 'resumed, the waiting entries drain');
});
