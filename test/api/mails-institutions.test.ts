import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startTestApp, type TestClient } from '../helpers/test-app.ts';
import {
  configureInstitution, createInstitution, createPerson, holderClient, institutionCode, move, officeClients, requestCard, type CardsWorld,
} from './cards.fixtures.ts';

/**
 * Mails and mail templates of several institutions: A (the first), B (another institution), and a
 * federation F with one member FM. A mail belongs to the institution of the card that caused it;
 * the mail log shows a caller only the mails of the institutions in their scope (in the query, so
 * a page is never emptied by mails out of scope); a mail of no institution only to callers limited
 * to none. Template overrides exist per institution, per federation and for the whole deployment:
 * a mail uses the most specific one.
 */
interface Mail { id: string; institution: string | null; template: string; subject: string; text: string; personId: string | null }
interface Override { subject: string; body: string; updatedBy: string }
interface Template { template: string; locale: string; institution: string | null; override: Override | null; deploymentOverride: Override | null }

let w: CardsWorld;
let codeA: string;
let managerA: TestClient;
let managerB: TestClient;
let adminB: TestClient;
let adminAB: TestClient;
let person: { id: string; eppn: string; lastName: string; firstName: string };

const B = 'ecole-b';
const focused = (code: string) => ({ headers: { 'campuscard-institution': code } });

before(async () => {
  const t = await startTestApp({ env: { PUBLIC_URL: 'https://cards.univ-test.fr' } });
  await configureInstitution(t);
  w = await officeClients(t);
  codeA = await institutionCode(t, 1);
  await createInstitution(w, { code: B, name: 'École B', pic: '888888888' });
  await createInstitution(w, { code: 'fed-m', name: 'Fédération M', kind: 'federation', settings: { sharedCard: false } });
  await createInstitution(w, { code: 'fm', name: 'Membre M', parent: 'fed-m', pic: '777777777' });
  managerA = await t.loginAs('manager', { institutions: [codeA] });
  managerB = await t.loginAs('manager', { institutions: [B] });
  adminB = await t.loginAs('admin', { institutions: [B] });
  adminAB = await t.loginAs('admin', { institutions: [codeA, B] });
  // One person enrolled at A, B and FM.
  person = await createPerson(t, { institution: codeA });
  for (const code of [B, 'fm']) {
    await t.runtime.services.people.create({
      eppn: person.eppn, lastName: person.lastName, firstName: person.firstName, personType: 'student', institution: code,
    }, { actor: 'test' });
  }
});
after(async () => { await w.t.close(); });

/** Requests a card at `institution` and checks it: answers the request_checked mail it caused. */
async function checkedMailAt(institution: string): Promise<Mail> {
  const card = await requestCard(w, person.id, w.manager, institution);
  await move(w.manager, card.id, 'REQUEST_CHECKED');
  await move(w.manager, card.id, 'CANCELED').catch(() => undefined);
  const log = await w.admin.get<{ items: Mail[] }>(`/api/v1/mails?personId=${person.id}&template=request_checked&limit=1`);
  assert.equal(log.status, 200, log.text);
  const [mail] = log.body.items;
  assert.ok(mail);
  return mail;
}

const idsOf = (mails: Mail[]) => mails.map((mail) => mail.id).sort();

test('a mail belongs to its card\'s institution; the mail log shows each caller the mails of their institutions only', async () => {
  const atA = await checkedMailAt(codeA);
  const atB = await checkedMailAt(B);
  assert.deepEqual([atA.institution, atB.institution], [codeA, B]);
  assert.match(atB.subject, /– École B$/, 'signed with the name of the card\'s institution');
  // A mail about no institution (no card, no enrolment caused it).
  const loose = await w.t.runtime.services.notifications.notify(w.t.runtime.database.db, {
    personId: person.id, to: 'someone@example.org', template: 'card_ready', data: { firstName: 'X' },
  });
  assert.ok(loose);

  const listed = async (client: TestClient, headers: Record<string, string> = {}) => {
    const response = await client.request<{ items: Mail[] }>('GET', `/api/v1/mails?personId=${person.id}&limit=200`, { headers });
    assert.equal(response.status, 200, response.text);
    return idsOf(response.body.items);
  };
  assert.deepEqual(await listed(w.admin), [atA.id, atB.id, loose.id].sort(), 'no institution limit: every mail');
  assert.deepEqual(await listed(w.manager), [atA.id, atB.id, loose.id].sort());
  assert.deepEqual(await listed(managerA), [atA.id]);
  assert.deepEqual(await listed(managerB), [atB.id]);
  assert.deepEqual(await listed(w.admin, { 'campuscard-institution': B }), [atB.id], 'focused on B: B\'s mails only');

  // Reading one: out of scope is 404, exactly like a missing mail.
  assert.equal((await managerA.get(`/api/v1/mails/${atA.id}`)).status, 200);
  for (const id of [atB.id, loose.id]) {
    const refused = await managerA.get<{ code: string }>(`/api/v1/mails/${id}`);
    assert.equal(refused.status, 404);
    assert.equal(refused.body.code, 'mail_not_found');
  }
  const loosely = await w.manager.get<Mail>(`/api/v1/mails/${loose.id}`);
  assert.equal(loosely.status, 200);
  assert.equal(loosely.body.institution, null);

  // The person reads every mail sent to them, whichever institution it is about.
  const holder = await holderClient(w.t, person.id);
  const own = await holder.get<{ items: Mail[] }>('/api/v1/me/mails?limit=200');
  assert.ok([atA.id, atB.id, loose.id].every((id) => own.body.items.some((mail) => mail.id === id)));
  assert.equal((await holder.get<Mail>(`/api/v1/me/mails/${atB.id}`)).body.institution, B);
});

test('the scope is a condition of the query: a page is never emptied by newer mails of other institutions', async () => {
  const atA = await checkedMailAt(codeA);
  for (let i = 0; i < 3; i += 1) await checkedMailAt(B);
  const page = await managerA.get<{ items: Mail[] }>(`/api/v1/mails?personId=${person.id}&limit=1`);
  assert.deepEqual(page.body.items.map((mail) => mail.id), [atA.id]);
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM mails WHERE institution_id IS NULL AND template = 'request_checked'`
    .execute(w.t.runtime.database.db);
  assert.equal(rows[0]?.n, 0, 'every card mail names its institution');
});

test('template overrides per institution, per federation and for the whole deployment; a mail uses the most specific', async () => {
  const save = async (client: TestClient, url: string, subject: string, options: { headers?: Record<string, string> } = {}) => {
    const response = await client.request<Template>('PUT', url, { body: { subject, body: 'Bonjour {{firstName}}.' }, ...options });
    assert.equal(response.status, 200, response.text);
    return response.body;
  };
  // No focus, no institution limit: the deployment-wide text.
  const deployment = await save(w.admin, '/api/v1/mail-templates/request_checked/fr', 'Partout');
  assert.equal(deployment.institution, null);
  // Focused on B, and an admin of B alone (no focus needed): B's text.
  const ofB = await save(w.admin, '/api/v1/mail-templates/request_checked/fr', 'École B d’abord', focused(B));
  assert.deepEqual([ofB.institution, ofB.override?.subject, ofB.deploymentOverride?.subject], [B, 'École B d’abord', 'Partout']);
  assert.equal((await save(adminB, '/api/v1/mail-templates/request_checked/fr', 'École B seulement')).institution, B);
  // The federation's text, for members without one of their own.
  assert.equal((await save(w.admin, '/api/v1/mail-templates/request_checked/fr', 'Fédération M', focused('fed-m'))).institution, 'fed-m');

  assert.equal((await checkedMailAt(B)).subject, 'École B seulement');
  assert.equal((await checkedMailAt('fm')).subject, 'Fédération M');
  assert.equal((await checkedMailAt(codeA)).subject, 'Partout');

  // Each level lists its own override and the deployment-wide one it falls back on.
  const listAt = async (client: TestClient, headers: Record<string, string> = {}) => {
    const response = await client.request<{ items: Template[] }>('GET', '/api/v1/mail-templates', { headers });
    assert.equal(response.status, 200, response.text);
    return response.body.items.find((item) => item.template === 'request_checked' && item.locale === 'fr');
  };
  const seenByB = await listAt(adminB);
  assert.deepEqual([seenByB?.institution, seenByB?.override?.subject, seenByB?.deploymentOverride?.subject], [B, 'École B seulement', 'Partout']);
  const seenWide = await listAt(w.admin);
  assert.deepEqual([seenWide?.institution, seenWide?.override?.subject, seenWide?.deploymentOverride], [null, 'Partout', null]);
  assert.equal((await listAt(w.admin, { 'campuscard-institution': codeA }))?.override, null, 'A has none of its own');

  // An admin of two institutions says which one.
  const ambiguous = await adminAB.put<{ code: string; field: string }>('/api/v1/mail-templates/request_checked/fr', { subject: 'x', body: 'y' });
  assert.equal(ambiguous.status, 422);
  assert.deepEqual([ambiguous.body.code, ambiguous.body.field], ['institution_required', '/institution']);
  // An admin of B cannot reach another institution's texts: 404 for the focus, as for a missing one.
  assert.equal((await adminB.request('GET', '/api/v1/mail-templates', focused(codeA))).status, 404);

  // Back to the default at B: B's mails use the deployment-wide text again.
  const reset = await adminB.delete<Template>('/api/v1/mail-templates/request_checked/fr');
  assert.equal(reset.status, 200, reset.text);
  assert.deepEqual([reset.body.override, reset.body.deploymentOverride?.subject], [null, 'Partout']);
  assert.equal((await checkedMailAt(B)).subject, 'Partout');
  const { rows } = await sql<{ level: number | null }>`
    SELECT institution_id AS level FROM mail_template_overrides WHERE template = 'request_checked'`
    .execute(w.t.runtime.database.db);
  assert.equal(rows.length, 2, 'the deployment-wide and the federation\'s remain');
});

test('audit entries of a card\'s mail are filed under its institution', async () => {
  const atB = await checkedMailAt(B);
  const { rows } = await sql<{ filed: number | null }>`
    SELECT institution_id AS filed FROM audit_log WHERE table_name = 'mails' AND row_id = ${atB.id}`.execute(w.t.runtime.database.db);
  assert.ok(rows.length > 0);
  const { rows: idRows } = await sql<{ id: number }>`SELECT id FROM institutions WHERE code = ${B}`.execute(w.t.runtime.database.db);
  assert.deepEqual([...new Set(rows.map((row) => row.filed))], [idRows[0]?.id]);
});
