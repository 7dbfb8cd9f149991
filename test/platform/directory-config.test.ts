import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/config.ts';

// DIRECTORY_SECRETS: the person sources' secrets, by name, validated once at boot.
test('DIRECTORY_SECRETS is a JSON object of names to non-empty strings, empty when absent', () => {
  assert.deepEqual(loadConfig({}).directorySecrets, {});
  assert.deepEqual(loadConfig({ DIRECTORY_SECRETS: '{"LDAP_PASSWORD":"s3cret","SIS_URL":"postgres://u:p@h/db"}' }).directorySecrets,
    { LDAP_PASSWORD: 's3cret', SIS_URL: 'postgres://u:p@h/db' });
  for (const [raw, pattern] of [
    ['not json', /JSON object/],
    ['["a"]', /JSON object/],
    ['{"bad name":"x"}', /not a valid secret name/],
    ['{"EMPTY":""}', /EMPTY must be a non-empty string/],
    ['{"NUMBER":42}', /NUMBER must be a non-empty string/],
  ] as const) {
    assert.throws(() => loadConfig({ DIRECTORY_SECRETS: raw }), (error: Error) => error instanceof ConfigError && pattern.test(error.message), raw);
  }
});

test('a refused DIRECTORY_SECRETS never echoes a secret value', () => {
  assert.throws(() => loadConfig({ DIRECTORY_SECRETS: '{"OK":"visible-secret","bad name":"x"}' }),
    (error: Error) => !error.message.includes('visible-secret'));
});
