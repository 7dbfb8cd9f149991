import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { installAccessControl } from '../../src/platform/http/access.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
before(async () => { t = await startTestApp(); });
after(async () => { await t.close(); });

const SAMPLE_ID = '00000000-0000-4000-8000-000000000000';

function concreteUrl(url: string): string {
  return url.replace(/:([A-Za-z]+)/g, (_m, name: string) => (name === 'escn' ? '3e506370-826a-103d-bf76-001000000001' : name === 'kind' ? 'esc' : SAMPLE_ID))
    .replace(/\*$/, 'x');
}

test('a route without an access rule makes the app refuse to start', async () => {
  const app = Fastify();
  installAccessControl(app, {
    resolvePrincipal: async () => null,
    checkCsrf: async () => undefined,
    isPublicPluginRoute: () => false,
  });
  assert.throws(() => app.get('/forgotten', async () => 'x'), /has no access rule/);
});

test('every non-public route answers 401 problem+json to an anonymous caller', async () => {
  const protectedRoutes = t.app.accessRules.filter((rule) => !('public' in rule.access) && rule.method !== 'HEAD');
  assert.ok(protectedRoutes.length >= 10, `expected many protected routes, found ${protectedRoutes.length}`);
  for (const rule of protectedRoutes) {
    const response = await t.anonymous.request(rule.method as 'GET', concreteUrl(rule.url), rule.method === 'GET' || rule.method === 'DELETE' ? {} : { body: {} });
    assert.equal(response.status, 401, `${rule.method} ${rule.url} gave ${response.status}`);
    assert.equal(response.body.code, 'unauthenticated', `${rule.method} ${rule.url}`);
  }
});

test('role-restricted routes refuse a cardholder with 403', async () => {
  const student = await t.loginAs('cardholder', { personId: SAMPLE_ID });
  const officeOnly = t.app.accessRules.filter((rule) => 'roles' in rule.access && Array.isArray(rule.access.roles)
    && !rule.access.roles.includes('cardholder') && rule.method !== 'HEAD');
  assert.ok(officeOnly.length > 0);
  for (const rule of officeOnly) {
    const response = await student.request(rule.method as 'GET', concreteUrl(rule.url), rule.method === 'GET' || rule.method === 'DELETE' ? {} : { body: {} });
    assert.equal(response.status, 403, `${rule.method} ${rule.url} gave ${response.status}`);
  }
});

test('the OpenAPI document lists the API routes with their schemas', async () => {
  const response = await t.anonymous.get<{ paths: Record<string, unknown> }>('/api/v1/openapi.json');
  assert.equal(response.status, 200);
  assert.ok(response.body.paths['/api/v1/auth/login']);
  const documented = Object.keys(response.body.paths).length;
  const apiRoutes = new Set(t.app.accessRules.filter((rule) => rule.url.startsWith('/api/v1/') && rule.url !== '/api/v1/openapi.json').map((rule) => rule.url));
  assert.equal(documented, apiRoutes.size);
});

test('unknown routes answer 404 problem+json', async () => {
  const response = await t.anonymous.get('/api/v1/nothing-here');
  assert.equal(response.status, 404);
  assert.equal(response.body.code, 'route_not_found');
});

test('health answers once ready; metrics need an admin or viewer', async () => {
  assert.equal((await t.anonymous.get('/healthz')).status, 200);
  assert.equal((await t.anonymous.get('/metrics')).status, 401);
  const viewer = await t.tokenClient('viewer');
  const metrics = await viewer.get('/metrics');
  assert.equal(metrics.status, 200);
  assert.match(metrics.text, /http_request_duration_seconds/);
  assert.match(metrics.text, /campuscard_job_queue_depth/);
});
