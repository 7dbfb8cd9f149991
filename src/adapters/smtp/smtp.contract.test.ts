import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSmtpClient, redactSmtpText, SmtpError, toSmtpError } from './smtp.client.ts';
import { parseMimeMessage, startSmtpSimulator, type SmtpSimulator } from './smtp.simulator.ts';

const MAIL = {
  from: 'Service des cartes <cartes@univ-test.fr>',
  to: 'camille.durand@example.org',
  subject: 'Votre carte est prête – Université « Test » ✓',
  text: 'Bonjour Camille,\n\nVotre carte est prête : retirez-la à l’accueil.\n' + 'Ligne très longue '.repeat(20) + '\n',
  html: '<p>Bonjour Camille,</p>\n<p>Votre carte est <b>prête</b>.</p>\n',
  messageId: '<0b7c9d3e-1111-4222-8333-944455556666@cards.univ-test.fr>',
};

let simulator: SmtpSimulator;
before(async () => { simulator = await startSmtpSimulator(); });
after(async () => { await simulator.close(); });
beforeEach(() => {
  simulator.messages.length = 0;
  simulator.rejectRecipients(null);
});

describe('SMTP client against the simulator (real SMTP over TCP)', () => {
  it('delivers subject, text and HTML intact (accents, symbols, long lines) with the given Message-ID', async () => {
    const client = createSmtpClient({ url: simulator.url });
    const delivery = await client.send(MAIL);
    assert.equal(delivery.messageId, MAIL.messageId);
    const [received] = await simulator.waitForMessages(1);
    assert.ok(received);
    assert.equal(received.envelopeFrom, 'cartes@univ-test.fr');
    assert.deepEqual(received.envelopeTo, ['camille.durand@example.org']);
    assert.equal(received.subject, MAIL.subject);
    assert.equal(received.messageId, MAIL.messageId);
    assert.equal(received.text.trimEnd(), MAIL.text.trimEnd());
    assert.equal(received.html.trimEnd(), MAIL.html.trimEnd());
    client.close();
  });

  it('logs in when the URL carries credentials', async () => {
    const url = new URL(simulator.url);
    url.username = 'relay-user';
    url.password = 's3cret';
    const client = createSmtpClient({ url: url.toString() });
    await client.verify();
    await client.send(MAIL);
    const [received] = await simulator.waitForMessages(1);
    assert.equal(received?.user, 'relay-user');
  });

  it('classifies a refused connection as transient and names no secret', async () => {
    await simulator.stop();
    try {
      const url = new URL(simulator.url);
      url.username = 'relay-user';
      url.password = 's3cret';
      const client = createSmtpClient({ url: url.toString(), connectionTimeoutMs: 2_000 });
      const error = await client.send(MAIL).then(() => null, (e: unknown) => e);
      assert.ok(error instanceof SmtpError);
      assert.equal(error.permanent, false);
      assert.ok(!error.message.includes('s3cret'));
      assert.ok(!error.message.includes('camille'));
    } finally {
      await simulator.start();
    }
    const client = createSmtpClient({ url: simulator.url });
    await client.send(MAIL);
    assert.equal((await simulator.waitForMessages(1)).length, 1, 'the simulator listens again on the same port');
  });

  it('classifies a rejected recipient (550) as permanent, without the address in the message', async () => {
    simulator.rejectRecipients((address) => address.startsWith('camille'));
    const client = createSmtpClient({ url: simulator.url });
    const error = await client.send(MAIL).then(() => null, (e: unknown) => e);
    assert.ok(error instanceof SmtpError);
    assert.equal(error.permanent, true);
    assert.equal(error.responseCode, 550);
    assert.ok(!error.message.includes('camille.durand@example.org'), error.message);
    assert.equal(simulator.messages.length, 0);
  });
});

describe('error classification and redaction', () => {
  it('treats 4xx, network errors and authentication failures as transient, other 5xx as permanent', () => {
    assert.equal(toSmtpError(Object.assign(new Error('try later'), { responseCode: 451, code: 'EENVELOPE' })).permanent, false);
    assert.equal(toSmtpError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ESOCKET' })).permanent, false);
    assert.equal(toSmtpError(Object.assign(new Error('Invalid login'), { responseCode: 535, code: 'EAUTH' })).permanent, false);
    assert.equal(toSmtpError(Object.assign(new Error('no such user'), { responseCode: 550, code: 'EENVELOPE' })).permanent, true);
    assert.equal(toSmtpError('weird').permanent, false);
  });

  it('removes addresses and URL credentials', () => {
    assert.equal(redactSmtpText('550 5.1.1 <bob@example.org>: unknown, also alice@example.org'),
      '550 5.1.1 [address]: unknown, also [address]');
    assert.equal(redactSmtpText('cannot reach smtp://user:pw@relay:25'), 'cannot reach smtp://[redacted]@relay:25');
  });
});

describe('parseMimeMessage', () => {
  it('decodes base64 parts and encoded-word subjects', () => {
    const raw = [
      'Subject: =?UTF-8?B?w4l0w6k=?= =?UTF-8?Q?_=C3=A0_Paris?=',
      'Content-Type: multipart/alternative; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('Été à Paris').toString('base64'),
      '--b1',
      'Content-Type: text/html; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      '<p>=C3=89t=C3=A9</p>',
      '--b1--',
      '',
    ].join('\r\n');
    const parsed = parseMimeMessage(raw);
    assert.equal(parsed.headers.subject, 'Été à Paris');
    assert.equal(parsed.text, 'Été à Paris');
    assert.equal(parsed.html, '<p>Été</p>');
  });
});
