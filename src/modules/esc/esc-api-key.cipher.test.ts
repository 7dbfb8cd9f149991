import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEscApiKeyCipher, keyHint } from './esc-api-key.cipher.ts';

const SECRET = 'a-deployment-secret-of-at-least-32-characters';

test('an encrypted key decrypts for its institution only, and never shows in the stored form', () => {
  const cipher = createEscApiKeyCipher(SECRET);
  const stored = cipher.encrypt(2, 'router-key-ecole-0042');
  assert.match(stored, /^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
  assert.ok(!stored.includes('router-key'), 'no clear text');
  assert.equal(cipher.decrypt(2, stored), 'router-key-ecole-0042');
  assert.equal(cipher.decrypt(1, stored), undefined, 'copied onto another institution, it does not decrypt');
  assert.notEqual(cipher.encrypt(2, 'router-key-ecole-0042'), stored, 'a fresh nonce each time');
});

test('another secret, a tampered value or a malformed one decrypt to nothing', () => {
  const stored = createEscApiKeyCipher(SECRET).encrypt(1, 'k'.repeat(40));
  assert.equal(createEscApiKeyCipher(`${SECRET}-changed`).decrypt(1, stored), undefined);
  const [version, nonce, tag, body] = stored.split('.') as [string, string, string, string];
  const flipped = `${body.slice(0, -2)}${body.endsWith('AA') ? 'AB' : 'AA'}`;
  assert.equal(createEscApiKeyCipher(SECRET).decrypt(1, [version, nonce, tag, flipped].join('.')), undefined);
  assert.equal(createEscApiKeyCipher(SECRET).decrypt(1, [version, nonce, tag.slice(0, 8), body].join('.')), undefined, 'a truncated tag is refused');
  assert.equal(createEscApiKeyCipher(SECRET).decrypt(1, 'not-a-key'), undefined);
  assert.equal(keyHint('abcdef123456'), '3456');
});
