import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startTestApp, type TestClient } from '../helpers/test-app.ts';
import type { StartedEncodingSession } from '../../src/modules/encoding/encoding.service.ts';
import type { DesfireLayout } from '../../src/modules/encoding/domain/desfire-layout.ts';
import type { CardDetailView } from '../../src/modules/cards/cards.service.ts';
import { configureInstitution, createInstitution, createPerson, freshCsn, institutionCode, move, officeClients, requestCard, type CardsWorld } from './cards.fixtures.ts';

/**
 * Encoding stations through the API, on the configured database: a one-time session gives what
 * to write and is closed by the CSN report (the card becomes ENCODED); reuse, expiry, another
 * institution and bad input are refused without writing anything.
 */
let w: CardsWorld;
let codeA: string;
let clock = Date.now();
let managerB: TestClient;
let stationA: TestClient;

before(async () => {
  const t = await startTestApp({ now: () => new Date(clock) });
  await configureInstitution(t);
  w = await officeClients(t);
  codeA = await institutionCode(t, 1);
  await createInstitution(w, { code: 'ecole-b', name: 'École B', pic: '888888888' });
  managerB = await t.loginAs('manager', { institutions: ['ecole-b'] });
  stationA = await t.tokenClient('station', { institutions: [codeA] });
  const defined = await w.manager.put(`/api/v1/institutions/${codeA}/card-identifiers`, {
    accessControl: { enabled: true, offset: '1234500000000000', length: 16 },
    secondary: { enabled: true, prefix: '', offset: '1000000', length: 8, checkDigit: 'mod11' },
  });
  assert.equal(defined.status, 200, defined.text);
});
after(async () => { await w.t.close(); });

/** A card of institution A in IN_ENCODE. */
async function cardToEncode(): Promise<string> {
  const person = await createPerson(w.t, { institution: codeA });
  const card = await requestCard(w, person.id, w.manager);
  await move(w.manager, card.id, 'REQUEST_CHECKED');
  // The station that takes a card holds its lock until it is encoded.
  await move(stationA, card.id, 'IN_PRINT');
  await move(stationA, card.id, 'PRINTED');
  await move(stationA, card.id, 'IN_ENCODE');
  return card.id;
}

async function start(client: TestClient, cardId: string) {
  return client.post<StartedEncodingSession & { code?: string }>('/api/v1/encoding/sessions', { cardId });
}

async function sessionsOf(cardId: string): Promise<Array<{ closedAt: Date | null; csn: string | null; secretHash: string }>> {
  const result = await sql<{ closedAt: Date | null; csn: string | null; secretHash: string }>`
    SELECT closed_at, csn, secret_hash FROM encoding_sessions WHERE card_id = ${cardId}`.execute(w.t.runtime.database.db);
  return result.rows;
}

test('a station starts a session, writes what it says, reports the CSN: the card is ENCODED with that chip; the session is not reusable', async () => {
  const cardId = await cardToEncode();
  const started = await start(stationA, cardId);
  assert.equal(started.status, 201, started.text);
  const { session, write, layout } = started.body;
  const card = (await w.manager.get<CardDetailView>(`/api/v1/cards/${cardId}`)).body;
  assert.ok(card.escn);
  assert.deepEqual(write.esc, { escn: card.escn, bytesHex: card.escn.replace(/-/g, '').toUpperCase() });
  assert.equal(write.esc?.bytesHex.length, 32);
  assert.deepEqual({ accessControlId: write.accessControlId, secondaryId: write.secondaryId }, card.identifiers);
  assert.match(write.accessControlId ?? '', /^12345\d{11}$/);
  assert.equal(write.crousCardNumber, null, 'no CROUS connector through the API here');
  assert.ok(layout.applications.some((application) => application.id === 'access-control'));
  // Only the secret's hash is stored.
  const [stored] = await sessionsOf(cardId);
  assert.ok(stored);
  assert.notEqual(stored.secretHash, session.secret);
  assert.match(stored.secretHash, /^[0-9a-f]{64}$/);
  assert.ok(Date.parse(session.expiresAt) - clock === 10 * 60_000);

  const csn = freshCsn();
  const reported = await stationA.post<{ card: CardDetailView; session: { csn: string } }>(`/api/v1/encoding/sessions/${session.id}/csn`, { secret: session.secret, csn, form: 'hex' });
  assert.equal(reported.status, 200, reported.text);
  assert.equal(reported.body.card.state, 'ENCODED');
  assert.equal(reported.body.card.csn?.hex, csn.toUpperCase());
  assert.equal(reported.body.session.csn, csn.toUpperCase());

  const again = await stationA.post(`/api/v1/encoding/sessions/${session.id}/csn`, { secret: session.secret, csn: freshCsn(), form: 'hex' });
  assert.equal(again.status, 409);
  assert.equal(again.body.code, 'encoding_session_used');
  assert.equal((await w.manager.get<CardDetailView>(`/api/v1/cards/${cardId}`)).body.csn?.hex, csn.toUpperCase(), 'the chip stays the first one');
});

test('an expired session is refused and the card stays IN_ENCODE', async () => {
  const cardId = await cardToEncode();
  const started = await start(stationA, cardId);
  assert.equal(started.status, 201);
  clock += 11 * 60_000;
  const late = await stationA.post(`/api/v1/encoding/sessions/${started.body.session.id}/csn`, { secret: started.body.session.secret, csn: freshCsn(), form: 'hex' });
  assert.equal(late.status, 409, late.text);
  assert.equal(late.body.code, 'encoding_session_expired');
  assert.equal((await w.manager.get<CardDetailView>(`/api/v1/cards/${cardId}`)).body.state, 'IN_ENCODE');
  assert.equal((await sessionsOf(cardId))[0]?.closedAt, null);
});

test('another institution\'s manager can neither start a session for the card nor close one, even with the secret', async () => {
  const cardId = await cardToEncode();
  const refused = await start(managerB, cardId);
  assert.equal(refused.status, 404);
  assert.equal(refused.body.code, 'card_not_found');
  const started = await start(stationA, cardId);
  const close = await managerB.post(`/api/v1/encoding/sessions/${started.body.session.id}/csn`, { secret: started.body.session.secret, csn: freshCsn(), form: 'hex' });
  assert.equal(close.status, 404);
  assert.equal(close.body.code, 'encoding_session_not_found');
  assert.equal((await sessionsOf(cardId)).filter((row) => row.closedAt !== null).length, 0);
  // Viewers and cardholders do not encode.
  const viewer = await w.t.loginAs('viewer');
  assert.equal((await start(viewer, cardId)).status, 403);
});

test('bad input is a 4xx problem and writes nothing; a refused report leaves the session open for a correct one', async () => {
  const cardId = await cardToEncode();
  const started = await start(stationA, cardId);
  const url = `/api/v1/encoding/sessions/${started.body.session.id}/csn`;
  const problems = [
    [await stationA.post('/api/v1/encoding/sessions', { cardId: 'not-a-uuid' }), 400],
    [await stationA.post('/api/v1/encoding/sessions', {}), 400],
    [await stationA.post(url, { csn: freshCsn(), form: 'hex' }), 400],
    [await stationA.post(url, { secret: 'wrong', csn: freshCsn(), form: 'hex' }), 403],
    [await stationA.post(url, { secret: started.body.session.secret, csn: freshCsn(), form: 'octal' }), 400],
    [await stationA.post(url, { secret: started.body.session.secret, csn: 'zz', form: 'hex' }), 422],
    [await stationA.post('/api/v1/encoding/sessions/00000000-0000-4000-8000-000000000000/csn', { secret: 'x', csn: freshCsn(), form: 'hex' }), 404],
  ] as const;
  for (const [response, status] of problems) {
    assert.equal(response.status, status, response.text);
    assert.match(String(response.headers['content-type']), /application\/problem\+json/);
    assert.equal(typeof response.body.code, 'string');
  }
  assert.equal((await w.manager.get<CardDetailView>(`/api/v1/cards/${cardId}`)).body.state, 'IN_ENCODE');
  const ok = await stationA.post(url, { secret: started.body.session.secret, csn: freshCsn(), form: 'hex' });
  assert.equal(ok.status, 200, ok.text);

  // A card not being encoded gets no session.
  const person = await createPerson(w.t, { institution: codeA });
  const fresh = await requestCard(w, person.id, w.manager);
  const notYet = await start(stationA, fresh.id);
  assert.equal(notYet.status, 409);
  assert.equal(notYet.body.code, 'not_encodable');
});

test('the DESFire layout is served as data: AIDs, files, sizes, access rights and key numbers, no key value', async () => {
  const response = await stationA.get<DesfireLayout>('/api/v1/encoding/desfire-layout');
  assert.equal(response.status, 200);
  const byId = new Map(response.body.applications.map((application) => [application.id, application]));
  assert.deepEqual([...byId.keys()].sort(), ['access-control', 'crous', 'esc', 'library']);
  for (const application of response.body.applications) {
    if (application.aid !== null) assert.match(application.aid, /^[0-9A-F]{6}$/);
    for (const file of application.files) assert.match(file.accessRights, /^[0-9A-F]{4}$/);
    assert.ok(!JSON.stringify(application).match(/"key"\s*:/), 'key references only');
  }
  assert.equal(byId.get('access-control')?.files[0]?.size, 64);
  assert.equal(byId.get('crous')?.aid, null);
});
