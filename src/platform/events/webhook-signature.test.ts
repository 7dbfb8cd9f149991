import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { newWebhookSecret, signWebhook, verifyWebhook, WebhookSecretError, webhookSecretKey } from './webhook-signature.ts';

// The independent implementation is the `standardwebhooks` package (the specification's own
// reference library for JavaScript): it signs with its own HMAC and base64 code, and checks the
// timestamp against the real clock, so these tests sign at the current second.
const nowSeconds = () => Math.floor(Date.now() / 1000);
const body = JSON.stringify({ type: 'card.disabled', timestamp: '2026-12-06T10:00:00.000Z', data: { cardId: 'c', to: 'DISABLED', note: 'é ✓' } });

describe('Standard Webhooks signing', () => {
  it('our signature is accepted by the standardwebhooks package, for any id and body', () => {
    fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 40 }).filter((id) => !/[\s]/.test(id)), fc.string({ unit: 'grapheme', maxLength: 300 }), (id, text) => {
      const secret = newWebhookSecret();
      const headers = signWebhook({ id, timestamp: nowSeconds(), body: text, secrets: [secret] });
      new Webhook(secret).verify(text, { ...headers }, { jsonParse: false });
    }), { numRuns: 200 });
  });

  it('a signature of the standardwebhooks package is accepted by ours; a changed byte, id or timestamp is not', () => {
    const secret = newWebhookSecret();
    const timestamp = nowSeconds();
    const theirs = new Webhook(secret).sign('msg_2Kq', new Date(timestamp * 1000), body);
    const headers = { 'Webhook-Id': 'msg_2Kq', 'Webhook-Timestamp': String(timestamp), 'Webhook-Signature': theirs };
    assert.equal(verifyWebhook({ headers, body, secrets: [secret], now: timestamp }), null);
    assert.equal(verifyWebhook({ headers, body: body.replace('DISABLED', 'ENABLED'), secrets: [secret], now: timestamp }), 'no_matching_signature');
    assert.equal(verifyWebhook({ headers: { ...headers, 'Webhook-Id': 'msg_other' }, body, secrets: [secret], now: timestamp }), 'no_matching_signature');
    assert.equal(verifyWebhook({ headers: { ...headers, 'Webhook-Timestamp': String(timestamp + 1) }, body, secrets: [secret], now: timestamp }), 'no_matching_signature');
    assert.equal(verifyWebhook({ headers, body, secrets: [newWebhookSecret()], now: timestamp }), 'no_matching_signature');
  });

  it('both sign the same message identically', () => {
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    const timestamp = 1_765_000_000;
    const ours = signWebhook({ id: 'evt_1', timestamp, body, secrets: [secret] })['webhook-signature'];
    assert.equal(ours, new Webhook(secret).sign('evt_1', new Date(timestamp * 1000), body));
  });

  it('rotation: a message signed with the new and the old secret passes receivers holding either, in both implementations', () => {
    const [oldSecret, newSecret] = [newWebhookSecret(), newWebhookSecret()];
    const timestamp = nowSeconds();
    const headers = signWebhook({ id: 'evt_rot', timestamp, body, secrets: [newSecret, oldSecret] });
    assert.equal(headers['webhook-signature'].split(' ').length, 2);
    for (const secret of [oldSecret, newSecret]) {
      assert.equal(verifyWebhook({ headers: { ...headers }, body, secrets: [secret], now: timestamp }), null);
      new Webhook(secret).verify(body, { ...headers }, { jsonParse: false });
    }
    assert.throws(() => new Webhook(newWebhookSecret()).verify(body, { ...headers }), /No matching signature/);
    // A receiver mid-rotation holds both secrets and accepts a message signed with either alone.
    const onlyOld = signWebhook({ id: 'evt_rot', timestamp, body, secrets: [oldSecret] });
    assert.equal(verifyWebhook({ headers: { ...onlyOld }, body, secrets: [newSecret, oldSecret], now: timestamp }), null);
  });

  it('refuses timestamps outside the tolerance and malformed headers, as the package does', () => {
    const secret = newWebhookSecret();
    const now = nowSeconds();
    const old = signWebhook({ id: 'evt_old', timestamp: now - 301, body, secrets: [secret] });
    assert.equal(verifyWebhook({ headers: { ...old }, body, secrets: [secret], now }), 'timestamp_too_old');
    assert.throws(() => new Webhook(secret).verify(body, { ...old }), /too old/);
    const future = signWebhook({ id: 'evt_new', timestamp: now + 301, body, secrets: [secret] });
    assert.equal(verifyWebhook({ headers: { ...future }, body, secrets: [secret], now }), 'timestamp_too_new');
    assert.throws(() => new Webhook(secret).verify(body, { ...future }), /too new/);
    const edge = signWebhook({ id: 'evt_edge', timestamp: now - 300, body, secrets: [secret] });
    assert.equal(verifyWebhook({ headers: { ...edge }, body, secrets: [secret], now }), null);
    assert.equal(verifyWebhook({ headers: { ...edge }, body, secrets: [secret], now, toleranceSeconds: 60 }), 'timestamp_too_old');
    assert.equal(verifyWebhook({ headers: { 'webhook-id': 'x', 'webhook-timestamp': String(now) }, body, secrets: [secret], now }), 'missing_headers');
    assert.equal(verifyWebhook({ headers: { ...edge, 'webhook-timestamp': '12e3' }, body, secrets: [secret], now }), 'invalid_timestamp');
    assert.equal(verifyWebhook({ headers: { ...edge, 'webhook-signature': edge['webhook-signature'].replace('v1,', 'v2,') }, body, secrets: [secret], now }),
      'no_matching_signature', 'only v1 signatures count');
  });

  it('secrets: whsec_ and base64 of 24 to 64 bytes; errors never echo the secret', () => {
    assert.equal(webhookSecretKey(newWebhookSecret()).length, 32);
    for (const bad of ['abc', `whsec_${randomBytes(16).toString('base64')}`, `whsec_${randomBytes(65).toString('base64')}`, 'whsec_not*base64!!']) {
      assert.throws(() => webhookSecretKey(bad), (error: unknown) => error instanceof WebhookSecretError && !error.message.includes(bad.slice(6, 12) || bad));
    }
    assert.throws(() => signWebhook({ id: 'x', timestamp: 1, body, secrets: [] }), WebhookSecretError);
  });
});
