import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { QUEUES } from '../../src/platform/jobs/job-queue.ts';
import { createInstitutionService } from '../../src/modules/institution/institution.service.ts';
import type { MailView } from '../../src/modules/notifications/notifications.service.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

// No SMTP_URL: the embedded/demo mode, where mails are kept in the database and read through the API.
let t: TestApp;
before(async () => { t = await startTestApp({ env: { PUBLIC_URL: 'https://cards.univ-test.fr' } }); });
after(async () => { await t.close(); });

test('without SMTP a mail is stored, listed in the API, and redelivery changes nothing', async () => {
  const personId = randomUUID();
  const notifications = t.runtime.services.notifications;
  const mail = await notifications.notify(t.runtime.database.db, {
    personId, to: 'lea@example.org', locale: 'en', template: 'card_disabled',
    data: { firstName: 'Léa', reason: 'MANAGER', comment: 'Card lent to someone else', disabledBy: 'manager' },
  });
  assert.ok(mail);
  assert.equal(await t.runtime.jobs.drain([QUEUES.mailSend]), 1);
  const stored = await notifications.get(mail.id);
  assert.equal(stored.status, 'stored');
  assert.equal(stored.sentAt, null);
  assert.equal(stored.attempts, 0);
  assert.equal(await notifications.deliver(mail.id), 'skipped');
  assert.equal((await notifications.get(mail.id)).status, 'stored');

  const admin = await t.loginAs('admin');
  const listed = await admin.get<{ items: MailView[] }>('/api/v1/mails?status=stored');
  assert.equal(listed.status, 200);
  assert.deepEqual(listed.body.items.map((m) => m.id), [mail.id]);
  assert.match(listed.body.items[0]?.text ?? '', /Comment from the card office: Card lent to someone else/);

  const holder = await t.loginAs('cardholder', { personId });
  const own = await holder.get<{ items: MailView[] }>('/api/v1/me/mails');
  assert.equal(own.status, 200);
  assert.equal(own.body.items[0]?.status, 'stored');
  assert.match(own.body.items[0]?.html ?? '', /Hello Léa,/);
});

test('the configured institution’s name ends the subject and signs the mail', async () => {
  await createInstitutionService(t.runtime.database.db).save({
    name: 'Université de Test', pic: '999999999', schacHomeOrganization: 'univ-test.fr', country: 'FR', esiScope: 'national',
  }, { actor: 'test' });
  const mail = await t.runtime.services.notifications.notify(t.runtime.database.db, {
    personId: randomUUID(), to: 'noe@example.org', template: 'request_checked', data: { firstName: 'Noé' },
  });
  assert.equal(mail?.subject, 'Votre demande de carte a été validée – Université de Test');
  assert.match(mail?.text ?? '', /Le bureau des cartes – Université de Test/);
});

test('the mail routes are in the OpenAPI document', async () => {
  const document = await t.anonymous.get<{ paths: Record<string, unknown> }>('/api/v1/openapi.json');
  assert.equal(document.status, 200);
  for (const path of ['/api/v1/mails', '/api/v1/mails/{id}', '/api/v1/me/mails', '/api/v1/me/mails/{id}']) {
    assert.ok(path in document.body.paths, path);
  }
});
