import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { inTransaction } from '../../src/platform/db/database.ts';
import { WHOLE_DEPLOYMENT } from '../../src/platform/db/scope-filter.ts';
import { QUEUES } from '../../src/platform/jobs/job-queue.ts';
import { claimAttempt } from '../../src/modules/notifications/notifications.repository.ts';
import { MAIL_SEND_MAX_ATTEMPTS, type MailView } from '../../src/modules/notifications/notifications.service.ts';
import { startSmtpSimulator, type SmtpSimulator } from '../../src/adapters/smtp/smtp.simulator.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let smtp: SmtpSimulator;

before(async () => {
  smtp = await startSmtpSimulator();
  t = await startTestApp({ env: { SMTP_URL: smtp.url, MAIL_FROM: 'Cartes <cartes@univ-test.fr>', PUBLIC_URL: 'https://cards.univ-test.fr' } });
});
after(async () => {
  await t.close();
  await smtp.close();
});
const notifications = () => t.runtime.services.notifications;
const drain = () => t.runtime.jobs.drain([QUEUES.mailSend]);

// Each test starts with an empty queue and an empty mailbox, whatever the previous one left.
beforeEach(async () => {
  smtp.rejectRecipients(null);
  await drain();
  smtp.messages.length = 0;
});

async function mailJobs(mailId: string): Promise<Array<{ id: string; state: string; retry_limit: number }>> {
  const result = await t.runtime.database.pool.query<{ id: string; state: string; retry_limit: number }>(
    `SELECT id, state, retry_limit FROM pgboss.job WHERE name = $1 AND data->>'mailId' = $2`, [QUEUES.mailSend, mailId]);
  return result.rows as Array<{ id: string; state: string; retry_limit: number }>;
}

async function notifyCamille(overrides: Partial<Parameters<ReturnType<typeof notifications>['notify']>[1]> = {}): Promise<MailView> {
  const mail = await notifications().notify(t.runtime.database.db, {
    personId: randomUUID(),
    to: 'camille@example.org',
    template: 'card_ready',
    data: { firstName: 'Camille', institutionName: 'Université de Test' },
    ...overrides,
  });
  assert.ok(mail);
  return mail;
}

test('a notified mail is queued with its job, then delivered over SMTP in French by default', async () => {
  const mail = await notifyCamille();
  assert.equal(mail.status, 'queued');
  assert.equal(mail.locale, 'fr');
  const jobs = await mailJobs(mail.id);
  assert.equal(jobs.length, 1);
  assert.equal(jobs[0]?.retry_limit, 5, 'the queue retries five times');

  assert.equal(await drain(), 1);
  const [received] = await smtp.waitForMessages(1);
  assert.ok(received);
  assert.equal(received.subject, 'Votre carte est prête – Université de Test');
  assert.deepEqual(received.envelopeTo, ['camille@example.org']);
  assert.equal(received.envelopeFrom, 'cartes@univ-test.fr');
  assert.match(received.text, /^Bonjour Camille,/);
  assert.match(received.text, /https:\/\/cards\.univ-test\.fr/);
  assert.match(received.html, /<a href="https:\/\/cards\.univ-test\.fr">/);
  assert.equal(received.messageId, `<${mail.id}@cards.univ-test.fr>`);

  const sent = await notifications().get(mail.id);
  assert.equal(sent.status, 'sent');
  assert.equal(sent.attempts, 1);
  assert.ok(sent.sentAt);
  assert.equal(sent.lastError, null);
});

test('the person’s language preference picks the English text', async () => {
  const mail = await notifyCamille({ locale: 'en-GB', template: 'request_rejected', data: { firstName: 'Sam', institutionName: 'Test University', reason: 'Blurry photo' } });
  assert.equal(mail.locale, 'en');
  await drain();
  const [received] = await smtp.waitForMessages(1);
  assert.equal(received?.subject, 'Your card request was not accepted – Test University');
  assert.match(received?.text ?? '', /^Hello Sam,/);
  assert.match(received?.text ?? '', /Reason: Blurry photo/);
});

test('inside a caller’s transaction the mail and its job exist only if it commits', async () => {
  const personId = randomUUID();
  const committed = await inTransaction(t.runtime.database.db, { actor: 'test' }, (trx) =>
    notifications().notify(trx, { personId, to: 'a@example.org', template: 'request_checked', data: { firstName: 'A' } }));
  assert.ok(committed);
  assert.equal((await mailJobs(committed.id)).length, 1);

  let rolledBackId: string | undefined;
  await assert.rejects(inTransaction(t.runtime.database.db, { actor: 'test' }, async (trx) => {
    const mail = await notifications().notify(trx, { personId, to: 'a@example.org', template: 'card_ready', data: { firstName: 'A' } });
    rolledBackId = mail?.id;
    throw new Error('the card move failed');
  }), /the card move failed/);
  assert.ok(rolledBackId);
  await assert.rejects(notifications().get(rolledBackId), (e: { code?: string }) => e.code === 'mail_not_found');
  assert.equal((await mailJobs(rolledBackId)).length, 0);
  const mails = await notifications().list({ scope: WHOLE_DEPLOYMENT, personId, limit: 10 });
  assert.deepEqual(mails.map((m) => m.template), ['request_checked']);
});

test('a person without a usable e-mail gets no mail', async () => {
  const personId = randomUUID();
  for (const to of [null, undefined, '', '   ', 'not an address', 'a@b.org\r\nBcc: x@y.org']) {
    assert.equal(await notifications().notify(t.runtime.database.db, { personId, to, template: 'card_ready', data: { firstName: 'X' } }), null);
  }
  assert.equal((await notifications().list({ scope: WHOLE_DEPLOYMENT, personId, limit: 10 })).length, 0);
});

test('SMTP down: the mail stays queued with the attempt counted, and goes out when the job is retried', async () => {
  await smtp.stop();
  const mail = await notifyCamille();
  try {
    assert.equal(await drain(), 1);
    const queued = await notifications().get(mail.id);
    assert.equal(queued.status, 'queued');
    assert.equal(queued.attempts, 1);
    assert.ok(queued.lastError);
    assert.ok(!queued.lastError.includes('camille'), 'no address in the stored error');
    const [job] = await mailJobs(mail.id);
    assert.equal(job?.state, 'retry', 'pg-boss will retry it with backoff');
  } finally {
    await smtp.start();
  }
  // The backoff delay has not passed: make the retry due instead of waiting (a second in the past:
  // pg-boss fetches jobs whose start_after is strictly before now(), and two statements may read
  // the same clock value).
  await t.runtime.database.pool.query(`UPDATE pgboss.job SET start_after = now() - interval '1 second' WHERE name = $1 AND data->>'mailId' = $2`, [QUEUES.mailSend, mail.id]);
  assert.equal(await drain(), 1);
  await smtp.waitForMessages(1);
  const sent = await notifications().get(mail.id);
  assert.equal(sent.status, 'sent');
  assert.equal(sent.attempts, 2);
  assert.equal(sent.lastError, null);
  assert.equal((await mailJobs(mail.id))[0]?.state, 'completed');
});

test('after the last attempt the mail is marked failed and never tried again', async () => {
  await smtp.stop();
  try {
    const mail = await notifyCamille();
    for (let attempt = 1; attempt <= MAIL_SEND_MAX_ATTEMPTS; attempt++) {
      await assert.rejects(notifications().deliver(mail.id));
      const current = await notifications().get(mail.id);
      assert.equal(current.attempts, attempt);
      assert.equal(current.status, attempt < MAIL_SEND_MAX_ATTEMPTS ? 'queued' : 'failed');
    }
    assert.equal(await notifications().deliver(mail.id), 'skipped');
  } finally {
    await smtp.start();
  }
  assert.equal(smtp.messages.length, 0);
});

test('a permanently refused recipient fails at once, without retries', async () => {
  smtp.rejectRecipients((address) => address === 'gone@example.org');
  const mail = await notifyCamille({ to: 'gone@example.org' });
  assert.equal(await notifications().deliver(mail.id), 'failed');
  const failed = await notifications().get(mail.id);
  assert.equal(failed.status, 'failed');
  assert.equal(failed.attempts, 1);
  assert.match(failed.lastError ?? '', /550|rejected/i);
  assert.ok(!(failed.lastError ?? '').includes('gone@example.org'));
});

test('a job delivered twice sends the mail once', async () => {
  const mail = await notifyCamille();
  await t.runtime.jobs.send(QUEUES.mailSend, { mailId: mail.id });
  assert.equal(await drain(), 2);
  assert.equal(await notifications().deliver(mail.id), 'skipped');
  assert.equal(smtp.messages.length, 1);
  assert.equal((await notifications().get(mail.id)).attempts, 1);
});

test('two deliveries that read the same attempt count cannot both claim the attempt', async () => {
  const mail = await notifyCamille();
  const db = t.runtime.database.db;
  assert.ok(await claimAttempt(db, mail.id, 0));
  assert.equal(await claimAttempt(db, mail.id, 0), undefined, 'the slower delivery backs off');
});

test('a <script> first name is escaped in the delivered HTML', async () => {
  await notifyCamille({ data: { firstName: '<script>alert(1)</script>', institutionName: 'Arts & Métiers' } });
  await drain();
  const [received] = await smtp.waitForMessages(1);
  assert.ok(received);
  assert.ok(!received.html.includes('<script>'));
  assert.ok(received.html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.ok(received.html.includes('Arts &amp; Métiers'));
});

test('the office reads the mail log: admins and unrestricted managers only', async () => {
  const personId = randomUUID();
  const mail = await notifyCamille({ personId });
  const admin = await t.loginAs('admin');
  const listed = await admin.get<{ items: MailView[] }>(`/api/v1/mails?personId=${personId}`);
  assert.equal(listed.status, 200);
  assert.deepEqual(listed.body.items.map((m) => m.id), [mail.id]);
  assert.equal(listed.body.items[0]?.to, 'camille@example.org');
  const byStatus = await admin.get<{ items: MailView[] }>('/api/v1/mails?status=queued&template=card_ready&limit=200');
  assert.equal(byStatus.status, 200);
  assert.ok(byStatus.body.items.every((m) => m.status === 'queued' && m.template === 'card_ready'));
  assert.ok(byStatus.body.items.some((m) => m.id === mail.id));
  assert.equal((await admin.get(`/api/v1/mails/${mail.id}`)).status, 200);
  assert.equal((await admin.get(`/api/v1/mails/${randomUUID()}`)).status, 404);
  assert.equal((await admin.get('/api/v1/mails?status=lost')).status, 400);

  const manager = await t.loginAs('manager');
  assert.equal((await manager.get(`/api/v1/mails?personId=${personId}`)).status, 200);
  assert.equal((await manager.get(`/api/v1/mails/${mail.id}`)).status, 200);
  const adminToken = await t.tokenClient('admin');
  assert.equal((await adminToken.get(`/api/v1/mails/${mail.id}`)).status, 200);

  const limited = await t.loginAs('manager', { personTypes: ['staff'] });
  const refused = await limited.get('/api/v1/mails');
  assert.equal(refused.status, 403);
  assert.equal(refused.body.code, 'mail_access_limited');
  assert.equal((await limited.get(`/api/v1/mails/${mail.id}`)).status, 403);

  for (const role of ['viewer', 'station', 'deliverer'] as const) {
    const client = await t.loginAs(role);
    assert.equal((await client.get('/api/v1/mails')).status, 403, role);
    assert.equal((await client.get(`/api/v1/mails/${mail.id}`)).status, 403, role);
  }
  const holder = await t.loginAs('cardholder', { personId });
  assert.equal((await holder.get('/api/v1/mails')).status, 403);
  assert.equal((await holder.get(`/api/v1/mails/${mail.id}`)).status, 403);
  assert.equal((await t.anonymous.get('/api/v1/mails')).status, 401);
  assert.equal((await t.anonymous.get(`/api/v1/mails/${mail.id}`)).status, 401);
});

test('a person reads their own mails and nobody else’s', async () => {
  const personA = randomUUID();
  const personB = randomUUID();
  const mailA = await notifyCamille({ personId: personA, to: 'a@example.org' });
  const mailB = await notifyCamille({ personId: personB, to: 'b@example.org' });
  const studentA = await t.loginAs('cardholder', { personId: personA });
  const studentB = await t.loginAs('cardholder', { personId: personB });

  const listA = await studentA.get<{ items: Array<Record<string, unknown>> }>('/api/v1/me/mails');
  assert.equal(listA.status, 200);
  assert.deepEqual(listA.body.items.map((m) => m.id), [mailA.id]);
  assert.equal(listA.body.items[0]?.subject, mailA.subject);
  assert.ok(!('lastError' in (listA.body.items[0] ?? {})), 'delivery internals stay in the office');
  assert.equal((await studentA.get(`/api/v1/me/mails/${mailA.id}`)).status, 200);

  const stolen = await studentA.get(`/api/v1/me/mails/${mailB.id}`);
  assert.equal(stolen.status, 404, 'another person’s mail looks like a missing one');
  assert.equal(stolen.body.code, 'mail_not_found');
  assert.equal((await studentA.get(`/api/v1/mails/${mailB.id}`)).status, 403);
  assert.deepEqual((await studentB.get<{ items: MailView[] }>('/api/v1/me/mails')).body.items.map((m) => m.id), [mailB.id]);

  const viewer = await t.loginAs('viewer');
  const noPerson = await viewer.get('/api/v1/me/mails');
  assert.equal(noPerson.status, 403);
  assert.equal(noPerson.body.code, 'no_person');
  assert.equal((await t.anonymous.get('/api/v1/me/mails')).status, 401);
  assert.equal((await t.anonymous.get(`/api/v1/me/mails/${mailA.id}`)).status, 401);
});
