/**
 * The demo data of several institutions (issue 9), as `npm start` creates it on a fresh database:
 * a federation of two institutions, a student enrolled at both, a card office for each and one for
 * the federation, each logging in with the password printed once, each seeing what its grants
 * cover; the ESC sync of each institution goes to the embedded router with a key of its own.
 * Every demo card already printed records the template version it was printed with.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { prepareServing, startupMessage } from '../../src/cli/serve.command.ts';
import { sql } from 'kysely';
import { isValidUai } from '../../src/modules/people/domain/french-identifiers.ts';
import type { DemoLogin } from '../../src/modules/demo/demo-seed.service.ts';
import { startTestApp, TestClient, type TestApp } from '../helpers/test-app.ts';

interface Institution { code: string; name: string; kind: string; parent: string | null; pic: string | null; uai?: string | null; settings?: { sharedCard?: boolean } }
interface Card { id: string; state: string; institution: string; holderEppn?: string; escn: string | null }
interface Enrolment { institution: string; personType: string; studentNumber: string | null }

async function loginWith(t: TestApp, login: DemoLogin): Promise<TestClient> {
  const response = await t.anonymous.post<{ csrfToken: string }>('/api/v1/auth/login', { email: login.email, password: login.password });
  assert.equal(response.status, 200, `${login.email}: ${response.text}`);
  const setCookie = response.headers['set-cookie'];
  const cookie = String(Array.isArray(setCookie) ? setCookie[0] : setCookie).split(';')[0] ?? '';
  return new TestClient(t.app, { cookie, csrfToken: response.body.csrfToken });
}

describe('demo data of a federation of two institutions', () => {
  let t: TestApp;
  let logins: DemoLogin[];
  const login = (email: string) => {
    const found = logins.find((candidate) => candidate.email === email);
    assert.ok(found, `${email} is a demo login`);
    return found;
  };
  const institutionsOf = async (client: TestClient) => {
    const cards = await client.get<{ items: Card[] }>('/api/v1/cards?limit=200');
    assert.equal(cards.status, 200, cards.text);
    return [...new Set(cards.body.items.map((card) => card.institution))].sort();
  };

  before(async () => {
    t = await startTestApp({ env: { DEMO: 'true' }, embeddedEscRouter: true });
    logins = await prepareServing(t.runtime) ?? [];
  });
  after(async () => {
    await t?.close();
  });

  test('the federation and its two members, each institution with its own PIC and a UAI with a valid check letter', async () => {
    const admin = await loginWith(t, login('admin@univ-demo.fr'));
    const list = await admin.get<Institution[] | { items: Institution[] }>('/api/v1/institutions');
    assert.equal(list.status, 200, list.text);
    const items = Array.isArray(list.body) ? list.body : list.body.items;
    const byCode = new Map(items.map((item) => [item.code, item]));
    assert.deepEqual([...byCode.keys()].sort(), ['ecole-demo', 'federation-demo', 'univ-demo']);
    assert.deepEqual([byCode.get('federation-demo')?.kind, byCode.get('federation-demo')?.name, byCode.get('federation-demo')?.parent],
      ['federation', 'Fédération Démo', null]);
    for (const [code, name, pic] of [['univ-demo', 'Université de Démonstration', '999000001'], ['ecole-demo', 'École de Démonstration', '999000002']]) {
      const detail = await admin.get<Institution>(`/api/v1/institutions/${code}`);
      assert.equal(detail.status, 200, detail.text);
      assert.deepEqual([detail.body.kind, detail.body.name, detail.body.parent, detail.body.pic], ['institution', name, 'federation-demo', pic]);
      assert.ok(isValidUai(detail.body.uai ?? ''), `${code}: UAI ${String(detail.body.uai)}`);
    }
    const federation = await admin.get<Institution>('/api/v1/institutions/federation-demo');
    assert.equal(federation.body.settings?.sharedCard, false, 'each member issues its own card');
    const [first] = (await t.runtime.database.pool.query<{ code: string }>('SELECT code FROM institutions WHERE id = 1')).rows;
    assert.equal(first?.code, 'univ-demo', 'the first institution became the demo university');
  });

  test('every account is printed once with its password and purpose, and logs in', async () => {
    assert.deepEqual(logins.map((entry) => entry.email), [
      'camille.martin@univ-demo.fr', 'manager@univ-demo.fr', 'ines.moreau@univ-demo.fr', 'manager@ecole-demo.fr', 'manager@federation-demo.fr',
      'admin@univ-demo.fr',
    ]);
    const message = startupMessage(t.runtime, { url: 'http://localhost:8080', seconds: '1.0', logins });
    for (const entry of logins) {
      assert.ok(message.includes(entry.email) && message.includes(entry.password), `${entry.email} is printed with its password`);
      assert.ok(message.includes(entry.purpose.en) && message.includes(entry.purpose.fr), `${entry.email} says what it is for`);
      await loginWith(t, entry);
    }
    assert.equal(new Set(logins.map((entry) => entry.password)).size, logins.length, 'a password of its own for each');
  });

  test('each card office sees its institution\'s cards, the federation\'s sees both, the admin everything', async () => {
    assert.deepEqual(await institutionsOf(await loginWith(t, login('manager@univ-demo.fr'))), ['univ-demo']);
    assert.deepEqual(await institutionsOf(await loginWith(t, login('manager@ecole-demo.fr'))), ['ecole-demo']);
    assert.deepEqual(await institutionsOf(await loginWith(t, login('manager@federation-demo.fr'))), ['ecole-demo', 'univ-demo']);
    assert.deepEqual(await institutionsOf(await loginWith(t, login('admin@univ-demo.fr'))), ['ecole-demo', 'univ-demo']);
    // The school's manager does not reach a university card: 404, as if it did not exist.
    const universityCard = (await (await loginWith(t, login('manager@univ-demo.fr'))).get<{ items: Card[] }>('/api/v1/cards?limit=1')).body.items[0];
    assert.ok(universityCard);
    assert.equal((await (await loginWith(t, login('manager@ecole-demo.fr'))).get(`/api/v1/cards/${universityCard.id}`)).status, 404);
  });

  test('the student enrolled at both sees both enrolments and her card, and requests a card for the school', async () => {
    const ines = await loginWith(t, login('ines.moreau@univ-demo.fr'));
    const me = await ines.get<{ person: { id: string; enrolments: Enrolment[] } }>('/api/v1/me');
    assert.equal(me.status, 200, me.text);
    assert.deepEqual(me.body.person.enrolments.map((enrolment) => [enrolment.institution, enrolment.personType, enrolment.studentNumber]).sort(), [
      ['ecole-demo', 'student', 'E2400017'], ['univ-demo', 'student', '22400104'],
    ]);
    const own = await ines.get<{ items: Card[] }>('/api/v1/me/cards');
    assert.deepEqual(own.body.items.map((card) => [card.institution, card.state]), [['univ-demo', 'ENABLED']]);
    const requested = await ines.post<Card>('/api/v1/cards', { personId: me.body.person.id, cardKind: 'virtual', institution: 'ecole-demo' });
    assert.equal(requested.status, 201, requested.text);
    assert.equal(requested.body.institution, 'ecole-demo');
    // Her university card stays enabled: the federation's members do not share one card.
    const after = await ines.get<{ items: Card[] }>('/api/v1/me/cards');
    assert.deepEqual(after.body.items.map((card) => [card.institution, card.state]).sort(), [['ecole-demo', 'NEW'], ['univ-demo', 'ENABLED']]);
  });

  test('each institution\'s cards reach the embedded router under its own PIC, each with a key of its own', async () => {
    const sim = t.runtime.embeddedEscRouter?.simulator;
    assert.ok(sim);
    const admin = await loginWith(t, login('admin@univ-demo.fr'));
    // A student's card in use at each institution (staff have no European Student Identifier).
    const enabled = (await admin.get<{ items: Card[] }>('/api/v1/cards?state=ENABLED&personType=student&limit=50')).body.items;
    assert.deepEqual(enabled.map((card) => card.institution).sort(), ['ecole-demo', 'univ-demo']);
    // The holders agree to the ESC (the demo people have not been asked yet), then the workers run.
    for (const card of enabled) {
      const holder = await admin.get<{ personId: string }>(`/api/v1/cards/${card.id}`);
      const consent = await admin.put(`/api/v1/persons/${holder.body.personId}/consents/esc`, { granted: true, textVersion: '2026-12', locale: 'fr', channel: 'paper' });
      assert.equal(consent.status, 200, consent.text);
    }
    await t.runtime.jobs.drain();
    const issuers = Object.fromEntries(enabled.map((card) => [card.institution, sim.state.cards.get(String(card.escn).toLowerCase())?.issuerIdentifier]));
    assert.deepEqual(issuers, { 'univ-demo': '999000001', 'ecole-demo': '999000002' });
    const router = t.runtime.embeddedEscRouter;
    assert.ok(router);
    assert.notEqual(router.keyFor('999000001'), router.keyFor('999000002'));
    assert.deepEqual([...new Set(sim.requestLog.map((entry) => entry.pic))].sort(), ['999000001', '999000002']);
  });
  test('each institution has a student and a staff template, and its manager prints its queue as one duplex PDF', async () => {
    const manager = await loginWith(t, login('manager@univ-demo.fr'));
    const templates = await manager.get<{ items: Array<{ name: string; institution: string | null }> }>('/api/v1/card-templates');
    assert.deepEqual(templates.body.items.map((item) => [item.institution, item.name]).sort(),
      [['univ-demo', 'Carte personnels'], ['univ-demo', 'Carte étudiante']]);
    const batch = await manager.post<{ cardCount: number; duplex: boolean }>('/api/v1/print-batches', { queue: true });
    assert.equal(batch.status, 202, batch.text);
    assert.deepEqual([batch.body.cardCount, batch.body.duplex], [1, true]);
  });

  test('every card printed or beyond records the template version of its institution it was printed with', async () => {
    const rows = await sql<{ state: string; cardInstitution: number; templateInstitution: number | null; version: number | null }>`
      SELECT c.state, c.institution_id AS "cardInstitution", t.institution_id AS "templateInstitution", v.version
      FROM cards c
      LEFT JOIN card_prints p ON p.card_id = c.id
      LEFT JOIN card_template_versions v ON v.id = p.template_version_id
      LEFT JOIN card_templates t ON t.id = v.template_id
      WHERE c.state IN ('PRINTED', 'ENCODED', 'ENABLED', 'DISABLED', 'CADUC', 'DESTROYED')`.execute(t.runtime.database.db);
    assert.ok(rows.rows.length >= 3, `printed demo cards: ${rows.rows.length}`);
    for (const row of rows.rows) {
      assert.equal(row.version, 1, `a ${row.state} card has a printed version`);
      assert.equal(row.templateInstitution, row.cardInstitution, 'printed with its institution\'s template');
    }
    // Cards not printed yet record nothing: their face follows the template until they are.
    const unprinted = await sql<{ count: string }>`
      SELECT count(*)::text AS count FROM card_prints p JOIN cards c ON c.id = p.card_id
      WHERE c.state IN ('NEW', 'REQUEST_CHECKED', 'IN_PRINT')`.execute(t.runtime.database.db);
    assert.equal(unprinted.rows[0]?.count, '0');
  });
});
