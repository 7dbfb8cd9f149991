import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startTestApp, type TestClient } from '../helpers/test-app.ts';
import { QUEUES } from '../../src/platform/jobs/job-queue.ts';
import type { CardDetailView, CardView } from '../../src/modules/cards/cards.service.ts';
import type { CardStatsView } from '../../src/modules/cards/card-stats.service.ts';
import {
  configureInstitution, createInstitution, createPerson, enabledCard, encode, holderClient, institutionCode, move, officeClients,
  requestCard, stateOf, type CardsWorld,
} from './cards.fixtures.ts';

/**
 * Cards of several institutions: A (the first, set up as usual), B (another institution), and a
 * federation whose members FA and FB share one card. Managers of one institution reach only its
 * cards; an unrestricted reader reaches all; a person enrolled twice holds one ENABLED card per
 * institution, or one across a federation that shares its card.
 */
let w: CardsWorld;
let codeA: string;
let idA: number;
let idB: number;
let idFederation: number;
let managerA: TestClient;
let managerB: TestClient;
let federationManager: TestClient;

before(async () => {
  const t = await startTestApp();
  await configureInstitution(t);
  w = await officeClients(t);
  idA = 1;
  codeA = await institutionCode(t, idA);
  idB = await createInstitution(w, { code: 'ecole-b', name: 'École B', pic: '888888888' });
  idFederation = await createInstitution(w, { code: 'fed-x', name: 'Fédération X', kind: 'federation', settings: { sharedCard: true } });
  await createInstitution(w, { code: 'fa', name: 'Membre A', parent: 'fed-x', pic: '777777777' });
  await createInstitution(w, { code: 'fb', name: 'Membre B', parent: 'fed-x', pic: '666666666' });
  managerA = await t.loginAs('manager', { institutions: [codeA] });
  managerB = await t.loginAs('manager', { institutions: ['ecole-b'] });
  federationManager = await t.loginAs('manager', { institutions: ['fed-x'] });
});
after(async () => { await w.t.close(); });

/** A person enrolled at each of these institutions (codes), with the same eppn. */
async function enrolledAt(codes: string[], extra: Record<string, unknown> = {}): Promise<{ id: string; lastName: string }> {
  const [first, ...others] = codes;
  const person = await createPerson(w.t, { institution: first, ...extra });
  for (const code of others) {
    await w.t.runtime.services.people.create({
      eppn: person.eppn, lastName: person.lastName, firstName: person.firstName, personType: 'student', institution: code,
    }, { actor: 'test' });
  }
  return { id: person.id, lastName: person.lastName };
}

/** Cards per state of one institution, counted in the database. */
async function countsOf(institutionId: number | null): Promise<Record<string, number>> {
  const result = await sql<{ state: string; count: number }>`
    SELECT state, count(*)::int AS count FROM cards
    WHERE ${institutionId === null ? sql`true` : sql`institution_id = ${institutionId}`} GROUP BY state`.execute(w.t.runtime.database.db);
  return Object.fromEntries(result.rows.map((row) => [row.state, Number(row.count)]));
}

/** The stats' current counts summed over person types, per state. */
function byState(stats: CardStatsView): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const states of Object.values(stats.current)) {
    for (const [state, count] of Object.entries(states)) totals[state] = (totals[state] ?? 0) + count;
  }
  return totals;
}

test('a manager of A gets 404 on B\'s card (read, history, move, photo) and never meets it in lists, search or stats; an unrestricted reader sees both', async () => {
  const personA = await enrolledAt([codeA]);
  const personB = await enrolledAt(['ecole-b']);
  const cardA = await requestCard(w, personA.id, managerA);
  const cardB = await requestCard(w, personB.id, managerB);
  assert.equal(cardA.institution, codeA);
  assert.equal(cardB.institution, 'ecole-b');
  assert.equal(cardB.institutionName, 'École B');
  assert.match(cardB.escn ?? '', /888888888$/, 'the ESCN carries the issuing institution\'s PIC');

  const read = await managerA.get(`/api/v1/cards/${cardB.id}`);
  assert.equal(read.status, 404);
  assert.equal(read.body.code, 'card_not_found');
  const moved = await managerA.post(`/api/v1/cards/${cardB.id}/moves`, { to: 'REQUEST_CHECKED' });
  assert.equal(moved.status, 404);
  assert.equal(moved.body.code, 'card_not_found');
  const bulk = await managerA.post<{ results: Array<{ status: number }> }>('/api/v1/cards/moves', { items: [{ cardId: cardB.id, to: 'REQUEST_CHECKED' }] });
  assert.deepEqual(bulk.body.results.map((result) => result.status), [404]);
  assert.equal((await managerA.post(`/api/v1/cards/${cardB.id}/renew`)).status, 404);
  assert.equal((await managerA.request('PUT', `/api/v1/cards/${cardB.id}/photo`, { payload: Buffer.from('x'), headers: { 'content-type': 'image/jpeg' } })).status, 404);
  assert.equal(await stateOf(w, cardB.id), 'NEW', 'nothing moved');
  const requestForB = await managerA.post('/api/v1/cards', { personId: personB.id });
  assert.equal(requestForB.status, 404, 'a person enrolled only at B does not exist for A');
  const outOfScope = await managerA.post('/api/v1/cards', { personId: personA.id, institution: 'ecole-b' });
  assert.equal(outOfScope.status, 404);
  assert.equal(outOfScope.body.code, 'institution_not_found');
  assert.equal(outOfScope.body.field, '/institution');

  type Page = { items: CardView[]; total?: number };
  const ids = (page: { body: Page }) => page.body.items.map((card) => card.id);
  const byPerson = await managerA.get<Page>(`/api/v1/cards?personId=${personB.id}`);
  assert.deepEqual(ids(byPerson), []);
  const searched = await managerA.get<Page>(`/api/v1/cards?q=${encodeURIComponent(personB.lastName)}`);
  assert.deepEqual(ids(searched), []);
  const escnSearch = await managerA.get<Page>(`/api/v1/cards?q=${cardB.escn ?? ''}`);
  assert.deepEqual(ids(escnSearch), []);
  const listedA = await managerA.get<Page>('/api/v1/cards?state=NEW&state=REQUEST_CHECKED&page=1&limit=200');
  assert.ok(ids(listedA).includes(cardA.id));
  assert.ok(!ids(listedA).includes(cardB.id));
  assert.ok(listedA.body.items.every((card) => card.institution === codeA));
  assert.equal(listedA.body.total, (await countsOf(idA)).NEW ?? 0, 'the total counts only A\'s cards');
  const bySort = await managerA.get<Page>('/api/v1/cards?sort=lastName&limit=200');
  assert.ok(!ids(bySort).includes(cardB.id));

  const statsA = await managerA.get<CardStatsView>('/api/v1/stats/cards?days=3');
  assert.equal(statsA.status, 200, statsA.text);
  assert.deepEqual(byState(statsA.body), await countsOf(idA));
  const statsB = await managerB.get<CardStatsView>('/api/v1/stats/cards?days=3');
  assert.deepEqual(byState(statsB.body), await countsOf(idB));

  // The unrestricted viewer reads both; focused on B, only B.
  assert.equal((await w.viewer.get(`/api/v1/cards/${cardA.id}`)).status, 200);
  const viewerB = await w.viewer.get<CardDetailView>(`/api/v1/cards/${cardB.id}`);
  assert.equal(viewerB.status, 200);
  assert.equal(viewerB.body.history.length, 1);
  const all = await w.viewer.get<Page>('/api/v1/cards?state=NEW&limit=200');
  assert.ok(ids(all).includes(cardA.id) && ids(all).includes(cardB.id));
  assert.deepEqual(byState((await w.viewer.get<CardStatsView>('/api/v1/stats/cards?days=3')).body), await countsOf(null));
  const focused = await w.viewer.request<Page>('GET', '/api/v1/cards?state=NEW&limit=200', { headers: { 'campuscard-institution': 'ecole-b' } });
  assert.equal(focused.status, 200, focused.text);
  assert.ok(ids(focused).includes(cardB.id));
  assert.ok(!ids(focused).includes(cardA.id));
  const focusedStats = await w.viewer.request<CardStatsView>('GET', '/api/v1/stats/cards?days=3', { headers: { 'campuscard-institution': 'ecole-b' } });
  assert.deepEqual(byState(focusedStats.body), await countsOf(idB));
});

test('enrolled at two institutions that do not share a card: one ENABLED card at each; the request names its institution', async () => {
  const person = await enrolledAt([codeA, 'ecole-b']);
  const holder = await holderClient(w.t, person.id);
  const unsaid = await holder.post('/api/v1/cards', { cardKind: 'virtual' });
  assert.equal(unsaid.status, 422, unsaid.text);
  assert.equal(unsaid.body.code, 'institution_required');
  assert.equal(unsaid.body.field, '/institution');
  const notEnrolled = await holder.post('/api/v1/cards', { cardKind: 'virtual', institution: 'fa' });
  assert.equal(notEnrolled.status, 422);
  assert.equal(notEnrolled.body.code, 'person_not_enrolled');
  const unknown = await holder.post('/api/v1/cards', { cardKind: 'virtual', institution: 'nowhere' });
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.code, 'institution_not_found');

  const atB = await holder.post<CardDetailView>('/api/v1/cards', { cardKind: 'virtual', institution: 'ecole-b' });
  assert.equal(atB.status, 201, atB.text);
  assert.equal(atB.body.institution, 'ecole-b');
  // A's manager reaches only the enrolment at A, so the request is for A without saying so.
  const atA = await requestCard(w, person.id, managerA);
  assert.equal(atA.institution, codeA);

  await encode(w, atA.id);
  await move(w.manager, atA.id, 'ENABLED');
  await encode(w, atB.body.id);
  await move(w.manager, atB.body.id, 'ENABLED');
  assert.equal(await stateOf(w, atA.id), 'ENABLED', 'B\'s card does not replace A\'s');
  assert.equal(await stateOf(w, atB.body.id), 'ENABLED');

  const mine = await holder.get<{ items: CardView[] }>('/api/v1/me/cards');
  assert.deepEqual(mine.body.items.map((card) => card.institution).sort(), [codeA, 'ecole-b'].sort());
  assert.deepEqual((await managerB.get<{ items: CardView[] }>(`/api/v1/cards?personId=${person.id}`)).body.items.map((card) => card.id), [atB.body.id]);

  // A renewal at A retires A's card only.
  const renewal = await w.manager.post<CardView>(`/api/v1/cards/${atA.id}/renew`);
  assert.equal(renewal.status, 201, renewal.text);
  assert.equal(renewal.body.institution, codeA);
  await encode(w, renewal.body.id);
  await move(w.manager, renewal.body.id, 'ENABLED');
  assert.equal(await stateOf(w, atA.id), 'DISABLED');
  assert.equal(await stateOf(w, atB.body.id), 'ENABLED');
  // Newer cards block a re-enable within their card group only: A's renewal does not stop B's lost card.
  await move(holder, atB.body.id, 'DISABLED', { reason: 'LOST' });
  await move(holder, atB.body.id, 'ENABLED');
  const reenableA = await w.manager.post(`/api/v1/cards/${atA.id}/moves`, { to: 'ENABLED' });
  assert.equal(reenableA.body.code, 'newer_card_exists', 'A\'s own renewal still blocks A\'s old card');
});

test('members of a federation sharing one card: one live card across the federation (409 shared_card_exists), one ENABLED card per person in the group', async () => {
  const person = await enrolledAt(['fa', 'fb']);
  const first = await requestCard(w, person.id, federationManager, 'fa');
  const group = await sql<{ cardGroup: number }>`SELECT card_group AS "cardGroup" FROM cards WHERE id = ${first.id}::uuid`.execute(w.t.runtime.database.db);
  assert.equal(Number(group.rows[0]?.cardGroup), idFederation);

  const second = await federationManager.post('/api/v1/cards', { personId: person.id, institution: 'fb' });
  assert.equal(second.status, 409, second.text);
  assert.equal(second.body.code, 'shared_card_exists');
  assert.equal(second.body.cardId, first.id);

  await encode(w, first.id);
  await move(w.manager, first.id, 'ENABLED');
  assert.equal((await federationManager.post('/api/v1/cards', { personId: person.id, institution: 'fb' })).body.code, 'shared_card_exists');
  await move(w.manager, first.id, 'DISABLED', { reason: 'MANAGER', comment: 'test' });
  await move(w.manager, first.id, 'DESTROYED');

  const fromB = await requestCard(w, person.id, federationManager, 'fb');
  assert.equal(fromB.institution, 'fb');
  const again = await federationManager.post('/api/v1/cards', { personId: person.id, institution: 'fa' });
  assert.equal(again.body.code, 'shared_card_exists');

  // The database holds one ENABLED card per person and card group, whatever the code does.
  await encode(w, fromB.id);
  await move(w.manager, fromB.id, 'ENABLED');
  const forced = await sql`UPDATE cards SET state = 'ENABLED' WHERE id = ${first.id}::uuid`.execute(w.t.runtime.database.db)
    .then(() => 'accepted', (error: { code?: string }) => error.code);
  assert.equal(forced, '23505');
});

test('rights come from the enrolment at the card\'s institution: rights ending at B expire B\'s card only', async () => {
  const person = await enrolledAt([codeA, 'ecole-b'], { rightsEnd: '2099-06-30' });
  const atA = await enabledCard(w, person.id, codeA);
  const atB = await enabledCard(w, person.id, 'ecole-b');
  await sql`UPDATE enrolments SET rights_end = '2020-06-30' WHERE person_id = ${person.id}::uuid AND institution_id = ${idB}`
    .execute(w.t.runtime.database.db);
  const ended = await w.manager.post('/api/v1/cards', { personId: person.id, institution: 'ecole-b' });
  assert.equal(ended.status, 409);
  assert.equal(ended.body.code, 'rights_ended');
  await w.t.runtime.jobs.send(QUEUES.rightsEnd, {});
  await w.t.runtime.jobs.drain([QUEUES.rightsEnd]);
  assert.equal(await stateOf(w, atB.id), 'CADUC');
  assert.equal(await stateOf(w, atA.id), 'ENABLED');
  await sql`UPDATE enrolments SET rights_end = NULL WHERE person_id = ${person.id}::uuid AND institution_id = ${idB}`
    .execute(w.t.runtime.database.db);
  await w.t.runtime.jobs.send(QUEUES.rightsEnd, {});
  await w.t.runtime.jobs.drain([QUEUES.rightsEnd]);
  assert.equal(await stateOf(w, atB.id), 'DISABLED', 'extended rights bring the card back');
});

test('the holder snapshot of each card follows the enrolment at the card\'s institution', async () => {
  const person = await enrolledAt([codeA, 'ecole-b'], { studentNumber: '31000001' });
  const atA = await requestCard(w, person.id, w.manager, codeA);
  const atB = await requestCard(w, person.id, w.manager, 'ecole-b');
  assert.deepEqual([atA.holder.studentNumber, atB.holder.studentNumber], ['31000001', null]);
  await w.t.runtime.services.people.update(person.id, { institution: 'ecole-b', personType: 'staff', studentNumber: 'B-77' }, { actor: 'test' });
  const readA = await w.admin.get<CardView>(`/api/v1/cards/${atA.id}`);
  const readB = await w.admin.get<CardView>(`/api/v1/cards/${atB.id}`);
  assert.deepEqual([readA.body.holder.personType, readA.body.holder.studentNumber], ['student', '31000001']);
  assert.deepEqual([readB.body.holder.personType, readB.body.holder.studentNumber], ['staff', 'B-77']);
  // A manager of B limited to students no longer reaches B's card of a staff member.
  const studentsOfB = await w.t.loginAs('manager', { institutions: ['ecole-b'], personTypes: ['student'] });
  assert.equal((await studentsOfB.get(`/api/v1/cards/${atB.id}`)).status, 404);
});

test('statistics snapshots are stored per institution and summed within the reader\'s scope', async () => {
  await w.t.runtime.services.cardStats.snapshot();
  const rows = await sql<{ institutionId: number }>`SELECT DISTINCT institution_id AS "institutionId" FROM card_state_daily`.execute(w.t.runtime.database.db);
  // Cards were all requested today: past days hold no card yet, whatever the institution.
  assert.deepEqual(rows.rows, []);
  const day = '2020-01-01';
  await sql`INSERT INTO card_state_days (day) VALUES (${day})`.execute(w.t.runtime.database.db);
  await sql`INSERT INTO card_state_daily (day, institution_id, person_type, state, count)
    VALUES (${day}, ${idA}, 'student', 'ENABLED', 3), (${day}, ${idB}, 'student', 'ENABLED', 5)`.execute(w.t.runtime.database.db);
  const { findSnapshots } = await import('../../src/modules/cards/card-stats.repository.ts');
  const db = w.t.runtime.database.db;
  assert.deepEqual(await findSnapshots(db, day, '2020-01-02', { institutionIds: [idA], personTypes: null }),
    [{ day, personType: 'student', state: 'ENABLED', count: 3 }]);
  assert.deepEqual(await findSnapshots(db, day, '2020-01-02', { institutionIds: null, personTypes: null }),
    [{ day, personType: 'student', state: 'ENABLED', count: 8 }]);
  assert.deepEqual(await findSnapshots(db, day, '2020-01-02', { institutionIds: [idB], personTypes: ['staff'] }), []);
});

test('verification names the issuing institution, and the federation of a shared card', async () => {
  const shared = await enabledCard(w, (await enrolledAt(['fb'])).id, 'fb');
  const own = await enabledCard(w, (await enrolledAt(['ecole-b'])).id, 'ecole-b');
  const api = await w.t.anonymous.get<Record<string, unknown>>(`/api/v1/verify/${shared.escn}`);
  assert.equal(api.status, 200, api.text);
  assert.deepEqual(api.body.issuer, { name: 'Membre B', pic: '666666666' });
  assert.deepEqual(api.body.federation, { name: 'Fédération X' });
  const page = await w.t.anonymous.get(`/v/${shared.escn}?lang=fr`);
  assert.match(page.text, /Membre B/);
  assert.match(page.text, /Fédération X/);
  const single = await w.t.anonymous.get<Record<string, unknown>>(`/api/v1/verify/${own.escn}`);
  assert.deepEqual(single.body.issuer, { name: 'École B', pic: '888888888' });
  assert.equal(single.body.federation, null);
  assert.doesNotMatch((await w.t.anonymous.get(`/v/${own.escn}`)).text, /Fédération/);
});

test('a pending request holds back the renewal of a card of its own card group only: GET /me/cards offers RENEWED at B while A has a request, not at A', async () => {
  const person = await enrolledAt([codeA, 'ecole-b']);
  const holder = await holderClient(w.t, person.id);
  const cardA = await enabledCard(w, person.id, codeA);
  const cardB = await enabledCard(w, person.id, 'ecole-b');
  const movesOf = async (): Promise<Map<string, CardView['allowedMoves']>> => {
    const mine = await holder.get<{ items: CardView[] }>('/api/v1/me/cards');
    assert.equal(mine.status, 200, mine.text);
    return new Map(mine.body.items.map((card) => [card.id, card.allowedMoves]));
  };
  assert.ok((await movesOf()).get(cardA.id)?.includes('RENEWED'), 'nothing pending: A\'s card may be renewed');

  const pendingAtA = await holder.post<CardDetailView>(`/api/v1/cards/${cardA.id}/renew`);
  assert.equal(pendingAtA.status, 201, pendingAtA.text);
  const moves = await movesOf();
  assert.ok(!moves.get(cardA.id)?.includes('RENEWED'), 'A\'s renewal is pending: A\'s card is not offered another one');
  assert.ok(moves.get(cardB.id)?.includes('RENEWED'), 'A\'s pending request does not hold back B\'s card');
  assert.ok(moves.get(cardB.id)?.includes('DISABLED'));
  const again = await holder.post(`/api/v1/cards/${cardA.id}/renew`);
  assert.equal(again.status, 409);
  assert.equal(again.body.code, 'request_pending', 'the server refuses what is not offered');
  const renewedB = await holder.post<CardDetailView>(`/api/v1/cards/${cardB.id}/renew`);
  assert.equal(renewedB.status, 201, renewedB.text);
  assert.equal(renewedB.body.institution, 'ecole-b');
});
