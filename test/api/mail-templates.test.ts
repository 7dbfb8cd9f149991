import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { MailTemplateView, MailView } from '../../src/modules/notifications/notifications.service.ts';
import type { PersonView } from '../../src/modules/people/people.service.ts';
import { startTestApp, type TestApp, type TestClient } from '../helpers/test-app.ts';
import { configureInstitution, createPerson, move, officeClients, requestCard, type CardsWorld } from './cards.fixtures.ts';

let t: TestApp;
let w: CardsWorld;
before(async () => {
  t = await startTestApp({ env: { PUBLIC_URL: 'https://cards.univ-test.fr' } });
  await configureInstitution(t);
  w = await officeClients(t);
});
after(async () => { await t.close(); });

interface Problem {
  code: string;
  field?: string;
  errors?: Array<{ code: string; field?: string }>;
}

const URL = '/api/v1/mail-templates';

/** Requests a card for the person and checks it: the request_checked mail it causes, read from the mail log. */
async function checkedMail(personId: string): Promise<MailView> {
  const card = await requestCard(w, personId);
  await move(w.manager, card.id, 'REQUEST_CHECKED');
  const log = await w.admin.get<{ items: MailView[] }>(`/api/v1/mails?personId=${personId}&template=request_checked`);
  assert.equal(log.status, 200);
  assert.equal(log.body.items.length, 1);
  return log.body.items[0] as MailView;
}

async function overrideAudit(): Promise<Array<{ operation: string; actor: string }>> {
  const { rows } = await sql<{ operation: string; actor: string }>`
    SELECT operation, actor FROM audit_log WHERE table_name = 'mail_template_overrides' ORDER BY id`.execute(t.runtime.database.db);
  return rows;
}

test('admins list every template in both languages: default text, no override, allowed placeholders', async () => {
  const response = await w.admin.get<{ items: MailTemplateView[] }>(URL);
  assert.equal(response.status, 200);
  assert.equal(response.body.items.length, 10);
  const checkedFr = response.body.items.find((item) => item.template === 'request_checked' && item.locale === 'fr');
  assert.ok(checkedFr);
  assert.equal(checkedFr.override, null);
  assert.equal(checkedFr.default.subject, 'Votre demande de carte a été validée{{#institutionName}} – {{institutionName}}{{/institutionName}}');
  assert.match(checkedFr.default.body, /\{\{link\}\}/);
  assert.deepEqual(checkedFr.placeholders, ['firstName', 'institutionName', 'link']);
  assert.deepEqual(checkedFr.flags, ['virtual']);
  const disabledEn = response.body.items.find((item) => item.template === 'card_disabled' && item.locale === 'en');
  assert.deepEqual(disabledEn?.placeholders, ['firstName', 'institutionName', 'link', 'reason', 'comment', 'advice']);
});

test('an override is used by the next mail of a card move, in its locale only; reset restores the default', async () => {
  const saved = await w.admin.put<MailTemplateView>(`${URL}/request_checked/fr`, {
    subject: 'Demande validée pour {{firstName}}{{#institutionName}} ({{institutionName}}){{/institutionName}}',
    body: 'Bonne nouvelle <b>{{firstName}}</b> !\r\n\r\n{{^virtual}}Votre carte part à l’impression.{{/virtual}}\r\n\r\nSuivi : {{link}}',
  });
  assert.equal(saved.status, 200, saved.text);
  assert.equal(saved.body.override?.body, 'Bonne nouvelle <b>{{firstName}}</b> !\n\n{{^virtual}}Votre carte part à l’impression.{{/virtual}}\n\nSuivi : {{link}}',
    'line ends are stored as LF');
  assert.match(saved.body.override?.updatedBy ?? '', /^account:/);
  const listed = await w.admin.get<{ items: MailTemplateView[] }>(URL);
  assert.equal(listed.body.items.find((item) => item.template === 'request_checked' && item.locale === 'fr')?.override?.subject, saved.body.override?.subject);
  assert.equal(listed.body.items.find((item) => item.template === 'request_checked' && item.locale === 'en')?.override, null);

  const french = await createPerson(t, { firstName: 'Zoé' });
  const mail = await checkedMail(french.id);
  assert.equal(mail.locale, 'fr');
  assert.equal(mail.subject, 'Demande validée pour Zoé (Université Exemple)');
  assert.equal(mail.text, 'Bonjour Zoé,\n\nBonne nouvelle <b>Zoé</b> !\n\nVotre carte part à l’impression.\n\nSuivi : https://cards.univ-test.fr\n\n'
    + 'Le bureau des cartes – Université Exemple\n\n--\n\nCe message est envoyé automatiquement\u202f; merci de ne pas y répondre.\n');
  assert.ok(mail.html.includes('<p>Bonne nouvelle &lt;b&gt;Zoé&lt;/b&gt; !</p>'), 'the template’s text is escaped too');
  assert.ok(mail.html.includes('<p>Suivi : <a href="https://cards.univ-test.fr">https://cards.univ-test.fr</a></p>'));

  const english = await createPerson(t, { locale: 'en' });
  assert.equal((await checkedMail(english.id)).subject, 'Your card request has been approved – Université Exemple', 'the English text is untouched');

  const reset = await w.admin.delete<MailTemplateView>(`${URL}/request_checked/fr`);
  assert.equal(reset.status, 200);
  assert.equal(reset.body.override, null);
  assert.equal((await w.admin.delete<MailTemplateView>(`${URL}/request_checked/fr`)).status, 200, 'resetting twice is harmless');
  const after = await checkedMail((await createPerson(t)).id);
  assert.equal(after.subject, 'Votre demande de carte a été validée – Université Exemple');
  assert.match(after.text, /Elle va maintenant être imprimée/);

  assert.deepEqual((await overrideAudit()).map((entry) => entry.operation), ['INSERT', 'DELETE']);
  assert.ok((await overrideAudit()).every((entry) => entry.actor.startsWith('account:')), 'audited as the admin');
});

test('saving again replaces the override and stays one row', async () => {
  assert.equal((await w.admin.put(`${URL}/card_ready/en`, { subject: 'Ready', body: 'One' })).status, 200);
  const second = await w.admin.put<MailTemplateView>(`${URL}/card_ready/en`, { subject: 'Ready!', body: 'Two {{link}}' });
  assert.equal(second.status, 200);
  assert.deepEqual([second.body.override?.subject, second.body.override?.body], ['Ready!', 'Two {{link}}']);
  const { rows } = await sql<{ count: number }>`SELECT count(*)::int AS count FROM mail_template_overrides WHERE template = 'card_ready'`.execute(t.runtime.database.db);
  assert.equal(rows[0]?.count, 1);
  assert.equal((await w.admin.delete(`${URL}/card_ready/en`)).status, 200);
});

test('a template the rules refuse is a 400 with a stable code and the field at fault, and nothing is saved', async () => {
  const cases: Array<[string, { subject: string; body: string }, string, string]> = [
    ['card_ready', { subject: 'Hi {{lastName}}', body: 'x' }, 'unknown_placeholder', '/subject'],
    ['card_ready', { subject: 'Hi', body: '{{reason}}' }, 'unknown_placeholder', '/body'],
    ['card_disabled', { subject: 'Hi', body: '{{#reason}}Reason: {{reason}}' }, 'unbalanced_section', '/body'],
    ['card_disabled', { subject: 'Hi', body: 'x{{/comment}}' }, 'unbalanced_section', '/body'],
    ['card_enabled', { subject: 'Hi\r\nBcc: victim@example.org', body: 'x' }, 'subject_multiline', '/subject'],
    ['card_enabled', { subject: 'x'.repeat(251), body: 'x' }, 'template_too_long', '/subject'],
    ['card_enabled', { subject: 'Hi', body: 'x'.repeat(8001) }, 'template_too_long', '/body'],
    ['card_enabled', { subject: '   ', body: 'x' }, 'template_empty', '/subject'],
    ['card_enabled', { subject: 'Hi', body: 'Hello {{first name}}' }, 'malformed_placeholder', '/body'],
    ['card_enabled', { subject: 'Hi', body: 'a\u0000b' }, 'invalid_characters', '/body'],
  ];
  for (const [template, body, code, field] of cases) {
    for (const path of [`${URL}/${template}/fr`, `${URL}/${template}/fr/preview`]) {
      const response = path.endsWith('preview') ? await w.admin.post<Problem>(path, body) : await w.admin.put<Problem>(path, body);
      assert.equal(response.status, 400, `${path} ${JSON.stringify(body).slice(0, 60)}`);
      assert.match(String(response.headers['content-type']), /application\/problem\+json/);
      assert.equal(response.body.code, code, `${path} ${JSON.stringify(body).slice(0, 60)}`);
      assert.equal(response.body.field, field);
    }
  }
  const both = await w.admin.put<Problem>(`${URL}/card_ready/en`, { subject: '{{nope}}', body: '{{#virtual}}' });
  assert.deepEqual(both.body.errors?.map((error) => [error.field, error.code]), [['/subject', 'unknown_placeholder'], ['/body', 'unbalanced_section']]);

  const { rows } = await sql<{ count: number }>`SELECT count(*)::int AS count FROM mail_template_overrides`.execute(t.runtime.database.db);
  assert.equal(rows[0]?.count, 0);
  assert.equal((await w.admin.put(`${URL}/card_exploded/fr`, { subject: 'x', body: 'x' })).status, 400, 'unknown template');
  assert.equal((await w.admin.put(`${URL}/card_ready/de`, { subject: 'x', body: 'x' })).status, 400, 'unknown locale');
  assert.equal((await w.admin.put(`${URL}/card_ready/fr`, { subject: 'x' })).status, 400, 'body missing');
  assert.equal((await w.admin.put(`${URL}/card_ready/fr`, { subject: 'x', body: 'x', html: '<b>' })).status, 400, 'unknown field');
});

test('preview renders sample data with the institution’s name, physical or virtual, without saving', async () => {
  const source = {
    subject: '{{#virtual}}Virtual{{/virtual}}{{^virtual}}Physical{{/virtual}} card – {{institutionName}}',
    body: '{{#reason}}Reason: {{reason}}{{/reason}}\n\n{{#comment}}Comment: {{comment}}{{/comment}}\n\n{{advice}}\n\n<script>{{link}}</script>',
  };
  const physical = await w.admin.post<{ subject: string; text: string; html: string }>(`${URL}/card_disabled/en/preview`, source);
  assert.equal(physical.status, 200, physical.text);
  assert.equal(physical.body.subject, 'Physical card – Université Exemple');
  assert.match(physical.body.text, /^Hello Camille,\n\nReason: decision of the card office\n\nComment: Card lent to someone else\.\n\nTo have it enabled again/);
  assert.ok(physical.body.html.includes('&lt;script&gt;<a href="https://cards.univ-test.fr">https://cards.univ-test.fr</a>&lt;/script&gt;'));
  assert.ok(!physical.body.html.includes('<script>'));
  const virtual = await w.admin.post<{ subject: string }>(`${URL}/card_disabled/en/preview`, { ...source, cardKind: 'virtual' });
  assert.equal(virtual.body.subject, 'Virtual card – Université Exemple');
  const defaults = (await w.admin.get<{ items: MailTemplateView[] }>(URL)).body.items.find((item) => item.template === 'request_rejected' && item.locale === 'fr');
  assert.ok(defaults);
  const preview = await w.admin.post<{ text: string }>(`${URL}/request_rejected/fr/preview`, defaults.default);
  assert.match(preview.body.text, /Motif\u00a0: La photo est floue\./);
  assert.ok((await w.admin.get<{ items: MailTemplateView[] }>(URL)).body.items.every((item) => item.override === null), 'nothing saved');
});

test('only admins read and change templates; everyone else is refused', async () => {
  const person = await createPerson(t);
  const others: Array<[string, TestClient]> = [
    ['manager', w.manager],
    ['limited manager', await t.loginAs('manager', { personTypes: ['student'] })],
    ['viewer', w.viewer],
    ['station', w.station],
    ['deliverer', w.deliverer],
    ['cardholder', await t.loginAs('cardholder', { personId: person.id })],
    ['manager token', await t.tokenClient('manager')],
  ];
  const body = { subject: 'Taken over', body: 'x' };
  const calls: Array<(client: TestClient) => Promise<{ status: number; body: Record<string, unknown> }>> = [
    (client) => client.get(URL),
    (client) => client.put(`${URL}/card_ready/fr`, body),
    (client) => client.delete(`${URL}/card_ready/fr`),
    (client) => client.post(`${URL}/card_ready/fr/preview`, body),
  ];
  for (const call of calls) {
    const anonymous = await call(t.anonymous);
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.body.code, 'unauthenticated');
    for (const [name, client] of others) assert.equal((await call(client)).status, 403, name);
  }
  const adminToken = await t.tokenClient('admin');
  assert.equal((await adminToken.get(URL)).status, 200);
  assert.equal((await adminToken.post(`${URL}/card_ready/fr/preview`, body)).status, 200);
  const { rows } = await sql<{ count: number }>`SELECT count(*)::int AS count FROM mail_template_overrides`.execute(t.runtime.database.db);
  assert.equal(rows[0]?.count, 0, 'no refused caller saved anything');
});

test('a person whose language is English receives English mails; the office sets and clears the language', async () => {
  const created = await w.manager.post<PersonView>('/api/v1/persons', {
    eppn: `sam${process.pid}@univ.example.fr`, lastName: 'Smith', firstName: 'Sam', personType: 'student', email: `sam${process.pid}@mail.example.org`, locale: 'en-GB',
  });
  assert.equal(created.status, 201, created.text);
  assert.equal(created.body.locale, 'en');
  const mail = await checkedMail(created.body.id);
  assert.equal(mail.locale, 'en');
  assert.equal(mail.subject, 'Your card request has been approved – Université Exemple');
  assert.match(mail.text, /^Hello Sam,/);

  const invalid = await w.manager.patch<Problem>(`/api/v1/persons/${created.body.id}`, { locale: 'de' });
  assert.equal(invalid.status, 422);
  assert.equal(invalid.body.field, '/locale');
  assert.equal(invalid.body.errors?.[0]?.code, 'invalid_locale');
  assert.equal((await w.viewer.patch(`/api/v1/persons/${created.body.id}`, { locale: 'fr' })).status, 403);
  const staffOnly = await t.loginAs('manager', { personTypes: ['staff'] });
  assert.equal((await staffOnly.patch(`/api/v1/persons/${created.body.id}`, { locale: 'fr' })).status, 404, 'a student is out of a staff manager’s reach');
  const cleared = await w.manager.patch<PersonView>(`/api/v1/persons/${created.body.id}`, { locale: null });
  assert.equal(cleared.status, 200);
  assert.equal(cleared.body.locale, null);
  const history = await w.manager.get<{ items: Array<{ changes: Record<string, unknown> }> }>(`/api/v1/persons/${created.body.id}/history`);
  assert.ok(history.body.items.some((entry) => entry.changes.locale === null), 'the change is audited');
});

test('the language comes from an imported language column, and an import without it keeps the stored one', async () => {
  const eppn = `imp${process.pid}@univ.example.fr`;
  const upload = (lines: string[]) => w.admin.request<{ created: number; updated: number; unchanged: number; errors: unknown[] }>(
    'POST', '/api/v1/imports/persons?wait=true', { payload: Buffer.from(lines.join('\n') + '\n'), headers: { 'content-type': 'text/csv' } });
  const first = await upload(['eppn;last_name;first_name;email;person_type;Language', `${eppn};Lee;Alex;imp${process.pid}@mail.example.org;staff;EN`]);
  assert.equal(first.status, 200, first.text);
  assert.equal(first.body.created, 1);
  const person = await t.runtime.services.people.getByEppn(eppn);
  assert.equal(person.locale, 'en');
  const again = await upload(['eppn;last_name;first_name;email;person_type', `${eppn};Lee;Alex;imp${process.pid}@mail.example.org;staff`]);
  assert.equal(again.body.unchanged, 1, 'a file without the column changes nothing');
  assert.equal((await t.runtime.services.people.getByEppn(eppn)).locale, 'en');
  const mail = await checkedMail(person.id);
  assert.equal(mail.locale, 'en');
  assert.match(mail.text, /^Hello Alex,/);
  const refused = await upload(['eppn;last_name;first_name;person_type;locale', `x${eppn};Lee;Alex;staff;klingon`]);
  assert.equal(refused.status, 422);
});

test('a cardholder chooses the language of their own mails, and only theirs', async () => {
  const person = await createPerson(t, { firstName: 'Léa' });
  const other = await createPerson(t, { locale: 'fr' });
  const holder = await t.loginAs('cardholder', { personId: person.id });
  const set = await holder.put<{ locale: string | null }>('/api/v1/me/preferences', { locale: 'en' });
  assert.equal(set.status, 200, set.text);
  assert.deepEqual(set.body, { locale: 'en' });
  assert.equal((await holder.get<{ person: PersonView }>('/api/v1/me')).body.person.locale, 'en');
  assert.equal((await t.runtime.services.people.get(other.id)).locale, 'fr', 'nobody else changed');
  const mail = await checkedMail(person.id);
  assert.equal(mail.locale, 'en');
  assert.match(mail.text, /^Hello Léa,/);

  const invalid = await holder.put<Problem>('/api/v1/me/preferences', { locale: 'de' });
  assert.equal(invalid.status, 400);
  assert.equal(invalid.body.field, '/locale');
  assert.equal((await holder.put('/api/v1/me/preferences', { locale: 'en', personId: other.id })).status, 400, 'no way to name another person');
  assert.equal((await holder.put('/api/v1/me/preferences', { locale: null })).status, 200);
  assert.equal((await t.runtime.services.people.get(person.id)).locale, null);
  const noPerson = await w.viewer.put<Problem>('/api/v1/me/preferences', { locale: 'en' });
  assert.equal(noPerson.status, 404);
  assert.equal(noPerson.body.code, 'no_person_record');
  assert.equal((await t.anonymous.put('/api/v1/me/preferences', { locale: 'en' })).status, 401);
});

test('the template routes are in the OpenAPI document', async () => {
  const document = await t.anonymous.get<{ paths: Record<string, unknown> }>('/api/v1/openapi.json');
  for (const path of ['/api/v1/mail-templates', '/api/v1/mail-templates/{template}/{locale}', '/api/v1/mail-templates/{template}/{locale}/preview', '/api/v1/me/preferences']) {
    assert.ok(path in document.body.paths, path);
  }
});
