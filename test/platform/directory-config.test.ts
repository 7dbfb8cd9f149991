import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { join } from 'node:path';

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

// PERSON_SOURCE_DIR: the one folder CSV person sources read from.
test('PERSON_SOURCE_DIR defaults to <DATA_DIR>/sources, is made absolute, and is never the root', () => {
  assert.equal(loadConfig({ DATA_DIR: '/srv/campuscard' }).personSourceDir, '/srv/campuscard/sources');
  assert.equal(loadConfig({ DATA_DIR: '/srv/campuscard', PERSON_SOURCE_DIR: '/var/lib/exports/' }).personSourceDir, '/var/lib/exports');
  assert.equal(loadConfig({ PERSON_SOURCE_DIR: 'exports' }).personSourceDir, join(process.cwd(), 'exports'));
  assert.throws(() => loadConfig({ PERSON_SOURCE_DIR: '/' }), (error: Error) => error instanceof ConfigError && /PERSON_SOURCE_DIR/.test(error.message));
  assert.throws(() => loadConfig({ PERSON_SOURCE_DIR: '/tmp/..' }), ConfigError);
});
