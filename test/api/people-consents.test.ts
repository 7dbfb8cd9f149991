import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestClient } from '../helpers/test-app.ts';
import type { ConsentEventView, ConsentsView, ConsentState, PersonView } from '../../src/modules/people/people.service.ts';

const NOW = new Date('2026-03-10T09:30:00.000Z');
/** A clock that moves 1 s per reading, so successive decisions have distinct, predictable times. */
let ticks = 0;
const clock = () => new Date(NOW.getTime() + 1000 * ticks++);
let t: TestApp;
let admin: TestClient;
let n = 0;

before(async () => {
  t = await startTestApp({ now: clock });
  admin = await t.loginAs('admin');
});
after(async () => { await t.close(); });

async function person(fields: Record<string, unknown> = {}): Promise<PersonView> {
  n += 1;
  return t.runtime.services.people.create({
    eppn: `c${n}@univ.example.fr`, lastName: `Consent${n}`, firstName: 'Test', personType: 'student', ...fields,
  }, { actor: 'test' });
}

test('consent texts are public, latest version per kind and locale', async () => {
  const fr = await t.anonymous.get<{ items: Array<{ kind: string; version: string; locale: string; title: string; body: string }> }>('/api/v1/consent-texts');
  assert.equal(fr.status, 200);
  assert.deepEqual(fr.body.items.map((text) => [text.kind, text.version, text.locale]).sort(),
    [['crous', '2026-12', 'fr'], ['esc', '2026-12', 'fr'], ['photo_publication', '2026-01', 'fr']]);
  assert.ok(fr.body.items.every((text) => text.title.length > 0 && text.body.length > 20));
  const en = await t.anonymous.get<{ items: Array<{ locale: string }> }>('/api/v1/consent-texts?locale=en');
  assert.ok(en.body.items.length === 3 && en.body.items.every((text) => text.locale === 'en'));
  assert.equal((await t.anonymous.get('/api/v1/consent-texts?locale=de')).status, 400);
});

test('a person grants and withdraws on the web; the proof keeps time, version, locale, channel, actor and address', async () => {
  const me = await person();
  const client = await t.loginAs('cardholder', { personId: me.id });
  const granted = await client.put<ConsentState>(`/api/v1/persons/${me.id}/consents/esc`, { granted: true, textVersion: '2026-01', locale: 'fr' });
  assert.equal(granted.status, 200, granted.text);
  const grantedAt = granted.body.decidedAt;
  assert.match(grantedAt, /^2026-03-10T09:/, 'decided at the service clock');
  assert.deepEqual(granted.body, { kind: 'esc', granted: true, textVersion: '2026-01', channel: 'web', decidedAt: grantedAt });
  const withdrawn = await client.put<ConsentState>(`/api/v1/persons/${me.id}/consents/esc`, { granted: false, textVersion: '2026-01', locale: 'en' });
  assert.equal(withdrawn.body.granted, false);

  const state = await client.get<{ consents: ConsentsView; events: ConsentEventView[] }>(`/api/v1/persons/${me.id}/consents`);
  assert.equal(state.status, 200);
  assert.equal(state.body.consents.esc?.granted, false);
  const withdrawnAt = withdrawn.body.decidedAt;
  assert.ok(withdrawnAt > grantedAt);
  assert.equal(state.body.consents.crous, null);
  assert.equal(state.body.consents.photo_publication, null);
  assert.deepEqual(state.body.events.map((e) => [e.kind, e.granted, e.textVersion, e.locale, e.channel, e.actor, e.at]), [
    ['esc', true, '2026-01', 'fr', 'web', `account:${client.accountId}`, grantedAt],
    ['esc', false, '2026-01', 'en', 'web', `account:${client.accountId}`, withdrawnAt],
  ]);
  assert.ok(state.body.events.every((e) => e.ip !== null && e.ip.length > 0));
  const audited = await t.runtime.database.pool.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM audit_log WHERE table_name = 'consent_events' AND actor = $1", [`account:${client.accountId}`]);
  assert.equal(audited.rows[0]?.n, 2);
});

test('an unknown text version (or one missing in that locale) is 422 and records nothing', async () => {
  const me = await person();
  const client = await t.loginAs('cardholder', { personId: me.id });
  const unknown = await client.put(`/api/v1/persons/${me.id}/consents/crous`, { granted: true, textVersion: '1999-01', locale: 'fr' });
  assert.equal(unknown.status, 422);
  assert.equal(unknown.body.code, 'unknown_consent_text');
  assert.equal(unknown.body.field, '/textVersion');
  assert.equal((await client.put(`/api/v1/persons/${me.id}/consents/tattoo`, { granted: true, textVersion: '2026-01', locale: 'fr' })).status, 400);
  const events = await t.runtime.services.people.consentHistory(me.id);
  assert.equal(events.length, 0);
});

test('the office records consents with the office or paper channel; others cannot', async () => {
  const student = await person();
  const other = await person();
  const manager = await t.loginAs('manager');
  const office = await manager.put<ConsentState>(`/api/v1/persons/${student.id}/consents/photo_publication`, { granted: true, textVersion: '2026-01', locale: 'fr' });
  assert.equal(office.status, 200);
  assert.equal(office.body.channel, 'office');
  const paper = await admin.put<ConsentState>(`/api/v1/persons/${student.id}/consents/crous`, { granted: true, textVersion: '2026-01', locale: 'fr', channel: 'paper' });
  assert.equal(paper.body.channel, 'paper');

  const viewer = await t.loginAs('viewer');
  assert.equal((await viewer.put(`/api/v1/persons/${student.id}/consents/esc`, { granted: true, textVersion: '2026-01', locale: 'fr' })).status, 403);
  const staffManager = await t.loginAs('manager', { personTypes: ['staff'] });
  assert.equal((await staffManager.put(`/api/v1/persons/${student.id}/consents/esc`, { granted: true, textVersion: '2026-01', locale: 'fr' })).status, 404);
  assert.equal((await staffManager.get(`/api/v1/persons/${student.id}/consents`)).status, 404);
  const otherClient = await t.loginAs('cardholder', { personId: other.id });
  assert.equal((await otherClient.put(`/api/v1/persons/${student.id}/consents/esc`, { granted: true, textVersion: '2026-01', locale: 'fr' })).status, 404);
  assert.equal((await otherClient.get(`/api/v1/persons/${student.id}/consents`)).status, 404);
  assert.equal((await t.anonymous.put(`/api/v1/persons/${student.id}/consents/esc`, { granted: true, textVersion: '2026-01', locale: 'fr' })).status, 401);
  assert.equal((await viewer.get(`/api/v1/persons/${student.id}/consents`)).status, 200);
});

test('consent listeners run in the transaction when the granted state changes', async () => {
  const calls: Array<[string, string, boolean]> = [];
  t.runtime.services.people.onConsentChanged(async (executor, personId, kind, granted) => {
    assert.ok(executor.isTransaction);
    calls.push([personId, kind, granted]);
  });
  const p = await person();
  const decide = (granted: boolean) => t.runtime.services.people.setConsent(p.id,
    { kind: 'esc', granted, textVersion: '2026-01', locale: 'fr', channel: 'api' }, { actor: 'token:x' });
  await decide(true);
  await decide(true);
  await decide(false);
  assert.deepEqual(calls.filter(([id]) => id === p.id), [[p.id, 'esc', true], [p.id, 'esc', false]]);
  assert.equal((await t.runtime.services.people.consentHistory(p.id)).length, 3, 'every decision is proof, even a repeated one');
});

test('/me gives my record and consents; /me/export downloads everything held about me', async () => {
  const me = await person({ email: 'me@mail.example.org' });
  const client = await t.loginAs('cardholder', { personId: me.id });
  await client.put(`/api/v1/persons/${me.id}/consents/esc`, { granted: true, textVersion: '2026-01', locale: 'fr' });
  const mine = await client.get<{ person: PersonView; consents: ConsentsView }>('/api/v1/me');
  assert.equal(mine.status, 200);
  assert.equal(mine.body.person.id, me.id);
  assert.equal(mine.body.consents.esc?.granted, true);

  const exported = await client.get<Record<string, unknown>>('/api/v1/me/export');
  assert.equal(exported.status, 200);
  assert.match(String(exported.headers['content-disposition']), /^attachment; filename="campuscard-my-data-2026-03-10\.json"$/);
  assert.equal(exported.headers['cache-control'], 'no-store');
  const data = exported.body as { person: PersonView; consents: ConsentsView; consentEvents: unknown[]; history: unknown[]; photos: unknown[] };
  assert.equal(data.person.email, 'me@mail.example.org');
  assert.equal(data.consents.esc?.granted, true);
  assert.equal(data.consentEvents.length, 1);
  assert.deepEqual((data.history as Array<{ table: string; operation: string }>).map((entry) => `${entry.table}:${entry.operation}`),
    ['persons:INSERT', 'enrolments:INSERT'], 'the record and its enrolment');
  assert.deepEqual(data.person.enrolments.map((enrolment) => enrolment.institution), ['main']);
  assert.deepEqual(data.photos, []);

  const staff = await t.loginAs('viewer');
  const none = await staff.get('/api/v1/me');
  assert.equal(none.status, 404);
  assert.equal(none.body.code, 'no_person_record');
  assert.equal((await t.anonymous.get('/api/v1/me/export')).status, 401);
});
