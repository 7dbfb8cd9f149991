import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/config.ts';

test('defaults give an embedded server on port 8080 with its public URL', () => {
  const config = loadConfig({});
  assert.equal(config.port, 8080);
  assert.equal(config.databaseUrl, undefined);
  assert.equal(config.publicUrl, 'http://localhost:8080');
  assert.equal(config.qrPrefix, 'http://localhost:8080/v/');
  assert.equal(config.demo, true);
  assert.equal(config.cookieSecure, false);
});

test('invalid values fail fast with a message naming the variable', () => {
  assert.throws(() => loadConfig({ PORT: 'eighty' }), (e: unknown) => e instanceof ConfigError && /PORT/.test(e.message));
  assert.throws(() => loadConfig({ PORT: '70000' }), /PORT must be between/);
  assert.throws(() => loadConfig({ DATABASE_URL: 'mysql://x' }), /DATABASE_URL must use postgres/);
  assert.throws(() => loadConfig({ DEMO: 'maybe' }), /DEMO must be true or false/);
  assert.throws(() => loadConfig({ ESC_ROUTER_URL: 'http://router' }), /ESC_ROUTER_API_KEY is required/);
  assert.throws(() => loadConfig({ ESC_CARD_TYPE: 'PLASTIC' }), /ESC_CARD_TYPE must be one of/);
  assert.throws(() => loadConfig({ LOG_LEVEL: 'loud' }), /LOG_LEVEL/);
});

test('HTTPS public URL makes cookies Secure; trailing slashes are dropped', () => {
  const config = loadConfig({ PUBLIC_URL: 'https://cards.univ.example/' });
  assert.equal(config.cookieSecure, true);
  assert.equal(config.publicUrl, 'https://cards.univ.example');
});

test('the embedded ESC Router simulator is on by default only in demo mode without a router URL', () => {
  assert.equal(loadConfig({}).escRouterSimulator, true);
  assert.equal(loadConfig({ DEMO: 'false' }).escRouterSimulator, false);
  assert.equal(loadConfig({ ESC_ROUTER_URL: 'https://router.example/esc-rest', ESC_ROUTER_API_KEY: 'k' }).escRouterSimulator, false);
  assert.equal(loadConfig({ ESC_ROUTER_SIMULATOR: 'false' }).escRouterSimulator, false);
  assert.equal(loadConfig({ DEMO: 'false', ESC_ROUTER_SIMULATOR: 'true' }).escRouterSimulator, true);
});

test('the simulator is refused next to a real router URL, and must be a boolean', () => {
  assert.throws(() => loadConfig({ ESC_ROUTER_SIMULATOR: 'true', ESC_ROUTER_URL: 'https://router.example/esc-rest', ESC_ROUTER_API_KEY: 'k' }),
    (e: unknown) => e instanceof ConfigError && /ESC_ROUTER_SIMULATOR cannot be true when ESC_ROUTER_URL is set/.test(e.message));
  assert.throws(() => loadConfig({ ESC_ROUTER_SIMULATOR: 'sometimes' }), /ESC_ROUTER_SIMULATOR must be true or false/);
});

test('webhooks to http loopback URLs are allowed by default only for a demo on the embedded database', () => {
  assert.equal(loadConfig({}).webhookAllowHttpLoopback, true);
  assert.equal(loadConfig({ DEMO: 'false' }).webhookAllowHttpLoopback, false);
  assert.equal(loadConfig({ DATABASE_URL: 'postgres://db.example/campuscard' }).webhookAllowHttpLoopback, false, 'a deployment on PostgreSQL, even with DEMO on');
  assert.equal(loadConfig({ DEMO: 'false', WEBHOOK_ALLOW_HTTP_LOOPBACK: 'true' }).webhookAllowHttpLoopback, true);
  assert.throws(() => loadConfig({ WEBHOOK_ALLOW_HTTP_LOOPBACK: 'maybe' }), /WEBHOOK_ALLOW_HTTP_LOOPBACK must be true or false/);
});

test('each connector has its own concurrency: documented defaults, set one by one, integers from 1 to 256', () => {
  assert.deepEqual(loadConfig({}).syncConcurrency, { esc: 64, crous: 8, webhooks: 8 });
  assert.deepEqual(loadConfig({ ESC_SYNC_CONCURRENCY: '128', CROUS_SYNC_CONCURRENCY: '2', WEBHOOK_SYNC_CONCURRENCY: '16' }).syncConcurrency,
    { esc: 128, crous: 2, webhooks: 16 });
  assert.throws(() => loadConfig({ ESC_SYNC_CONCURRENCY: '0' }), /ESC_SYNC_CONCURRENCY must be between 1 and 256/);
  assert.throws(() => loadConfig({ CROUS_SYNC_CONCURRENCY: '257' }), /CROUS_SYNC_CONCURRENCY must be between 1 and 256/);
  assert.throws(() => loadConfig({ WEBHOOK_SYNC_CONCURRENCY: 'many' }), /WEBHOOK_SYNC_CONCURRENCY must be an integer/);
});
