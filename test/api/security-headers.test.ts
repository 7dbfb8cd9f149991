import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestResponse } from '../helpers/test-app.ts';
import { ensureWebBuilt } from '../browser/browser-harness.ts';

// The web bundle is served from web/dist: build it so the application pages are part of the check.
ensureWebBuilt();

let plain: TestApp;
let secure: TestApp;
before(async () => {
  plain = await startTestApp();
  secure = await startTestApp({ env: { PUBLIC_URL: 'https://carte.univ.example.fr' } });
});
after(async () => {
  await plain?.close();
  await secure?.close();
});

/** Answers of every kind the server gives: API JSON, problems, files, HTML pages, docs, metrics. */
async function samples(t: TestApp): Promise<Array<[string, TestResponse]>> {
  const admin = await t.loginAs('admin');
  const asset = /src="\.?\/?(assets\/[^"]+\.js)"/.exec((await t.anonymous.get('/')).text)?.[1];
  assert.ok(asset, 'the application page names its script');
  return [
    ['JSON', await admin.get('/api/v1/accounts')],
    ['problem 401', await t.anonymous.get('/api/v1/accounts')],
    ['problem 404', await t.anonymous.get('/api/v1/no-such-route')],
    ['problem 400', await t.anonymous.post('/api/v1/auth/login', { email: 1 })],
    ['health', await t.anonymous.get('/healthz')],
    ['metrics', await admin.get('/metrics')],
    ['openapi', await t.anonymous.get('/api/v1/openapi.json')],
    ['application page', await t.anonymous.get('/')],
    ['deep link', await t.anonymous.get('/office/cards')],
    ['script asset', await t.anonymous.get(`/${asset}`)],
    ['verification page', await t.anonymous.get('/v/not-an-escn')],
    ['verification page found-shape', await t.anonymous.get('/v/00000000-0000-0000-0000-000000000000999999999')],
    ['API docs page', await t.anonymous.get('/api/docs')],
    ['API docs redirect', await t.anonymous.get('/api/docs/static/index.html')],
    ['API docs script', await t.anonymous.get('/api/docs/static/swagger-ui-bundle.js')],
    ['CSV export', await admin.get('/api/v1/persons/export.csv')],
  ];
}

function isHtml(response: TestResponse): boolean {
  return String(response.headers['content-type'] ?? '').startsWith('text/html');
}

test('every answer carries X-Content-Type-Options: nosniff, and no HSTS on a plain-http address', async () => {
  const answers = await samples(plain);
  for (const [label, response] of answers) {
    assert.equal(response.headers['x-content-type-options'], 'nosniff', label);
    assert.equal(response.headers['strict-transport-security'], undefined, label);
  }
  assert.ok(answers.filter(([, r]) => isHtml(r)).length >= 4, 'the sample holds several HTML answers');
});

test('with an https PUBLIC_URL every answer carries HSTS for a year', async () => {
  for (const [label, response] of await samples(secure)) {
    assert.equal(response.headers['strict-transport-security'], 'max-age=31536000', label);
    assert.equal(response.headers['x-content-type-options'], 'nosniff', label);
  }
});

test('every HTML answer forbids framing with CSP frame-ancestors none, the docs included', async () => {
  for (const t of [plain, secure]) {
    for (const [label, response] of await samples(t)) {
      if (!isHtml(response)) continue;
      const csp = String(response.headers['content-security-policy'] ?? '');
      assert.match(csp, /(^|;\s*)frame-ancestors 'none'(;|$)/, `${label}: ${csp}`);
      assert.doesNotMatch(csp, /frame-ancestors 'self'/, label);
      assert.equal(response.headers['x-frame-options'], 'DENY', label);
    }
  }
});

test('the API docs have a CSP of their own: scripts only from the host or by hash, no upgrade on http', async () => {
  const docs = await plain.anonymous.get('/api/docs');
  assert.equal(docs.status, 200);
  assert.match(docs.text, /swagger-ui/);
  const csp = String(docs.headers['content-security-policy']);
  assert.match(csp, /(^|; )script-src 'self'( 'sha256-[A-Za-z0-9+/=]+')*(;|$)/);
  assert.doesNotMatch(csp, /unsafe-eval|validator\.swagger\.io|upgrade-insecure-requests|https:/);
  assert.doesNotMatch(csp, /script-src[^;]*unsafe-inline/);
  const secureDocs = await secure.anonymous.get('/api/docs');
  assert.match(String(secureDocs.headers['content-security-policy']), /upgrade-insecure-requests/);
});
