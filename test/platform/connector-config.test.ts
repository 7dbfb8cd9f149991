/**
 * The connectors' configuration (issue 11): CONNECTOR_SECRETS_KEY (falling back to
 * ESC_KEY_ENCRYPTION_KEY, at least 32 characters), CONNECTOR_SECRETS (secrets by name) and
 * CROUS_SIMULATOR (on by default in demo mode only).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.ts';

const KEY = 'k'.repeat(32);

test('CONNECTOR_SECRETS_KEY, else the ESC key; too short is refused', () => {
  assert.equal(loadConfig({ DEMO: 'false' }).connectorSecretsKey, undefined);
  assert.equal(loadConfig({ DEMO: 'false', ESC_KEY_ENCRYPTION_KEY: KEY }).connectorSecretsKey, KEY, 'one secret may serve both');
  assert.equal(loadConfig({ DEMO: 'false', ESC_KEY_ENCRYPTION_KEY: KEY, CONNECTOR_SECRETS_KEY: `${KEY}x` }).connectorSecretsKey, `${KEY}x`);
  assert.throws(() => loadConfig({ DEMO: 'false', CONNECTOR_SECRETS_KEY: 'short' }), (error: Error) =>
    error instanceof ConfigError && /CONNECTOR_SECRETS_KEY must be at least 32 characters/.test(error.message));
});

test('CONNECTOR_SECRETS is a JSON object of names to non-empty values', () => {
  assert.deepEqual(loadConfig({ DEMO: 'false', CONNECTOR_SECRETS: '{"CROUS_UNIV": "s3cret"}' }).connectorSecrets, { CROUS_UNIV: 's3cret' });
  for (const bad of ['[1]', 'not json', '{"bad name": "x"}', '{"EMPTY": ""}']) {
    assert.throws(() => loadConfig({ DEMO: 'false', CONNECTOR_SECRETS: bad }), (error: Error) =>
      error instanceof ConfigError && error.message.startsWith('CONNECTOR_SECRETS'), bad);
  }
});

test('CROUS_SIMULATOR is on in demo mode unless turned off, off otherwise', () => {
  assert.equal(loadConfig({ DEMO: 'true' }).crousSimulator, true);
  assert.equal(loadConfig({ DEMO: 'true', CROUS_SIMULATOR: 'false' }).crousSimulator, false);
  assert.equal(loadConfig({ DEMO: 'false' }).crousSimulator, false);
});
