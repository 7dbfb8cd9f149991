import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSecretCipher, secretHint } from './secret-cipher.ts';
import { createEscApiKeyCipher } from '../../modules/esc/esc-api-key.cipher.ts';

const SECRET = 'a-deployment-secret-of-at-least-32-characters';

test('a value decrypts in its context only, with the same secret and purpose', () => {
  const cipher = createSecretCipher(SECRET, 'connector-secret/v1');
  const stored = cipher.encrypt('campuscard:connector:crous:institution:1:secret', 'client-secret-value');
  assert.ok(!stored.includes('client-secret'), 'no clear text');
  assert.equal(cipher.decrypt('campuscard:connector:crous:institution:1:secret', stored), 'client-secret-value');
  assert.equal(cipher.decrypt('campuscard:connector:crous:institution:2:secret', stored), undefined, 'another institution');
  assert.equal(createSecretCipher(SECRET, 'other-purpose/v1').decrypt('campuscard:connector:crous:institution:1:secret', stored), undefined,
    'one environment secret, two purposes: two unrelated keys');
  assert.equal(createSecretCipher(`${SECRET}!`, 'connector-secret/v1').decrypt('campuscard:connector:crous:institution:1:secret', stored), undefined);
});

test('the ESC Router key cipher is the generic cipher with its historical purpose and context (stored keys stay readable)', () => {
  const stored = createSecretCipher(SECRET, 'esc-router-api-key/v1').encrypt('campuscard:institution:7:esc-api-key', 'router-key-0042');
  assert.equal(createEscApiKeyCipher(SECRET).decrypt(7, stored), 'router-key-0042');
  assert.equal(createEscApiKeyCipher(SECRET).decrypt(8, stored), undefined);
});

test('a hint shows the last four characters, and nothing of a short secret', () => {
  assert.equal(secretHint('abcdefghij1234'), '1234');
  assert.equal(secretHint('short123'), '');
});
